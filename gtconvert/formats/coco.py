"""COCO detection/segmentation JSON: boxes, polygons with several parts, RLE, crowd.

Kept through a round trip: image, annotation and category ids; ``info``, ``licenses`` and any
unknown top-level, image, category or annotation keys; images without annotations. Shapes
COCO has no field for are carried in extension keys other tools ignore: ``rbox`` (rotated
box, with its 4 corners as the polygon), ``attributes`` (as CVAT writes them), ``parent_id``
(MATLAB sublabels), and the MATLAB label-definition fields on categories. Polylines, points,
image-level tags and projected cuboids are not written; a warning says how many.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .. import geometry
from ..errors import GtconvertError
from ..fileio import atomic_output, dump_json, gc_paused, read_json
from ..model import PER_ROW_COLUMNS, Annotations, Category, Dataset, Images, Kind, concat_starts
from ._common import writable

DESCRIPTION = "COCO JSON (boxes, polygons, RLE masks)"

_IMAGE_KEYS = ("id", "file_name", "width", "height", "frame_time", "video")
_ANN_KEYS = (
    "id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation", "score",
    "rbox", "attributes", "parent_id",
)  # fmt: skip
# Category fields beyond COCO's, written only when set (MATLAB label definitions).
_CATEGORY_EXTRAS = ("type", "color", "pixel_id", "group", "description", "attributes", "parent")


def detect(path: str) -> bool:
    if not (os.path.isfile(path) and path.lower().endswith(".json")):
        return False
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    return any(key in head for key in (b'"images"', b'"annotations"', b'"categories"'))


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def read(path: str | os.PathLike, *, images: str | None = None) -> Dataset:
    """Read a COCO JSON file. ``images`` is the image folder (default: next to the file)."""
    with gc_paused():  # millions of small lists and dicts, none in a cycle
        try:
            return _read(path, images)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            # a value of a type no check names (a dict where a number belongs): one line, no traceback
            raise GtconvertError(
                f"a value has the wrong type or shape ({type(exc).__name__}: {exc})",
                file=path,
                fix="check the file against the COCO format (ids integers, bbox 4 numbers, ...)",
            ) from None


#: Files at least this big are read in slices (bounded memory) instead of parsed whole.
STREAM_MIN_BYTES = 64 << 20


def _read(path: str | os.PathLike, images: str | None) -> Dataset:
    loaded = _load_streamed(path) if os.path.getsize(path) >= STREAM_MIN_BYTES else None
    if loaded is None:
        data = read_json(path)
        if not isinstance(data, dict):
            raise GtconvertError("top level is not a JSON object", file=path, fix="is this a COCO file?")
        batches = {key: [data.get(key, [])] for key in ("images", "annotations")}
        totals: dict[str, int] = {}
    else:
        data, batches, totals = loaded
    for key in ("images", "annotations", "categories"):
        if not isinstance(data.get(key, []), list):
            raise GtconvertError(f"'{key}' is not a list", file=path)
    img = _read_images(batches["images"], path)
    cats = _read_categories(data.get("categories", []), path)
    ann = _read_annotations(batches["annotations"], img, cats, path, totals.get("annotations"))
    top = {k: v for k, v in data.items() if k not in ("images", "annotations", "categories")}
    root = images if images is not None else _guess_image_root(Path(path), img)
    return Dataset(img, cats, ann, info={"coco": top}, image_root=root)


def _load_streamed(path: str | os.PathLike) -> tuple[dict, dict[str, Any], dict[str, int]] | None:
    """The top level without images and annotations, those two as lists of record slices, and
    how many records each holds.

    Parsed whole, a file takes several times its size in Python objects; in slices, memory is
    bounded by one slice plus the columns. None when the file is not a JSON object (parsed
    whole then).
    """
    from .. import jsonstream

    loaded = jsonstream.load_top_level(path, ("images", "annotations"))
    if loaded is None:
        return None
    data, spans = loaded
    batches: dict[str, Any] = {}
    totals: dict[str, int] = {}
    for key in ("images", "annotations"):
        if key in spans:
            batches[key] = jsonstream.iter_array(path, spans[key])
            totals[key] = len(spans[key].begins)
            data[key] = []  # for the checks below: the value is a list
        else:
            batches[key] = [data.get(key, [])]
    return data, batches, totals


def _guess_image_root(path: Path, img: Images) -> str:
    """The folder the file names are relative to: beside the JSON, or the usual neighbours.

    COCO files sit beside their images, or in ``annotations/`` next to ``images/``; one file
    name probed in each place decides (``--images`` overrides).
    """
    here = path.resolve().parent
    candidates = [here, here / "images", here.parent / "images", here.parent]
    if len(img):
        first = str(img.file_name[0])
        for folder in candidates:
            if (folder / first).is_file():
                return str(folder)
    return str(here)


def _need(record: dict, key: str, path: Any, what: str) -> Any:
    try:
        return record[key]
    except (KeyError, TypeError):
        raise GtconvertError(
            f"{what} has no '{key}'", file=path, record=_describe(record), fix=f"add '{key}'"
        ) from None


def _describe(record: Any) -> str:
    if isinstance(record, dict) and "id" in record:
        return f"id {record['id']}"
    return repr(record)[:60]


def _extras(record: dict, known: tuple[str, ...]) -> dict | None:
    extra = {k: v for k, v in record.items() if k not in known}
    return extra or None


def _read_images(batches: Iterable[list], path: Any) -> Images:
    """The images of one or more slices of image records (ids unique over all of them)."""
    parts = [_image_batch(records, path) for records in batches]
    if len(parts) == 1:
        return parts[0]
    img = Images.concat(parts) if parts else _image_batch([], path)
    _check_unique(img.id, path, "image")
    return img


def _image_batch(records: list, path: Any) -> Images:
    try:
        ids = [r["id"] for r in records]
        names = [r["file_name"] for r in records]
    except (KeyError, TypeError):
        bad = next(r for r in records if not isinstance(r, dict) or "id" not in r or "file_name" not in r)
        raise GtconvertError(
            "image record needs 'id' and 'file_name'", file=path, record=_describe(bad)
        ) from None
    ids_arr = _int_column(ids, path, "image id")
    _check_unique(ids_arr, path, "image")
    return Images.create(
        names,
        width=[r.get("width") or 0 for r in records],
        height=[r.get("height") or 0 for r in records],
        id=ids_arr,
        time=[r.get("frame_time", np.nan) for r in records],
        video=[r.get("video", "") for r in records],
        extra=[_extras(r, _IMAGE_KEYS) for r in records],
    )


def _int_column(values: list, path: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise GtconvertError(f"every {what} must be a number", file=path) from None
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        bad = values[int(np.flatnonzero(~np.isfinite(arr) | (arr != np.round(arr)))[0])]
        raise GtconvertError(f"{what} {bad!r} is not an integer", file=path)
    return arr.astype(np.int64)


def _check_unique(ids: np.ndarray, path: Any, what: str) -> None:
    uniq, counts = np.unique(ids, return_counts=True)
    if len(uniq) != len(ids):
        dup = uniq[counts > 1][:5].tolist()
        raise GtconvertError(f"duplicate {what} ids {dup}", file=path, fix=f"give every {what} its own id")


def _read_categories(records: list, path: Any) -> list[Category]:
    cats = []
    for r in records:
        cid = _need(r, "id", path, "category")
        name = _need(r, "name", path, "category")
        color = r.get("color")
        pixel_id = r.get("pixel_id")
        cats.append(
            Category(
                id=cid,  # checked to be an integer below, for all categories at once
                name=str(name),
                supercategory=r.get("supercategory", ""),
                type=r.get("type", ""),
                color=_numbers(color, path, r, "color"),
                pixel_id=_numbers(pixel_id, path, r, "pixel_id"),
                group=r.get("group", ""),
                description=r.get("description", ""),
                attributes=r.get("attributes", []),
                parent=r.get("parent", ""),
                extra=_extras(r, ("id", "name", "supercategory", *_CATEGORY_EXTRAS)) or {},
            )
        )
    ids = _int_column([c.id for c in cats], path, "category id")
    _check_unique(ids, path, "category")
    for c, cid in zip(cats, ids.tolist()):
        c.id = cid
    return cats


def _numbers(value: Any, path: Any, record: dict, key: str) -> tuple | None:
    """An optional list of numbers (a colour, a pixel id) as a tuple."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) for v in value):
        raise GtconvertError(
            f"category '{key}' must be a list of numbers", file=path, record=_describe(record)
        )
    return tuple(value)


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


