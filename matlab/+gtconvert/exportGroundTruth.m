function g = exportGroundTruth(gTruth, file, varargin)
%EXPORTGROUNDTRUTH  Write groundTruth objects to a gtconvert interchange .mat.
%   gtconvert.exportGroundTruth(GTRUTH, FILE) writes a groundTruth (or an
%   array of them) from Image Labeler or Video Labeler to FILE, which
%   Python reads with gtconvert.read(FILE, "matlab"): image collections,
%   image datastores (their Files), videos and image sequences, every label
%   type, attributes, sublabels and pixel labels (PNG paths relative to
%   FILE), image sizes and the MATLAB release.
%
%   Video frames are written as PNG files like objectDetectorTrainingData,
%   keeping every 'SamplingFactor'-th frame (default 5 for videos) in
%   'FrameFolder' (default: the folder of FILE). Other options are
%   those of gtconvert.exportStruct.
%
%   GTRUTH may also be a plain struct shaped like saveobj(gTruth); it then
%   goes to gtconvert.exportStruct unchanged (GNU Octave has no groundTruth).
%
%   Example:
%       gtconvert.exportGroundTruth(gTruth, 'labels.mat');
%
%   See also gtconvert.exportStruct, gtconvert.importGroundTruth.

if isstruct(gTruth)
    g = gtconvert.exportStruct(gTruth, file, varargin{:});
    return
end
if ~isa(gTruth, 'groundTruth')
    error('gtconvert:exportGroundTruth:notGroundTruth', 'Expected a groundTruth object, got %s.', class(gTruth));
end
% This adapter is the only place that touches toolbox objects: it reads
% their public properties into the plain struct exportStruct takes.
s = arrayfun(@plainStruct, gTruth(:));
v = ver('vision');
release = regexprep(v(1).Release, '[()]', '');
isVideo = ischar(s(1).DataSource.Source);
options = [{'Release', release}, varargin];
if isVideo && ~any(strcmpi(varargin(1:2:end), 'SamplingFactor'))
    options = [options, {'SamplingFactor', 5}];
end
if isVideo
    reader = VideoReader(s(1).DataSource.Source);
    options = [options, {'ImageSize', [reader.Height reader.Width], 'ReadImageSize', false}];
end
g = gtconvert.exportStruct(s, file, options{:});
if isVideo
    writeFrames(reader, g, fileparts(file));
end
end

function s = plainStruct(item)
src = item.DataSource.Source;
if isa(src, 'matlab.io.datastore.ImageDatastore')
    sourceType = 'imageDatastore';
    src = src.Files;
elseif iscell(src) || (isstring(src) && ~isscalar(src))
    sourceType = 'imageCollection';
    src = cellstr(src);
else
    sourceType = 'video';
    src = char(src);
end
s.DataSource = struct('Source', {src}, 'TimeStamps', seconds(item.DataSource.TimeStamps), ...
    'SourceType', sourceType);
defs = table2struct(item.LabelDefinitions);
for k = 1:numel(defs)
    defs(k).Type = char(defs(k).Type);
end
s.LabelDefinitions = defs;
data = item.LabelData;
if istimetable(data)
    rowTimes = seconds(data.Properties.RowTimes);
    data = table2struct(timetable2table(data, 'ConvertRowTimes', false));
    for i = 1:numel(data)
        data(i).Time = rowTimes(i);
    end
else
    data = table2struct(data);
end
s.LabelData = data;
end

function writeFrames(reader, g, folder)
% The frames named in g.imageFiles, read at their times.
for i = 1:numel(g.imageFiles)
    target = g.imageFiles{i};
    if ~isempty(folder) && ~startsWith(target, filesep) && ~contains(target, ':')
        target = fullfile(folder, target);
    end
    [frameFolder, ~] = fileparts(target);
    if ~exist(frameFolder, 'dir')
        mkdir(frameFolder);
    end
    reader.CurrentTime = g.imageTime(i);
    imwrite(readFrame(reader), target);
end
end
