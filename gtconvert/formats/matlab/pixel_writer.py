"""Pixel labels ``--to matlab``: the label PNGs MATLAB opens, one per image, and their PixelLabelIDs.

A groundTruth holds pixel labels only as label matrices: one uint8 PNG per image whose pixel
values are the labels' ``PixelLabelID`` (0 = unlabelled; RGB PNGs for Mx3 triplets), named in
the ``PixelLabelData`` column (``shared/docs/matlab-groundtruth.md`` section 4). So:

* a label's ``PixelLabelID`` is its category's ``pixel_id`` (what MATLAB gave it), else the
  values of its pixel references, else the lowest free id in 1..255;
* an image whose pixel labels all come from one label PNG that already holds exactly those ids
  (a groundTruth read and written again) keeps that PNG, referenced where it is;
* every other image with pixel content (RLE masks from COCO, a masks folder's class values, a
  label with several ids merged into one value) gets a PNG painted in ``<name>_PixelLabelData/``
  beside the ``.mat``, ``Label_<row>.png`` as Image Labeler names them. Each label is painted
  with its first id; a mask's id, crowd flag and instance identity do not fit a label matrix
  (``matlab.masks_painted`` counts them), nor do overlaps (``matlab.pixel_overlap``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from ...model import Category, Dataset, Kind, PixelRef
from .paths import relative

#: the folder of painted label PNGs, beside ``<name>.mat``
FOLDER_SUFFIX = "_PixelLabelData"


def folder_for(mat_path: str | os.PathLike) -> Path:
    """Where the painted label PNGs of ``mat_path`` go: ``<stem>_PixelLabelData`` beside it."""
    p = Path(os.path.abspath(mat_path))
    return p.parent / f"{p.stem}{FOLDER_SUFFIX}"


@dataclass
class PixelPlan:
    """What the writer puts in the interchange for pixel labels, and the PNGs still to paint."""

    files: list[str]  #: ``pixelLabelFiles``: one path per image (relative to the .mat), '' for none
    ids: dict[int, np.ndarray]  #: label row -> PixelLabelID rows (Mx1 ids or Mx3 triplets)
    painted_rows: np.ndarray  #: annotation rows (RLE masks) that go into PNGs, not ``objRle``
    jobs: list[tuple[str, int, int, int, list[tuple[Any, tuple[int, ...]]]]] = field(default_factory=list)


def plan(
    dataset: Dataset, pixel_labels: list[int], label_category: list[int], label_of: np.ndarray,
    mat_dir: str, folder: Path,
) -> PixelPlan:  # fmt: skip
    """The PixelLabelIDs of ``pixel_labels`` (label rows) and each image's label PNG."""
    ann, n = dataset.annotations, len(dataset.images)
    is_pixel = np.isin(label_of, pixel_labels) if pixel_labels else np.zeros(len(ann), bool)
    refs = np.flatnonzero(is_pixel & (ann.kind == Kind.PIXEL_REF))
    masks = np.flatnonzero(is_pixel & (ann.kind == Kind.MASK))
    ids = _label_ids(dataset, pixel_labels, label_category, label_of, refs)
    out = PixelPlan([""] * n, ids, masks)
    if not len(refs) and not len(masks):
        return out
    rows = np.concatenate([refs, masks])
    by_image = _group(ann.image[rows], rows)
    channels = 3 if any(v.shape[1] == 3 for v in ids.values()) else 1
    if channels == 3 and not all(v.shape[1] == 3 for v in ids.values()):
        raise GtconvertError(
            "pixel labels mix scalar PixelLabelIDs and RGB triplets",
            fix="give every pixel label ids of one kind (a label PNG is grey or RGB)",
        )
    for image, mine in by_image.items():
        kept = _reusable_png(ann, mine, label_of, ids, folder)
        if kept is not None:
            out.files[image] = relative(os.path.abspath(kept), mat_dir)
            continue
        name = f"Label_{image + 1}.png"
        out.files[image] = relative(str(folder / name), mat_dir)
        h, w = _size(dataset, image, ann, mine)
        items = [(_shape(ann, i), tuple(int(v) for v in ids[int(label_of[i])][0])) for i in mine.tolist()]
        out.jobs.append((name, h, w, channels, items))
    report.warn(
        "matlab.masks_painted",
        f"MATLAB: {len(masks)} RLE mask(s) of pixel labels painted into label PNGs (a label matrix "
        "per image: their ids, crowd flags and instances are not kept)",
        len(masks),
    )
    return out


