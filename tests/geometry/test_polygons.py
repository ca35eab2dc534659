"""Polygons: the shoelace area of an annotation is the sum over its parts."""

from __future__ import annotations

from gtconvert import geometry as g

from .test_ragged import two_squares_nothing_and_a_triangle


def test_polygon_areas_sum_the_parts() -> None:
    assert g.polygon_areas(*two_squares_nothing_and_a_triangle()).tolist() == [2.0, 0.0, 6.0]
