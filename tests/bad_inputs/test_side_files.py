"""Side files that are not UTF-8 text: exit 2 naming the file and the first bad byte.

Before, a non-UTF-8 ``ImageSets/Main/*.txt`` or ``labelmap.txt`` was "internal error:
UnicodeDecodeError" (exit 3). YOLO list files and class-name files say the same in their own
words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs.corpus import valid_voc, valid_yolo
from bad_inputs.helpers import one_error, run, temporaries, tree

BAD = b"a\xff\xfe\n"


def _voc_image_set(folder: Path) -> tuple[Path, Path]:
    src = valid_voc(folder)
    bad = src / "ImageSets" / "Main" / "trainval.txt"
    bad.write_bytes(BAD)
    return src, bad


def _voc_labelmap(folder: Path) -> tuple[Path, Path]:
    src = valid_voc(folder)
    bad = src / "labelmap.txt"
    bad.write_bytes(bad.read_bytes() + b"caf\xe9:1,2,3::\n")  # Latin-1, not UTF-8
    return src, bad


def _yolo_list(folder: Path) -> tuple[Path, Path]:
    src = valid_yolo(folder)
    (src / "data.yaml").write_text(
        "path: .\ntrain: train.txt\nnames:\n  0: cat\n  1: dog\n", encoding="utf-8"
    )
    bad = src / "train.txt"
    bad.write_bytes(b"labels/a.txt\n" + BAD)
    return src, bad


@pytest.mark.parametrize(
    "make,fmt,words",
    [
        (_voc_image_set, "voc", "the image set list is not UTF-8 text (byte 0xff at offset 1)"),
        (_voc_labelmap, "voc", "labelmap.txt is not UTF-8 text (byte 0xe9"),
        (_yolo_list, "yolo", "not UTF-8 text"),
    ],
    ids=["voc-imagesets", "voc-labelmap", "yolo-list"],
)
def test_non_utf8_side_files(make, fmt: str, words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src, bad = make(tmp_path / "in")
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "o.json"), "--from", fmt], capsys)
    one_error(code, lines, words)
    assert str(bad) in lines[0]
    assert not (tmp_path / "o.json").exists() and not temporaries(tmp_path)
    assert tree(tmp_path / "in") == before


def test_a_bom_is_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Windows tools write a UTF-8 BOM: the first line's name is read without it."""
    src = valid_voc(tmp_path / "in")
    sets = src / "ImageSets" / "Main" / "trainval.txt"
    sets.write_bytes(b"\xef\xbb\xbf" + sets.read_bytes())
    code, lines = run(["convert", str(src), str(tmp_path / "o.json"), "--from", "voc"], capsys)
    assert code == 0, lines
    assert "\ufeff" not in (tmp_path / "o.json").read_text(encoding="utf-8")
