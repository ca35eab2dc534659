"""Reading a masks folder: index masks as lazy pixel labels, instance and BW masks as RLE masks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...fileio import read_json, safe_relative
from ...label_runs import MAX_RUNS_PER_PIXEL, label_summary
from ...model import Category, Dataset, Images, PixelRef
from ...pixels import map_files, mask_of, read_label_matrix
from . import css
from .layout import BW_DIR, CLASS_MAP, INDEX_DIR, mask_bbox, png_files, scan_annotations


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    instances: bool | None = None,
) -> Dataset:
    """Read a masks folder.

    Objects come from the instance masks when ``classes.json`` lists them (ids kept), else
    from the index masks: one lazy pixel-label annotation per class present in an image, or,
    with ``instances=True``, one RLE mask per 8-connected component. A folder with only
    ``BW/`` masks gives one ``foreground`` mask per image; one with ``dataset_meta.json`` (or
    ``labelmap.txt``) and ``masks/`` is Datumaro's common semantic segmentation (``css.py``).
    ``images`` is the image folder.
    """
    root = Path(path)
    if not root.is_dir():
        raise GtconvertError(
            "a masks dataset is a folder", file=path, fix="pass the folder holding classes.json"
        )
    cmap_path = root / CLASS_MAP
    doc = _read_class_map(cmap_path) if cmap_path.is_file() else None
    if doc is None and not png_files(root / INDEX_DIR):
        return _read_unindexed(root.resolve(), images)
    try:
        ds = _read_indexed(root.resolve(), doc, instances)
    except _MALFORMED as exc:  # a class map that passed the checks but still does not fit
        raise GtconvertError(
            f"malformed masks dataset ({type(exc).__name__}: {exc})", file=cmap_path, fix="see docs/masks.md"
        ) from None
    return ds.replace(image_root=images if images is not None else str(root.resolve()))


def _read_unindexed(root: Path, images: str | None) -> Dataset:
    """A folder without ``classes.json`` or index masks: BW masks, Datumaro's common semantic
    segmentation, or an error naming what is missing."""
    if (root / BW_DIR).is_dir() and png_files(root / BW_DIR):
        ds = _read_bw_only(root).replace(image_root=str(root))
    elif css.looks_like(root):
        ds = css.read(root)
    elif css.subsets(root):
        ds = css.read_subsets(root, css.subsets(root))
    else:
        raise GtconvertError(
            css.missing(root),
            file=root,
            fix="point at a masks folder (classes.json, index/, BW/) or a dataset_meta.json + masks/ "
            "folder; see docs/masks.md",
        )
    return ds if images is None else ds.replace(image_root=images)


_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def _is_value(v: Any) -> bool:
    """A class value: a non-negative int, or a list of 1 or 3 of them."""
    items = v if isinstance(v, list) else [v]
    return len(items) in (1, 3) and all(
        isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 2**31 for x in items
    )


def _is_pixel_id(v: Any) -> bool:
    """A MATLAB PixelLabelID, flat: one id, several ids ([3, 5]) or RGB triplets one after another."""
    items = v if isinstance(v, list) else [v]
    return len(items) >= 1 and all(
        isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 2**31 for x in items
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**63


def _check_record(ok: bool, path: Path, record: str, what: str) -> None:
    if not ok:
        raise GtconvertError(what, file=path, record=record, fix="see docs/masks.md")


def _read_class_map(path: Path) -> dict:
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("classes"), list):
        raise GtconvertError("class map needs a 'classes' list", file=path, fix="see docs/masks.md")
    for k, c in enumerate(doc["classes"]):
        rec = f"classes[{k}]"
        _check_record(
            isinstance(c, dict) and isinstance(c.get("name"), str), path, rec, "a class needs a 'name'"
        )
        _check_record(_is_value(c.get("value")), path, rec, "'value' must be an integer or [r, g, b]")
        _check_record(_is_int(c.get("id", 0)), path, rec, "'id' must be an integer")
        color, pixel_id = c.get("color"), c.get("pixel_id")
        _check_record(color is None or (_is_value(color) and len(color) == 3), path, rec, "bad 'color'")
        _check_record(pixel_id is None or _is_pixel_id(pixel_id), path, rec, "bad 'pixel_id'")
    if not isinstance(doc.get("images", []), list):
        raise GtconvertError("'images' must be a list", file=path, fix="see docs/masks.md")
    for k, r in enumerate(doc.get("images", [])):
        rec = f"images[{k}]"
        _check_record(isinstance(r, dict), path, rec, "an image must be an object")
        _check_record(_is_int(r.get("id", 0)), path, rec, "'id' must be an integer")
        for key in ("width", "height"):
            _check_record(_is_int(r.get(key, 0)) and r.get(key, 0) >= 0, path, rec, f"bad '{key}'")
        _check_record(isinstance(r.get("mask", ""), str), path, rec, "'mask' must be a file name")
        objects = r.get("objects") or []
        _check_record(isinstance(objects, list), path, rec, "'objects' must be a list")
        for o in objects:
            _check_record(
                isinstance(o, dict) and isinstance(o.get("file"), str) and _is_int(o.get("id", 0))
                and _is_value(o.get("value", 1)),
                path, rec, "each object needs 'file', an integer 'id' and a class 'value'",
            )  # fmt: skip
    return doc


def _categories(classes: list[dict]) -> tuple[list[Category], list[tuple[int, ...]]]:
    cats, values = [], []
    for k, c in enumerate(classes):
        value = tuple(int(v) for v in np.atleast_1d(c["value"]))
        color = c.get("color")
        cats.append(
            Category(
                id=int(c.get("id", k + 1)),
                name=str(c["name"]),
                supercategory=c.get("supercategory", ""),
                color=tuple(float(v) / 255 for v in color) if color is not None else None,
                pixel_id=tuple(int(v) for v in np.atleast_1d(c["pixel_id"])) if "pixel_id" in c else None,
                type=c.get("type", ""),
            )
        )
        values.append(value)
    return cats, values


def _image_table(root: Path, doc: dict | None) -> list[dict]:
    """The image records (from ``classes.json`` or the files of ``index/``)."""
    if doc is not None and doc.get("images"):
        return doc["images"]
    names = png_files(root / INDEX_DIR)
    return [{"file_name": n, "mask": f"{INDEX_DIR}/{n}"} for n in names]


def _read_indexed(root: Path, doc: dict | None, instances: bool | None) -> Dataset:
    cats, values = _categories(doc["classes"]) if doc is not None else ([], [])
    records = _image_table(root, doc)
    use_instances = instances is not False and any(r.get("objects") for r in records)
    ids = [int(r.get("id", k + 1)) for k, r in enumerate(records)]
    if use_instances:
        jobs = [(str(root), r) for r in records]
        scans = map_files(_scan_instances, jobs)
    else:
        jobs = [(str(root), r, bool(instances)) for r in records]
        scans = map_files(_scan_index, jobs)
    width = [s["width"] for s in scans]
    height = [s["height"] for s in scans]
    img = Images.create([r.get("file_name", r.get("mask", "")) for r in records], width, height, id=ids)
    value_row = {v: k for k, v in enumerate(values)}
    unknown = sorted({v for s in scans for v in s["values"] if v not in value_row})
    if unknown:
        report.warn(
            "masks.unknown_values",
            f"masks: {len(unknown)} pixel values not in the class map were given categories of their "
            f"own (values {[u[0] if len(u) == 1 else list(u) for u in unknown[:5]]})",
            len(unknown),
        )
        next_id = max([c.id for c in cats], default=0) + 1
        for j, v in enumerate(unknown):
            value_row[v] = len(cats)
            cats.append(Category(id=next_id + j, name=f"value_{'_'.join(map(str, v))}", pixel_id=v))
    ann = scan_annotations(scans, value_row, use_instances or bool(instances))
    return Dataset(
        img,
        cats,
        ann,
        info={"masks": {k: v for k, v in (doc or {}).items() if k not in ("classes", "images")}},
    )


def _mask_file(root: str, rel: Any, record: dict) -> str:
    if not isinstance(rel, str):
        raise GtconvertError(
            "mask file name missing", file=os.path.join(root, CLASS_MAP), record=str(record)[:60]
        )
    return os.path.join(root, safe_relative(rel, file=os.path.join(root, CLASS_MAP)))


def _scan_index(root: str, record: dict, components: bool) -> dict:
    """One index mask: its size, the values present, their boxes and areas (and RLEs)."""
    path = _mask_file(root, record.get("mask"), record)
    matrix = _read_matrix(path)
    h, w = matrix.shape[:2]
    stated = (record.get("width"), record.get("height"))
    if all(isinstance(v, int) and v > 0 for v in stated) and stated != (w, h):
        raise GtconvertError(
            f"label image is {w} x {h}, not {stated[0]} x {stated[1]} as classes.json says",
            file=path,
            record=f"image {record.get('file_name', '')!r}",
            fix="write the masks at the image size",
        )
    present, counts, boxes = _values_and_boxes(matrix)
    out: dict[str, Any] = {
        "width": w,
        "height": h,
        "values": [],
        "bbox": [],
        "area": [],
        "refs": [],
        "rle": [],
    }
    if components:
        owner, rles = geometry.label_matrix_to_instance_rles(matrix, present)
        out["values"] = [present[k] for k in owner]
        out["rle"] = rles
        out["bbox"] = geometry.rle_bbox(rles).tolist()
        out["area"] = geometry.rle_area(rles).tolist()
        return out
    for v, count, box in zip(present, counts, boxes):
        out["values"].append(v)
        out["bbox"].append(box)
        out["area"].append(float(count))
        out["refs"].append(PixelRef(path, v))
    return out


def _values_and_boxes(matrix: np.ndarray) -> tuple[list[tuple[int, ...]], list[int], list[list[float]]]:
    """The non-zero values of a label matrix, their pixel counts and COCO boxes.

    From the runs along its rows (``label_runs.label_summary``) when it is 2-D integers with few
    runs, else a histogram and one mask per value.
    """
    fast = label_summary(matrix, max_runs=int(matrix.size * MAX_RUNS_PER_PIXEL))
    if fast is not None:
        return fast
    present, counts = _present_values(matrix)
    return present, counts, [mask_bbox(mask_of(matrix, v)) for v in present]


def _read_matrix(path: str) -> np.ndarray:
    """A label PNG as integers; a broken or truncated PNG is an error naming the file."""
    try:
        return read_label_matrix(path)  # names the file itself for every other failure
    except EOFError as exc:
        raise GtconvertError(f"cannot decode mask ({exc})", file=path, fix="rewrite the PNG") from None


def _present_values(matrix: np.ndarray) -> tuple[list[tuple[int, ...]], list[int]]:
    """The non-zero values (or non-black colours) of a label matrix and their pixel counts.

    Integer matrices are counted with one ``bincount`` (no sort: ``np.unique`` took as long as
    decoding the PNG); colours are packed into one integer per pixel first.
    """
    if matrix.ndim == 3:
        rgb = matrix.reshape(-1, matrix.shape[2])[:, :3].astype(np.int64)
        colours, counts = np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2], return_counts=True)
        keep = colours != 0
        values = [((c >> 16) & 255, (c >> 8) & 255, c & 255) for c in colours[keep].tolist()]
        return values, counts[keep].tolist()
    flat = matrix.ravel()
    if flat.dtype.kind in "ub" and flat.dtype.itemsize <= 2 and flat.size:  # at most 65,536 bins
        counts = np.bincount(flat.astype(np.int64, copy=False) if flat.dtype.kind == "b" else flat)
        values = np.flatnonzero(counts)
    else:  # signed or float label images: rare
        values, counts_of = np.unique(flat, return_counts=True)
        counts = dict(zip(values.tolist(), counts_of.tolist()))
    values = [int(v) for v in values.tolist() if v != 0]
    return [(v,) for v in values], [int(counts[v]) for v in values]


def _read_binary(path: str) -> np.ndarray:
    """A binary PNG (1-bit, or grey where nonzero = object) as a bool array."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("L") if im.mode not in ("1", "L", "P", "I;16", "I") else im) != 0
    except FileNotFoundError:
        raise GtconvertError(
            "mask file not found", file=path, fix="check the file names in classes.json"
        ) from None
    except (SyntaxError, ValueError, OSError, EOFError) as exc:
        raise GtconvertError(f"cannot decode mask ({exc})", file=path, fix="rewrite the PNG") from None


