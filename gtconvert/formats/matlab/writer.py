"""Dataset (COCO frame) -> :class:`Interchange` (MATLAB frame), the exact inverse of :mod:`.reader`.

A MATLAB label has one type: a category holding several kinds is split into one label per
kind (recorded in ``infoJson`` so that the reader joins them again). What MATLAB cannot hold
(supercategories, unknown keys, image extras) travels in ``infoJson`` too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...model import Category, Dataset, Kind
from . import keypoints, pixel_writer
from .interchange import Interchange
from .labels import BY_CATEGORY_TYPE, BY_KIND, free_label_name
from .paths import is_absolute, relative

# ---- labels: one type each ---------------------------------------------------------------


@dataclass
class _Label:
    """One MATLAB label the writer emits: a category, or the objects of one kind split off it."""

    category: int  # row of the dataset category
    type: str  # labelType name
    name: str
    id: int
    split: bool = False  # holds the objects of a kind the category's own label cannot hold


def _home_type(category: Category, kinds: np.ndarray, counts: np.ndarray) -> tuple[str, int | None]:
    """A category's labelType and the kind it holds (None: any), from its type or its objects."""
    if category.type in BY_CATEGORY_TYPE:
        known = BY_CATEGORY_TYPE[category.type]
        return known.name, known.kind
    shapes = kinds != Kind.MASK
    if shapes.any():  # any label may hold RLE masks: type it by the rest
        kinds, counts = kinds[shapes], counts[shapes]
    if (kinds == Kind.PIXEL_REF).any() or (category.pixel_id and (kinds == Kind.MASK).all()):
        # a pixel label keeps its name and PixelLabelID; so do the RLE masks of a category that
        # has one (COCO from a pixel label): they are painted into label PNGs (.pixel_writer)
        return "PixelLabel", int(Kind.PIXEL_REF)
    if len(kinds):
        home = int(kinds[np.argmax(counts)])  # the majority kind (the first on a tie)
        return BY_KIND[Kind(home)].name, home
    return "Rectangle", None  # an unused label: the apps' default type


def _plan_labels(dataset: Dataset) -> tuple[list[_Label], np.ndarray]:
    """The MATLAB labels to write and each annotation's label row.

    A MATLAB label has one type, but a category may hold objects of several kinds (COCO allows
    boxes and polygons in one category). Such a category keeps its name and id for its own kind
    and gives every other kind a label ``<name>_<type>`` (``car_polygon``) with a fresh id;
    RLE masks stay with the category. One warning counts the objects moved; ``infoJson`` records
    the split so that the Python reader joins the labels again.
    """
    ann, cats = dataset.annotations, dataset.categories
    labels = [_Label(k, "", c.name, c.id) for k, c in enumerate(cats)]
    label_of = ann.category.copy()
    taken = {(c.parent, c.name) for c in cats}
    next_id = max((c.id for c in cats), default=0) + 1
    pairs, counts = np.unique(np.stack([ann.category, ann.kind.astype(np.int64)]), axis=1, return_counts=True)
    moved: list[str] = []
    for k, c in enumerate(cats):
        mine = pairs[0] == k
        kinds, n = pairs[1][mine], counts[mine]
        labels[k].type, home = _home_type(c, kinds, n)
        if home is None:
            continue
        for kind in kinds[(kinds != home) & (kinds != Kind.MASK)].tolist():
            label_type = BY_KIND[Kind(kind)]
            name = free_label_name(f"{c.name}_{label_type.category_type}", c.parent, taken)
            label_of[(ann.category == k) & (ann.kind == kind)] = len(labels)
            labels.append(_Label(k, label_type.name, name, next_id, split=True))
            next_id += 1
            moved.append(name)
    n_moved = int(np.count_nonzero(label_of >= len(cats)))
    report.warn(
        "matlab.mixed_kinds",
        f"MATLAB: {n_moved} object(s) of categories holding several kinds went to labels of their "
        f"own ({', '.join(moved[:5])}{', ...' if len(moved) > 5 else ''}): a MATLAB label has one type",
        n_moved,
        examples=moved,
    )
    return labels, label_of


def _orphaned_sublabels(dataset: Dataset, label_of: np.ndarray) -> np.ndarray:
    """Sublabel objects whose parent object went to a label split off their parent category
    (``car_polygon``): MATLAB holds sublabels only under the label that defines them, so they
    are dropped and counted (keypoints of such objects included)."""
    ann, cats = dataset.annotations, dataset.categories
    home = {(c.parent, c.name): k for k, c in enumerate(cats)}
    child = np.flatnonzero(ann.parent >= 0)
    child = child[[bool(cats[k].parent) for k in ann.category[child].tolist()]]  # of sublabel categories
    expected = np.array(
        [home.get(("", cats[k].parent), -1) for k in ann.category[child].tolist()], dtype=np.int64
    )
    orphan = np.zeros(len(ann), dtype=bool)
    orphan[child[label_of[ann.parent[child]] != expected]] = True
    n = int(orphan.sum())
    report.warn(
        "matlab.sublabels_dropped",
        f"MATLAB: {n} sublabel object(s) (keypoints among them) dropped: their parent objects went to "
        "labels split off their category (a MATLAB label has one type; sublabels stay with the label "
        "that defines them)",
        n,
    )
    return orphan


