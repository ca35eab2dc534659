"""``gtconvert diff A B``: what differs between two datasets, object by object.

Images are paired by file name (then by base name, then by stem, where those are unique on
both sides); categories by name, since ids change between formats. Annotations are paired
within each image pair: by annotation id when both datasets keep ids (ids unique on both
sides and most id pairs overlapping, IoU >= 0.5; a renumbered dataset fails that test), then
the rest by box IoU >= 0.5, best pairs first. A pair is *moved* when its geometry differs by more
than ``tolerance`` pixels (or its region differs), *relabelled* when its category name differs,
and may also have changed attributes or kind; unpaired annotations are *added* (only in B) or
*lost* (only in A). The pairing is :mod:`gtconvert.diff_pairing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import geometry
from .diff_pairing import MATCH_IOU as MATCH_IOU
from .diff_pairing import box_iou as box_iou
from .diff_pairing import match_boxes as match_boxes
from .diff_pairing import match_images, pair_by_id, pair_by_iou
from .model import Annotations, Dataset, Kind

#: Coordinates closer than this (pixels) are equal: YOLO's six normalised digits round a
#: coordinate by at most 1e-6 of the image size, 0.01 pixel on a 10,000-pixel image.
DEFAULT_TOLERANCE = 0.01

_VERTEX_KINDS = (Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID)
_AREA_KINDS = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF, Kind.ROTATED_BOX)
_MASKS = (Kind.MASK, Kind.PIXEL_REF)


@dataclass
class Pairs:
    """Paired annotation rows (``a[k]`` with ``b[k]``) and what changed in each pair."""

    a: np.ndarray
    b: np.ndarray
    shift: np.ndarray  # largest coordinate difference, pixels
    moved: np.ndarray
    relabelled: np.ndarray
    attributes: np.ndarray
    kind: np.ndarray

    @property
    def changed(self) -> np.ndarray:
        return self.moved | self.relabelled | self.attributes | self.kind


@dataclass
class DatasetDiff:
    """The differences between dataset ``a`` and dataset ``b`` (see the module docstring)."""

    image_pairs: tuple[np.ndarray, np.ndarray]
    images_only_a: list[str]
    images_only_b: list[str]
    images_resized: int
    categories_only_a: list[str]
    categories_only_b: list[str]
    matched_by: str  # "id" or "iou"
    pairs: Pairs
    added: np.ndarray  # rows of b
    lost: np.ndarray  # rows of a
    largest_shift_at: str = ""
    counts: dict[str, Any] = field(default_factory=dict)

    def differs(self) -> bool:
        """True when anything differs (the exit code 1 of ``gtconvert diff``)."""
        c = self.counts
        return any(c[k] for k in _DIFFERENCES) or bool(self.images_only_a or self.images_only_b)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "largest_shift_at": self.largest_shift_at,
            "images_only_a": self.images_only_a,
            "images_only_b": self.images_only_b,
            "categories_only_a": self.categories_only_a,
            "categories_only_b": self.categories_only_b,
            "matched_by": self.matched_by,
            "differ": self.differs(),
        }

    def render(self) -> str:
        """The summary ``gtconvert diff`` prints."""
        c = self.counts
        lines = [
            f"images:      {c['images_matched']} paired, {len(self.images_only_a)} only in A, "
            f"{len(self.images_only_b)} only in B, {c['images_resized']} resized",
            f"annotations: {c['matched']} paired (by {self.matched_by}), {c['unchanged']} unchanged",
        ]
        shift = (
            f"  (largest shift {c['largest_shift']:.3g} px: {self.largest_shift_at})" if c["moved"] else ""
        )
        for key, label in _LABELS:
            lines.append(f"  {label:<20}{c[key]:>8}" + (shift if key == "moved" else ""))
        for side, names in (("A", self.categories_only_a), ("B", self.categories_only_b)):
            if names:
                lines.append(f"categories only in {side}: {', '.join(names)}")
        for side, names in (("A", self.images_only_a), ("B", self.images_only_b)):
            if names:
                more = f" (+{len(names) - 5} more)" if len(names) > 5 else ""
                lines.append(f"images only in {side}: {', '.join(names[:5])}{more}")
        lines.append("A and B differ" if self.differs() else "A and B hold the same annotations")
        return "\n".join(lines)


_LABELS = (
    ("moved", "moved"),
    ("added", "added (only in B)"),
    ("lost", "lost (only in A)"),
    ("relabelled", "relabelled"),
    ("attributes_changed", "attributes changed"),
    ("kind_changed", "kind changed"),
)
_DIFFERENCES = (*(k for k, _ in _LABELS), "images_resized", "categories_only")


def diff(a: Dataset, b: Dataset, *, tolerance: float = DEFAULT_TOLERANCE) -> DatasetDiff:
    """Compare ``a`` (before) with ``b`` (after)."""
    ia, ib = match_images(a, b)
    image_map = np.full(len(a.images), -1, dtype=np.int64)
    image_map[ia] = ib
    a_image = image_map[a.annotations.image]  # each A annotation's image row in B (-1: none)
    names_a = _category_names(a)
    names_b = _category_names(b)
    id_pairs, matched_by = pair_by_id(a, b, a_image)
    free_a = np.ones(len(a.annotations), dtype=bool)
    free_b = np.ones(len(b.annotations), dtype=bool)
    free_a[id_pairs[0]], free_b[id_pairs[1]] = False, False
    iou_pairs = pair_by_iou(a, b, a_image, names_a, names_b, free_a, free_b)
    pa = np.concatenate([id_pairs[0], iou_pairs[0]]).astype(np.int64)
    pb = np.concatenate([id_pairs[1], iou_pairs[1]]).astype(np.int64)
    free_a[pa], free_b[pb] = False, False
    pairs = compare_pairs(a, b, pa, pb, names_a, names_b, tolerance)
    cats_a, cats_b = set(a.category_names()), set(b.category_names())
    resized = int(
        np.count_nonzero(
            (a.images.width[ia] > 0)
            & (b.images.width[ib] > 0)
            & ((a.images.width[ia] != b.images.width[ib]) | (a.images.height[ia] != b.images.height[ib]))
        )
    )
    only_a = np.setdiff1d(np.arange(len(a.images)), ia)
    only_b = np.setdiff1d(np.arange(len(b.images)), ib)
    result = DatasetDiff(
        image_pairs=(ia, ib),
        images_only_a=[str(n) for n in a.images.file_name[only_a]],
        images_only_b=[str(n) for n in b.images.file_name[only_b]],
        images_resized=resized,
        categories_only_a=sorted(cats_a - cats_b),
        categories_only_b=sorted(cats_b - cats_a),
        matched_by=matched_by,
        pairs=pairs,
        added=np.flatnonzero(free_b),
        lost=np.flatnonzero(free_a),
    )
    moved_shift = np.where(pairs.moved, pairs.shift, -1.0)
    if pairs.moved.any():
        k = int(np.argmax(moved_shift))
        i, j = int(pa[k]), int(pb[k])
        result.largest_shift_at = (
            f"{b.images.file_name[b.annotations.image[j]]}, annotation id {a.annotations.id[i]} "
            f"in A, {b.annotations.id[j]} in B"
        )
    result.counts = {
        "images_a": len(a.images),
        "images_b": len(b.images),
        "images_matched": len(ia),
        "images_resized": resized,
        "annotations_a": len(a.annotations),
        "annotations_b": len(b.annotations),
        "matched": len(pa),
        "unchanged": int(np.count_nonzero(~pairs.changed)),
        "moved": int(np.count_nonzero(pairs.moved)),
        "largest_shift": float(moved_shift.max()) if pairs.moved.any() else 0.0,
        "added": int(np.count_nonzero(free_b)),
        "lost": int(np.count_nonzero(free_a)),
        "relabelled": int(np.count_nonzero(pairs.relabelled)),
        "attributes_changed": int(np.count_nonzero(pairs.attributes)),
        "kind_changed": int(np.count_nonzero(pairs.kind)),
        "categories_only": len(cats_a ^ cats_b),
    }
    return result


def _category_names(ds: Dataset) -> np.ndarray:
    names = np.array([*ds.category_names(), ""], dtype=object)
    return names[ds.annotations.category] if len(ds.annotations) else np.zeros(0, dtype=object)


# ---- comparing pairs -----------------------------------------------------------------


def compare_pairs(
    a: Dataset,
    b: Dataset,
    pa: np.ndarray,
    pb: np.ndarray,
    names_a: np.ndarray,
    names_b: np.ndarray,
    tolerance: float,
) -> Pairs:
    """What changed in each pair: geometry (with the shift), category name, attributes, kind."""
    A, B = a.annotations, b.annotations
    kind_a, kind_b = A.kind[pa], B.kind[pb]
    corners_a = np.concatenate([A.bbox[pa, :2], A.bbox[pa, :2] + A.bbox[pa, 2:]], axis=1)
    corners_b = np.concatenate([B.bbox[pb, :2], B.bbox[pb, :2] + B.bbox[pb, 2:]], axis=1)
    shift = np.abs(corners_a - corners_b).max(axis=1) if len(pa) else np.zeros(0)
    shift = np.where(np.isfinite(shift), shift, np.inf)
    region_unknown = np.zeros(len(pa), dtype=bool)
    plain = (kind_a == kind_b) & np.isin(kind_a, (Kind.BOX, Kind.TAG))  # the boxes say it all
    for k in np.flatnonzero(~plain).tolist():
        ka, kb = int(kind_a[k]), int(kind_b[k])
        detail = _shape_shift(A, int(pa[k]), B, int(pb[k]), ka, kb)
        if detail is None:
            region_unknown[k] = ka in _AREA_KINDS and kb in _AREA_KINDS
        else:
            shift[k] = max(shift[k], detail)
    moved = shift > tolerance
    for k in np.flatnonzero(region_unknown & ~moved):
        moved[k] = not _same_region(a, int(pa[k]), b, int(pb[k]))
    mask_a, mask_b = np.isin(kind_a, _MASKS), np.isin(kind_b, _MASKS)
    return Pairs(
        a=pa,
        b=pb,
        shift=shift,
        moved=moved,
        relabelled=names_a[pa] != names_b[pb] if len(pa) else np.zeros(0, bool),
        attributes=_attributes_differ(A.attributes[pa], B.attributes[pb]),
        kind=(kind_a != kind_b) & ~(mask_a & mask_b),
    )


def _attributes_differ(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per pair, whether the attribute dicts differ (None and {} are the same: no attributes)."""
    out = np.zeros(len(x), dtype=bool)
    xs, ys = x.tolist(), y.tolist()
    for k in [k for k, (p, q) in enumerate(zip(xs, ys)) if p or q]:
        out[k] = (xs[k] or {}) != (ys[k] or {})
    return out


