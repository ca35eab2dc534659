function test_otherExports(work)
%TEST_OTHEREXPORTS  exportTable, exportMasks, video sampling, arrays, apps.
%   test_otherExports(WORK) runs each exporter on small inputs in the
%   folder WORK; run it with run_all.
files = {fullfile(work, 'a.png'); fullfile(work, 'b.png')};
imwrite(zeros(6, 8, 'uint8'), files{1});
imwrite(zeros(6, 8, 'uint8'), files{2});

% the apps' table export (as table2struct gives it)
records = struct('imageFilename', files, 'stopSign', {[1 1 3 3; 2 2 2 2]; []}, ...
    'lane', {{[1 1; 4 4]}; {}}, 'sunny', {false; true});
g = gtconvert.exportTable(records, fullfile(work, 'table.mat'));
assert(isequal(g.labelTypes', {'Rectangle', 'Polygon', 'Scene'}), 'types inferred from values');
g = gtconvert.exportTable(records, fullfile(work, 'table.mat'), 'LabelTypes', struct('lane', 'Line'));
assert(isequal(g.labelTypes{2}, 'Line') && nnz(g.objLabel == 1) == 2 && isequal(g.objImage(end), 2));
assertError(@() gtconvert.exportTable(struct('x', 1), fullfile(work, 't.mat')), 'gtconvert:tableToStruct:noImageFilename');
odd = struct('imageFilename', files(1), 'blob', {ones(1, 3)});
assertError(@() gtconvert.exportTable(odd, fullfile(work, 't.mat')), 'gtconvert:tableToStruct:unknownType');

% Image Segmenter masks: one label matrix PNG per image, value = label index
bw1 = false(6, 8);
bw1(2:3, 2:5) = true;
bw2 = false(6, 8, 2);
bw2(1, 1, 1) = true;
bw2(5:6, 7:8, 2) = true;
g = gtconvert.exportVariable({bw1; bw2}, fullfile(work, 'masks.mat'), files, 'LabelNames', {'lesion', 'sticker'});
assert(isequal(g.labelTypes', {'PixelLabel', 'PixelLabel'}) && isequal(g.labelPixelIds', {1, 2}));
assert(isequal(g.pixelLabelFiles, {'PixelLabelData/Label_1.png'; 'PixelLabelData/Label_2.png'}));
m2 = imread(fullfile(work, g.pixelLabelFiles{2}));
assert(isa(m2, 'uint8') && m2(1, 1) == 1 && all(all(m2(5:6, 7:8) == 2)) && nnz(m2) == 5);
m1 = imread(fullfile(work, g.pixelLabelFiles{1}));
assert(isequal(m1 > 0, bw1), 'no coordinate shift for masks');
assert(isequal(g.imageSize, [6 8; 6 8]));
assertError(@() gtconvert.exportMasks({bw1}, files, fullfile(work, 'm.mat')), 'gtconvert:exportMasks:countMismatch');
assertError(@() gtconvert.exportMasks({bw2; bw1}, files, fullfile(work, 'm.mat')), 'gtconvert:exportMasks:badMask');

% a video: rows are frames at times; every n-th frame is kept and named
v.DataSource = struct('Source', 'D:\data\clip.mp4', 'TimeStamps', [], 'SourceType', 'VideoReader');
v.LabelDefinitions = struct('Name', 'helmet', 'Type', 'Rectangle');
v.LabelData = struct('Time', num2cell((0:6)' / 10), 'helmet', {[1 1 2 2]; []; []; [3 3 1 1]; []; []; [5 5 1 1]});
g = gtconvert.exportStruct(v, fullfile(work, 'video.mat'), 'SamplingFactor', 3);
assert(strcmp(g.sourceType, 'video') && strcmp(g.sourceName, 'D:\data\clip.mp4'));
assert(max(abs(g.imageTime - [0; 0.3; 0.6])) < 1e-12, 'frames 1, 4, 7 are kept');
assert(isequal(g.imageFiles, {'clip_1.png'; 'clip_4.png'; 'clip_7.png'}));
assert(isequal(g.objImage, [1; 2; 3]) && isequal(g.objPosition(:, 1)', [1 3 5]));

% an array of groundTruth: images appended, labels merged by name
a.DataSource = struct('Source', {files(1)}, 'TimeStamps', [], 'SourceType', '');
a.LabelDefinitions = struct('Name', {'car'; 'bus'}, 'Type', 'Rectangle');
a.LabelData = struct('car', [1 1 2 2], 'bus', [2 2 1 1]);
b = a;
b.DataSource.Source = files(2);
b.LabelDefinitions = struct('Name', {'bus'; 'tree'}, 'Type', {'Rectangle'; 'Point'});
b.LabelData = struct('bus', [4 4 1 1], 'tree', [3 3]);
g = gtconvert.exportStruct([a; b], fullfile(work, 'array.mat'));
assert(isequal(g.labelNames', {'car', 'bus', 'tree'}) && isequal(g.objLabel', [1 2 2 3]));
assert(isequal(g.objImage', [1 1 2 2]) && isequal(g.imageIds', [1 2]));
b.LabelDefinitions(1).Type = 'Polygon';  % bus: a Rectangle in a, a Polygon in b
b.LabelData.bus = {[1 1; 3 1; 3 3]};
assertError(@() gtconvert.exportStruct([a; b], fullfile(work, 'bad.mat')), 'gtconvert:mergeInterchange:typeConflict');

% app helpers: without the app (Octave) a clear error; with one, it gets the labels
if ~exist('imageLabeler')
    assertError(@() gtconvert.openImageLabeler(work, {'lesion'}), 'gtconvert:openImageLabeler:noApp');
    assertError(@() gtconvert.openImageSegmenter(files{1}), 'gtconvert:openImageSegmenter:noApp');
end
end
