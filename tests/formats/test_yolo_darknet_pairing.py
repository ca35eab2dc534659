"""Darknet layouts pair labels as Darknet does, data.yaml layouts as Ultralytics does.

Darknet (AlexeyAB's ``replace_image_to_label``) looks for a label beside its image, renaming only
``JPEGImages`` and COCO's ``images/train2014`` (...) folders; Ultralytics renames the last
``images`` folder of the absolute path, wherever it is. A dataset kept inside a folder called
``images`` tells the two apart.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from gtconvert.errors import GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.formats.yolo.paths import darknet_label_of, images_to_labels_inside

_BOX = "0 0.5 0.5 0.2 0.2\n"


def _tree(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``folder``; images are empty files."""
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def _objects(ds) -> dict[str, int]:
    counts = np.bincount(ds.annotations.image, minlength=len(ds.images.id)).tolist()
    return dict(zip(ds.images.file_name.tolist(), counts))


def _read_quietly(path, **kw):
    """Read, failing on any gtconvert warning (nothing dropped, nothing looked for elsewhere)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)
        return yolo.read(path, image_size=(8, 8), **kw)


def _alexeyab_label(path: str) -> str:
    """AlexeyAB's replace_image_to_label on a POSIX path, written again from its C source
    (first occurrence of each active pattern, then one of its 12 suffixes at the end)."""
    for old, new in [
        ("/images/train2017/", "/labels/train2017/"),
        ("/images/val2017/", "/labels/val2017/"),
        ("/JPEGImages/", "/labels/"),
        ("/images/train2014/", "/labels/train2014/"),
        ("/images/val2014/", "/labels/val2014/"),
    ]:
        path = path.replace(old, new, 1)
    for ext in (
        ".jpg",
        ".JPG",
        ".jpeg",
        ".JPEG",
        ".png",
        ".PNG",
        ".bmp",
        ".BMP",
        ".ppm",
        ".PPM",
        ".tiff",
        ".TIFF",
    ):
        if path.endswith(ext):
            return path[: -len(ext)] + ".txt"
    return path


def _ultralytics_label(image: str) -> str:
    """Ultralytics' img2label_paths, written again here so the test does not trust our code."""
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"


# ---- the rule itself ----


@pytest.mark.parametrize(
    "rel",
    [
        "obj/a.jpg",  # CVAT, Datumaro: beside
        "images/a.jpg",  # a plain images folder is not renamed by AlexeyAB's darknet
        "images/sub/images/a.png",
        "VOC2007/JPEGImages/000001.jpg",
        "coco/images/train2014/a.jpg",
        "coco/images/val2017/a.JPEG",
        "x/JPEGImages/y/JPEGImages/a.jpg",  # the first JPEGImages only
        "a.b/c.bmp",
    ],
)
def test_darknet_rule_is_alexeyabs_inside_the_dataset(rel: str) -> None:
    root = "/data/proj"  # nothing above the dataset that darknet would rename
    assert darknet_label_of(f"{root}/{rel}", root) == _alexeyab_label(f"{root}/{rel}")


def test_darknet_rule_renames_nothing_above_the_dataset(tmp_path: Path, monkeypatch) -> None:
    for above in ("images", "JPEGImages", "images/train2014"):
        root = f"/data/{above}/proj"
        assert darknet_label_of(f"{root}/obj/a.jpg", root) == f"{root}/obj/a.txt"
    # however dataset and image are spelt: relative, absolute, the current folder
    (tmp_path / "images" / "proj").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "images")
    assert darknet_label_of("proj/JPEGImages/a.jpg", "proj") == "proj/labels/a.txt"
    assert (
        darknet_label_of(f"{tmp_path}/images/proj/obj/a.jpg", "proj") == f"{tmp_path}/images/proj/obj/a.txt"
    )
    assert darknet_label_of("proj/obj/a.jpg", str(tmp_path / "images" / "proj")) == "proj/obj/a.txt"
    monkeypatch.chdir(tmp_path / "images" / "proj")
    assert darknet_label_of("JPEGImages/a.jpg", ".") == "labels/a.txt"
    assert darknet_label_of("obj/a.jpg", ".") == "obj/a.txt"
    assert images_to_labels_inside("images/a.jpg", ".") == "labels/a.txt"
    assert (
        images_to_labels_inside(f"{tmp_path}/images/proj/obj/a.jpg", ".")
        == f"{tmp_path}/images/proj/obj/a.txt"
    )


# ---- datasets inside a folder called images ----


