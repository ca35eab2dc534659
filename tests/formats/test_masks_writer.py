"""Writing masks folders: COCO -> masks -> Dataset round trips, palette and 16-bit index PNGs,
warnings for overlaps and what a mask cannot hold, unknown sizes refused, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from strategies import datasets

from gtconvert.cli import main
from gtconvert.errors import GtconvertError
from gtconvert.formats import coco, masks
from gtconvert.model import Dataset, Kind
from gtconvert.testing import assert_datasets_equal, mask_iou

from .masks_cases import annotation_mask, quiet_write, two_squares


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets(kinds=(Kind.POLYGON, Kind.MASK)))
def test_coco_masks_round_trip(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    coco.write(ds, tmp / "in.json")
    src = coco.read(tmp / "in.json")
    quiet_write(src, tmp / "masks")
    assert masks.detect(str(tmp / "masks"))
    back = masks.read(tmp / "masks")
    # ids, names, sizes, empty images and categories are all kept
    assert_datasets_equal(src, back, annotation_fields=("id", "iscrowd"))
    assert np.all(back.annotations.kind == Kind.MASK)
    by_id = {int(a): i for i, a in enumerate(back.annotations.id)}
    for row, ann_id in enumerate(src.annotations.id.tolist()):
        assert mask_iou(annotation_mask(src, row), annotation_mask(back, by_id[ann_id])) == 1.0
    # and back to COCO: pycocotools decodes the masks
    coco.write(back, tmp / "out.json")
    from pycocotools.coco import COCO

    api = COCO(str(tmp / "out.json"))
    for a in api.dataset["annotations"]:
        row = by_id[a["id"]]
        assert np.array_equal(api.annToMask(a).astype(bool), annotation_mask(back, row))


def test_palette_png_overlap_and_unwritable_warnings(tmp_path: Path) -> None:
    ds = two_squares()
    rep = quiet_write(ds, tmp_path / "m")
    with Image.open(tmp_path / "m" / "index" / "a.png") as im:
        assert im.mode == "P"
        assert im.size == (20, 10)
        index = np.asarray(im)
    assert index[5, 5] == 2  # the later object (dog, value 2) wins the overlap
    assert index[1, 1] == 1 and index[8, 11] == 2 and index[9, 11] == 0
    assert rep.count("masks.overlap") == 1
    assert rep.count("masks.unwritable.point") == 1
    assert rep.count("masks.unwritable.polyline") == 1
    assert rep.count("masks.rasterised.box") == 1
    with Image.open(tmp_path / "m" / "instances" / "a_1.png") as im:
        assert im.mode == "1"  # logical, as MATLAB writes BW
    box = np.asarray(Image.open(tmp_path / "m" / "instances" / "sub" / "b_1.png"))
    assert box.sum() == 4 * 5 and box[3:8, 2:6].all()  # a box becomes exactly its pixels
    cmap = json.loads((tmp_path / "m" / "classes.json").read_text())
    assert [(c["value"], c["id"], c["name"]) for c in cmap["classes"]] == [(1, 40, "cat"), (2, 7, "dog")]
    assert cmap["classes"][0]["color"] == [255, 128, 0]


def test_pixel_label_ids_are_kept_and_wide_ids_use_16_bit(tmp_path: Path) -> None:
    ds = two_squares()
    ds.categories[0].pixel_id = (300,)
    ds.categories[1].pixel_id = (2,)
    quiet_write(ds, tmp_path / "m", instances=False)
    with Image.open(tmp_path / "m" / "index" / "a.png") as im:
        assert im.mode.startswith("I")
        assert set(np.unique(np.asarray(im)).tolist()) == {0, 2, 300}
    back = masks.read(tmp_path / "m")
    assert {c.name: c.pixel_id for c in back.categories} == {"cat": (300,), "dog": (2,)}


def test_unknown_image_sizes_without_images_are_refused(tmp_path: Path) -> None:
    ds = two_squares()
    ds.images.width[:] = 0
    with pytest.raises(GtconvertError, match="image size unknown"):
        quiet_write(ds, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_coco_to_masks_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = two_squares()
    coco.write(ds.replace(annotations=ds.annotations.take([0, 1, 2])), tmp_path / "in.json")
    assert main(["convert", str(tmp_path / "in.json"), str(tmp_path / "m"), "--to", "masks", "--bw"]) == 0
    assert "boxes written as filled masks" in capsys.readouterr().err
    assert (tmp_path / "m" / "BW" / "a.png").is_file()
    assert main(["info", str(tmp_path / "m"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["images"] == 3 and info["by_kind"] == {"mask": 3}
    assert main(["convert", str(tmp_path / "m"), str(tmp_path / "out.json")]) == 0
    doc = json.loads((tmp_path / "out.json").read_text())
    assert sorted(a["id"] for a in doc["annotations"]) == [11, 12, 13]
    assert sorted(i["id"] for i in doc["images"]) == [1, 3, 9]
