"""The real files of ``shared/fixtures/matlab-more`` (see its SOURCES.md): each reads (or gives
its documented clear error), agrees with an independent walk of mat-io's values (objects per
label, boxes, pixel areas of the label PNGs) and converts to every format."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.model import Kind
from gtconvert.pixels import mask_of_values, read_label_matrix

from .matlab_support import MORE_FIXTURES, needs_more_fixtures, read_quietly

pytestmark = needs_more_fixtures

GROUND_TRUTHS = [
    "EvgenyKarikov-CookieDetection/yolo_gTruth.mat",
    "EvgenyKarikov-CracksDetection/gTruth.mat",
    "Magias-CNN---Detection-OPG/Rectagleteethgt.mat",
    "MattiaZir-tool-recognition/data/PixelLabelData/130123/gTruth.mat",
    "dimwitar-video/gTruth.mat",
    "ivan-polygon2/gTruthPear.mat",
    "ivan-polygon2/gTruthV2.mat",
    "ivan-polygon2/gTruthV4.mat",
    "kitsensei-pixellabel/gTruth.mat",
    "mortar-pixellabel/gTruth.mat",
    "riclouren1-YOLO-Fogo-Detector/gTruth.mat",
    "rodent-video/gTruth.mat",
    "ssduckk2/2022_03_07_gTruth.mat",
    "ssduckk2/restored.mat",
]
#: files that must be refused with a one-line error naming the reason
REFUSED = {
    "cuixing-imds/gTruth.mat": "image list of this imageDatastore cannot be decoded",
    "kenta-tables/groundTruth.mat": "neither a label table",
}
TARGETS = ["coco", "yolo", "voc", "masks", "matlab", "openlabel"]


def _saved(path: Path) -> np.void:
    import matio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = matio.load_from_mat(str(path))
    value = next(v for k, v in data.items() if not k.startswith("__"))
    return value.properties["any"][0, 0]


def _array(value: object) -> np.ndarray | None:
    """A real array of mat-io's (None for its placeholder of an empty value)."""
    return value if isinstance(value, np.ndarray) and value.size else None


def _walk(path: Path) -> tuple[dict[str, int], dict[str, list[tuple[int, tuple[float, ...]]]]]:
    """Objects per label and each Rectangle's (row, [x y w h]), straight from mat-io's values."""
    saved = _saved(path)
    counts: dict[str, int] = {}
    boxes: dict[str, list] = {}
    for d in saved["LabelDefinitions"].ravel():
        name = str(np.asarray(d["Name"]).ravel()[0])
        kind = d["Type"].ravel()[0].name
        if kind == "PixelLabel":
            continue
        counts[name], boxes[name] = 0, []
        for row, r in enumerate(saved["LabelData"].ravel()):
            v = _array(r[name])
            if v is None:
                continue
            if v.dtype.names:  # struct array (sublabels / attributes): Position per element
                positions = [np.asarray(e["Position"], float).reshape(-1, 4) for e in v.ravel()]
            elif kind in ("Line", "Polygon"):
                counts[name] += v.size if v.dtype == object else 1
                continue
            else:
                positions = [np.asarray(v, float).reshape(-1, 4)]
            for block in positions:
                counts[name] += len(block)
                boxes[name].extend((row, tuple(b)) for b in block)
    return counts, boxes


def _pixel_areas(path: Path) -> dict[int, int]:
    """Pixels per PixelLabelID over every label PNG the file names, found beside the file."""
    saved = _saved(path)
    ids: dict[int, str] = {}
    for d in saved["LabelDefinitions"].ravel():
        if d["Type"].ravel()[0].name == "PixelLabel":
            for v in np.asarray(d["PixelLabelID"]).ravel():
                ids[int(v)] = str(np.asarray(d["Name"]).ravel()[0])
    areas = dict.fromkeys(ids, 0)
    folder = path.parent
    for r in saved["LabelData"].ravel():
        stored = (
            str(np.asarray(r["PixelLabelData"]).ravel()[0]) if _array(r["PixelLabelData"]) is not None else ""
        )
        if not stored:
            continue
        parts = stored.replace("\\", "/").split("/")
        png = folder / parts[-2] / parts[-1]
        if not png.is_file():  # not in the repository the file comes from
            continue
        matrix = np.asarray(Image.open(png))
        values, n = np.unique(matrix, return_counts=True)
        for value, count in zip(values.tolist(), n.tolist()):
            if value in areas:
                areas[value] += count
    return areas


