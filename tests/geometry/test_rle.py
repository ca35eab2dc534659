"""RLE through pycocotools, and label matrices to one RLE per value or component."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry

from .example_masks import H, W, thin_line, two_blobs


def test_polygon_rle_matches_coco_frame() -> None:
    # a polygon on pixel edges 2..5 covers exactly pixels 2, 3, 4
    rle = geometry.polygon_to_rle([np.array([[2, 2], [5, 2], [5, 5], [2, 5]])], 10, 10)
    mask = geometry.rle_decode(rle)
    assert mask.sum() == 9 and mask[2:5, 2:5].all()
    assert geometry.rle_bbox([rle]).tolist() == [[2, 2, 3, 3]]
    assert geometry.rle_area([rle]).tolist() == [9]


def test_uncompressed_rle_round_trip() -> None:
    mask = np.zeros((7, 5), dtype=np.uint8)
    mask[0, 0] = mask[3:6, 1:4] = 1
    rle = geometry.mask_to_rle(mask)
    plain = geometry.rle_to_uncompressed(rle)
    assert isinstance(plain["counts"], list) and sum(plain["counts"]) == mask.size
    assert np.array_equal(geometry.rle_decode(plain), mask)


def test_rle_area_of_many_masks() -> None:
    """pycocotools' area() overflows past 255 masks under numpy 2; rle_area must not."""
    rles = [geometry.mask_to_rle(np.ones((2, k % 7 + 1), np.uint8)) for k in range(600)]
    assert geometry.rle_area(rles).tolist() == [2.0 * (k % 7 + 1) for k in range(600)]


def test_label_matrix_to_rles_and_components() -> None:
    matrix = np.zeros((H, W), np.uint8)
    matrix[two_blobs() > 0] = 3
    matrix[thin_line() > 0] = 7
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
