function test_names(work)
%TEST_NAMES  Names that are not MATLAB identifiers survive a round trip.
%   test_names(WORK) checks gtconvert.internal.validName and a Python-written
%   file with invalid names in the folder WORK; run it with run_all.
assert(isequal(gtconvert.internal.validName({'traffic light', '2nd', 'a', 'a'}), ...
    {'trafficLight', 'x2nd', 'a', 'a_1'}));
g = gtconvert.internal.emptyInterchange();
g.sourceType = 'python';
g.imageFiles = {'x.png'};
g.imageIds = 7;
g.imageSize = [10 10];
g.imageTime = NaN;
g.pixelLabelFiles = {''};
g.labelNames = {'traffic light'; 'car'};
g.labelIds = [3; 9];
g.labelTypes = {'Rectangle'; 'Polygon'};
g.labelColors = nan(2, 3);
g.labelPixelIds = {[]; []};
g.labelGroups = {''; ''};
g.labelDescriptions = {'lights'; ''};
g.labelParents = {''; ''};
g.objImage = [1; 1];
g.objLabel = [1; 2];
g.objId = [11; 12];
g.objParent = [0; 0];
g.objIsCrowd = false(2, 1);
g.objPosition = [1 1 4 4 nan(1, 5); nan(1, 9)];
g.objPartCount = [0; 2];
g.partVertexCount = [3; 3];
g.vertices = [1 1; 5 1; 5 5; 6 6; 8 6; 8 8];
g.objRle = {''; ''};
g.objAttributes = {''; ''};
file = fullfile(work, 'python.mat');
gtconvert.internal.saveInterchange(g, file, '-v7');

lastwarn('');
spec = gtconvert.internal.readInterchange(file);
[~, id] = lastwarn();
assert(strcmp(id, 'gtconvert:readInterchange:polygonSplit'), 'a two-part polygon is split, with a warning');
assert(isequal(spec.LabelDefinitions(1).Name, 'trafficLight'));
assert(strcmp(spec.LabelDefinitions(1).Description, '[gtconvert name: "traffic light"] lights'));
assert(isequal(spec.NameMap(1).Original, 'traffic light') && isequal(spec.NameMap(1).Valid, 'trafficLight'));
assert(numel(spec.LabelData.car) == 2 && isequal(spec.LabelData.car{2}, [6 6; 8 6; 8 8]));
back = gtconvert.exportStruct(spec, fullfile(work, 'back.mat'));
assert(isequal(back.labelNames, {'traffic light'; 'car'}), 'the original name comes back');
assert(isequal(back.labelDescriptions{1}, 'lights'));
end
