"""Pixel labels ``--to matlab``: the uint8 label PNGs MATLAB's PixelLabelData column needs.

RLE masks of a pixel category (COCO) and class values of a masks folder are painted with the
label's PixelLabelID into ``<name>_PixelLabelData/Label_<row>.png``; a groundTruth's own PNGs
are referenced where they are. Each case is read back and compared pixel by pixel with masks
computed here from the inputs.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gtconvert
from gtconvert import geometry, pixels
from gtconvert.fileio import OURS_MARKER
from gtconvert.formats.matlab import interchange
from gtconvert.model import Kind

from .matlab_support import read_quietly

H, W = 20, 30


def _rle(mask: np.ndarray) -> dict:
    rle = geometry.mask_to_rle(mask)
    counts = rle["counts"]
    return {"size": rle["size"], "counts": counts.decode() if isinstance(counts, bytes) else counts}


def _masks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    road_a = np.zeros((H, W), bool)
    road_a[2:8, 3:12] = True
    road_b = np.zeros((H, W), bool)
    road_b[5:9, 10:20] = True  # overlaps road_a: one label, the union
    sky = np.zeros((H, W), bool)
    sky[12:16, 4:25] = True
    return road_a, road_b, sky


def _coco(tmp_path: Path, road_id: list[int] | None = (7,), sky_id: list[int] | None = None) -> Path:
    road_a, road_b, sky = _masks()
    cats = [{"id": 1, "name": "road", "type": "pixel"}, {"id": 2, "name": "sky", "type": "pixel"}]
    if road_id:
        cats[0]["pixel_id"] = list(road_id)
    if sky_id:
        cats[1]["pixel_id"] = list(sky_id)
    anns = [
        {"id": k + 1, "image_id": 1, "category_id": c, "segmentation": _rle(m), "iscrowd": 0,
         "bbox": list(geometry.rle_bbox([_rle(m)])[0]), "area": int(m.sum())}
        for k, (c, m) in enumerate([(1, road_a), (1, road_b), (2, sky)])
    ]  # fmt: skip
    doc = {
        "images": [{"id": 1, "file_name": "a.png", "width": W, "height": H}],
        "categories": cats,
        "annotations": anns,
    }
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(doc))
    return path


def _write(ds: gtconvert.Dataset, out: Path, **options) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gtconvert.write(ds, out, "matlab", **options)
    return [str(w.message) for w in caught]


def test_coco_masks_become_label_pngs_matlab_opens(tmp_path: Path) -> None:
    ds = read_quietly(_coco(tmp_path), "coco")
    out = tmp_path / "labels.mat"
    messages = _write(ds, out)
    ic = interchange.load(out)
    assert ic.labelTypes == ["PixelLabel", "PixelLabel"] and ic.objRle == []
    assert ic.labelPixelIds[0].tolist() == [[7.0]]
    sky_id = int(ic.labelPixelIds[1][0, 0])
    assert sky_id not in (0, 7) and 1 <= sky_id <= 255  # a free id, not road's
    assert ic.pixelLabelFiles == ["labels_PixelLabelData/Label_1.png"]
    png = Image.open(tmp_path / ic.pixelLabelFiles[0])
    assert png.mode == "L" and png.size == (W, H)
    road_a, road_b, sky = _masks()
    matrix = np.asarray(png)
    assert np.array_equal(matrix == 7, road_a | road_b)
    assert np.array_equal(matrix == sky_id, sky & ~(road_a | road_b))
    assert any("3 RLE mask(s) of pixel labels painted" in m for m in messages)
    back = read_quietly(out, "matlab")
    assert back.annotations.kind.tolist() == [Kind.PIXEL_REF] * 2
    rles = pixels.encode_pixel_refs(back.annotations.pixel_ref.tolist(), workers=1)
    assert np.array_equal(geometry.rle_decode(rles[0]).astype(bool), road_a | road_b)


def test_overlapping_labels_are_counted(tmp_path: Path) -> None:
    road_a, _, sky = _masks()
    sky_over = sky | road_a  # sky painted last, over part of the road
    doc = json.loads(_coco(tmp_path, sky_id=[9]).read_text())
    doc["annotations"][2]["segmentation"] = _rle(sky_over)
    (tmp_path / "coco.json").write_text(json.dumps(doc))
    messages = _write(read_quietly(tmp_path / "coco.json", "coco"), tmp_path / "o.mat")
    assert any("1 pixel label object(s) painted over others" in m for m in messages)
    matrix = np.asarray(Image.open(tmp_path / "o_PixelLabelData/Label_1.png"))
    assert np.array_equal(matrix == 9, sky_over)


def _labeler_file(folder: Path, matrix: np.ndarray, ids: list[np.ndarray]) -> Path:
    """A MATLAB label PNG and interchange file (as exportGroundTruth writes one)."""
    (folder / "PixelLabelData").mkdir()
    Image.fromarray(matrix).save(folder / "PixelLabelData" / "Label_1.png")
    k = len(ids)
    ic = interchange.Interchange(
        sourceType="imageCollection",
        imageFiles=["a.png"], imageIds=np.array([1.0]), imageSize=np.array([matrix.shape[:2]], dtype=float),
        imageTime=np.array([np.nan]), pixelLabelFiles=["PixelLabelData/Label_1.png"],
        labelNames=[f"label{j}" for j in range(k)], labelIds=np.arange(1.0, k + 1), labelTypes=["PixelLabel"] * k,
        labelColors=np.full((k, 3), np.nan), labelPixelIds=[np.asarray(v, float) for v in ids],
        labelGroups=[""] * k, labelDescriptions=[""] * k, labelParents=[""] * k,
    )  # fmt: skip
    path = folder / "gTruth.mat"
    interchange.save(ic, path)
    return path


def _matrix() -> np.ndarray:
    m = np.zeros((9, 12), np.uint8)
    m[1:4, 1:4] = 3
    m[1:4, 5:8] = 5
    m[6:8, 2:10] = 2
    return m


def test_a_groundtruth_png_is_referenced_where_it_is(tmp_path: Path) -> None:
    src = _labeler_file(tmp_path, _matrix(), [np.array([[3], [5]]), np.array([[2]])])
    out = tmp_path / "out" / "again.mat"
    _write(read_quietly(src, "matlab"), out)
    ic = interchange.load(out)
    assert ic.pixelLabelFiles == ["../PixelLabelData/Label_1.png"]
    assert not (out.parent / "again_PixelLabelData").exists()
    assert ic.labelPixelIds[0].tolist() == [[3.0], [5.0]]


def test_several_ids_survive_masks_and_back(tmp_path: Path) -> None:
    """MATLAB [3;5] -> masks (one class value) -> MATLAB: PixelLabelID [3;5] again, same pixels."""
    matrix = _matrix()
    src = _labeler_file(tmp_path, matrix, [np.array([[3], [5]]), np.array([[2]])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.convert(src, tmp_path / "masks", dst_format="masks")
        info = gtconvert.read(tmp_path / "masks", "masks")  # was: exit 2, "bad 'pixel_id'"
    assert info.categories[0].pixel_id == (3, 5)
    out = tmp_path / "back.mat"
    _write(info, out)
    ic = interchange.load(out)
    assert ic.labelPixelIds[0].tolist() == [[3.0], [5.0]] and ic.labelPixelIds[1].tolist() == [[2.0]]
    painted = np.asarray(Image.open(tmp_path / ic.pixelLabelFiles[0]))
    assert np.array_equal(np.isin(painted, [3, 5]), np.isin(matrix, [3, 5]))
    assert np.array_equal(painted == 2, matrix == 2)
    back = read_quietly(out, "matlab")
    rles = pixels.encode_pixel_refs(back.annotations.pixel_ref.tolist(), workers=1)
    masks = {
        back.categories[c].name: geometry.rle_decode(r).astype(bool)
        for c, r in zip(back.annotations.category, rles)
    }
    assert np.array_equal(masks["label0"], np.isin(matrix, [3, 5]))
    assert np.array_equal(masks["label1"], matrix == 2)


def test_the_png_folder_is_an_output_like_the_mat(tmp_path: Path) -> None:
    ds = read_quietly(_coco(tmp_path), "coco")
    out = tmp_path / "labels.mat"
    _write(ds, out)
    with pytest.raises(gtconvert.GtconvertError, match="exists"):
        _write(ds, out)
    (tmp_path / "labels.mat").unlink()
    with pytest.raises(gtconvert.GtconvertError, match="exists"):  # the folder is still there
        _write(ds, out)
    _write(ds, out, overwrite=True)
    pngs = tmp_path / "labels_PixelLabelData"
    assert sorted(p.name for p in pngs.iterdir() if p.name != OURS_MARKER) == ["Label_1.png"]
    assert (pngs / OURS_MARKER).is_file()  # what lets --overwrite replace it next time


def test_overwrite_never_replaces_a_png_folder_gtconvert_did_not_write(tmp_path: Path) -> None:
    ds = read_quietly(_coco(tmp_path), "coco")
    theirs = tmp_path / "labels_PixelLabelData"
    theirs.mkdir()
    (theirs / "Label_1.png").write_bytes(b"the user's own labels")
    with pytest.raises(gtconvert.GtconvertError, match="was not written by gtconvert"):
        _write(ds, tmp_path / "labels.mat", overwrite=True)
    assert (theirs / "Label_1.png").read_bytes() == b"the user's own labels"
    assert not (tmp_path / "labels.mat").exists()


def test_rgb_triplets_give_an_rgb_png(tmp_path: Path) -> None:
    ds = read_quietly(_coco(tmp_path, road_id=[255, 0, 0], sky_id=[0, 0, 255]), "coco")
    _write(ds, tmp_path / "rgb.mat")
    ic = interchange.load(tmp_path / "rgb.mat")
    assert ic.labelPixelIds[0].tolist() == [[255.0, 0.0, 0.0]]
    png = Image.open(tmp_path / ic.pixelLabelFiles[0])
    assert png.mode == "RGB"
    road_a, road_b, _ = _masks()
    assert np.array_equal(np.all(np.asarray(png) == (255, 0, 0), axis=-1), road_a | road_b)