# ---- the interchange columns -------------------------------------------------------------


def from_dataset(
    dataset: Dataset, mat_dir: str, convention: str = "center", pixel_folder: Path | None = None
) -> tuple[Interchange, list[tuple]]:
    """Dataset (COCO frame) -> Interchange (MATLAB frame), the exact inverse of :func:`to_dataset`.

    Also the label PNGs still to paint (:func:`.pixel_writer.paint`) into ``pixel_folder``
    (default ``<mat_dir>/gtconvert_PixelLabelData``), which the interchange names.
    """
    dataset, keypoint_labels = keypoints.to_point_sublabels(dataset)
    img, ann = dataset.images, dataset.annotations
    n = len(img)
    info = dataset.info.get("matlab", {})
    ic = Interchange(
        vertexConvention=convention,
        release=str(info.get("release", "")),
        sourceType="python",
    )
    root = dataset.image_root
    ic.imageFiles = [
        relative(os.path.join(root, f), mat_dir) if root and not is_absolute(f) else str(f)
        for f in img.file_name.tolist()
    ]
    ic.imageIds = img.id.astype(np.float64)
    ic.imageSize = np.stack([img.height, img.width], axis=1).astype(np.float64).reshape(n, 2)
    ic.imageTime = img.time.astype(np.float64)
    videos = {v for v in img.video.tolist() if v}
    ic.sourceName = videos.pop() if len(videos) == 1 and all(img.video) else ""
    labels, label_of = _plan_labels(dataset)
    _write_labels(ic, dataset, labels)
    folder = pixel_folder or Path(mat_dir) / f"gtconvert{pixel_writer.FOLDER_SUFFIX}"
    pixel_labels = [k for k, lab in enumerate(labels) if lab.type == "PixelLabel"]
    pixels = pixel_writer.plan(
        dataset, pixel_labels, [lab.category for lab in labels], label_of, mat_dir, folder
    )
    for k, rows in pixels.ids.items():
        ic.labelPixelIds[k] = rows
    ic.pixelLabelFiles = pixels.files
    objects = (ann.kind != Kind.PIXEL_REF) & ~np.isin(np.arange(len(ann)), pixels.painted_rows)
    objects &= ~_orphaned_sublabels(dataset, label_of)
    _write_objects(ic, dataset, np.flatnonzero(objects), label_of, convention)
    ic.imageSize = _mask_sizes(ic, dataset, np.flatnonzero(ann.kind == Kind.MASK))
    stored = _stored_info(dataset, mat_dir, labels)
    if keypoint_labels:  # which Point sublabels are keypoints, their names and skeleton
        stored["keypoint_labels"] = keypoint_labels
    ic.infoJson = json.dumps(stored, ensure_ascii=False, default=str)
    return ic, pixels.jobs


def _stored_info(dataset: Dataset, mat_dir: str, labels: list[_Label]) -> dict[str, Any]:
    cats = {}
    for c in dataset.categories:
        saved: dict[str, Any] = {}
        if c.supercategory:
            saved["supercategory"] = c.supercategory
        if c.extra:
            saved["extra"] = c.extra
        if c.type not in BY_CATEGORY_TYPE:  # "" included: an unused label is written as a Rectangle
            saved["type"] = c.type
        if saved:
            cats[str(c.id)] = {"name": c.name, **({"parent": c.parent} if c.parent else {}), **saved}
    out: dict[str, Any] = {"info": dataset.info, "categories": cats}
    split = [lab for lab in labels if lab.split]
    if split:  # labels split off a category of several kinds, to join again on reading
        out["split_labels"] = [
            {
                "label": lab.name,
                "parent": dataset.categories[lab.category].parent,
                "category": dataset.categories[lab.category].name,
                "category_id": dataset.categories[lab.category].id,
            }
            for lab in split
        ]
    if dataset.image_root:  # so that Python reads back the same file names
        out["image_root"] = relative(dataset.image_root, mat_dir)
    if any(e for e in dataset.images.extra.tolist()):
        out["image_extra"] = dataset.images.extra.tolist()
    return out


