function n = positionColumns(typeName)
%POSITIONCOLUMNS  Position values per object of a label type: the one table of them.
%   N = gtconvert.internal.positionColumns(TYPENAME) is the number of
%   columns of a LabelData position row of the labelType named TYPENAME:
%   4 for Rectangle [x y w h], 5 for RotatedRectangle [xctr yctr w h yaw],
%   8 for ProjectedCuboid (front and back face), 2 for Point [x y], 9 for
%   Cuboid; 0 for the types whose objects are vertex lists (Polygon, Line),
%   a tag (Scene) or no shape (PixelLabel, Custom, unknown names).
%   TABLE = gtconvert.internal.positionColumns() returns the struct mapping
%   each type with position rows to its column count.
%
%   Example:
%       gtconvert.internal.positionColumns('RotatedRectangle')  % -> 5

byType = struct('Rectangle', 4, 'RotatedRectangle', 5, 'ProjectedCuboid', 8, 'Point', 2, 'Cuboid', 9);
if nargin < 1
    n = byType;
elseif isfield(byType, typeName)
    n = byType.(typeName);
else
    n = 0;
end
end
