"""Which object becomes which label row, with which normalised coordinates.

The task decides the shape of a row: ``detect`` writes boxes, ``obb`` four corners, ``segment``
one ring per object (parts and holes bridged), ``pose`` a box and its keypoints (:mod:`.pose`). Objects a row cannot hold are left out with a
warning that counts them: degenerate shapes, shapes entirely outside their image, crowd objects
under ``--crowd skip``; shapes that reach outside are clipped (counted too).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...model import Annotations, Dataset, Kind
from .._common import axis_aligned_boxes, crowd_policy, warn_keypoints_dropped, writable
from .pose import append_keypoints

TASKS = ("detect", "segment", "obb", "pose")

_SHAPED = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF)

#: What the row builders return: ragged ``row_start``, flat normalised ``coords``, the rows
#: written, and how many of them were clipped.
RowValues = tuple[np.ndarray, np.ndarray, np.ndarray, int]


def check_task(task: str | None) -> None:
    """Refuse a task YOLO does not have (None, for "choose one", is fine)."""
    if task is not None and task not in TASKS:
        raise GtconvertError(f"unknown YOLO task {task!r}", fix=f"use one of {', '.join(TASKS)}")


def choose_task(ann: Annotations, task: str | None) -> str:
    """``task`` if given, else segment when there are shapes, obb for rotated boxes, else detect."""
    check_task(task)
    if task is not None:
        return task
    if len(ann.keypoints):
        return "pose"
    if np.isin(ann.kind, _SHAPED).any():
        return "segment"
    if (ann.kind == Kind.ROTATED_BOX).any():
        return "obb"
    return "detect"


def rows_to_write(ann: Annotations, crowd: str, task: str) -> np.ndarray:
    """The annotation rows that become label rows; a warning for everything else."""
    keep = writable(ann, "yolo", "YOLO", lacks="YOLO has no such shape", keep_with="coco or matlab")
    keep = crowd_policy(ann, keep, crowd, "yolo", "YOLO")
    lost = {
        "detect": ([*_SHAPED, Kind.ROTATED_BOX], "polygons, masks and rotated boxes", "segment or obb"),
        "obb": (list(_SHAPED), "polygons and masks", "segment"),
        "segment": ([], "", ""),
        "pose": ([*_SHAPED, Kind.ROTATED_BOX], "polygons, masks and rotated boxes", "segment or obb"),
    }[task]
    if task != "pose":
        warn_keypoints_dropped(ann.take(keep), "yolo", "YOLO")
    n = int(np.count_nonzero(keep & np.isin(ann.kind, lost[0])))
    report.warn(
        f"yolo.{task}.as_boxes",
        f"YOLO {task}: {n} {lost[1]} written as boxes; use --task {lost[2]} to keep their shape",
        n,
    )
    n_attr = int(sum(1 for a in ann.attributes[keep] if a))
    report.warn(
        "yolo.attributes", f"YOLO: attributes of {n_attr} objects not written (YOLO has none)", n_attr
    )
    return np.flatnonzero(keep)


def row_values(
    dataset: Dataset, rows: np.ndarray, task: str, width: np.ndarray, height: np.ndarray
) -> RowValues:
    """Normalised coordinates of every written row: ragged ``row_start`` + flat ``coords``.

    Returns the rows actually written (objects entirely outside their image are dropped, with
    a warning) and how many were clipped.
    """
    if task == "detect":
        return _detect_values(dataset, rows, width, height)
    if task == "obb":
        return _obb_values(dataset, rows, width, height)
    if task == "pose":
        row_start, coords, rows, clipped = _detect_values(dataset, rows, width, height)
        return (*append_keypoints(dataset, row_start, coords, rows, width, height), rows, clipped)
    return _segment_values(dataset, rows, width, height)


def _drop_unwritable(rows: np.ndarray, written: np.ndarray, degenerate: np.ndarray) -> np.ndarray:
    """The ``written`` rows; one warning for the degenerate ones, one for those outside."""
    written = written & ~degenerate
    n_degenerate = int(np.count_nonzero(degenerate))
    n_outside = int(np.count_nonzero(~written & ~degenerate))
    report.warn(
        "yolo.degenerate",
        f"YOLO: {n_degenerate} objects of zero or negative size, or with fewer than 3 distinct points, "
        "not written",
        n_degenerate,
    )
    report.warn(
        "yolo.outside", f"YOLO: {n_outside} objects lie entirely outside their image; not written", n_outside
    )
    return rows[written]


def _has_size(boxes: np.ndarray) -> np.ndarray:
    """Boxes (or rotated boxes: columns 2 and 3 are w and h too) of positive width and height."""
    return (boxes[:, 2] > 0) & (boxes[:, 3] > 0)


def _detect_values(dataset: Dataset, rows: np.ndarray, width: np.ndarray, height: np.ndarray) -> RowValues:
    img_row = dataset.annotations.image[rows]
    unclipped = axis_aligned_boxes(dataset, rows)
    boxes, changed = geometry.clip_boxes(unclipped, width[img_row], height[img_row])
    inside = _has_size(boxes) & _has_size(unclipped)
    rows = _drop_unwritable(rows, inside, ~_has_size(unclipped))
    boxes, img_row = boxes[inside], img_row[inside]
    coords = geometry.coco_boxes_to_yolo(boxes, width[img_row], height[img_row])
    return np.arange(len(rows) + 1) * 4, coords.ravel(), rows, int(np.count_nonzero(changed & inside))


def _obb_values(dataset: Dataset, rows: np.ndarray, width: np.ndarray, height: np.ndarray) -> RowValues:
    ann = dataset.annotations
    img_row = ann.image[rows]
    W, H = width[img_row].astype(np.float64), height[img_row].astype(np.float64)
    corners = np.empty((len(rows), 4, 2))
    rot = ann.kind[rows] == Kind.ROTATED_BOX
    corners[rot] = geometry.rotated_box_corners(ann.rbox[rows[rot]])
    unclipped = axis_aligned_boxes(dataset, rows[~rot])
    boxes, box_changed = geometry.clip_boxes(unclipped, W[~rot], H[~rot])
    corners[~rot] = geometry.box_corners(boxes)
    # a rotated box cut by the border is no longer a rotated box: its corners are clamped
    clamped = np.stack(
        [np.clip(corners[..., 0], 0, W[:, None]), np.clip(corners[..., 1], 0, H[:, None])], axis=2
    )
    changed = np.any(clamped != corners, axis=(1, 2))
    changed[~rot] |= box_changed
    span = clamped.max(axis=1) - clamped.min(axis=1)
    degenerate = np.zeros(len(rows), dtype=bool)
    degenerate[rot] = ~_has_size(ann.rbox[rows[rot]])
    degenerate[~rot] = ~_has_size(unclipped)
    inside = (span[:, 0] > 0) & (span[:, 1] > 0) & ~degenerate
    norm = clamped / np.stack([W, H], axis=1)[:, None, :]
    rows = _drop_unwritable(rows, inside, degenerate)
    return np.arange(len(rows) + 1) * 8, norm[inside].ravel(), rows, int(np.count_nonzero(changed & inside))


def _segment_values(dataset: Dataset, rows: np.ndarray, width: np.ndarray, height: np.ndarray) -> RowValues:
    """One ring per object: parts clipped to the image, then bridged into one row.

    A polygon part with fewer than 3 distinct points encloses nothing and is left out (counted);
    an object with no part left, a zero-size box or rotated box, or an empty mask is degenerate.
    Boxes, rotated boxes and polygons of one or two good parts inside their image (nearly all
    objects) are handled as whole arrays; clipped objects, polygons of 3+ parts and masks one by
    one, with the same functions, so both ways give the same rows.
    """
    ann = dataset.annotations
    n = len(rows)
    kind = ann.kind[rows]
    img_row = ann.image[rows]
    W, H = width[img_row].astype(np.float64), height[img_row].astype(np.float64)
    written = np.zeros(n, dtype=bool)
    degenerate = np.zeros(n, dtype=bool)
    ring_len = np.zeros(n, dtype=np.int64)

    # box-like objects: 4 corners each
    corners, sized, boxlike = _box_corners(ann, rows, kind)
    degenerate[boxlike & ~sized] = True
    box_fast = boxlike & sized & _within(corners.min(axis=1), corners.max(axis=1), W, H)

    # polygons: the parts worth writing (3+ distinct points); one or two such parts inside = fast
    part_ok = geometry.has_three_distinct_points(ann.vertex_start, ann.vertices)
    ok_before = np.concatenate([[0], np.cumsum(part_ok)])
    p0, p1 = ann.part_start[rows], ann.part_start[rows + 1]
    n_ok = ok_before[p1] - ok_before[p0]
    is_poly = kind == Kind.POLYGON
    degenerate[is_poly & (n_ok == 0)] = True
    # parts left out of objects that keep another part (an object with none is degenerate)
    bad_parts = int(np.sum((p1 - p0 - n_ok)[is_poly & (n_ok > 0)]))
    few = np.flatnonzero(is_poly & ((n_ok == 1) | (n_ok == 2)))
    ring_index, poly_len, lo, hi, done = _polygon_rings(ann, part_ok, p0[few], n_ok[few] == 2)
    poly_inside = _within(lo, hi, W[few], H[few]) & done
    poly_fast = np.zeros(n, dtype=bool)
    poly_fast[few] = poly_inside

    # fast rings: unchanged, written when they span both axes (else degenerate, not clipped)
    box_span = np.ptp(corners, axis=1)
    spans = np.zeros((n, 2))
    spans[box_fast] = box_span[box_fast]
    spans[few[poly_inside]] = (hi - lo)[poly_inside]
    fast = box_fast | poly_fast
    written[fast] = (spans[fast, 0] > 0) & (spans[fast, 1] > 0)
    degenerate[fast & ~written] = True
    ring_len[written & box_fast] = 4
    ring_len[few[poly_inside]] = poly_len[poly_inside]
    ring_len[~written] = 0

    # the rest, one object at a time: clipped, several parts, masks
    slow = np.flatnonzero(~fast & ~degenerate)
    slow_rings, slow_degenerate, clipped = _rings_one_by_one(dataset, rows, slow, corners, part_ok, W, H)
    degenerate[slow_degenerate] = True
    for j, ring in slow_rings.items():
        ring_len[j] = len(ring)
        written[j] = True
    report.warn(
        "yolo.degenerate_parts",
        f"YOLO: {bad_parts} polygon parts with fewer than 3 distinct points left out of their objects",
        bad_parts,
    )

    # all rings in row order, normalised by their image's size
    start = np.cumsum(ring_len) - ring_len
    points = np.empty((int(ring_len.sum()), 2))
    fast_boxes = np.flatnonzero(written & box_fast)
    points[start[fast_boxes][:, None] + np.arange(4)] = corners[fast_boxes]
    fast_polys = np.flatnonzero(written & poly_fast)
    in_few = np.zeros(n, dtype=np.int64)
    in_few[few] = np.arange(len(few))
    take = in_few[fast_polys]
    ring_start = np.cumsum(poly_len) - poly_len
    points[geometry.ragged_index(start[fast_polys], poly_len[take])] = ann.vertices[
        ring_index[geometry.ragged_index(ring_start[take], poly_len[take])]
    ]
    for j, ring in slow_rings.items():
        points[start[j] : start[j] + len(ring)] = ring
    norm = geometry.normalise_points(points, np.repeat(W, ring_len), np.repeat(H, ring_len))
    rows = _drop_unwritable(rows, written, degenerate)
    row_start = np.concatenate([[0], np.cumsum(2 * ring_len[written])])
    return row_start, np.clip(norm.ravel(), 0.0, 1.0), rows, clipped


def _box_corners(
    ann: Annotations, rows: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 4 corners of the boxes and rotated boxes among ``rows``, which of them have a size,
    and which rows are box-like (every kind that is not a polygon or a mask)."""
    n = len(rows)
    is_rot = kind == Kind.ROTATED_BOX
    is_box = ~np.isin(kind, [Kind.POLYGON, Kind.ROTATED_BOX, Kind.MASK, Kind.PIXEL_REF])
    corners = np.zeros((n, 4, 2))
    sized = np.zeros(n, dtype=bool)
    if is_box.any():
        boxes = ann.bbox[rows[is_box]]
        corners[is_box] = geometry.box_corners(boxes)
        sized[is_box] = _has_size(boxes)
    if is_rot.any():
        rbox = ann.rbox[rows[is_rot]]
        sized[is_rot] = _has_size(rbox)
        corners[is_rot] = geometry.rotated_box_corners(rbox)
    return corners, sized, is_box | is_rot


