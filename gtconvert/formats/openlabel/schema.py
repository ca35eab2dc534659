"""OpenLABEL's vocabulary: element data types, MathWorks' customisations, attribute values.

Facts from the ASAM OpenLABEL 1.0.0 specification and JSON schema (``openlabel.asam.net``):
the root holds one key, ``openlabel``, whose ``metadata.schema_version`` is ``"1.0.0"``;
``objects``, ``contexts`` and ``frames`` are keyed by integer strings or UUIDs; an object has
``name`` and ``type`` and no other keys than the schema's (``object_data``,
``object_data_pointers``, ``frame_intervals``, ...); ``object_data`` holds lists of typed
entries (``bbox``, ``poly2d``, ... , ``text``, ``num``, ``boolean``, ``vec``), each with
``name`` and ``val`` and open to extra keys; ``metadata`` and ``frame_properties`` are open.

MathWorks' customisations (``groundTruthToOpenLabel``, R2024a; see ``docs/openlabel.md``):
``metadata.mathworks_schema_version``, ``metadata.matlab_label_definitions`` (one entry per
LabelDefinitions row), the image of each object in ``object_data_pointers.<name>.uri``,
``poly2d`` entries with ``matlab_projected_cuboid``, pixel labels as an object of type
``PixelLabel`` whose ``text`` entry names the label PNG, scene labels as ``contexts`` with one
``boolean``, and for video a ``Video`` stream and ``frame_properties.time_stamp`` text.
"""

from __future__ import annotations

import re
from typing import Any

from ...model import Kind

SCHEMA_VERSION = "1.0.0"
MATHWORKS_SCHEMA_VERSION = "1.0.0"
#: the version of gtconvert's own block in ``metadata.gtconvert`` (what only gtconvert reads)
GTCONVERT_VERSION = 1

#: geometric object data gtconvert reads, in the order the reader visits them
SHAPES = ("bbox", "rbbox", "point2d", "poly2d", "image")
#: non-geometric data: attribute values
ATTRIBUTE_TYPES = ("text", "num", "boolean", "vec")
#: object data gtconvert has no shape for (counted in a warning when met)
UNREAD_DATA = ("cuboid", "poly3d", "point3d", "mat", "binary", "mesh", "line_reference", "area_reference")
#: root elements gtconvert does not read (counted in a warning when present)
UNREAD_ELEMENTS = ("actions", "events", "relations", "tags", "coordinate_systems", "ontologies", "resources")

POLY_MODE = "MODE_POLY2D_ABSOLUTE"
PIXEL_LABEL_TYPE = "PixelLabel"  # MathWorks' object type of a label PNG
PIXEL_TEXT_NAME = "semantic mask"
CONTEXT_IMAGE_TEXT = "Image filename for this context"  # MathWorks' text naming a context's image
MASK_MIME = "image/png"

#: labelType name <-> Category.type (the MATLAB vocabulary, as the MATLAB format spells it)
TYPE_NAMES = {
    "Rectangle": "rectangle", "RotatedRectangle": "rotated_rectangle", "Polygon": "polygon",
    "Line": "line", "Point": "point", "ProjectedCuboid": "projected_cuboid", "Scene": "scene",
    "PixelLabel": "pixel", "Cuboid": "cuboid", "Custom": "custom",
}  # fmt: skip
LABEL_TYPE = {v: k for k, v in TYPE_NAMES.items()}
KIND_LABEL_TYPE = {
    Kind.BOX: "Rectangle", Kind.ROTATED_BOX: "RotatedRectangle", Kind.POLYGON: "Polygon",
    Kind.POLYLINE: "Line", Kind.POINT: "Point", Kind.PROJECTED_CUBOID: "ProjectedCuboid",
    Kind.TAG: "Scene", Kind.PIXEL_REF: "PixelLabel",
}  # fmt: skip
#: the OpenLABEL object data each kind is written as
KIND_SHAPE = {
    Kind.BOX: "bbox", Kind.ROTATED_BOX: "rbbox", Kind.POINT: "point2d", Kind.POLYGON: "poly2d",
    Kind.POLYLINE: "poly2d", Kind.PROJECTED_CUBOID: "poly2d", Kind.MASK: "image",
}  # fmt: skip


# ---- walking a document -------------------------------------------------------------------


