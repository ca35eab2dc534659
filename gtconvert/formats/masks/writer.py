"""Writing a masks folder: index masks with ``classes.json``, instance masks, BW masks."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ... import raster, report
from ...errors import GtconvertError
from ...fileio import atomic_output, dump_json, safe_relative, same_file_key
from ...model import Annotations, Category, Dataset, Kind
from ...pixels import map_files
from ...png import write_binary_png, write_index_png
from .._common import MATLAB_ONLY, writable
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
    if instances is None:  # objects to keep: any shape a mask holds but a pixel label
        instances = bool(np.any(~np.isin(ann.kind, [*MATLAB_ONLY, Kind.PIXEL_REF])))
    holds = ("attributes", "extra") if instances else ()  # kept in classes.json's objects
    rasterised = writable(
        ann, "masks", "masks", lacks="a mask has no such shape", keep_with="matlab or coco", holds=holds
    )
    _warn_rasterised_boxes(ann)
    values = _class_values(dataset.categories)
    sizes = _image_sizes(dataset)
    names = _mask_names(dataset.images.file_name)
    painted = _painted_rows(dataset, rasterised)
    with atomic_output(path, is_dir=True, overwrite=overwrite) as tmp:
        jobs = (
            (str(tmp), names[i], sizes[i], _objects(ann, rows, values), instances, bool(bw))
            for i, rows in enumerate(painted)
        )
        results = map_files(_write_image, jobs, len(painted))
        _warn_results(ann, rasterised, results, len(dataset.categories) > 1 and bool(bw))
        doc = _class_map_doc(dataset, values, names, sizes, painted if instances else None)
        dump_json(doc, Path(tmp) / CLASS_MAP)


def _painted_rows(dataset: Dataset, rasterised: np.ndarray) -> list[np.ndarray]:
    """Per image, the rows painted into its masks, in the dataset's order."""
    order, starts = dataset.image_order()
    rows = [order[starts[i] : starts[i + 1]] for i in range(len(dataset.images))]
    return [r[rasterised[r]] for r in rows]


def _objects(ann: Annotations, rows: np.ndarray, values: list[int]) -> list[tuple]:
    """The class value and shape of each object of ``rows``, as plain data for a worker."""
    return [(values[ann.category[i]], raster.object_shape(ann, i)) for i in rows.tolist()]


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
        seen[same_file_key(s)] = seen.get(same_file_key(s), 0) + 1
    out = [r if seen[same_file_key(s)] > 1 else s for r, s in zip(rel, stems)]
    if len({same_file_key(o) for o in out}) != len(out):
        raise GtconvertError("two images have the same file name", fix="give every image its own file name")
    return out


def _write_image(
    out: str, name: str, size: tuple[int, int], objects: list[tuple], instances: bool, bw: bool
) -> dict:
    """Paint and write one image's masks (``objects``: class value and shape of each, in order);
    returns the counts for the warnings."""
    h, w = size
    top = max((v for v, _ in objects), default=0)
    painter = raster.Painter(h, w, (np.uint8 if top <= 255 else np.uint16,))
    empty = 0
    for n, (value, shape) in enumerate(objects, start=1):
        crop = painter.paint(shape, (value,))
        empty += crop is None
        if instances:
            write_binary_png(raster.full_mask(crop, h, w), Path(out) / INSTANCE_DIR / f"{name}_{n}.png")
    (index,) = painter.layers
    write_index_png(index, Path(out) / INDEX_DIR / f"{name}.png")
    if bw:  # class values are never 0: the union of the objects
        write_binary_png(index != 0, Path(out) / BW_DIR / f"{name}.png")
    return {"overlapped": painter.overlapping, "empty": empty, "resized": painter.resized}


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
    instance_rows: list[np.ndarray] | None,
) -> dict:
    """``classes.json``: the class map, and per image its size, mask and (``instance_rows``
    given) the instance mask of each painted object."""
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
    for i in range(len(img)):
        rec = {
            "id": int(img.id[i]),
            "file_name": str(img.file_name[i]),
            "width": sizes[i][1],
            "height": sizes[i][0],
            "mask": f"{INDEX_DIR}/{names[i]}.png",
        }
        if instance_rows is not None:
            rec["objects"] = [
                {
                    "id": int(ann.id[r]),
                    "value": values[ann.category[r]],
                    "file": f"{INSTANCE_DIR}/{names[i]}_{n}.png",
                    **({"iscrowd": True} if ann.iscrowd[r] else {}),
                    **({"attributes": ann.attributes[r]} if ann.attributes[r] is not None else {}),
                    **({"extra": ann.extra[r]} if ann.extra[r] else {}),
                }
                for n, r in enumerate(instance_rows[i].tolist(), start=1)
            ]
        images.append(rec)
    return {"format": MARKER, "version": 1, "classes": classes, "images": images}
