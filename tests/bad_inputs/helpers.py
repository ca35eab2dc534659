"""Shared checks of the safety tests: hashes of a tree, leftover temporaries, running the CLI."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gtconvert.cli import main

TEMPORARY = re.compile(r"^\..+\.(tmp|old)-\d+-")
REPO = Path(__file__).resolve().parents[2]


def tree(folder: Path) -> dict[str, str]:
    """Every file (and link) under ``folder`` with a hash of its bytes."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(folder))] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def temporaries(folder: Path) -> list[Path]:
    """Temporaries of gtconvert's atomic writes anywhere under ``folder``."""
    return [p for p in folder.rglob(".*") if TEMPORARY.match(p.name)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """``gtconvert.cli.main(argv)``: the exit code and the lines on stderr."""
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


def one_error(code: int, lines: list[str], text: str) -> None:
    assert code == 2, lines
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert text in lines[0], lines


def spawn(argv: list[str], cwd: Path, **kwargs: object) -> subprocess.Popen:
    """``python -m gtconvert ARGV`` in a new process group (signals reach its workers too)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "gtconvert", *argv], cwd=cwd, env=env, start_new_session=True, **kwargs
    )  # type: ignore[call-overload]
