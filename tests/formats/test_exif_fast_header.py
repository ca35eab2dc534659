"""gtconvert.headers (the hand walk of JPEG/PNG headers) against its oracle, Pillow.

Each file is made here in one of the layouts cameras and tools write; the walk must give
Pillow's size and orientation (``getexif``, 1 outside 1-8), or hand the file to Pillow.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import pytest

from gtconvert import headers, imagefiles

Image = pytest.importorskip("PIL.Image")

XMP = b'<x:xmpmeta><rdf:Description tiff:Orientation="%d"/></x:xmpmeta>'


def _oracle(path: Path) -> tuple[int, int, int]:
    with Image.open(path) as im:
        tag = im.getexif().get(0x0112, 1)
        return im.size[0], im.size[1], tag if isinstance(tag, int) and 1 <= tag <= 8 else 1


def _tiff(tag: int | None, endian: str, before: int = 3) -> bytes:
    """An Exif block: IFD0 with ``before`` other SHORT entries, then Orientation (when given)."""
    e = "<" if endian == "II" else ">"
    entries = [(0x0100 + i, 3, 1, 7) for i in range(before)] + (
        [(0x0112, 3, 1, tag)] if tag is not None else []
    )
    ifd = struct.pack(e + "H", len(entries)) + b"".join(
        struct.pack(e + "HHIH2x", t, k, n, v) for t, k, n, v in entries
    )
    head = (b"II*\x00" if endian == "II" else b"MM\x00*") + struct.pack(e + "I", 8)
    return b"Exif\x00\x00" + head + ifd + struct.pack(e + "I", 0)


def _pixels(mode: str, size: tuple[int, int] = (37, 21)) -> Image.Image:
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    return rgb.convert(mode)


JPEG_CASES = {
    "no exif": {},
    "progressive": {"progressive": True, "exif": _tiff(6, "II")},
    "grey": {"mode": "L", "exif": _tiff(8, "MM")},
    "cmyk": {"mode": "CMYK", "exif": _tiff(3, "II")},
    "no orientation entry": {"exif": _tiff(None, "II")},
    "out of range 0": {"exif": _tiff(0, "II")},
    "out of range 9": {"exif": _tiff(9, "MM")},
    "first entry": {"exif": _tiff(5, "MM", before=0)},
    "xmp only": {"xmp": XMP % 7},
    "xmp and exif": {"xmp": XMP % 2, "exif": _tiff(4, "II")},
    "icc and exif": {"icc_profile": b"\x00" * 3000, "exif": _tiff(6, "MM")},
    "big exif": {"exif": _tiff(6, "II") + b"\x00" * 60000},
    "no jfif, 4:4:4": {"subsampling": 0, "exif": _tiff(2, "II")},
}


@pytest.mark.parametrize("case", sorted(JPEG_CASES))
def test_jpeg_layouts(tmp_path: Path, case: str) -> None:
    options = dict(JPEG_CASES[case])
    im = _pixels(options.pop("mode", "RGB"))
    path = tmp_path / "x.jpg"
    im.save(path, "JPEG", quality=80, **options)
    assert headers.read_header(path) == _oracle(path)  # the walk itself answers, and rightly
    assert imagefiles.header_info(path) == _oracle(path)


@pytest.mark.parametrize("tag", [None, 1, 6, 9])
def test_png_layouts(tmp_path: Path, tag: int | None) -> None:
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Comment", "made by a test")  # a text chunk without a profile is skipped
    path = tmp_path / "x.png"
    kw = {"exif": _tiff(tag, "MM")} if tag is not None else {}
    _pixels("RGB").save(path, pnginfo=meta, **kw)
    assert headers.read_header(path) == _oracle(path)
    assert imagefiles.header_info(path) == _oracle(path)


def test_png_exif_after_the_pixels(tmp_path: Path) -> None:
    """An eXIf chunk past IDAT: Pillow's getexif loads the image and finds it; so must the walk."""
    buf = io.BytesIO()
    _pixels("RGB").save(buf, "PNG")
    data = buf.getvalue()
    body = _tiff(6, "II")[6:]
    import zlib

    chunk = struct.pack(">I", len(body)) + b"eXIf" + body + struct.pack(">I", zlib.crc32(b"eXIf" + body))
    iend = data.rindex(b"IEND") - 4
    path = tmp_path / "late.png"
    path.write_bytes(data[:iend] + chunk + data[iend:])
    assert _oracle(path)[2] == 6
    assert headers.read_header(path) == _oracle(path)


def test_other_files_go_to_pillow(tmp_path: Path) -> None:
    from gtconvert.errors import GtconvertError

    webp = tmp_path / "x.webp"
    _pixels("RGB").save(webp, exif=_tiff(6, "II"))
    with pytest.raises(headers.Unparsed):
        headers.read_header(webp)
    assert imagefiles.header_info(webp) == _oracle(webp)  # Pillow's answer
    meta_png = tmp_path / "xmp.png"
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_itxt("XML:com.adobe.xmp", (XMP % 8).decode())
    _pixels("RGB").save(meta_png, pnginfo=meta)
    with pytest.raises(headers.Unparsed):
        headers.read_header(meta_png)
    assert imagefiles.header_info(meta_png) == _oracle(meta_png)
    jpeg = tmp_path / "cut.jpg"
    buf = io.BytesIO()
    _pixels("RGB").save(buf, "JPEG", exif=_tiff(6, "II"))
    jpeg.write_bytes(buf.getvalue()[:40])  # cut inside the Exif segment
    with pytest.raises(headers.Unparsed):
        headers.read_header(jpeg)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\x00\x00 not a jpeg")
    with pytest.raises(GtconvertError, match="cannot read the image header"):
        imagefiles.header_info(junk)
    assert imagefiles.header_info(tmp_path / "absent.jpg") is None


def test_past_the_bomb_limit_pillow_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow's decompression-bomb warning (and error past twice the limit) still reach the user."""
    path = tmp_path / "big.jpg"
    _pixels("RGB").save(path, exif=_tiff(6, "II"))  # 37 x 21 = 777 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)
    with pytest.warns(Image.DecompressionBombWarning):
        assert imagefiles.header_info(path) == (37, 21, 6)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300)
    from gtconvert.errors import GtconvertError

    with pytest.raises(GtconvertError, match="decompression bomb"):
        imagefiles.header_info(path)
