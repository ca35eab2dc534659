function g = buildInterchange(s, opts)
%BUILDINTERCHANGE  One saveobj-shaped groundTruth struct -> interchange struct.
%   G = gtconvert.internal.buildInterchange(S, OPTS) translates the plain
%   struct S (fields DataSource, LabelDefinitions, LabelData, as
%   saveobj(gTruth) holds them, with label types as char and durations as
%   seconds) into the columnar interchange struct of docs/interchange.md.
%   LabelData values are stored unchanged (frame 'matlab').
%
%   OPTS fields: Folder (folder of the output .mat; paths inside it become
%   relative), Release, SamplingFactor, ImageFiles, FramePrefix,
%   FrameFolder, ImageSize, ReadImageSize. See gtconvert.exportStruct.
%
%   Example:
%       opts = struct('Folder', pwd, 'Release', '', 'SamplingFactor', 1, ...
%           'ImageFiles', {{}}, 'FramePrefix', '', 'FrameFolder', '', ...
%           'ImageSize', [], 'ReadImageSize', false);
%       g = gtconvert.internal.buildInterchange(s, opts);

for f = {'DataSource', 'LabelDefinitions', 'LabelData'}
    if ~isfield(s, f{1})
        error('gtconvert:buildInterchange:missingField', ...
            'The struct has no field %s; expected the fields of saveobj(gTruth).', f{1});
    end
end
data = s.LabelData(:);
defs = s.LabelDefinitions(:);
n = numel(data);

g = gtconvert.internal.emptyInterchange();
g.release = char(opts.Release);

% ---- images ------------------------------------------------------------------
[g.sourceType, g.sourceName, files, rowTimes] = describeSource(s.DataSource, data, n);
kept = (1:n)';
if ~isnan(rowTimes(1)) && opts.SamplingFactor > 1
    kept = (1:opts.SamplingFactor:n)';  % like objectDetectorTrainingData
end
if ~isempty(opts.ImageFiles)
    files = cellstr(opts.ImageFiles);
    if numel(files) ~= numel(kept)
        error('gtconvert:buildInterchange:imageFilesCount', 'ImageFiles has %d entries for %d images.', ...
            numel(files), numel(kept));
    end
    files = files(:);
elseif isempty(files)
    files = frameNames(g.sourceName, kept, n, opts);
else
    files = files(kept);
end
pixelFiles = repmat({''}, numel(kept), 1);
if isfield(data, 'PixelLabelData')
    for i = 1:numel(kept)
        pixelFiles{i} = char(data(kept(i)).PixelLabelData);
    end
end
g.imageFiles = gtconvert.internal.relativePath(files, opts.Folder);
g.imageIds = (1:numel(kept))';
g.imageTime = rowTimes(kept);
g.pixelLabelFiles = gtconvert.internal.relativePath(pixelFiles, opts.Folder);
g.imageSize = imageSizes(files, pixelFiles, opts);

% ---- label definitions -------------------------------------------------------
[g, labels] = addDefinitions(g, defs);

% ---- objects -----------------------------------------------------------------
chunks = {};
next = 1;
for i = 1:numel(kept)
    for k = 1:numel(labels)
        lab = labels(k);
        if lab.parent ~= 0 || strcmp(lab.type, 'PixelLabel') || ~isfield(data, lab.field)
            continue
        end
        value = data(kept(i)).(lab.field);
        if isempty(value) && isempty(g.labelEmptyValues{k})  % kept so that 0x4 comes back 0x4
            g.labelEmptyValues{k} = sprintf('%s %dx%d', class(value), size(value, 1), size(value, 2));
        end
        [found, next] = objectsOf(value, k, i, 0, next, labels);
        chunks = [chunks, found]; %#ok<AGROW> one entry per (image, label) with objects
    end
end
g = appendObjects(g, chunks);
end

% =============================================================================
function [typeName, name, files, rowTimes] = describeSource(ds, data, n)
% Source type, video name, image files (or {} when frames must be named) and
% per-row times in seconds (NaN for still images).
src = gtconvert.internal.fieldOr(ds, 'Source', {});
typeName = char(gtconvert.internal.fieldOr(ds, 'SourceType', ''));
stamps = double(gtconvert.internal.fieldOr(ds, 'TimeStamps', []));
if isfield(data, 'Time') && n > 0
    stamps = double([data.Time]);
end
name = '';
files = {};
if iscell(src)
    files = cellfun(@char, src(:), 'UniformOutput', false);
elseif ischar(src) || isa(src, 'string')
    name = char(src);
