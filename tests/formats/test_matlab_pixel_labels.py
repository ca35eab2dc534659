"""MATLAB pixel labels: label PNGs read lazily or as instances, and labels with several
PixelLabelIDs (a column of scalar ids, or Mx3 RGB triplets): every listed value belongs to the
label, in every format the label is written to."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import gtconvert
from gtconvert import geometry, pixels
from gtconvert.formats.matlab import interchange
from gtconvert.model import Kind, PixelRef

from .matlab_support import FIXTURES, needs_fixtures, read_quietly

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def _rgb_matrix() -> np.ndarray:
    """9 x 12 RGB labels: red touching blue (one blob of 'road'), a lone blue blob, green."""
    m = np.zeros((9, 12, 3), dtype=np.uint8)
    m[1:4, 1:4] = RED
    m[1:4, 4:6] = BLUE
    m[6:8, 9:11] = BLUE
    m[5:8, 1:3] = GREEN
    return m


def _gray_matrix() -> np.ndarray:
    m = np.zeros((9, 12), dtype=np.uint8)
    m[1:4, 1:4] = 2
    m[1:4, 4:6] = 5
    m[6:8, 9:11] = 5
    m[5:8, 1:3] = 7
    return m


def _write_labeler_file(folder: Path, matrix: np.ndarray, road: np.ndarray, sky: np.ndarray) -> Path:
    """A label PNG and an interchange file as MATLAB writes them (one image, two pixel labels)."""
    from PIL import Image

    (folder / "PixelLabelData").mkdir()
    Image.fromarray(matrix).save(folder / "PixelLabelData" / "Label_1.png")
    h, w = matrix.shape[:2]
    ic = interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([[h, w]], dtype=float),
        imageTime=np.array([np.nan]), pixelLabelFiles=["PixelLabelData/Label_1.png"],
        labelNames=["road", "sky"], labelIds=np.array([1.0, 2.0]), labelTypes=["PixelLabel"] * 2,
        labelColors=np.full((2, 3), np.nan), labelPixelIds=[road.astype(float), sky.astype(float)],
        labelGroups=[""] * 2, labelDescriptions=[""] * 2, labelParents=[""] * 2,
    )  # fmt: skip
    path = folder / "gTruth_export.mat"
    interchange.save(ic, path)
    return path


CASES = {
    "rgb": (_rgb_matrix, np.array([RED, BLUE]), np.array([GREEN])),
    "scalar": (_gray_matrix, np.array([[2], [5]]), np.array([[7]])),
}


def _union(matrix: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The pixels of ``matrix`` equal to any row of ``ids``, computed here independently."""
    if matrix.ndim == 3:
        return (matrix[:, :, None, :] == ids[None, None, :, :]).all(axis=3).any(axis=2)
    return np.isin(matrix, ids.ravel())


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_pixel_label_id_belongs_to_the_label(case: str, tmp_path: Path) -> None:
    make, road_ids, sky_ids = CASES[case]
    matrix = make()
    ds = read_quietly(_write_labeler_file(tmp_path, matrix, road_ids, sky_ids), "matlab")
    ann = ds.annotations
    assert ann.kind.tolist() == [Kind.PIXEL_REF] * 2
    road = ann.pixel_ref[ann.category == 0][0]
    assert road.values == tuple(tuple(int(v) for v in row) for row in road_ids)
    rles = pixels.encode_pixel_refs(ann.pixel_ref.tolist())
    assert np.array_equal(geometry.rle_decode(rles[0]).astype(bool), _union(matrix, road_ids))
    assert np.array_equal(geometry.rle_decode(rles[1]).astype(bool), _union(matrix, sky_ids))


@pytest.mark.parametrize("case", sorted(CASES))
def test_coco_and_masks_outputs_hold_the_union(case: str, tmp_path: Path) -> None:
    from PIL import Image

    make, road_ids, sky_ids = CASES[case]
    matrix = make()
    ds = read_quietly(_write_labeler_file(tmp_path, matrix, road_ids, sky_ids), "matlab")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "coco.json", "coco")
        gtconvert.write(ds, tmp_path / "masks", "masks")
    coco = json.loads((tmp_path / "coco.json").read_text())
    areas = {a["category_id"]: a["area"] for a in coco["annotations"]}
    assert areas == {1: _union(matrix, road_ids).sum(), 2: _union(matrix, sky_ids).sum()}
    index = next((tmp_path / "masks").rglob("*.png"))
    painted = np.asarray(Image.open(index))
    values = {c.name: c for c in ds.categories}
    assert values["road"].pixel_id == tuple(int(v) for v in road_ids.ravel())
    road_value = np.unique(painted[_union(matrix, road_ids)])
    assert len(road_value) == 1 and road_value[0] != 0
    assert np.array_equal(painted == road_value[0], _union(matrix, road_ids))


