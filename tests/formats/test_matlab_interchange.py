"""The interchange .mat: Dataset -> interchange (v7 and v7.3) -> Dataset is exact, and the files
have the layout MATLAB expects."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

import gtconvert
from gtconvert.errors import GtconvertError
from gtconvert.geometry import ragged_bbox, rotated_box_bbox
from gtconvert.model import Annotations, Category, Dataset, Images, Kind, PixelRef
from gtconvert.testing import assert_datasets_equal

from .matlab_support import FIELDS

ALL_KINDS = (
    Kind.BOX, Kind.ROTATED_BOX, Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.MASK, Kind.TAG,
    Kind.PROJECTED_CUBOID,
)  # fmt: skip


GRID = 1 / 1024  # coordinates on a dyadic grid: x + 1 - 1 == x exactly (see _snap)


def _snap(values: np.ndarray) -> np.ndarray:
    """Put coordinates on a 1/1024 pixel grid.

    MATLAB's frame differs from COCO's by +1 / +0.5, and ``(x + 1) - 1`` is not ``x`` for every
    double (the low bits of a tiny ``x`` are lost). On this grid, and for every value a labeler
    writes (>= 0.5), the conversion and its inverse are exact; that is what is tested.
    """
    return np.round(np.asarray(values) / GRID) * GRID


def _matlab_shaped(ds: Dataset, draw: st.DrawFn) -> Dataset:
    """Make a random dataset hold what the interchange can.

    Some examples keep one kind per category; the others keep the mixed kinds the strategy drew
    (COCO allows boxes and polygons in one category), which the writer splits into one MATLAB
    label per kind and the reader joins again.
    """
    ann = ds.annotations
    ann.bbox = _snap(ann.bbox)
    ann.rbox = np.where(np.isnan(ann.rbox), np.nan, _snap(np.nan_to_num(ann.rbox)))
    ann.vertices = _snap(ann.vertices)
    n = len(ann)
    if not draw(st.booleans()):
        # each category takes the kind of its first annotation (MATLAB labels have one type),
        # masks aside: any label may hold RLE masks
        first_kind: dict[int, int] = {}
        for i in range(n):
            if ann.kind[i] != Kind.MASK:
                first_kind.setdefault(int(ann.category[i]), int(ann.kind[i]))
        for i in range(n):
            if ann.kind[i] != Kind.MASK and ann.kind[i] != first_kind[int(ann.category[i])]:
                ann.kind[i] = first_kind[int(ann.category[i])]
    parts = [ann.parts(i) for i in range(n)]
    for i in range(n):
        k = ann.kind[i]
        img = int(ann.image[i])
        w, h = float(ds.images.width[img]), float(ds.images.height[img])
        if k in (Kind.POLYGON, Kind.POLYLINE) and not parts[i]:
            parts[i] = [_snap(np.array([[0.5, 0.5], [w / 2, 1.0], [1.0, h / 2]]))]
        elif k == Kind.POLYLINE:
            parts[i] = parts[i][:1]
        elif k == Kind.POINT:
            parts[i] = [parts[i][0][:1]] if parts[i] else [_snap(np.array([[w / 3, h / 3]]))]
        elif k == Kind.PROJECTED_CUBOID:
            faces = []
            for _ in range(2):
                x = draw(st.integers(0, 8)) / 4
                y = draw(st.integers(0, 8)) / 4
                fw, fh = draw(st.integers(1, 16)) / 8, draw(st.integers(1, 16)) / 8
                faces.append(np.array([[x, y], [x + fw, y], [x + fw, y + fh], [x, y + fh]]))
            parts[i] = faces
        elif k in (Kind.BOX, Kind.ROTATED_BOX, Kind.TAG, Kind.MASK):
            parts[i] = []
        if k == Kind.ROTATED_BOX and np.isnan(ann.rbox[i]).any():
            b = ann.bbox[i]
            ann.rbox[i] = [b[0] + b[2] / 2, b[1] + b[3] / 2, b[2], b[3], 10.0]
    new = Annotations.create(
        ann.image, ann.category, ann.kind, id=ann.id, bbox=ann.bbox, rbox=ann.rbox, parts=parts,
        rle=ann.rle, iscrowd=ann.iscrowd & (ann.kind == Kind.MASK),
    )  # fmt: skip
    geo = np.isin(new.kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID])
    new.bbox[geo] = ragged_bbox(new.part_start, new.vertex_start, new.vertices)[geo]
    new.bbox[new.kind == Kind.TAG] = 0.0
    rot = new.kind == Kind.ROTATED_BOX
    new.rbox[~rot] = np.nan
    if rot.any():
        new.bbox[rot] = rotated_box_bbox(new.rbox[rot])
    # attributes and sublabel parents on some objects
    new.attributes[:] = [{"occluded": bool(j % 2), "note": "é"} if j % 3 == 0 else None for j in range(n)]
    if n >= 2 and draw(st.booleans()):
        new.parent[1] = 0
    cats = [
        Category(id=c.id, name=c.name, color=(0.25, 0.5, 1.0), group="G", description="d",
                 attributes=[{"name": "occluded", "type": "logical", "default": False, "description": ""}])
        for c in ds.categories
    ]  # fmt: skip
    return Dataset(ds.images, cats, new, info={"coco": {"info": {"year": 2024}}})


@st.composite
def matlab_datasets(draw: st.DrawFn) -> Dataset:
    return _matlab_shaped(draw(datasets(kinds=ALL_KINDS)), draw)


def _roundtrip(ds: Dataset, path: Path, version: str) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, path, "matlab", mat_version=version, overwrite=True)
        return gtconvert.read(path, "matlab")


@pytest.mark.parametrize("version", ["7", "7.3"])
@settings(max_examples=30, deadline=None)
@given(ds=matlab_datasets())
def test_interchange_roundtrip_is_exact(version: str, ds: Dataset, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("ic") / "gt.mat"
    back = _roundtrip(ds, path, version)
    assert_datasets_equal(
        ds, back, annotation_fields=FIELDS,
        category_fields=("id", "name", "type", "color", "group", "description", "attributes", "parent"),
    )  # fmt: skip
    order_a, order_b = np.argsort(ds.annotations.id), np.argsort(back.annotations.id)
    a, b = ds.annotations.take(order_a), back.annotations.take(order_b)
    assert a.attributes.tolist() == b.attributes.tolist()
    parent_a = np.where(a.parent >= 0, a.id[np.maximum(a.parent, 0)], -1)
    parent_b = np.where(b.parent >= 0, b.id[np.maximum(b.parent, 0)], -1)
    assert parent_a.tolist() == parent_b.tolist()
    assert back.info["coco"] == ds.info["coco"]


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_pixel_refs_and_times_roundtrip(version: str, tmp_path: Path) -> None:
    from PIL import Image

    labels = tmp_path / "PixelLabelData"
    labels.mkdir()
    matrix = np.zeros((6, 9), dtype=np.uint8)
    matrix[1:3, 2:5] = 3
    matrix[4, :] = 17
    Image.fromarray(matrix).save(labels / "Label_1.png")
    Image.fromarray(np.zeros_like(matrix)).save(labels / "Label_2.png")
    from gtconvert.model import Images

    img = Images.create(
        ["a.png", "ü/b.png"], width=[9, 9], height=[6, 6], id=[7, 8], time=[0.5, 1.0], video=["v.mp4"] * 2
    )
    cats = [
        Category(1, "road", type="pixel", pixel_id=(3,)),
        Category(5, "sky", type="pixel", pixel_id=(17,)),
    ]
    ref = str(labels / "Label_1.png")
    ann = Annotations.create(
        [0, 0], [0, 1], Kind.PIXEL_REF, id=[1, 2], pixel_ref=[PixelRef(ref, (3,)), PixelRef(ref, (17,))]
    )
    ds = Dataset(img, cats, ann)
    back = _roundtrip(ds, tmp_path / "out.mat", version)
    got = {
        (int(back.images.id[i]), back.categories[c].name, r.path, r.value)
        for i, c, r in zip(back.annotations.image, back.annotations.category, back.annotations.pixel_ref)
    }
    assert got == {(7, "road", ref, (3,)), (7, "sky", ref, (17,))}
    assert back.images.time.tolist() == [0.5, 1.0]
    assert back.images.file_name.tolist() == ["a.png", "ü/b.png"]
    assert [c.pixel_id for c in back.categories] == [(3,), (17,)]


def test_v73_has_matlab_layout(tmp_path: Path) -> None:
    import h5py

    from gtconvert.model import Images

    ds = Dataset(Images.create(["x.png"], width=[4], height=[3]), [Category(1, "a")], Annotations.empty())
    path = tmp_path / "gt.mat"
    _roundtrip(ds, path, "7.3")
    head = path.read_bytes()[:128]
    assert head.startswith(b"MATLAB 7.3 MAT-file") and head[126:128] == b"IM"
    with h5py.File(path, "r") as f:
        g = f["gtconvert"]
        assert g.attrs["MATLAB_class"] == b"struct"
        assert g["imageFiles"].attrs["MATLAB_class"] == b"cell"
        assert g["imageSize"].shape == (2, 1)  # a 1x2 double, stored transposed
        assert g["schema"].dtype == np.uint16
        assert g["objImage"].attrs["MATLAB_empty"] == 1


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    from scipy.io import savemat

    path = tmp_path / "new.mat"
    savemat(path, {"gtconvert": {"schema": "gtconvert-interchange", "version": 99.0}})
    with pytest.raises(GtconvertError, match="newer"):
        gtconvert.read(path)


@pytest.mark.parametrize("field", ["objAttributes", "attrDefaults", "attrListItems", "infoJson"])
def test_damaged_json_text_is_named(field: str, tmp_path: Path) -> None:
    import scipy.io

    img = Images.create(["a.png"], width=[10], height=[10])
    ann = Annotations.create([0], [0], [Kind.BOX], bbox=[[1, 1, 2, 2]], attributes=[{"a": 1}])
    cat = Category(
        1, "x", attributes=[{"name": "a", "type": "list", "default": "p", "list_items": ["p", "q"]}]
    )
    path = tmp_path / "x.mat"
    gtconvert.write(Dataset(img, [cat], ann), path, "matlab")
    doc = scipy.io.loadmat(path)["gtconvert"]
    value = doc[field][0, 0]
    if value.dtype == object:
        value.flat[0] = np.array(["{not json"])
    else:
        doc[field][0, 0] = np.array(["{not json"])
    scipy.io.savemat(path, {"gtconvert": doc})
    with pytest.raises(GtconvertError, match="not valid JSON") as err:
        gtconvert.read(path, "matlab")
    assert field in str(err.value) and str(path) in str(err.value)


def test_empty_cell_shapes_survive_python(tmp_path):
    """labelEmptyValues ('double 0x4', 'struct 0x1') read and written back; a file without it
    (written before the field existed) reads with them unknown."""
    import warnings

    from gtconvert.formats.matlab import interchange

    ic = interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([[30.0, 40.0]]),
        imageTime=np.array([np.nan]), pixelLabelFiles=[""],
        labelNames=["car", "tree"], labelIds=np.array([1.0, 2.0]), labelTypes=["Rectangle"] * 2,
        labelColors=np.full((2, 3), np.nan), labelPixelIds=[np.zeros((0, 0))] * 2,
        labelGroups=[""] * 2, labelDescriptions=[""] * 2, labelParents=[""] * 2,
        labelEmptyValues=["struct 0x1", "double 0x4"],
    )  # fmt: skip
    interchange.save(ic, tmp_path / "in.mat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(tmp_path / "in.mat", "matlab")
        gtconvert.write(ds, tmp_path / "out.mat", "matlab")
    assert interchange.load(tmp_path / "out.mat").labelEmptyValues == ["struct 0x1", "double 0x4"]
    import scipy.io

    raw = scipy.io.loadmat(tmp_path / "in.mat")["gtconvert"]
    fields = {n: raw[n][0, 0] for n in raw.dtype.names if n != "labelEmptyValues"}
    scipy.io.savemat(tmp_path / "old.mat", {"gtconvert": fields})
    assert interchange.load(tmp_path / "old.mat").labelEmptyValues == ["", ""]
