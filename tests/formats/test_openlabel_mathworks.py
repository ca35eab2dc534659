"""OpenLABEL files as MATLAB's groundTruthToOpenLabel writes them, and as other tools do.

The fixtures in ``data/openlabel/`` are made by hand in the exact shape of
``groundTruthToOpenLabel``'s output (R2024a): objects numbered across label types, the image in
``object_data_pointers.shape.uri``, sublabels nested in the parent's shape entry, scene labels
as contexts (false ones included), pixel labels as a ``PixelLabel`` object naming its PNG, and
for video a ``Video`` stream with ``time_stamp`` texts. Every expected value below is worked out
by hand from MATLAB's values and the documented rule (MathWorks subtracts 1).
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import registry, report
from gtconvert.errors import GtconvertError
from gtconvert.model import Kind

DATA = Path(__file__).parent / "data" / "openlabel"


def _read(path: Path, **options) -> tuple[gtconvert.Dataset, report.Report]:
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path, **options)
    return ds, rep


def _by_category(ds: gtconvert.Dataset) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row, cat in enumerate(ds.annotations.category.tolist()):
        out.setdefault(ds.categories[cat].name, []).append(row)
    return out


@pytest.fixture
def images_file(tmp_path: Path) -> Path:
    """The image-collection fixture beside the label PNG it names (MATLAB's PixelLabelData)."""
    from PIL import Image

    path = tmp_path / "labels.json"
    shutil.copy(DATA / "mathworks_images.json", path)
    matrix = np.zeros((48, 64), dtype=np.uint8)
    matrix[10:20, 5:9] = 3  # sky (PixelLabelID 3)
    (tmp_path / "PixelLabelData").mkdir()
    Image.fromarray(matrix).save(tmp_path / "PixelLabelData" / "Label_1.png")
    return path


def test_mathworks_file_is_detected_as_openlabel_not_coco(images_file: Path) -> None:
    assert registry.detect(images_file).name == "openlabel"
    coco = images_file.with_name("coco.json")
    coco.write_text(
        json.dumps({"info": {"description": "openlabel"}, "images": [], "annotations": [], "categories": []})
    )
    assert registry.detect(coco).name == "coco"


def test_boxes_read_with_the_documented_rule(images_file: Path) -> None:
    ds, _ = _read(images_file)
    ann = ds.annotations
    rows = _by_category(ds)
    names = ds.images.file_name.tolist()
    # MATLAB [10 20 30 40] -> OpenLABEL centre [10-1+15, 20-1+20, 30, 40] -> COCO [9, 19, 30, 40]
    # MATLAB [1 1 640 480] (whole image) -> [320, 240, 640, 480] -> COCO [0, 0, 640, 480]
    boxes = {names[ann.image[r]]: ann.bbox[r].tolist() for r in rows["car"]}
    assert boxes == {"img1.jpg": [9.0, 19.0, 30.0, 40.0], "img2.jpg": [0.0, 0.0, 640.0, 480.0]}
    assert {names[ann.image[r]]: ann.attributes[r] for r in rows["car"]} == {
        "img1.jpg": {"occluded": True},
        "img2.jpg": {"occluded": False},
    }


def test_vertices_read_as_the_matlab_format_reads_them(images_file: Path) -> None:
    """MathWorks writes spatial v - 1; the default ("center") gives exact COCO v - 0.5."""
    ds, _ = _read(images_file)
    ann = ds.annotations
    rows = _by_category(ds)

    def parts(name: str) -> list[list[list[float]]]:
        return [p.tolist() for p in ann.parts(rows[name][0])]

    assert parts("road") == [
        [[0.0, 0.0], [100.0, 0.0], [50.0, 80.0]]
    ]  # MATLAB [0.5 0.5; 100.5 0.5; 50.5 80.5]
    assert parts("lane") == [[[1.0, 2.0], [10.0, 20.0]]]  # MATLAB [1.5 2.5; 10.5 20.5]
    assert parts("pt") == [[[5.0, 6.0]]]  # MATLAB [5.5 6.5]
    assert ann.kind[rows["road"][0]] == Kind.POLYGON and ann.kind[rows["lane"][0]] == Kind.POLYLINE
    # RotatedRectangle [100.5 50.5 20 10 30]: centre like a vertex, yaw back to degrees
    rbox = ann.rbox[rows["sign"][0]]
    assert rbox[:4].tolist() == [100.0, 50.0, 20.0, 10.0] and rbox[4] == pytest.approx(30.0, abs=1e-12)
    # ProjectedCuboid [10 10 20 20 15 15 20 20]: each face takes the box rule (COCO [9 9 20 20], ...)
    assert parts("box3d") == [
        [[9.0, 9.0], [29.0, 9.0], [29.0, 29.0], [9.0, 29.0]],
        [[14.0, 14.0], [34.0, 14.0], [34.0, 34.0], [14.0, 34.0]],
    ]
    assert ann.attributes[rows["pt"][0]] == {"kind": "b"}


def test_openlabel_convention_takes_the_file_values(images_file: Path) -> None:
    ds, _ = _read(images_file, vertex_convention="openlabel")
    rows = _by_category(ds)
    assert ds.annotations.parts(rows["pt"][0])[0].tolist() == [[4.5, 5.5]]
    assert ds.annotations.bbox[rows["car"][0]].tolist() == [
        9.0,
        19.0,
        30.0,
        40.0,
    ]  # boxes do not depend on it


def test_sublabels_scenes_and_pixel_labels(images_file: Path) -> None:
    ds, _ = _read(images_file)
    ann = ds.annotations
    rows = _by_category(ds)
    wheel = rows["wheel"][0]
    assert ann.kind[wheel] == Kind.POINT and ann.parts(wheel)[0].tolist() == [
        [12.0, 50.0]
    ]  # MATLAB (12.5, 50.5)
    assert ann.parent[wheel] in rows["car"] and ann.image[ann.parent[wheel]] == ann.image[wheel]
    assert ds.categories[ann.category[wheel]].parent == "car"
    names = ds.images.file_name.tolist()
    assert [names[ann.image[r]] for r in rows["sunny"]] == ["img1.jpg"]  # the false context is no tag
    assert ann.kind[rows["sunny"][0]] == Kind.TAG
    (sky,) = rows["sky"]
    assert ann.kind[sky] == Kind.PIXEL_REF and ann.pixel_ref[sky].value == (3,)
    assert Path(ann.pixel_ref[sky].path) == images_file.parent / "PixelLabelData" / "Label_1.png"
    assert len(set(ann.id.tolist())) == len(ann)  # object and context uids overlap; ids do not


def test_label_definitions_become_categories(images_file: Path) -> None:
    ds, _ = _read(images_file)
    cats = {c.name: c for c in ds.categories}
    car = cats["car"]
    assert (car.type, car.color, car.group, car.description) == (
        "rectangle",
        (1.0, 0.0, 0.0),
        "Vehicles",
        "a car",
    )
    assert car.attributes == [
        {"name": "occluded", "type": "logical", "default": False, "description": "hidden"}
    ]
    assert cats["pt"].attributes == [
        {"name": "kind", "type": "list", "list_items": ["a", "b"], "description": ""}
    ]
    assert (cats["wheel"].parent, cats["wheel"].type, cats["wheel"].color) == (
        "car",
        "point",
        (0.0, 1.0, 0.0),
    )
    assert cats["sky"].pixel_id == (3,) and cats["sky"].type == "pixel"
    assert cats["sunny"].type == "scene" and cats["box3d"].type == "projected_cuboid"


def test_image_paths_of_the_labelling_machine(images_file: Path, tmp_path: Path) -> None:
    ds, rep = _read(images_file)
    assert ds.images.file_name.tolist() == ["img1.jpg", "img2.jpg"]  # below their common folder
    assert rep.count("openlabel.unknown_size") == 2
    photos = tmp_path / "photos" / "imgs"
    photos.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (64, 48)).save(photos / "img1.jpg")
    ds, rep = _read(images_file, images=str(tmp_path / "photos"))
    assert ds.images.file_name.tolist()[0] == "imgs/img1.jpg" and ds.images.width.tolist() == [64, 0]
    assert rep.count("openlabel.unresolved_images") == 1


