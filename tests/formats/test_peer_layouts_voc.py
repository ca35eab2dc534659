"""Pascal VOC folders as other tools write them: zero-based corners (Datumaro, CVAT, globox,
labelme, Roboflow), RGB segmentation PNGs, PNGs that cannot be read, images listed without an
XML, person parts and actions. Every fixture is made here, in the layout of its writer."""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gtconvert
import gtconvert.registry
from gtconvert import geometry, validate
from gtconvert.cli import main
from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.formats import voc
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report

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
    (root / "ImageSets" / "Main" / "default.txt").write_text(
        "".join(f"{s}\n" for s in boxes), encoding="utf-8"
    )
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


def test_origin_is_one_option_for_the_library_and_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
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


# ---- RGB segmentation PNGs (Datumaro, CVAT) -------------------------------------------------

_VOC_RGB = {1: (128, 0, 0), 2: (0, 128, 0), 3: (128, 128, 0), 8: (64, 0, 0), 12: (64, 0, 128)}
_VOID_RGB = (224, 224, 192)


def _rgb_png(path: Path, labels: np.ndarray, colours: dict[int, tuple[int, int, int]]) -> None:
    """An RGB PNG painting label k in ``colours[k]`` (0 black, 255 the VOC void colour)."""
    rgb = np.zeros((*labels.shape, 3), dtype=np.uint8)
    for k, c in {**colours, 255: _VOID_RGB}.items():
        rgb[labels == k] = c
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb, "RGB").save(path)


def _two_instances() -> tuple[np.ndarray, np.ndarray]:
    """Instance 1 (a cat) left, instance 2 (a dog) right, a void border on the first."""
    inst = np.zeros((30, 40), dtype=np.int64)
    inst[2:10, 3:12] = 1
    inst[2, 3:12] = 255
    inst[15:25, 20:35] = 2
    cls = np.where(inst == 1, 1, np.where(inst == 2, 2, inst))
    return inst, cls


def cvat_mask_export(root: Path) -> Path:
    """CVAT's "Segmentation mask 1.1" (Datumaro's voc_segmentation, apply_colormap): no XML,
    RGB class PNGs in the label map's colours, RGB instance PNGs in the VOC colour map."""
    inst, cls = _two_instances()
    (root / "ImageSets" / "Segmentation").mkdir(parents=True)
    (root / "ImageSets" / "Segmentation" / "default.txt").write_text("frame_000\n", encoding="utf-8")
    (root / "labelmap.txt").write_text(
        "# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:250,50,83::\ndog:51,221,255::\n",
        encoding="utf-8",
    )
    _rgb_png(root / "SegmentationClass" / "frame_000.png", cls, {1: (250, 50, 83), 2: (51, 221, 255)})
    _rgb_png(root / "SegmentationObject" / "frame_000.png", inst, _VOC_RGB)
    return root


def _mask(ds: Dataset, row: int) -> np.ndarray:
    return geometry.rle_decode(ds.annotations.rle[row]).astype(bool)


def test_cvat_segmentation_mask_export_is_read_as_masks(tmp_path: Path) -> None:
    root = cvat_mask_export(tmp_path / "cvat")
    assert gtconvert.registry.detect(root).name == "voc"
    with Report() as report:
        ds = voc.read(root)
    assert report.events == []  # void is not an unknown colour
    inst, _ = _two_instances()
    assert ds.images.file_name.tolist() == ["frame_000.jpg"]
    assert (ds.images.width[0], ds.images.height[0]) == (40, 30)  # from the PNG: no image, no XML
    assert ds.images.extra[0] == {"split": "default"}
    assert [ds.categories[c].name for c in ds.annotations.category] == ["cat", "dog"]
    assert (ds.annotations.kind == Kind.MASK).all()
    for row, value in enumerate((1, 2)):
        np.testing.assert_array_equal(_mask(ds, row), inst == value)
    np.testing.assert_array_equal(ds.annotations.bbox[1], [20, 15, 15, 10])


def test_datumaro_rgb_instances_pair_with_xml_objects(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 3, 2, 9, 8), ("dog", 20, 15, 15, 10)]})
    inst, cls = _two_instances()
    _rgb_png(root / "SegmentationObject" / "a.png", inst, _VOC_RGB)
    _rgb_png(root / "SegmentationClass" / "a.png", cls, {1: (128, 0, 0), 2: (128, 0, 0)})
    ds = voc.read(root, origin="zero")
    assert [ds.categories[c].name for c in ds.annotations.category] == ["cat", "dog"]
    for row, value in enumerate((1, 2)):
        assert ds.annotations.kind[row] == Kind.MASK
        np.testing.assert_array_equal(_mask(ds, row), inst == value)
    np.testing.assert_array_equal(ds.annotations.bbox[0], [3, 2, 9, 8])  # the XML's box stays


