"""YOLO reading: sizes from headers, where the dataset root is, missing images, bad rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gtconvert.errors import GtconvertError
from gtconvert.formats import yolo
from gtconvert.model import Kind


def _write_plain_yolo(folder: Path) -> None:
    """A dataset as other tools write it: no sidecar, names as a list, a segment row."""
    (folder / "images" / "train").mkdir(parents=True)
    (folder / "labels" / "train").mkdir(parents=True)
    Image.new("RGB", (200, 100)).save(folder / "images" / "train" / "a.jpg")
    Image.new("RGB", (50, 40)).save(folder / "images" / "train" / "empty.png")
    (folder / "labels" / "train" / "a.txt").write_text("1 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.3 0.1 0.3 0.5\n")
    (folder / "data.yaml").write_text("train: images/train\nval: images/train\nnames: [cat, dog]\n")


def test_reads_sizes_from_headers_without_decoding(tmp_path: Path, monkeypatch) -> None:
    _write_plain_yolo(tmp_path)

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    ds = yolo.read(tmp_path)
    assert dict(zip(ds.images.file_name, ds.images.width.tolist())) == {
        "train/a.jpg": 200,
        "train/empty.png": 50,
    }
    assert [(c.id, c.name) for c in ds.categories] == [(0, "cat"), (1, "dog")]
    ann = ds.annotations
    box = ann.bbox[ann.kind == Kind.BOX][0]
    np.testing.assert_allclose(box, [80, 30, 40, 40])
    poly = np.flatnonzero(ann.kind == Kind.POLYGON)[0]
    np.testing.assert_allclose(ann.parts(poly)[0], [[20, 10], [60, 10], [60, 50]])
    assert len(ds.images) == 2  # the image without a label file is kept


@pytest.mark.parametrize("declared", [".", "data", "./data/"])
def test_relative_path_in_data_yaml_is_the_yaml_folder_first(
    tmp_path: Path, monkeypatch, declared: str
) -> None:
    ds_dir = tmp_path / "ds"
    target = ds_dir / declared
    _write_plain_yolo(target)
    (ds_dir / "data.yaml").write_text(
        f"path: {declared}\ntrain: images/train\nval: images/train\nnames: [cat, dog]\n"
    )
    # the command runs where a folder of the same name holds another dataset
    elsewhere = tmp_path / "elsewhere"
    _write_plain_yolo(elsewhere / declared)
    Image.new("RGB", (20, 20)).save(elsewhere / declared / "images" / "train" / "other.png")
    monkeypatch.chdir(elsewhere)
    ds = yolo.read(ds_dir / "data.yaml")
    assert sorted(ds.images.file_name.tolist()) == ["train/a.jpg", "train/empty.png"]
    assert len(ds.annotations) == 2
    # only where the yaml's folder has no such folder does the current directory count
    (ds_dir / "data.yaml").write_text(
        "path: elsewhere_only\ntrain: images/train\nval: images/train\nnames: [cat, dog]\n"
    )
    _write_plain_yolo(elsewhere / "elsewhere_only")
    assert len(yolo.read(ds_dir).images) == 2
    assert yolo.read(ds_dir).image_root.startswith("elsewhere_only")


def test_missing_images_name_them_or_take_image_size(tmp_path: Path) -> None:
    _write_plain_yolo(tmp_path)
    (tmp_path / "images" / "train" / "a.jpg").unlink()
    with pytest.raises(GtconvertError, match=r"a\.jpg"):
        yolo.read(tmp_path)
    ds = yolo.read(tmp_path, image_size=(100, 50))
    assert set(ds.images.width.tolist()) == {100}


@pytest.mark.parametrize(
    ("row", "message"), [("0 0.5 0.5 0.1\n", "4 numbers"), ("2 0.5 0.5 0.1 0.1\n", "class 2"), ("0 0.1 0.2 0.3 0.4 0.5 0.6 0.7\n", "8 numbers")]
)  # fmt: skip
def test_bad_label_rows_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    _write_plain_yolo(tmp_path)
    (tmp_path / "labels" / "train" / "a.txt").write_text("0 0.5 0.5 0.1 0.1\n" + row)
    with pytest.raises(GtconvertError, match=message) as err:
        yolo.read(tmp_path)
    assert "a.txt" in str(err.value) and "line 2" in str(err.value)
