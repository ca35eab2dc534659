"""COCO annotation records -> :class:`~gtconvert.model.Annotations` columns, slice by slice.

Each kind of shape is found for all records at once (a list segmentation is a polygon, a
dict is an RLE, an ``rbox`` key a rotated box); optional keys no record has cost no pass.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable
from typing import Any

import numpy as np

from ... import geometry
from ...columns import concat_starts
from ...errors import GtconvertError
from ...limits import check_rle_strings
from ...model import PER_ROW_COLUMNS, Annotations, Category, Images, Kind
from . import peers
from .records import ANN_KEYS, check_unique, describe, extras, int_column


def _rows_of(ids: np.ndarray, known: np.ndarray, path: Any, what: str, ann_ids: np.ndarray) -> np.ndarray:
    """Map ids to rows of ``known`` with a sorted search; unknown ids are an error."""
    order = np.argsort(known, kind="stable")
    pos = np.searchsorted(known[order], ids)
    pos = np.minimum(pos, max(len(known) - 1, 0))
    ok = known[order][pos] == ids if len(known) else np.zeros(len(ids), bool)
    if not np.all(ok):
        i = int(np.flatnonzero(~ok)[0])
        raise GtconvertError(
            f"{what} {ids[i]} does not exist",
            file=path,
            record=f"annotation id {ann_ids[i]}",
            fix=f"add the {what.split()[0]} or remove its annotations",
        )
    return order[pos]


def read_annotations(
    batches: Iterable[list],
    img: Images,
    cats: list[Category],
    path: Any,
    total: int | None = None,
) -> Annotations:
    """The annotations of one or more slices of records; ids and parents resolved over all.

    ``total`` (the record count, known from the scan of a big file) lets each slice's columns
    be copied into columns allocated once and then freed: holding every slice until the end
    would need the table twice, and freed slices leave the heap fragmented.
    """
    columns: dict[str, np.ndarray] = {}
    ragged: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    parts, parent_ids, row = [], [], 0
    keypoints: list[Annotations] = []  # each slice's keypoint columns (streamed reading)
    for records in batches:
        part, parents = _annotation_batch(records, img, cats, path)
        parent_ids.append(parents if parents is not None else [None] * len(part))
        if total is None:
            parts.append(part)
            continue
        for name in PER_ROW_COLUMNS:
            value = getattr(part, name)
            if name not in columns:
                columns[name] = np.empty((max(total, row + len(part)), *value.shape[1:]), dtype=value.dtype)
            elif row + len(part) > len(columns[name]):  # more records than scanned: grow
                columns[name] = np.concatenate([columns[name][:row], value])
                continue
            columns[name][row : row + len(part)] = value
        ragged.append((part.part_start, part.vertex_start, part.vertices))
        keypoints.append(part)
        row += len(part)
    if total is not None:
        ann = _stacked(columns, ragged, row) if columns else Annotations.empty()
        if columns:
            ann.keypoint_start = concat_starts([k.keypoint_start for k in keypoints])
            ann.keypoints = np.concatenate([k.keypoints for k in keypoints]).reshape(-1, 3)
        del columns, ragged, keypoints
    else:
        ann = parts[0] if len(parts) == 1 else Annotations.concat(parts, consume=True)
        del parts
    flat = list(itertools.chain.from_iterable(parent_ids))
    has_parents = any(p is not None for p in flat)
    if len(parent_ids) > 1:  # one slice (a file parsed whole) was checked as it was read
        check_unique(ann.id, path, "annotation")
    if has_parents:
        ann.parent = _parent_rows(flat, ann.id)
    return ann


def _stacked(columns: dict[str, np.ndarray], ragged: list, rows: int) -> Annotations:
    """An Annotations from filled columns and each slice's ragged geometry."""
    per_row = {name: col[:rows] for name, col in columns.items()}
    vertices = np.concatenate([v for _, _, v in ragged]).reshape(-1, 2)
    return Annotations(
        **per_row,
        part_start=concat_starts([p for p, _, _ in ragged]),
        vertex_start=concat_starts([v for _, v, _ in ragged]),
        vertices=vertices,
    )


