"""Pascal VOC in and out: exact 1-based boxes, devkit conventions, masks, foreign files, the CLI."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image
from strategies import datasets

import gtconvert
from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.formats import voc
from gtconvert.formats.voc import reader as voc_reader
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


@settings(max_examples=30, deadline=None)
@given(datasets(kinds=(Kind.BOX, Kind.POLYGON, Kind.MASK)))
def test_masks_come_back_from_segmentation_object(tmp_path_factory, ds: Dataset) -> None:
    out = tmp_path_factory.mktemp("voc") / "v"
    _quiet_write(ds, out, masks=True)
    back = voc.read(out)
    a, b = ds.annotations, back.annotations
    pos = {i: k for k, i in enumerate(b.id.tolist())}
    for r in range(len(ds.images)):
        h, w = int(ds.images.height[r]), int(ds.images.width[r])
        painted = np.zeros((h, w), dtype=bool)
        union = np.zeros((h, w), dtype=bool)
        for k in np.flatnonzero(a.image == r).tolist():
            if a.kind[k] == Kind.BOX:
                continue
            want = (
                geometry.polygons_to_mask(a.parts(k), h, w)
                if a.kind[k] == Kind.POLYGON
                else geometry.rle_decode(a.rle[k])
            ).astype(bool)
            painted |= want
            i = pos.get(int(a.id[k]))
            if i is not None and b.kind[i] == Kind.MASK:
                got = geometry.rle_decode(b.rle[i]).astype(bool)
                assert not (got & ~want).any()  # an object's pixels are its own (overlaps: later wins)
                union |= got
        assert np.array_equal(painted, union)  # together they cover exactly what was painted


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


def test_segmentation_pngs_are_palette_with_the_voc_colours(tmp_path: Path) -> None:
    square = np.array([[2, 2], [12, 2], [12, 12], [2, 12]], dtype=float)
    ds = Dataset(
        Images.create(["s.png"], width=[20], height=[16]),
        [Category(id=1, name="a"), Category(id=2, name="b")],
        Annotations.create([0, 0], [1, 0], [Kind.BOX, Kind.POLYGON], bbox=[[0, 0, 3, 3], [2, 2, 10, 10]],
                           parts=[[], [square]]),
    )  # fmt: skip
    report = _quiet_write(ds, tmp_path / "v", masks=True, void_border=1)
    obj = Image.open(tmp_path / "v" / "SegmentationObject" / "s.png")
    cls = Image.open(tmp_path / "v" / "SegmentationClass" / "s.png")
    assert obj.mode == "P" and cls.mode == "P"
    palette = np.array(obj.getpalette()[:12]).reshape(-1, 3).tolist()
    assert palette == [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]]  # the devkit's first colours
    o, c = np.asarray(obj), np.asarray(cls)
    assert o[7, 7] == 2 and c[7, 7] == 1  # the polygon is the 2nd object, class "a" -> 1
    assert o[2, 7] == 255 and o[0, 0] == 0  # void band on its border; the box is not painted
    assert report.count("voc.shapes_as_boxes") == 0
    assert (tmp_path / "v" / "ImageSets" / "Segmentation" / "trainval.txt").read_text() == "s\n"


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


# ---------------------------------------------------------------------------------------
# files written by other tools
# ---------------------------------------------------------------------------------------

_FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder>VOC2012</folder><filename>{name}</filename>
  {size}
  <object><name>Straße</name><pose>Frontal</pose><truncated>1</truncated><difficult>0</difficult>
    <bndbox><xmin>48.5</xmin><ymin>240</ymin><xmax>195.0</xmax><ymax>371</ymax></bndbox>
    <attributes><attribute><name>occluded</name><value>true</value></attribute></attributes>
  </object>
  <object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>
</annotation>
"""


def test_reads_float_coordinates_and_utf8_names(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    size = "<size><width>500</width><height>375</height><depth>3</depth></size>"
    (tmp_path / "Annotations" / "2007_000027.xml").write_text(
        _FOREIGN.format(name="2007_000027.jpg", size=size), encoding="utf-8"
    )
    assert voc.detect(str(tmp_path))
    ds = voc.read(tmp_path)
    assert [c.name for c in ds.categories] == ["Straße", "dog"]
    np.testing.assert_array_equal(ds.annotations.bbox, [[47.5, 239, 147.5, 132], [0, 0, 1, 1]])
    assert ds.annotations.attributes[0] == {"pose": "Frontal", "truncated": 1, "occluded": True}
    assert ds.images.width.tolist() == [500]


def test_missing_size_needs_image_or_option(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "Annotations" / "x.xml").write_text(_FOREIGN.format(name="x.jpg", size=""), encoding="utf-8")
    with pytest.raises(GtconvertError, match=r"x\.xml"):
        voc.read(tmp_path)
    assert voc.read(tmp_path, image_size=(300, 400)).images.height.tolist() == [400]
    (tmp_path / "JPEGImages").mkdir()
    Image.new("RGB", (320, 240)).save(tmp_path / "JPEGImages" / "x.jpg")
    assert voc.read(tmp_path).images.width.tolist() == [320]


def test_hostile_xml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><annotation>&y;</annotation>'
    )
    (tmp_path / "Annotations" / "b.xml").write_text(bomb)
    with pytest.raises(GtconvertError, match=r"b\.xml"):
        voc.read(tmp_path)


