"""Writing a masks folder: index masks with ``classes.json``, instance masks, BW masks."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...fileio import atomic_output, dump_json, safe_relative
from ...model import Annotations, Category, Dataset, Kind
from ...pixels import map_files
from .._common import writable
from .layout import BW_DIR, CLASS_MAP, INDEX_DIR, INSTANCE_DIR, MARKER


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
        results = map_files(_write_image, jobs)
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
        from ...pixels import mask_of_values, read_label_matrix

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
