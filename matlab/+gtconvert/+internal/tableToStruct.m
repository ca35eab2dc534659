function s = tableToStruct(rows, types)
%TABLETOSTRUCT  Label-table rows -> struct shaped like saveobj(gTruth).
%   S = gtconvert.internal.tableToStruct(ROWS, TYPES): ROWS is a struct
%   array with an image file field (imageFilename, or the first char field)
%   and one field per label; TYPES maps label names to labelType names
%   where given, otherwise types are inferred from the values.

rows = rows(:);
names = fieldnames(rows);
fileField = 'imageFilename';
if ~any(strcmp(names, fileField))
    error('gtconvert:badInput', ['The table has no imageFilename column; name the ', ...
        'column of image files imageFilename.']);
end
files = cellfun(@char, {rows.(fileField)}', 'UniformOutput', false);
labelNames = setdiff(names, {fileField}, 'stable');
defs = struct('Name', labelNames, 'Type', '');
for k = 1:numel(labelNames)
    name = labelNames{k};
    if isfield(types, name)
        defs(k).Type = char(types.(name));
    else
        defs(k).Type = inferType({rows.(name)}, name);
    end
end
s.DataSource = struct('Source', {files}, 'TimeStamps', [], 'SourceType', 'imageCollection');
s.LabelDefinitions = defs;
s.LabelData = rmfield(rows, fileField);
end

function type = inferType(values, name)
type = 'Rectangle';  % an all-empty column: the apps' default shape
for i = 1:numel(values)
    v = values{i};
    if isempty(v)
        continue
    end
    if isstruct(v)
        v = v(1).Position;
    end
    if islogical(v)
        type = 'Scene';
    elseif iscell(v)
        type = 'Polygon';
    else
        switch size(v, 2)
            case 4
                type = 'Rectangle';
            case 5
                type = 'RotatedRectangle';
            case 8
                type = 'ProjectedCuboid';
            case 2
                type = 'Point';
            case 9
                type = 'Cuboid';
            otherwise
                error('gtconvert:badInput', ['Cannot tell the label type of column %s ', ...
                    '(values are %dx%d); give it with ''LabelTypes''.'], name, size(v, 1), size(v, 2));
        end
    end
    return
end
end
