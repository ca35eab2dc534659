"""--map, --keep, --drop: renaming merges categories, dropping takes their objects along,
every object keeps the category it had under its new name, through COCO and back."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

import gtconvert
from gtconvert import GtconvertError, Report
from gtconvert.cli import main
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.ops.categories import parse_mapping, rename_categories, select

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")


def _dataset() -> Dataset:
    img = Images.create(["a.jpg", "b.jpg"], width=[10, 10], height=[10, 10])
    cats = [
        Category(5, "car"),
        Category(7, "bus"),
        Category(9, "person"),
        Category(11, "wheel", parent="car"),
    ]
    ann = Annotations.create([0, 0, 1, 1, 1], [0, 1, 2, 3, 1], Kind.BOX, bbox=np.ones((5, 4)))
    return Dataset(img, cats, ann)


def _names_of_objects(ds: Dataset) -> list[str]:
    names = ds.category_names()
    return [names[c] for c in ds.annotations.category.tolist()]


def test_renaming_onto_one_name_merges_and_the_first_keeps_its_id() -> None:
    ds = _dataset()
    with Report() as report:
        out = ds.rename_categories({"bus": "vehicle", "car": "vehicle"})
    assert [(c.id, c.name) for c in out.categories] == [(5, "vehicle"), (9, "person"), (11, "wheel")]
    assert _names_of_objects(out) == ["vehicle", "vehicle", "person", "wheel", "vehicle"]
    assert report.count("categories.merged") == 1
    assert out.categories[2].parent == "vehicle"  # a sublabel follows its parent's new name
    assert ds.category_names() == ["car", "bus", "person", "wheel"]  # the input is unchanged


def test_a_name_the_dataset_lacks_is_an_error_not_a_silent_no_op() -> None:
    with pytest.raises(GtconvertError, match="does not have: truck"):
        rename_categories(_dataset(), "truck=vehicle")
    with pytest.raises(GtconvertError, match="does not have: truck"):
        select(_dataset(), drop=["truck"])


def test_map_text_is_parsed_and_malformed_pairs_refused() -> None:
    assert parse_mapping(" car = vehicle ,bus=vehicle,") == {"car": "vehicle", "bus": "vehicle"}
    for bad in ("car", "car=", "=vehicle"):
        with pytest.raises(GtconvertError, match="old=new"):
            parse_mapping(bad)


def test_drop_takes_the_objects_and_the_sublabels_along_and_keeps_every_image() -> None:
    with Report() as report:
        out = _dataset().select(drop="car")
    assert out.category_names() == ["bus", "person"]
    assert _names_of_objects(out) == ["bus", "person", "bus"]
    assert len(out.images) == 2
    assert report.count("categories.dropped") == 2  # the car and the wheel
    assert report.count("categories.sublabels_dropped") == 1


def test_keep_is_the_complement_of_drop() -> None:
    ds = _dataset()
    kept = ds.select(keep=["bus", "person"])
    dropped = ds.select(drop=["car", "wheel"])
    assert kept.category_names() == dropped.category_names() == ["bus", "person"]
    assert np.array_equal(kept.annotations.id, dropped.annotations.id)


@settings(max_examples=25, deadline=None)
@given(ds=datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK)), data=st.data())
def test_map_then_coco_round_trip_keeps_each_object_under_its_new_name(tmp_path_factory, ds, data) -> None:
    names = ds.category_names()
    targets = data.draw(
        st.lists(st.sampled_from(["A", "B", *names]), min_size=len(names), max_size=len(names))
    )
    mapping = dict(zip(names, targets))
    expected = sorted(
        (int(i), mapping[names[c]])
        for i, c in zip(ds.annotations.id.tolist(), ds.annotations.category.tolist())
    )
    src = tmp_path_factory.mktemp("map") / "in.json"
    dst = src.with_name("out.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, src)
        gtconvert.convert(src, dst, map=mapping)
        back = gtconvert.read(dst)
    got = sorted(zip(back.annotations.id.tolist(), _names_of_objects(back)))
    assert got == expected
    assert sorted(back.category_names()) == sorted(set(targets))


def test_cli_convert_and_info_take_map_keep_drop(tmp_path, capsys) -> None:
    src = tmp_path / "in.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(_dataset(), src)
    assert (
        main(["convert", str(src), str(tmp_path / "out.json"), "--map", "bus=car", "--drop", "person"]) == 0
    )
    back = gtconvert.read(tmp_path / "out.json")
    assert back.category_names() == ["car", "wheel"]
    assert _names_of_objects(back) == ["car", "car", "wheel", "car"]
    assert main(["info", str(src), "--keep", "person", "--json"]) == 0
    assert '"annotations": 1' in capsys.readouterr().out
    assert main(["convert", str(src), str(tmp_path / "x.json"), "--keep", "truck"]) == 2
    assert "truck" in capsys.readouterr().err
