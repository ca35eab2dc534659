"""Reading a YOLO folder: label rows checked as a trainer checks them, then one columnar Dataset.

Which layout it is and where the names are is :mod:`.layout`'s concern, which images the splits
name :mod:`.splits`', the label text :mod:`.labelfiles`'.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, imagefiles, report, sidecar
from ...errors import GtconvertError
from ...model import Annotations, Category, Dataset, Images, Kind
from .datayaml import class_names
from .labelfiles import parse_labels, read_texts
from .layout import locate, split_of_folder
from .pose import attach_keypoints, pose_shape, split_pose_rows, with_flip_idx
from .rows import check_task
from .splits import Entry, find_entries


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    task: str | None = None,
) -> Dataset:
    """Read a YOLO folder (or its ``data.yaml``).

    Image sizes come from the image headers (no pixels decoded); ``image_size=(W, H)`` gives
    the size of every image when the images are absent. ``images`` is a folder holding the
    images when they are not beside the labels. ``task="obb"`` reads 9-column rows as rotated
    boxes (default: what ``gtconvert.json`` says, else 9-column rows are 4-vertex polygons).
    """
    check_task(task)
    lay = locate(Path(path))
    root, doc = lay.root, lay.doc
    side = sidecar.load(root)
    names = lay.names if lay.names is not None else class_names(doc, side, root)
    pose = pose_shape(doc, root)
    if pose is not None:  # kpt_shape: every row is a box and K points, never a polygon
        if task not in (None, "pose"):
            raise GtconvertError(
                f"data.yaml has kpt_shape {list(pose)}: its rows are pose rows, not {task} rows",
                file=lay.described_by,
                fix="leave out --task (or give --task pose)",
            )
        task = "pose"
    task = task or (side or {}).get("task")
    image_root, entries = find_entries(root, lay.sources, side, lay.pairing)
    if lay.split_from_folder:
        entries = [e._replace(split=e.split or split_of_folder(e.rel)) for e in entries]
    if images is not None:
        if not os.path.isdir(images):
            raise GtconvertError(
                "--images names no folder", file=images, fix="give the folder that holds the images"
            )
        image_root = Path(images)
        entries = [e._replace(image=os.path.join(images, e.rel)) for e in entries]
    labels = [e.label for e in entries]
    texts = read_texts(labels)
    if texts and all(t is None for t in texts):  # nothing silently empty: say where we looked
        report.warn(
            "yolo.no_label_files",
            f"YOLO: none of the {len(texts)} images has a label file (looked for {labels[0]}, ...);"
            " the dataset reads without objects",
            len(texts),
        )
    cols, values, rows_per_image = parse_labels(texts, labels, len(names), pose)
    if pose is not None:  # box rows, and their keypoints apart
        cols, values, raw_keypoints = split_pose_rows(cols, values, pose)
    rel_names = [e.rel for e in entries]
    restored = sidecar.restore(side, rel_names, rows_per_image, source="yolo")
    width, height = _sizes(entries, image_size, restored.sizes)
    img = Images.create(
        rel_names,
        width=width,
        height=height,
        id=restored.image_ids,
        extra=[{"split": e.split} if e.split else None for e in entries],
    )
    ann = _annotations(cols, values, rows_per_image, img, restored, task)
    cats = _categories(names, side)
    if pose is not None:
        attach_keypoints(ann, raw_keypoints, pose[0], img.width, img.height)
        with_flip_idx(cats, doc, pose[0], lay.described_by or root)
    return Dataset(img, cats, ann, info={"yolo": {"task": task} if task else {}}, image_root=str(image_root))


def _sizes(
    entries: list[Entry], image_size: tuple[int, int] | None, known: dict[str, tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Image sizes: ``image_size`` if given, else the image header, else the sidecar's record."""
    n = len(entries)
    if image_size is not None:
        return np.full(n, int(image_size[0])), np.full(n, int(image_size[1]))
    width, height = imagefiles.header_sizes([e.image for e in entries])
    for i in np.flatnonzero(width == 0).tolist():
        width[i], height[i] = known.get(entries[i].rel, (0, 0))
    missing = [str(entries[i].image) for i in np.flatnonzero(width == 0).tolist()]
    if missing:
        raise GtconvertError(
            f"{len(missing)} images are missing, so their sizes are unknown: {', '.join(missing[:5])}",
            fix="put the images beside the labels, pass --images DIR, or --image-size WxH",
        )
    return width, height


