"""The Pascal VOC folder layout and the object fields every VOC tool reads."""

from pathlib import Path

ANNOTATIONS, IMAGES, SETS = "Annotations", "JPEGImages", "ImageSets"
SEG_CLASS, SEG_OBJECT = "SegmentationClass", "SegmentationObject"
STANDARD = ("pose", "truncated", "difficult", "occluded")
DEFAULTS = {"pose": "Unspecified", "truncated": 0, "difficult": 0}


def has_segmentation(root: Path) -> bool:
    """A folder with segmentation PNGs and no XML is VOC too (CVAT's "Segmentation mask" export)."""
    return (root / SEG_CLASS).is_dir() or (root / SEG_OBJECT).is_dir()
