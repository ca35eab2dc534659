function s = tableToStruct(records, types)
%TABLETOSTRUCT  Label-table rows -> struct shaped like saveobj(gTruth).
%   S = gtconvert.internal.tableToStruct(ROWS, TYPES): ROWS is a struct
%   array with an image file field (imageFilename, or the first char field)
%   and one field per label; TYPES maps label names to labelType names
%   where given, otherwise types are inferred from the values.
%
%   Example:
%       s = gtconvert.internal.tableToStruct(table2struct(tbl), struct('lane', 'Line'));

records = records(:);
names = fieldnames(records);
fileField = 'imageFilename';
if ~any(strcmp(names, fileField))
    error('gtconvert:tableToStruct:noImageFilename', ['The table has no imageFilename column; name the ', ...
        'column of image files imageFilename.']);
end
files = cellfun(@char, {records.(fileField)}', 'UniformOutput', false);
labelNames = setdiff(names, {fileField}, 'stable');
defs = struct('Name', labelNames, 'Type', '');
for k = 1:numel(labelNames)
    name = labelNames{k};
    if isfield(types, name)
        defs(k).Type = char(types.(name));
    else
        defs(k).Type = inferType({records.(name)}, name);
    end
end
s.DataSource = struct('Source', {files}, 'TimeStamps', [], 'SourceType', 'imageCollection');
s.LabelDefinitions = defs;
s.LabelData = rmfield(records, fileField);
end

function typeName = inferType(values, name)
typeName = 'Rectangle';  % an all-empty column: the apps' default shape
for i = 1:numel(values)
    v = values{i};
    if isempty(v)
        continue
    end
    if isstruct(v)
        v = v(1).Position;
    end
    if islogical(v)
        typeName = 'Scene';
    elseif iscell(v)
        typeName = 'Polygon';
    else
        byType = gtconvert.internal.positionColumns();
        types = fieldnames(byType);
        match = types(cellfun(@(t) byType.(t) == size(v, 2), types));
        if isempty(match)
            error('gtconvert:tableToStruct:unknownType', ['Cannot tell the label type of column %s ', ...
                '(values are %dx%d); give it with ''LabelTypes''.'], name, size(v, 1), size(v, 2));
        end
        typeName = match{1};
    end
    return
end
end
