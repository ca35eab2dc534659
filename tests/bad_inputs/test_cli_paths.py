"""Hypothesis over the CLI's paths: no run loses an input or leaves a temporary.

Outputs and reports are drawn from the dangerous ones (``.``, ``..``, ``""``, ``~``, the input,
its folder, nested outputs, the output as its own report) and the current folder moves
around the dataset; with or without ``--overwrite``, every run ends with exit 0 or one
``error:`` line and exit 2, every input and the home folder unchanged, and no temporary.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_inputs.corpus import valid_coco
from bad_inputs.helpers import temporaries, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtconvert.cli import main

PATHS = [
    ".",
    "..",
    "",
    "~",
    "ds",
    "./ds",
    "ds/coco.json",
    "ds/sub",
    "ds/sub/o",
    "out",
    "out/nested",
    "out/nested/deeper",
    "ds/../out",
    "out.json",
    "r.json",
    "images",
    "/",
]
CWDS = ["", "ds", "ds/sub"]


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="gtc-paths-"))
    try:
        valid_coco(work / "ds")
        (work / "ds" / "sub").mkdir()
        (work / "images").mkdir()
        (work / "images" / "a.jpg").write_bytes(b"jpeg?")
        (work / "home").mkdir()
        (work / "home" / "mine.txt").write_text("mine", encoding="utf-8")
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _under(work: Path, cwd: str, path: str) -> str:
    """``path`` as typed in ``cwd`` (``work``-relative names become relative to ``cwd``)."""
    if path in ("", "~", "/", ".", ".."):
        return os.path.expanduser(path)
    return os.path.relpath(work / path, work / cwd)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cwd=st.sampled_from(CWDS),
    out=st.sampled_from(PATHS),
    report=st.none() | st.sampled_from(PATHS),
    fmt=st.sampled_from(["yolo", "coco", "voc", "masks"]),
    overwrite=st.booleans(),
    images=st.booleans(),
    twice=st.booleans(),
)
def test_no_run_loses_an_input_or_leaves_a_temporary(
    cwd: str,
    out: str,
    report: str | None,
    fmt: str,
    overwrite: bool,
    images: bool,
    twice: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _workspace() as work, monkeypatch.context() as m:
        m.chdir(work / cwd)
        m.setenv("HOME", str(work / "home"))
        kept = ("ds", "home", "images") if images else ("ds", "home")  # --images makes it an input
        inputs = {name: tree(work / name) for name in kept}
        argv = ["convert", _under(work, cwd, "ds/coco.json"), _under(work, cwd, out), "--to", fmt]
        argv += ["--overwrite"] * overwrite
        argv += ["--images", _under(work, cwd, "images")] * images
        argv += ["--report", _under(work, cwd, report)] if report is not None else []
        for _ in range(1 + twice):  # a second run meets the first one's output
            capsys.readouterr()
            code = main(argv)
            err = capsys.readouterr().err.strip().splitlines()
            assert code in (0, 2), err
            if code == 2:
                assert len(err) == 1 and err[0].startswith("error: "), err
            for name, before in inputs.items():
                now = tree(work / name)
                # an output may be written inside an input folder, but no input file changes
                assert {k: v for k, v in now.items() if k in before} == before, (name, argv, err)
            assert not temporaries(work), argv


#: Option values at and past their bounds (each list: the option's words, drawn together).
OPTION_VALUES = {
    "--split": [
        "train=1",
        "train=0.5,val=0.5",
        "train=1e308,val=1e308",
        "train=nan",
        "train=0,val=1",
        "a=-1,b=2",
    ],
    "--seed": ["0", "4294967295", "4294967296", "-1", "1e3"],
    "--void-border": ["0", "40", "41", "-1", "4000000000"],
    "--image-size": ["1x1", "1048576x1048576", "1048577x1", "0x5", "1e30x5"],
    "--every": ["1", "0", "-3"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    options=st.dictionaries(st.sampled_from(sorted(OPTION_VALUES)), st.integers(0, 5), max_size=3),
    fmt=st.sampled_from(["yolo", "voc", "masks", "coco"]),
    masks=st.booleans(),
)
def test_options_at_their_bounds(
    options: dict[str, int],
    fmt: str,
    masks: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Any mix of option values: exit 0, or exit 2 with one ``error:`` line; input intact."""
    with _workspace() as work, monkeypatch.context() as m:
        m.chdir(work)
        before = tree(work / "ds")
        argv = ["convert", "ds/coco.json", "out", "--to", fmt] + ["--masks"] * (masks and fmt == "voc")
        for name, k in options.items():
            values = OPTION_VALUES[name]
            argv += [name, values[k % len(values)]]
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:  # an option argparse refuses
            code = exit_.code
        err = capsys.readouterr().err.strip().splitlines()
        assert code in (0, 2), (argv, err)
        if code == 2:
            assert len(err) == 1 and err[0].startswith("error: "), (argv, err)
            assert not (work / "out").exists(), argv
        assert tree(work / "ds") == before
        assert not temporaries(work), argv
