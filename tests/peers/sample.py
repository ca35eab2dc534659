"""A small COCO dataset with real image files, for the peers to read after our conversions.

Six JPEGs of different sizes, three categories (``person`` with five named keypoints and a
skeleton; ``car``; ``widget``, a name outside VOC's 20 classes), every object a polygon whose
box is its own bounding box, keypoints labelled (2), hidden (1) and unlabelled (0, 0, 0), and
one image without objects. Expectations in the tests are computed from this document, never
from gtconvert.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from PIL import Image
from pycocotools import mask as rle

KEYPOINTS = ["nose", "left_eye", "right_eye", "left_wrist", "right_wrist"]
SKELETON = [[1, 2], [1, 3], [2, 4], [3, 5]]  # COCO's 1-based pairs
CATEGORIES = [
    {"id": 1, "name": "person", "supercategory": "person", "keypoints": KEYPOINTS, "skeleton": SKELETON},
    {"id": 2, "name": "car", "supercategory": "vehicle"},
    {"id": 5, "name": "widget", "supercategory": "thing"},
]
SIZES = [(64, 48), (80, 60), (96, 72), (50, 70), (64, 64), (40, 30)]  # (width, height)


def _polygon(rng: random.Random, w: int, h: int) -> list[float]:
    """A convex pentagon inside the image, vertices on a 0.5 px grid."""
    x0, y0 = rng.randint(0, w // 2), rng.randint(0, h // 2)
    x1, y1 = rng.randint(x0 + 6, w), rng.randint(y0 + 6, h)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    return [mx, float(y0), float(x1), my - 0.5, x1 - 1.5, float(y1), x0 + 1.5, float(y1), float(x0), my]


def _bbox_area(poly: list[float]) -> tuple[list[float], float]:
    xs, ys = poly[0::2], poly[1::2]
    area = 0.5 * abs(sum(xs[i] * ys[i - 1] - xs[i - 1] * ys[i] for i in range(len(xs))))
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)], area


def _keypoints(rng: random.Random, box: list[float]) -> list[float]:
    flat = []
    for j in range(len(KEYPOINTS)):
        v = (2, 1, 0, 2, 2)[(j + rng.randint(0, 4)) % 5]
        x = round(box[0] + rng.random() * box[2], 2)
        y = round(box[1] + rng.random() * box[3], 2)
        flat += [0, 0, 0] if v == 0 else [x, y, v]
    return flat


def coco_doc(seed: int = 7) -> dict:
    rng = random.Random(seed)
    images, anns = [], []
    for i, (w, h) in enumerate(SIZES, start=1):
        images.append({"id": i, "file_name": f"img{i}.jpg", "width": w, "height": h})
        if i == len(SIZES):
            continue  # the last image has no objects
        for cat in (1, 1, 2, 5)[: 2 + i % 3]:
            poly = _polygon(rng, w, h)
            box, area = _bbox_area(poly)
            ann = {"id": len(anns) + 1, "image_id": i, "category_id": cat, "bbox": box, "area": area,
                   "iscrowd": 0, "segmentation": [poly]}  # fmt: skip
            if cat == 1:
                ann["keypoints"] = _keypoints(rng, box)
                ann["num_keypoints"] = sum(v > 0 for v in ann["keypoints"][2::3])
            anns.append(ann)
    return {"images": images, "annotations": anns, "categories": CATEGORIES}


def write_sample(folder: Path, doc: dict | None = None) -> tuple[Path, Path, dict]:
    """Write ``doc`` (default :func:`coco_doc`) as ``folder/coco.json`` and its images in
    ``folder/images``; returns (json path, image folder, the document)."""
    doc = coco_doc() if doc is None else doc
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    for im in doc["images"]:
        colour = (im["id"] * 40 % 256, 90, 160)
        Image.new("RGB", (im["width"], im["height"]), colour).save(images / im["file_name"], quality=90)
    path = folder / "coco.json"
    path.write_text(json.dumps(doc))
    return path, images, doc


def mask_doc() -> tuple[dict, list[np.ndarray]]:
    """COCO RLE masks on a 200 x 150 image: a ring (a hole) and two blobs (two parts)."""
    h, w = 150, 200
    ring = np.zeros((h, w), np.uint8)
    ring[20:100, 20:100] = 1
    ring[45:75, 45:75] = 0
    blobs = np.zeros((h, w), np.uint8)
    blobs[30:70, 120:180] = 1
    blobs[100:140, 130:170] = 1
    masks = [ring, blobs]
    anns = []
    for i, m in enumerate(masks):
        enc = rle.encode(np.asfortranarray(m))
        x, y, bw, bh = rle.toBbox(enc).tolist()
        enc["counts"] = enc["counts"].decode()
        anns.append({"id": i + 1, "image_id": 1, "category_id": 1 + i, "segmentation": enc,
                     "bbox": [x, y, bw, bh], "area": float(m.sum()), "iscrowd": 0})  # fmt: skip
    doc = {
        "images": [{"id": 1, "file_name": "m.jpg", "width": w, "height": h}],
        "categories": [{"id": 1, "name": "ring"}, {"id": 2, "name": "blobs"}],
        "annotations": anns,
    }
    return doc, masks
