"""Label-matrix images: reading them, and turning lazy pixel references into RLE masks.

A :class:`~gtconvert.model.PixelRef` names a PNG and a pixel value (or several: the values
of one label). Many references share one PNG (one per label per image), so they are grouped
by file and each file is decoded once, in a process pool when there are enough files to pay
for it. Memory stays bounded by the images in flight, never the whole dataset.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from .errors import GtconvertError
from .label_runs import MAX_RUNS_PER_PIXEL, column_runs, row_runs
from .model import PixelRef

#: Below this many jobs a process pool costs more than it saves.
POOL_MIN_FILES = 8
#: Tasks handed to each worker ahead of time: enough to keep it busy, few to bound memory.
TASKS_IN_FLIGHT = 4


def map_files(
    fn: Callable[..., Any],
    jobs: Iterable[tuple],
    count: int | None = None,
    *,
    workers: int | None = None,
    per_task: int = 8,
    min_jobs: int = POOL_MIN_FILES,
    desc: str | None = None,
) -> list[Any]:
    """``[fn(*job) for job in jobs]``, in a process pool when there are ``min_jobs`` or more.

    ``jobs`` may be a generator (``count`` says how many it yields): the pool takes ``per_task``
    jobs to a task and holds at most :data:`TASKS_IN_FLIGHT` tasks per worker, so jobs are made,
    and images held, only a few tasks ahead of the workers. Results come in the order of
    ``jobs``. ``fn`` is sent to the workers by name: a function defined at module level.
    A progress bar (:mod:`gtconvert.progress`) counts the jobs done, named ``desc`` or after
    ``fn``'s module (``masks writer``). In a daemonic process (a Dask worker), which may not
    start children, the jobs run in this process.
    """
    from .progress import progress

    n = len(jobs) if count is None else count  # type: ignore[arg-type]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or n < min_jobs or _daemonic():
        results: Iterable[Any] = (fn(*job) for job in jobs)
    else:
        results = _pooled(fn, jobs, workers, per_task)
    return list(progress(results, n, desc or _describe(fn)))


def _daemonic() -> bool:
    """Whether this process is daemonic (distributed's worker processes are): it cannot start a pool."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


def _describe(fn: Callable[..., Any]) -> str:
    """``gtconvert.formats.masks.writer`` -> ``masks writer``: what a bar of ``fn``'s jobs is."""
    parts = [p for p in fn.__module__.split(".") if p not in ("gtconvert", "formats")]
    return " ".join(parts) or fn.__name__


def _pooled(fn: Callable[..., Any], jobs: Iterable[tuple], workers: int, per_task: int) -> Iterator[Any]:
    """The results of ``fn`` over ``jobs`` from a process pool, in order, as they come."""
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor  # here: multiprocessing is slow to import
    from itertools import islice

    pending: deque[Any] = deque()
    queue = iter(jobs)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(pending) < workers * TASKS_IN_FLIGHT:
                batch = list(islice(queue, per_task))
                if not batch:
                    break
                pending.append(pool.submit(_run_batch, fn, batch))
            if not pending:
                return
            yield from pending.popleft().result()


def _run_batch(fn: Callable[..., Any], batch: list[tuple]) -> list[Any]:
    return [fn(*job) for job in batch]


def read_label_matrix(path: str) -> np.ndarray:
    """A label PNG as (H, W) integers, or (H, W, 3) for RGB label images."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.mode == "P":
                return np.asarray(im)  # palette indices are the labels
            if im.mode in ("RGB", "RGBA"):
                return np.asarray(im.convert("RGB"))
            return np.asarray(im)
    except FileNotFoundError:
        raise GtconvertError(
            "label image not found", file=path, fix="pass --images DIR where the label PNGs are"
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # damaged PNGs
        raise GtconvertError(f"cannot read label image ({exc})", file=path) from None


def mask_of(matrix: np.ndarray, value: tuple[int, ...]) -> np.ndarray:
    """Pixels of a label matrix equal to ``value`` (scalar id, or RGB triplet)."""
    if matrix.ndim == 3:
        return np.all(matrix[..., : len(value)] == np.asarray(value), axis=-1)
    return matrix == value[0]


def mask_of_values(matrix: np.ndarray, values: Sequence[tuple[int, ...]]) -> np.ndarray:
    """Pixels of a label matrix equal to any of ``values`` (a :attr:`PixelRef.values`)."""
    mask = mask_of(matrix, values[0])
    for v in values[1:]:
        mask |= mask_of(matrix, v)
    return mask


def _encode_file(path: str, groups: list[tuple[tuple[int, ...], ...]]) -> list[dict[str, Any]]:
    return label_matrix_group_rles(read_label_matrix(path), groups)


def label_matrix_rles(matrix: np.ndarray, values: Sequence[tuple[int, ...]]) -> list[dict[str, Any]]:
    """The RLE of ``mask_of(matrix, v)`` for each ``v``, from one pass over the matrix.

    COCO RLE runs go down the columns. The matrix is read once in that order and cut into runs
    of equal labels; each value's counts are then the gaps between its own runs, so no HxW
    mask is built per value. Identical to :func:`gtconvert.geometry.mask_to_rle` of each mask.
    """
    return label_matrix_group_rles(matrix, [(v,) for v in values])


def label_matrix_group_rles(
    matrix: np.ndarray, groups: Sequence[Sequence[tuple[int, ...]]]
) -> list[dict[str, Any]]:
    """The RLE of ``mask_of_values(matrix, g)`` for each group ``g`` of values, in one pass.

    As :func:`label_matrix_rles`; a group's runs are the runs of any of its values, and runs
    of two of its values that touch are joined into one.
    """
    keys = _label_keys(matrix, [v for g in groups for v in g])
    if keys is None:  # mixed scalar/RGB values: one mask per group
        from .geometry import mask_to_rle

        return [mask_to_rle(mask_of_values(matrix, g)) for g in groups]
    key_matrix, wanted = keys
    h, w = matrix.shape[:2]
    n = key_matrix.size
    starts, run_key = _column_major_runs(key_matrix)
    ends = np.append(starts[1:], n)
    out, first = [], 0
    for g in groups:
        keys_of_g = wanted[first : first + len(g)]
        mine = run_key == keys_of_g[0] if len(g) == 1 else np.isin(run_key, keys_of_g)
        first += len(g)
        out.append(_counts_to_rle(_value_counts(starts, ends, mine, n), h, w))
    return out


def _label_keys(matrix: np.ndarray, values: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, list[int]] | None:
    """The matrix as one integer per pixel (H, W), and each value's integer."""
    if matrix.ndim == 2 and all(len(v) == 1 for v in values):
        return matrix, [int(v[0]) for v in values]
    if matrix.ndim == 3 and matrix.shape[2] >= 3 and all(len(v) == 3 for v in values):
        rgb = matrix[..., :3].astype(np.int32)
        packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
        return packed, [(int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in values]
    return None


def _column_major_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where runs of equal keys start in COCO's column-major pixel order, and each run's key.

    Runs may be cut where a column starts (:func:`_value_counts` joins them again).
    """
    runs = column_runs(keys, max_runs=int(keys.size * MAX_RUNS_PER_PIXEL)) if keys.size else None
    if runs is not None:
        return runs
    flat = keys.T.ravel()  # the whole matrix transposed: a copy, cache-unfriendly
    starts = np.concatenate([[0], np.flatnonzero(flat[1:] != flat[:-1]) + 1])
    return starts, flat[starts]


def _value_counts(starts: np.ndarray, ends: np.ndarray, mine: np.ndarray, n: int) -> np.ndarray:
    """COCO run lengths (zeros first, alternating) of the runs flagged ``mine``.

    Consecutive flagged runs (two values of one group side by side) count as one run.
    """
    before = np.concatenate([[False], mine[:-1]])
    after = np.concatenate([mine[1:], [False]])
    s, e = starts[mine & ~before], ends[mine & ~after]
    bounds = np.empty(2 * len(s) + 2, dtype=np.int64)
    bounds[0], bounds[-1] = 0, n
    bounds[1:-1:2], bounds[2:-1:2] = s, e
    counts = np.diff(bounds)
    if len(s) and e[-1] == n:
        counts = counts[:-1]  # the mask ends inside a run of ones: no trailing zeros run
    return counts


def _counts_to_rle(counts: np.ndarray, h: int, w: int) -> dict[str, Any]:
    from pycocotools import mask as mask_utils

    from .geometry import json_ready_rle

    return json_ready_rle(mask_utils.frPyObjects({"size": [h, w], "counts": counts.tolist()}, h, w))


def encode_pixel_refs(refs: Sequence[PixelRef], workers: int | None = None) -> list[dict[str, Any]]:
    """RLE masks for ``refs``, in order; each PNG decoded once, files spread over processes."""
    by_file: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        by_file.setdefault(ref.path, []).append(i)
    out: list[dict[str, Any]] = [{}] * len(refs)
    files = list(by_file)
    jobs = [(f, [refs[i].values for i in by_file[f]]) for f in files]
    results = map_files(_encode_file, jobs, workers=workers, per_task=4)
    for f, rles in zip(files, results):
        for i, rle in zip(by_file[f], rles):
            out[i] = rle
    return out


def _present_in_file(path: str, values: list[tuple[int, ...]]) -> list[bool]:
    matrix = read_label_matrix(path)
    if matrix.ndim == 2 and matrix.dtype.kind == "u" and all(len(v) == 1 for v in values):
        runs = row_runs(matrix, int(matrix.size * MAX_RUNS_PER_PIXEL)) if matrix.size else None
        if runs is not None:  # the labels of the runs: no histogram of every pixel
            found = set(np.unique(runs[1]).tolist())
            return [v[0] in found for v in values]
        counts = np.bincount(matrix.ravel(), minlength=max((v[0] for v in values), default=0) + 1)
        return [0 <= v[0] < len(counts) and bool(counts[v[0]]) for v in values]
    return [bool(mask_of(matrix, v).any()) for v in values]


def values_present(
    paths: Sequence[str], values: Sequence[tuple[int, ...]], workers: int | None = None
) -> np.ndarray:
    """(files, values) booleans: which label values occur in each label PNG.

    For readers that create one lazy :class:`PixelRef` per label present: the PNGs are decoded
    in a process pool (one decode each), not one after another in the reading process.
    """
    values = list(values)
    out = np.zeros((len(paths), len(values)), dtype=bool)
    rows = map_files(_present_in_file, [(p, values) for p in paths], workers=workers)
    if rows:
        out[:] = rows
    return out
