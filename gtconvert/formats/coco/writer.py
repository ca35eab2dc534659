"""Writing a COCO file: one record per annotation, optional keys only where set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry
from ...fileio import atomic_output, dump_json, gc_paused
from ...model import Category, Dataset, Images, Kind
from .._common import writable
from .records import CATEGORY_EXTRAS


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    indent: bool = False,
) -> None:
    """Write ``dataset`` as one COCO JSON file (atomically)."""
    with (
        gc_paused()
    ):  # a record per annotation and a list per polygon part, none in a cycle
        _write(dataset, path, overwrite=overwrite, indent=indent)


def _write(
    dataset: Dataset, path: str | os.PathLike, *, overwrite: bool, indent: bool
) -> None:
    ann = dataset.annotations
    keep = writable(
        ann, "coco", "COCO", lacks="COCO has no such shape", keep_with="matlab"
    )
    doc = dict(
        dataset.info.get("coco") or {"info": {"description": "written by gtconvert"}}
    )
    doc["images"] = _write_images(dataset.images)
    doc["categories"] = [_write_category(c) for c in dataset.categories]
    doc["annotations"] = _write_annotations(dataset, np.flatnonzero(keep))
    with atomic_output(path, is_dir=False, overwrite=overwrite) as tmp:
        if indent:
            import json

            Path(tmp).write_text(
                json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8"
            )
        else:
            dump_json(doc, tmp)


def _write_images(img: Images) -> list[dict]:
    times = img.time.tolist()
    has_time = ~np.isnan(img.time)
    out = [
        {"id": iid, "file_name": name, "width": w, "height": h}
        for iid, name, w, h in zip(
            img.id.tolist(),
            img.file_name.tolist(),
            img.width.tolist(),
            img.height.tolist(),
        )
    ]
    # optional keys, in this order, only on the images that have them
    for i in np.flatnonzero(has_time).tolist():
        out[i]["frame_time"] = times[i]
    for i, video in enumerate(img.video.tolist()):
        if video:
            out[i]["video"] = video
    for i, extra in enumerate(img.extra.tolist()):
        if extra:
            out[i].update(extra)
    return out


def _write_category(c: Category) -> dict:
    rec: dict[str, Any] = {"id": c.id, "name": c.name, "supercategory": c.supercategory}
    for key in CATEGORY_EXTRAS:
        value = getattr(c, key)
        if value:
            rec[key] = list(value) if isinstance(value, tuple) else value
    if c.keypoints or c.skeleton:  # a keypoint category (person_keypoints)
        rec["keypoints"] = list(c.keypoints)
        rec["skeleton"] = [[a + 1, b + 1] for a, b in c.skeleton]
    rec.update(c.extra)
    return rec


def _segmentations(dataset: Dataset, rows: np.ndarray) -> list[Any]:
    """The ``segmentation`` value of each row (None for plain boxes).

    Each kind is handled for all its rows at once; polygons are sliced out of one flat Python
    list of coordinates (no numpy scalar per row, no enum look-up per row).
    """
    ann = dataset.annotations
    out: list[Any] = [None] * len(rows)
    kind = ann.kind[rows]
    poly = np.flatnonzero(kind == Kind.POLYGON)
    if len(poly):
        vs, ps = (2 * ann.vertex_start).tolist(), ann.part_start.tolist()
        flat = ann.vertices.ravel().tolist()
        for j, i in zip(poly.tolist(), rows[poly].tolist()):
            out[j] = [flat[vs[p] : vs[p + 1]] for p in range(ps[i], ps[i + 1])]
    masks = np.flatnonzero(kind == Kind.MASK)
    for j, rle in zip(masks.tolist(), ann.rle[rows[masks]].tolist()):
        out[j] = rle
    rotated = np.flatnonzero(kind == Kind.ROTATED_BOX)
    if len(rotated):
        corners = (
            geometry.rotated_box_corners(ann.rbox[rows[rotated]])
            .reshape(len(rotated), 8)
            .tolist()
        )
        for j, c in zip(rotated.tolist(), corners):
            out[j] = [c]
    refs = np.flatnonzero(kind == Kind.PIXEL_REF)
    if len(refs):
        from ...pixels import encode_pixel_refs

        rles = encode_pixel_refs(ann.pixel_ref[rows[refs]].tolist())
        for j, rle in zip(refs.tolist(), rles):
            out[j] = rle
    return out


def _areas_and_boxes(
    dataset: Dataset, rows: np.ndarray, segs: list[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Stored areas where the source had them, else derived from the shape."""
    ann = dataset.annotations
    area = ann.area[rows].copy()
    bbox = ann.bbox[rows].copy()
    kind = ann.kind[rows]
    missing = np.isnan(area)
    box_like = missing & np.isin(kind, [Kind.BOX, Kind.ROTATED_BOX])
    area[box_like] = bbox[box_like, 2] * bbox[box_like, 3]
    poly = np.flatnonzero(missing & (kind == Kind.POLYGON))
    if len(poly):
        sub = ann.take(rows[poly])
        area[poly] = geometry.polygon_areas(
            sub.part_start, sub.vertex_start, sub.vertices
        )
    masks = np.flatnonzero(np.isin(kind, [Kind.MASK, Kind.PIXEL_REF]))
    if len(masks):
        need_area = masks[missing[masks]]
        if len(need_area):
            area[need_area] = geometry.rle_area([segs[j] for j in need_area])
        lazy = masks[kind[masks] == Kind.PIXEL_REF]
        if len(lazy):  # a pixel label's box is known only once its mask is decoded
            bbox[lazy] = geometry.rle_bbox([segs[j] for j in lazy])
    return area, bbox


