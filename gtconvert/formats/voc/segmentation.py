"""``SegmentationObject``/``SegmentationClass`` palette PNGs: painted when writing, read as masks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...model import Annotations, Dataset, Kind
from ...png import png_bytes, voc_colormap
from .layout import SEG_CLASS, SEG_OBJECT

VOID = 255
SHAPED = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF, Kind.ROTATED_BOX)

# ---- segmentation PNGs -----------------------------------------------------------------
#
# The main process turns each image's shaped objects into a small job (its polygons, RLEs or
# pixel references, nothing else of the dataset); a process pool paints and writes the two
# PNGs of each image, a few images per task and a bounded number of tasks in flight. Each
# object is rasterised by pycocotools as before, but decoded and painted only within its
# bounding box (geometry.rle_crop), never as a full-size mask.

_IMAGES_PER_TASK = 8
_TASKS_IN_FLIGHT = 4  # per worker: enough to keep it busy, few enough to bound memory
_POOL_MIN_IMAGES = 16  # below this a pool costs more than it saves


def write_masks(
    dataset: Dataset,
    rows: np.ndarray,
    starts: np.ndarray,
    stems: list[str],
    width: np.ndarray,
    height: np.ndarray,
    tmp: Path,
    void_border: int,
) -> np.ndarray:
    """Paint SegmentationObject (object index in the XML) and SegmentationClass (class + 1)."""
    if len(dataset.categories) >= VOID:
        raise GtconvertError(
            f"VOC class PNGs hold at most 254 classes, not {len(dataset.categories)}",
            fix="write without --masks",
        )
    kind = dataset.annotations.kind[rows]
    shaped = np.isin(kind, SHAPED)
    per_image = np.diff(starts)
    segmented = np.zeros(len(stems), dtype=bool)
    segmented[np.repeat(np.arange(len(stems)), per_image)[shaped]] = True  # rows are sorted by image
    position = np.arange(len(rows)) - np.repeat(starts[:-1], per_image)  # index in its image's XML
    too_many = int(np.count_nonzero(shaped & (position + 1 >= VOID)))
    images = np.flatnonzero(segmented)
    root = str(tmp)
    for folder in {
        f"{root}/{sub}/{stems[r]}".rpartition("/")[0]
        for r in images.tolist()
        for sub in (SEG_OBJECT, SEG_CLASS)
    }:
        os.makedirs(folder, exist_ok=True)
    jobs = (
        _mask_job(dataset, rows, starts, r, int(height[r]), int(width[r]), root, stems[r], void_border)
        for r in images.tolist()
    )
    covered = sum(_run_jobs(jobs, len(images)))
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
    dataset: Dataset,
    rows: np.ndarray,
    starts: np.ndarray,
    r: int,
    h: int,
    w: int,
    root: str,
    stem: str,
    void_border: int,
) -> tuple[Any, ...]:
    """Everything a worker needs to paint image ``r``: its size, file names and shapes.

    A shape is ``(object value, class value, kind, payload)``: polygon parts as flat
    coordinate lists, an RLE, or a pixel reference (decoded in the worker).
    """
    ann = dataset.annotations
    shapes = []
    for k, i in enumerate(rows[starts[r] : starts[r + 1]].tolist()):
        kind = int(ann.kind[i])
        if kind not in SHAPED or k + 1 >= VOID:
            continue
        if kind == Kind.POLYGON:
            payload: Any = [p.ravel().tolist() for p in ann.parts(i) if len(p) >= 3]
        elif kind == Kind.ROTATED_BOX:
            payload = [geometry.rotated_box_corners(ann.rbox[i])[0].ravel().tolist()]
        elif kind == Kind.MASK:
            payload = ann.rle[i]
            if [int(v) for v in payload["size"]] != [h, w]:
                raise GtconvertError(
                    f"mask of size {payload['size'][1]}x{payload['size'][0]} on an image of {w}x{h}",
                    record=f"annotation id {ann.id[i]}",
                    fix="fix the image size or the mask",
                )
        else:
            payload = ann.pixel_ref[i]
        shapes.append((k + 1, int(ann.category[i]) + 1, kind, payload))
    paths = (f"{root}/{SEG_OBJECT}/{stem}.png", f"{root}/{SEG_CLASS}/{stem}.png")
    return h, w, paths, void_border, shapes


def _run_jobs(jobs: Any, n: int) -> list[int]:
    """Run :func:`_paint_images` over the jobs: in a process pool (both cores) when there are
    enough, with at most a few tasks in flight so memory stays bounded by a few images."""
    workers = os.cpu_count() or 1
    if workers < 2 or n < _POOL_MIN_IMAGES:
        return _paint_images(list(jobs))
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from itertools import islice

    out: list[int] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set[Any] = set()
        while True:
            while len(pending) < workers * _TASKS_IN_FLIGHT:
                batch = list(islice(jobs, _IMAGES_PER_TASK))
                if not batch:
                    break
                pending.add(pool.submit(_paint_images, batch))
            if not pending:
                return out
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                out += future.result()


def _paint_images(jobs: list[tuple[Any, ...]]) -> list[int]:
    """Paint and write the PNGs of each job; per image, how many objects later ones covered."""
    palette = _PALETTE or _palette()
    return [_paint_one(*job, palette) for job in jobs]


_PALETTE: list[int] = []


def _palette() -> list[int]:
    _PALETTE[:] = voc_colormap().ravel().tolist()
    return _PALETTE


def _paint_one(
    h: int, w: int, paths: tuple[str, str], void_border: int, shapes: list, palette: list[int]
) -> int:
    obj = np.zeros((h, w), dtype=np.uint8)
    cls = np.zeros((h, w), dtype=np.uint8)
    painted = []
    for value, class_value, kind, payload in shapes:
        crop = geometry.rle_crop(_shape_rle(kind, payload, h, w))
        if crop is None:
            continue
        r0, c0, on = crop
        window = np.s_[r0 : r0 + on.shape[0], c0 : c0 + on.shape[1]]
        obj[window][on] = value  # later objects win where they overlap
        cls[window][on] = class_value
        painted.append((value, window, on))
    covered = sum(1 for value, window, on in painted if np.count_nonzero(obj[window][on] == value) < on.sum())
    if void_border > 0:
        _draw_void(obj, cls, void_border)
    _save_png(obj, paths[0], palette)
    _save_png(cls, paths[1], palette)
    return covered


def _shape_rle(kind: int, payload: Any, h: int, w: int) -> dict[str, Any]:
    """pycocotools' RLE of one shape (its rasteriser for polygons and rotated boxes)."""
    if kind in (Kind.POLYGON, Kind.ROTATED_BOX):
        if not payload:  # no part with 3 points: nothing to paint
            return {"size": [h, w], "counts": [h * w]}
        from pycocotools import mask as mask_utils

        return mask_utils.merge(mask_utils.frPyObjects(payload, h, w))
    if kind == Kind.MASK:
        return payload
    from ...pixels import encode_pixel_refs

    rle = encode_pixel_refs([payload], workers=1)[0]
    if [int(v) for v in rle["size"]] != [h, w]:
        raise GtconvertError(
            f"label image of size {rle['size'][1]}x{rle['size'][0]} for an image of {w}x{h}",
            file=payload.path,
            fix="fix the image size or the label image",
        )
    return rle


