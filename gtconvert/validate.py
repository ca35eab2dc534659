"""Checks of a dataset against the rules every target format shares.

Each check is vectorised over the annotation columns and yields a :class:`Finding` with a
count and the first examples, so ``gtconvert validate`` can print a short grouped summary.
What the reader itself warned about becomes findings too (:func:`reader_findings`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

from . import geometry
from .model import Dataset, Kind
from .report import Event


@dataclass
class Finding:
    """One kind of problem, how often it occurs, and a few examples."""

    code: str
    message: str
    count: int
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _examples(dataset: Dataset, rows: np.ndarray) -> list[str]:
    ann, img = dataset.annotations, dataset.images
    return [f"annotation {ann.id[r]} on {img.file_name[ann.image[r]]}" for r in rows[:5].tolist()]


def _non_finite(ds: Dataset) -> Iterator[Finding]:
    bad = np.flatnonzero(~np.isfinite(ds.annotations.bbox).all(axis=1))
    if len(bad):
        yield Finding("box.not_finite", "boxes with NaN or infinite values", len(bad), _examples(ds, bad))


def _empty_boxes(ds: Dataset) -> Iterator[Finding]:
    ann = ds.annotations
    sized = np.isin(ann.kind, [Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX])
    bad = np.flatnonzero(sized & ((ann.bbox[:, 2] <= 0) | (ann.bbox[:, 3] <= 0)))
    if len(bad):
        yield Finding("box.empty", "boxes of zero or negative width or height", len(bad), _examples(ds, bad))


def _outside(ds: Dataset) -> Iterator[Finding]:
    ann, img = ds.annotations, ds.images
    w = img.width[ann.image].astype(np.float64)
    h = img.height[ann.image].astype(np.float64)
    known = (w > 0) & (h > 0) & np.isin(ann.kind, [Kind.BOX, Kind.POLYGON, Kind.ROTATED_BOX])
    b = ann.bbox
    eps = 1e-9
    out = known & (
        (b[:, 0] < -eps) | (b[:, 1] < -eps) | (b[:, 0] + b[:, 2] > w + eps) | (b[:, 1] + b[:, 3] > h + eps)
    )
    bad = np.flatnonzero(out)
    if len(bad):
        yield Finding(
            "box.outside_image",
            "shapes reaching outside their image (they will be clipped)",
            len(bad),
            _examples(ds, bad),
        )


def _degenerate_polygons(ds: Dataset) -> Iterator[Finding]:
    ann = ds.annotations
    poly = ann.kind == Kind.POLYGON
    if not poly.any():
        return
    small_part = geometry.distinct_points_per_part(ann.vertex_start, ann.vertices) < 3
    owner = ann.part_owner()
    bad_rows = np.unique(owner[small_part])
    bad_rows = bad_rows[poly[bad_rows]]
    no_parts = np.flatnonzero(poly & (ann.n_parts() == 0))
    bad = np.union1d(bad_rows, no_parts).astype(np.int64)
    if len(bad):
        yield Finding(
            "polygon.degenerate",
            "polygons with a part of fewer than 3 distinct points",
            len(bad),
            _examples(ds, bad),
        )


def _rle_sizes(ds: Dataset) -> Iterator[Finding]:
    ann, img = ds.annotations, ds.images
    rows = np.flatnonzero(ann.kind == Kind.MASK)
    bad = [
        r
        for r in rows.tolist()
        if img.width[ann.image[r]]
        and list(ann.rle[r]["size"]) != [img.height[ann.image[r]], img.width[ann.image[r]]]
    ]
    if bad:
        yield Finding(
            "mask.size_mismatch",
            "RLE masks whose size differs from their image",
            len(bad),
            _examples(ds, np.array(bad)),
        )


def _unknown_sizes(ds: Dataset) -> Iterator[Finding]:
    img = ds.images
    bad = np.flatnonzero((img.width <= 0) | (img.height <= 0))
    if len(bad):
        yield Finding(
            "image.unknown_size",
            "images without a width and height",
            len(bad),
            img.file_name[bad[:5]].tolist(),
        )


def _duplicate_basenames(ds: Dataset) -> Iterator[Finding]:
    names = [os.path.basename(str(n).replace("\\", "/")) for n in ds.images.file_name.tolist()]
    uniq, counts = (
        np.unique(np.array(names, dtype=object).astype(str), return_counts=True) if names else ([], [])
    )
    dup = [u for u, c in zip(uniq, counts) if c > 1]
    if dup:
        yield Finding(
            "image.duplicate_basename",
            "image file names that share a basename in different folders",
            len(dup),
            list(dup[:5]),
        )


def _missing_images(ds: Dataset) -> Iterator[Finding]:
    """Images absent, unreadable, or of another size than the labels say (headers only)."""
    if not ds.image_root or not os.path.isdir(ds.image_root):
        return
    from .errors import GtconvertError
    from .imagefiles import header_size

    missing, unreadable, resized = [], [], []
    img = ds.images
    for i, name in enumerate(img.file_name.tolist()):
        path = os.path.join(ds.image_root, str(name))
        if not os.path.isfile(path):
            missing.append(str(name))
            continue
        try:
            size = header_size(path)
        except GtconvertError:
            unreadable.append(str(name))
            continue
        if size and img.width[i] > 0 and size != (int(img.width[i]), int(img.height[i])):
            resized.append(f"{name}: {size[0]} x {size[1]}, labels say {img.width[i]} x {img.height[i]}")
    if missing:
        yield Finding("image.missing", f"images not found under {ds.image_root}", len(missing), missing[:5])
    if unreadable:
        yield Finding("image.unreadable", "image files that cannot be read", len(unreadable), unreadable[:5])
    if resized:
        yield Finding(
            "image.size_mismatch", "images whose size differs from the labels", len(resized), resized[:5]
        )


def _duplicate_ids(ds: Dataset) -> Iterator[Finding]:
    for what, ids in (
        ("image", ds.images.id),
        ("annotation", ds.annotations.id),
        ("category", ds.category_ids()),
    ):
        uniq, counts = np.unique(np.asarray(ids), return_counts=True)
        dup = uniq[counts > 1]
        if len(dup):
            yield Finding(
                f"{what}.duplicate_id", f"{what} ids used more than once", len(dup), [str(d) for d in dup[:5]]
            )


def _unknown_categories(ds: Dataset) -> Iterator[Finding]:
    """Annotations whose class is not among the names (e.g. YOLO ids past ``names``)."""
    cat = ds.annotations.category
    bad = np.flatnonzero((cat < 0) | (cat >= len(ds.categories)))
    if len(bad):
        yield Finding(
            "category.unknown", "annotations of a class not in the names", len(bad), _examples(ds, bad)
        )


def _oriented(ds: Dataset) -> Iterator[Finding]:
    img = ds.images
    tagged = np.flatnonzero(img.orientation != 1)
    if len(tagged):
        names = [str(img.file_name[i]) for i in tagged[:5].tolist()]
        yield Finding(
            "image.exif_oriented",
            "images with an EXIF orientation other than 1 (stored and displayed frames differ)",
            len(tagged),
            names,
        )


def _other_frame(ds: Dataset) -> Iterator[Finding]:
    """Objects past the stored size that fit once width and height swap: labels of the other frame."""
    ann, img = ds.annotations, ds.images
    w = img.width[ann.image].astype(np.float64)
    h = img.height[ann.image].astype(np.float64)
    known = (w > 0) & (h > 0) & (w != h) & np.isin(ann.kind, [Kind.BOX, Kind.POLYGON, Kind.ROTATED_BOX])
    b, eps = ann.bbox, 1e-6
    x2, y2 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    inside = (b[:, 0] >= -eps) & (b[:, 1] >= -eps)
    past = (x2 > w + eps) | (y2 > h + eps)
    fits_swapped = (x2 <= h + eps) & (y2 <= w + eps)
    bad = np.flatnonzero(known & inside & past & fits_swapped)
    if len(bad):
        yield Finding(
            "image.other_frame",
            "shapes outside their image that fit once width and height swap (labels of the other "
            "EXIF frame?)",
            len(bad),
            _examples(ds, bad),
        )


CHECKS: list[Callable[[Dataset], Iterator[Finding]]] = [
    _non_finite, _empty_boxes, _outside, _degenerate_polygons, _rle_sizes,
    _unknown_sizes, _duplicate_basenames, _missing_images, _duplicate_ids, _unknown_categories,
    _oriented, _other_frame,
]  # fmt: skip


def check(dataset: Dataset) -> list[Finding]:
    """Every finding of every check, in check order."""
    from .formats.coco.findings import findings as coco_findings
    from .formats.keypoint_findings import findings as keypoint_findings
    from .formats.voc.findings import findings as voc_findings

    extra = [*voc_findings(dataset), *keypoint_findings(dataset), *coco_findings(dataset)]
    return [finding for c in CHECKS for finding in c(dataset)] + [Finding(*f) for f in extra]


# Reader events that say nothing is wrong with the dataset: printed by validate as warnings
# (stderr, as convert prints them), not findings, so they do not make the exit code 1.
# - matlab.border_quirk: boxes on the right/bottom border stored the way Image Labeler stores
#   them; read exactly (a known quirk of the labeller, not of this dataset).
# - matlab.not_merged: only the first groundTruth object read, because merge=False was asked for.
# - matlab.table_types_guessed: a table export never stores label types; nothing to fix in it.
# - categories.merged, categories.dropped, categories.sublabels_dropped: what --map, --keep and
#   --drop were asked to do.
# Every other reader event (labels not found, images or pixel labels unresolved, sizes unknown,
# values or fields not read, clipped shapes, unusable flip_idx, ignored sidecar, ...) is a
# finding: the dataset reads other than its files say, or not wholly.
INFORMATIONAL = frozenset({
    "matlab.border_quirk", "matlab.not_merged", "matlab.table_types_guessed",
    "categories.merged", "categories.dropped", "categories.sublabels_dropped",
})  # fmt: skip


def reader_findings(events: Iterable[Event]) -> tuple[list[Finding], list[Event]]:
    """The reader's warning events as findings (code kept, one per code, counts summed), and
    apart the :data:`INFORMATIONAL` events, in the order they came."""
    by_code: dict[str, list[Event]] = {}
    notes: list[Event] = []
    for event in events:
        if event.code in INFORMATIONAL:
            notes.append(event)
        else:
            by_code.setdefault(event.code, []).append(event)
    findings = []
    for code, same in by_code.items():
        message = same[0].message
        if any(e.message != message for e in same):
            message += f" (and {len(same) - 1} more warnings of this kind)"
        examples = [x for e in same for x in e.examples][:5]
        findings.append(Finding(code, message, sum(e.count for e in same), examples))
    return findings, notes


#: A check's finding that a reader's warning already states (the reader's names the fix):
#: the images without a size are then counted once.
_SAID_BY_READERS = {"image.unknown_size": ("matlab.unknown_size", "openlabel.unknown_size")}


def combined(from_reader: list[Finding], checked: list[Finding]) -> list[Finding]:
    """The reader's findings, then the checks' but those a reader's finding already states."""
    said = {f.code for f in from_reader}
    kept = [f for f in checked if not said & set(_SAID_BY_READERS.get(f.code, ()))]
    return from_reader + kept


def render(findings: list[Finding], source: str) -> str:
    """A readable report: one block per kind of finding."""
    if not findings:
        return f"{source}: no problems found"
    total, kinds = sum(f.count for f in findings), len(findings)
    lines = [f"{source}: {total} problem{'s' * (total != 1)} of {kinds} kind{'s' * (kinds != 1)}"]
    for f in findings:
        lines.append(f"  [{f.code}] {f.message}: {f.count}")
        lines.extend(f"      e.g. {e}" for e in f.examples)
    return "\n".join(lines)
