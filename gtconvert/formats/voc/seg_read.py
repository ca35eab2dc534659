"""``SegmentationObject``/``SegmentationClass`` PNGs read as masks: palette PNGs (the devkit,
gtconvert) and RGB PNGs (Datumaro, CVAT's "Segmentation mask" export).

A palette PNG's values are the labels. An RGB PNG is mapped back through its colour map:
object PNGs through the VOC colour map (colour k = instance k, Datumaro's ``VocInstColormap``),
class PNGs through ``labelmap.txt``'s colours (else the VOC colour map; line k = class k).
Instance k of an image is its XML's object k; instances past its objects (all of them, where
an image has no XML, as CVAT exports) become new objects of the class most of their pixels
have in the class PNG; a class PNG alone gives one object per class. A PNG that cannot be
read leaves its image's objects as boxes and is counted in a warning, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from ...pixels import label_matrix_rles, read_label_matrix
from ...png import voc_colormap
from .labelmap import VOC_CLASSES, Entry, class_colours, class_names
from .layout import SEG_CLASS, SEG_OBJECT
from .xml_parse import top_rows

VOID = 255  # object borders and "don't care" in both PNGs
UNKNOWN = -1  # a colour no map names
_VOID_RGB = (224, 224, 192)  # VOC colour 255


@dataclass
class ImageMasks:
    """What one image's PNGs say: masks of its XML objects, and objects the XML does not have."""

    paired: dict[int, dict[str, Any]] = field(default_factory=dict)  # XML object index -> RLE
    extra: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (class name, RLE)
    size: tuple[int, int] | None = None  # (width, height) of the PNGs


@dataclass
class _Counts:
    unreadable: list[str] = field(default_factory=list)
    unknown_pixels: int = 0
    no_class: int = 0  # instances past the XML's objects without a class PNG to name them
    class_only: int = 0  # class PNGs of images whose XML objects have no object PNG to pair with


def read_segmentation(docs: list[dict], root: Path, entries: list[Entry] | None) -> list[ImageMasks | None]:
    """The masks of each document's image (None where it has no PNG)."""
    obj_dir, cls_dir = root / SEG_OBJECT, root / SEG_CLASS
    if not obj_dir.is_dir() and not cls_dir.is_dir():
        return [None] * len(docs)
    entries = entries or [Entry(n) for n in VOC_CLASSES]
    names = class_names(entries)
    maps = (_colour_lookup(voc_colormap(256).astype(np.int64)), _colour_lookup(class_colours(entries)))
    counts = _Counts()
    out = [_image_masks(d, obj_dir, cls_dir, names, maps, counts) for d in docs]
    _warn(counts)
    return out


def _image_masks(
    doc: dict, obj_dir: Path, cls_dir: Path, names: list[str], maps: tuple, counts: _Counts
) -> ImageMasks | None:
    paths = [folder / f"{doc['stem']}.png" for folder in (obj_dir, cls_dir)]
    matrices: list[np.ndarray | None] = []
    for path, lookup in zip(paths, maps):
        if not path.is_file():
            matrices.append(None)
            continue
        try:
            matrix = read_label_matrix(str(path))
        except GtconvertError:
            counts.unreadable.append(str(path))
            return None  # the image keeps its XML boxes
        values, unknown = _label_values(matrix, lookup)
        counts.unknown_pixels += unknown
        matrices.append(values)
    obj, cls = matrices
    if obj is None and cls is None:
        return None
    h, w = (obj if obj is not None else cls).shape[:2]  # type: ignore[union-attr]
    masks = ImageMasks(size=(w, h))
    n = len(top_rows(doc))  # the XML's objects, not their parts
    if obj is not None:
        _instances(obj, cls, n, names, masks, counts)
    elif n == 0:
        values = np.unique(cls)
        present = [int(v) for v in values if 0 < v < len(names)]
        beyond = [int(v) for v in values if len(names) <= v < VOID]
        counts.unknown_pixels += int(np.count_nonzero(np.isin(cls, beyond))) if beyond else 0
        for v, rle in zip(present, label_matrix_rles(cls, [(v,) for v in present])):
            masks.extra.append((names[v], rle))
    else:
        counts.class_only += 1
    return masks


def _instances(
    obj: np.ndarray, cls: np.ndarray | None, n: int, names: list[str], masks: ImageMasks, counts: _Counts
) -> None:
    """Instance k pairs with XML object k; later instances are named by the class PNG."""
    present = [int(v) for v in np.unique(obj) if 0 < v < VOID]
    rles = label_matrix_rles(obj, [(v,) for v in present])
    for v, rle in zip(present, rles):
        if v <= n:
            masks.paired[v - 1] = rle
            continue
        label = _majority_class(cls, obj == v) if cls is not None else None
        if label is None or not 0 < label < len(names):
            counts.no_class += 1
            continue
        masks.extra.append((names[label], rle))


def _majority_class(cls: np.ndarray, mask: np.ndarray) -> int | None:
    values = cls[mask]
    values = values[(values > 0) & (values != VOID)]
    return int(np.bincount(values).argmax()) if len(values) else None


def _colour_lookup(colours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted packed RGB keys of the known colours, and the label of each key."""
    known = np.flatnonzero((colours >= 0).all(axis=1))
    packed = (colours[known, 0] << 16) | (colours[known, 1] << 8) | colours[known, 2]
    packed, first = np.unique(packed, return_index=True)  # a colour given twice: its first label
    return packed, known[first]


def _label_values(matrix: np.ndarray, lookup: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, int]:
    """Labels of a label PNG (palette or grey values as they are; RGB through ``lookup``), and
    how many pixels have a colour no map names (they become UNKNOWN and are counted)."""
    if matrix.ndim == 2:
        return matrix.astype(np.int64), 0
    rgb = matrix[..., :3].astype(np.int64)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    keys, labels = lookup
    at = np.clip(np.searchsorted(keys, packed), 0, max(len(keys) - 1, 0))
    found = keys[at] == packed if len(keys) else np.zeros(packed.shape, dtype=bool)
    out = np.where(found, labels[at] if len(keys) else UNKNOWN, UNKNOWN)
    void = packed == ((_VOID_RGB[0] << 16) | (_VOID_RGB[1] << 8) | _VOID_RGB[2])
    out[void & ~found] = VOID
    unknown = int(np.count_nonzero(out == UNKNOWN))
    return out, unknown


def _warn(counts: _Counts) -> None:
    n = len(counts.unreadable)
    first = ", ".join(counts.unreadable[:3])
    report.warn(
        "voc.masks_unreadable",
        f"VOC: {n} segmentation PNGs cannot be read ({first}); their images' objects are kept as "
        "the XML's boxes; re-export or remove those PNGs to read them as masks",
        n,
        counts.unreadable,
    )
    report.warn(
        "voc.masks_unknown_colour",
        f"VOC: {counts.unknown_pixels} segmentation pixels have a colour or value no class of "
        "labelmap.txt (or the VOC colour map) names; they are left out of every mask (add the "
        "classes to labelmap.txt)",
        counts.unknown_pixels,
    )
    report.warn(
        "voc.masks_unnamed",
        f"VOC: {counts.no_class} SegmentationObject instances have no XML object and no class in "
        "SegmentationClass; not read",
        counts.no_class,
    )
    report.warn(
        "voc.class_masks_unpaired",
        f"VOC: {counts.class_only} SegmentationClass PNGs not read: their images have XML objects "
        "and no SegmentationObject PNG to pair them with; the objects stay boxes",
        counts.class_only,
    )
