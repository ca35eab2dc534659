"""Several datasets as one: ``gtconvert merge A B ... OUT``.

* Images are the same image when their file names (relative to their dataset's image folder)
  are equal, or with ``by="hash"`` when their files hold the same bytes; the first dataset
  that has an image gives its name, id and extra keys, a later one fills a size the first
  did not know, and different known sizes are a conflict (warned, the first kept).
* Categories are the same category when their names are equal, after ``mapping`` renames
  them; the first dataset that has one gives its fields. Different MATLAB label types under
  one name are a conflict (warned, the first kept).
* Every annotation of every input is kept exactly once, pointing at the merged image and
  category. Ids are numbered anew (images, categories and annotations from 1) unless
  ``keep_ids`` is set, which keeps them and refuses ids that collide.
* The merged image folder is the deepest folder holding every input's image folder; file
  names are made relative to it, so writers find every image.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import report
from ..errors import GtconvertError
from ..model import Annotations, Category, Dataset, Images
from .categories import apply_options, parse_mapping, rename_categories

MERGE_BY = ("path", "hash")


def merge(
    datasets: Sequence[Dataset],
    *,
    mapping: str | Mapping[str, str] | None = None,
    by: str = "path",
    keep_ids: bool = False,
) -> Dataset:
    """One dataset holding every image (de-duplicated), category (unified) and annotation."""
    if not datasets:
        raise GtconvertError("nothing to merge", fix="give at least one dataset")
    if by not in MERGE_BY:
        raise GtconvertError(f"merge by {by!r} is not known", fix="merge by 'path' or 'hash'")
    datasets = _renamed(datasets, mapping)
    root, located = _common_root(datasets)
    keys = _image_keys(datasets, by)
    image_of, first = _unique(keys)
    images = _merged_images(datasets, located, image_of, first, keep_ids)
    categories, category_of = _merged_categories(datasets, keep_ids)
    annotations = _merged_annotations(datasets, image_of, category_of, keep_ids)
    shared = len(keys) - len(first)
    report.warn(
        "merge.duplicate_images",
        f"merge: {shared} images appear in more than one input; each is one image of the merged dataset",
        shared,
    )
    info = dict(datasets[0].info)
    info["merged_from"] = len(datasets)
    return Dataset(images, categories, annotations, info=info, image_root=root)


def merge_files(
    sources: Sequence[str | os.PathLike],
    dst: str | os.PathLike,
    *,
    dst_format: str | None = None,
    by: str = "path",
    keep_ids: bool = False,
    map: str | Mapping[str, str] | None = None,  # named as its flag, --map
    keep: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None,
    **options: Any,
) -> Dataset:
    """Read every source (any format, each recognised), merge them and write ``dst``.

    ``options`` are format options: each goes to the readers and the writer that accept it
    (:func:`gtconvert.registry.route_options`); one that none accepts is an error. ``map``
    renames in every input (a name need only be in one); ``keep``/``drop`` apply to the merge.
    """
    from .. import fileio, registry

    readers = [registry.reader_for(s) for s in sources]
    writer = registry.writer_for(dst, dst_format)
    given = {k: v for k, v in options.items() if v is not None}
    accepted = set(writer.options("write")).union(*(r.options("read") for r in readers))
    stray = {k: v for k, v in given.items() if k not in accepted}
    if stray:
        registry.route_options(stray, reader=readers[0], writer=writer)  # raises, in the usual words
    routed = [
        registry.route_options(
            {k: v for k, v in given.items() if k in fmt.options("read") or k in writer.options("write")},
            reader=fmt,
            writer=writer,
        )
        for fmt in readers
    ]
    write_kwargs = routed[0][1] if routed else {}
    inputs = (*sources, given.get("images"))
    fileio.check_output(dst, overwrite=bool(write_kwargs.get("overwrite")), inputs=inputs)
    datasets = [fmt.read(src, **kw) for src, fmt, (kw, _) in zip(sources, readers, routed)]
    merged = apply_options(merge(datasets, mapping=map, by=by, keep_ids=keep_ids), keep=keep, drop=drop)
    with fileio.protected(*inputs):
        writer.write(merged, dst, **write_kwargs)
    return merged


def _renamed(datasets: Sequence[Dataset], mapping: str | Mapping[str, str] | None) -> list[Dataset]:
    """Each dataset with ``mapping`` applied; a name no input has is an error."""
    if mapping is None:
        return list(datasets)
    mapping = parse_mapping(mapping)
    known = {n for d in datasets for n in d.category_names()}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise GtconvertError(
            f"--map names categories no input has: {', '.join(unknown)}",
            fix=f"the categories are: {', '.join(sorted(known))}",
        )
    return [rename_categories(d, mapping, strict=False) for d in datasets]


def _common_root(datasets: Sequence[Dataset]) -> tuple[str, list[np.ndarray]]:
    """The merged image folder, and each dataset's file names relative to it."""
    roots = [os.path.abspath(d.image_root) if d.image_root else "" for d in datasets]
    known = [r for r in roots if r]
    root = os.path.commonpath(known) if known else ""
    located = []
    for d, r in zip(datasets, roots):
        names = d.images.file_name
        prefix = os.path.relpath(r, root).replace(os.sep, "/") if r else "."
        if prefix != ".":
            names = np.array([posixpath.join(prefix, str(n)) for n in names.tolist()], dtype=object)
        located.append(names)
    return root, located


