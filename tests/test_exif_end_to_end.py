"""EXIF orientation end to end (issue 14): labels and pixels agree in every target, all 8 tags.

Each photo is stored 64 x 40 with one EXIF tag (1 to 8) and three shapes painted in the stored
frame, where a MATLAB dataset says they are: a box (red), an L-shaped polygon (green) and a
mask with a hole (blue). Every edge lies on the 8-pixel JPEG grid and the JPEGs are 4:4:4, so
the colours survive the encoding exactly. After converting the MATLAB file to YOLO, COCO and
VOC (images kept with their tags, or baked upright), the labels are read from the written
files by this test's own parser and rasterised (pixel centres, even-odd), then compared with
the coloured pixels of the written image as OpenCV's ``imread`` loads it (tag applied) and as
Pillow + ``ImageOps.exif_transpose`` loads it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import gtconvert
from gtconvert.geometry.rle import mask_to_rle, rle_decode
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.pixels import encode_pixel_refs

Image = pytest.importorskip("PIL.Image")
ImageOps = pytest.importorskip("PIL.ImageOps")

W, H = 64, 40
TAGS = range(1, 9)
COLOURS = {0: (230, 25, 25), 1: (25, 230, 25), 2: (25, 25, 230)}  # box, polygon, mask
BOX = (8.0, 8.0, 16.0, 16.0)  # COCO x, y, w, h: pixels 8..23 x 8..23
L_SHAPE = np.array([(32, 8), (56, 8), (56, 16), (40, 16), (40, 32), (32, 32)], dtype=np.float64)


def _ring() -> np.ndarray:
    mask = np.zeros((H, W), np.uint8)
    mask[16:40, 40:64] = 1
    mask[24:32, 48:56] = 0  # the hole
    return mask


def _fill(parts: list[np.ndarray], height: int, width: int) -> np.ndarray:
    """Pixels whose centre is inside the parts (even-odd within a part, union of parts)."""
    py, px = np.mgrid[0:height, 0:width] + 0.5
    out = np.zeros((height, width), bool)
    for ring in parts:
        inside = np.zeros((height, width), bool)
        for (x1, y1), (x2, y2) in zip(ring, np.roll(ring, -1, axis=0)):
            if y1 == y2:
                continue
            crosses = (y1 > py) != (y2 > py)
            inside ^= crosses & (px < x1 + (py - y1) * (x2 - x1) / (y2 - y1))
        out |= inside
    return out


def _box_mask(x: float, y: float, w: float, h: float, height: int, width: int) -> np.ndarray:
    ring = np.array([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
    return _fill([ring], height, width)


def _stored_masks() -> dict[int, np.ndarray]:
    return {0: _box_mask(*BOX, H, W), 1: _fill([L_SHAPE], H, W), 2: _ring().astype(bool)}


@pytest.fixture(scope="module")
def gtruth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gt.mat (written through the MATLAB writer) beside photos/ tagged 1..8."""
    root = tmp_path_factory.mktemp("exif")
    photos = root / "photos"
    photos.mkdir()
    pixels = np.full((H, W, 3), 40, np.uint8)
    for cls, mask in _stored_masks().items():
        pixels[mask] = COLOURS[cls]
    names = []
    for tag in TAGS:
        exif = Image.Exif()
        exif[0x0112] = tag
        Image.fromarray(pixels).save(photos / f"o{tag}.jpg", exif=exif, quality=100, subsampling=0)
        names.append(f"o{tag}.jpg")
    n = len(names)
    ann = Annotations.create(
        image=np.repeat(np.arange(n), 3),
        category=np.tile([0, 1, 2], n),
        kind=np.tile([Kind.BOX, Kind.POLYGON, Kind.MASK], n),
        bbox=np.tile([BOX, (32, 8, 24, 24), (40, 16, 24, 24)], (n, 1)),
        parts=[p for _ in names for p in ([], [L_SHAPE], [])],
        rle=[r for _ in names for r in (None, None, mask_to_rle(_ring()))],
    )
    cats = [Category(1, "box", "rectangle"), Category(2, "poly", "polygon"), Category(3, "blob", "pixel")]
    ds = Dataset(Images.create(names, width=[W] * n, height=[H] * n), cats, ann, image_root=str(photos))
    gtconvert.write(ds, root / "gt.mat", "matlab")
    return root / "gt.mat"


