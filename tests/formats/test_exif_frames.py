"""The EXIF frame at each format's edge: declarations, the exif_frame option, the dataset maps."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import exif, registry
from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.geometry.rle import mask_to_rle, rle_decode
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

Image = pytest.importorskip("PIL.Image")

W, H = 48, 32


def _photo(path: Path, tag: int) -> None:
    pixels = np.zeros((H, W, 3), np.uint8)
    pixels[4:12, 8:24] = 255
    e = Image.Exif()
    e[0x0112] = tag
    Image.fromarray(pixels).save(path, exif=e, quality=90)


def _every_kind(n_images: int) -> Annotations:
    """One of each shape per image: box, polygon with a hole part, RLE, rotated box, line, point."""
    mask = np.zeros((H, W), np.uint8)
    mask[3:9, 5:20] = 1
    mask[5:7, 8:10] = 0
    rows = []
    for i in range(n_images):
        rows += [
            (i, Kind.BOX, [2, 3, 10, 5], None, [], np.nan),
            (i, Kind.POLYGON, [1, 1, 20, 12], None, [[(1, 1), (21, 1), (21, 13), (1, 13)], [(4, 4), (6, 4), (6, 6)]], np.nan),
            (i, Kind.MASK, [5, 3, 15, 6], mask_to_rle(mask), [], np.nan),
            (i, Kind.ROTATED_BOX, [10, 10, 8, 4], None, [], 30.0),
            (i, Kind.POLYLINE, [3, 2, 7, 9], None, [[(3, 2), (10, 11), (5, 7)]], np.nan),
            (i, Kind.POINT, [7, 8, 0, 0], None, [[(7.5, 8.25)]], np.nan),
        ]  # fmt: skip
    rbox = np.array([[14, 12, 8, 4, a] if np.isfinite(a) else [np.nan] * 5 for *_, a in rows])
    return Annotations.create(
        image=[r[0] for r in rows],
        category=0,
        kind=[r[1] for r in rows],
        bbox=[r[2] for r in rows],
        rle=[r[3] for r in rows],
        parts=[[np.array(p, float) for p in r[4]] for r in rows],
        rbox=rbox,
        keypoints=[np.array([[3, 4, 2], [0, 0, 0]], float)] + [None] * (len(rows) - 1),
    )


def _dataset(tags: list[int]) -> Dataset:
    n = len(tags)
    img = Images.create([f"{i}.jpg" for i in range(n)], width=[W] * n, height=[H] * n, orientation=tags)
    return Dataset(img, [Category(1, "thing")], _every_kind(n))


def test_declared_frames() -> None:
    frames = {f.name: f.exif_frames for f in registry.available()}
    assert frames["matlab"] == ("stored",)
    assert frames["yolo"] == ("displayed",)
    assert frames["coco"][0] == frames["voc"][0] == "displayed" and "stored" in frames["coco"]
    assert frames["masks"][0] == "stored"
    for fmt in registry.available():  # the option is offered exactly where there is a choice
        assert ("exif_frame" in fmt.options("read")) == (len(fmt.exif_frames) > 1 and fmt.can_read())


def test_turning_there_and_back_is_exact_for_every_shape() -> None:
    ds = _dataset(list(range(1, 9)))
    shown = exif.to_displayed(ds)
    transposed = np.arange(1, 9) >= 5
    assert np.array_equal(shown.images.width, np.where(transposed, H, W))
    a, b = ds.annotations, exif.to_stored(shown).annotations
    np.testing.assert_allclose(b.bbox, a.bbox, atol=1e-12)
    np.testing.assert_allclose(b.vertices, a.vertices, atol=1e-12)
    np.testing.assert_allclose(b.rbox, a.rbox, atol=1e-12)
    np.testing.assert_allclose(b.keypoints, a.keypoints, atol=1e-12)
    for r1, r2 in zip(a.rle.tolist(), b.rle.tolist()):
        assert (r1 is None) == (r2 is None)
        if r1 is not None:
            assert np.array_equal(rle_decode(r1), rle_decode(r2))
    assert b.keypoints[1].tolist() == [0, 0, 0]  # an unlabelled point is not moved
    moved = shown.annotations.bbox[6:] != a.bbox[6:]  # tag 2 moves the boxes; tag 1 does not
    assert not np.any(shown.annotations.bbox[:6] != a.bbox[:6]) and moved.any()


def test_displayed_rle_is_the_mask_turned() -> None:
    ds = _dataset([6])
    shown = exif.to_displayed(ds)
    stored = rle_decode(ds.annotations.rle[2])
    assert np.array_equal(rle_decode(shown.annotations.rle[2]), np.rot90(stored, k=-1))  # 6: 90 clockwise
    x, y, w, h = shown.annotations.bbox[2]
    ys, xs = np.nonzero(rle_decode(shown.annotations.rle[2]))
    assert (x, y, w, h) == (xs.min(), ys.min(), xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min())


def test_coco_stored_frame_option_and_the_size_telltale(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for tag in (1, 6):
        _photo(photos / f"{tag}.jpg", tag)
    img = Images.create(["1.jpg", "6.jpg"], width=[W, W], height=[H, H], orientation=[1, 6])
    ann = Annotations.create(image=[0, 1], category=0, kind=Kind.BOX, bbox=[[8, 4, 16, 8]] * 2)
    ds = Dataset(img, [Category(1, "thing")], ann, image_root=str(photos))
    gtconvert.write(ds, tmp_path / "stored.json", "coco", exif_frame="stored")
    gtconvert.write(ds, tmp_path / "shown.json", "coco")
    shown = json.loads((tmp_path / "shown.json").read_text())
    assert [(i["width"], i["height"]) for i in shown["images"]] == [(W, H), (H, W)]
    assert shown["annotations"][1]["bbox"] == [H - 4 - 8, 8, 8, 16]
    stored = json.loads((tmp_path / "stored.json").read_text())
    assert stored["annotations"][1]["bbox"] == [8, 4, 16, 8]
    for name, frame in (("stored.json", "stored"), ("shown.json", None)):
        back = gtconvert.read(tmp_path / name, images=str(photos), exif_frame=frame)
        assert back.images.orientation.tolist() == [1, 6]
        assert back.images.width.tolist() == [W, W]
        np.testing.assert_array_equal(back.annotations.bbox, ann.bbox)
    with pytest.warns(GtconvertWarning, match="--exif-frame stored"):
        gtconvert.read(tmp_path / "stored.json", images=str(photos))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)
        gtconvert.read(tmp_path / "shown.json", images=str(photos))


def test_exif_options_are_refused_where_they_do_not_apply(tmp_path: Path) -> None:
    ds = _dataset([1])
    with pytest.raises(GtconvertError, match="--exif-frame does not apply to writing yolo"):
        gtconvert.write(ds, tmp_path / "y", "yolo", exif_frame="stored")
    with pytest.raises(GtconvertError, match="--exif does not apply to writing masks"):
        gtconvert.write(ds, tmp_path / "m", "masks", exif="bake")
    with pytest.raises(GtconvertError, match="matlab labels are in the stored frame"):
        registry.get("matlab").exif_frame("displayed")


def test_headers_are_read_once_in_a_scope(tmp_path: Path) -> None:
    from gtconvert import imagefiles

    _photo(tmp_path / "6.jpg", 6)
    with imagefiles.header_scope("displayed") as seen:
        assert imagefiles.header_size(tmp_path / "6.jpg") == (H, W)  # the displayed size
    assert seen.lookup(str(tmp_path / "6.jpg")) == (W, H, 6)
    assert imagefiles.header_size(tmp_path / "6.jpg") == (W, H)  # outside a scope: the stored size


def test_bake_beside_a_file_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "6.jpg", 6)
    img = Images.create(["6.jpg"], width=[W], height=[H], orientation=[6])
    ann = Annotations.create(image=[0], category=0, kind=Kind.BOX, bbox=[[8, 4, 16, 8]])
    ds = Dataset(img, [Category(1, "thing")], ann, image_root=str(photos))
    out = tmp_path / "out"
    (out / "images").mkdir(parents=True)
    (out / "images" / "mine.jpg").write_bytes(b"the user's")
    with pytest.raises(GtconvertError, match="exists and was not written by gtconvert"):
        gtconvert.write(ds, out / "a.json", "coco", exif="bake", overwrite=True)
    assert (out / "images" / "mine.jpg").read_bytes() == b"the user's" and not (out / "a.json").exists()
    fresh = tmp_path / "fresh"
    gtconvert.write(ds, fresh / "a.json", "coco", exif="bake")
    gtconvert.write(ds, fresh / "a.json", "coco", exif="bake", overwrite=True)  # our own: replaced
    with Image.open(fresh / "images" / "6.jpg") as im:
        assert im.size == (H, W) and im.getexif().get(0x0112, 1) == 1
    doc = json.loads((fresh / "a.json").read_text())
    assert (doc["images"][0]["width"], doc["images"][0]["height"]) == (H, W)
    back = gtconvert.read(fresh / "a.json")  # the upright images are found beside it
    assert back.images.orientation.tolist() == [1]
    np.testing.assert_array_equal(back.annotations.bbox, [[H - 4 - 8, 8, 8, 16]])


def test_a_change_of_frame_with_the_images_absent_is_named(tmp_path: Path) -> None:
    import shutil

    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "6.jpg", 6)
    img = Images.create(["6.jpg"], width=[W], height=[H])
    ann = Annotations.create(image=[0], category=0, kind=Kind.BOX, bbox=[[8, 4, 16, 8]])
    ds = Dataset(img, [Category(1, "thing", "rectangle")], ann, image_root=str(photos))
    gtconvert.write(ds, tmp_path / "gt.mat", "matlab")
    gtconvert.write(ds, tmp_path / "a.json", "coco")
    shutil.rmtree(photos)
    with pytest.warns(GtconvertWarning, match="EXIF tags are unknown"):
        gtconvert.convert(tmp_path / "gt.mat", tmp_path / "b.json", src_format="matlab")
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)
        gtconvert.convert(tmp_path / "a.json", tmp_path / "c.json", images=str(tmp_path))  # same frame
    assert "exif" not in json.loads((tmp_path / "c.json").read_text()).get("info", {})


def test_the_tag_travels_with_the_labels_when_the_images_stay_behind(tmp_path: Path) -> None:
    import shutil

    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "6.jpg", 6)
    _photo(photos / "1.jpg", 1)
    img = Images.create(["6.jpg", "1.jpg"], width=[W, W], height=[H, H])
    ann = Annotations.create(image=[0, 1], category=0, kind=Kind.BOX, bbox=[[8, 4, 16, 8]] * 2)
    ds = Dataset(img, [Category(1, "thing", "rectangle")], ann, image_root=str(photos))
    gtconvert.write(ds, tmp_path / "gt.mat", "matlab")
    gtconvert.convert(tmp_path / "gt.mat", tmp_path / "a.json")
    records = json.loads((tmp_path / "a.json").read_text())["images"]
    assert [r.get("exif_orientation") for r in records] == [6, None]  # a key other tools ignore
    shutil.rmtree(photos)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)
        back = gtconvert.read(tmp_path / "a.json")
    assert back.images.orientation.tolist() == [6, 1]
    assert back.images.width.tolist() == [W, W] and back.images.extra.tolist() == [None, None]
    np.testing.assert_array_equal(back.annotations.bbox, ann.bbox)
