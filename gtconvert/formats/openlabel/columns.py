"""The reader's rows (one per shape met) -> columnar :class:`Annotations` in the COCO frame.

Every coordinate is converted in one pass (:mod:`gtconvert.geometry.frames`). Where gtconvert wrote an exact
value beside a standard one (a box whose centre form lost bits, radians that are not exact
degrees, vertices below the shift's precision), the exact value is used only while it still
gives the file's value: a file edited by another tool reads as that tool wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import geometry
from ...model import Annotations, Kind

_FLAT = (Kind.BOX, Kind.ROTATED_BOX)  # shapes whose values are a row, not vertices


def build_annotations(rows: list[dict[str, Any]], convention: str) -> Annotations:
    """Columns of ``rows`` (dicts with image, category, kind, id, raw values, side record...)."""
    parts = [
        [] if r["kind"] in _FLAT else [np.asarray(p, np.float64).reshape(-1, 2) for p in r["raw"]]
        for r in rows
    ]
    side = [r["side"] for r in rows]
    ann = Annotations.create(
        [r["image"] for r in rows], [r["category"] for r in rows],
        np.array([r["kind"] for r in rows], dtype=np.uint8), id=[r["id"] for r in rows],
        parts=parts, rle=[r["rle"] for r in rows], pixel_ref=[r["pixel_ref"] for r in rows],
        attributes=[r["attributes"] for r in rows], parent=[r["parent"] for r in rows],
        extra=[r["extra"] for r in rows], iscrowd=[bool(s.get("iscrowd")) for s in side],
        area=[float(s.get("area", np.nan)) for s in side], score=[float(s.get("score", np.nan)) for s in side],
    )  # fmt: skip
    _to_coco(ann, rows, convention)
    _stored_parents(ann, side)
    return ann


def _to_coco(ann: Annotations, rows: list[dict[str, Any]], convention: str) -> None:
    vertex_row = ann.part_owner()[ann.vertex_part()] if len(ann.vertices) else np.zeros(0, np.int64)
    shifted = ann.kind[vertex_row] != Kind.PROJECTED_CUBOID  # cuboid corners take the box rule
    raw_vertices = ann.vertices.copy()
    ann.vertices[shifted] = geometry.openlabel_points_to_coco(ann.vertices[shifted], convention)

    def to_file(v: np.ndarray) -> np.ndarray:
        return geometry.coco_rotated_to_openlabel(v, convention)

    def to_coco(v: np.ndarray) -> np.ndarray:
        return geometry.openlabel_rotated_to_coco(v, convention)

    for i in np.flatnonzero(ann.kind == Kind.BOX).tolist():
        val = np.asarray(rows[i]["raw"][0], np.float64)
        ann.bbox[i] = _exact(
            rows[i]["side"].get("xywh"),
            val,
            geometry.coco_boxes_to_openlabel,
            geometry.openlabel_boxes_to_coco,
        )
    for i in np.flatnonzero(ann.kind == Kind.ROTATED_BOX).tolist():
        ann.rbox[i] = _exact(
            rows[i]["side"].get("rbox"), np.asarray(rows[i]["raw"][0], np.float64), to_file, to_coco
        )
    for i, r in enumerate(rows):
        stored = r["side"].get("parts")
        if stored and r["kind"] not in (*_FLAT, Kind.PROJECTED_CUBOID):
            _exact_parts(ann, i, stored, raw_vertices, convention)
    derived = ann.kind != Kind.BOX
    ann.bbox[derived] = derived_boxes(ann)[derived]
    for i, r in enumerate(rows):  # a box the source stored that is not the shape's own (COCO allows it)
        stored = r["side"].get("bbox")
        if isinstance(stored, list) and len(stored) == 4:
            ann.bbox[i] = stored


def _stored_parents(ann: Annotations, side: list[dict[str, Any]]) -> None:
    """Sublabels gtconvert wrote as objects of their own (not nested): their parents, by id."""
    orphans = [i for i, s in enumerate(side) if ann.parent[i] < 0 and "parent" in s]
    if orphans:
        row_of = {int(a): k for k, a in enumerate(ann.id.tolist())}
        for i in orphans:
            parent = side[i]["parent"]
            ann.parent[i] = row_of.get(parent, -1) if isinstance(parent, int) else -1


def _exact(
    stored: Any,
    val: np.ndarray,
    to_file: Callable[[np.ndarray], np.ndarray],
    to_coco: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """The exact value gtconvert kept, if it still gives the file's value; else the file's, converted."""
    if isinstance(stored, list) and len(stored) == len(val):
        exact = np.asarray(stored, np.float64)
        if np.array_equal(to_file(exact)[0], val):
            return exact
    return to_coco(val)[0]


def _exact_parts(ann: Annotations, i: int, stored: Any, raw: np.ndarray, convention: str) -> None:
    p0, p1 = int(ann.part_start[i]), int(ann.part_start[i + 1])
    v0, v1 = int(ann.vertex_start[p0]), int(ann.vertex_start[p1])
    try:
        exact = np.concatenate([np.asarray(p, np.float64).reshape(-1, 2) for p in stored])
    except (TypeError, ValueError):
        return
    if exact.shape == (v1 - v0, 2) and np.array_equal(
        geometry.coco_points_to_openlabel(exact, convention), raw[v0:v1]
    ):
        ann.vertices[v0:v1] = exact


def derived_boxes(ann: Annotations) -> np.ndarray:
    """The box of each shape as the reader derives it (the writer keeps a box that differs)."""
    out = ann.bbox.copy()
    geo = np.isin(ann.kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID])
    out[geo] = geometry.ragged_bbox(ann.part_start, ann.vertex_start, ann.vertices)[geo]
    rot = ann.kind == Kind.ROTATED_BOX
    if rot.any():
        out[rot] = geometry.rotated_box_bbox(ann.rbox[rot])
    masks = np.flatnonzero(ann.kind == Kind.MASK)
    if len(masks):
        out[masks] = geometry.rle_bbox([ann.rle[i] for i in masks])
    out[np.isin(ann.kind, [Kind.TAG, Kind.PIXEL_REF])] = 0.0
    return out
