"""Pascal VOC: ``Annotations/*.xml``, ``ImageSets/Main/*.txt``, ``SegmentationClass``/``Object`` PNGs.

Boxes are 1-based and inclusive (VOC devkit): ``xmin = x + 1``, ``xmax = x + w`` in the COCO
frame (:func:`gtconvert.geometry.coco_boxes_to_voc`). Integral values are written as integers,
others as exact decimals (never truncated or rounded). ``pose``, ``truncated``, ``difficult``,
``occluded`` and other attributes (as CVAT writes them, ``<attributes>``) are kept. With
``masks=True`` polygons and masks are also painted into palette PNGs with the VOC colour map.
``gtconvert.json`` keeps category ids, image ids and object ids. See ``docs/voc.md``.
"""

from __future__ import annotations

from pathlib import Path

from .layout import ANNOTATIONS, SETS, has_segmentation
from .reader import read
from .writer import write

__all__ = ["DESCRIPTION", "detect", "read", "write"]

DESCRIPTION = "Pascal VOC folder (Annotations/*.xml, ImageSets, segmentation PNGs)"


def detect(path: str) -> bool:
    p = Path(path)
    if p.is_dir() and (p / ANNOTATIONS).is_dir():
        return True
    if p.is_dir() and has_segmentation(p) and ((p / SETS).is_dir() or (p / "labelmap.txt").is_file()):
        return True  # CVAT's "Segmentation mask" export: PNGs, lists and a label map, no XML
    if p.is_dir():
        xml = next(iter(sorted(p.glob("*.xml"))), None)
        return xml is not None and b"<annotation" in xml.read_bytes()[:4096]
    return False
