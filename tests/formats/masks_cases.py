"""Datasets and helpers shared by the masks reader and writer tests."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from gtconvert import geometry
from gtconvert.formats import masks
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.report import Report


def annotation_mask(ds: Dataset, row: int) -> np.ndarray:
    """The pixels of one annotation, as the source format defines them."""
    ann = ds.annotations
    h, w = int(ds.images.height[ann.image[row]]), int(ds.images.width[ann.image[row]])
    if ann.kind[row] == Kind.MASK:
        return geometry.rle_decode(ann.rle[row]).astype(bool)
    if ann.kind[row] == Kind.POLYGON:
        return geometry.polygons_to_mask(ann.parts(row), h, w).astype(bool)
    raise AssertionError(f"unexpected kind {ann.kind[row]}")


def quiet_write(ds: Dataset, path: Path, **opts: object) -> Report:
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        masks.write(ds, path, **opts)
    return rep


def two_squares() -> Dataset:
    img = Images.create(
        ["a.jpg", "sub/b.jpg", "empty.jpg"], width=[20, 10, 7], height=[10, 10, 5], id=[3, 1, 9]
    )
    cats = [Category(id=40, name="cat", color=(1.0, 0.5, 0.0)), Category(id=7, name="dog")]
    sq1 = np.array([[0, 0], [8, 0], [8, 8], [0, 8]], float)
    sq2 = np.array([[4, 4], [12, 4], [12, 9], [4, 9]], float)
    ann = Annotations.create(
        image=[0, 0, 1, 1, 1],
        category=[0, 1, 1, 0, 0],
        kind=[Kind.POLYGON, Kind.POLYGON, Kind.BOX, Kind.POINT, Kind.POLYLINE],
        id=[11, 12, 13, 14, 15],
        parts=[[sq1], [sq2], [], [np.array([[1.0, 1.0]])], [np.array([[0.0, 0.0], [3.0, 3.0]])]],
        bbox=[[0, 0, 8, 8], [4, 4, 8, 5], [2, 3, 4, 5], [1, 1, 0, 0], [0, 0, 3, 3]],
    )
    return Dataset(img, cats, ann)