def _annotation_batch(
    records: list, img: Images, cats: list[Category], path: Any
) -> tuple[Annotations, list | None]:
    """Columns of one slice of annotation records, and their ``parent_id`` values (None if none)."""
    n = len(records)
    if n == 0:
        return Annotations.empty(), None
    try:
        # one pass for the three required ids, then one column each
        triples = list(map(operator.itemgetter("id", "image_id", "category_id"), records))
        ids_raw, image_raw, cat_raw = (list(c) for c in zip(*triples))
        ids = int_column(ids_raw, path, "annotation id")
        image_ids = int_column(image_raw, path, "image_id")
        cat_ids = int_column(cat_raw, path, "category_id")
    except (KeyError, TypeError):
        bad = next(
            r for r in records if not isinstance(r, dict) or not {"id", "image_id", "category_id"} <= r.keys()
        )
        raise GtconvertError(
            "annotation needs 'id', 'image_id' and 'category_id'",
            file=path,
            record=describe(bad),
        ) from None
    check_unique(ids, path, "annotation")
    image_rows = _rows_of(image_ids, img.id, path, "image_id", ids)
    cat_rows = _rows_of(cat_ids, np.array([c.id for c in cats], np.int64), path, "category_id", ids)

    # Optional keys absent from every record need no pass over the records at all.
    keys: set = set().union(*records)
    segs = [r.get("segmentation") for r in records]
    peers.kwcoco_to_mscoco(segs, path, ids)
    seg_code = np.fromiter(
        ((1 if s else 0) if type(s) is list else (2 if isinstance(s, dict) else 0) for s in segs),
        dtype=np.uint8,
        count=n,
    )
    is_poly = seg_code == 1
    is_rle = seg_code == 2
    has_rbox = _flags(records, "rbox", keys)
    is_poly &= ~has_rbox  # a rotated box's polygon is its 4 corners, derived again on writing
    kind = np.full(n, Kind.BOX, dtype=np.uint8)
    kind[is_poly] = Kind.POLYGON
    kind[is_rle] = Kind.MASK
    kind[has_rbox] = Kind.ROTATED_BOX
    attributes = _optional_objects(records, "attributes", keys)

    part_start, vertex_start, vertices = _read_polygons(segs, is_poly, ids, path)
    rle = np.empty(n, dtype=object)
    for i in np.flatnonzero(is_rle):
        rle[i] = _read_rle(segs[i], path, ids[i])
    check_rle_strings(rle[is_rle], file=path, ids=ids[is_rle])  # pycocotools trusts them

    bbox = _read_bboxes(records, path, ids)
    missing = np.isnan(bbox).any(axis=1)
    if missing.any():  # derive the box from the geometry where the file has none
        bbox[missing & is_poly] = geometry.ragged_bbox(part_start, vertex_start, vertices)[missing & is_poly]
        rows = np.flatnonzero(missing & is_rle)
        if len(rows):
            bbox[rows] = geometry.rle_bbox([rle[i] for i in rows])
    rbox = np.full((n, 5), np.nan)
    for i in np.flatnonzero(has_rbox):
        rbox[i] = records[i]["rbox"]
    if "attributes" in keys:
        peers.cvat_rotated(kind, bbox, rbox, attributes)
    ann = Annotations(
        image=image_rows,
        category=cat_rows,
        kind=kind,
        id=ids,
        bbox=bbox,
        iscrowd=_bool_column(records, "iscrowd", keys),
        area=_float_column(records, "area", keys),
        score=_float_column(records, "score", keys),
        rbox=rbox,
        part_start=part_start,
        vertex_start=vertex_start,
        vertices=vertices,
        rle=rle,
        pixel_ref=np.full(n, None, dtype=object),
        attributes=attributes,
        parent=_no_parent(n),  # resolved over all slices by the caller
        extra=_object_column([extras(r, ANN_KEYS) for r in records])
        if not keys.issubset(ANN_KEYS)
        else np.full(n, None, dtype=object),
    )
    if "keypoints" in keys:
        ann.keypoint_start, ann.keypoints = _read_keypoints(records, ann.extra, path, ids)
    return ann, ([r.get("parent_id") for r in records] if "parent_id" in keys else None)


