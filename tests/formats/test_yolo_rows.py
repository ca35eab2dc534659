"""Which object becomes which YOLO row: hand-computed boxes, bridged rings, clipping, what is left out."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from gtconvert import geometry
from gtconvert.errors import GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.model import Annotations, Category, Dataset, Images, Kind, PixelRef
from gtconvert.report import Report
from gtconvert.testing import mask_iou

# ---------------------------------------------------------------------------------------
# hand-computed rows: boxes normalised and clipped
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


# ---------------------------------------------------------------------------------------
# segment rows: one ring per object, parts bridged, clipped at the border
# ---------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("task", ["segment", "detect"])
def test_pixel_label_objects_become_their_mask_outline_or_box(tmp_path: Path, task: str) -> None:
    matrix = np.zeros((6, 9), dtype=np.uint8)
    matrix[1:4, 2:6] = 3  # pixels x 2..5, y 1..3: pixel edges (2, 1)-(6, 4)
    Image.fromarray(matrix).save(tmp_path / "labels.png")
    ann = Annotations.create(
        [0], [0], Kind.PIXEL_REF, id=[1], pixel_ref=[PixelRef(str(tmp_path / "labels.png"), (3,))]
    )
    ds = Dataset(Images.create(["a.png"], width=[9], height=[6], id=[1]), [Category(id=1, name="c")], ann)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y", task=task)
    (row,) = (tmp_path / "y" / "labels" / "a.txt").read_text().splitlines()
    values = np.array(row.split()[1:], dtype=float)
    if task == "segment":
        ring = values.reshape(-1, 2) * [9, 6]
        assert np.array_equal(geometry.polygons_to_mask([ring], 6, 9), (matrix == 3).astype(np.uint8))
    else:
        np.testing.assert_allclose(values, [4 / 9, 2.5 / 6, 4 / 9, 3 / 6], atol=1e-6)


# ---------------------------------------------------------------------------------------
# objects left out: degenerate, outside, crowd
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# the whole-array ways give what the per-object functions give
# ---------------------------------------------------------------------------------------

# small integer grids make repeated points and equal distances (ties) common
_POINT = st.tuples(st.integers(0, 3), st.integers(0, 3)) | st.tuples(
    st.floats(0, 10, allow_nan=False), st.floats(0, 10, allow_nan=False)
)
_PART = st.lists(_POINT, min_size=1, max_size=7).map(lambda p: np.array(p, dtype=np.float64).reshape(-1, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_POINT, max_size=7), max_size=25), st.booleans())
def test_three_distinct_points_equals_the_exact_count(parts: list, with_nan: bool) -> None:
    lengths = [len(p) for p in parts]
    vertex_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    vertices = np.array([q for p in parts for q in p], dtype=np.float64).reshape(-1, 2)
    if with_nan and len(vertices):
        vertices[len(vertices) // 2, 0] = np.nan
    expected = geometry.distinct_points_per_part(vertex_start, vertices) >= 3
    assert np.array_equal(geometry.has_three_distinct_points(vertex_start, vertices), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_PART, _PART), max_size=12))
def test_two_part_bridges_equal_bridge_parts(objects: list) -> None:
    flat = [part for pair in objects for part in pair]
    lengths = np.array([len(p) for p in flat], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    vertices = np.concatenate(flat) if flat else np.zeros((0, 2))
    index, ring_len = geometry.bridge_two_parts(
        starts[0::2], lengths[0::2], starts[1::2], lengths[1::2], vertices
    )
    ring_start = np.concatenate([[0], np.cumsum(ring_len)])
    assert len(index) == ring_start[-1]
    for k, (a, b) in enumerate(objects):
        expected = geometry.bridge_parts([a, b])
        assert np.array_equal(vertices[index[ring_start[k] : ring_start[k + 1]]], expected)


@given(st.lists(st.integers(0, 50), max_size=10), st.lists(st.integers(0, 6), max_size=10))
def test_ragged_index_concatenates_runs(starts: list[int], lengths: list[int]) -> None:
    n = min(len(starts), len(lengths))
    got = geometry.ragged_index(np.array(starts[:n], dtype=np.int64), np.array(lengths[:n], dtype=np.int64))
    expected = [s + k for s, m in zip(starts[:n], lengths[:n]) for k in range(m)]
    assert got.tolist() == expected
