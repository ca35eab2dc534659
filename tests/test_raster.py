"""The painter: each object painted within its box gives exactly the full-size rasterisation,
later objects win, each label PNG is decoded once, and masks of another size are fitted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from gtconvert import geometry, pixels, raster
from gtconvert.errors import GtconvertError
from gtconvert.model import Annotations, Kind, PixelRef

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
        assert np.array_equal(raster.full_mask(crop, *mask.shape), mask.astype(bool))


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
    painter = raster.Painter(h, w, (np.uint8,))
    assert np.array_equal(
        raster.full_mask(painter.crop(("polygon", [parts[0].ravel().tolist()])), h, w), full
    )


def _label_png(tmp_path: Path, matrix: np.ndarray, name: str = "labels.png") -> str:
    path = str(tmp_path / name)
    Image.fromarray(matrix).save(path)
    return path


def _shapes_and_masks(tmp_path: Path, h: int, w: int) -> tuple[list, list[np.ndarray]]:
    """One shape of every kind with its full-size mask, as the formats define them."""
    rng = np.random.default_rng(7)
    blob = np.zeros((h, w), np.uint8)
    blob[h // 3 :, : w // 2] = 1  # runs wrap into the next column
    matrix = rng.integers(0, 4, (h, w)).astype(np.uint8)
    path = _label_png(tmp_path, matrix)
    poly = np.array([[1.5, 2.0], [w - 3.3, 1.0], [w / 2, h - 1.7]])
    rbox = np.array([w / 2, h / 2, w / 3, h / 4, 30.0])
    box = np.array([2.0, 3.0, 4.0, 5.0])
    ann = Annotations.create(
        [0] * 5, [0] * 5, [Kind.POLYGON, Kind.ROTATED_BOX, Kind.BOX, Kind.MASK, Kind.PIXEL_REF],
        parts=[[poly], [], [], [], []], bbox=[[0, 0, 1, 1], [0, 0, 1, 1], box, [0, 0, 1, 1], [0, 0, 1, 1]],
        rbox=[[np.nan] * 5, rbox, [np.nan] * 5, [np.nan] * 5, [np.nan] * 5],
        rle=[None, None, None, geometry.mask_to_rle(blob), None],
        pixel_ref=[None, None, None, None, PixelRef(path, (1,), ((3,),))],
    )  # fmt: skip
    masks = [
        geometry.polygons_to_mask([poly], h, w),
        geometry.polygons_to_mask([geometry.rotated_box_corners(rbox)[0]], h, w),
        geometry.polygons_to_mask([geometry.box_corners(box)[0]], h, w),
        blob,
        (matrix == 1) | (matrix == 3),
    ]
    return [raster.object_shape(ann, i) for i in range(5)], [m.astype(bool) for m in masks]


def test_every_kind_paints_its_full_size_mask_and_later_objects_win(tmp_path: Path) -> None:
    h, w = 23, 31
    shapes, masks = _shapes_and_masks(tmp_path, h, w)
    painter = raster.Painter(h, w, (np.uint8, np.uint16))
    want = np.zeros((h, w), np.uint8)
    overlapping = 0
    for k, (shape, mask) in enumerate(zip(shapes, masks), start=1):
        assert np.array_equal(raster.full_mask(painter.crop(shape), h, w), mask)
        overlapping += bool((want[mask] != 0).any())
        crop = painter.paint(shape, (k, 100 * k))
        assert np.array_equal(raster.full_mask(crop, h, w), mask)
        want[mask] = k
    assert np.array_equal(painter.layers[0], want)
    assert np.array_equal(painter.layers[1], want.astype(np.uint16) * 100)
    assert painter.overlapping == overlapping > 0 and painter.resized == 0
    assert raster.count_covered(want, []) == 0
    crops = [(k, painter.crop(s)) for k, s in enumerate(shapes, start=1)]
    covered = sum(1 for k, m in enumerate(masks, start=1) if (want[m] != k).any())
    assert raster.count_covered(want, crops) == covered > 0


def test_a_label_png_is_decoded_once_for_all_its_labels(tmp_path: Path, monkeypatch) -> None:
    matrix = np.array([[0, 1, 2], [2, 1, 0]], np.uint8)
    path = _label_png(tmp_path, matrix)
    decoded = []

    def counting(p: str) -> np.ndarray:
        decoded.append(p)
        return pixels.read_label_matrix(p)

    monkeypatch.setattr(raster, "read_label_matrix", counting)
    painter = raster.Painter(2, 3, (np.uint8,))
    for v in (1, 2, 1):
        painter.paint(("pixels", PixelRef(path, (v,))), (v,))
    assert decoded == [path]
    assert np.array_equal(painter.layers[0], matrix)


def test_masks_of_another_size_are_cropped_or_padded_or_refused(tmp_path: Path) -> None:
    big = np.zeros((8, 9), np.uint8)
    big[6:, 7:] = 1  # past the 6 x 7 image: cropped away
    big[1:3, 1:4] = 1
    small = np.ones((2, 3), np.uint8)  # padded with background
    path = _label_png(tmp_path, big * 4)
    painter = raster.Painter(6, 7, (np.uint8,))
    crops = [
        painter.paint(("rle", geometry.mask_to_rle(big)), (1,)),
        painter.paint(("rle", geometry.mask_to_rle(small)), (2,)),
        painter.paint(("pixels", PixelRef(path, (4,))), (3,)),
        painter.paint(
            ("rle", geometry.mask_to_rle(np.pad(np.ones((1, 1), np.uint8), ((7, 0), (0, 0))))), (4,)
        ),
    ]
    fitted = np.zeros((6, 7), bool)
    fitted[1:3, 1:4] = True
    padded = np.zeros((6, 7), bool)
    padded[:2, :3] = True
    assert np.array_equal(raster.full_mask(crops[0], 6, 7), fitted)
    assert np.array_equal(raster.full_mask(crops[1], 6, 7), padded)
    assert np.array_equal(raster.full_mask(crops[2], 6, 7), fitted)
    assert crops[3] is None  # its only pixel lies below the image
    assert painter.resized == 4
    strict = raster.Painter(6, 7, (np.uint8,), exact_size=True)
    with pytest.raises(GtconvertError, match=r"label image of size 9x8 for an image of 7x6"):
        strict.paint(("pixels", PixelRef(path, (4,))), (1,))
    with pytest.raises(GtconvertError, match=r"mask of size 3x2 for an image of 7x6"):
        strict.paint(("rle", geometry.mask_to_rle(small)), (1,))


def test_shapes_without_pixels(tmp_path: Path) -> None:
    ann = Annotations.create(
        [0, 0], [0, 0], [Kind.POLYGON, Kind.POINT], parts=[[np.zeros((2, 2))], [np.ones((1, 2))]]
    )
    assert raster.object_shape(ann, 0) == ("polygon", [])  # no part with 3 points
    assert raster.Painter(4, 4, (np.uint8,)).paint(raster.object_shape(ann, 0), (1,)) is None
    with pytest.raises(ValueError, match="point has no pixels"):
        raster.object_shape(ann, 1)
