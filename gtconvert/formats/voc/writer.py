"""Writing a Pascal VOC folder: XML files, ImageSets lists, images, labelmap and sidecar."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ... import geometry, imagefiles, limits, report, sidecar, staging
from ...errors import GtconvertError
from ...fileio import first_shared_file, gc_paused, safe_relative, would_share
from ...model import Annotations, Dataset, Kind
from ...ops.splits import require_split, split_images
from .._common import axis_aligned_boxes, crowd_policy, writable
from .._image_copies import copy_images_or_warn
from . import labelmap
from . import origin as origins
from .image_sets import write_sets
from .layout import ANNOTATIONS, IMAGES
from .parts import nest_parts
from .segmentation import write_masks
from .xml_text import xml_texts


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    split_by: str | None = None,
    masks: bool = False,
    crowd: str = "keep",
    void_border: int = 0,
    origin: str = "devkit",
    link_images: bool = False,
) -> None:
    """Write ``dataset`` as a Pascal VOC folder (atomically).

    ``origin``: ``devkit`` (default; 1-based inclusive corners, ``xmin = x + 1``) or ``zero``
    (``xmin = x``, ``xmax = x + w``, as Datumaro, CVAT, globox, labelme and Roboflow write them);
    gtconvert.json records it, so gtconvert reads the folder back the same way.

    ``masks``: also paint polygons and masks into ``SegmentationObject``/``SegmentationClass``
    palette PNGs (``void_border`` > 0 draws a band of that many pixels of 255 = void around each
    object, like the VOC originals). ``split``/``seed``: ``ImageSets/Main/<name>.txt`` lists;
    ``split_by`` (video, folder, attribute:NAME) keeps each group in one split.
    ``crowd``: ``keep`` (default; written as ordinary objects, ``iscrowd`` kept in
    ``gtconvert.json``) or ``skip``. ``link_images``: hard-link the images instead of copying them.
    """
    origin = origins.resolve(origin)
    ann, img = dataset.annotations, dataset.images
    width, height = imagefiles.known_sizes(dataset, target="Pascal VOC")
    rows = _rows_to_write(ann, crowd, masks)
    names = [
        safe_relative(n, record=f"image id {i}") for n, i in zip(img.file_name.tolist(), img.id.tolist())
    ]
    stems = _stems(names)
    split_of = _splits(dataset, split, seed, split_by)

    img_row = ann.image[rows]
    boxes, clipped = geometry.clip_boxes(axis_aligned_boxes(dataset, rows), width[img_row], height[img_row])
    inside = (boxes[:, 2] > 0) & (boxes[:, 3] > 0)
    n_out = int(np.count_nonzero(~inside))
    report.warn("voc.outside", f"VOC: {n_out} objects lie entirely outside their image; not written", n_out)
    rows, boxes, clipped = rows[inside], boxes[inside], clipped[inside]
    report.warn(
        "voc.clipped",
        f"VOC: {int(clipped.sum())} boxes reached outside their image; clipped and marked truncated",
        int(clipped.sum()),
    )
    order = np.argsort(ann.image[rows], kind="stable")
    rows, boxes, clipped = rows[order], boxes[order], clipped[order]
    order, parent_at = nest_parts(ann, rows)  # <part> boxes follow the object holding them
    rows, boxes, clipped = rows[order], boxes[order], clipped[order]
    starts = np.searchsorted(ann.image[rows], np.arange(len(img) + 1))

    out = Path(path)
    with staging.output(out, overwrite=overwrite) as tmp:  # a stage when streamed or sharded (staging.py)
        segmented = np.zeros(len(img), dtype=bool)
        if masks:
            limits.check_void_border(void_border, width, height)
            segmented = write_masks(dataset, rows, starts, stems, width, height, tmp, void_border, parent_at)
        with gc_paused():  # many strings and tuples, no cycles: the collector would rescan the heap
            xmls = xml_texts(
                dataset, names, rows, starts, boxes, clipped, width, height, segmented, origin, parent_at
            )
        _write_files(tmp / ANNOTATIONS, stems, ".xml", xmls)
        staging.dataset_files(
            write_sets,
            tmp,
            stems=stems,
            split_of=split_of,
            segmented=segmented,
            concat=("stems", "split_of", "segmented"),
        )
        _copy_images(dataset, names, tmp, link_images)
        staging.dataset_files(labelmap.write, tmp / labelmap.FILE, dataset.categories)
        staging.dataset_files(
            sidecar.write,
            tmp,
            concat=staging.SIDECAR_COLUMNS,
            fmt="voc",
            categories=dataset.categories,
            file_names=names,
            image_ids=img.id,
            widths=width,
            heights=height,
            rows_per_image=np.diff(starts),
            ann_ids=ann.id[rows],
            ann_kinds=ann.kind[rows],
            ann_iscrowd=ann.iscrowd[rows],
            extra={origins.SIDECAR_KEY: origin},
        )


def _rows_to_write(ann: Annotations, crowd: str, masks: bool) -> np.ndarray:
    keep = writable(ann, "voc", "VOC", lacks="VOC has no such shape", keep_with="coco or matlab")
    keep = crowd_policy(ann, keep, crowd, "voc", "VOC")
    rotated = int(np.count_nonzero(keep & (ann.kind == Kind.ROTATED_BOX)))
    report.warn(
        "voc.rotated_as_boxes",
        f"VOC XML: {rotated} rotated boxes written as their enclosing boxes"
        + ("" if masks else "; add --masks to also write SegmentationObject PNGs"),
        rotated,
    )
    if not masks:
        shaped = int(np.count_nonzero(keep & np.isin(ann.kind, [Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF])))
        report.warn(
            "voc.shapes_as_boxes",
            f"VOC XML: {shaped} polygons and masks written as boxes; add --masks to also write "
            "SegmentationObject PNGs",
            shaped,
        )
    return np.flatnonzero(keep)


def _stems(names: list[str]) -> list[str]:
    """``sub/a.jpg`` -> ``sub/a``; two images that would share an XML file are an error."""
    stems = [without_suffix(n) for n in names]
    shared = first_shared_file(names, stems)  # a.xml and A.xml are one file on macOS/Windows
    if shared:
        other, other_stem, n, s = shared
        raise GtconvertError(
            f"images {other!r} and {n!r} {would_share(other_stem, s)} the annotation file {s}.xml",
            fix="rename one of them (VOC names files by the image name without suffix)",
        )
    return stems


def without_suffix(name: str) -> str:
    """``PurePosixPath(name).with_suffix("")`` for a name from ``safe_relative`` (already
    normalised), by string slicing: it runs once per image, and pathlib is slow."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return name[: len(name) - len(base) + dot] if 0 < dot < len(base) - 1 else name


def _splits(
    dataset: Dataset, split: dict[str, float] | None, seed: int | None, split_by: str | None
) -> np.ndarray:
    require_split(split, split_by)
    if split is not None:
        return split_images(dataset, split, seed, split_by)
    return np.array(
        [(e.get("split") or "") if isinstance(e, dict) else "" for e in dataset.images.extra], dtype=object
    )


def _write_files(folder: Path, names: list[str], suffix: str, texts: list[str]) -> None:
    """``folder/<name><suffix>`` for each text, UTF-8, as YOLO's labels are written: many files
    from a few threads in batches (on a disk, creating a file waits on the journal)."""
    root = str(folder)
    imagefiles.write_texts([(f"{root}/{n}{suffix}", t) for n, t in zip(names, texts)])


def _copy_images(dataset: Dataset, names: list[str], tmp: Path, link: bool) -> None:
    """The images into JPEGImages/: the shared policy, whose warning names the first missing files."""
    folder = str(tmp / IMAGES)
    pairs = [(i, f"{folder}/{n}") for i, n in enumerate(names)]
    copy_images_or_warn(dataset, pairs, fmt="VOC", kept="annotations written", under=f"{IMAGES}/", link=link)