end
low = lower(typeName);
mentions = @(json, nameFormat) ~isempty(strfind(json, nameFormat));
if strcmp(low, 'python')
    typeName = 'python';  % written by gtconvert in Python: exact boxes, no labeler quirk
elseif mentions(low, 'datastore')
    typeName = 'imageDatastore';
elseif mentions(low, 'video')
    typeName = 'video';
elseif mentions(low, 'sequence')
    typeName = 'imageSequence';
elseif mentions(low, 'custom')
    typeName = 'custom';
elseif ~isempty(files)
    typeName = 'imageCollection';
elseif ~isempty(name)
    typeName = 'video';
else
    typeName = 'imageCollection';
end
if ~isempty(files) && numel(files) ~= n
    error('gtconvert:buildInterchange:rowCount', 'DataSource has %d images but LabelData has %d rows.', ...
        numel(files), n);
end
if isempty(files) && isempty(name) && n > 0
    error('gtconvert:buildInterchange:noSource', ['DataSource.Source is empty: give the image files ', ...
        '(cellstr) or the video path, or pass ''ImageFiles''.']);
end
if numel(stamps) == n && n > 0
    rowTimes = stamps(:);
else
    rowTimes = nan(n, 1);
end
if n == 0
    rowTimes = nan(1, 1);  % so that rowTimes(1) can be tested; no rows are taken from it
end
end

