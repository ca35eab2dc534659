"""Reading a COCO file: the whole file parsed at once, or a big one in slices (bounded memory)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import GtconvertError
from ...fileio import gc_paused, read_json
from ...limits import image_sizes
from ...model import Category, Dataset, Images
from . import peers
from .annotations import read_annotations
from .records import (
    CATEGORY_EXTRAS,
    CATEGORY_KEYPOINT_KEYS,
    IMAGE_KEYS,
    check_unique,
    describe,
    extras,
    int_column,
)


def read(path: str | os.PathLike, *, images: str | None = None) -> Dataset:
    """Read a COCO JSON file. ``images`` is the image folder (default: next to the file)."""
    with gc_paused():  # millions of small lists and dicts, none in a cycle
        try:
            return _read(path, images)
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,
        ) as exc:
            # a value of a type no check names (a dict where a number belongs): one line, no traceback
            raise GtconvertError(
                f"a value has the wrong type or shape ({type(exc).__name__}: {exc})",
                file=path,
                fix="check the file against the COCO format (ids integers, bbox 4 numbers, ...)",
            ) from None


#: Files at least this big are read in slices (bounded memory) instead of parsed whole.
STREAM_MIN_BYTES = 64 << 20


def _read(path: str | os.PathLike, images: str | None) -> Dataset:
    loaded = _load_streamed(path) if os.path.getsize(path) >= STREAM_MIN_BYTES else None
    if loaded is None:
        data = read_json(path)
        if not isinstance(data, dict):
            raise GtconvertError(
                "top level is not a JSON object", file=path, fix="is this a COCO file?"
            )
        batches = {key: [data.get(key, [])] for key in ("images", "annotations")}
        totals: dict[str, int] = {}
    else:
        data, batches, totals = loaded
    for key in ("images", "annotations", "categories"):
        if not isinstance(data.get(key, []), list):
            raise GtconvertError(f"'{key}' is not a list", file=path)
    img = read_images(batches["images"], path)
    cats = read_categories(data.get("categories", []), path)
    ann = read_annotations(
        batches["annotations"], img, cats, path, totals.get("annotations")
    )
    top = {
        k: v
        for k, v in data.items()
        if k not in ("images", "annotations", "categories")
    }
    root = image_root(path, img, images)
    return Dataset(img, cats, ann, info={"coco": top}, image_root=root)


def _load_streamed(
    path: str | os.PathLike,
) -> tuple[dict, dict[str, Any], dict[str, int]] | None:
    """The top level without images and annotations, those two as lists of record slices, and
    how many records each holds.

    Parsed whole, a file takes several times its size in Python objects; in slices, memory is
    bounded by one slice plus the columns. None when the file is not a JSON object (parsed
    whole then).
    """
    from ... import jsonstream

    loaded = jsonstream.load_top_level(path, ("images", "annotations"))
    if loaded is None:
        return None
    data, spans = loaded
    batches: dict[str, Any] = {}
    totals: dict[str, int] = {}
    for key in ("images", "annotations"):
        if key in spans:
            batches[key] = jsonstream.iter_array(path, spans[key])
            totals[key] = len(spans[key].begins)
            data[key] = []  # for the checks below: the value is a list
        else:
            batches[key] = [data.get(key, [])]
    return data, batches, totals


def image_root(path: str | os.PathLike, img: Images, images: str | None) -> str:
    """The image folder: ``images`` if given, else guessed; absolute file names (kwcoco's)
    are made relative to it in place (``peers.images_relative``)."""
    relative_to = peers.images_relative(img, path, images)
    return images if images is not None else relative_to or guess_image_root(Path(path), img)


def guess_image_root(path: Path, img: Images) -> str:
    """The folder the file names are relative to: beside the JSON, or the usual neighbours.

    COCO files sit beside their images, or in ``annotations/`` next to ``images/``; one file
    name probed in each place decides (``--images`` overrides).
    """
    here = path.resolve().parent
    candidates = [here, here / "images", here.parent / "images", here.parent]
    if len(img):
        first = str(img.file_name[0])
        for folder in candidates:
            if (folder / first).is_file():
                return str(folder)
    return str(here)


def _need(record: dict, key: str, path: Any, what: str) -> Any:
    try:
        return record[key]
    except (KeyError, TypeError):
        raise GtconvertError(
            f"{what} has no '{key}'",
            file=path,
            record=describe(record),
            fix=f"add '{key}'",
        ) from None


def read_images(batches: Iterable[list], path: Any) -> Images:
    """The images of one or more slices of image records (ids unique over all of them)."""
    parts = [_image_batch(records, path) for records in batches]
    if len(parts) == 1:
        return parts[0]
    img = Images.concat(parts) if parts else _image_batch([], path)
    check_unique(img.id, path, "image")
    return img


def _image_batch(records: list, path: Any) -> Images:
    try:
        ids = [r["id"] for r in records]
        names = [r["file_name"] for r in records]
    except (KeyError, TypeError):
        bad = next(
            r
            for r in records
            if not isinstance(r, dict) or "id" not in r or "file_name" not in r
        )
        raise GtconvertError(
            "image record needs 'id' and 'file_name'", file=path, record=describe(bad)
        ) from None
    ids_arr = int_column(ids, path, "image id")
    check_unique(ids_arr, path, "image")
    width, height = image_sizes(
        [r.get("width") or 0 for r in records], [r.get("height") or 0 for r in records], file=path, names=names
    )
    return Images.create(
        names,
        width=width,
        height=height,
        id=ids_arr,
        time=[r.get("frame_time", np.nan) for r in records],
        video=[r.get("video", "") for r in records],
        extra=[extras(r, IMAGE_KEYS) for r in records],
    )


def read_categories(records: list, path: Any) -> list[Category]:
    cats = []
    for r in records:
        cid = _need(r, "id", path, "category")
        name = _need(r, "name", path, "category")
        color = r.get("color")
        pixel_id = r.get("pixel_id")
        cats.append(
            Category(
                id=cid,  # checked to be an integer below, for all categories at once
                name=str(name),
                supercategory=r.get("supercategory", ""),
                type=r.get("type", ""),
                color=_numbers(color, path, r, "color"),
                pixel_id=_numbers(pixel_id, path, r, "pixel_id"),
                group=r.get("group", ""),
                description=r.get("description", ""),
                attributes=r.get("attributes", []),
                parent=r.get("parent", ""),
                extra=extras(r, ("id", "name", "supercategory", *CATEGORY_EXTRAS, *CATEGORY_KEYPOINT_KEYS))
                or {},
                **_keypoint_fields(r, path),
            )
        )
    ids = int_column([c.id for c in cats], path, "category id")
    check_unique(ids, path, "category")
    for c, cid in zip(cats, ids.tolist()):
        c.id = cid
    return cats


def _keypoint_fields(record: dict, path: Any) -> dict[str, Any]:
    """A keypoint category's point names and its skeleton, made 0-based."""
    names, skeleton = record.get("keypoints", []), record.get("skeleton", [])
    if not isinstance(names, list) or not isinstance(skeleton, list):
        raise GtconvertError(
            "category 'keypoints' and 'skeleton' must be lists", file=path, record=describe(record)
        )
    try:
        pairs = [(int(a) - 1, int(b) - 1) for a, b in skeleton]
    except (TypeError, ValueError):
        raise GtconvertError(
            "category 'skeleton' must be pairs of 1-based point numbers",
            file=path,
            record=describe(record),
        ) from None
    return {"keypoints": [str(n) for n in names], "skeleton": pairs}


def _numbers(value: Any, path: Any, record: dict, key: str) -> tuple | None:
    """An optional list of numbers (a colour, a pixel id) as a tuple."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, (int, float)) for v in value
    ):
        raise GtconvertError(
            f"category '{key}' must be a list of numbers",
            file=path,
            record=describe(record),
        )
    return tuple(value)
