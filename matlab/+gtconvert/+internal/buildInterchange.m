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

for f = {'DataSource', 'LabelDefinitions', 'LabelData'}
    if ~isfield(s, f{1})
        error('gtconvert:badInput', ...
            'The struct has no field %s; expected the fields of saveobj(gTruth).', f{1});
    end
end
data = s.LabelData(:);
defs = s.LabelDefinitions(:);
n = numel(data);

g = gtconvert.internal.emptyInterchange();
g.release = char(opts.Release);

% ---- images ------------------------------------------------------------------
[g.sourceType, g.sourceName, files, times] = describeSource(s.DataSource, data, n);
rows = (1:n)';
if ~isnan(times(1)) && opts.SamplingFactor > 1
    rows = (1:opts.SamplingFactor:n)';  % like objectDetectorTrainingData
end
if ~isempty(opts.ImageFiles)
    files = cellstr(opts.ImageFiles);
    if numel(files) ~= numel(rows)
        error('gtconvert:badInput', 'ImageFiles has %d entries for %d images.', ...
            numel(files), numel(rows));
    end
    files = files(:);
elseif isempty(files)
    files = frameNames(g.sourceName, rows, n, opts);
else
    files = files(rows);
end
pixelFiles = repmat({''}, numel(rows), 1);
if isfield(data, 'PixelLabelData')
    for i = 1:numel(rows)
        pixelFiles{i} = char(data(rows(i)).PixelLabelData);
    end
end
g.imageFiles = gtconvert.internal.relativePath(files, opts.Folder);
g.imageIds = (1:numel(rows))';
g.imageTime = times(rows);
g.pixelLabelFiles = gtconvert.internal.relativePath(pixelFiles, opts.Folder);
g.imageSize = imageSizes(files, pixelFiles, opts);

% ---- label definitions -------------------------------------------------------
[g, labels] = addDefinitions(g, defs);

% ---- objects -----------------------------------------------------------------
chunks = {};
next = 1;
for i = 1:numel(rows)
    for k = 1:numel(labels)
        lab = labels(k);
        if lab.parent ~= 0 || strcmp(lab.type, 'PixelLabel') || ~isfield(data, lab.field)
            continue
        end
        [more, next] = objectsOf(data(rows(i)).(lab.field), k, i, 0, next, labels);
        chunks = [chunks, more]; %#ok<AGROW> one entry per (image, label) with objects
    end
end
g = appendObjects(g, chunks);
end

% =============================================================================
function [type, name, files, times] = describeSource(ds, data, n)
% Source type, video name, image files (or {} when frames must be named) and
% per-row times in seconds (NaN for still images).
source = gtconvert.internal.fieldOr(ds, 'Source', {});
type = char(gtconvert.internal.fieldOr(ds, 'SourceType', ''));
stamps = double(gtconvert.internal.fieldOr(ds, 'TimeStamps', []));
if isfield(data, 'Time') && n > 0
    stamps = double([data.Time]);
end
name = '';
files = {};
if iscell(source)
    files = cellfun(@char, source(:), 'UniformOutput', false);
elseif ischar(source) || isa(source, 'string')
    name = char(source);
end
low = lower(type);
contains = @(text, pattern) ~isempty(strfind(text, pattern));
if strcmp(low, 'python')
    type = 'python';  % written by gtconvert in Python: exact boxes, no labeler quirk
elseif contains(low, 'datastore')
    type = 'imageDatastore';
elseif contains(low, 'video')
    type = 'video';
elseif contains(low, 'sequence')
    type = 'imageSequence';
elseif contains(low, 'custom')
    type = 'custom';
elseif ~isempty(files)
    type = 'imageCollection';
elseif ~isempty(name)
    type = 'video';
else
    type = 'imageCollection';
end
if ~isempty(files) && numel(files) ~= n
    error('gtconvert:badInput', 'DataSource has %d images but LabelData has %d rows.', ...
        numel(files), n);
end
if isempty(files) && isempty(name) && n > 0
    error('gtconvert:badInput', ['DataSource.Source is empty: give the image files ', ...
        '(cellstr) or the video path, or pass ''ImageFiles''.']);
end
if numel(stamps) == n && n > 0
    times = stamps(:);
else
    times = nan(n, 1);
end
if n == 0
    times = nan(1, 1);  % so that times(1) can be tested; no rows are taken from it
