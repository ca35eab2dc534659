"""PNG masks: index (label-matrix) PNGs with a class map, one binary PNG per object, and
Image Segmenter style ``BW`` masks. The layout is documented in ``docs/masks.md``::

    dataset/
      classes.json                    class map (value -> id, name, colour) and image list
      index/<image name>.png          label matrix: pixel value = class value, 0 = unlabelled
                                      (palette 'P' PNG; 16-bit grey when a value exceeds 255)
      instances/<image name>_<n>.png  1-bit mask of the image's n-th object (n from 1)
      BW/<image name>.png             1-bit union of the image's objects (Image Segmenter BW)

``<image name>`` is the image's file name without its extension, subfolders kept. Masks are
decoded one image at a time (in a process pool when there are many images), never all at once.
Index masks are read as lazy :class:`~gtconvert.model.PixelRef` annotations; instance and BW
masks as RLE masks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .. import geometry, report
from ..errors import GtconvertError
from ..fileio import atomic_output, dump_json, read_json, safe_relative
from ..model import Annotations, Category, Dataset, Images, Kind, PixelRef
from ._common import writable

DESCRIPTION = "PNG masks (index/palette label matrices + class map, per-object masks, BW)"

CLASS_MAP = "classes.json"
INDEX_DIR, INSTANCE_DIR, BW_DIR = "index", "instances", "BW"
MARKER = "gtconvert-masks"
_POOL_MIN_IMAGES = 8


def detect(path: str) -> bool:
    """A folder with our ``classes.json``, or with ``index/`` or ``BW/`` PNG folders."""
    p = Path(path)
    if not p.is_dir():
        return False
    cmap = p / CLASS_MAP
    if cmap.is_file():
        with open(cmap, "rb") as f:
            return MARKER.encode() in f.read(4096)
    return any(_pngs(p / d) for d in (INDEX_DIR, BW_DIR) if (p / d).is_dir())


def _pngs(folder: Path) -> list[str]:
    """PNG files under ``folder`` as sorted POSIX paths relative to it."""
    return sorted(q.relative_to(folder).as_posix() for q in folder.rglob("*.png") if q.is_file())


def _map_files(fn: Callable[..., Any], jobs: Sequence[tuple], workers: int | None = None) -> list[Any]:
    """``fn(*job)`` for every job, in a process pool when there are enough to pay for it."""
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) >= _POOL_MIN_IMAGES:
        from concurrent.futures import ProcessPoolExecutor  # lazy: multiprocessing costs ~10 ms to import

        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, *zip(*jobs), chunksize=max(1, len(jobs) // (4 * workers))))
    return [fn(*job) for job in jobs]


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


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
    ``BW/`` masks gives one ``foreground`` mask per image. ``images`` is the image folder.
    """
    root = Path(path)
    if not root.is_dir():
        raise GtconvertError(
            "a masks dataset is a folder", file=path, fix="pass the folder holding classes.json"
        )
    cmap_path = root / CLASS_MAP
    doc = _read_class_map(cmap_path) if cmap_path.is_file() else None
    try:
        if doc is None and not (root / INDEX_DIR).is_dir() and (root / BW_DIR).is_dir():
            ds = _read_bw_only(root)
        else:
            ds = _read_indexed(root.resolve(), doc, instances)
    except _MALFORMED as exc:  # a class map that passed the checks but still does not fit
        raise GtconvertError(
            f"malformed masks dataset ({type(exc).__name__}: {exc})", file=cmap_path, fix="see docs/masks.md"
        ) from None
    return ds.replace(image_root=images if images is not None else str(root.resolve()))


