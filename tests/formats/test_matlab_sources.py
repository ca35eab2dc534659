"""Every groundTruth data source: image sequences read like collections (with their times),
custom readers and groundTruthMultisignal refused with the fix, Scene labels that are not
logical (numeric or text, R2026b) kept as the tag's ``value`` attribute.

The groundTruth payloads are built here as mat-io hands them over (structured numpy arrays of
the ``saveobj`` fields), so that :func:`raw.ground_truth` is tested without MATLAB.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import gtconvert
from gtconvert.formats.matlab import raw
from gtconvert.formats.matlab.paths import Folders
from gtconvert.formats.matlab.reader import to_dataset
from gtconvert.model import Kind

from ..test_octave import OCTAVE, octave


def _struct(rows: list[dict]) -> np.ndarray:
    """A struct array (n x 1) of mat-io's shape: every field an object."""
    names = list(rows[0])
    out = np.empty((len(rows), 1), dtype=[(n, object) for n in names])
    for i, r in enumerate(rows):
        for n in names:
            out[i, 0][n] = r[n]
    return out


def _saved(source, source_type: str, times, label_data: list[dict], defs: list[tuple[str, str]]) -> np.void:
    ds = _struct([{"Source": source, "TimeStamps": times, "SourceType": np.array([source_type])}])
    definitions = _struct([
        {"Name": np.array([n]), "Type": np.array([t]), "LabelColor": np.array([[1.0, 0, 0]]),
         "Group": np.array(["None"]), "Description": np.array([""])}
        for n, t in defs
    ])  # fmt: skip
    return _struct([{"DataSource": ds, "LabelDefinitions": definitions, "LabelData": _struct(label_data)}])[
        0, 0
    ]


def _read(saved: np.void, tmp_path: Path, **kwargs) -> gtconvert.Dataset:
    ic = raw.ground_truth(saved, "gTruth", tmp_path / "gTruth.mat", **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_dataset(ic, "gTruth", Folders(str(tmp_path), None))


def test_an_image_sequence_reads_like_a_collection_with_times(tmp_path: Path) -> None:
    seq = tmp_path / "seq"
    seq.mkdir()
    for name in ("f10.png", "f02.png", "f01.png"):
        Image.new("L", (40, 30)).save(seq / name)
    times = np.array([0, 500, 1250], dtype="timedelta64[ms]").reshape(3, 1)
    data = [
        {"car": np.array([[1.0, 2, 3, 4]])},
        {"car": np.zeros((0, 0))},
        {"car": np.array([[5.0, 5, 2, 2]])},
    ]
    ds = _read(_saved(np.array([str(seq)]), "ImageSequence", times, data, [("car", "Rectangle")]), tmp_path)
    assert list(ds.images.file_name) == ["f01.png", "f02.png", "f10.png"]  # sorted, as MATLAB lists them
    np.testing.assert_array_equal(ds.images.time, [0.0, 0.5, 1.25])
    assert (ds.images.width == 40).all() and ds.annotations.image.tolist() == [0, 2]


def test_an_image_sequence_without_its_images_needs_images(tmp_path: Path) -> None:
    data = [{"car": np.zeros((0, 0))}] * 2
    saved = _saved(
        np.array(["C:\\data\\seq"]), "ImageSequence", np.zeros((2, 1)), data, [("car", "Rectangle")]
    )
    with pytest.raises(gtconvert.GtconvertError, match="--images DIR holding the sequence"):
        _read(saved, tmp_path)


def test_a_custom_reader_source_is_refused_with_the_fix(tmp_path: Path) -> None:
    saved = _saved(np.array(["lidar.pcap"]), "CustomReader", np.zeros((1, 1)), [{"car": np.zeros((0, 0))}],
                   [("car", "Rectangle")])  # fmt: skip
    with pytest.raises(gtconvert.GtconvertError, match="'ImageFiles', files"):
        _read(saved, tmp_path)


def test_a_multisignal_ground_truth_is_refused_with_the_fix(tmp_path: Path, monkeypatch) -> None:
    fake = SimpleNamespace(classname="groundTruthMultisignal", properties={})
    monkeypatch.setattr(raw, "load_variables", lambda path: {"variables": {"gTruth": fake}, "problems": []})
    with pytest.raises(gtconvert.GtconvertError, match=r"groundTruthMultisignal.*gatherLabelData"):
        raw.decode(tmp_path / "x.mat")


def test_scene_labels_that_are_not_logical_are_kept_as_values(tmp_path: Path) -> None:
    data = [
        {"sunny": np.array([[True]]), "weather": np.array(["rain"]), "count": np.array([[3.0]])},
        {"sunny": np.array([[False]]), "weather": np.array(["sun"]), "count": np.array([[np.nan]])},
    ]
    defs = [("sunny", "Scene"), ("weather", "Scene"), ("count", "Scene")]
    files = np.empty((2, 1), dtype=object)
    files[0, 0], files[1, 0] = np.array(["a.png"]), np.array(["b.png"])
    ds = _read(_saved(files, "ImageCollection", np.zeros((0, 0)), data, defs), tmp_path)
    ann = ds.annotations
    assert (ann.kind == Kind.TAG).all()
    got = sorted(
        (int(i), ds.categories[c].name, str(a)) for i, c, a in zip(ann.image, ann.category, ann.attributes)
    )
    assert got == [
        (0, "count", "{'value': 3.0}"), (0, "sunny", "None"), (0, "weather", "{'value': 'rain'}"),
        (1, "weather", "{'value': 'sun'}"),
    ]  # fmt: skip


@pytest.mark.skipif(OCTAVE is None, reason="octave-cli is not installed")
def test_scene_values_survive_octave(tmp_path: Path) -> None:
    octave(
        "s.DataSource = struct('Source', {{'a.png'; 'b.png'}}, 'TimeStamps', [], 'SourceType', 'ImageCollection');\n"
        "s.LabelDefinitions = struct('Name', {'weather'; 'count'}, 'Type', {'Scene'; 'Scene'}, "
        "'LabelColor', {[1 0 0]; [0 1 0]}, 'Group', 'None', 'Description', '', 'Hierarchy', {[]; []});\n"
        "s.LabelData = struct('weather', {'rain'; 'sun'}, 'count', {3; NaN});\n"
        "gtconvert.exportStruct(s, 'in.mat', 'ReadImageSize', false, 'ImageSize', [30 40; 30 40]);\n"
        "spec = gtconvert.internal.readInterchange('in.mat');\n"
        "assert(strcmp(spec.LabelData(2).weather, 'sun') && spec.LabelData(1).count == 3);\n",
        tmp_path,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(tmp_path / "in.mat", "matlab")
    assert sorted(str(a) for a in ds.annotations.attributes) == [
        "{'value': 'rain'}",
        "{'value': 'sun'}",
        "{'value': 3}",
    ]
