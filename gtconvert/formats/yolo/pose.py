"""YOLO pose (``--task pose``): a box row followed by K keypoints, ``kpt_shape`` in data.yaml.

A row is ``cls cx cy w h x1 y1 v1 ... xK yK vK``, all normalised (v as COCO's 0/1/2, what
Ultralytics' own COCO converter writes). One K holds for every class. Reading follows
Ultralytics' dataset reader: with ``kpt_shape [K, 2]`` a point is labelled unless a
coordinate is negative (:mod:`gtconvert.geometry.keypoints`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, report
from ...errors import GtconvertError
from ...model import Annotations, Category, Dataset


def keypoint_count(dataset: Dataset, rows: np.ndarray) -> int:
    """The one K of the dataset: its categories' point names, else the objects' own count."""
    named = {len(c.keypoints) for c in dataset.categories if c.keypoints}
    counts = np.diff(dataset.annotations.keypoint_start)[rows]
    found = set(np.unique(counts[counts > 0]).tolist()) | named
    if len(found) > 1:
        raise GtconvertError(
            f"objects have different numbers of keypoints {sorted(found)}; YOLO pose holds one (kpt_shape)",
            fix="convert each category separately (--keep NAME), or use --to coco",
        )
    if not found:
        raise GtconvertError("no object has keypoints", fix="use --task detect (or segment) for this dataset")
    return found.pop()


def append_keypoints(
    dataset: Dataset,
    row_start: np.ndarray,
    coords: np.ndarray,
    rows: np.ndarray,
    width: np.ndarray,
    height: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Box values (4 per row) followed by each row's K (x, y, v), normalised.

    An object without keypoints gets K unlabelled points; a labelled point past its image is
    written unlabelled (Ultralytics refuses a label file holding a value above 1), counted.
    """
    ann = dataset.annotations
    k = keypoint_count(dataset, rows)
    counts = np.diff(ann.keypoint_start)[rows]
    kp = np.zeros((len(rows), k, 3))
    has = counts == k
    kp[has] = ann.keypoints[geometry.ragged_index(ann.keypoint_start[rows[has]], counts[has])].reshape(
        -1, k, 3
    )
    kp = kp.reshape(-1, 3)
    img_row = np.repeat(ann.image[rows], k)
    W, H = width[img_row].astype(np.float64), height[img_row].astype(np.float64)
    outside = geometry.keypoints_outside(kp, W, H)
    kp[outside] = 0.0
    n_out = int(np.count_nonzero(outside))
    report.warn(
        "yolo.pose.keypoints_outside",
        f"YOLO pose: {n_out} keypoints past their image written as unlabelled (0 0 0)",
        n_out,
    )
    values = geometry.coco_keypoints_to_yolo(kp, W, H, 3).reshape(len(rows), 3 * k)
    boxes = coords.reshape(len(rows), 4)
    width_row = 4 + 3 * k
    return np.arange(len(rows) + 1) * width_row, np.hstack([boxes, values]).ravel()


def flip_problem(flip: Any, k: int) -> str | None:
    """Why ``flip`` is no usable ``flip_idx`` for K points (None when it is one).

    Usable: K point numbers, a reordering of 0..K-1 (each point's left/right mirror). Ultralytics
    stops training on another length, and flips with a wrong order silently.
    """
    if not isinstance(flip, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in flip):
        return f"is not a list of point numbers ({_short(flip)})"
    if len(flip) != k:
        return f"has {len(flip)} entries, but kpt_shape has {k} points"
    if sorted(flip) != list(range(k)):
        return f"{_short(flip)} is not a reordering of the K points 0..{k - 1}"
    return None


