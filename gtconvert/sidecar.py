"""``gtconvert.json``: what a folder format cannot hold, kept beside it so a round trip restores it.

YOLO numbers classes 0..K-1 and has no image or object ids; Pascal VOC has neither category ids
nor object ids. The writers of those formats save, in class order, the original categories and,
in file order, the image ids and the id, kind and crowd flag of every object row they wrote.
The readers use it when it matches what they find (same file, same number of rows) and fall
back to fresh ids otherwise, with a warning: a user may have edited the labels since.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .errors import GtconvertError
from .fileio import dump_json, read_json
from .model import Category

FILE_NAME = "gtconvert.json"
VERSION = 1


def category_record(c: Category) -> dict[str, Any]:
    """The fields of a category worth keeping (those set), JSON-ready."""
    rec: dict[str, Any] = {"id": c.id, "name": c.name}
    keys = ("supercategory", "type", "color", "pixel_id", "group", "description", "attributes", "parent")
    for key in (*keys, "keypoints", "skeleton", "flip_idx"):
        value = getattr(c, key)
        if value:
            rec[key] = list(value) if isinstance(value, tuple) else value
    return rec


def category_from_record(rec: dict[str, Any]) -> Category:
    fields = {k: v for k, v in rec.items() if k in Category.__dataclass_fields__}
    for key in ("color", "pixel_id"):
        if fields.get(key) is not None:
            fields[key] = tuple(fields[key])
    fields["skeleton"] = [tuple(pair) for pair in fields.get("skeleton", [])]
    return Category(**fields)


def write(
    folder: str | os.PathLike,
    *,
    fmt: str,
    categories: list[Category],
    file_names: list[str],
    image_ids: np.ndarray,
    widths: np.ndarray,
    heights: np.ndarray,
    rows_per_image: np.ndarray,
    ann_ids: np.ndarray,
    ann_kinds: np.ndarray,
    ann_iscrowd: np.ndarray,
    extra: dict[str, Any] | None = None,
) -> None:
    """Save the sidecar; annotation columns are in file order (image by image, row by row)."""
    doc = {
        "gtconvert": VERSION,
        "format": fmt,
        "categories": [category_record(c) for c in categories],
        "images": {
            "file_name": list(file_names),
            "id": _numbers(image_ids),
            "width": _numbers(widths),
            "height": _numbers(heights),
            "rows": _numbers(rows_per_image),
        },
        "annotations": {
            "id": _numbers(ann_ids),
            "kind": _numbers(ann_kinds),
            "iscrowd": _numbers(np.asarray(ann_iscrowd, dtype=np.int64)),
        },
        **(extra or {}),
    }
    dump_json(doc, Path(folder) / FILE_NAME)


def _numbers(values: Any) -> Any:
    """An integer column for ``dump_json``: the array itself (orjson writes it as a list, in C;
    10 M ids as Python ints would be ~360 MB more), a list for anything else."""
    arr = np.asarray(values)
    return arr if arr.dtype.kind in "iu" else arr.tolist()


def load(folder: str | os.PathLike) -> dict[str, Any] | None:
    """The sidecar in ``folder``, or None when there is none or it is not ours."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return None
    try:
        doc = read_json(path)
    except GtconvertError as exc:
        return _ignored(path, exc.message)
    if not isinstance(doc, dict) or "categories" not in doc or "images" not in doc:
        return None
    problem = _shape_problem(doc)
    return _ignored(path, problem) if problem else doc


def _ignored(path: Path, why: str) -> None:
    # the sidecar only restores ids; a damaged one must not stop the labels from being read
    report.warn(
        "sidecar.ignored",
        f"{path}: ignored ({why}); ids and category details are numbered afresh",
        1,
        [str(path)],
    )
    return None


_INT64 = 2**63


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64


def _int_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_int(v) for v in value)


