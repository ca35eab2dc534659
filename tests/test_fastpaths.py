"""The fast paths added for speed give exactly what the general code gives."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import fileio
from gtconvert.errors import GtconvertError

NAME_CHARS = st.sampled_from([*"ab/\\.: é_-", "C:", "..", "//", "./"])
NAMES = st.lists(NAME_CHARS, max_size=12).map("".join)


def _outcome(check: Callable[[str], str], name: str) -> str:
    try:
        return check(name)
    except GtconvertError:
        return "<rejected>"


@settings(max_examples=60, deadline=None)
@given(NAMES)
def test_safe_relative_fast_path_agrees_with_full_check(name: str) -> None:
    assert _outcome(fileio.safe_relative, name) == _outcome(fileio.checked_relative, name)


@pytest.mark.parametrize("name", ["a/b.jpg", "x y.png", "é/ü.png", "ab:c.jpg"])
def test_plain_names_take_the_fast_path_unchanged(name: str) -> None:
    assert fileio.is_plainly_relative(name)
    assert fileio.safe_relative(name) == name


def test_gc_paused_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with fileio.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with fileio.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: stays off
    finally:
        gc.enable()


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
    from gtconvert import geometry, pixels

    matrix, values = case
    expected = [geometry.mask_to_rle(pixels.mask_of(matrix, v)) for v in values]
    assert pixels.label_matrix_rles(matrix, values) == expected


def test_values_present_matches_the_masks(tmp_path: Path) -> None:
    from PIL import Image

    from gtconvert import pixels

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