def _darknet(folder: Path) -> None:
    """AlexeyAB's custom-dataset layout: obj.data, obj.names, train.txt of data/obj/ images with
    each label beside its image (a label where Ultralytics would look too, to tell them apart)."""
    _tree(
        folder,
        {
            "obj.data": "classes = 1\ntrain = data/train.txt\nvalid = data/valid.txt\nnames = data/obj.names\n",
            "obj.names": "bird\n",
            "train.txt": "data/obj/x.jpg\ndata/obj/sub/y.jpg\n",
            "valid.txt": "data/obj/z.jpg\n",
            "obj/x.jpg": "",
            "obj/x.txt": _BOX,
            "obj/sub/y.jpg": "",
            "obj/sub/y.txt": _BOX * 2,
            "obj/z.jpg": "",
            "obj/z.txt": _BOX * 3,
        },
    )


def test_darknet_dataset_inside_a_folder_called_images_finds_its_labels(tmp_path: Path, monkeypatch) -> None:
    ds_dir = tmp_path / "images" / "proj"
    _darknet(ds_dir)
    _tree(tmp_path / "labels" / "proj", {"obj/x.txt": _BOX * 5})  # Ultralytics' place: not Darknet's
    expected = {"obj/x.jpg": 1, "obj/sub/y.jpg": 2, "obj/z.jpg": 3}
    assert _objects(_read_quietly(ds_dir)) == expected
    assert _objects(_read_quietly(ds_dir / "obj.data")) == expected
    monkeypatch.chdir(tmp_path / "images")  # given as a relative path: the same labels
    assert _objects(_read_quietly("proj")) == expected
    monkeypatch.chdir(ds_dir)
    assert _objects(_read_quietly(".")) == expected


def test_ultralytics_dataset_inside_a_folder_called_images_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    # data.yaml layouts keep Ultralytics' rule: <parent>/labels/ds/..., not the label beside
    ds_dir = tmp_path / "images" / "ds"
    _tree(ds_dir, {"data.yaml": "train: train\nval: val\nnames: [a]\n", "train/a.jpg": "", "val/b.jpg": ""})
    _tree(ds_dir, {"train/a.txt": _BOX * 4, "val/b.txt": _BOX * 4})  # beside: not read
    _tree(tmp_path / "labels" / "ds", {"train/a.txt": _BOX, "val/b.txt": _BOX * 2})
    for image in ("train/a.jpg", "val/b.jpg"):
        assert Path(_ultralytics_label(str(ds_dir / image))).parent.parent == tmp_path / "labels" / "ds"
    assert _objects(_read_quietly(ds_dir)) == {"train/a.jpg": 1, "val/b.jpg": 2}
    monkeypatch.chdir(tmp_path / "images")
    assert _objects(_read_quietly("ds")) == {"train/a.jpg": 1, "val/b.jpg": 2}


# ---- the folders Darknet renames, inside the dataset ----


def test_darknet_voc_layout_reads_labels_from_the_labels_folder(tmp_path: Path) -> None:
    # darknet's scripts/voc_label.py: VOCdevkit/VOC2007/labels/ beside JPEGImages/, and
    # 2007_train.txt listing absolute image paths
    root = tmp_path / "images" / "darknet"
    voc = root / "VOCdevkit" / "VOC2007"
    _tree(voc, {"JPEGImages/000001.jpg": "", "JPEGImages/000002.jpg": ""})
    _tree(voc, {"labels/000001.txt": _BOX, "labels/000002.txt": _BOX * 2})
    _tree(
        root,
        {"voc.names": "a\n", "2007_train.txt": f"{voc}/JPEGImages/000001.jpg\n{voc}/JPEGImages/000002.jpg\n"},
    )
    _tree(root, {"voc.data": "classes = 1\ntrain = 2007_train.txt\nnames = voc.names\nbackup = backup\n"})
    assert _objects(_read_quietly(root)) == {
        "VOCdevkit/VOC2007/JPEGImages/000001.jpg": 1,
        "VOCdevkit/VOC2007/JPEGImages/000002.jpg": 2,
    }


def test_darknet_coco_folders_are_renamed_other_images_folders_are_not(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "obj.data": "classes = 1\ntrain = train.txt\nnames = obj.names\n",
            "obj.names": "a\n",
            "train.txt": "coco/images/train2014/a.jpg\nother/images/b.jpg\n",
            "coco/images/train2014/a.jpg": "",
            "coco/labels/train2014/a.txt": _BOX,
            "other/images/b.jpg": "",
            "other/images/b.txt": _BOX * 2,  # beside: Darknet's
            "other/labels/b.txt": _BOX * 3,  # Ultralytics': not read
        },
    )
    assert _objects(_read_quietly(tmp_path)) == {"coco/images/train2014/a.jpg": 1, "other/images/b.jpg": 2}


