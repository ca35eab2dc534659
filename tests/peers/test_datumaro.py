"""Datumaro's importers read our VOC, COCO, YOLO and classification outputs (peers' venv).

The sample COCO document (``sample.py``) is converted with gtconvert and imported with
Datumaro's own importer for each format; the items, subsets, label names and annotations it
finds are compared with the document. Datumaro raises on the first item it cannot read.
"""

from __future__ import annotations

import shutil
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import gtconvert

from .sample import mask_doc, write_sample

SPLIT = {"train": 0.5, "val": 0.5}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return write_sample(tmp_path_factory.mktemp("sample") / "src")


def _convert(path: Path, images: Path, out: Path, fmt: str, **options) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # keypoints VOC and YOLO detect cannot hold: counted elsewhere
        gtconvert.write(gtconvert.read(path, "coco", images=str(images)), out, fmt, **options)


def _boxes(doc: dict, shift: tuple[float, float, float, float] = (0, 0, 0, 0)) -> dict[str, list]:
    """Per image stem: the sorted (label, x, y, w, h) of its objects, ``shift`` added."""
    names = {c["id"]: c["name"] for c in doc["categories"]}
    out: dict[str, list] = {Path(im["file_name"]).stem: [] for im in doc["images"]}
    stem = {im["id"]: Path(im["file_name"]).stem for im in doc["images"]}
    for a in doc["annotations"]:
        out[stem[a["image_id"]]].append((names[a["category_id"]], *np.add(a["bbox"], shift).tolist()))
    return {k: sorted(v) for k, v in out.items()}


def _peer_boxes(result: dict, kind: str = "bbox") -> dict[str, list]:
    return {
        item["id"]: sorted((a["label"], *a["bbox"]) for a in item["annotations"] if a["type"] == kind)
        for item in result["items"]
    }


def _assert_same_boxes(got: dict, want: dict, atol: float) -> None:
    assert sorted(got) == sorted(want)
    for stem in want:
        assert [g[0] for g in got[stem]] == [w[0] for w in want[stem]], stem
        np.testing.assert_allclose(
            [g[1:] for g in got[stem]], [w[1:] for w in want[stem]], atol=atol, err_msg=stem
        )


def _assert_items(result: dict, doc: dict, subsets: set[str]) -> None:
    assert len(result["items"]) == len(doc["images"])
    assert {item["subset"] for item in result["items"]} == subsets
    size = {Path(im["file_name"]).stem: [im["height"], im["width"]] for im in doc["images"]}
    assert {item["id"]: item["size"] for item in result["items"]} == size


@pytest.mark.parametrize("origin, shift", [("zero", (0, 0, 0, 0)), ("devkit", (1, 1, -1, -1))])
def test_datumaro_reads_our_voc(sample, tmp_path, run_peer, origin, shift):
    """Datumaro reads VOC corners as x = xmin, w = xmax - xmin: our ``--origin zero`` output
    gives the COCO boxes exactly; the devkit's 1-based corners (the default) come out one pixel
    right and down and one pixel smaller, the difference docs/voc.md describes."""
    path, images, doc = sample
    _convert(path, images, tmp_path / "voc", "voc", split=SPLIT, seed=0, origin=origin)
    result = run_peer("datumaro_import", tmp_path / "voc", "voc_detection")
    assert result["labels"] == ["background"] + [c["name"] for c in doc["categories"]]  # labelmap.txt
    _assert_items(result, doc, set(SPLIT))
    _assert_same_boxes(_peer_boxes(result), _boxes(doc, shift), atol=0)


def test_datumaro_reads_our_voc_masks(sample, tmp_path, run_peer):
    """SegmentationObject/SegmentationClass PNGs through Datumaro's instance segmentation
    importer: one mask per object, its class found through our labelmap.txt colours."""
    path, images, doc = sample
    _convert(path, images, tmp_path / "voc", "voc", masks=True, split=SPLIT, seed=0)
    result = run_peer("datumaro_import", tmp_path / "voc", "voc_instance_segmentation")
    assert result["labels"] == ["background"] + [c["name"] for c in doc["categories"]]
    names = {c["id"]: c["name"] for c in doc["categories"]}
    stem = {im["id"]: Path(im["file_name"]).stem for im in doc["images"]}
    want: dict[str, Counter] = {}
    for a in doc["annotations"]:  # every object is a polygon: every one is painted
        want.setdefault(stem[a["image_id"]], Counter())[names[a["category_id"]]] += 1
    got = {
        item["id"]: Counter(a["label"] for a in item["annotations"] if a["type"] == "mask")
        for item in result["items"]
    }
    assert got == want  # the image without objects has no PNG and is not in Segmentation/


