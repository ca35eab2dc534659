function spec = readInterchange(file)
%READINTERCHANGE  Interchange .mat -> plain struct shaped like saveobj(gTruth).
%   SPEC = gtconvert.internal.readInterchange(FILE) reads the interchange
%   file written by gtconvert (Python) or gtconvert.exportStruct and
%   returns a struct with the fields of saveobj(gTruth):
%     DataSource        Source (full image paths, or the video path),
%                       TimeStamps (seconds, [] for still images), SourceType
%     LabelDefinitions  struct array: Name, Type, LabelColor, PixelLabelID,
%                       Group, Description, Hierarchy
%     LabelData         struct array, one element per image: one field per
%                       label, PixelLabelData, and Time for timed sources
%   plus NameMap (Original, Valid, Parent per label), Release and InfoJson
%   (source metadata, kept by gtconvert.exportStruct). Names
%   that are not valid MATLAB identifiers (e.g. 'traffic light') become
%   valid ones; the original is kept in NameMap and at the start of the
%   label's Description ('[gtconvert name: "traffic light"]'), from where
%   gtconvert.exportStruct restores it. Coordinates are returned unchanged
%   (the file's frame is MATLAB's). Runs in MATLAB and GNU Octave.
%
%   Example:
%       spec = gtconvert.internal.readInterchange('coco_labels.mat');
%       spec.LabelDefinitions(1).Name
%
%   See also gtconvert.importGroundTruth, gtconvert.exportStruct.

g = loadInterchange(file);
folder = fileparts(char(file));
if isempty(folder)
    folder = pwd;
end
n = numel(g.imageIds);
labels = labelTable(g);

