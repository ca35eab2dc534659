"""YOLO split entries and list lines outside the dataset root are refused, never read.

Before, ``train: /`` walked the whole file system, ``train: /etc`` read system text files as
labels and a list line ``/etc/passwd`` was opened as an image.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs.corpus import valid_yolo
from bad_inputs.helpers import one_error, run, temporaries, tree


def _dataset(tmp_path: Path, yaml: str, list_lines: str | None = None) -> Path:
    src = valid_yolo(tmp_path / "in")
    (src / "data.yaml").write_text(yaml + "names:\n  0: cat\n  1: dog\n", encoding="utf-8")
    if list_lines is not None:
        (src / "train.txt").write_text(list_lines, encoding="utf-8")
    return src


@pytest.mark.parametrize(
    "yaml,lines,words",
    [
        ("path: .\ntrain: /etc\n", None, "train: '/etc' points outside the dataset root"),
        ("path: .\ntrain: ../../../..\n", None, "points outside the dataset root"),
        ("path: .\ntrain: [labels, /usr]\n", None, "train: '/usr' points outside"),
        ("path: /\ntrain: tmp\n", None, "the dataset root is /"),
        ("path: .\ntrain: train.txt\n", "labels/a.txt\n/etc/passwd\n", "line '/etc/passwd' points outside"),
        ("path: .\ntrain: train.txt\n", "../../../../etc/hostname\n", "points outside the dataset root"),
    ],
)
def test_entries_outside_the_root(yaml: str, lines: str | None, words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _dataset(tmp_path, yaml, lines)
    before = tree(tmp_path / "in")
    code, err = run(["convert", str(src), str(tmp_path / "o.json"), "--from", "yolo"], capsys)
    one_error(code, err, words)
    assert ("train.txt" if lines else "data.yaml") in err[0]
    assert not (tmp_path / "o.json").exists() and not temporaries(tmp_path)
    assert tree(tmp_path / "in") == before


def test_entries_inside_the_root_still_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _dataset(
        tmp_path, f"path: {tmp_path / 'in' / 'yolo'}\ntrain: {tmp_path / 'in' / 'yolo' / 'labels'}\n"
    )
    code, err = run(["convert", str(src), str(tmp_path / "o.json"), "--from", "yolo"], capsys)
    assert code == 0, err
