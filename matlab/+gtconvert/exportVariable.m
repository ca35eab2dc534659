function g = exportVariable(value, file, imageFiles, varargin)
%EXPORTVARIABLE  Write whatever a labeling app exported to an interchange .mat.
%   gtconvert.exportVariable(VALUE, FILE) writes a groundTruth (or a struct
%   shaped like saveobj(gTruth)) with gtconvert.exportGroundTruth, a label
%   table (or its struct array) with gtconvert.exportTable.
%   gtconvert.exportVariable(BW, FILE, IMAGEFILES) writes Image Segmenter
%   masks (logical, or a cell of them) with gtconvert.exportMasks.
%   Further name-value options go to the exporter. The Python bridge
%   (gtconvert.matlab_engine) calls this on the variable the user exported.
%
%   Example:
%       gtconvert.exportVariable(gTruth, 'labels.mat');
%       gtconvert.exportVariable(BW, 'masks.mat', {'lesion1.jpg'});
%
%   See also gtconvert.exportGroundTruth, gtconvert.exportTable, gtconvert.exportMasks.

if nargin < 3
    imageFiles = {};
end
if isa(value, 'groundTruth') || (isstruct(value) && isfield(value, 'LabelDefinitions'))
    g = gtconvert.exportGroundTruth(value, file, varargin{:});
elseif isa(value, 'table') || (isstruct(value) && isfield(value, 'imageFilename'))
    g = gtconvert.exportTable(value, file, varargin{:});
elseif islogical(value) || (iscell(value) && all(cellfun(@(m) islogical(m) || isempty(m), value(:))))
    if isempty(imageFiles)
        error('gtconvert:exportVariable:noImageFiles', 'Masks need the image files they belong to.');
    end
    g = gtconvert.exportMasks(value, imageFiles, file, varargin{:});
else
    error('gtconvert:exportVariable:unsupportedValue', ['Cannot export a %s: expected a groundTruth, a label ', ...
        'table or logical masks.'], class(value));
end
end
