"""Reading classification folders: one image-level tag per image and class folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ... import imagefiles
from ...errors import GtconvertError
from ...model import Annotations, Category, Dataset, Images, Kind
from .layout import split_roots


def read(path: str | os.PathLike) -> Dataset:
    """Read ``<split>/<class>/<image>`` (or ``<class>/<image>``) folders.

    Classes are the class folders' names in sorted order, with ids 0..K-1 (``ImageFolder``'s
    ``class_to_idx``) and the MATLAB type ``scene``. An image found under several class
    folders of a split (the same name below each) is one image with several tags.
    """
    root = Path(path)
    if not root.is_dir():
        raise GtconvertError("not a folder of class folders", file=root, fix="point at the dataset folder")
    found: list[tuple[str, str, str]] = []  # split, class, name below the class folder
    folders: set[str] = set()  # every class folder, empty ones too (ImageFolder's classes)
    for split, folder in split_roots(root):
        for cls in sorted(p.name for p in folder.iterdir() if p.is_dir()):
            folders.add(cls)
            found += [(split, cls, rel) for rel in imagefiles.find_images(folder / cls)]
    classes = sorted(folders)
    class_row = {c: i for i, c in enumerate(classes)}
    image_row: dict[tuple[str, str], int] = {}
    names, splits, tag_image, tag_class = [], [], [], []
    for split, cls, rel in found:
        key = (split, rel)
        if key not in image_row:
            image_row[key] = len(names)
            names.append("/".join(p for p in (split, cls, rel) if p))
            splits.append(split)
        tag_image.append(image_row[key])
        tag_class.append(class_row[cls])
    width, height = imagefiles.header_sizes([root / n for n in names])
    images = Images.create(
        names,
        width=width,
        height=height,
        id=np.arange(1, len(names) + 1),
        extra=[{"split": s} if s else None for s in splits],
    )
    categories = [Category(id=i, name=c, type="scene") for i, c in enumerate(classes)]
    pairs = np.unique(np.array([tag_image, tag_class], dtype=np.int64).reshape(2, -1), axis=1)
    annotations = Annotations.create(pairs[0], pairs[1], Kind.TAG)
    return Dataset(
        images,
        categories,
        annotations,
        info={"classify": {"splits": sorted(set(splits))}},
        image_root=str(root),
    )
