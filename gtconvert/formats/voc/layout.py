"""The Pascal VOC folder layout and the object fields every VOC tool reads."""

ANNOTATIONS, IMAGES, SETS = "Annotations", "JPEGImages", "ImageSets"
SEG_CLASS, SEG_OBJECT = "SegmentationClass", "SegmentationObject"
STANDARD = ("pose", "truncated", "difficult", "occluded")
DEFAULTS = {"pose": "Unspecified", "truncated": 0, "difficult": 0}
