"""YOLO pose ``flip_idx`` that cannot be used, and Ultralytics' image -> label pairing on disk.

A ``flip_idx`` of another length than K, or not a reordering of 0..K-1, is named in a warning
on reading and on writing, never dropped silently. Label files are found where Ultralytics
finds them whatever the spelling of the dataset's path (it pairs absolute paths).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
import yaml
from PIL import Image

from gtconvert.formats import yolo
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report

ROW = "0 0.5 0.5 0.2 0.2 0.1 0.1 2 0.2 0.2 2 0.3 0.3 2"  # one person, K = 3


def _pose_folder(folder: Path, flip: str | None) -> Path:
    (folder / "labels").mkdir(parents=True)
    (folder / "labels" / "a.txt").write_text(ROW + "\n")
    extra = f"flip_idx: {flip}\n" if flip is not None else ""
    (folder / "data.yaml").write_text(
        f"train: images\nval: images\nnames:\n  0: person\nkpt_shape: [3, 3]\n{extra}"
    )
    return folder


def _read(folder: Path, **options) -> tuple[Dataset, Report]:
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = yolo.read(folder, image_size=(100, 50), **options)
    return ds, report


@pytest.mark.parametrize(
    ("flip", "says"),
    [
        ("[0, 2]", "has 2 entries, but kpt_shape has 3 points"),
        ("[0, 2, 1, 3]", "has 4 entries, but kpt_shape has 3 points"),
        ("[0, 2, 2]", "is not a reordering of the K points 0..2"),
        ("[0, 1, 3]", "is not a reordering of the K points 0..2"),
        ("[0, 2.0, 1]", "is not a list of point numbers"),
        ("[true, false, 2]", "is not a list of point numbers"),
        ("left", "is not a list of point numbers"),
    ],
)
def test_unusable_flip_idx_in_data_yaml_is_one_warning_naming_the_file(tmp_path, flip, says):
    ds, report = _read(_pose_folder(tmp_path / "y", flip))
    (event,) = [e for e in report.events if e.code == "yolo.pose.flip_idx"]
    assert says in event.message
    assert str(tmp_path / "y" / "data.yaml") in event.message
    assert "not read" in event.message and "3 points" in event.message
    assert [c.flip_idx for c in ds.categories] == [[]]


def test_a_huge_flip_idx_value_is_cut_in_the_message(tmp_path):
    _, report = _read(_pose_folder(tmp_path / "y", "'" + "x" * 5000 + "'"))
    (event,) = [e for e in report.events if e.code == "yolo.pose.flip_idx"]
    assert "x" * 70 in event.message and len(event.message) < 500


@pytest.mark.parametrize("flip", [None, "[]", "null"])
def test_no_flip_idx_reads_without_a_warning(tmp_path, flip):
    ds, report = _read(_pose_folder(tmp_path / "y", flip))
    assert not [e for e in report.events if "flip_idx" in e.code]
    assert ds.categories[0].flip_idx == []


def test_a_reordering_is_read_and_written_back_unchanged(tmp_path):
    ds, report = _read(_pose_folder(tmp_path / "y", "[0, 2, 1]"))
    assert ds.categories[0].flip_idx == [0, 2, 1]
    assert not [e for e in report.events if "flip_idx" in e.code]
    report = _write(ds, tmp_path / "out")
    assert yaml.safe_load((tmp_path / "out" / "data.yaml").read_text())["flip_idx"] == [0, 2, 1]
    assert not [e for e in report.events if "flip_idx" in e.code]


def _dataset(categories: list[Category]) -> Dataset:
    """One object with 3 keypoints for each category, on one 100 x 50 image."""
    n = len(categories)
    ann = Annotations.create(
        [0] * n, list(range(n)), Kind.BOX, bbox=[[10, 10, 20, 20]] * n, keypoints=[[[10, 10, 2]] * 3] * n
    )
    return Dataset(Images.create(["a.jpg"], width=[100], height=[50]), categories, ann)


def _write(ds: Dataset, out: Path) -> Report:
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yolo.write(ds, out, task="pose", overwrite=True)
    return report


def _written_flip(out: Path):
    return yaml.safe_load((out / "data.yaml").read_text()).get("flip_idx")


def test_unusable_category_flip_idx_is_not_written_and_says_why(tmp_path):
    ds = _dataset([Category(id=1, name="person", flip_idx=[0, 2])])
    report = _write(ds, tmp_path / "out")
    assert _written_flip(tmp_path / "out") is None
    (event,) = [e for e in report.events if e.code == "yolo.pose.flip_idx_not_written"]
    assert event.count == 1
    assert "'person'" in event.message and "has 2 entries, but kpt_shape has 3 points" in event.message
    assert "no flip_idx" in event.message


def test_a_repeated_point_is_not_written_and_the_names_give_the_order(tmp_path):
    names = ["nose", "left_eye", "right_eye"]
    ds = _dataset([Category(id=1, name="person", keypoints=names, flip_idx=[0, 1, 1])])
    report = _write(ds, tmp_path / "out")
    assert _written_flip(tmp_path / "out") == [0, 2, 1]  # from left_/right_ names instead
    (event,) = [e for e in report.events if e.code == "yolo.pose.flip_idx_not_written"]
    assert "not a reordering" in event.message and "[0, 2, 1]" in event.message


def test_categories_with_different_flip_idx_keep_the_first_and_count_the_others(tmp_path):
    cats = [
        Category(id=1, name="a", flip_idx=[0, 2, 1]),
        Category(id=2, name="b", flip_idx=[1, 0, 2]),
        Category(id=3, name="c", flip_idx=[0, 2, 1]),
        Category(id=4, name="d", flip_idx=[2, 1, 0]),
    ]
    report = _write(_dataset(cats), tmp_path / "out")
    assert _written_flip(tmp_path / "out") == [0, 2, 1]
    assert report.count("yolo.pose.flip_idx_differs") == 2  # b and d
    assert report.count("yolo.pose.flip_idx_not_written") == 0


# -- Ultralytics' pairing: the last /images/ of the absolute image path becomes /labels/ --------


def _image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (20, 10)).save(path)


def _label(path: Path, cls: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{cls} 0.5 0.5 0.2 0.2\n")


def test_images_twice_the_last_one_is_renamed(tmp_path):
    root = tmp_path / "ds"
    _image(root / "images" / "train" / "images" / "a.jpg")
    _label(root / "images" / "train" / "labels" / "a.txt", 1)  # Ultralytics reads this one
    _label(root / "labels" / "train" / "images" / "a.txt", 0)  # the first images renamed: not it
    (root / "data.yaml").write_text("train: images/train/images\nval: images/train/images\nnames: [x, y]\n")
    ds, _ = _read(root)
    assert ds.annotations.category.tolist() == [1]


def _under_a_folder_named_images(tmp_path: Path) -> Path:
    """A dataset in ``<tmp>/images/ds`` without an images folder of its own: Ultralytics looks
    for its labels in ``<tmp>/labels/ds/`` (the last images folder of the absolute path)."""
    root = tmp_path / "images" / "ds"
    _image(root / "train" / "a.jpg")
    _label(tmp_path / "labels" / "ds" / "train" / "a.txt", 1)
    (root / "data.yaml").write_text("train: train\nval: train\nnames: [x, y]\n")
    return root


@pytest.mark.parametrize("cwd", ["", "images", "images/ds", "labels"])
def test_labels_are_found_as_ultralytics_does_whatever_the_path_spelling(tmp_path, monkeypatch, cwd):
    root = _under_a_folder_named_images(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    spelled = Path(os.path.relpath(root))  # ds, ., ../images/ds, ...
    ds, report = _read(spelled)
    assert ds.annotations.category.tolist() == [1]
    assert report.count("yolo.no_label_files") == 0


def test_a_label_beside_its_image_under_a_folder_named_images_is_not_ultralytics_label(tmp_path, monkeypatch):
    root = tmp_path / "images" / "ds"
    _image(root / "train" / "a.jpg")
    _label(root / "train" / "a.txt", 1)  # beside: Ultralytics looks in <tmp>/labels/ds/train/
    (root / "data.yaml").write_text("train: train\nval: train\nnames: [x, y]\n")
    for where, spelled in [(tmp_path, root), (tmp_path / "images", Path("ds"))]:
        monkeypatch.chdir(where)
        ds, report = _read(spelled)
        assert len(ds.annotations) == 0
        (event,) = [e for e in report.events if e.code == "yolo.no_label_files"]
        assert str(tmp_path / "labels" / "ds" / "train" / "a.txt") in event.message


def test_a_list_line_starting_with_dot_slash_is_relative_to_the_list(tmp_path, monkeypatch):
    root = tmp_path / "images" / "ds"  # the dataset's own images folder is the last one
    _image(root / "images" / "a.jpg")
    _label(root / "labels" / "a.txt", 1)
    (root / "train.txt").write_text("./images/a.jpg\n")
    (root / "data.yaml").write_text("train: train.txt\nval: train.txt\nnames: [x, y]\n")
    monkeypatch.chdir(tmp_path / "images")
    ds, _ = _read(Path("ds"))
    assert ds.images.file_name.tolist() == ["a.jpg"]
    assert ds.annotations.category.tolist() == [1]