def _short(value: Any) -> str:
    """``repr(value)``, cut to 80 characters (a data.yaml value can be any size)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def flip_order(dataset: Dataset, k: int) -> list[int] | None:
    """``flip_idx``: a category's own, else from ``left_``/``right_`` point names, else None.

    A category's unusable ``flip_idx`` (:func:`flip_problem`) is not written, and data.yaml holds
    one order for every class: each one left out is counted in a warning.
    """
    own = [(c, flip_problem(c.flip_idx, k)) for c in dataset.categories if c.flip_idx]
    good = [c for c, problem in own if problem is None]
    if good:
        chosen, source = list(good[0].flip_idx), f"{good[0].name!r}'s"
    else:
        chosen, source = _flip_from_names(dataset, k), "from the left_/right_ point names"
    bad = [(c, problem) for c, problem in own if problem is not None]
    if bad:
        first, problem = bad[0]
        written = (
            f"data.yaml has flip_idx {chosen} ({source})"
            if chosen
            else "data.yaml has no flip_idx (Ultralytics then trains without left-right flips)"
        )
        report.warn(
            "yolo.pose.flip_idx_not_written",
            f"YOLO pose: flip_idx of {len(bad)} categories not written ({first.name!r}: flip_idx {problem});"
            f" {written}",
            len(bad),
        )
    others = [c for c in good if list(c.flip_idx) != chosen]
    if others:
        report.warn(
            "yolo.pose.flip_idx_differs",
            f"YOLO pose: data.yaml holds one flip_idx: {source} {chosen} is written, not the other flip_idx"
            f" of {len(others)} categories (e.g. {others[0].name!r}: {list(others[0].flip_idx)})",
            len(others),
        )
    return chosen


def _flip_from_names(dataset: Dataset, k: int) -> list[int] | None:
    """``flip_idx`` from ``left_*``/``right_*`` point names (None when they name no pair)."""
    names = next((c.keypoints for c in dataset.categories if len(c.keypoints) == k), None)
    if not names:
        return None
    swap = {"left": "right", "right": "left"}
    index = {n: i for i, n in enumerate(names)}
    order = []
    for name in names:
        head, sep, rest = name.partition("_")
        mirror = swap.get(head.lower())
        order.append(index.get(f"{mirror}{sep}{rest}", index[name]) if mirror else index[name])
    return order if order != list(range(k)) else None


def pose_yaml_lines(dataset: Dataset, k: int) -> str:
    """The data.yaml lines of a pose dataset: ``kpt_shape`` and, when known, ``flip_idx``."""
    text = f"kpt_shape: [{k}, 3]\n"
    flip = flip_order(dataset, k)
    if flip is not None:
        text += f"flip_idx: [{', '.join(map(str, flip))}]\n"
    return text


def add_to_data_yaml(folder: Path, dataset: Dataset, rows: np.ndarray) -> None:
    """Append the pose lines to the ``data.yaml`` just written in ``folder``."""
    with open(folder / "data.yaml", "a", encoding="utf-8") as f:
        f.write(pose_yaml_lines(dataset, keypoint_count(dataset, rows)))


def pose_shape(doc: dict[str, Any] | None, path: Any) -> tuple[int, int] | None:
    """``kpt_shape`` of data.yaml as ``(K, 2 or 3)``, None when it has none."""
    shape = (doc or {}).get("kpt_shape")
    if shape is None:
        return None
    if not (isinstance(shape, list) and len(shape) == 2 and all(isinstance(v, int) for v in shape)) or (
        shape[0] < 1 or shape[1] not in (2, 3)
    ):
        raise GtconvertError(
            f"kpt_shape {shape!r} is not [K, 2] or [K, 3]", file=path, fix="e.g. kpt_shape: [17, 3]"
        )
    return shape[0], shape[1]


def split_pose_rows(cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> tuple:
    """One label file's pose rows as box rows (5 values) and their keypoint values (n, K, dims)."""
    k, dims = shape
    width = 5 + k * dims
    table = values.reshape(len(cols), width)
    return np.full(len(cols), 5, np.int64), table[:, :5].ravel(), table[:, 5:].reshape(-1, dims)


def attach_keypoints(
    ann: Annotations, raw: np.ndarray, k: int, width: np.ndarray, height: np.ndarray
) -> None:
    """Set the keypoints of ``ann`` (one row of K per annotation) from YOLO's normalised values."""
    img = np.repeat(ann.image, k)
    ann.keypoints = geometry.yolo_keypoints_to_coco(
        raw, width[img].astype(np.float64), height[img].astype(np.float64)
    )
    ann.keypoint_start = np.arange(len(ann) + 1, dtype=np.int64) * k


def with_flip_idx(cats: list[Category], doc: dict[str, Any] | None, k: int, yaml_file: str | Path) -> None:
    """Each category takes data.yaml's ``flip_idx``; an unusable one is not read, with a warning."""
    flip = (doc or {}).get("flip_idx")
    if flip is None or flip == []:  # Ultralytics: no flip_idx, no left-right flips
        return
    problem = flip_problem(flip, k)
    if problem is not None:
        report.warn(
            "yolo.pose.flip_idx",
            f"YOLO pose: {yaml_file}: flip_idx {problem}; not read (list for each of the {k} points the"
            " number of its left/right mirror, e.g. [0, 2, 1] for nose, left_eye, right_eye; or remove it)",
        )
        return
    for c in cats:
        c.flip_idx = list(flip)
