function files = listImages(folder)
%LISTIMAGES  The image files in FOLDER (sorted full paths), or a given list.
%   FILES = gtconvert.internal.listImages(FOLDER) lists the files with an
%   image extension that imread reads (png, jpg, jpeg, bmp, tif, tiff, gif,
%   pgm, ppm, pbm) in FOLDER, not recursing. A cellstr is returned as given
%   (one column).
%
%   Example:
%       files = gtconvert.internal.listImages('dermoscopy');

if iscell(folder) || (isa(folder, 'string') && ~isscalar(folder))
    files = cellstr(folder);
    files = files(:);
    return
end
folder = char(folder);
if ~exist(folder, 'dir')
    error('gtconvert:listImages:noFolder', 'No such folder: "%s".', folder);
end
listing = dir(folder);
listing = listing(~[listing.isdir]);
names = {listing.name}';
[~, ~, ext] = cellfun(@fileparts, names, 'UniformOutput', false);
keep = ismember(lower(ext), {'.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.gif', ...
    '.pgm', '.ppm', '.pbm'});
names = sort(names(keep));
files = cellfun(@(n) fullfile(folder, n), names, 'UniformOutput', false);
if isempty(files)
    error('gtconvert:listImages:noImages', 'No images in "%s".', folder);
end
end
