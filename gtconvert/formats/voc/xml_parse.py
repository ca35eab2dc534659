"""VOC annotation files -> documents (file name, size, objects) and one array of box corners."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ... import imagefiles
from ...errors import GtconvertError
from ...fileio import gc_paused
from . import xml_fast
from .layout import DEFAULTS, STANDARD

# ---- XML files -> documents and one array of boxes -------------------------------------
#
# defusedxml parses (its parser refuses DTDs and entities); the Python work per element is
# kept small: an object's fields are read with ElementTree's C ``findtext``, its four
# coordinates stay text until all files are read, then become one numpy array checked at once.

_BOX_TAGS = ("xmin", "ymin", "xmax", "ymax")
_DEFAULT_TEXT = {"pose": "Unspecified", "truncated": "0", "difficult": "0"}
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64  # files per thread-pool task


def read_documents(
    xml_files: list[str], ann_dir: Path, slack: int = 1
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Every XML file parsed (read by a small thread pool), and the (N, 4) VOC boxes of all objects.

    ``slack``: how far ``xmax`` may lie below ``xmin`` (1 for the devkit's inclusive corners,
    where ``xmax = xmin`` is one pixel; 0 for zero-based corners).
    """
    raw = _read_bytes(xml_files)
    caches: tuple[dict, dict] = ({}, {})  # the name and field texts seen, and what they make
    with gc_paused():  # a dict per object and a tree per file, none in a cycle
        docs = [_parse_xml(data, path, ann_dir, caches) for data, path in zip(raw, xml_files)]
    return docs, _box_values(docs, slack)


def _read_bytes(paths: list[str]) -> list[bytes]:
    from concurrent.futures import ThreadPoolExecutor

    def one(path: str) -> bytes:
        try:
            # non-blocking open: a FIFO named *.xml must not hang the read; it is refused below
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise GtconvertError(f"cannot read the XML file ({exc.strerror or exc})", file=path) from None
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO, a device such as /dev/zero
                raise GtconvertError(
                    "not a regular file", file=path, fix="replace it with the XML file or remove it"
                )
            try:
                return f.read()
            except OSError as exc:
                raise GtconvertError(f"cannot read the XML file ({exc.strerror or exc})", file=path) from None

    def chunk(start: int) -> list[bytes]:
        return [one(p) for p in paths[start : start + _CHUNK]]

    if len(paths) > _CHUNK:  # threads pay off where files come from disk or the network
        with ThreadPoolExecutor(imagefiles.IO_THREADS) as pool:
            return [data for part in pool.map(chunk, range(0, len(paths), _CHUNK)) for data in part]
    return [one(p) for p in paths]


def defused_parser(*, namespaced: bool) -> Any:
    """defusedxml's parser (DTDs refused, entity and external-reference handlers armed).

    defusedxml builds on the pure-Python ElementTree parser, which makes two Python calls per
    element; they only rename namespaced tags and pass the event on to the C tree builder. For
    a file without namespaces (every VOC file) the element events go straight to the tree
    builder: the same tree without those calls, and every defusedxml guard stays in place.
    A DTD in an encoding the byte check cannot see (UTF-16) still fails here.
    """
    import xml.etree.ElementTree as ET

    from defusedxml.ElementTree import DefusedXMLParser

    builder = ET.TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    expat = getattr(parser, "parser", None)
    if not namespaced and expat is not None:
        expat.ordered_attributes = False  # attributes as a dict, as TreeBuilder.start takes them
        expat.StartElementHandler = builder.start
        expat.EndElementHandler = builder.end
    return parser


