"""Label and XML files that are FIFOs or links to /dev/zero: exit 2 naming them, never a hang.

Run in a subprocess with a timeout: a reader that opened a FIFO without O_NONBLOCK would block.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bad_inputs.corpus import valid_voc, valid_yolo
from bad_inputs.helpers import one_error, spawn, temporaries


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _replace(path: Path, make) -> Path:  # type: ignore[no-untyped-def]
    path.unlink()
    return make(path)


@pytest.mark.parametrize("make", [_fifo, _zero_link], ids=["fifo", "dev-zero"])
@pytest.mark.parametrize("fmt", ["voc", "yolo"])
def test_label_and_xml_files_that_are_not_regular(fmt: str, make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A FIFO or a link to /dev/zero as a label or XML file: exit 2 naming it, never a hang."""
    src = (valid_voc if fmt == "voc" else valid_yolo)(tmp_path / "in")
    bad = _replace(src / ("Annotations/a.xml" if fmt == "voc" else "labels/a.txt"), make)
    proc = spawn(
        ["convert", str(src), str(tmp_path / "o.json"), "--from", fmt],
        tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
    lines = err.decode().strip().splitlines()
    one_error(proc.returncode, lines, "not a regular file")
    assert str(bad) in lines[0] or bad.name in lines[0]
    assert not (tmp_path / "o.json").exists() and not temporaries(tmp_path)
