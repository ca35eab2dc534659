"""Keypoints: (x, y, v) triplets, COCO's frame and visibility inside; YOLO pose at its edge.

COCO ``v``: 0 not labelled (stored as ``0, 0, 0``), 1 labelled but hidden, 2 visible. YOLO
pose rows hold ``x / W, y / H`` and, with ``kpt_shape [K, 3]``, COCO's ``v`` unchanged (what
Ultralytics' COCO converter writes and its loss masks on ``v != 0``). With ``kpt_shape [K, 2]``
there is no ``v``: Ultralytics' dataset reader takes a point with a negative coordinate as not
labelled and any other as labelled, so an unlabelled point is written ``-1, -1`` there.

All functions take and return numpy arrays of shape (M, 3) (or (M, 2)) for whole columns.
"""

from __future__ import annotations

import numpy as np

#: COCO's visibility codes.
UNLABELLED, HIDDEN, VISIBLE = 0, 1, 2


def coco_keypoints_to_yolo(
    kp: np.ndarray, width: np.ndarray, height: np.ndarray, dims: int = 3
) -> np.ndarray:
    """COCO (x, y, v) rows -> YOLO pose values (M, dims); ``width``/``height`` per row.

    Unlabelled points are ``0, 0, 0`` with ``dims=3`` and ``-1, -1`` with ``dims=2``.
    """
    kp = np.asarray(kp, dtype=np.float64).reshape(-1, 3)
    out = np.empty((len(kp), dims))
    unlabelled = kp[:, 2] == UNLABELLED
    out[:, 0] = np.where(unlabelled, 0.0, kp[:, 0] / width)
    out[:, 1] = np.where(unlabelled, 0.0, kp[:, 1] / height)
    if dims == 3:
        out[:, 2] = kp[:, 2]
    else:
        out[unlabelled, :2] = -1.0
    return out


def yolo_keypoints_to_coco(values: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """YOLO pose values (M, 2 or 3) -> COCO (x, y, v); ``width``/``height`` per row.

    Without ``v`` a point is visible (2) unless a coordinate is negative (Ultralytics' rule),
    then unlabelled. An unlabelled point becomes ``0, 0, 0``.
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.empty((len(values), 3))
    if values.shape[1] == 3:
        out[:, 2] = values[:, 2]
    else:
        out[:, 2] = np.where((values[:, 0] < 0) | (values[:, 1] < 0), UNLABELLED, VISIBLE)
    labelled = out[:, 2] != UNLABELLED
    out[:, 0] = np.where(labelled, values[:, 0] * width, 0.0)
    out[:, 1] = np.where(labelled, values[:, 1] * height, 0.0)
    return out


def labelled_counts(keypoint_start: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """COCO's ``num_keypoints`` of each row: its points with ``v > 0``."""
    labelled = np.concatenate([[0], np.cumsum(keypoints[:, 2] > 0)]).astype(np.int64)
    return labelled[keypoint_start[1:]] - labelled[keypoint_start[:-1]]


def keypoints_outside(keypoints: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """Which labelled points lie past the image ``[0, W] x [0, H]`` (``width``/``height`` per point)."""
    labelled = keypoints[:, 2] > 0
    x, y = keypoints[:, 0], keypoints[:, 1]
    return labelled & ((x < 0) | (y < 0) | (x > width) | (y > height))
