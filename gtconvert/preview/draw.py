"""Drawing one image's labels with Pillow, on the pixels the labels cover.

The rule (``docs/preview.md``): a pixel ``(col, row)`` covers ``[col, col+1) x [row, row+1)`` of
the COCO frame and belongs to a box when its centre lies inside the box (left/top edges
inclusive, right/bottom exclusive). A box is outlined on its outermost such pixels, the line
growing inwards, so an outline never covers a pixel outside its object. Polygons and rotated
boxes are filled where pycocotools rasterises them (the pixels every mask writer paints), RLE
masks and label-matrix references where their pixels are on; each of those is outlined on
its own border pixels, holes included. Lines and points are drawn through the pixel centres
of their COCO coordinates (Pillow's pixel ``i`` has its centre at ``i``: COCO ``x`` is
Pillow ``x - 0.5``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .. import geometry
from ..errors import GtconvertError
from ..model import Annotations, Kind
from .colors import text_color

#: Kinds drawn as a filled, outlined area.
AREA_KINDS = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF, Kind.ROTATED_BOX)


@dataclass(frozen=True)
class Style:
    """How overlays look. ``line_width`` 0 picks one from the image size (:func:`auto_line_width`)."""

    line_width: int = 0
    fill_alpha: float = 0.4
    labels: bool = True
    background: tuple[int, int, int] = (48, 48, 48)  # the canvas when the image is absent


@dataclass
class ImageLabels:
    """What :func:`render` needs for one image: a picklable job for the worker processes.

    ``annotations`` holds only this image's rows; ``colors`` (N, 3) and ``texts`` are per row.
    """

    path: str | None
    width: int
    height: int
    annotations: Annotations
    colors: np.ndarray
    texts: list[str]


DEFAULT_STYLE = Style()


def auto_line_width(width: int, height: int) -> int:
    """1 pixel up to 750-pixel images, one more per 750 pixels of the longer side."""
    return max(1, round(max(width, height) / 750))


def box_pixels(bbox: np.ndarray) -> tuple[int, int, int, int]:
    """The pixel rectangle ``(col0, row0, col1, row1)`` (inclusive) of a COCO box ``(x, y, w, h)``.

    Pixels whose centre ``i + 0.5`` lies in ``[x, x + w)``: ``col0 = ceil(x - 0.5)``,
    ``col1 = ceil(x + w - 0.5) - 1``. A box thinner than a pixel keeps the pixel holding its
    centre, so that every box is visible.
    """
    x, y, w, h = (float(v) for v in bbox)
    col0, col1 = math.ceil(x - 0.5), math.ceil(x + w - 0.5) - 1
    row0, row1 = math.ceil(y - 0.5), math.ceil(y + h - 0.5) - 1
    if col1 < col0:
        col0 = col1 = math.floor(x + w / 2)
    if row1 < row0:
        row0 = row1 = math.floor(y + h / 2)
    return col0, row0, col1, row1


def paint_box_outline(canvas: np.ndarray, rect: tuple[int, int, int, int], color: Any, width: int) -> None:
    """Paint the ``width``-pixel inner border of an inclusive pixel rectangle; off-image parts are skipped."""
    c0, r0, c1, r1 = rect
    t = max(1, width)
    bands = (
        (r0, min(r0 + t - 1, r1), c0, c1),  # top
        (max(r1 - t + 1, r0), r1, c0, c1),  # bottom
        (r0, r1, c0, min(c0 + t - 1, c1)),  # left
        (r0, r1, max(c1 - t + 1, c0), c1),  # right
    )
    h, w = canvas.shape[:2]
    for top, bottom, left, right in bands:
        top, bottom, left, right = max(top, 0), min(bottom, h - 1), max(left, 0), min(right, w - 1)
        if top <= bottom and left <= right:
            canvas[top : bottom + 1, left : right + 1] = color


def area_crop(
    ann: Annotations, row: int, height: int, width: int, matrices: dict[str, np.ndarray] | None = None
) -> tuple[int, int, np.ndarray] | None:
    """The pixels of an area annotation as ``(row0, col0, bool crop)``; None when it covers none.

    ``matrices`` caches label-matrix PNGs by path (several references share one file).
    """
    kind = int(ann.kind[row])
    if kind == Kind.MASK:
        return geometry.rle_crop(ann.rle[row])
    if kind == Kind.PIXEL_REF:
        from .. import pixels

        ref = ann.pixel_ref[row]
        cache = matrices if matrices is not None else {}
        if ref.path not in cache:
            cache[ref.path] = pixels.read_label_matrix(ref.path)
        mask = pixels.mask_of_values(cache[ref.path], ref.values)
        return (0, 0, mask) if mask.any() else None
    if kind == Kind.ROTATED_BOX:
        parts = list(geometry.rotated_box_corners(ann.rbox[row]))
    else:
        parts = ann.parts(row)
    if height <= 0 or width <= 0 or not any(len(p) >= 3 for p in parts):
        return None
    return geometry.rle_crop(geometry.polygon_to_rle(parts, height, width))


def tight_crop(crop: tuple[int, int, np.ndarray] | None) -> tuple[int, int, np.ndarray] | None:
    """A crop cut to the rows and columns it covers (two crops of one region are then equal)."""
    if crop is None or not crop[2].any():
        return None
    r0, c0, on = crop
    rows, cols = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    return r0 + int(rows[0]), c0 + int(cols[0]), on[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def paint_area(
    canvas: np.ndarray, crop: tuple[int, int, np.ndarray], color: Any, alpha: float, width: int
) -> None:
    """Blend ``color`` over the crop's pixels and paint its ``width``-pixel border opaque."""
    import cv2

    r0, c0, on = crop
    h, w = canvas.shape[:2]
    # the part of the crop that falls on the canvas (a mask may be sized for another image)
    top, left = max(r0, 0), max(c0, 0)
    bottom, right = min(r0 + on.shape[0], h), min(c0 + on.shape[1], w)
    if top >= bottom or left >= right:
        return
    on = on[top - r0 : bottom - r0, left - c0 : right - c0]
    padded = np.pad(on.astype(np.uint8), 1)
    inner = cv2.erode(padded, _CROSS, iterations=max(1, width))[1:-1, 1:-1].astype(bool)
    region = canvas[top:bottom, left:right]
    if alpha > 0:
        rgb = np.asarray(color, dtype=np.float64)
        region[on] = np.rint(region[on] * (1.0 - alpha) + rgb * alpha).astype(np.uint8)
    region[on & ~inner] = color


