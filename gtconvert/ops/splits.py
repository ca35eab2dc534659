"""Leak-free splits: images of one group (a video, a folder, an attribute value) share a split.

``--split-by video``: the frames of one video (``Images.video``); an image of no video is a
group of its own. ``--split-by folder``: the images of one folder of ``file_name`` (a
patient, a session). ``--split-by attribute:NAME``: the value of ``NAME`` on the image (an
image key, as COCO keeps unknown ones, or its ``attributes``), else the one value its
annotations' attributes agree on; an image without one is a group of its own (a warning
counts them).

Groups are dealt out largest first (ties in an order drawn from ``seed``) to the split that
most lacks their images and categories, so splits follow their fractions and categories
where the groups allow. Every split with a fraction above 0 gets at least one group; when
there are fewer groups than such splits, that is an error.
"""

from __future__ import annotations

import posixpath
from typing import Any

import numpy as np

from .. import report
from ..errors import GtconvertError
from ..model import Dataset

SPLIT_BY = ("video", "folder", "attribute:NAME")


def split_images(
    dataset: Dataset, fractions: dict[str, float], seed: int | None = None, split_by: str | None = None
) -> np.ndarray:
    """Each image's split name: at random by image (``split_by`` None), else by group.

    The writers' one entry for ``split``/``seed``/``split_by``; either way no split with a
    fraction above 0 comes out empty.
    """
    from ..imagefiles import assign_splits
    from ..staging import planned_splits

    n = len(dataset.images)
    planned = planned_splits(n)  # a part of a streamed or sharded output: drawn over all its images
    if planned is not None:
        return planned
    if split_by is None:
        return _filled(assign_splits(n, fractions, seed), fractions, seed)
    groups = image_groups(dataset, split_by)
    return assign_group_splits(dataset, groups, fractions, seed)


def image_groups(dataset: Dataset, split_by: str) -> np.ndarray:
    """A group number per image (0..G-1) for ``video``, ``folder`` or ``attribute:NAME``."""
    img = dataset.images
    if split_by == "video":
        keys = [("v", v) if v else ("i", i) for i, v in enumerate(img.video.tolist())]
    elif split_by == "folder":
        keys = [posixpath.dirname(str(n).replace("\\", "/")) for n in img.file_name.tolist()]
    elif split_by.startswith("attribute:") and split_by[len("attribute:") :]:
        keys = _attribute_keys(dataset, split_by[len("attribute:") :])
    else:
        raise GtconvertError(
            f"--split-by {split_by!r} is not known", fix="use --split-by video, folder or attribute:NAME"
        )
    index: dict[Any, int] = {}
    return np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.int64)


def _attribute_keys(dataset: Dataset, name: str) -> list[Any]:
    img, ann = dataset.images, dataset.annotations
    values: list[Any] = [None] * len(img)
    for i, extra in enumerate(img.extra.tolist()):
        if isinstance(extra, dict):
            attrs = extra.get("attributes")
            value = extra.get(name, attrs.get(name) if isinstance(attrs, dict) else None)
            values[i] = value
    seen: dict[int, dict[str, Any]] = {}
    for i, attrs in zip(ann.image.tolist(), ann.attributes.tolist()):  # cold data: dicts per row
        if values[i] is None and isinstance(attrs, dict) and name in attrs:
            seen.setdefault(i, {})[repr(attrs[name])] = attrs[name]
    for i, found in seen.items():
        if len(found) == 1:
            values[i] = next(iter(found.values()))
    missing = [i for i, v in enumerate(values) if v is None]
    report.warn(
        "split.attribute_missing",
        f"--split-by attribute:{name}: {len(missing)} images have no single value of {name!r}; "
        "each is a group of its own",
        len(missing),
        [str(img.file_name[i]) for i in missing[:5]],
    )
    return [("a", repr(v)) if v is not None else ("i", i) for i, v in enumerate(values)]


