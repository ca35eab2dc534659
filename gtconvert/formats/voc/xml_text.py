"""The exact text of VOC annotation files: one XML document per image, made from templates.

Boxes are 1-based and inclusive (or zero-based, ``origin="zero"``); integral values are written as integers, others as the
shortest decimal that reads back exactly (``repr``), never truncated or rounded.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import numpy as np

from ... import geometry, report
from ...model import Dataset
from . import origin as origins
from .labelmap import ACTIONS_KEY
from .layout import DEFAULTS, IMAGES, STANDARD

_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")  # an action name that is an XML tag


def escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (as ``xml.sax.saxutils.escape``,
    whose import pulls in ``urllib``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def number_texts(values: np.ndarray, is_int: np.ndarray) -> np.ndarray:
    """An integer where the value is one, else the shortest exact decimal (``repr``): a flat
    object array of texts.

    ``repr`` searches for the shortest digits, one float at a time. Values with at most
    three decimals (a ruler's or a labelling tool's) are written from integers instead: when
    ``round(v * 1000) / 1000 == v`` (exact, IEEE division is correctly rounded) that decimal
    parses to ``v``, and below 1e9 no shorter decimal can (neighbours 0.001 apart are distinct
    doubles), so it is the text ``repr`` gives. Everything else goes through ``repr``.
    """
    flat, ints = values.ravel(), is_int.ravel()
    out = np.empty(len(flat), dtype=object)
    safe = ints & (np.abs(flat) < 2.0**62)
    out[safe] = _int_texts(flat[safe])
    out[ints & ~safe] = [str(int(v)) for v in flat[ints & ~safe].tolist()]
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: no decimals to look for
        milli = np.round(flat * 1000)
        short = ~ints & (flat > 0) & (flat < 1e9) & (milli / 1000 == flat)
    whole, frac = np.divmod(milli[short].astype(np.int64), 1000)
    out[short] = [w + _DECIMALS[f] for w, f in zip(_int_texts(whole), frac.tolist())]
    rest = ~ints & ~short
    out[rest] = [repr(v) for v in flat[rest].tolist()]
    return out


_DECIMALS = [""] + [f".{k:03d}".rstrip("0") for k in range(1, 1000)]  # k / 1000 as repr ends


def _int_texts(values: np.ndarray) -> list[str]:
    """Whole numbers (|v| < 2**62) as text, in one C call (``repr`` of a list)."""
    if not len(values):
        return []
    return repr(values.astype(np.int64).tolist())[1:-1].split(", ")


def _attr_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_PLAIN = "".join(f"    <{k}>{v}</{k}>\n" for k, v in DEFAULTS.items())
_PLAIN_TRUNCATED = _PLAIN.replace("<truncated>0<", "<truncated>1<")
_HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n'
    f"  <folder>{IMAGES}</folder>\n  <filename>%s</filename>\n"
    "  <source><database>gtconvert</database></source>\n"
    "  <size><width>%s</width><height>%s</height><depth>3</depth></size>\n"
    "  <segmented>%d</segmented>\n"
)
_FOOTER = "</annotation>\n"
_BNDBOX = "    <bndbox><xmin>%s</xmin> <ymin>%s</ymin> <xmax>%s</xmax> <ymax>%s</ymax></bndbox>\n"
_OBJECT_START = "  <object>\n    <name>%s</name>\n%s    <bndbox><xmin>"
_BNDBOX_SEPARATORS = ("</xmin> <ymin>", "</ymin> <xmax>", "</xmax> <ymax>", "</ymax></bndbox>\n  </object>\n")


def xml_texts(
    dataset: Dataset,
    names: list[str],
    rows: np.ndarray,
    starts: np.ndarray,
    boxes: np.ndarray,
    clipped: np.ndarray,
    width: np.ndarray,
    height: np.ndarray,
    segmented: np.ndarray,
    origin: str = "devkit",
    parent_at: np.ndarray | None = None,
) -> list[str]:
    """One XML document per image (UTF-8, declared), objects in the order of ``rows``.

    Every object's text is made from one template (names escaped once per category, numbers
    formatted in one pass); only objects with attributes or parts take the longer path.
    ``parent_at[j]`` >= 0: row ``j`` is a ``<part>`` of the object at that position.
    """
    ann = dataset.annotations
    voc, is_int = geometry.snap_integers(origins.from_coco(boxes, origin))
    numbers = number_texts(voc, is_int).reshape(-1, 4)
    # every document is a run of pieces: header, 9 per object, footer; one join per file
    n_images, n_objects = len(names), len(rows)
    image_of = np.repeat(np.arange(n_images), np.diff(starts))
    base = 9 * np.arange(n_objects) + 2 * image_of + 1
    pieces = np.empty(2 * n_images + 9 * n_objects, dtype=object)
    pieces[2 * np.arange(n_images) + 9 * starts[:-1]] = [
        _HEADER % (escape(name.rpartition("/")[2]), w, h, seg)
        for name, w, h, seg in zip(names, width.tolist(), height.tolist(), segmented.tolist())
    ]
    pieces[2 * np.arange(n_images) + 9 * starts[1:] + 1] = _FOOTER
    prefixes = np.array(
        [_OBJECT_START % (escape(c.name), f) for c in dataset.categories for f in (_PLAIN, _PLAIN_TRUNCATED)]
        or [""],
        dtype=object,
    )
    pieces[base] = prefixes[2 * ann.category[rows] + clipped]
    for k, separator in enumerate(_BNDBOX_SEPARATORS):
        pieces[base + 2 * k + 1] = numbers[:, k]
        pieces[base + 2 * k + 2] = separator
    attributes = ann.attributes[rows].tolist()
    parts = _part_texts(dataset, rows, numbers, parent_at)
    for j in sorted({j for j, a in enumerate(attributes) if a} | set(parts)):  # the rare longer ones
        category = dataset.categories[ann.category[rows[j]]]
        bndbox = _BNDBOX % tuple(numbers[j])
        actions = category.extra.get(ACTIONS_KEY, []) if isinstance(category.extra, dict) else []
        pieces[base[j]] = _object_with_attributes(
            escape(category.name), attributes[j] or {}, bndbox, bool(clipped[j]), parts.get(j, []), actions
        )
        pieces[base[j] + 1 : base[j] + 9] = ""
    if parent_at is not None:
        for j in np.flatnonzero(parent_at >= 0).tolist():  # written inside their object
            pieces[base[j] : base[j] + 9] = ""
    flat = pieces.tolist()
    bounds = (2 * np.arange(n_images + 1) + 9 * starts).tolist()
    return ["".join(flat[a:b]) for a, b in itertools.pairwise(bounds)]


def _part_texts(
    dataset: Dataset, rows: np.ndarray, numbers: np.ndarray, parent_at: np.ndarray | None
) -> dict[int, list[str]]:
    """The ``<part>`` elements of each object position that holds parts."""
    out: dict[int, list[str]] = {}
    if parent_at is None:
        return out
    nested = np.flatnonzero(parent_at >= 0)
    for j in nested.tolist():
        name = escape(dataset.categories[dataset.annotations.category[rows[j]]].name)
        box = _BNDBOX % tuple(numbers[j])
        out.setdefault(int(parent_at[j]), []).append(
            f"    <part>\n      <name>{name}</name>\n  {box}    </part>\n"
        )
    lost = sum(1 for j in nested.tolist() if dataset.annotations.attributes[rows[j]])
    report.warn(
        "voc.part_attributes", f"VOC: the attributes of {lost} parts not written (a <part> has none)", lost
    )
    return out


def _object_with_attributes(
    name: str,
    attributes: dict[str, Any],
    bndbox: str,
    clipped: bool,
    part_texts: list[str] = (),  # type: ignore[assignment]
    action_names: list[str] = (),  # type: ignore[assignment]
) -> str:
    """One ``<object>`` whose standard fields, ``<actions>`` (the category's action names, 0/1
    as Datumaro writes them) or ``<attributes>`` come from its attributes, then its parts."""
    attrs = dict(attributes)
    std = {k: attrs.pop(k, DEFAULTS.get(k)) for k in STANDARD}
    if clipped:
        std["truncated"] = 1
    parts = [f"  <object>\n    <name>{name}</name>\n"]
    parts += [f"    <{k}>{escape(_attr_text(std[k]))}</{k}>\n" for k in STANDARD if std[k] is not None]
    parts.append(bndbox)
    parts += part_texts
    flags = [a for a in action_names if a in attrs and _TAG.fullmatch(str(a))]
    if flags:
        parts.append("    <actions>\n")
        parts += [f"      <{a}>{int(bool(attrs.pop(a)))}</{a}>\n" for a in flags]
        parts.append("    </actions>\n")
    if attrs:
        parts.append("    <attributes>\n")
        parts += [
            f"      <attribute><name>{escape(str(k))}</name><value>{escape(_attr_text(v))}</value></attribute>\n"
            for k, v in attrs.items()
        ]
        parts.append("    </attributes>\n")
    parts.append("  </object>\n")
    return "".join(parts)