_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def _is_value(v: Any) -> bool:
    """A class value: a non-negative int, or a list of 1 or 3 of them."""
    items = v if isinstance(v, list) else [v]
    return len(items) in (1, 3) and all(
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
        _check_record(pixel_id is None or _is_value(pixel_id), path, rec, "bad 'pixel_id'")
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
    names = _pngs(root / INDEX_DIR)
    return [{"file_name": n, "mask": f"{INDEX_DIR}/{n}"} for n in names]


def _read_indexed(root: Path, doc: dict | None, instances: bool | None) -> Dataset:
    cats, values = _categories(doc["classes"]) if doc is not None else ([], [])
    records = _image_table(root, doc)
    use_instances = instances is not False and any(r.get("objects") for r in records)
    ids = [int(r.get("id", k + 1)) for k, r in enumerate(records)]
    if use_instances:
        jobs = [(str(root), r) for r in records]
        scans = _map_files(_scan_instances, jobs)
    else:
        jobs = [(str(root), r, bool(instances)) for r in records]
        scans = _map_files(_scan_index, jobs)
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
    ann = _annotations(scans, value_row, use_instances or bool(instances))
    return Dataset(
        img,
        cats,
        ann,
        info={"masks": {k: v for k, v in (doc or {}).items() if k not in ("classes", "images")}},
    )


def _annotations(scans: list[dict], value_row: dict, as_rle: bool) -> Annotations:
    image = [k for k, s in enumerate(scans) for _ in s["values"]]
    category = [value_row[v] for s in scans for v in s["values"]]
    bbox = [b for s in scans for b in s["bbox"]]
    n = len(image)
    kind = Kind.MASK if as_rle else Kind.PIXEL_REF
    ids = [i for s in scans for i in s.get("ids", [None] * len(s["values"]))]
    if any(i is None for i in ids):
        ids = None
    return Annotations.create(
        image=np.asarray(image, dtype=np.int64),
        category=np.asarray(category, dtype=np.int64),
        kind=kind,
        id=ids,
        bbox=np.asarray(bbox, dtype=np.float64).reshape(n, 4),
        area=[a for s in scans for a in s["area"]],
        iscrowd=[c for s in scans for c in s.get("iscrowd", [False] * len(s["values"]))],
        rle=[r for s in scans for r in s["rle"]] if as_rle else None,
        pixel_ref=None if as_rle else [r for s in scans for r in s["refs"]],
    )


def _mask_file(root: str, rel: Any, record: dict) -> str:
    if not isinstance(rel, str):
        raise GtconvertError(
            "mask file name missing", file=os.path.join(root, CLASS_MAP), record=str(record)[:60]
        )
    return os.path.join(root, safe_relative(rel, file=os.path.join(root, CLASS_MAP)))


def _scan_index(root: str, record: dict, components: bool) -> dict:
    """One index mask: its size, the values present, their boxes and areas (and RLEs)."""
    from ..pixels import mask_of

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
    present = _present_values(matrix)
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
    for v in present:
        m = mask_of(matrix, v)
        out["values"].append(v)
        out["bbox"].append(_mask_bbox(m))
        out["area"].append(float(np.count_nonzero(m)))
        out["refs"].append(PixelRef(path, v))
    return out


def _read_matrix(path: str) -> np.ndarray:
    """A label PNG as integers; a broken or truncated PNG is an error naming the file."""
    from ..pixels import read_label_matrix

    try:
        return read_label_matrix(path)
    except GtconvertError:
        raise
    except (SyntaxError, ValueError, OSError, EOFError) as exc:
        raise GtconvertError(f"cannot decode mask ({exc})", file=path, fix="rewrite the PNG") from None


def _present_values(matrix: np.ndarray) -> list[tuple[int, ...]]:
    if matrix.ndim == 3:
        colours = np.unique(matrix.reshape(-1, matrix.shape[2])[:, :3], axis=0)
        return [tuple(int(c) for c in row) for row in colours if row.any()]
    return [(int(v),) for v in np.unique(matrix) if v != 0]


def _mask_bbox(m: np.ndarray) -> list[float]:
    rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
    if not len(rows):
        return [0.0, 0.0, 0.0, 0.0]
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1 - cols[0]), float(rows[-1] + 1 - rows[0])]


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
    out: dict[str, Any] = {"values": [], "ids": [], "iscrowd": [], "rle": [], "refs": []}
    w, h = int(record.get("width", 0)), int(record.get("height", 0))
    for obj in objects:
        m = _read_binary(_mask_file(root, obj.get("file"), obj))
        h, w = m.shape
        out["values"].append(tuple(int(v) for v in np.atleast_1d(obj.get("value", 1))))
        out["ids"].append(int(obj["id"]) if "id" in obj else None)
        out["iscrowd"].append(bool(obj.get("iscrowd", False)))
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
    names = _pngs(root / BW_DIR)
    scans = _map_files(_scan_bw, [(str(root / BW_DIR / n),) for n in names])
    img = Images.create(names, [s["width"] for s in scans], [s["height"] for s in scans])
    cats = [Category(id=1, name="foreground", type="pixel")]
    return Dataset(img, cats, _annotations(scans, {(1,): 0}, True), info={"masks": {"layout": "BW"}})


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


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    instances: bool | None = None,
    bw: bool | None = None,
) -> None:
    """Write index masks (+ ``classes.json``), instance masks and optionally BW masks.

    ``instances``: write one binary PNG per object; by default they are written unless every
    annotation is a pixel label (a semantic source has no objects to keep). ``bw``: also write
    one Image Segmenter style ``BW`` mask per image (the union of its objects).
    """
    ann = dataset.annotations
    rasterised = writable(ann, "masks", "masks", lacks="a mask has no such shape", keep_with="matlab or coco")
    _warn_rasterised_boxes(ann)
    if instances is None:
        instances = bool(np.any(rasterised & (ann.kind != Kind.PIXEL_REF)))
    values = _class_values(dataset.categories)
    sizes = _image_sizes(dataset)
    names = _mask_names(dataset.images.file_name)
    order, starts = dataset.image_order()
    with atomic_output(path, is_dir=True, overwrite=overwrite) as tmp:
        jobs = []
        for i in range(len(dataset.images)):
            rows = order[starts[i] : starts[i + 1]]
            rows = rows[rasterised[rows]]
            jobs.append(
                (str(tmp), names[i], sizes[i], _object_sources(dataset, rows, values), instances, bool(bw))
            )
        results = _map_files(_write_image, jobs)
        _warn_results(ann, rasterised, results, len(dataset.categories) > 1 and bool(bw))
        doc = _class_map_doc(dataset, values, names, sizes, (order, starts), rasterised, instances)
        dump_json(doc, Path(tmp) / CLASS_MAP)


