function I = openImageSegmenter(imageFile)
%OPENIMAGESEGMENTER  Open Image Segmenter on one image file.
%   I = gtconvert.openImageSegmenter(IMAGEFILE) reads IMAGEFILE and opens
%   Image Segmenter (Image Processing Toolbox) on it. After segmenting,
%   use "Export > Export Images" to put BW in the workspace, and write it
%   with gtconvert.exportMasks (the Python bridge does this for you).
%
%   Example:
%       gtconvert.openImageSegmenter('lesion1.jpg')
%
%   See also imageSegmenter, gtconvert.exportMasks.

if nargin < 1 || ~(ischar(imageFile) || isa(imageFile, 'string'))
    error('gtconvert:badInput', 'Give the image file name as text.');
end
if ~exist(char(imageFile), 'file')
    error('gtconvert:badInput', 'No such image: "%s".', char(imageFile));
end
I = imread(char(imageFile));
if ~any(exist('imageSegmenter') == [2 3 5 6]) %#ok<EXIST> the app is a function
    error('gtconvert:noApp', 'imageSegmenter needs MATLAB with the Image Processing Toolbox.');
end
imageSegmenter(I);
end
