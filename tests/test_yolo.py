"""YOLO in and out: round trips, a trainer's own label checks, hand-computed values, the CLI."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from strategies import datasets

import gtconvert
from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.formats.yolo import text as label_text
from gtconvert.formats.yolo.datayaml import yaml_string
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report
from gtconvert.testing import mask_iou

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
# round trips
# ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)), st.sampled_from(yolo.TASKS))
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
        assert np.all(np.abs(got - expect) <= 1e-6 * size + 1e-9)
    else:
        same_box = (a.kind == Kind.BOX) | (a.kind == Kind.POLYGON) | (a.kind == Kind.ROTATED_BOX)
        assert np.all(np.abs(got - expect)[same_box] <= 1e-6 * size[same_box] + 1e-9)
    if task == "segment":
        for k, i in enumerate(order.tolist()):
            if a.kind[k] == Kind.POLYGON and a.n_parts()[k] == 1:
                (part,) = b.parts(i)
                tol = 1e-6 * max(size[k])
                np.testing.assert_allclose(part, a.parts(k)[0], atol=tol, rtol=0)
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
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK)), st.sampled_from(yolo.TASKS))
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


def test_multi_part_object_stays_one_row_with_its_hole(tmp_path: Path) -> None:
    mask = np.zeros((40, 60), dtype=np.uint8)
    mask[5:30, 5:30] = 1
    mask[10:20, 10:20] = 0  # a hole
    mask[5:15, 40:55] = 1  # a second piece
    ds = Dataset(
        Images.create(["m.png"], width=[60], height=[40], id=[1]),
        [Category(id=1, name="thing")],
        Annotations.create([0], [0], Kind.MASK, id=[1], bbox=geometry.rle_bbox([geometry.mask_to_rle(mask)]),
                           rle=[geometry.mask_to_rle(mask)]),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    lines = (tmp_path / "y" / "labels" / "m.txt").read_text().splitlines()
    assert len(lines) == 1
    ring = np.array(lines[0].split()[1:], dtype=float).reshape(-1, 2) * [60, 40]
    again = geometry.polygons_to_mask([ring], 40, 60)
    assert mask_iou(again, mask) == 1.0
    assert again[15, 15] == 0  # the hole stays a hole


def test_bridge_parts_rasterises_like_the_parts() -> None:
    a = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], dtype=float)
    b = a + 20
    c = a + np.array([40, 0])
    ring = geometry.bridge_parts([a, b, c])
    assert ring.shape[1] == 2
    assert geometry.polygon_to_rle([ring], 40, 60) == geometry.polygon_to_rle([a, b, c], 40, 60)
    assert geometry.rle_area([geometry.polygon_to_rle([ring], 40, 60)])[0] == 300
    assert np.array_equal(geometry.bridge_parts([a]), a)


def test_clip_polygon_cuts_at_the_border_exactly() -> None:
    square = np.array([[-5, -5], [5, -5], [5, 5], [-5, 5]], dtype=float)
    clipped = geometry.clip_polygon(square, 4, 4)
    assert {tuple(p) for p in clipped.tolist()} == {(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)}
    triangle = np.array([[2, 2], [8, 2], [2, 8]], dtype=float)
    cut = geometry.clip_polygon(triangle, 5, 10)  # the edge x = 5 cuts two sides
    assert cut[:, 0].max() == 5.0 and len(cut) == 4
    area = geometry.polygon_areas(np.array([0, 1]), np.array([0, len(cut)]), cut)[0]
    assert area == pytest.approx(18 - 0.5 * 3 * 3)  # the triangle minus the corner beyond x = 5


# ---------------------------------------------------------------------------------------
# hand-computed values
# ---------------------------------------------------------------------------------------


def test_full_image_box_through_every_convention(tmp_path: Path) -> None:
    W, H = 640, 480
    coco = geometry.matlab_boxes_to_coco(np.array([[1, 1, W, H]]))
    assert coco.tolist() == [[0, 0, W, H]]
    assert geometry.coco_boxes_to_voc(coco).tolist() == [[1, 1, W, H]]
    assert geometry.coco_boxes_to_yolo(coco, W, H).tolist() == [[0.5, 0.5, 1.0, 1.0]]
    ds = Dataset(
        Images.create(["f.jpg"], width=[W], height=[H], id=[3]),
        [Category(id=9, name="all")],
        Annotations.create([0], [0], Kind.BOX, id=[4], bbox=coco),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    assert (tmp_path / "y" / "labels" / "f.txt").read_text() == "0 0.5 0.5 1 1\n"


def test_one_pixel_box_and_clipping_on_corners(tmp_path: Path) -> None:
    # COCO [0, 0, 1, 1] on a 10x20 image is the first pixel: centre (0.05, 0.025), size (0.1, 0.05)
    # [-4, 15, 8, 10] reaches outside: corners clip to (0, 15)-(4, 20), i.e. centre (0.2, 0.875)
    ds = Dataset(
        Images.create(["p.png"], width=[10], height=[20], id=[1]),
        [Category(id=1, name="px")],
        Annotations.create([0, 0], [0, 0], Kind.BOX, id=[1, 2], bbox=[[0, 0, 1, 1], [-4, 15, 8, 10]]),
    )
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    assert (
        tmp_path / "y" / "labels" / "p.txt"
    ).read_text() == "0 0.05 0.025 0.1 0.05\n0 0.2 0.875 0.4 0.25\n"
    assert report.count("yolo.clipped") == 1


def _percent_f_rows(cls: list[int], rows: list[list[float]]) -> bytes:
    """Label rows the plain way: ``%d`` and ``%.6f``, then trailing zeros and a bare point cut."""
    import re

    lines = []
    for c, values in zip(cls, rows):
        numbers = [re.sub(r"\.$", "", re.sub(r"(\.\d*?)0+$", r"\1", f"{v:.6f}")) for v in values]
        lines.append(" ".join([str(c), *numbers]) + "\n")
    return "".join(lines).encode()


# pixel values with 2 decimals over common image sizes: many land on a decimal tie at 1e-7
_TIES = st.builds(
    lambda k, size: k / 100 / size,
    st.integers(0, 192000),
    st.sampled_from([640, 1280, 1920, 480, 720, 1080, 7]),
)
_UNIT = st.one_of(
    _TIES.filter(lambda v: v <= 1), st.floats(0, 1), st.sampled_from([0.0, -0.0, 1.0, 5e-7, 0.9999995])
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120) | st.integers(0, 10**9), st.lists(_UNIT, min_size=4, max_size=12)),
        max_size=20,
    )
)
def test_label_numbers_are_those_of_percent_f(rows: list[tuple[int, list[float]]]) -> None:
    # the byte-column formatter against the obvious Python formatting, ties to 1e-7 included
    cls = np.array([c for c, _ in rows], dtype=np.int64)
    counts = [len(v) for _, v in rows]
    row_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    values = np.array([x for _, v in rows for x in v], dtype=np.float64)
    text, starts = label_text.format_rows(cls, row_start, values)
    expected = _percent_f_rows(cls.tolist(), [[abs(x) for x in v] for _, v in rows])  # no "-0"
    assert text == b"\n" + expected  # each row is preceded by its newline
    lines = [text[a + 1 : b + 1] for a, b in zip(starts[:-1].tolist(), starts[1:].tolist())]
    assert lines == expected.splitlines(keepends=True)


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None))
    | st.sampled_from(["yes", "null", "~", "- a", "a: b", "#x", " x ", "\u2028", "\x85", "\ufeff", "1e3"])
)
def test_data_yaml_strings_read_back_exactly(text: str) -> None:
    # names and paths are written as YAML double-quoted scalars by hand (no PyYAML emitter)
    doc = yaml.safe_load(f"names:\n  0: {yaml_string(text)}\npath: {yaml_string(text)}\n")
    assert doc == {"names": {0: text}, "path": text}


@settings(max_examples=25, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.ROTATED_BOX)), st.sampled_from(yolo.TASKS))
def test_labels_formatted_in_small_chunks_are_the_same(tmp_path_factory, ds: Dataset, task: str) -> None:
    # large datasets are formatted a chunk of images at a time: the files must not depend on it
    out = tmp_path_factory.mktemp("chunks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, out / "whole", task=task)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(label_text, "CHUNK", 5)
            yolo.write(ds, out / "chunked", task=task)
    whole = sorted((out / "whole" / "labels").rglob("*.txt"))
    chunked = sorted((out / "chunked" / "labels").rglob("*.txt"))
    assert [p.relative_to(out / "whole") for p in whole] == [p.relative_to(out / "chunked") for p in chunked]
    assert [p.read_bytes() for p in whole] == [p.read_bytes() for p in chunked]


def test_segment_rows_keep_object_order_across_fast_and_clipped_objects(tmp_path: Path) -> None:
    # inside box, clipped polygon, two-part polygon, inside polygon touching x = -0.0: rows stay in order
    ann = Annotations.create(
        [0, 0, 0, 0],
        [0, 1, 2, 3],
        [Kind.BOX, Kind.POLYGON, Kind.POLYGON, Kind.POLYGON],
        id=[1, 2, 3, 4],
        bbox=[[2, 2, 4, 4], [-5, 0, 10, 10], [0, 0, 10, 10], [-0.0, 0, 5, 5]],
        parts=[
            [],
            [np.array([[-5.0, 0.0], [5.0, 0.0], [5.0, 10.0]])],
            [
                np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]]),
                np.array([[10.0, 10.0], [6.0, 10.0], [10.0, 6.0]]),
            ],
            [np.array([[-0.0, 0.0], [5.0, 0.0], [5.0, 5.0]])],
        ],
    )
    cats = [Category(id=k, name=f"c{k}") for k in range(4)]
    ds = Dataset(Images.create(["a.png"], width=[10], height=[10], id=[1]), cats, ann)
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y", task="segment")
    rows = (tmp_path / "y" / "labels" / "a.txt").read_text().splitlines()
    assert [r.split()[0] for r in rows] == ["0", "1", "2", "3"]
    assert rows[0] == "0 0.2 0.2 0.6 0.2 0.6 0.6 0.2 0.6"
    # the clipped triangle (-5,0) (5,0) (5,10) cut at x = 0: (0,0) (5,0) (5,10) (0,5)
    clipped = np.array(rows[1].split()[1:], dtype=float).reshape(-1, 2) * 10
    assert {tuple(p) for p in clipped.tolist()} == {(0, 0), (5, 0), (5, 10), (0, 5)}
    assert len(rows[2].split()) == 1 + 2 * 8  # two triangles bridged: 3 + 1 + 3 + 1 vertices
    assert rows[3] == "3 0 0 0.5 0 0.5 0.5" and "-0" not in "".join(rows)
    assert report.count("yolo.clipped") == 1


def _unwritable_objects() -> Dataset:
    """On a 40x30 image: a zero-size box, a 1-point and a 2-point polygon, a box outside, a good box."""
    ann = Annotations.create(
        [0] * 5,
        [0] * 5,
        [Kind.BOX, Kind.POLYGON, Kind.POLYGON, Kind.BOX, Kind.BOX],
        id=[1, 2, 3, 4, 5],
        bbox=[[10, 10, 0, 0], [5, 5, 0, 0], [5, 5, 10, 5], [100, 100, 5, 5], [2, 3, 10, 8]],
        parts=[[], [np.array([[5.0, 5.0]])], [np.array([[5.0, 5.0], [15.0, 10.0]])], [], []],
    )
    return Dataset(Images.create(["a.png"], width=[40], height=[30], id=[1]), [Category(id=1, name="c")], ann)


@pytest.mark.parametrize(("task", "degenerate"), [("detect", 2), ("segment", 3), ("obb", 2)])
def test_degenerate_and_outside_objects_are_told_apart(tmp_path: Path, task: str, degenerate: int) -> None:
    # detect and obb write boxes: the 2-point polygon has a 10x5 box; segment needs 3 points
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(_unwritable_objects(), tmp_path / "y", task=task)
    assert report.count("yolo.degenerate") == degenerate
    assert report.count("yolo.outside") == 1
    (message,) = [e.message for e in report.events if e.code == "yolo.degenerate"]
    assert (
        message.startswith(f"YOLO: {degenerate} objects of zero or negative size") and "3 distinct" in message
    )
    rows = (tmp_path / "y" / "labels" / "a.txt").read_text().splitlines()
    assert len(rows) == 1 + (task != "segment")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2)), max_size=6), max_size=5))
def test_distinct_points_per_part_counts_like_a_set(parts: list[list[tuple[int, int]]]) -> None:
    vertex_start = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
    vertices = np.array([xy for p in parts for xy in p], dtype=np.float64).reshape(-1, 2)
    counts = geometry.distinct_points_per_part(vertex_start, vertices)
    assert counts.tolist() == [len(set(p)) for p in parts]


def test_parts_with_fewer_than_3_distinct_points_are_not_written(tmp_path: Path) -> None:
    square = np.array([[2.0, 2.0], [12.0, 2.0], [12.0, 12.0], [2.0, 12.0]])
    thin = np.array([[20.0, 5.0], [30.0, 10.0], [20.0, 5.0]])  # 3 points, 2 distinct: a line
    ann = Annotations.create(
        [0, 0],
        [0, 0],
        Kind.POLYGON,
        id=[1, 2],
        bbox=[[2, 2, 28, 10], [20, 5, 10, 5]],
        parts=[[square, thin], [thin]],
    )
    ds = Dataset(Images.create(["a.png"], width=[40], height=[30], id=[1]), [Category(id=1, name="c")], ann)
    for task, rows in (("segment", ["0 0.05 0.066667 0.3 0.066667 0.3 0.4 0.05 0.4"]), ("detect", 2)):
        with Report() as report, warnings.catch_warnings():
            warnings.simplefilter("ignore", GtconvertWarning)
            yolo.write(ds, tmp_path / task, task=task)
        written = (tmp_path / task / "labels" / "a.txt").read_text().splitlines()
        if task == "segment":  # the thin part is left out of object 1; object 2 is degenerate
            assert written == rows
            assert report.count("yolo.degenerate_parts") == 1 and report.count("yolo.degenerate") == 1
        else:  # a box needs no 3 points: both objects keep their boxes
            assert len(written) == rows and report.count("yolo.degenerate") == 0


# ---------------------------------------------------------------------------------------
# reading: sizes from headers, names, splits, errors
# ---------------------------------------------------------------------------------------


def _write_plain_yolo(folder: Path) -> None:
    """A dataset as other tools write it: no sidecar, names as a list, a segment row."""
    (folder / "images" / "train").mkdir(parents=True)
    (folder / "labels" / "train").mkdir(parents=True)
    Image.new("RGB", (200, 100)).save(folder / "images" / "train" / "a.jpg")
    Image.new("RGB", (50, 40)).save(folder / "images" / "train" / "empty.png")
    (folder / "labels" / "train" / "a.txt").write_text("1 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.3 0.1 0.3 0.5\n")
    (folder / "data.yaml").write_text("train: images/train\nval: images/train\nnames: [cat, dog]\n")


def test_reads_sizes_from_headers_without_decoding(tmp_path: Path, monkeypatch) -> None:
    _write_plain_yolo(tmp_path)

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    ds = yolo.read(tmp_path)
    assert dict(zip(ds.images.file_name, ds.images.width.tolist())) == {
        "train/a.jpg": 200,
        "train/empty.png": 50,
    }
    assert [(c.id, c.name) for c in ds.categories] == [(0, "cat"), (1, "dog")]
    ann = ds.annotations
    box = ann.bbox[ann.kind == Kind.BOX][0]
    np.testing.assert_allclose(box, [80, 30, 40, 40])
    poly = np.flatnonzero(ann.kind == Kind.POLYGON)[0]
    np.testing.assert_allclose(ann.parts(poly)[0], [[20, 10], [60, 10], [60, 50]])
    assert len(ds.images) == 2  # the image without a label file is kept


@pytest.mark.parametrize("declared", [".", "data", "./data/"])
def test_relative_path_in_data_yaml_is_the_yaml_folder_first(
    tmp_path: Path, monkeypatch, declared: str
) -> None:
    ds_dir = tmp_path / "ds"
    target = ds_dir / declared
    _write_plain_yolo(target)
    (ds_dir / "data.yaml").write_text(
        f"path: {declared}\ntrain: images/train\nval: images/train\nnames: [cat, dog]\n"
    )
    # the command runs where a folder of the same name holds another dataset
    elsewhere = tmp_path / "elsewhere"
    _write_plain_yolo(elsewhere / declared)
    Image.new("RGB", (20, 20)).save(elsewhere / declared / "images" / "train" / "other.png")
    monkeypatch.chdir(elsewhere)
    ds = yolo.read(ds_dir / "data.yaml")
    assert sorted(ds.images.file_name.tolist()) == ["train/a.jpg", "train/empty.png"]
    assert len(ds.annotations) == 2
    # only where the yaml's folder has no such folder does the current directory count
    (ds_dir / "data.yaml").write_text(
        "path: elsewhere_only\ntrain: images/train\nval: images/train\nnames: [cat, dog]\n"
    )
    _write_plain_yolo(elsewhere / "elsewhere_only")
    assert len(yolo.read(ds_dir).images) == 2
    assert yolo.read(ds_dir).image_root.startswith("elsewhere_only")


def test_missing_images_name_them_or_take_image_size(tmp_path: Path) -> None:
    _write_plain_yolo(tmp_path)
    (tmp_path / "images" / "train" / "a.jpg").unlink()
    with pytest.raises(GtconvertError, match=r"a\.jpg"):
        yolo.read(tmp_path)
    ds = yolo.read(tmp_path, image_size=(100, 50))
    assert set(ds.images.width.tolist()) == {100}


@pytest.mark.parametrize(
    ("row", "message"), [("0 0.5 0.5 0.1\n", "4 numbers"), ("2 0.5 0.5 0.1 0.1\n", "class 2"), ("0 0.1 0.2 0.3 0.4 0.5 0.6 0.7\n", "8 numbers")]
)  # fmt: skip
def test_bad_label_rows_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    _write_plain_yolo(tmp_path)
    (tmp_path / "labels" / "train" / "a.txt").write_text("0 0.5 0.5 0.1 0.1\n" + row)
    with pytest.raises(GtconvertError, match=message) as err:
        yolo.read(tmp_path)
    assert "a.txt" in str(err.value) and "line 2" in str(err.value)


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


def test_equal_basenames_in_different_folders_do_not_collide(tmp_path: Path) -> None:
    ds = Dataset(
        Images.create(["a/x.jpg", "b/x.jpg"], width=[10, 10], height=[10, 10]),
        [Category(id=1, name="a")],
        Annotations.create([0, 1], 0, Kind.BOX, bbox=[[0, 0, 1, 1], [0, 0, 2, 2]]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    assert (tmp_path / "y" / "labels" / "a" / "x.txt").read_text() != (
        tmp_path / "y" / "labels" / "b" / "x.txt"
    ).read_text()
    same_stem = ds.replace(images=Images.create(["x.jpg", "x.png"], width=[10, 10], height=[10, 10]))
    with pytest.raises(GtconvertError, match="share the label file"):
        yolo.write(same_stem, tmp_path / "z")


def test_crowd_policy_is_said(tmp_path: Path) -> None:
    ds = Dataset(
        Images.create(["c.png"], width=[10], height=[10]),
        [Category(id=1, name="a")],
        Annotations.create([0, 0], 0, Kind.BOX, bbox=[[0, 0, 5, 5], [1, 1, 5, 5]], iscrowd=[True, False]),
    )
    for policy, rows in (("keep", 2), ("skip", 1)):
        with Report() as report, warnings.catch_warnings():
            warnings.simplefilter("ignore", GtconvertWarning)
            yolo.write(ds, tmp_path / policy, crowd=policy)
        assert len((tmp_path / policy / "labels" / "c.txt").read_text().splitlines()) == rows
        assert report.count(f"yolo.crowd_{'kept' if policy == 'keep' else 'skipped'}") == 1


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
