function gTruth = importGroundTruth(file)
%IMPORTGROUNDTRUTH  Interchange .mat -> groundTruth, ready for imageLabeler.
%   GTRUTH = gtconvert.importGroundTruth(FILE) reads an interchange file
%   (written by gtconvert in Python, e.g. from COCO, VOC or YOLO, or by
%   gtconvert.exportStruct) and builds a groundTruth object with the public
%   constructors groundTruthDataSource, labelType and table, so that
%   imageLabeler(GTRUTH) opens the labels. Label names that are not valid
%   MATLAB identifiers are renamed (see gtconvert.internal.readInterchange);
%   exporting again restores them.
%
%   Without the Computer Vision Toolbox (e.g. in GNU Octave) it warns
%   (gtconvert:noToolbox) and returns the plain struct that
%   gtconvert.internal.readInterchange builds.
%
%   Example:
%       gTruth = gtconvert.importGroundTruth('coco_labels.mat');
%       imageLabeler(gTruth)
%
%   See also gtconvert.exportGroundTruth, imageLabeler.

if nargin < 1 || ~(ischar(file) || isa(file, 'string'))
    error('gtconvert:importGroundTruth:notText', 'Give the interchange file name as text.');
end
spec = gtconvert.internal.readInterchange(file);
if gtconvert.internal.hasToolbox()
    gTruth = gtconvert.internal.toGroundTruth(spec);
else
    warning('gtconvert:importGroundTruth:noToolbox', ['groundTruth needs MATLAB with the Computer Vision ', ...
        'Toolbox; returning the plain struct instead.']);
    gTruth = spec;
end
end
