"""Comparing datasets, for round-trip tests (ours and users')."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .model import Dataset, Kind


def _fail(what: str, a: object, b: object) -> None:
    raise AssertionError(f"{what} differ:\n  left:  {a!r}\n  right: {b!r}")


def _image_key(ds: Dataset) -> np.ndarray:
    return np.argsort(ds.images.id, kind="stable")


def assert_datasets_equal(
    left: Dataset,
    right: Dataset,
    *,
    atol: float = 0.0,
    check: Iterable[str] = ("images", "categories", "annotations"),
    category_fields: Iterable[str] = ("id", "name"),
    annotation_fields: Iterable[str] = ("id", "kind", "bbox", "iscrowd", "geometry", "rle"),
    image_fields: Iterable[str] = ("id", "file_name", "width", "height"),
) -> None:
    """Assert two datasets hold the same things, compared by ids (order may differ).

    ``atol`` is the tolerance on coordinates (0 = exact floats). Choose the fields a format
    can hold; the defaults suit COCO.
    """
    check = set(check)
    if "images" in check:
        a, b = left.images.take(_image_key(left)), right.images.take(_image_key(right))
        if len(a) != len(b):
            _fail("image counts", len(a), len(b))
        for f in image_fields:
            if not np.array_equal(getattr(a, f), getattr(b, f)):
                _fail(f"image {f}", getattr(a, f).tolist()[:10], getattr(b, f).tolist()[:10])
    if "categories" in check:
        for f in category_fields:
            va = sorted((c.id, getattr(c, f)) for c in left.categories)
            vb = sorted((c.id, getattr(c, f)) for c in right.categories)
            if va != vb:
                _fail(f"category {f}", va, vb)
    if "annotations" in check:
        _assert_annotations_equal(left, right, atol, set(annotation_fields))


def _assert_annotations_equal(left: Dataset, right: Dataset, atol: float, fields: set[str]) -> None:
    la, ra = left.annotations, right.annotations
    if len(la) != len(ra):
        _fail("annotation counts", len(la), len(ra))

    # match annotations by (image id, category id, annotation id) where ids are kept
    def order(ds: Dataset) -> np.ndarray:
        ann = ds.annotations
        keys = (
            ann.id,
            ds.category_ids()[ann.category] if len(ann) else ann.category,
            ds.images.id[ann.image],
        )
        return np.lexsort(keys)

    a, b = la.take(order(left)), ra.take(order(right))
    if not np.array_equal(left.images.id[a.image], right.images.id[b.image]):
        _fail("annotation images", left.images.id[a.image][:10], right.images.id[b.image][:10])
    if not np.array_equal(left.category_ids()[a.category], right.category_ids()[b.category]):
        _fail("annotation categories", a.category[:10], b.category[:10])
    for f in ("id", "kind", "iscrowd"):
        if f in fields and not np.array_equal(getattr(a, f), getattr(b, f)):
            _fail(f"annotation {f}", getattr(a, f)[:10], getattr(b, f)[:10])
    if "bbox" in fields:
        np.testing.assert_allclose(a.bbox, b.bbox, rtol=0, atol=atol, err_msg="annotation bbox")
    if "geometry" in fields:
        for name in ("part_start", "vertex_start"):
            if not np.array_equal(getattr(a, name), getattr(b, name)):
                _fail(f"annotation {name}", getattr(a, name)[:10], getattr(b, name)[:10])
        np.testing.assert_allclose(a.vertices, b.vertices, rtol=0, atol=atol, err_msg="vertices")
        rot = a.kind == Kind.ROTATED_BOX
        np.testing.assert_allclose(a.rbox[rot], b.rbox[rot], rtol=0, atol=max(atol, 1e-9), err_msg="rbox")
    if "rle" in fields:
        from .geometry import rle_decode

        for i in np.flatnonzero(a.kind == Kind.MASK):
            if not np.array_equal(rle_decode(a.rle[i]), rle_decode(b.rle[i])):
                _fail(f"mask of annotation {a.id[i]}", a.rle[i], b.rle[i])


def mask_iou(m1: np.ndarray, m2: np.ndarray) -> float:
    """Intersection over union of two binary masks (1.0 when both are empty)."""
    m1, m2 = m1.astype(bool), m2.astype(bool)
    union = np.count_nonzero(m1 | m2)
    return 1.0 if union == 0 else np.count_nonzero(m1 & m2) / union
