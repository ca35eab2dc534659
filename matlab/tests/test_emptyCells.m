function test_emptyCells(work)
%TEST_EMPTYCELLS  Empty LabelData cells keep their class and size.
%   test_emptyCells(WORK): a Rectangle whose empty cells are 0x4, a Polygon
%   whose empty cells are 0x0 double (as real R2025a files hold them), a
%   label with attributes whose empty cells are 0x1 structs, and a Point
%   label with 0x2: exportStruct -> readInterchange gives the same empty
%   values, and exporting again gives the same file content.
s = sampleStruct(work);
s.LabelData(2).car = struct('Position', cell(0, 1), 'occluded', cell(0, 1), 'make', cell(0, 1), ...
    'wheel', cell(0, 1));
s.LabelData(2).spot = zeros(0, 2);
s.LabelData(1).boat = zeros(0, 5);
s.LabelData(2).lane = zeros(0, 0);
first = fullfile(work, 'first.mat');
g = gtconvert.exportStruct(s, first);
assert(any(strcmp(g.labelEmptyValues, 'struct 0x1')) && any(strcmp(g.labelEmptyValues, 'double 0x2')));
spec = gtconvert.internal.readInterchange(first);
car = spec.LabelData(2).car;
assert(isstruct(car) && isequal(size(car), [0 1]), 'a 0x1 struct stays a 0x1 struct');
assert(isequal(sort(fieldnames(car)), sort({'Position'; 'occluded'; 'make'; 'wheel'})));
assert(isa(spec.LabelData(2).spot, 'double') && isequal(size(spec.LabelData(2).spot), [0 2]), '0x2 stays 0x2');
assert(isequal(size(spec.LabelData(1).boat), [0 5]), '0x5 stays 0x5');
assert(isa(spec.LabelData(2).lane, 'double') && isempty(spec.LabelData(2).lane), '0x0 double stays double');
assert(iscell(spec.LabelData(1).lane) && isequal(spec.LabelData(1).lane{1}, [1 1; 30 20]));
g2 = gtconvert.exportStruct(spec, fullfile(work, 'second.mat'));
assert(isequaln(g, g2), 'export -> read -> export gives the same content');
end
