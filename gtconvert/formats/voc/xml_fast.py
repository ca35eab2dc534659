"""The common VOC file read without building a tree: a checked byte-level reader.

Nearly every VOC file is the same small subset of XML: ``<annotation>`` holding a
``<filename>``, a ``<size>`` of leaves and a run of ``<object>`` elements, each a ``<name>``,
some of ``pose``/``truncated``/``difficult``/``occluded`` and a ``<bndbox>`` of the four
corners. For such a file, one regular-expression pass gives the same fields ElementTree would;
:func:`parse` returns None for anything else (comments, CDATA, entities, other encodings,
attributes, parts, actions, other elements in objects, objects not side by side), and the
caller builds the tree. The file must first pass expat (``well_formed``) with defusedxml's
guards armed, so nothing malformed or hostile is read here. ``tests/formats/test_voc_xml_fast.py``
checks it against the tree reader on generated documents.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

_LEAF = rb"<(?:pose|truncated|difficult|occluded)>[^<]*</(?:pose|truncated|difficult|occluded)>"
_OBJECT_TEXT = (
    rb"<object>\s*<name>([^<]*)</name>((?:\s*" + _LEAF + rb")*)\s*"
    rb"<bndbox>\s*<xmin>([^<]+)</xmin>\s*<ymin>([^<]+)</ymin>\s*"
    rb"<xmax>([^<]+)</xmax>\s*<ymax>([^<]+)</ymax>\s*</bndbox>\s*</object>"
)
# objects with the whitespace before them, or any other single character (group 7): one pass
# finds the objects and whatever lies between them
_OBJECTS = re.compile(rb"\s*" + _OBJECT_TEXT + rb"|([\s\S])")
_OTHER = operator.itemgetter(6)
FIELD = re.compile(rb"<(pose|truncated|difficult|occluded)>([^<]*)</\1>")
_START = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>)?\s*<annotation(?:\s[^>]*)?>")
_DECLARED = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']*)[\"']")
_SIZE = re.compile(rb"<size>((?:\s*<(\w+)>[^<]*</\2>)*\s*)</size>")
_SIZE_LEAF = re.compile(rb"<(width|height)>([^<]*)</\1>")
_FILENAME = re.compile(rb"<filename>([^<]*)</filename>")


def well_formed(data: bytes) -> bool:
    """expat parses ``data`` with defusedxml's guards (a DTD, an entity declaration or an
    external reference raise defusedxml's own errors); False for malformed XML."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _forbid_dtd(name: str, *_: Any) -> None:
    raise DTDForbidden(name, None, None)


def _forbid_entity(name: str, *_: Any) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context: str, base: str, sysid: str, pubid: str) -> None:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def parse(data: bytes) -> tuple[Any, ...] | None:
    """``(filename, size, objects)`` of a file in the common subset, else None.

    ``filename`` is the text of the root's ``<filename>`` (None if absent), ``size`` None without
    a ``<size>`` else its ``(width, height)`` texts (None where absent), ``objects`` one
    ``(name, fields, xmin, ymin, xmax, ymax, b"")`` texts per ``<object>``, ``fields`` the raw text
    of its standard fields (:data:`FIELD` finds them).
    """
    if b"<!" in data or b"&" in data or b"<?" in data[5:]:  # comments, CDATA, DTDs, references, PIs
        return None
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    start = _START.match(data)
    if start is None:
        return None
    if b"\r" in data:  # XML's end-of-line rule, applied before parsing
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    first = data.find(b"<object")
    if first < 0:
        objects = []
    else:
        last = data.rfind(b"</object>") + len(b"</object>")
        objects = _OBJECTS.findall(data, first, last)
        if len(objects) != data.count(b"<object") or any(map(_OTHER, objects)):
            return None  # an object of another shape (attributes, parts, actions, ...) or apart
        if _depth(data[:first]) != 1:
            return None  # objects must be the root's children
    filename = _top_leaf(data, b"<filename", _FILENAME)
    size = _top_leaf(data, b"<size", _SIZE)
    if filename is False or size is False:
        return None
    if size is not None:
        leaves: dict[bytes, bytes] = {}
        for leaf in _SIZE_LEAF.finditer(size):
            leaves.setdefault(leaf.group(1), leaf.group(2))  # find() takes the first
        size = (leaves.get(b"width"), leaves.get(b"height"))
    return filename, size, objects


def _depth(prefix: bytes) -> int:
    """How many elements are open at the end of ``prefix`` (no comments, CDATA or PIs inside)."""
    opened = prefix.count(b"<") - prefix.count(b"</") - prefix.count(b"<?")
    return opened - prefix.count(b"</") - prefix.count(b"/>")


def _top_leaf(data: bytes, tag: bytes, pattern: re.Pattern) -> Any:
    """The text of the root's one child ``tag`` (no objects can hold one: their pattern has no
    such tag); None if there is none, False if it is not plainly there (twice, nested, other)."""
    at = data.find(tag)
    if at < 0:
        return None
    m = pattern.match(data, at)
    if m is None or data.find(tag, at + 1) >= 0 or _depth(data[:at]) != 1:
        return False
    return m.group(1)