def _read_keypoints(
    records: list, extra: np.ndarray, path: Any, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``keypoint_start`` and the (x, y, v) rows of every record's flat ``keypoints`` list.

    Only COCO's own form (x1, y1, v1, ...) is read; another (an empty list, kwcoco's list of
    dicts) stays an unknown key of its record, written back unchanged, with ``num_keypoints``.
    """
    raw = [r.get("keypoints") for r in records]
    flat_form = _flat_number_lists(raw)
    for i in np.flatnonzero(~flat_form).tolist():
        kept = {key: records[i][key] for key in ("num_keypoints", "keypoints") if key in records[i]}
        if kept:
            extra[i] = {**(extra[i] or {}), **kept}
    lengths = np.fromiter((len(k) if ok else 0 for k, ok in zip(raw, flat_form)), np.int64, len(raw))
    bad = np.flatnonzero(lengths % 3 != 0)
    if len(bad):
        raise GtconvertError(
            "keypoints must be a flat list x1, y1, v1, x2, y2, v2, ...",
            file=path,
            record=f"annotation id {ids[bad[0]]}",
        )
    chosen = (k for k, ok in zip(raw, flat_form) if ok)
    flat = np.fromiter(itertools.chain.from_iterable(chosen), np.float64, int(lengths.sum()))
    starts = np.zeros(len(raw) + 1, dtype=np.int64)
    np.cumsum(lengths // 3, out=starts[1:])
    return starts, flat.reshape(-1, 3)


def _flat_number_lists(raw: list) -> np.ndarray:
    """Which values are non-empty flat lists of numbers (:func:`_is_flat_numbers`), with the
    types of all values gathered in one C-level pass when they are all numbers (the common case)."""
    lists = np.fromiter((type(k) is list and len(k) > 0 for k in raw), bool, len(raw))
    values = itertools.chain.from_iterable(k for k, ok in zip(raw, lists) if ok)
    if set(map(type, values)) <= {int, float}:
        return lists
    return np.fromiter((_is_flat_numbers(k) for k in raw), bool, len(raw))


def _is_flat_numbers(value: Any) -> bool:
    return type(value) is list and len(value) > 0 and all(type(v) in (int, float) for v in value)


def _flags(records: list, key: str, keys: set) -> np.ndarray:
    """Which records have ``key`` (no pass when none has it)."""
    if key not in keys:
        return np.zeros(len(records), dtype=bool)
    return np.fromiter((key in r for r in records), dtype=bool, count=len(records))


def _bool_column(records: list, key: str, keys: set) -> np.ndarray:
    if key not in keys:
        return np.zeros(len(records), dtype=bool)
    values = [r.get(key, 0) for r in records]
    arr = np.asarray(values) if values else np.zeros(0, dtype=np.int64)
    if arr.ndim == 1 and arr.dtype.kind in "biu":  # the usual 0/1 integers, compared at once
        return arr != 0
    return np.array([bool(v) for v in values], dtype=bool)


def _float_column(records: list, key: str, keys: set) -> np.ndarray:
    """A numeric column, NaN where a record lacks ``key``."""
    if key not in keys:
        return np.full(len(records), np.nan)
    return np.array([r.get(key, np.nan) for r in records], dtype=np.float64)


def _optional_objects(records: list, key: str, keys: set) -> np.ndarray:
    if key not in keys:
        return np.full(len(records), None, dtype=object)
    return _object_column([r.get(key) for r in records])


def _no_parent(n: int) -> np.ndarray:
    return np.full(n, -1, dtype=np.int64)


def _object_column(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _parent_rows(parent_ids: list, ids: np.ndarray) -> np.ndarray:
    parent = np.full(len(ids), -1, dtype=np.int64)
    has = [i for i, p in enumerate(parent_ids) if p is not None]
    if has:
        lookup = {int(a): row for row, a in enumerate(ids)}
        for i in has:
            parent[i] = lookup.get(int(parent_ids[i]), -1)
    return parent


def _read_bboxes(records: list, path: Any, ids: np.ndarray) -> np.ndarray:
    raw = [r.get("bbox") for r in records]
    try:  # the usual file: every record has a box of 4 numbers
        fast = np.asarray(raw, dtype=np.float64)
        if fast.shape == (len(raw), 4):
            return fast
    except (ValueError, TypeError):
        pass
    bbox = np.full((len(raw), 4), np.nan)
    has = [i for i, b in enumerate(raw) if b is not None]
    if has:
        try:
            bbox[has] = np.asarray([raw[i] for i in has], dtype=np.float64).reshape(len(has), 4)
        except (ValueError, TypeError):
            bad = next(
                (i for i in has if not (isinstance(raw[i], list) and len(raw[i]) == 4)),
                has[0],
            )  # else a box of 4 values that are not all numbers
            raise GtconvertError(
                "bbox must be 4 numbers [x, y, w, h]",
                file=path,
                record=f"annotation id {ids[bad]}",
            ) from None
    return bbox


def _read_polygons(
    segs: list, is_poly: np.ndarray, ids: np.ndarray, path: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All polygons in one pass: part and vertex offsets plus one flat coordinate array."""
    n = len(segs)
    n_parts = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(is_poly)
    poly_parts = [segs[i] for i in rows]
    n_parts[rows] = [len(p) for p in poly_parts]
    parts = list(itertools.chain.from_iterable(poly_parts))
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    if np.any(lengths % 2):
        bad = _owner(np.flatnonzero(lengths % 2)[0], n_parts)
        raise GtconvertError(
            "polygon has an odd number of coordinates",
            file=path,
            record=f"annotation id {ids[bad]}",
            fix="each polygon part is a flat list x1, y1, x2, y2, ...",
        )
    try:
        coords = np.fromiter(
            itertools.chain.from_iterable(parts),
            dtype=np.float64,
            count=int(lengths.sum()),
        )
    except (TypeError, ValueError):
        raise GtconvertError("polygon coordinates must be numbers", file=path) from None
    part_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_parts, out=part_start[1:])
    vertex_start = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(lengths // 2, out=vertex_start[1:])
    return part_start, vertex_start, coords.reshape(-1, 2)


def _owner(part: int, n_parts: np.ndarray) -> int:
    return int(np.searchsorted(np.cumsum(n_parts), part, side="right"))


def _read_rle(seg: dict, path: Any, ann_id: int) -> dict:
    size, counts = seg.get("size"), seg.get("counts")
    if not (isinstance(size, list) and len(size) == 2 and isinstance(counts, (str, list))):
        raise GtconvertError(
            "RLE segmentation needs 'size' [h, w] and 'counts'",
            file=path,
            record=f"annotation id {ann_id}",
        )
    try:
        h, w = int(size[0]), int(size[1])
    except (TypeError, ValueError):
        h = w = -1
    if not (0 <= h < 2**31 and 0 <= w < 2**31):  # pycocotools holds sizes in 32 bits
        raise GtconvertError(
            f"RLE size {size!r} is not [height, width]",
            file=path,
            record=f"annotation id {ann_id}",
        )
    if isinstance(counts, list):  # uncompressed: the runs must cover the image exactly
        total = sum(c for c in counts if isinstance(c, int)) if counts else 0
        if len(counts) and (not all(isinstance(c, int) and c >= 0 for c in counts) or total != h * w):
            raise GtconvertError(
                f"RLE counts cover {total} pixels, not {h} x {w} = {h * w}",
                file=path,
                record=f"annotation id {ann_id}",
                fix="counts are run lengths (non-negative integers) summing to height x width",
            )
    return {"size": [h, w], "counts": counts}
