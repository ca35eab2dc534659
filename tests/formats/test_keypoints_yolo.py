"""YOLO pose: COCO keypoints <-> ``cls cx cy w h x1 y1 v1 ...`` rows, and Ultralytics' reading."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtconvert.errors import GtconvertError
from gtconvert.formats import coco, yolo

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def pose_docs(draw):
    """COCO keypoints on one image: every object has K points inside the image, or none."""
    k = draw(st.integers(1, 5))
    width, height = draw(st.integers(8, 1500)), draw(st.integers(8, 1500))
    anns = []
    for i in range(draw(st.integers(1, 4))):
        flat = []
        for _ in range(k):
            v = draw(st.sampled_from([0, 1, 2]))
            x = draw(st.floats(0, width, allow_nan=False))
            y = draw(st.floats(0, height, allow_nan=False))
            flat += [0, 0, 0] if v == 0 else [x, y, v]
        box = [1, 1, width / 2, height / 2]
        anns.append({"id": i + 1, "image_id": 1, "category_id": 1, "bbox": box, "area": 1.0, "iscrowd": 0,
                     "keypoints": flat})  # fmt: skip
    names = [f"left_p{j}" if j % 2 else f"right_p{j - 1}" if j else "mid" for j in range(k)]
    return {
        "images": [{"id": 1, "file_name": "a.jpg", "width": width, "height": height}],
        "categories": [{"id": 1, "name": "person", "keypoints": names, "skeleton": [[1, k]]}],
        "annotations": anns,
    }


def _to_yolo(doc: dict, tmp_path):
    (tmp_path / "in.json").write_text(json.dumps(doc))
    ds = coco.read(tmp_path / "in.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the images are absent
        yolo.write(ds, tmp_path / "y", task="pose", overwrite=True)
    w, h = doc["images"][0]["width"], doc["images"][0]["height"]
    return ds, yolo.read(tmp_path / "y", image_size=(w, h))


@SETTINGS
@given(doc=pose_docs())
def test_coco_to_yolo_pose_to_coco_exact_to_six_decimals(doc, tmp_path):
    ds, back = _to_yolo(doc, tmp_path)
    w, h = doc["images"][0]["width"], doc["images"][0]["height"]
    a, b = ds.annotations.keypoints, back.annotations.keypoints
    np.testing.assert_array_equal(a[:, 2], b[:, 2])
    np.testing.assert_allclose(a[:, 0] / w, b[:, 0] / w, atol=5e-7 + 1e-12)
    np.testing.assert_allclose(a[:, 1] / h, b[:, 1] / h, atol=5e-7 + 1e-12)
    assert np.all(b[b[:, 2] == 0, :2] == 0)  # unlabelled stays 0, 0, 0
    assert back.categories[0].keypoints == ds.categories[0].keypoints  # via gtconvert.json
    assert back.categories[0].skeleton == ds.categories[0].skeleton


@SETTINGS
@given(doc=pose_docs())
def test_yolo_pose_to_coco_to_yolo_labels_identical(doc, tmp_path):
    _, back = _to_yolo(doc, tmp_path)
    first = (tmp_path / "y" / "labels" / "a.txt").read_bytes()
    coco.write(back, tmp_path / "back.json", overwrite=True)
    again = coco.read(tmp_path / "back.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yolo.write(again, tmp_path / "y2", task="pose", overwrite=True)
    assert (tmp_path / "y2" / "labels" / "a.txt").read_bytes() == first


def test_data_yaml_holds_kpt_shape_and_flip_idx_from_left_right_names(tmp_path):
    names = ["nose", "left_eye", "right_eye", "left_ear", "right_ear"]
    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
        "categories": [{"id": 1, "name": "person", "keypoints": names, "skeleton": []}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10],
                         "keypoints": [5, 5, 2] * 5}],
    }  # fmt: skip
    _to_yolo(doc, tmp_path)
    meta = yaml.safe_load((tmp_path / "y" / "data.yaml").read_text())
    assert meta["kpt_shape"] == [5, 3]
    assert meta["flip_idx"] == [0, 2, 1, 4, 3]
    row = (tmp_path / "y" / "labels" / "a.txt").read_text().split()
    assert len(row) == 5 + 15 and row[5:8] == ["0.05", "0.1", "2"]


def _pose_folder(tmp_path, kpt_shape, rows):
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "a.txt").write_text("".join(r + "\n" for r in rows))
    (tmp_path / "data.yaml").write_text(
        f"train: images\nval: images\nnames:\n  0: person\nkpt_shape: {kpt_shape}\n"
    )
    return tmp_path


def test_two_dims_follow_ultralytics_negative_means_unlabelled(tmp_path):
    folder = _pose_folder(tmp_path, "[2, 2]", ["0 0.5 0.5 0.2 0.2 0.25 0.5 -1 -1"])
    ds = yolo.read(folder, image_size=(200, 100))
    np.testing.assert_array_equal(ds.annotations.keypoints, [[50, 50, 2], [0, 0, 0]])


def test_pose_row_of_the_wrong_length_is_one_error(tmp_path):
    folder = _pose_folder(tmp_path, "[17, 3]", ["0 0.5 0.5 0.2 0.2 0.1 0.1 2"])
    with pytest.raises(GtconvertError, match="kpt_shape"):
        yolo.read(folder, image_size=(200, 100))


def test_points_past_the_image_written_unlabelled_and_counted(tmp_path):
    from gtconvert import report

    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
        "categories": [{"id": 1, "name": "p", "keypoints": ["a", "b"]}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10],
                         "keypoints": [150, 5, 2, 5, 5, 1]}],
    }  # fmt: skip
    with report.Report() as rep:
        _, back = _to_yolo(doc, tmp_path)
    assert rep.count("yolo.pose.keypoints_outside") == 1
    np.testing.assert_array_equal(back.annotations.keypoints, [[0, 0, 0], [5, 5, 1]])


def test_detect_task_warns_that_keypoints_are_dropped(tmp_path):
    from gtconvert import report

    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
        "categories": [{"id": 1, "name": "p", "keypoints": ["a"]}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "keypoints": [1, 2, 2]}],
    }  # fmt: skip
    (tmp_path / "in.json").write_text(json.dumps(doc))
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yolo.write(coco.read(tmp_path / "in.json"), tmp_path / "y", task="detect")
    assert rep.count("yolo.keypoints_dropped") == 1
