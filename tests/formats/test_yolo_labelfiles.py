"""The batched label parse against a plain per-file oracle, and its errors naming file and line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import imagefiles
from gtconvert.errors import GtconvertError
from gtconvert.formats.yolo.labelfiles import parse_labels, read_texts


def _oracle(texts: list[str]) -> tuple[list[int], list[float], list[int]]:
    """Row by row, file by file, with nothing but str.split and float."""
    cols, values, per_file = [], [], []
    for text in texts:
        rows = [ln.split() for ln in text.splitlines() if ln.strip()]
        per_file.append(len(rows))
        for r in rows:
            cols.append(len(r))
            values += [float(v) for v in r]
    return cols, values, per_file


_number = st.floats(0, 1, allow_nan=False).map(lambda v: f"{v:.6f}".rstrip("0"))
_row = st.one_of(
    st.tuples(st.integers(0, 2), st.lists(_number, min_size=4, max_size=4)),
    st.tuples(
        st.integers(0, 2), st.lists(_number, min_size=6, max_size=12).filter(lambda v: len(v) % 2 == 0)
    ),
).map(lambda r: " ".join([str(r[0]), *r[1]]))
_file = st.builds(
    lambda rows, end: "\n".join(rows) + end,
    st.lists(st.one_of(_row, st.sampled_from(["", "   ", "\t"])), max_size=6),
    st.sampled_from(["", "\n", "\r\n"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_file, max_size=8))
def test_batched_parse_equals_the_per_file_oracle(texts: list[str]) -> None:
    cols, values, per_file = parse_labels(texts, [f"f{i}.txt" for i in range(len(texts))], 3)
    want_cols, want_values, want_per_file = _oracle(texts)
    assert cols.tolist() == want_cols
    assert values.tolist() == want_values
    assert per_file.tolist() == want_per_file


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("0 0.5 0.5 0.1", "a row has 4 numbers"),
        ("0 0.5 0.5 0.1 x", "not a number"),
        ("0 0.5 0.5 0.1 nan", "not a finite number"),
        ("3 0.5 0.5 0.1 0.1", "class 3 is not one of the 3 classes"),
        ("1.5 0.5 0.5 0.1 0.1", "class 1.5 is not one of the 3 classes"),
    ],
)
def test_errors_name_the_file_and_its_line(bad: str, message: str) -> None:
    texts = ["0 0.5 0.5 0.1 0.1\n", "", f"1 0.5 0.5 0.1 0.1\n\n{bad}\n"]
    with pytest.raises(GtconvertError, match=re.escape(message)) as info:
        parse_labels(texts, ["a.txt", "b.txt", "c.txt"], 3)
    assert "c.txt" in str(info.value)
    assert "line 2" in str(info.value)


def test_read_texts_in_batches_keeps_order_and_missing_files(tmp_path: Path) -> None:
    paths = []
    for i in range(700):  # more than one batch per thread
        p = tmp_path / f"{i}.txt"
        if i % 7:
            p.write_text(f"{i} 0 0 0 0\n")
        paths.append(str(p))
    texts = read_texts(paths)
    assert texts == [f"{i} 0 0 0 0\n" if i % 7 else None for i in range(700)]


def test_find_images_as_pathlib_rglob_finds_them(tmp_path: Path) -> None:
    for rel in [
        "a.jpg",
        "B.PNG",
        ".hidden.jpg",
        "sub/c.jpeg",
        "sub/deeper/d.webp",
        "x.jpg/e.png",
        "notes.txt",
        ".jpg",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "f.jpg").write_bytes(b"")
    os.symlink(tmp_path / "elsewhere", tmp_path / "linked_dir")  # rglob does not enter it
    os.symlink(tmp_path / "a.jpg", tmp_path / "link.jpg")  # a link to a file is a file
    oracle = sorted(
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if p.suffix.lower() in imagefiles.IMAGE_SUFFIXES and p.is_file()
    )
    assert imagefiles.find_images(tmp_path) == oracle
    assert "x.jpg/e.png" in oracle and "linked_dir/f.jpg" not in oracle and ".jpg" not in oracle