def test_video_frames_times_and_stream(tmp_path: Path) -> None:
    ds, _ = _read(DATA / "mathworks_video.json")
    img = ds.images
    assert img.file_name.tolist() == ["drive_1.png", "drive_2.png", "drive_3.png"]  # frames 0..2
    assert img.time[0] == 0.0 and math.isnan(img.time[1]) and img.time[2] == pytest.approx(0.066667)
    assert set(img.video.tolist()) == {"C:/videos/drive.mp4"}
    ann = ds.annotations
    got = sorted((int(ann.image[i]), ann.bbox[i].tolist()) for i in range(len(ann)))
    assert got == [(0, [10.5, 20.5, 10.0, 10.0]), (2, [90.0, 35.0, 20.0, 30.0])]


def test_mathworks_file_converts_to_yolo(images_file: Path, tmp_path: Path) -> None:
    """The documented path: groundTruthToOpenLabel -> gtconvert convert labels.json yolo/ --to yolo."""
    from gtconvert.cli import main

    out = tmp_path / "yolo"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(
            [
                "convert",
                str(images_file),
                str(out),
                "--to",
                "yolo",
                "--task",
                "detect",
                "--image-size",
                "640x480",
            ]
        )
    assert code == 0
    labels = {
        p.name: [[float(v) for v in line.split()] for line in p.read_text().splitlines()]
        for p in (out / "labels").rglob("*.txt")
    }
    # car (class 0) [9, 19, 30, 40] in a 640x480 image: cx = 24/640, cy = 39/480, w = 30/640, h = 40/480
    assert [0.0, 0.0375, 0.08125, 0.046875, pytest.approx(40 / 480, abs=1e-6)] in labels["img1.txt"]
    assert [0.0, 0.5, 0.5, 1.0, 1.0] in labels["img2.txt"]  # the whole image