def _image_keys(datasets: Sequence[Dataset], by: str) -> list[Any]:
    """What makes two images one, for every image of every dataset in turn."""
    keys: list[Any] = []
    missing = 0
    for d in datasets:
        names = [posixpath.normpath(str(n).replace("\\", "/")) for n in d.images.file_name.tolist()]
        if by == "path":
            keys += [("path", n) for n in names]
            continue
        for name in names:
            digest = _file_hash(os.path.join(d.image_root, name)) if d.image_root else None
            missing += digest is None
            keys.append(("hash", digest) if digest else ("path", name))
    report.warn(
        "merge.hash_missing",
        f"merge: {missing} images not found to hash; matched by file name instead",
        missing,
    )
    return keys


def _file_hash(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _unique(keys: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The merged row of every image, and the first image of each merged row."""
    index: dict[Any, int] = {}
    image_of = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.int64)
    first = np.full(len(index), len(keys), dtype=np.int64)
    np.minimum.at(first, image_of, np.arange(len(keys)))
    return image_of, first


def _merged_images(
    datasets: Sequence[Dataset],
    located: list[np.ndarray],
    image_of: np.ndarray,
    first: np.ndarray,
    keep_ids: bool,
) -> Images:
    every = Images.concat([d.images for d in datasets])
    every.file_name = np.concatenate(located) if located else every.file_name
    out = every.take(first)
    width, height = every.width, every.height
    known = (width > 0) & (height > 0)
    first_known = known[first][image_of]
    conflict = known & first_known & ((width != out.width[image_of]) | (height != out.height[image_of]))
    n_conflict = int(np.count_nonzero(conflict))
    report.warn(
        "merge.image_size_conflict",
        f"merge: {n_conflict} images have another size in a later input than in the first; the first kept",
        n_conflict,
        [str(n) for n in every.file_name[conflict][:5]],
    )
    fill = known & ~first_known  # the first input did not know the size: a later one tells it
    out.width[image_of[fill]] = width[fill]
    out.height[image_of[fill]] = height[fill]
    if keep_ids:
        _refuse_collisions("image", out.id, out.file_name)
    else:
        out.id = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def _merged_categories(
    datasets: Sequence[Dataset], keep_ids: bool
) -> tuple[list[Category], list[np.ndarray]]:
    """The categories unified by name, and for each dataset the merged row of each of its own."""
    by_name: dict[str, int] = {}
    categories: list[Category] = []
    ids: dict[str, set[int]] = {}
    conflicts = 0
    rows = []
    for d in datasets:
        mine = np.empty(len(d.categories), dtype=np.int64)
        for j, c in enumerate(d.categories):
            ids.setdefault(c.name, set()).add(c.id)
            if c.name not in by_name:
                by_name[c.name] = len(categories)
                categories.append(c)
            else:
                kept = categories[by_name[c.name]]
                conflicts += bool(c.type and kept.type and c.type != kept.type)
            mine[j] = by_name[c.name]
        rows.append(mine)
    report.warn(
        "merge.category_conflict",
        f"merge: {conflicts} categories have another label type in a later input than in the first; "
        "the first kept",
        conflicts,
    )
    if keep_ids:
        split = sorted(n for n, s in ids.items() if len(s) > 1)
        if split:
            raise GtconvertError(
                f"--keep-ids: category {split[0]!r} has the ids {sorted(ids[split[0]])} in different inputs",
                fix="leave out --keep-ids to number the categories anew, or --map names onto one id",
            )
        _refuse_collisions("category", np.array([c.id for c in categories]), [c.name for c in categories])
    else:
        from dataclasses import replace

        categories = [replace(c, id=i) for i, c in enumerate(categories, start=1)]
    return categories, rows


def _merged_annotations(
    datasets: Sequence[Dataset], image_of: np.ndarray, category_of: list[np.ndarray], keep_ids: bool
) -> Annotations:
    parts = []
    offset = 0
    for d, cat_rows in zip(datasets, category_of):
        ann = d.annotations.take(np.arange(len(d.annotations)))  # a copy: inputs stay as they were
        ann.image = image_of[offset + ann.image]
        ann.category = cat_rows[ann.category] if len(ann) else ann.category
        offset += len(d.images)
        parts.append(ann)
    out = Annotations.concat(parts)
    if keep_ids:
        _refuse_collisions("annotation", out.id, None)
    else:
        out.id = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def _refuse_collisions(what: str, ids: np.ndarray, names: Any) -> None:
    """``--keep-ids``: an id that two different things have is an error naming it."""
    values, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        dup = int(values[counts > 1][0])
        holders = [str(names[i]) for i in np.flatnonzero(ids == dup)[:2]] if names is not None else []
        held = f" ({' and '.join(holders)})" if holders else ""
        raise GtconvertError(
            f"--keep-ids: {what} id {dup} is used more than once{held}",
            fix="leave out --keep-ids to number them anew",
        )