def _warn_rasterised_boxes(ann: Annotations) -> None:
    for kind, label in ((Kind.BOX, "boxes"), (Kind.ROTATED_BOX, "rotated boxes")):
        count = int(np.count_nonzero(ann.kind == kind))
        report.warn(
            f"masks.rasterised.{Kind(kind).name.lower()}",
            f"masks: {count} {label} written as filled masks (their pixels); reading back gives masks, not boxes",
            count,
        )


def _class_values(categories: list[Category]) -> list[int]:
    """The pixel value of each category: its MATLAB PixelLabelID when every category has a
    distinct scalar one in 1..65535 (so MATLAB label PNGs keep their ids), else 1..K."""
    ids = [c.pixel_id for c in categories]
    if ids and all(p is not None and len(p) == 1 and 1 <= p[0] <= 65535 for p in ids):
        scalars = [int(p[0]) for p in ids]  # type: ignore[index]
        if len(set(scalars)) == len(scalars):
            return scalars
    if len(categories) > 65535:
        raise GtconvertError(f"{len(categories)} categories do not fit a 16-bit index mask")
    return list(range(1, len(categories) + 1))


def _image_sizes(dataset: Dataset) -> list[tuple[int, int]]:
    """(height, width) of each image; unknown sizes come from the image headers."""
    img = dataset.images
    out = []
    for i in range(len(img)):
        w, h = int(img.width[i]), int(img.height[i])
        if w <= 0 or h <= 0:
            w, h = _header_size(dataset, i)
        out.append((h, w))
    return out


