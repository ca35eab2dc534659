"""Example masks shared by the RLE and contour tests (30 x 40 pixels)."""

from __future__ import annotations

import numpy as np

H, W = 30, 40


def square() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[5:15, 8:20] = 1
    return m


def ring() -> np.ndarray:
    yy, xx = np.mgrid[:H, :W]
    r = np.hypot(yy - 15, xx - 20)
    return ((r < 12) & (r > 5)).astype(np.uint8)


def two_blobs() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[2:8, 2:8] = 1
    m[20:28, 25:39] = 1
    return m


def thin_line() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[10, 3:35] = 1
    return m


def border() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[0:6, :] = 1  # touches top, left and right borders
    m[:, W - 1] = 1
    m[H - 1, 0] = 1  # a single corner pixel
    return m


def lake_with_island() -> np.ndarray:
    m = np.ones((H, W), np.uint8)
    m[8:22, 10:30] = 0
    m[13:17, 18:22] = 1
    return m


SHAPES = {
    "square": square,
    "ring": ring,
    "two_blobs": two_blobs,
    "thin_line": thin_line,
    "border": border,
    "lake_with_island": lake_with_island,
}
