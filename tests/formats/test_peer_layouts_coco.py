"""COCO files as CVAT, Label Studio, labelme (labelme2coco), Roboflow and kwcoco write them
(``fixtures/peers/coco``): each quirk read right, and our output loaded by pycocotools."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from gtconvert import geometry
from gtconvert.errors import GtconvertError
from gtconvert.formats import coco
from gtconvert.model import Kind

PEERS = Path(__file__).resolve().parents[2] / "fixtures" / "peers" / "coco"
TOOLS = ["cvat", "label_studio", "labelme2coco", "roboflow", "kwcoco"]


def source(tool: str) -> dict:
    return json.loads((PEERS / f"{tool}.json").read_text())


def read(path: Path, **opts: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coco.read(path, **opts)


def written(ds, tmp_path: Path) -> dict:
    out = tmp_path / "out.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coco.write(ds, out, overwrite=True)
    return json.loads(out.read_text())


def raster(segmentation: object, h: int, w: int) -> np.ndarray:
    """The pixels of a segmentation as pycocotools rasterises it (polygons: union of parts)."""
    rles = mask_utils.frPyObjects(segmentation, h, w)
    return mask_utils.decode(mask_utils.merge(rles) if isinstance(rles, list) else rles).astype(bool)


@pytest.mark.parametrize("tool", TOOLS)
def test_every_peer_file_is_read_whole_and_loads_in_pycocotools(tool: str, tmp_path: Path) -> None:
    src = source(tool)
    ds = read(PEERS / f"{tool}.json")
    assert ds.images.id.tolist() == [r["id"] for r in src["images"]]
    assert ds.annotations.id.tolist() == [a["id"] for a in src["annotations"]]
    assert [c.id for c in ds.categories] == [c["id"] for c in src["categories"]]
    doc = written(ds, tmp_path)
    api = COCO(str(tmp_path / "out.json"))
    for a in doc["annotations"]:
        h, w = api.imgs[a["image_id"]]["height"], api.imgs[a["image_id"]]["width"]
        if "segmentation" in a:
            assert api.annToMask(a).shape == (h, w)
    # the top-level keys (info, licenses, kwcoco's videos...) and unknown record keys come back
    assert {k: v for k, v in doc.items() if k not in ("images", "annotations", "categories")} == {
        k: v for k, v in src.items() if k not in ("images", "annotations", "categories")
    }
    assert doc["images"] == src["images"]


def test_cvat_boxes_attributes_rotation_and_uncompressed_crowd_rle(tmp_path: Path) -> None:
    ds = read(PEERS / "cvat.json")
    ann = ds.annotations
    assert [Kind(k).name for k in ann.kind] == ["BOX", "ROTATED_BOX", "POLYGON", "MASK"]
    # segmentation [] with a bbox: a plain box, its attributes kept as CVAT wrote them
    assert ann.bbox[0].tolist() == [2, 3, 10, 6]
    assert ann.attributes[0] == {"occluded": False, "rotation": 0.0}
    assert ann.attributes[2] == {"occluded": False, "track_id": 0, "keyframe": True}
    # rotation 30: CVAT's box is unrotated, turned clockwise about its centre
    assert ann.rbox[1].tolist() == pytest.approx([24, 13, 8, 6, 30])
    corners = geometry.rotated_box_corners(ann.rbox[1])[0]
    assert ann.bbox[1].tolist() == pytest.approx([*corners.min(0), *(corners.max(0) - corners.min(0))])
    assert "rotation" not in ann.attributes[1] and ann.attributes[1]["color"] == "red"
    # the crowd RLE with a counts list: a mask, its pixels as pycocotools decodes them
    src = source("cvat")["annotations"][3]
    assert bool(ann.iscrowd[3])
    assert np.array_equal(geometry.rle_decode(ann.rle[3]).astype(bool), raster(src["segmentation"], 30, 40))
    assert ann.bbox[3].tolist() == src["bbox"]
    doc = written(ds, tmp_path)
    assert doc["annotations"][1]["rbox"] == pytest.approx([24, 13, 8, 6, 30])
    assert "rotation" not in doc["annotations"][1]["attributes"]  # never turned twice


def test_ids_and_category_ids_from_zero(tmp_path: Path) -> None:
    """Label Studio and Roboflow number images, annotations and categories from 0."""
    for tool in ("label_studio", "roboflow"):
        doc = written(read(PEERS / f"{tool}.json"), tmp_path)
        src = source(tool)
        pairs = zip(doc["annotations"], src["annotations"])
        assert [(a["id"], a["image_id"], a["category_id"]) for a, _ in pairs] == [
            (a["id"], a["image_id"], a["category_id"]) for a in src["annotations"]
        ]
        assert doc["annotations"][0].get("ignore") == src["annotations"][0].get("ignore")


def test_labelme2coco_nulls_and_background_category(tmp_path: Path) -> None:
    """labelme's example script writes null fields and a `_background_` category with id 0."""
    src = source("labelme2coco")
    doc = written(read(PEERS / "labelme2coco.json"), tmp_path)
    assert doc["categories"] == src["categories"]
    assert doc["annotations"] == src["annotations"]  # two-part polygons, areas, boxes as given