def test_without_labelmap_rgb_classes_are_the_voc_classes(tmp_path: Path) -> None:
    inst, _ = _two_instances()
    cls = np.where(inst == 1, 8, np.where(inst == 2, 12, inst))  # VOC: 8 = cat, 12 = dog
    _rgb_png(tmp_path / "v" / "SegmentationClass" / "x.png", cls, _VOC_RGB)
    _rgb_png(tmp_path / "v" / "SegmentationObject" / "x.png", inst, _VOC_RGB)
    (tmp_path / "v" / "ImageSets" / "Segmentation").mkdir(parents=True)
    (tmp_path / "v" / "ImageSets" / "Segmentation" / "train.txt").write_text("x\n", encoding="utf-8")
    ds = voc.read(tmp_path / "v")
    assert [ds.categories[c].name for c in ds.annotations.category] == ["cat", "dog"]


def test_class_png_alone_gives_one_mask_per_class(tmp_path: Path) -> None:
    _, cls = _two_instances()
    cvat = cvat_mask_export(tmp_path / "cvat")
    (cvat / "SegmentationObject" / "frame_000.png").unlink()
    ds = voc.read(cvat)
    assert [ds.categories[c].name for c in ds.annotations.category] == ["cat", "dog"]
    np.testing.assert_array_equal(_mask(ds, 1), cls == 2)


def test_unknown_colours_are_counted(tmp_path: Path) -> None:
    root = cvat_mask_export(tmp_path / "cvat")
    png = root / "SegmentationClass" / "frame_000.png"
    rgb = np.asarray(Image.open(png)).copy()
    rgb[28:30, 0:5] = (1, 2, 3)  # 10 pixels of a colour the label map does not have
    Image.fromarray(rgb).save(png)
    with Report() as report:
        voc.read(root)
    events = {e.code: e for e in report.events}
    assert events["voc.masks_unknown_colour"].count == 10


def test_palette_pngs_still_pair_by_value(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 3, 2, 9, 8), ("dog", 20, 15, 15, 10)]})
    inst, _ = _two_instances()
    (root / "SegmentationObject").mkdir()
    im = Image.fromarray(inst.astype(np.uint8), "P")
    im.putpalette(bytes(np.asarray([(0, 0, 0), *_VOC_RGB.values()] * 40, dtype=np.uint8).ravel()[:768]))
    im.save(root / "SegmentationObject" / "a.png")
    ds = voc.read(root)
    np.testing.assert_array_equal(_mask(ds, 1), inst == 2)


# ---- a PNG that cannot be read --------------------------------------------------------------


def test_an_unreadable_png_leaves_the_boxes_and_names_the_file(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 3, 2, 9, 8)], "b": [("dog", 1, 1, 5, 5)]})
    (root / "SegmentationObject").mkdir()
    (root / "SegmentationObject" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    inst, _ = _two_instances()
    _rgb_png(root / "SegmentationObject" / "b.png", inst, _VOC_RGB)
    with Report() as report, warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        ds = voc.read(root, origin="zero")
    assert ds.annotations.kind.tolist() == [Kind.BOX, Kind.MASK]  # b's PNG still read
    np.testing.assert_array_equal(ds.annotations.bbox[0], [3, 2, 9, 8])
    events = {e.code: e for e in report.events}
    assert events["voc.masks_unreadable"].count == 1
    assert "a.png" in events["voc.masks_unreadable"].message


# ---- images listed without an XML -------------------------------------------------------------


def test_listed_images_without_xml_are_kept_empty(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 3, 2, 9, 8)]})
    (root / "ImageSets" / "Main" / "train.txt").write_text("a\nb\nc d\n", encoding="utf-8")
    (root / "JPEGImages").mkdir()
    Image.new("RGB", (40, 30)).save(root / "JPEGImages" / "b.png")
    ds = voc.read(root)
    assert ds.images.file_name.tolist() == ["a.jpg", "b.png", "c d.jpg"]
    assert ds.images.width.tolist() == [64, 40, 0] and ds.images.height.tolist() == [48, 30, 0]
    assert ds.annotations.image.tolist() == [0]
    assert [e["split"] for e in ds.images.extra] == ["default", "train", "train"]
    found = {f.code: f for f in validate.check(ds)}
    assert found["image.unknown_size"].examples == ["c d.jpg"]


