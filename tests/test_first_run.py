"""The first hour's rough edges: a typo in a format name or an --images folder is one line
with the fix (exit 2), and --help says what happens when an option is not given."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtconvert.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "shapes" / "annotations.json"


def test_an_unknown_format_name_suggests_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(SAMPLE), str(tmp_path / "out"), "--to", "yoloo"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean yolo?" in err[0], err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["convert", "info", "validate"])
def test_images_naming_no_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = tmp_path / "photos"
    args = [command, str(SAMPLE), *([str(tmp_path / "out"), "--to", "yolo"] if command == "convert" else [])]
    assert main([*args, "--images", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"--images {missing} does not exist" in err and "fix:" in err
    (tmp_path / "file.txt").write_text("")
    assert main([*args, "--images", str(tmp_path / "file.txt")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_help_shows_what_happens_without_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option, default in (("--task", "default: pose with keypoints"), ("--crowd", "default: keep"), ("--seed", "default: 0")):  # fmt: skip
        assert option in text and default in text, option
