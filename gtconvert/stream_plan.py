"""The plan of a COCO file converted in parts: one scan, before any part is read.

:func:`plan` reads the image table and the categories whole (small), then makes one pass over
the annotation records (found by :mod:`gtconvert.jsonstream`, parsed in slices) keeping only
each one's image row, what decides YOLO's default task, and (for ``--split-by``) its category
row. ``--split`` is drawn here over every image, as the single pass draws it. The streamed
conversion (:mod:`gtconvert.stream`) and the sharded one (:mod:`gtconvert.sharded`) cut the
plan into parts of images.
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import jsonstream, report
from .fileio import gc_paused
from .model import Category, Dataset, Images

#: What ``coco.read`` turns into its "wrong type or shape" error.
READ_FAILURES = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError)
_ID_AND_IMAGE = operator.itemgetter("id", "image_id")
_ID_IMAGE_AND_CATEGORY = operator.itemgetter("id", "image_id", "category_id")


@dataclass
class Plan:
    """A COCO file's image table, categories and each annotation's image row, from one scan."""

    path: str | os.PathLike
    images: Images
    categories: list[Category]
    info: dict[str, Any]
    image_root: str
    annotations: jsonstream.ArraySpan | None
    image_rows: np.ndarray  # the image row of every annotation record, in file order
    task: str | None  # YOLO's task when not given (the one a single pass would choose)
    splits: np.ndarray | None = None  # each image's split (--split), drawn over all images

    def write_options(self, write_kwargs: dict) -> dict:
        """``write_kwargs`` with the task a single pass would choose, when none is given."""
        return write_kwargs if self.task is None else {**write_kwargs, "task": self.task}


def plan(path: str | os.PathLike, images: str | None, target: str, write_kwargs: dict) -> Plan | None:
    """The plan of converting COCO ``path`` to ``target`` with ``write_kwargs`` in parts; None when
    it must be read whole.

    None for anything but a plain COCO object of record arrays, a YOLO task that would be pose,
    or a ``--split`` that cannot be drawn (the whole-file path words the error).
    """

    loaded = jsonstream.load_top_level(path, ("images", "annotations"))
    if loaded is None:
        return None
    doc, spans = loaded
    if not all(isinstance(doc.get(k) or [], list) for k in ("images", "annotations", "categories")):
        return None
    try:
        found = _plan_records(path, images, target, write_kwargs, doc, spans)
    except READ_FAILURES:
        return None
    return found


def _plan_records(
    path: str | os.PathLike, images: str | None, target: str, write_kwargs: dict, doc: dict, spans: dict
) -> Plan | None:
    from .formats.coco import reader

    task, split_by = write_kwargs.get("task"), write_kwargs.get("split_by")
    by_group = write_kwargs.get("split") is not None and split_by is not None

    with gc_paused():
        if "images" in spans:
            img = reader.read_images(jsonstream.iter_array(path, spans["images"]), path)
        else:
            img = reader.read_images([doc.get("images") or []], path)
        cats = reader.read_categories(doc.get("categories") or [], path)
        span = spans.get("annotations")
        needs_task = target == "yolo" and task is None
        empty = _Scanned(np.zeros(0, np.int64), set(), np.zeros(0, np.int64) if by_group else None)
        scanned = (
            _scan_annotations(path, span, img, cats, needs_task, by_group) if span is not None else empty
        )
    if scanned is None or not len(img):
        return None
    rows, kinds = scanned.image_rows, scanned.kinds
    if target == "yolo" and task is None:
        task = "segment" if "shape" in kinds else "obb" if "rbox" in kinds else "detect"
        if "keypoints" in kinds:
            return None
    top = {k: v for k, v in doc.items() if k not in ("images", "annotations", "categories")}
    root = reader.image_root(path, img, images)  # as coco.read: absolute names made relative to it
    found = Plan(path, img, cats, {"coco": top}, root, span, rows, task if target == "yolo" else None)
    if write_kwargs.get("split") is not None:
        found.splits = _drawn_splits(found, scanned.categories, write_kwargs)
        if found.splits is None:
            return None
    return found


def _drawn_splits(found: Plan, categories: np.ndarray | None, write_kwargs: dict) -> np.ndarray | None:
    """Each image's split as the single pass draws it (``ops.splits.split_images`` over every
    image, and every annotation's image and category for ``--split-by``); None on an error."""
    from .errors import GtconvertError
    from .model import Annotations
    from .ops.splits import split_images

    n = len(found.image_rows)
    cats = categories if categories is not None else np.zeros(n, np.int64)
    skeleton = Dataset(
        found.images, found.categories, Annotations.create(image=found.image_rows, category=cats, kind=0)
    )
    try:
        with report.Report():  # its warnings are the single pass's to give (none for video/folder)
            return split_images(
                skeleton, write_kwargs["split"], write_kwargs.get("seed"), write_kwargs.get("split_by")
            )
    except GtconvertError:
        return None


