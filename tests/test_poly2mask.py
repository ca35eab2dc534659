"""gtconvert's polygon rasterisation (pycocotools after MATLAB's ``v - 0.5``) against an
independent reference of MATLAB's poly2mask (``tests/poly2mask_reference.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from gtconvert import geometry

from .poly2mask_reference import poly2mask


def _ours(matlab_vertices: np.ndarray, rows: int, cols: int) -> np.ndarray:
    coco = geometry.matlab_points_to_coco(matlab_vertices, "center")
    return geometry.rle_decode(geometry.polygon_to_rle([coco], rows, cols)).astype(bool)


def _random_polygon(rng: np.random.Generator, rows: int, cols: int, margin: float) -> np.ndarray:
    n = int(rng.integers(3, 10))
    xy = np.c_[rng.random(n) * (cols + 2 * margin), rng.random(n) * (rows + 2 * margin)] + 0.5 - margin
    if rng.random() < 0.3:  # labellers' vertices are often on pixel centres or corners
        xy = np.round(xy * 2) / 2
    return xy


def test_the_reference_gives_matlabs_documented_results() -> None:
    # MATLAB: poly2mask([10 100 10], [10 50 50], 30, 40) has 407 pixels
    assert int(poly2mask(np.array([[10, 10], [100, 50], [10, 50]]), 30, 40).sum()) == 407
    # a square on pixel corners 1.5 .. 4.5 covers exactly pixels 2..4 of each axis
    square = poly2mask(np.array([[1.5, 1.5], [4.5, 1.5], [4.5, 4.5], [1.5, 4.5]]), 6, 6)
    assert np.array_equal(np.argwhere(square), np.argwhere(np.pad(np.ones((3, 3), bool), ((1, 2), (1, 2)))))
    # a thin polygon between two rows of pixel centres holds none of them (Octave errors here)
    thin = np.array([[2.0, 3.2], [9.0, 3.3], [5.0, 3.4]])
    assert not poly2mask(thin, 6, 12).any() and not _ours(thin, 6, 12).any()
    # one that covers the centres of row 3 holds those
    rows = np.argwhere(poly2mask(np.array([[2.0, 2.9], [9.0, 3.1], [5.0, 2.9]]), 6, 12))[:, 0]
    assert len(rows) and set(rows.tolist()) == {2}


def test_a_triangle_past_the_border_matches() -> None:
    triangle = np.array([[10.0, 10.0], [100.0, 50.0], [10.0, 50.0]])
    assert np.array_equal(_ours(triangle, 30, 40), poly2mask(triangle, 30, 40))


@pytest.mark.parametrize("margin", [0.0, 15.0], ids=["inside", "past-the-border"])
def test_random_polygons_agree(margin: float) -> None:
    rng = np.random.default_rng(13)
    same = total = 0
    exact = 0
    for _ in range(150):
        rows, cols = (int(v) for v in rng.integers(8, 70, 2))
        xy = _random_polygon(rng, rows, cols, margin)
        ours, ref = _ours(xy, rows, cols), poly2mask(xy, rows, cols)
        same += int((ours == ref).sum())
        total += ours.size
        exact += int(np.array_equal(ours, ref))
    assert same / total >= 0.999
    if margin == 0.0:  # inside the image: pixel for pixel
        assert exact == 150