def paint(jobs: list[tuple], folder: Path) -> None:
    """Paint the planned PNGs into ``folder`` (a temporary of :func:`atomic_output`), in the pool."""
    from ...pixels import map_files

    results = map_files(_paint_one, [(str(folder), *job) for job in jobs])
    overlapping = sum(r[0] for r in results)
    resized = sum(r[1] for r in results)
    report.warn(
        "matlab.pixel_overlap",
        f"MATLAB: {overlapping} pixel label object(s) painted over others (a pixel has one label)",
        overlapping,
    )
    report.warn(
        "matlab.pixel_resized",
        f"MATLAB: {resized} mask(s) or label PNG(s) of another size than their image cut or padded",
        resized,
    )


def _paint_one(
    folder: str, name: str, h: int, w: int, channels: int, items: list[tuple[Any, tuple[int, ...]]]
) -> tuple[int, int]:
    """One label PNG: each object painted with its label's first id; (overlapping, resized)."""
    from PIL import Image

    from ...raster import Painter, window

    painter = Painter(h, w, ())
    matrix = np.zeros((h, w, channels), dtype=np.uint8)
    painted = np.zeros((h, w), dtype=bool)
    overlapping = 0
    for shape, value in items:
        crop = painter.crop(shape)
        if crop is None:
            continue
        where, on = window(crop), crop[2]
        before = matrix[where][on]
        # over pixels of another label (a label's own masks overlapping is no loss)
        overlapping += bool((painted[where][on] & (before != value).any(axis=-1)).any())
        matrix[where][on] = value
        painted[where] |= on
    image = Image.fromarray(matrix[:, :, 0], "L") if channels == 1 else Image.fromarray(matrix, "RGB")
    image.save(os.path.join(folder, name))
    return overlapping, painter.resized


# ---- the ids -----------------------------------------------------------------------------


def _fits(rows: np.ndarray) -> bool:
    """PixelLabelID rows a uint8 label PNG can hold: ids 1..255, or triplets of 0..255 but not black."""
    if rows.size == 0 or rows.shape[1] not in (1, 3) or (rows != np.round(rows)).any():
        return False
    if rows.shape[1] == 1:
        return bool(((rows >= 1) & (rows <= 255)).all())
    return bool(((rows >= 0) & (rows <= 255)).all() and rows.any(axis=1).all())


def _rows_of(pixel_id: tuple[int, ...], ref_values: tuple[tuple[int, ...], ...] | None) -> np.ndarray:
    """A flat category ``pixel_id`` as rows: the shape its references have, else triplets when
    the count is a multiple of 3 (RGB, as the masks format writes them), else a column."""
    flat = np.asarray(pixel_id, dtype=np.float64)
    if ref_values and [v for row in ref_values for v in row] == list(pixel_id):
        return flat.reshape(len(ref_values), -1)
    return flat.reshape(-1, 3) if len(flat) % 3 == 0 else flat.reshape(-1, 1)