def _rings_one_by_one(
    dataset: Dataset,
    rows: np.ndarray,
    slow: np.ndarray,
    corners: np.ndarray,
    part_ok: np.ndarray,
    W: np.ndarray,
    H: np.ndarray,
) -> tuple[dict[int, np.ndarray], list[int], int]:
    """Rings of the objects at positions ``slow`` of ``rows``: clipped, bridged, one at a time.

    Returns the rings by position, the positions that turned out degenerate (no part to write,
    or a shape that encloses nothing without having been clipped), and how many were clipped.
    """
    ann = dataset.annotations
    kind = ann.kind[rows]
    masks = _masks_as_parts(dataset, rows[slow])
    rings: dict[int, np.ndarray] = {}
    degenerate: list[int] = []
    clipped = 0
    for k, j in enumerate(slow.tolist()):
        if kind[j] in (Kind.MASK, Kind.PIXEL_REF):
            parts = list(masks.get(k) or [])
        elif kind[j] == Kind.POLYGON:
            parts = _good_parts(ann, int(rows[j]), part_ok)
        else:
            parts = [corners[j]]
        if not parts:
            degenerate.append(j)
            continue
        out_parts, was_clipped = _clip_parts(parts, float(W[j]), float(H[j]))
        clipped += was_clipped
        ring = geometry.bridge_parts(out_parts)
        if len(ring) >= 3 and np.ptp(ring[:, 0]) > 0 and np.ptp(ring[:, 1]) > 0:
            rings[j] = ring
        elif not was_clipped:  # a flat shape that encloses nothing (one cut away by the border is not)
            degenerate.append(j)
    return rings, degenerate, clipped


