"""COCO as other tools write it: the forms beyond MS COCO's own that the reader accepts.

- kwcoco's polygons ``{"exterior": [[x, y], ...], "interiors": [[[x, y], ...], ...]}`` (or a
  list of them): each becomes one MS COCO part, its holes bridged in (pycocotools fills one
  ring even-odd, so the holes stay empty; as separate parts they would be filled).
- CVAT's rotated rectangles: a ``bbox`` of the unrotated box with ``attributes.rotation`` in
  degrees, clockwise about the box centre: read as a rotated box (the attribute moves into the
  box, so no writer turns it twice).
- Absolute image file names (kwcoco): relative to ``--images``, else to the folder of the JSON
  file, else to the folder they all share (``images_relative``).

See ``docs/layouts.md`` (COCO).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ... import geometry
from ...errors import GtconvertError
from ...model import Images, Kind

KWCOCO_FIX = (
    "kwcoco polygons are {'exterior': [[x, y], ...], 'interiors': [[[x, y], ...], ...]}; or give "
    "MS COCO's flat [[x1, y1, x2, y2, ...]]"
)


def is_kwcoco_polygon(seg: Any) -> bool:
    """A kwcoco polygon, or a list of them."""
    if type(seg) is list:
        return bool(seg) and type(seg[0]) is dict
    return isinstance(seg, dict) and "exterior" in seg


def kwcoco_parts(seg: Any, path: Any, ann_id: Any) -> list[list[float]]:
    """A kwcoco polygon (or list of them) as MS COCO parts: one flat ring per polygon."""
    polygons = seg if type(seg) is list else [seg]
    parts = []
    for poly in polygons:
        try:
            rings = [np.asarray(poly["exterior"], dtype=np.float64).reshape(-1, 2)]
            rings += [np.asarray(r, dtype=np.float64).reshape(-1, 2) for r in poly.get("interiors") or []]
        except (TypeError, ValueError, KeyError, AttributeError):
            raise GtconvertError(
                "a kwcoco polygon that is not exterior/interiors point lists",
                file=path,
                record=f"annotation id {ann_id}",
                fix=KWCOCO_FIX,
            ) from None
        parts.append(geometry.bridge_parts(rings).ravel().tolist())
    return parts


def cvat_rotations(attributes: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``candidates`` (plain boxes) whose attributes carry a non-zero CVAT ``rotation``,
    and their angles."""
    rows, angles = [], []
    for i in candidates.tolist():
        attrs = attributes[i]
        angle = attrs.get("rotation") if isinstance(attrs, dict) else None
        if isinstance(angle, (int, float)) and not isinstance(angle, bool) and angle % 360 != 0:
            rows.append(i)
            angles.append(float(angle))
    return np.asarray(rows, dtype=np.int64), np.asarray(angles, dtype=np.float64)


def rotated_from_cvat(bbox: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """``(cx, cy, w, h, angle)`` of CVAT's unrotated boxes turned by ``angles`` about their centre."""
    b = bbox.reshape(-1, 4)
    return np.column_stack([b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2, b[:, 2], b[:, 3], angles])


def images_relative(img: Images, json_path: Any, images: str | None) -> str | None:
    """Make absolute file names relative; the folder they are now relative to (None: none was).

    Relative to ``images`` when given (every absolute name must lie under it), else to the
    JSON file's folder when they all lie under it, else to the folder they all share.
    """
    names = img.file_name.tolist()
    absolute = [k for k, n in enumerate(names) if isinstance(n, str) and os.path.isabs(n)]
    if not absolute:
        return None
    here = os.path.dirname(os.path.abspath(json_path))
    paths = [os.path.normpath(names[k]) for k in absolute]
    if images is not None:
        root = os.path.abspath(images)
    elif all(_under(p, here) for p in paths):
        root = here
    elif len(absolute) < len(names):
        raise GtconvertError(
            "image file names mix absolute and relative paths",
            file=json_path,
            record=f"image {names[absolute[0]]!r}",
            fix="pass --images DIR: the folder the relative names are relative to, holding the absolute ones",
        )
    else:
        root = os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0])
    for k, p in zip(absolute, paths):
        if not _under(p, root):
            raise GtconvertError(
                f"absolute image file name is not under {root}",
                file=json_path,
                record=f"image {names[k]!r}",
                fix="pass --images DIR as a folder that holds every image",
            )
        names[k] = os.path.relpath(p, root).replace(os.sep, "/")
    img.file_name[:] = names
    return root


def _under(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def kwcoco_to_mscoco(segs: list, path: Any, ids: np.ndarray) -> None:
    """kwcoco's exterior/interiors polygons as MS COCO parts, in place; any other segmentation
    that is neither a list nor a dict (a bare RLE string) is an error, never a silent box."""
    for i, s in enumerate(segs):
        if s is None or (type(s) is list and not (s and type(s[0]) is dict)):
            continue
        if is_kwcoco_polygon(s):
            segs[i] = kwcoco_parts(s, path, ids[i])
        elif not isinstance(s, dict):
            raise GtconvertError(
                f"segmentation of type {type(s).__name__}",
                file=path,
                record=f"annotation id {ids[i]}",
                fix="a segmentation is polygons [[x1, y1, ...]], an RLE {size, counts} or a kwcoco polygon",
            )


def cvat_rotated(kind: np.ndarray, bbox: np.ndarray, rbox: np.ndarray, attributes: np.ndarray) -> None:
    """CVAT's boxes with ``attributes.rotation`` as rotated boxes (the angle leaves the attributes)."""
    rows, angles = cvat_rotations(attributes, np.flatnonzero(kind == Kind.BOX))
    if not len(rows):
        return
    rbox[rows] = rotated_from_cvat(bbox[rows], angles)
    bbox[rows] = geometry.rotated_box_bbox(rbox[rows])
    kind[rows] = Kind.ROTATED_BOX
    for i in rows.tolist():
        attributes[i] = {k: v for k, v in attributes[i].items() if k != "rotation"}
