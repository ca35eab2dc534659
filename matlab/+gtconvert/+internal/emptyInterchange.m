function g = emptyInterchange()
%EMPTYINTERCHANGE  An interchange struct (schema version 1) with no rows.
%   G = gtconvert.internal.emptyInterchange() returns the one struct that
%   the interchange .mat holds, every field present with 0 rows and the
%   column count of docs/interchange.md, so that rows can be appended by
%   vertical concatenation.
%
%   Example:
%       g = gtconvert.internal.emptyInterchange();
%       g.imageFiles{end + 1, 1} = 'a.png';

g = struct();
g.schema = 'gtconvert-interchange';
g.version = 1;
g.frame = 'matlab';
g.vertexConvention = 'center';
g.release = '';
g.sourceType = '';
g.sourceName = '';
g.imageFiles = cell(0, 1);
g.imageIds = zeros(0, 1);
g.imageSize = zeros(0, 2);
g.imageTime = zeros(0, 1);
g.pixelLabelFiles = cell(0, 1);
g.labelNames = cell(0, 1);
g.labelIds = zeros(0, 1);
g.labelTypes = cell(0, 1);
g.labelColors = zeros(0, 3);
g.labelPixelIds = cell(0, 1);
g.labelGroups = cell(0, 1);
g.labelDescriptions = cell(0, 1);
g.labelParents = cell(0, 1);
g.labelEmptyValues = cell(0, 1);
g.attrLabel = zeros(0, 1);
g.attrNames = cell(0, 1);
g.attrTypes = cell(0, 1);
g.attrDefaults = cell(0, 1);
g.attrListItems = cell(0, 1);
g.attrDescriptions = cell(0, 1);
g.objImage = zeros(0, 1);
g.objLabel = zeros(0, 1);
g.objId = zeros(0, 1);
g.objParent = zeros(0, 1);
g.objIsCrowd = false(0, 1);
g.objPosition = zeros(0, 9);
g.objPartCount = zeros(0, 1);
g.partVertexCount = zeros(0, 1);
g.vertices = zeros(0, 2);
g.objRle = cell(0, 1);
g.objAttributes = cell(0, 1);
g.infoJson = '';
end
