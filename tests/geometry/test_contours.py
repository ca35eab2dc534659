"""Mask <-> polygon geometry: pixel-edge contours, holes, and pycocotools' fill rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry
from gtconvert.testing import mask_iou

from .example_masks import SHAPES, H, W, square, two_blobs
from .example_masks import ring as ring_mask


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
    (part,) = geometry.mask_to_polygons(square())
    # pixels 8..19 x 5..14 span the continuous box [8, 20] x [5, 15]
    assert sorted(map(tuple, part.tolist())) == [(8, 5), (8, 15), (20, 5), (20, 15)]


def test_ring_keeps_its_hole() -> None:
    ring = ring_mask()
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
    assert len(geometry.mask_to_polygons(two_blobs())) == 2
    assert geometry.mask_to_polygons(np.zeros((5, 5), np.uint8)) == []


def test_rle_to_polygons_matches_mask() -> None:
    ring = ring_mask()
    parts = geometry.rle_to_polygons(geometry.mask_to_rle(ring))
    assert mask_iou(geometry.polygons_to_mask(parts, H, W), ring) >= 0.98


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