def _label_ids(
    dataset: Dataset, pixel_labels: list[int], label_category: list[int], label_of: np.ndarray,
    refs: np.ndarray,
) -> dict[int, np.ndarray]:  # fmt: skip
    """Each pixel label's PixelLabelID: the category's, else its references', else a free id."""
    ann = dataset.annotations
    ids: dict[int, np.ndarray] = {}
    taken: set[tuple[int, ...]] = set()
    wanted = []
    for k in pixel_labels:
        values = {ann.pixel_ref[i].values for i in refs[label_of[refs] == k]}
        if len(values) > 1:
            raise GtconvertError(
                f"pixel label {dataset.categories[label_category[k]].name!r} refers to different pixel "
                f"values in different images {sorted(values)}",
                fix="a MATLAB pixel label has one PixelLabelID in every image",
            )
        ref_values = values.pop() if values else None
        cat: Category = dataset.categories[label_category[k]]
        candidates = []
        if cat.pixel_id:
            candidates.append(_rows_of(cat.pixel_id, ref_values))
        if ref_values:
            candidates.append(np.asarray(ref_values, dtype=np.float64))
        wanted.append((k, cat, candidates))
    renumbered = []
    for k, cat, candidates in wanted:
        for rows in candidates:
            key = {tuple(int(v) for v in r) for r in rows}
            if (_fits(rows) or not _needs_png(ann, label_of, k)) and not key & taken:
                ids[k] = rows
                taken |= key
                break
        else:
            ids[k] = np.array([[_free_id(taken)]], dtype=np.float64)
            taken.add((int(ids[k][0, 0]),))
            if candidates:
                renumbered.append(cat.name)
    report.warn(
        "matlab.pixel_ids_assigned",
        f"MATLAB: {len(renumbered)} pixel label(s) got a new PixelLabelID ({', '.join(renumbered[:5])}): "
        "their ids do not fit a uint8 label PNG or are another label's",
        len(renumbered),
        examples=renumbered,
    )
    return ids


def _needs_png(ann: Any, label_of: np.ndarray, k: int) -> bool:
    """Whether label ``k`` holds anything that may be painted (then its ids must fit uint8)."""
    return bool(np.any((label_of == k) & np.isin(ann.kind, [Kind.MASK, Kind.PIXEL_REF])))


def _free_id(taken: set[tuple[int, ...]]) -> int:
    for v in range(1, 256):
        if (v,) not in taken:
            return v
    raise GtconvertError(
        "more than 255 pixel labels: a uint8 label PNG cannot hold them",
        fix="merge or drop categories (--map, --drop)",
    )


# ---- the images --------------------------------------------------------------------------


def _group(image: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(image, kind="stable")
    keys, starts = np.unique(image[order], return_index=True)
    return {int(k): rows[order[s:e]] for k, s, e in zip(keys, starts, [*starts[1:], len(order)])}


def _reusable_png(
    ann: Any, rows: np.ndarray, label_of: np.ndarray, ids: dict[int, np.ndarray], folder: Path
) -> str | None:
    """The one label PNG all of ``rows`` refer to, when it holds exactly their labels' ids."""
    if (ann.kind[rows] != Kind.PIXEL_REF).any():
        return None
    paths = {ann.pixel_ref[i].path for i in rows}
    if len(paths) != 1:
        return None
    path = paths.pop()
    if Path(os.path.abspath(path)).is_relative_to(folder):  # the folder being replaced
        return None
    for i in rows:
        ref: PixelRef = ann.pixel_ref[i]
        if [tuple(int(v) for v in r) for r in ids[int(label_of[i])]] != list(ref.values):
            return None
    return path if _is_uint8_png(path, len(ann.pixel_ref[rows[0]].value)) else None


def _is_uint8_png(path: str, channels: int) -> bool:
    """An 8-bit grey or palette PNG (1 channel), or 8-bit RGB (3): what MATLAB reads as labels."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.format == "PNG" and im.mode in (("L", "P") if channels == 1 else ("RGB",))
    except (OSError, ValueError):
        return False


def _size(dataset: Dataset, image: int, ann: Any, rows: np.ndarray) -> tuple[int, int]:
    """(height, width) of an image: its own, else its first mask's or label PNG's."""
    h, w = int(dataset.images.height[image]), int(dataset.images.width[image])
    if h > 0 and w > 0:
        return h, w
    for i in rows.tolist():
        if ann.kind[i] == Kind.MASK:
            return int(ann.rle[i]["size"][0]), int(ann.rle[i]["size"][1])
        from ...imagefiles import header_size

        size = header_size(ann.pixel_ref[i].path)
        if size:
            return int(size[1]), int(size[0])
    raise GtconvertError(
        "image size unknown: cannot paint its pixel labels",
        record=f"image {dataset.images.file_name[image]!r}",
        fix="pass --images DIR or --image-size WxH when reading",
    )


def _shape(ann: Any, i: int) -> tuple[str, Any]:
    return ("rle", ann.rle[i]) if ann.kind[i] == Kind.MASK else ("pixels", ann.pixel_ref[i])
