"""Sublabels and attributes of raw groundTruth files: mat-io's placeholders for empty values,
attribute definitions of every kind (List, Logical, Numeric, String) on labels and sublabels,
descriptions, and sublabel objects that keep their parent (a real file and built ones)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert.formats.matlab import paths, raw, reader

from .matlab_support import MORE_FIXTURES, read_quietly


def struct(**fields: object) -> np.ndarray:
    """A 1x1 struct array as mat-io returns one (object fields)."""
    return structs([fields])


def structs(rows: list[dict[str, object]]) -> np.ndarray:
    out = np.empty((len(rows), 1), dtype=[(k, object) for k in rows[0]])
    for i, row in enumerate(rows):
        for k, v in row.items():
            out[k][i, 0] = v
    return out


def cell(items: list[object]) -> np.ndarray:
    out = np.empty((len(items), 1), dtype=object)
    for i, v in enumerate(items):
        out[i, 0] = v
    return out


def chars(s: str) -> np.ndarray:
    return np.array([s])


def canonical_empty() -> object:
    from matio.utils.matclass import MatlabCanonicalEmpty

    return MatlabCanonicalEmpty()


def _saved(definitions: np.ndarray, label_data: np.ndarray) -> np.void:
    source = struct(
        Source=cell([chars(f"img{i}.png") for i in range(label_data.shape[0])]),
        TimeStamps=np.zeros((0, 1)),
        SourceType=chars("imageCollection"),
    )
    return struct(DataSource=source, LabelDefinitions=definitions, LabelData=label_data)[0, 0]


def _dataset(saved: np.void) -> gtconvert.Dataset:
    ic = raw.ground_truth(saved, "gTruth", "built.mat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader.to_dataset(ic, "gTruth", paths.Folders("/nonexistent", None), image_size=(100, 80))


def _car_with_everything(sub_cell: object) -> np.void:
    """A Rectangle ``car`` (numeric + string attributes) with a Rectangle sublabel ``wheel``
    (list + logical + empty-default numeric attributes), one image."""
    hierarchy = struct(
        wheel=struct(
            Type="Rectangle",
            Description=chars("a wheel"),
            LabelColor=np.array([[1.0, 0, 0]]),
            side=struct(ListItems=cell([chars("left"), chars("right")]), Description=chars("which side")),
            flat=struct(DefaultValue=np.array([[False]]), Description=chars("is it flat")),
            size=struct(DefaultValue=canonical_empty(), Description=chars("")),
        ),
        doors=struct(DefaultValue=np.array([[4.0]]), Description=chars("how many doors")),
        plate=struct(DefaultValue=chars("none"), Description=chars("licence plate")),
        Type="Rectangle",
        Description=chars("a car"),
    )
    definitions = structs(
        [
            dict(Name=chars("car"), Type="Rectangle", LabelColor=np.array([[0, 1.0, 0]]),
                 Group=chars("None"), Description=chars("a car"), Hierarchy=hierarchy),
            dict(Name=chars("tree"), Type="Rectangle", LabelColor=np.array([[0, 0, 1.0]]),
                 Group=chars("None"), Description=chars(""), Hierarchy=canonical_empty()),
        ]
    )  # fmt: skip
    car = structs(
        [
            dict(Position=np.array([[1.0, 1, 40, 20]]), wheel=sub_cell, doors=np.array([[2.0]]), plate=chars("AB")),
            dict(Position=np.array([[50.0, 1, 20, 20]]), wheel=canonical_empty(), doors=canonical_empty(),
                 plate=chars("")),
        ]
    )  # fmt: skip
    data = structs([dict(car=car, tree=canonical_empty())])
    return _saved(definitions, data)


def _wheel(side: str, flat: bool) -> np.ndarray:
    return structs([dict(Position=np.array([[5.0, 15, 6, 6]]), side=chars(side), flat=np.array([[flat]]),
                         size=canonical_empty())])  # fmt: skip


def test_attribute_definitions_of_every_kind_and_descriptions_are_kept() -> None:
    ds = _dataset(_car_with_everything(_wheel("left", True)))
    cats = {c.name: c for c in ds.categories}
    assert cats["car"].description == "a car" and cats["wheel"].description == "a wheel"
    assert cats["wheel"].parent == "car" and cats["tree"].parent == ""
    car_attrs = {a["name"]: a for a in cats["car"].attributes}
    wheel_attrs = {a["name"]: a for a in cats["wheel"].attributes}
    assert car_attrs["doors"] == {"name": "doors", "type": "numeric", "default": 4.0, "description": "how many doors"}
    assert car_attrs["plate"]["type"] == "string" and car_attrs["plate"]["default"] == "none"
    assert wheel_attrs["side"]["type"] == "list" and wheel_attrs["side"]["list_items"] == ["left", "right"]
    assert wheel_attrs["flat"]["type"] == "logical" and wheel_attrs["flat"]["default"] is False
    assert wheel_attrs["size"]["type"] == "numeric" and "default" not in wheel_attrs["size"]
    assert wheel_attrs["side"]["description"] == "which side"


def test_placeholders_read_as_empty_and_sublabels_keep_their_parent() -> None:
    ds = _dataset(_car_with_everything(_wheel("right", False)))
    ann = ds.annotations
    names = [ds.categories[c].name for c in ann.category]
    assert sorted(names) == ["car", "car", "wheel"]  # empty cells (placeholders) hold no objects
    wheel = names.index("wheel")
    parent = int(ann.parent[wheel])
    assert names[parent] == "car" and np.allclose(ann.bbox[parent], [0, 0, 40, 20])
    assert np.allclose(ann.bbox[wheel], [4, 14, 6, 6])
    assert ann.attributes[wheel] == {"side": "right", "flat": False, "size": None}
    assert ann.attributes[parent] == {"doors": 2.0, "plate": "AB"}
    other_car = next(i for i, n in enumerate(names) if n == "car" and i != parent)
    assert ann.attributes[other_car] == {"doors": None, "plate": ""}


def test_description_only_in_the_hierarchy_is_kept() -> None:
    saved = _car_with_everything(_wheel("left", True))
    saved["LabelDefinitions"]["Description"][0, 0] = chars("")
    cats = {c.name: c for c in _dataset(saved).categories}
    assert cats["car"].description == "a car" and cats["wheel"].description == "a wheel"


def test_sublabels_and_attributes_survive_the_interchange(tmp_path: Path) -> None:
    ds = _dataset(_car_with_everything(_wheel("left", True)))
    gtconvert.write(ds, tmp_path / "back.mat", "matlab")
    back = read_quietly(tmp_path / "back.mat")
    assert [(c.name, c.parent, c.description, c.attributes) for c in back.categories] == [
        (c.name, c.parent, c.description, c.attributes) for c in ds.categories
    ]
    assert list(back.annotations.attributes) == list(ds.annotations.attributes)
    assert list(back.annotations.parent) == list(ds.annotations.parent)


COOKIES = MORE_FIXTURES / "EvgenyKarikov-CookieDetection" / "yolo_gTruth.mat"


def _cookie_boxes_walked() -> dict[str, list[tuple[int, tuple[float, ...], tuple[float, ...] | None]]]:
    """(image row, box, parent box) per label, walking mat-io's values directly."""
    import matio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saved = matio.load_from_mat(str(COOKIES))["gTruth"].properties["any"][0, 0]
    out: dict[str, list] = {"heart_shape": [], "p1": [], "p2": [], "circle_shape": []}
    for row, element in enumerate(saved["LabelData"].ravel()):
        for label in ("heart_shape", "circle_shape"):
            value = element[label]
            if not isinstance(value, np.ndarray) or not value.size:
                continue
            for obj in value.ravel():
                box = tuple(np.asarray(obj["Position"], dtype=float).ravel())
                out[label].append((row, box, None))
                for sub in ("p1", "p2"):
                    if sub in value.dtype.names and isinstance(obj[sub], np.ndarray) and obj[sub].size:
                        for s in obj[sub].ravel():
                            out[sub].append((row, tuple(np.asarray(s["Position"], dtype=float).ravel()), box))
    return out


@pytest.mark.skipif(not COOKIES.is_file(), reason="shared MATLAB fixtures not present")
def test_real_sublabels_read_with_their_parents() -> None:
    ds = read_quietly(COOKIES)
    ann = ds.annotations
    want = _cookie_boxes_walked()
    assert sum(len(v) for v in want.values()) == len(ann)
    got: dict[str, list] = {name: [] for name in want}
    for i in range(len(ann)):
        name = ds.categories[ann.category[i]].name
        matlab_box = tuple(ann.bbox[i] + [1, 1, 0, 0])
        parent = int(ann.parent[i])
        parent_box = tuple(ann.bbox[parent] + [1, 1, 0, 0]) if parent >= 0 else None
        if parent >= 0:
            assert ann.image[parent] == ann.image[i]
        got[name].append((int(ann.image[i]), matlab_box, parent_box))
    for name in want:
        assert sorted(got[name]) == sorted(want[name]), name
    assert {c.name: c.parent for c in ds.categories} == {
        "heart_shape": "", "p1": "heart_shape", "p2": "heart_shape", "circle_shape": "",
    }  # fmt: skip
