"""MATLAB label types: the one table (``formats/matlab/labels.py``) and what follows from it, a
MATLAB label has one type, so a category of several kinds becomes one label per kind."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import report
from gtconvert.errors import GtconvertError
from gtconvert.formats.matlab import interchange, labels, mat_io
from gtconvert.geometry import ragged_bbox
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.testing import assert_datasets_equal

from .matlab_support import FIELDS, read_quietly


def _mixed_dataset() -> Dataset:
    """One category ``car`` (id 3) holding 3 boxes, 2 polygons, a polyline and a mask."""
    from gtconvert.geometry import mask_to_rle

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

    ds = _mixed_dataset()
    path = tmp_path / "gt.mat"
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, path, "matlab", mat_version=version)
    # the majority kind keeps the name; the others get labels of their own, with fresh ids and
    # names that do not clash with an existing category ("car_polygon" is taken)
    assert [e.code for e in rep.events] == ["matlab.mixed_kinds"]
    assert rep.count("matlab.mixed_kinds") == 3  # 2 polygons + 1 polyline moved
    ic = interchange.load(path)
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

    path = tmp_path / "gt.mat"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(_mixed_dataset(), path, "matlab")
    ic = interchange.load(path)
    ic.infoJson = ""
    interchange.save(ic, path)
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
    ic = interchange.load(path)
    assert ic.labelTypes == ["Rectangle", "Rectangle", "Scene"]
    ic.labelIds = np.arange(1.0, 4.0)  # what a trip through groundTruth leaves
    interchange.save(ic, path)
    back = gtconvert.read(path)
    assert [(c.id, c.name, c.type, c.supercategory) for c in back.categories] == [
        (1, "car", "", "vehicle"), (2, "unused", "", ""), (3, "tag", "scene", ""),
    ]  # fmt: skip


# ---- the table itself ----------------------------------------------------------------------

#: labelType's uint8 codes, as ``shared/docs/matlab-groundtruth.md`` section 1 lists them
DOCUMENTED_CODES = {
    "Rectangle": 0, "Line": 1, "Scene": 2, "Custom": 3, "PixelLabel": 4, "Cuboid": 5,
    "ProjectedCuboid": 6, "Polygon": 7, "Point": 8, "RotatedRectangle": 9,
}  # fmt: skip
#: position values per object row, from the same section (Mx4 [x y w h], Mx5, Mx8, Mx2, Mx9)
DOCUMENTED_COLUMNS = {"Rectangle": 4, "RotatedRectangle": 5, "ProjectedCuboid": 8, "Point": 2, "Cuboid": 9}


def test_codes_are_matlabs_enumeration() -> None:
    assert {t.name: t.code for t in labels.LABEL_TYPES if t.code is not None} == DOCUMENTED_CODES
    assert labels.MATLAB_NAMES == tuple(t.name for t in labels.LABEL_TYPES if t.name in DOCUMENTED_CODES)
    for name, code in DOCUMENTED_CODES.items():
        assert labels.name_of_code(code) == name
        # what mat-io hands back: an enum member, its name as text, or the bare code
        assert mat_io.label_type_name(np.array([[code]], dtype=np.uint8)) == name
        assert mat_io.label_type_name(f"labelType.{name}") == name
    with pytest.raises(KeyError):
        labels.name_of_code(10)


def test_position_columns_are_documented() -> None:
    for t in labels.LABEL_TYPES:
        assert labels.position_columns(t.name) == DOCUMENTED_COLUMNS.get(t.name, 0), t.name
    assert labels.position_columns("NoSuchType") == 0
    assert labels.POSITION_KIND == {
        n: labels.BY_NAME[name].kind for name, n in DOCUMENTED_COLUMNS.items() if name != "Cuboid"
    }


def test_each_kind_has_one_label_type_and_back() -> None:
    assert set(labels.BY_KIND) == set(Kind)  # the writer has a label type for every kind
    for kind, t in labels.BY_KIND.items():
        assert t.kind == kind
    for t in labels.LABEL_TYPES:
        assert labels.BY_NAME[t.name] is t and labels.BY_CATEGORY_TYPE[t.category_type] is t
        assert labels.category_type(t.name) == t.category_type
    assert len({t.name for t in labels.LABEL_TYPES}) == len({t.category_type for t in labels.LABEL_TYPES})
    assert labels.category_type("Unknown") == "unknown"
    assert labels.VERTEX_TYPES == tuple(
        t.name for t in labels.LABEL_TYPES if t.kind in (Kind.POLYGON, Kind.POLYLINE)
    )


def test_the_engine_knows_the_matlab_label_types() -> None:
    from gtconvert.matlab_engine import label_specs

    names, types = label_specs([f"x{k}:{t.lower()}" for k, t in enumerate(labels.MATLAB_NAMES)])
    assert types == list(labels.MATLAB_NAMES) and names == [f"x{k}" for k in range(len(types))]
    with pytest.raises(GtconvertError):
        label_specs(["x:Mask"])  # gtconvert's own type: the apps have no such labelType


@pytest.mark.parametrize("kind", [k for k in Kind if k not in (Kind.PIXEL_REF,)])
def test_a_category_of_one_kind_gets_its_label_type(kind: Kind, tmp_path: Path) -> None:
    """Typed by its objects (no Category.type): the interchange names the kind's label type, and
    the category comes back with that type's Category.type."""
    from gtconvert.geometry import mask_to_rle

    img = Images.create(["a.png"], width=[20], height=[10])
    square = np.array([[1.0, 1.0], [5.0, 1.0], [5.0, 5.0], [1.0, 5.0]])
    parts = {Kind.POLYGON: [square], Kind.POLYLINE: [square[:2]], Kind.POINT: [square[:1]],
             Kind.PROJECTED_CUBOID: [square, square + 2]}.get(kind, [])  # fmt: skip
    mask = np.zeros((10, 20), dtype=bool)
    mask[2:4, 3:6] = True
    ann = Annotations.create(
        [0], [0], kind, bbox=[[1, 1, 4, 4]], parts=[parts], rbox=[[3, 3, 4, 2, 10]] if kind == Kind.ROTATED_BOX else None,
        rle=[mask_to_rle(mask)] if kind == Kind.MASK else None,
    )  # fmt: skip
    path = tmp_path / "gt.mat"
    gtconvert.write(Dataset(img, [Category(1, "x")], ann), path, "matlab")
    assert interchange.load(path).labelTypes == [labels.BY_KIND[kind].name]
    back = read_quietly(path, "matlab")
    assert back.annotations.kind.tolist() == [kind]
    assert back.categories[0].type == ""  # its own type (none) comes back, not the label's
