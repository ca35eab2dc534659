"""Ultralytics loads our YOLO and classification outputs as its trainers do (peers' venv).

A small COCO dataset with real images (``sample.py``) is converted with gtconvert; Ultralytics'
``check_det_dataset`` and ``YOLODataset`` (or ``check_cls_dataset``) read the result in the
peers' venv, and what they read is compared with the COCO document: images per split,
classes, boxes, polygons, rotated corners and keypoint arrays.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import gtconvert

from .sample import mask_doc, write_sample

#: YOLO text has 6 decimals (5e-7) and Ultralytics reads it as float32 (6e-8 near 1).
ATOL = 1e-6
SPLIT = {"train": 0.5, "val": 0.5}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    return write_sample(folder / "src")


def _convert(sample, out: Path, fmt: str, **options) -> None:
    path, images, _ = sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # keypoints dropped by detect, shapes as boxes: counted elsewhere
        gtconvert.write(gtconvert.read(path, "coco", images=str(images)), out, fmt, **options)


def _by_image(doc: dict) -> dict[str, tuple[dict, list[dict]]]:
    anns: dict[int, list[dict]] = {}
    for a in doc["annotations"]:
        anns.setdefault(a["image_id"], []).append(a)
    return {Path(im["file_name"]).stem: (im, anns.get(im["id"], [])) for im in doc["images"]}


def _class_index(doc: dict) -> dict[int, int]:
    return {c["id"]: i for i, c in enumerate(doc["categories"])}


def _expected_rows(doc: dict, task: str, k: int = 0) -> dict[str, list[list[float]]]:
    """Per image stem: one row per object, ``cls`` then what Ultralytics keeps for ``task``."""
    cls_of, out = _class_index(doc), {}
    for stem, (im, anns) in _by_image(doc).items():
        w, h = im["width"], im["height"]
        rows = []
        for a in anns:
            x, y, bw, bh = a["bbox"]
            row = [cls_of[a["category_id"]]]
            if task == "segment":
                poly = np.asarray(a["segmentation"][0], float).reshape(-1, 2) / [w, h]
                row += poly.ravel().tolist()
            else:
                row += [(x + bw / 2) / w, (y + bh / 2) / h, bw / w, bh / h]
            if task == "pose":
                kp = np.asarray(a.get("keypoints", [0] * 3 * k), float).reshape(-1, 3)
                row += (kp * [1 / w, 1 / h, 1]).ravel().tolist()
            rows.append(row)
        out[stem] = sorted(rows)
    return out


def _peer_rows(label: dict, task: str) -> list[list[float]]:
    rows = []
    for i, c in enumerate(label["cls"]):
        if task == "segment":
            row = [c, *np.asarray(label["segments"][i]).ravel().tolist()]
        else:
            row = [c, *label["bboxes"][i]]
        if task == "pose":
            row += np.asarray(label["keypoints"][i]).ravel().tolist()
        rows.append(row)
    return sorted(rows)


def _assert_rows_equal(got: list[list[float]], want: list[list[float]], what: str) -> None:
    assert [len(r) for r in got] == [len(r) for r in want], what
    np.testing.assert_allclose(
        np.concatenate([*got, []]), np.concatenate([*want, []]), atol=ATOL, err_msg=what
    )


def _check_yolo(result: dict, doc: dict, task: str, k: int = 0) -> None:
    assert result["names"] == [c["name"] for c in doc["categories"]]
    assert result["nc"] == len(doc["categories"])
    assert set(result["splits"]) == set(SPLIT)
    want = _expected_rows(doc, task, k)
    labels = [lb for s in result["splits"].values() for lb in s["labels"]]
    assert sum(s["images"] for s in result["splits"].values()) == len(doc["images"])
    assert sorted(Path(lb["im_file"]).stem for lb in labels) == sorted(want)  # every image, once
    assert sum(len(lb["cls"]) for lb in labels) == len(doc["annotations"])  # nothing dropped or merged
    for lb in labels:
        stem = Path(lb["im_file"]).stem
        im, _ = _by_image(doc)[stem]
        assert lb["shape"] == [im["height"], im["width"]]
        _assert_rows_equal(_peer_rows(lb, task), want[stem], f"{task} {stem}")
    for split in result["splits"].values():  # one training item per split through the transforms
        first = split["labels"][0]
        assert split["item"]["cls"] == len(first["cls"])
        if task == "pose":
            assert split["item"]["keypoints"] == [len(first["cls"]), k, 3]


@pytest.mark.parametrize("task", ["detect", "segment"])
def test_yolodataset_reads_our_detect_and_segment_output(sample, tmp_path, run_peer, task):
    _convert(sample, tmp_path / "yolo", "yolo", task=task, split=SPLIT, seed=0)
    result = run_peer("ultralytics_yolo", tmp_path / "yolo" / "data.yaml", task)
    assert result["kpt_shape"] is None
    _check_yolo(result, sample[2], task)


def test_yolodataset_reads_our_pose_output_with_the_right_keypoint_arrays(sample, tmp_path, run_peer):
    _convert(sample, tmp_path / "yolo", "yolo", task="pose", split=SPLIT, seed=0)
    result = run_peer("ultralytics_yolo", tmp_path / "yolo" / "data.yaml", "pose")
    k = len(sample[2]["categories"][0]["keypoints"])
    assert result["kpt_shape"] == [k, 3]
    _check_yolo(result, sample[2], "pose", k)
    labels = [lb for s in result["splits"].values() for lb in s["labels"]]
    visibilities = Counter(v for lb in labels for obj in lb["keypoints"] for _, _, v in obj)
    want = Counter(v for a in sample[2]["annotations"] for v in a.get("keypoints", [0] * 3 * k)[2::3])
    assert visibilities == want  # 0, 1 and 2 all arrive as written, unlabelled as 0 0 0


def _rotated_corners(cx: float, cy: float, w: float, h: float, angle: float) -> np.ndarray:
    """The 4 corners of a box turned ``angle`` degrees clockwise on screen (y down)."""
    t = math.radians(angle)
    local = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return local @ rot.T + [cx, cy]


def test_yolodataset_reads_our_obb_output(tmp_path, run_peer):
    doc = {
        "images": [{"id": i, "file_name": f"r{i}.jpg", "width": 80, "height": 60} for i in (1, 2)],
        "categories": [{"id": 3, "name": "ship"}, {"id": 4, "name": "plane"}],
        "annotations": [],
    }
    for n, (img, cat, rbox) in enumerate([(1, 3, [40, 30, 30, 10, 30]), (1, 4, [20, 20, 12, 8, -15]),
                                          (2, 3, [50, 35, 20, 20, 45])]):  # fmt: skip
        corners = _rotated_corners(*rbox)
        lo, hi = corners.min(0), corners.max(0)
        doc["annotations"].append({"id": n + 1, "image_id": img, "category_id": cat, "rbox": rbox, "iscrowd": 0,
                                   "bbox": [*lo.tolist(), *(hi - lo).tolist()], "area": rbox[2] * rbox[3]})  # fmt: skip
    rotated = write_sample(tmp_path / "src", doc)
    _convert(rotated, tmp_path / "yolo", "yolo", task="obb", split=SPLIT, seed=0)
    result = run_peer("ultralytics_yolo", tmp_path / "yolo" / "data.yaml", "obb")
    assert result["names"] == ["ship", "plane"]
    labels = {Path(lb["im_file"]).stem: lb for s in result["splits"].values() for lb in s["labels"]}
    assert sorted(labels) == ["r1", "r2"]
    for a in doc["annotations"]:
        lb = labels[f"r{a['image_id']}"]
        want = np.sort(_rotated_corners(*a["rbox"]) / [80, 60], axis=0)
        found = [np.sort(np.asarray(s), axis=0) for s in lb["segments"]]
        assert any(f.shape == (4, 2) and np.allclose(f, want, atol=ATOL) for f in found), a
    assert sum(len(lb["cls"]) for lb in labels.values()) == 3


def test_ultralytics_training_masks_of_our_segment_output_match_the_source_masks(tmp_path, run_peer):
    """Masks become one polygon per object (parts and holes joined by zero-width bridges);
    Ultralytics paints it with its own polygon2mask: the hole stays empty, both parts filled."""
    doc, masks = mask_doc()
    _convert(write_sample(tmp_path / "src", doc), tmp_path / "yolo", "yolo", task="segment")
    result = run_peer("ultralytics_masks", tmp_path / "yolo" / "data.yaml")
    assert list(result) == ["m.jpg"] and result["m.jpg"]["shape"] == [150, 200]
    objects = result["m.jpg"]["objects"]
    assert [o["cls"] for o in objects] == [0, 1]
    painted = []
    for obj, want in zip(objects, masks):
        got = np.zeros(want.shape, bool)
        got.flat[obj["pixels"]] = True
        iou = np.count_nonzero(got & (want > 0)) / np.count_nonzero(got | (want > 0))
        assert iou > 0.95, (obj["cls"], iou)  # fillPoly floors the coordinates: edge pixels differ
        painted.append(got)
    assert not painted[0][48:72, 48:72].any()  # the ring's hole stays a hole
    assert painted[1][50, 150] and painted[1][120, 150]  # both blobs are painted


def test_ultralytics_classify_reads_our_crops_with_the_right_counts(sample, tmp_path, run_peer):
    _convert(sample, tmp_path / "cls", "classify", crops=True, split=SPLIT, seed=0)
    result = run_peer("ultralytics_classify", tmp_path / "cls")
    names = sorted(c["name"] for c in sample[2]["categories"])
    assert result["names"] == names  # every class, from train's folders
    assert set(result["splits"]) == set(SPLIT)
    per_class = Counter()
    for counts in result["splits"].values():
        per_class.update(counts)
    cat_name = {c["id"]: c["name"] for c in sample[2]["categories"]}
    assert per_class == Counter(cat_name[a["category_id"]] for a in sample[2]["annotations"])
