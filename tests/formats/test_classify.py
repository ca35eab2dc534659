"""Classification folders: each image in the folder of each of its tags, or one PNG per object
box with --crops; the folders read as torchvision's ImageFolder reads them, with the right counts."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gtconvert
from gtconvert import GtconvertError, Report
from gtconvert.cli import main
from gtconvert.imagefiles import IMAGE_SUFFIXES
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")

NAMES = ["sub/a.jpg", "sub/b.png", "c.png", "d.png", "e.png", "f.png"]


def _dataset(root: Path) -> Dataset:
    """Six 30x20 images: tags cat, dog, cat+dog, cat, none, dog; two boxes on d.png."""
    rng = np.random.default_rng(0)
    for name in NAMES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)).save(root / name)
    img = Images.create(NAMES, width=[30] * 6, height=[20] * 6)
    cats = [Category(1, "cat", type="scene"), Category(2, "dog/puppy", type="scene")]
    ann = Annotations.create(
        [0, 1, 2, 2, 3, 5, 3, 3],
        [0, 1, 0, 1, 0, 1, 1, 0],
        [Kind.TAG] * 6 + [Kind.BOX, Kind.BOX],
        id=[1, 2, 3, 4, 5, 6, 70, 80],
        bbox=[[0, 0, 0, 0]] * 6 + [[1.5, 2.0, 5.0, 5.0], [25.0, 15.0, 10.0, 10.0]],
    )
    return Dataset(img, cats, ann, image_root=str(root))


def image_folder(root: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """torchvision's ImageFolder rule, as documented: classes are the sorted sub-folders,
    samples every file with an image suffix below each (recursively), with its class index."""
    classes = sorted(e.name for e in os.scandir(root) if e.is_dir())
    samples = [
        (str(p), k)
        for k, c in enumerate(classes)
        for p in sorted((root / c).rglob("*"))
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    ]
    return classes, samples


def test_each_image_goes_to_the_folder_of_each_of_its_tags(tmp_path) -> None:
    with Report() as report:
        gtconvert.write(_dataset(tmp_path / "src"), tmp_path / "out", "classify")
    classes, samples = image_folder(tmp_path / "out")
    assert classes == ["cat", "dog_puppy"]  # a separator in a name cannot make a sub-folder
    assert np.bincount([k for _, k in samples]).tolist() == [3, 3]
    assert (tmp_path / "out" / "cat" / "sub" / "a.jpg").read_bytes() == (
        tmp_path / "src" / "sub" / "a.jpg"
    ).read_bytes()
    assert report.count("classify.unlabelled") == 1  # e.png
    assert report.count("classify.multi_label") == 1  # c.png
    assert report.count("classify.objects_not_written") == 2


def test_crops_are_the_whole_pixels_each_box_touches_clipped_to_the_image(tmp_path) -> None:
    ds = _dataset(tmp_path / "src")
    gtconvert.write(ds, tmp_path / "out", "classify", crops=True)
    full = np.asarray(Image.open(tmp_path / "src" / "d.png"))
    first = np.asarray(Image.open(tmp_path / "out" / "dog_puppy" / "d_70.png"))
    assert np.array_equal(first, full[2:7, 1:7])  # x 1.5..6.5 -> columns 1..6; y 2..7 -> rows 2..6
    second = np.asarray(Image.open(tmp_path / "out" / "cat" / "d_80.png"))
    assert np.array_equal(second, full[15:20, 25:30])
    _, samples = image_folder(tmp_path / "out")
    assert len(samples) == 2  # the tags are not objects


def test_splits_make_the_layout_ultralytics_classify_reads(tmp_path) -> None:
    ds = _dataset(tmp_path / "src")
    gtconvert.write(ds, tmp_path / "out", "classify", split={"train": 0.5, "val": 0.5}, seed=2)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["train", "val"]
    total = sum(len(image_folder(tmp_path / "out" / s)[1]) for s in ("train", "val"))
    assert total == 6
    back = gtconvert.read(tmp_path / "out")  # recognised: folders of class folders of images
    assert back.category_names() == ["cat", "dog_puppy"]
    assert int((back.annotations.kind == Kind.TAG).sum()) == 6
    assert {e["split"] for e in back.images.extra} == {"train", "val"}


def test_every_split_has_every_class_folder_so_class_indices_agree(tmp_path) -> None:
    """A class with images in one split only still gets its (empty) folder in the other:
    Ultralytics takes the class names from train's folders and ImageFolder indexes each split's
    sorted folders, so a missing one would shift the indices of the classes after it."""
    ds = _dataset(tmp_path / "src")
    ds.categories[:0] = [Category(8, "ant", type="scene"), Category(9, "bee", type="scene")]
    ds.annotations.category += 2
    ant = Annotations.create([4], [0], [Kind.TAG], id=[90])  # e.png, untagged so far: one split only
    ds = ds.replace(annotations=Annotations.concat([ds.annotations, ant]))
    gtconvert.write(ds, tmp_path / "out", "classify", split={"train": 0.5, "val": 0.5}, seed=2)
    counts = {}
    for split in ("train", "val"):
        classes, samples = image_folder(tmp_path / "out" / split)
        assert classes == ["ant", "cat", "dog_puppy"]  # bee has no image anywhere: no folder
        counts[split] = np.bincount([k for _, k in samples], minlength=3).tolist()
    assert sorted(c[0] for c in counts.values()) == [0, 1]  # ant's folder is empty in one split
    back = gtconvert.read(tmp_path / "out", "classify")
    assert back.category_names() == ["ant", "cat", "dog_puppy"]  # an empty class folder is a class
    assert int((back.annotations.kind == Kind.TAG).sum()) == 7


def test_reading_gives_one_image_with_a_tag_per_class_folder_it_is_in(tmp_path) -> None:
    gtconvert.write(_dataset(tmp_path / "src"), tmp_path / "out", "classify")
    back = gtconvert.read(tmp_path / "out", "classify")
    assert len(back.images) == 5  # c.png is in both folders: one image
    names = back.category_names()
    tags = sorted(
        (back.images.file_name[i].rpartition("/")[2], names[c])
        for i, c in zip(back.annotations.image, back.annotations.category)
    )
    assert tags == [("a.jpg", "cat"), ("b.png", "dog_puppy"), ("c.png", "cat"), ("c.png", "dog_puppy"), ("d.png", "cat"), ("f.png", "dog_puppy")]  # fmt: skip
    assert back.images.width.tolist() == [30] * 5


def test_a_classification_layout_written_again_is_the_same_layout(tmp_path) -> None:
    gtconvert.write(_dataset(tmp_path / "src"), tmp_path / "out", "classify")
    again = tmp_path / "again"
    gtconvert.write(gtconvert.read(tmp_path / "out", "classify"), again, "classify")

    def files(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    assert files(again) == files(tmp_path / "out")  # cat/c.png and dog_puppy/c.png, not nested
    assert (again / "dog_puppy" / "c.png").read_bytes() == (tmp_path / "src" / "c.png").read_bytes()


def test_objects_without_tags_need_crops(tmp_path, capsys) -> None:
    ds = _dataset(tmp_path / "src")
    boxes_only = ds.replace(annotations=ds.annotations.take(ds.annotations.kind == Kind.BOX))
    with pytest.raises(GtconvertError, match="no image-level labels"):
        gtconvert.write(boxes_only, tmp_path / "out", "classify")
    gtconvert.write(boxes_only, tmp_path / "in.json")
    args = [
        "convert",
        str(tmp_path / "in.json"),
        str(tmp_path / "crops"),
        "--to",
        "classify",
        "--images",
        str(tmp_path / "src"),
    ]
    assert main([*args, "--crops"]) == 0, capsys.readouterr().err
    assert len(image_folder(tmp_path / "crops")[1]) == 2


def test_torchvision_image_folder_reads_the_counts(tmp_path) -> None:
    datasets = pytest.importorskip("torchvision.datasets")  # optional: a dev machine with torchvision
    gtconvert.write(_dataset(tmp_path / "src"), tmp_path / "out", "classify")
    folder = datasets.ImageFolder(str(tmp_path / "out"))
    assert folder.classes == ["cat", "dog_puppy"]
    assert np.bincount(folder.targets).tolist() == [3, 3]
    assert [(Path(p).name, k) for p, k in folder.samples] == [
        (Path(p).name, k) for p, k in image_folder(tmp_path / "out")[1]
    ]


def test_class_folders_that_are_one_folder_on_macos_or_windows_are_an_error(tmp_path) -> None:
    ds = _dataset(tmp_path / "src")
    nfd = [Category(1, "caf\u00e9", type="scene"), Category(2, "CAFE\u0301", type="scene")]
    with pytest.raises(
        GtconvertError, match="differ only in case or Unicode form and would share the class folder"
    ):
        gtconvert.write(ds.replace(categories=nfd), tmp_path / "out", "classify")
    assert not (tmp_path / "out").exists()
