"""Writing a masks folder: index masks with ``classes.json``, instance masks, BW masks.

The writer writes through :mod:`gtconvert.staging`, so a streamed or sharded conversion can
write it in parts: each part paints its images' PNGs into the stage's folder, and
``classes.json`` is written once, from per-image and per-object columns joined over the parts.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ... import raster, report, staging
from ...errors import GtconvertError
from ...fileio import dump_json, safe_relative, same_file_key
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
    object_kinds = _object_kinds(dataset)
    # Written in parts, a part's default is its own: the whole's PNGs when the parts without
    # objects paint nothing (true of COCO); classes.json decides from every image's object_kinds.
    keep_objects = bool(object_kinds.any()) if instances is None else instances
    holds = ("attributes", "extra") if keep_objects else ()  # kept in classes.json's objects
    rasterised = writable(
        ann, "masks", "masks", lacks="a mask has no such shape", keep_with="matlab or coco", holds=holds
    )
    _warn_rasterised_boxes(ann)
    values = _class_values(dataset.categories)
    sizes = _image_sizes(dataset)
    names, stems, shortened = _mask_names(dataset.images.file_name)
    painted = _painted_rows(dataset, rasterised)
    with staging.output(path, overwrite=overwrite) as tmp:  # a stage when streamed or sharded (staging.py)
        jobs = (
            (str(tmp), names[i], sizes[i], _objects(ann, rows, values), keep_objects, bool(bw))
            for i, rows in enumerate(painted)
        )
        results = map_files(_write_image, jobs, len(painted))
        _warn_results(ann, rasterised, results, len(dataset.categories) > 1 and bool(bw))
        staging.dataset_files(
            write_class_map,
            tmp,
            categories=dataset.categories,
            values=values,
            instances=instances,
            concat=CLASS_MAP_COLUMNS,
            **_class_map_columns(dataset, values, (names, stems, shortened), sizes, painted, object_kinds),
        )


def default_instances(ann: Annotations) -> bool:
    """Whether instance masks are written by default (``instances=None``): when some annotation
    is an object a mask holds, not a pixel label (a semantic source has no objects to keep)."""
    return bool(np.any(_is_object(ann)))


def _is_object(ann: Annotations) -> np.ndarray:
    return ~np.isin(ann.kind, [*MATLAB_ONLY, Kind.PIXEL_REF])


def _object_kinds(dataset: Dataset) -> np.ndarray:
    """Per image, whether it has an annotation :func:`default_instances` counts as an object
    (any over the images, joined over the parts, is the whole dataset's default)."""
    objects = _is_object(dataset.annotations)
    return np.bincount(dataset.annotations.image[objects], minlength=len(dataset.images)) > 0


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


def _mask_names(file_names: Iterable[Any]) -> tuple[list[str], list[str], np.ndarray]:
    """Mask file name of each image: its name without the extension, subfolders kept; that stem
    of each name; and whether the mask name is the stem of a name with an extension.

    Two images that differ only in their extension (``a.jpg``, ``a.png``) would collide; those
    keep their full name (``a.jpg.png``).
    """
    rel = [safe_relative(str(n)) for n in file_names]
    stems = [str(PurePosixPath(r).with_suffix("")) if PurePosixPath(r).suffix else r for r in rel]
    seen: dict[str, int] = {}
    for s in stems:
        seen[same_file_key(s)] = seen.get(same_file_key(s), 0) + 1
    out = [r if seen[same_file_key(s)] > 1 else s for r, s in zip(rel, stems)]
    _check_distinct(out)
    shortened = np.array([o != r for o, r in zip(out, rel)], dtype=bool)
    return out, stems, shortened


def _check_distinct(names: list[str]) -> None:
    if len({same_file_key(o) for o in names}) != len(names):
        raise GtconvertError("two images have the same file name", fix="give every image its own file name")


def _check_names_of_parts(columns: dict[str, Any]) -> None:
    """Refuse masks named as no single pass names them: written in parts (streamed, ``--dask``),
    an image kept its stem in its part though an image of another part shares it."""
    stems, file_names = columns["stems"], columns["file_names"]
    _check_distinct(file_names)
    seen = Counter(same_file_key(s) for s in stems)
    for i in np.flatnonzero(columns["shortened"]).tolist():
        key = same_file_key(stems[i])
        if seen[key] > 1:
            j = next(k for k, s in enumerate(stems) if k != i and same_file_key(s) == key)
            a, b = (file_names[k] for k in sorted((i, j)))
            raise GtconvertError(
                f"images {a!r} and {b!r} differ only in their extension and were written in "
                "different parts (streamed or --dask): their masks would not keep their full names",
                fix="rename one of them",
            )
    _check_distinct(columns["names"])


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


#: The columns of :func:`write_class_map` with one value per image or per painted object.
CLASS_MAP_COLUMNS = (
    "file_names", "image_ids", "widths", "heights", "names", "stems", "shortened", "object_kinds",
    "objects_per_image", "object_ids", "object_values", "object_iscrowd", "object_attributes",
    "object_extra",
)  # fmt: skip


def _class_map_columns(
    dataset: Dataset,
    values: list[int],
    named: tuple[list[str], list[str], np.ndarray],
    sizes: list[tuple[int, int]],
    painted: list[np.ndarray],
    object_kinds: np.ndarray,
) -> dict[str, Any]:
    """What ``classes.json`` says of each image and of each painted object, as plain columns
    (a part's annotation rows mean nothing once the parts are joined)."""
    ann, img = dataset.annotations, dataset.images
    rows = np.concatenate([np.zeros(0, dtype=np.int64), *painted])
    return {
        "file_names": [str(n) for n in img.file_name.tolist()],
        "image_ids": img.id.tolist(),
        "widths": [w for _, w in sizes],
        "heights": [h for h, _ in sizes],
        "names": named[0],
        "stems": named[1],
        "shortened": named[2],
        "object_kinds": object_kinds,
        "objects_per_image": np.array([len(r) for r in painted], dtype=np.int64),
        "object_ids": ann.id[rows],
        "object_values": np.asarray(values, dtype=np.int64)[ann.category[rows]],
        "object_iscrowd": ann.iscrowd[rows],
        "object_attributes": ann.attributes[rows],
        "object_extra": ann.extra[rows],
    }


def write_class_map(
    folder: Path,
    *,
    categories: list[Category],
    values: list[int],
    instances: bool | None,
    **columns: Any,
) -> None:
    """``classes.json`` into ``folder``, from the columns of :data:`CLASS_MAP_COLUMNS` (those of
    every image, joined over the parts when written in parts). ``instances`` as given to
    :func:`write`: None lists each image's objects when some image has an object."""
    _check_names_of_parts(columns)
    if instances is None:
        instances = bool(np.any(columns["object_kinds"]))
    doc = _class_map_doc(categories, values, columns, instances)
    dump_json(doc, Path(folder) / CLASS_MAP)


def _class_map_doc(
    categories: list[Category], values: list[int], columns: dict[str, Any], instances: bool
) -> dict:
    """``classes.json``: the class map, and per image its size, mask and (``instances``) the
    instance mask of each painted object."""
    classes = []
    for c, v in zip(categories, values):
        rec: dict[str, Any] = {"value": v, "id": c.id, "name": c.name}
        if c.color is not None:
            rec["color"] = [round(float(x) * 255) for x in c.color]
        for key in ("supercategory", "type"):
            if getattr(c, key):
                rec[key] = getattr(c, key)
        if c.pixel_id is not None:
            rec["pixel_id"] = list(c.pixel_id)
        classes.append(rec)
    names = columns["names"]
    images = []
    for i, (image_id, file_name, w, h) in enumerate(
        zip(columns["image_ids"], columns["file_names"], columns["widths"], columns["heights"])
    ):
        images.append(
            {
                "id": image_id,
                "file_name": file_name,
                "width": w,
                "height": h,
                "mask": f"{INDEX_DIR}/{names[i]}.png",
            }
        )
    if instances:
        for rec, objects in zip(images, _objects_of_images(names, columns)):
            rec["objects"] = objects
    return {"format": MARKER, "version": 1, "classes": classes, "images": images}


def _objects_of_images(names: list[str], columns: dict[str, Any]) -> Iterable[list[dict]]:
    """Each image's ``objects`` records: id, class value, instance mask and the kept fields."""
    ids, values = columns["object_ids"].tolist(), columns["object_values"].tolist()
    crowd, attributes, extra = (
        columns["object_iscrowd"].tolist(),
        columns["object_attributes"],
        columns["object_extra"],
    )
    start = 0
    for name, count in zip(names, columns["objects_per_image"].tolist()):
        yield [
            {
                "id": ids[r],
                "value": values[r],
                "file": f"{INSTANCE_DIR}/{name}_{n}.png",
                **({"iscrowd": True} if crowd[r] else {}),
                **({"attributes": attributes[r]} if attributes[r] is not None else {}),
                **({"extra": extra[r]} if extra[r] else {}),
            }
            for n, r in enumerate(range(start, start + count), start=1)
        ]
        start += count