@dataclass
class _Scanned:
    image_rows: np.ndarray  # the image row of each annotation, in file order
    kinds: set[str]  # which of YOLO's task-deciding shapes occur
    categories: np.ndarray | None  # the category row of each annotation (for --split-by), or None


def _scan_annotations(
    path: str | os.PathLike,
    span: jsonstream.ArraySpan,
    img: Images,
    cats: list[Category],
    needs_task: bool,
    needs_categories: bool,
) -> _Scanned | None:
    """Each annotation's image row, (``needs_task``) which of YOLO's task-deciding shapes occur,
    and (``needs_categories``) each one's category row.

    None for anything unusual (a record that is not an object with an ``image_id`` of a known
    image, or a ``category_id`` of a known category; duplicate ids): the whole-file path then
    reads it and words the error.
    """
    from .formats.coco.records import check_unique

    n = len(span.begins)
    width = 3 if needs_categories else 2
    columns = np.empty((n, width), np.int64)
    getter = _ID_IMAGE_AND_CATEGORY if needs_categories else _ID_AND_IMAGE
    kinds: set[str] = set()
    done = 0
    for records in jsonstream.iter_array(path, span):
        if done + len(records) > n:
            return None
        try:
            columns[done : done + len(records)] = np.array(list(map(getter, records)), np.int64).reshape(
                -1, width
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        if needs_task and len(kinds) < 3:
            kinds |= _task_shapes(records)
        done += len(records)
    if done != n:
        return None
    try:
        check_unique(columns[:, 0], path, "annotation")
    except Exception:
        return None
    rows = _rows_of(columns[:, 1], img.id)
    categories = (
        _rows_of(columns[:, 2], np.array([c.id for c in cats], np.int64)) if needs_categories else None
    )
    if rows is None or (needs_categories and categories is None):
        return None
    return _Scanned(rows.astype(np.int32) if len(img) < 2**31 else rows, kinds, categories)


def _rows_of(ids: np.ndarray, table: np.ndarray) -> np.ndarray | None:
    """The row in ``table`` of each of ``ids``; None if one is not in it."""
    if not len(ids):
        return np.zeros(0, np.int64)
    if not len(table):
        return None
    order = np.argsort(table, kind="stable")
    pos = np.minimum(np.searchsorted(table[order], ids), len(table) - 1)
    if not np.array_equal(table[order][pos], ids):
        return None
    return order[pos]


def _task_shapes(records: list) -> set[str]:
    """What YOLO's default task looks at (formats.yolo.rows.choose_task), from the raw records:
    keypoints, a polygon or mask segmentation (not a rotated box's corners), a rotated box."""
    keys: set = set().union(*records)
    found = set()
    if "keypoints" in keys and any(type(r.get("keypoints")) is list and r["keypoints"] for r in records):
        found.add("keypoints")
    if "rbox" in keys:
        found.add("rbox")
    if "segmentation" in keys:
        segs = [r.get("segmentation") for r in records]
        if any(segs) or dict in set(map(type, segs)):  # a non-empty list, or a dict (even empty)
            for r, s in zip(records, segs):
                if ((type(s) is list and s) or isinstance(s, dict)) and "rbox" not in r:
                    found.add("shape")
                    break
    return found
