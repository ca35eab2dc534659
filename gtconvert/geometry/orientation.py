"""EXIF orientation: exact transforms between an image's stored and displayed pixel frames.

A JPEG stores its pixels in one frame and an EXIF Orientation tag (1 to 8) says how a viewer
turns them for display. Tag ``n`` maps a stored point ``(x, y)`` of an image ``W`` wide and
``H`` high to the displayed point below (COCO's continuous frame, so pixel centres map to pixel
centres and every map is exact). Tags 5 to 8 transpose: the displayed image is ``H`` wide.

===  ===========================  ==================  ===========================
tag  viewer does                  displayed (x, y)    Pillow ``exif_transpose``
===  ===========================  ==================  ===========================
1    nothing                      ``(x, y)``          (none)
2    mirror left-right            ``(W - x, y)``      ``FLIP_LEFT_RIGHT``
3    rotate 180                   ``(W - x, H - y)``  ``ROTATE_180``
4    mirror top-bottom            ``(x, H - y)``      ``FLIP_TOP_BOTTOM``
5    transpose                    ``(y, x)``          ``TRANSPOSE``
6    rotate 90 clockwise          ``(H - y, x)``      ``ROTATE_270``
7    transverse                   ``(H - y, W - x)``  ``TRANSVERSE``
8    rotate 90 counter-clockwise  ``(y, W - x)``      ``ROTATE_90``
===  ===========================  ==================  ===========================

Every function takes the size of the frame its input is in and works on whole columns; the
orientation, width and height may be one value or one per row. ``to_stored`` is the inverse
map (6 and 8 swap, the others are their own inverse).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .rle import mask_to_rle, rle_decode

#: Per tag: x' = a x + b y + c_W W + c_H H and y' = d x + e y + f_W W + f_H H.
_AFFINE = np.array(
    [
        [1, 0, 0, 0, 0, 1, 0, 0],  # 0: unknown, the identity
        [1, 0, 0, 0, 0, 1, 0, 0],  # 1
        [-1, 0, 1, 0, 0, 1, 0, 0],  # 2
        [-1, 0, 1, 0, 0, -1, 0, 1],  # 3
        [1, 0, 0, 0, 0, -1, 0, 1],  # 4
        [0, 1, 0, 0, 1, 0, 0, 0],  # 5
        [0, -1, 0, 1, 1, 0, 0, 0],  # 6
        [0, -1, 0, 1, -1, 0, 1, 0],  # 7
        [0, 1, 0, 0, -1, 0, 1, 0],  # 8
    ],
    dtype=np.float64,
)

#: The tag whose map undoes each tag's map.
INVERSE = np.array([1, 1, 2, 3, 4, 5, 8, 7, 6])

#: Rotated-box angle (degrees, clockwise) after each tag's map: angle' = sign * angle + offset.
_ANGLE = np.array(
    [[1, 0], [1, 0], [-1, 180], [1, 180], [-1, 0], [-1, 90], [1, 90], [-1, -90], [1, -90]],
    dtype=np.float64,
)
#: The maps back to the stored frame, by the image's own tag: angle = sign * angle' - sign * offset
#: undoes each row of ``_ANGLE`` exactly (tag 3 subtracts 180 again rather than adding it).
_ANGLE_BACK = np.column_stack([_ANGLE[:, 0], -_ANGLE[:, 0] * _ANGLE[:, 1]])


def _tags(orientation: Any) -> np.ndarray:
    tags = np.asarray(orientation, dtype=np.int64)
    if np.any((tags < 0) | (tags > 8)):
        raise ValueError("an EXIF orientation is 1 to 8 (0 for unknown)")
    return tags


def transposes(orientation: Any) -> np.ndarray:
    """True where the tag swaps width and height (5 to 8)."""
    return _tags(orientation) >= 5


def displayed_size(orientation: Any, width: Any, height: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(width, height)`` of the other frame: swapped where the tag transposes."""
    swap = transposes(orientation)
    w, h = np.asarray(width), np.asarray(height)
    return np.where(swap, h, w), np.where(swap, w, h)


def _map_points(points: np.ndarray, tags: np.ndarray, width: Any, height: Any) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    m = _AFFINE[np.broadcast_to(tags, (len(p),))]
    w = np.broadcast_to(np.asarray(width, dtype=np.float64), (len(p),))
    h = np.broadcast_to(np.asarray(height, dtype=np.float64), (len(p),))
    x = m[:, 0] * p[:, 0] + m[:, 1] * p[:, 1] + m[:, 2] * w + m[:, 3] * h
    y = m[:, 4] * p[:, 0] + m[:, 5] * p[:, 1] + m[:, 6] * w + m[:, 7] * h
    return np.column_stack([x, y])


