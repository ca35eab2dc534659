"""The run-based fast paths (``gtconvert/label_runs.py``, used by ``pixels``) against the whole-matrix ways they replace (oracles).

``label_summary`` (the masks reader's values, pixel counts and boxes from row runs) against a
histogram and one mask per value; ``column_runs`` (COCO RLE runs without a transposed copy)
against the transposed matrix; ``values_present`` with and without runs. The fast paths are
forced on (no run limit) so that small random matrices exercise them, and forced off by
``MAX_RUNS_PER_PIXEL = 0`` for the oracle side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry, label_runs, pixels
from gtconvert.formats.masks.layout import mask_bbox
from gtconvert.formats.masks.reader import _present_values

DTYPES = [np.uint8, np.uint16, np.uint32, np.int16, np.int64, np.bool_]


@st.composite
def _matrices(draw: st.DrawFn, dtype: type | None = None) -> np.ndarray:
    """Small label matrices: noise, or blocks (runs along rows and columns) as label images have."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    dtype = dtype or draw(st.sampled_from(DTYPES))
    low = -3 if np.issubdtype(dtype, np.signedinteger) else 0
    highs = [1] if dtype is np.bool_ else [h for h in (3, 300, 70_000) if h <= np.iinfo(dtype).max]
    cell = st.integers(low, draw(st.sampled_from(highs)))
    if draw(st.booleans()):
        flat = draw(st.lists(cell, min_size=h * w, max_size=h * w))
        return np.array(flat).reshape(h, w).astype(dtype)
    matrix = np.zeros((h, w), dtype=np.int64)
    for _ in range(draw(st.integers(0, 4))):
        y, x = draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))
        matrix[y : y + draw(st.integers(1, h)), x : x + draw(st.integers(1, w))] = draw(cell)
    return matrix.astype(dtype)


def _summary_oracle(matrix: np.ndarray) -> tuple[list, list, list]:
    """The masks reader before the fast path: bincount/unique, then a mask per value for its box."""
    present, counts = _present_values(matrix)
    return present, counts, [mask_bbox(pixels.mask_of(matrix, v)) for v in present]


@settings(max_examples=300, deadline=None)
@given(_matrices())
def test_label_summary_equals_a_histogram_and_a_mask_per_value(matrix: np.ndarray) -> None:
    assert label_runs.label_summary(matrix) == _summary_oracle(matrix)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (4, 4)])
def test_label_summary_of_one_row_or_column_and_of_zeros(shape: tuple[int, int]) -> None:
    ramp = (np.arange(np.prod(shape)).reshape(shape) % 3).astype(np.uint8)
    assert label_runs.label_summary(ramp) == _summary_oracle(ramp)
    zeros = np.zeros(shape, dtype=np.uint8)
    assert label_runs.label_summary(zeros) == ([], [], [])


def test_label_summary_declines_what_it_does_not_handle() -> None:
    assert label_runs.label_summary(np.zeros((2, 3), dtype=np.float32)) is None
    assert label_runs.label_summary(np.zeros((2, 3, 3), dtype=np.uint8)) is None
    assert label_runs.label_summary(np.zeros((0, 3), dtype=np.uint8)) is None
    noise = np.arange(64, dtype=np.uint8).reshape(8, 8) % 2  # 64 runs
    assert label_runs.label_summary(noise, max_runs=63) is None
    assert label_runs.label_summary(noise, max_runs=64) == _summary_oracle(noise)


@settings(max_examples=200, deadline=None)
@given(_matrices())
def test_row_runs_rebuild_the_matrix_and_start_every_row(matrix: np.ndarray) -> None:
    starts, labels = label_runs.row_runs(matrix)
    lengths = np.diff(starts, append=matrix.size)
    assert np.array_equal(np.repeat(labels, lengths), matrix.ravel())
    w = matrix.shape[1]
    assert set(range(0, matrix.size, w)) <= set(starts.tolist())
    same_row = (starts[1:] % w) != 0
    assert not np.any(same_row & (labels[1:] == labels[:-1]))  # runs are maximal within a row


@settings(max_examples=200, deadline=None)
@given(_matrices())
def test_column_runs_rebuild_the_matrix_in_column_order(matrix: np.ndarray) -> None:
    starts, keys = label_runs.column_runs(matrix)
    lengths = np.diff(starts, append=matrix.size)
    assert np.array_equal(np.repeat(keys, lengths), matrix.T.ravel())
    h = matrix.shape[0]
    assert set(range(0, matrix.size, h)) <= set(starts.tolist())
    assert label_runs.column_runs(matrix, max_runs=len(starts) - 1) is None


@st.composite
def _matrix_and_groups(draw: st.DrawFn) -> tuple[np.ndarray, list]:
    if draw(st.booleans()):  # RGB label image, groups of triplets
        base = draw(_matrices(np.uint8)) % 3
        matrix = np.stack([base * 40, base * 7, base], axis=-1).astype(np.uint8)
        value = st.sampled_from([(0, 0, 0), (40, 7, 1), (80, 14, 2), (5, 5, 5)])
    else:
        matrix = draw(_matrices(np.uint16))
        value = st.tuples(st.integers(0, 4))
    groups = draw(st.lists(st.lists(value, min_size=1, max_size=3), min_size=1, max_size=4))
    return matrix, groups


@settings(max_examples=200, deadline=None)
@given(_matrix_and_groups())
def test_group_rles_from_column_runs_equal_the_transposed_way(case: tuple) -> None:
    matrix, groups = case
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pixels, "MAX_RUNS_PER_PIXEL", 1.0)  # always the column runs
        fast = pixels.label_matrix_group_rles(matrix, groups)
        mp.setattr(pixels, "MAX_RUNS_PER_PIXEL", 0.0)  # always the transposed matrix
        slow = pixels.label_matrix_group_rles(matrix, groups)
    assert fast == slow
    assert fast == [geometry.mask_to_rle(pixels.mask_of_values(matrix, g)) for g in groups]


def test_values_present_with_and_without_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    rng = np.random.default_rng(3)
    paths = []
    for i in range(4):
        matrix = np.zeros((20, 30), dtype=np.uint8)
        matrix[2 + i : 9, 3 : 10 + i] = 1 + i
        matrix[12:, 20:] = rng.integers(0, 6, (8, 10))  # a noisy corner
        paths.append(str(tmp_path / f"{i}.png"))
        Image.fromarray(matrix).save(paths[-1])
    values = [(0,), (1,), (3,), (5,), (7,), (300,)]
    fast = pixels.values_present(paths, values, workers=1)
    monkeypatch.setattr(pixels, "MAX_RUNS_PER_PIXEL", 0.0)
    assert fast.tolist() == pixels.values_present(paths, values, workers=1).tolist()
    assert fast[:, 0].all() and not fast[:, 5].any() and fast[1, 2] != fast[1, 4]
