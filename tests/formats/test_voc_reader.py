"""Reading Pascal VOC written by other tools: float coordinates, UTF-8 names, missing sizes,
hostile XML refused before parsing, fields read as ``find`` would, the first bad box named."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from gtconvert.errors import GtconvertError
from gtconvert.formats import voc
from gtconvert.formats.voc import xml_parse as voc_reader

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
