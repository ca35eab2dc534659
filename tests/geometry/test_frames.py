"""The coordinate rule of each format (geometry/frames.py), with values computed by hand from
matlab-groundtruth.md section 3."""

from __future__ import annotations

import numpy as np
import pytest

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


def test_yolo_inverse() -> None:
    boxes = np.array([[10.5, 20.25, 30, 40], [0, 0, 640, 480]])
    back = g.yolo_boxes_to_coco(g.coco_boxes_to_yolo(boxes, 640, 480), 640, 480)
    np.testing.assert_allclose(back, boxes, atol=1e-9)


def test_round_half_up_is_not_bankers() -> None:
    assert g.round_half_up(np.array([0.5, 1.5, 2.5, 2.4999])).tolist() == [1, 2, 3, 2]
