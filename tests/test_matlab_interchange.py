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


FIELDS = ("id", "kind", "bbox", "iscrowd", "geometry", "rle")


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


def test_vertex_convention_openlabel_shifts_by_one(tmp_path: Path) -> None:
    from gtconvert.model import Images

    img = Images.create(["x.png"], width=[10], height=[10])
    ann = Annotations.create([0], [0], Kind.POLYGON, parts=[[np.array([[1.0, 1.0], [4.0, 1.0], [4.0, 5.0]])]])
    ds = Dataset(img, [Category(1, "p")], ann)
    path = tmp_path / "gt.mat"
    gtconvert.write(ds, path, "matlab", vertex_convention="openlabel")
    from gtconvert.formats.matlab.interchange import load

    assert load(path).vertices[0].tolist() == [2.0, 2.0]
    assert gtconvert.read(path).annotations.vertices[0].tolist() == [1.0, 1.0]
    assert gtconvert.read(path, vertex_convention="center").annotations.vertices[0].tolist() == [1.5, 1.5]


def _mixed_dataset() -> Dataset:
    """One category ``car`` (id 3) holding 3 boxes, 2 polygons, a polyline and a mask."""
    from gtconvert.geometry import mask_to_rle
    from gtconvert.model import Images

    img = Images.create(["a.png", "b.png"], width=[40, 40], height=[30, 30], id=[11, 12])
    tri = np.array([[2.5, 3.5], [20.5, 3.5], [10.5, 20.5]])
    mask = np.zeros((30, 40), dtype=bool)
    mask[5:9, 7:12] = True
    kinds = [Kind.BOX, Kind.POLYGON, Kind.BOX, Kind.POLYLINE, Kind.POLYGON, Kind.BOX, Kind.MASK]
    parts = [[tri] if k in (Kind.POLYGON, Kind.POLYLINE) else [] for k in kinds]
    ann = Annotations.create(
        [0, 0, 1, 1, 1, 0, 1], 0, kinds, id=[1, 2, 3, 4, 5, 6, 7],
        bbox=[[1, 2, 3, 4]] * 7, parts=parts, rle=[None] * 6 + [mask_to_rle(mask)],
    )  # fmt: skip
    geo = np.isin(ann.kind, [Kind.POLYGON, Kind.POLYLINE])
    ann.bbox[geo] = ragged_bbox(ann.part_start, ann.vertex_start, ann.vertices)[geo]
    ann.bbox[6] = [7, 5, 5, 4]
    cats = [Category(3, "car", color=(1.0, 0.0, 0.0)), Category(8, "car_polygon")]
    return Dataset(img, cats, ann)


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_mixed_kinds_become_one_label_per_kind(version: str, tmp_path: Path) -> None:
    from gtconvert import report
    from gtconvert.formats.matlab.interchange import load

    ds = _mixed_dataset()
    path = tmp_path / "gt.mat"
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, path, "matlab", mat_version=version)
    # the majority kind keeps the name; the others get labels of their own, with fresh ids and
    # names that do not clash with an existing category ("car_polygon" is taken)
    assert [e.code for e in rep.events] == ["matlab.mixed_kinds"]
    assert rep.count("matlab.mixed_kinds") == 3  # 2 polygons + 1 polyline moved
    ic = load(path)
    assert ic.labelNames == ["car", "car_polygon", "car_polygon_2", "car_line"]
    assert ic.labelTypes == ["Rectangle", "Rectangle", "Polygon", "Line"]
    assert ic.labelIds.tolist() == [3, 8, 9, 10]
    assert ic.labelColors[2].tolist() == [1.0, 0.0, 0.0]
    names = np.array(ic.labelNames)[(ic.objLabel - 1).astype(int)]
    assert names[np.argsort(ic.objId)].tolist() == [
        "car", "car_polygon_2", "car", "car_line", "car_polygon_2", "car", "car",
    ]  # fmt: skip
    # Python reads its own file back exactly: one category, every kind kept
    back = gtconvert.read(path, "matlab")
    assert_datasets_equal(ds, back, annotation_fields=FIELDS, category_fields=("id", "name", "color"))


def test_mixed_kinds_read_right_without_python_metadata(tmp_path: Path) -> None:
    """What MATLAB sees (no infoJson): separate labels, each object of its label's kind."""
    from gtconvert.formats.matlab import interchange as _interchange

    path = tmp_path / "gt.mat"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(_mixed_dataset(), path, "matlab")
    ic = _interchange.load(path)
    ic.infoJson = ""
    _interchange.save(ic, path)
    back = gtconvert.read(path, "matlab")
    by_id = dict(zip(back.annotations.id.tolist(), back.annotations.kind.tolist()))
    assert [by_id[i] for i in range(1, 8)] == [
        Kind.BOX, Kind.POLYGON, Kind.BOX, Kind.POLYLINE, Kind.POLYGON, Kind.BOX, Kind.MASK,
    ]  # fmt: skip
    assert [c.name for c in back.categories] == ["car", "car_polygon", "car_polygon_2", "car_line"]


