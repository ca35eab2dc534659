"""The overlay PNG writer (gtconvert/png.py) against its oracle: Pillow decodes the same pixels."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from gtconvert.png import rgb_png_bytes, save_rgb_png


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()  # checks every chunk's CRC and the zlib stream
    return image


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 30),
    st.sampled_from(["noise", "flat", "ramp"]),
    st.integers(0, 2**32 - 1),
)
def test_pillow_decodes_exactly_the_pixels_written(w, h, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "noise":  # every Sub difference, wrapping below 0 and above 255 included
        pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    elif kind == "flat":
        pixels = np.full((h, w, 3), rng.integers(0, 256, 3), dtype=np.uint8)
    else:
        pixels = (np.arange(w)[None, :, None] * 37 + np.arange(h)[:, None, None] * 11 + [0, 85, 170]) % 256
        pixels = pixels.astype(np.uint8)
    image = decoded(rgb_png_bytes(Image.fromarray(pixels)))
    assert image.mode == "RGB" and image.size == (w, h)
    assert np.array_equal(np.asarray(image), pixels)


def test_a_full_size_overlay_round_trips_and_is_compressed(tmp_path):
    rng = np.random.default_rng(1)
    pixels = np.full((720, 1280, 3), 128, dtype=np.uint8)
    pixels[100:300, 200:900] = rng.integers(0, 256, (200, 700, 3), dtype=np.uint8)
    path = tmp_path / "o.png"
    save_rgb_png(Image.fromarray(pixels), path)
    data = path.read_bytes()
    assert np.array_equal(np.asarray(decoded(data)), pixels)
    assert len(data) < 0.25 * pixels.nbytes  # the flat part is compressed


def test_the_stream_is_one_idat_of_sub_filtered_rows():
    pixels = np.array([[[10, 20, 30], [5, 20, 255]]], dtype=np.uint8)
    data = rgb_png_bytes(Image.fromarray(pixels))
    idat = data.index(b"IDAT")
    length = int.from_bytes(data[idat - 4 : idat], "big")
    raw = zlib.decompress(data[idat + 4 : idat + 4 + length])
    assert list(raw) == [1, 10, 20, 30, 251, 0, 225]  # filter byte, first pixel, differences mod 256


def test_only_rgb_images_are_accepted():
    with pytest.raises(ValueError, match="RGB"):
        rgb_png_bytes(Image.new("L", (4, 4)))
