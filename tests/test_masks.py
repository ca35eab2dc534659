"""PNG masks format: COCO -> masks -> Dataset round trips, palette PNGs, BW, real MATLAB labels, CLI."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from strategies import datasets

from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.formats import coco, masks
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report
from gtconvert.testing import assert_datasets_equal, mask_iou

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "matlab"
PIXEL_LABELS = FIXTURES / "satellite-pixellabel" / "dataLabels"


def _mask_of(ds: Dataset, row: int) -> np.ndarray:
    """The pixels of one annotation, as the source format defines them."""
    ann = ds.annotations
    h, w = int(ds.images.height[ann.image[row]]), int(ds.images.width[ann.image[row]])
    if ann.kind[row] == Kind.MASK:
        return geometry.rle_decode(ann.rle[row]).astype(bool)
    if ann.kind[row] == Kind.POLYGON:
        return geometry.polygons_to_mask(ann.parts(row), h, w).astype(bool)
    raise AssertionError(f"unexpected kind {ann.kind[row]}")


def _quiet_write(ds: Dataset, path: Path, **opts: object) -> Report:
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        masks.write(ds, path, **opts)
    return rep


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets(kinds=(Kind.POLYGON, Kind.MASK)))
def test_coco_masks_round_trip(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    coco.write(ds, tmp / "in.json")
    src = coco.read(tmp / "in.json")
    _quiet_write(src, tmp / "masks")
    assert masks.detect(str(tmp / "masks"))
    back = masks.read(tmp / "masks")
    # ids, names, sizes, empty images and categories are all kept
    assert_datasets_equal(src, back, annotation_fields=("id", "iscrowd"))
    assert np.all(back.annotations.kind == Kind.MASK)
    by_id = {int(a): i for i, a in enumerate(back.annotations.id)}
    for row, ann_id in enumerate(src.annotations.id.tolist()):
        assert mask_iou(_mask_of(src, row), _mask_of(back, by_id[ann_id])) == 1.0
    # and back to COCO: pycocotools decodes the masks
    coco.write(back, tmp / "out.json")
    from pycocotools.coco import COCO

    api = COCO(str(tmp / "out.json"))
    for a in api.dataset["annotations"]:
        row = by_id[a["id"]]
        assert np.array_equal(api.annToMask(a).astype(bool), _mask_of(back, row))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets(kinds=(Kind.POLYGON, Kind.MASK)))
def test_index_masks_read_as_pixel_refs(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    tmp = tmp_path_factory.mktemp("idx")
    _quiet_write(ds, tmp / "m", instances=False)
    back = masks.read(tmp / "m")
    assert np.all(back.annotations.kind == Kind.PIXEL_REF)
    # expected: each image's objects painted in order, later ones on top
    order, starts = ds.image_order()
    for i in range(len(ds.images)):
        h, w = int(ds.images.height[i]), int(ds.images.width[i])
        painted = np.full((h, w), -1)
        for row in order[starts[i] : starts[i + 1]]:
            painted[_mask_of(ds, row)] = ds.annotations.category[row]
        rows = np.flatnonzero(back.annotations.image == i)
        got = {int(back.annotations.category[r]): r for r in rows}
        assert set(got) == set(np.unique(painted[painted >= 0]).tolist())
        for cat_row, r in got.items():
            ref = back.annotations.pixel_ref[r]
            from gtconvert.pixels import mask_of, read_label_matrix

            assert np.array_equal(mask_of(read_label_matrix(ref.path), ref.value), painted == cat_row)
            assert back.annotations.area[r] == np.count_nonzero(painted == cat_row)
    assert [c.id for c in back.categories] == [c.id for c in ds.categories]
    assert back.images.id.tolist() == ds.images.id.tolist()


def _two_squares() -> Dataset:
    img = Images.create(
        ["a.jpg", "sub/b.jpg", "empty.jpg"], width=[20, 10, 7], height=[10, 10, 5], id=[3, 1, 9]
    )
    cats = [Category(id=40, name="cat", color=(1.0, 0.5, 0.0)), Category(id=7, name="dog")]
    sq1 = np.array([[0, 0], [8, 0], [8, 8], [0, 8]], float)
    sq2 = np.array([[4, 4], [12, 4], [12, 9], [4, 9]], float)
    ann = Annotations.create(
        image=[0, 0, 1, 1, 1],
        category=[0, 1, 1, 0, 0],
        kind=[Kind.POLYGON, Kind.POLYGON, Kind.BOX, Kind.POINT, Kind.POLYLINE],
        id=[11, 12, 13, 14, 15],
        parts=[[sq1], [sq2], [], [np.array([[1.0, 1.0]])], [np.array([[0.0, 0.0], [3.0, 3.0]])]],
        bbox=[[0, 0, 8, 8], [4, 4, 8, 5], [2, 3, 4, 5], [1, 1, 0, 0], [0, 0, 3, 3]],
    )
    return Dataset(img, cats, ann)


def test_palette_png_overlap_and_unwritable_warnings(tmp_path: Path) -> None:
    ds = _two_squares()
    rep = _quiet_write(ds, tmp_path / "m")
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
    ds = _two_squares()
    ds.categories[0].pixel_id = (300,)
    ds.categories[1].pixel_id = (2,)
    _quiet_write(ds, tmp_path / "m", instances=False)
    with Image.open(tmp_path / "m" / "index" / "a.png") as im:
        assert im.mode.startswith("I")
        assert set(np.unique(np.asarray(im)).tolist()) == {0, 2, 300}
    back = masks.read(tmp_path / "m")
    assert {c.name: c.pixel_id for c in back.categories} == {"cat": (300,), "dog": (2,)}


def test_bw_masks_in_and_out(tmp_path: Path) -> None:
    ds = _two_squares()
    rep = _quiet_write(ds, tmp_path / "m", bw=True)
    assert rep.count("masks.bw_merged") > 0
    only_bw = tmp_path / "bw_only"
    shutil.copytree(tmp_path / "m" / "BW", only_bw / "BW")
    assert masks.detect(str(only_bw))
    back = masks.read(only_bw)
    assert len(back.images) == 3 and len(back.categories) == 1
    assert len(back.annotations) == 2  # the empty image has no BW object
    a = back.images.file_name.tolist().index("a.png")
    (row,) = np.flatnonzero(back.annotations.image == a)
    union = _mask_of(ds, 0) | _mask_of(ds, 1)
    assert np.array_equal(geometry.rle_decode(back.annotations.rle[row]).astype(bool), union)


def test_instances_option_splits_index_masks_into_components(tmp_path: Path) -> None:
    img = Images.create(["x.png"], width=[30], height=[20])
    blobs = np.zeros((20, 30), np.uint8)
    blobs[1:5, 1:5] = 1
    blobs[10:15, 20:28] = 1
    ann = Annotations.create(image=[0], category=[0], kind=Kind.MASK, rle=[geometry.mask_to_rle(blobs)])
    ds = Dataset(img, [Category(id=1, name="blob")], ann)
    _quiet_write(ds, tmp_path / "m", instances=False)
    assert len(masks.read(tmp_path / "m").annotations) == 1
    split = masks.read(tmp_path / "m", instances=True)
    assert len(split.annotations) == 2 and np.all(split.annotations.kind == Kind.MASK)
    assert sorted(split.annotations.area.tolist()) == [16.0, 40.0]


def test_real_matlab_pixel_labels_as_index_masks(tmp_path: Path) -> None:
    if not PIXEL_LABELS.is_dir():
        pytest.fail(f"fixture folder missing: {PIXEL_LABELS}")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "index").symlink_to(PIXEL_LABELS, target_is_directory=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = masks.read(tmp_path / "d")
    files = sorted(PIXEL_LABELS.glob("*.png"))
    assert len(ds.images) == len(files)
    for f in files[:3]:
        arr = np.asarray(Image.open(f))
        i = ds.images.file_name.tolist().index(f.name)
        assert (ds.images.width[i], ds.images.height[i]) == (arr.shape[1], arr.shape[0])
        rows = np.flatnonzero(ds.annotations.image == i)
        values = sorted(ds.annotations.pixel_ref[r].value[0] for r in rows)
        assert values == [int(v) for v in np.unique(arr) if v != 0]
        for r in rows:
            assert ds.annotations.area[r] == np.count_nonzero(arr == ds.annotations.pixel_ref[r].value[0])


def test_errors_name_the_file(tmp_path: Path) -> None:
    from gtconvert.errors import GtconvertError

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "classes.json").write_text('{"format": "gtconvert-masks", "classes": [{"name": "x"}]}')
    with pytest.raises(GtconvertError, match="value"):
        masks.read(tmp_path / "m")
    ds = _two_squares()
    ds.images.width[:] = 0
    with pytest.raises(GtconvertError, match="image size unknown"):
        _quiet_write(ds, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_coco_to_masks_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = _two_squares()
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
