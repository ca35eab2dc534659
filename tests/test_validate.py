"""``gtconvert validate``: findings grouped by kind, exit 0 (clean) / 1 (findings) / 2 (unreadable)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bad_inputs.corpus import YOLO_YAML, coco_doc, png_bytes, valid_coco, write_coco, yolo_folder

from gtconvert import validate
from gtconvert.cli import main
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def _validate(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["validate", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _codes(stdout: str) -> dict[str, int]:
    return {f["code"]: f["count"] for f in json.loads(stdout)}


def test_clean_dataset_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.jpg").write_bytes(png_bytes(np.zeros((30, 40), dtype=np.uint8)))  # Pillow reads content
    (tmp_path / "sub" / "b.png").write_bytes(png_bytes(np.zeros((20, 20), dtype=np.uint8)))
    code, out, _ = _validate([str(src)], capsys)
    assert code == 0 and "no problems found" in out, out
    (tmp_path / "a.jpg").unlink()
    code, out, _ = _validate([str(src)], capsys)
    assert code == 1 and "[image.missing]" in out and "e.g. a.jpg" in out


def test_findings_exit_1_grouped_with_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = coco_doc()
    anns = doc["annotations"]
    anns[0]["bbox"] = [35, 3, 10, 8]  # reaches past the right border of the 40-px image
    anns[1]["segmentation"] = [[5, 5, 15, 5, 5, 5, 15, 5]]  # 4 points, 2 distinct
    anns[2]["segmentation"] = {"size": [10, 10], "counts": [0, 100]}  # image 2 is 20 x 20
    anns.append(
        {"id": 9, "image_id": 2, "category_id": 7, "segmentation": [[1, 1, 2, 2]], "bbox": [1, 1, 1, 1]}
    )
    src = write_coco(tmp_path, doc)
    code, out, _ = _validate([str(src), "--json"], capsys)
    assert code == 1
    codes = _codes(out)
    assert codes["box.outside_image"] == 1
    assert codes["polygon.degenerate"] == 2
    assert codes["mask.size_mismatch"] == 1
    code, text, _ = _validate([str(src)], capsys)
    assert code == 1
    assert "[polygon.degenerate] polygons with a part of fewer than 3 distinct points: 2" in text
    assert "e.g. annotation 2 on a.jpg" in text and "e.g. annotation 9 on sub/b.png" in text


def test_images_missing_unreadable_or_resized(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = coco_doc()
    doc["images"].append({"id": 5, "file_name": "gone.jpg", "width": 8, "height": 8})
    src = write_coco(tmp_path / "labels", doc)
    images = tmp_path / "images"
    (images / "sub").mkdir(parents=True)
    (images / "a.jpg").write_bytes(b"not an image")
    (images / "sub" / "b.png").write_bytes(png_bytes(np.zeros((21, 20), dtype=np.uint8)))  # 20 x 21
    code, out, _ = _validate([str(src), "--images", str(images), "--json"], capsys)
    assert code == 1
    findings = {f["code"]: f for f in json.loads(out)}
    assert findings["image.missing"]["examples"] == ["gone.jpg"]
    assert findings["image.unreadable"]["examples"] == ["a.jpg"]
    assert findings["image.size_mismatch"]["examples"] == ["sub/b.png: 20 x 21, labels say 20 x 20"]


def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_coco(tmp_path, '{"images": [')
    code, out, err = _validate([str(src)], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "not valid JSON" in err and len(err.strip().splitlines()) == 1


def test_yolo_class_id_past_names_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = yolo_folder(tmp_path, YOLO_YAML, {"a": "0 0.5 0.5 0.2 0.2\n2 0.5 0.5 0.2 0.2\n"})
    code, _, err = _validate([str(root), "--images", str(root / "images")], capsys)
    assert code == 2
    assert "line 2" in err and "class 2 is not one of the 2 classes" in err


def test_checks_on_a_dataset_built_in_python() -> None:
    """Duplicate ids, unknown classes, NaN and empty boxes, duplicate basenames."""
    img = Images.create(["x/a.jpg", "y/a.jpg"], width=[10, 10], height=[10, 10], id=[1, 1])
    cats = [Category(id=4, name="c"), Category(id=4, name="d")]
    ann = Annotations.create(
        image=[0, 0, 1],
        category=[0, 5, 1],
        kind=Kind.BOX,
        id=[7, 7, 8],
        bbox=[[1, 1, 2, 2], [np.nan, 1, 2, 2], [1, 1, 0, 3]],
    )
    codes = {f.code: f.count for f in validate.check(Dataset(img, cats, ann))}
    assert codes["image.duplicate_id"] == 1
    assert codes["annotation.duplicate_id"] == 1
    assert codes["category.duplicate_id"] == 1
    assert codes["category.unknown"] == 1
    assert codes["box.not_finite"] == 1
    assert codes["box.empty"] == 1
    assert codes["image.duplicate_basename"] == 1


def test_distinct_points_are_counted_per_part() -> None:
    img = Images.create(["a.png"], width=[50], height=[50])
    square = np.array([[1, 1], [9, 1], [9, 9], [1, 9]], dtype=float)
    line = np.array([[1, 1], [5, 5], [1, 1], [5, 5]], dtype=float)
    ann = Annotations.create(
        image=[0, 0], category=[0, 0], kind=Kind.POLYGON, parts=[[square], [square, line]]
    )
    findings = [
        f
        for f in validate.check(Dataset(img, [Category(id=1, name="c")], ann))
        if f.code == "polygon.degenerate"
    ]
    assert len(findings) == 1 and findings[0].count == 1  # only the second polygon, by its second part
