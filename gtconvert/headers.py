"""Image size and EXIF orientation of JPEG and PNG files, read by walking their headers.

Pillow's lazy open plus ``getexif()`` costs about 150 microseconds a file, 15 s for 100,000
photos; this walk reads the first few kilobytes and a few markers, several times faster. It
handles the common layouts only (JPEG markers up to the frame header, an ``Exif`` APP1 with a
TIFF IFD0, XMP's ``tiff:Orientation`` as Pillow reads it; PNG chunks) and gives up on anything else (:class:`Unparsed`), for
the caller to ask Pillow: the answers are Pillow's, which ``tests/formats/test_exif_fast_header.py`` checks.
"""

from __future__ import annotations

import os
import re
import struct
from typing import BinaryIO

#: The EXIF Orientation tag.
ORIENTATION = 0x0112

_CHUNK = 4096
_PNG = b"\x89PNG\r\n\x1a\n"
#: JPEG start-of-frame markers (they hold the size): C0-CF except DHT (C4), JPG (C8), DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class Unparsed(Exception):
    """Not a layout this walk knows: ask Pillow."""


def read_header(path: str | os.PathLike) -> tuple[int, int, int]:
    """``(width, height, orientation)`` of a JPEG or PNG; orientation 1 when there is none.

    Raises FileNotFoundError for a missing file and :class:`Unparsed` for any other format
    or layout (including damaged files).
    """
    with open(path, "rb") as f:
        head = f.read(_CHUNK)
        if head[:2] == b"\xff\xd8":
            return _jpeg(f, head)
        if head[:8] == _PNG:
            return _png(f, head)
    raise Unparsed(path)


def _read_at(f: BinaryIO, head: bytes, offset: int, n: int) -> bytes:
    if offset + n <= len(head):
        return head[offset : offset + n]
    f.seek(offset)
    data = f.read(n)
    if len(data) < n:
        raise Unparsed("truncated")
    return data


def _jpeg(f: BinaryIO, head: bytes) -> tuple[int, int, int]:
    pos, tag, xmp = 2, None, None
    while True:
        marker = _read_at(f, head, pos, 4)
        if marker[0] != 0xFF:
            raise Unparsed("not a marker")
        code = marker[1]
        if code == 0xFF:  # fill byte
            pos += 1
            continue
        if code == 0xD8 or 0xD0 <= code <= 0xD7 or code == 0x01:  # markers without a length
            pos += 2
            continue
        length = struct.unpack(">H", marker[2:])[0]
        if length < 2:
            raise Unparsed("bad length")
        if code in _SOF:
            sof = _read_at(f, head, pos + 4, 5)
            height, width = struct.unpack(">HH", sof[1:5])
            if not (width and height):
                raise Unparsed("size in a DNL marker")
            if tag is None and xmp is not None:  # Pillow's fallback: tiff:Orientation in the XMP
                found = _XMP_ORIENTATION.search(xmp)
                tag = int(found[2]) if found else None
            return width, height, tag if tag and 1 <= tag <= 8 else 1
        if code in (0xDA, 0xD9):  # scan or end before any frame header
            raise Unparsed("no frame header")
        if code == 0xE1:
            body = _read_at(f, head, pos + 4, min(length - 2, 32))
            if body.startswith(b"Exif\x00\x00") and tag is None:
                tag = _tiff_orientation(_read_at(f, head, pos + 10, length - 8))  # the first one counts
            elif body.startswith(_XMP):
                xmp = _read_at(f, head, pos + 4, length - 2)  # the last one counts, as in Pillow
        pos += 2 + length


_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_ORIENTATION = re.compile(rb'tiff:Orientation(="|>)([0-9])')
#: PNG text chunks whose keyword makes Pillow read an EXIF block or XMP from them.
_PNG_PROFILES = (b"Raw profile type exif\x00", b"XML:com.adobe.xmp\x00")


def _png(f: BinaryIO, head: bytes) -> tuple[int, int, int]:
    ihdr = _read_at(f, head, 8, 16)
    if ihdr[4:8] != b"IHDR":
        raise Unparsed("no IHDR")
    width, height = struct.unpack(">II", ihdr[8:16])
    pos = 8
    while True:  # every chunk to IEND: Pillow loads the image to look past IDAT for eXIf
        length, kind = struct.unpack(">I4s", _read_at(f, head, pos, 8))
        if kind == b"eXIf":
            tag = _tiff_orientation(_read_at(f, head, pos + 8, length))
            return width, height, tag if tag and 1 <= tag <= 8 else 1
        if kind == b"IEND":
            return width, height, 1
        if kind in (b"iTXt", b"zTXt", b"tEXt"):
            keyword = _read_at(f, head, pos + 8, min(length, 24))
            if keyword.startswith(_PNG_PROFILES):
                raise Unparsed("an EXIF or XMP profile in a text chunk")
        pos += 12 + length


def _tiff_orientation(tiff: bytes) -> int | None:
    """The Orientation value in IFD0 of a TIFF block; None when there is none."""
    if tiff[:4] == b"II*\x00":
        end = "<"
    elif tiff[:4] == b"MM\x00*":
        end = ">"
    else:
        raise Unparsed("not a TIFF header")
    (ifd,) = struct.unpack(end + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        raise Unparsed("IFD0 outside the block")
    (count,) = struct.unpack(end + "H", tiff[ifd : ifd + 2])
    if ifd + 2 + 12 * count > len(tiff):
        raise Unparsed("IFD0 entries outside the block")
    for i in range(count):
        entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
        tag, kind, n = struct.unpack(end + "HHI", entry[:8])
        if tag != ORIENTATION:
            continue
        if kind != 3 or n != 1:  # SHORT, one value: anything else is left to Pillow
            raise Unparsed("unusual Orientation entry")
        return struct.unpack(end + "H", entry[8:10])[0]
    return None
