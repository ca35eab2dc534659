"""Interchange (MATLAB frame, 1-based) -> :class:`Dataset` (COCO frame), files resolved.

Both the interchange file and the raw groundTruth decoder (:mod:`.raw`) give an
:class:`Interchange`; this module makes the dataset of it: images (names, sizes, video frames),
categories (with what ``infoJson`` saved of a Python dataset), objects (:mod:`.objects`) and
pixel labels (:mod:`.pixel_labels`). Several groundTruth objects of one file are merged here.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from ...model import Annotations, Category, Dataset, Images
from . import keypoints, objects, paths, pixel_labels
from .interchange import Interchange
from .labels import category_type


def to_dataset(
    ic: Interchange,
    name: str,
    folders: paths.Folders,
    *,
    image_size: tuple[int, int] | None = None,
    convention: str | None = None,
    every: int | None = None,
    instances: bool = False,
) -> Dataset:
    """An :class:`Interchange` (MATLAB frame) -> Dataset (COCO frame), files resolved.

    ``name`` is the variable it came from; the options are those of :func:`gtconvert.formats.matlab.read`
    (``convention`` None: the file's own).
    """
    stored_info = json.loads(ic.infoJson) if ic.infoJson else {}
    convention = convention or ic.vertexConvention or "center"
    if "image_root" in stored_info and not folders.images:
        folders = dataclasses.replace(folders, saved_root=stored_info["image_root"])
    video_file = paths.video_file(ic, folders) if paths.is_video(ic) else None
    names, root, found = paths.image_names(ic, folders, video_file)
    pixel_files = paths.pixel_files(ic, folders)
    width, height = _sizes(ic, found, pixel_files, image_size, video_file)
    n = len(names)
    video = [video_file or ic.sourceName] * n if ic.sourceName else None  # the local file when found
    extras = stored_info.get("image_extra") or [None] * n
    images = Images.create(
        names, width, height, id=ic.imageIds.astype(np.int64), time=ic.imageTime, video=video, extra=extras
    )
    ann = objects.object_annotations(ic, width, height, convention)
    first_id = int(ann.id.max()) + 1 if len(ann) else 1
    pixel = pixel_labels.pixel_annotations(ic, pixel_files, instances, first_id)
    if pixel is not None:
        ann = Annotations.concat([ann, pixel])
    cats = _categories(ic)
    cats, ann = _join_split_labels(cats, ann, stored_info.get("split_labels", []))
    _restore_categories(cats, stored_info.get("categories", {}))
    cats, ann = keypoints.fold_point_sublabels(cats, ann, stored_info.get("keypoint_labels"))
    ds = Dataset(images, cats, ann, info=_info(ic, name, convention, stored_info), image_root=root)
    return _every(ds, every)


def _sizes(
    ic: Interchange,
    found: list[str | None],
    pixel_files: list[str | None],
    image_size: tuple[int, int] | None,
    video_file: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each image's (width, height): stored, else the video's, the image's or its label PNG's
    header, else ``image_size``; 0 and one warning where none is known."""
    from ...imagefiles import header_sizes

    n = len(ic.imageFiles)
    height = ic.imageSize[:, 0].astype(np.int64) if len(ic.imageSize) else np.zeros(n, np.int64)
    width = ic.imageSize[:, 1].astype(np.int64) if len(ic.imageSize) else np.zeros(n, np.int64)
    if video_file and (width == 0).any():  # every frame has the size of the stream (its header)
        from ... import video

        if video.available():
            unknown = width == 0
            width[unknown], height[unknown] = video.stream_size(video_file)
    for files in (found, pixel_files):  # the image itself, else its label PNG (same size)
        need = np.flatnonzero((width == 0) & np.array([f is not None for f in files], dtype=bool))
        if len(need):
            w, h = header_sizes([files[i] for i in need])
            width[need], height[need] = w, h
    unknown = width == 0
    if unknown.any() and image_size is not None:
        width[unknown], height[unknown] = image_size
        unknown[:] = False
    report.warn(
        "matlab.unknown_size",
        f"MATLAB: size of {int(unknown.sum())} image(s) unknown (width/height 0); "
        "pass --images DIR or --image-size WxH",
        int(unknown.sum()),
    )
    return width, height


# ---- categories and the dataset ----------------------------------------------------------


def _categories(ic: Interchange) -> list[Category]:
    cats = []
    for k, name in enumerate(ic.labelNames):
        color = ic.labelColors[k] if len(ic.labelColors) > k else np.full(3, np.nan)
        pix = np.asarray(ic.labelPixelIds[k]) if len(ic.labelPixelIds) > k else np.zeros(0)
        attrs = [_attribute(ic, a) for a in np.flatnonzero(ic.attrLabel == k + 1)]
        cats.append(
            Category(
                id=int(ic.labelIds[k]),
                name=name,
                type=category_type(ic.labelTypes[k]),
                color=None if np.isnan(color).any() else tuple(float(c) for c in color),
                pixel_id=tuple(int(v) for v in pix.ravel()) if pix.size else None,
                group=ic.labelGroups[k] if k < len(ic.labelGroups) else "",
                description=ic.labelDescriptions[k] if k < len(ic.labelDescriptions) else "",
                attributes=attrs,
                parent=ic.labelParents[k] if k < len(ic.labelParents) else "",
            )
        )
    return cats


def _attribute(ic: Interchange, a: int) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ic.attrNames[a], "type": ic.attrTypes[a]}
    if ic.attrDefaults[a]:
        out["default"] = json.loads(ic.attrDefaults[a])
    if ic.attrListItems[a]:
        out["list_items"] = json.loads(ic.attrListItems[a])
    out["description"] = ic.attrDescriptions[a]
    return out