def _read_annotations(
    batches: Iterable[list], img: Images, cats: list[Category], path: Any, total: int | None = None
) -> Annotations:
    """The annotations of one or more slices of records; ids and parents resolved over all.

    ``total`` (the record count, known from the scan of a big file) lets each slice's columns
    be copied into columns allocated once and then freed: holding every slice until the end
    would need the table twice, and freed slices leave the heap fragmented.
    """
    columns: dict[str, np.ndarray] = {}
    ragged: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    parts, parent_ids, row = [], [], 0
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
        row += len(part)
    if total is not None:
        ann = _stacked(columns, ragged, row) if columns else Annotations.empty()
        del columns, ragged
    else:
        ann = parts[0] if len(parts) == 1 else Annotations.concat(parts, consume=True)
        del parts
    flat = list(itertools.chain.from_iterable(parent_ids))
    has_parents = any(p is not None for p in flat)
    if len(parent_ids) > 1:  # one slice (a file parsed whole) was checked as it was read
        _check_unique(ann.id, path, "annotation")
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
        ids = _int_column(ids_raw, path, "annotation id")
        image_ids = _int_column(image_raw, path, "image_id")
        cat_ids = _int_column(cat_raw, path, "category_id")
    except (KeyError, TypeError):
        bad = next(
            r for r in records if not isinstance(r, dict) or not {"id", "image_id", "category_id"} <= r.keys()
        )
        raise GtconvertError(
            "annotation needs 'id', 'image_id' and 'category_id'", file=path, record=_describe(bad)
        ) from None
    _check_unique(ids, path, "annotation")
    image_rows = _rows_of(image_ids, img.id, path, "image_id", ids)
    cat_rows = _rows_of(cat_ids, np.array([c.id for c in cats], np.int64), path, "category_id", ids)

    # Optional keys absent from every record need no pass over the records at all.
    keys: set = set().union(*records)
    segs = [r.get("segmentation") for r in records]
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

    part_start, vertex_start, vertices = _read_polygons(segs, is_poly, ids, path)
    rle = np.empty(n, dtype=object)
    for i in np.flatnonzero(is_rle):
        rle[i] = _read_rle(segs[i], path, ids[i])

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
        attributes=_optional_objects(records, "attributes", keys),
        parent=_no_parent(n),  # resolved over all slices by the caller
        extra=_object_column([_extras(r, _ANN_KEYS) for r in records])
        if not keys.issubset(_ANN_KEYS)
        else np.full(n, None, dtype=object),
    )
    return ann, ([r.get("parent_id") for r in records] if "parent_id" in keys else None)


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
                (i for i in has if not (isinstance(raw[i], list) and len(raw[i]) == 4)), has[0]
            )  # else a box of 4 values that are not all numbers
            raise GtconvertError(
                "bbox must be 4 numbers [x, y, w, h]", file=path, record=f"annotation id {ids[bad]}"
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
        coords = np.fromiter(itertools.chain.from_iterable(parts), dtype=np.float64, count=int(lengths.sum()))
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
            "RLE segmentation needs 'size' [h, w] and 'counts'", file=path, record=f"annotation id {ann_id}"
        )
    try:
        h, w = int(size[0]), int(size[1])
    except (TypeError, ValueError):
        h = w = -1
    if not (0 <= h < 2**31 and 0 <= w < 2**31):  # pycocotools holds sizes in 32 bits
        raise GtconvertError(
            f"RLE size {size!r} is not [height, width]", file=path, record=f"annotation id {ann_id}"
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


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------


def write(
    dataset: Dataset, path: str | os.PathLike, *, overwrite: bool = False, indent: bool = False
) -> None:
    """Write ``dataset`` as one COCO JSON file (atomically)."""
    with gc_paused():  # a record per annotation and a list per polygon part, none in a cycle
        _write(dataset, path, overwrite=overwrite, indent=indent)


def _write(dataset: Dataset, path: str | os.PathLike, *, overwrite: bool, indent: bool) -> None:
    ann = dataset.annotations
    keep = writable(ann, "coco", "COCO", lacks="COCO has no such shape", keep_with="matlab")
    doc = dict(dataset.info.get("coco") or {"info": {"description": "written by gtconvert"}})
    doc["images"] = _write_images(dataset.images)
    doc["categories"] = [_write_category(c) for c in dataset.categories]
    doc["annotations"] = _write_annotations(dataset, np.flatnonzero(keep))
    with atomic_output(path, is_dir=False, overwrite=overwrite) as tmp:
        if indent:
            import json

            Path(tmp).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        else:
            dump_json(doc, tmp)


def _write_images(img: Images) -> list[dict]:
    times = img.time.tolist()
    has_time = ~np.isnan(img.time)
    out = [
        {"id": iid, "file_name": name, "width": w, "height": h}
        for iid, name, w, h in zip(
            img.id.tolist(), img.file_name.tolist(), img.width.tolist(), img.height.tolist()
        )
    ]
    # optional keys, in this order, only on the images that have them
    for i in np.flatnonzero(has_time).tolist():
        out[i]["frame_time"] = times[i]
    for i, video in enumerate(img.video.tolist()):
        if video:
            out[i]["video"] = video
    for i, extra in enumerate(img.extra.tolist()):
        if extra:
            out[i].update(extra)
    return out


def _write_category(c: Category) -> dict:
    rec: dict[str, Any] = {"id": c.id, "name": c.name, "supercategory": c.supercategory}
    for key in _CATEGORY_EXTRAS:
        value = getattr(c, key)
        if value:
            rec[key] = list(value) if isinstance(value, tuple) else value
    rec.update(c.extra)
    return rec


def _segmentations(dataset: Dataset, rows: np.ndarray) -> list[Any]:
    """The ``segmentation`` value of each row (None for plain boxes).

    Each kind is handled for all its rows at once; polygons are sliced out of one flat Python
    list of coordinates (no numpy scalar per row, no enum look-up per row).
    """
    ann = dataset.annotations
    out: list[Any] = [None] * len(rows)
    kind = ann.kind[rows]
    poly = np.flatnonzero(kind == Kind.POLYGON)
    if len(poly):
        vs, ps = (2 * ann.vertex_start).tolist(), ann.part_start.tolist()
        flat = ann.vertices.ravel().tolist()
        for j, i in zip(poly.tolist(), rows[poly].tolist()):
            out[j] = [flat[vs[p] : vs[p + 1]] for p in range(ps[i], ps[i + 1])]
    masks = np.flatnonzero(kind == Kind.MASK)
    for j, rle in zip(masks.tolist(), ann.rle[rows[masks]].tolist()):
        out[j] = rle
    rotated = np.flatnonzero(kind == Kind.ROTATED_BOX)
    if len(rotated):
        corners = geometry.rotated_box_corners(ann.rbox[rows[rotated]]).reshape(len(rotated), 8).tolist()
        for j, c in zip(rotated.tolist(), corners):
            out[j] = [c]
    refs = np.flatnonzero(kind == Kind.PIXEL_REF)
    if len(refs):
        from ..pixels import encode_pixel_refs

        rles = encode_pixel_refs(ann.pixel_ref[rows[refs]].tolist())
        for j, rle in zip(refs.tolist(), rles):
            out[j] = rle
    return out


def _areas_and_boxes(dataset: Dataset, rows: np.ndarray, segs: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Stored areas where the source had them, else derived from the shape."""
    ann = dataset.annotations
    area = ann.area[rows].copy()
    bbox = ann.bbox[rows].copy()
    kind = ann.kind[rows]
    missing = np.isnan(area)
    box_like = missing & np.isin(kind, [Kind.BOX, Kind.ROTATED_BOX])
    area[box_like] = bbox[box_like, 2] * bbox[box_like, 3]
    poly = np.flatnonzero(missing & (kind == Kind.POLYGON))
    if len(poly):
        sub = ann.take(rows[poly])
        area[poly] = geometry.polygon_areas(sub.part_start, sub.vertex_start, sub.vertices)
    masks = np.flatnonzero(np.isin(kind, [Kind.MASK, Kind.PIXEL_REF]))
    if len(masks):
        need_area = masks[missing[masks]]
        if len(need_area):
            area[need_area] = geometry.rle_area([segs[j] for j in need_area])
        lazy = masks[kind[masks] == Kind.PIXEL_REF]
        if len(lazy):  # a pixel label's box is known only once its mask is decoded
            bbox[lazy] = geometry.rle_bbox([segs[j] for j in lazy])
    return area, bbox


def _write_annotations(dataset: Dataset, rows: np.ndarray) -> list[dict]:
    """One record per row; columns go to Python lists once, optional keys only where set."""
    ann = dataset.annotations
    segs = _segmentations(dataset, rows)
    area, bbox = _areas_and_boxes(dataset, rows, segs)
    image_ids = dataset.images.id[ann.image[rows]].tolist()
    cat_ids = dataset.category_ids()[ann.category[rows]].tolist() if len(rows) else []
    out = [
        {"id": i, "image_id": im, "category_id": c, "bbox": b, "area": a, "iscrowd": crowd}
        for i, im, c, b, a, crowd in zip(
            ann.id[rows].tolist(),
            image_ids,
            cat_ids,
            bbox.tolist(),
            area.astype(np.float64).tolist(),
            ann.iscrowd[rows].astype(np.int64).tolist(),
        )
    ]
    # optional keys, always in this order: segmentation, rbox, score, attributes, parent_id, extras
    for rec, seg in zip(out, segs):
        if seg is not None:
            rec["segmentation"] = seg
    rotated = np.flatnonzero(ann.kind[rows] == Kind.ROTATED_BOX)
    for j, rbox in zip(rotated.tolist(), ann.rbox[rows[rotated]].tolist()):
        out[j]["rbox"] = rbox
    scored = np.flatnonzero(~np.isnan(ann.score[rows]))
    for j, score in zip(scored.tolist(), ann.score[rows[scored]].tolist()):
        out[j]["score"] = score
    for j, attrs in enumerate(ann.attributes[rows].tolist()):
        if attrs is not None:
            out[j]["attributes"] = attrs
    parent = ann.parent[rows]
    with_parent = np.flatnonzero(parent >= 0)
    for j, pid in zip(with_parent.tolist(), ann.id[parent[with_parent]].tolist()):
        out[j]["parent_id"] = pid
    for j, extra in enumerate(ann.extra[rows].tolist()):
        if extra:
            out[j].update(extra)
    return out