def _scan_instances(root: str, record: dict) -> dict:
    """One image's instance masks: each object's class value, id, crowd flag and RLE."""
    objects = record.get("objects") or []
    out: dict[str, Any] = {
        "values": [],
        "ids": [],
        "iscrowd": [],
        "rle": [],
        "refs": [],
        "attributes": [],
        "extra": [],
    }
    w, h = int(record.get("width", 0)), int(record.get("height", 0))
    for obj in objects:
        m = _read_binary(_mask_file(root, obj.get("file"), obj))
        h, w = m.shape
        out["values"].append(tuple(int(v) for v in np.atleast_1d(obj.get("value", 1))))
        out["ids"].append(int(obj["id"]) if "id" in obj else None)
        out["iscrowd"].append(bool(obj.get("iscrowd", False)))
        out["attributes"].append(obj.get("attributes"))
        out["extra"].append(obj.get("extra") if isinstance(obj.get("extra"), dict) else None)
        out["rle"].append(geometry.mask_to_rle(m))
    if not objects and record.get("mask"):  # an image without objects: its size from the header
        w, h = _png_size(_mask_file(root, record["mask"], record))
    out["width"], out["height"] = w, h
    out["bbox"] = geometry.rle_bbox(out["rle"]).tolist()
    out["area"] = geometry.rle_area(out["rle"]).tolist()
    return out


def _png_size(path: str) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(path) as im:  # reads the header only
            return im.size
    except (SyntaxError, ValueError, OSError, EOFError) as exc:
        raise GtconvertError(f"cannot read mask ({exc})", file=path) from None


def _read_bw_only(root: Path) -> Dataset:
    names = png_files(root / BW_DIR)
    scans = map_files(_scan_bw, [(str(root / BW_DIR / n),) for n in names])
    img = Images.create(names, [s["width"] for s in scans], [s["height"] for s in scans])
    cats = [Category(id=1, name="foreground", type="pixel")]
    return Dataset(img, cats, scan_annotations(scans, {(1,): 0}, True), info={"masks": {"layout": "BW"}})


def _scan_bw(path: str) -> dict:
    m = _read_binary(path)
    h, w = m.shape
    rles = [geometry.mask_to_rle(m)] if m.any() else []
    return {
        "width": w,
        "height": h,
        "values": [(1,)] * len(rles),
        "rle": rles,
        "bbox": geometry.rle_bbox(rles).tolist(),
        "area": geometry.rle_area(rles).tolist(),
    }
