"""``SegmentationObject``/``SegmentationClass`` palette PNGs, painted when writing (reading: ``seg_read``).

The main process turns each image's shaped objects into a small job (their shapes, nothing
else of the dataset); worker processes paint them with :class:`gtconvert.raster.Painter` and
write both PNGs of the image with :func:`gtconvert.png.write_palette_png`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import raster, report
from ...errors import GtconvertError
from ...model import Annotations, Dataset, Kind
from ...pixels import map_files
from ...png import write_palette_png
from .labelmap import class_values
from .layout import SEG_CLASS, SEG_OBJECT

VOID = 255  # the devkit's "ignore" value: object borders, and never an object or class
SHAPED = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF, Kind.ROTATED_BOX)
POOL_MIN_IMAGES = 16  # fewer images are painted in this process: a pool would cost more


def write_masks(
    dataset: Dataset,
    rows: np.ndarray,
    starts: np.ndarray,
    stems: list[str],
    width: np.ndarray,
    height: np.ndarray,
    tmp: Path,
    void_border: int,
    parent_at: np.ndarray | None = None,
) -> np.ndarray:
    """Paint SegmentationObject (object index in the XML) and SegmentationClass (class + 1).

    ``rows`` are the XML's objects sorted by image (image ``r``'s are
    ``rows[starts[r]:starts[r + 1]]``). Returns which images got PNGs.
    """
    if len(dataset.categories) >= VOID:
        raise GtconvertError(
            f"VOC class PNGs hold at most 254 classes, not {len(dataset.categories)}",
            fix="write without --masks",
        )
    kind = dataset.annotations.kind[rows]
    top = np.ones(len(rows), dtype=bool) if parent_at is None else parent_at < 0  # parts are not objects
    shaped = np.isin(kind, SHAPED) & top
    per_image = np.diff(starts)
    segmented = np.zeros(len(stems), dtype=bool)
    segmented[np.repeat(np.arange(len(stems)), per_image)[shaped]] = True
    before = np.concatenate([[0], np.cumsum(top)])  # objects (not parts) before each row
    position = before[:-1] - np.repeat(before[starts[:-1]], per_image)  # index in its image's XML
    too_many = int(np.count_nonzero(shaped & (position + 1 >= VOID)))
    images = np.flatnonzero(segmented)
    root = str(tmp)
    for folder in {
        f"{root}/{sub}/{stems[r]}".rpartition("/")[0]
        for r in images.tolist()
        for sub in (SEG_OBJECT, SEG_CLASS)
    }:
        os.makedirs(folder, exist_ok=True)
    class_value = class_values(dataset.categories)
    jobs = (
        _mask_job(
            dataset.annotations,
            class_value,
            rows[starts[r] : starts[r + 1]],
            position[starts[r] : starts[r + 1]],
            int(height[r]),
            int(width[r]),
            root,
            stems[r],
            void_border,
        )
        for r in images.tolist()
    )
    covered = sum(map_files(_paint_image, jobs, len(images), min_jobs=POOL_MIN_IMAGES))
    report.warn(
        "voc.masks_overlap",
        f"VOC masks: {covered} objects partly covered by later objects they overlap",
        covered,
    )
    report.warn(
        "voc.masks_too_many",
        f"VOC masks: {too_many} objects beyond the 254th of an image not painted",
        too_many,
    )
    return segmented


def _mask_job(
    ann: Annotations,
    class_value: np.ndarray,
    rows: np.ndarray,
    positions: np.ndarray,
    h: int,
    w: int,
    root: str,
    stem: str,
    void_border: int,
) -> tuple[Any, ...]:
    """What a worker needs to paint one image: its size, file names and shapes.

    A shape comes with its object value (index among the XML's objects, from 1; ``positions``
    counts objects, not parts) and class value.
    """
    shapes = []
    for k, i in zip(positions.tolist(), rows.tolist()):
        kind = int(ann.kind[i])
        if kind not in SHAPED or k + 1 >= VOID:
            continue
        if kind == Kind.MASK and [int(v) for v in ann.rle[i]["size"]] != [h, w]:
            size = ann.rle[i]["size"]
            raise GtconvertError(
                f"mask of size {size[1]}x{size[0]} on an image of {w}x{h}",
                record=f"annotation id {ann.id[i]}",
                fix="fix the image size or the mask",
            )
        shapes.append((k + 1, int(class_value[ann.category[i]]), raster.object_shape(ann, i)))
    paths = (f"{root}/{SEG_OBJECT}/{stem}.png", f"{root}/{SEG_CLASS}/{stem}.png")
    return h, w, paths, void_border, shapes


def _paint_image(h: int, w: int, paths: tuple[str, str], void_border: int, shapes: list) -> int:
    """Paint and write one image's two PNGs; returns how many objects later ones covered."""
    painter = raster.Painter(h, w, (np.uint8, np.uint8), exact_size=True)
    painted = []
    for value, class_value, shape in shapes:
        crop = painter.paint(shape, (value, class_value))
        if crop is not None:
            painted.append((value, crop))
    obj, cls = painter.layers
    covered = raster.count_covered(obj, painted)
    if void_border > 0:
        _draw_void(obj, cls, void_border)
    write_palette_png(obj, paths[0])
    write_palette_png(cls, paths[1])
    return covered


def _draw_void(obj: np.ndarray, cls: np.ndarray, width: int) -> None:
    """Mark a band of ``width`` pixels around every object boundary as 255 (void)."""
    import cv2

    kernel = np.ones((2 * width + 1, 2 * width + 1), dtype=np.uint8)
    # an edge is wherever a pixel's neighbourhood holds more than one object value
    edge = cv2.dilate(obj, kernel) != cv2.erode(obj, kernel)
    obj[edge], cls[edge] = VOID, VOID
