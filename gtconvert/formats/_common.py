"""What every writer decides the same way: shapes it cannot hold, and the crowd policy.

One place, so that the four non-MATLAB writers warn with the same codes and words.
"""

from __future__ import annotations

import numpy as np

from .. import geometry, report
from ..errors import GtconvertError
from ..model import Annotations, Dataset, Kind

#: Shapes only the MATLAB interchange holds: COCO, VOC, YOLO and masks have no field for them.
MATLAB_ONLY = {
    Kind.POLYLINE: "polylines",
    Kind.POINT: "points",
    Kind.TAG: "image-level tags",
    Kind.PROJECTED_CUBOID: "projected cuboids",
}


def writable(ann: Annotations, code: str, label: str, *, lacks: str, keep_with: str) -> np.ndarray:
    """Rows whose shape the format holds; one warning per kind it cannot hold, with the count.

    ``code`` prefixes the warning codes (``yolo`` -> ``yolo.unwritable.point``); ``label`` names
    the format in messages; ``lacks`` says why (``"YOLO has no such shape"``); ``keep_with``
    says which targets keep those shapes (``"matlab"``).
    """
    for kind, what in MATLAB_ONLY.items():
        count = int(np.count_nonzero(ann.kind == kind))
        report.warn(
            f"{code}.unwritable.{Kind(kind).name.lower()}",
            f"{label}: {count} {what} not written ({lacks}); use --to {keep_with} to keep them",
            count,
        )
    if code not in HOLDS_KEYPOINTS:
        warn_keypoints_dropped(ann, code, label)
    return ~np.isin(ann.kind, list(MATLAB_ONLY))


#: Writers with a field for keypoints (YOLO only with --task pose: it warns by itself otherwise).
HOLDS_KEYPOINTS = ("coco", "yolo")


def warn_keypoints_dropped(ann: Annotations, code: str, label: str) -> None:
    """Warn, with the counts, that the objects' keypoints are not written (the objects are)."""
    objects = int(np.count_nonzero(np.diff(ann.keypoint_start) > 0))
    points = int(np.count_nonzero(ann.keypoints[:, 2] > 0)) if objects else 0
    report.warn(
        f"{code}.keypoints_dropped",
        f"{label}: the keypoints of {objects} objects ({points} labelled points) not written "
        f"({label} has no keypoints); use --to coco, --to yolo --task pose to keep them",
        objects,
    )


def crowd_policy(ann: Annotations, keep: np.ndarray, crowd: str, code: str, label: str) -> np.ndarray:
    """Apply ``--crowd keep|skip`` to the rows in ``keep`` and say what was done."""
    if crowd not in ("keep", "skip"):
        raise GtconvertError(f"--crowd {crowd!r} is not known", fix="use --crowd keep or --crowd skip")
    crowded = int(np.count_nonzero(ann.iscrowd & keep))
    if crowd == "skip":
        report.warn(
            f"{code}.crowd_skipped", f"{label}: {crowded} iscrowd objects left out (--crowd skip)", crowded
        )
        return keep & ~ann.iscrowd
    report.warn(
        f"{code}.crowd_kept",
        f"{label}: {crowded} iscrowd objects written as ordinary objects (--crowd keep, the default; "
        "--crowd skip leaves them out)",
        crowded,
    )
    return keep


def axis_aligned_boxes(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """COCO boxes of ``rows``: around the corners of rotated boxes, around the mask of pixel refs."""
    ann = dataset.annotations
    boxes = ann.bbox[rows].copy()
    kind = ann.kind[rows]
    rot = np.flatnonzero(kind == Kind.ROTATED_BOX)
    if len(rot):
        boxes[rot] = geometry.rotated_box_bbox(ann.rbox[rows[rot]])
    refs = np.flatnonzero(kind == Kind.PIXEL_REF)
    if len(refs):  # a pixel label's box is known only once its mask is decoded
        from ..pixels import encode_pixel_refs

        boxes[refs] = geometry.rle_bbox(encode_pixel_refs([ann.pixel_ref[rows[j]] for j in refs]))
    return boxes
