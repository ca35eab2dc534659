"""Label files read and parsed all at once: one columnar table of rows, checked as a trainer checks.

Speed (issue 19): the texts are read in batches from a few threads, then the rows of every file
are parsed together (one ``split`` per line, one float conversion for all values), instead of
one numpy parse per file, which cost more than the rest of reading a 5,000-image folder. The
oracle is the per-file parse of ``tests/formats/test_yolo_labelfiles.py``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ... import imagefiles
from ...errors import GtconvertError
from ...fileio import read_regular


def read_texts(labels: list[str]) -> list[str | None]:
    """The text of every label file (None for a missing one), read in batches from a few threads."""
    if len(labels) <= 256:
        return _read_batch(labels)
    size = max(64, len(labels) // (4 * imagefiles.IO_THREADS) + 1)
    batches = [labels[i : i + size] for i in range(0, len(labels), size)]
    with ThreadPoolExecutor(imagefiles.IO_THREADS) as pool:
        return [text for batch in pool.map(_read_batch, batches) for text in batch]


def _read_batch(labels: list[str]) -> list[str | None]:
    out: list[str | None] = []
    for p in labels:
        try:
            out.append(read_regular(p).decode("utf-8"))  # a FIFO or /dev/zero is refused, not read
        except FileNotFoundError:
            out.append(None)  # an image without a label file has no objects (Ultralytics' rule)
        except UnicodeDecodeError as exc:
            raise GtconvertError(f"label file is not UTF-8 text ({exc})", file=p) from None
    return out


def parse_labels(
    texts: list[str | None], labels: list[str], n_classes: int, pose: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(numbers per row, all values, rows per file)`` of every label file, checked.

    Rows have 5 numbers (box) or 2k+1 with k >= 3 (polygon), or 5 + K * dims with ``pose``
    (``kpt_shape [K, dims]``); every value is a finite number and every class an integer below
    ``n_classes``. An error names the file and its line (among its non-blank lines).
    """
    lines: list[str] = []
    per_file = np.zeros(len(texts), dtype=np.int64)
    for k, text in enumerate(texts):
        if text:
            kept = [ln for ln in text.splitlines() if ln.strip()]
            per_file[k] = len(kept)
            lines += kept
    cols = np.fromiter(map(len, map(str.split, lines)), dtype=np.int64, count=len(lines))
    where = _Where(labels, per_file)
    if pose is not None:
        k, dims = pose
        _refuse(
            where, cols != 5 + k * dims, f"kpt_shape [{k}, {dims}] makes pose rows of {5 + k * dims}", cols
        )
    else:
        bad = (cols != 5) & ((cols < 7) | (cols % 2 == 0))
        _refuse(where, bad, "YOLO rows have 5 (box) or 2k+1 with k >= 3 (polygon)", cols)
    try:
        values = np.array(" ".join(lines).split(), dtype=np.float64)
    except ValueError:
        _refuse_text(where, lines)
    ends = np.cumsum(cols)
    if not np.isfinite(values).all():
        row = int(np.searchsorted(ends, np.flatnonzero(~np.isfinite(values))[0], side="right"))
        raise GtconvertError("label file holds a value that is not a finite number", **where.of(row))
    cls = values[ends - cols]
    wrong = np.flatnonzero((cls != np.round(cls)) | (cls < 0) | (cls >= n_classes))
    if len(wrong):
        raise GtconvertError(
            f"class {cls[wrong[0]]:g} is not one of the {n_classes} classes in data.yaml names",
            **where.of(int(wrong[0])),
        )
    return cols, values, per_file


class _Where:
    """Which file and line a row of the joined table is."""

    def __init__(self, labels: list[str], per_file: np.ndarray) -> None:
        self.labels = labels
        self.ends = np.cumsum(per_file)

    def of(self, row: int) -> dict[str, str]:
        k = int(np.searchsorted(self.ends, row, side="right"))
        first = int(self.ends[k - 1]) if k else 0
        return {"file": str(self.labels[k]), "record": f"line {row - first + 1}"}


def _refuse(where: _Where, bad: np.ndarray, rule: str, cols: np.ndarray) -> None:
    rows = np.flatnonzero(bad)
    if len(rows):
        row = int(rows[0])
        raise GtconvertError(f"a row has {cols[row]} numbers; {rule}", **where.of(row))


def _refuse_text(where: _Where, lines: list[str]) -> None:
    """The first row holding something that is not a number (found only when there is one)."""
    for row, line in enumerate(lines):
        try:
            [float(v) for v in line.split()]
        except ValueError:
            raise GtconvertError("label file holds something that is not a number", **where.of(row)) from None
    raise AssertionError("unreachable: numpy refused a text that every line parses")
