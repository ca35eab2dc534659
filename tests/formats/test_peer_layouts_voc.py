"""Pascal VOC folders as other tools write them: zero-based corners (Datumaro, CVAT, globox,
labelme, Roboflow), RGB segmentation PNGs, PNGs that cannot be read, images listed without an
XML, person parts and actions. Every fixture is made here, in the layout of its writer."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import validate
from gtconvert.cli import main
from gtconvert.errors import GtconvertError
from gtconvert.formats import voc
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

# Datumaro's exporter (lxml, pretty-printed): coordinates as str(float), the corners as they
# are (x, y, x + w, y + h), pose only when known, the three flags always.
_DATUMARO_XML = """<annotation>
  <folder></folder>
  <filename>{stem}.jpg</filename>
  <source><database>Unknown</database><annotation>Unknown</annotation><image>Unknown</image></source>
  <size><width>{w}</width><height>{h}</height><depth></depth></size>
  <segmented>0</segmented>
{objects}</annotation>
"""
_DATUMARO_OBJECT = """  <object>
    <name>{name}</name>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>0</difficult>
    <bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox>
  </object>
"""


def datumaro_folder(root: Path, boxes: dict[str, list[tuple[str, float, float, float, float]]]) -> Path:
    """A VOC folder as Datumaro writes it: Annotations, ImageSets/Main/default.txt, labelmap.txt."""
    (root / "Annotations").mkdir(parents=True)
    (root / "ImageSets" / "Main").mkdir(parents=True)
    for stem, objects in boxes.items():
        text = "".join(
            _DATUMARO_OBJECT.format(name=n, x0=float(x), y0=float(y), x1=float(x + w), y1=float(y + h))
            for n, x, y, w, h in objects
        )
        (root / "Annotations" / f"{stem}.xml").write_text(
            _DATUMARO_XML.format(stem=stem, w=64, h=48, objects=text), encoding="utf-8"
        )
    (root / "ImageSets" / "Main" / "default.txt").write_text("".join(f"{s}\n" for s in boxes), encoding="utf-8")
    names = dict.fromkeys(o[0] for objects in boxes.values() for o in objects)
    (root / "labelmap.txt").write_text(
        "# label:color_rgb:parts:actions\nbackground:0,0,0::\n" + "".join(f"{n}:128,0,0::\n" for n in names),
        encoding="utf-8",
    )
    return root


# ---- origin -------------------------------------------------------------------------------


def test_zero_origin_reads_corners_as_datumaro_does(tmp_path: Path) -> None:
    boxes = {"a": [("cat", 0, 0, 10, 5), ("dog", 20.5, 3, 4, 4)], "b": [("cat", 54, 38, 10, 10)]}
    root = datumaro_folder(tmp_path / "dm", boxes)
    ds = voc.read(root, origin="zero")
    expected = [[x, y, w, h] for objects in boxes.values() for _, x, y, w, h in objects]
    np.testing.assert_array_equal(ds.annotations.bbox, expected)
    assert ds.info["voc"]["origin"] == "zero"
    assert [f.code for f in validate.check(ds) if f.code != "image.missing"] == []


def test_devkit_origin_is_the_default_and_validate_names_the_telltale(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 0, 7, 10, 5), ("cat", 5, 5, 3, 3)]})
    ds = voc.read(root)
    assert ds.info["voc"]["origin"] == "devkit"
    np.testing.assert_array_equal(ds.annotations.bbox, [[-1, 6, 11, 6], [4, 4, 4, 4]])
    found = {f.code: f for f in validate.check(ds)}
    assert found["voc.zero_based"].count == 1
    assert "--origin zero" in found["voc.zero_based"].message
    assert "annotation 1 on a.jpg" in found["voc.zero_based"].examples


def test_origin_is_one_option_for_the_library_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 0, 0, 10, 5)]})
    assert gtconvert.read(root, origin="zero").annotations.bbox.tolist() == [[0, 0, 10, 5]]
    assert main(["convert", str(root), str(tmp_path / "out.json"), "--origin", "zero"]) == 0
    coco = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert coco["annotations"][0]["bbox"] == [0, 0, 10, 5]
    assert main(["validate", str(root)]) == 1
    assert "voc.zero_based" in capsys.readouterr().out
    capsys.readouterr()
    main(["validate", str(root), "--origin", "zero"])
    assert "voc.zero_based" not in capsys.readouterr().out
    with pytest.raises(GtconvertError, match="--origin"):
        gtconvert.read(tmp_path / "out.json", origin="zero")  # COCO has no such option
    with pytest.raises(GtconvertError, match="unknown VOC origin"):
        voc.read(root, origin="one")


def _boxes_dataset() -> Dataset:
    img = Images.create(["a.jpg"], width=[64], height=[48])
    ann = Annotations.create([0, 0], [0, 0], Kind.BOX, bbox=[[0, 0, 10, 5], [20.5, 3, 4, 4]])
    return Dataset(img, [Category(1, "cat")], ann)


def test_zero_origin_writes_corners_and_reads_back(tmp_path: Path) -> None:
    voc.write(_boxes_dataset(), tmp_path / "z", origin="zero")
    tree = ET.parse(tmp_path / "z" / "Annotations" / "a.xml")
    corners = [[float(b.findtext(t)) for t in ("xmin", "ymin", "xmax", "ymax")] for b in tree.iter("bndbox")]
    assert corners == [[0, 0, 10, 5], [20.5, 3, 24.5, 7]]
    back = voc.read(tmp_path / "z")  # gtconvert.json records the origin
    np.testing.assert_array_equal(back.annotations.bbox, _boxes_dataset().annotations.bbox)
    voc.write(_boxes_dataset(), tmp_path / "d")
    devkit = ET.parse(tmp_path / "d" / "Annotations" / "a.xml")
    assert [b.findtext("xmin") for b in devkit.iter("bndbox")] == ["1", "21.5"]


def test_zero_origin_allows_no_inverted_box(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 5, 5, -0.5, 2)]})
    assert voc.read(root).annotations.bbox[0, 2] == pytest.approx(0.5)  # devkit: xmax = xmin - 0.5 is 0.5 px
    with pytest.raises(GtconvertError, match=r"xmax 4\.5 < xmin 5:"):
        voc.read(root, origin="zero")


def test_zero_origin_output_loads_in_datumaro(tmp_path: Path) -> None:
    dm = pytest.importorskip("datumaro")
    voc.write(_boxes_dataset(), tmp_path / "z", origin="zero")
    dataset = dm.Dataset.import_from(str(tmp_path / "z"), "voc_detection")
    boxes = sorted(a.get_bbox() for item in dataset for a in item.annotations)
    assert boxes == sorted(tuple(b) for b in _boxes_dataset().annotations.bbox.tolist())
