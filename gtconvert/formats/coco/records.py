"""What COCO records hold, and the checks every part of the reader shares.

The keys gtconvert knows (any other key is kept as an extra and written back), ids as
integer columns, and duplicate ids as one error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import GtconvertError
from ...limits import integers

IMAGE_KEYS = ("id", "file_name", "width", "height", "frame_time", "video")
ANN_KEYS = (
    "id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation", "score",
    "rbox", "attributes", "parent_id", "keypoints", "num_keypoints",
)  # fmt: skip
# Category keys of keypoint datasets (person_keypoints): point names and 1-based skeleton pairs.
CATEGORY_KEYPOINT_KEYS = ("keypoints", "skeleton")
# Category fields beyond COCO's, written only when set (MATLAB label definitions).
CATEGORY_EXTRAS = (
    "type",
    "color",
    "pixel_id",
    "group",
    "description",
    "attributes",
    "parent",
)


def describe(record: Any) -> str:
    if isinstance(record, dict) and "id" in record:
        return f"id {record['id']}"
    return repr(record)[:60]


def extras(record: dict, known: tuple[str, ...]) -> dict | None:
    extra = {k: v for k, v in record.items() if k not in known}
    return extra or None


def int_column(values: list, path: Any, what: str) -> np.ndarray:
    return integers(values, file=path, what=what)  # exact beyond 2^53 (float64 would merge ids)


def check_unique(ids: np.ndarray, path: Any, what: str) -> None:
    uniq, counts = np.unique(ids, return_counts=True)
    if len(uniq) != len(ids):
        dup = uniq[counts > 1][:5].tolist()
        raise GtconvertError(
            f"duplicate {what} ids {dup}",
            file=path,
            fix=f"give every {what} its own id",
        )
