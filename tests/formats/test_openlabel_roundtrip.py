"""Round trips through OpenLABEL: Dataset -> OpenLABEL -> Dataset is exact, and so are the chains
OpenLABEL <-> COCO and OpenLABEL <-> MATLAB interchange (hypothesis)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

import gtconvert
from gtconvert import report
from gtconvert.geometry import ragged_bbox, rotated_box_bbox
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.testing import assert_datasets_equal

OPENLABEL_KINDS = (
    Kind.BOX, Kind.ROTATED_BOX, Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.MASK, Kind.TAG,
    Kind.PROJECTED_CUBOID,
)  # fmt: skip
COCO_KINDS = (Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)
FIELDS = ("id", "kind", "bbox", "iscrowd", "geometry", "rle")
GRID = 1 / 1024


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _trip(ds: Dataset, path: Path, fmt: str, **options) -> Dataset:
    _quiet(gtconvert.write, ds, path, fmt, overwrite=True, **options)
    return _quiet(gtconvert.read, path, fmt)


def _snap(values: np.ndarray) -> np.ndarray:
    """On a 1/1024 grid the MATLAB shifts (+1, +0.5) invert exactly (see test_matlab_interchange)."""
    return np.round(np.asarray(values) / GRID) * GRID


def _shaped(ds: Dataset, draw: st.DrawFn, snap: bool) -> Dataset:
    """Make the drawn dataset hold every OpenLABEL shape: cuboid faces, one-vertex points,
    one-part lines, attributes of every OpenLABEL type and some sublabels."""
    ann = ds.annotations
    if snap:
        ann.bbox, ann.vertices = _snap(ann.bbox), _snap(ann.vertices)
        ann.rbox = np.where(np.isnan(ann.rbox), np.nan, _snap(np.nan_to_num(ann.rbox)))
    n = len(ann)
    parts = [ann.parts(i) for i in range(n)]
    for i in range(n):
        k = ann.kind[i]
        if k == Kind.PROJECTED_CUBOID:
            faces = []
            for _ in range(2):
                x, y = draw(st.integers(0, 40)) / 4, draw(st.integers(0, 40)) / 4
                w, h = draw(st.integers(1, 64)) / 8, draw(st.integers(1, 64)) / 8
                faces.append(np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]))
            parts[i] = faces
        elif k == Kind.POLYLINE:
            parts[i] = parts[i][:1]
    new = Annotations.create(
        ann.image, ann.category, ann.kind, id=ann.id, bbox=ann.bbox, rbox=ann.rbox, parts=parts,
        rle=ann.rle, iscrowd=ann.iscrowd,
    )  # fmt: skip
    geo = np.isin(new.kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID])
    new.bbox[geo] = ragged_bbox(new.part_start, new.vertex_start, new.vertices)[geo]
    rot = new.kind == Kind.ROTATED_BOX
    if rot.any():
        new.bbox[rot] = rotated_box_bbox(new.rbox[rot])
    values = [{"occluded": True, "n": 3, "score": 0.25, "note": "é", "vec": [1, "a", 2.5]}, {}, None]
    new.attributes[:] = [values[j % 3] for j in range(n)]
    if n >= 2 and draw(st.booleans()):
        new.parent[1] = 0  # nested when both are shapes on one image, else an object of its own
        if draw(st.booleans()) and new.kind[1] != Kind.MASK:  # a mask has its own image's size
            new.image[1] = new.image[0]
    return Dataset(ds.images, ds.categories, new, info={"coco": {"info": {"year": 2024}}})


@st.composite
def openlabel_datasets(draw: st.DrawFn, snap: bool = False, video: bool | None = None) -> Dataset:
    ds = _shaped(draw(datasets(kinds=OPENLABEL_KINDS)), draw, snap)
    if video if video is not None else draw(st.booleans()):  # frames of one video, with their times
        n = len(ds.images)
        ds.images.video[:] = "clips/drive.mp4"
        ds.images.time[:] = np.arange(n) / 30.0
    return ds


def _same_attributes_and_parents(a: Dataset, b: Dataset) -> None:
    x = a.annotations.take(np.argsort(a.annotations.id))
    y = b.annotations.take(np.argsort(b.annotations.id))
    assert x.attributes.tolist() == y.attributes.tolist()
    px = np.where(x.parent >= 0, x.id[np.maximum(x.parent, 0)], -1)
    py = np.where(y.parent >= 0, y.id[np.maximum(y.parent, 0)], -1)
    assert px.tolist() == py.tolist()


@settings(max_examples=60)
@given(ds=openlabel_datasets())
def test_openlabel_round_trip_is_exact(ds: Dataset, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("ol") / "labels.json"
    back = _trip(ds, path, "openlabel")
    assert_datasets_equal(
        ds, back, annotation_fields=FIELDS, image_fields=("id", "file_name", "width", "height", "video"),
    )  # fmt: skip
    np.testing.assert_array_equal(ds.images.time, back.images.time)  # NaN where still images
    _same_attributes_and_parents(ds, back)
    assert back.info["coco"] == ds.info["coco"]
    # a second trip writes the very same bytes: nothing drifts
    again = path.with_name("again.json")
    _quiet(gtconvert.write, back, again, "openlabel")
    assert again.read_bytes() == path.read_bytes()


@settings(max_examples=30)
@given(ds=datasets(kinds=COCO_KINDS))
def test_coco_openlabel_coco_is_exact(ds: Dataset, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("chain")
    via_openlabel = _trip(ds, folder / "labels.json", "openlabel")
    via_coco = _trip(via_openlabel, folder / "coco.json", "coco")
    again = _trip(via_coco, folder / "again.json", "openlabel")
    for got in (via_openlabel, via_coco, again):
        assert_datasets_equal(ds, got)


@settings(max_examples=30)
@given(ds=openlabel_datasets(snap=True, video=False))
def test_openlabel_matlab_interchange_openlabel_is_exact(
    ds: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("chain")
    ds.annotations.iscrowd[:] = False  # MATLAB holds iscrowd on masks only
    first = _trip(ds, folder / "labels.json", "openlabel")
    mat = _trip(first, folder / "gt.mat", "matlab")
    back = _trip(mat, folder / "back.json", "openlabel")
    for got in (first, mat, back):
        assert_datasets_equal(ds, got, annotation_fields=FIELDS)
    _same_attributes_and_parents(ds, back)


@settings(max_examples=20)
@given(ds=openlabel_datasets(snap=True, video=False))
def test_matlab_interchange_to_openlabel_is_exact(
    ds: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("chain")
    ds.annotations.iscrowd[:] = False
    mat = _trip(ds, folder / "gt.mat", "matlab")
    back = _trip(mat, folder / "labels.json", "openlabel")
    assert_datasets_equal(
        mat, back, annotation_fields=FIELDS, category_fields=("id", "name", "type", "color")
    )


@pytest.mark.parametrize("convention, written", [("center", [2.5, 3.5]), ("openlabel", [3.0, 4.0])])
def test_vertex_convention_chooses_what_is_written(tmp_path: Path, convention: str, written: list) -> None:
    import json

    img = Images.create(["a.png"], width=[10], height=[10])
    ann = Annotations.create([0], [0], Kind.POINT, parts=[[np.array([[3.0, 4.0]])]], bbox=[[3, 4, 0, 0]])
    ds = Dataset(img, [Category(1, "p")], ann)
    path = tmp_path / "p.json"
    _quiet(gtconvert.write, ds, path, "openlabel", vertex_convention=convention)
    doc = json.loads(path.read_text())
    assert doc["openlabel"]["objects"]["1"]["object_data"]["point2d"][0]["val"] == written
    assert _quiet(gtconvert.read, path).annotations.vertices.tolist() == [[3.0, 4.0]]  # the file says which
    # another tool's reading of the same file (no metadata.gtconvert): the values as they are
    del doc["openlabel"]["metadata"]["gtconvert"], doc["openlabel"]["metadata"]["mathworks_schema_version"]
    del doc["openlabel"]["metadata"]["matlab_label_definitions"]
    path.write_text(json.dumps(doc))
    assert _quiet(gtconvert.read, path).annotations.vertices.tolist() == [written]


def test_what_only_gtconvert_reads_is_named_in_warnings(tmp_path: Path) -> None:
    from gtconvert.geometry import mask_to_rle

    img = Images.create(["a.png"], width=[8], height=[6])
    mask = np.zeros((6, 8), dtype=bool)
    mask[1:3, 2:5] = True
    two = [np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0]]), np.array([[4.0, 4.0], [6.0, 4.0], [6.0, 5.0]])]
    ann = Annotations.create(
        [0, 0, 0], [0, 0, 1], [Kind.BOX, Kind.POLYGON, Kind.MASK], bbox=[[1, 1, 2, 2], [0, 0, 6, 5], [2, 1, 3, 2]],
        parts=[[], two, []], rle=[None, None, mask_to_rle(mask)], area=[4.0, np.nan, np.nan],
        attributes=[{"nested": {"a": 1}, "ok": 1}, None, None],
    )  # fmt: skip
    ds = Dataset(img, [Category(1, "car"), Category(2, "blob")], ann)
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "x.json", "openlabel")
    assert rep.count("openlabel.multipart_polygons") == 1
    assert rep.count("openlabel.masks_embedded") == 1
    assert rep.count("openlabel.attributes_dropped") == 1  # the dict value
    assert rep.count("openlabel.mixed_kinds") == 1  # a polygon in a Rectangle label
    assert rep.count("openlabel.private_fields") == 1  # the box's area
    back = _quiet(gtconvert.read, tmp_path / "x.json")
    assert back.annotations.attributes[0] == {"ok": 1}
    assert back.annotations.area[0] == 4.0 and back.annotations.n_parts().tolist() == [0, 2, 0]