def _header_size(dataset: Dataset, i: int) -> tuple[int, int]:
    from PIL import Image

    name = str(dataset.images.file_name[i])
    path = Path(dataset.image_root or ".") / name
    try:
        with Image.open(path) as im:
            return im.size
    except (FileNotFoundError, OSError):
        raise GtconvertError(
            "image size unknown and the image is not readable",
            file=path,
            record=f"image id {dataset.images.id[i]}",
            fix="pass --images DIR where the images are",
        ) from None


def _mask_names(file_names: Iterable[Any]) -> list[str]:
    """Mask file name of each image: its name without the extension, subfolders kept.

    Two images that differ only in their extension (``a.jpg``, ``a.png``) would collide; those
    keep their full name (``a.jpg.png``).
    """
    rel = [safe_relative(str(n)) for n in file_names]
    stems = [str(PurePosixPath(r).with_suffix("")) if PurePosixPath(r).suffix else r for r in rel]
    seen: dict[str, int] = {}
    for s in stems:
        seen[s.casefold()] = seen.get(s.casefold(), 0) + 1
    out = [r if seen[s.casefold()] > 1 else s for r, s in zip(rel, stems)]
    if len({o.casefold() for o in out}) != len(out):
        raise GtconvertError("two images have the same file name", fix="give every image its own file name")
    return out


def _object_sources(dataset: Dataset, rows: np.ndarray, values: list[int]) -> list[tuple]:
    """Per object: (class value, what to rasterise) as plain picklable data for a worker."""
    ann = dataset.annotations
    out = []
    for i in rows.tolist():
        k = ann.kind[i]
        value = values[ann.category[i]]
        if k == Kind.MASK:
            out.append((value, "rle", ann.rle[i]))
        elif k == Kind.PIXEL_REF:
            ref = ann.pixel_ref[i]
            out.append((value, "ref", (ref.path, ref.values)))
        elif k == Kind.POLYGON:
            out.append((value, "poly", [p.copy() for p in ann.parts(i)]))
        elif k == Kind.ROTATED_BOX:
            out.append((value, "poly", [geometry.rotated_box_corners(ann.rbox[i])[0]]))
        else:  # a box: its pixels, rasterised like the polygon of its corners
            out.append((value, "poly", [geometry.box_corners(ann.bbox[i])[0]]))
    return out


def _rasterise(kind: str, source: Any, h: int, w: int, cache: dict) -> np.ndarray:
    if kind == "rle":
        m = geometry.rle_decode(source).astype(bool)
    elif kind == "ref":
        from ..pixels import mask_of_values, read_label_matrix

        path, ref_values = source
        if path not in cache:  # one label PNG serves all its values
            cache[path] = read_label_matrix(path)
        m = mask_of_values(cache[path], ref_values)
    else:
        m = geometry.polygons_to_mask(source, h, w).astype(bool)
    return m


def _fit(m: np.ndarray, h: int, w: int) -> np.ndarray:
    """Crop or pad (bottom and right) a mask whose size differs from its image."""
    fixed = np.zeros((h, w), dtype=bool)
    hh, ww = min(h, m.shape[0]), min(w, m.shape[1])
    fixed[:hh, :ww] = m[:hh, :ww]
    return fixed


def _write_image(
    out: str, name: str, size: tuple[int, int], objects: list[tuple], instances: bool, bw: bool
) -> dict:
    """Compose and write one image's masks; returns counts for the warnings."""
    h, w = size
    top = max((v for v, _, _ in objects), default=0)
    index = np.zeros((h, w), dtype=np.uint8 if top <= 255 else np.uint16)
    union = np.zeros((h, w), dtype=bool)
    overlapped = empty = resized = 0
    cache: dict[str, np.ndarray] = {}
    for n, (value, kind, source) in enumerate(objects, start=1):
        m = _rasterise(kind, source, h, w, cache)
        if m.shape != (h, w):  # an RLE or label PNG of another size: said in a warning
            m, resized = _fit(m, h, w), resized + 1
        if not m.any():
            empty += 1
        if np.any(union & m):
            overlapped += 1
        index[m] = value  # later objects win where they overlap
        union |= m
        if instances:
            _save_binary(m, Path(out) / INSTANCE_DIR / f"{name}_{n}.png")
    _save_index(index, Path(out) / INDEX_DIR / f"{name}.png")
    if bw:
        _save_binary(union, Path(out) / BW_DIR / f"{name}.png")
    return {"overlapped": overlapped, "empty": empty, "resized": resized}


