"""``gtconvert validate``: a box that disagrees with its own shape.

COCO stores an object's ``bbox`` beside its ``segmentation`` (and gtconvert's ``rbox``), and
nothing makes them agree. gtconvert keeps both and uses each where its peers do: **box targets
use the ``bbox``** (YOLO detect, VOC ``<bndbox>``, classification crops, COCO's ``bbox``),
**shape targets use the shape** (YOLO segment and obb, masks, VOC and semantic PNGs, COCO's
``segmentation``), as pycocotools evaluates ``bbox`` results against ``bbox`` and ``segm``
results against ``segmentation``, and Ultralytics' ``convert_coco`` writes detect labels from
``bbox`` and segment labels from ``segmentation``. When they disagree the targets disagree too,
so validate names them. Yields ``(code, message, count, examples)`` (no import of validate).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ... import geometry
from ...model import Dataset, Kind

#: Pixels an edge of the ``bbox`` may lie from the shape's own box (files round to 2 decimals).
TOLERANCE = 1.0

CocoFinding = tuple[str, str, int, list[str]]


def findings(ds: Dataset) -> Iterator[CocoFinding]:
    yield from _box_vs_shape(ds)


def shape_boxes(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose shape has a box of its own (polygons, RLE masks, rotated boxes) and that box."""
    ann = ds.annotations
    rows = np.flatnonzero(np.isin(ann.kind, [Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX]))
    boxes = np.zeros((len(rows), 4))
    kind = ann.kind[rows]
    poly = kind == Kind.POLYGON
    if poly.any():
        sub = ann.take(rows[poly])
        boxes[poly] = geometry.ragged_bbox(sub.part_start, sub.vertex_start, sub.vertices)
    mask = kind == Kind.MASK
    if mask.any():
        boxes[mask] = geometry.rle_bbox(list(ann.rle[rows[mask]]))
    rot = kind == Kind.ROTATED_BOX
    if rot.any():
        boxes[rot] = geometry.rotated_box_bbox(ann.rbox[rows[rot]])
    return rows, boxes


def _box_vs_shape(ds: Dataset) -> Iterator[CocoFinding]:
    ann, img = ds.annotations, ds.images
    rows, boxes = shape_boxes(ds)
    if not len(rows):
        return
    b = ann.bbox[rows]
    edges = np.abs(
        np.concatenate([b[:, :2] - boxes[:, :2], (b[:, :2] + b[:, 2:]) - (boxes[:, :2] + boxes[:, 2:])], 1)
    )
    off = np.nan_to_num(edges, nan=np.inf).max(axis=1)
    bad = np.flatnonzero(off > TOLERANCE)
    if len(bad):
        examples = [
            f"annotation {ann.id[rows[j]]} on {img.file_name[ann.image[rows[j]]]}: bbox {np.round(b[j], 2).tolist()}, "
            f"shape's box {np.round(boxes[j], 2).tolist()}"
            for j in bad[:5].tolist()
        ]
        yield (
            "box.shape_mismatch",
            f"bboxes more than {TOLERANCE:g} px from their own polygon, mask or rotated box (box targets "
            "use the bbox, shape targets the shape: see docs/layouts.md, COCO)",
            len(bad),
            examples,
        )
