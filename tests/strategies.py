"""Hypothesis strategies for random datasets of every kind, in the canonical frame.

``datasets(kinds=...)`` draws images of odd sizes (some without annotations), categories with
unusual ids and unicode names, and annotations of the requested kinds with float coordinates.
Format tests pick the kinds their format can hold.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from gtconvert.geometry import mask_to_rle, ragged_bbox
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

# No separators, and no ':' -- "A:x.png" names a Windows drive, which writers rightly refuse
# (tests/bad_inputs covers that refusal).
NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="/\\:"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s not in (".", ".."))

COORD = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, width=64)


@st.composite
def images(draw: st.DrawFn, max_images: int = 5) -> Images:
    n = draw(st.integers(1, max_images))
    ids = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    sizes = draw(st.lists(st.tuples(st.integers(1, 300), st.integers(1, 300)), min_size=n, max_size=n))
    stems = draw(st.lists(NAMES, min_size=n, max_size=n, unique_by=str.casefold))
    names = [f"{s}.png" if i % 2 else f"sub/{s}.jpg" for i, s in enumerate(stems)]
    return Images.create(names, width=[w for w, _ in sizes], height=[h for _, h in sizes], id=ids)


@st.composite
def categories(draw: st.DrawFn, max_categories: int = 4) -> list[Category]:
    n = draw(st.integers(1, max_categories))
    ids = draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n, unique=True))
    names = draw(st.lists(NAMES, min_size=n, max_size=n, unique=True))
    return [Category(id=i, name=name) for i, name in zip(ids, names)]


def _polygon(draw: st.DrawFn, w: int, h: int) -> np.ndarray:
    n = draw(st.integers(3, 8))
    pts = draw(st.lists(st.tuples(COORD, COORD), min_size=n, max_size=n))
    return np.array(pts, dtype=np.float64) * [w, h]


@st.composite
def datasets(
    draw: st.DrawFn,
    kinds: tuple[Kind, ...] = (Kind.BOX, Kind.POLYGON, Kind.MASK),
    max_annotations: int = 12,
) -> Dataset:
    """A random dataset whose annotations are of ``kinds``, all inside their images."""
    img = draw(images())
    cats = draw(categories())
    n = draw(st.integers(0, max_annotations))
    rows = draw(st.lists(st.integers(0, len(img) - 1), min_size=n, max_size=n))
    cat_rows = draw(st.lists(st.integers(0, len(cats) - 1), min_size=n, max_size=n))
    ann_kinds = draw(st.lists(st.sampled_from(kinds), min_size=n, max_size=n))
    ids = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    bbox = np.zeros((n, 4))
    rbox = np.full((n, 5), np.nan)
    parts: list[list[np.ndarray]] = []
    rles: list[dict | None] = []
    iscrowd = np.zeros(n, dtype=bool)
    for j, (r, k) in enumerate(zip(rows, ann_kinds)):
        w, h = int(img.width[r]), int(img.height[r])
        row_parts: list[np.ndarray] = []
        rle = None
        if k in (Kind.BOX, Kind.ROTATED_BOX):
            x1, x2 = sorted(draw(st.tuples(COORD, COORD)))
            y1, y2 = sorted(draw(st.tuples(COORD, COORD)))
            bbox[j] = [x1 * w, y1 * h, (x2 - x1) * w, (y2 - y1) * h]
            if k == Kind.ROTATED_BOX:
                angle = draw(st.floats(-89.0, 89.0))
                rbox[j] = [
                    bbox[j, 0] + bbox[j, 2] / 2,
                    bbox[j, 1] + bbox[j, 3] / 2,
                    bbox[j, 2],
                    bbox[j, 3],
                    angle,
                ]
        elif k in (Kind.POLYGON, Kind.POLYLINE, Kind.POINT):
            n_parts = draw(st.integers(1, 3)) if k == Kind.POLYGON else 1
            row_parts = [_polygon(draw, w, h) for _ in range(n_parts)]
            if k == Kind.POINT:
                row_parts = [row_parts[0][:1]]
        elif k == Kind.MASK:
            mask = np.zeros((h, w), dtype=np.uint8)
            x0, y0 = draw(st.integers(0, w - 1)), draw(st.integers(0, h - 1))
            mask[y0 : y0 + draw(st.integers(1, h)), x0 : x0 + draw(st.integers(1, w))] = 1
            rle = mask_to_rle(mask)
            iscrowd[j] = draw(st.booleans())
        parts.append(row_parts)
        rles.append(rle)
    ann = Annotations.create(
        rows, cat_rows, ann_kinds, id=ids, bbox=bbox, rbox=rbox, parts=parts, rle=rles, iscrowd=iscrowd
    )
    geo = np.isin(ann.kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT])
    ann.bbox[geo] = ragged_bbox(ann.part_start, ann.vertex_start, ann.vertices)[geo]
    masks = np.flatnonzero(ann.kind == Kind.MASK)
    if len(masks):
        from gtconvert.geometry import rle_bbox

        ann.bbox[masks] = rle_bbox([ann.rle[i] for i in masks])
    return Dataset(img, cats, ann)
