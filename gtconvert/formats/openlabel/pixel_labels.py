"""MathWorks' pixel labels: one ``PixelLabel`` object per image, naming its label PNG.

``groundTruthToOpenLabel`` does not embed the label matrix: the object's ``text`` entry
"semantic mask" names the PNG and ``matlab_label_definitions`` give each label's
``PixelLabelID`` (pixel value, 0 = unlabelled; ``shared/docs/matlab-groundtruth.md``
section 4). As the MATLAB format does, each (image, label present in the PNG) becomes one lazy
:class:`PixelRef`; a file written by gtconvert lists its references, so the PNG is not decoded.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ...model import Category, PixelRef
from . import images
from .schema import PIXEL_TEXT_NAME


def pixel_text(data: dict[str, Any]) -> str | None:
    """The label PNG an object's data names, or None."""
    for entry in data.get("text") or []:
        if (
            isinstance(entry, dict)
            and entry.get("name") == PIXEL_TEXT_NAME
            and isinstance(entry.get("val"), str)
        ):
            return entry["val"]
    return None


def label_png(stored: str, json_dir: str) -> str:
    """A label PNG: as stored, else relative to the JSON file, else its last folder and name
    beside the JSON file (``PixelLabelData/Label_1.png``: the labelling machine's folders differ)."""
    parts = images.split_path(stored)
    candidates = [stored] if images.is_absolute(stored) else []
    candidates += [
        os.path.join(json_dir, *parts[-k:]) for k in (len(parts), 2, 1) if parts and k <= len(parts)
    ]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.abspath(c)
    return candidates[0] if candidates else stored


def stored_refs(png: str, records: list[Any]) -> list[tuple[int, int, PixelRef]]:
    """``metadata.gtconvert`` references: (annotation id, category id, reference)."""
    out = []
    for rec in records:
        if isinstance(rec, list) and len(rec) == 3 and rec[2]:
            ann_id, cat_id, values = rec
            out.append(
                (
                    int(ann_id),
                    int(cat_id),
                    PixelRef(png, tuple(values[0]), tuple(tuple(v) for v in values[1:])),
                )
            )
    return out


def present_refs(png: str, cats: list[Category]) -> list[tuple[int, PixelRef]]:
    """(category row, reference) for each pixel label whose values occur in ``png``."""
    from ...pixels import values_present

    labels = [k for k, c in enumerate(cats) if c.type == "pixel" and c.pixel_id]
    groups = [_groups(cats[k].pixel_id or ()) for k in labels]
    values = list(dict.fromkeys(v for g in groups for v in g))
    if not values:
        return []
    hit = values_present([png], values)[0]
    return [
        (k, PixelRef(png, g[0], g[1:]))
        for k, g in zip(labels, groups)
        if np.any([hit[values.index(v)] for v in g])
    ]


def _groups(pixel_id: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """A flat ``Category.pixel_id`` as pixel values: RGB triplets, else single ids."""
    if len(pixel_id) > 1 and len(pixel_id) % 3 == 0:
        return tuple(tuple(pixel_id[i : i + 3]) for i in range(0, len(pixel_id), 3))
    return tuple((v,) for v in pixel_id)