_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=np.uint8)


def load_canvas(labels: ImageLabels, background: tuple[int, int, int]) -> tuple[np.ndarray, bool]:
    """The image as a writable (H, W, 3) uint8 array, and whether its file was found.

    Without the file: a ``background`` canvas of the dataset's size (or, when that is unknown,
    just large enough for the labels).
    """
    from PIL import Image

    if labels.path:
        try:
            with Image.open(labels.path) as im:
                # convert() of an RGB image is a full copy: ~2 ms of a 1080p overlay's ~35
                return np.array(im if im.mode == "RGB" else im.convert("RGB")), True
        except (FileNotFoundError, IsADirectoryError):
            pass
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # damaged files
            raise GtconvertError(f"cannot read the image ({exc})", file=labels.path) from None
    w, h = labels.width, labels.height
    if w <= 0 or h <= 0:
        w, h = _extent(labels.annotations)
    canvas = np.empty((h, w, 3), dtype=np.uint8)
    canvas[:] = background
    return canvas, False


#: The smallest canvas drawn for an image of unknown size (so that an empty one is still seen).
MIN_CANVAS = 64


def _extent(ann: Annotations) -> tuple[int, int]:
    """A canvas size holding every label of an image whose size is unknown (at least MIN_CANVAS)."""
    w = h = float(MIN_CANVAS)
    if len(ann):
        w = max(w, float(np.max(ann.bbox[:, 0] + ann.bbox[:, 2])))
        h = max(h, float(np.max(ann.bbox[:, 1] + ann.bbox[:, 3])))
    if len(ann.vertices):
        w, h = max(w, float(ann.vertices[:, 0].max())), max(h, float(ann.vertices[:, 1].max()))
    for rle in ann.rle[ann.kind == Kind.MASK]:
        h, w = max(h, rle["size"][0]), max(w, rle["size"][1])
    return math.ceil(w), math.ceil(h)


