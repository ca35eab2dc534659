function test_exportStruct(work)
%TEST_EXPORTSTRUCT  exportStruct writes every label type as the schema says.
%   test_exportStruct(WORK) writes sampleStruct(WORK) and checks every
%   interchange field; run it with run_all.
s = sampleStruct(work);
file = fullfile(work, 'out.mat');
g = gtconvert.exportStruct(s, file, 'Release', 'R2023b');
loaded = load(file);
assert(isequaln(loaded.gtconvert, g), 'the file holds what exportStruct returned');
assert(~exist([file '.partial.mat'], 'file'), 'no temporary file is left');

assert(strcmp(g.schema, 'gtconvert-interchange') && g.version == 1 && strcmp(g.frame, 'matlab'));
assert(strcmp(g.release, 'R2023b') && strcmp(g.sourceType, 'imageCollection'));
assert(isequal(g.imageFiles, {'a.png'; 'b.png'}), 'images inside the folder become relative');
assert(isequal(g.imageSize, [30 40; 20 25]), 'sizes come from the image headers');
assert(all(isnan(g.imageTime)));
assert(isequal(g.pixelLabelFiles, {'PixelLabelData/Label_1.png'; ''}));

% labels: sublabel right after its parent
assert(isequal(g.labelNames', {'car', 'wheel', 'road', 'lane', 'spot', 'boat', 'truck', 'sunny', 'sky'}));
assert(isequal(g.labelParents{2}, 'car') && all(cellfun(@isempty, g.labelParents([1 3:end]))));
assert(isequal(g.labelTypes{2}, 'Point') && isequal(g.labelTypes{9}, 'PixelLabel'));
assert(isequal(g.labelPixelIds{9}, 3) && isempty(g.labelPixelIds{1}));
assert(isequal(g.labelColors(2, :), [0 0 1]) && isequal(g.labelIds, (1:9)'));
assert(isequal(g.attrNames, {'occluded'; 'make'}) && isequal(g.attrLabel, [1; 1]));
assert(isequal(g.attrTypes, {'logical'; 'list'}));
assert(isequal(g.attrDefaults{1}, 'false') && isequal(jsondecode(g.attrListItems{2}), {'audi'; 'fiat'}));

% objects, in image order then label order; sublabels follow their parent
label = @(name) find(strcmp(g.labelNames, name));
cars = find(g.objLabel == label('car'));
assert(isequal(g.objPosition(cars, 1:4), [1 2 10 5; 3.5 4 7 8]), 'boxes stored unchanged');
wheels = find(g.objLabel == label('wheel'));
assert(isequal(g.objParent(wheels), [cars(1); cars(1)]), 'both wheels belong to the first car');
assert(isequal(g.objPosition(wheels, 1:2), [2 3; 9 3]));
first = jsondecode(g.objAttributes{cars(1)});
assert(first.occluded == true && strcmp(first.make, 'fiat'));
roads = find(g.objLabel == label('road'));
assert(numel(roads) == 3 && isequal(g.objImage(roads), [1; 2; 2]), 'bare matrix and cell polygons');
assert(all(g.objPartCount(roads) == 1) && all(isnan(g.objPosition(roads, 1))));
lanes = find(g.objLabel == label('lane'));
assert(numel(lanes) == 1 && g.objPartCount(lanes) == 1);
assert(nnz(g.objLabel == label('spot')) == 2);
boat = find(g.objLabel == label('boat'));
assert(isequal(g.objPosition(boat, 1:5), [12 10 6 4 30]) && g.objImage(boat) == 2);
truck = find(g.objLabel == label('truck'));
assert(isequal(g.objPosition(truck, 1:8), [1 1 10 10 3 3 10 10]) && isnan(g.objPosition(truck, 9)));
sunny = find(g.objLabel == label('sunny'));
assert(isequal(g.objImage(sunny), 1), 'a scene tag is one object where it is true');
assert(~any(g.objLabel == label('sky')), 'pixel labels have no object rows');
assert(isequal(g.objId, (1:numel(g.objId))') && ~any(g.objIsCrowd));

% ragged geometry: counts describe the vertex array exactly
assert(sum(g.objPartCount) == numel(g.partVertexCount));
assert(sum(g.partVertexCount) == size(g.vertices, 1));
assert(isequal(g.vertices(1:3, :), [1 1; 10 1.5; 10 10]), 'vertices stored unchanged');
assert(isequal(size(g.objPosition), [numel(g.objId) 9]));
end
