function g = exportMasks(BW, imageFiles, file, varargin)
%EXPORTMASKS  Write Image Segmenter masks to an interchange .mat.
%   gtconvert.exportMasks(BW, IMAGEFILES, FILE) writes binary masks (the BW
%   that Image Segmenter exports) of the images IMAGEFILES to FILE as
%   pixel labels: one label-matrix PNG per image in 'PixelLabelFolder'
%   (default <folder of FILE>/PixelLabelData), value k for label k, 0 for
%   unlabelled, as Image Labeler writes them. No coordinate shift applies.
%
%   BW is one HxW logical mask, an HxWxL logical array (one channel per
%   label), or a cell with one of those per image (empty for an image
%   without a mask). IMAGEFILES is a char or a cellstr.
%
%   Name-value options: 'LabelNames' (cellstr, one per channel; default
%   {'mask'}), 'PixelLabelFolder', and those of gtconvert.exportStruct.
%   Where masks of two labels overlap, the later label wins (a warning
%   says how many pixels).
%
%   Example:
%       gtconvert.exportMasks(BW, 'lesion1.jpg', 'lesion1.mat', 'LabelNames', {'lesion'});
%
%   See also imageSegmenter, gtconvert.exportStruct.

[labelNames, rest] = gtconvert.internal.takeOption(varargin, 'LabelNames', {'mask'});
[pngFolder, rest] = gtconvert.internal.takeOption(rest, 'PixelLabelFolder', '');
labelNames = cellstr(labelNames);
imageFiles = cellstr(imageFiles);
if ~iscell(BW)
    BW = {BW};
end
if numel(BW) ~= numel(imageFiles)
    error('gtconvert:exportMasks:countMismatch', '%d masks for %d image files.', numel(BW), numel(imageFiles));
end
folder = fileparts(char(file));
if isempty(folder)
    folder = pwd;
end
if isempty(pngFolder)
    pngFolder = fullfile(folder, 'PixelLabelData');
end
if ~exist(pngFolder, 'dir')
    mkdir(pngFolder);
end
pngFiles = repmat({''}, numel(BW), 1);
sizes = zeros(numel(BW), 2);
overlap = 0;
for i = 1:numel(BW)
    mask = BW{i};
    if isempty(mask)
        continue
    end
    if ~(islogical(mask) || isnumeric(mask)) || size(mask, 3) > numel(labelNames)
        error('gtconvert:exportMasks:badMask', ['Mask %d must be a logical HxW or HxWxL array with L ', ...
            '<= %d labels (give ''LabelNames'').'], i, numel(labelNames));
    end
    [labels, clash] = labelMatrix(logical(mask));
    overlap = overlap + clash;
    pngFiles{i} = fullfile(pngFolder, sprintf('Label_%d.png', i));
    imwrite(labels, pngFiles{i});
    sizes(i, :) = [size(mask, 1), size(mask, 2)];
end
if overlap > 0
    warning('gtconvert:exportMasks:overlap', '%d pixels belonged to several labels; the later label kept them.', ...
        overlap);
end
s.DataSource = struct('Source', {imageFiles(:)}, 'TimeStamps', [], 'SourceType', 'imageCollection');
s.LabelDefinitions = struct('Name', labelNames(:), 'Type', 'PixelLabel', ...
    'PixelLabelID', num2cell((1:numel(labelNames))'));
s.LabelData = struct('PixelLabelData', pngFiles);
g = gtconvert.exportStruct(s, file, 'ImageSize', sizes, rest{:});
end

function [labels, clash] = labelMatrix(mask)
labels = zeros(size(mask, 1), size(mask, 2), 'uint8');
for c = 1:size(mask, 3)
    labels(mask(:, :, c)) = c;
end
clash = nnz(sum(mask, 3) > 1);
end
