function data = keypointTrainingData(gTruth, labelName)
%KEYPOINTTRAININGDATA  Boxes and keypoints of one label, per image, for keypoint training.
%   DATA = gtconvert.keypointTrainingData(GTRUTH, LABELNAME) gathers, for
%   the label LABELNAME whose Point sublabels are its keypoints (the layout
%   gtconvert writes for COCO keypoints, and what Image Labeler users draw),
%   per image: the objects' boxes (M-by-4) and each object's keypoints as a
%   K-by-3 matrix [x y v], K the Point sublabels in their definition order,
%   v the visibility attribute (1 hidden, 2 visible; 2 when the sublabel has
%   none) and [0 0 0] for a point not drawn. GTRUTH is a groundTruth or the
%   plain struct of gtconvert.importGroundTruth in GNU Octave. DATA is a
%   struct with fields imageFilename (N-by-1 cell), boxes (N-by-1 cell of
%   M-by-4), keypoints (N-by-1 cell of M-by-1 cells of K-by-3) and
%   keypointNames (K-by-1 cell), the pieces trainHRNetObjectKeypointDetector
%   is given (images, keypoints and boxes, e.g. combined datastores); take
%   keypoints{i}{m}(:, 1:2) for K-by-2 points.
%
%   Example:
%       gTruth = gtconvert.importGroundTruth('person_keypoints.mat');
%       data = gtconvert.keypointTrainingData(gTruth, 'person');
%       data.keypoints{1}{1}   % the first person's K-by-3 keypoints
%
%   See also gtconvert.importGroundTruth, trainHRNetObjectKeypointDetector.

[defs, records, files] = sourceParts(gTruth);
k = find(strcmp({defs.Name}, labelName), 1);
if isempty(k) || isempty(defs(k).Hierarchy)
    error('gtconvert:keypointTrainingData:noLabel', 'No label "%s" with Point sublabels.', labelName);
end
h = defs(k).Hierarchy;
names = fieldnames(h);
isPoint = cellfun(@(f) isstruct(h.(f)) && isfield(h.(f), 'Type') && strcmp(char(h.(f).Type), 'Point'), names);
names = names(isPoint);
if isempty(names)
    error('gtconvert:keypointTrainingData:noPoints', 'Label "%s" has no Point sublabels.', labelName);
end
n = numel(records);
data = struct('imageFilename', {files(:)}, 'boxes', {cell(n, 1)}, 'keypoints', {cell(n, 1)}, ...
    'keypointNames', {names});
for i = 1:n
    objects = records(i).(labelName);
    m = numel(objects);
    boxes = zeros(m, 4);
    points = cell(m, 1);
    for o = 1:m
        boxes(o, :) = objects(o).Position;
        points{o} = pointsOf(objects(o), names);
    end
    data.boxes{i} = boxes;
    data.keypoints{i} = points;
end
end

function [defs, records, files] = sourceParts(gTruth)
% Label definitions, LabelData records and image files of a groundTruth or its plain struct.
if isstruct(gTruth)
    defs = gTruth.LabelDefinitions;
    records = gTruth.LabelData;
    files = gTruth.DataSource.Source;
else
    defs = table2struct(gTruth.LabelDefinitions);
    records = table2struct(gTruth.LabelData);
    files = gTruth.DataSource.Source;
end
if ischar(files)
    files = {files};
end
end

function kp = pointsOf(object, names)
% K-by-3 [x y v] of one object: each Point sublabel's position and visibility.
kp = zeros(numel(names), 3);
for j = 1:numel(names)
    if ~isfield(object, names{j}) || isempty(object.(names{j}))
        continue
    end
    point = object.(names{j})(1);
    v = 2;
    if isfield(point, 'visibility') && ~isempty(point.visibility)
        v = double(point.visibility);
    end
    kp(j, :) = [double(point.Position(1:2)), v];
end
end
