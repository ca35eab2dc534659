function names = validName(names)
%VALIDNAME  Valid, unique MATLAB identifiers for label or attribute names.
%   NAMES = gtconvert.internal.validName(NAMES) turns a cellstr of names
%   (which may come from Python, e.g. 'traffic light') into valid field
%   names, using matlab.lang.makeValidName where it exists and an
%   equivalent rule otherwise (older GNU Octave). Duplicates created by the
%   renaming get a numeric suffix, so every name maps to one field.
%
%   Example:
%       gtconvert.internal.validName({'traffic light', '2nd'})
%       % -> {'trafficLight', 'x2nd'}

if ischar(names)
    names = {names};
end
for k = 1:numel(names)
    names{k} = oneName(char(names{k}));
end
% Make unique: the second 'a' becomes 'a_1', and so on.
for k = 2:numel(names)
    base = names{k};
    n = 0;
    while any(strcmp(names{k}, names(1:k-1)))
        n = n + 1;
        names{k} = sprintf('%s_%d', base, n);
    end
end
end

function name = oneName(name)
try
    name = matlab.lang.makeValidName(name);
catch
    name = fallbackName(name);
end
end

function name = fallbackName(name)
% The rule of matlab.lang.makeValidName: drop whitespace, capitalising the
% letter after it; replace other invalid characters by '_'; prefix 'x' when
% the name does not start with a letter; truncate to namelengthmax.
name = regexprep(name, '\s+(\w)', '${upper($1)}');
name = regexprep(name, '\s', '');
name = regexprep(name, '[^A-Za-z0-9_]', '_');
if isempty(name) || ~isletter(name(1))
    name = ['x' name];
end
if iskeyword(name)
    name = ['x' upper(name(1)) name(2:end)];
end
name = name(1:min(end, namelengthmax));
end
