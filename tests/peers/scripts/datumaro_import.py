"""Run in the peers' venv: Datumaro imports a dataset folder with one of its importers.

    python datumaro_import.py PATH FORMAT

Datumaro's default error policy raises on the first item or annotation it cannot read, so a
folder it half understands fails here instead of giving fewer items. Prints one JSON line
(after the marker): the label names, and per item its subset, image size and annotations
(type, label name, bounding box, and the points and visibilities of keypoints).
"""

from __future__ import annotations

import json
import sys

import datumaro as dm
from datumaro.components.annotation import AnnotationType


def _annotation(ann, names: list[str]) -> dict:
    out = {"type": ann.type.name, "label": None if getattr(ann, "label", None) is None else names[ann.label]}
    if ann.type in (AnnotationType.bbox, AnnotationType.polygon, AnnotationType.points, AnnotationType.mask):
        out["bbox"] = [float(v) for v in ann.get_bbox()]
    if ann.type == AnnotationType.points:
        out["points"] = [float(v) for v in ann.points]
        out["visibility"] = [int(v) for v in ann.visibility]
    if ann.type == AnnotationType.polygon:
        out["points"] = [float(v) for v in ann.points]
    if ann.type == AnnotationType.mask:
        out["area"] = int(ann.image.astype(bool).sum())
    if "is_crowd" in ann.attributes:
        out["is_crowd"] = bool(ann.attributes["is_crowd"])
    return out


def main(path: str, fmt: str) -> dict:
    dataset = dm.Dataset.import_from(path, fmt)
    labels = dataset.categories().get(AnnotationType.label)
    names = [c.name for c in labels] if labels is not None else []
    items = []
    for item in dataset:
        size = getattr(item.media, "size", None)  # (height, width), read from the image file
        items.append({
            "id": item.id, "subset": item.subset, "size": list(size) if size else None,
            "annotations": [_annotation(a, names) for a in item.annotations],
        })  # fmt: skip
    return {"labels": names, "items": items}


if __name__ == "__main__":
    print("PEER-JSON " + json.dumps(main(sys.argv[1], sys.argv[2])))
