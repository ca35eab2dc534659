"""Interchange files written by Python, opened by the MATLAB code (``matlab/+gtconvert``) in Octave.

What ``importGroundTruth`` would build in MATLAB is its plain struct in Octave (no toolbox):
pixel labels from COCO masks fill the ``PixelLabelData`` column with label PNGs that hold the
labels' ``PixelLabelID``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert

from ..test_octave import OCTAVE, octave
from .test_matlab_pixel_writer import _coco, _masks

pytestmark = [pytest.mark.octave, pytest.mark.skipif(OCTAVE is None, reason="octave-cli is not installed")]


def _write(ds: gtconvert.Dataset, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, path, "matlab")


def test_import_ground_truth_gets_the_pixel_label_data(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(_coco(tmp_path, sky_id=[9]), "coco")
    _write(ds, tmp_path / "labels.mat")
    out = octave(
        "warning('off', 'gtconvert:importGroundTruth:noToolbox');\n"
        "g = gtconvert.importGroundTruth('labels.mat');\n"
        "f = g.LabelData(1).PixelLabelData; assert(ischar(f) && exist(f, 'file') == 2);\n"
        "L = imread(f); assert(isa(L, 'uint8'));\n"
        "ids = {g.LabelDefinitions.PixelLabelID}; names = {g.LabelDefinitions.Name};\n"
        "for k = 1:numel(names), printf('%s %d %d\\n', names{k}, ids{k}, nnz(L == ids{k})); end\n",
        tmp_path,
    )
    road_a, road_b, sky = _masks()
    counts = {
        line.split()[0]: (int(line.split()[1]), int(line.split()[2])) for line in out.split("\n") if line
    }
    assert counts == {"road": (7, int((road_a | road_b).sum())), "sky": (9, int(sky.sum()))}


def test_exported_again_the_pixel_labels_come_back(tmp_path: Path) -> None:
    """COCO masks -> interchange -> Octave's readInterchange + exportStruct -> Python: same pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(_coco(tmp_path, sky_id=[9]), "coco")
    _write(ds, tmp_path / "labels.mat")
    octave(
        "spec = gtconvert.internal.readInterchange('labels.mat');\n"
        "gtconvert.exportStruct(spec, 'again.mat', 'ReadImageSize', false, 'ImageSize', [20 30]);\n",
        tmp_path,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = gtconvert.read(tmp_path / "again.mat", "matlab")
        gtconvert.write(back, tmp_path / "back.json", "coco")
    areas = {
        a["category_id"]: a["area"] for a in json.loads((tmp_path / "back.json").read_text())["annotations"]
    }
    road_a, road_b, sky = _masks()
    assert areas == {1: int((road_a | road_b).sum()), 2: int(sky.sum())}
    assert np.array_equal([c.pixel_id for c in back.categories], [(7,), (9,)])


def _keypoints_mat(folder: Path) -> dict:
    """The fixed COCO keypoint document, written to ``folder/kp.mat`` as the interchange."""
    from .test_keypoints_coco import _fixed_doc

    doc = _fixed_doc()
    (folder / "kp.json").write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.convert(folder / "kp.json", folder / "kp.mat", dst_format="matlab")
    return doc


def test_keypoints_are_point_sublabels_in_matlab_and_come_back(tmp_path: Path) -> None:
    """COCO keypoints -> interchange -> Octave (Point sublabels of each box, visibility
    attribute) -> exportStruct -> Python: the same keypoints, names and skeleton."""
    doc = _keypoints_mat(tmp_path)
    out = octave(
        "spec = gtconvert.internal.readInterchange('kp.mat');\n"
        "people = spec.LabelData(1).person; assert(numel(people) == 3);\n"
        "assert(isequal(people(1).nose.Position, [10.5 20.5]) && people(1).nose.visibility == 2);\n"
        "assert(isempty(people(2).l_eye) && people(2).nose.visibility == 1);\n"
        "assert(isempty(people(3).nose) && isequal(people(3).Position, [1 1 50 50]));\n"
        "h = spec.LabelDefinitions(1).Hierarchy; assert(strcmp(h.r_eye.Type, 'Point'));\n"
        "gtconvert.exportStruct(spec, 'again.mat', 'ReadImageSize', false, 'ImageSize', [48 64]);\n"
        "disp('ok')",
        tmp_path,
    )
    assert "ok" in out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.convert(tmp_path / "again.mat", tmp_path / "back.json", dst_format="coco")
    back = json.loads((tmp_path / "back.json").read_text())
    assert back["categories"][0]["keypoints"] == doc["categories"][0]["keypoints"]
    assert back["categories"][0]["skeleton"] == doc["categories"][0]["skeleton"]
    assert [a.get("keypoints") for a in back["annotations"]] == [
        a.get("keypoints") for a in doc["annotations"]
    ]


def test_empty_cells_keep_their_shape_through_python(tmp_path: Path) -> None:
    """Octave export (0x4 boxes, 0x1 structs) -> Python read and write -> Octave: same shapes."""
    octave(
        "s.DataSource = struct('Source', {{'a.png'; 'b.png'}}, 'TimeStamps', [], 'SourceType', 'ImageCollection');\n"
        "s.LabelDefinitions = struct('Name', {'car'; 'tree'}, 'Type', {'Rectangle'; 'Rectangle'}, "
        "'LabelColor', {[1 0 0]; [0 1 0]}, 'Group', 'None', 'Description', '', "
        "'Hierarchy', {struct('Type', 'Rectangle', 'Description', '', 'old', struct('DefaultValue', false, "
        "'Description', '')); []});\n"
        "s.LabelData = struct('car', {struct('Position', {[1 2 3 4]}, 'old', {true}); "
        "struct('Position', cell(0, 1), 'old', cell(0, 1))}, 'tree', {zeros(0, 4); [5 5 2 2]});\n"
        "gtconvert.exportStruct(s, 'in.mat', 'ReadImageSize', false, 'ImageSize', [30 40; 30 40]);\n",
        tmp_path,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(tmp_path / "in.mat", "matlab")
        gtconvert.write(ds, tmp_path / "py.mat", "matlab")
    out = octave(
        "spec = gtconvert.internal.readInterchange('py.mat');\n"
        "printf('%s|%dx%d|%s|%dx%d\\n', class(spec.LabelData(1).tree), size(spec.LabelData(1).tree), "
        "class(spec.LabelData(2).car), size(spec.LabelData(2).car));\n",
        tmp_path,
    )
    assert out.strip().splitlines()[-1] == "double|0x4|struct|0x1"


def test_keypoint_training_data_in_octave(tmp_path: Path) -> None:
    """gtconvert.keypointTrainingData: per image the boxes and each object's K-by-3 [x y v]
    (MATLAB frame: COCO + 0.5; unlabelled points 0 0 0), names in sublabel order."""
    doc = _keypoints_mat(tmp_path)
    out = octave(
        "warning('off', 'all');\n"
        "g = gtconvert.importGroundTruth('kp.mat');\n"
        "d = gtconvert.keypointTrainingData(g, 'person');\n"
        "printf('%s\\n', strjoin(d.keypointNames', ','));\n"
        "printf('%g ', d.boxes{1}'); printf('\\n');\n"
        "for m = 1:numel(d.keypoints{1}), printf('%g ', d.keypoints{1}{m}'); printf('\\n'); end\n",
        tmp_path,
    )
    lines = out.strip().splitlines()[-5:]
    assert lines[0] == ",".join(doc["categories"][0]["keypoints"])
    boxes = np.array(lines[1].split(), float).reshape(-1, 4)
    np.testing.assert_array_equal(
        boxes, [np.r_[a["bbox"][:2], 0, 0] + [1, 1, *a["bbox"][2:]] for a in doc["annotations"]]
    )
    for line, ann in zip(lines[2:], doc["annotations"]):
        got = np.array(line.split(), float).reshape(-1, 3)
        coco = np.asarray(ann.get("keypoints", [0] * 9), float).reshape(-1, 3)
        expected = np.where(coco[:, 2:] > 0, coco + np.array([0.5, 0.5, 0.0]), 0)
        np.testing.assert_array_equal(got, expected)
