"""YOLO writing: round trips, a trainer's own label checks, folders and splits, the CLI."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from strategies import datasets

import gtconvert
from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.errors import GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report
from gtconvert.testing import mask_iou

#: The tasks of shapes; pose needs keypoints (tests/formats/test_keypoints_yolo.py).
SHAPE_TASKS = tuple(t for t in yolo.TASKS if t != "pose")

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")

# ---------------------------------------------------------------------------------------
# a trainer's label checks, written from the Ultralytics docs, independent of our reader
# ---------------------------------------------------------------------------------------


def trainer_check(folder: Path, task: str) -> int:
    """What a YOLO trainer verifies before training; returns the number of label rows seen."""
    doc = yaml.safe_load((folder / "data.yaml").read_text(encoding="utf-8"))
    names = doc["names"]
    assert isinstance(names, dict) and sorted(names) == list(range(len(names)))
    assert "train" in doc and "val" in doc
    rows = 0
    images = [p for p in (folder / "images").rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
    for split in ("train", "val", "test"):
        if split in doc:
            target = folder / doc[split]
            assert target.exists(), f"{split} points at a missing {target}"
    for image in images:
        rel = image.relative_to(folder / "images")
        label = (folder / "labels" / rel).with_suffix(".txt")
        assert label.is_file(), f"no label file for {image}"
        for line in label.read_text(encoding="utf-8").splitlines():
            values = line.split()
            n = len(values)
            if task == "obb":
                assert n == 9, line
            else:
                assert n == 5 or (n % 2 == 1 and (n - 1) // 2 >= 3), line
            cls = int(values[0])
            assert str(cls) == values[0] and 0 <= cls < len(names)
            coords = np.array(values[1:], dtype=float)
            assert np.all((coords >= 0) & (coords <= 1)), line
            rows += 1
    return rows


def _with_images(ds: Dataset, root: Path) -> Dataset:
    """Blank images of the dataset's sizes under ``root``, so writers can copy them."""
    for name, w, h in zip(ds.images.file_name, ds.images.width, ds.images.height):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("L", (int(w), int(h))).save(path)
    return ds.replace(image_root=str(root))


def _kept(ds: Dataset, task: str) -> np.ndarray:
    """Rows a YOLO writer can hold: objects with a size inside their image; for ``segment``,
    polygons need a part of 3 distinct points (a flat 2-point "polygon" is degenerate)."""
    ann = ds.annotations
    b = ann.bbox
    keep = (b[:, 2] > 0) & (b[:, 3] > 0)
    if task == "segment":
        part_ok = geometry.distinct_points_per_part(ann.vertex_start, ann.vertices) >= 3
        has_ok_part = np.array([part_ok[s:e].any() for s, e in zip(ann.part_start[:-1], ann.part_start[1:])])
        keep &= (ann.kind != Kind.POLYGON) | has_ok_part.astype(bool)
    return keep


def _inside(ds: Dataset) -> np.ndarray:
    """Rotated boxes whose corners all lie inside the image (others are clamped by design)."""
    ann = ds.annotations
    ok = np.ones(len(ann), dtype=bool)
    rot = np.flatnonzero(ann.kind == Kind.ROTATED_BOX)
    if len(rot):
        c = geometry.rotated_box_corners(ann.rbox[rot])
        W = ds.images.width[ann.image[rot]][:, None]
        H = ds.images.height[ann.image[rot]][:, None]
        ok[rot] = np.all((c[..., 0] >= 0) & (c[..., 0] <= W) & (c[..., 1] >= 0) & (c[..., 1] <= H), axis=1)
    return ok


# ---------------------------------------------------------------------------------------
# round trips and a trainer's checks
# ---------------------------------------------------------------------------------------


def _corners(bbox: np.ndarray) -> np.ndarray:
    return np.column_stack([bbox[:, :2], bbox[:, :2] + bbox[:, 2:]])


