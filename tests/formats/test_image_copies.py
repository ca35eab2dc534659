"""Folder formats carry their images: each copied where its labels expect it, and what cannot be
copied named in one warning (the count and the first missing files)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gtconvert
from gtconvert import Report
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")


def _dataset(root: Path, present: list[str]) -> Dataset:
    """Three 8x6 images, each with a tag and a box; only ``present`` exist under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in present:
        Image.new("RGB", (8, 6), (10, 20, 30)).save(root / name)
    img = Images.create(["a.png", "b.png", "c.png"], width=[8] * 3, height=[6] * 3)
    ann = Annotations.create(
        [0, 1, 2, 0, 1, 2],
        [0] * 6,
        [Kind.TAG] * 3 + [Kind.BOX] * 3,
        bbox=[[0, 0, 0, 0]] * 3 + [[1, 1, 3, 3]] * 3,
    )
    return Dataset(img, [Category(1, "thing", type="scene")], ann, image_root=str(root))


@pytest.mark.parametrize(("fmt", "where"), [("yolo", "images/{}"), ("voc", "JPEGImages/{}"), ("semantic", "images/{}"), ("classify", "thing/{}")])  # fmt: skip
def test_missing_images_are_counted_and_named(tmp_path: Path, fmt: str, where: str) -> None:
    ds = _dataset(tmp_path / "src", ["a.png"])
    with Report() as report:
        gtconvert.write(ds, tmp_path / "out", fmt)
    assert (tmp_path / "out" / where.format("a.png")).read_bytes() == (
        tmp_path / "src" / "a.png"
    ).read_bytes()
    assert not (tmp_path / "out" / where.format("b.png")).exists()
    assert report.count(f"{fmt}.images_missing") == 2
    (event,) = [e for e in report.events if e.code == f"{fmt}.images_missing"]
    assert [Path(p).name for p in event.examples] == ["b.png", "c.png"]


@pytest.mark.parametrize("fmt", ["yolo", "voc", "semantic", "classify"])
def test_an_unknown_image_folder_is_one_warning_with_the_count(tmp_path: Path, fmt: str) -> None:
    ds = _dataset(tmp_path / "src", []).replace(image_root="")
    with Report() as report:
        gtconvert.write(ds, tmp_path / "out", fmt)
    assert report.count(f"{fmt}.images_missing") == 3
    (event,) = [e for e in report.events if e.code == f"{fmt}.images_missing"]
    assert "--images DIR" in event.message and "not copied" in event.message
    assert not np.any([p.suffix == ".png" for p in (tmp_path / "out").rglob("*") if "images" in p.parts])


@pytest.mark.parametrize(("fmt", "where"), [("yolo", "images/a.png"), ("voc", "JPEGImages/a.png"), ("semantic", "images/a.png"), ("classify", "thing/a.png")])  # fmt: skip
def test_output_images_are_copies_so_editing_one_leaves_the_input(
    tmp_path: Path, fmt: str, where: str
) -> None:
    ds = _dataset(tmp_path / "src", ["a.png", "b.png", "c.png"])
    gtconvert.write(ds, tmp_path / "out", fmt)
    out, src = tmp_path / "out" / where, tmp_path / "src" / "a.png"
    assert out.read_bytes() == src.read_bytes() and not os.path.samefile(out, src)
    out.write_bytes(b"edited in place")
    assert src.read_bytes() != b"edited in place"


@pytest.mark.parametrize(("fmt", "where"), [("yolo", "images/a.png"), ("voc", "JPEGImages/a.png"), ("semantic", "images/a.png"), ("classify", "thing/a.png")])  # fmt: skip
def test_link_images_hard_links_them_when_asked(tmp_path: Path, fmt: str, where: str) -> None:
    ds = _dataset(tmp_path / "src", ["a.png", "b.png", "c.png"])
    gtconvert.write(ds, tmp_path / "out", fmt, link_images=True)
    assert os.path.samefile(tmp_path / "out" / where, tmp_path / "src" / "a.png")  # one file system here
