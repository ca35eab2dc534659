"""YOLO in the Ultralytics layout: ``images/`` and ``labels/`` mirrored trees and ``data.yaml``.

Tasks: ``detect`` (``cls cx cy w h``), ``segment`` (``cls x1 y1 ... xn yn``, one row per object,
its parts and holes joined by zero-width bridges) and ``obb`` (``cls x1 y1 ... x4 y4``), all
normalised to [0, 1]. Classes are 0..K-1 in category order; ``gtconvert.json`` beside
``data.yaml`` keeps the original category ids, image ids and object ids, kinds and crowd flags,
so that YOLO -> COCO restores them. See ``docs/yolo.md``.

The package: :mod:`.reader` and :mod:`.writer` (the two directions), :mod:`.rows` (which object
becomes which label row), :mod:`.text` (the exact label text), :mod:`.paths` (which label file
belongs to which image) and :mod:`.datayaml`.
"""

from __future__ import annotations

from pathlib import Path

from .datayaml import SPLIT_NAMES, YAML_NAMES, looks_like_data_yaml
from .reader import read
from .rows import TASKS
from .writer import write

__all__ = ["DESCRIPTION", "SPLIT_NAMES", "TASKS", "detect", "read", "write"]

DESCRIPTION = "YOLO / Ultralytics folder (detect, segment, obb; images/, labels/, data.yaml)"


def detect(path: str) -> bool:
    """Whether ``path`` is a YOLO dataset: a data.yaml, a folder holding one, or ``images/`` + ``labels/``."""
    p = Path(path)
    if p.is_file():
        return p.suffix.lower() in (".yaml", ".yml") and looks_like_data_yaml(p)
    if not p.is_dir():
        return False
    if any(looks_like_data_yaml(p / n) for n in YAML_NAMES):
        return True
    return (p / "labels").is_dir() and (p / "images").is_dir()
