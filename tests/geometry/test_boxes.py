"""Boxes: clipping keeps the far edge; rotated boxes turn clockwise on screen and invert exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gtconvert import geometry as g


def test_clip_on_corners_keeps_the_far_edge() -> None:
    boxes = np.array([[-10, -5, 30, 20], [90, 40, 20, 20], [5, 5, 10, 10]])
    clipped, changed = g.clip_boxes(boxes, 100, 50)
    assert clipped.tolist() == [[0, 0, 20, 15], [90, 40, 10, 10], [5, 5, 10, 10]]
    assert changed.tolist() == [True, True, False]


@given(
    st.floats(-500, 500), st.floats(-500, 500), st.floats(0.1, 300), st.floats(0.1, 300), st.floats(-179, 179)
)
def test_rotated_box_corners_round_trip(cx: float, cy: float, w: float, h: float, angle: float) -> None:
    r = np.array([[cx, cy, w, h, angle]])
    back = g.corners_to_rotated_box(g.rotated_box_corners(r))
    np.testing.assert_allclose(back, r, atol=1e-7)


def test_rotation_is_clockwise_on_screen() -> None:
    # a 90-degree clockwise turn (y down) sends the top-left corner to the top-right
    corners = g.rotated_box_corners([[0, 0, 4, 2, 90]])[0]
    np.testing.assert_allclose(corners[0], [1, -2], atol=1e-12)
