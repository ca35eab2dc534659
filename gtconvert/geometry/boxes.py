"""Axis-aligned boxes in the COCO frame: clipping to the image, corners, and rotated boxes.

A box is ``(x, y, w, h)``; a rotated box is ``(cx, cy, w, h, angle)`` with ``angle`` in degrees,
clockwise on screen (y down), as MATLAB's RotatedRectangle yaw.
"""

from __future__ import annotations

import numpy as np


def clip_boxes(boxes: np.ndarray, width: np.ndarray, height: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip COCO boxes to the image on their corners, then re-derive ``w, h``.

    Clipping ``x, y, w, h`` directly would move the far edge; clipping corners keeps it.
    Returns the clipped boxes and a boolean column of the rows that changed.
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    W = np.asarray(width, dtype=np.float64)
    H = np.asarray(height, dtype=np.float64)
    far_x, far_y = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    x1 = np.clip(b[:, 0], 0, W)
    y1 = np.clip(b[:, 1], 0, H)
    x2 = np.clip(far_x, 0, W)
    y2 = np.clip(far_y, 0, H)
    # changed = a corner moved; comparing re-derived w, h instead would flag most decimal boxes
    # (483.45 + 132.58 - 483.45 != 132.58 in floating point), and such rows keep their exact w, h
    changed = (x1 != b[:, 0]) | (y1 != b[:, 1]) | (x2 != far_x) | (y2 != far_y)
    out = np.where(changed[:, None], np.stack([x1, y1, x2 - x1, y2 - y1], axis=1), b)
    return out, changed


def box_corners(boxes: np.ndarray) -> np.ndarray:
    """COCO boxes -> (N, 4, 2) corners, clockwise from the top-left (y down)."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    return np.stack(
        [np.stack([x1, y1], 1), np.stack([x2, y1], 1), np.stack([x2, y2], 1), np.stack([x1, y2], 1)],
        axis=1,
    )


def rotated_box_corners(rbox: np.ndarray) -> np.ndarray:
    """``(cx, cy, w, h, angle)`` -> (N, 4, 2) corners.

    ``angle`` is in degrees, clockwise on screen (y down), as MATLAB's RotatedRectangle yaw.
    The first corner is the rotated top-left, then clockwise.
    """
    r = np.asarray(rbox, dtype=np.float64).reshape(-1, 5)
    theta = np.deg2rad(r[:, 4])
    c, s = np.cos(theta), np.sin(theta)
    dx = np.array([-0.5, 0.5, 0.5, -0.5])[None, :] * r[:, 2:3]
    dy = np.array([-0.5, -0.5, 0.5, 0.5])[None, :] * r[:, 3:4]
    x = r[:, 0:1] + dx * c[:, None] - dy * s[:, None]
    y = r[:, 1:2] + dx * s[:, None] + dy * c[:, None]
    return np.stack([x, y], axis=2)


def corners_to_rotated_box(corners: np.ndarray) -> np.ndarray:
    """(N, 4, 2) corners in the order of :func:`rotated_box_corners` -> ``(cx, cy, w, h, angle)``."""
    p = np.asarray(corners, dtype=np.float64).reshape(-1, 4, 2)
    centre = p.mean(axis=1)
    edge_w = p[:, 1] - p[:, 0]
    edge_h = p[:, 2] - p[:, 1]
    w = np.hypot(edge_w[:, 0], edge_w[:, 1])
    h = np.hypot(edge_h[:, 0], edge_h[:, 1])
    angle = np.rad2deg(np.arctan2(edge_w[:, 1], edge_w[:, 0]))
    return np.column_stack([centre, w, h, angle])


def rotated_box_bbox(rbox: np.ndarray) -> np.ndarray:
    """Axis-aligned COCO box ``(x, y, w, h)`` around each rotated box's corners."""
    corners = rotated_box_corners(rbox)
    lo, hi = corners.min(axis=1), corners.max(axis=1)
    return np.concatenate([lo, hi - lo], axis=1)