def _polygon_rings(
    ann: Annotations, part_ok: np.ndarray, first_part: np.ndarray, two: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rings of polygons with one or two good parts, as indices into ``ann.vertices``.

    ``first_part``: each object's first part index; ``two``: whether it has two good parts
    (bridged by :func:`geometry.bridge_two_parts`, the same ring :func:`geometry.bridge_parts`
    gives). Returns the concatenated ring indices, ring lengths, each object's extent
    (lo, hi), and which objects were done here: two parts with a NaN vertex are left to the
    per-object way (their closest pair is not defined by distances).
    """
    good = np.flatnonzero(part_ok)
    pos = np.searchsorted(good, first_part)
    part_a = good[pos] if len(pos) else np.zeros(0, dtype=np.int64)
    part_b = good[np.minimum(pos + two, len(good) - 1)] if len(pos) else part_a
    vs = ann.vertex_start
    len_a, len_b = vs[part_a + 1] - vs[part_a], vs[part_b + 1] - vs[part_b]
    lo_a, hi_a = _part_extents(ann.vertices, vs[part_a], len_a)
    lo_b, hi_b = _part_extents(ann.vertices, vs[part_b], len_b)
    done = ~two | ~(np.isnan(lo_a).any(axis=1) | np.isnan(lo_b).any(axis=1))  # min/max carry NaN
    two = two & done
    lo = np.where(two[:, None], np.minimum(lo_a, lo_b), lo_a)
    hi = np.where(two[:, None], np.maximum(hi_a, hi_b), hi_a)
    ring_len = np.where(two, len_a + len_b + 2, np.where(done, len_a, 0))
    index = np.empty(int(ring_len.sum()), dtype=np.int64)
    out_start = np.cumsum(ring_len) - ring_len
    one = ~two & done
    index[geometry.ragged_index(out_start[one], len_a[one])] = geometry.ragged_index(
        vs[part_a[one]], len_a[one]
    )
    bridged, _ = geometry.bridge_two_parts(
        vs[part_a[two]], len_a[two], vs[part_b[two]], len_b[two], ann.vertices
    )
    index[geometry.ragged_index(out_start[two], ring_len[two])] = bridged
    return index, ring_len, lo, hi, done


def _part_extents(
    vertices: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per part (all non-empty): the smallest and largest x and y of its vertices."""
    if not len(starts):
        return np.zeros((0, 2)), np.zeros((0, 2))
    pts = vertices[geometry.ragged_index(starts, lengths)]
    local = np.cumsum(lengths) - lengths
    return np.minimum.reduceat(pts, local, axis=0), np.maximum.reduceat(pts, local, axis=0)


def _within(lo: np.ndarray, hi: np.ndarray, W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Shapes whose extent ``lo``..``hi`` (N, 2) lies inside their image (NaN counts as inside,
    as in the clipping test of :func:`_clip_parts`)."""
    return ~((np.minimum(lo[:, 0], lo[:, 1]) < 0) | (hi[:, 0] > W) | (hi[:, 1] > H))


def _good_parts(ann: Annotations, i: int, part_ok: np.ndarray) -> list[np.ndarray]:
    """The parts of polygon ``i`` with 3 or more distinct points."""
    ok = part_ok[ann.part_start[i] : ann.part_start[i + 1]].tolist()
    return [p for p, good in zip(ann.parts(i), ok) if good]


def _clip_parts(parts: list[np.ndarray], W: float, H: float) -> tuple[list[np.ndarray], bool]:
    """Parts clipped to the image, those still enclosing something, and whether any was cut."""
    out, was_clipped = [], False
    for p in parts:
        if p.min() < 0 or p[:, 0].max() > W or p[:, 1].max() > H:
            p = geometry.clip_polygon(p, W, H)
            was_clipped = True
            if geometry.distinct_points_per_part(np.array([0, len(p)]), p)[0] < 3:
                continue
        out.append(p)
    return out, was_clipped


def _masks_as_parts(dataset: Dataset, rows: np.ndarray) -> dict[int, list[np.ndarray]]:
    """Polygon parts (pixel-edge contours, holes bridged) of the mask rows, by position in ``rows``."""
    ann = dataset.annotations
    pos = np.flatnonzero(np.isin(ann.kind[rows], [Kind.MASK, Kind.PIXEL_REF]))
    if not len(pos):
        return {}
    rles: list[Any] = [None] * len(pos)
    refs = [k for k, j in enumerate(pos) if ann.kind[rows[j]] == Kind.PIXEL_REF]
    if refs:
        from ...pixels import encode_pixel_refs

        for k, rle in zip(refs, encode_pixel_refs([ann.pixel_ref[rows[pos[k]]] for k in refs])):
            rles[k] = rle
    out = {}
    for k, j in enumerate(pos.tolist()):
        rle = rles[k] if rles[k] is not None else ann.rle[rows[j]]
        out[j] = geometry.rle_to_polygons(rle)  # decoded one mask at a time, then released
    return out