def test_datumaro_reads_our_coco_instances(sample, tmp_path, run_peer):
    path, images, doc = sample
    root = tmp_path / "coco"  # Datumaro's layout: annotations/instances_<subset>.json, images/<subset>/
    (root / "annotations").mkdir(parents=True)
    _convert(path, images, root / "annotations" / "instances_default.json", "coco")
    shutil.copytree(images, root / "images" / "default")
    result = run_peer("datumaro_import", root, "coco_instances")
    assert result["labels"] == [c["name"] for c in doc["categories"]]
    _assert_items(result, doc, {"default"})
    _assert_same_boxes(_peer_boxes(result), _boxes(doc), atol=1e-9)  # each object's bbox
    polygons = {
        item["id"]: sorted(a["points"] for a in item["annotations"] if a["type"] == "polygon")
        for item in result["items"]
    }
    stem = {im["id"]: Path(im["file_name"]).stem for im in doc["images"]}
    want: dict[str, list] = {s: [] for s in stem.values()}
    for a in doc["annotations"]:
        want[stem[a["image_id"]]] += a["segmentation"]
    assert polygons == {k: sorted(v) for k, v in want.items()}


def test_datumaro_reads_our_coco_rle_masks_and_crowd_flags(tmp_path, run_peer):
    doc, masks = mask_doc()
    doc["annotations"][1]["iscrowd"] = 1
    path, images, _ = write_sample(tmp_path / "src", doc)
    root = tmp_path / "coco"
    (root / "annotations").mkdir(parents=True)
    _convert(path, images, root / "annotations" / "instances_default.json", "coco")
    shutil.copytree(images, root / "images" / "default")
    result = run_peer("datumaro_import", root, "coco_instances")
    (item,) = result["items"]
    got = sorted((a["label"], a["area"], a["is_crowd"]) for a in item["annotations"] if a["type"] == "mask")
    assert got == [("blobs", int(masks[1].sum()), True), ("ring", int(masks[0].sum()), False)]


def test_datumaro_reads_our_coco_person_keypoints(sample, tmp_path, run_peer):
    """COCO keypoints as Datumaro's ``coco_person_keypoints`` reads them: a Points annotation
    per person with COCO's visibilities (0 absent, 1 hidden, 2 visible)."""
    _, images, doc = sample
    people = dict(doc, categories=doc["categories"][:1])  # a person_keypoints file: people only
    people["annotations"] = [a for a in doc["annotations"] if a["category_id"] == 1]
    src_path, _, _ = write_sample(tmp_path / "people", people)
    root = tmp_path / "coco"
    (root / "annotations").mkdir(parents=True)
    _convert(src_path, images, root / "annotations" / "person_keypoints_default.json", "coco")
    shutil.copytree(images, root / "images" / "default")
    result = run_peer("datumaro_import", root, "coco_person_keypoints")
    _assert_items(result, people, {"default"})
    got = sorted(
        (item["id"], a["points"], a["visibility"])
        for item in result["items"]
        for a in item["annotations"]
        if a["type"] == "points"
    )
    stem = {im["id"]: Path(im["file_name"]).stem for im in doc["images"]}
    want = []
    for a in people["annotations"]:
        kp = np.asarray(a["keypoints"], float).reshape(-1, 3)
        want.append((stem[a["image_id"]], kp[:, :2].ravel(), kp[:, 2].astype(int).tolist()))
    want.sort(key=lambda t: (t[0], t[1].tolist(), t[2]))
    assert [(g[0], g[2]) for g in got] == [(w[0], w[2]) for w in want]
    np.testing.assert_allclose([g[1] for g in got], [w[1] for w in want], rtol=1e-6)  # float32 inside


def test_datumaro_reads_our_yolo_detect(sample, tmp_path, run_peer):
    path, images, doc = sample
    _convert(path, images, tmp_path / "yolo", "yolo", task="detect", split=SPLIT, seed=0)
    result = run_peer("datumaro_import", tmp_path / "yolo", "yolo")
    assert result["labels"] == [c["name"] for c in doc["categories"]]  # data.yaml's names
    _assert_items(result, doc, set(SPLIT))
    # 6 decimals of a fraction of at most 96 px: 5e-5 px; Datumaro computes in float32
    _assert_same_boxes(_peer_boxes(result), _boxes(doc), atol=1e-4)


def test_datumaro_reads_our_classification_crops(sample, tmp_path, run_peer):
    """Without splits: Datumaro's ImageNet importer refuses an empty class folder, which a split
    output has where a class has no image in that split (Ultralytics and ImageFolder need it)."""
    path, images, doc = sample
    _convert(path, images, tmp_path / "cls", "classify", crops=True)
    result = run_peer("datumaro_import", tmp_path / "cls", "imagenet")
    assert result["labels"] == sorted(c["name"] for c in doc["categories"])
    labels = Counter(a["label"] for item in result["items"] for a in item["annotations"])
    names = {c["id"]: c["name"] for c in doc["categories"]}
    assert labels == Counter(names[a["category_id"]] for a in doc["annotations"])
    assert len(result["items"]) == len(doc["annotations"])  # one crop per object
