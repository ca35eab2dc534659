"""COCO keypoints (person_keypoints style): read, written back exactly, warned where dropped."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtconvert import geometry
from gtconvert.formats import coco
from gtconvert.model import Annotations


@st.composite
def keypoint_docs(draw, integer: bool | None = None):
    """A COCO keypoints document: one category of K points, objects with and without keypoints."""
    k = draw(st.integers(1, 6))
    width, height = draw(st.integers(1, 2000)), draw(st.integers(1, 2000))
    skeleton = draw(st.lists(st.tuples(st.integers(1, k), st.integers(1, k)), max_size=4))
    whole = draw(st.booleans()) if integer is None else integer
    coord = st.integers(0, 2000) if whole else st.floats(0, 2000, allow_nan=False).map(lambda v: round(v, 3))
    anns = []
    for i in range(draw(st.integers(0, 5))):
        rec = {"id": i + 1, "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}
        if draw(st.booleans()):
            flat = []
            for _ in range(k):
                v = draw(st.sampled_from([0, 1, 2]))
                flat += [0, 0, 0] if v == 0 else [draw(coord), draw(coord), v]
            rec["num_keypoints"] = sum(1 for v in flat[2::3] if v > 0)
            rec["keypoints"] = flat
        anns.append(rec)
    cat = {"id": 3, "name": "person", "supercategory": "person",
           "keypoints": [f"p{j}" for j in range(k)], "skeleton": [list(p) for p in skeleton]}  # fmt: skip
    return {
        "images": [{"id": 1, "file_name": "a.jpg", "width": width, "height": height}],
        "categories": [cat],
        "annotations": anns,
    }


def _fixed_doc() -> dict:
    """Three people of 3 points: all labelled, one hidden and one unlabelled, none."""
    cat = {"id": 3, "name": "person", "keypoints": ["nose", "l_eye", "r_eye"], "skeleton": [[1, 2], [1, 3]]}
    people = [[10, 20, 2, 11, 19, 2, 9, 19, 2], [30, 40, 1, 0, 0, 0, 29, 39, 2], None]
    anns = [
        {"id": i + 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 50, 50], "area": 2500, "iscrowd": 0}
        | ({} if kp is None else {"num_keypoints": sum(v > 0 for v in kp[2::3]), "keypoints": kp})
        for i, kp in enumerate(people)
    ]
    return {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}],
        "categories": [cat],
        "annotations": anns,
    }


def _write_read(doc: dict, tmp_path) -> tuple[dict, object]:
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(doc))
    ds = coco.read(src)
    coco.write(ds, out, overwrite=True)
    return json.loads(out.read_text()), ds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=keypoint_docs())
def test_coco_keypoints_round_trip_exact(doc, tmp_path):
    back, ds = _write_read(doc, tmp_path)
    assert back["categories"][0]["keypoints"] == doc["categories"][0]["keypoints"]
    assert back["categories"][0]["skeleton"] == doc["categories"][0]["skeleton"]
    assert ds.categories[0].skeleton == [(a - 1, b - 1) for a, b in doc["categories"][0]["skeleton"]]
    for a, b in zip(doc["annotations"], back["annotations"]):
        assert a.get("keypoints") == b.get("keypoints")
        assert a.get("num_keypoints") == b.get("num_keypoints")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=keypoint_docs(), data=st.data())
def test_take_and_concat_keep_each_objects_points(doc, data, tmp_path):
    _, ds = _write_read(doc, tmp_path)
    ann = ds.annotations
    rows = data.draw(st.lists(st.integers(0, max(len(ann) - 1, 0)), max_size=6)) if len(ann) else []
    sub = ann.take(np.array(rows, dtype=np.int64))
    both = Annotations.concat([sub, ann])
    for j, i in enumerate(rows + list(range(len(ann)))):
        got = both.keypoints[both.keypoint_start[j] : both.keypoint_start[j + 1]]
        np.testing.assert_array_equal(got, ann.keypoints[ann.keypoint_start[i] : ann.keypoint_start[i + 1]])


def test_streamed_reading_keeps_keypoints(tmp_path, monkeypatch):
    from gtconvert.formats.coco import reader

    doc = _fixed_doc()
    monkeypatch.setattr(reader, "STREAM_MIN_BYTES", 0)
    back, _ = _write_read(doc, tmp_path)
    assert [a.get("keypoints") for a in back["annotations"]] == [
        a.get("keypoints") for a in doc["annotations"]
    ]


def test_bad_keypoints_are_one_error(tmp_path):
    doc = _fixed_doc()
    doc["annotations"] = [
        {"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "keypoints": [1, 2]}
    ]
    (tmp_path / "in.json").write_text(json.dumps(doc))
    with pytest.raises(Exception, match="flat list"):
        coco.read(tmp_path / "in.json")


def test_keypoints_of_another_form_beside_coco_ones_stay_that_records_unknown_keys(tmp_path):
    """One record's points as text or booleans, or kwcoco's dicts: the others still read as
    points, that one written back as it was (the fast all-numbers check falls back per record)."""
    doc = _fixed_doc()
    odd = [["1", "2", "2"], [True, False, True], [{"xy": [1, 2], "visible": True}]]
    for k, a in zip(odd, doc["annotations"]):
        a["keypoints"] = k
    back, ds = _write_read(doc, tmp_path)
    assert [a["keypoints"] for a in back["annotations"]] == odd
    assert len(ds.annotations.keypoints) == 0
    doc = _fixed_doc()
    doc["annotations"][2]["keypoints"] = ["1", "2", "2"]
    back, ds = _write_read(doc, tmp_path)
    assert ds.annotations.keypoints.shape == (6, 3)  # the two people of numbers
    assert back["annotations"][2]["keypoints"] == ["1", "2", "2"]


def test_labelled_counts_and_outside():
    kp = np.array([[1, 1, 2], [0, 0, 0], [5, 5, 1], [50, 1, 2]], dtype=float)
    starts = np.array([0, 2, 2, 4])
    np.testing.assert_array_equal(geometry.labelled_counts(starts, kp), [1, 0, 2])
    np.testing.assert_array_equal(geometry.keypoints_outside(kp, 10, 10), [False, False, False, True])


def test_cocoeval_keypoints_of_our_output_against_itself_is_one(tmp_path):
    cocoeval = pytest.importorskip("pycocotools.cocoeval")
    from pycocotools.coco import COCO

    sigmas_k = 17
    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
        "categories": [{"id": 1, "name": "person", "keypoints": [f"k{j}" for j in range(sigmas_k)], "skeleton": [[1, 2]]}],
        "annotations": [
            {"id": i + 1, "image_id": 1, "category_id": 1, "bbox": [10 + 100 * i, 20, 80, 200], "area": 16000,
             "iscrowd": 0, "keypoints": [v for j in range(sigmas_k) for v in (15 + 100 * i + 3 * j, 30 + 10 * j, 2)]}
            for i in range(4)
        ],
    }  # fmt: skip
    back, _ = _write_read(doc, tmp_path)
    gt = COCO(str(tmp_path / "out.json"))
    dets = [dict(a, score=1.0) for a in back["annotations"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = cocoeval.COCOeval(gt, gt.loadRes(dets), iouType="keypoints")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)


def test_voc_warns_with_counts_that_it_drops_keypoints(tmp_path):
    from gtconvert import report
    from gtconvert.formats import voc

    doc = _fixed_doc()
    doc["annotations"] = [
        {"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "keypoints": [0, 0, 2] * len(doc["categories"][0]["keypoints"])}
    ]  # fmt: skip
    (tmp_path / "in.json").write_text(json.dumps(doc))
    ds = coco.read(tmp_path / "in.json")
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        voc.write(ds, tmp_path / "voc")
    assert rep.count("voc.keypoints_dropped") == 1
