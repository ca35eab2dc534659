"""Which annotation of A is which of B, for ``gtconvert diff`` (:mod:`gtconvert.diff`).

Images are paired by file name, then base name, then stem (unique ones only). Within each image
pair, annotations are paired by id when both datasets keep ids and most id pairs overlap
(:func:`pair_by_id`), the rest greedily by box IoU >= ``MATCH_IOU``, best pairs first
(:func:`pair_by_iou`). :mod:`gtconvert.diff` re-exports the public names.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import numpy as np

from .model import Annotations, Dataset, Kind

#: Two annotations overlapping at least this much (box IoU) may be one object.
MATCH_IOU = 0.5

# ---- images --------------------------------------------------------------------------


def match_images(a: Dataset, b: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Paired image rows: same file name, else same base name, else same stem (unique ones only)."""
    names_a = [str(n).replace("\\", "/") for n in a.images.file_name]
    names_b = [str(n).replace("\\", "/") for n in b.images.file_name]
    pairs: dict[int, int] = {}
    keys = (lambda n: n, lambda n: PurePosixPath(n).name, lambda n: PurePosixPath(n).stem)
    for key in keys:
        taken_b = set(pairs.values())
        left = _unique_keys(key, names_a, set(pairs))
        right = _unique_keys(key, names_b, taken_b)
        for k, i in left.items():
            if k in right:
                pairs[i] = right[k]
    ia = np.array(sorted(pairs), dtype=np.int64)
    return ia, np.array([pairs[i] for i in ia.tolist()], dtype=np.int64)


def _unique_keys(key: Any, names: list[str], skip: set[int]) -> dict[str, int]:
    """``key(name) -> row`` for the rows not in ``skip`` whose key no other such row shares."""
    seen: dict[str, int] = {}
    clash: set[str] = set()
    for i, n in enumerate(names):
        if i in skip:
            continue
        k = key(n)
        if k in seen:
            clash.add(k)
        seen[k] = i
    return {k: i for k, i in seen.items() if k not in clash}


# ---- pairing annotations -------------------------------------------------------------


def match_boxes(ann: Annotations) -> np.ndarray:
    """Boxes as ``(x0, y0, x1, y1)`` for pairing; a side of zero length is widened to 1 pixel
    (points, vertical lines) so that its IoU is defined."""
    x0, y0 = ann.bbox[:, 0].copy(), ann.bbox[:, 1].copy()
    x1, y1 = x0 + ann.bbox[:, 2], y0 + ann.bbox[:, 3]
    flat_x, flat_y = x1 - x0 <= 0, y1 - y0 <= 0
    x0[flat_x], x1[flat_x] = x0[flat_x] - 0.5, x1[flat_x] + 0.5
    y0[flat_y], y1[flat_y] = y0[flat_y] - 0.5, y1[flat_y] + 0.5
    return np.stack([x0, y0, x1, y1], axis=1)


def box_iou(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """IoU of ``(x0, y0, x1, y1)`` boxes, broadcasting: ``box_iou(p[:, None], q[None])`` is the
    (len(p), len(q)) table, ``box_iou(p, q)`` the IoU of each pair of rows."""
    iw = np.clip(np.minimum(p[..., 2], q[..., 2]) - np.maximum(p[..., 0], q[..., 0]), 0, None)
    ih = np.clip(np.minimum(p[..., 3], q[..., 3]) - np.maximum(p[..., 1], q[..., 1]), 0, None)
    inter = iw * ih
    area_p = (p[..., 2] - p[..., 0]) * (p[..., 3] - p[..., 1])
    area_q = (q[..., 2] - q[..., 0]) * (q[..., 3] - q[..., 1])
    union = area_p + area_q - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def pair_by_id(a: Dataset, b: Dataset, a_image: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], str]:
    """Pairs with the same annotation id on the same image, when both datasets keep ids."""
    none = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    ids_a, ids_b = a.annotations.id, b.annotations.id
    if not len(ids_a) or not len(ids_b):
        return none, "iou"
    if len(np.unique(ids_a)) < len(ids_a) or len(np.unique(ids_b)) < len(ids_b):
        return none, "iou"
    order_b = np.argsort(ids_b, kind="stable")
    pos = np.clip(np.searchsorted(ids_b[order_b], ids_a), 0, len(ids_b) - 1)
    cand_b = order_b[pos]
    same = (ids_b[cand_b] == ids_a) & (a_image >= 0) & (b.annotations.image[cand_b] == a_image)
    pa, pb = np.flatnonzero(same), cand_b[same]
    if not len(pa):
        return none, "iou"
    iou = box_iou(match_boxes(a.annotations)[pa], match_boxes(b.annotations)[pb])
    tags = (a.annotations.kind[pa] == Kind.TAG) & (b.annotations.kind[pb] == Kind.TAG)
    overlapping = tags | (iou >= MATCH_IOU)
    if np.count_nonzero(overlapping) * 2 < len(pa):  # renumbered, not the same objects
        return none, "iou"
    return (pa, pb), "id"


def pair_by_iou(
    a: Dataset,
    b: Dataset,
    a_image: np.ndarray,
    names_a: np.ndarray,
    names_b: np.ndarray,
    free_a: np.ndarray,
    free_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy pairs by IoU >= 0.5 among the unpaired rows of each image (same category first)."""
    rows_a = np.flatnonzero(free_a & (a_image >= 0))
    rows_b = np.flatnonzero(free_b)
    if not len(rows_a) or not len(rows_b):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    boxes_a, boxes_b = match_boxes(a.annotations), match_boxes(b.annotations)
    tag_a, tag_b = a.annotations.kind == Kind.TAG, b.annotations.kind == Kind.TAG
    by_image_b = _by_image(b.annotations.image[rows_b], rows_b)
    out_a: list[int] = []
    out_b: list[int] = []
    for img, cand_a in _by_image(a_image[rows_a], rows_a).items():
        cand_b = by_image_b.get(img)
        if cand_b is None:
            continue
        score = box_iou(boxes_a[cand_a][:, None], boxes_b[cand_b][None])
        both_tags = tag_a[cand_a][:, None] & tag_b[cand_b][None, :]
        one_tag = tag_a[cand_a][:, None] ^ tag_b[cand_b][None, :]
        same_name = names_a[cand_a][:, None] == names_b[cand_b][None, :]
        score = np.where(both_tags, same_name.astype(float), np.where(one_tag, 0.0, score))
        score = score + 1e-6 * same_name  # equal overlaps: the same category wins
        for i, j in _greedy(score):
            out_a.append(int(cand_a[i]))
            out_b.append(int(cand_b[j]))
    return np.array(out_a, dtype=np.int64), np.array(out_b, dtype=np.int64)


def _by_image(images: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    """``rows`` grouped by their image (``images[k]`` is the image of ``rows[k]``)."""
    order = np.argsort(images, kind="stable")
    uniq, starts = np.unique(images[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    return {img: rows[order[bounds[k] : bounds[k + 1]]] for k, img in enumerate(uniq.tolist())}


def _greedy(score: np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` taken best score first, each row and column once, score >= MATCH_IOU."""
    i_idx, j_idx = np.nonzero(score >= MATCH_IOU)
    order = np.argsort(-score[i_idx, j_idx], kind="stable")
    used_i: set[int] = set()
    used_j: set[int] = set()
    out = []
    for i, j in zip(i_idx[order].tolist(), j_idx[order].tolist()):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((i, j))
    return out
