function test_errors(work)
%TEST_ERRORS  Bad input raises errors with gtconvert identifiers, no file.
s = sampleStruct(work);
file = fullfile(work, 'out.mat');
assertError(@() gtconvert.exportStruct(42, file), 'gtconvert:badInput');
assertError(@() gtconvert.exportStruct(rmfield(s, 'LabelData'), file), 'gtconvert:badInput');
bad = s;
bad.DataSource.Source = bad.DataSource.Source(1);
assertError(@() gtconvert.exportStruct(bad, file), 'gtconvert:badInput');
assertError(@() gtconvert.exportStruct(s, fullfile(work, 'missing', 'x.mat')), 'gtconvert:badInput');
assertError(@() gtconvert.exportStruct(s, file, 'SamplingFactor', 0), 'gtconvert:badInput');
assertError(@() gtconvert.exportStruct(s, file, 'MatVersion', '-v6'), 'gtconvert:badInput');
assertError(@() gtconvert.exportStruct(s, file, 'ImageFiles', {'only_one.png'}), 'gtconvert:badInput');
assert(~exist(file, 'file'), 'a failed export writes nothing');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'nope.mat')), 'gtconvert:badInput');
other = 1; %#ok<NASGU>
save(fullfile(work, 'other.mat'), 'other', '-v7');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'other.mat')), 'gtconvert:badInput');
future = gtconvert.internal.emptyInterchange();
future.version = 2;
gtconvert.internal.saveInterchange(future, fullfile(work, 'future.mat'), '-v7');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'future.mat')), 'gtconvert:badInput');
assertError(@() gtconvert.exportVariable({1, 2}, file), 'gtconvert:badInput');
assertError(@() gtconvert.openImageSegmenter(fullfile(work, 'none.png')), 'gtconvert:badInput');
end