def test_unused_category_keeps_its_empty_type_through_matlab(tmp_path: Path) -> None:
    """MATLAB needs a type for every label (an unused one is written as a Rectangle, the apps'
    default) and renumbers labels 1..K (groundTruth has no ids); the Python reader still gives
    each category back its own type and metadata, matched by name."""
    from gtconvert.formats.matlab import interchange as _interchange
    from gtconvert.model import Images

    img = Images.create(["a.png"], width=[10], height=[10])
    cats = [
        Category(5, "car", supercategory="vehicle"),
        Category(1, "unused"),
        Category(7, "tag", type="scene"),
    ]
    ann = Annotations.create([0], [0], Kind.BOX, bbox=[[1, 1, 2, 2]])
    path = tmp_path / "gt.mat"
    gtconvert.write(Dataset(img, cats, ann), path, "matlab")
    assert gtconvert.read(path).categories[1].type == ""
    ic = _interchange.load(path)
    assert ic.labelTypes == ["Rectangle", "Rectangle", "Scene"]
    ic.labelIds = np.arange(1.0, 4.0)  # what a trip through groundTruth leaves
    _interchange.save(ic, path)
    back = gtconvert.read(path)
    assert [(c.id, c.name, c.type, c.supercategory) for c in back.categories] == [
        (1, "car", "", "vehicle"), (2, "unused", "", ""), (3, "tag", "scene", ""),
    ]  # fmt: skip


def _labeler_file(path: Path, vertices: list[list[float]], points: list[list[float]], size: tuple[int, int]):
    """An interchange file as MATLAB writes it (not 'python'): a polygon, a line and points."""
    from gtconvert.formats.matlab import interchange as _interchange

    n_pts = len(points)
    pos = np.full((2 + n_pts, 9), np.nan)
    pos[2:, :2] = points
    ic = _interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([[size[1], size[0]]], float),
        imageTime=np.array([np.nan]), pixelLabelFiles=[""],
        labelNames=["poly", "line", "pt"], labelIds=np.array([1.0, 2.0, 3.0]),
        labelTypes=["Polygon", "Line", "Point"], labelColors=np.full((3, 3), np.nan),
        labelPixelIds=[np.zeros((0, 0))] * 3, labelGroups=[""] * 3, labelDescriptions=[""] * 3,
        labelParents=[""] * 3,
        objImage=np.ones(2 + n_pts), objLabel=np.array([1.0, 2.0] + [3.0] * n_pts),
        objId=np.arange(1.0, 3 + n_pts), objParent=np.zeros(2 + n_pts),
        objIsCrowd=np.zeros(2 + n_pts, bool), objPosition=pos,
        objPartCount=np.array([1.0, 1.0] + [0.0] * n_pts),
        partVertexCount=np.array([3.0, len(vertices) - 3.0]), vertices=np.array(vertices, float),
        objRle=[""] * (2 + n_pts), objAttributes=[""] * (2 + n_pts),
    )  # fmt: skip
    _interchange.save(ic, path)


def test_vertices_outside_the_image_are_clipped_and_counted(tmp_path: Path) -> None:
    from gtconvert import report

    path = tmp_path / "gt.mat"
    # MATLAB spatial frame, 20 x 10 image spanning 0.5 .. 20.5 / 0.5 .. 10.5
    polygon = [[0.0, 1.0], [25.5, 2.5], [10.5, 10.5]]  # x -0.5 and x 25 (COCO) leave the image
    line = [[1.5, 1.5], [5.5, 12.0]]  # y 11.5 (COCO) leaves it
    points = [[3.5, 0.25], [20.5, 10.5], [4.5, 4.5]]  # y -0.25 leaves; (20, 10) is the far corner
    _labeler_file(path, polygon + line, points, (20, 10))
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path)
    ann = ds.annotations
    assert rep.count("matlab.vertices_clipped") == 3  # objects: the polygon, the line, one point
    by_id = {int(i): ann.parts(r) for r, i in enumerate(ann.id)}
    assert by_id[1][0].tolist() == [[0.0, 0.5], [20.0, 2.0], [10.0, 10.0]]
    assert by_id[2][0].tolist() == [[1.0, 1.0], [5.0, 10.0]]
    assert [by_id[i][0].tolist() for i in (3, 4, 5)] == [[[3.0, 0.0]], [[20.0, 10.0]], [[4.0, 4.0]]]
    assert (ann.bbox[:, 0] >= 0).all() and (ann.bbox[:, 0] + ann.bbox[:, 2] <= 20).all()
    assert (ann.bbox[:, 1] >= 0).all() and (ann.bbox[:, 1] + ann.bbox[:, 3] <= 10).all()


def test_vertices_inside_the_image_are_not_touched(tmp_path: Path) -> None:
    from gtconvert import report

    path = tmp_path / "gt.mat"
    _labeler_file(
        path, [[0.5, 0.5], [20.5, 0.5], [20.5, 10.5], [1.25, 1.5], [7.5, 3.5]], [[0.5, 10.5]], (20, 10)
    )
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path)
    assert rep.count("matlab.vertices_clipped") == 0
    assert ds.annotations.vertices.tolist() == [[0, 0], [20, 0], [20, 10], [0.75, 1], [7, 3], [0, 10]]


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
