"""YOLO datasets as other tools find them: every label where Ultralytics looks for it."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def _ultralytics_label(image: str) -> str:
    """Ultralytics' img2label_paths, written again here so the test does not trust our code."""
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"


def _boxes_found_by_ultralytics(folder: Path) -> int:
    rows = 0
    for image in sorted((folder / "images").rglob("*.jpg")):
        label = Path(_ultralytics_label(str(image)))
        if label.is_file():
            rows += sum(1 for line in label.read_text().splitlines() if line.strip())
    return rows


def test_coco_file_names_with_folders_get_labels_where_ultralytics_looks(tmp_path: Path) -> None:
    # CVAT, Roboflow and labelme COCO write file_name "images/x.jpg"
    names = ["images/x.jpg", "images/sub/y.jpg", "a/images/z.jpg", "plain.jpg"]
    ds = Dataset(
        Images.create(names, width=[40] * 4, height=[30] * 4),
        [Category(id=1, name="a")],
        Annotations.create([0, 1, 1, 2, 3], 0, Kind.BOX, bbox=[[1, 2, 10, 8]] * 5),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    for n in names:  # the images are not copied (no --images): make them where they belong
        (tmp_path / "y" / "images" / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "y" / "images" / n).write_bytes(b"")
    assert _boxes_found_by_ultralytics(tmp_path / "y") == len(ds.annotations.id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        back = yolo.read(tmp_path / "y", image_size=(40, 30))
    assert sorted(back.images.file_name.tolist()) == sorted(names)
    per_image = dict(zip(back.images.file_name.tolist(), np.bincount(back.annotations.image, minlength=4)))
    assert per_image == {"images/x.jpg": 1, "images/sub/y.jpg": 2, "a/images/z.jpg": 1, "plain.jpg": 1}


def _roboflow(folder: Path, train: str) -> None:
    (folder / "train" / "images").mkdir(parents=True)
    (folder / "train" / "labels").mkdir(parents=True)
    (folder / "train" / "images" / "a.jpg").write_bytes(b"")
    (folder / "train" / "labels" / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    (folder / "data.yaml").write_text(f"train: {train}\nnc: 1\nnames: ['a']\n")


def test_roboflow_parent_relative_split_is_retried_without_the_dots(tmp_path: Path) -> None:
    _roboflow(tmp_path, "../train/images")
    back = yolo.read(tmp_path, image_size=(40, 30))
    assert len(back.annotations.id) == 1


def test_a_split_naming_nothing_is_an_error_naming_the_entry(tmp_path: Path) -> None:
    _roboflow(tmp_path, "../valid/images")
    with pytest.raises(GtconvertError, match=re.escape("train: '../valid/images' names nothing")):
        yolo.read(tmp_path, image_size=(40, 30))


# ---- data.yaml splits, resolved as Ultralytics' check_det_dataset + get_img_files do ----


def _tree(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``folder``; images are empty files."""
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def _count_by_image(ds: Dataset) -> dict[str, int]:
    counts = np.bincount(ds.annotations.image, minlength=len(ds.images.id))
    return dict(zip(ds.images.file_name.tolist(), counts.tolist()))


_BOX = "0 0.5 0.5 0.2 0.2\n"
_TWO_SPLITS = {
    "images/train/a.jpg": "",
    "images/train/sub/b.jpg": "",
    "images/val/c.jpg": "",
    "labels/train/a.txt": _BOX,
    "labels/train/sub/b.txt": _BOX * 2,
    "labels/val/c.txt": _BOX * 3,
}


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        # path absent: the folder of data.yaml
        ("train: images/train\nval: images/val\n", {"train/a.jpg": 1, "train/sub/b.jpg": 2, "val/c.jpg": 3}),
        # a list of folders
        (
            "train: [images/train/sub, images/train]\nval: images/val\n",
            {"train/a.jpg": 1, "train/sub/b.jpg": 2, "val/c.jpg": 3},
        ),
        # a list of image files (Datumaro's yolov8_with_list_of_imgs)
        ("train:\n  - images/train/a.jpg\nval:\n  - images/val/c.jpg\n", {"train/a.jpg": 1, "val/c.jpg": 3}),
        # a list file; ./ lines are relative to its folder
        ("train: lists/train.txt\nval: images/val\n", {"train/sub/b.jpg": 2, "val/c.jpg": 3}),
        # Datumaro's and CVAT's list file: lines under a data/ prefix
        ("train: datumaro.txt\nval: images/val\n", {"train/a.jpg": 1, "val/c.jpg": 3}),
        # Ultralytics renames validation to val
        (
            "train: images/train\nvalidation: images/val\n",
            {"train/a.jpg": 1, "train/sub/b.jpg": 2, "val/c.jpg": 3},
        ),
    ],
)
def test_data_yaml_splits_as_ultralytics_resolves_them(tmp_path: Path, yaml_text: str, expected) -> None:
    _tree(tmp_path, _TWO_SPLITS)
    _tree(
        tmp_path,
        {"lists/train.txt": "./../images/train/sub/b.jpg\n", "datumaro.txt": "data/images/train/a.jpg\n"},
    )
    (tmp_path / "data.yaml").write_text(yaml_text + "names: [a]\n")
    back = yolo.read(tmp_path, image_size=(40, 30))
    assert _count_by_image(back) == expected
    splits = {n: (e or {}).get("split") for n, e in zip(back.images.file_name.tolist(), back.images.extra)}
    assert splits["val/c.jpg"] == "val"


def test_absolute_and_relative_path_keys(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path / "ds", _TWO_SPLITS)
    splits = "train: images/train\nval: images/val\nnames: {0: a}\n"
    (tmp_path / "abs.yaml").write_text(f"path: {tmp_path / 'ds'}\n{splits}")
    (tmp_path / "rel.yaml").write_text(f"path: ds\n{splits}")
    monkeypatch.chdir(tmp_path / "ds")  # a relative path is the yaml's folder's, wherever we run
    for name in ("abs.yaml", "rel.yaml"):
        assert sum(_count_by_image(yolo.read(tmp_path / name, image_size=(4, 3))).values()) == 6


def test_names_list_dict_or_nc_alone(tmp_path: Path) -> None:
    _tree(tmp_path, {"images/a.jpg": "", "labels/a.txt": "1 0.5 0.5 0.2 0.2\n"})
    for names, expected in [
        ("names: [x, y]", ["x", "y"]),
        ("names: {1: y, 0: x}", ["x", "y"]),
        ("names: {'0': x, '1': y}", ["x", "y"]),
        ("nc: 2", ["class_0", "class_1"]),  # Ultralytics' own names for nc alone
    ]:
        (tmp_path / "data.yaml").write_text(f"train: images\nval: images\n{names}\n")
        assert [c.name for c in yolo.read(tmp_path, image_size=(4, 3)).categories] == expected
    (tmp_path / "data.yaml").write_text("train: images\nval: images\nnc: 3\nnames: [x, y]\n")
    with pytest.raises(GtconvertError, match="names 2 classes but says nc: 3"):
        yolo.read(tmp_path, image_size=(4, 3))


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("train: images/train\nval: images/valid\n", "val: 'images/valid' names nothing"),
        ("train: [images/train, images/nope]\nval: images/train\n", "train: 'images/nope' names nothing"),
        ("train: empty\nval: empty\n", "train: empty names no image and no label file"),
        ("train: missing.txt\nval: images/train\n", "train: 'missing.txt' names nothing"),
        ("train: bad.txt\nval: images/train\n", "none of the 1 images it lists exists"),
    ],
)
def test_a_split_naming_nothing_is_an_error_and_validate_says_so(
    tmp_path: Path, yaml_text: str, message: str, capsys
) -> None:
    from gtconvert.cli import main

    _tree(tmp_path, {"images/train/a.jpg": "", "labels/train/a.txt": _BOX, "bad.txt": "nowhere/x.jpg\n"})
    (tmp_path / "empty").mkdir()
    (tmp_path / "data.yaml").write_text(yaml_text + "names: [a]\n")
    with pytest.raises(GtconvertError, match=re.escape(message)):
        yolo.read(tmp_path, image_size=(40, 30))
    code = main(["validate", str(tmp_path), "--image-size", "40x30"])
    out = capsys.readouterr()
    assert code == 2, out
    assert "no problems found" not in out.out + out.err
    assert message in out.out + out.err


# ---- pose: with kpt_shape a row is a box and K points, never a polygon ----


def test_pose_rows_of_datumaro_layout_are_keypoints_never_polygons(tmp_path: Path) -> None:
    # Datumaro's yolov8_pose asset in shape: path: ., kpt_shape, names mapping; 3 points of 2
    # values make an 11-column row, which without kpt_shape would be a 5-vertex polygon
    row = "0 0.5 0.5 0.4 0.4 0.4 0.4 0.5 0.5 0.6 0.6\n"
    _tree(tmp_path, {"images/train/1.jpg": "", "labels/train/1.txt": row})
    (tmp_path / "data.yaml").write_text(
        "path: .\ntrain: images/train\nkpt_shape: [3, 2]\nnames:\n  0: person\n"
    )
    back = yolo.read(tmp_path, image_size=(100, 50))
    assert back.annotations.kind.tolist() == [Kind.BOX]
    assert np.diff(back.annotations.keypoint_start).tolist() == [3]
    assert back.annotations.keypoints[:, :2].tolist() == [[40, 20], [50, 25], [60, 30]]
    assert back.annotations.vertices.size == 0
    for task in ("segment", "obb", "detect"):
        with pytest.raises(GtconvertError, match=f"pose rows, not {task} rows"):
            yolo.read(tmp_path, image_size=(100, 50), task=task)
    assert len(yolo.read(tmp_path, image_size=(100, 50), task="pose").annotations.id) == 1


# ---- Darknet, CVAT, Datumaro and Label Studio layouts (fixtures/peers/yolo) ----

PEERS = Path(__file__).resolve().parents[2] / "fixtures" / "peers" / "yolo"


def _summary(ds: Dataset) -> list[tuple[str, str, int]]:
    """(split, image, objects) of every image, sorted."""
    counts = np.bincount(ds.annotations.image, minlength=len(ds.images.id)).tolist()
    splits = [(e or {}).get("split", "") for e in ds.images.extra]
    return sorted(zip(splits, ds.images.file_name.tolist(), counts))


@pytest.mark.parametrize(
    ("folder", "names", "summary"),
    [
        (
            "cvat_yolo_1_1",
            ["cat", "dog"],
            [
                ("train", "obj_train_data/frame_000000.jpg", 2),
                ("train", "obj_train_data/frame_000001.jpg", 0),
            ],
        ),
        (
            "datumaro_yolo",
            ["label_0", "label_1"],
            [("train", "obj_train_data/1.jpg", 1), ("val", "obj_valid_data/2.jpg", 2)],
        ),
        ("datumaro_yolo_loose", ["label_0", "label_1"], [("train", "train/1.jpg", 1)]),
        ("label_studio", ["Airplane", "Car"], [("", "0f2c5a1b-photo.jpg", 1)]),
    ],
)
def test_peer_layouts_are_detected_and_read(folder: str, names: list[str], summary) -> None:
    from gtconvert import registry

    path = PEERS / folder
    assert registry.detect(path).name == "yolo"
    ds = yolo.read(path)
    assert [c.name for c in ds.categories] == names
    assert _summary(ds) == summary
    assert (ds.images.width == 16).all() and (ds.images.height == 12).all()  # from the JPEG headers


def test_cvat_boxes_are_read_in_pixels() -> None:
    ds = yolo.read(PEERS / "cvat_yolo_1_1")
    first = ds.annotations.image == ds.images.file_name.tolist().index("obj_train_data/frame_000000.jpg")
    np.testing.assert_allclose(ds.annotations.bbox[first], [[6, 3, 4, 6], [3, 2, 2, 2]], atol=1e-5)
    assert ds.annotations.category[first].tolist() == [0, 1]


def test_darknet_obj_data_file_itself_and_alexeyab_layout(tmp_path: Path) -> None:
    # AlexeyAB's darknet: data/obj.data names data/train.txt and data/obj/x.jpg, relative to
    # the darknet folder; pointing at the data/ folder itself strips the prefix
    data = tmp_path / "data"
    _tree(
        data,
        {
            "obj.data": "classes= 1\ntrain  = data/train.txt\nvalid  = data/test.txt\nnames = data/obj.names\n",
            "obj.names": "bird\n",
            "train.txt": "data/obj/x.jpg\n",
            "test.txt": "data/obj/y.jpg\n",
            "obj/x.jpg": "",
            "obj/x.txt": _BOX,
            "obj/y.jpg": "",
            "obj/y.txt": _BOX * 2,
        },
    )
    for path in (data, data / "obj.data"):
        ds = yolo.read(path, image_size=(8, 8))
        assert _summary(ds) == [("train", "obj/x.jpg", 1), ("val", "obj/y.jpg", 2)]
        assert [c.name for c in ds.categories] == ["bird"]


def test_darknet_errors_name_the_entry(tmp_path: Path) -> None:
    _tree(tmp_path, {"obj.data": "classes = 3\ntrain = data/train.txt\nnames = data/obj.names\n"})
    _tree(tmp_path, {"obj.names": "a\nb\n", "train.txt": "data/obj_train_data/x.jpg\n"})
    with pytest.raises(GtconvertError, match=re.escape("classes = 3, but obj.names names 2 classes")):
        yolo.read(tmp_path, image_size=(8, 8))
    (tmp_path / "obj.data").write_text("classes = 2\ntrain = data/nope.txt\nnames = data/obj.names\n")
    with pytest.raises(GtconvertError, match=re.escape("train = 'data/nope.txt' names nothing")):
        yolo.read(tmp_path, image_size=(8, 8))


@pytest.mark.parametrize("names_at", ["obj.names", "classes.txt", "labels/classes.txt"])
def test_a_names_file_beside_the_labels_names_the_classes(tmp_path: Path, names_at: str) -> None:
    # once "class names are unknown" with obj.names right beside; labels/classes.txt is LabelImg's
    _tree(tmp_path, {names_at: "cat\ndog\n", "images/a.jpg": "", "labels/a.txt": "1 0.5 0.5 0.2 0.2\n"})
    ds = yolo.read(tmp_path, image_size=(8, 8))
    assert [c.name for c in ds.categories] == ["cat", "dog"]
    assert ds.annotations.category.tolist() == [1]
    assert ds.images.file_name.tolist() == ["a.jpg"]  # classes.txt is no label file


def test_datumaro_capital_annotations_folder_is_yolo_not_voc(tmp_path: Path) -> None:
    from gtconvert import registry

    _tree(tmp_path, {"obj.names": "a\n", "images/val/1.jpg": "", "Annotations/val/1.txt": _BOX})
    assert registry.detect(tmp_path).name == "yolo"
    assert _summary(yolo.read(tmp_path, image_size=(8, 8))) == [("val", "val/1.jpg", 1)]
    voc_like = tmp_path / "voc"
    _tree(voc_like, {"classes.txt": "a\n", "Annotations/1.xml": "<annotation></annotation>"})
    assert registry.detect(voc_like).name == "voc"


def test_no_names_anywhere_says_where_it_looked(tmp_path: Path) -> None:
    _tree(tmp_path, {"images/a.jpg": "", "labels/a.txt": _BOX})
    with pytest.raises(GtconvertError, match=re.escape("no data.yaml, obj.data, obj.names or classes.txt")):
        yolo.read(tmp_path, image_size=(8, 8))


def test_datumaro_reads_the_darknet_fixtures_as_we_do() -> None:
    dm = pytest.importorskip("datumaro")
    for folder in ("cvat_yolo_1_1", "datumaro_yolo", "datumaro_yolo_loose"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = dm.Dataset.import_from(str(PEERS / folder), "yolo")
        boxes = sorted(
            (item.id.rsplit("/", 1)[-1], a.label, round(a.x, 4), round(a.y, 4), round(a.w, 4), round(a.h, 4))
            for item in theirs
            for a in item.annotations
        )
        ours = yolo.read(PEERS / folder)
        stems = [Path(n).stem for n in ours.images.file_name.tolist()]
        a = ours.annotations
        mine = sorted(
            (stems[i], int(c), *(round(float(v), 4) for v in b))
            for i, c, b in zip(a.image, a.category, a.bbox)
        )
        assert mine == boxes, folder


# ---- portable outputs: data.yaml without a path, read from wherever the folder is copied ----


def test_written_dataset_reads_from_its_new_place(tmp_path: Path, monkeypatch) -> None:
    import shutil

    import yaml

    ds = Dataset(
        Images.create(
            ["a.jpg", "b.jpg"], width=[40, 40], height=[30, 30], extra=[{"split": "train"}, {"split": "val"}]
        ),
        [Category(id=1, name="a")],
        Annotations.create([0, 1, 1], 0, Kind.BOX, bbox=[[1, 2, 10, 8]] * 3),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    text = (tmp_path / "y" / "data.yaml").read_text()
    assert "path" not in yaml.safe_load(text) and str(tmp_path) not in text
    shutil.copytree(tmp_path / "y", tmp_path / "moved" / "y")
    shutil.rmtree(tmp_path / "y")
    moved = tmp_path / "moved" / "y"
    (moved / "images").mkdir(exist_ok=True)
    for name in ("a.jpg", "b.jpg"):  # no --images: the images are put in place by hand
        (moved / "images" / name).write_bytes(b"")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    back = yolo.read(moved / "data.yaml", image_size=(40, 30))
    assert _summary(back) == [("train", "a.jpg", 1), ("val", "b.jpg", 2)]
    pytest.importorskip("ultralytics")
    from ultralytics.data.base import BaseDataset
    from ultralytics.data.utils import check_det_dataset

    data = check_det_dataset(str(moved / "data.yaml"), autodownload=False)

    class Stub:  # get_img_files reads only these two attributes
        prefix, fraction = "", 1.0

    for split, name in (("train", "a.jpg"), ("val", "b.jpg")):
        assert [Path(p) for p in BaseDataset.get_img_files(Stub(), data[split])] == [moved / "images" / name]


# ---- 6-decimal noise: a few millionths of a pixel past a whole pixel are that pixel ----


def _one_row(folder: Path, row: str) -> None:
    _tree(
        folder,
        {"images/a.jpg": "", "labels/a.txt": row, "data.yaml": "train: images\nval: images\nnames: [a]\n"},
    )


def test_six_decimal_noise_is_not_outside_and_voc_gets_whole_pixels(tmp_path: Path) -> None:
    from gtconvert import validate
    from gtconvert.formats import voc

    _one_row(tmp_path / "y", "0 0.133333 0.5 0.266667 0.4\n")  # 0..4 px of 15: -7.5e-6 .. 3.9999975
    ds = yolo.read(tmp_path / "y", image_size=(15, 10))
    assert ds.annotations.bbox.tolist() == [[0.0, 3.0, 4.0, 4.0]]
    assert not [f for f in validate.check(ds) if f.code == "box.outside_image"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)  # nothing clipped, nothing truncated
        voc.write(ds, tmp_path / "v")
    xml = (tmp_path / "v" / "Annotations" / "a.xml").read_text()
    assert "<xmax>4</xmax>" in xml and "<truncated>1" not in xml


def test_polygon_vertices_snap_only_within_what_the_text_cannot_tell(tmp_path: Path) -> None:
    # on 100 px the text resolves 1e-4 px: -1e-5 px and 10.00005 px are 0 and 10, 10.0002 px is not
    _one_row(tmp_path, "0 -0.0000001 0.5 0.1000005 0.2 0.100002 0.9\n")
    ds = yolo.read(tmp_path, image_size=(100, 100))
    np.testing.assert_array_equal(ds.annotations.vertices, [[0.0, 50.0], [10.0, 20.0], [10.0002, 90.0]])


def test_a_box_really_outside_stays_outside(tmp_path: Path) -> None:
    from gtconvert import validate

    _one_row(tmp_path, "0 0.05 0.5 0.100004 0.2\n")  # x0 = -0.002 px on 1000 px: more than 1e-3 px
    ds = yolo.read(tmp_path, image_size=(1000, 100))
    assert ds.annotations.bbox[0, 0] == pytest.approx(-0.002)
    assert [f.count for f in validate.check(ds) if f.code == "box.outside_image"] == [1]


def test_data_yaml_with_names_only_takes_splits_from_folders(tmp_path: Path) -> None:
    # Datumaro's yolo_ultralytics importer reads such a folder: names in data.yaml, splits as folders
    _tree(tmp_path, _TWO_SPLITS)
    (tmp_path / "data.yaml").write_text("names:\n  0: a\n")
    assert _summary(yolo.read(tmp_path, image_size=(8, 8))) == [
        ("train", "train/a.jpg", 1),
        ("train", "train/sub/b.jpg", 2),
        ("val", "val/c.jpg", 3),
    ]


def test_roboflow_export_reads_every_split(tmp_path: Path) -> None:
    files = {}
    for split, n in (("train", 1), ("valid", 2), ("test", 3)):
        files[f"{split}/images/{split}.jpg"] = ""
        files[f"{split}/labels/{split}.txt"] = _BOX * n
    _tree(tmp_path, files)
    (tmp_path / "data.yaml").write_text(
        "train: ../train/images\nval: ../valid/images\ntest: ../test/images\nnc: 1\nnames: ['a']\n"
    )
    assert _summary(yolo.read(tmp_path, image_size=(8, 8))) == [
        ("test", "test/images/test.jpg", 3),
        ("train", "train/images/train.jpg", 1),
        ("val", "valid/images/valid.jpg", 2),
    ]


def test_ultralytics_yolodataset_reads_our_output_as_we_do(tmp_path: Path) -> None:
    pytest.importorskip("ultralytics")
    from PIL import Image
    from ultralytics.data import YOLODataset
    from ultralytics.data.utils import check_det_dataset

    names = ["images/x.jpg", "sub/y.jpg", "z.jpg"]  # a COCO file name with folders among them
    for n in names:
        (tmp_path / "src" / n).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30)).save(tmp_path / "src" / n)
    ds = Dataset(
        Images.create(names, width=[40] * 3, height=[30] * 3),
        [Category(id=1, name="a"), Category(id=2, name="b")],
        Annotations.create(
            [0, 0, 1], [0, 1, 1], Kind.BOX, bbox=[[1, 2, 10, 8], [0, 0, 40, 30], [5, 5, 4, 4]]
        ),
    )
    ds = ds.replace(image_root=str(tmp_path / "src"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    data = check_det_dataset(str(tmp_path / "y" / "data.yaml"), autodownload=False)
    theirs = YOLODataset(img_path=data["train"], data=data, task="detect", augment=False)
    found = {
        Path(lb["im_file"]).relative_to(tmp_path / "y" / "images").as_posix(): lb for lb in theirs.labels
    }
    assert sorted(found) == sorted(names)
    ours = yolo.read(tmp_path / "y")
    for i, n in enumerate(ours.images.file_name.tolist()):
        rows = ours.annotations.image == i
        assert sorted(found[n]["cls"].ravel().tolist()) == sorted(ours.annotations.category[rows].tolist())
        xywh = found[n]["bboxes"] * np.array([40, 30, 40, 30])
        corners = np.column_stack([xywh[:, :2] - xywh[:, 2:] / 2, xywh[:, 2:]])
        np.testing.assert_allclose(
            sorted(corners.tolist()), sorted(ours.annotations.bbox[rows].tolist()), atol=1e-4
        )


def test_images_naming_no_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GtconvertError, match="--images names no folder"):
        yolo.read(PEERS / "label_studio", images=str(tmp_path / "nowhere"), image_size=(16, 12))
    elsewhere = tmp_path / "imgs"
    elsewhere.mkdir()
    assert len(yolo.read(PEERS / "label_studio", images=str(elsewhere), image_size=(16, 12)).images.id) == 1


def test_darknet_files_written_on_windows(tmp_path: Path) -> None:
    # CRLF line ends, a byte-order mark in obj.names, backslashes in the list
    (tmp_path / "obj.data").write_bytes(
        b"classes = 1\r\ntrain = data\\train.txt\r\nnames = data/obj.names\r\n"
    )
    (tmp_path / "obj.names").write_bytes("\ufeffbird\r\n\r\n".encode())
    (tmp_path / "train.txt").write_bytes(b"data\\obj_train_data\\x.jpg\r\n")
    _tree(tmp_path, {"obj_train_data/x.jpg": "", "obj_train_data/x.txt": _BOX})
    ds = yolo.read(tmp_path, image_size=(8, 8))
    assert [c.name for c in ds.categories] == ["bird"]
    assert _summary(ds) == [("train", "obj_train_data/x.jpg", 1)]


def test_no_label_file_at_all_is_named_in_a_warning(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"images/a.jpg": "", "images/b.jpg": "", "data.yaml": "train: images\nval: images\nnames: [a]\n"},
    )
    (tmp_path / "labels").mkdir()
    with pytest.warns(GtconvertWarning, match="none of the 2 images has a label file") as caught:
        ds = yolo.read(tmp_path, image_size=(8, 8))
    assert "labels/a.txt" in str(caught[0].message) and len(ds.annotations.id) == 0
    _tree(tmp_path, {"labels/a.txt": ""})  # one empty label file: an image without objects, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", GtconvertWarning)
        yolo.read(tmp_path, image_size=(8, 8))
