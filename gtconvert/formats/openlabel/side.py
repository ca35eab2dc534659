"""``metadata.gtconvert``: what OpenLABEL has no field for, as gtconvert writes and reads it.

``version``, ``vertex_convention`` (how the file's vertices were written), ``images`` (the
image table: ids, names, sizes, times, videos, unknown keys), ``categories`` (every category
field), ``objects`` (per object uid: its category id, and where set iscrowd, area, score,
unknown keys, a sublabel's parent, the ids of nested sublabels and pixel references, and the
exact COCO values of a box, rotated box or vertices whose OpenLABEL form lost bits), ``info``
and ``image_root`` (relative to the JSON file). Other tools ignore it; the reader uses an exact
value only while it still gives the file's standard value (see :mod:`.columns`).
"""

from __future__ import annotations

from typing import Any

from ...errors import GtconvertError
from ...model import Category, Images

CATEGORY_FIELDS = (
    "type",
    "color",
    "pixel_id",
    "group",
    "description",
    "supercategory",
    "attributes",
    "parent",
)


def image_records(img: Images) -> list[dict[str, Any]]:
    """Every image as gtconvert keeps it (OpenLABEL has no image table)."""
    out = [
        {"id": i, "file_name": f, "width": w, "height": h}
        for i, f, w, h in zip(
            img.id.tolist(), img.file_name.tolist(), img.width.tolist(), img.height.tolist()
        )
    ]
    for rec, t, v, e in zip(out, img.time.tolist(), img.video.tolist(), img.extra.tolist()):
        if t == t:  # not NaN
            rec["time"] = t
        if v:
            rec["video"] = v
        if e:
            rec["extra"] = e
    return out


def category_record(c: Category) -> dict[str, Any]:
    """A category with every field it has (ids, COCO and MATLAB fields, unknown keys)."""
    rec: dict[str, Any] = {"id": c.id, "name": c.name}
    for key in CATEGORY_FIELDS:
        value = getattr(c, key)
        if value:
            rec[key] = list(value) if isinstance(value, tuple) else value
    if c.extra:
        rec["extra"] = c.extra
    return rec


def category_from_record(rec: Any, path: Any) -> Category:
    """The inverse of :func:`category_record`."""
    if not isinstance(rec, dict) or "id" not in rec or "name" not in rec:
        raise GtconvertError(
            "metadata.gtconvert.categories is damaged", file=path, fix="delete metadata.gtconvert"
        )
    color, pixel = rec.get("color"), rec.get("pixel_id")
    return Category(
        id=int(rec["id"]), name=str(rec["name"]), type=rec.get("type", ""),
        color=tuple(color) if color else None, pixel_id=tuple(pixel) if pixel else None,
        group=rec.get("group", ""), description=rec.get("description", ""),
        supercategory=rec.get("supercategory", ""), attributes=rec.get("attributes", []),
        parent=rec.get("parent", ""), extra=rec.get("extra", {}),
    )  # fmt: skip
