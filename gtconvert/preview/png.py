"""A fast lossless PNG writer for 8-bit RGB overlays (its oracle: Pillow decodes it, ``tests/test_preview_png.py``).

Pillow's PNG encoder tries all five PNG filters on every row and keeps the best (adaptive
filtering): on a 1080p overlay that is ~60 % of its encoding time and about half of a preview's
CPU. Here every row gets the "Sub" filter (each byte minus the same channel of the pixel to its
left, modulo 256), computed for the whole image in one numpy subtraction, then one zlib stream
at level 1 with the run-length strategy. Encoding is ~2.4x faster; files are ~1.3-1.9x larger
than Pillow's at the same zlib level. The pixels are the same: PNG is lossless either way.
"""

from __future__ import annotations

import os
import struct
import zlib
from typing import Any

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SUB = 1  # PNG filter type 1: Sub


def rgb_png_bytes(image: Any) -> bytes:
    """The PNG file of a Pillow ``RGB`` image (8 bits per channel, no metadata)."""
    if image.mode != "RGB":
        raise ValueError(f"rgb_png_bytes needs an RGB image, not {image.mode}")
    width, height = image.size
    rows = np.frombuffer(image.tobytes(), dtype=np.uint8).reshape(height, width * 3)
    scanlines = np.empty((height, width * 3 + 1), dtype=np.uint8)
    scanlines[:, 0] = _SUB
    scanlines[:, 1:4] = rows[:, :3]  # the first pixel has no left neighbour: kept as is
    np.subtract(rows[:, 3:], rows[:, :-3], out=scanlines[:, 4:])  # uint8 wraps: modulo 256
    deflate = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_RLE)
    data = deflate.compress(scanlines) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def save_rgb_png(image: Any, path: str | os.PathLike) -> None:
    """Write :func:`rgb_png_bytes` of ``image`` to ``path``."""
    with open(path, "wb") as f:
        f.write(rgb_png_bytes(image))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
