function test_errors(work)
%TEST_ERRORS  Bad input raises errors with gtconvert:<function>:<what> identifiers, no file.
%   test_errors(WORK) calls the exporters and readers with bad input in the
%   folder WORK and checks each error identifier; run it with run_all.
s = sampleStruct(work);
file = fullfile(work, 'out.mat');
assertError(@() gtconvert.exportStruct(42, file), 'gtconvert:exportStruct:notStruct');
assertError(@() gtconvert.exportStruct(rmfield(s, 'LabelData'), file), 'gtconvert:buildInterchange:missingField');
bad = s;
bad.DataSource.Source = bad.DataSource.Source(1);
assertError(@() gtconvert.exportStruct(bad, file), 'gtconvert:buildInterchange:rowCount');
bad = s;
bad.DataSource.Source = {};
assertError(@() gtconvert.exportStruct(bad, file), 'gtconvert:buildInterchange:noSource');
bad = s;
bad.LabelData(1).road = {[1 2 3]};
assertError(@() gtconvert.exportStruct(bad, file), 'gtconvert:buildInterchange:badVertices');
bad = s;
bad.LabelData(2).boat = [1 2 3];
assertError(@() gtconvert.exportStruct(bad, file), 'gtconvert:buildInterchange:badPosition');
assertError(@() gtconvert.exportStruct(s, fullfile(work, 'missing', 'x.mat')), 'gtconvert:exportStruct:noFolder');
assertError(@() gtconvert.exportStruct(s, file, 'SamplingFactor', 0), 'gtconvert:exportStruct:badOption');
assertError(@() gtconvert.exportStruct(s, file, 'MatVersion', '-v6'), 'gtconvert:saveInterchange:badMatVersion');
assertError(@() gtconvert.exportStruct(s, file, 'ImageFiles', {'only_one.png'}), ...
    'gtconvert:buildInterchange:imageFilesCount');
if exist('OCTAVE_VERSION', 'builtin')
    assertError(@() gtconvert.exportStruct(s, file, 'MatVersion', '-v7.3'), ...
        'gtconvert:saveInterchange:noV73InOctave');
end
assertError(@() gtconvert.internal.saveInterchange(struct(), fullfile(work, 'missing', 'x.mat')), ...
    'gtconvert:saveInterchange:noFolder');
assert(~exist(file, 'file'), 'a failed export writes nothing');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'nope.mat')), 'gtconvert:readInterchange:noFile');
fid = fopen(fullfile(work, 'junk.mat'), 'w');
fprintf(fid, 'not a MAT-file');
fclose(fid);
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'junk.mat')), ...
    'gtconvert:readInterchange:unreadable');
other = 1; %#ok<NASGU>
save(fullfile(work, 'other.mat'), 'other', '-v7');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'other.mat')), ...
    'gtconvert:readInterchange:notInterchange');
future = gtconvert.internal.emptyInterchange();
future.version = 2;
gtconvert.internal.saveInterchange(future, fullfile(work, 'future.mat'), '-v7');
assertError(@() gtconvert.internal.readInterchange(fullfile(work, 'future.mat')), ...
    'gtconvert:readInterchange:newerVersion');
assertError(@() gtconvert.importGroundTruth(42), 'gtconvert:importGroundTruth:notText');
assertError(@() gtconvert.exportGroundTruth(42, file), 'gtconvert:exportGroundTruth:notGroundTruth');
assertError(@() gtconvert.exportVariable({1, 2}, file), 'gtconvert:exportVariable:unsupportedValue');
assertError(@() gtconvert.exportVariable(true(2), file), 'gtconvert:exportVariable:noImageFiles');
assertError(@() gtconvert.exportTable(42, file), 'gtconvert:exportTable:notTable');
assertError(@() gtconvert.exportMasks({true(2), true(2)}, {'a.png'}, file), 'gtconvert:exportMasks:countMismatch');
assertError(@() gtconvert.openImageSegmenter(42), 'gtconvert:openImageSegmenter:notText');
assertError(@() gtconvert.openImageSegmenter(fullfile(work, 'none.png')), 'gtconvert:openImageSegmenter:noFile');
assertError(@() gtconvert.openImageLabeler(work), 'gtconvert:openImageLabeler:notEnoughInputs');
assertError(@() gtconvert.openImageLabeler(work, {'a', 'b'}, {'Rectangle'}), ...
    'gtconvert:openImageLabeler:countMismatch');
assertError(@() gtconvert.internal.listImages(fullfile(work, 'nowhere')), 'gtconvert:listImages:noFolder');
mkdir(fullfile(work, 'empty'));
assertError(@() gtconvert.internal.listImages(fullfile(work, 'empty')), 'gtconvert:listImages:noImages');
end
