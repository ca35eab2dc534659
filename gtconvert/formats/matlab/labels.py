"""MATLAB's label types (``labelType``): the one table, and the views the reader and writer use.

Each row says what a label of that type is on both sides: its ``labelType`` member and uint8
code, the :attr:`Category.type` it becomes, the one :class:`Kind` its objects have, and how many
position values an object row holds. Facts: ``shared/docs/matlab-groundtruth.md`` section 1.

``Mask`` is gtconvert's own: a label of RLE masks (from COCO), which the interchange file can
hold and a groundTruth cannot (MATLAB's ``readInterchange`` skips it with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Kind


@dataclass(frozen=True)
class LabelType:
    """One ``labelType``."""

    name: str  #: the labelType member (and the interchange's ``labelTypes`` text)
    code: int | None  #: its uint8 enumeration value; None: not a MATLAB labelType
    category_type: str  #: :attr:`gtconvert.model.Category.type`
    kind: Kind | None  #: the kind of its objects; None: gtconvert reads none (Cuboid, Custom)
    columns: int = 0  #: position values per object row; 0: vertex lists, a tag or nothing


#: Every label type, in the order the apps list them.
LABEL_TYPES = (
    LabelType("Rectangle", 0, "rectangle", Kind.BOX, 4),  # [x y w h]
    LabelType("RotatedRectangle", 9, "rotated_rectangle", Kind.ROTATED_BOX, 5),  # [xctr yctr w h yaw]
    LabelType("Polygon", 7, "polygon", Kind.POLYGON),  # a cell of Px2 vertex lists
    LabelType("Line", 1, "line", Kind.POLYLINE),  # a cell of Px2 polylines
    LabelType("Point", 8, "point", Kind.POINT, 2),  # [x y]
    LabelType("ProjectedCuboid", 6, "projected_cuboid", Kind.PROJECTED_CUBOID, 8),  # front and back face
    LabelType("Scene", 2, "scene", Kind.TAG),  # a logical scalar per image
    LabelType("PixelLabel", 4, "pixel", Kind.PIXEL_REF),  # PixelLabelID values in a label PNG
    LabelType("Cuboid", 5, "cuboid", None, 9),  # lidar
    LabelType("Custom", 3, "custom", None),  # anything
    LabelType("Mask", None, "mask", Kind.MASK),  # RLE masks (gtconvert's own)
)

BY_NAME = {t.name: t for t in LABEL_TYPES}
BY_CODE = {t.code: t for t in LABEL_TYPES if t.code is not None}
BY_CATEGORY_TYPE = {t.category_type: t for t in LABEL_TYPES}
#: the label type a dataset's objects of each kind are written as
BY_KIND = {t.kind: t for t in LABEL_TYPES if t.kind is not None}

#: the labelType members, which the apps know
MATLAB_NAMES = tuple(t.name for t in LABEL_TYPES if t.code is not None)
#: label types whose objects are vertex lists
VERTEX_TYPES = tuple(t.name for t in LABEL_TYPES if t.kind in (Kind.POLYGON, Kind.POLYLINE))
#: number of position values -> kind, for objects with a position row
POSITION_KIND = {t.columns: t.kind for t in LABEL_TYPES if t.columns and t.kind is not None}
#: number of columns of a numeric LabelData value -> the label type it shows (a table stores none)
TYPE_OF_COLUMNS = {t.columns: t.name for t in LABEL_TYPES if t.columns and t.kind is not None}


def name_of_code(code: int) -> str:
    """The labelType member of a uint8 code (KeyError for an unknown one)."""
    return BY_CODE[code].name


def position_columns(name: str) -> int:
    """Position values per object row of a label type (0: vertex lists, a tag, or unknown)."""
    known = BY_NAME.get(name)
    return known.columns if known else 0


def category_type(name: str) -> str:
    """The :attr:`Category.type` of a label type; an unknown name in lower case."""
    known = BY_NAME.get(name)
    return known.category_type if known else name.lower()


def free_label_name(name: str, parent: str, taken: set[tuple[str, str]]) -> str:
    """``name``, or ``name_2``, ``name_3``...: the first label name not yet used under ``parent``
    (a top-level label has parent ""); the name returned is added to ``taken``."""
    candidate, n = name, 1
    while (parent, candidate) in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add((parent, candidate))
    return candidate
