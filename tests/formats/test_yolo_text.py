"""The exact label text: every number as ``%.6f`` prints it, whatever the chunking."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

from gtconvert.errors import GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.formats.yolo import text as label_text
from gtconvert.model import Dataset, Kind

#: The tasks of shapes; pose needs keypoints (tests/formats/test_keypoints_yolo.py).
SHAPE_TASKS = tuple(t for t in yolo.TASKS if t != "pose")


def _percent_f_rows(cls: list[int], rows: list[list[float]]) -> bytes:
    """Label rows the plain way: ``%d`` and ``%.6f``, then trailing zeros and a bare point cut."""
    import re

    lines = []
    for c, values in zip(cls, rows):
        numbers = [re.sub(r"\.$", "", re.sub(r"(\.\d*?)0+$", r"\1", f"{v:.6f}")) for v in values]
        lines.append(" ".join([str(c), *numbers]) + "\n")
    return "".join(lines).encode()


# pixel values with 2 decimals over common image sizes: many land on a decimal tie at 1e-7
_TIES = st.builds(
    lambda k, size: k / 100 / size,
    st.integers(0, 192000),
    st.sampled_from([640, 1280, 1920, 480, 720, 1080, 7]),
)
_UNIT = st.one_of(
    _TIES.filter(lambda v: v <= 1), st.floats(0, 1), st.sampled_from([0.0, -0.0, 1.0, 5e-7, 0.9999995])
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120) | st.integers(0, 10**9), st.lists(_UNIT, min_size=4, max_size=12)),
        max_size=20,
    )
)
def test_label_numbers_are_those_of_percent_f(rows: list[tuple[int, list[float]]]) -> None:
    # the byte-column formatter against the obvious Python formatting, ties to 1e-7 included
    cls = np.array([c for c, _ in rows], dtype=np.int64)
    counts = [len(v) for _, v in rows]
    row_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    values = np.array([x for _, v in rows for x in v], dtype=np.float64)
    text, starts = label_text.format_rows(cls, row_start, values)
    expected = _percent_f_rows(cls.tolist(), [[abs(x) for x in v] for _, v in rows])  # no "-0"
    assert text == b"\n" + expected  # each row is preceded by its newline
    lines = [text[a + 1 : b + 1] for a, b in zip(starts[:-1].tolist(), starts[1:].tolist())]
    assert lines == expected.splitlines(keepends=True)


@settings(max_examples=25, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.ROTATED_BOX)), st.sampled_from(SHAPE_TASKS))
def test_labels_formatted_in_small_chunks_are_the_same(tmp_path_factory, ds: Dataset, task: str) -> None:
    # large datasets are formatted a chunk of images at a time: the files must not depend on it
    out = tmp_path_factory.mktemp("chunks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, out / "whole", task=task)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(label_text, "CHUNK", 5)
            yolo.write(ds, out / "chunked", task=task)
    whole = sorted((out / "whole" / "labels").rglob("*.txt"))
    chunked = sorted((out / "chunked" / "labels").rglob("*.txt"))
    assert [p.relative_to(out / "whole") for p in whole] == [p.relative_to(out / "chunked") for p in chunked]
    assert [p.read_bytes() for p in whole] == [p.read_bytes() for p in chunked]
