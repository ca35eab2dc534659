"""Reading the semantic layout: one lazy pixel label per class present in each mask."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import imagefiles
from ...errors import GtconvertError
from ...fileio import read_yaml
from ...model import Annotations, Category, Dataset, Images, Kind, PixelRef
from ...pixels import values_present
from .layout import DATA_YAML, IGNORE, IMAGES, SPLIT_NAMES, mask_name


def read(path: str | os.PathLike) -> Dataset:
    """Read ``images/``, ``masks/`` and ``data.yaml``'s ``names`` (class index -> name).

    Each class present in an image's mask becomes a pixel-label annotation (``PixelRef`` of
    the mask and the class index); 255 is unlabelled. Class ids are the indices. An image
    without a mask has no annotations; a mask without its image is read as an image of the
    mask's name and size (as YOLO keeps label files whose image is missing).
    """
    root = Path(path)
    doc = _data_yaml(root)
    masks_dir = str(doc.get("masks_dir") or "masks")
    names = _names(doc, root)
    rel = imagefiles.find_images(root / IMAGES)
    paired = {mask_name(r).casefold() for r in rel}
    masks = sorted(p.relative_to(root / masks_dir).as_posix() for p in (root / masks_dir).rglob("*.png"))
    rel += [m for m in masks if m.casefold() not in paired]  # a mask whose image is absent: named as the mask
    mask_paths = [root / masks_dir / mask_name(r) for r in rel]
    have = [i for i, m in enumerate(mask_paths) if m.is_file()]
    present = values_present([str(mask_paths[i]) for i in have], [(k,) for k in range(len(names))])
    image_row, class_row = np.nonzero(present)
    image_row = np.asarray(have, dtype=np.int64)[image_row] if len(have) else image_row
    refs = [PixelRef(str(mask_paths[i]), (int(k),)) for i, k in zip(image_row.tolist(), class_row.tolist())]
    width, height = imagefiles.header_sizes([root / IMAGES / r for r in rel])
    unknown = np.flatnonzero(width == 0)  # no image: the mask has its size
    width[unknown], height[unknown] = imagefiles.header_sizes([mask_paths[i] for i in unknown])
    first = [r.partition("/")[0] for r in rel]
    images = Images.create(
        rel,
        width=width,
        height=height,
        extra=[{"split": s} if s in SPLIT_NAMES and "/" in r else None for s, r in zip(first, rel)],
    )
    categories = [Category(id=k, name=n, type="pixel", pixel_id=(k,)) for k, n in enumerate(names)]
    annotations = Annotations.create(image_row, class_row, Kind.PIXEL_REF, pixel_ref=refs or None)
    return Dataset(
        images, categories, annotations, info={"semantic": {"ignore": IGNORE}}, image_root=str(root / IMAGES)
    )


def _data_yaml(root: Path) -> dict[str, Any]:
    import yaml

    path = root / DATA_YAML
    if not path.is_file():
        raise GtconvertError(
            "not a semantic folder (no data.yaml)", file=root, fix="point at the dataset folder"
        )
    try:
        doc = read_yaml(path)  # regular file, no alias bombs
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GtconvertError(f"data.yaml is not valid YAML ({exc})", file=path) from None
    if not isinstance(doc, dict):
        raise GtconvertError("data.yaml is not a mapping", file=path)
    return doc


def _names(doc: dict[str, Any], root: Path) -> list[str]:
    names = doc.get("names")
    if isinstance(names, list):
        return [str(n) for n in names]
    if isinstance(names, dict):
        try:
            keys = sorted(int(k) for k in names)
        except (TypeError, ValueError):
            keys = []
        if keys == list(range(len(names))):
            return [str(names[k] if k in names else names[str(k)]) for k in keys]
    raise GtconvertError(
        "data.yaml's names must number the classes 0..N-1",
        file=root / DATA_YAML,
        fix="names: {0: first, ...}",
    )
