"""Every case of the bad-input corpus (``tests/bad_inputs/corpus.py``) behaves exactly as stated.

For an error case: exit code 2, one ``error:`` line on stderr holding the expected text, no
traceback, and nothing left where the output would have gone. For a repair case: exit code 0,
the named event in ``--report`` and the repaired output checked. In every case the inputs
are byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from bad_inputs.corpus import CASES, Case, valid_coco, valid_masks, valid_mat, valid_voc, valid_yolo

from gtconvert import GtconvertError
from gtconvert.cli import main


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err


def test_corpus_is_large_and_named_uniquely() -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    argv = case.build(inputs)
    out = tmp_path / "out" / "result"
    out.parent.mkdir(parents=True, exist_ok=True)
    before = _hashes(inputs)
    report = tmp_path / "report.json"
    if case.error is None:
        argv = [*argv, "--report", str(report)]
    code, err = _run(argv, capsys)
    assert _hashes(inputs) == before, "an input file was changed"
    assert "Traceback" not in err
    if case.error is not None:
        lines = err.strip().splitlines()
        assert code == 2, err
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert case.error in lines[0], err
        assert not out.exists()
        assert not [p for p in out.parent.iterdir() if p.name.startswith(".result.tmp-")], "temp left behind"
        return
    assert code == 0, err
    case.check(out)  # type: ignore[misc]
    if case.warning is not None:
        events = json.loads(report.read_text(encoding="utf-8"))["events"]
        assert case.warning in [e["code"] for e in events], events


# ---- atomic writes and --overwrite -------------------------------------------------------


def test_existing_output_needs_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path / "in")
    out = tmp_path / "out.json"
    out.write_text("precious", encoding="utf-8")
    code, err = _run(["convert", str(src), str(out)], capsys)
    assert code == 2 and "output already exists" in err and "--overwrite" in err
    assert out.read_text(encoding="utf-8") == "precious"
    code, err = _run(["convert", str(src), str(out), "--overwrite"], capsys)
    assert code == 0, err
    assert len(json.loads(out.read_text(encoding="utf-8"))["annotations"]) == 3


def test_failed_overwrite_keeps_the_old_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    bad = tmp_path / "in" / "coco.json"
    doc = json.loads(valid_coco(tmp_path / "in").read_text(encoding="utf-8"))
    doc["images"][0]["file_name"] = "../evil.jpg"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, err = _run(["convert", str(bad), str(out), "--to", "yolo", "--overwrite"], capsys)
    assert code == 2 and "escapes the output folder" in err
    assert (out / "keep.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


WRITERS = {
    # format -> (output name, the function each writer calls part-way through writing)
    "coco": ("out.json", "gtconvert.formats.coco.writer.dump_json"),
    "yolo": ("out", "gtconvert.sidecar.write"),
    "voc": ("out", "gtconvert.sidecar.write"),
    "masks": ("out", "gtconvert.formats.masks.writer.dump_json"),
    "matlab": ("out.mat", "gtconvert.formats.matlab.interchange.save_v7"),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_failure_mid_write_leaves_nothing(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that fails after writing part of its output (disk full) leaves neither output nor temp.

    The failure is a GtconvertError naming the output and the fix (exit 2), not an internal error.
    """
    import gtconvert

    name, target = WRITERS[fmt]
    module, attr = target.rsplit(".", 1)
    real = getattr(__import__(module, fromlist=[attr]), attr)

    def half_then_fail(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # the file is really (partly) there in the temporary sibling
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(target, half_then_fail)
    ds = gtconvert.read(valid_coco(tmp_path / "in"), "coco")
    out_dir = tmp_path / "o"
    out_dir.mkdir()
    with warnings.catch_warnings(), pytest.raises(GtconvertError, match=r"No space left.*nothing was written"):
        warnings.simplefilter("ignore")
        gtconvert.write(ds, out_dir / name, fmt)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    ["../x.jpg", "a/../../x.jpg", "/abs/x.jpg", "C:\\x.jpg", "C:x.jpg", "\\\\server\\share\\x.jpg", "..", ""],
)
@pytest.mark.parametrize("fmt", ["yolo", "voc", "masks"])
def test_every_file_writer_guards_names(name: str, fmt: str, tmp_path: Path) -> None:
    """Each writer that names files after images refuses names that leave its folder."""
    import gtconvert

    ds = gtconvert.read(valid_coco(tmp_path / "in"), "coco")
    ds.images.file_name[0] = name
    with warnings.catch_warnings(), pytest.raises(GtconvertError, match="escapes the output folder"):
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "o" / "out", fmt)
    assert not (tmp_path / "o" / "out").exists()
    assert not list(tmp_path.rglob("x.jpg")) and not list(tmp_path.rglob("x.txt"))


# ---- inputs are never modified, by any reader --------------------------------------------


@pytest.mark.parametrize(
    "build,fmt",
    [
        (valid_coco, "coco"),
        (valid_yolo, "yolo"),
        (valid_voc, "voc"),
        (valid_masks, "masks"),
        (valid_mat, "matlab"),
    ],
)
def test_reading_and_converting_leaves_inputs_alone(build, fmt: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = build(tmp_path / "in")
    before = _hashes(tmp_path / "in")
    mtimes = {p: os.stat(p).st_mtime_ns for p in (tmp_path / "in").rglob("*") if p.is_file()}
    for to, name in (("coco", "o.json"), ("matlab", "o.mat"), ("yolo", "oy"), ("voc", "ov"), ("masks", "om")):
        code, err = _run(["convert", str(src), str(tmp_path / name), "--from", fmt, "--to", to], capsys)
        assert code == 0, err
    assert _hashes(tmp_path / "in") == before
    assert {p: os.stat(p).st_mtime_ns for p in mtimes} == mtimes


def test_report_json_lists_every_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--report`` holds a code, message and count for each change the conversion made."""
    src = valid_coco(tmp_path / "in")
    code, err = _run(
        ["convert", str(src), str(tmp_path / "o"), "--to", "voc", "--report", str(tmp_path / "r.json")],
        capsys,
    )
    assert code == 0, err
    events = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["events"]
    codes = {e["code"]: e["count"] for e in events}
    assert codes["voc.shapes_as_boxes"] == 2  # the polygon and the RLE mask
    assert all(isinstance(e["message"], str) and e["count"] > 0 for e in events)
    assert len(err.strip().splitlines()) == len(events)  # each printed once
    assert np.all([e["message"] in err for e in events])
