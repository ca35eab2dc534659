"""Label PNGs: the VOC colour map, the spliced palette encoder (checked against Pillow's and
zlib's readers), and the Pillow-encoded index and binary PNGs of the masks format."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from gtconvert import png


def test_the_palette_is_the_devkit_colour_map() -> None:
    cmap = png.voc_colormap()
    assert cmap.shape == (256, 3) and cmap.dtype == np.uint8
    assert cmap[:4].tolist() == [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]]
    assert cmap[255].tolist() == [224, 224, 192]  # the devkit's void colour
    assert png.palette() == cmap.tobytes()
    assert np.array_equal(png.voc_colormap(21), cmap[:21])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.uint8, st.tuples(st.integers(1, 50), st.integers(1, 50))),
    st.sampled_from(["dense", "sparse", "rows"]),
)
def test_palette_png_reads_back_exactly(values: np.ndarray, layout: str) -> None:
    index = values.copy()
    if layout == "sparse":  # a few bands of rows, as segmentation PNGs are
        index[np.arange(len(index)) % 7 > 1] = 0
    elif layout == "rows":
        index[:] = 0
    palette = png.voc_colormap().ravel().tolist()
    data = png.palette_png(index)
    im = Image.open(io.BytesIO(data))
    assert im.mode == "P" and im.getpalette() == palette
    assert np.array_equal(np.asarray(im), index)
    # every chunk's CRC, and the zlib stream's own Adler-32 (decompress checks it)
    chunks, pos = {}, 8
    while pos < len(data):
        n = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        assert zlib.crc32(kind + body) == int.from_bytes(data[pos + 8 + n : pos + 12 + n], "big")
        chunks[kind] = body
        pos += 12 + n
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(index.shape[0], -1)
    assert not rows[:, 0].any() and np.array_equal(rows[:, 1:], index)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(bgr[..., ::-1], png.voc_colormap()[index])


def test_write_palette_png_writes_the_encoded_bytes(tmp_path: Path) -> None:
    index = np.zeros((9, 7), np.uint8)
    index[3:5, 2:6] = 4
    png.write_palette_png(index, str(tmp_path / "a.png"))
    assert (tmp_path / "a.png").read_bytes() == png.palette_png(index)


def test_index_pngs_are_palette_up_to_255_and_16_bit_beyond(tmp_path: Path) -> None:
    small = np.arange(12, dtype=np.uint8).reshape(3, 4)
    png.write_index_png(small, tmp_path / "sub" / "p.png")  # folders are made
    with Image.open(tmp_path / "sub" / "p.png") as im:
        assert im.mode == "P" and im.getpalette() == png.voc_colormap().ravel().tolist()
        assert np.array_equal(np.asarray(im), small)
    wide = np.array([[0, 300], [65535, 2]], dtype=np.uint16)
    png.write_index_png(wide, tmp_path / "w.png")
    with Image.open(tmp_path / "w.png") as im:
        assert im.mode.startswith("I") and np.array_equal(np.asarray(im), wide)


def test_binary_pngs_are_1_bit(tmp_path: Path) -> None:
    mask = np.zeros((5, 11), bool)
    mask[1:4, 3:9] = True
    png.write_binary_png(mask, tmp_path / "b" / "m.png")
    with Image.open(tmp_path / "b" / "m.png") as im:
        assert im.mode == "1"  # logical, as MATLAB writes BW
        assert np.array_equal(np.asarray(im), mask)