def points_to_displayed(points: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """(N, 2) stored-frame points (polygon vertices, lines, keypoint xy) -> displayed frame."""
    return _map_points(points, _tags(orientation), width, height)


def points_to_stored(points: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """(N, 2) displayed-frame points -> stored frame; ``width, height`` are the displayed size."""
    return _map_points(points, INVERSE[_tags(orientation)], width, height)


def _map_boxes(boxes: np.ndarray, tags: np.ndarray, width: Any, height: Any) -> np.ndarray:
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    tags = np.broadcast_to(tags, (len(b),))
    lo = _map_points(b[:, :2], tags, width, height)
    hi = _map_points(b[:, :2] + b[:, 2:], tags, width, height)
    x0, y0 = np.minimum(lo, hi).T
    # Widths come from the input, not x1 - x0, so that a round trip gives back the same floats.
    swap = tags >= 5
    w = np.where(swap, b[:, 3], b[:, 2])
    h = np.where(swap, b[:, 2], b[:, 3])
    return np.column_stack([x0, y0, w, h])


def boxes_to_displayed(boxes: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """COCO ``(x, y, w, h)`` boxes in the stored frame -> displayed frame."""
    return _map_boxes(boxes, _tags(orientation), width, height)


def boxes_to_stored(boxes: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """COCO boxes in the displayed frame (``width, height`` displayed) -> stored frame."""
    return _map_boxes(boxes, INVERSE[_tags(orientation)], width, height)


def _map_rotated(
    rbox: np.ndarray, tags: np.ndarray, width: Any, height: Any, angle: np.ndarray
) -> np.ndarray:
    """Centres by the map of ``tags``; angles by the row of ``angle`` at the image's own tag."""
    r = np.array(rbox, dtype=np.float64).reshape(-1, 5)
    tags = np.broadcast_to(tags, (len(r),))
    r[:, :2] = _map_points(r[:, :2], tags, width, height)
    sign, offset = angle.T
    r[:, 4] = sign * r[:, 4] + offset
    return r


def rotated_to_displayed(rbox: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """Rotated boxes ``(cx, cy, w, h, angle)`` in the stored frame -> displayed frame.

    The box keeps its own ``w`` and ``h`` (along its own axes); the angle turns or mirrors.
    """
    tags = _tags(orientation)
    return _map_rotated(rbox, tags, width, height, _ANGLE[_per_row(tags, rbox)])


def rotated_to_stored(rbox: np.ndarray, orientation: Any, width: Any, height: Any) -> np.ndarray:
    """Rotated boxes in the displayed frame (``width, height`` displayed) -> stored frame."""
    tags = _tags(orientation)
    return _map_rotated(rbox, INVERSE[tags], width, height, _ANGLE_BACK[_per_row(tags, rbox)])


def _per_row(tags: np.ndarray, rbox: np.ndarray) -> np.ndarray:
    return np.broadcast_to(tags, (len(np.reshape(rbox, (-1, 5))),))


def mask_to_displayed(mask: np.ndarray, orientation: int) -> np.ndarray:
    """An (H, W) stored-frame mask -> the displayed frame (as Pillow's ``exif_transpose``)."""
    tag = int(_tags(orientation))
    m = np.asarray(mask)
    views = {
        0: m,
        1: m,
        2: m[:, ::-1],
        3: m[::-1, ::-1],
        4: m[::-1, :],
        5: m.T,
        6: m.T[:, ::-1],
        7: m.T[::-1, ::-1],
        8: m.T[::-1, :],
    }
    return views[tag]


def mask_to_stored(mask: np.ndarray, orientation: int) -> np.ndarray:
    """An (H, W) displayed-frame mask -> the stored frame."""
    return mask_to_displayed(mask, int(INVERSE[int(_tags(orientation))]))


def rle_to_displayed(rle: dict[str, Any], orientation: int) -> dict[str, Any]:
    """A COCO RLE in the stored frame -> displayed frame (compressed, JSON-ready)."""
    return mask_to_rle(mask_to_displayed(rle_decode(rle), orientation))


def rle_to_stored(rle: dict[str, Any], orientation: int) -> dict[str, Any]:
    """A COCO RLE in the displayed frame -> stored frame (compressed, JSON-ready)."""
    return mask_to_rle(mask_to_stored(rle_decode(rle), orientation))
