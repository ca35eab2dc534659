"""Reading masks folders: index masks as pixel labels (or components with ``instances``),
BW-only folders, real MATLAB label PNGs, a damaged class map named."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from strategies import datasets

from gtconvert import geometry
from gtconvert.errors import GtconvertError
from gtconvert.formats import masks
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

from .masks_cases import annotation_mask, quiet_write, two_squares

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "matlab"
PIXEL_LABELS = FIXTURES / "satellite-pixellabel" / "dataLabels"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets(kinds=(Kind.POLYGON, Kind.MASK)))
def test_index_masks_read_as_pixel_refs(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    tmp = tmp_path_factory.mktemp("idx")
    quiet_write(ds, tmp / "m", instances=False)
    back = masks.read(tmp / "m")
    assert np.all(back.annotations.kind == Kind.PIXEL_REF)
    # expected: each image's objects painted in order, later ones on top
    order, starts = ds.image_order()
    for i in range(len(ds.images)):
        h, w = int(ds.images.height[i]), int(ds.images.width[i])
        painted = np.full((h, w), -1)
        for row in order[starts[i] : starts[i + 1]]:
            painted[annotation_mask(ds, row)] = ds.annotations.category[row]
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


def test_bw_masks_in_and_out(tmp_path: Path) -> None:
    ds = two_squares()
    rep = quiet_write(ds, tmp_path / "m", bw=True)
    assert rep.count("masks.bw_merged") > 0
    only_bw = tmp_path / "bw_only"
    shutil.copytree(tmp_path / "m" / "BW", only_bw / "BW")
    assert masks.detect(str(only_bw))
    back = masks.read(only_bw)
    assert len(back.images) == 3 and len(back.categories) == 1
    assert len(back.annotations) == 2  # the empty image has no BW object
    a = back.images.file_name.tolist().index("a.png")
    (row,) = np.flatnonzero(back.annotations.image == a)
    union = annotation_mask(ds, 0) | annotation_mask(ds, 1)
    assert np.array_equal(geometry.rle_decode(back.annotations.rle[row]).astype(bool), union)


def test_instances_option_splits_index_masks_into_components(tmp_path: Path) -> None:
    img = Images.create(["x.png"], width=[30], height=[20])
    blobs = np.zeros((20, 30), np.uint8)
    blobs[1:5, 1:5] = 1
    blobs[10:15, 20:28] = 1
    ann = Annotations.create(image=[0], category=[0], kind=Kind.MASK, rle=[geometry.mask_to_rle(blobs)])
    ds = Dataset(img, [Category(id=1, name="blob")], ann)
    quiet_write(ds, tmp_path / "m", instances=False)
    assert len(masks.read(tmp_path / "m").annotations) == 1
    split = masks.read(tmp_path / "m", instances=True)
    assert len(split.annotations) == 2 and np.all(split.annotations.kind == Kind.MASK)
    assert sorted(split.annotations.area.tolist()) == [16.0, 40.0]


def test_real_matlab_pixel_labels_as_index_masks(tmp_path: Path) -> None:
    if not FIXTURES.is_dir():
        pytest.skip("shared MATLAB fixtures not present")  # a clone without ../shared
    if not PIXEL_LABELS.is_dir():
        pytest.fail(f"fixture folder missing: {PIXEL_LABELS}")  # ../shared there, the file gone
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


def test_a_class_map_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "classes.json").write_text('{"format": "gtconvert-masks", "classes": [{"name": "x"}]}')
    with pytest.raises(GtconvertError, match="value"):
        masks.read(tmp_path / "m")