def _write_labels(ic: Interchange, dataset: Dataset, labels: list[_Label]) -> None:
    cats = dataset.categories
    source = [cats[lab.category] for lab in labels]
    ic.labelNames = [lab.name for lab in labels]
    ic.labelIds = np.array([lab.id for lab in labels], dtype=np.float64)
    ic.labelTypes = [lab.type for lab in labels]
    ic.labelColors = np.array(
        [c.color if c.color else (np.nan,) * 3 for c in source], dtype=np.float64
    ).reshape(-1, 3)
    ic.labelPixelIds = [
        _pixel_id_rows(c.pixel_id) if c.pixel_id and (not lab.split or lab.type == "PixelLabel")
        else np.zeros((0, 0))
        for c, lab in zip(source, labels)
    ]  # fmt: skip
    ic.labelGroups = [c.group or "" for c in source]
    ic.labelDescriptions = [c.description or "" for c in source]
    ic.labelParents = [c.parent or "" for c in source]
    empty = dataset.info.get("matlab", {}).get("empty_values") or {}
    ic.labelEmptyValues = [
        str(empty.get(lab.name, "")) if not lab.split and not c.parent else ""
        for c, lab in zip(source, labels)
    ]
    # a split label takes its category's attribute definitions, so its objects keep theirs in MATLAB
    defs = [(k, a) for k, c in enumerate(source) for a in (c.attributes or [])]
    ic.attrLabel = np.array([k + 1 for k, _ in defs], dtype=np.float64)
    ic.attrNames = [str(a.get("name", "")) for _, a in defs]
    ic.attrTypes = [str(a.get("type", "string")) for _, a in defs]
    ic.attrDefaults = [
        json.dumps(a["default"], ensure_ascii=False) if "default" in a else "" for _, a in defs
    ]
    ic.attrListItems = [
        json.dumps(a["list_items"], ensure_ascii=False) if "list_items" in a else "" for _, a in defs
    ]
    ic.attrDescriptions = [str(a.get("description", "")) for _, a in defs]


def _pixel_id_rows(pixel_id: tuple[int, ...]) -> np.ndarray:
    """A flat ``Category.pixel_id`` as PixelLabelID rows, for a label no pixel reference shows.

    One value is a scalar id, three an RGB triplet (as the masks format writes them), a multiple
    of three several triplets, any other count a column of scalar ids. (Labels that do hold
    pixel references take the exact rows of their :attr:`PixelRef.values` instead.)
    """
    arr = np.asarray(pixel_id, dtype=np.float64)
    return arr.reshape(-1, 3) if len(arr) % 3 == 0 else arr.reshape(-1, 1)


def _write_objects(
    ic: Interchange, dataset: Dataset, rows: np.ndarray, label_of: np.ndarray, convention: str
) -> None:
    ann = dataset.annotations
    m = len(rows)
    sub = ann.take(rows)
    kind = sub.kind
    ic.objImage = sub.image.astype(np.float64) + 1
    ic.objLabel = label_of[rows].astype(np.float64) + 1
    ic.objId = sub.id.astype(np.float64)
    ic.objParent = (sub.parent + 1).astype(np.float64)  # take() remapped parents; -1 -> 0
    ic.objIsCrowd = sub.iscrowd.astype(bool)
    pos = np.full((m, 9), np.nan)
    box = kind == Kind.BOX
    pos[box, :4] = geometry.coco_boxes_to_matlab(sub.bbox[box])
    rot = kind == Kind.ROTATED_BOX
    pos[rot, :5] = geometry.coco_rotated_to_matlab(sub.rbox[rot], convention)
    first_vertex = sub.vertex_start[sub.part_start[:-1]]
    for i in np.flatnonzero(kind == Kind.POINT):
        pos[i, :2] = geometry.coco_points_to_matlab(sub.vertices[first_vertex[i]], convention)
    cub = np.flatnonzero(kind == Kind.PROJECTED_CUBOID)
    if len(cub):
        faces = np.stack([np.stack(sub.parts(i)[:2]) for i in cub])
        pos[cub, :8] = geometry.coco_cuboid_to_matlab(faces)
    ic.objPosition = pos
    ragged = np.isin(kind, [Kind.POLYGON, Kind.POLYLINE])
    keep = sub.take(np.flatnonzero(ragged))
    counts = np.zeros(m)
    counts[ragged] = keep.n_parts()
    ic.objPartCount = counts
    ic.partVertexCount = np.diff(keep.vertex_start).astype(np.float64)
    ic.vertices = geometry.coco_points_to_matlab(keep.vertices, convention).reshape(-1, 2)
    ic.objRle = [_rle_counts(sub.rle[i]) if kind[i] == Kind.MASK else "" for i in range(m)]
    ic.objAttributes = [
        json.dumps(a, ensure_ascii=False, default=str) if a is not None else ""
        for a in sub.attributes.tolist()
    ]


def _rle_counts(rle: dict[str, Any]) -> str:
    counts = geometry.compress_rle(rle)["counts"]
    return counts.decode("ascii") if isinstance(counts, bytes) else str(counts)


def _mask_sizes(ic: Interchange, dataset: Dataset, masks: np.ndarray) -> np.ndarray:
    """An RLE's size is its image's: fill unknown sizes from the masks, refuse disagreements."""
    size = ic.imageSize.copy()
    ann = dataset.annotations
    for i in masks:
        row = int(ann.image[i])
        h, w = (int(v) for v in ann.rle[i]["size"])
        if size[row, 0] == 0 and size[row, 1] == 0:
            size[row] = (h, w)
        elif (size[row, 0], size[row, 1]) != (h, w):
            raise GtconvertError(
                f"mask of annotation {ann.id[i]} is {h}x{w} but its image is {int(size[row, 0])}x{int(size[row, 1])}",
                fix="masks must have their image's size",
            )
    return size
