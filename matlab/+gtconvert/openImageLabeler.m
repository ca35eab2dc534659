function [gTruth, file] = openImageLabeler(images, labelNames, labelTypes)
%OPENIMAGELABELER  Open Image Labeler on images with given label definitions.
%   gtconvert.openImageLabeler(IMAGES, LABELNAMES) opens Image Labeler on
%   the images of the folder IMAGES (or a cellstr of image files) with the
%   labels LABELNAMES (cellstr; any text, e.g. 'traffic light') already
%   defined as rectangles. gtconvert.openImageLabeler(IMAGES, LABELNAMES,
%   LABELTYPES) gives each label's labelType name ('Rectangle', 'Polygon',
%   'PixelLabel', 'Line', 'Point', 'Scene', ...).
%
%   [GTRUTH, FILE] = ... also returns the groundTruth the app was opened
%   with and the interchange file it was built from. After labelling,
%   export with "Export > To Workspace" and hand the variable to
%   gtconvert.exportVariable (the Python bridge does this for you).
%
%   Example:
%       gtconvert.openImageLabeler('dermoscopy', {'lesion', 'sticker'})
%
%   See also imageLabeler, gtconvert.importGroundTruth.

if nargin < 2
    error('gtconvert:openImageLabeler:notEnoughInputs', 'Give the images and the label names.');
end
labelNames = cellstr(labelNames);
if nargin < 3 || isempty(labelTypes)
    labelTypes = repmat({'Rectangle'}, size(labelNames));
end
labelTypes = cellstr(labelTypes);
if numel(labelTypes) ~= numel(labelNames)
    error('gtconvert:openImageLabeler:countMismatch', '%d label types for %d label names.', numel(labelTypes), ...
        numel(labelNames));
end
files = gtconvert.internal.listImages(images);
% Definitions without objects, through the same file Python writes, so that
% names and types are checked and renamed in one place.
s.DataSource = struct('Source', {files}, 'TimeStamps', [], 'SourceType', 'imageCollection');
pixel = strcmp(labelTypes(:), 'PixelLabel');
ids = num2cell(zeros(numel(labelNames), 1));
ids(pixel) = num2cell((1:nnz(pixel))');
s.LabelDefinitions = struct('Name', labelNames(:), 'Type', labelTypes(:), 'PixelLabelID', ids);
s.LabelData = repmat(struct(), numel(files), 1);
if any(pixel)
    [s.LabelData.PixelLabelData] = deal('');
end
file = [tempname() '.mat'];
gtconvert.exportStruct(s, file, 'ReadImageSize', false);
gTruth = gtconvert.importGroundTruth(file);
requireApp('imageLabeler');
imageLabeler(gTruth);
end

function requireApp(name)
if ~any(exist(name) == [2 3 5 6]) %#ok<EXIST> apps are functions or classes
    error('gtconvert:openImageLabeler:noApp', ['%s needs MATLAB with the Computer Vision Toolbox ', ...
        '(or the Image Processing Toolbox for imageSegmenter).'], name);
end
end