def _palette() -> list[int]:
    """The Pascal VOC colour map (bit-interleaved), 256 RGB entries: index 0 is black."""
    k = np.arange(256)
    rgb = np.zeros((256, 3), dtype=np.int64)
    for shift in range(8):
        for c in range(3):
            rgb[:, c] |= ((k >> (3 * shift + c)) & 1) << (7 - shift)
    return rgb.ravel().tolist()


def _save_index(index: np.ndarray, path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    if index.dtype == np.uint8:
        im = Image.frombytes("P", (index.shape[1], index.shape[0]), index.tobytes())
        im.putpalette(_palette())
    else:
        im = Image.fromarray(index.astype(np.uint16))
    im.save(path, optimize=False)


def _save_binary(mask: np.ndarray, path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(mask, dtype=bool)).save(path)  # 1-bit, as MATLAB writes logical


def _warn_results(
    ann: Annotations, rasterised: np.ndarray, results: list[dict], merged_classes: bool
) -> None:
    overlapped = sum(r["overlapped"] for r in results)
    report.warn(
        "masks.overlap",
        f"masks: {overlapped} objects overlap earlier objects of their image; in the index masks the "
        "later object wins (the instance masks keep each object whole)",
        overlapped,
    )
    resized = sum(r["resized"] for r in results)
    report.warn(
        "masks.size_mismatch",
        f"masks: {resized} masks differ in size from their image; cropped or padded at the bottom "
        "and right to fit (check the image sizes)",
        resized,
    )
    empty = sum(r["empty"] for r in results)
    report.warn(
        "masks.empty", f"masks: {empty} objects cover no pixel (too small or outside the image)", empty
    )
    if merged_classes:
        report.warn(
            "masks.bw_merged",
            "masks: BW masks hold no classes; each is the union of all objects of its image",
            int(np.count_nonzero(rasterised)),
        )


def _class_map_doc(
    dataset: Dataset,
    values: list[int],
    names: list[str],
    sizes: list[tuple[int, int]],
    by_image: tuple[np.ndarray, np.ndarray],
    rasterised: np.ndarray,
    instances: bool,
) -> dict:
    ann = dataset.annotations
    classes = []
    for c, v in zip(dataset.categories, values):
        rec: dict[str, Any] = {"value": v, "id": c.id, "name": c.name}
        if c.color is not None:
            rec["color"] = [round(float(x) * 255) for x in c.color]
        for key in ("supercategory", "type"):
            if getattr(c, key):
                rec[key] = getattr(c, key)
        if c.pixel_id is not None:
            rec["pixel_id"] = list(c.pixel_id)
        classes.append(rec)
    images = []
    img = dataset.images
    order, starts = by_image
    for i in range(len(img)):
        rec = {
            "id": int(img.id[i]),
            "file_name": str(img.file_name[i]),
            "width": sizes[i][1],
            "height": sizes[i][0],
            "mask": f"{INDEX_DIR}/{names[i]}.png",
        }
        if instances:
            rows = order[starts[i] : starts[i + 1]]
            rows = rows[rasterised[rows]]
            rec["objects"] = [
                {
                    "id": int(ann.id[r]),
                    "value": values[ann.category[r]],
                    "file": f"{INSTANCE_DIR}/{names[i]}_{n}.png",
                    **({"iscrowd": True} if ann.iscrowd[r] else {}),
                }
                for n, r in enumerate(rows.tolist(), start=1)
            ]
        images.append(rec)
    return {"format": MARKER, "version": 1, "classes": classes, "images": images}