def _shape_shift(A: Annotations, i: int, B: Annotations, j: int, ka: int, kb: int) -> float | None:
    """The largest vertex or corner difference of two shapes of the same structure; None when the
    shapes cannot be compared vertex by vertex (then regions are compared, or only boxes)."""
    if ka == kb == Kind.ROTATED_BOX:
        return float(
            np.abs(geometry.rotated_box_corners(A.rbox[i]) - geometry.rotated_box_corners(B.rbox[j])).max()
        )
    if ka == kb and ka in _VERTEX_KINDS:
        pa, pb = A.parts(i), B.parts(j)
        if [len(p) for p in pa] == [len(p) for p in pb]:
            return max((float(np.abs(x - y).max()) for x, y in zip(pa, pb) if len(x)), default=0.0)
        return None
    if ka == kb == Kind.MASK:
        ra, rb = A.rle[i], B.rle[j]
        same = list(ra["size"]) == list(rb["size"]) and np.array_equal(
            geometry.rle_counts(ra), geometry.rle_counts(rb)
        )
        return 0.0 if same else None
    if ka == kb == Kind.PIXEL_REF and A.pixel_ref[i] == B.pixel_ref[j]:
        return 0.0
    if ka == kb == Kind.BOX or ka == kb == Kind.TAG:
        return 0.0
    return None


def _same_region(a: Dataset, i: int, b: Dataset, j: int) -> bool:
    """Whether two area annotations cover exactly the same pixels."""
    from .preview.draw import area_crop, tight_crop

    h = int(b.images.height[b.annotations.image[j]]) or int(a.images.height[a.annotations.image[i]])
    w = int(b.images.width[b.annotations.image[j]]) or int(a.images.width[a.annotations.image[i]])
    ca, cb = tight_crop(area_crop(a.annotations, i, h, w)), tight_crop(area_crop(b.annotations, j, h, w))
    if ca is None or cb is None:
        return ca is None and cb is None
    return ca[:2] == cb[:2] and np.array_equal(ca[2], cb[2])