def test_missing_area_is_derived_from_the_shape(tmp_path: Path) -> None:
    src = source("kwcoco")
    ds = read(PEERS / "kwcoco.json")
    assert np.isnan(ds.annotations.area).all()  # kwcoco wrote none
    doc = written(ds, tmp_path)
    for a in doc["annotations"]:
        pixels = raster(a["segmentation"], 30, 40)
        assert a["area"] == pytest.approx(np.count_nonzero(pixels))  # corners on pixel corners: exact
    assert len(doc["annotations"]) == len(src["annotations"])


def test_kwcoco_polygons_with_holes_keep_the_holes_empty(tmp_path: Path) -> None:
    ds = read(PEERS / "kwcoco.json")
    assert (ds.annotations.kind == Kind.POLYGON).all()
    doc = written(ds, tmp_path)
    got = raster(doc["annotations"][0]["segmentation"], 30, 40)
    outer = raster([[4, 4, 24, 4, 24, 24, 4, 24]], 30, 40)
    hole = raster([[10, 10, 10, 18, 18, 18, 18, 10]], 30, 40)
    assert np.array_equal(got, outer & ~hole)
    two = raster(doc["annotations"][1]["segmentation"], 30, 40)
    assert np.count_nonzero(two) == 12 * 10 + 8 * 12  # a list of kwcoco polygons: both parts
    # kwcoco's keypoint dicts and extra keys ride along unchanged
    assert doc["annotations"][1]["keypoints"] == source("kwcoco")["annotations"][1]["keypoints"]
    assert doc["annotations"][0]["track_id"] == 7


def test_a_kwcoco_polygon_without_points_names_the_record(tmp_path: Path) -> None:
    src = source("kwcoco")
    src["annotations"][0]["segmentation"] = {"exterior": "nowhere"}
    (tmp_path / "bad.json").write_text(json.dumps(src))
    with pytest.raises(GtconvertError, match="annotation id 1") as err:
        read(tmp_path / "bad.json")
    assert "exterior" in (err.value.fix or "")


def test_a_segmentation_of_text_is_an_error_not_a_box(tmp_path: Path) -> None:
    src = source("roboflow")
    src["annotations"][1]["segmentation"] = "abc123"
    (tmp_path / "bad.json").write_text(json.dumps(src))
    with pytest.raises(GtconvertError, match="annotation id 1"):
        read(tmp_path / "bad.json")


def kwcoco_absolute(tmp_path: Path, folder: Path) -> Path:
    src = source("kwcoco")
    for r in src["images"]:
        r["file_name"] = str(folder / r["file_name"])
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "images" / "tile_1.png").write_bytes(b"")
    path = tmp_path / "abs.json"
    path.write_text(json.dumps(src))
    return path


def test_absolute_file_names_become_relative(tmp_path: Path) -> None:
    data = tmp_path / "bundle"
    path = kwcoco_absolute(tmp_path, data)
    ds = read(path)  # not under the JSON's folder? it is: tmp_path holds bundle/
    assert ds.images.file_name.tolist() == ["bundle/images/tile_1.png"]
    assert Path(ds.image_root) == tmp_path
    ds = read(path, images=str(data))
    assert ds.images.file_name.tolist() == ["images/tile_1.png"] and ds.image_root == str(data)
    # elsewhere on disk, without --images: relative to the folder the names share
    moved = tmp_path / "elsewhere" / "abs.json"
    moved.parent.mkdir()
    shutil.move(path, moved)
    ds = read(moved)
    assert ds.images.file_name.tolist() == ["tile_1.png"]
    assert Path(ds.image_root) == data / "images"
    with pytest.raises(GtconvertError, match="not under") as err:
        read(moved, images=str(tmp_path / "elsewhere"))
    assert "--images" in (err.value.fix or "")


def test_absolute_and_relative_names_mixed_need_images(tmp_path: Path) -> None:
    src = source("label_studio")
    src["images"][0]["file_name"] = "/srv/data/a.jpg"
    path = tmp_path / "sub" / "mixed.json"
    path.parent.mkdir()
    path.write_text(json.dumps(src))
    with pytest.raises(GtconvertError, match="mix absolute and relative"):
        read(path)
    ds = read(path, images="/srv/data")
    assert ds.images.file_name.tolist()[0] == "a.jpg"