def _text(node: Any, tag: str) -> str | None:
    child = node.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _parse_xml(data: bytes, path: str | Path, ann_dir: Path, caches: tuple[dict, dict]) -> dict[str, Any]:
    """One annotation file -> file name, size and objects (name, box texts, attributes).

    The common subset is read by :mod:`.xml_fast` (after expat has checked the file with
    defusedxml's guards); any other file is parsed into a tree.
    """
    from defusedxml.common import DefusedXmlException

    if b"<!" in data and any(marker in data for marker in _DTD_MARKERS):  # refused before parsing
        raise GtconvertError(
            "the file declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); VOC XML needs none and they "
            "are refused (entity expansion bombs, external entities)",
            file=path,
            fix="remove the <!DOCTYPE ...> declaration",
        )
    try:
        fast = xml_fast.parse(data) if xml_fast.well_formed(data) else None
    except DefusedXmlException:
        fast = None  # the tree parser names the problem
    doc = _fast_document(fast, path, ann_dir, caches) if fast is not None else None
    return doc if doc is not None else parse_tree(data, path, ann_dir)


def _fast_document(
    fast: tuple, path: str | Path, ann_dir: Path, caches: tuple[dict, dict]
) -> dict[str, Any] | None:
    """A document from :func:`.xml_fast.parse`'s texts, as :func:`parse_tree` makes it (None
    where the tree reader would raise: it names the problem). Names and standard-field texts
    repeat across objects and files: each distinct text is decoded once (``caches``)."""
    filename, size, found = fast
    name_of, attributes_of = caches
    names_b, fields_b = [t[0] for t in found], [t[1] for t in found]
    for raw in set(names_b).difference(name_of):
        name_of[raw] = raw.decode("utf-8").strip()
    for raw in set(fields_b).difference(attributes_of):
        pairs: dict[str, str] = {}
        for m in xml_fast.FIELD.finditer(raw):
            pairs.setdefault(m.group(1).decode(), m.group(2).decode("utf-8"))
        attributes_of[raw] = standard_attributes(pairs.get) or None
    names = list(map(name_of.__getitem__, names_b))
    if "" in names:
        return None
    attributes = list(map(attributes_of.__getitem__, fields_b))
    if any(attributes):
        attributes = [dict(a) if a else None for a in attributes]  # each object its own dict
    stem = _stem(path, ann_dir)
    sub, _, base = stem.rpartition("/")
    filename = (filename.decode("utf-8").strip() if filename is not None else "") or f"{base}.jpg"
    width, height = (None, None) if size is None else size
    return _document(
        path,
        stem,
        str(PurePosixPath(sub) / filename) if sub else filename,
        _float(width.decode().strip(), "width", path, "size") if width else 0.0,
        _float(height.decode().strip(), "height", path, "size") if height else 0.0,
        names,
        attributes,
        [t[2:6] for t in found],
    )


def _document(
    path: str | Path | None,
    stem: str,
    file_name: str,
    width: float,
    height: float,
    names: list[str],
    attributes: list,
    box_text: list,
    parents: list[int] | None = None,
    actions: list[tuple[int, list[str]]] | None = None,
) -> dict[str, Any]:
    """One image's document, its objects as columns (one entry per row, parts included).

    ``parents``: None without parts, else each row's parent row in this document (-1 for an
    object); ``actions``: the rows that have ``<actions>`` and their action names.
    """
    return {
        "path": path,
        "stem": stem,
        "file_name": file_name,
        "width": width,
        "height": height,
        "names": names,
        "attributes": attributes,
        "box_text": box_text,
        "parents": parents,
        "actions": actions or [],
    }


