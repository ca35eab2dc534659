"""gtconvert merge: every annotation of every input exactly once, on the right image and
under the right category; images one per file name (or content), ids without collision."""

from __future__ import annotations

import os
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

import gtconvert
from gtconvert import GtconvertError, Report
from gtconvert.cli import main
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.ops.merge import merge

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")


def _where(ds: Dataset) -> list[str]:
    """Each image's file on disk (or its bare name when the dataset knows no folder)."""
    root = ds.image_root
    return [
        os.path.normpath(os.path.join(os.path.abspath(root), n)) if root else n for n in ds.images.file_name
    ]


def _objects(ds: Dataset) -> Counter:
    """Every annotation as (image file, category name, kind, box): a multiset."""
    where, names, ann = _where(ds), ds.category_names(), ds.annotations
    return Counter(
        (where[i], names[c], int(k), tuple(b))
        for i, c, k, b in zip(ann.image.tolist(), ann.category.tolist(), ann.kind.tolist(), ann.bbox.tolist())
    )


def _write_images(ds: Dataset, root: Path) -> None:
    from PIL import Image

    for name, w, h in zip(ds.images.file_name, ds.images.width, ds.images.height):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("L", (int(w), int(h))).save(root / name)


@settings(max_examples=15, deadline=None)
@given(ds=datasets(kinds=(Kind.BOX,)), data=st.data())
def test_merging_coco_yolo_and_matlab_keeps_every_annotation_exactly_once(tmp_path_factory, ds, data) -> None:
    """One set of images labelled in three tools: a third of the objects in each format."""
    ann = ds.annotations
    ds = ds.replace(annotations=ann.take((ann.bbox[:, 2] > 0) & (ann.bbox[:, 3] > 0)))
    tool = np.array(
        data.draw(st.lists(st.integers(0, 2), min_size=len(ds.annotations), max_size=len(ds.annotations)))
    )
    tmp = tmp_path_factory.mktemp("merge")
    _write_images(ds, tmp / "photos")
    parts = [
        ds.replace(annotations=ds.annotations.take(tool == t), image_root=str(tmp / "photos"))
        for t in range(3)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(parts[0], tmp / "a.json")
        gtconvert.write(parts[1], tmp / "b", "yolo")
        gtconvert.write(parts[2], tmp / "c.mat")
        inputs = [
            gtconvert.read(tmp / "a.json", images=str(tmp / "photos")),
            gtconvert.read(tmp / "b", images=str(tmp / "photos")),
            gtconvert.read(tmp / "c.mat", images=str(tmp / "photos")),
        ]
    merged = merge(inputs)
    assert _objects(merged) == _objects(inputs[0]) + _objects(inputs[1]) + _objects(inputs[2])
    assert len(merged.annotations) == sum(len(d.annotations) for d in inputs)
    # the three inputs label the same photos: one image each
    assert len(merged.images) == len(set(_where(merged))) == len(ds.images)
    assert sorted(merged.category_names()) == sorted(set(ds.category_names()))
    for table in (merged.images.id, merged.annotations.id, merged.category_ids()):
        assert len(np.unique(table)) == len(table)


def _two() -> tuple[Dataset, Dataset]:
    a = Dataset(
        Images.create(["x.jpg", "y.jpg"], width=[10, 10], height=[10, 10], id=[1, 2]),
        [Category(1, "car"), Category(2, "bus")],
        Annotations.create([0, 1], [0, 1], Kind.BOX, id=[1, 2], bbox=np.ones((2, 4))),
    )
    b = Dataset(
        Images.create(["y.jpg", "z.jpg"], width=[20, 10], height=[10, 10], id=[2, 3]),
        [Category(0, "truck"), Category(1, "car")],
        Annotations.create([0, 1, 1], [1, 0, 1], Kind.BOX, id=[3, 4, 5], bbox=np.full((3, 4), 2.0)),
    )
    return a, b


def test_images_and_categories_are_unified_by_name_and_ids_numbered_anew() -> None:
    a, b = _two()
    with Report() as report:
        m = merge([a, b])
    assert m.images.file_name.tolist() == ["x.jpg", "y.jpg", "z.jpg"]
    assert m.images.width.tolist() == [10, 10, 10]  # the first input's size of y.jpg
    assert report.count("merge.image_size_conflict") == 1
    assert report.count("merge.duplicate_images") == 1
    assert [(c.id, c.name) for c in m.categories] == [(1, "car"), (2, "bus"), (3, "truck")]
    names = m.category_names()
    assert [
        (m.images.file_name[i], names[c]) for i, c in zip(m.annotations.image, m.annotations.category)
    ] == [
        ("x.jpg", "car"),
        ("y.jpg", "bus"),
        ("y.jpg", "car"),
        ("z.jpg", "truck"),
        ("z.jpg", "car"),
    ]
    assert m.annotations.id.tolist() == [1, 2, 3, 4, 5]


def test_keep_ids_keeps_ids_that_agree_and_refuses_ids_that_collide() -> None:
    a, b = _two()
    m = merge([a, b], keep_ids=True)
    assert m.images.id.tolist() == [1, 2, 3] and m.annotations.id.tolist() == [1, 2, 3, 4, 5]
    assert [(c.id, c.name) for c in m.categories] == [(1, "car"), (2, "bus"), (0, "truck")]
    b.categories[1].id = 4
    with pytest.raises(GtconvertError, match=r"category 'car' has the ids \[1, 4\]"):
        merge([a, b], keep_ids=True)
    b.categories[1].id, b.categories[0].id = 1, 2
    with pytest.raises(GtconvertError, match=r"category id 2 is used more than once \(bus and truck\)"):
        merge([a, b], keep_ids=True)
    b.categories[0].id, b.annotations.id[0] = 0, 1
    with pytest.raises(GtconvertError, match="annotation id 1 is used more than once"):
        merge([a, b], keep_ids=True)
    b.images.id[1] = 1
    with pytest.raises(GtconvertError, match=r"image id 1 is used more than once \(x.jpg and z.jpg\)"):
        merge([a, b], keep_ids=True)


def test_map_unifies_names_across_inputs_and_a_name_no_input_has_is_an_error() -> None:
    a, b = _two()
    m = merge([a, b], mapping="bus=vehicle,truck=vehicle")
    assert m.category_names() == ["car", "vehicle"]
    assert np.bincount(m.annotations.category).tolist() == [3, 2]
    with pytest.raises(GtconvertError, match="no input has: boat"):
        merge([a, b], mapping="boat=vehicle")


def test_by_hash_makes_copies_of_one_file_one_image(tmp_path) -> None:
    a, b = _two()
    for root in ("one", "two"):
        for name in ("x.jpg", "y.jpg", "z.jpg"):
            (tmp_path / root).mkdir(exist_ok=True)
            (tmp_path / root / name).write_bytes(name.encode())
    a, b = a.replace(image_root=str(tmp_path / "one")), b.replace(image_root=str(tmp_path / "two"))
    b.images.file_name[:] = ["copy of y.jpg", "z.jpg"]
    (tmp_path / "two" / "copy of y.jpg").write_bytes(b"y.jpg")
    assert len(merge([a, b]).images) == 4
    m = merge([a, b], by="hash")
    assert len(m.images) == 3
    assert m.image_root == str(tmp_path)
    assert m.images.file_name.tolist() == ["one/x.jpg", "one/y.jpg", "two/z.jpg"]


def test_cli_merge_writes_one_dataset_of_any_format(tmp_path, capsys) -> None:
    a, b = _two()
    gtconvert.write(a, tmp_path / "a.json")
    gtconvert.write(b.replace(images=b.images.take([0, 1])), tmp_path / "b", "voc")
    out = tmp_path / "merged.json"
    code = main(["merge", str(tmp_path / "a.json"), str(tmp_path / "b"), str(out), "--drop", "truck"])
    assert code == 0, capsys.readouterr().err
    m = gtconvert.read(out)
    assert m.category_names() == ["car", "bus"]
    assert len(m.annotations) == 4
    assert main(["merge", str(tmp_path / "a.json"), str(out), "--overwrite", "--task", "obb"]) == 2
    assert "--task does not apply" in capsys.readouterr().err
