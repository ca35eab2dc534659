"""COCO in and out: exact round trips, pycocotools as the judge, files made by other tools."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from strategies import datasets

import gtconvert
from gtconvert import geometry
from gtconvert.errors import GtconvertError
from gtconvert.model import Kind
from gtconvert.testing import assert_datasets_equal

COCO_KINDS = (Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)


@given(datasets(kinds=COCO_KINDS))
def test_round_trip_is_exact(tmp_path_factory: pytest.TempPathFactory, ds: gtconvert.Dataset) -> None:
    path = tmp_path_factory.mktemp("coco") / "out.json"
    gtconvert.write(ds, path)
    back = gtconvert.read(path)
    assert_datasets_equal(ds, back)
    # a second trip writes the very same bytes: nothing drifts
    again = path.with_name("again.json")
    gtconvert.write(back, again)
    assert again.read_bytes() == path.read_bytes()


@given(datasets(kinds=COCO_KINDS))
def test_output_loads_in_pycocotools(tmp_path_factory: pytest.TempPathFactory, ds: gtconvert.Dataset) -> None:
    from pycocotools.coco import COCO

    path = tmp_path_factory.mktemp("coco") / "out.json"
    gtconvert.write(ds, path)
    coco = COCO(str(path))
    assert sorted(coco.getImgIds()) == sorted(ds.images.id.tolist())
    assert sorted(coco.getCatIds()) == sorted(c.id for c in ds.categories)
    for ann in coco.loadAnns(coco.getAnnIds()):
        if "segmentation" in ann:
            mask = coco.annToMask(ann)
            img = coco.imgs[ann["image_id"]]
            assert mask.shape == (img["height"], img["width"])


def _plain_coco(tmp_path: Path) -> Path:
    """A file as other tools write it: uncompressed crowd RLE, extra keys, an empty image."""
    mask = np.zeros((20, 30), dtype=np.uint8)
    mask[5:15, 10:25] = 1
    crowd = geometry.rle_to_uncompressed(geometry.mask_to_rle(mask))
    doc = {
        "info": {"year": 2017, "description": "hand made"},
        "licenses": [{"id": 3, "name": "CC-BY", "url": "http://example.org"}],
        "images": [
            {"id": 42, "file_name": "a.jpg", "width": 30, "height": 20, "license": 3, "coco_url": "x"},
            {"id": 7, "file_name": "empty.jpg", "width": 30, "height": 20},
        ],
        "categories": [{"id": 90, "name": "toothbrush", "supercategory": "indoor"}],
        "annotations": [
            {
                "id": 900,
                "image_id": 42,
                "category_id": 90,
                "bbox": [1.5, 2, 3, 4],
                "area": 12.0,
                "iscrowd": 0,
                "segmentation": [[1.5, 2, 4.5, 2, 4.5, 6], [10, 10, 12, 10, 12, 12, 10, 12]],
            },
            {
                "id": 901,
                "image_id": 42,
                "category_id": 90,
                "bbox": [10, 5, 15, 10],
                "area": 150,
                "iscrowd": 1,
                "segmentation": crowd,
                "ignore": 1,
            },
            {"id": 902, "image_id": 42, "category_id": 90, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0},
        ],
        "annotator": "someone",
    }
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(doc))
    return path


def test_reads_other_tools_files_and_keeps_everything(tmp_path: Path) -> None:
    src = _plain_coco(tmp_path)
    ds = gtconvert.read(src)
    assert ds.annotations.kind.tolist() == [Kind.POLYGON, Kind.MASK, Kind.BOX]
    assert len(ds.annotations.parts(0)) == 2
    out = tmp_path / "out.json"
    gtconvert.write(ds, out)
    before, after = json.loads(src.read_text()), json.loads(out.read_text())
    for key in ("info", "licenses", "annotator", "images", "categories"):
        assert after[key] == before[key]
    assert after["annotations"] == before["annotations"]  # crowd RLE stays uncompressed


def test_missing_box_is_derived_from_geometry(tmp_path: Path) -> None:
    doc = {
        "images": [{"id": 1, "file_name": "a.png", "width": 10, "height": 10}],
        "categories": [{"id": 1, "name": "x"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": [[1, 2, 5, 2, 5, 7]]}],
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(doc))
    ds = gtconvert.read(path)
    assert ds.annotations.bbox.tolist() == [[1, 2, 4, 5]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["annotations"][0].update(image_id=99), "image_id 99 does not exist"),
        (lambda d: d["annotations"][0].update(category_id=5), "category_id 5 does not exist"),
        (lambda d: d["images"].append(dict(d["images"][0])), "duplicate image ids"),
        (lambda d: d["annotations"][0].update(segmentation=[[1, 2, 3]]), "odd number of coordinates"),
        (lambda d: d["annotations"][0].pop("category_id"), "needs 'id', 'image_id' and 'category_id'"),
    ],
)
def test_bad_records_name_file_and_record(tmp_path: Path, change, message: str) -> None:
    doc = json.loads(_plain_coco(tmp_path).read_text())
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GtconvertError, match=message) as err:
        gtconvert.read(path)
    assert str(path) in str(err.value)


def test_kwcoco_demo_data_round_trips_unchanged(tmp_path: Path) -> None:
    """A COCO file written by another tool: every id, box and decoded mask survives."""
    import kwcoco  # a dev dependency
    from pycocotools.coco import COCO

    demo = kwcoco.CocoDataset.demo("shapes8")
    demo.conform(legacy=True)  # plain COCO: flat polygon lists
    src = tmp_path / "kwcoco.json"
    demo.dump(str(src))
    out = tmp_path / "ours.json"
    gtconvert.convert(src, out)
    a, b = COCO(str(src)), COCO(str(out))
    assert a.getImgIds() == b.getImgIds() and a.getCatIds() == b.getCatIds()
    assert a.getAnnIds() == b.getAnnIds()
    for ann_id in a.getAnnIds():
        x, y = a.anns[ann_id], b.anns[ann_id]
        assert (x["image_id"], x["category_id"], x["bbox"]) == (y["image_id"], y["category_id"], y["bbox"])
        assert np.array_equal(a.annToMask(x), b.annToMask(y))
        assert x.get("keypoints") == y.get("keypoints")  # unknown keys are kept
