"""``gtconvert diff A B --preview DIR``: the images where A and B differ, drawn as one preview.

Each drawn object is labelled with what happened to it and coloured by that (a category per
status and name, e.g. ``moved car``): lost objects at their place in A, added ones at their
place in B, moved ones twice (where they were in A, where they are in B), relabelled or
otherwise changed ones at their place in B, and unchanged ones in grey for context.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..model import Annotations, Category, Dataset, Images
from .overlays import PreviewSummary, image_path, write_preview

if TYPE_CHECKING:
    from ..diff import DatasetDiff

#: Status -> colour (RGB in [0, 1], as a category colour).
STATUS_COLORS = {
    "lost": (0.9, 0.1, 0.1),
    "added": (0.1, 0.8, 0.2),
    "was": (1.0, 0.6, 0.0),
    "moved": (1.0, 0.9, 0.0),
    "changed": (0.8, 0.2, 0.9),
    "same": (0.6, 0.6, 0.6),
}


def write_diff_preview(
    a: Dataset, b: Dataset, result: DatasetDiff, out: str | os.PathLike, *, overwrite: bool = False
) -> PreviewSummary:
    """Draw every image holding a difference (see the module docstring) into ``out``."""
    return write_preview(changes_dataset(a, b, result), out, overwrite=overwrite, title=f"{out}: A -> B")


def changes_dataset(a: Dataset, b: Dataset, result: DatasetDiff) -> Dataset:
    """One dataset holding, per image with a difference, its objects relabelled by status."""
    pairs = result.pairs
    changed = pairs.changed
    pieces = [  # (source dataset, its rows, status)
        (a, result.lost, "lost"),
        (b, result.added, "added"),
        (a, pairs.a[pairs.moved], "was"),
        (b, pairs.b[pairs.moved], "moved"),
        (b, pairs.b[changed & ~pairs.moved], "changed"),
        (b, pairs.b[~changed], "same"),
    ]
    ia, ib = result.image_pairs
    to_b = np.full(len(a.images), -1, dtype=np.int64)
    to_b[ia] = ib
    only_a = np.setdiff1d(np.arange(len(a.images)), ia)
    # image keys: B's rows, then A-only images after them
    a_key = to_b.copy()
    a_key[only_a] = len(b.images) + np.arange(len(only_a))
    keys_of = {
        id(a): lambda rows: a_key[a.annotations.image[rows]],
        id(b): lambda rows: b.annotations.image[rows],
    }
    dirty = np.concatenate([keys_of[id(ds)](rows) for ds, rows, status in pieces if status != "same"])
    shown = np.unique(dirty)
    position = np.full(len(b.images) + len(only_a), -1, dtype=np.int64)
    position[shown] = np.arange(len(shown))
    images = _images(a, b, only_a, shown)
    categories: list[Category] = []
    cat_index: dict[tuple[str, str], int] = {}
    parts = []
    for ds, rows, status in pieces:
        rows = rows[position[keys_of[id(ds)](rows)] >= 0]
        if not len(rows):
            continue
        taken = ds.annotations.take(rows)
        names = _status_names(ds, a, b, rows, status, result)
        cats = []
        for name in names:
            key = (status, name)
            if key not in cat_index:
                cat_index[key] = len(categories)
                categories.append(
                    Category(id=len(categories) + 1, name=f"{status} {name}", color=STATUS_COLORS[status])
                )
            cats.append(cat_index[key])
        taken.category = np.array(cats, dtype=np.int64)
        taken.image = position[keys_of[id(ds)](rows)]
        taken.parent = np.full(len(rows), -1, dtype=np.int64)
        parts.append(taken)
    ann = Annotations.concat(parts) if parts else Annotations.empty()
    return Dataset(images, categories, ann)


def _status_names(
    ds: Dataset, a: Dataset, b: Dataset, rows: np.ndarray, status: str, result: DatasetDiff
) -> list[str]:
    """Category names; for relabelled objects ``old->new``."""
    names = np.array(ds.category_names(), dtype=object)[ds.annotations.category[rows]].tolist()
    if status != "changed":
        return names
    pairs = result.pairs
    old_of = dict(zip(pairs.b.tolist(), pairs.a.tolist()))
    a_names = a.category_names()
    out = []
    for row, name in zip(rows.tolist(), names):
        old = a_names[a.annotations.category[old_of[row]]]
        out.append(name if old == name else f"{old}->{name}")
    return out


def _images(a: Dataset, b: Dataset, only_a: np.ndarray, shown: np.ndarray) -> Images:
    """The shown images, with absolute paths (A's and B's images may live in different folders)."""
    names, widths, heights = [], [], []
    for key in shown.tolist():
        ds, row = (b, key) if key < len(b.images) else (a, int(only_a[key - len(b.images)]))
        path = image_path(ds, row)
        names.append(os.path.abspath(path) if path else str(ds.images.file_name[row]))
        widths.append(int(ds.images.width[row]))
        heights.append(int(ds.images.height[row]))
    return Images.create(names, widths, heights)