def _write_annotations(dataset: Dataset, rows: np.ndarray) -> list[dict]:
    """One record per row; columns go to Python lists once, optional keys only where set."""
    ann = dataset.annotations
    segs = _segmentations(dataset, rows)
    area, bbox = _areas_and_boxes(dataset, rows, segs)
    image_ids = dataset.images.id[ann.image[rows]].tolist()
    cat_ids = dataset.category_ids()[ann.category[rows]].tolist() if len(rows) else []
    out = [
        {
            "id": i,
            "image_id": im,
            "category_id": c,
            "bbox": b,
            "area": a,
            "iscrowd": crowd,
        }
        for i, im, c, b, a, crowd in zip(
            ann.id[rows].tolist(),
            image_ids,
            cat_ids,
            bbox.tolist(),
            area.astype(np.float64).tolist(),
            ann.iscrowd[rows].astype(np.int64).tolist(),
        )
    ]
    # optional keys, always in this order: segmentation, rbox, score, attributes, parent_id, extras
    for rec, seg in zip(out, segs):
        if seg is not None:
            rec["segmentation"] = seg
    rotated = np.flatnonzero(ann.kind[rows] == Kind.ROTATED_BOX)
    for j, rbox in zip(rotated.tolist(), ann.rbox[rows[rotated]].tolist()):
        out[j]["rbox"] = rbox
    scored = np.flatnonzero(~np.isnan(ann.score[rows]))
    for j, score in zip(scored.tolist(), ann.score[rows[scored]].tolist()):
        out[j]["score"] = score
    for j, attrs in enumerate(ann.attributes[rows].tolist()):
        if attrs is not None:
            out[j]["attributes"] = attrs
    parent = ann.parent[rows]
    with_parent = np.flatnonzero(parent >= 0)
    for j, pid in zip(with_parent.tolist(), ann.id[parent[with_parent]].tolist()):
        out[j]["parent_id"] = pid
    _write_keypoints(ann, rows, out)
    for j, extra in enumerate(ann.extra[rows].tolist()):
        if extra:
            out[j].update(extra)
    return out


def _write_keypoints(ann: Any, rows: np.ndarray, out: list[dict]) -> None:
    """``num_keypoints`` and the flat ``keypoints`` list on the rows that have keypoints."""
    if not len(ann.keypoints):
        return
    sub = ann.take(rows)  # only the keypoint columns are used
    starts = (3 * sub.keypoint_start).tolist()
    counts = geometry.labelled_counts(sub.keypoint_start, sub.keypoints).tolist()
    kp = sub.keypoints
    # integer pixels (COCO's own files) stay integers; v always is one
    whole = np.all(kp[:, :2] == np.round(kp[:, :2]))
    flat = kp.astype(np.int64).ravel().tolist() if whole else _mixed(kp)
    for j in np.flatnonzero(np.diff(sub.keypoint_start) > 0).tolist():
        out[j]["num_keypoints"] = counts[j]
        out[j]["keypoints"] = flat[starts[j] : starts[j + 1]]


def _mixed(kp: np.ndarray) -> list:
    """Flat x, y, v with float coordinates and integer visibility."""
    rows = kp[:, :2].tolist()
    return [c for (x, y), v in zip(rows, kp[:, 2].astype(np.int64).tolist()) for c in (x, y, v)]