end
end

function files = frameNames(video, rows, n, opts)
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
pattern = sprintf('%%s%%0%dd.png', numel(sprintf('%d', n)));
files = cell(numel(rows), 1);
for i = 1:numel(rows)
    files{i} = fullfile(folder, sprintf(pattern, prefix, rows(i)));
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
                info = imfinfo(f);
                sz(i, :) = [info(1).Height, info(1).Width];
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

function [g, labels] = addLabel(g, labels, d, field, type, parent, h)
k = numel(labels) + 1;
[name, description] = originalName(field, char(gtconvert.internal.fieldOr(d, 'Description', '')));
g.labelNames{end + 1, 1} = name;
g.labelIds(end + 1, 1) = k;
g.labelTypes{end + 1, 1} = type;
color = double(gtconvert.internal.fieldOr(d, 'LabelColor', []));
if numel(color) ~= 3
    color = nan(1, 3);
end
g.labelColors(end + 1, :) = color(:)';
pixelId = [];
if strcmp(type, 'PixelLabel')
    pixelId = double(gtconvert.internal.fieldOr(d, 'PixelLabelID', []));
end
g.labelPixelIds{end + 1, 1} = pixelId;
g.labelGroups{end + 1, 1} = char(gtconvert.internal.fieldOr(d, 'Group', ''));
g.labelDescriptions{end + 1, 1} = description;
if parent == 0
    g.labelParents{end + 1, 1} = '';
else
    g.labelParents{end + 1, 1} = labels(parent).name;
end
labels(k).name = name;
labels(k).field = field;
labels(k).type = type;
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
        v = v(arrayfun(@(e) ~isempty(gtconvert.internal.fieldOr(e, 'Position', [])), v));  % no shape, no object
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
            [more, next] = objectsOf(v(j).(lab.subs{s}), lab.subIndex(s), img, ids(j), next, labels);
            chunks = [chunks, more]; %#ok<AGROW>
        end
    end
end
end

function chunk = positionChunk(v, type, perElement)
% Rows of objPosition and vertex parts for one label's positions. With
% perElement, V is a cell holding each struct element's Position.
chunk = struct('pos', zeros(0, 9), 'parts', {cell(0, 1)}, 'attrs', {cell(0, 1)}, ...
    'partCount', zeros(0, 1));
switch type
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
            error('gtconvert:badInput', '%s vertices must be Px2 [x y] matrices.', type);
        end
        chunk.parts = parts;
        chunk.pos = nan(numel(parts), 9);
    case 'Scene'
        if perElement
            on = any(cellfun(@(x) ~isempty(x) && logical(x(1)), v));
        else
            on = ~isempty(v) && logical(v(1));
        end
        if on
            chunk.parts = {zeros(0, 2)};
            chunk.pos = nan(1, 9);
        end
    case {'Rectangle', 'RotatedRectangle', 'ProjectedCuboid', 'Point', 'Cuboid'}
        if perElement
            v = vertcat(v{:});
        end
        v = double(v);
        if isempty(v)
            return
        end
        width = size(v, 2);
        expected = struct('Rectangle', 4, 'RotatedRectangle', 5, 'ProjectedCuboid', 8, ...
            'Point', 2, 'Cuboid', 9);
        if width ~= expected.(type)
            error('gtconvert:badInput', '%s positions must have %d columns, not %d.', ...
                type, expected.(type), width);
        end
        chunk.pos = [v, nan(size(v, 1), 9 - width)];
        chunk.parts = repmat({zeros(0, 2)}, size(v, 1), 1);
    otherwise  % Custom and unknown types carry no geometry the schema can hold
        if ~isempty(v)
            warning('gtconvert:unsupported', ...
                'Labels of type %s are not exported (no geometry in the interchange schema).', type);
        end
end
chunk.attrs = repmat({''}, numel(chunk.parts), 1);
% Polygons and lines have one vertex list each; other shapes keep an empty
% placeholder in parts so that every object has one entry there.
chunk.partCount = repmat(double(any(strcmp(type, {'Polygon', 'Line'}))), numel(chunk.parts), 1);
end

function p = unwrap(p)
while iscell(p) && numel(p) == 1
    p = p{1};
end
end

function text = attributeJson(element, names)
if isempty(names)
    text = '';
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
text = jsonencode(values);
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