def _annotations(
    cols: np.ndarray,
    values: np.ndarray,
    rows_per_image: np.ndarray,
    img: Images,
    restored: sidecar.Restored,
    task: str | None,
) -> Annotations:
    """All label rows as annotations, with the kinds the sidecar recorded where they fit."""
    n = len(cols)
    if n == 0:
        return Annotations.empty()
    image = np.repeat(np.arange(len(img)), rows_per_image)
    W = img.width[image].astype(np.float64)
    H = img.height[image].astype(np.float64)
    starts = np.concatenate([[0], np.cumsum(cols)[:-1]])
    category = values[starts].astype(np.int64)
    hint = restored.ann_kinds
    is_box_row = cols == 5
    is_obb = (cols == 9) & (task == "obb")
    kind = np.full(n, Kind.POLYGON, dtype=np.uint8)
    kind[is_box_row] = Kind.BOX
    kind[is_obb] = Kind.ROTATED_BOX

    # vertices of every non-box row, in one flat array
    poly = np.flatnonzero(~is_box_row)
    n_vert = (cols[poly] - 1) // 2
    part_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(~is_box_row, out=part_start[1:])
    vertex_start = np.zeros(len(poly) + 1, dtype=np.int64)
    np.cumsum(n_vert, out=vertex_start[1:])
    take = (
        np.concatenate([np.arange(s + 1, s + c) for s, c in zip(starts[poly], cols[poly])])
        if len(poly)
        else np.zeros(0, np.int64)
    )
    vertex_w, vertex_h = np.repeat(W[poly], n_vert), np.repeat(H[poly], n_vert)
    vertices = geometry.denormalise_points(values[take].reshape(-1, 2), vertex_w, vertex_h)
    vertices[:, 0] = snap_to_pixels(vertices[:, 0], vertex_w)
    vertices[:, 1] = snap_to_pixels(vertices[:, 1], vertex_h)
    bbox = geometry.ragged_bbox(part_start, vertex_start, vertices)
    box_rows = np.flatnonzero(is_box_row)
    box_vals = values[starts[box_rows][:, None] + np.arange(1, 5)]
    bbox[box_rows] = _snapped_boxes(
        geometry.yolo_boxes_to_coco(box_vals, W[box_rows], H[box_rows]), W[box_rows], H[box_rows]
    )

    rbox = np.full((n, 5), np.nan)
    four = (cols == 9) & ((hint == Kind.ROTATED_BOX) | is_obb)
    kind[four] = Kind.ROTATED_BOX
    rows4 = np.flatnonzero(four)
    if len(rows4):
        corners = vertices[vertex_start[part_start[rows4]][:, None] + np.arange(4)]
        rbox[rows4] = geometry.corners_to_rotated_box(corners)
    as_box = ~is_box_row & (hint == Kind.BOX)  # boxes written as 4 corners (segment or obb task)
    kind[as_box] = Kind.BOX
    rle = np.full(n, None, dtype=object)
    as_mask = np.flatnonzero((kind == Kind.POLYGON) & np.isin(hint, [Kind.MASK, Kind.PIXEL_REF]))
    for i in as_mask.tolist():  # masks written as bridged rings: rasterised back to masks
        ring = vertices[vertex_start[part_start[i]] : vertex_start[part_start[i + 1]]]
        rle[i] = geometry.polygon_to_rle([ring], int(H[i]), int(W[i]))
    kind[as_mask] = Kind.MASK
    keep_geometry = kind == Kind.POLYGON
    ann = Annotations(
        image=image,
        category=category,
        kind=kind,
        id=restored.ann_ids,
        bbox=bbox,
        iscrowd=restored.ann_iscrowd,
        area=np.full(n, np.nan),
        score=np.full(n, np.nan),
        rbox=rbox,
        part_start=part_start,
        vertex_start=vertex_start,
        vertices=vertices,
        rle=rle,
        pixel_ref=np.full(n, None, dtype=object),
        attributes=np.full(n, None, dtype=object),
        parent=np.full(n, -1, dtype=np.int64),
        extra=np.full(n, None, dtype=object),
    )
    if not keep_geometry.all():  # only polygons keep vertices; other kinds hold their own shape
        ann = _without_geometry(ann, ~keep_geometry)
    return ann


#: A coordinate this close to a whole pixel (the image border included) is that pixel: YOLO's
#: 6 decimals cannot tell the two apart (0.133333 +- 0.266667 / 2 of 15 px gives -7.5e-6 and
#: 3.9999975 for 0 and 4). At most 1e-3 px, and never more than the text's own resolution
#: (1e-6 of the image size), so a value the text can tell from the pixel is never moved.
SNAP_PX = 1e-3


def snap_to_pixels(values: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``values`` (pixels) with those within the 6-decimal noise of a whole pixel set to it."""
    whole = np.round(values)
    near = np.abs(values - whole) <= np.minimum(SNAP_PX, 1e-6 * size)
    return np.where(near, whole, values)


def _snapped_boxes(bbox: np.ndarray, W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """COCO boxes with their corners snapped by :func:`snap_to_pixels`."""
    x0, y0 = snap_to_pixels(bbox[:, 0], W), snap_to_pixels(bbox[:, 1], H)
    x1, y1 = snap_to_pixels(bbox[:, 0] + bbox[:, 2], W), snap_to_pixels(bbox[:, 1] + bbox[:, 3], H)
    return np.stack([x0, y0, x1 - x0, y1 - y0], axis=1)


def _without_geometry(ann: Annotations, rows: np.ndarray) -> Annotations:
    """Drop the vertex parts of ``rows`` (boolean), keeping every other column."""
    n_parts = ann.n_parts().copy()
    keep_part = np.repeat(~rows, n_parts)
    n_parts[rows] = 0
    part_start = np.zeros(len(ann) + 1, dtype=np.int64)
    np.cumsum(n_parts, out=part_start[1:])
    lengths = np.diff(ann.vertex_start)
    keep_vertex = np.repeat(keep_part, lengths)
    vertex_start = np.zeros(int(keep_part.sum()) + 1, dtype=np.int64)
    np.cumsum(lengths[keep_part], out=vertex_start[1:])
    ann.part_start, ann.vertex_start, ann.vertices = part_start, vertex_start, ann.vertices[keep_vertex]
    return ann


def _categories(names: list[str], side: dict[str, Any] | None) -> list[Category]:
    """Classes as categories: the sidecar's when they match ``names``, else id = class number."""
    if side:
        cats = [sidecar.category_from_record(r) for r in side["categories"]]
        if [c.name for c in cats] == names:
            return cats
        report.warn(
            "yolo.sidecar_names_changed",
            f"YOLO: data.yaml names differ from {sidecar.FILE_NAME}; category ids are the class numbers",
        )
    return [Category(id=k, name=n) for k, n in enumerate(names)]