def _coloured(image_rgb: np.ndarray) -> dict[int, np.ndarray]:
    bright = image_rgb > 128
    return {cls: bright[..., cls] & (bright.sum(axis=2) == 1) for cls in COLOURS}


def _loaded(path: Path) -> list[np.ndarray]:
    """The image as OpenCV's imread gives it (tag applied) and as Pillow + exif_transpose does."""
    shown = []
    try:
        import cv2

        shown.append(cv2.imread(str(path), cv2.IMREAD_COLOR)[..., ::-1])
    except ImportError:
        pass
    with Image.open(path) as im:
        shown.append(np.asarray(ImageOps.exif_transpose(im).convert("RGB")))
    return shown


def _check(image: Path, labels: dict[int, np.ndarray]) -> None:
    for rgb in _loaded(image):
        colour = _coloured(rgb)
        for cls, mask in labels.items():
            assert mask.shape == rgb.shape[:2], image
            assert colour[cls].any() and np.array_equal(mask, colour[cls]), (image.name, cls)


def _yolo_labels(path: Path, width: int, height: int) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for line in path.read_text().split("\n"):
        if not line.strip():
            continue
        cls, *v = line.split()
        xy = np.array(v, dtype=np.float64)
        if len(xy) == 4:
            cx, cy, w, h = xy * [width, height, width, height]
            mask = _box_mask(cx - w / 2, cy - h / 2, w, h, height, width)
        else:
            mask = _fill([xy.reshape(-1, 2) * [width, height]], height, width)
        out[int(cls)] = out.get(int(cls), False) | mask
    return out


def _written_image(out: Path, name: str) -> Path:
    found = sorted(out.rglob(name))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("bake", [False, True])
def test_yolo(gtruth: Path, tmp_path: Path, bake: bool) -> None:
    out = tmp_path / "yolo"
    gtconvert.convert(
        gtruth, out, src_format="matlab", dst_format="yolo", task="segment", exif="bake" if bake else None
    )
    for tag in TAGS:
        image = _written_image(out / "images", f"o{tag}.jpg")
        with Image.open(image) as im:
            assert im.getexif().get(0x0112, 1) == (1 if bake else tag)
            width, height = ImageOps.exif_transpose(im).size
        _check(image, _yolo_labels(out / "labels" / f"o{tag}.txt", width, height))


def _coco_labels(doc: dict, name: str) -> tuple[int, int, dict[int, np.ndarray]]:
    (img,) = [i for i in doc["images"] if i["file_name"] == name]
    w, h = img["width"], img["height"]
    out = {}
    for a in doc["annotations"]:
        if a["image_id"] != img["id"]:
            continue
        seg = a.get("segmentation")
        if isinstance(seg, dict):
            mask = rle_decode(seg).astype(bool)
        elif seg:
            mask = _fill([np.reshape(p, (-1, 2)) for p in seg], h, w)
        else:
            mask = _box_mask(*a["bbox"], h, w)
        out[a["category_id"] - 1] = mask
    return w, h, out


@pytest.mark.parametrize("bake", [False, True])
def test_coco(gtruth: Path, tmp_path: Path, bake: bool) -> None:
    out = tmp_path / "coco.json"
    gtconvert.convert(gtruth, out, src_format="matlab", dst_format="coco", exif="bake" if bake else None)
    doc = json.loads(out.read_text())
    images = tmp_path / "images" if bake else gtruth.parent / "photos"
    for tag in TAGS:
        w, h, labels = _coco_labels(doc, f"o{tag}.jpg")
        assert (w, h) == ((H, W) if tag >= 5 else (W, H))  # the displayed size
        _check(images / f"o{tag}.jpg", labels)


