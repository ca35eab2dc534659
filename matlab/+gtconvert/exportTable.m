function g = exportTable(tbl, file, varargin)
%EXPORTTABLE  Write the labeling apps' table export to an interchange .mat.
%   gtconvert.exportTable(TBL, FILE) writes a label table (a column
%   imageFilename, then one column per label, as Image Labeler's "Export >
%   To Workspace" with the table format or objectDetectorTrainingData give)
%   to FILE. Label types are inferred from the values: Mx4 Rectangle, Mx5
%   RotatedRectangle, Mx8 ProjectedCuboid, Mx2 Point, cells of vertex
%   lists Polygon, logical Scene. TBL may also be a struct array with
%   these fields (table2struct(TBL)).
%
%   Name-value options: 'LabelTypes', a struct mapping a label name to its
%   type (e.g. struct('road', 'Line')) for labels the values leave
%   ambiguous; the options of gtconvert.exportStruct.
%
%   Example:
%       gtconvert.exportTable(stopSigns, 'stopSigns.mat');
%
%   See also gtconvert.exportGroundTruth, gtconvert.exportStruct.

[types, rest] = gtconvert.internal.takeOption(varargin, 'LabelTypes', struct());
if isstruct(tbl)
    records = tbl(:);
elseif isa(tbl, 'table')
    records = table2struct(tbl);  % the only toolbox-independent MATLAB call here
else
    error('gtconvert:exportTable:notTable', 'Expected a table or a struct array, got %s.', class(tbl));
end
s = gtconvert.internal.tableToStruct(records, types);
g = gtconvert.exportStruct(s, file, rest{:});
end