def test_per_class_lists_name_images_by_their_first_column(tmp_path: Path) -> None:
    root = datumaro_folder(tmp_path / "dm", {"a": [("cat", 3, 2, 9, 8)]})
    (root / "ImageSets" / "Main" / "cat_train.txt").write_text("a  1\nz -1\n", encoding="utf-8")
    assert voc.read(root).images.file_name.tolist() == ["a.jpg", "z.jpg"]


# ---- labelmap.txt -----------------------------------------------------------------------------


def test_a_background_category_is_listed_once(tmp_path: Path) -> None:
    square = [np.array([[2, 2], [12, 2], [12, 12], [2, 12]], dtype=np.float64)]
    img = Images.create(["a.jpg"], width=[40], height=[30])
    ann = Annotations.create(
        [0, 0],
        [0, 1],
        Kind.POLYGON,
        bbox=[[2, 2, 10, 10], [20, 15, 10, 10]],
        parts=[square, [square[0] + [18, 13]]],
    )
    ds = Dataset(img, [Category(1, "background"), Category(2, "cat")], ann)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, tmp_path / "v", masks=True)
    lines = [
        ln for ln in (tmp_path / "v" / "labelmap.txt").read_text().splitlines() if not ln.startswith("#")
    ]
    assert [ln.split(":")[0] for ln in lines] == ["background", "cat"]
    assert lines[1] == "cat:128,0,0::"
    cls = np.asarray(Image.open(tmp_path / "v" / "SegmentationClass" / "a.png"))
    assert set(np.unique(cls).tolist()) == {0, 1}  # background pixels are 0, cat pixels 1
    assert cls[20, 25] == 1
    back = voc.read(tmp_path / "v")
    assert [c.name for c in back.categories] == ["background", "cat"]


def test_our_labelmap_loads_in_datumaro(tmp_path: Path) -> None:
    pytest.importorskip("datumaro")
    from datumaro.plugins.data_formats.voc.format import parse_label_map

    voc.write(_boxes_dataset(), tmp_path / "v")
    assert list(parse_label_map(str(tmp_path / "v" / "labelmap.txt"))) == ["background", "cat"]


# ---- person layout: parts and actions ---------------------------------------------------------

_LAYOUT_XML = """<annotation>
  <filename>2007_000170.jpg</filename>
  <size><width>500</width><height>375</height><depth>3</depth></size>
  <object>
    <name>person</name>
    <pose>Frontal</pose><truncated>0</truncated><difficult>0</difficult>
    <bndbox><xmin>10</xmin><ymin>20</ymin><xmax>200</xmax><ymax>300</ymax></bndbox>
    <part><name>head</name><bndbox><xmin>50</xmin><ymin>25</ymin><xmax>90</xmax><ymax>70</ymax></bndbox></part>
    <part><name>hand</name><bndbox><xmin>12</xmin><ymin>150</ymin><xmax>30</xmax><ymax>170</ymax></bndbox></part>
    <actions><jumping>1</jumping><phoning>0</phoning><reading>0</reading></actions>
  </object>
  <object>
    <name>dog</name>
    <bndbox><xmin>300</xmin><ymin>200</ymin><xmax>400</xmax><ymax>300</ymax></bndbox>
  </object>
</annotation>
"""


def voc_layout_folder(root: Path) -> Path:
    """The VOC devkit's person layout and action files (as in VOC2012's Layout/Action tasks)."""
    (root / "Annotations").mkdir(parents=True)
    (root / "Annotations" / "2007_000170.xml").write_text(_LAYOUT_XML, encoding="utf-8")
    (root / "ImageSets" / "Layout").mkdir(parents=True)
    (root / "ImageSets" / "Layout" / "train.txt").write_text("2007_000170 1\n", encoding="utf-8")
    return root


def test_parts_are_sub_objects_and_actions_attributes(tmp_path: Path) -> None:
    ds = voc.read(voc_layout_folder(tmp_path / "v"))
    ann, cats = ds.annotations, ds.categories
    assert [cats[c].name for c in ann.category] == ["person", "head", "hand", "dog"]
    assert ann.parent.tolist() == [-1, 0, 0, -1]
    assert [(c.name, c.parent) for c in cats] == [
        ("person", ""),
        ("head", "person"),
        ("hand", "person"),
        ("dog", ""),
    ]
    np.testing.assert_array_equal(ann.bbox[1], [49, 24, 41, 46])  # devkit corners, as the object's
    assert ann.attributes[0] == {"pose": "Frontal", "jumping": True, "phoning": False, "reading": False}
    assert cats[0].extra["voc_actions"] == ["jumping", "phoning", "reading"]
    assert ds.images.file_name.tolist() == ["2007_000170.jpg"]  # the Layout list names no new image


