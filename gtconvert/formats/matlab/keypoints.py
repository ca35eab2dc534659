"""Keypoints <-> MATLAB: the box label of a keypoint category with one Point sublabel per point.

MATLAB has no keypoint label type. Image Labeler users label keypoints as Point labels beside
a Rectangle, and ``trainHRNetObjectKeypointDetector`` takes, per image, the objects' boxes and
their K-by-2 (or K-by-3) keypoints. The layout that keeps which points belong to which object
is a Rectangle label (the category) with one ``Point`` sublabel per keypoint name: each
labelled point is a sublabel object of its box, its ``[x y]`` in MATLAB's spatial frame (COCO
``v + 0.5``, the rule of points), its COCO visibility (1 hidden, 2 visible) in a numeric
``visibility`` attribute. An unlabelled point (COCO ``0, 0, 0``) has no object.

Writing expands keypoints into those sublabels (:func:`to_point_sublabels`); reading folds them
back (:func:`fold_point_sublabels`): by the records the writer left in ``infoJson``, or, for a
file from MATLAB, for every top-level label whose sublabels are all Point labels holding at most
one point per object (a point without ``visibility`` is visible). Point names, skeleton and
flip order travel in ``infoJson`` (MATLAB has no place for a skeleton).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ... import report
from ...model import Annotations, Category, Dataset, Kind
from .labels import free_label_name

VISIBILITY = "visibility"
_VISIBILITY_DEF = {
    "name": VISIBILITY,
    "type": "numeric",
    "default": 2,
    "description": "COCO keypoint visibility: 1 labelled but hidden, 2 visible",
}


def to_point_sublabels(dataset: Dataset) -> tuple[Dataset, list[dict[str, Any]]]:
    """Each keypoint category gets Point sublabels and each labelled point a sublabel object.

    Returns the dataset without keypoint columns and the records for ``infoJson``. Keypoints
    of a sublabel's objects (MATLAB has one level of sublabels) are counted in
    ``matlab.keypoints_dropped``.
    """
    ann, cats = dataset.annotations, dataset.categories
    counts = np.diff(ann.keypoint_start)
    keyed = sorted(set(ann.category[counts > 0].tolist()) | {k for k, c in enumerate(cats) if c.keypoints})
    if not keyed:
        return dataset, []
    owner = np.repeat(np.arange(len(ann)), counts)  # object of each keypoint
    index = np.arange(len(ann.keypoints)) - ann.keypoint_start[owner]  # its point number
    taken = {(c.parent, c.name) for c in cats}
    new_cats = list(cats)
    first_label = np.full(len(cats), -1, dtype=np.int64)
    records, dropped = [], np.zeros(len(ann.keypoints), dtype=bool)
    for k in keyed:
        c = cats[k]
        if c.parent:
            dropped |= ann.category[owner] == k
            continue
        n_points = max(len(c.keypoints), int(counts[ann.category == k].max(initial=0)))
        names = [*c.keypoints, *(f"keypoint_{j + 1}" for j in range(len(c.keypoints), n_points))]
        labels = [free_label_name(name, c.name, taken) for name in names]
        first_label[k] = len(new_cats)
        new_cats += [
            Category(
                id=0,
                name=name,
                type="point",
                color=c.color,
                parent=c.name,
                attributes=[dict(_VISIBILITY_DEF)],
            )
            for name in labels
        ]
        mine = np.flatnonzero(ann.category == k)
        without = np.c_[ann.image[mine], _ordinals(ann.image[mine])][counts[mine] == 0]
        records.append({
            "category": c.name, "labels": labels, "names": list(c.keypoints),
            "skeleton": [list(p) for p in c.skeleton], "flip_idx": list(c.flip_idx),
            "without_keypoints": without.tolist(),  # (image row, n-th object of the category there)
        })  # fmt: skip
    next_id = max((c.id for c in cats), default=0) + 1
    for j in range(len(cats), len(new_cats)):
        new_cats[j] = dataclasses.replace(new_cats[j], id=next_id + j - len(cats))
    kp = ann.keypoints
    labelled = (kp[:, 2] > 0) & ~dropped
    children = _point_objects(
        ann, owner[labelled], first_label[ann.category[owner[labelled]]] + index[labelled], kp[labelled]
    )
    lost = int(np.count_nonzero(dropped & (kp[:, 2] > 0)))
    report.warn(
        "matlab.keypoints_dropped",
        f"MATLAB: {lost} labelled keypoint(s) of sublabel objects dropped (MATLAB has one level of "
        "sublabels, and keypoints are Point sublabels of their object)",
        lost,
    )
    plain = dataclasses.replace(
        ann, keypoint_start=np.zeros(len(ann) + 1, np.int64), keypoints=np.zeros((0, 3))
    )
    out = Annotations.concat([plain, children])
    out.parent[len(ann) :] = owner[labelled]  # rows of ``ann``, which come first
    return dataset.replace(categories=new_cats, annotations=out), records


def _point_objects(ann: Annotations, parent: np.ndarray, label: np.ndarray, kp: np.ndarray) -> Annotations:
    """One Point object per labelled keypoint, a sublabel object of its owner."""
    n = len(parent)
    start = int(ann.id.max()) + 1 if len(ann) else 1
    out = Annotations.create(
        ann.image[parent], label, Kind.POINT, id=np.arange(start, start + n),
        bbox=np.c_[kp[:, :2], np.zeros((n, 2))],
        attributes=[{VISIBILITY: int(v)} for v in kp[:, 2].tolist()],
    )  # fmt: skip
    out.part_start = np.arange(n + 1, dtype=np.int64)
    out.vertex_start = np.arange(n + 1, dtype=np.int64)
    out.vertices = kp[:, :2].copy()
    return out


# ---- reading -----------------------------------------------------------------------------


def fold_point_sublabels(
    cats: list[Category], ann: Annotations, records: list[dict[str, Any]] | None
) -> tuple[list[Category], Annotations]:
    """Point sublabels of a box label back into the keypoints of its objects.

    ``records``: the writer's (``infoJson.keypoint_labels``); without them (a file from MATLAB)
    every top-level label whose sublabels are all Point labels is a keypoint category.
    Objects the writer recorded as without keypoints (by image and rank in it, which survive a
    trip through MATLAB where ids do not) get none, unless points were added to them there.
    """
    plans = _plans(cats, records)
    if not plans:
        return cats, ann
    drop_rows, drop_cats = [], set()
    per_object: dict[int, np.ndarray] = {}
    for k, labels, rec in plans:
        got = _gather(ann, k, labels, per_object)
        if got is None:  # two points of one label on one object: they stay points
            continue
        drop_rows.append(got)
        drop_cats.update(labels)
        without = {tuple(p) for p in rec.get("without_keypoints", [])} if rec else set()
        mine = np.flatnonzero(ann.category == k)
        for i, image, n in zip(mine.tolist(), ann.image[mine].tolist(), _ordinals(ann.image[mine]).tolist()):
            if (image, n) not in without or i in per_object:  # an object with points has keypoints
                per_object.setdefault(i, np.zeros((len(labels), 3)))
        cats[k] = dataclasses.replace(
            cats[k],
            keypoints=list(rec["names"]) if rec and rec.get("names") else [cats[j].name for j in labels],
            skeleton=[tuple(p) for p in rec.get("skeleton", [])] if rec else cats[k].skeleton,
            flip_idx=list(rec.get("flip_idx", [])) if rec else cats[k].flip_idx,
        )
    if not drop_cats:
        return cats, ann
    ann.keypoint_start, ann.keypoints = _pack(len(ann), per_object)
    keep = np.ones(len(ann), dtype=bool)
    keep[np.concatenate(drop_rows)] = False
    ann = ann.take(np.flatnonzero(keep))
    kept = np.array([j not in drop_cats for j in range(len(cats))])
    ann.category = (np.cumsum(kept) - 1)[ann.category]
    return [c for c, k in zip(cats, kept) if k], ann


def _plans(cats: list[Category], records: list[dict[str, Any]] | None) -> list[tuple[int, list[int], Any]]:
    """(category row, its point label rows in order, the writer's record or None)."""
    row = {(c.parent, c.name): j for j, c in enumerate(cats)}
    plans = []
    if records:
        for rec in records:
            k = row.get(("", rec.get("category")))
            labels = [row.get((rec.get("category"), name)) for name in rec.get("labels", [])]
            if k is not None and labels and None not in labels:
                plans.append((k, labels, rec))
        return plans
    for k, c in enumerate(cats):
        if c.parent:
            continue
        subs = [j for j, s in enumerate(cats) if s.parent == c.name]
        if subs and all(cats[j].type == "point" for j in subs):
            plans.append((k, subs, None))
    return plans


def _gather(
    ann: Annotations, k: int, labels: list[int], per_object: dict[int, np.ndarray]
) -> np.ndarray | None:
    """The rows of the points of ``labels`` under objects of ``k``, filled into ``per_object``."""
    position = {lab: j for j, lab in enumerate(labels)}
    rows = np.flatnonzero(np.isin(ann.category, labels) & (ann.parent >= 0))
    rows = rows[ann.category[ann.parent[rows]] == k]
    if (ann.kind[rows] != Kind.POINT).any():
        return None
    pairs = np.stack([ann.parent[rows], ann.category[rows]])
    if pairs.size and len(np.unique(pairs, axis=1)[0]) != len(rows):
        return None
    attrs = [ann.attributes[r] or {} for r in rows.tolist()]
    if any(set(a) - {VISIBILITY} for a in attrs) or any(a.get(VISIBILITY, 2) not in (1, 2) for a in attrs):
        return None  # other attributes or values would be lost
    first = ann.vertex_start[ann.part_start[rows]]
    for i, r in enumerate(rows.tolist()):
        points = per_object.setdefault(int(ann.parent[r]), np.zeros((len(labels), 3)))
        points[position[int(ann.category[r])]] = (*ann.vertices[first[i]], int(attrs[i].get(VISIBILITY, 2)))
    return rows


def _ordinals(image: np.ndarray) -> np.ndarray:
    """The rank of each row among the rows of its image, in row order (0, 1, ... per image)."""
    order = np.argsort(image, kind="stable")
    sorted_image = image[order]
    first = np.searchsorted(sorted_image, sorted_image, side="left")
    out = np.empty(len(image), dtype=np.int64)
    out[order] = np.arange(len(image)) - first
    return out


def _pack(n: int, per_object: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.zeros(n, dtype=np.int64)
    for i, points in per_object.items():
        counts[i] = len(points)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    flat = np.concatenate([per_object[i] for i in sorted(per_object)]) if per_object else np.zeros((0, 3))
    return starts, flat.reshape(-1, 3)
