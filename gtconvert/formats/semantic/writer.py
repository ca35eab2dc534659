"""Writing the semantic layout: class-index masks, images and ``data.yaml``, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ... import imagefiles, raster, report
from ...errors import GtconvertError
from ...fileio import atomic_output, first_shared_file, safe_relative, would_share
from ...model import Dataset, Kind
from ...ops.splits import require_split, source_splits, split_images
from ...pixels import map_files
from .._common import writable
from .._image_copies import copy_images_or_warn
from .layout import AREA_KINDS, DATA_YAML, IGNORE, IMAGES, MASKS, SPLIT_NAMES, class_rows, mask_name


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    split_by: str | None = None,
    background: str | None = None,
    link_images: bool = False,
) -> None:
    """Write class-index masks (0..N-1, 255 where no class is), the images and ``data.yaml``.

    ``split``/``seed``/``split_by``: as for YOLO; without them the source's own split, if any.
    ``background``: pixels no object covers become class 0 of that name instead of 255 (a
    category of that name, if any, is the same class). Later objects of an image are painted
    over earlier ones (a warning counts overlaps). ``link_images``: hard-link the images
    instead of copying them.
    """
    ann = dataset.annotations
    classes = class_rows(dataset)
    value = np.zeros(len(dataset.categories), dtype=np.int64)
    value[classes] = np.arange(1, len(classes) + 1)
    names_out, lut = _class_table(dataset, classes, background)
    rows = np.flatnonzero(_painted(dataset, value))
    width, height = imagefiles.known_sizes(dataset, target="semantic masks")
    names = [
        safe_relative(n, record=f"image id {i}")
        for n, i in zip(dataset.images.file_name.tolist(), dataset.images.id.tolist())
    ]
    require_split(split, split_by)
    if split is not None:
        _check_split_names(split)
        targets, split_of = names, split_images(dataset, split, seed, split_by)
    else:
        targets, split_of = source_splits(names, dataset.images.extra, SPLIT_NAMES)
    rel = [f"{s}/{t}" if s else t for s, t in zip(split_of.tolist(), targets)]
    masks = _mask_paths(rel)
    order = np.argsort(ann.image[rows], kind="stable")
    rows = rows[order]
    starts = np.searchsorted(ann.image[rows], np.arange(len(names) + 1))
    out = Path(path)
    with atomic_output(out, is_dir=True, overwrite=overwrite) as tmp:
        jobs = (
            (
                f"{tmp}/{MASKS}/{masks[i]}",
                int(height[i]),
                int(width[i]),
                [(int(value[ann.category[r]]), raster.object_shape(ann, r)) for r in rows[a:b].tolist()],
                lut,
            )
            for i, (a, b) in enumerate(zip(starts[:-1].tolist(), starts[1:].tolist()))
        )
        _warn_results(map_files(_write_mask, jobs, len(names)))
        copy_images_or_warn(
            dataset,
            [(i, f"{tmp}/{IMAGES}/{r}") for i, r in enumerate(rel)],
            fmt="semantic",
            kept="masks written",
            under=f"{IMAGES}/",
            names=names,
            link=link_images,
        )
        _write_data_yaml(Path(tmp), out, names_out, split_of)


def _class_table(
    dataset: Dataset, classes: np.ndarray, background: str | None
) -> tuple[list[str], np.ndarray]:
    """The class names of the masks, and the table from painted values (class row position + 1;
    0 = unpainted) to mask values: 0..N-1, unpainted 255, or 0 with a ``background`` class."""
    names = [dataset.categories[c].name for c in classes.tolist()]
    out = names if background is None else [background, *(n for n in names if n != background)]
    if len(out) > IGNORE:
        raise GtconvertError(
            f"{len(out)} classes do not fit 8-bit masks with 255 as ignore (at most 255)",
            fix="merge or drop categories (--map, --drop)",
        )
    lut = np.full(256, IGNORE, dtype=np.uint8)
    if background is None:
        lut[1 : len(names) + 1] = np.arange(len(names))
    else:
        lut[0] = 0
        lut[1 : len(names) + 1] = [out.index(n) for n in names]
    return out, lut


def _painted(dataset: Dataset, value: np.ndarray) -> np.ndarray:
    """Rows painted into the masks; a warning for each kind of row that is not."""
    ann = dataset.annotations
    keep = writable(ann, "semantic", "semantic masks", lacks="they have no area", keep_with="matlab")
    classless = keep & (value[ann.category] == 0) & np.isin(ann.kind, AREA_KINDS)
    n = int(np.count_nonzero(classless))
    report.warn(
        "semantic.no_class",
        f"semantic masks: {n} objects of categories that are not classes (e.g. MATLAB lines) not painted",
        n,
    )
    for kind, label in ((Kind.BOX, "boxes"), (Kind.ROTATED_BOX, "rotated boxes")):
        count = int(np.count_nonzero(keep & (ann.kind == kind)))
        report.warn(
            f"semantic.rasterised.{Kind(kind).name.lower()}",
            f"semantic masks: {count} {label} painted as filled areas",
            count,
        )
    return keep & ~classless


def _check_split_names(split: dict[str, float]) -> None:
    bad = sorted(set(split) - set(SPLIT_NAMES))
    if bad or "train" not in split:
        raise GtconvertError(
            f"semantic splits are train, val and test, with train{'; not ' + ', '.join(bad) if bad else ''}",
            fix="e.g. --split train=0.8,val=0.2",
        )


def _mask_paths(rel: list[str]) -> list[str]:
    """The mask of each image; two images that would share one (also by case or Unicode form) are an error."""
    masks = [mask_name(r) for r in rel]
    shared = first_shared_file(rel, masks)
    if shared:
        other, other_mask, r, m = shared
        raise GtconvertError(
            f"images {other!r} and {r!r} {would_share(other_mask, m)} the mask {m!r}",
            fix="rename one of them (image and mask are paired by name without suffix)",
        )
    return masks


def _write_mask(path: str, height: int, width: int, objects: list[tuple], lut: np.ndarray) -> dict[str, int]:
    """Paint one image's objects (value = class row position + 1) and save the class-index mask."""
    from PIL import Image

    painter = raster.Painter(height, width, (np.uint8,))
    empty = sum(painter.paint(shape, (v,)) is None for v, shape in objects)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # grey ('L'), not a palette PNG: a palette image read as grey (OpenCV's IMREAD_GRAYSCALE)
    # gives the palette colours' luminance, not the class indices
    Image.fromarray(lut[painter.layers[0]]).save(path)  # uint8: mode L
    return {"overlapped": painter.overlapping, "resized": painter.resized, "empty": empty}


