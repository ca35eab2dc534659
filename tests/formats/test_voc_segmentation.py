"""VOC segmentation PNGs: painted objects equal the plain full-size painting (object index,
class + 1, later objects win, overlaps counted), the void band, the 254-object limit, the
process pool, and masks read back from ``SegmentationObject``."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from PIL import Image
from strategies import datasets

from gtconvert import geometry
from gtconvert.errors import GtconvertWarning
from gtconvert.formats import voc
from gtconvert.formats._common import axis_aligned_boxes
from gtconvert.formats.voc import segmentation
from gtconvert.formats.voc.layout import SEG_CLASS, SEG_OBJECT
from gtconvert.formats.voc.writer import without_suffix
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report


def _quiet_write(ds: Dataset, path: Path, **options) -> Report:
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, path, **options)
    return report


@settings(max_examples=30, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK)))
def test_masks_come_back_from_segmentation_object(tmp_path_factory, ds: Dataset) -> None:
    out = tmp_path_factory.mktemp("voc") / "v"
    _quiet_write(ds, out, masks=True)
    back = voc.read(out)
    a, b = ds.annotations, back.annotations
    pos = {i: k for k, i in enumerate(b.id.tolist())}
    for r in range(len(ds.images)):
        h, w = int(ds.images.height[r]), int(ds.images.width[r])
        painted = np.zeros((h, w), dtype=bool)
        union = np.zeros((h, w), dtype=bool)
        for k in np.flatnonzero(a.image == r).tolist():
            if a.kind[k] == Kind.BOX:
                continue
            want = (
                geometry.polygons_to_mask(a.parts(k), h, w)
                if a.kind[k] == Kind.POLYGON
                else geometry.rle_decode(a.rle[k])
            ).astype(bool)
            painted |= want
            i = pos.get(int(a.id[k]))
            if i is not None and b.kind[i] == Kind.MASK:
                got = geometry.rle_decode(b.rle[i]).astype(bool)
                assert not (got & ~want).any()  # an object's pixels are its own (overlaps: later wins)
                union |= got
        assert np.array_equal(painted, union)  # together they cover exactly what was painted


def test_segmentation_pngs_are_palette_with_the_voc_colours(tmp_path: Path) -> None:
    square = np.array([[2, 2], [12, 2], [12, 12], [2, 12]], dtype=float)
    ds = Dataset(
        Images.create(["s.png"], width=[20], height=[16]),
        [Category(id=1, name="a"), Category(id=2, name="b")],
        Annotations.create([0, 0], [1, 0], [Kind.BOX, Kind.POLYGON], bbox=[[0, 0, 3, 3], [2, 2, 10, 10]],
                           parts=[[], [square]]),
    )  # fmt: skip
    report = _quiet_write(ds, tmp_path / "v", masks=True, void_border=1)
    obj = Image.open(tmp_path / "v" / "SegmentationObject" / "s.png")
    cls = Image.open(tmp_path / "v" / "SegmentationClass" / "s.png")
    assert obj.mode == "P" and cls.mode == "P"
    palette = np.array(obj.getpalette()[:12]).reshape(-1, 3).tolist()
    assert palette == [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]]  # the devkit's first colours
    o, c = np.asarray(obj), np.asarray(cls)
    assert o[7, 7] == 2 and c[7, 7] == 1  # the polygon is the 2nd object, class "a" -> 1
    assert o[2, 7] == 255 and o[0, 0] == 0  # void band on its border; the box is not painted
    assert report.count("voc.shapes_as_boxes") == 0
    assert (tmp_path / "v" / "ImageSets" / "Segmentation" / "trainval.txt").read_text() == "s\n"


# ---------------------------------------------------------------------------------------
# the PNGs equal the plain full-size painting
# ---------------------------------------------------------------------------------------


def _full_size_painting(ds: Dataset, r: int, rows: list[int]) -> tuple[np.ndarray, np.ndarray, int]:
    """Object and class images painted the plain way (the writer before it was made fast)."""
    ann = ds.annotations
    h, w = int(ds.images.height[r]), int(ds.images.width[r])
    obj = np.zeros((h, w), dtype=np.uint8)
    cls = np.zeros((h, w), dtype=np.uint8)
    areas = []
    for k, i in enumerate(rows):
        if ann.kind[i] == Kind.POLYGON:
            m = geometry.polygons_to_mask(ann.parts(i), h, w)
        elif ann.kind[i] == Kind.ROTATED_BOX:
            m = geometry.polygons_to_mask([geometry.rotated_box_corners(ann.rbox[i])[0]], h, w)
        elif ann.kind[i] == Kind.MASK:
            m = geometry.rle_decode(ann.rle[i])
        else:
            continue
        on = m.astype(bool)
        obj[on], cls[on] = k + 1, ann.category[i] + 1
        areas.append((k + 1, int(on.sum())))
    covered = sum(1 for v, area in areas if np.count_nonzero(obj == v) < area)
    return obj, cls, covered


def _check_against_full_size(ds: Dataset, out: Path, covered_reported: int) -> None:
    ann = ds.annotations
    covered = 0
    for r, name in enumerate(ds.images.file_name.tolist()):
        rows = np.flatnonzero(ann.image == r).tolist()
        stem = without_suffix(name)
        shaped = any(ann.kind[i] != Kind.BOX for i in rows)
        assert (out / SEG_OBJECT / f"{stem}.png").exists() == shaped
        if not shaped:
            continue
        obj, cls, n = _full_size_painting(ds, r, rows)
        covered += n
        assert np.array_equal(np.asarray(Image.open(out / SEG_OBJECT / f"{stem}.png")), obj)
        assert np.array_equal(np.asarray(Image.open(out / SEG_CLASS / f"{stem}.png")), cls)
    assert covered_reported == covered


def _write(ds: Dataset, out: Path) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GtconvertWarning)
        voc.write(ds, out, masks=True)
    overlap = [w for w in caught if "partly covered" in str(w.message)]
    return int(str(overlap[0].message).split("VOC masks: ")[1].split()[0]) if overlap else 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)))
def test_masks_equal_the_full_size_painting(tmp_path_factory, ds: Dataset) -> None:
    names = [without_suffix(n).casefold() for n in ds.images.file_name.tolist()]
    assume(len(set(names)) == len(names) and all(":" not in n for n in names))
    ds = _written_rows_only(ds)
    out = tmp_path_factory.mktemp("voc") / "v"
    _check_against_full_size(ds, out, _write(ds, out))


def _written_rows_only(ds: Dataset) -> Dataset:
    """Without the objects the writer leaves out (boxes of no size: not in the XML, so they
    take no object index)."""
    ann = ds.annotations
    rows = np.arange(len(ann))
    img = ann.image
    boxes, _ = geometry.clip_boxes(axis_aligned_boxes(ds, rows), ds.images.width[img], ds.images.height[img])
    return ds.replace(annotations=ann.take((boxes[:, 2] > 0) & (boxes[:, 3] > 0)))


def _many_images(n: int, seed: int) -> Dataset:
    """``n`` images with overlapping decimal polygons, masks and boxes (enough for the pool)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(20, 120, (n, 2))
    img = Images.create([f"img{k:03d}.jpg" for k in range(n)], width=sizes[:, 0], height=sizes[:, 1])
    image, kind, parts, rles, bbox = [], [], [], [], []
    for r, (w, h) in enumerate(sizes.tolist()):
        for _ in range(int(rng.integers(0, 6))):
            image.append(r)
            k = [Kind.BOX, Kind.POLYGON, Kind.POLYGON, Kind.MASK][int(rng.integers(0, 4))]
            kind.append(k)
            poly = np.round(rng.uniform(-3, [w + 3, h + 3], (int(rng.integers(3, 7)), 2)), 1)
            parts.append([poly] if k == Kind.POLYGON else [])
            mask = np.zeros((h, w), np.uint8)
            mask[rng.integers(0, h) :, : rng.integers(1, w + 1)] = 1  # wraps into the next column
            rles.append(geometry.mask_to_rle(mask) if k == Kind.MASK else None)
            bbox.append([1.0, 2.0, 5.5, 4.0])
    ann = Annotations.create(
        image, rng.integers(0, 3, len(image)), kind, bbox=np.array(bbox), parts=parts, rle=rles
    )
    cats = [Category(id=1, name="a&b"), Category(id=2, name="<c>"), Category(id=3, name="d")]
    return Dataset(img, cats, ann)


