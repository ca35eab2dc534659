"""The environment fails, not gtconvert: a full disk, a read-only disk, a parent that is a file,
a name too long, bad option values. Each is exit 2 with one line naming the file and the fix,
nothing left behind and the inputs unchanged.

The disk tests mount a small tmpfs or a read-only bind mount: they need root (CI runs as root)
and skip otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_inputs.corpus import coco_doc, valid_coco, write_coco
from bad_inputs.helpers import one_error, run, temporaries, tree


def _mount(args: list[str], where: Path) -> None:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *args, str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.decode().strip()}")


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[list[Path]]:
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    points: list[Path] = []
    yield points
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _big_coco(folder: Path) -> Path:
    doc = coco_doc()
    ann = doc["annotations"][0]
    doc["annotations"] = [{**ann, "id": i + 1} for i in range(4000)]
    return write_coco(folder, doc)


@pytest.mark.parametrize("fmt,name", [("coco", "o.json"), ("yolo", "o"), ("voc", "o")])
def test_disk_full(fmt: str, name: str, tmp_path: Path, mounted: list[Path], capsys) -> None:  # type: ignore[no-untyped-def]
    src = _big_coco(tmp_path / "in")
    before = tree(tmp_path / "in")
    disk = tmp_path / "disk"
    _mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs"], disk)
    mounted.append(disk)
    code, lines = run(["convert", str(src), str(disk / name), "--to", fmt], capsys)
    one_error(code, lines, "No space left on device")
    assert "free some space" in lines[0]
    assert list(disk.iterdir()) == []
    assert tree(tmp_path / "in") == before


def test_read_only_destination(tmp_path: Path, mounted: list[Path], capsys) -> None:  # type: ignore[no-untyped-def]
    src = valid_coco(tmp_path / "in")
    target = tmp_path / "ro"
    target.mkdir()
    (target / "old.json").write_text("old", encoding="utf-8")
    _mount(["--bind", str(target)], target)
    mounted.append(target)
    if subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], capture_output=True).returncode:
        pytest.skip("cannot remount read-only here")
    for out, extra in ((target / "new.json", []), (target / "old.json", ["--overwrite"])):
        code, lines = run(["convert", str(src), str(out), *extra], capsys)
        one_error(code, lines, "Read-only file system")
    assert tree(target) == {"old.json": tree(target)["old.json"]}
    assert (target / "old.json").read_text(encoding="utf-8") == "old"


def test_parent_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path / "in")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, lines = run(["convert", str(src), str(tmp_path / "file" / "deeper" / "o"), "--to", "yolo"], capsys)
    one_error(code, lines, "is not a folder")
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_a_name_over_255_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / ("é" * 130)), "--to", "yolo"], capsys)
    one_error(code, lines, "longer than 255 bytes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.parametrize(
    "option,words",
    [
        (["--split", "train=1e308,val=1e308"], "sum to 1"),
        (["--split", "train=nan,val=1"], "positive and sum to 1"),
        (["--split", "train=-0.5,val=1.5"], "positive and sum to 1"),
        (["--split", "train=0.5,train=0.5"], "its own non-empty name"),
        (["--seed", "-1"], "from 0 to"),
        (["--seed", "x"], "whole number"),
    ],
)
def test_option_values_out_of_range(option: list[str], words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from gtconvert.cli import main

    src = valid_coco(tmp_path / "in")
    with pytest.raises(SystemExit) as exit_:
        main(["convert", str(src), str(tmp_path / "o"), "--to", "yolo", *option])
    assert exit_.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_a_valid_split_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path / "in")
    argv = ["convert", str(src), str(tmp_path / "o"), "--to", "yolo", "--split", "train=0.7,val=0.3"]
    code, lines = run([*argv, "--seed", "0"], capsys)
    assert code == 0, lines
    assert "train" in (tmp_path / "o" / "data.yaml").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "o" / "gtconvert.json").read_text(encoding="utf-8"))
    assert not temporaries(tmp_path)


@pytest.mark.parametrize("fmt", ["voc", "yolo", "masks"])
def test_a_newline_in_a_file_name_is_refused(fmt: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = coco_doc()
    doc["images"][0]["file_name"] = "a\nb.jpg"
    src = write_coco(tmp_path / "in", doc)
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "o"), "--to", fmt], capsys)
    one_error(code, lines, "control character")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    assert tree(tmp_path / "in") == before
