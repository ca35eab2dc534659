"""Run in the peers' venv: the training masks Ultralytics makes from a YOLO segment dataset.

    python ultralytics_masks.py DATA_YAML

``YOLODataset`` reads each split's labels; each object's polygon is painted by Ultralytics'
own ``polygon2mask`` (cv2.fillPoly, the mask its segment loss is computed on) at the image's
full size. Prints one JSON line (after the marker): per image file name, its shape and each
object's class and painted pixels (flat indices).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from ultralytics.data import YOLODataset
from ultralytics.data.utils import check_det_dataset, polygon2mask


def main(data_yaml: str) -> dict:
    data = check_det_dataset(data_yaml, autodownload=False)
    out = {}
    for split in ("train", "val", "test"):
        if not data.get(split):
            continue
        dataset = YOLODataset(img_path=data[split], data=data, task="segment", augment=False, imgsz=64)
        for label in dataset.labels:
            h, w = label["shape"]
            objects = []
            for cls, seg in zip(label["cls"].reshape(-1).tolist(), label["segments"]):
                pixels = (np.asarray(seg) * [w, h]).reshape(1, -1)
                mask = polygon2mask((h, w), pixels, color=1)
                objects.append({"cls": int(cls), "pixels": np.flatnonzero(mask).tolist()})
            out[Path(label["im_file"]).name] = {"shape": [h, w], "objects": objects}
    return out


if __name__ == "__main__":
    print("PEER-JSON " + json.dumps(main(sys.argv[1])))