def render(labels: ImageLabels, style: Style = DEFAULT_STYLE) -> tuple[Any, bool]:
    """The overlay of one image as a Pillow RGB image, and whether the image file was found."""
    from PIL import Image, ImageDraw

    canvas, found = load_canvas(labels, style.background)
    h, w = canvas.shape[:2]
    t = style.line_width or auto_line_width(w, h)
    ann, colors = labels.annotations, labels.colors
    kinds = ann.kind
    matrices: dict[str, np.ndarray] = {}
    for i in np.flatnonzero(np.isin(kinds, AREA_KINDS)):
        crop = area_crop(ann, int(i), h, w, matrices)
        if crop is not None:
            paint_area(canvas, crop, colors[i], style.fill_alpha, t)
    for i in np.flatnonzero(kinds == Kind.BOX):
        paint_box_outline(canvas, box_pixels(ann.bbox[i]), colors[i], t)
    for i in np.flatnonzero(kinds == Kind.PROJECTED_CUBOID):
        _paint_cuboid_faces(canvas, ann.parts(int(i)), colors[i], t)
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    for i in np.flatnonzero(np.isin(kinds, (Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID))):
        _draw_strokes(draw, int(kinds[i]), ann.parts(int(i)), tuple(int(v) for v in colors[i]), t)
    if style.labels:
        _draw_texts(draw, labels, t, w, h)
    return image, found


def _paint_cuboid_faces(canvas: np.ndarray, faces: list[np.ndarray], color: Any, width: int) -> None:
    """Each face of a projected cuboid is a box: outlined by the box rule."""
    for face in faces:
        if len(face):
            paint_box_outline(canvas, box_pixels(_face_box(face)), color, width)


def _draw_strokes(draw: Any, kind: int, parts: list[np.ndarray], color: tuple[int, ...], t: int) -> None:
    """Polylines, points and the edges joining a cuboid's faces, through pixel centres."""
    if kind == Kind.POLYLINE:
        for part in parts:
            xy = [(float(x) - 0.5, float(y) - 0.5) for x, y in part]
            if len(xy) >= 2:
                draw.line(xy, fill=color, width=t, joint="curve")
            elif xy:
                draw.point(xy, fill=color)
    elif kind == Kind.POINT:
        r = 2 * t + 1
        for part in parts:
            for x, y in part:
                cx, cy = float(x) - 0.5, float(y) - 0.5
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color, outline=(0, 0, 0))
    elif len(parts) == 2 and len(parts[0]) and len(parts[1]):
        front, back = (box_pixels(_face_box(face)) for face in parts)
        for a, b in zip(_rect_corners(front), _rect_corners(back)):
            draw.line([a, b], fill=color, width=t)


def _face_box(face: np.ndarray) -> np.ndarray:
    """The COCO box ``(x, y, w, h)`` spanned by a face's corners."""
    lo, hi = face.min(axis=0), face.max(axis=0)
    return np.concatenate([lo, hi - lo])


def _rect_corners(rect: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    c0, r0, c1, r1 = rect
    return [(c0, r0), (c1, r0), (c1, r1), (c0, r1)]


def _draw_texts(draw: Any, labels: ImageLabels, t: int, w: int, h: int) -> None:
    """Each label's text on its colour, above the object when there is room, else inside it.

    Image-level tags are stacked at the top-left corner.
    """
    font = _font(max(8, min(10 + 2 * t, max(w, h) // 12)))
    ann = labels.annotations
    tag_y = 0
    for i, text in enumerate(labels.texts):
        if not text:
            continue
        color = tuple(int(v) for v in labels.colors[i])
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        tw, th = right - left + 4, bottom - top + 2
        if ann.kind[i] == Kind.TAG:
            x, y = 0, tag_y
            tag_y += th
        else:
            c0, r0, _, _ = box_pixels(ann.bbox[i])
            x = min(max(c0, 0), max(w - tw, 0))
            y = r0 - th if r0 - th >= 0 else max(r0, 0) + t
            y = min(y, max(h - th, 0))
        draw.rectangle((x, y, x + tw - 1, y + th - 1), fill=color)
        draw.text((x + 2 - left, y + 1 - top), text, fill=text_color(color), font=font)


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def label_text(name: str, attributes: dict[str, Any] | None, limit: int = 60) -> str:
    """``name`` followed by the attribute values (``name k=v, k=v``), cut to ``limit`` characters."""
    text = name
    if attributes:
        text += " " + ", ".join(f"{k}={_value_text(v)}" for k, v in attributes.items())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _value_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