@pytest.mark.parametrize("bake", [False, True])
def test_voc(gtruth: Path, tmp_path: Path, bake: bool) -> None:
    """Boxes from the XML (devkit corners), the polygon and the mask from SegmentationClass."""
    out = tmp_path / "voc"
    gtconvert.convert(
        gtruth, out, src_format="matlab", dst_format="voc", masks=True, exif="bake" if bake else None
    )
    lines = [line for line in (out / "labelmap.txt").read_text().splitlines() if not line.startswith("#")]
    value = {line.split(":")[0]: i for i, line in enumerate(lines)}  # class value = labelmap line
    for tag in TAGS:
        root = ET.parse(out / "Annotations" / f"o{tag}.xml").getroot()
        w, h = int(root.findtext("size/width")), int(root.findtext("size/height"))
        labels = {}
        for obj in root.iter("object"):
            if obj.findtext("name") != "box":
                continue
            x0, y0, x1, y1 = (float(obj.findtext(f"bndbox/{k}")) for k in ("xmin", "ymin", "xmax", "ymax"))
            labels[0] = _box_mask(
                x0 - 1, y0 - 1, x1 - x0 + 1, y1 - y0 + 1, h, w
            )  # devkit: 1-based, inclusive
        with Image.open(out / "SegmentationClass" / f"o{tag}.png") as png:
            classes = np.asarray(png)
        labels[1], labels[2] = classes == value["poly"], classes == value["blob"]
        _check(_written_image(out / "JPEGImages", f"o{tag}.jpg"), labels)


@pytest.mark.parametrize("bake", [False, True])
def test_semantic_masks(gtruth: Path, tmp_path: Path, bake: bool) -> None:
    """Ultralytics-style masks/ beside images/: each class's pixels are the colour's, as OpenCV shows it."""
    out = tmp_path / "semantic"
    gtconvert.convert(gtruth, out, src_format="matlab", dst_format="semantic", exif="bake" if bake else None)
    for tag in TAGS:
        with Image.open(out / "masks" / f"o{tag}.png") as png:
            classes = np.asarray(png)
        for rgb in _loaded(out / "images" / f"o{tag}.jpg"):
            colour = _coloured(rgb)
            for cls in (1, 2):  # the polygon and the mask (a box is no segmentation)
                assert any(np.array_equal(classes == v, colour[cls]) for v in np.unique(classes)), (tag, cls)


def _rasters(ds: Dataset) -> list[dict[int, np.ndarray]]:
    ann, out = ds.annotations, []
    for i in range(len(ds.images)):
        h, w = int(ds.images.height[i]), int(ds.images.width[i])
        shapes = {}
        for row in np.flatnonzero(ann.image == i).tolist():
            if ann.kind[row] == Kind.BOX:
                shapes[int(ann.category[row])] = _box_mask(*ann.bbox[row], h, w)
            elif ann.kind[row] == Kind.POLYGON:
                shapes[int(ann.category[row])] = _fill(ann.parts(row), h, w)
            else:  # an RLE, or a MATLAB label PNG's pixels
                rle = ann.rle[row] or encode_pixel_refs([ann.pixel_ref[row]])[0]
                shapes[int(ann.category[row])] = rle_decode(rle).astype(bool)
        out.append(shapes)
    return out


def test_matlab_yolo_matlab_is_exact(gtruth: Path, tmp_path: Path) -> None:
    before = gtconvert.read(gtruth)
    assert before.images.orientation.tolist() == list(TAGS)
    gtconvert.convert(gtruth, tmp_path / "yolo", src_format="matlab", dst_format="yolo", task="segment")
    gtconvert.convert(tmp_path / "yolo", tmp_path / "back.mat")
    after = gtconvert.read(tmp_path / "back.mat")
    assert after.images.orientation.tolist() == list(TAGS)
    assert np.array_equal(after.images.width, before.images.width)
    boxes = [d.annotations.bbox[np.flatnonzero(d.annotations.category == 0)] for d in (after, before)]
    np.testing.assert_allclose(boxes[0], boxes[1], atol=1e-9)  # YOLO's 6 decimals hold these exactly
    for a, b in zip(_rasters(after), _rasters(before)):
        assert a.keys() == b.keys()
        for cls in a:
            assert np.array_equal(a[cls], b[cls]), cls
