"""validate's keypoint checks (gtconvert/formats/keypoint_findings.py): one defect per test."""

from __future__ import annotations

import json
import warnings

import pytest

from gtconvert import validate
from gtconvert.formats import coco, yolo

NAMES = ["nose", "left_eye", "right_eye"]


def _doc(**changes) -> dict:
    """A clean COCO keypoint document: two people on a 100 x 50 image; ``changes`` edit it."""
    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
        "categories": [{"id": 1, "name": "person", "keypoints": list(NAMES), "skeleton": [[1, 2], [1, 3]]}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 30], "area": 900, "iscrowd": 0,
             "keypoints": [20, 15, 2, 15, 12, 1, 0, 0, 0]},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [50, 10, 30, 30], "area": 900, "iscrowd": 0,
             "keypoints": [60, 15, 2, 55, 12, 2, 65, 12, 2]},
        ],
    }  # fmt: skip
    for key, value in changes.items():
        where, _, field = key.partition("__")
        index, _, name = field.partition("__")
        doc[where][int(index)][name] = value
    return doc


def _findings(doc: dict, tmp_path) -> dict[str, validate.Finding]:
    (tmp_path / "in.json").write_text(json.dumps(doc))
    found = validate.check(coco.read(tmp_path / "in.json"))
    return {f.code: f for f in found if f.code.startswith("keypoints.")}


def test_a_clean_keypoint_dataset_has_no_keypoint_findings(tmp_path):
    assert _findings(_doc(), tmp_path) == {}


def test_a_dataset_without_keypoints_has_none(tmp_path):
    doc = _doc()
    for a in doc["annotations"]:
        del a["keypoints"]
    del doc["categories"][0]["keypoints"], doc["categories"][0]["skeleton"]
    assert _findings(doc, tmp_path) == {}


def test_an_object_with_fewer_points_than_the_names(tmp_path):
    found = _findings(_doc(annotations__1__keypoints=[60, 15, 2, 55, 12, 2]), tmp_path)
    assert found["keypoints.count_mismatch"].count == 1
    assert found["keypoints.count_mismatch"].examples == ["annotation 2 on a.jpg"]


def test_without_names_the_count_most_objects_have_is_expected(tmp_path):
    doc = _doc(annotations__1__keypoints=[60, 15, 2, 55, 12, 2])
    doc["categories"][0]["keypoints"] = []
    doc["categories"][0]["skeleton"] = []
    extra = dict(doc["annotations"][0], id=3)
    doc["annotations"].append(extra)  # two objects of 3 points, one of 2
    found = _findings(doc, tmp_path)
    assert found["keypoints.count_mismatch"].examples == ["annotation 2 on a.jpg"]


@pytest.mark.parametrize("v", [3, -1, 0.5])
def test_a_visibility_outside_0_1_2(tmp_path, v):
    found = _findings(_doc(annotations__1__keypoints=[60, 15, v, 55, 12, 2, 65, 12, 2]), tmp_path)
    assert found["keypoints.visibility"].count == 1
    assert found["keypoints.visibility"].examples == ["annotation 2 on a.jpg"]


def test_a_labelled_point_with_nan(tmp_path):
    (tmp_path / "in.json").write_text(json.dumps(_doc()))  # JSON has no NaN; a library user's array may
    ds = coco.read(tmp_path / "in.json")
    ds.annotations.keypoints[3, 0] = float("nan")  # the second object's first point, labelled
    found = {f.code: f for f in validate.check(ds)}
    assert found["keypoints.not_finite"].count == 1
    assert found["keypoints.not_finite"].examples == ["annotation 2 on a.jpg"]


@pytest.mark.parametrize("pair, bad", [([0, 1], 1), ([3, 4], 1), ([1, 3], 0)])
def test_skeleton_pairs_out_of_the_1_based_range(tmp_path, pair, bad):
    doc = _doc()
    doc["categories"][0]["skeleton"] = [[1, 2], pair]
    found = _findings(doc, tmp_path)
    if bad:
        assert found["keypoints.skeleton"].count == bad
        assert "person" in found["keypoints.skeleton"].examples[0]
    else:
        assert "keypoints.skeleton" not in found


def test_labelled_points_past_the_image_but_not_unlabelled_ones(tmp_path):
    # x = 100 is the right edge (inside); 100.5 and y = -1 are past it; the 0, 0, 0 point is ignored
    found = _findings(_doc(annotations__1__keypoints=[100, 15, 2, 100.5, 12, 1, 65, -1, 2]), tmp_path)
    assert found["keypoints.outside_image"].count == 2
    assert found["keypoints.outside_image"].examples == ["annotation 2 on a.jpg"]


def test_flip_idx_that_is_not_a_reordering(tmp_path):
    (tmp_path / "in.json").write_text(json.dumps(_doc()))
    ds = coco.read(tmp_path / "in.json")
    ds.categories[0].flip_idx = [0, 2, 2]
    assert [f.count for f in validate.check(ds) if f.code == "keypoints.flip_idx"] == [1]
    ds.categories[0].flip_idx = [0, 2, 1]
    assert not [f for f in validate.check(ds) if f.code == "keypoints.flip_idx"]


def test_yolo_pose_names_of_the_sidecar_against_the_rows_k(tmp_path):
    """A YOLO pose folder read back: K of the rows (kpt_shape) against gtconvert.json's names."""
    (tmp_path / "in.json").write_text(json.dumps(_doc()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the images are absent
        yolo.write(coco.read(tmp_path / "in.json"), tmp_path / "y", task="pose")
    ds = yolo.read(tmp_path / "y", image_size=(100, 50))
    assert ds.categories[0].keypoints == NAMES
    assert not [f for f in validate.check(ds) if f.code.startswith("keypoints.")]
    ds.categories[0].keypoints = [*NAMES, "chin"]  # names of another K than kpt_shape's
    found = {f.code: f for f in validate.check(ds)}
    assert found["keypoints.count_mismatch"].count == 2


def test_the_cli_exits_1_on_a_keypoint_finding(tmp_path):
    from gtconvert import cli

    doc = _doc(annotations__0__keypoints=[20, 15, 7, 15, 12, 1, 0, 0, 0])
    (tmp_path / "in.json").write_text(json.dumps(doc))
    assert cli.main(["validate", str(tmp_path / "in.json")]) == 1
