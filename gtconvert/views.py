"""Views of a Dataset for people: the counts ``gtconvert info`` prints and a pandas table."""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import Dataset, Kind


def counts(dataset: Dataset) -> dict[str, Any]:
    """Images, annotations by kind and per category (what ``gtconvert info`` prints)."""
    ann = dataset.annotations
    by_kind = {Kind(k).name.lower(): int(c) for k, c in zip(*np.unique(ann.kind, return_counts=True))}
    per_cat = np.bincount(ann.category, minlength=len(dataset.categories))
    tagged = np.zeros(len(dataset.categories), dtype=np.int64)
    is_tag = ann.kind == Kind.TAG
    if is_tag.any():
        # a tag counts the images it marks, not its rows
        pairs = np.unique(np.stack([ann.category[is_tag], ann.image[is_tag]]), axis=1)
        tagged = np.bincount(pairs[0], minlength=len(dataset.categories))
        per_cat = per_cat - np.bincount(ann.category[is_tag], minlength=len(dataset.categories))
    cats = [
        {"id": c.id, "name": c.name, "type": c.type, "count": int(per_cat[i] + tagged[i])}
        for i, c in enumerate(dataset.categories)
    ]
    return {
        "images": len(dataset.images),
        "annotations": len(ann),
        "by_kind": by_kind,
        "categories": cats,
    }


def to_pandas(dataset: Dataset) -> Any:
    """One row per annotation, with image and category columns joined in."""
    import pandas as pd

    ann, img = dataset.annotations, dataset.images
    n_parts = ann.n_parts()
    n_vertices = ann.vertex_start[ann.part_start[1:]] - ann.vertex_start[ann.part_start[:-1]]
    cat_ids = dataset.category_ids()
    cat_names = np.array(dataset.category_names(), dtype=object)
    kind_names = np.array([k.name.lower() for k in Kind], dtype=object)
    return pd.DataFrame(
        {
            "annotation_id": ann.id,
            "image_id": img.id[ann.image],
            "file_name": img.file_name[ann.image],
            "width": img.width[ann.image],
            "height": img.height[ann.image],
            "time": img.time[ann.image],
            "category_id": cat_ids[ann.category] if len(cat_ids) else ann.category,
            "category": cat_names[ann.category] if len(cat_names) else ann.category,
            "kind": kind_names[ann.kind],
            "x": ann.bbox[:, 0],
            "y": ann.bbox[:, 1],
            "w": ann.bbox[:, 2],
            "h": ann.bbox[:, 3],
            "area": ann.area,
            "iscrowd": ann.iscrowd,
            "score": ann.score,
            "n_parts": n_parts,
            "n_vertices": n_vertices,
            "attributes": ann.attributes,
            "parent_id": np.where(ann.parent >= 0, ann.id[ann.parent], -1) if len(ann) else ann.parent,
        }
    )
