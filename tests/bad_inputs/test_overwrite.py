"""--overwrite deletes nothing but a previous output; the replacement is atomic and reversible.

Every case asserts the exit code, the one stderr line, the inputs unchanged, the old output
intact (where one existed) and no temporary left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bad_inputs.corpus import valid_coco
from bad_inputs.helpers import one_error, run, temporaries, tree

import gtconvert
from gtconvert import GtconvertError, fileio


@pytest.fixture
def ds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A COCO file in ``work/ds``; the current folder is ``work/sub`` and home is ``work/home``."""
    work = tmp_path / "work"
    src = valid_coco(work / "ds")
    (work / "sub").mkdir()
    (work / "home").mkdir()
    (work / "home" / "keep.txt").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(work / "sub")
    monkeypatch.setenv("HOME", str(work / "home"))
    return src


DANGEROUS = {
    # output -> the words of the refusal
    ".": "the current folder or a folder above it",
    "..": "the current folder or a folder above it",
    "": "the output name is empty",
    "~": "the home folder",
    "/": "the file system root",
    "../ds": "the output folder holds an input",
    "../ds/coco.json": "is also an input",
    "../ds/./coco.json": "is also an input",
}


@pytest.mark.parametrize("out", sorted(DANGEROUS))
@pytest.mark.parametrize("fmt", ["yolo", "coco"])
def test_dangerous_outputs_are_refused(out: str, fmt: str, ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = ds.parents[1]
    before = tree(work)
    target = os.path.expanduser(out) if out == "~" else out
    code, lines = run(["convert", str(ds), target, "--to", fmt, "--overwrite"], capsys)
    one_error(code, lines, DANGEROUS[out])
    assert tree(work) == before
    assert not temporaries(work)


def test_a_folder_holding_the_images_is_refused(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    images = ds.parents[1] / "pics" / "jpg"
    images.mkdir(parents=True)
    (images / "a.jpg").write_bytes(b"not really")
    before = tree(ds.parents[1])
    out = str(images.parent)
    code, lines = run(["convert", str(ds), out, "--to", "yolo", "--images", str(images), "--overwrite"], capsys)
    one_error(code, lines, "holds an input")
    assert tree(ds.parents[1]) == before


def test_the_library_has_the_same_policy(ds: Path) -> None:
    with pytest.raises(GtconvertError, match="holds an input"):
        gtconvert.convert(ds, ds.parent, dst_format="yolo", overwrite=True)
    with pytest.raises(GtconvertError, match="current folder"):
        gtconvert.write(gtconvert.read(ds), ".", "yolo", overwrite=True)
    assert ds.exists()


def test_report_is_an_output_like_the_others(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = ds.parents[1]
    old = work / "r.json"
    old.write_text("old report", encoding="utf-8")
    before = tree(work)
    for report, words in [
        (str(ds), "is also an input"),
        (str(old), "output already exists"),
        (str(work / "o"), "is also an input or another output"),
        (str(work / "nowhere" / "r.json"), "folder of the report does not exist"),
    ]:
        code, lines = run(["convert", str(ds), str(work / "o"), "--to", "yolo", "--report", report], capsys)
        one_error(code, lines, words)
        assert tree(work) == before and not (work / "o").exists()
    code, lines = run(["convert", str(ds), str(work / "o.json"), "--report", str(old), "--overwrite"], capsys)
    assert code == 0, lines
    assert "events" in json.loads(old.read_text(encoding="utf-8"))
    assert not temporaries(work)


def test_overwrite_replaces_only_the_old_output(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = ds.parents[1]
    out = work / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old", encoding="utf-8")
    code, lines = run(["convert", str(ds), str(out), "--to", "yolo", "--overwrite"], capsys)
    assert code == 0, lines
    assert (out / "data.yaml").exists() and not (out / "stale.txt").exists()
    assert sorted(p.name for p in work.iterdir()) == ["ds", "home", "out", "sub"]


def test_a_failed_rename_puts_the_old_output_back(
    ds: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = ds.parents[1]
    out = work / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")

    def refuse(src: Path, dst: Path) -> None:
        raise OSError(30, "Read-only file system", str(dst))

    monkeypatch.setattr(fileio, "rename_no_replace", refuse)
    code, lines = run(["convert", str(ds), str(out), "--to", "yolo", "--overwrite"], capsys)
    one_error(code, lines, "Read-only file system")
    assert tree(out) == {"keep.txt": tree(out)["keep.txt"]} and (out / "keep.txt").read_text() == "old"
    assert not temporaries(work)


def test_an_output_appearing_meanwhile_is_never_replaced(
    ds: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = ds.parents[1]
    out = work / "o.json"
    real = gtconvert.formats.coco.writer.dump_json

    def another_run_wins(obj: object, path: str) -> None:
        out.write_text("the other run", encoding="utf-8")
        real(obj, path)

    monkeypatch.setattr("gtconvert.formats.coco.writer.dump_json", another_run_wins)
    code, lines = run(["convert", str(ds), str(out)], capsys)
    one_error(code, lines, "appeared while converting")
    assert out.read_text(encoding="utf-8") == "the other run"
    assert not temporaries(work)


def test_a_dangling_symlink_counts_as_existing(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = ds.parents[1] / "o.json"
    link.symlink_to("nowhere")
    code, lines = run(["convert", str(ds), str(link)], capsys)
    one_error(code, lines, "output already exists")
    assert link.is_symlink() and os.readlink(link) == "nowhere"


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_permissions_follow_the_umask(umask: int, ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = ds.parents[1]
    old = os.umask(umask)
    try:
        for name, fmt in (("y", "yolo"), ("c.json", "coco")):
            code, lines = run(["convert", str(ds), str(work / name), "--to", fmt], capsys)
            assert code == 0, lines
    finally:
        os.umask(old)
    assert (work / "c.json").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (work / "y").stat().st_mode & 0o777 == 0o777 & ~umask
    for p in (work / "y").rglob("*"):
        assert p.stat().st_mode & 0o777 == (0o777 if p.is_dir() else 0o666) & ~umask, p


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_run_removes_only_dead_runs_temporaries(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = ds.parents[1]
    dead, alive = _dead_pid(), os.getppid()
    (work / f".o.json.tmp-{dead}-dead").write_text("half", encoding="utf-8")
    (work / f".o.json.tmp-{alive}-live").write_text("still being written", encoding="utf-8")
    (work / f".other.json.tmp-{dead}-dead").write_text("not ours", encoding="utf-8")
    code, lines = run(["convert", str(ds), str(work / "o.json")], capsys)
    assert code == 0, lines
    names = sorted(p.name for p in work.iterdir() if p.name.startswith("."))
    assert names == [f".o.json.tmp-{alive}-live", f".other.json.tmp-{dead}-dead"]


def test_an_old_output_set_aside_by_a_killed_run_is_put_back(ds: Path) -> None:
    work = ds.parents[1]
    aside = work / f".out.old-{_dead_pid()}-abcd"
    aside.mkdir()
    (aside / "keep.txt").write_text("old", encoding="utf-8")
    fileio.remove_leftovers(work, "out")
    assert (work / "out" / "keep.txt").read_text(encoding="utf-8") == "old" and not aside.exists()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("chattr"), reason="chattr +i needs root")
def test_an_undeletable_old_output_is_named_and_the_new_one_kept(
    ds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = ds.parents[1]
    out = work / "out"
    out.mkdir()
    frozen = out / "frozen.txt"
    frozen.write_text("old", encoding="utf-8")
    if subprocess.run(["chattr", "+i", str(frozen)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        code, lines = run(["convert", str(ds), str(out), "--to", "yolo", "--overwrite"], capsys)
        assert code == 0, lines
        assert (out / "data.yaml").exists()
        left = [p for p in work.iterdir() if p.name.startswith(".out.old-")]
        assert len(left) == 1 and (left[0] / "frozen.txt").exists()
        assert any(str(left[0]) in line for line in lines), lines
    finally:
        for p in work.rglob("frozen.txt"):
            subprocess.run(["chattr", "-i", str(p)])
