"""Mask <-> polygon geometry: pixel-edge contours, holes, and pycocotools' fill rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry
from gtconvert.testing import mask_iou

H, W = 30, 40


def _square() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[5:15, 8:20] = 1
    return m


def _ring() -> np.ndarray:
    yy, xx = np.mgrid[:H, :W]
    r = np.hypot(yy - 15, xx - 20)
    return ((r < 12) & (r > 5)).astype(np.uint8)


def _two_blobs() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[2:8, 2:8] = 1
    m[20:28, 25:39] = 1
    return m


def _thin_line() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[10, 3:35] = 1
    return m


def _border() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[0:6, :] = 1  # touches top, left and right borders
    m[:, W - 1] = 1
    m[H - 1, 0] = 1  # a single corner pixel
    return m


def _lake_with_island() -> np.ndarray:
    m = np.ones((H, W), np.uint8)
    m[8:22, 10:30] = 0
    m[13:17, 18:22] = 1
    return m


SHAPES = {
    "square": _square,
    "ring": _ring,
    "two_blobs": _two_blobs,
    "thin_line": _thin_line,
    "border": _border,
    "lake_with_island": _lake_with_island,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_mask_polygon_mask_iou(name: str) -> None:
    mask = SHAPES[name]()
    parts = geometry.mask_to_polygons(mask)
    assert all(p.shape[1] == 2 and len(p) >= 3 for p in parts)
    back = geometry.polygons_to_mask(parts, H, W)
    assert back.dtype == np.uint8 and back.shape == (H, W)
    assert mask_iou(mask, back) >= 0.98
    # through polygon_to_rle (what COCO and YOLO writers call) too
    assert mask_iou(mask, geometry.rle_decode(geometry.polygon_to_rle(parts, H, W))) >= 0.98


def test_vertices_are_pixel_corners_in_coco_frame() -> None:
    (part,) = geometry.mask_to_polygons(_square())
    # pixels 8..19 x 5..14 span the continuous box [8, 20] x [5, 15]
    assert sorted(map(tuple, part.tolist())) == [(8, 5), (8, 15), (20, 5), (20, 15)]


def test_ring_keeps_its_hole() -> None:
    ring = _ring()
    parts = geometry.mask_to_polygons(ring)
    assert len(parts) == 1  # one object: the hole is bridged into the outer ring
    back = geometry.polygons_to_mask(parts, H, W)
    assert back[15, 20] == 0  # the centre stays empty
    assert np.array_equal(back, ring)


def test_pycocotools_fill_rules() -> None:
    """The facts mask_to_polygons relies on (docs/masks.md): union across parts, even-odd within one."""
    outer = np.array([[10, 10], [20, 10], [20, 20], [10, 20]], float)
    hole = np.array([[14, 14], [16, 14], [16, 16], [14, 16]], float)
    as_parts = geometry.polygons_to_mask([outer, hole], 30, 30)
    assert as_parts.sum() == 100  # the hole part is merged back in (union)
    separate = geometry.mask_to_polygons(
        np.pad(np.ones((10, 10), np.uint8), 10) - _hole_at(14, 16), bridge_holes=False
    )
    assert len(separate) == 2  # outer ring + hole ring when asked for them apart
    bridged = geometry.mask_to_polygons(np.pad(np.ones((10, 10), np.uint8), 10) - _hole_at(14, 16))
    assert len(bridged) == 1
    assert geometry.polygons_to_mask(bridged, 30, 30).sum() == 96  # even-odd: 2x2 hole removed


def _hole_at(a: int, b: int) -> np.ndarray:
    m = np.zeros((30, 30), np.uint8)
    m[a:b, a:b] = 1
    return m


def test_two_blobs_give_two_parts_and_empty_gives_none() -> None:
    assert len(geometry.mask_to_polygons(_two_blobs())) == 2
    assert geometry.mask_to_polygons(np.zeros((5, 5), np.uint8)) == []


def test_rle_to_polygons_matches_mask() -> None:
    ring = _ring()
    parts = geometry.rle_to_polygons(geometry.mask_to_rle(ring))
    assert mask_iou(geometry.polygons_to_mask(parts, H, W), ring) >= 0.98


def test_label_matrix_to_rles_and_components() -> None:
    matrix = np.zeros((H, W), np.uint8)
    matrix[_two_blobs() > 0] = 3
    matrix[_thin_line() > 0] = 7
    rles = geometry.label_matrix_to_rles(matrix, [(3,), (7,), (9,)])
    assert [int(geometry.rle_area([r])[0]) for r in rles] == [
        int((matrix == 3).sum()),
        int((matrix == 7).sum()),
        0,
    ]
    owner, comps = geometry.label_matrix_to_instance_rles(matrix, [(3,), (7,)])
    assert owner.tolist() == [0, 0, 1]  # two blobs of value 3, one line of value 7
    union = np.zeros((H, W), bool)
    for r in comps:
        m = geometry.rle_decode(r).astype(bool)
        assert not (union & m).any()
        union |= m
    assert np.array_equal(union, matrix > 0)


def test_components_are_eight_connected() -> None:
    diag = np.eye(6, dtype=np.uint8)
    _owner, comps = geometry.label_matrix_to_instance_rles(diag, [(1,)])
    assert len(comps) == 1
    assert len(geometry.mask_to_polygons(diag)) == 1


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 24),
    st.integers(1, 24),
    st.floats(0.2, 0.8),
    st.integers(0, 2**32 - 1),
)
def test_random_masks_round_trip_exactly(h: int, w: int, density: float, seed: int) -> None:
    """Random masks (many holes, diagonal touches, border pixels) come back pixel for pixel."""
    mask = (np.random.default_rng(seed).random((h, w)) < density).astype(np.uint8)
    parts = geometry.mask_to_polygons(mask)
    assert np.array_equal(geometry.polygons_to_mask(parts, h, w), mask)


def test_rle_area_of_many_masks() -> None:
    """pycocotools' area() overflows past 255 masks under numpy 2; rle_area must not."""
    rles = [geometry.mask_to_rle(np.ones((2, k % 7 + 1), np.uint8)) for k in range(600)]
    assert geometry.rle_area(rles).tolist() == [2.0 * (k % 7 + 1) for k in range(600)]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 20), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_components_equal_the_labelled_pixels(h: int, w: int, seed: int) -> None:
    """Each component's RLE (built from its crop) is exactly the pixels scipy labels it with."""
    from scipy import ndimage

    matrix = np.random.default_rng(seed).integers(0, 3, size=(h, w)).astype(np.uint8)
    owner, rles = geometry.label_matrix_to_instance_rles(matrix, [(1,), (2,)])
    expected = []
    for k, v in enumerate((1, 2)):
        labels, n = ndimage.label(matrix == v, structure=np.ones((3, 3)))
        expected += [(k, labels == c) for c in range(1, n + 1)]
    assert owner.tolist() == [k for k, _ in expected]
    for rle, (_, m) in zip(rles, expected):
        assert rle["size"] == [h, w]
        assert np.array_equal(geometry.rle_decode(rle).astype(bool), m)
