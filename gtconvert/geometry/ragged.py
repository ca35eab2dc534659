"""Ragged vertex arrays: runs of rows gathered at once, and the box around each run.

An annotation's parts are ``part_start[i]:part_start[i+1]`` and a part's vertices are
``vertices[vertex_start[p]:vertex_start[p+1]]`` (see :mod:`gtconvert.model`).
"""

from __future__ import annotations

import numpy as np


def ragged_index(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the runs ``starts[k] .. starts[k] + lengths[k] - 1``, concatenated."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out_start = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - out_start, lengths) + np.arange(int(lengths.sum()))


def ragged_bbox(part_start: np.ndarray, vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Bounding box ``(x, y, w, h)`` of each annotation's vertices; zeros where it has none."""
    n = len(part_start) - 1
    out = np.zeros((n, 4), dtype=np.float64)
    first = vertex_start[part_start[:-1]]
    last = vertex_start[part_start[1:]]
    has = last > first
    if not has.any():
        return out
    starts = first[has]
    lo = np.minimum.reduceat(vertices, starts, axis=0)
    hi = np.maximum.reduceat(vertices, starts, axis=0)
    # each reduceat run ends where the next annotation with vertices starts: exact, because
    # an annotation's vertices are contiguous and annotations without any add none
    out[has, 0:2] = lo
    out[has, 2:4] = hi - lo
    return out
