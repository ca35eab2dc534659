"""``validate`` and ``info`` tell what the reader warned about.

Once, both read without a Report and the CLI ignores GtconvertWarning, so a YOLO folder whose
images have no label file validated as "no problems found" (exit 0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from gtconvert import validate
from gtconvert.cli import main
from gtconvert.report import Event

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "shapes" / "annotations.json"


def _yolo_without_labels(root: Path) -> Path:
    """A YOLO folder of two images and a data.yaml, without a single label file."""
    (root / "images").mkdir(parents=True)
    for name in ("a.png", "b.png"):
        Image.new("RGB", (8, 6)).save(root / "images" / name)
    (root / "data.yaml").write_text("names: [cat]\ntrain: images\n")
    return root


def _yolo_pose_bad_flip_idx(root: Path) -> Path:
    """A YOLO pose folder whose data.yaml has a flip_idx of 2 numbers for 3 points."""
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    Image.new("RGB", (8, 6)).save(root / "images" / "a.png")
    (root / "labels" / "a.txt").write_text("0 0.5 0.5 0.5 0.5 0.5 0.5 2 0.4 0.4 2 0.6 0.6 2\n")
    (root / "data.yaml").write_text("names: [person]\ntrain: images\nkpt_shape: [3, 3]\nflip_idx: [0, 1]\n")
    return root


def test_validate_names_the_missing_label_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _yolo_without_labels(tmp_path / "ds")
    assert main(["validate", str(src)]) == 1
    out = capsys.readouterr().out
    assert "no problems found" not in out
    assert "[yolo.no_label_files]" in out and "none of the 2 images has a label file" in out
    assert out.splitlines()[0].endswith("2 problems of 1 kind")


def test_validate_json_holds_the_reader_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _yolo_without_labels(tmp_path / "ds")
    assert main(["validate", str(src), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["count"]) for f in found] == [("yolo.no_label_files", 2)]


def test_validate_names_an_unusable_flip_idx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _yolo_pose_bad_flip_idx(tmp_path / "ds")
    assert main(["validate", str(src), "--json"]) == 1
    assert "yolo.pose.flip_idx" in [f["code"] for f in json.loads(capsys.readouterr().out)]


@pytest.mark.parametrize("as_json", [False, True])
def test_info_prints_the_reader_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    src = _yolo_without_labels(tmp_path / "ds")
    assert main(["info", str(src), *(["--json"] if as_json else [])]) == 0
    captured = capsys.readouterr()
    warned = [line for line in captured.err.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 1 and "none of the 2 images has a label file" in warned[0], captured.err
    if as_json:
        assert json.loads(captured.out)["images"] == 2  # stdout stays the JSON alone


def test_the_clean_sample_stays_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SAMPLE)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("no problems found") and captured.err == ""
    assert main(["validate", str(SAMPLE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_what_the_options_asked_for_is_no_finding(capsys: pytest.CaptureFixture[str]) -> None:
    """--drop removing annotations is a warning on stderr, not a finding (exit 0)."""
    assert main(["validate", str(SAMPLE), "--drop", "triangle"]) == 0
    captured = capsys.readouterr()
    assert "no problems found" in captured.out
    assert "warning: --keep/--drop: 1 annotations of dropped categories removed" in captured.err


def test_reader_findings_group_by_code_and_keep_the_informational_apart() -> None:
    events = [
        Event("matlab.unresolved_images", "MATLAB: 2 of 3 image paths not found", 2, ["a", "b"]),
        Event("matlab.border_quirk", "MATLAB: 1 box(es) touching the border", 1),
        Event("matlab.unresolved_images", "MATLAB: 1 of 4 image paths not found", 1, ["c"]),
    ]
    findings, notes = validate.reader_findings(events)
    assert notes == [events[1]]
    assert [f.as_dict() for f in findings] == [{
        "code": "matlab.unresolved_images",
        "message": "MATLAB: 2 of 3 image paths not found (and 1 more warnings of this kind)",
        "count": 3,
        "examples": ["a", "b", "c"],
    }]  # fmt: skip


def test_preview_prints_what_the_reader_warned_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _yolo_without_labels(tmp_path / "ds")
    assert main(["preview", str(src), str(tmp_path / "preview")]) == 0
    err = capsys.readouterr().err
    assert "warning: YOLO: none of the 2 images has a label file" in err


def test_images_without_a_size_are_counted_once() -> None:
    """The MATLAB reader's warning names the fix; the check saying the same is then left out."""
    reader = [validate.Finding("matlab.unknown_size", "MATLAB: 3 images without a size", 3, [])]
    checks = [
        validate.Finding("image.unknown_size", "images without a width and height", 3, []),
        validate.Finding("box.empty", "zero or negative width or height", 1, []),
    ]
    assert [f.code for f in validate.combined(reader, checks)] == ["matlab.unknown_size", "box.empty"]
    assert [f.code for f in validate.combined([], checks)] == ["image.unknown_size", "box.empty"]
