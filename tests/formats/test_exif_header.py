"""EXIF orientation read from image headers (JPEGs tagged at test time with Pillow)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageOps

from gtconvert.geometry import mask_to_displayed
from gtconvert.imagefiles import ORIENTATION_TAG, header_orientation, header_orientations, header_size


def _tagged_jpeg(path, tag: int | None, size=(7, 5)) -> None:
    img = Image.new("RGB", size, (10, 20, 30))
    if tag is None:
        img.save(path, quality=95)
        return
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = tag
    img.save(path, exif=exif, quality=95)


@pytest.mark.parametrize("tag", range(1, 9))
def test_header_orientation_of_each_tag(tmp_path, tag: int) -> None:
    path = tmp_path / f"o{tag}.jpg"
    _tagged_jpeg(path, tag)
    assert header_orientation(path) == tag
    assert header_size(path) == (7, 5)  # the stored size, whatever the tag
    with Image.open(path) as im:
        shown = ImageOps.exif_transpose(im)
        assert shown.size == ((5, 7) if tag >= 5 else (7, 5))
        assert mask_to_displayed(np.zeros((5, 7)), tag).shape == (shown.size[1], shown.size[0])


def test_untagged_missing_and_out_of_range_are_one(tmp_path) -> None:
    plain = tmp_path / "plain.jpg"
    _tagged_jpeg(plain, None)
    odd = tmp_path / "odd.jpg"
    _tagged_jpeg(odd, 9)
    png = tmp_path / "p.png"
    Image.new("L", (3, 2)).save(png)
    tags = header_orientations([plain, tmp_path / "missing.jpg", odd, png])
    assert tags.tolist() == [1, 1, 1, 1]


def test_many_headers_in_threads(tmp_path) -> None:
    paths = []
    for i in range(40):
        p = tmp_path / f"{i}.jpg"
        _tagged_jpeg(p, 1 + i % 8)
        paths.append(p)
    assert header_orientations(paths).tolist() == [1 + i % 8 for i in range(40)]
