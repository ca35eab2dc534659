"""EXIF orientation transforms: exact, invertible, and agreeing with Pillow and pycocotools."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps
from pycocotools import mask as mask_utils

from gtconvert.geometry import orientation as ori
from gtconvert.geometry.boxes import rotated_box_bbox
from gtconvert.geometry.rle import mask_to_rle, rle_decode

TAGS = list(range(1, 9))


@st.composite
def box_on_image(draw):
    width = draw(st.integers(2, 40))
    height = draw(st.integers(2, 40))
    x = draw(st.integers(0, width - 1))
    y = draw(st.integers(0, height - 1))
    w = draw(st.integers(1, width - x))
    h = draw(st.integers(1, height - y))
    return width, height, np.array([[x, y, w, h]], dtype=np.float64)


def _box_mask(box: np.ndarray, width: int, height: int) -> np.ndarray:
    x, y, w, h = box.astype(int)
    m = np.zeros((height, width), dtype=np.uint8)
    m[y : y + h, x : x + w] = 1
    return m


@pytest.mark.parametrize("tag", TAGS)
def test_mask_matches_pillow_exif_transpose(tag: int) -> None:
    rng = np.random.default_rng(tag)
    stored = rng.integers(0, 255, size=(5, 7), dtype=np.uint8)
    img = Image.fromarray(stored)
    exif = img.getexif()
    exif[0x0112] = tag
    img.info["exif"] = exif.tobytes()
    img.getexif()[0x0112] = tag
    shown = np.asarray(ImageOps.exif_transpose(img))
    assert np.array_equal(ori.mask_to_displayed(stored, tag), shown)
    assert np.array_equal(ori.mask_to_stored(shown, tag), stored)


@pytest.mark.parametrize("tag", TAGS)
def test_displayed_size_swaps_for_transposing_tags(tag: int) -> None:
    w, h = ori.displayed_size(tag, 7, 5)
    assert (int(w), int(h)) == ((5, 7) if tag >= 5 else (7, 5))
    assert ori.mask_to_displayed(np.zeros((5, 7)), tag).shape == (int(h), int(w))


@settings(max_examples=60, deadline=None)
@given(box_on_image(), st.sampled_from(TAGS))
def test_box_agrees_with_transformed_mask(case, tag: int) -> None:
    width, height, box = case
    shown_box = ori.boxes_to_displayed(box, tag, width, height)
    shown_mask = ori.mask_to_displayed(_box_mask(box[0], width, height), tag)
    rle = mask_utils.encode(np.asfortranarray(shown_mask))
    assert np.array_equal(mask_utils.toBbox(rle), shown_box[0])
    dw, dh = ori.displayed_size(tag, width, height)
    back = ori.boxes_to_stored(shown_box, tag, dw, dh)
    assert np.array_equal(back, box)


@settings(max_examples=60, deadline=None)
@given(
    # Coordinates on a 1/64 grid: every map is then exact in floating point.
    st.lists(st.tuples(st.integers(-3200, 3200), st.integers(-3200, 3200)), min_size=1, max_size=12),
    st.sampled_from(TAGS),
    st.integers(1, 100),
    st.integers(1, 100),
)
def test_points_round_trip_is_identity(points, tag: int, width: int, height: int) -> None:
    p = np.array(points, dtype=np.float64) / 64
    shown = ori.points_to_displayed(p, tag, width, height)
    dw, dh = ori.displayed_size(tag, width, height)
    assert np.array_equal(ori.points_to_stored(shown, tag, dw, dh), p)


def test_points_per_row_orientation() -> None:
    p = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]])
    shown = ori.points_to_displayed(p, np.array([1, 6, 8]), np.array([10, 10, 10]), np.array([20, 20, 20]))
    assert shown.tolist() == [[1.0, 2.0], [18.0, 1.0], [2.0, 9.0]]


@settings(max_examples=40, deadline=None)
@given(box_on_image(), st.sampled_from(TAGS))
def test_rle_with_hole_round_trip_and_pixels(case, tag: int) -> None:
    width, height, box = case
    m = _box_mask(box[0], width, height)
    m[height // 2, width // 2] ^= 1  # a hole or an island
    rle = mask_to_rle(m)
    shown = ori.rle_to_displayed(rle, tag)
    assert np.array_equal(rle_decode(shown), ori.mask_to_displayed(m, tag))
    assert np.array_equal(rle_decode(ori.rle_to_stored(shown, tag)), m)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0, 30), st.floats(0, 30), st.floats(1, 10), st.floats(1, 10), st.floats(-180, 180),
    st.sampled_from(TAGS),
)
def test_rotated_box_corners_follow_points(cx, cy, w, h, angle, tag: int) -> None:
    r = np.array([[cx, cy, w, h, angle]])
    shown = ori.rotated_to_displayed(r, tag, 40, 30)
    expected = ori.boxes_to_displayed(rotated_box_bbox(r), tag, 40, 30)
    assert np.allclose(rotated_box_bbox(shown), expected, atol=1e-9)
    dw, dh = ori.displayed_size(tag, 40, 30)
    back = ori.rotated_to_stored(shown, tag, dw, dh)
    assert np.allclose(back[:, :4], r[:, :4], atol=1e-9)
    turn = (back[:, 4] - r[:, 4] + 180) % 360 - 180  # the same angle, maybe a full turn apart
    assert np.allclose(turn, 0, atol=1e-9)


def test_unknown_tag_refused() -> None:
    with pytest.raises(ValueError):
        ori.points_to_displayed(np.zeros((1, 2)), 9, 1, 1)