def values(block: Any) -> list[dict[str, Any]]:
    """The JSON objects of a keyed block (``objects``, ``streams``, pointers...), others skipped."""
    return [v for v in block.values() if isinstance(v, dict)] if isinstance(block, dict) else []


def as_int(text: Any, default: Any) -> Any:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def interval_frames(element: dict[str, Any]) -> list[int]:
    """Every frame an element's ``frame_intervals`` (and its pointers') cover, sorted."""
    out: list[int] = []
    intervals = list(element.get("frame_intervals") or [])
    for ptr in values(element.get("object_data_pointers")):
        intervals += ptr.get("frame_intervals") or []
    for iv in intervals:
        if isinstance(iv, dict):
            start, end = as_int(iv.get("frame_start"), None), as_int(iv.get("frame_end"), None)
            if start is not None and end is not None:
                out.extend(range(start, end + 1))
    return sorted(set(out))


def pointer_uri(obj: dict[str, Any]) -> str | None:
    """The image an object names in its data pointers (MathWorks' ``uri``), or None."""
    for ptr in values(obj.get("object_data_pointers")):
        if isinstance(ptr.get("uri"), str):
            return ptr["uri"]
    return None


# ---- attribute values ---------------------------------------------------------------------


def attribute_type(value: Any) -> str | None:
    """The OpenLABEL type of an attribute value, or None when it has none (dicts, nested lists)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list) and all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
    ):
        return "vec"
    return None


def encode_attributes(values: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """``{"occluded": True, "note": "x"}`` -> ``{"boolean": [...], "text": [...]}`` and how many
    values have no OpenLABEL type (left out; the caller counts them in a warning)."""
    out: dict[str, list[dict[str, Any]]] = {}
    dropped = 0
    for name, value in values.items():
        kind = attribute_type(value)
        if kind is None:
            dropped += 1
            continue
        out.setdefault(kind, []).append({"name": str(name), "val": value})
    # in one order of types, as the reader visits them: a second trip writes the same text
    return {k: out[k] for k in ATTRIBUTE_TYPES if k in out}, dropped


def decode_attributes(block: Any) -> dict[str, Any]:
    """An ``attributes`` (or non-geometric ``object_data``) block -> ``{name: value}``."""
    out: dict[str, Any] = {}
    if not isinstance(block, dict):
        return out
    for kind in ATTRIBUTE_TYPES:
        for entry in block.get(kind) or []:
            if isinstance(entry, dict) and "val" in entry:
                out[str(entry.get("name", kind))] = entry["val"]
    return out


# ---- MATLAB default values (mat2str text) ----------------------------------------------------

_CLASS_CALL = re.compile(r"^\s*([a-z0-9]+)\((.*)\)\s*$", re.S)


def parse_mat2str(text: Any) -> Any:
    """A ``DefaultValue`` as MathWorks writes it (``mat2str(v, 'class')``) -> a Python value.

    ``'abc'`` -> ``"abc"``, ``true``/``logical(true)`` -> True, ``5``/``double(5)`` -> 5,
    ``[]``/``zeros(0,0)`` -> None; anything else is kept as the text it is.
    :func:`mat2str_class` tells the MATLAB class the text names.
    """
    if not isinstance(text, str):
        return text
    s = text.strip()
    call = _CLASS_CALL.match(s)
    if call and call.group(1) not in ("zeros", "true", "false"):
        s = call.group(2).strip()
    if s.startswith("'") and s.endswith("'") and len(s) >= 2:
        return s[1:-1].replace("''", "'")
    if s in ("true", "false"):
        return s == "true"
    if s in ("[]", "") or s.startswith("zeros(0"):
        return None
    try:
        number = float(s)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in s and "e" not in s.lower() else number


def mat2str_class(text: Any) -> str:
    """The attribute type (``logical``, ``numeric``, ``string``) of a ``DefaultValue`` text."""
    if not isinstance(text, str):
        return "string"
    call = _CLASS_CALL.match(text.strip())
    if call and call.group(1) == "logical":
        return "logical"
    if call and call.group(1) == "char":
        return "string"
    if call:  # double, single, int8, ..., zeros(0,0)
        return "numeric"
    value = parse_mat2str(text)
    if isinstance(value, bool):
        return "logical"
    return "numeric" if isinstance(value, (int, float)) or value is None else "string"


def to_mat2str(value: Any) -> str:
    """A default value as MATLAB text that evaluates back to it (the inverse of :func:`parse_mat2str`)."""
    if value is None:
        return "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
