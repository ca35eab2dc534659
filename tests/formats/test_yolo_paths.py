"""Ultralytics' pairing of images and label files: one label file per image, in both directions."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.formats.yolo.paths import label_of, label_paths
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def test_equal_basenames_in_different_folders_do_not_collide(tmp_path: Path) -> None:
    ds = Dataset(
        Images.create(["a/x.jpg", "b/x.jpg"], width=[10, 10], height=[10, 10]),
        [Category(id=1, name="a")],
        Annotations.create([0, 1], 0, Kind.BOX, bbox=[[0, 0, 1, 1], [0, 0, 2, 2]]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    assert (tmp_path / "y" / "labels" / "a" / "x.txt").read_text() != (
        tmp_path / "y" / "labels" / "b" / "x.txt"
    ).read_text()
    same_stem = ds.replace(images=Images.create(["x.jpg", "x.png"], width=[10, 10], height=[10, 10]))
    with pytest.raises(GtconvertError, match="share the label file"):
        yolo.write(same_stem, tmp_path / "z")


def test_label_paths_drop_only_a_real_suffix() -> None:
    assert label_paths(["a/b.jpg", "a/.hidden", "a.d/b", "c.tar.gz", "d."]) == [
        "labels/a/b.txt",
        "labels/a/.hidden.txt",
        "labels/a.d/b.txt",
        "labels/c.tar.txt",
        "labels/d..txt",
    ]


def test_names_differing_only_in_case_share_a_label_file() -> None:
    # one file on macOS and Windows: refused everywhere, so a dataset does not depend on the disk
    with pytest.raises(GtconvertError, match="differ only in case"):
        label_paths(["A.jpg", "a.png"])


@pytest.mark.parametrize(
    ("image", "label"),
    [
        ("ds/images/train/a.jpg", "ds/labels/train/a.txt"),
        ("images/x/images/a.png", "images/x/labels/a.txt"),  # the last images folder
        ("ds/other/a.png", "ds/other/a.txt"),  # no images folder: the label lies beside the image
        ("ds/images", "ds/images.txt"),  # a file called images is not a folder
    ],
)
def test_label_of_renames_the_last_images_folder(image: str, label: str) -> None:
    assert label_of(Path(image)) == Path(label)
