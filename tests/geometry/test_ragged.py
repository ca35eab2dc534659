"""Ragged vertex arrays: the box around each annotation's vertices."""

from __future__ import annotations

import numpy as np

from gtconvert import geometry as g


def two_squares_nothing_and_a_triangle() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Annotation 0: two unit squares; annotation 1: no parts; annotation 2: a triangle."""
    part_start = np.array([0, 2, 2, 3])
    vertex_start = np.array([0, 4, 8, 11])
    sq = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    tri = np.array([[0, 0], [4, 0], [0, 3]], dtype=float)
    return part_start, vertex_start, np.concatenate([sq, sq + 5, tri])


def test_ragged_bbox_spans_all_parts_and_is_zero_without_vertices() -> None:
    assert g.ragged_bbox(*two_squares_nothing_and_a_triangle()).tolist() == [
        [0, 0, 6, 6],
        [0, 0, 0, 0],
        [0, 0, 4, 3],
    ]
