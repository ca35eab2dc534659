function test_roundTrip(work)
%TEST_ROUNDTRIP  readInterchange inverts exportStruct exactly.
%   test_roundTrip(WORK) exports sampleStruct(WORK), reads it back and
%   exports again; run it with run_all.
s = sampleStruct(work);
first = fullfile(work, 'first.mat');
second = fullfile(work, 'second.mat');
g1 = gtconvert.exportStruct(s, first);
spec = gtconvert.internal.readInterchange(first);
assert(isequal(spec.DataSource.Source, s.DataSource.Source), 'paths resolve against the .mat');
assert(isequal({spec.LabelDefinitions.Name}', {'car'; 'road'; 'lane'; 'spot'; 'boat'; 'truck'; 'sunny'; 'sky'}));
assert(isequal(spec.LabelData(1).car(1).Position, [1 2 10 5]));
assert(isequal(spec.LabelData(1).car(1).wheel(2).Position, [9 3]));
assert(isequal(spec.LabelData(2).road{2}, [20 15; 24 15; 24 19]));
assert(spec.LabelData(1).sunny && ~spec.LabelData(2).sunny);
assert(isfield(spec.LabelDefinitions(1).Hierarchy, 'wheel'));
g2 = gtconvert.exportStruct(spec, second);
assert(isequaln(g1, g2), 'export -> read -> export gives the same file content');
end
