"""The fast paths added for speed give exactly what the general code gives."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import fileio
from gtconvert.errors import GtconvertError

NAME_CHARS = st.sampled_from([*"ab/\\.: é_-", "C:", "..", "//", "./"])
NAMES = st.lists(NAME_CHARS, max_size=12).map("".join)


def _outcome(name: str) -> str:
    try:
        return fileio.safe_relative(name)
    except GtconvertError:
        return "<rejected>"


@settings(max_examples=60, deadline=None)
@given(NAMES)
def test_safe_relative_fast_path_agrees_with_full_check(name: str) -> None:
    fast = _outcome(name)
    original = fileio._plainly_relative
    fileio._plainly_relative = lambda text: False  # force the general path
    try:
        slow = _outcome(name)
    finally:
        fileio._plainly_relative = original
    assert fast == slow


@pytest.mark.parametrize("name", ["a/b.jpg", "x y.png", "é/ü.png", "ab:c.jpg"])
def test_plain_names_take_the_fast_path_unchanged(name: str) -> None:
    assert fileio._plainly_relative(name)
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