@pytest.mark.parametrize("pool", [False, True])
def test_pool_and_inline_paint_the_same_pngs(tmp_path: Path, monkeypatch, pool: bool) -> None:
    monkeypatch.setattr(segmentation, "POOL_MIN_IMAGES", 0 if pool else 10**9)
    ds = _many_images(40, seed=3)
    _check_against_full_size(ds, tmp_path / "v", _write(ds, tmp_path / "v"))


def test_objects_past_the_254th_are_counted_not_painted(tmp_path: Path) -> None:
    n = 260
    img = Images.create(["a.png"], width=[40], height=[30])
    square = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    ann = Annotations.create(
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
        Kind.POLYGON,
        parts=[[square + k % 20] for k in range(n)],
    )
    ann.bbox = geometry.ragged_bbox(ann.part_start, ann.vertex_start, ann.vertices)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GtconvertWarning)
        voc.write(Dataset(img, [Category(id=1, name="sq")], ann), tmp_path / "v", masks=True)
    assert any("6 objects beyond the 254th" in str(w.message) for w in caught)
    obj = np.asarray(Image.open(tmp_path / "v" / SEG_OBJECT / "a.png"))
    assert obj.max() == 254 and obj[0, 0] == 1 + 240  # square k covers (0,0) for k % 20 == 0
