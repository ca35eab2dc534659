"""pycocotools (our own dependency, no venv needed) scores our keypoints through YOLO pose.

COCO -> YOLO pose -> COCO, then COCOeval with ``iouType="keypoints"`` of the result (as
detections, score 1) against the source file: OKS mAP 1.0 means every labelled point came back
where it was, per object, as the COCO metric sees it. (COCO -> COCO against itself is in
tests/formats/test_keypoints_coco.py.)
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

import gtconvert

from .sample import write_sample


def test_cocoeval_keypoints_of_our_yolo_pose_output_read_back_is_one(tmp_path):
    path, images, doc = write_sample(tmp_path / "src")
    people = dict(doc, categories=doc["categories"][:1])
    people["annotations"] = [a for a in doc["annotations"] if a["category_id"] == 1]
    path.write_text(json.dumps(people))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(gtconvert.read(path, "coco", images=str(images)), tmp_path / "y", "yolo", task="pose")
        back = gtconvert.read(tmp_path / "y", "yolo")
        gtconvert.write(back, tmp_path / "back.json", "coco")
    dets = json.loads((tmp_path / "back.json").read_text())["annotations"]
    assert len(dets) == len(people["annotations"])
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(path))
        ev = COCOeval(gt, gt.loadRes([dict(a, score=1.0) for a in dets]), iouType="keypoints")
        ev.params.kpt_oks_sigmas = ev.params.kpt_oks_sigmas[:5]  # our 5 points, not COCO's 17
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)
