"""The coordinate rule, with values computed by hand from matlab-groundtruth.md section 3."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gtconvert import geometry as g


def test_full_image_box_through_every_frame() -> None:
    W, H = 640, 480
    coco = g.matlab_boxes_to_coco([[1, 1, W, H]])
    assert coco.tolist() == [[0, 0, W, H]]
    assert g.coco_boxes_to_voc(coco).tolist() == [[1, 1, W, H]]
    assert g.coco_boxes_to_yolo(coco, W, H).tolist() == [[0.5, 0.5, 1.0, 1.0]]
    assert g.coco_boxes_to_matlab(coco).tolist() == [[1, 1, W, H]]


def test_single_pixel_box() -> None:
    # the first pixel: COCO [0,0,1,1], VOC (1,1,1,1), MATLAB [1 1 1 1] (cocoapi#5)
    assert g.voc_boxes_to_coco([[1, 1, 1, 1]]).tolist() == [[0, 0, 1, 1]]
    assert g.coco_boxes_to_voc([[0, 0, 1, 1]]).tolist() == [[1, 1, 1, 1]]
    assert g.matlab_boxes_to_coco([[1, 1, 1, 1]]).tolist() == [[0, 0, 1, 1]]


def test_matlab_box_spot_values() -> None:
    # [x y w h] = [149 125 116 68] covers columns 149..264 -> COCO x 148 .. 264
    coco = g.matlab_boxes_to_coco([[149, 125, 116, 68]])[0]
    assert coco.tolist() == [148, 124, 116, 68]
    xmin, ymin, xmax, ymax = g.coco_boxes_to_voc([coco])[0]
    assert (xmin, ymin, xmax, ymax) == (149, 125, 264, 192)


@pytest.mark.parametrize(("convention", "shift"), [("center", 0.5), ("openlabel", 1.0)])
def test_vertex_conventions(convention: str, shift: float) -> None:
    v = np.array([[1.0, 1.0], [10.25, 3.5]])
    coco = g.matlab_points_to_coco(v, convention)
    assert np.array_equal(coco, v - shift)
    assert np.array_equal(g.coco_points_to_matlab(coco, convention), v)


def test_unknown_vertex_convention() -> None:
    with pytest.raises(ValueError, match="openlabel"):
        g.matlab_points_to_coco(np.zeros((1, 2)), "corner")


def test_clip_on_corners_keeps_the_far_edge() -> None:
    boxes = np.array([[-10, -5, 30, 20], [90, 40, 20, 20], [5, 5, 10, 10]])
    clipped, changed = g.clip_boxes(boxes, 100, 50)
    assert clipped.tolist() == [[0, 0, 20, 15], [90, 40, 10, 10], [5, 5, 10, 10]]
    assert changed.tolist() == [True, True, False]


def test_yolo_inverse() -> None:
    boxes = np.array([[10.5, 20.25, 30, 40], [0, 0, 640, 480]])
    back = g.yolo_boxes_to_coco(g.coco_boxes_to_yolo(boxes, 640, 480), 640, 480)
    np.testing.assert_allclose(back, boxes, atol=1e-9)


def test_round_half_up_is_not_bankers() -> None:
    assert g.round_half_up(np.array([0.5, 1.5, 2.5, 2.4999])).tolist() == [1, 2, 3, 2]


def test_ragged_bbox_and_area() -> None:
    # annotation 0: two unit squares; annotation 1: no parts; annotation 2: a triangle
    part_start = np.array([0, 2, 2, 3])
    vertex_start = np.array([0, 4, 8, 11])
    sq = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    tri = np.array([[0, 0], [4, 0], [0, 3]], dtype=float)
    vertices = np.concatenate([sq, sq + 5, tri])
    assert g.ragged_bbox(part_start, vertex_start, vertices).tolist() == [
        [0, 0, 6, 6],
        [0, 0, 0, 0],
        [0, 0, 4, 3],
    ]
    assert g.polygon_areas(part_start, vertex_start, vertices).tolist() == [2.0, 0.0, 6.0]


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


def test_polygon_rle_matches_coco_frame() -> None:
    # a polygon on pixel edges 2..5 covers exactly pixels 2, 3, 4
    rle = g.polygon_to_rle([np.array([[2, 2], [5, 2], [5, 5], [2, 5]])], 10, 10)
    mask = g.rle_decode(rle)
    assert mask.sum() == 9 and mask[2:5, 2:5].all()
    assert g.rle_bbox([rle]).tolist() == [[2, 2, 3, 3]]
    assert g.rle_area([rle]).tolist() == [9]


def test_uncompressed_rle_round_trip() -> None:
    mask = np.zeros((7, 5), dtype=np.uint8)
    mask[0, 0] = mask[3:6, 1:4] = 1
    rle = g.mask_to_rle(mask)
    plain = g.rle_to_uncompressed(rle)
    assert isinstance(plain["counts"], list) and sum(plain["counts"]) == mask.size
    assert np.array_equal(g.rle_decode(plain), mask)
