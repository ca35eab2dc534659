"""Run in the peers' venv: Ultralytics' classify task checks a class-folder dataset.

    python ultralytics_classify.py FOLDER

``check_cls_dataset`` is what ``yolo classify train data=FOLDER`` calls first: it finds the
train/val/test splits and takes the class names from train's sub-folders. Its image rule
(any file with an image suffix, one folder deep per class) is applied to each split to count
what it would train on. (Its ``ClassificationDataset`` wraps torchvision's ``ImageFolder``,
whose PyPI wheel needs the CUDA build of torch, which the peers' venv does not install.)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from ultralytics.data.utils import IMG_FORMATS, check_cls_dataset


def main(folder: str) -> dict:
    data = check_cls_dataset(folder)
    names = [data["names"][i] for i in range(data["nc"])]  # by class index
    out = {"nc": data["nc"], "names": names, "splits": {}}
    for split in ("train", "val", "test"):
        root = data.get(split)
        if root is None:
            continue
        files = [p for p in Path(root).rglob("*.*") if p.suffix[1:].lower() in IMG_FORMATS]
        out["splits"][split] = dict(Counter(p.relative_to(root).parts[0] for p in files))
    return out


if __name__ == "__main__":
    print("PEER-JSON " + json.dumps(main(sys.argv[1])))
