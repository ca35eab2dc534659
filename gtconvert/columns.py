"""Ragged columns: per-row lists packed into offsets and one flat array, rows taken, tables joined.

A ragged column is ``starts`` (``len(rows) + 1`` offsets) and a flat array: row ``i`` holds
``flat[starts[i]:starts[i+1]]``. :class:`gtconvert.model.Annotations` keeps its parts, vertices
and keypoints this way; everything here works on whole columns, without a loop over rows where
numpy can do it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def ragged_take(starts: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Select rows of a ragged array: returns the new ``starts`` and the flat indices to keep."""
    rows = np.asarray(rows, dtype=np.int64)
    lengths = starts[rows + 1] - starts[rows]
    new_starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_starts[1:])
    total = int(new_starts[-1])
    if total == 0:
        return new_starts, np.zeros(0, dtype=np.int64)
    # flat index = start of its row + position inside the row, all without a Python loop
    row_of_item = np.repeat(np.arange(len(rows)), lengths)
    flat = starts[rows][row_of_item] + (np.arange(total) - new_starts[:-1][row_of_item])
    return new_starts, flat


def concat_starts(starts: Sequence[np.ndarray]) -> np.ndarray:
    """Join the offset arrays of several ragged tables into one (each shifted by what precedes it)."""
    offsets = np.cumsum([0] + [int(s[-1]) for s in starts[:-1]])
    return np.concatenate([starts[0][:1]] + [s[1:] + off for s, off in zip(starts, offsets)])


def pack_keypoints(per_row: Iterable[Any]) -> dict[str, np.ndarray]:
    """``keypoint_start`` and ``keypoints`` from one (K, 3) array (or None) per row."""
    arrays = [np.zeros((0, 3)) if k is None else np.asarray(k, np.float64).reshape(-1, 3) for k in per_row]
    starts = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=starts[1:])
    flat = np.concatenate(arrays) if arrays else np.zeros((0, 3))
    return {"keypoint_start": starts, "keypoints": flat}


def pack_parts(
    parts_per_row: Iterable[Sequence[np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn ``[[part, part], [part], []]`` into ``(part_start, vertex_start, vertices)``."""
    n_parts: list[int] = []
    flat: list[np.ndarray] = []
    for row_parts in parts_per_row:
        n_parts.append(len(row_parts))
        flat.extend(np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in row_parts)
    part_start = np.zeros(len(n_parts) + 1, dtype=np.int64)
    np.cumsum(n_parts, out=part_start[1:])
    vertex_start = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in flat], out=vertex_start[1:])
    vertices = np.concatenate(flat) if flat else np.zeros((0, 2), dtype=np.float64)
    return part_start, vertex_start, vertices