def _shape_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with the structure of a sidecar, or None when it is sound."""
    cats, images, anns = doc.get("categories"), doc.get("images"), doc.get("annotations", {})
    if not isinstance(cats, list) or not all(
        isinstance(c, dict) and _is_int(c.get("id")) and isinstance(c.get("name"), str) for c in cats
    ):
        return "'categories' must be a list of {id: int, name: str}"
    for c in cats:
        for key in ("color", "pixel_id"):
            value = c.get(key)
            if value is not None and not (
                isinstance(value, list)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            ):
                return f"category {c['id']}: '{key}' must be a list of numbers"
        for key in ("supercategory", "type", "group", "description", "parent"):
            if not isinstance(c.get(key, ""), str):
                return f"category {c['id']}: '{key}' must be text"
        if not isinstance(c.get("attributes", []), list):
            return f"category {c['id']}: 'attributes' must be a list"
    if not isinstance(images, dict) or not isinstance(anns, dict):
        return "'images' and 'annotations' must be objects"
    names = images.get("file_name", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return "'images.file_name' must be a list of text"
    for group, keys in ((images, ("id", "width", "height", "rows")), (anns, ("id", "kind", "iscrowd"))):
        for key in keys:
            if not _int_list(group.get(key, [])):
                return f"'{key}' columns must be lists of integers"
    return None


@dataclass
class Restored:
    """Ids and flags for what a reader found, from the sidecar where it matches."""

    image_ids: np.ndarray
    ann_ids: np.ndarray
    ann_kinds: np.ndarray  # the kind written, or 255 where unknown
    ann_iscrowd: np.ndarray
    sizes: dict[str, tuple[int, int]]  # file name -> (width, height) as written


UNKNOWN_KIND = 255


def restore(
    doc: dict[str, Any] | None, file_names: list[str], rows_per_image: np.ndarray, *, source: str
) -> Restored:
    """Match the images and rows a reader found against the sidecar, by file name and row count."""
    n_rows = np.asarray(rows_per_image, dtype=np.int64)
    total = int(n_rows.sum())
    images = (doc or {}).get("images", {})
    anns = (doc or {}).get("annotations", {})
    known_names = list(images.get("file_name", []))
    known_ids = np.asarray(images.get("id", []), dtype=np.int64)
    known_rows = np.asarray(images.get("rows", []), dtype=np.int64)
    ann_ids_all = np.asarray(anns.get("id", []), dtype=np.int64)
    kinds_all = np.asarray(anns.get("kind", []), dtype=np.int64)
    crowd_all = np.asarray(anns.get("iscrowd", []), dtype=bool)
    consistent = len(known_names) == len(known_ids) == len(known_rows) and len(ann_ids_all) == len(
        kinds_all
    ) == len(crowd_all) == int(known_rows.sum())
    if not consistent:
        known_names, known_ids, known_rows = [], known_ids[:0], known_rows[:0]
    where = {name: i for i, name in enumerate(known_names)}
    row_start = np.concatenate([[0], np.cumsum(known_rows)])
    sizes = {}
    if consistent:
        for name, w, h in zip(known_names, images.get("width", []), images.get("height", [])):
            sizes[name] = (int(w), int(h))

    image_ids = np.zeros(len(file_names), dtype=np.int64)
    ann_ids = np.zeros(total, dtype=np.int64)
    kinds = np.full(total, UNKNOWN_KIND, dtype=np.uint8)
    crowd = np.zeros(total, dtype=bool)
    matched_img = np.zeros(len(file_names), dtype=bool)
    matched_ann = np.zeros(total, dtype=bool)
    out_start = np.concatenate([[0], np.cumsum(n_rows)])
    changed = []
    for i, name in enumerate(file_names):
        j = where.get(name)
        if j is None:
            continue
        image_ids[i] = known_ids[j]
        matched_img[i] = True
        if known_rows[j] == n_rows[i]:
            src = slice(row_start[j], row_start[j + 1])
            dst = slice(out_start[i], out_start[i + 1])
            ann_ids[dst], kinds[dst], crowd[dst] = ann_ids_all[src], kinds_all[src], crowd_all[src]
            matched_ann[dst] = True
        else:
            changed.append(name)
    # fresh ids, above every id the sidecar uses so none collide
    next_img = int(max(known_ids.max(initial=0), 0)) + 1
    image_ids[~matched_img] = np.arange(next_img, next_img + int((~matched_img).sum()))
    next_ann = int(max(ann_ids_all.max(initial=0), 0)) + 1
    ann_ids[~matched_ann] = np.arange(next_ann, next_ann + int((~matched_ann).sum()))
    if doc is not None:
        report.warn(
            f"{source}.sidecar_rows_changed",
            f"{source}: {len(changed)} label files have a different number of objects than "
            f"{FILE_NAME} records; their objects got new ids",
            len(changed),
            changed,
        )
    return Restored(image_ids, ann_ids, kinds, crowd, sizes)
