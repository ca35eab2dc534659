"""COCO keypoints, attributes and unknown annotation keys: every target that cannot hold them
says so, once, with a count (``<target>.keypoints_dropped``, ``.attributes_dropped``,
``.unknown_keys_dropped``), and ``--report`` records it; those that hold them say nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PIL import Image

from gtconvert import registry
from gtconvert.formats import coco
from gtconvert.report import Report

# target -> (output name, options, the fields it cannot hold)
TARGETS = {
    "yolo": ("out", {"task": "detect"}, {"keypoints", "unknown_keys"}),  # yolo.attributes: its own code
    "voc": ("out", {}, {"keypoints", "unknown_keys"}),
    "masks": ("out", {}, {"keypoints"}),  # classes.json's objects keep the rest
    "masks-index": ("out", {"instances": False}, {"keypoints", "attributes", "unknown_keys"}),
    "semantic": ("out", {}, {"keypoints", "attributes", "unknown_keys"}),
    "classify": ("out", {"crops": True}, {"keypoints", "attributes", "unknown_keys"}),
    "matlab": ("out.mat", {}, {"unknown_keys"}),
    "openlabel": ("out.json", {}, {"keypoints"}),
    "coco": ("out.json", {}, set()),
}


def source(tmp_path: Path) -> Path:
    """Three objects: one with CVAT attributes, one with unknown keys, one with keypoints."""
    (tmp_path / "images").mkdir()
    Image.new("RGB", (40, 30), (90, 90, 90)).save(tmp_path / "images" / "a.png")
    doc = {
        "images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30}],
        "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "tail"], "skeleton": [[1, 2]]}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 2, 10, 10], "area": 100, "iscrowd": 0,
             "attributes": {"occluded": True, "track_id": 3}},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [14, 2, 10, 10], "area": 100, "iscrowd": 0,
             "ignore": 0, "weight": 0.5},
            {"id": 3, "image_id": 1, "category_id": 1, "bbox": [26, 2, 10, 10], "area": 100, "iscrowd": 0,
             "keypoints": [28, 4, 2, 30, 8, 1], "num_keypoints": 2},
        ],
    }  # fmt: skip
    path = tmp_path / "images" / "in.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_names_what_it_cannot_hold(tmp_path: Path, target: str) -> None:
    name, opts, lost = TARGETS[target]
    target = target.split("-")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = coco.read(source(tmp_path))
        with Report() as rep:
            registry.get(target).module.write(ds, tmp_path / name, **opts)
    for field in ("keypoints", "attributes", "unknown_keys"):
        count = rep.count(f"{target}.{field}_dropped")
        assert count == (1 if field in lost else 0), (target, field, count)
    if "unknown_keys" in lost:
        event = next(e for e in rep.events if e.code == f"{target}.unknown_keys_dropped")
        assert event.examples == ["ignore", "weight"] and "unknown keys of 1 objects" in event.message


def test_the_report_file_names_them(tmp_path: Path) -> None:
    src = source(tmp_path)
    report_path = tmp_path / "report.json"
    args = ["convert", str(src), str(tmp_path / "y"), "--to", "semantic", "--report", str(report_path)]
    run = subprocess.run(
        [sys.executable, "-m", "gtconvert", *args],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    codes = {e["code"]: e["count"] for e in json.loads(report_path.read_text())["events"]}
    assert codes["semantic.unknown_keys_dropped"] == 1 and codes["semantic.keypoints_dropped"] == 1
    assert codes["semantic.attributes_dropped"] == 1
    assert "unknown keys of 1 objects" in run.stderr


def test_masks_keep_attributes_and_unknown_keys_with_the_instances(tmp_path: Path) -> None:
    from gtconvert.formats import masks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = coco.read(source(tmp_path))
        masks.write(ds, tmp_path / "m")
        back = masks.read(tmp_path / "m")
    assert back.annotations.id.tolist() == ds.annotations.id.tolist()
    assert back.annotations.attributes.tolist() == ds.annotations.attributes.tolist()
    assert back.annotations.extra.tolist() == ds.annotations.extra.tolist()
