"""The byte-level VOC reader (``voc.xml_fast``) against its oracle, the tree reader: on
generated documents, in and outside the subset it reads, both give the same document, and
the fast reader declines (None) whatever it does not read exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert.errors import GtconvertError
from gtconvert.formats.voc import xml_fast, xml_parse

ANN = Path("/data/Annotations")
PATH = ANN / "sub" / "img.xml"

_text = st.text(
    st.characters(codec="utf-8", exclude_characters="<>&\r\x00", exclude_categories=("Cs", "Cc")), max_size=8
)
_number = st.one_of(
    st.integers(-5, 2000).map(str),
    st.floats(-10, 2000, allow_nan=False).map(repr),
    st.sampled_from(["", " 12 ", "x", "1e3", "nan"]),
)
_space = st.sampled_from(["", " ", "\n    ", "\t", "\r\n  "])


@st.composite
def objects(draw: st.DrawFn) -> str:
    sp = draw(_space)
    fields = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["pose", "truncated", "difficult", "occluded"]),
                st.sampled_from(["0", "1", "Frontal", " 1 ", "", "Unspecified", "true"]),
            ),
            max_size=4,
        )
    )
    corners = draw(st.lists(_number, min_size=4, max_size=4))
    name = draw(st.one_of(_text, st.sampled_from(["cat", " dog ", "Straße"])))
    parts = [f"<name>{name}</name>"] + [f"<{k}>{v}</{k}>" for k, v in fields]
    box = sp.join(f"<{t}>{v}</{t}>" for t, v in zip(("xmin", "ymin", "xmax", "ymax"), corners))
    parts.append(f"<bndbox>{sp}{box}{sp}</bndbox>")
    extra = draw(
        st.sampled_from(
            [
                "<part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>",
                "<actions><jumping>1</jumping></actions>",
                "<attributes><attribute><name>a</name><value>3</value></attribute></attributes>",
                "<!-- note -->",
                "<extra/>",
            ]
        )
        if draw(st.integers(0, 5)) == 0
        else st.just("")
    )
    if extra:
        parts.insert(draw(st.integers(0, len(parts))), extra)
    return "<object>" + sp + sp.join(parts) + sp + "</object>"


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    sp = draw(_space)
    head = draw(
        st.sampled_from(
            [
                '<?xml version="1.0" encoding="utf-8"?>\n',
                '<?xml version="1.0"?>',
                "",
                "\ufeff",
                '<?xml version="1.0" encoding="ISO-8859-1"?>',
            ]
        )
    )
    root = draw(st.sampled_from(["<annotation>", '<annotation verified="yes">']))
    filename = draw(
        st.sampled_from(
            [
                "",
                "<filename>a.jpg</filename>",
                "<filename> b c.png </filename>",
                "<filename></filename>",
                "<source><filename>x.jpg</filename></source>",
            ]
        )
    )
    size = draw(
        st.sampled_from(
            [
                "",
                "<size><width>640</width><height>480</height><depth>3</depth></size>",
                "<size><height>48</height></size>",
                "<size><width>6.5</width><height>x</height></size>",
            ]
        )
    )
    body = [filename, size, *draw(st.lists(objects(), max_size=4))]
    if draw(st.booleans()):
        body.insert(draw(st.integers(0, len(body))), "<segmented>0</segmented>")
    if draw(st.integers(0, 9)) == 0:
        body.insert(draw(st.integers(0, len(body))), "<group>" + draw(objects()) + "</group>")
    if draw(st.integers(0, 9)) == 0:
        body.append("<!-- end -->")
    if draw(st.integers(0, 9)) == 0:
        body.append("&amp;")
    text = head + root + sp + sp.join(b for b in body if b) + sp + "</annotation>\n"
    encoding = "latin-1" if "ISO-8859-1" in head else "utf-8"
    return text.encode(encoding, errors="replace")


def _outcome(fn, data: bytes):
    try:
        return fn(data)
    except GtconvertError as exc:
        return ("error", str(exc).split(":")[0])


@settings(max_examples=400, deadline=None)
@given(documents())
def test_the_fast_reader_gives_the_tree_readers_document(data: bytes) -> None:
    tree = _outcome(lambda d: xml_parse.parse_tree(d, PATH, ANN), data)
    either = _outcome(lambda d: xml_parse._parse_xml(d, PATH, ANN, ({}, {})), data)
    if isinstance(tree, dict) and isinstance(either, dict):
        either = {
            **either,
            "box_text": [[t.decode() if isinstance(t, bytes) else t for t in b] for b in either["box_text"]],
        }
        tree = {**tree, "box_text": [list(b) for b in tree["box_text"]]}
        either["box_text"] = [list(b) for b in either["box_text"]]
    assert either == tree


def test_the_common_files_take_the_fast_path() -> None:
    plain = (
        b'<?xml version="1.0" encoding="utf-8"?>\r\n<annotation>\r\n<filename>a.jpg</filename>'
        b"<size><width>640</width><height>480</height></size>"
        b"<object><name>cat</name><pose>Left</pose><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object>\r\n"
        b"<object><name>dog</name><bndbox><xmin>5</xmin><ymin>6</ymin><xmax>7</xmax><ymax>8</ymax></bndbox></object>"
        b"</annotation>"
    )
    assert xml_fast.well_formed(plain)
    filename, size, found = xml_fast.parse(plain)
    assert (filename, size) == (b"a.jpg", (b"640", b"480"))
    assert [(f[0], f[2:6]) for f in found] == [
        (b"cat", (b"1", b"2", b"3", b"4")),
        (b"dog", (b"5", b"6", b"7", b"8")),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"<annotation><object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>",
        b"<annotation><group><object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object></group></annotation>",
        b"<annotation><filename>a&amp;b.jpg</filename></annotation>",
        b'<?xml version="1.0" encoding="latin-1"?><annotation/>',
        b"<annotation><source><filename>x</filename></source></annotation>",
    ],
)
def test_the_fast_reader_declines_what_it_does_not_read(data: bytes) -> None:
    assert not xml_fast.well_formed(data) or xml_fast.parse(data) is None


def test_a_dtd_trips_defusedxmls_guards() -> None:
    from defusedxml.common import DTDForbidden

    with pytest.raises(DTDForbidden):
        xml_fast.well_formed(b'<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a ANY>]><a/>')


def test_the_files_of_common_writers_take_the_fast_path(tmp_path: Path) -> None:
    """gtconvert's own files, Datumaro's (lxml, pretty-printed) and LabelImg's layout."""
    import warnings

    import numpy as np

    from gtconvert.errors import GtconvertWarning
    from gtconvert.formats import voc
    from gtconvert.model import Annotations, Category, Dataset, Images, Kind

    ds = Dataset(
        Images.create(["a.jpg", "b.jpg"], width=[64, 64], height=[48, 48]),
        [Category(1, "cat"), Category(2, "Straße & Söhne")],
        Annotations.create(
            [0, 0, 1], [0, 1, 0], Kind.BOX, bbox=np.array([[0, 0, 10, 5], [20.5, 3, 4, 4], [1, 2, 3, 4]])
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, tmp_path / "v")
    ours = (tmp_path / "v" / "Annotations" / "a.xml").read_bytes()
    datumaro = (
        b"<annotation>\n  <folder></folder>\n  <filename>a.jpg</filename>\n  <source>\n    <database>Unknown"
        b"</database>\n  </source>\n  <size>\n    <width>64</width>\n    <height>48</height>\n    <depth></depth>\n"
        b"  </size>\n  <segmented>0</segmented>\n  <object>\n    <name>cat</name>\n    <truncated>0</truncated>\n"
        b"    <occluded>0</occluded>\n    <difficult>0</difficult>\n    <bndbox>\n      <xmin>0.0</xmin>\n"
        b"      <ymin>0.0</ymin>\n      <xmax>10.0</xmax>\n      <ymax>5.0</ymax>\n    </bndbox>\n  </object>\n</annotation>\n"
    )
    labelimg = (
        b'<annotation verified="no">\n\t<folder>imgs</folder>\n\t<filename>a.jpg</filename>\n\t<path>/x/a.jpg</path>\n'
        b"\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n\t<size>\n\t\t<width>64</width>\n"
        b"\t\t<height>48</height>\n\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>\n\t<object>\n"
        b"\t\t<name>cat</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n"
        b"\t\t<bndbox>\n\t\t\t<xmin>1</xmin>\n\t\t\t<ymin>1</ymin>\n\t\t\t<xmax>10</xmax>\n\t\t\t<ymax>5</ymax>\n"
        b"\t\t</bndbox>\n\t</object>\n</annotation>\n"
    )
    assert b"&amp;" in ours  # an escaped name: the tree reader's, and the same document
    assert xml_fast.parse(ours) is None
    for data in ((tmp_path / "v" / "Annotations" / "b.xml").read_bytes(), datumaro, labelimg):
        assert xml_fast.well_formed(data)
        found = xml_fast.parse(data)
        assert found is not None and found[1] == (b"64", b"48")
        assert (
            xml_parse._parse_xml(data, PATH, ANN, ({}, {}))["names"]
            == xml_parse.parse_tree(data, PATH, ANN)["names"]
        )