def parse_tree(data: bytes, path: str | Path, ann_dir: Path) -> dict[str, Any]:
    """One annotation file parsed into a tree by defusedxml's parser (any VOC file)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        parser = defused_parser(namespaced=b"xmlns" in data)
        parser.feed(data)
        top = parser.close()
    except (ElementTree.ParseError, DefusedXmlException, LookupError) as exc:  # LookupError: unknown encoding
        raise GtconvertError(f"not a valid VOC XML file ({exc})", file=path) from None
    if top.tag != "annotation":
        raise GtconvertError(f"root element is <{top.tag}>, not <annotation>", file=path)
    stem = _stem(path, ann_dir)
    folder, _, base = stem.rpartition("/")
    filename = _text(top, "filename") or f"{base}.jpg"
    size = top.find("size")
    names, attributes, boxes, parents, actions = [], [], [], [], []
    for k, node in enumerate(top.iterfind("object")):
        obj, box = _parse_object(node, path, k)
        parent_row = len(names)
        for row, (o, b) in enumerate(
            [(obj, box)]
            + [  # person layout: head, hand, foot
                _parse_object(part, path, k, f"part {j + 1} of ")
                for j, part in enumerate(node.iterfind("part"))
            ]
        ):
            names.append(o["name"])
            attributes.append(o["attributes"])
            boxes.append(b)
            parents.append(-1 if row == 0 else parent_row)
            if "actions" in o:
                actions.append((len(names) - 1, o["actions"]))
    return _document(
        path,
        stem,
        str(PurePosixPath(folder) / filename) if folder else filename,
        _number_of(size, "width", path, "size") if size is not None else 0.0,
        _number_of(size, "height", path, "size") if size is not None else 0.0,
        names,
        attributes,
        boxes,
        parents if any(p >= 0 for p in parents) else None,
        actions,
    )


def _stem(path: str | Path, ann_dir: Path) -> str:
    """``Annotations/sub/a.xml`` -> ``sub/a``, by string slicing (once per file: pathlib is slow)."""
    text, folder = str(path), str(ann_dir) + os.sep
    if text.startswith(folder) and text.endswith(".xml"):
        return text[len(folder) : -4].replace(os.sep, "/")
    return Path(path).relative_to(ann_dir).with_suffix("").as_posix()


def _number_of(node: Any, tag: str, path: str | Path, record: str) -> float:
    text = _text(node, tag)
    if text is None:
        return 0.0 if record == "size" else _missing(tag, path, record)
    return _float(text, tag, path, record)


def _float(text: str, tag: str, path: str | Path, record: str) -> float:
    try:
        value = float(text)  # tolerate 48.0 and 48.5 written by other tools
    except ValueError:
        raise GtconvertError(f"<{tag}> is {text!r}, not a number", file=path, record=record) from None
    if not math.isfinite(value):
        raise GtconvertError(f"<{tag}> is {text!r}, not a finite number", file=path, record=record)
    return value


def _missing(tag: str, path: str | Path, record: str) -> float:
    raise GtconvertError(f"<{tag}> is missing", file=path, record=record, fix=f"add <{tag}>")


def _value(text: str) -> Any:
    """An attribute value: numbers and booleans as written by our writer (JSON), else the text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (int, float, bool)) else text


def standard_attributes(text_of: Any) -> dict[str, Any]:
    """``pose``/``truncated``/``difficult``/``occluded`` that differ from the defaults, given
    ``text_of(tag)``: the text of the object's first child ``tag``, or None."""
    attrs: dict[str, Any] = {}
    for key in STANDARD:
        text = text_of(key)
        if text and text != _DEFAULT_TEXT.get(key):  # the writer's defaults need no parsing
            value = _value(text.strip())
            if value != DEFAULTS.get(key):  # keep only what says something
                attrs[key] = value
    return attrs