def test_a_dtd_is_refused_before_parsing(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "Annotations").mkdir()
    doc = '<?xml version="1.0"?><!DOCTYPE annotation SYSTEM "http://example.com/x.dtd"><annotation/>'
    (tmp_path / "Annotations" / "d.xml").write_text(doc)

    def no_parsing(**_: object) -> None:
        raise AssertionError("the parser was started")

    monkeypatch.setattr(voc_reader, "defused_parser", no_parsing)
    with pytest.raises(GtconvertError, match=r"d\.xml.*declares a DTD"):
        voc.read(tmp_path)


_XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n<>&'\""), max_size=8
)
_TAGS = st.sampled_from(
    ["annotation", "object", "name", "bndbox", "xmin", "pose", "a-b", "x.y", "\u00e9t\u00e9"]
)


@st.composite
def _elements(draw, depth: int = 0) -> ET.Element:  # type: ignore[no-untyped-def]
    node = ET.Element(draw(_TAGS), draw(st.dictionaries(_TAGS, _XML_TEXT, max_size=2)))
    node.text = draw(st.none() | _XML_TEXT)
    node.tail = draw(st.none() | _XML_TEXT) if depth else None
    if depth < 3:
        node.extend(draw(st.lists(_elements(depth + 1), max_size=3)))
    return node


@settings(max_examples=60, deadline=None)
@given(_elements(), st.sampled_from(["utf-8", "utf-16", "iso-8859-1"]))
def test_fast_defused_parser_builds_the_tree_defusedxml_builds(root: ET.Element, encoding: str) -> None:
    from defusedxml import ElementTree as DET

    try:
        data = ET.tostring(root, encoding=encoding, xml_declaration=True)
    except UnicodeEncodeError:
        assume(False)
    parser = voc_reader.defused_parser(namespaced=False)
    parser.feed(data)
    assert ET.tostring(parser.close()) == ET.tostring(DET.fromstring(data))


_EDGES = """<annotation>
  <filename> a.jpg </filename><size><width> 40 </width><height>30</height></size>
  <object><name> cat </name><name>dog</name><pose/><truncated>1</truncated><difficult>  </difficult>
    <bndbox><xmin> 2 </xmin><ymin>3.5</ymin><xmax>10</xmax><ymax>8</ymax><xmin>99</xmin></bndbox>
    <attributes><attribute><name>colour</name><value>red</value></attribute></attributes>
    <attributes><attribute><name>n</name><value>2</value></attribute></attributes>
  </object>
</annotation>
"""


def test_object_fields_read_as_find_would(tmp_path: Path) -> None:
    # first of repeated tags wins, text is stripped, empty fields are absent, whitespace-only kept
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "Annotations" / "a.xml").write_text(_EDGES)
    ds = voc.read(tmp_path)
    assert ds.images.file_name.tolist() == ["a.jpg"] and ds.images.width.tolist() == [40]
    assert [c.name for c in ds.categories] == ["cat"]
    np.testing.assert_array_equal(ds.annotations.bbox, [[1, 2.5, 9, 5.5]])
    assert ds.annotations.attributes[0] == {"truncated": 1, "difficult": "", "colour": "red", "n": 2}
    (tmp_path / "Annotations" / "a.xml").write_text(_EDGES.replace("<ymin>3.5</ymin>", "<ymin/>"))
    with pytest.raises(GtconvertError, match=r"object 1 \(cat\): <ymin> is missing"):
        voc.read(tmp_path)
    (tmp_path / "Annotations" / "a.xml").write_text(_EDGES.replace("<ymin>3.5</ymin>", "<ymin> </ymin>"))
    with pytest.raises(GtconvertError, match=r"object 1 \(cat\): <ymin> is '', not a number"):
        voc.read(tmp_path)


def test_the_bad_box_named_is_the_first_one(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    good = _EDGES.replace("</annotation>", "")
    bad = "<object><name>dog</name><bndbox><xmin>9</xmin><ymin>1</ymin><xmax>{}</xmax><ymax>5</ymax></bndbox></object>"
    for stem, extra in (("a", ""), ("b", bad.format(1) + bad.format("x")), ("c", bad.format("inf"))):
        (tmp_path / "Annotations" / f"{stem}.xml").write_text(good + extra + "</annotation>")
    with pytest.raises(GtconvertError, match=r"b\.xml: object 2 \(dog\): xmax 1 < xmin 9 - 1"):
        voc.read(tmp_path)
    (tmp_path / "Annotations" / "b.xml").write_text(good + bad.format(8) + bad.format("x") + "</annotation>")
    with pytest.raises(GtconvertError, match=r"b\.xml: object 3 \(dog\): <xmax> is 'x', not a number"):
        voc.read(tmp_path)
    (tmp_path / "Annotations" / "b.xml").write_text(good + "</annotation>")
    with pytest.raises(
        GtconvertError, match=r"c\.xml: object 2 \(dog\): <xmax> is 'inf', not a finite number"
    ):
        voc.read(tmp_path)


def test_namespaced_files_keep_the_plain_defusedxml_path(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    doc = _EDGES.replace("<annotation>", '<annotation xmlns:x="urn:x"><x:note>hi</x:note>', 1)
    (tmp_path / "Annotations" / "a.xml").write_text(doc)
    assert voc.read(tmp_path).annotations.attributes[0]["colour"] == "red"


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
