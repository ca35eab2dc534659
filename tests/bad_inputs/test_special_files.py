"""FIFOs, devices and folders given where a file is expected: exit 2 at once, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bad_inputs.helpers import one_error, run


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    "make,words",
    [(_fifo, "not a regular file"), (_zero_link, "not a regular file"), (_folder, "this is a folder")],
)
def test_coco_from_a_special_file(make, words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    if make is _zero_link and not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    src = make(tmp_path / "coco.json")
    code, lines = run(["convert", str(src), str(tmp_path / "o.json"), "--from", "coco"], capsys)
    one_error(code, lines, words)
    assert str(src) in lines[0]
    assert not (tmp_path / "o.json").exists()