def test_other_tools_file_with_uuids_and_unread_elements(tmp_path: Path) -> None:
    """A file as VCD/FiftyOne write it: UUID keys, no image named (the file labels one image), a
    cuboid and an action gtconvert cannot hold (counted), plain pixel values (no shift)."""
    path = tmp_path / "frame0001.json"
    uid = "c44c1fc2-ee48-4b17-a20e-829de9be1141"
    path.write_text(json.dumps({"openlabel": {
        "metadata": {"schema_version": "1.0.0", "annotator": "someone"},
        "objects": {uid: {"name": "van1", "type": "Van", "object_data": {
            "bbox": [{"name": "shape", "val": [400, 200, 100, 120]}],
            "poly2d": [{"name": "outline", "val": [5, 5, 10, 5, 11, 6], "mode": "MODE_POLY2D_ABSOLUTE", "closed": True}],
            "cuboid": [{"name": "c", "val": [1, 2, 3, 0, 0, 0, 1, 4, 2, 1.5]}],
            "text": [{"name": "color", "val": "blue"}]}}},
        "actions": {"0": {"name": "drive", "type": "Driving"}},
    }}))  # fmt: skip
    ds, rep = _read(path)
    assert ds.images.file_name.tolist() == ["frame0001"]
    ann = ds.annotations
    assert sorted(Kind(k).name for k in ann.kind.tolist()) == ["BOX", "POLYGON"]
    box = int(np.flatnonzero(ann.kind == Kind.BOX)[0])
    poly = int(np.flatnonzero(ann.kind == Kind.POLYGON)[0])
    assert ann.bbox[box].tolist() == [350.0, 140.0, 100.0, 120.0]
    assert ann.parts(poly)[0].tolist() == [[5.0, 5.0], [10.0, 5.0], [11.0, 6.0]]
    assert ann.attributes[box] == {"color": "blue"} and ann.extra[poly] == {"openlabel_uid": uid}
    assert rep.count("openlabel.unread.cuboid") == 1 and rep.count("openlabel.unread.actions") == 1
    assert ds.info["openlabel"]["metadata"]["annotator"] == "someone"


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"openlabel": []}, "no 'openlabel' object"),
        ({"openlabel": {"objects": {"0": {"name": "a", "type": "b", "object_data": {"bbox": [{"val": [1, 2]}]}}}}}, "4 numbers"),
        ({"openlabel": {"objects": {"0": {"name": "a", "type": "b", "object_data": {"poly2d": [{"val": [1, 2, 3], "mode": "MODE_POLY2D_ABSOLUTE", "closed": True}]}}}}}, "even count"),
        ({"openlabel": {"objects": {"7": {"name": "a", "type": "b", "object_data": {"image": [{"val": "@@", "mime_type": "image/png", "encoding": "base64"}]}}}}}, "base64 PNG"),
    ],
)  # fmt: skip
def test_bad_files_name_file_and_object(tmp_path: Path, doc: dict, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GtconvertError, match=message) as err:
        gtconvert.read(path, "openlabel")
    assert str(path) in str(err.value)
