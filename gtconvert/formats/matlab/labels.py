"""MATLAB's label types (``labelType``) and what each holds on the Python side.

Facts: ``shared/docs/matlab-groundtruth.md`` section 1.
"""

from __future__ import annotations

from ...model import Kind

#: labelType name <-> Category.type
TYPE_NAMES = {
    "Rectangle": "rectangle", "RotatedRectangle": "rotated_rectangle", "Polygon": "polygon",
    "Line": "line", "Point": "point", "ProjectedCuboid": "projected_cuboid", "Scene": "scene",
    "PixelLabel": "pixel", "Cuboid": "cuboid", "Custom": "custom", "Mask": "mask",
}  # fmt: skip
LABEL_TYPE = {v: k for k, v in TYPE_NAMES.items()}
KIND_LABEL_TYPE = {
    Kind.BOX: "Rectangle", Kind.ROTATED_BOX: "RotatedRectangle", Kind.POLYGON: "Polygon",
    Kind.POLYLINE: "Line", Kind.POINT: "Point", Kind.PROJECTED_CUBOID: "ProjectedCuboid",
    Kind.TAG: "Scene", Kind.MASK: "Mask", Kind.PIXEL_REF: "PixelLabel",
}  # fmt: skip
#: number of position values -> kind, for objects with a position row
POSITION_KIND = {2: Kind.POINT, 4: Kind.BOX, 5: Kind.ROTATED_BOX, 8: Kind.PROJECTED_CUBOID}

#: Category.type -> the one Kind a label of that type holds (besides RLE masks)
TYPE_KIND = {
    "rectangle": Kind.BOX, "rotated_rectangle": Kind.ROTATED_BOX, "polygon": Kind.POLYGON,
    "line": Kind.POLYLINE, "point": Kind.POINT, "projected_cuboid": Kind.PROJECTED_CUBOID,
    "scene": Kind.TAG, "pixel": Kind.PIXEL_REF, "mask": Kind.MASK,
}  # fmt: skip

#: labelType codes (uint8 enumeration), for when mat-io hands back the raw value.
LABEL_TYPE_CODES = (
    "Rectangle", "Line", "Scene", "Custom", "PixelLabel", "Cuboid", "ProjectedCuboid",
    "Polygon", "Point", "RotatedRectangle",
)  # fmt: skip
#: position columns of the label types stored as numeric rows
POSITION_COLUMNS = {"Rectangle": 4, "RotatedRectangle": 5, "ProjectedCuboid": 8, "Point": 2, "Cuboid": 9}
VERTEX_TYPES = ("Polygon", "Line")
