"""Raw groundTruth files as the labelers save them (decoded through mat-io): each real file in
``shared/fixtures/matlab`` reads, agrees with an independent decode and with its other exports."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert.cli import main
from gtconvert.model import Kind

from .matlab_support import FIXTURES, needs_fixtures, read_quietly

ALL_MAT = sorted(FIXTURES.glob("*/*.mat"))
GROUND_TRUTHS = [
    "satellite-pixellabel/gTruth.mat",
    "ivan-polygon/gTruthV1.mat",
    "ssduckk-rect-line/SamplegTruth.mat",
    "iris-rect-scene/gTruth.mat",
    "helmet-video/gTruth.mat",
    "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat",
]

pytestmark = needs_fixtures


def _independent_counts(path: Path) -> dict[str, int]:
    """Objects per label, walking the saveobj struct with mat-io directly (not our decoder)."""
    import matio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = matio.load_from_mat(str(path))
    obj = next(v for k, v in data.items() if not k.startswith("__"))
    saved = obj.properties["any"][0, 0]
    defs, rows = saved["LabelDefinitions"], saved["LabelData"]
    counts = {}
    for d in defs.ravel():
        name = str(np.asarray(d["Name"]).ravel()[0])
        kind = d["Type"].ravel()[0].name
        if kind == "PixelLabel":
            continue
        n = 0
        for r in rows.ravel():
            v = r[name]
            if kind == "Scene":
                n += int(bool(np.asarray(v).ravel()[0])) if np.size(v) else 0
            elif kind in ("Line", "Polygon"):
                n += v.size if v.dtype == object else int(v.size > 0)
            else:
                n += v.shape[0] if v.size else 0
        counts[name] = n
    return counts


@pytest.mark.parametrize("path", ALL_MAT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_reads(path: Path) -> None:
    ds = read_quietly(path)
    assert len(ds.categories) > 0
    assert ds.info["summary"]["source"]
    if len(ds.annotations):
        assert ds.annotations.category.max() < len(ds.categories)
        assert ds.annotations.image.max() < len(ds.images)


@pytest.mark.parametrize("rel", GROUND_TRUTHS)
def test_counts_equal_independent_decode(rel: str) -> None:
    path = FIXTURES / rel
    ds = read_quietly(path)
    got = {c["name"]: c["count"] for c in ds.counts()["categories"]}
    for name, n in _independent_counts(path).items():
        assert got[name] == n, name


def test_table_export_equals_ground_truth() -> None:
    table = read_quietly(FIXTURES / "stopsigns-r2017b/stopSignsAndCars.mat")
    gt = read_quietly(FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat")
    a, b = table.to_pandas(), gt.to_pandas()
    cols = ["image_id", "category", "x", "y", "w", "h"]
    pd_a = a[cols].sort_values(cols).reset_index(drop=True)
    pd_b = b[cols].sort_values(cols).reset_index(drop=True)
    assert pd_a.equals(pd_b)


def test_mixed_definitions_table_reads_despite_the_mat_io_enum_bug() -> None:
    ds = read_quietly(FIXTURES / "ssduckk-rect-line/line1Definition.mat")
    types = {c.name: c.type for c in ds.categories}
    assert len(types) == 42
    assert types["Line"] == "line" and types["Truck"] == "rectangle"
    assert ds.categories[0].description == "트럭"


def test_flat_export_agrees_polygon_for_polygon() -> None:
    v1 = read_quietly(FIXTURES / "ivan-polygon/gTruthV1.mat")
    flat = read_quietly(FIXTURES / "ivan-polygon/gTruth_py_flat.mat")

    def polygons(ds: gtconvert.Dataset) -> dict[tuple[str, str], list[np.ndarray]]:
        out: dict[tuple[str, str], list[np.ndarray]] = {}
        ann = ds.annotations
        for i in range(len(ann)):
            key = (Path(ds.images.file_name[ann.image[i]]).name, ds.categories[ann.category[i]].name)
            out.setdefault(key, []).extend(ann.parts(i))
        return out

    pa, pb = polygons(v1), polygons(flat)
    shared_images = {Path(f).name for f in v1.images.file_name} & {
        Path(f).name for f in flat.images.file_name
    }
    assert len(shared_images) > 100
    compared = 0
    for key, parts in pa.items():
        if key[0] in shared_images:
            other = pb.get(key, [])
            assert len(other) == len(parts), key
            for p, q in zip(parts, other):
                assert np.array_equal(p, q), key
            compared += len(parts)
    assert compared > 10


def test_merge_false_reads_the_first_object(tmp_path: Path) -> None:
    ds = read_quietly(FIXTURES / "iris-rect-scene/gTruth.mat", merge=False)
    assert len(ds.images) == 142


@pytest.mark.parametrize("path", ALL_MAT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cli_info(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "(matlab)" in out and "source:" in out


@pytest.mark.parametrize("rel", [*GROUND_TRUTHS, "stopsigns-r2017b/stopSignsAndCars.mat"])
def test_cli_convert_to_coco_loads_in_pycocotools(rel: str, tmp_path: Path) -> None:
    from pycocotools.coco import COCO

    out = tmp_path / "out.json"
    assert main(["convert", str(FIXTURES / rel), str(out), "--to", "coco", "--image-size", "640x480"]) == 0
    coco = COCO(str(out))
    ds = read_quietly(FIXTURES / rel)
    writable = ~np.isin(ds.annotations.kind, [Kind.TAG, Kind.POLYLINE, Kind.POINT])
    assert len(coco.getAnnIds()) == int(writable.sum())
    for ann in coco.loadAnns(coco.getAnnIds()[:20]):
        if "segmentation" in ann:
            assert coco.annToMask(ann).shape == (
                coco.imgs[ann["image_id"]]["height"],
                coco.imgs[ann["image_id"]]["width"],
            )
    json.loads(out.read_text())


def test_reading_a_mat_file_in_a_fresh_process_prints_only_our_lines(tmp_path: Path) -> None:
    """mat-io sets a pandas option at import that pandas 3 deprecates: the CLI showed that warning
    as a line of its own on every first MATLAB read (the suite, which imports mat-io early, hid it)."""
    import subprocess
    import sys

    bad = tmp_path / "gt.mat"
    bad.write_bytes(b"MATLAB 5.0 MAT-file" + b" " * 109 + b"\x00\x01IM" + b"\x0f\x00\x00\x00\xff\xff")
    res = subprocess.run(
        [sys.executable, "-W", "always", "-m", "gtconvert", "info", str(bad)], capture_output=True, text=True
    )
    assert res.returncode == 2
    assert "infer_string" not in res.stderr
    assert res.stderr.strip().splitlines()[0].startswith("error: "), res.stderr