function files = frameNames(video, kept, n, opts)
% Frames of a video, named <video name>_<frame number>.png with the number
% zero-padded to the digits of the frame count (as gtconvert's Python reader
% names the frames of a raw video groundTruth), in the output folder.
prefix = opts.FramePrefix;
if isempty(prefix)
    [~, prefix] = fileparts(strrep(video, '\', '/'));  % Windows paths on any platform
    prefix = [prefix '_'];
end
folder = opts.FrameFolder;
if isempty(folder)
    folder = opts.Folder;
end
nameFormat = sprintf('%%s%%0%dd.png', numel(sprintf('%d', n)));
files = cell(numel(kept), 1);
for i = 1:numel(kept)
    files{i} = fullfile(folder, sprintf(nameFormat, prefix, kept(i)));
end
end

function sz = imageSizes(files, pixelFiles, opts)
% [height width] per image: given, read from the image header, or from the
% pixel-label PNG (same size as its image); 0 0 when unknown.
n = numel(files);
if ~isempty(opts.ImageSize)
    sz = double(opts.ImageSize);
    if size(sz, 1) == 1
        sz = repmat(sz, n, 1);
    end
    return
end
sz = zeros(n, 2);
if ~opts.ReadImageSize
    return
end
for i = 1:n
    for candidate = {files{i}, pixelFiles{i}}
        f = candidate{1};
        if ~isempty(f) && exist(f, 'file') == 2
            try
                header = imfinfo(f);
                sz(i, :) = [header(1).Height, header(1).Width];
                break
            catch
                % not an image imfinfo reads: try the next source of the size
            end
        end
    end
end
end

% =============================================================================
function [g, labels] = addDefinitions(g, defs)
% Append label rows (sublabels right after their parent) and attribute rows.
labels = struct('name', {}, 'field', {}, 'type', {}, 'parent', {}, ...
    'attrs', {}, 'subs', {}, 'subIndex', {});
for k = 1:numel(defs)
    d = defs(k);
    h = hierarchyOf(d);
    [g, labels] = addLabel(g, labels, d, char(d.Name), char(d.Type), 0, h);
end
end

function [g, labels] = addLabel(g, labels, d, field, typeName, parent, h)
k = numel(labels) + 1;
[name, description] = originalName(field, char(gtconvert.internal.fieldOr(d, 'Description', '')));
g.labelNames{end + 1, 1} = name;
g.labelIds(end + 1, 1) = k;
g.labelTypes{end + 1, 1} = typeName;
color = double(gtconvert.internal.fieldOr(d, 'LabelColor', []));
if numel(color) ~= 3
    color = nan(1, 3);
end
g.labelColors(end + 1, :) = color(:)';
pixelId = [];
if strcmp(typeName, 'PixelLabel')
    pixelId = double(gtconvert.internal.fieldOr(d, 'PixelLabelID', []));
end
g.labelPixelIds{end + 1, 1} = pixelId;
g.labelGroups{end + 1, 1} = char(gtconvert.internal.fieldOr(d, 'Group', ''));
g.labelDescriptions{end + 1, 1} = description;
g.labelEmptyValues{end + 1, 1} = '';
if parent == 0
    g.labelParents{end + 1, 1} = '';
else
    g.labelParents{end + 1, 1} = labels(parent).name;
end
labels(k).name = name;
labels(k).field = field;
labels(k).type = typeName;
labels(k).parent = parent;
labels(k).attrs = {};
labels(k).subs = {};
labels(k).subIndex = [];
if isempty(h)
    return
end
children = fieldnames(h);
for c = 1:numel(children)
    child = h.(children{c});
    if ~isstruct(child)
        continue  % the hierarchy's own Type / Description
    end
    if isfield(child, 'Type')  % a sublabel
        [g, labels] = addLabel(g, labels, child, children{c}, char(child.Type), k, child);
        labels(k).subs{end + 1} = children{c};
        labels(k).subIndex(end + 1) = find(strcmp({labels.field}, children{c}) & ...
            [labels.parent] == k, 1);
    else  % an attribute
        g = addAttribute(g, k, children{c}, child);
        labels(k).attrs{end + 1} = children{c};
    end
end
end

function g = addAttribute(g, k, name, a)
g.attrLabel(end + 1, 1) = k;
g.attrNames{end + 1, 1} = name;
g.attrDescriptions{end + 1, 1} = char(gtconvert.internal.fieldOr(a, 'Description', ''));
if isfield(a, 'ListItems')
    g.attrTypes{end + 1, 1} = 'list';
    g.attrListItems{end + 1, 1} = jsonencode(cellstr(a.ListItems));
    g.attrDefaults{end + 1, 1} = '';
    return
end
value = gtconvert.internal.fieldOr(a, 'DefaultValue', []);
if islogical(value)
    g.attrTypes{end + 1, 1} = 'logical';
elseif isnumeric(value)
    g.attrTypes{end + 1, 1} = 'numeric';
else
    g.attrTypes{end + 1, 1} = 'string';
    value = char(value);
end
g.attrListItems{end + 1, 1} = '';
if isempty(value) && ~ischar(value)
    g.attrDefaults{end + 1, 1} = '';
else
    g.attrDefaults{end + 1, 1} = jsonencode(value);
end
end

function h = hierarchyOf(d)
h = gtconvert.internal.fieldOr(d, 'Hierarchy', []);
if iscell(h)
    if isempty(h)
        h = [];
    else
        h = h{1};
    end
end
if ~isstruct(h)
    h = [];
end
end

function [name, description] = originalName(name, description)
% gtconvert.importGroundTruth keeps a name that is not a valid identifier in
% the description as '[gtconvert name: "traffic light"] ...' (the name
% JSON-encoded, so that any text survives); restore it.
token = regexp(description, '^\[gtconvert name: ("(?:[^"\\]|\\.)*")\]', 'tokens', 'once');
if ~isempty(token)
    name = jsondecode(token{1});
    description = strtrim(description(numel(token{1}) + numel('[gtconvert name: ]') + 1:end));
end
end

% =============================================================================
function [chunks, next] = objectsOf(v, k, img, parent, next, labels)
% The objects of label K in one LabelData cell V, plus their sublabels.
% Object indices are given in the order the chunks are concatenated, so
% that a sublabel can name its parent's index before the parent is stored.
lab = labels(k);
chunks = {};
if isstruct(v)
    if ~strcmp(lab.type, 'Scene')
        v = v(arrayfun(@(el) ~isempty(gtconvert.internal.fieldOr(el, 'Position', [])), v));  % no shape, no object
    end
    positions = cell(numel(v), 1);
    attrs = repmat({''}, numel(v), 1);
    for j = 1:numel(v)
        positions{j} = gtconvert.internal.fieldOr(v(j), 'Position', []);
        attrs{j} = attributeJson(v(j), lab.attrs);
    end
    chunk = positionChunk(positions, lab.type, true);
    chunk.attrs = attrs;
else
    chunk = positionChunk(v, lab.type, false);
end
m = numel(chunk.parts);
if m == 0
    return
end
chunk.img = repmat(img, m, 1);
chunk.lab = repmat(k, m, 1);
chunk.parent = repmat(parent, m, 1);
ids = next + (0:m - 1)';
next = next + m;
chunks = {chunk};
if ~isstruct(v)
    return
end
for j = 1:numel(v)
    for s = 1:numel(lab.subs)
        if isfield(v(j), lab.subs{s})
            [found, next] = objectsOf(v(j).(lab.subs{s}), lab.subIndex(s), img, ids(j), next, labels);
            chunks = [chunks, found]; %#ok<AGROW>
        end
    end
end
end

function chunk = positionChunk(v, typeName, perElement)
% Rows of objPosition and vertex parts for one label's positions. With
% perElement, V is a cell holding each struct element's Position.
chunk = struct('pos', zeros(0, 9), 'parts', {cell(0, 1)}, 'attrs', {cell(0, 1)}, ...
    'partCount', zeros(0, 1));
expected = gtconvert.internal.positionColumns(typeName);
if expected > 0
    typeGroup = 'positions';
else
    typeGroup = typeName;
end
switch typeGroup
    case {'Polygon', 'Line'}
        if perElement
            parts = v;
        elseif iscell(v)
            parts = v(:);
        elseif isempty(v)
            parts = {};
        else
            parts = {v};  % a bare Px2 matrix when there is one object
        end
        parts = parts(~cellfun(@isempty, parts));
        parts = cellfun(@(p) double(unwrap(p)), parts(:), 'UniformOutput', false);
        if any(cellfun(@(p) size(p, 2) ~= 2, parts))
            error('gtconvert:buildInterchange:badVertices', '%s vertices must be Px2 [x y] matrices.', typeName);
        end
        chunk.parts = parts;
        chunk.pos = nan(numel(parts), 9);
    case 'Scene'
        if perElement
            on = any(cellfun(@(x) ~isempty(x) && logical(x(1)), v));
        elseif ~isempty(v) && ~islogical(v) && ~(isnumeric(v) && all(isnan(v(:))))
            % numeric or text Scene labels (R2026b): the value travels as an attribute
            chunk.parts = {zeros(0, 2)};
            chunk.pos = nan(1, 9);
            chunk.partCount = 0;
            chunk.attrs = {jsonencode(struct('value', {v}))};
            return
        else
            on = ~isempty(v) && ~(isnumeric(v) && isnan(v(1))) && logical(v(1));
        end
        if on
            chunk.parts = {zeros(0, 2)};
            chunk.pos = nan(1, 9);
        end
    case 'positions'  % Rectangle, RotatedRectangle, ProjectedCuboid, Point, Cuboid
        if perElement
            v = vertcat(v{:});
        end
        v = double(v);
        if isempty(v)
            return
        end
        ncols = size(v, 2);
        if ncols ~= expected
            error('gtconvert:buildInterchange:badPosition', '%s positions must have %d columns, not %d.', ...
                typeName, expected, ncols);
        end
        chunk.pos = [v, nan(size(v, 1), 9 - ncols)];
        chunk.parts = repmat({zeros(0, 2)}, size(v, 1), 1);
    otherwise  % Custom and unknown types carry no geometry the schema can hold
        if ~isempty(v)
            warning('gtconvert:buildInterchange:unsupportedType', ...
                'Labels of type %s are not exported (no geometry in the interchange schema).', typeName);
        end
end
chunk.attrs = repmat({''}, numel(chunk.parts), 1);
% Polygons and lines have one vertex list each; other shapes keep an empty
% placeholder in parts so that every object has one entry there.
chunk.partCount = repmat(double(any(strcmp(typeName, {'Polygon', 'Line'}))), numel(chunk.parts), 1);
end

function p = unwrap(p)
while iscell(p) && numel(p) == 1
    p = p{1};
end
end

function json = attributeJson(element, names)
if isempty(names)
    json = '';
    return
end
values = struct();
for a = 1:numel(names)
    if isfield(element, names{a})
        value = element.(names{a});
        if isa(value, 'string')
            value = char(value);
        end
        values.(names{a}) = value;
    end
end
json = jsonencode(values);
end

function g = appendObjects(g, chunks)
% Concatenate the chunks in order: object m of the result is the m-th
% object named by objectsOf.
if isempty(chunks)
    return
end
c = [chunks{:}];
parts = vertcat(c.parts);
m = numel(parts);
g.objImage = vertcat(c.img);
g.objLabel = vertcat(c.lab);
g.objId = (1:m)';
g.objParent = vertcat(c.parent);
g.objIsCrowd = false(m, 1);
g.objPosition = vertcat(c.pos);
hasParts = vertcat(c.partCount) > 0;
g.objPartCount = double(hasParts);
counts = cellfun(@(p) size(p, 1), parts);
g.partVertexCount = counts(hasParts);
g.vertices = vertcat(zeros(0, 2), parts{hasParts});
g.objRle = repmat({''}, m, 1);
g.objAttributes = vertcat(c.attrs);
end