spec = struct();
spec.DataSource = dataSource(g, folder);
spec.LabelDefinitions = definitions(g, labels);
spec.LabelData = labelData(g, labels, n, folder);
spec.NameMap = struct('Original', g.labelNames, 'Valid', {labels.field}', 'Parent', g.labelParents);
spec.Release = g.release;
spec.InfoJson = g.infoJson;
end

% =============================================================================
function g = loadInterchange(file)
file = char(file);
if ~exist(file, 'file')
    error('gtconvert:readInterchange:noFile', 'No such file: "%s".', file);
end
try
    variables = who('-file', file);
catch err
    error('gtconvert:readInterchange:unreadable', 'Cannot read "%s" as a .mat file: %s', file, err.message);
end
content = struct();
if any(strcmp(variables, 'gtconvert'))  % GNU Octave's load fails on a variable the file lacks
    content = load(file, 'gtconvert');
end
if ~isfield(content, 'gtconvert') || ~strcmp(char(gtconvert.internal.fieldOr(content.gtconvert, 'schema', '')), ...
        'gtconvert-interchange')
    error('gtconvert:readInterchange:notInterchange', ['"%s" is not a gtconvert interchange file (no variable ', ...
        '''gtconvert'' with schema ''gtconvert-interchange''); write it with gtconvert.'], file);
end
g = content.gtconvert;
if double(g.version) > 1
    error('gtconvert:readInterchange:newerVersion', ['"%s" uses interchange version %d; this gtconvert reads ', ...
        'version 1 (update the MATLAB folder of gtconvert).'], file, g.version);
end
% Files written by scipy may hold 0x0 where this side writes 0xN, and
% 1xN where it writes Nx1: normalise every column once here.
empty = gtconvert.internal.emptyInterchange();
names = fieldnames(empty);
for f = 1:numel(names)
    name = names{f};
    if ~isfield(g, name)
        g.(name) = empty.(name);
    elseif iscell(empty.(name))
        g.(name) = cellColumn(g.(name));
    elseif ~ischar(empty.(name))
        ncols = size(empty.(name), 2);
        value = g.(name);
        if isempty(value)
            value = reshape(value, 0, ncols);
        elseif ncols == 1
            value = value(:);
        end
        g.(name) = double(value);
    else
        g.(name) = char(g.(name));
    end
end
g.objIsCrowd = logical(g.objIsCrowd);
end

function c = cellColumn(c)
if isempty(c)
    c = cell(0, 1);
elseif ischar(c)
    c = {c};
else
    c = c(:);
end
for i = 1:numel(c)
    if isa(c{i}, 'string')
        c{i} = char(c{i});
    end
end
end

function labels = labelTable(g)
% Per label: MATLAB field name, type, attributes and sublabel rows.
k = numel(g.labelNames);
fields = cell(k, 1);
top = find(cellfun(@isempty, g.labelParents));
fields(top) = gtconvert.internal.validName(g.labelNames(top));
for i = top(:)'
    subs = find(strcmp(g.labelParents, g.labelNames{i}));
    fields(subs) = gtconvert.internal.validName(g.labelNames(subs));
end
labels = struct('field', fields, 'type', g.labelTypes, 'parent', 0);
for i = 1:k
    if ~isempty(g.labelParents{i})
        labels(i).parent = find(strcmp(g.labelNames, g.labelParents{i}) & ...
            cellfun(@isempty, g.labelParents), 1);
    end
    attrRows = find(g.attrLabel == i);
    labels(i).attrs = gtconvert.internal.validName(g.attrNames(attrRows));
    labels(i).attrRows = attrRows;
end
for i = 1:k
    labels(i).subs = find([labels.parent] == i);
    labels(i).complex = ~isempty(labels(i).attrs) || ~isempty(labels(i).subs);
end
end

% =============================================================================
function ds = dataSource(g, folder)
ds = struct();
timed = any(~isnan(g.imageTime));
if any(strcmp(g.sourceType, {'video', 'custom'})) && ~isempty(g.sourceName)
    ds.Source = char(gtconvert.internal.absolutePath({g.sourceName}, folder));
else
    ds.Source = gtconvert.internal.absolutePath(g.imageFiles, folder);
end
if timed
    ds.TimeStamps = g.imageTime;
else
    ds.TimeStamps = [];
end
ds.SourceType = g.sourceType;
end

function defs = definitions(g, labels)
top = find([labels.parent] == 0);
defs = struct('Name', {}, 'Type', {}, 'LabelColor', {}, 'PixelLabelID', {}, ...
    'Group', {}, 'Description', {}, 'Hierarchy', {});
for i = top(:)'
    if strcmp(g.labelTypes{i}, 'Mask')
        warning('gtconvert:readInterchange:maskLabel', ['Label "%s" holds RLE masks, which groundTruth ', ...
            'cannot hold; write them as pixel labels from Python (--to masks) instead.'], ...
            g.labelNames{i});
        continue
    end
    d = oneDefinition(g, labels, i);
    d.PixelLabelID = g.labelPixelIds{i};
    d.Group = g.labelGroups{i};
    d.Hierarchy = hierarchy(g, labels, i);
    defs(end + 1, 1) = d; %#ok<AGROW> few labels
end
end

function d = oneDefinition(g, labels, i)
d = struct();
d.Name = labels(i).field;
d.Type = g.labelTypes{i};
d.LabelColor = g.labelColors(i, :);
d.Description = g.labelDescriptions{i};
if ~strcmp(d.Name, g.labelNames{i})
    d.Description = strtrim(sprintf('[gtconvert name: %s] %s', jsonencode(g.labelNames{i}), ...
        d.Description));
end
end

function h = hierarchy(g, labels, i)
% Sublabels and attributes in the layout of labelDefinitionCreator.
if ~labels(i).complex
    h = [];
    return
end
h = attributeDefinitions(g, labels, i);
for s = labels(i).subs
    sub = oneDefinition(g, labels, s);
    sub = rmfield(sub, 'Name');
    extra = attributeDefinitions(g, labels, s);
    for f = fieldnames(extra)'
        sub.(f{1}) = extra.(f{1});
    end
    h.(labels(s).field) = sub;
end
h.Type = g.labelTypes{i};
h.Description = g.labelDescriptions{i};
end

function h = attributeDefinitions(g, labels, i)
h = struct();
for a = 1:numel(labels(i).attrs)
    row = labels(i).attrRows(a);
    def = struct();
    if strcmp(g.attrTypes{row}, 'list')
        def.ListItems = cellstr(jsondecode(g.attrListItems{row}));
    else
        def.DefaultValue = attributeDefault(g, row);
    end
    def.Description = g.attrDescriptions{row};
    h.(labels(i).attrs{a}) = def;
end
end

function value = attributeDefault(g, row)
json = g.attrDefaults{row};
switch g.attrTypes{row}
    case 'logical'
        value = false;
    case 'numeric'
        value = [];
    otherwise
        value = '';
end
if ~isempty(json)
    value = jsondecode(json);
end
end

% =============================================================================
function data = labelData(g, labels, n, folder)
% One struct element per image, one field per top-level label.
top = find([labels.parent] == 0 & ~strcmp(g.labelTypes, 'PixelLabel')' & ...
    ~strcmp(g.labelTypes, 'Mask')');
values = cell(n, numel(labels));
for k = top(:)'
    values(:, k) = {emptyValue(labels, k, g.labelEmptyValues)};
end
[values, where] = topLevelObjects(g, labels, values);
values = sublabelObjects(g, labels, values, where);

data = repmat(struct(), n, 1);
if any(~isnan(g.imageTime))
    for i = 1:n
        data(i).Time = g.imageTime(i);
    end
end
for k = top(:)'
    [data.(labels(k).field)] = values{:, k};
end
if any(strcmp(g.labelTypes, 'PixelLabel'))
    files = gtconvert.internal.absolutePath(g.pixelLabelFiles, folder);
    [data.PixelLabelData] = files{:};
end
end

function v = emptyValue(labels, k, texts)
% An empty LabelData cell of label K: of the class and size the source had
% ('double 0x4', 'cell 0x1', 'struct 0x1', from labelEmptyValues), else
% the default of its type.
shapeText = '';
if numel(texts) >= k
    shapeText = texts{k};
end
tokens = regexp(shapeText, '^(\w+) (\d+)x(\d+)$', 'tokens', 'once');
if ~isempty(tokens) && ~strcmp(labels(k).type, 'Scene')
    shape = [str2double(tokens{2}), str2double(tokens{3})];
    switch tokens{1}
        case 'cell'
            v = cell(shape);
            return
        case 'struct'
            if labels(k).complex
                names = [{'Position'}; labels(k).attrs(:); {labels(labels(k).subs).field}'];
                v = cell2struct(cell([numel(names), shape]), names, 1);
                v = reshape(v, shape);
                return
            end
        case 'logical'
            v = false(shape);
            return
        otherwise
            v = zeros(shape);
            return
    end
end
switch labels(k).type
    case {'Polygon', 'Line'}
        v = cell(0, 1);
    case 'Scene'
        v = false;
    otherwise
        v = [];
end
end

function [values, where] = topLevelObjects(g, labels, values)
% WHERE(m) = linear index into VALUES and element of object m, for sublabels.
m = numel(g.objId);
parts = geometryParts(g);
where = zeros(m, 2);
nSplit = 0;
for o = find(g.objParent(:)' == 0)
    k = g.objLabel(o);
    i = g.objImage(o);
    if strcmp(labels(k).type, 'Mask') || labels(k).parent ~= 0
        continue
    end
    [positions, extraParts] = positionsOf(g, labels(k).type, o, parts);
    nSplit = nSplit + extraParts;
    for p = 1:numel(positions)
        [values{i, k}, at] = appendObject(values{i, k}, labels(k), positions{p}, g, labels, o);
        where(o, :) = [sub2ind(size(values), i, k), at];
    end
end
if nSplit > 0
    warning('gtconvert:readInterchange:polygonSplit', ['%d polygon parts became separate polygons: a MATLAB ', ...
        'polygon has one vertex list.'], nSplit);
end
end

function values = sublabelObjects(g, labels, values, where)
parts = geometryParts(g);
for o = find(g.objParent(:)' > 0)
    parent = g.objParent(o);
    k = g.objLabel(o);
    if where(parent, 1) == 0 || labels(k).parent == 0
        continue  % nested deeper than MATLAB's one level of sublabels
    end
    positions = positionsOf(g, labels(k).type, o, parts);
    holder = values{where(parent, 1)};
    at = where(parent, 2);
    field = labels(k).field;
    current = holder(at).(field);
    for p = 1:numel(positions)
        current = appendObject(current, labels(k), positions{p}, g, labels, o, true);
    end
    holder(at).(field) = current;
    values{where(parent, 1)} = holder;
end
end

function [v, at] = appendObject(v, lab, position, g, labels, o, asStruct)
% Add one object to a LabelData value: rows for shapes, cells for
% polygons, true for scenes; a struct element when the label has
% attributes or sublabels.
if nargin < 7
    asStruct = lab.complex;
end
if asStruct
    element = struct('Position', {position});
    attrs = decodeAttributes(g, lab, o);
    for a = 1:numel(lab.attrs)
        element.(lab.attrs{a}) = attrs.(lab.attrs{a});
    end
    for s = lab.subs
        element.(labels(s).field) = [];
    end
    if isempty(v)
        v = element;
    else
        v(end + 1, 1) = element;
    end
    at = numel(v);
    return
end
switch lab.type
    case {'Polygon', 'Line'}
        if ~iscell(v)
            v = cell(0, 1);  % the source's empty cells were 0x0 double
        end
        v{end + 1, 1} = position;
    case 'Scene'
        v = true;
        if ~isempty(g.objAttributes{o})  % a numeric or text Scene value (R2026b)
            given = jsondecode(g.objAttributes{o});
            if isfield(given, 'value')
                v = given.value;
            end
        end
    otherwise
        v = [v; position];
end
at = size(v, 1);
end

function attrs = decodeAttributes(g, lab, o)
attrs = struct();
for a = 1:numel(lab.attrs)
    attrs.(lab.attrs{a}) = attributeDefault(g, lab.attrRows(a));
end
json = g.objAttributes{o};
if isempty(json)
    return
end
given = jsondecode(json);
names = fieldnames(given);
valid = gtconvert.internal.validName(names);
for a = 1:numel(names)
    if isfield(attrs, valid{a})
        attrs.(valid{a}) = given.(names{a});
    end
end
end

function parts = geometryParts(g)
% First part and first vertex of each object (1-based), from the counts.
parts.first = cumsum([1; g.objPartCount(:)]);
parts.vertexFirst = cumsum([1; g.partVertexCount(:)]);
end

function [positions, extra] = positionsOf(g, typeName, o, parts)
extra = 0;
switch typeName
    case {'Polygon', 'Line'}
        nParts = g.objPartCount(o);
        positions = cell(1, nParts);
        for p = 1:nParts
            part = parts.first(o) + p - 1;
            vertexRows = parts.vertexFirst(part):parts.vertexFirst(part + 1) - 1;
            positions{p} = g.vertices(vertexRows, :);
        end
        extra = max(nParts - 1, 0);
    case 'Scene'
        positions = {true};
    otherwise
        row = g.objPosition(o, :);
        nValues = gtconvert.internal.positionColumns(typeName);
        if nValues == 0
            nValues = 9;  % a type without position rows: the whole row, as stored
        end
        positions = {row(1:nValues)};
end
end
