"""The real MATLAB files in ../shared/fixtures/matlab: each reads, and agrees with an independent decode."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import Report
from gtconvert.cli import main
from gtconvert.model import Kind

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "matlab"
ALL_MAT = sorted(FIXTURES.glob("*/*.mat"))
GROUND_TRUTHS = [
    "satellite-pixellabel/gTruth.mat",
    "ivan-polygon/gTruthV1.mat",
    "ssduckk-rect-line/SamplegTruth.mat",
    "iris-rect-scene/gTruth.mat",
    "helmet-video/gTruth.mat",
    "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat",
]

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared MATLAB fixtures not present")


def _read(path: Path, **opts) -> gtconvert.Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gtconvert.read(path, **opts)


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
    ds = _read(path)
    assert len(ds.categories) > 0
    assert ds.info["summary"]["source"]
    if len(ds.annotations):
        assert ds.annotations.category.max() < len(ds.categories)
        assert ds.annotations.image.max() < len(ds.images)


@pytest.mark.parametrize("rel", GROUND_TRUTHS)
def test_counts_equal_independent_decode(rel: str) -> None:
    path = FIXTURES / rel
    ds = _read(path)
    got = {c["name"]: c["count"] for c in ds.counts()["categories"]}
    for name, n in _independent_counts(path).items():
        assert got[name] == n, name


def test_boxes_follow_the_rule() -> None:
    ds = _read(FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat")
    df = ds.to_pandas()
    first = df[(df.image_id == 1) & (df.category == "stopSign")].iloc[0]
    # LabelData(1).stopSign = [856 318 39 41] (pixel-index box) -> COCO [855 317 39 41]
    assert [first.x, first.y, first.w, first.h] == [855.0, 317.0, 39.0, 41.0]


def test_fractional_video_boxes_are_kept() -> None:
    ds = _read(FIXTURES / "helmet-video/gTruth.mat")
    frame88 = ds.to_pandas().query("image_id == 88").iloc[0]
    # LabelData(88).Helmet = [26.625 182.40625 51.5625 165.59375]
    assert [frame88.x, frame88.y, frame88.w, frame88.h] == pytest.approx(
        [25.625, 181.40625, 51.5625, 165.59375], abs=1e-9
    )  # stored as 26.62499999999997: floats kept, not rounded
    assert ds.images.time[87] == pytest.approx(87 / 30, abs=1e-3)
    assert ds.images.file_name[0].startswith("metmovie_")


def test_border_quirk_is_undone_when_the_size_is_known() -> None:
    from gtconvert.geometry import matlab_boxes_to_coco_border

    boxes = np.array([[1, 232.5, 205, 128], [10, 10, 5, 5]])
    out, fixed = matlab_boxes_to_coco_border(boxes, 640, 360)
    assert out[0].tolist() == [0.0, 232.0, 205.0, 128.0]  # ends on the bottom border
    assert out[1].tolist() == [9.0, 9.0, 5.0, 5.0]
    assert fixed.tolist() == [True, False]
    _, none = matlab_boxes_to_coco_border(boxes, 0, 0)
    assert not none.any()


def test_table_export_equals_ground_truth() -> None:
    table = _read(FIXTURES / "stopsigns-r2017b/stopSignsAndCars.mat")
    gt = _read(FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat")
    a, b = table.to_pandas(), gt.to_pandas()
    cols = ["image_id", "category", "x", "y", "w", "h"]
    pd_a = a[cols].sort_values(cols).reset_index(drop=True)
    pd_b = b[cols].sort_values(cols).reset_index(drop=True)
    assert pd_a.equals(pd_b)


def test_mixed_definitions_table_reads_despite_the_mat_io_enum_bug() -> None:
    ds = _read(FIXTURES / "ssduckk-rect-line/line1Definition.mat")
    types = {c.name: c.type for c in ds.categories}
    assert len(types) == 42
    assert types["Line"] == "line" and types["Truck"] == "rectangle"
    assert ds.categories[0].description == "트럭"


def test_flat_export_agrees_polygon_for_polygon() -> None:
    v1 = _read(FIXTURES / "ivan-polygon/gTruthV1.mat")
    flat = _read(FIXTURES / "ivan-polygon/gTruth_py_flat.mat")

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


def test_pixel_labels_keep_their_areas(tmp_path: Path) -> None:
    from PIL import Image

    from gtconvert.geometry import rle_area
    from gtconvert.pixels import encode_pixel_refs

    ds = _read(FIXTURES / "satellite-pixellabel/gTruth.mat")
    ann = ds.annotations
    assert set(ann.kind.tolist()) == {Kind.PIXEL_REF}
    assert (ds.images.width[0], ds.images.height[0]) == Image.open(ann.pixel_ref[0].path).size
    rows = np.flatnonzero(ann.image < 3)
    rles = encode_pixel_refs([ann.pixel_ref[i] for i in rows], workers=1)
    for i, _rle, area in zip(rows, rles, rle_area(rles)):
        png = np.asarray(Image.open(ann.pixel_ref[i].path))
        value = ds.categories[ann.category[i]].pixel_id[0]
        assert area == np.count_nonzero(png == value)


def test_pixel_instances_split_components() -> None:
    ds = _read(FIXTURES / "satellite-pixellabel/gTruth.mat", instances=True, every=8)
    ann = ds.annotations
    assert len(ds.images) == 2
    assert (ann.kind == Kind.MASK).all() and len(ann) > 2 * len(ds.categories)


def test_images_folder_resolves_paths_and_sizes(tmp_path: Path) -> None:
    from PIL import Image

    src = FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat"
    folder = tmp_path / "photos" / "stopSignImages"
    folder.mkdir(parents=True)
    for i in range(1, 41):  # image041 missing on purpose
        Image.new("L", (64 + i, 48)).save(folder / f"image{i:03d}.jpg")
    with Report() as rep:
        ds = _read(src, images=str(tmp_path / "photos"))
    assert ds.images.file_name[0] == "stopSignImages/image001.jpg"
    assert ds.images.width[0] == 65 and ds.images.height[0] == 48
    assert rep.count("matlab.unresolved_images") == 1


def test_merge_false_reads_the_first_object(tmp_path: Path) -> None:
    ds = _read(FIXTURES / "iris-rect-scene/gTruth.mat", merge=False)
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
    ds = _read(FIXTURES / rel)
    writable = ~np.isin(ds.annotations.kind, [Kind.TAG, Kind.POLYLINE, Kind.POINT])
    assert len(coco.getAnnIds()) == int(writable.sum())
    for ann in coco.loadAnns(coco.getAnnIds()[:20]):
        if "segmentation" in ann:
            assert coco.annToMask(ann).shape == (
                coco.imgs[ann["image_id"]]["height"],
                coco.imgs[ann["image_id"]]["width"],
            )
    json.loads(out.read_text())


def test_paths_on_several_drives_become_relative_names(tmp_path: Path) -> None:
    """The iris file mixes C: and E: paths; without --images the names must still be relative."""
    from gtconvert.cli import main

    src = FIXTURES / "iris-rect-scene" / "gTruth.mat"
    ds = gtconvert.read(src, image_size=(320, 280))
    names = ds.images.file_name.tolist()
    assert all(not n.startswith("/") and ":" not in n for n in names)
    assert len(set(names)) == len(names)
    assert main(["convert", str(src), str(tmp_path / "yolo"), "--to", "yolo", "--image-size", "320x280"]) == 0
    assert len(list((tmp_path / "yolo" / "labels").rglob("*.txt"))) == len(names)
