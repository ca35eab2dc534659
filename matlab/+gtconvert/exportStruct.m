function g = exportStruct(s, file, varargin)
%EXPORTSTRUCT  Write ground truth held in a plain struct to an interchange .mat.
%   gtconvert.exportStruct(S, FILE) writes S, a struct (or struct array)
%   shaped like saveobj(gTruth), to FILE in the interchange format of
%   gtconvert (docs/interchange.md), which Python reads with
%   gtconvert.read(FILE, "matlab"). S has the fields
%     DataSource        struct: Source (cellstr of image files, or the video
%                       path), TimeStamps (seconds, double), SourceType (char)
%     LabelDefinitions  struct array: Name, Type (char, a labelType name),
%                       and optionally LabelColor, PixelLabelID, Group,
%                       Description, Hierarchy (sublabels and attributes)
%     LabelData         struct array, one element per image or frame: one
%                       field per label (values exactly as in
%                       gTruth.LabelData), PixelLabelData (PNG path) when
%                       there are pixel labels, Time (seconds) for videos.
%   Coordinates are stored unchanged (frame 'matlab'). A struct array is
%   written as one dataset: images appended, labels merged by name.
%
%   G = gtconvert.exportStruct(...) also returns the interchange struct.
%
%   Name-value options:
%     'Release'        MATLAB release of the data, e.g. 'R2023b' (default '')
%     'SamplingFactor' keep every n-th frame of a video (default 1)
%     'ImageFiles'     image file of each kept row (e.g. frames written out)
%     'FrameFolder'    where video frames are (default: the folder of FILE)
%     'FramePrefix'    frame file prefix (default '<video name>_'; frames are
%                      <prefix><frame number>.png, zero-padded to the
%                      digits of the frame count)
%     'ImageSize'      [height width] (one row, or one per image)
%     'ReadImageSize'  read sizes from the image headers (default true)
%     'MatVersion'     '-v7' (default, read by scipy) or '-v7.3'
%     'InfoJson'       JSON text kept as source metadata (default: the
%                      field InfoJson of S, else '')
%
%   Example:
%       s.DataSource = struct('Source', {{'a.png'; 'b.png'}}, ...
%           'TimeStamps', [], 'SourceType', 'imageCollection');
%       s.LabelDefinitions = struct('Name', 'car', 'Type', 'Rectangle');
%       s.LabelData = struct('car', {[10 20 30 40]; zeros(0, 4)});
%       gtconvert.exportStruct(s, 'labels.mat');
%
%   See also gtconvert.exportGroundTruth, gtconvert.importGroundTruth.

opts = parseOptions(varargin);
if ~isstruct(s) || isempty(s)
    error('gtconvert:exportStruct:notStruct', 'Expected a struct shaped like saveobj(gTruth), got %s.', class(s));
end
file = char(file);
folder = fileparts(file);
if isempty(folder)
    folder = pwd;
end
opts.Folder = absoluteFolder(folder);
g = [];
for k = 1:numel(s)
    one = gtconvert.internal.buildInterchange(s(k), opts);
    if isempty(g)
        g = one;
    else
        g = gtconvert.internal.mergeInterchange(g, one);
    end
end
g.infoJson = char(opts.InfoJson);
if isempty(g.infoJson) && isfield(s, 'InfoJson')
    g.infoJson = char(s(1).InfoJson);  % metadata read by readInterchange travels on
end
gtconvert.internal.saveInterchange(g, file, opts.MatVersion);
end

function opts = parseOptions(args)
p = inputParser;
p.FunctionName = 'gtconvert.exportStruct';
p.addParameter('Release', '', @ischarlike);
p.addParameter('SamplingFactor', 1, @(x) isnumeric(x) && isscalar(x) && x >= 1 && x == round(x));
p.addParameter('ImageFiles', {}, @(x) iscellstr(x) || ischar(x) || isa(x, 'string'));
p.addParameter('FrameFolder', '', @ischarlike);
p.addParameter('FramePrefix', '', @ischarlike);
p.addParameter('ImageSize', [], @(x) isnumeric(x) && (isempty(x) || size(x, 2) == 2));
p.addParameter('ReadImageSize', true, @(x) islogical(x) || isnumeric(x));
p.addParameter('MatVersion', '-v7', @ischarlike);
p.addParameter('InfoJson', '', @ischarlike);
try
    p.parse(args{:});
catch err
    error('gtconvert:exportStruct:badOption', '%s', err.message);
end
opts = p.Results;
opts.MatVersion = char(opts.MatVersion);
opts.ReadImageSize = logical(opts.ReadImageSize);
end

function tf = ischarlike(x)
tf = ischar(x) || (isa(x, 'string') && isscalar(x));
end

function folder = absoluteFolder(folder)
% The output folder as an absolute path without '.' and '..' steps, so that
% image paths inside it become relative to the .mat file.
if ~exist(folder, 'dir')
    error('gtconvert:exportStruct:noFolder', 'The output folder "%s" does not exist.', folder);
end
folder = char(gtconvert.internal.absolutePath({folder}, pwd));
folder = strrep(folder, '\', '/');
lead = regexp(folder, '^(//|/|[A-Za-z]:/?)', 'match', 'once');  % root, UNC share or drive
steps = strsplit(folder(numel(lead) + 1:end), '/');
kept = {};
for k = 1:numel(steps)
    if strcmp(steps{k}, '..') && ~isempty(kept)
        kept(end) = [];
    elseif ~any(strcmp(steps{k}, {'', '.', '..'}))
        kept{end + 1} = steps{k}; %#ok<AGROW> a few folder names
    end
end
folder = [lead strjoin(kept, '/')];
end
