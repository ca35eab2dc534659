"""Pixel labels: one lazy reference per (image, label) in its label PNG, or one mask per component.

Pixel value = the label's ``PixelLabelID``, 0 = unlabelled; a label may own several values
(a column of ids or Mx3 RGB triplets). Facts: ``shared/docs/matlab-groundtruth.md`` section 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import geometry
from ...model import Annotations, Kind, PixelRef
from .interchange import Interchange


def pixel_annotations(
    ic: Interchange, pixel_files: list[str | None], instances: bool, first_id: int
) -> Annotations | None:
    """One lazy reference per (image, pixel label present in its PNG), or one mask per component."""
    labels = [k for k, t in enumerate(ic.labelTypes) if t == "PixelLabel"]
    rows = [i for i, f in enumerate(pixel_files) if f]
    if not labels or not rows:
        return None
    from ...pixels import read_label_matrix

    groups = [_pixel_values(ic.labelPixelIds[k]) for k in labels]
    labels = [k for k, g in zip(labels, groups) if g]  # a label without PixelLabelID marks nothing
    groups = [g for g in groups if g]
    img, cat, refs, rles, kinds = [], [], [], [], []
    if not instances:  # which labels each PNG holds, decoded in the process pool
        present = _present_groups([pixel_files[i] for i in rows], groups)
        for i, hits in zip(rows, present):
            for j in np.flatnonzero(hits).tolist():
                img.append(i), cat.append(labels[j]), rles.append(None), kinds.append(Kind.PIXEL_REF)
                refs.append(PixelRef(pixel_files[i], groups[j][0], groups[j][1:]))
    else:
        for i in rows:
            owner, comp = _instance_rles(read_label_matrix(pixel_files[i]), groups)
            img += [i] * len(comp)
            cat += [labels[j] for j in owner.tolist()]
            refs += [None] * len(comp)
            rles += comp
            kinds += [Kind.MASK] * len(comp)
    n = len(img)
    ann = Annotations.create(img, cat, kinds, id=np.arange(first_id, first_id + n), pixel_ref=refs, rle=rles)
    masks = np.flatnonzero(ann.kind == Kind.MASK)
    if len(masks):
        ann.bbox[masks] = geometry.rle_bbox([ann.rle[i] for i in masks])
    return ann


def _pixel_values(pixel_id: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Every pixel value of a label: its PixelLabelID rows, Mx3 RGB triplets or scalar ids.

    A label with several ids owns the pixels of all of them (``shared/docs/matlab-groundtruth.md``
    section 4): they all go into its :class:`PixelRef`.
    """
    arr = np.asarray(pixel_id, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 3:
        return tuple(tuple(int(v) for v in row) for row in arr)
    return tuple((int(v),) for v in arr.ravel())


def _present_groups(files: list[str], groups: list[tuple[tuple[int, ...], ...]]) -> np.ndarray:
    """(files, labels) booleans: which labels (groups of pixel values) have a pixel in each PNG."""
    from ...pixels import values_present

    values = list(dict.fromkeys(v for g in groups for v in g))
    column = {v: k for k, v in enumerate(values)}
    hit = values_present(files, values)
    out = np.zeros((len(files), len(groups)), dtype=bool)
    for j, g in enumerate(groups):
        out[:, j] = hit[:, [column[v] for v in g]].any(axis=1)
    return out


def _instance_rles(
    matrix: np.ndarray, groups: list[tuple[tuple[int, ...], ...]]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Connected components of each label's pixels (of all its values together)."""
    if all(len(g) == 1 for g in groups):
        return geometry.label_matrix_to_instance_rles(matrix, [g[0] for g in groups])
    from ...pixels import mask_of_values

    # several values per label: number the labels' pixels 1..K, then split that matrix
    index = np.zeros(matrix.shape[:2], dtype=np.int32)
    for j, g in enumerate(groups):
        index[mask_of_values(matrix, g)] = j + 1
    return geometry.label_matrix_to_instance_rles(index, [(j + 1,) for j in range(len(groups))])
