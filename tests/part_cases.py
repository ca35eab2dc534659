"""Cases shared by the tests of conversions written in parts (tests/test_stream.py, tests/test_sharded.py)."""

from __future__ import annotations

import os
import random
from pathlib import Path

#: Conversions written in parts and compared with the single pass: the first five take no
#: --split (random datasets may have fewer images than splits).
TARGETS = [
    ("yolo", {}),
    ("yolo", {"task": "detect"}),
    ("yolo", {"task": "segment"}),
    ("yolo", {"task": "obb", "crowd": "skip"}),
    ("voc", {}),
    ("voc", {"masks": True}),
    ("yolo", {"split": {"train": 0.7, "val": 0.2, "test": 0.1}, "seed": 5}),
    ("voc", {"split": {"train": 0.5, "val": 0.5}, "split_by": "folder"}),
    ("yolo", {"split": {"train": 0.8, "val": 0.2}, "split_by": "video", "seed": 2}),
]


def file_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path; data.yaml's absolute ``path:`` line dropped."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            p = Path(folder, name)
            data = p.read_bytes()
            if name == "data.yaml":
                data = b"".join(line for line in data.splitlines(True) if not line.startswith(b"path:"))
            out[str(p.relative_to(root))] = data
    return out


def coco_doc(shuffled: bool) -> dict:
    """40 images (a few empty, some in folders), boxes, polygons, crowd RLE, objects reaching out."""
    rng = random.Random(7)
    images = [
        {
            "id": 1000 + i,
            "file_name": f"{'sub/' if i % 7 == 0 else ''}im{i:03d}.jpg",
            "width": 64,
            "height": 48,
        }
        for i in range(40)
    ]
    anns = []
    for i, im in enumerate(images):
        for k in range(0 if i % 5 == 3 else rng.randint(1, 6)):
            x, y = rng.uniform(-10, 60), rng.uniform(-10, 44)
            rec = {"id": len(anns) + 1, "image_id": im["id"], "category_id": rng.choice([3, 9])}
            rec["bbox"] = [x, y, rng.uniform(1, 20), rng.uniform(1, 20)]
            if k % 3 == 1:
                rec["segmentation"] = [[x, y, x + 9, y, x + 9, y + 7, x, y + 7]]
            elif k % 5 == 4:
                rec["segmentation"], rec["iscrowd"] = {"size": [48, 64], "counts": [100, 30, 2942]}, 1
            anns.append(rec)
    if shuffled:
        rng.shuffle(anns)
    cats = [{"id": 3, "name": "cat"}, {"id": 9, "name": "dog", "supercategory": "animal"}]
    return {"info": {"year": 2026}, "images": images, "annotations": anns, "categories": cats}
