"""The exact text of VOC XML: numbers as integers or the shortest exact decimal, names escaped,
attributes in ``<attributes>``, checked against Python's own formatting and XML parser."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtconvert.errors import GtconvertWarning
from gtconvert.formats import voc
from gtconvert.formats.voc.xml_text import escape, number_texts
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**70), 2**70).map(float),  # whole numbers, some past 2**62
    st.integers(-(10**12), 10**12).map(lambda k: k / 1000),  # at most three decimals
    st.integers(0, 10**6).map(lambda k: k / 1000 + 1e9 - 500),  # around 1e9
    st.sampled_from([0.0, -0.0, 0.5, 1e-320, 0.1 + 0.2, 999999999.999, 2.0**62, 5e-324]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=40))
def test_number_texts_are_the_integer_or_repr(values: list[float]) -> None:
    v = np.array(values, dtype=np.float64)
    is_int = v == np.floor(v)  # the writer marks the integral values
    want = [str(int(x)) if i else repr(x) for x, i in zip(v.tolist(), is_int.tolist())]
    assert number_texts(v, is_int).tolist() == want
    assert number_texts(v.reshape(-1, 1), is_int.reshape(-1, 1)).tolist() == want  # any shape, flat out


def test_escape_is_saxutils_escape() -> None:
    from xml.sax.saxutils import escape as sax_escape

    for text in ["a&b", "<x>", "&amp;", "plain", "'\"", ""]:
        assert escape(text) == sax_escape(text)


NAMES = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("<>&'\""), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(NAMES, min_size=1, max_size=3, unique=True),
    st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=6),
)
def test_documents_parse_back_to_names_boxes_and_attributes(
    tmp_path_factory, names: list[str], objects: list[tuple[int, bool]]
) -> None:
    names = [n.strip() or "x" for n in names]
    cats = [Category(id=k + 1, name=n) for k, n in enumerate(dict.fromkeys(names))]
    cat_rows = [c % len(cats) for c, _ in objects]
    attributes = [{"colour": "r<&>d", "difficult": 1, "n": 2.5} if a else None for _, a in objects]
    boxes = [[1.5 * k, k, 3 + k, 4.25] for k in range(len(objects))]
    ds = Dataset(
        Images.create(["img&1.jpg"], width=[640], height=[480]),
        cats,
        Annotations.create([0] * len(objects), cat_rows, Kind.BOX, bbox=boxes, attributes=attributes),
    )
    out = tmp_path_factory.mktemp("voc") / "v"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, out)
    data = (out / "Annotations" / "img&1.xml").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n')
    root = ET.fromstring(data)
    assert root.findtext("filename") == "img&1.jpg"
    found = root.findall("object")
    assert [o.findtext("name") for o in found] == [cats[c].name for c in cat_rows]
    for o, box, attrs in zip(found, boxes, attributes):
        xyxy = [float(o.findtext(f"bndbox/{t}")) for t in ("xmin", "ymin", "xmax", "ymax")]
        assert xyxy == [box[0] + 1, box[1] + 1, box[0] + box[2], box[1] + box[3]]
        assert o.findtext("difficult") == ("1" if attrs else "0")
        extra = {a.findtext("name"): a.findtext("value") for a in o.iterfind("attributes/attribute")}
        assert extra == ({"colour": "r<&>d", "n": "2.5"} if attrs else {})


def test_every_standard_field_is_written_once_in_devkit_order(tmp_path: Path) -> None:
    ds = Dataset(
        Images.create(["a.jpg"], width=[50], height=[40]),
        [Category(id=1, name="a")],
        Annotations.create(
            [0, 0], 0, Kind.BOX, bbox=[[0, 0, 10, 10], [45, 0, 10, 10]],
            attributes=[{"occluded": True, "pose": "Left"}, None],
        ),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        voc.write(ds, tmp_path / "v")
    first, second = ET.parse(tmp_path / "v" / "Annotations" / "a.xml").getroot().findall("object")
    assert [c.tag for c in first] == ["name", "pose", "truncated", "difficult", "occluded", "bndbox"]
    assert [c.text for c in first][1:5] == ["Left", "0", "0", "true"]
    assert [c.tag for c in second] == ["name", "pose", "truncated", "difficult", "bndbox"]
    assert second.findtext("truncated") == "1"  # clipped at the right border
