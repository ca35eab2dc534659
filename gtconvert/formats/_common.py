"""What every writer decides the same way: shapes and fields it cannot hold, the crowd policy.

One place, so that the four non-MATLAB writers warn with the same codes and words.
"""

from __future__ import annotations

from collections import Counter

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


def writable(
    ann: Annotations,
    code: str,
    label: str,
    *,
    lacks: str,
    keep_with: str,
    holds: tuple[str, ...] | None = None,
) -> np.ndarray:
    """Rows whose shape the format holds; one warning per kind it cannot hold, with the count.

    ``code`` prefixes the warning codes (``yolo`` -> ``yolo.unwritable.point``); ``label`` names
    the format in messages; ``lacks`` says why (``"YOLO has no such shape"``); ``keep_with``
    says which targets keep those shapes (``"matlab"``); ``holds`` the per-object fields this
    writing holds when it is not the format's entry in :data:`HOLDS_FIELDS`.
    """
    for kind, what in MATLAB_ONLY.items():
        count = int(np.count_nonzero(ann.kind == kind))
        report.warn(
            f"{code}.unwritable.{Kind(kind).name.lower()}",
            f"{label}: {count} {what} not written ({lacks}); use --to {keep_with} to keep them",
            count,
        )
    warn_fields_dropped(ann, code, label, holds)
    return ~np.isin(ann.kind, list(MATLAB_ONLY))


#: The per-object fields each writer holds; the others are named by :func:`warn_fields_dropped`.
#: YOLO holds keypoints with --task pose and warns by itself for attributes and other tasks.
HOLDS_FIELDS: dict[str, tuple[str, ...]] = {
    "coco": ("keypoints", "attributes", "extra"),
    "yolo": ("keypoints", "attributes"),
    "voc": ("attributes",),  # <attributes>, as CVAT writes them
    "matlab": ("keypoints", "attributes"),  # keypoints as Point sublabels
    "openlabel": ("attributes", "extra"),
    # masks: attributes and unknown keys in classes.json's objects when instance masks are written
}
#: Where each field is kept, for the warnings.
KEPT_BY = {"attributes": "--to coco, voc, matlab or openlabel", "extra": "--to coco or openlabel"}


def warn_fields_dropped(
    ann: Annotations, code: str, label: str, holds: tuple[str, ...] | None = None
) -> None:
    """One warning, with its count, per per-object field the writer ``code`` cannot hold:
    keypoints, attributes, and the unknown keys of the source records (COCO's ``ignore``,
    kwcoco's ``track_id``...), which no sidecar keeps either. Every writer calls this once
    (:func:`writable` does)."""
    holds = HOLDS_FIELDS.get(code, ()) if holds is None else holds
    if "keypoints" not in holds:
        warn_keypoints_dropped(ann, code, label)
    if "attributes" not in holds:
        n = sum(1 for a in ann.attributes.tolist() if a)
        report.warn(
            f"{code}.attributes_dropped",
            f"{label}: the attributes of {n} objects not written ({label} has no field for them); "
            f"use {KEPT_BY['attributes']} to keep them",
            n,
        )
    if "extra" not in holds:
        keys = Counter(k for e in ann.extra.tolist() if isinstance(e, dict) for k in e)
        n = sum(1 for e in ann.extra.tolist() if e)
        report.warn(  # the keys are its examples (most frequent first), so that parts add up
            f"{code}.unknown_keys_dropped",
            f"{label}: the unknown keys of {n} objects not written; use {KEPT_BY['extra']} to keep them",
            n,
            [k for k, _ in keys.most_common(5)],
        )


def warn_keypoints_dropped(ann: Annotations, code: str, label: str) -> None:
    """Warn, with the counts, that the objects' keypoints are not written (the objects are)."""
    objects = int(np.count_nonzero(np.diff(ann.keypoint_start) > 0))
    report.warn(  # one number, the count: a conversion written in parts sums it
        f"{code}.keypoints_dropped",
        f"{label}: the keypoints of {objects} objects not written ({label} has no keypoints); "
        "use --to coco, --to yolo --task pose to keep them",
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