def _join_split_labels(
    cats: list[Category], ann: Annotations, records: list[dict[str, Any]]
) -> tuple[list[Category], Annotations]:
    """Labels the writer split off a category of several kinds go back into that category.

    Matched by (parent, name), which survive a trip through MATLAB (ids do not); a record whose
    labels are gone (renamed or deleted in MATLAB) is ignored and its labels stay separate.
    """
    row = {(c.parent, c.name): k for k, c in enumerate(cats)}
    into = np.arange(len(cats))
    for rec in records:
        src = row.get((rec.get("parent", ""), rec.get("label")))
        dst = row.get((rec.get("parent", ""), rec.get("category")))
        if src is not None and dst is not None and src != dst:
            into[src] = dst
    keep = into == np.arange(len(cats))
    if keep.all():
        return cats, ann
    new_row = np.cumsum(keep) - 1
    ann.category = new_row[into[ann.category]]
    return [c for c, k in zip(cats, keep) if k], ann


def _restore_categories(cats: list[Category], extra: dict[str, Any]) -> None:
    """What MATLAB cannot hold (supercategory, unknown keys, a type with no labelType), back.

    Saved per category id, with its name: after a trip through MATLAB the labels are numbered
    1..K (groundTruth has no ids), so an entry whose name differs is found by (parent, name).
    """
    by_name = {
        (s.get("parent", ""), s["name"]): s for s in extra.values() if isinstance(s, dict) and "name" in s
    }
    for c in cats:
        saved = extra.get(str(c.id))
        if not isinstance(saved, dict) or saved.get("name", c.name) != c.name:
            saved = by_name.get((c.parent, c.name))
        if saved:
            c.supercategory = saved.get("supercategory", c.supercategory)
            c.extra = saved.get("extra", c.extra)
            c.type = saved.get("type", c.type)


def _info(ic: Interchange, name: str, convention: str, stored: dict[str, Any]) -> dict[str, Any]:
    if "info" in stored:
        info = dict(stored["info"])
    else:
        info = {}
    matlab = {
        "release": ic.release, "source_type": ic.sourceType, "variable": name,
        "vertex_convention": convention,
    }  # fmt: skip
    if ic.sourceName:
        matlab["source"] = ic.sourceName
    empty = {n: e for n, e, p in zip(ic.labelNames, ic.labelEmptyValues, ic.labelParents) if e and not p}
    if empty:  # the class and size of each label's empty cells, written back by the writer
        matlab["empty_values"] = empty
    info.setdefault("matlab", matlab)
    summary = {"release": ic.release or "-", "source": ic.sourceType}
    if ic.sourceName:
        summary["video"] = ic.sourceName
    info.setdefault("summary", summary)
    return info


def _every(ds: Dataset, every: int | None) -> Dataset:
    if not every or every == 1:
        return ds
    keep = np.arange(len(ds.images)) % every == 0
    new_row = np.cumsum(keep) - 1
    rows = np.flatnonzero(keep[ds.annotations.image])
    ann = ds.annotations.take(rows)
    ann.image = new_row[ann.image]
    return ds.replace(images=ds.images.take(np.flatnonzero(keep)), annotations=ann)


# ---- several groundTruth objects in one file ---------------------------------------------


def datastore_listing(images: str | None) -> list[str] | None:
    """Image files of ``images`` in sorted order, for datastores whose list cannot be decoded."""
    if not images:
        return None
    from ...imagefiles import find_images

    return [str(Path(images) / p) for p in find_images(images)]


def select_objects(parts: list[tuple[str, Interchange]], merge: bool | None) -> list[tuple[str, Interchange]]:
    """All the groundTruth objects of a file, or (``merge=False``) the first, saying so."""
    if len(parts) > 1 and merge is False:
        report.warn(
            "matlab.not_merged",
            f"MATLAB: read only {parts[0][0]}; {len(parts) - 1} more groundTruth object(s) in the file "
            f"were skipped ({', '.join(n for n, _ in parts[1:])}); pass merge to read them all",
            len(parts) - 1,
        )
        return parts[:1]
    return parts


def merge_datasets(datasets: list[Dataset], path: str | os.PathLike) -> Dataset:
    """Several groundTruth objects -> one dataset; labels matched by (parent, name)."""
    cats: list[Category] = []
    index: dict[tuple[str, str], int] = {}
    image_parts, ann_parts = [], []
    image_offset = ann_id = image_id = 0
    for ds in datasets:
        remap = np.zeros(len(ds.categories), dtype=np.int64)
        for k, c in enumerate(ds.categories):
            key = (c.parent, c.name)
            if key in index and cats[index[key]].type != c.type:
                raise GtconvertError(
                    f"label {c.name!r} is a {cats[index[key]].type} in one groundTruth and a {c.type} in another",
                    file=path,
                    fix="rename one of them, or read one object with merge=False",
                )
            if key not in index:
                index[key] = len(cats)
                cats.append(Category(**{**c.__dict__, "id": len(cats) + 1}))
            remap[k] = index[key]
        img = ds.images
        img.id = img.id + image_id
        ann = ds.annotations
        ann.image = ann.image + image_offset
        ann.category = remap[ann.category] if len(ann) else ann.category
        ann.id = ann.id + ann_id
        image_parts.append(img)
        ann_parts.append(ann)
        image_offset += len(img)
        image_id = int(img.id.max()) if len(img) else image_id
        ann_id = int(ann.id.max()) if len(ann) else ann_id
    info = dict(datasets[0].info)
    info["matlab"] = {**info.get("matlab", {}), "objects": [d.info.get("matlab", {}) for d in datasets]}
    info.setdefault("summary", {})["groundTruth objects"] = len(datasets)
    return Dataset(
        Images.concat(image_parts), cats, Annotations.concat(ann_parts), info, datasets[0].image_root
    )
