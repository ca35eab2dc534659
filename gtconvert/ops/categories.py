"""Renaming, merging, keeping and dropping categories: ``--map``, ``--keep``, ``--drop``.

Categories are matched by name. Renaming two categories to one name (or one to a name that
exists) merges them: the first in the category list survives with its id and fields, and the
annotations of the others point to it. Dropping a category drops its annotations and its
MATLAB sublabels (categories whose ``parent`` is gone); images are always kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np

from .. import report
from ..errors import GtconvertError
from ..model import Category, Dataset

#: The keyword options of :func:`apply_options`: dataset operations any reading accepts.
DATASET_OPTIONS = ("map", "keep", "drop")


def parse_mapping(mapping: str | Mapping[str, str]) -> dict[str, str]:
    """``"car=vehicle,bus=vehicle"`` (or a mapping) as ``{old: new}``."""
    if not isinstance(mapping, str):
        return {str(k): str(v) for k, v in mapping.items()}
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in mapping.split(","))):
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise GtconvertError(
                f"--map expects old=new pairs, not {pair!r}", fix="e.g. --map car=vehicle,bus=vehicle"
            )
        out[old.strip()] = new.strip()
    return out


def parse_names(names: str | Iterable[str]) -> list[str]:
    """``"car,bus"`` (or a list) as ``["car", "bus"]``."""
    if isinstance(names, str):
        return [n.strip() for n in names.split(",") if n.strip()]
    return [str(n) for n in names]


def rename_categories(dataset: Dataset, mapping: str | Mapping[str, str], *, strict: bool = True) -> Dataset:
    """Rename categories by ``{old: new}``; categories that end up with one name are merged.

    ``strict``: a name in ``mapping`` that no category has is an error (a typo would
    otherwise pass silently).
    """
    mapping = parse_mapping(mapping)
    names = dataset.category_names()
    unknown = sorted(set(mapping) - set(names))
    if unknown and strict:
        raise GtconvertError(
            f"--map names categories the dataset does not have: {', '.join(unknown)}",
            fix=f"the categories are: {', '.join(names)}",
        )
    renamed = [mapping.get(n, n) for n in names]
    survivor: dict[str, int] = {}
    new_row = np.empty(len(names), dtype=np.int64)
    categories: list[Category] = []
    for row, (cat, name) in enumerate(zip(dataset.categories, renamed)):
        if name not in survivor:
            survivor[name] = len(categories)
            categories.append(replace(cat, name=name) if name != cat.name else cat)
        new_row[row] = survivor[name]
    categories = [replace(c, parent=mapping.get(c.parent, c.parent)) if c.parent else c for c in categories]
    merged = len(names) - len(categories)
    report.warn(
        "categories.merged",
        f"--map: {merged} categories merged into others of the same name (the first keeps its id)",
        merged,
    )
    return _with_categories(dataset, categories, new_row)


def select(
    dataset: Dataset, keep: str | Iterable[str] | None = None, drop: str | Iterable[str] | None = None
) -> Dataset:
    """Only the categories in ``keep`` (all when None), less those in ``drop``, with their objects.

    A sublabel whose parent is not kept goes too. Images stay, with or without annotations.
    """
    names = dataset.category_names()
    wanted = set(names) if keep is None else set(parse_names(keep))
    unwanted = set() if drop is None else set(parse_names(drop))
    unknown = sorted((wanted | unwanted) - set(names))
    if unknown:
        raise GtconvertError(
            f"--keep/--drop name categories the dataset does not have: {', '.join(unknown)}",
            fix=f"the categories are: {', '.join(names)}",
        )
    asked = np.array([n in wanted and n not in unwanted for n in names], dtype=bool)
    kept = _without_orphans(dataset.categories, asked)
    orphans = int(np.count_nonzero(asked & ~kept))
    report.warn(
        "categories.sublabels_dropped",
        f"--keep/--drop: {orphans} sublabel categories dropped with their parent label",
        orphans,
    )
    new_row = np.full(len(names), -1, dtype=np.int64)
    new_row[kept] = np.arange(int(kept.sum()))
    categories = [c for c, k in zip(dataset.categories, kept) if k]
    return _with_categories(dataset, categories, new_row)


def _without_orphans(categories: list[Category], kept: np.ndarray) -> np.ndarray:
    """``kept`` less the sublabels whose parent is not kept (and theirs, to any depth)."""
    kept = kept.copy()
    while True:
        kept_names = {c.name for c, k in zip(categories, kept) if k}
        orphan = np.array(
            [bool(k and c.parent and c.parent not in kept_names) for c, k in zip(categories, kept)]
        )
        if not orphan.any():
            return kept
        kept &= ~orphan


def _with_categories(dataset: Dataset, categories: list[Category], new_row: np.ndarray) -> Dataset:
    """``dataset`` with ``categories``; annotation ``category`` rows go through ``new_row`` (-1: dropped)."""
    ann = dataset.annotations
    rows = new_row[ann.category] if len(ann) else ann.category
    gone = rows < 0
    n_gone = int(np.count_nonzero(gone))
    report.warn(
        "categories.dropped", f"--keep/--drop: {n_gone} annotations of dropped categories removed", n_gone
    )
    if n_gone:
        ann = ann.take(~gone)
        rows = rows[~gone]
    else:
        ann = ann.take(np.arange(len(ann)))
    ann.category = rows.astype(np.int64, copy=True)
    return dataset.replace(categories=categories, annotations=ann)


def apply_options(
    dataset: Dataset,
    *,
    map: str | Mapping[str, str] | None = None,  # named as its flag, --map
    keep: str | Iterable[str] | None = None,
    drop: str | Iterable[str] | None = None,
) -> Dataset:
    """The dataset options of a reading, in their order: ``map`` first, then ``keep``/``drop``
    (which name categories after renaming)."""
    if map is not None:
        dataset = rename_categories(dataset, map)
    if keep is not None or drop is not None:
        dataset = select(dataset, keep, drop)
    return dataset
