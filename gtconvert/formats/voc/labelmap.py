"""``labelmap.txt``: the class list of a VOC folder, one ``name:r,g,b:parts:actions`` a line.

CVAT and Datumaro write it (``# label:color_rgb:parts:actions`` first, ``background:0,0,0::``
next); a class's position is its value in ``SegmentationClass`` PNGs, its colour the RGB of
those pixels; ``parts`` names the part boxes of its objects (``head,hand,foot``), ``actions``
the 0/1 flags of its objects' ``<actions>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import GtconvertError
from ...fileio import read_text
from ...model import Category
from ...png import voc_colormap

FILE = "labelmap.txt"
BACKGROUND = "background"
#: Datumaro's classes of a VOC folder without a labelmap (the VOC 2012 classes, value order).
VOC_CLASSES = (
    "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
    "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
    "train", "tvmonitor",
)  # fmt: skip
ACTIONS_KEY = "voc_actions"  # Category.extra: the action flags of a class's objects


@dataclass
class Entry:
    """One line of a label map."""

    name: str
    colour: tuple[int, int, int] | None = None
    parts: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def read(root: Path) -> list[Entry] | None:
    """The entries of ``root/labelmap.txt`` in file order, or None without one."""
    path = root / FILE
    if not path.is_file():
        return None
    entries: list[Entry] = []
    for n, line in enumerate(read_text(path, what="labelmap.txt").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, colour, parts, actions = [*line.rsplit(":", 3), "", "", ""][:4]  # names may hold ':'
        entries.append(Entry(name, _colour(colour, path, n), _names(parts), _names(actions)))
    return entries


def _names(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _colour(text: str, path: Path, line: int) -> tuple[int, int, int] | None:
    if not text.strip():
        return None
    try:
        rgb = tuple(int(c) for c in text.split(","))
    except ValueError:
        rgb = ()
    if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
        raise GtconvertError(
            f"colour {text!r} is not r,g,b (0-255)", file=path, record=f"line {line}", fix="write it as r,g,b"
        )
    return rgb  # type: ignore[return-value]


def class_colours(entries: list[Entry]) -> np.ndarray:
    """(K, 3) colours of the class values 0..K-1: the label map's, else the VOC colour map.

    As Datumaro: when no line gives a colour, class k has VOC colour k; when some do, only
    theirs are known (the others get -1, a colour no pixel has).
    """
    if not any(e.colour for e in entries):
        return voc_colormap(max(len(entries), 1)).astype(np.int64)[: len(entries)]
    return np.array([e.colour or (-1, -1, -1) for e in entries], dtype=np.int64).reshape(-1, 3)


def class_values(categories: list[Category]) -> np.ndarray:
    """The SegmentationClass value of each category row: its line in :func:`write`'s label map.

    A category named ``background`` is 0 (the background line); the others count from 1 in
    category order, part categories (those with a ``parent``) last, where Datumaro numbers the
    parts a label map names. Without those two cases this is simply ``row + 1``.
    """
    values = np.zeros(len(categories), dtype=np.int64)
    order = [k for k, c in enumerate(categories) if c.name != BACKGROUND and not c.parent]
    order += [k for k, c in enumerate(categories) if c.name != BACKGROUND and c.parent]
    values[order] = np.arange(1, len(order) + 1)
    return values


def class_names(entries: list[Entry]) -> list[str]:
    """The class of each SegmentationClass value: the label map's lines, then the parts it names."""
    names = [e.name for e in entries]
    return names + [p for p in dict.fromkeys(p for e in entries for p in e.parts) if p not in names]


def write(path: Path, categories: list[Category]) -> None:
    """``labelmap.txt`` as CVAT writes it (``name:r,g,b:parts:actions``), colours = the PNG palette.

    Line k is SegmentationClass value k (:func:`class_values`), its colour VOC colour k. A
    category named ``background`` is not listed a second time: Datumaro refuses a label map
    that names a class twice, and the PNGs would hold two background classes. Parts are named
    on their parent's line, not on lines of their own, as Datumaro reads them.
    """
    values = class_values(categories)
    cmap = voc_colormap(int(values.max(initial=0)) + 1)
    parts: dict[str, list[str]] = {}
    for c in categories:
        if c.parent and c.name != BACKGROUND:
            parts.setdefault(c.parent, []).append(c.name)
    lines = ["# label:color_rgb:parts:actions", f"{BACKGROUND}:0,0,0::"]
    for k in np.argsort(values, kind="stable").tolist():
        c = categories[k]
        if c.name == BACKGROUND or c.parent:
            continue
        actions = c.extra.get(ACTIONS_KEY, []) if isinstance(c.extra, dict) else []
        colour = ",".join(map(str, cmap[values[k]]))
        lines.append(f"{c.name}:{colour}:{','.join(parts.get(c.name, []))}:{','.join(map(str, actions))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
