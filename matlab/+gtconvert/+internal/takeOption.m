function [value, rest] = takeOption(args, name, default)
%TAKEOPTION  Remove one name-value pair from ARGS, returning its value.
%   [VALUE, REST] = gtconvert.internal.takeOption(ARGS, NAME, DEFAULT)
%   finds NAME (case-insensitive) in the cell ARGS of name-value pairs;
%   VALUE is its value (DEFAULT when absent) and REST the other pairs,
%   which the caller hands on to gtconvert.exportStruct.
%
%   Example:
%       [names, rest] = gtconvert.internal.takeOption(varargin, 'LabelNames', {'mask'});

value = default;
rest = args;
for i = numel(args) - 1:-2:1
    if (ischar(args{i}) || isa(args{i}, 'string')) && strcmpi(args{i}, name)
        value = args{i + 1};
        rest(i:i + 1) = [];
    end
end
end