def assign_group_splits(
    dataset: Dataset, groups: np.ndarray, fractions: dict[str, float], seed: int | None = None
) -> np.ndarray:
    """Split names per image such that no group straddles two splits (see the module docstring)."""
    names, frac = _fractions(fractions)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    wanted = np.flatnonzero(frac > 0)
    if n_groups == 0:  # no images: nothing to split
        return np.empty(0, dtype=object)
    if n_groups < len(wanted):
        raise GtconvertError(
            f"{n_groups} groups cannot fill {len(wanted)} splits without leaking a group into two",
            fix="give fewer splits, or split by a finer group",
        )
    ann = dataset.annotations
    n_cat = max(len(dataset.categories), 1)
    images = np.bincount(groups, minlength=n_groups).astype(np.float64)
    per_cat = (
        np.bincount(groups[ann.image] * n_cat + ann.category, minlength=n_groups * n_cat)
        .reshape(n_groups, n_cat)
        .astype(np.float64)
    )
    # a split's need of each thing, relative to the total, so images and rare categories weigh alike
    totals = np.concatenate([[images.sum()], per_cat.sum(axis=0)])
    load = np.column_stack([images, per_cat]) / np.where(totals > 0, totals, 1)
    target = frac[:, None] * load.sum(axis=0)[None, :]
    have = np.zeros_like(target)
    owner = np.empty(n_groups, dtype=np.int64)
    shuffled = np.random.default_rng(0 if seed is None else seed).permutation(n_groups)
    order = shuffled[np.argsort(-images[shuffled], kind="stable")]  # largest first, ties at random
    for g in order.tolist():
        need = ((target - have) * (load[g] > 0)).sum(axis=1)
        need[frac <= 0] = -np.inf
        s = int(np.argmax(need))
        owner[g] = s
        have[s] += load[g]
    owner = _nonempty(owner, images, wanted)
    return np.array(names, dtype=object)[owner[groups]]


def _nonempty(owner: np.ndarray, images: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Give each wanted split that got no group the smallest group of the split with most groups."""
    owner = owner.copy()
    for s in wanted.tolist():
        if (owner == s).any():
            continue
        counts = np.bincount(owner, minlength=int(wanted.max()) + 1)
        donor = int(np.argmax(counts))
        mine = np.flatnonzero(owner == donor)
        owner[mine[np.argmin(images[mine])]] = s
    return owner


def _fractions(fractions: dict[str, float]) -> tuple[list[str], np.ndarray]:
    if not fractions:
        raise GtconvertError("empty split", fix="give e.g. --split train=0.8,val=0.2")
    names = list(fractions)
    frac = np.array([fractions[k] for k in names], dtype=np.float64)
    if not np.all(np.isfinite(frac)) or np.any(frac < 0) or frac.sum() <= 0:
        raise GtconvertError(f"split fractions {fractions} must be >= 0 and not all 0")
    return names, frac / frac.sum()


def _filled(split_of: np.ndarray, fractions: dict[str, float], seed: int | None) -> np.ndarray:
    """A random split by image with no empty split of a fraction above 0 (an image moves to
    each empty one from the largest split); an error when there are fewer images than splits."""
    names, frac = _fractions(fractions)
    wanted = [s for s, f in zip(names, frac) if f > 0]
    empty = [s for s in wanted if not (split_of == s).any()]
    if not empty or not len(split_of):  # no images: nothing to split
        return split_of
    if len(split_of) < len(wanted):
        raise GtconvertError(
            f"{len(split_of)} images cannot fill {len(wanted)} splits",
            fix="give fewer splits (an empty val split makes trainers fail)",
        )
    split_of = split_of.copy()
    order = np.random.default_rng(0 if seed is None else seed).permutation(len(split_of))
    for s in empty:
        largest = max(wanted, key=lambda k: int(np.count_nonzero(split_of == k)))
        split_of[order[split_of[order] == largest][-1]] = s
    return split_of


def require_split(split: dict[str, float] | None, split_by: str | None) -> None:
    """``split_by`` says how to split, ``split`` how much: the first alone is an error."""
    if split_by is not None and split is None:
        raise GtconvertError(
            f"--split-by {split_by} needs --split",
            fix=f"e.g. --split train=0.8,val=0.2 --split-by {split_by}",
        )


def source_splits(
    names: list[str], extra: np.ndarray, known: tuple[str, ...]
) -> tuple[list[str], np.ndarray]:
    """The split each image had in its source (``extra["split"]``, one of ``known``, else ""),
    and its name without that split's leading folder (``train/a.jpg`` -> ``a.jpg``), for
    writers that put each split in its own folder."""
    split_of = np.array(
        [(e.get("split") or "") if isinstance(e, dict) and e.get("split") in known else "" for e in extra],
        dtype=object,
    )
    bare = [n[len(s) + 1 :] if s and n.startswith(s + "/") else n for n, s in zip(names, split_of.tolist())]
    return bare, split_of
