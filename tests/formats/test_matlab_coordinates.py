"""The one coordinate rule (``shared/docs/matlab-groundtruth.md`` section 3): boxes ``[x y w h]``
-> COCO ``[x-1, y-1, w, h]``, vertices ``v - 0.5`` ("center") or ``v - 1`` ("openlabel"); what a
labeler put past the image border is counted: boxes are clipped, vertices kept as stored (MATLAB's
poly2mask and COCO take them so)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert import geometry, report
from gtconvert.formats.matlab import interchange
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

from .matlab_support import FIXTURES, needs_fixtures, read_quietly


@needs_fixtures
def test_boxes_follow_the_rule() -> None:
    ds = read_quietly(FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat")
    df = ds.to_pandas()
    first = df[(df.image_id == 1) & (df.category == "stopSign")].iloc[0]
    # LabelData(1).stopSign = [856 318 39 41] (pixel-index box) -> COCO [855 317 39 41]
    assert [first.x, first.y, first.w, first.h] == [855.0, 317.0, 39.0, 41.0]


@needs_fixtures
def test_fractional_video_boxes_are_kept() -> None:
    ds = read_quietly(FIXTURES / "helmet-video/gTruth.mat")
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


def test_vertex_convention_openlabel_shifts_by_one(tmp_path: Path) -> None:

    img = Images.create(["x.png"], width=[10], height=[10])
    ann = Annotations.create([0], [0], Kind.POLYGON, parts=[[np.array([[1.0, 1.0], [4.0, 1.0], [4.0, 5.0]])]])
    ds = Dataset(img, [Category(1, "p")], ann)
    path = tmp_path / "gt.mat"
    gtconvert.write(ds, path, "matlab", vertex_convention="openlabel")

    assert interchange.load(path).vertices[0].tolist() == [2.0, 2.0]
    assert gtconvert.read(path).annotations.vertices[0].tolist() == [1.0, 1.0]
    assert gtconvert.read(path, vertex_convention="center").annotations.vertices[0].tolist() == [1.5, 1.5]


def _labeler_file(path: Path, vertices: list[list[float]], points: list[list[float]], size: tuple[int, int]):
    """An interchange file as MATLAB writes it (not 'python'): a polygon, a line and points."""

    n_pts = len(points)
    pos = np.full((2 + n_pts, 9), np.nan)
    pos[2:, :2] = points
    ic = interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([[size[1], size[0]]], float),
        imageTime=np.array([np.nan]), pixelLabelFiles=[""],
        labelNames=["poly", "line", "pt"], labelIds=np.array([1.0, 2.0, 3.0]),
        labelTypes=["Polygon", "Line", "Point"], labelColors=np.full((3, 3), np.nan),
        labelPixelIds=[np.zeros((0, 0))] * 3, labelGroups=[""] * 3, labelDescriptions=[""] * 3,
        labelParents=[""] * 3,
        objImage=np.ones(2 + n_pts), objLabel=np.array([1.0, 2.0] + [3.0] * n_pts),
        objId=np.arange(1.0, 3 + n_pts), objParent=np.zeros(2 + n_pts),
        objIsCrowd=np.zeros(2 + n_pts, bool), objPosition=pos,
        objPartCount=np.array([1.0, 1.0] + [0.0] * n_pts),
        partVertexCount=np.array([3.0, len(vertices) - 3.0]), vertices=np.array(vertices, float),
        objRle=[""] * (2 + n_pts), objAttributes=[""] * (2 + n_pts),
    )  # fmt: skip
    interchange.save(ic, path)


def test_vertices_outside_the_image_are_kept_and_counted(tmp_path: Path) -> None:

    path = tmp_path / "gt.mat"
    # MATLAB spatial frame, 20 x 10 image spanning 0.5 .. 20.5 / 0.5 .. 10.5
    polygon = [[0.0, 1.0], [25.5, 2.5], [10.5, 10.5]]  # x -0.5 and x 25 (COCO) leave the image
    line = [[1.5, 1.5], [5.5, 12.0]]  # y 11.5 (COCO) leaves it
    points = [[3.5, 0.25], [20.5, 10.5], [4.5, 4.5]]  # y -0.25 leaves; (20, 10) is the far corner
    _labeler_file(path, polygon + line, points, (20, 10))
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path)
    ann = ds.annotations
    assert rep.count("matlab.vertices_outside") == 3  # objects: the polygon, the line, one point
    by_id = {int(i): ann.parts(r) for r, i in enumerate(ann.id)}
    assert by_id[1][0].tolist() == [[-0.5, 0.5], [25.0, 2.0], [10.0, 10.0]]  # v - 0.5, as stored
    assert by_id[2][0].tolist() == [[1.0, 1.0], [5.0, 11.5]]
    assert [by_id[i][0].tolist() for i in (3, 4, 5)] == [[[3.0, -0.25]], [[20.0, 10.0]], [[4.0, 4.0]]]
    # the boxes are what lies in the image
    assert (ann.bbox[:, 0] >= 0).all() and (ann.bbox[:, 0] + ann.bbox[:, 2] <= 20).all()
    assert (ann.bbox[:, 1] >= 0).all() and (ann.bbox[:, 1] + ann.bbox[:, 3] <= 10).all()
    assert ann.bbox[0].tolist() == [0.0, 0.5, 20.0, 9.5]


def test_a_triangle_past_the_border_has_poly2masks_pixels(tmp_path: Path) -> None:
    """MATLAB: poly2mask([10 100 10], [10 50 50], 30, 40) has 407 pixels (clamping the
    vertices onto the border gave 302: it moves the long edge)."""
    from pycocotools import mask as mask_utils

    from ..poly2mask_reference import poly2mask

    path = tmp_path / "gt.mat"
    triangle = [[10.0, 10.0], [100.0, 50.0], [10.0, 50.0]]
    _labeler_file(path, [*triangle, [1.0, 1.0], [2.0, 2.0]], [[5.0, 5.0]], (40, 30))
    ds = read_quietly(path)
    masks = tmp_path / "masks"
    gtconvert.write(ds, tmp_path / "coco.json", "coco")
    coco = json.loads((tmp_path / "coco.json").read_text())
    polygon = next(a for a in coco["annotations"] if a["category_id"] == 1)
    got = mask_utils.decode(mask_utils.frPyObjects(polygon["segmentation"], 30, 40)).any(axis=2)
    want = poly2mask(np.array(triangle), 30, 40)
    assert int(want.sum()) == 407
    assert np.array_equal(got, want)
    gtconvert.write(ds, masks, "masks")  # the painter of the masks and VOC writers
    painted = read_quietly(masks, "masks").annotations
    assert np.array_equal(geometry.rle_decode(painted.rle[0]).astype(bool), want)


def test_vertices_inside_the_image_are_not_touched(tmp_path: Path) -> None:

    path = tmp_path / "gt.mat"
    _labeler_file(
        path, [[0.5, 0.5], [20.5, 0.5], [20.5, 10.5], [1.25, 1.5], [7.5, 3.5]], [[0.5, 10.5]], (20, 10)
    )
    with report.Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path)
    assert rep.count("matlab.vertices_outside") == 0
    assert ds.annotations.vertices.tolist() == [[0, 0], [20, 0], [20, 10], [0.75, 1], [7, 3], [0, 10]]
