"""fileio: names that cannot leave the output folder, the paused collector, links or copies."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import fileio
from gtconvert.errors import GtconvertError

NAME_CHARS = st.sampled_from([*"ab/\\.: é_-\n\x00\t", "C:", "..", "//", "./", "x" * 100])
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


def test_link_or_copy_makes_the_folders_and_keeps_the_bytes(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    src.write_bytes(b"\x89PNG pixels")
    dst = tmp_path / "deep" / "er" / "b.png"
    fileio.link_or_copy(src, dst)
    assert dst.read_bytes() == src.read_bytes()
    assert os.path.samefile(src, dst)  # one file system here: a hard link, no copy


@pytest.mark.parametrize("name", ["a\nb.jpg", "a\x00.jpg", "sub/\tx.png", "x\x7f.png"])
def test_control_characters_are_refused(name: str) -> None:
    with pytest.raises(GtconvertError, match="control character") as err:
        fileio.safe_relative(name, file="coco.json", record="image 7")
    assert "image 7" in str(err.value) and "coco.json" in str(err.value)


@pytest.mark.parametrize("name", ["é" * 128 + ".jpg", "ok/" + "x" * 256])
def test_a_component_over_255_bytes_is_refused(name: str) -> None:
    with pytest.raises(GtconvertError, match="longer than 255 bytes"):
        fileio.safe_relative(name)
    assert fileio.safe_relative("x" * 255) == "x" * 255


def test_first_shared_file_finds_names_that_are_one_file_on_macos_or_windows() -> None:
    from gtconvert.fileio import first_shared_file, would_share

    assert first_shared_file(["a", "b"], ["x.txt", "y.txt"]) is None
    assert first_shared_file(["a", "b", "c"], ["x", "y", "X"]) == ("a", "x", "c", "X")
    assert first_shared_file(["p", "q"], ["caf\u00e9", "cafe\u0301"]) == ("p", "caf\u00e9", "q", "cafe\u0301")
    assert would_share("x", "x") == "would share"
    assert "case or Unicode form" in would_share("x", "X")
