"""Keypoints through MATLAB: the box label with one Point sublabel per keypoint name.

COCO keypoints -> interchange -> COCO is exact (hypothesis; coordinates up to the one-ulp rule
of MATLAB's +0.5 shift); the interchange holds what MATLAB shows (Point sublabels of the box,
at COCO + 0.5, visibility as an attribute); a file from MATLAB with that layout (no infoJson)
reads as keypoints; what MATLAB cannot hold is counted.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings

import gtconvert
from gtconvert.formats.matlab import interchange
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

from .test_keypoints_coco import _fixed_doc, keypoint_docs


def _convert(doc: dict, tmp_path: Path) -> tuple[dict, Path]:
    src, mat, out = tmp_path / "in.json", tmp_path / "kp.mat", tmp_path / "out.json"
    src.write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.convert(src, mat, dst_format="matlab", overwrite=True)
        gtconvert.convert(mat, out, dst_format="coco", overwrite=True)
    return json.loads(out.read_text()), mat


def _same_points(a: list[float] | None, b: list[float] | None) -> bool:
    """Equal, coordinates within one ulp (COCO x -> MATLAB x + 0.5 -> x can round the last bit)."""
    if a is None or b is None:
        return a is b
    a_, b_ = np.asarray(a, float).reshape(-1, 3), np.asarray(b, float).reshape(-1, 3)
    return (
        a_.shape == b_.shape
        and np.array_equal(a_[:, 2], b_[:, 2])
        and bool(np.all(np.abs(a_[:, :2] - b_[:, :2]) <= np.spacing(np.abs(a_[:, :2]) + 1)))
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=keypoint_docs())
def test_coco_keypoints_through_the_interchange(doc: dict, tmp_path: Path) -> None:
    back, _ = _convert(doc, tmp_path)
    assert back["categories"][0]["keypoints"] == doc["categories"][0]["keypoints"]
    assert back["categories"][0]["skeleton"] == doc["categories"][0]["skeleton"]
    assert len(back["annotations"]) == len(doc["annotations"])
    for a, b in zip(doc["annotations"], back["annotations"]):
        assert _same_points(a.get("keypoints"), b.get("keypoints")), (a, b)
        assert a.get("num_keypoints") == b.get("num_keypoints")
        assert a["bbox"] == b["bbox"]


def test_the_interchange_holds_point_sublabels(tmp_path: Path) -> None:
    doc = _fixed_doc()
    _, mat = _convert(doc, tmp_path)
    ic = interchange.load(mat)
    assert ic.labelNames == ["person", "nose", "l_eye", "r_eye"]
    assert ic.labelTypes == ["Rectangle", "Point", "Point", "Point"]
    assert ic.labelParents == ["", "person", "person", "person"]
    assert ic.attrNames == ["visibility"] * 3 and ic.attrTypes == ["numeric"] * 3
    points = np.flatnonzero(ic.objParent > 0)
    assert len(points) == 5  # 3 + 2 labelled points; the unlabelled one has no object
    expected = []
    for person, ann in enumerate(doc["annotations"]):
        kp = np.asarray(ann.get("keypoints", []), float).reshape(-1, 3)
        expected += [(person + 1, j + 2, x + 0.5, y + 0.5, v) for j, (x, y, v) in enumerate(kp) if v > 0]
    got = [
        (
            int(ic.objParent[i]),
            int(ic.objLabel[i]),
            *ic.objPosition[i, :2],
            json.loads(ic.objAttributes[i])["visibility"],
        )
        for i in points
    ]
    assert sorted(got) == sorted(expected)


def _matlab_file(tmp_path: Path, attributes: bool) -> Path:
    """A box label with Point sublabels as a groundTruth export holds it (no infoJson)."""
    ic = interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([[48.0, 64.0]]),
        imageTime=np.array([np.nan]), pixelLabelFiles=[""],
        labelNames=["hand", "wrist", "thumb"], labelIds=np.array([1.0, 2.0, 3.0]),
        labelTypes=["Rectangle", "Point", "Point"], labelColors=np.full((3, 3), np.nan),
        labelPixelIds=[np.zeros((0, 0))] * 3, labelGroups=[""] * 3, labelDescriptions=[""] * 3,
        labelParents=["", "hand", "hand"],
        objImage=np.ones(4), objLabel=np.array([1.0, 2, 3, 1]), objId=np.arange(1.0, 5),
        objParent=np.array([0.0, 1, 1, 0]), objIsCrowd=np.zeros(4, bool),
        objPosition=np.r_[[[1, 1, 30, 30] + [np.nan] * 5], [[5.5, 6.5] + [np.nan] * 7],
                          [[10, 12] + [np.nan] * 7], [[31, 1, 20, 20] + [np.nan] * 5]],
        objPartCount=np.zeros(4), objRle=[""] * 4,
        objAttributes=["", '{"visibility":1}' if attributes else "", "", ""],
    )  # fmt: skip
    path = tmp_path / "gTruth.mat"
    interchange.save(ic, path)
    return path


def test_a_matlab_file_with_point_sublabels_reads_as_keypoints(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(_matlab_file(tmp_path, attributes=True), "matlab")
    assert [c.name for c in ds.categories] == ["hand"] and ds.categories[0].keypoints == ["wrist", "thumb"]
    ann = ds.annotations
    assert ann.kind.tolist() == [Kind.BOX, Kind.BOX]
    assert ann.keypoint_start.tolist() == [0, 2, 4]
    np.testing.assert_array_equal(ann.keypoints, [[5.0, 6.0, 1], [9.5, 11.5, 2], [0, 0, 0], [0, 0, 0]])


def test_keypoints_of_sublabel_objects_are_counted(tmp_path: Path) -> None:
    ann = Annotations.create(
        [0, 0], [0, 1], Kind.BOX, bbox=[[0, 0, 9, 9], [1, 1, 3, 3]], parent=[-1, 0],
        keypoints=[None, np.array([[2.0, 2.0, 2.0], [3.0, 3.0, 0.0]])],
    )  # fmt: skip
    ds = Dataset(
        Images.create(["a.png"], [20], [20]), [Category(1, "car"), Category(2, "wheel", parent="car")], ann
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gtconvert.write(ds, tmp_path / "o.mat", "matlab")
    assert any("1 labelled keypoint(s) of sublabel objects dropped" in str(w.message) for w in caught)


def test_points_of_objects_split_off_their_category_are_counted(tmp_path: Path) -> None:
    """Two persons with a polygon and a bbox-only one: the box goes to ``person_rectangle``, which
    MATLAB cannot give the Point sublabels of ``person``; its points are dropped and counted,
    the others kept."""
    cat = {"id": 1, "name": "person", "keypoints": ["nose", "eye"], "skeleton": [[1, 2]]}
    square = [[0, 0, 20, 0, 20, 20, 0, 20]]
    anns = [
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 20, 20], "area": 400, "iscrowd": 0,
         "segmentation": square, "keypoints": [5, 5, 2, 6, 6, 1], "num_keypoints": 2},
        {"id": 2, "image_id": 1, "category_id": 1, "bbox": [30, 0, 10, 10], "area": 100, "iscrowd": 0,
         "keypoints": [35, 5, 2, 0, 0, 0], "num_keypoints": 1},
        {"id": 3, "image_id": 1, "category_id": 1, "bbox": [0, 0, 20, 20], "area": 400, "iscrowd": 0,
         "segmentation": square, "keypoints": [7, 7, 2, 8, 8, 2], "num_keypoints": 2},
    ]  # fmt: skip
    doc = {
        "images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],
        "categories": [cat],
        "annotations": anns,
    }
    (tmp_path / "in.json").write_text(json.dumps(doc))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gtconvert.convert(tmp_path / "in.json", tmp_path / "kp.mat", dst_format="matlab")
    assert any("1 sublabel object(s) (keypoints among them) dropped" in str(w.message) for w in caught)
    ic = interchange.load(tmp_path / "kp.mat")
    person = ic.labelNames.index("person") + 1
    parents = ic.objParent[ic.objParent > 0].astype(int)
    assert (ic.objLabel[parents - 1] == person).all()  # every sublabel object hangs under person
    back, _ = _convert(doc, tmp_path)
    assert [a["keypoints"] for a in back["annotations"]] == [
        anns[0]["keypoints"],
        [0] * 6,
        anns[2]["keypoints"],
    ]
