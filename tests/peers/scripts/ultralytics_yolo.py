"""Run in the peers' venv: Ultralytics loads a YOLO dataset as its trainer does.

    python ultralytics_yolo.py DATA_YAML TASK

``check_det_dataset`` resolves data.yaml (paths, names, kpt_shape), then ``YOLODataset``
verifies every image and label file of each split and builds its label arrays; one item per
split goes through ``__getitem__`` (load, letterbox, format), as a training batch would.
Prints one JSON line (after the marker) with what it read, for the test to compare.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ultralytics.data import YOLODataset
from ultralytics.data.utils import check_det_dataset


def _arrays(label: dict) -> dict:
    out = {
        "im_file": Path(label["im_file"]).as_posix(),
        "shape": list(label["shape"]),
        "cls": label["cls"].reshape(-1).tolist(),
        "bboxes": label["bboxes"].tolist(),
        "segments": [s.tolist() for s in label["segments"]],
    }
    if label.get("keypoints") is not None:
        out["keypoints"] = label["keypoints"].tolist()
    return out


def _one_item(dataset: YOLODataset) -> dict:
    item = dataset[0]
    out = {"img": list(item["img"].shape), "cls": int(item["cls"].shape[0])}
    if "keypoints" in item:
        out["keypoints"] = list(item["keypoints"].shape)
    return out


def main(data_yaml: str, task: str) -> dict:
    data = check_det_dataset(data_yaml, autodownload=False)
    result = {
        "nc": data["nc"],
        "names": [data["names"][i] for i in range(data["nc"])],  # by class index
        "kpt_shape": data.get("kpt_shape"),
        "splits": {},
    }
    for split in ("train", "val", "test"):
        if not data.get(split):
            continue
        dataset = YOLODataset(
            img_path=data[split], data=data, task=task, imgsz=64, augment=False, cache=False,
            batch_size=1, stride=32, pad=0.0,
        )  # fmt: skip
        result["splits"][split] = {
            "images": len(dataset.im_files),
            "labels": [_arrays(label) for label in dataset.labels],
            "item": _one_item(dataset),
        }
    return result


if __name__ == "__main__":
    print("PEER-JSON " + json.dumps(main(sys.argv[1], sys.argv[2])))
