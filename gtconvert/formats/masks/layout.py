"""The masks folder layout (see ``docs/masks.md``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...model import Annotations, Kind

CLASS_MAP = "classes.json"
INDEX_DIR, INSTANCE_DIR, BW_DIR = "index", "instances", "BW"
MARKER = "gtconvert-masks"


def png_files(folder: Path) -> list[str]:
    """PNG files under ``folder`` as sorted POSIX paths relative to it."""
    return sorted(q.relative_to(folder).as_posix() for q in folder.rglob("*.png") if q.is_file())


def mask_bbox(m: np.ndarray) -> list[float]:
    """The COCO box ``[x, y, w, h]`` of the pixels of a boolean mask (zeros when it has none)."""
    rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
    if not len(rows):
        return [0.0, 0.0, 0.0, 0.0]
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1 - cols[0]), float(rows[-1] + 1 - rows[0])]


def scan_annotations(scans: list[dict], value_row: dict, as_rle: bool) -> Annotations:
    """One annotation per value found by the scans of the images (``values``, ``bbox``, ``area``,
    and ``refs`` or, with ``as_rle``, ``rle``; ``ids``, ``iscrowd``, ``attributes`` and
    ``extra`` when known)."""
    image = [k for k, s in enumerate(scans) for _ in s["values"]]
    category = [value_row[v] for s in scans for v in s["values"]]
    bbox = [b for s in scans for b in s["bbox"]]
    n = len(image)
    kind = Kind.MASK if as_rle else Kind.PIXEL_REF
    ids = [i for s in scans for i in s.get("ids", [None] * len(s["values"]))]
    if any(i is None for i in ids):
        ids = None
    return Annotations.create(
        image=np.asarray(image, dtype=np.int64),
        category=np.asarray(category, dtype=np.int64),
        kind=kind,
        id=ids,
        bbox=np.asarray(bbox, dtype=np.float64).reshape(n, 4),
        area=[a for s in scans for a in s["area"]],
        iscrowd=[c for s in scans for c in s.get("iscrowd", [False] * len(s["values"]))],
        rle=[r for s in scans for r in s["rle"]] if as_rle else None,
        pixel_ref=None if as_rle else [r for s in scans for r in s["refs"]],
        attributes=_optional(scans, "attributes"),
        extra=_optional(scans, "extra"),
    )


def _optional(scans: list[dict], key: str) -> list | None:
    """A per-object column the scans may hold (instance masks' attributes, unknown keys)."""
    if not any(s.get(key) for s in scans):
        return None
    return [v for s in scans for v in s.get(key, [None] * len(s["values"]))]