@pytest.mark.parametrize("rel", GROUND_TRUTHS)
def test_objects_and_boxes_equal_an_independent_walk(rel: str) -> None:
    path = MORE_FIXTURES / rel
    ds = read_quietly(path, image_size=(20000, 20000))
    counts, boxes = _walk(path)
    got = {c["name"]: c["count"] for c in ds.counts()["categories"]}
    for name, n in counts.items():
        assert got[name] == n, name
    ann = ds.annotations
    for k, cat in enumerate(ds.categories):
        if cat.name not in boxes or cat.type != "rectangle" or cat.parent:
            continue
        rows = np.flatnonzero((ann.category == k) & (ann.kind == Kind.BOX))
        mine = sorted((int(ann.image[i]), *np.round(ann.bbox[i, :2] + 1, 6)) for i in rows)
        theirs = sorted((r, *np.round(np.maximum(b[:2], 1), 6)) for r, b in boxes[cat.name])
        assert mine == theirs, cat.name  # the corner (sizes may be clipped or the quirk undone)


#: kitsensei's repository holds 5 of its 20 label PNGs (and no image): see the test below
PIXEL_FILES = [
    "EvgenyKarikov-CracksDetection/gTruth.mat",
    "MattiaZir-tool-recognition/data/PixelLabelData/130123/gTruth.mat",
    "mortar-pixellabel/gTruth.mat",
]


def test_pixel_labels_without_their_pngs_are_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = MORE_FIXTURES / "kitsensei-pixellabel/gTruth.mat"
    assert main(["convert", str(path), str(path.parent / "never-written"), "--to", "masks"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "image size unknown" in err
    assert not (path.parent / "never-written").exists()


@pytest.mark.parametrize("rel", PIXEL_FILES)
def test_pixel_areas_equal_the_label_pngs(rel: str, tmp_path: Path) -> None:
    path = MORE_FIXTURES / rel
    want = _pixel_areas(path)
    ds = read_quietly(path)
    assert (ds.annotations.kind == Kind.PIXEL_REF).all()
    masks = tmp_path / "masks"
    assert main(["convert", str(path), str(masks), "--to", "masks"]) == 0
    back = read_quietly(masks, "masks")
    areas: dict[str, int] = {}
    for i, (rle, ref) in enumerate(zip(back.annotations.rle, back.annotations.pixel_ref)):
        name = back.categories[back.annotations.category[i]].name
        if rle is not None:
            n = int(geometry.rle_area([rle])[0])
        else:
            n = int(np.count_nonzero(mask_of_values(read_label_matrix(ref.path), ref.values)))
        areas[name] = areas.get(name, 0) + n
    names = {v: c.name for c in ds.categories if c.pixel_id for v in c.pixel_id}
    assert sum(want.values()) > 0
    assert {k: v for k, v in areas.items() if v} == {names[v]: n for v, n in want.items() if n}


#: conversions a format cannot make, refused in one line (the labelled folder holds both
#: 'Fire (5).jpg' and 'Fire (5).png', which YOLO and VOC would pair with one label file)
CANNOT = {
    ("riclouren1-YOLO-Fogo-Detector/gTruth.mat", "yolo"): "would share the label file",
    ("riclouren1-YOLO-Fogo-Detector/gTruth.mat", "voc"): "would share the annotation file",
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("rel", GROUND_TRUTHS)
def test_converts_to_every_format(
    rel: str, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = {"coco": ".json", "openlabel": ".json", "matlab": ".mat"}.get(target, "")
    out = tmp_path / f"out{suffix}"
    args = ["convert", str(MORE_FIXTURES / rel), str(out), "--to", target, "--image-size", "640x480"]
    if (rel, target) in CANNOT:
        assert main(args) == 2
        assert CANNOT[rel, target] in capsys.readouterr().err and not out.exists()
        return
    assert main(args) == 0
    sized = {"image_size": (640, 480)} if target in ("yolo", "voc", "openlabel", "matlab") else {}
    back = read_quietly(out, target, **sized)
    assert len(back.images) > 0


@pytest.mark.parametrize("rel", sorted(REFUSED))
def test_refused_with_a_clear_error(rel: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(MORE_FIXTURES / rel)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and REFUSED[rel] in err