def test_darknet_layout_with_labels_only_in_labels_folder_reads_them_and_says_so(tmp_path: Path) -> None:
    # obj.data over images/ + labels/ (no label beside any image): Darknet finds none; they are
    # read where the last images folder inside the dataset becomes labels, with a warning
    _tree(
        tmp_path / "images" / "proj",
        {
            "obj.data": "classes = 1\ntrain = train.txt\nnames = obj.names\n",
            "obj.names": "a\n",
            "train.txt": "images/a.jpg\nimages/b.jpg\n",
            "images/a.jpg": "",
            "images/b.jpg": "",
            "labels/a.txt": _BOX * 2,
        },
    )
    # where the first images folder of the path becomes labels (pjreddie's darknet): outside
    # the dataset, never read
    _tree(tmp_path / "labels" / "proj", {"images/b.txt": _BOX})
    with pytest.warns(GtconvertWarning, match="no image has a label file where Darknet looks") as caught:
        ds = yolo.read(tmp_path / "images" / "proj", image_size=(8, 8))
    message = str(caught[0].message)
    assert "1 of the 2 images" in message and f"{tmp_path}/images/proj/labels/a.txt" in message
    assert _objects(ds) == {"a.jpg": 2, "b.jpg": 0}  # all under images/: the image root
    for image in (tmp_path / "images" / "proj" / "images").iterdir():  # written without its images
        image.unlink()
    with pytest.warns(GtconvertWarning, match="no image has a label file where Darknet looks"):
        assert _objects(yolo.read(tmp_path / "images" / "proj", image_size=(8, 8))) == {
            "a.jpg": 2,
            "b.jpg": 0,
        }


def test_darknet_layout_without_any_label_file_warns_where_darknet_looked(tmp_path: Path) -> None:
    _darknet(tmp_path / "images" / "proj")
    for p in (tmp_path / "images" / "proj" / "obj").rglob("*.txt"):
        p.unlink()
    with pytest.warns(GtconvertWarning, match="none of the 3 images has a label file") as caught:
        yolo.read(tmp_path / "images" / "proj", image_size=(8, 8))
    assert f"{tmp_path}/images/proj/obj/x.txt" in str(caught[0].message)


# ---- label files without an image ----


def test_orphan_label_in_a_dataset_inside_a_folder_called_labels(tmp_path: Path) -> None:
    # b.txt has no image: its image is train/b.jpg beside it, not <parent>/images/ds/train/b.jpg
    ds_dir = tmp_path / "labels" / "ds"
    _tree(ds_dir, {"data.yaml": "train: train\nnames: [a]\n", "train/a.jpg": "", "train/a.txt": _BOX})
    _tree(ds_dir, {"train/b.txt": _BOX * 2})
    ds = _read_quietly(ds_dir)
    assert _objects(ds) == {"train/a.jpg": 1, "train/b.jpg": 2}
    assert ds.image_root == str(ds_dir)


def test_orphan_label_paired_back_by_the_rule_that_found_it(tmp_path: Path) -> None:
    # Ultralytics' rule outside the dataset (inside a folder called images), and a labels folder
    # in the images' own path: each orphan's image is the same path under the images folder
    ds_dir = tmp_path / "images" / "ds"
    _tree(ds_dir, {"data.yaml": "train: train\nnames: [a]\n", "train/a.jpg": ""})
    _tree(tmp_path / "labels" / "ds", {"train/a.txt": _BOX, "train/labels/b.txt": _BOX * 2})
    assert _objects(_read_quietly(ds_dir)) == {"train/a.jpg": 1, "train/labels/b.jpg": 2}
    plain = tmp_path / "plain"
    _tree(plain, {"data.yaml": "train: images\nnames: [a]\n", "images/labels/a.jpg": ""})
    _tree(plain, {"labels/labels/a.txt": _BOX, "labels/labels/c.txt": _BOX * 3})
    assert _objects(_read_quietly(plain)) == {"labels/a.jpg": 1, "labels/c.jpg": 3}


def test_a_split_naming_the_label_folder_finds_the_images_inside_the_dataset(tmp_path: Path) -> None:
    # train: labels (labels beside no image): the images are in the dataset's images/, also when
    # the dataset itself sits inside a folder called labels (never <parent>/images/...)
    ds_dir = tmp_path / "labels" / "ds"
    _tree(ds_dir, {"data.yaml": "train: labels\nnames: [a]\n", "images/a.jpg": "", "images/sub/b.jpg": ""})
    _tree(ds_dir, {"labels/a.txt": _BOX, "labels/sub/b.txt": _BOX * 2})
    ds = _read_quietly(ds_dir)
    assert _objects(ds) == {"a.jpg": 1, "sub/b.jpg": 2}
    assert ds.image_root == str(ds_dir / "images")
