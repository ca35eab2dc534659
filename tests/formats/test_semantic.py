"""Semantic masks: class indices 0..N-1 in dataset order, 255 wherever no class is (MATLAB's
0 = unlabelled), in the layout Ultralytics' semantic task reads; read back pixel for pixel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

import gtconvert
from gtconvert import GtconvertError, Report, registry
from gtconvert.model import Annotations, Category, Dataset, Images, Kind, PixelRef
from gtconvert.pixels import mask_of_values, read_label_matrix

from .matlab_support import MORE_FIXTURES, needs_more_fixtures, read_quietly

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")


def _matlab_like(tmp: Path) -> tuple[Dataset, np.ndarray]:
    """Two images: a MATLAB label PNG (0 unlabelled, PixelLabelIDs 3 and 7), and a polygon;
    a Scene label and a Line label, which have no area."""
    label = np.zeros((12, 16), dtype=np.uint8)
    label[2:6, 3:9] = 3
    label[7:11, 1:15] = 7
    (tmp / "labels").mkdir(parents=True)
    Image.fromarray(label).save(tmp / "labels" / "Label_1.png")
    ref = str(tmp / "labels" / "Label_1.png")
    cats = [
        Category(1, "sunny", type="scene"),
        Category(2, "road", type="pixel", pixel_id=(3,)),
        Category(3, "lane", type="line"),
        Category(4, "grass", type="pixel", pixel_id=(7,)),
    ]
    img = Images.create(["a.png", "b.png"], width=[16, 16], height=[12, 12])
    square = [np.array([[4.0, 4.0], [10.0, 4.0], [10.0, 10.0], [4.0, 10.0]])]
    ann = Annotations.create(
        [0, 0, 0, 1, 1],
        [0, 1, 3, 2, 1],
        [Kind.TAG, Kind.PIXEL_REF, Kind.PIXEL_REF, Kind.POLYLINE, Kind.POLYGON],
        pixel_ref=[None, PixelRef(ref, (3,)), PixelRef(ref, (7,)), None, None],
        parts=[[], [], [], [square[0][:2]], square],
        bbox=[[0, 0, 0, 0], [3, 2, 6, 4], [1, 7, 14, 4], [4, 4, 6, 0], [4, 4, 6, 6]],
    )
    return Dataset(img, cats, ann), label


def test_pixel_label_ids_become_0_to_n_minus_1_and_unlabelled_becomes_255(tmp_path) -> None:
    ds, label = _matlab_like(tmp_path)
    with Report() as report:
        gtconvert.write(ds, tmp_path / "out", "semantic")
    doc = yaml.safe_load((tmp_path / "out" / "data.yaml").read_text())
    assert doc["names"] == {0: "road", 1: "grass"}  # no Scene or Line class
    assert doc["masks_dir"] == "masks" and doc["train"] == doc["val"] == "images"
    mask = Image.open(tmp_path / "out" / "masks" / "a.png")
    assert mask.mode == "L"  # grey: read as grey it is the class indices
    expected = np.full(label.shape, 255, dtype=np.uint8)
    expected[label == 3], expected[label == 7] = 0, 1
    assert np.array_equal(np.asarray(mask), expected)
    square = np.asarray(Image.open(tmp_path / "out" / "masks" / "b.png"))
    assert set(np.unique(square).tolist()) == {0, 255} and int((square == 0).sum()) == 36
    assert report.count("semantic.unwritable.tag") == 1 and report.count("semantic.unwritable.polyline") == 1


def test_a_background_class_takes_the_unlabelled_pixels(tmp_path) -> None:
    ds, label = _matlab_like(tmp_path)
    gtconvert.write(ds, tmp_path / "bg", "semantic", background="background")
    doc = yaml.safe_load((tmp_path / "bg" / "data.yaml").read_text())
    assert doc["names"] == {0: "background", 1: "road", 2: "grass"}
    expected = np.select([label == 3, label == 7], [1, 2], 0).astype(np.uint8)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "bg" / "masks" / "a.png")), expected)
    # a category of that name is the same class: its pixels and the unlabelled ones are 0
    gtconvert.write(ds, tmp_path / "road", "semantic", background="road")
    doc = yaml.safe_load((tmp_path / "road" / "data.yaml").read_text())
    assert doc["names"] == {0: "road", 1: "grass"}
    expected = np.where(label == 7, 1, 0).astype(np.uint8)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "road" / "masks" / "a.png")), expected)


def test_a_copied_dataset_reads_from_its_new_place(tmp_path) -> None:
    ds, _ = _matlab_like(tmp_path)
    gtconvert.write(ds, tmp_path / "out", "semantic")
    assert "path" not in yaml.safe_load((tmp_path / "out" / "data.yaml").read_text())
    (tmp_path / "out").rename(tmp_path / "moved")
    back = gtconvert.read(tmp_path / "moved", "semantic")
    assert len(back.images) == len(ds.images)


def test_reading_back_gives_the_same_pixels_per_class(tmp_path) -> None:
    ds, label = _matlab_like(tmp_path)
    gtconvert.write(ds, tmp_path / "out", "semantic")
    assert registry.detect(tmp_path / "out").name == "semantic"  # before yolo: data.yaml alike
    back = gtconvert.read(tmp_path / "out")
    assert back.category_names() == ["road", "grass"]
    assert [c.id for c in back.categories] == [0, 1]
    by_image = {(back.images.file_name[i], back.categories[c].name): r for i, c, r in zip(back.annotations.image, back.annotations.category, back.annotations.pixel_ref)}  # fmt: skip
    assert sorted(by_image) == [("a.png", "grass"), ("a.png", "road"), ("b.png", "road")]
    road = mask_of_values(
        read_label_matrix(by_image[("a.png", "road")].path), by_image[("a.png", "road")].values
    )
    assert np.array_equal(road, label == 3)
    gtconvert.write(back, tmp_path / "again", "semantic")
    for name in ("a.png", "b.png"):
        first = np.asarray(Image.open(tmp_path / "out" / "masks" / name))
        assert np.array_equal(first, np.asarray(Image.open(tmp_path / "again" / "masks" / name)))


def test_splits_put_images_and_masks_in_parallel_folders(tmp_path) -> None:
    ds, _ = _matlab_like(tmp_path)
    for name in ("a.png", "b.png"):
        Image.new("RGB", (16, 12)).save(tmp_path / name)
    ds = ds.replace(image_root=str(tmp_path))
    gtconvert.write(ds, tmp_path / "out", "semantic", split={"train": 0.5, "val": 0.5})
    doc = yaml.safe_load((tmp_path / "out" / "data.yaml").read_text())
    assert (doc["train"], doc["val"]) == ("images/train", "images/val")
    images = sorted(
        p.relative_to(tmp_path / "out" / "images").with_suffix("")
        for p in (tmp_path / "out" / "images").rglob("*.png")
    )
    masks = sorted(
        p.relative_to(tmp_path / "out" / "masks").with_suffix("")
        for p in (tmp_path / "out" / "masks").rglob("*.png")
    )
    assert images == masks and len(images) == 2  # Ultralytics: images -> masks, same stem


def test_what_the_layout_cannot_hold_is_an_error(tmp_path) -> None:
    img = Images.create(["a.jpg", "a.png"], width=[4, 4], height=[4, 4])
    ds = Dataset(img, [Category(1, "x")], Annotations.create([0], [0], Kind.BOX, bbox=[[0, 0, 2, 2]]))
    with pytest.raises(GtconvertError, match=r"would share the mask 'a\.png'"):
        gtconvert.write(ds, tmp_path / "out", "semantic")
    many = Dataset(img.take([0]), [Category(i, f"c{i}") for i in range(256)], Annotations.empty())
    with pytest.raises(GtconvertError, match="256 classes do not fit"):
        gtconvert.write(many, tmp_path / "out2", "semantic")


@needs_more_fixtures
def test_a_real_matlab_pixel_label_session_becomes_class_indices(tmp_path) -> None:
    folder = MORE_FIXTURES / "mortar-pixellabel"
    ds = read_quietly(folder / "gTruth.mat", images=str(folder))
    gtconvert.write(ds, tmp_path / "out", "semantic")
    lut = np.full(256, 255, dtype=np.uint8)
    for k, c in enumerate(ds.categories):  # every category is a pixel label here
        lut[c.pixel_id[0]] = k
    ann = ds.annotations
    for i, name in enumerate(ds.images.file_name):
        label = read_label_matrix(ann.pixel_ref[np.flatnonzero(ann.image == i)[0]].path)
        mask = np.asarray(Image.open(tmp_path / "out" / "masks" / Path(name).with_suffix(".png")))
        assert np.array_equal(mask, lut[label])
