function img = openImageSegmenter(imageFile)
%OPENIMAGESEGMENTER  Open Image Segmenter on one image file.
%   IMG = gtconvert.openImageSegmenter(IMAGEFILE) reads IMAGEFILE into IMG
%   and opens Image Segmenter (Image Processing Toolbox) on it. After
%   segmenting, use "Export > Export Images" to put BW in the workspace,
%   and write it with gtconvert.exportMasks (the Python bridge does this
%   for you).
%
%   Example:
%       gtconvert.openImageSegmenter('lesion1.jpg')
%
%   See also imageSegmenter, gtconvert.exportMasks.

if nargin < 1 || ~(ischar(imageFile) || isa(imageFile, 'string'))
    error('gtconvert:openImageSegmenter:notText', 'Give the image file name as text.');
end
if ~exist(char(imageFile), 'file')
    error('gtconvert:openImageSegmenter:noFile', 'No such image: "%s".', char(imageFile));
end
img = imread(char(imageFile));
if ~any(exist('imageSegmenter') == [2 3 5 6]) %#ok<EXIST> the app is a function
    error('gtconvert:openImageSegmenter:noApp', 'imageSegmenter needs MATLAB with the Image Processing Toolbox.');
end
imageSegmenter(img);
end
