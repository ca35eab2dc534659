"""``gtconvert validate`` checks of keypoints (COCO keypoints, YOLO pose; docs/keypoints.md).

Each check yields ``(code, message, count, examples)``; :func:`gtconvert.validate.check` turns
them into findings (this module does not import validate, so no import circle). Every check
is vectorised over the keypoint columns; a dataset without keypoints costs one ``any``.

What is checked, and why a trainer cares:

- ``keypoints.count_mismatch``: an object's number of points differs from its category's point
  names (or, for a category without names, from the number most of its objects have). COCO
  tools index points by position and YOLO pose rows have exactly ``kpt_shape`` K points.
- ``keypoints.visibility``: a ``v`` other than COCO's 0 (unlabelled), 1 (hidden), 2 (visible).
- ``keypoints.not_finite``: a labelled point with a NaN or infinite coordinate.
- ``keypoints.skeleton``: a skeleton pair naming a point the category does not have (COCO's
  pairs are 1-based, so a ``0`` there is out of range too).
- ``keypoints.flip_idx``: a left/right swap order that is not a reordering of the K points
  (Ultralytics' horizontal flip augmentation indexes the points with it).
- ``keypoints.outside_image``: a labelled point past ``[0, W] x [0, H]``; the YOLO pose writer
  writes such a point unlabelled (Ultralytics refuses normalised values above 1).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import geometry
from ..model import Category, Dataset

KeypointFinding = tuple[str, str, int, list[str]]

#: COCO's visibility codes: unlabelled, labelled but hidden, visible.
VISIBILITIES = (0, 1, 2)


def findings(ds: Dataset) -> Iterator[KeypointFinding]:
    """Every keypoint finding of ``ds`` (nothing for a dataset without keypoints)."""
    ann = ds.annotations
    counts = np.diff(ann.keypoint_start)
    described = any(c.keypoints or c.skeleton or c.flip_idx for c in ds.categories)
    if not counts.any() and not described:
        return
    expected = _expected_counts(ds, counts)
    yield from _count_mismatch(ds, counts, expected)
    yield from _visibility(ds)
    yield from _skeleton_and_flip(ds.categories, expected)
    yield from _outside(ds)


def _examples(ds: Dataset, rows: np.ndarray) -> list[str]:
    ann, img = ds.annotations, ds.images
    return [f"annotation {ann.id[r]} on {img.file_name[ann.image[r]]}" for r in rows[:5].tolist()]


def _rows_of_points(ds: Dataset, points: np.ndarray) -> np.ndarray:
    """The annotation row owning each point index (first occurrence order kept)."""
    rows = np.searchsorted(ds.annotations.keypoint_start, points, side="right") - 1
    return rows[np.sort(np.unique(rows, return_index=True)[1])]


def _expected_counts(ds: Dataset, counts: np.ndarray) -> np.ndarray:
    """K of each category: its point names, else the count most of its objects have (-1: none)."""
    cat = ds.annotations.category
    expected = np.full(len(ds.categories), -1, dtype=np.int64)
    for i, c in enumerate(ds.categories):
        if c.keypoints:
            expected[i] = len(c.keypoints)
            continue
        own = counts[(cat == i) & (counts > 0)]
        if len(own):
            values, freq = np.unique(own, return_counts=True)
            expected[i] = values[np.argmax(freq)]
    return expected


def _count_mismatch(ds: Dataset, counts: np.ndarray, expected: np.ndarray) -> Iterator[KeypointFinding]:
    cat = ds.annotations.category
    known = (cat >= 0) & (cat < len(expected))
    want = np.full(len(cat), -1, dtype=np.int64)
    want[known] = expected[cat[known]]
    bad = np.flatnonzero((counts > 0) & (want >= 0) & (counts != want))
    if len(bad):
        yield (
            "keypoints.count_mismatch",
            "objects whose number of keypoints differs from their category's point names (or from "
            "most objects of the category); COCO indexes points by position, YOLO pose needs K per row",
            len(bad),
            _examples(ds, bad),
        )


def _visibility(ds: Dataset) -> Iterator[KeypointFinding]:
    kp = ds.annotations.keypoints
    odd = np.flatnonzero(~np.isin(kp[:, 2], VISIBILITIES))
    if len(odd):
        yield (
            "keypoints.visibility",
            "keypoints whose visibility is not 0 (unlabelled), 1 (hidden) or 2 (visible)",
            len(odd),
            _examples(ds, _rows_of_points(ds, odd)),
        )
    labelled = kp[:, 2] > 0
    nan = np.flatnonzero(labelled & ~np.isfinite(kp[:, :2]).all(axis=1))
    if len(nan):
        yield (
            "keypoints.not_finite",
            "labelled keypoints with a NaN or infinite coordinate",
            len(nan),
            _examples(ds, _rows_of_points(ds, nan)),
        )


def _skeleton_and_flip(categories: list[Category], expected: np.ndarray) -> Iterator[KeypointFinding]:
    bad_pairs, bad_flip = [], []
    for c, k in zip(categories, expected.tolist()):
        if k < 0:
            k = len(c.keypoints)  # no names and no object with points: nothing to index
        pairs = np.asarray(c.skeleton, dtype=np.int64).reshape(-1, 2)
        wrong = int(np.count_nonzero(((pairs < 0) | (pairs >= k)).any(axis=1)))
        if wrong:
            bad_pairs.append((c.name, wrong, k))
        if c.flip_idx and sorted(c.flip_idx) != list(range(k)):
            bad_flip.append(c.name)
    if bad_pairs:
        yield (
            "keypoints.skeleton",
            "skeleton pairs naming a point the category does not have (COCO's pairs are 1-based)",
            sum(n for _, n, _ in bad_pairs),
            [f"category {name!r}: {n} pairs outside points 1..{k}" for name, n, k in bad_pairs[:5]],
        )
    if bad_flip:
        yield (
            "keypoints.flip_idx",
            "flip_idx that is not a reordering of the category's K points (Ultralytics flips with it)",
            len(bad_flip),
            [f"category {name!r}" for name in bad_flip[:5]],
        )


def _outside(ds: Dataset) -> Iterator[KeypointFinding]:
    ann, img = ds.annotations, ds.images
    if not len(ann.keypoints):
        return
    owner = np.repeat(ann.image, np.diff(ann.keypoint_start))
    w = img.width[owner].astype(np.float64)
    h = img.height[owner].astype(np.float64)
    known = (w > 0) & (h > 0)
    past = np.flatnonzero(known & geometry.keypoints_outside(ann.keypoints, w, h))
    if len(past):
        yield (
            "keypoints.outside_image",
            "labelled keypoints past their image (YOLO pose writes them unlabelled)",
            len(past),
            _examples(ds, _rows_of_points(ds, past)),
        )
