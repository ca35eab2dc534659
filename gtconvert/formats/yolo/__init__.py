"""YOLO in the Ultralytics layout: ``images/`` and ``labels/`` mirrored trees and ``data.yaml``.

Tasks: ``detect`` (``cls cx cy w h``), ``segment`` (``cls x1 y1 ... xn yn``, one row per object,
its parts and holes joined by zero-width bridges) and ``obb`` (``cls x1 y1 ... x4 y4``), all
normalised to [0, 1]. Classes are 0..K-1 in category order; ``gtconvert.json`` beside
``data.yaml`` keeps the original category ids, image ids and object ids, kinds and crowd flags,
so that YOLO -> COCO restores them. See ``docs/yolo.md``.

The package: :mod:`.reader` and :mod:`.writer` (the two directions), :mod:`.rows` (which object
becomes which label row), :mod:`.text` (the exact label text), :mod:`.paths` (which label file
belongs to which image), :mod:`.layout` (Ultralytics, Darknet or a names file: where the class
names and splits are), :mod:`.splits` (which images each split names, as Ultralytics resolves
them), :mod:`.labelfiles` (all label files read and parsed at once), :mod:`.datayaml` and
:mod:`.pose`. Other tools' layouts: ``docs/layouts.md``.
"""

from __future__ import annotations

from pathlib import Path

from .datayaml import SPLIT_NAMES, YAML_NAMES, looks_like_data_yaml
from .layout import darknet_config, is_yolo_layout
from .reader import read
from .rows import TASKS
from .writer import write

__all__ = ["DESCRIPTION", "SPLIT_NAMES", "TASKS", "claims_first", "detect", "read", "write"]

DESCRIPTION = (
    "YOLO / Ultralytics folder (detect, segment, obb, pose; images/, labels/, data.yaml;"
    " Darknet obj.data, obj.names or classes.txt)"
)


def detect(path: str) -> bool:
    """Whether ``path`` is a YOLO dataset: a data.yaml or obj.data, a folder holding one,
    ``images/`` + ``labels/``, or a names file beside a label folder."""
    p = Path(path)
    if p.is_file():
        if p.suffix.lower() == ".data":
            return darknet_config(p.parent) == p or b"names" in p.read_bytes()[:4096]
        return p.suffix.lower() in (".yaml", ".yml") and looks_like_data_yaml(p)
    if not p.is_dir():
        return False
    if any(looks_like_data_yaml(p / n) for n in YAML_NAMES) or is_yolo_layout(p):
        return True
    return (p / "labels").is_dir() and (p / "images").is_dir()


def claims_first(path: str) -> bool:
    """Whether ``path`` is a YOLO layout that another format's sniffing would take (detected
    before every other format): Darknet's ``obj.data``, or a names file beside Datumaro's
    ``annotations/`` folder of label text files (VOC's folder has that name too)."""
    p = Path(path)
    if p.is_file():
        return p.suffix.lower() == ".data" and detect(path)
    return p.is_dir() and is_yolo_layout(p)
