"""Writing Pascal VOC: exact 1-based boxes that read back, the devkit's conventions (checked
without our reader), clipping and truncation, warnings for what VOC cannot hold, the CLI."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import NAMES, datasets

import gtconvert
from gtconvert.cli import main
from gtconvert.errors import GtconvertWarning
from gtconvert.formats import voc
from gtconvert.formats.voc.writer import without_suffix
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report
from gtconvert.testing import assert_datasets_equal


def _quiet_write(ds: Dataset, path: Path, **options) -> Report:
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, path, **options)
    return report


def _integer_boxes(ds: Dataset) -> Dataset:
    """The same dataset with every box on whole pixels, at least one pixel wide, inside its image."""
    ann = ds.annotations.take(ds.annotations.kind == Kind.BOX)
    W = ds.images.width[ann.image]
    H = ds.images.height[ann.image]
    x = np.minimum(np.floor(ann.bbox[:, 0]), W - 1)
    y = np.minimum(np.floor(ann.bbox[:, 1]), H - 1)
    ann.bbox = np.column_stack(
        [x, y, np.clip(np.ceil(ann.bbox[:, 2]), 1, W - x), np.clip(np.ceil(ann.bbox[:, 3]), 1, H - y)]
    )
    return ds.replace(annotations=ann)


# ---------------------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(datasets(kinds=(Kind.BOX,)))
def test_integer_pixel_boxes_round_trip_exactly(tmp_path_factory, ds: Dataset) -> None:
    ds = _integer_boxes(ds)
    out = tmp_path_factory.mktemp("voc") / "v"
    _quiet_write(ds, out)
    back = voc.read(out)
    assert_datasets_equal(ds, back, annotation_fields=("id", "kind", "bbox", "iscrowd"))
    # integers in the XML, never "12.0"
    for xml in (out / "Annotations").rglob("*.xml"):
        for tag in ("xmin", "ymin", "xmax", "ymax"):
            for node in ET.parse(xml).getroot().iter(tag):
                assert node.text.isdigit()


@settings(max_examples=40, deadline=None)
@given(datasets(kinds=(Kind.BOX,)))
def test_float_boxes_round_trip(tmp_path_factory, ds: Dataset) -> None:
    keep = (ds.annotations.bbox[:, 2] > 0) & (ds.annotations.bbox[:, 3] > 0)
    ds = ds.replace(annotations=ds.annotations.take(keep))
    out = tmp_path_factory.mktemp("voc") / "v"
    _quiet_write(ds, out)
    assert_datasets_equal(ds, voc.read(out), atol=1e-9, annotation_fields=("id", "kind", "bbox", "iscrowd"))


# ---------------------------------------------------------------------------------------
# devkit conventions, checked without our reader
# ---------------------------------------------------------------------------------------


def _devkit_check(out: Path) -> None:
    stems = set()
    for xml in (out / "Annotations").rglob("*.xml"):
        assert xml.read_bytes().startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        root = ET.parse(xml).getroot()
        assert root.tag == "annotation"
        assert root.findtext("filename")
        W, H = int(root.findtext("size/width")), int(root.findtext("size/height"))
        assert int(root.findtext("size/depth")) in (1, 3)
        for obj in root.findall("object"):
            assert obj.findtext("name")
            assert obj.findtext("difficult") in ("0", "1")
            assert obj.findtext("truncated") in ("0", "1")
            box = [float(obj.findtext(f"bndbox/{t}")) for t in ("xmin", "ymin", "xmax", "ymax")]
            assert 1 <= box[0] and box[2] <= W and 1 <= box[1] and box[3] <= H  # 1-based, inside
        stems.add(xml.relative_to(out / "Annotations").with_suffix("").as_posix())
    for listing in (out / "ImageSets" / "Main").glob("*.txt"):
        assert set(listing.read_text(encoding="utf-8").split()) <= stems


def test_devkit_conventions_and_hand_values(tmp_path: Path) -> None:
    # COCO [0, 0, 1, 1] is the first pixel: VOC (1, 1, 1, 1); [10.5, 2, 3, 4] -> (11.5, 3, 13.5, 6)
    ds = Dataset(
        Images.create(["a.jpg", "none.jpg"], width=[640, 20], height=[480, 10], id=[4, 5]),
        [Category(id=15, name="person"), Category(id=2, name="Straße")],
        Annotations.create(
            [0, 0, 0], [0, 1, 0], Kind.BOX, id=[1, 2, 3],
            bbox=[[0, 0, 1, 1], [10.5, 2, 3, 4], [0, 0, 640, 480]],
            attributes=[{"difficult": 1, "pose": "Left", "colour": "red"}, None, None],
        ),
    )  # fmt: skip
    _quiet_write(ds, tmp_path / "v", split={"train": 0.5, "val": 0.5})
    _devkit_check(tmp_path / "v")
    root = ET.parse(tmp_path / "v" / "Annotations" / "a.xml").getroot()
    boxes = [
        [o.findtext(f"bndbox/{t}") for t in ("xmin", "ymin", "xmax", "ymax")] for o in root.findall("object")
    ]
    assert boxes == [["1", "1", "1", "1"], ["11.5", "3", "13.5", "6"], ["1", "1", "640", "480"]]
    first = root.findall("object")[0]
    assert (first.findtext("difficult"), first.findtext("pose")) == ("1", "Left")
    assert first.findtext("attributes/attribute/name") == "colour"
    assert root.findall("object")[1].findtext("name") == "Straße"
    empty = ET.parse(tmp_path / "v" / "Annotations" / "none.xml").getroot()
    assert empty.findall("object") == []
    back = voc.read(tmp_path / "v")
    assert [(c.id, c.name) for c in back.categories] == [(15, "person"), (2, "Straße")]
    row = int(np.flatnonzero(back.annotations.id == 1)[0])
    assert back.annotations.attributes[row] == {"difficult": 1, "pose": "Left", "colour": "red"}


def test_shapes_as_boxes_warn_once_with_count_and_option(tmp_path: Path) -> None:
    tri = np.array([[1, 1], [5, 1], [1, 5]], dtype=float)
    ds = Dataset(
        Images.create(["t.png"], width=[8], height=[8]),
        [Category(id=1, name="a")],
        Annotations.create([0, 0, 0], 0, Kind.POLYGON, parts=[[tri], [tri], [tri]], bbox=[[1, 1, 4, 4]] * 3),
    )
    report = _quiet_write(ds, tmp_path / "v")
    events = [e for e in report.events if e.code == "voc.shapes_as_boxes"]
    assert len(events) == 1 and events[0].count == 3
    assert "3 polygons" in events[0].message and "--masks" in events[0].message


def test_decimal_boxes_inside_the_image_are_not_called_truncated(tmp_path: Path) -> None:
    # 483.45 + 132.58 - 483.45 == 132.57999999999998: re-deriving w must not count as clipping
    boxes = [[483.45, 49.37, 132.58, 118.5], [0.1, 0.2, 1279.8, 719.7], [1200.3, 700.6, 100, 50]]
    ds = Dataset(
        Images.create(["d.jpg"], width=[1280], height=[720]),
        [Category(id=1, name="a")],
        Annotations.create([0, 0, 0], 0, Kind.BOX, bbox=boxes),
    )
    report = _quiet_write(ds, tmp_path / "v")
    assert report.count("voc.clipped") == 1  # only the third box reaches past the border
    objects = ET.parse(tmp_path / "v" / "Annotations" / "d.xml").getroot().findall("object")
    assert [o.findtext("truncated") for o in objects] == ["0", "0", "1"]
    assert objects[0].find("bndbox").findtext("xmax") == "616.03"  # 483.45 + 132.58, as written
    with Report() as yolo_report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        gtconvert.write(ds, tmp_path / "y", "yolo")
    assert yolo_report.count("yolo.clipped") == 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(NAMES | st.sampled_from([".hidden", "a.", "a.b.c", "x.tar.gz"]), min_size=1, max_size=3).map(
        "/".join
    )
)
def test_an_xml_file_is_named_by_the_image_name_without_suffix(name: str) -> None:
    path = PurePosixPath(name)
    assert without_suffix(name) == (str(path.with_suffix("")) if path.suffix else name)


def test_cli_converts_coco_to_voc_with_masks(tmp_path: Path) -> None:
    tri = np.array([[1, 1], [9, 1], [9, 9]], dtype=float)
    ds = Dataset(
        Images.create(["a.jpg", "b.jpg"], width=[32, 32], height=[24, 24], id=[1, 2]),
        [Category(id=5, name="x")],
        Annotations.create([0], 0, Kind.POLYGON, id=[7], parts=[[tri]], bbox=[[1, 1, 8, 8]]),
    )
    gtconvert.write(ds, tmp_path / "in.json")
    out = tmp_path / "out"
    assert main(["convert", str(tmp_path / "in.json"), str(out), "--to", "voc", "--masks"]) == 0
    assert (out / "Annotations" / "a.xml").is_file() and (out / "Annotations" / "b.xml").is_file()
    assert (out / "SegmentationObject" / "a.png").is_file()
    back = tmp_path / "back.json"
    assert main(["convert", str(out), str(back), "--from", "voc"]) == 0
    again = gtconvert.read(back)
    assert again.category_ids().tolist() == [5] and again.annotations.id.tolist() == [7]
    assert again.annotations.kind.tolist() == [Kind.MASK]