def _parse_object(node: Any, path: str | Path, k: int, what: str = "") -> tuple[dict[str, Any], list[str]]:
    """One <object> (or <part>): its name and attributes, and the texts of its four coordinates.

    ``<actions><jumping>1</jumping>...`` become boolean attributes named by the action, as
    Datumaro reads them; the object's ``actions`` lists their names in file order.

    ``findtext`` (C) gives ``None`` for an absent child and ``""`` for an empty one; both mean
    missing. Coordinates stay text here: :func:`_box_values` converts all files' at once.
    """
    name = node.findtext("name")
    name = name.strip() if name else name
    if not name:
        raise GtconvertError(f"{what}object has no <name>", file=path, record=f"{what}object {k + 1}")
    box = node.find("bndbox")
    if box is None:
        raise GtconvertError("object has no <bndbox>", file=path, record=f"{what}object {k + 1} ({name})")
    texts = [box.findtext(t) for t in _BOX_TAGS]
    if None in texts or "" in texts:
        missing = next(t for t, v in zip(_BOX_TAGS, texts) if not v)
        _missing(missing, path, f"{what}object {k + 1} ({name})")
    attrs = standard_attributes(node.findtext)
    if node.find("attributes") is not None:
        for a in node.iterfind("attributes/attribute"):
            key = _text(a, "name")
            if key:
                attrs[key] = _value(_text(a, "value") or "")
    actions = node.find("actions")
    names: list[str] = []
    if actions is not None:
        for flag in actions:
            names.append(flag.tag)
            attrs[flag.tag] = (flag.text or "").strip() not in ("", "0", "false", "False")
    out: dict[str, Any] = {"name": name, "attributes": attrs or None}
    if names:
        out["actions"] = names
    return out, texts  # type: ignore[return-value]


def _box_values(docs: list[dict[str, Any]], slack: int) -> np.ndarray:
    """The coordinate texts of all objects as one (N, 4) array, checked at once.

    The first bad value is found again, one by one, only to name its file and object.
    """
    flat = [t for d in docs for box in d["box_text"] for t in box]
    try:
        xyxy = np.array(flat, dtype=np.float64).reshape(-1, 4)
        bad = (
            ~np.isfinite(xyxy).all(axis=1)
            | (xyxy[:, 2] < xyxy[:, 0] - slack)
            | (xyxy[:, 3] < xyxy[:, 1] - slack)
        )
    except ValueError:  # a text that is not a number
        xyxy, bad = np.zeros((0, 4)), np.ones(len(flat) // 4, dtype=bool)
    if bad.any():
        _raise_first_bad_box(docs, int(np.flatnonzero(bad)[0]), slack)
    return xyxy


def _raise_first_bad_box(docs: list[dict[str, Any]], first: int, slack: int) -> None:
    """Check the objects from row ``first`` on, one by one, and raise for the first bad one."""
    starts = np.concatenate([[0], np.cumsum([len(d["box_text"]) for d in docs])])
    r0 = int(np.searchsorted(starts, first, side="right")) - 1  # the file holding row ``first``
    for r in range(r0, len(docs)):
        d = docs[r]
        for k in range(first - int(starts[r]) if r == r0 else 0, len(d["box_text"])):
            record = _record(d, k)
            texts = [t.decode("utf-8") if isinstance(t, bytes) else t for t in d["box_text"][k]]
            xyxy = [_float(t.strip(), tag, d["path"], record) for t, tag in zip(texts, _BOX_TAGS)]
            for lo, hi, axis in ((0, 2, "x"), (1, 3, "y")):
                if xyxy[hi] < xyxy[lo] - slack:  # devkit: width = xmax - xmin + 1 (floats allowed)
                    less = f" - {slack}" if slack else ""
                    raise GtconvertError(
                        f"{axis}max {xyxy[hi]:g} < {axis}min {xyxy[lo]:g}{less}: the box has a negative size",
                        file=d["path"],
                        record=record,
                        fix=f"swap {axis}min and {axis}max",
                    )
    raise AssertionError("a bad box was found but not again")  # pragma: no cover


def top_rows(doc: dict[str, Any]) -> list[int]:
    """The rows of a document's objects, not their parts (object k of the XML is row tops[k])."""
    parents = doc["parents"]
    n = len(doc["box_text"])
    return list(range(n)) if parents is None else [j for j in range(n) if parents[j] < 0]


def _record(doc: dict[str, Any], row: int) -> str:
    """``object 3 (person)``, or ``object 3 (person), part head`` for a part's row."""
    tops = top_rows(doc)
    parents, names = doc["parents"], doc["names"]
    if parents is not None and parents[row] >= 0:
        parent = parents[row]
        return f"object {tops.index(parent) + 1} ({names[parent]}), part {names[row]}"
    return f"object {tops.index(row) + 1} ({names[row]})"
