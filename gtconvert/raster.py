"""Painting objects into label images: the one painter of the VOC and masks writers.

A shape is plain picklable data, made in the main process by :func:`object_shape` and painted
in a worker process:

* ``("polygon", parts)``: flat ``[x0, y0, x1, y1, ...]`` lists (COCO frame) of the parts with
  at least 3 points, rasterised by pycocotools (polygons, rotated boxes and boxes alike);
* ``("rle", rle)``: an RLE mask;
* ``("pixels", PixelRef)``: the pixels of a label PNG equal to the label's values.

Each object is cut to its bounding box and painted there only, never as a full-size mask
(:func:`gtconvert.geometry.rle_crop` decodes an RLE within its box). A :class:`Painter` decodes
each label PNG once, however many of its labels it paints. Later objects win where they
overlap. Polygons are rasterised where they are, never shifted to their box first: pycocotools
rounds ``5 * x + 0.5`` in doubles, so a shift by whole pixels can move the edge of a decimal
vertex such as 1000.3 by one pixel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import geometry, limits
from .errors import GtconvertError
from .model import Annotations, Kind, PixelRef
from .pixels import mask_of_values, read_label_matrix

#: ``(row0, col0, pixels)``: a boolean mask cut to its bounding box, placed at (row0, col0).
Crop = tuple[int, int, np.ndarray]
Shape = tuple[str, Any]


def object_shape(ann: Annotations, i: int) -> Shape:
    """What to paint for annotation row ``i``: a box or rotated box as the polygon of its corners."""
    kind = ann.kind[i]
    if kind == Kind.POLYGON:
        return "polygon", [p.ravel().tolist() for p in ann.parts(i) if len(p) >= 3]
    if kind == Kind.ROTATED_BOX:
        return "polygon", [geometry.rotated_box_corners(ann.rbox[i])[0].ravel().tolist()]
    if kind == Kind.BOX:
        return "polygon", [geometry.box_corners(ann.bbox[i])[0].ravel().tolist()]
    if kind == Kind.MASK:
        return "rle", ann.rle[i]
    if kind == Kind.PIXEL_REF:
        return "pixels", ann.pixel_ref[i]
    raise ValueError(f"a {Kind(kind).name.lower()} has no pixels to paint")


def window(crop: Crop) -> tuple[slice, slice]:
    """The rows and columns of the image that ``crop`` covers."""
    r0, c0, on = crop
    return np.s_[r0 : r0 + on.shape[0], c0 : c0 + on.shape[1]]


def full_mask(crop: Crop | None, height: int, width: int) -> np.ndarray:
    """The (height, width) boolean mask of ``crop`` (all False for None)."""
    mask = np.zeros((height, width), dtype=bool)
    if crop is not None:
        mask[window(crop)] = crop[2]
    return mask


class Painter:
    """The label images of one image, painted object by object; 0 means unpainted.

    ``dtypes``: one label image (a layer) per entry; each object is painted with one non-zero
    value per layer (VOC paints its object index and its class). A mask or label PNG of
    another size than the image is cropped or padded at the bottom and right and counted in
    :attr:`resized`, or, with ``exact_size=True``, refused.
    """

    def __init__(self, height: int, width: int, dtypes: tuple[Any, ...], *, exact_size: bool = False) -> None:
        self.height, self.width = height, width
        limits.check_raster(height, width)
        self.layers = [np.zeros((height, width), dtype=d) for d in dtypes]
        self.overlapping = 0  #: objects painted over pixels of earlier objects
        self.resized = 0  #: objects whose mask or label PNG is not of the image's size
        self._exact_size = exact_size
        self._label_images: dict[str, np.ndarray] = {}

    def paint(self, shape: Shape, values: tuple[int, ...]) -> Crop | None:
        """Paint one object (``values``: one per layer); its pixels in the image, None if none."""
        crop = self.crop(shape)
        if crop is not None:
            where, on = window(crop), crop[2]
            if self.layers[0][where][on].any():
                self.overlapping += 1
            for layer, value in zip(self.layers, values):
                layer[where][on] = value
        return crop

    def crop(self, shape: Shape) -> Crop | None:
        """The pixels of ``shape`` within the image, cut to their bounding box (None: no pixel)."""
        kind, data = shape
        h, w = self.height, self.width
        if kind == "polygon":
            return _polygon_crop(data, h, w)
        if kind == "rle":
            size = (int(data["size"][0]), int(data["size"][1]))
            crop = geometry.rle_crop(data)
            what, file = "mask", None
        else:
            matrix = self._label_image(data)
            size = matrix.shape[:2]
            crop = _bounding_crop(mask_of_values(matrix, data.values))
            what, file = "label image", data.path
        if size == (h, w):
            return crop
        if self._exact_size:
            raise GtconvertError(
                f"{what} of size {size[1]}x{size[0]} for an image of {w}x{h}",
                file=file,
                fix=f"fix the image size or the {what}",
            )
        self.resized += 1
        return _clipped(crop, h, w)

    def _label_image(self, ref: PixelRef) -> np.ndarray:
        if ref.path not in self._label_images:  # one decode serves all its labels
            self._label_images[ref.path] = read_label_matrix(ref.path)
        return self._label_images[ref.path]


def count_covered(owner: np.ndarray, painted: list[tuple[int, Crop]]) -> int:
    """How many objects later ones painted over in part, from a layer that holds each object's
    own value (``painted``: ``(value, crop)`` per object)."""
    return sum(1 for value, crop in painted if np.count_nonzero(owner[window(crop)][crop[2]] != value))


def _polygon_crop(parts: list[list[float]], h: int, w: int) -> Crop | None:
    if not parts:  # no part with 3 points: nothing to paint
        return None
    from pycocotools import mask as mask_utils

    bounded = [limits.clip_polygon(p, h, w) for p in parts]  # the rasteriser's work bounded
    ready = [geometry.pycocotools_ready(p).tolist() for p in bounded if p.size >= 6]
    if not ready:
        return None
    return geometry.rle_crop(mask_utils.merge(mask_utils.frPyObjects(ready, h, w)))


def _bounding_crop(mask: np.ndarray) -> Crop | None:
    rows = np.flatnonzero(mask.any(axis=1))
    if not len(rows):
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    r0, c0 = int(rows[0]), int(cols[0])
    return r0, c0, mask[r0 : int(rows[-1]) + 1, c0 : int(cols[-1]) + 1]


def _clipped(crop: Crop | None, h: int, w: int) -> Crop | None:
    """``crop`` without what lies past the image's bottom and right (None if nothing is left)."""
    if crop is None:
        return None
    r0, c0, on = crop
    on = on[: max(0, h - r0), : max(0, w - c0)]
    return (r0, c0, on) if on.any() else None