def _within_text_noise(got: np.ndarray, expect: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Within 1e-6 of the image size (6 decimals), or snapped to a whole pixel the text cannot
    tell from the value (the reader's snap_to_pixels: then within 2e-6 of the size)."""
    err = np.abs(got - expect)
    whole = (got == np.round(got)) & (err <= 2e-6 * size + 1e-9)
    return (err <= 1e-6 * size + 1e-9) | whole


@settings(max_examples=40, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)), st.sampled_from(SHAPE_TASKS))
def test_round_trip_keeps_ids_boxes_and_empty_images(tmp_path_factory, ds: Dataset, task: str) -> None:
    keep = _kept(ds, task) & _inside(ds)
    ds = ds.replace(annotations=ds.annotations.take(keep))
    out = tmp_path_factory.mktemp("yolo") / "y"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, out, task=task)
        back = yolo.read(out)

    # images (empty ones included), their ids, names and sizes
    assert sorted(back.images.id.tolist()) == sorted(ds.images.id.tolist())
    by_id = {i: k for k, i in enumerate(back.images.id.tolist())}
    rows = [by_id[i] for i in ds.images.id.tolist()]
    assert back.images.file_name[rows].tolist() == ds.images.file_name.tolist()
    assert np.array_equal(back.images.width[rows], ds.images.width)
    # categories: original ids and names, in class order
    assert [(c.id, c.name) for c in back.categories] == [(c.id, c.name) for c in ds.categories]
    # objects: same ids, images, categories, crowd flags
    a, b = ds.annotations, back.annotations
    assert sorted(b.id.tolist()) == sorted(a.id.tolist())
    pos = {i: k for k, i in enumerate(b.id.tolist())}
    order = np.array([pos[i] for i in a.id.tolist()], dtype=np.int64)
    if not len(order):
        return
    assert np.array_equal(back.images.id[b.image[order]], ds.images.id[a.image])
    assert np.array_equal(back.category_ids()[b.category[order]], ds.category_ids()[a.category])
    assert np.array_equal(b.iscrowd[order], a.iscrowd)
    # boxes within 1e-6 of the image size (the axis-aligned box of each shape)
    size = np.stack([ds.images.width, ds.images.height] * 2, axis=1)[a.image].astype(float)
    expect = a.bbox.copy()
    rot = a.kind == Kind.ROTATED_BOX
    if rot.any():
        c = geometry.rotated_box_corners(a.rbox[rot])
        expect[rot] = np.column_stack([c.min(1), c.max(1) - c.min(1)])
    got = b.bbox[order]
    if task == "detect":
        assert _within_text_noise(_corners(got), _corners(expect), size).all()
    else:
        same_box = (a.kind == Kind.BOX) | (a.kind == Kind.POLYGON) | (a.kind == Kind.ROTATED_BOX)
        assert _within_text_noise(_corners(got), _corners(expect), size)[same_box].all()
    if task == "segment":
        for k, i in enumerate(order.tolist()):
            if a.kind[k] == Kind.POLYGON and a.n_parts()[k] == 1:
                (part,) = b.parts(i)
                part_size = np.broadcast_to(size[k, :2], part.shape)
                assert _within_text_noise(part, a.parts(k)[0], part_size).all()
            if a.kind[k] == Kind.MASK:
                assert b.kind[i] == Kind.MASK
                iou = mask_iou(geometry.rle_decode(a.rle[k]), geometry.rle_decode(b.rle[i]))
                assert iou >= 0.98
    if task in ("segment", "obb"):
        for k, i in enumerate(order.tolist()):
            if a.kind[k] == Kind.ROTATED_BOX:
                assert b.kind[i] == Kind.ROTATED_BOX
                np.testing.assert_allclose(b.rbox[i, :4], a.rbox[k, :4], atol=1e-6 * max(size[k]) * 4)


@settings(max_examples=30, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK)), st.sampled_from(SHAPE_TASKS))
def test_output_passes_a_trainers_checks(tmp_path_factory, ds: Dataset, task: str) -> None:
    root = tmp_path_factory.mktemp("imgs")
    ds = _with_images(ds, root)
    out = tmp_path_factory.mktemp("yolo") / "y"
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, out, task=task)
    rows = trainer_check(out, task)
    dropped = report.count("yolo.outside") + report.count("yolo.degenerate")
    assert rows == int((~np.isin(ds.annotations.kind, [Kind.TAG])).sum()) - dropped
    # every image copied or linked, and an (empty) label file for each
    assert len(list((out / "images").rglob("*.*"))) == len(ds.images)
    assert len(list((out / "labels").rglob("*.txt"))) == len(ds.images)


# ---------------------------------------------------------------------------------------
# folders, splits and file names
# ---------------------------------------------------------------------------------------


def test_split_is_reproducible_and_read_back(tmp_path: Path) -> None:
    n = 10
    ds = Dataset(
        Images.create([f"i{k}.png" for k in range(n)], width=[8] * n, height=[8] * n),
        [Category(id=1, name="a")],
        Annotations.create(np.arange(n), 0, Kind.BOX, bbox=np.tile([1, 1, 2, 2], (n, 1))),
    )
    ds = _with_images(ds, tmp_path / "src")
    for name in ("y1", "y2"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GtconvertWarning)
            yolo.write(ds, tmp_path / name, split={"train": 0.8, "val": 0.2}, seed=5)
    first = sorted(p.name for p in (tmp_path / "y1" / "images" / "val").iterdir())
    assert len(first) == 2
    assert first == sorted(p.name for p in (tmp_path / "y2" / "images" / "val").iterdir())
    doc = yaml.safe_load((tmp_path / "y1" / "data.yaml").read_text())
    assert (doc["train"], doc["val"]) == ("images/train", "images/val")
    back = yolo.read(tmp_path / "y1")
    splits = [e["split"] for e in back.images.extra]
    assert splits.count("train") == 8 and splits.count("val") == 2
    trainer_check(tmp_path / "y1", "detect")


def test_cli_converts_coco_to_yolo(tmp_path: Path) -> None:
    ds = Dataset(
        Images.create(["a.jpg", "b.jpg"], width=[32, 32], height=[24, 24], id=[1, 2]),
        [Category(id=5, name="x")],
        Annotations.create(
            [0], 0, Kind.POLYGON, parts=[[np.array([[1, 1], [9, 1], [9, 9.0]])]], bbox=[[1, 1, 8, 8]]
        ),
    )
    gtconvert.write(ds, tmp_path / "in.json")
    out = tmp_path / "out"
    assert main(["convert", str(tmp_path / "in.json"), str(out), "--to", "yolo", "--task", "segment"]) == 0
    assert (
        (out / "data.yaml").is_file()
        and (out / "labels" / "a.txt").is_file()
        and (out / "labels" / "b.txt").is_file()
    )
    assert (out / "labels" / "b.txt").read_text() == ""
    assert yolo.detect(str(out))
    back = tmp_path / "back.json"
    assert main(["convert", str(out), str(back), "--from", "yolo", "--image-size", "32x24"]) == 0
    again = gtconvert.read(back)
    assert again.category_ids().tolist() == [5] and sorted(again.images.id.tolist()) == [1, 2]
