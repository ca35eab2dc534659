"""Runs of equal labels in a label matrix: the fast paths of :mod:`gtconvert.pixels`.

A label image of objects has few runs (0.005 per pixel in the benchmark's masks), so its
labels, pixel counts, boxes and COCO's column-major runs are found from the runs instead of a
histogram of every pixel, a mask per label or a transposed copy. Each function declines
(``None``) above ``max_runs`` runs, where the whole-matrix ways cost less. Oracles: the
whole-matrix ways, in ``tests/test_pixels_fast.py``.
"""

from __future__ import annotations

import numpy as np

#: The run-based fast paths are taken while a label matrix has at most this many runs per
#: pixel: label images of objects have few (0.005 in ``masks5k``); noise would make their
#: index arrays several times the image, where the whole-matrix ways below cost less.
MAX_RUNS_PER_PIXEL = 1 / 8


def column_runs(keys: np.ndarray, max_runs: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Column-major run starts (each column starts one) and their keys, of a 2-D matrix.

    Found from the row-major matrix without transposing it: a run starts at the top of every
    column and below every pixel that differs from the one under it. ``None`` when there would
    be more than ``max_runs`` runs. Oracle: the transposed way in :func:`_column_major_runs`.
    """
    h, w = keys.shape
    down = keys[1:] != keys[:-1]
    if max_runs is not None and np.count_nonzero(down) + w > max_runs:
        return None
    ys, xs = np.divmod(np.flatnonzero(down), w)  # np.nonzero of a 2-D array is 8x slower
    starts = np.concatenate([xs * h + ys + 1, np.arange(w, dtype=np.intp) * h])
    starts.sort()
    x, y = np.divmod(starts, h)
    return starts, keys[y, x]


def row_runs(matrix: np.ndarray, max_runs: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Row-major run starts (each row starts one) and their labels, of a 2-D label matrix.

    ``None`` when there would be more than ``max_runs`` runs.
    """
    w = matrix.shape[1]
    flat = matrix.ravel()
    new = np.empty(flat.size, dtype=bool)
    new[0] = True
    np.not_equal(flat[1:], flat[:-1], out=new[1:])
    new[::w] = True
    if max_runs is not None and np.count_nonzero(new) > max_runs:
        return None
    starts = np.flatnonzero(new)
    return starts, flat[starts]


def label_summary(
    matrix: np.ndarray, max_runs: int | None = None
) -> tuple[list[tuple[int]], list[int], list[list[float]]] | None:
    """The non-zero labels of a 2-D integer matrix (ascending), their pixel counts and COCO boxes.

    From the runs along the rows (:func:`row_runs`): no mask per label, no histogram of every
    pixel. ``None`` for other matrices, or above ``max_runs`` runs. Oracle: ``bincount`` or
    ``np.unique`` and a box of ``mask_of`` per label (the masks reader before).
    """
    if matrix.ndim != 2 or matrix.dtype.kind not in "uib" or not matrix.size:
        return None
    runs = row_runs(matrix, max_runs)
    if runs is None:
        return None
    starts, label = runs
    w = matrix.shape[1]
    length = np.diff(starts, append=matrix.size)
    keep = np.flatnonzero(label != 0)
    keep = keep[np.argsort(label[keep], kind="stable")]  # rows stay ascending within a label
    label, starts, length = label[keep], starts[keep], length[keep]
    if not len(label):
        return [], [], []
    first = np.flatnonzero(np.concatenate([[True], label[1:] != label[:-1]]))
    row, col = np.divmod(starts, w)
    x0 = np.minimum.reduceat(col, first)
    x1 = np.maximum.reduceat(col + length, first)
    y0, y1 = row[first], np.maximum.reduceat(row, first) + 1
    boxes = np.stack([x0, y0, x1 - x0, y1 - y0], axis=1).astype(np.float64)
    counts = np.add.reduceat(length, first)
    return [(int(v),) for v in label[first].tolist()], counts.tolist(), boxes.tolist()
