"""A COCO ``bbox`` that disagrees with its own polygon, mask or rotated box: ``validate``
names it (beyond 1 px), and every writer takes the same side: box targets the ``bbox``,
shape targets the shape (pycocotools' and Ultralytics' rule; docs/layouts.md, COCO)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gtconvert import validate
from gtconvert.formats import coco, masks, voc, yolo

W, H = 40, 30
SQUARE = [4.0, 4.0, 20.0, 4.0, 20.0, 20.0, 4.0, 20.0]  # its own box: [4, 4, 16, 16]
OFF_BOX = [2.0, 6.0, 22.0, 10.0]  # 2 px and more away on every edge


def dataset(tmp_path: Path, bbox: list[float]) -> Path:
    doc = {
        "images": [{"id": 1, "file_name": "a.png", "width": W, "height": H}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": bbox, "segmentation": [SQUARE], "area": 256.0,
             "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [30.0, 5.0, 3.0, 4.0], "area": 12.0, "iscrowd": 0,
             "segmentation": {"counts": [905, 4, 26, 4, 26, 4, 231], "size": [H, W]}},
        ],
    }  # fmt: skip
    Image.new("RGB", (W, H)).save(tmp_path / "a.png")
    (tmp_path / "in.json").write_text(json.dumps(doc))
    return tmp_path / "in.json"


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def test_validate_names_a_box_off_its_shape(tmp_path: Path) -> None:
    found = {f.code: f for f in validate.check(quiet(coco.read, dataset(tmp_path, OFF_BOX)))}
    assert found["box.shape_mismatch"].count == 1
    assert "annotation 1" in found["box.shape_mismatch"].examples[0]


@pytest.mark.parametrize("bbox", [[4.0, 4.0, 16.0, 16.0], [4.4, 3.6, 16.3, 15.8]])
def test_within_a_pixel_is_no_finding(tmp_path: Path, bbox: list[float]) -> None:
    codes = {f.code for f in validate.check(quiet(coco.read, dataset(tmp_path, bbox)))}
    assert "box.shape_mismatch" not in codes


def test_a_mask_bbox_is_checked_against_the_mask(tmp_path: Path) -> None:
    path = dataset(tmp_path, [4.0, 4.0, 16.0, 16.0])
    doc = json.loads(path.read_text())
    doc["annotations"][1]["bbox"] = [0.0, 0.0, 3.0, 4.0]
    path.write_text(json.dumps(doc))
    found = {f.code: f for f in validate.check(quiet(coco.read, path))}
    assert (
        found["box.shape_mismatch"].count == 1 and "annotation 2" in found["box.shape_mismatch"].examples[0]
    )


def yolo_rows(folder: Path) -> list[list[float]]:
    text = next(folder.rglob("labels/**/a.txt")).read_text()
    return [[float(v) for v in line.split()[1:]] for line in text.splitlines()]


def test_box_targets_use_the_bbox_and_shape_targets_the_shape(tmp_path: Path) -> None:
    ds = quiet(coco.read, dataset(tmp_path, OFF_BOX))
    x, y, w, h = OFF_BOX
    quiet(yolo.write, ds, tmp_path / "det", task="detect")
    assert yolo_rows(tmp_path / "det")[0] == pytest.approx(
        [(x + w / 2) / W, (y + h / 2) / H, w / W, h / H], abs=1e-6
    )
    quiet(yolo.write, ds, tmp_path / "seg", task="segment")
    seg = np.array(yolo_rows(tmp_path / "seg")[0]).reshape(-1, 2) * [W, H]
    assert seg.min(0).tolist() == pytest.approx([4, 4], abs=1e-4)  # the polygon, not the bbox
    assert seg.max(0).tolist() == pytest.approx([20, 20], abs=1e-4)
    quiet(voc.write, ds, tmp_path / "voc", masks=True)
    xml = next((tmp_path / "voc").rglob("a.xml")).read_text()
    assert "<xmin>3</xmin>" in xml and "<xmax>24</xmax>" in xml  # devkit corners of the bbox: x + 1, x + w
    quiet(masks.write, ds, tmp_path / "masks")
    index = np.asarray(Image.open(next((tmp_path / "masks" / "index").rglob("a.png"))))
    rows, cols = np.flatnonzero(index.any(1)), np.flatnonzero(index.any(0))
    assert (cols[0], rows[0], cols[-1], rows[-1]) == (4, 4, 32, 19)  # the square and the RLE only
    quiet(coco.write, ds, tmp_path / "out.json")
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["annotations"][0]["bbox"] == OFF_BOX and doc["annotations"][0]["segmentation"] == [SQUARE]