def test_parts_and_actions_are_written_back(tmp_path: Path) -> None:
    ds = voc.read(voc_layout_folder(tmp_path / "v"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, tmp_path / "out")
    top = ET.parse(tmp_path / "out" / "Annotations" / "2007_000170.xml").getroot()
    person = top.findall("object")[0]
    assert len(top.findall("object")) == 2  # parts are inside their object, not objects
    assert [p.findtext("name") for p in person.findall("part")] == ["head", "hand"]
    assert person.find("part/bndbox").findtext("xmin") == "50"
    assert {a.tag: a.text for a in person.find("actions")} == {"jumping": "1", "phoning": "0", "reading": "0"}
    assert person.find("attributes") is None  # actions are not written twice
    labelmap = (tmp_path / "out" / "labelmap.txt").read_text(encoding="utf-8")
    assert "person:128,0,0:head,hand:jumping,phoning,reading\n" in labelmap
    assert "\nhead:" not in labelmap  # a part is named on its parent's line only
    back = voc.read(tmp_path / "out")
    np.testing.assert_array_equal(back.annotations.bbox, ds.annotations.bbox)
    assert back.annotations.parent.tolist() == ds.annotations.parent.tolist()
    assert back.annotations.id.tolist() == ds.annotations.id.tolist()
    assert list(back.annotations.attributes) == list(ds.annotations.attributes)


def test_parts_from_another_order_are_nested_under_their_object(tmp_path: Path) -> None:
    img = Images.create(["a.jpg", "b.jpg"], width=[100, 100], height=[100, 100])
    boxes = [[1, 1, 5, 5], [10, 10, 50, 50], [20, 20, 5, 5], [0, 0, 80, 80]]
    ann = Annotations.create([0, 1, 0, 0], [1, 0, 0, 1], Kind.BOX, bbox=boxes, parent=[1, -1, -1, 2])
    cats = [Category(1, "person"), Category(2, "head", parent="person")]
    ds = Dataset(img, cats, ann)  # row 0's parent is on another image: it stays an object
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, tmp_path / "out")
    a = ET.parse(tmp_path / "out" / "Annotations" / "a.xml").getroot()
    assert [o.findtext("name") for o in a.findall("object")] == ["head", "person"]
    assert [p.findtext("name") for p in a.findall("object")[1].findall("part")] == ["head"]
    back = voc.read(tmp_path / "out")
    by_id = dict(zip(back.annotations.id.tolist(), back.annotations.parent.tolist()))
    assert by_id[4] == back.annotations.id.tolist().index(3) and by_id[1] == -1


def test_our_parts_actions_and_background_load_in_datumaro(tmp_path: Path) -> None:
    dm = pytest.importorskip("datumaro")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(voc.read(voc_layout_folder(tmp_path / "v")), tmp_path / "out", origin="zero")
    dataset = dm.Dataset.import_from(str(tmp_path / "out"), "voc")
    labels = dataset.categories()[dm.AnnotationType.label]
    (item,) = list(dataset)
    boxes = {labels[a.label].name: a for a in item.annotations if isinstance(a, dm.Bbox)}
    assert set(boxes) == {"person", "head", "hand", "dog"}
    assert boxes["head"].get_bbox() == [49.0, 24.0, 41.0, 46.0]
    assert boxes["person"].attributes["jumping"] is True and boxes["person"].attributes["phoning"] is False


def test_datumaros_own_rgb_segmentation_export_is_read(tmp_path: Path) -> None:
    """What CVAT's "Segmentation mask 1.1" runs: Datumaro's voc_segmentation, apply_colormap."""
    dm = pytest.importorskip("datumaro")
    from datumaro.components.media import Image as DmImage

    inst, _ = _two_instances()
    masks = [dm.Mask((inst == v).astype(np.uint8), label=v - 1, id=v, group=v) for v in (1, 2)]
    item = dm.DatasetItem(
        id="frame_000",
        subset="default",
        media=DmImage.from_numpy(np.zeros((30, 40, 3), np.uint8)),
        annotations=masks,
    )
    source = dm.Dataset.from_iterable([item], categories=["cat", "dog"])
    label_map = {
        "background": [(0, 0, 0), [], []],
        "cat": [(250, 50, 83), [], []],
        "dog": [(51, 221, 255), [], []],
    }
    source.export(
        str(tmp_path / "seg"), "voc_segmentation", save_media=True, apply_colormap=True, label_map=label_map
    )
    ds = gtconvert.read(tmp_path / "seg")
    assert [ds.categories[c].name for c in ds.annotations.category] == ["cat", "dog"]
    for row, value in enumerate((1, 2)):
        np.testing.assert_array_equal(_mask(ds, row), (inst == value) & (inst != 255))
