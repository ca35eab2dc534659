function v = fieldOr(s, name, default)
%FIELDOR  The field NAME of struct S, or DEFAULT when S is not a struct or lacks it.
%   v = gtconvert.internal.fieldOr(s, 'Group', '') reads the optional fields of structs
%   shaped like saveobj(gTruth), whose set of fields differs between MATLAB releases.
%
%   Example:
%       group = gtconvert.internal.fieldOr(def, 'Group', 'None');
if isstruct(s) && isfield(s, name)
    v = s.(name);
else
    v = default;
end
end
