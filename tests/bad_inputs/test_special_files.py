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


def test_yaml_aliases_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A YAML "billion laughs" in data.yaml is refused before it is expanded."""
    from bad_inputs.corpus import valid_yolo

    src = valid_yolo(tmp_path / "in")
    folder = src if src.is_dir() else src.parent
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    (folder / "data.yaml").write_text("\n".join([*levels, "names: *i"]) + "\n", encoding="utf-8")
    code, lines = run(["convert", str(folder), str(tmp_path / "o.json"), "--from", "yolo"], capsys)
    one_error(code, lines, "YAML aliases")
    assert "data.yaml" in lines[0]
    assert not (tmp_path / "o.json").exists()


def test_yaml_fifo_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bad_inputs.corpus import valid_yolo

    src = valid_yolo(tmp_path / "in")
    folder = src if src.is_dir() else src.parent
    (folder / "data.yaml").unlink()
    os.mkfifo(folder / "data.yaml")
    code, lines = run(
        ["convert", str(folder / "data.yaml"), str(tmp_path / "o.json"), "--from", "yolo"], capsys
    )
    one_error(code, lines, "data.yaml")  # refused at once, never opened (no hang)


def test_read_regular_refuses_without_blocking(tmp_path: Path) -> None:
    from gtconvert.errors import GtconvertError
    from gtconvert.fileio import read_regular

    (tmp_path / "a.txt").write_bytes(b"0 0.5 0.5 0.1 0.1\n")
    assert read_regular(tmp_path / "a.txt") == b"0 0.5 0.5 0.1 0.1\n"
    for special in (_fifo(tmp_path / "f"), _folder(tmp_path / "d"), _zero_link(tmp_path / "z")):
        with pytest.raises(GtconvertError, match="this is"):
            read_regular(special)  # a FIFO without a writer: an open that blocked would hang here
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing.txt")


def test_semantic_yaml_aliases_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    from bad_inputs.corpus import valid_coco

    import gtconvert

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(gtconvert.read(valid_coco(tmp_path / "c"), "coco"), tmp_path / "sem", "semantic")
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    (tmp_path / "sem" / "data.yaml").write_text("\n".join([*levels, "names: *i"]) + "\n", encoding="utf-8")
    code, lines = run(
        ["convert", str(tmp_path / "sem"), str(tmp_path / "o.json"), "--from", "semantic"], capsys
    )
    one_error(code, lines, "YAML aliases")
    assert not (tmp_path / "o.json").exists()
