"""VOC segmentation PNGs made fast: RLEs decoded within their box, PNGs spliced, a process pool.

Every fast path is checked against the plain one it replaced: full-size pycocotools masks
painted with whole-image boolean indexing, and Pillow's PNG reader (plus zlib's own checks).
"""

from __future__ import annotations

import io
import warnings
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image
from strategies import datasets

from gtconvert import geometry, png
from gtconvert.errors import GtconvertWarning
from gtconvert.formats import voc
from gtconvert.formats._common import axis_aligned_boxes
from gtconvert.formats.voc import segmentation
from gtconvert.formats.voc.layout import SEG_CLASS, SEG_OBJECT
from gtconvert.formats.voc.writer import without_suffix
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

# decimals such as 1000.3: 5 * x lands next to a half integer, where pycocotools' rounding of
# a shifted polygon would differ from the unshifted one (so polygons are never shifted)
DECIMAL = st.integers(-30, 700).map(lambda k: k / 10)


def _paste(crop: tuple[int, int, np.ndarray] | None, h: int, w: int) -> np.ndarray:
    out = np.zeros((h, w), dtype=bool)
    if crop is not None:
        r0, c0, on = crop
        out[r0 : r0 + on.shape[0], c0 : c0 + on.shape[1]] = on
    return out


@settings(max_examples=60, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40)), elements=st.integers(0, 1)))
def test_rle_counts_and_crop_match_pycocotools(mask: np.ndarray) -> None:
    rle = geometry.mask_to_rle(mask)
    plain = geometry.rle_to_uncompressed(rle)
    assert geometry.rle_counts(rle).tolist() == plain["counts"]
    for form in (rle, plain):
        crop = geometry.rle_crop(form)
        assert np.array_equal(_paste(crop, *mask.shape), mask.astype(bool))
        if crop is not None:  # the crop is the tight bounding box
            on = crop[2]
            assert on[0].any() and on[-1].any() and on[:, 0].any() and on[:, -1].any()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 90),
    st.integers(1, 90),
    st.lists(st.tuples(DECIMAL, DECIMAL), min_size=3, max_size=9),
)
def test_polygon_crop_is_the_full_size_rasterisation(h: int, w: int, points: list) -> None:
    parts = [np.array(points, dtype=np.float64)]
    rle = geometry.polygon_to_rle(parts, h, w)
    full = geometry.polygons_to_mask(parts, h, w).astype(bool)
    assert np.array_equal(_paste(geometry.rle_crop(rle), h, w), full)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.uint8, st.tuples(st.integers(1, 50), st.integers(1, 50))),
    st.sampled_from(["dense", "sparse", "rows"]),
)
def test_png_bytes_reads_back_exactly(values: np.ndarray, layout: str) -> None:
    index = values.copy()
    if layout == "sparse":  # a few bands of rows, as segmentation PNGs are
        index[np.arange(len(index)) % 7 > 1] = 0
    elif layout == "rows":
        index[:] = 0
    palette = png.voc_colormap().ravel().tolist()
    data = png.palette_png(index)
    im = Image.open(io.BytesIO(data))
    assert im.mode == "P" and im.getpalette() == palette
    assert np.array_equal(np.asarray(im), index)
    # every chunk's CRC, and the zlib stream's own Adler-32 (decompress checks it)
    chunks, pos = {}, 8
    while pos < len(data):
        n = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        assert zlib.crc32(kind + body) == int.from_bytes(data[pos + 8 + n : pos + 12 + n], "big")
        chunks[kind] = body
        pos += 12 + n
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(index.shape[0], -1)
    assert not rows[:, 0].any() and np.array_equal(rows[:, 1:], index)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(bgr[..., ::-1], png.voc_colormap()[index])


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
