"""The semantic layout: folder names, the ignore value, which categories are classes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...model import Dataset, Kind

IMAGES, MASKS, DATA_YAML = "images", "masks", "data.yaml"
SPLIT_NAMES = ("train", "val", "test")
#: The value of pixels no class covers: Ultralytics' (and Cityscapes') ignore label.
IGNORE = 255
#: Kinds of objects with an area, painted into the masks.
AREA_KINDS = (Kind.BOX, Kind.ROTATED_BOX, Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF)
#: MATLAB label types whose objects have no area (their categories are not classes).
NO_AREA_TYPES = ("scene", "line", "point", "projected_cuboid", "cuboid", "custom")


def class_rows(dataset: Dataset) -> np.ndarray:
    """The category rows that are classes: not of a type without area, and not used only by
    objects without area."""
    ann = dataset.annotations
    n = len(dataset.categories)
    used = np.bincount(ann.category, minlength=n) > 0
    with_area = np.bincount(ann.category[np.isin(ann.kind, AREA_KINDS)], minlength=n) > 0
    typed = np.array([c.type not in NO_AREA_TYPES for c in dataset.categories], dtype=bool)
    return np.flatnonzero(typed & (with_area | ~used))


def mask_name(image_name: str) -> str:
    """``sub/a.jpg`` -> ``sub/a.png``: Ultralytics pairs an image and its mask by stem."""
    head, _, base = image_name.rpartition("/")
    stem = base.rpartition(".")[0] if "." in base.strip(".") else base
    return f"{head}/{stem}.png" if head else f"{stem}.png"


def looks_like_semantic(path: str) -> bool:
    """A folder whose ``data.yaml`` names ``masks_dir``."""
    yaml_path = Path(path) / DATA_YAML
    if not yaml_path.is_file():
        return False
    head = yaml_path.read_bytes()[: 1 << 16]
    return b"masks_dir" in head and b"names" in head
