"""Label-matrix PNGs: one-pass RLEs equal one mask per value, which values are present, and the
process pool that spreads files over the cores keeps the order of its jobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry, pixels


@st.composite
def _label_matrices(draw: st.DrawFn) -> tuple:
    h = draw(st.integers(1, 9))
    w = draw(st.integers(1, 9))
    rgb = draw(st.booleans())
    cells = st.integers(0, 3)
    shape = (h, w, 3) if rgb else (h, w)
    size = int(np.prod(shape))
    flat = draw(st.lists(cells, min_size=size, max_size=size))
    matrix = np.array(flat, dtype=np.uint8).reshape(shape)
    if rgb:
        values = draw(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=4))
    else:
        values = draw(st.lists(st.tuples(cells), min_size=1, max_size=5))
    return matrix, values


@settings(max_examples=60, deadline=None)
@given(_label_matrices())
def test_label_matrix_rles_equal_one_mask_per_value(case: tuple) -> None:
    matrix, values = case
    expected = [geometry.mask_to_rle(pixels.mask_of(matrix, v)) for v in values]
    assert pixels.label_matrix_rles(matrix, values) == expected


def test_values_present_matches_the_masks(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    paths = []
    for i in range(10):  # enough files for the process pool
        matrix = rng.integers(0, 3 + i % 3, (7, 5)).astype(np.uint8)
        paths.append(str(tmp_path / f"{i}.png"))
        Image.fromarray(matrix).save(paths[-1])
    values = [(0,), (2,), (4,), (300,)]
    expected = [[bool(pixels.mask_of(pixels.read_label_matrix(p), v).any()) for v in values] for p in paths]
    assert pixels.values_present(paths, values, workers=2).tolist() == expected
    assert pixels.values_present(paths, values, workers=1).tolist() == expected
    assert any(row[2] for row in expected) and not any(row[3] for row in expected)


def _power(base: int, exponent: int) -> int:
    if base < 0:
        raise ValueError(f"job {base} fails")
    return base**exponent


@pytest.mark.parametrize("workers", [1, 2])
def test_map_files_keeps_the_order_of_its_jobs(workers: int) -> None:
    jobs = [(k, 2) for k in range(45)]
    expected = [k * k for k in range(45)]
    assert pixels.map_files(_power, jobs, workers=workers, per_task=4) == expected
    made = []

    def lazily():  # a generator: jobs are made as the pool asks for them
        for job in jobs:
            made.append(job)
            yield job

    assert pixels.map_files(_power, lazily(), len(jobs), workers=workers, per_task=3) == expected
    assert made == jobs
    with pytest.raises(ValueError, match="job -1 fails"):
        pixels.map_files(_power, [*jobs, (-1, 2)], workers=workers)


def _map_in_this_process(results: object) -> None:
    """In a daemonic child: map_files with a pool's worth of jobs; its results, or its error."""
    try:
        results.put(pixels.map_files(_power, [(k, 3) for k in range(20)], workers=2, per_task=2))  # type: ignore[attr-defined]
    except BaseException as exc:  # a pool would fail: daemonic processes may not have children
        results.put(repr(exc))  # type: ignore[attr-defined]


def test_map_files_in_a_daemonic_process_runs_the_jobs_itself() -> None:
    """Distributed's workers are daemonic: no pool there, the jobs run in order in the worker."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=_map_in_this_process, args=(results,), daemon=True)
    child.start()
    try:
        got = results.get(timeout=120)
    finally:
        child.join(timeout=30)
    assert got == [k**3 for k in range(20)]
    assert child.exitcode == 0
