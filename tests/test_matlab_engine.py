"""The engine bridge, run for real against a stand-in engine that executes the .m code in Octave.

Only the apps' windows are absent: the stand-in's ``imageLabeler``/``imageSegmenter`` record what
they were opened with, and a scheduled action plays the person who exports to the workspace.
"""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pytest
from PIL import Image

from gtconvert import GtconvertError, cli, matlab_engine
from gtconvert.matlab_engine import MatlabSession, label_specs
from gtconvert.model import Kind

from .octave_engine import OCTAVE, OctaveEngine

needs_octave = pytest.mark.skipif(OCTAVE is None, reason="octave-cli is not installed")


@pytest.fixture
def engine():
    eng = OctaveEngine()
    yield eng
    eng.quit()


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "derm"
    folder.mkdir()
    for name, (h, w) in {"img1.png": (6, 8), "img2.png": (10, 12)}.items():
        Image.fromarray(np.zeros((h, w), np.uint8)).save(folder / name)
    return folder


def session(engine, tmp_path, **kw) -> MatlabSession:
    return MatlabSession(engine=engine, workdir=tmp_path / "work", poll=0.01, out=io.StringIO(), **kw)


# ---- without MATLAB ----------------------------------------------------------------------


def test_without_engine_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matlab.engine", None)  # import fails as when not installed
    with pytest.raises(GtconvertError, match=r"pip install gtconvert\[matlab\]"):
        MatlabSession()


def test_label_specs():
    assert label_specs(["lesion", "sticker:polygon", ("road", "Line")]) == (
        ["lesion", "sticker", "road"],
        ["Rectangle", "Polygon", "Line"],
    )
    for bad in (["x:Blob"], [":Rectangle"], []):
        with pytest.raises(GtconvertError):
            label_specs(bad)


# ---- with the Octave stand-in ------------------------------------------------------------


@needs_octave
def test_label_images_round_trip(engine, images, tmp_path):
    # the "person" draws a box on image 1 and a polygon and a box on image 2, then exports
    engine.schedule(
        "global gtconvertStandInApp; gTruth = gtconvertStandInApp;"
        "gTruth.LabelData(1).lesion = [2 2 4 3];"
        "gTruth.LabelData(2).sticker = {[1 1; 6 1; 6 6]};"
        "gTruth.LabelData(2).trafficLight = [1 1 2 2];",
        after_polls=3,
    )
    s = session(engine, tmp_path)
    ds = s.label_images(images, labels=["lesion", "sticker:Polygon", "traffic light"])

    polls = [c for c in engine.calls if "exist(" in c]
    assert len(polls) >= 3, "the bridge polled until the export appeared"
    assert "Export" in s.out.getvalue() and "gTruth" in s.out.getvalue()
    assert [c.name for c in ds.categories] == ["lesion", "sticker", "traffic light"]
    assert [c.type for c in ds.categories] == ["rectangle", "polygon", "rectangle"]
    assert list(ds.images.file_name) == ["img1.png", "img2.png"]
    assert list(ds.images.width) == [8, 12] and list(ds.images.height) == [6, 10]
    ann = ds.annotations
    assert len(ann) == 3
    box = np.flatnonzero(ann.category == 0)[0]
    np.testing.assert_array_equal(ann.bbox[box], [1, 1, 4, 3])  # MATLAB [2 2 4 3] -> COCO x-1, y-1
    poly = np.flatnonzero(ann.kind == Kind.POLYGON)[0]
    np.testing.assert_array_equal(ann.parts(poly)[0], [[0.5, 0.5], [5.5, 0.5], [5.5, 5.5]])
    assert ann.image[poly] == 1


@needs_octave
def test_app_receives_the_label_definitions(engine, images, tmp_path):
    # the person exports without drawing anything: both images come back, as negatives
    engine.schedule("global gtconvertStandInApp; gTruth = gtconvertStandInApp;", after_polls=1)
    s = session(engine, tmp_path)
    ds = s.label_images(images, labels=["lesion", "sticker:PixelLabel"])
    names = s.value("strjoin({gtconvertStandInApp.LabelDefinitions.Name}, ',')")
    assert names == "lesion,sticker"
    assert s.value("numel(gtconvertStandInApp.DataSource.Source)") == 2
    assert [c.name for c in ds.categories] == ["lesion", "sticker"]
    assert ds.categories[1].type == "pixel" and ds.categories[1].pixel_id == (1,)
    assert len(ds.images) == 2 and len(ds.annotations) == 0


@needs_octave
def test_segment_images(engine, images, tmp_path):
    first = np.zeros((6, 8), bool)
    first[1:3, 1:5] = True
    engine.schedule("BW = false(6, 8); BW(2:3, 2:5) = true;", after_polls=2)
    engine.schedule("BW = false(10, 12);", after_polls=1)  # nothing on image 2
    s = session(engine, tmp_path)
    files = [images / "img1.png", images / "img2.png"]
    ds = s.segment_images(files, label="lesion")
    assert [c.name for c in ds.categories] == ["lesion"]
    assert len(ds.images) == 2
    ann = ds.annotations
    assert len(ann) == 1 and ann.kind[0] == Kind.PIXEL_REF and ann.image[0] == 0
    ref = ann.pixel_ref[0]
    png = np.asarray(Image.open(ref.path))
    np.testing.assert_array_equal(png == ref.value[0], first)  # no shift for masks
    assert not s.has_variable("gtconvertMasks"), "the bridge cleans up after itself"


@needs_octave
def test_timeout_and_errors(engine, images, tmp_path):
    s = session(engine, tmp_path)
    with pytest.raises(GtconvertError, match="no variable 'gTruth'"):
        s.label_images(images, labels=["lesion"], timeout=0.2)
    with pytest.raises(GtconvertError, match="No images"):
        s.label_images(tmp_path / "work", labels=["lesion"])
    with pytest.raises(GtconvertError, match="not a MATLAB variable name"):
        s.dataset("1; delete x")
    s.eval("x = 42;")
    with pytest.raises(GtconvertError, match="Cannot export a double"):
        s.dataset("x")
    s.quit()
    with pytest.raises(GtconvertError, match="ended"):
        s.eval("1")


@needs_octave
def test_cli_label(engine, images, tmp_path, monkeypatch):
    engine.schedule(
        "global gtconvertStandInApp; gTruth = gtconvertStandInApp; gTruth.LabelData(2).sticker = [3 3 2 2];",
        after_polls=1,
    )
    monkeypatch.setattr(matlab_engine, "_start_engine", lambda desktop, shared: engine)
    out = tmp_path / "out.json"
    code = cli.main(["label", str(images), "--labels", "lesion,sticker", "-o", str(out), "--to", "coco"])
    assert code == 0
    coco = json.loads(out.read_text())
    assert [c["name"] for c in coco["categories"]] == ["lesion", "sticker"]
    (a,) = coco["annotations"]
    assert a["bbox"] == [2, 2, 2, 2]
    image = next(i for i in coco["images"] if i["id"] == a["image_id"])
    assert image["file_name"].endswith("img2.png")
