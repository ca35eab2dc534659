"""Synthetic benchmark datasets, deterministic by seed.

    python bench/generate.py                 # everything the runner needs, into bench/data/
    python bench/generate.py --only coco5k   # one set

Sets (the sizes of issue 6):

* ``coco5k``: COCO with 5,000 images, 50,000 boxes and 20,000 polygons, 20 categories
  (non-contiguous ids), three image sizes, 5% of the images without objects. Box-only objects
  carry ``"segmentation": []`` (as CVAT and most exporters write them); a tenth of the polygons have two parts.
* ``coco100k``: the same density over 100,000 images (1,000,000 boxes, 400,000 polygons).
* ``coco100k-boxes``, ``coco300k-boxes``, ``coco1m-boxes``: boxes only, 10 per image (1M, 3M and 10M
  boxes), written block by block (:func:`coco_boxes`): the streamed conversion's scale runs.
* ``coco-kp50k``: COCO person keypoints, 50,000 people with 17 points over 20,000 images
  (:func:`coco_keypoints`).
* ``interchange10k``: the MATLAB interchange ``.mat`` (``docs/interchange.md``) of 10,000
  images, same density (100,000 rectangles, 40,000 polygons), written with ``scipy.io.savemat``
  compressed as MATLAB's ``save`` does by default.
* ``pixels1k``: 1,000 label-matrix PNGs of 1024x1024 (5 classes drawn as rectangles and
  ellipses on background 0), referenced by an interchange ``.mat`` with 5 PixelLabel labels.
* ``voc5k``, ``yolo5k``, ``masks5k``: the inputs of the read tasks, written from ``coco5k`` by
  gtconvert itself (VOC XML; YOLO detect; index masks without instance masks), without the
  objects thinner than one pixel (one in coco5k; VOC's inclusive boxes invert there; globox asserts). The
  ``gtconvert.json`` sidecar is removed, so every tool reads the plain format. The YOLO and
  masks sets get ``images/`` (hard links to one small grey JPEG per image size: YOLO needs the
  sizes from the image headers); ``masks5k/datumaro`` holds the same PNGs (hard links) in
  Datumaro's ``common_semantic_segmentation`` layout, with the palette as its colour map.

``preview5k`` generates nothing: ``coco5k``'s annotations drawn on ``yolo5k``'s images.

COCO sets are laid out as ``<set>/annotations/instances_train.json`` because Datumaro and
Ultralytics expect an annotations folder; gtconvert reads the JSON file itself. No image files
are written (an empty ``images/train`` folder satisfies Datumaro): no task of the benchmark needs the pixels of the photos (sizes are in the JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
SIZES = np.array([(640, 480), (1280, 720), (1920, 1080)])  # (W, H)
N_CATEGORIES = 20
EMPTY_FRACTION = 0.05


def _categories(rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """20 ids with gaps (as COCO's 1..90), so no tool can confuse ids with row numbers."""
    ids = np.sort(rng.choice(np.arange(1, 91), N_CATEGORIES, replace=False))
    names = [f"class_{i:02d}" for i in range(N_CATEGORIES)]
    return ids, names


def _image_of_objects(rng: np.random.Generator, n_images: int, n_objects: int) -> np.ndarray:
    """Image row of each object: every non-empty image gets at least one, 5% get none."""
    n_empty = round(n_images * EMPTY_FRACTION)
    nonempty = np.sort(rng.permutation(n_images)[n_empty:])
    rows = np.concatenate([nonempty, rng.choice(nonempty, n_objects - len(nonempty))])
    return rng.permutation(rows)


def _boxes(rng: np.random.Generator, wh: np.ndarray) -> np.ndarray:
    """COCO boxes (x, y, w, h) inside images of size ``wh`` (rows of W, H), 2 decimals."""
    size = rng.uniform(0.02, 0.35, (len(wh), 2)) * wh
    size = np.maximum(size, 4.0)
    corner = rng.uniform(0, 1, (len(wh), 2)) * (wh - size)
    return np.round(np.hstack([corner, size]), 2)


def _polygons(
    rng: np.random.Generator, wh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Star-shaped polygons: (parts per object, vertices per part, flat vertices, bbox)."""
    n = len(wh)
    n_parts = np.where(rng.random(n) < 0.1, 2, 1)
    part_owner = np.repeat(np.arange(n), n_parts)
    n_vertices = rng.integers(4, 33, len(part_owner))
    centre = rng.uniform(0.1, 0.9, (len(part_owner), 2)) * wh[part_owner]
    radius = rng.uniform(0.02, 0.12, len(part_owner)) * wh[part_owner].min(axis=1)
    vertex_part = np.repeat(np.arange(len(part_owner)), n_vertices)
    # sorted angles per part keep every polygon simple (star-shaped around its centre)
    angle = np.sort(rng.uniform(0, 2 * np.pi, len(vertex_part)) + 10 * vertex_part) - 10 * vertex_part
    r = radius[vertex_part] * rng.uniform(0.4, 1.0, len(vertex_part))
    xy = centre[vertex_part] + np.stack([np.cos(angle), np.sin(angle)], axis=1) * r[:, None]
    xy = np.round(np.clip(xy, 0, wh[part_owner][vertex_part]), 2)
    owner_of_vertex = part_owner[vertex_part]
    lo = np.full((n, 2), np.inf)
    hi = np.full((n, 2), -np.inf)
    np.minimum.at(lo, owner_of_vertex, xy)
    np.maximum.at(hi, owner_of_vertex, xy)
    bbox = np.round(np.hstack([lo, hi - lo]), 2)
    return n_parts, n_vertices, xy, bbox


def _shoelace(xy: np.ndarray, n_vertices: np.ndarray) -> np.ndarray:
    starts = np.concatenate([[0], np.cumsum(n_vertices)])
    nxt = np.arange(1, len(xy) + 1)
    nxt[starts[1:] - 1] = starts[:-1]
    cross = xy[:, 0] * xy[nxt, 1] - xy[nxt, 0] * xy[:, 1]
    cum = np.concatenate([[0.0], np.cumsum(cross)])
    return np.abs(cum[starts[1:]] - cum[starts[:-1]]) / 2


def coco(out: Path, n_images: int, n_boxes: int, n_polygons: int, seed: int) -> Path:
    """Write one COCO set; returns the JSON path."""
    import orjson

    rng = np.random.default_rng(seed)
    cat_ids, cat_names = _categories(rng)
    wh = SIZES[rng.integers(0, len(SIZES), n_images)]
    n_objects = n_boxes + n_polygons
    image = _image_of_objects(rng, n_images, n_objects)
    is_poly = np.zeros(n_objects, bool)
    is_poly[rng.choice(n_objects, n_polygons, replace=False)] = True
    order = np.argsort(image, kind="stable")  # COCO files list objects image by image
    image, is_poly = image[order], is_poly[order]
    category = cat_ids[rng.integers(0, N_CATEGORIES, n_objects)]

    bbox = np.empty((n_objects, 4))
    area = np.empty(n_objects)
    box_rows = np.flatnonzero(~is_poly)
    bbox[box_rows] = _boxes(rng, wh[image[box_rows]])
    area[box_rows] = bbox[box_rows, 2] * bbox[box_rows, 3]
    poly_rows = np.flatnonzero(is_poly)
    n_parts, n_vertices, xy, poly_bbox = _polygons(rng, wh[image[poly_rows]])
    bbox[poly_rows] = poly_bbox
    part_area = _shoelace(xy, n_vertices)
    part_start = np.concatenate([[0], np.cumsum(n_parts)])
    area[poly_rows] = np.add.reduceat(part_area, part_start[:-1])
    area = np.round(area, 2)

    flat = xy.ravel().tolist()
    vstart = np.concatenate([[0], np.cumsum(n_vertices)]) * 2
    segmentation: dict[int, list[list[float]]] = {}
    for j, row in enumerate(poly_rows.tolist()):
        segmentation[row] = [flat[vstart[p] : vstart[p + 1]] for p in range(part_start[j], part_start[j + 1])]

    images = [
        {"id": i + 1, "file_name": f"{i + 1:06d}.jpg", "width": w, "height": h}
        for i, (w, h) in enumerate(wh.tolist())
    ]
    annotations = []
    for row, (img, cat, box, a) in enumerate(
        zip((image + 1).tolist(), category.tolist(), bbox.tolist(), area.tolist())
    ):
        rec = {"id": row + 1, "image_id": img, "category_id": cat, "bbox": box, "area": a, "iscrowd": 0}
        rec["segmentation"] = segmentation.get(row, [])
        annotations.append(rec)
    doc = {
        "info": {"description": f"gtconvert benchmark, seed {seed}", "version": "1.0"},
        "licenses": [],
        "images": images,
        "annotations": annotations,
        "categories": [
            {"id": int(c), "name": n, "supercategory": "thing"} for c, n in zip(cat_ids, cat_names)
        ],
    }
    path = out / "annotations" / "instances_train.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / "images" / "train").mkdir(parents=True, exist_ok=True)  # Datumaro insists on it
    path.write_bytes(orjson.dumps(doc))
    return path


def coco_boxes(out: Path, n_images: int, n_boxes: int, seed: int, block: int = 20_000) -> Path:
    """A boxes-only COCO set written block by block (the 1M-image set does not fit as Python objects).

    Same images, categories and box draw as :func:`coco`, 10 boxes per image on average (5% of
    the images empty), listed image by image; each block of ``block`` images is drawn from its
    own seed, so the file does not depend on how much memory the generator had.
    """
    import orjson

    rng = np.random.default_rng(seed)
    cat_ids, cat_names = _categories(rng)
    path = out / "annotations" / "instances_train.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / "images" / "train").mkdir(parents=True, exist_ok=True)
    head = {
        "info": {"description": f"gtconvert benchmark, boxes only, seed {seed}", "version": "1.0"},
        "licenses": [],
    }
    cats = [{"id": int(c), "name": n, "supercategory": "thing"} for c, n in zip(cat_ids, cat_names)]
    per_block = [(a, min(a + block, n_images)) for a in range(0, n_images, block)]
    next_id = 1
    with open(path, "wb") as f:
        f.write(orjson.dumps(head)[:-1] + b',"images":[')
        sizes = []
        for k, (a, b) in enumerate(per_block):
            wh = SIZES[np.random.default_rng([seed, k]).integers(0, len(SIZES), b - a)]
            sizes.append(wh)
            recs = [{"id": a + i + 1, "file_name": f"{a + i + 1:07d}.jpg", "width": w, "height": h}
                    for i, (w, h) in enumerate(wh.tolist())]  # fmt: skip
            f.write((b"," if k else b"") + orjson.dumps(recs)[1:-1])
        f.write(b'],"annotations":[')
        for k, ((a, b), wh) in enumerate(zip(per_block, sizes)):
            r = np.random.default_rng([seed, k, 1])
            n_obj = round(n_boxes * (b - a) / n_images)
            image = np.sort(_image_of_objects(r, b - a, n_obj))
            bbox = _boxes(r, wh[image])
            area = np.round(bbox[:, 2] * bbox[:, 3], 2)
            category = cat_ids[r.integers(0, N_CATEGORIES, n_obj)]
            recs = [
                {"id": next_id + j, "image_id": a + i + 1, "category_id": c, "bbox": bb, "area": ar,
                 "iscrowd": 0, "segmentation": []}
                for j, (i, c, bb, ar) in enumerate(zip(image.tolist(), category.tolist(), bbox.tolist(), area.tolist()))
            ]  # fmt: skip
            next_id += n_obj
            f.write((b"," if k else b"") + orjson.dumps(recs)[1:-1])
        f.write(b'],"categories":' + orjson.dumps(cats) + b"}")
    return path


#: COCO's 17 person keypoints and its skeleton (1-based pairs), as in person_keypoints_*.json.
KEYPOINT_NAMES = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle",
]  # fmt: skip
SKELETON = [
    [16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9],
    [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7],
]  # fmt: skip


def coco_keypoints(out: Path, n_images: int, n_people: int, seed: int) -> Path:
    """COCO person keypoints: one category, 17 points per person inside its box.

    A quarter of the points are unlabelled (0, 0, 0, as COCO writes them), the rest visible (2)
    or occluded (1); ``num_keypoints`` counts the labelled ones; 5% of the images hold nobody.
    """
    import orjson

    rng = np.random.default_rng(seed)
    wh = SIZES[rng.integers(0, len(SIZES), n_images)]
    image = np.sort(_image_of_objects(rng, n_images, n_people))
    bbox = _boxes(rng, wh[image])
    k = len(KEYPOINT_NAMES)
    xy = bbox[:, None, :2] + rng.uniform(0, 1, (n_people, k, 2)) * bbox[:, None, 2:]
    v = rng.choice([0, 1, 2], (n_people, k), p=[0.25, 0.15, 0.6])
    xy = np.round(np.where(v[..., None] > 0, xy, 0), 2)
    kp = np.concatenate([xy, v[..., None]], axis=2).reshape(n_people, 3 * k)
    images = [
        {"id": i + 1, "file_name": f"{i + 1:06d}.jpg", "width": w, "height": h}
        for i, (w, h) in enumerate(wh.tolist())
    ]
    annotations = [
        {"id": j + 1, "image_id": i + 1, "category_id": 1, "bbox": b, "area": round(b[2] * b[3], 2),
         "iscrowd": 0, "segmentation": [], "num_keypoints": n, "keypoints": [int(t) if t.is_integer() else t for t in p]}
        for j, (i, b, n, p) in enumerate(zip(image.tolist(), bbox.tolist(), (v > 0).sum(1).tolist(), kp.tolist()))
    ]  # fmt: skip
    doc = {
        "info": {"description": f"gtconvert benchmark, keypoints, seed {seed}"},
        "licenses": [],
        "images": images,
        "annotations": annotations,
        "categories": [
            {
                "id": 1,
                "name": "person",
                "supercategory": "person",
                "keypoints": KEYPOINT_NAMES,
                "skeleton": SKELETON,
            }
        ],
    }
    path = out / "annotations" / "person_keypoints_train.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / "images" / "train").mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(doc))
    return path


def _cellstr(values: list[str]) -> np.ndarray:
    arr = np.empty((len(values), 1), dtype=object)
    arr[:, 0] = values
    return arr


def _column(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1, 1)


def _interchange_common(
    n_images: int, wh: np.ndarray, names: list[str], ids: np.ndarray, types: list[str]
) -> dict:
    """Header, image and label fields of an interchange struct (no objects yet)."""
    k = len(names)
    return {
        "schema": "gtconvert-interchange",
        "version": 1.0,
        "frame": "matlab",
        "vertexConvention": "center",
        "release": "",
        "sourceType": "imageCollection",
        "sourceName": "",
        "imageFiles": _cellstr([f"images/{i + 1:06d}.png" for i in range(n_images)]),
        "imageIds": _column(np.arange(1, n_images + 1)),
        "imageSize": np.stack([wh[:, 1], wh[:, 0]], axis=1).astype(np.float64),
        "imageTime": np.full((n_images, 1), np.nan),
        "pixelLabelFiles": _cellstr([""] * n_images),
        "labelNames": _cellstr(names),
        "labelIds": _column(ids),
        "labelTypes": _cellstr(types),
        "labelColors": np.full((k, 3), np.nan),
        "labelPixelIds": np.empty((k, 1), dtype=object),
        "labelGroups": _cellstr([""] * k),
        "labelDescriptions": _cellstr([""] * k),
        "labelParents": _cellstr([""] * k),
        "attrLabel": np.zeros((0, 1)),
        "attrNames": _cellstr([]),
        "attrTypes": _cellstr([]),
        "attrDefaults": _cellstr([]),
        "attrListItems": _cellstr([]),
        "attrDescriptions": _cellstr([]),
        "infoJson": "",
    }


def _empty_objects(s: dict) -> None:
    s.update(
        objImage=np.zeros((0, 1)),
        objLabel=np.zeros((0, 1)),
        objId=np.zeros((0, 1)),
        objParent=np.zeros((0, 1)),
        objIsCrowd=np.zeros((0, 1), dtype=bool),
        objPosition=np.zeros((0, 9)),
        objPartCount=np.zeros((0, 1)),
        partVertexCount=np.zeros((0, 1)),
        vertices=np.zeros((0, 2)),
        objRle=_cellstr([]),
        objAttributes=_cellstr([]),
    )


def interchange(out: Path, n_images: int, n_boxes: int, n_polygons: int, seed: int) -> Path:
    """The MATLAB interchange .mat: 10 Rectangle and 10 Polygon labels, MATLAB coordinates."""
    import scipy.io

    rng = np.random.default_rng(seed)
    wh = SIZES[rng.integers(0, len(SIZES), n_images)]
    k = N_CATEGORIES
    names = [f"label_{i:02d}" for i in range(k)]
    types = ["Rectangle"] * (k // 2) + ["Polygon"] * (k - k // 2)
    s = _interchange_common(n_images, wh, names, np.arange(1, k + 1), types)
    for i in range(k):
        s["labelPixelIds"][i, 0] = np.zeros((0, 0))

    n = n_boxes + n_polygons
    image = np.sort(_image_of_objects(rng, n_images, n))
    is_poly = np.zeros(n, bool)
    is_poly[rng.choice(n, n_polygons, replace=False)] = True
    label = np.where(is_poly, rng.integers(k // 2, k, n), rng.integers(0, k // 2, n))
    position = np.full((n, 9), np.nan)
    boxes = _boxes(rng, wh[image[~is_poly]])
    # MATLAB pixel-index boxes: integer, 1-based (matlab-groundtruth.md section 3)
    position[~is_poly, :4] = np.hstack([np.floor(boxes[:, :2]) + 1, np.maximum(np.floor(boxes[:, 2:]), 1)])
    n_parts, n_vertices, xy, _ = _polygons(rng, wh[image[is_poly]])
    part_count = np.zeros(n)
    part_count[is_poly] = n_parts
    s.update(
        objImage=_column(image + 1),
        objLabel=_column(label + 1),
        objId=_column(np.arange(1, n + 1)),
        objParent=np.zeros((n, 1)),
        objIsCrowd=np.zeros((n, 1), dtype=bool),
        objPosition=position,
        objPartCount=_column(part_count),
        partVertexCount=_column(n_vertices),
        vertices=xy + 0.5,  # COCO frame -> MATLAB spatial
        objRle=_cellstr([""] * n),
        objAttributes=_cellstr([""] * n),
    )
    path = out / "groundtruth.mat"
    path.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(path, {"gtconvert": s}, do_compression=True, oned_as="column")
    return path


def _label_matrix(rng: np.random.Generator, size: int, n_classes: int) -> np.ndarray:
    """A 1024x1024 label matrix: background 0, a dozen rectangles and ellipses of classes 1..n."""
    m = np.zeros((size, size), dtype=np.uint8)
    yy, xx = np.ogrid[:size, :size]
    for _ in range(rng.integers(6, 16)):
        value = rng.integers(1, n_classes + 1)
        cx, cy = rng.integers(0, size, 2)
        rx, ry = rng.integers(20, size // 5, 2)
        if rng.random() < 0.5:
            m[max(cy - ry, 0) : cy + ry, max(cx - rx, 0) : cx + rx] = value
        else:
            m[((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1] = value
    return m


def pixels(out: Path, n_images: int, size: int, seed: int, n_classes: int = 5) -> Path:
    """Label-matrix PNGs plus the interchange .mat that names them as PixelLabel data."""
    import scipy.io
    from PIL import Image

    rng = np.random.default_rng(seed)
    labels_dir = out / "labels"
    labels_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n_images):
        Image.fromarray(_label_matrix(rng, size, n_classes)).save(labels_dir / f"{i + 1:06d}.png")
    wh = np.full((n_images, 2), size)
    names = [f"stuff_{i}" for i in range(1, n_classes + 1)]
    s = _interchange_common(n_images, wh, names, np.arange(1, n_classes + 1), ["PixelLabel"] * n_classes)
    for i in range(n_classes):
        s["labelPixelIds"][i, 0] = np.array([[float(i + 1)]])
    s["pixelLabelFiles"] = _cellstr([f"labels/{i + 1:06d}.png" for i in range(n_images)])
    _empty_objects(s)
    path = out / "groundtruth.mat"
    scipy.io.savemat(path, {"gtconvert": s}, do_compression=True, oned_as="column")
    return path


def _grey_jpegs(folder: Path, names: list[str], sizes: list[tuple[int, int]]) -> None:
    """``folder/<name>`` as hard links to one small grey JPEG per (W, H)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    templates = {}
    for name, (w, h) in zip(names, sizes):
        if (w, h) not in templates:
            templates[w, h] = folder.parent / f".grey_{w}x{h}.jpg"
            Image.new("RGB", (w, h), (128, 128, 128)).save(templates[w, h], quality=50)
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(templates[w, h], target)


def _from_coco5k(
    data: Path, out: Path, seed: int, dst_format: str, **write_options
) -> tuple[Path, list, list]:
    """Convert ``data/coco5k`` with gtconvert into ``out``; returns (out, image names, sizes)."""
    import shutil

    import gtconvert

    src = Path(generate(["coco5k"], data, seed)["coco5k"])
    if out.exists():
        shutil.rmtree(out)
    ds = gtconvert.read(src)
    # VOC's 1-based inclusive boxes invert below one pixel, which globox rejects (an assert)
    keep = np.flatnonzero((ds.annotations.bbox[:, 2:] >= 1).all(axis=1))
    ds = ds.replace(annotations=ds.annotations.take(keep))
    gtconvert.write(ds, out, dst_format, **write_options)
    (out / "gtconvert.json").unlink(missing_ok=True)
    names = list(ds.images.file_name)
    sizes = list(zip(ds.images.width.tolist(), ds.images.height.tolist()))
    return out, names, sizes


def voc_input(out: Path, seed: int) -> Path:
    return _from_coco5k(out.parent, out, seed, "voc")[0]


def yolo_input(out: Path, seed: int) -> Path:
    root, names, sizes = _from_coco5k(out.parent, out, seed, "yolo", task="detect")
    _grey_jpegs(root / "images", names, sizes)
    return root


def preview_input(out: Path, seed: int) -> str:
    """Nothing new: ``coco5k``'s JSON and ``yolo5k``'s grey JPEGs (same names), joined by ``os.pathsep``."""
    coco_json = generate(["coco5k"], out.parent, seed)["coco5k"]
    yolo = generate(["yolo5k"], out.parent, seed)["yolo5k"]
    out.mkdir(parents=True, exist_ok=True)
    return os.pathsep.join([coco_json, str(Path(yolo) / "images")])


def masks_input(out: Path, seed: int) -> Path:
    """gtconvert's index masks in ``out/gtconvert``, the same PNGs for Datumaro in ``out/datumaro``."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    mine, names, sizes = _from_coco5k(out.parent, out / "gtconvert", seed, "masks", instances=False)
    theirs = out / "datumaro"
    pngs = sorted((mine / "index").rglob("*.png"))
    for png in pngs:
        target = theirs / "masks" / png.relative_to(mine / "index")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(png, target)
    _grey_jpegs(theirs / "images", names, sizes)
    classes = json.loads((mine / "classes.json").read_text())["classes"]
    palette = Image.open(pngs[0]).getpalette()
    colours = [palette[3 * v : 3 * v + 3] for v in range(len(classes) + 1)]
    label_map = {"0": "background", **{str(c["value"]): c["name"] for c in classes}}
    meta = {"label_map": label_map, "segmentation_colors": colours, "background_label": "0"}
    (theirs / "dataset_meta.json").write_text(json.dumps(meta))
    return out


#: The largest real MATLAB groundTruth files of the shared fixtures (read, never copied).
GTRUTH_FIXTURES = [
    "matlab/ivan-polygon/gTruth_py_flat.mat",
    "matlab-more/ivan-polygon2/gTruthPear.mat",
    "matlab/ssduckk-rect-line/SamplegTruth.mat",
]


def gtruth_fixtures(out: Path, seed: int) -> str:
    """Nothing to generate: the fixture paths, joined by ``os.pathsep``."""
    root = HERE.parent.parent / "shared" / "fixtures"
    out.mkdir(parents=True, exist_ok=True)
    return os.pathsep.join(str(root / f) for f in GTRUTH_FIXTURES)


SETS = {
    "coco5k": lambda out, seed: coco(out, 5_000, 50_000, 20_000, seed),
    "coco100k": lambda out, seed: coco(out, 100_000, 1_000_000, 400_000, seed),
    "coco100k-boxes": lambda out, seed: coco_boxes(out, 100_000, 1_000_000, seed),
    "coco300k-boxes": lambda out, seed: coco_boxes(out, 300_000, 3_000_000, seed),
    "coco1m-boxes": lambda out, seed: coco_boxes(out, 1_000_000, 10_000_000, seed),
    "coco-kp50k": lambda out, seed: coco_keypoints(out, 20_000, 50_000, seed),
    "interchange10k": lambda out, seed: interchange(out, 10_000, 100_000, 40_000, seed),
    "pixels1k": lambda out, seed: pixels(out, 1_000, 1024, seed),
    "voc5k": voc_input,
    "yolo5k": yolo_input,
    "masks5k": masks_input,
    "preview5k": preview_input,
    "gtruth-fixtures": gtruth_fixtures,
}


def generate(names: list[str], out: Path = DEFAULT_OUT, seed: int = 0, force: bool = False) -> dict[str, str]:
    """Generate the named sets under ``out`` (skipping those already made with this seed)."""
    made = {}
    for name in names:
        folder = out / name
        stamp = folder / ".generated.json"
        if not force and stamp.exists() and json.loads(stamp.read_text()).get("seed") == seed:
            made[name] = json.loads(stamp.read_text())["path"]
            continue
        t0 = time.perf_counter()
        path = SETS[name](folder, seed)
        stamp.write_text(json.dumps({"seed": seed, "path": str(path)}))
        print(f"generated {name}: {path} ({time.perf_counter() - t0:.1f} s)")
        made[name] = str(path)
    return made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", choices=list(SETS), help="sets to generate (default: all)")
    ap.add_argument("--force", action="store_true", help="regenerate even when present")
    args = ap.parse_args()
    generate(args.only or list(SETS), args.out, args.seed, args.force)


if __name__ == "__main__":
    main()
