"""A reference of MATLAB's ``poly2mask``, written from MathWorks' description of its algorithm.

Octave's ``poly2mask`` is no oracle (it rounds vertices to whole pixels, shifts a rectangle with
half-integer corners by a pixel, and errors on polygons whose vertices round onto one row), and
MATLAB is not at hand, so the tests compare gtconvert's rasterisation with this one. It follows
the steps of the poly2mask reference page (section Algorithms) and of Steve Eddins' posts on the
algorithm ("POLY2MASK and ROIPOLY", parts 1-3), not any MathWorks code:

1. each pixel is divided into a 5-by-5 grid of subpixels;
2. each vertex moves to the nearest corner of that grid;
3. the path from each moved vertex to the next runs along subpixel edges, as close to the
   segment as the grid allows (a staircase);
4. a pixel is inside exactly when its centre subpixel is inside the closed path: each image
   column is scanned down through the centres of its pixels with the even-odd rule.

Read literally, step 3 draws each segment as the grid corners nearest to it, one per grid line
crossed along its longer axis (a digital line), joined by subpixel edges. The description leaves
three things open, which matter only for points exactly midway or for the corner a step turns
at: a coordinate midway between two grid lines goes to the larger one; a segment is walked from
its end with the smaller coordinate along its longer axis; and where consecutive corners of the
path differ in both coordinates, the path's horizontal piece lies on the upper (smaller y) row.
"""

from __future__ import annotations

import numpy as np

SUB = 5  #: subpixels per pixel along each axis


def poly2mask(vertices: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``poly2mask(x, y, rows, cols)`` of MATLAB for ``vertices = [x y]`` (MATLAB's spatial
    frame: the centre of pixel (1, 1) at (1, 1)); a (rows, cols) boolean mask."""
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    if len(v) < 2 or rows <= 0 or cols <= 0:
        return np.zeros((max(rows, 0), max(cols, 0)), dtype=bool)
    # subpixel grid units: pixel c (1-based) spans u = 5(c-1) .. 5c, its centre subpixel
    # u = 5(c-1)+2 .. 5(c-1)+3; the same for rows in v
    corner = np.floor(SUB * (v - 0.5) + 0.5).astype(np.int64)  # step 2: the nearest grid corner
    toggles = np.zeros((rows + 1, cols), dtype=np.int64)
    for start, end in zip(corner, np.roll(corner, -1, axis=0)):  # the closing edge included
        path = _digital_line(start, end)
        # horizontal pieces: consecutive path corners in columns a and a + 1, on the upper row
        moves = np.flatnonzero(path[1:, 0] != path[:-1, 0])
        a = np.minimum(path[moves, 0], path[moves + 1, 0])
        b = np.minimum(path[moves, 1], path[moves + 1, 1])
        # step 4: only pieces in a column of centre subpixels (a = 5 col + 2) cross a scan
        # line; one at row b lies above the centre (v = 5 j + 2.5) of the pixel rows j with
        # 5 j + 2 >= b, so it flips the parity of every row from ceil((b - 2) / 5) down
        centre = (a % SUB == 2) & (a >= 2) & (a < SUB * cols)
        col = (a[centre] - 2) // SUB
        first = np.clip(-((2 - b[centre]) // SUB), 0, rows)  # ceil((b - 2) / 5), in integers
        np.add.at(toggles, (first, col), 1)
    return (np.cumsum(toggles, axis=0)[:rows] % 2) == 1


def _digital_line(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The grid corners (u, v) nearest to the segment, one per grid line along its longer
    axis, walked from the end with the smaller coordinate on that axis (step 3)."""
    major = 0 if abs(end[0] - start[0]) >= abs(end[1] - start[1]) else 1
    minor = 1 - major
    if start[major] > end[major]:
        start, end = end, start
    steps = int(end[major] - start[major])
    out = np.empty((steps + 1, 2), dtype=np.int64)
    t = np.arange(steps + 1)
    out[:, major] = start[major] + t
    slope = (end[minor] - start[minor]) / steps if steps else 0.0
    out[:, minor] = np.floor(start[minor] + slope * t + 0.5).astype(np.int64)
    return out