def _warn_results(results: list[dict[str, int]]) -> None:
    total = {k: sum(r[k] for r in results) for k in ("overlapped", "resized", "empty")}
    report.warn(
        "semantic.overlap",
        f"semantic masks: {total['overlapped']} objects overlap earlier objects of their image; the later wins",
        total["overlapped"],
    )
    report.warn(
        "semantic.size_mismatch",
        f"semantic masks: {total['resized']} masks or label images differ in size from their image; "
        "cropped or padded at the bottom and right",
        total["resized"],
    )
    report.warn(
        "semantic.empty",
        f"semantic masks: {total['empty']} objects cover no pixel (too small or outside the image)",
        total["empty"],
    )


def _write_data_yaml(tmp: Path, final: Path, names: list[str], split_of: np.ndarray) -> None:
    """``data.yaml``: where the folder is, each split's image folder, ``masks_dir`` and ``names``."""
    import yaml

    # no ``path``: Ultralytics then takes the YAML's own folder, so a copied dataset still reads
    doc: dict[str, object] = {}
    present = [s for s in SPLIT_NAMES if (split_of == s).any()]
    for s in present:
        doc[s] = f"{IMAGES}/{s}"
    if "train" not in doc:  # no split, or a source split without train
        doc["train"] = doc[present[0]] if present else IMAGES
    doc.setdefault("val", doc["train"])  # trainers require val: reuse train rather than invent one
    doc["masks_dir"] = MASKS
    doc["names"] = dict(enumerate(names))
    with open(tmp / DATA_YAML, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
