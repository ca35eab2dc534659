function g = mergeInterchange(a, b)
%MERGEINTERCHANGE  Append interchange struct B to A (a groundTruth array).
%   G = gtconvert.internal.mergeInterchange(A, B): images of B follow those
%   of A; labels are merged by (name, parent) and must agree on type;
%   object indices, parents and attribute rows are renumbered.
%
%   Example:
%       g = gtconvert.internal.mergeInterchange(first, second);

g = a;
nImages = numel(a.imageIds);
nObjects = numel(a.objId);
labelMap = zeros(numel(b.labelNames), 1);
for k = 1:numel(b.labelNames)
    hit = find(strcmp(a.labelNames, b.labelNames{k}) & strcmp(a.labelParents, b.labelParents{k}), 1);
    if isempty(hit)
        g = appendLabel(g, b, k);
        labelMap(k) = numel(g.labelNames);
    else
        if ~strcmp(a.labelTypes{hit}, b.labelTypes{k})
            error('gtconvert:mergeInterchange:typeConflict', 'Label "%s" is a %s in one groundTruth and a %s in another.', ...
                b.labelNames{k}, a.labelTypes{hit}, b.labelTypes{k});
        end
        labelMap(k) = hit;
        if isempty(emptyText(g, hit))
            g.labelEmptyValues{hit, 1} = emptyText(b, k);
        end
    end
end
if ~strcmp(a.sourceType, b.sourceType)
    g.sourceType = 'custom';
end
if ~strcmp(a.sourceName, b.sourceName)
    g.sourceName = '';
end
g.imageFiles = [a.imageFiles; b.imageFiles];
g.imageIds = [a.imageIds; b.imageIds + nImages];
g.imageSize = [a.imageSize; b.imageSize];
g.imageTime = [a.imageTime; b.imageTime];
g.pixelLabelFiles = [a.pixelLabelFiles; b.pixelLabelFiles];
parent = b.objParent;
parent(parent > 0) = parent(parent > 0) + nObjects;
g.objImage = [a.objImage; b.objImage + nImages];
g.objLabel = [a.objLabel; labelMap(b.objLabel)];
g.objId = [a.objId; b.objId + nObjects];
g.objParent = [a.objParent; parent];
g.objIsCrowd = [a.objIsCrowd; b.objIsCrowd];
g.objPosition = [a.objPosition; b.objPosition];
g.objPartCount = [a.objPartCount; b.objPartCount];
g.partVertexCount = [a.partVertexCount; b.partVertexCount];
g.vertices = [a.vertices; b.vertices];
g.objRle = [a.objRle; b.objRle];
g.objAttributes = [a.objAttributes; b.objAttributes];
end

function g = appendLabel(g, b, k)
g.labelNames{end + 1, 1} = b.labelNames{k};
g.labelIds(end + 1, 1) = numel(g.labelNames);
g.labelTypes{end + 1, 1} = b.labelTypes{k};
g.labelColors(end + 1, :) = b.labelColors(k, :);
g.labelPixelIds{end + 1, 1} = b.labelPixelIds{k};
g.labelGroups{end + 1, 1} = b.labelGroups{k};
g.labelDescriptions{end + 1, 1} = b.labelDescriptions{k};
g.labelParents{end + 1, 1} = b.labelParents{k};
g.labelEmptyValues{end + 1, 1} = emptyText(b, k);
attrRows = find(b.attrLabel == k);
g.attrLabel = [g.attrLabel; repmat(numel(g.labelNames), numel(attrRows), 1)];
g.attrNames = [g.attrNames; b.attrNames(attrRows)];
g.attrTypes = [g.attrTypes; b.attrTypes(attrRows)];
g.attrDefaults = [g.attrDefaults; b.attrDefaults(attrRows)];
g.attrListItems = [g.attrListItems; b.attrListItems(attrRows)];
g.attrDescriptions = [g.attrDescriptions; b.attrDescriptions(attrRows)];
end

function shapeText = emptyText(g, k)
% The empty-cell text of label K ('' when the struct has none, e.g. an older file).
shapeText = '';
if isfield(g, 'labelEmptyValues') && numel(g.labelEmptyValues) >= k
    shapeText = g.labelEmptyValues{k};
end
end