@pytest.mark.parametrize("case", sorted(CASES))
def test_instances_are_components_of_the_union(case: str, tmp_path: Path) -> None:
    make, road_ids, sky_ids = CASES[case]
    matrix = make()
    ds = read_quietly(_write_labeler_file(tmp_path, matrix, road_ids, sky_ids), "matlab", instances=True)
    ann = ds.annotations
    road = np.flatnonzero(ann.category == 0)
    assert len(road) == 2  # the red+blue blob is one object, the lone blue blob another
    union = np.zeros(matrix.shape[:2], dtype=bool)
    for i in road:
        union |= geometry.rle_decode(ann.rle[i]).astype(bool)
    assert np.array_equal(union, _union(matrix, road_ids))


@pytest.mark.parametrize("version", ["7", "7.3"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_several_ids_survive_the_interchange(case: str, version: str, tmp_path: Path) -> None:
    make, road_ids, sky_ids = CASES[case]
    ds = read_quietly(_write_labeler_file(tmp_path, make(), road_ids, sky_ids), "matlab")
    out = tmp_path / "out.mat"
    gtconvert.write(ds, out, "matlab", mat_version=version)
    ic = interchange.load(out)
    assert ic.labelPixelIds[0].tolist() == road_ids.tolist()  # Mx3 triplets or an Mx1 column
    assert ic.labelPixelIds[1].tolist() == sky_ids.tolist()
    back = read_quietly(out, "matlab")
    assert back.annotations.pixel_ref.tolist() == ds.annotations.pixel_ref.tolist()


VALUE = st.integers(0, 5)


@settings(max_examples=40, deadline=None)
@given(
    matrix=arrays(np.uint8, st.tuples(st.integers(1, 7), st.integers(1, 7)), elements=VALUE),
    groups=st.lists(st.lists(VALUE, min_size=1, max_size=3, unique=True), min_size=1, max_size=4),
)
def test_group_rles_equal_the_union_of_masks(matrix: np.ndarray, groups: list[list[int]]) -> None:
    refs = [PixelRef("x.png", (g[0],), tuple((v,) for v in g[1:])) for g in groups]
    got = pixels.label_matrix_group_rles(matrix, [r.values for r in refs])
    expected = [geometry.mask_to_rle(np.isin(matrix, g)) for g in groups]
    assert got == expected
    rgb = np.stack([matrix, matrix * 2, matrix * 3], axis=-1)
    got_rgb = pixels.label_matrix_group_rles(rgb, [[(v, 2 * v, 3 * v) for v in g] for g in groups])
    assert got_rgb == expected


@needs_fixtures
def test_pixel_labels_keep_their_areas(tmp_path: Path) -> None:
    from PIL import Image

    from gtconvert.geometry import rle_area
    from gtconvert.pixels import encode_pixel_refs

    ds = read_quietly(FIXTURES / "satellite-pixellabel/gTruth.mat")
    ann = ds.annotations
    assert set(ann.kind.tolist()) == {Kind.PIXEL_REF}
    assert (ds.images.width[0], ds.images.height[0]) == Image.open(ann.pixel_ref[0].path).size
    rows = np.flatnonzero(ann.image < 3)
    rles = encode_pixel_refs([ann.pixel_ref[i] for i in rows], workers=1)
    for i, _rle, area in zip(rows, rles, rle_area(rles)):
        png = np.asarray(Image.open(ann.pixel_ref[i].path))
        value = ds.categories[ann.category[i]].pixel_id[0]
        assert area == np.count_nonzero(png == value)


@needs_fixtures
def test_pixel_instances_split_components() -> None:
    ds = read_quietly(FIXTURES / "satellite-pixellabel/gTruth.mat", instances=True, every=8)
    ann = ds.annotations
    assert len(ds.images) == 2
    assert (ann.kind == Kind.MASK).all() and len(ann) > 2 * len(ds.categories)