def _draw_void(obj: np.ndarray, cls: np.ndarray, width: int) -> None:
    """Mark a band of ``width`` pixels around every object boundary as 255 (void)."""
    import cv2

    kernel = np.ones((2 * width + 1, 2 * width + 1), dtype=np.uint8)
    # an edge is wherever a pixel's neighbourhood holds more than one object value
    edge = cv2.dilate(obj, kernel) != cv2.erode(obj, kernel)
    obj[edge], cls[edge] = VOID, VOID


def _save_png(index: np.ndarray, path: str, palette: list[int]) -> None:
    """An 8-bit palette PNG of ``index`` with ``palette`` (see :func:`png_bytes`)."""
    with open(path, "wb") as f:
        f.write(png_bytes(index, palette))


def read_masks(docs: list[dict], ann: Annotations, root: Path) -> None:
    """Objects painted in ``SegmentationObject/<stem>.png`` (value = object index) become masks."""
    seg_dir = root / SEG_OBJECT
    if not seg_dir.is_dir():
        return
    from ...pixels import read_label_matrix

    first = 0
    for d in docs:
        n = len(d["objects"])
        png = seg_dir / f"{d['stem']}.png"
        if n and png.is_file():
            matrix = read_label_matrix(str(png))
            if matrix.ndim == 3:
                raise GtconvertError("SegmentationObject PNG is not a palette image", file=png)
            for k in range(n):
                m = matrix == k + 1
                if m.any():
                    ann.kind[first + k] = Kind.MASK
                    ann.rle[first + k] = geometry.mask_to_rle(m)
        first += n
