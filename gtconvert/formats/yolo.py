"""YOLO in the Ultralytics layout: ``images/`` and ``labels/`` mirrored trees and ``data.yaml``.

Tasks: ``detect`` (``cls cx cy w h``), ``segment`` (``cls x1 y1 ... xn yn``, one row per object,
its parts and holes joined by zero-width bridges) and ``obb`` (``cls x1 y1 ... x4 y4``), all
normalised to [0, 1]. Classes are 0..K-1 in category order; ``gtconvert.json`` beside
``data.yaml`` keeps the original category ids, image ids and object ids, kinds and crowd flags,
so that YOLO -> COCO restores them. See ``docs/yolo.md``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .. import geometry, imagefiles, report, sidecar
from ..errors import GtconvertError
from ..fileio import atomic_output, safe_relative
from ..model import Annotations, Category, Dataset, Images, Kind
from ._common import axis_aligned_boxes, crowd_policy, writable

DESCRIPTION = "YOLO / Ultralytics folder (detect, segment, obb; images/, labels/, data.yaml)"

TASKS = ("detect", "segment", "obb")
SPLIT_NAMES = ("train", "val", "test")
_DECIMALS = 6  # normalised values to 1e-6: boxes within 1e-6 of the image size after a round trip

_SHAPED = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF)


def detect(path: str) -> bool:
    p = Path(path)
    if p.is_file():
        return p.suffix.lower() in (".yaml", ".yml") and _looks_like_data_yaml(p)
    if not p.is_dir():
        return False
    if any(_looks_like_data_yaml(p / n) for n in ("data.yaml", "data.yml", "dataset.yaml")):
        return True
    return (p / "labels").is_dir() and (p / "images").is_dir()


def _looks_like_data_yaml(path: Path) -> bool:
    if not path.is_file():
        return False
    head = path.read_bytes()[: 1 << 16]
    return b"names" in head and (b"train" in head or b"val" in head)


# =======================================================================================
# writing
# =======================================================================================


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    task: str | None = None,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    crowd: str = "keep",
) -> None:
    """Write ``dataset`` as an Ultralytics YOLO folder (atomically).

    ``task``: detect, segment or obb (default: segment when there are polygons or masks, obb
    when there are rotated boxes, else detect). ``split``: e.g. ``{"train": 0.8, "val": 0.2}``,
    drawn reproducibly with ``seed``. ``crowd``: ``keep`` (default; crowd objects become ordinary
    rows, as trainers have no crowd flag) or ``skip``; either is said in a warning.
    """
    ann = dataset.annotations
    task = _choose_task(ann, task)
    width, height = imagefiles.known_sizes(dataset, target="YOLO")
    rows = _rows_to_write(ann, crowd, task)
    rel, split_of = _image_paths(dataset, split, seed)
    label_rel = _label_paths(rel)

    row_start, coords, rows, clipped = _row_values(dataset, rows, task, width, height)
    report.warn(
        "yolo.clipped",
        f"YOLO: {clipped} objects reached outside their image and were clipped to it",
        clipped,
    )

    out = Path(path)
    with atomic_output(out, is_dir=True, overwrite=overwrite) as tmp:
        labels = os.path.join(tmp, "labels", "")
        for first, texts in _format_labels(dataset, rows, row_start, coords):  # chunk by chunk
            imagefiles.write_texts([(labels + lr, t) for lr, t in zip(label_rel[first:], texts)])
        _copy_images(dataset, rel, tmp)
        _write_data_yaml(tmp, out, dataset, rel, split_of)
        order = np.argsort(ann.image[rows], kind="stable")
        rows_sorted = rows[order]
        sidecar.write(
            tmp,
            fmt="yolo",
            categories=dataset.categories,
            file_names=rel,
            image_ids=dataset.images.id,
            widths=width,
            heights=height,
            rows_per_image=np.bincount(ann.image[rows], minlength=len(dataset.images)),
            ann_ids=ann.id[rows_sorted],
            ann_kinds=ann.kind[rows_sorted],
            ann_iscrowd=ann.iscrowd[rows_sorted],
            extra={"task": task},
        )


def _choose_task(ann: Annotations, task: str | None) -> str:
    if task is not None:
        if task not in TASKS:
            raise GtconvertError(f"unknown YOLO task {task!r}", fix=f"use one of {', '.join(TASKS)}")
        return task
    if np.isin(ann.kind, _SHAPED).any():
        return "segment"
    if (ann.kind == Kind.ROTATED_BOX).any():
        return "obb"
    return "detect"


def _rows_to_write(ann: Annotations, crowd: str, task: str) -> np.ndarray:
    """The annotation rows that become label rows; a warning for everything else."""
    keep = writable(ann, "yolo", "YOLO", lacks="YOLO has no such shape", keep_with="coco or matlab")
    keep = crowd_policy(ann, keep, crowd, "yolo", "YOLO")
    lost = {
        "detect": ([*_SHAPED, Kind.ROTATED_BOX], "polygons, masks and rotated boxes", "segment or obb"),
        "obb": (list(_SHAPED), "polygons and masks", "segment"),
        "segment": ([], "", ""),
    }[task]
    n = int(np.count_nonzero(keep & np.isin(ann.kind, lost[0])))
    report.warn(
        f"yolo.{task}.as_boxes",
        f"YOLO {task}: {n} {lost[1]} written as boxes; use --task {lost[2]} to keep their shape",
        n,
    )
    n_attr = int(sum(1 for a in ann.attributes[keep] if a))
    report.warn(
        "yolo.attributes", f"YOLO: attributes of {n_attr} objects not written (YOLO has none)", n_attr
    )
    return np.flatnonzero(keep)


# ---- file names ----------------------------------------------------------------------


def _image_paths(
    dataset: Dataset, split: dict[str, float] | None, seed: int | None
) -> tuple[list[str], np.ndarray]:
    """Each image's path under ``images/`` and its split name ("" for none)."""
    img = dataset.images
    names = [
        safe_relative(n, record=f"image id {i}") for n, i in zip(img.file_name.tolist(), img.id.tolist())
    ]
    if split is not None:
        bad = sorted(set(split) - set(SPLIT_NAMES))
        if bad:
            raise GtconvertError(
                f"YOLO splits are train, val and test, not {', '.join(bad)}",
                fix="e.g. --split train=0.8,val=0.2",
            )
        if "train" not in split:
            raise GtconvertError("a YOLO split needs 'train'", fix="e.g. --split train=0.8,val=0.2")
        split_of = imagefiles.assign_splits(len(img), split, seed)
        return [f"{s}/{n}" for s, n in zip(split_of, names)], split_of
    split_of = np.array(
        [(e or {}).get("split", "") if isinstance(e, dict) else "" for e in img.extra], dtype=object
    )
    split_of[~np.isin(split_of, SPLIT_NAMES)] = ""
    return names, split_of


def _label_paths(rel: list[str]) -> list[str]:
    """``a/b.jpg`` -> ``a/b.txt``; two images that would share a label file are an error."""
    labels = [_without_suffix(r) + ".txt" for r in rel]
    if len({lab.casefold() for lab in labels}) != len(labels):  # one file on macOS/Windows
        seen: dict[str, tuple[str, str]] = {}
        for r, lab in zip(rel, labels):
            if lab.casefold() in seen:
                other, other_lab = seen[lab.casefold()]
                how = "would share" if other_lab == lab else "differ only in case and would share"
                raise GtconvertError(
                    f"images {other!r} and {r!r} {how} the label file {lab!r}",
                    fix="rename one of them (YOLO pairs image and label by name without suffix)",
                )
            seen[lab.casefold()] = (r, lab)
    return labels


def _without_suffix(name: str) -> str:
    """``a/b.jpg`` -> ``a/b``; ``a/.hidden`` and ``a.d/b`` keep their dots (as ``PurePosixPath``)."""
    slash = name.rfind("/")
    dot = name.rfind(".")
    return name[:dot] if dot > slash + 1 and dot < len(name) - 1 else name


def _copy_images(dataset: Dataset, rel: list[str], tmp: Path) -> None:
    root = dataset.image_root
    if not root:
        report.warn(
            "yolo.images_missing",
            f"YOLO: the {len(rel)} images were not copied (their folder is unknown); "
            "put them under images/ (pass --images DIR when reading to copy them)",
            len(rel),
        )
        return
    images = os.path.join(tmp, "images", "")
    pairs = [(os.path.join(root, n), images + r) for n, r in zip(dataset.images.file_name.tolist(), rel)]
    missing = imagefiles.copy_images(pairs, imagefiles.video_frames(dataset))  # video frames decoded
    examples = []
    if missing:
        examples = [s for s, _ in itertools.islice(((s, d) for s, d in pairs if not os.path.isfile(s)), 5)]
    report.warn(
        "yolo.images_missing",
        f"YOLO: {missing} images not found under {root}; labels written, put the images under images/",
        missing,
        examples,
    )


def _write_data_yaml(tmp: Path, final: Path, dataset: Dataset, rel: list[str], split_of: np.ndarray) -> None:
    """``data.yaml``: ``path`` (absolute, where the folder is written), splits and ``names``."""
    doc: dict[str, Any] = {"path": str(final.resolve())}
    present = [s for s in SPLIT_NAMES if (split_of == s).any()]
    if not present:
        doc["train"] = doc["val"] = "images"
    for s in present:
        members = split_of == s
        prefix = f"{s}/"
        own_folder = all(r.startswith(prefix) for r, m in zip(rel, members) if m) and not any(
            r.startswith(prefix) for r, m in zip(rel, members) if not m
        )
        if own_folder:
            doc[s] = f"images/{s}"
        else:  # the images of this split share no folder: list them (Ultralytics reads .txt lists)
            listing = "".join(f"./images/{r}\n" for r, m in zip(rel, members) if m)
            (tmp / f"{s}.txt").write_text(listing, encoding="utf-8")
            doc[s] = f"{s}.txt"
    if "val" not in doc:  # trainers require val: reuse train rather than invent one
        doc["val"] = doc["train"]
    lines = [f"{key}: {_yaml_string(value)}\n" for key, value in doc.items()]
    lines.append("names:\n" if dataset.categories else "names: {}\n")
    lines.extend(f"  {i}: {_yaml_string(c.name)}\n" for i, c in enumerate(dataset.categories))
    with open(tmp / "data.yaml", "w", encoding="utf-8") as f:
        f.write("".join(lines))


# Characters a YAML reader refuses raw (non-printable) or reads as line breaks inside quotes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's quoting, plus \\u escapes YAML needs).

    Written by hand instead of with PyYAML, whose import and regex compilation cost ~15 ms of
    every conversion; reading data.yaml back (``yaml.safe_load``) gives ``text`` exactly (tested).
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


# ---- label rows ----------------------------------------------------------------------


def _row_values(
    dataset: Dataset, rows: np.ndarray, task: str, width: np.ndarray, height: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Normalised coordinates of every written row: ragged ``row_start`` + flat ``coords``.

    Returns the rows actually written (objects entirely outside their image are dropped, with
    a warning) and how many were clipped.
    """
    if task == "detect":
        return _detect_values(dataset, rows, width, height)
    if task == "obb":
        return _obb_values(dataset, rows, width, height)
    return _segment_values(dataset, rows, width, height)


def _drop_unwritable(rows: np.ndarray, written: np.ndarray, degenerate: np.ndarray) -> np.ndarray:
    """The ``written`` rows; one warning for the degenerate ones, one for those outside."""
    written = written & ~degenerate
    n_degenerate = int(np.count_nonzero(degenerate))
    n_outside = int(np.count_nonzero(~written & ~degenerate))
    report.warn(
        "yolo.degenerate",
        f"YOLO: {n_degenerate} objects of zero or negative size, or with fewer than 3 distinct points, "
        "not written",
        n_degenerate,
    )
    report.warn(
        "yolo.outside", f"YOLO: {n_outside} objects lie entirely outside their image; not written", n_outside
    )
    return rows[written]


def _has_size(boxes: np.ndarray) -> np.ndarray:
    """Boxes (or rotated boxes: columns 2 and 3 are w and h too) of positive width and height."""
    return (boxes[:, 2] > 0) & (boxes[:, 3] > 0)


def _detect_values(dataset, rows, width, height):  # type: ignore[no-untyped-def]
    img_row = dataset.annotations.image[rows]
    unclipped = axis_aligned_boxes(dataset, rows)
    boxes, changed = geometry.clip_boxes(unclipped, width[img_row], height[img_row])
    inside = _has_size(boxes) & _has_size(unclipped)
    rows = _drop_unwritable(rows, inside, ~_has_size(unclipped))
    boxes, img_row = boxes[inside], img_row[inside]
    coords = geometry.coco_boxes_to_yolo(boxes, width[img_row], height[img_row])
    return np.arange(len(rows) + 1) * 4, coords.ravel(), rows, int(np.count_nonzero(changed & inside))


def _obb_values(dataset, rows, width, height):  # type: ignore[no-untyped-def]
    ann = dataset.annotations
    img_row = ann.image[rows]
    W, H = width[img_row].astype(np.float64), height[img_row].astype(np.float64)
    corners = np.empty((len(rows), 4, 2))
    rot = ann.kind[rows] == Kind.ROTATED_BOX
    corners[rot] = geometry.rotated_box_corners(ann.rbox[rows[rot]])
    unclipped = axis_aligned_boxes(dataset, rows[~rot])
    boxes, box_changed = geometry.clip_boxes(unclipped, W[~rot], H[~rot])
    corners[~rot] = geometry.box_corners(boxes)
    # a rotated box cut by the border is no longer a rotated box: its corners are clamped
    clamped = np.stack(
        [np.clip(corners[..., 0], 0, W[:, None]), np.clip(corners[..., 1], 0, H[:, None])], axis=2
    )
    changed = np.any(clamped != corners, axis=(1, 2))
    changed[~rot] |= box_changed
    span = clamped.max(axis=1) - clamped.min(axis=1)
    degenerate = np.zeros(len(rows), dtype=bool)
    degenerate[rot] = ~_has_size(ann.rbox[rows[rot]])
    degenerate[~rot] = ~_has_size(unclipped)
    inside = (span[:, 0] > 0) & (span[:, 1] > 0) & ~degenerate
    norm = clamped / np.stack([W, H], axis=1)[:, None, :]
    rows = _drop_unwritable(rows, inside, degenerate)
    return np.arange(len(rows) + 1) * 8, norm[inside].ravel(), rows, int(np.count_nonzero(changed & inside))


def _segment_values(dataset, rows, width, height):  # type: ignore[no-untyped-def]
    """One ring per object: parts clipped to the image, then bridged into one row.

    A polygon part with fewer than 3 distinct points encloses nothing and is left out (counted);
    an object with no part left, a zero-size box or rotated box, or an empty mask is degenerate.
    Boxes, rotated boxes and polygons of one or two good parts inside their image (nearly all
    objects) are handled as whole arrays; clipped objects, polygons of 3+ parts and masks one by
    one, with the same functions, so both ways give the same rows.
    """
    ann = dataset.annotations
    n = len(rows)
    kind = ann.kind[rows]
    img_row = ann.image[rows]
    W, H = width[img_row].astype(np.float64), height[img_row].astype(np.float64)
    written = np.zeros(n, dtype=bool)
    degenerate = np.zeros(n, dtype=bool)
    ring_len = np.zeros(n, dtype=np.int64)

    # box-like objects: 4 corners each
    is_rot = kind == Kind.ROTATED_BOX
    is_box = ~np.isin(kind, [Kind.POLYGON, Kind.ROTATED_BOX, Kind.MASK, Kind.PIXEL_REF])
    corners = np.zeros((n, 4, 2))
    sized = np.zeros(n, dtype=bool)
    if is_box.any():
        boxes = ann.bbox[rows[is_box]]
        corners[is_box] = geometry.box_corners(boxes)
        sized[is_box] = _has_size(boxes)
    if is_rot.any():
        rbox = ann.rbox[rows[is_rot]]
        sized[is_rot] = _has_size(rbox)
        corners[is_rot] = geometry.rotated_box_corners(rbox)
    boxlike = is_box | is_rot
    degenerate[boxlike & ~sized] = True
    box_fast = boxlike & sized & _within(corners.min(axis=1), corners.max(axis=1), W, H)

    # polygons: the parts worth writing (3+ distinct points); one or two such parts inside = fast
    part_ok = geometry.has_three_distinct_points(ann.vertex_start, ann.vertices)
    ok_before = np.concatenate([[0], np.cumsum(part_ok)])
    p0, p1 = ann.part_start[rows], ann.part_start[rows + 1]
    n_ok = ok_before[p1] - ok_before[p0]
    is_poly = kind == Kind.POLYGON
    degenerate[is_poly & (n_ok == 0)] = True
    # parts left out of objects that keep another part (an object with none is degenerate)
    bad_parts = int(np.sum((p1 - p0 - n_ok)[is_poly & (n_ok > 0)]))
    few = np.flatnonzero(is_poly & ((n_ok == 1) | (n_ok == 2)))
    ring_index, poly_len, lo, hi, done = _polygon_rings(ann, part_ok, p0[few], n_ok[few] == 2)
    poly_inside = _within(lo, hi, W[few], H[few]) & done
    poly_fast = np.zeros(n, dtype=bool)
    poly_fast[few] = poly_inside

    # fast rings: unchanged, written when they span both axes (else degenerate, not clipped)
    box_span = np.ptp(corners, axis=1)
    spans = np.zeros((n, 2))
    spans[box_fast] = box_span[box_fast]
    spans[few[poly_inside]] = (hi - lo)[poly_inside]
    fast = box_fast | poly_fast
    written[fast] = (spans[fast, 0] > 0) & (spans[fast, 1] > 0)
    degenerate[fast & ~written] = True
    ring_len[written & box_fast] = 4
    ring_len[few[poly_inside]] = poly_len[poly_inside]
    ring_len[~written] = 0

    # the rest, one object at a time: clipped, several parts, masks
    slow = np.flatnonzero(~fast & ~degenerate)
    masks = _masks_as_parts(dataset, rows[slow])
    slow_rings: dict[int, np.ndarray] = {}
    clipped = 0
    for k, j in enumerate(slow.tolist()):
        if kind[j] in (Kind.MASK, Kind.PIXEL_REF):
            parts = list(masks.get(k) or [])
        elif kind[j] == Kind.POLYGON:
            parts = _good_parts(ann, int(rows[j]), part_ok)
        else:
            parts = [corners[j]]
        if not parts:
            degenerate[j] = True
            continue
        out_parts, was_clipped = _clip_parts(parts, float(W[j]), float(H[j]))
        clipped += was_clipped
        ring = geometry.bridge_parts(out_parts)
        if len(ring) >= 3 and np.ptp(ring[:, 0]) > 0 and np.ptp(ring[:, 1]) > 0:
            slow_rings[j] = ring
            ring_len[j] = len(ring)
            written[j] = True
        else:  # nothing left: cut away by the border, or a flat shape that encloses nothing
            degenerate[j] = not was_clipped
    report.warn(
        "yolo.degenerate_parts",
        f"YOLO: {bad_parts} polygon parts with fewer than 3 distinct points left out of their objects",
        bad_parts,
    )

    # all rings in row order, normalised by their image's size
    start = np.cumsum(ring_len) - ring_len
    points = np.empty((int(ring_len.sum()), 2))
    fast_boxes = np.flatnonzero(written & box_fast)
    points[start[fast_boxes][:, None] + np.arange(4)] = corners[fast_boxes]
    fast_polys = np.flatnonzero(written & poly_fast)
    in_few = np.zeros(n, dtype=np.int64)
    in_few[few] = np.arange(len(few))
    take = in_few[fast_polys]
    ring_start = np.cumsum(poly_len) - poly_len
    points[geometry.ragged_index(start[fast_polys], poly_len[take])] = ann.vertices[
        ring_index[geometry.ragged_index(ring_start[take], poly_len[take])]
    ]
    for j, ring in slow_rings.items():
        points[start[j] : start[j] + len(ring)] = ring
    norm = geometry.normalise_points(points, np.repeat(W, ring_len), np.repeat(H, ring_len))
    rows = _drop_unwritable(rows, written, degenerate)
    row_start = np.concatenate([[0], np.cumsum(2 * ring_len[written])])
    return row_start, np.clip(norm.ravel(), 0.0, 1.0), rows, clipped


def _polygon_rings(ann: Annotations, part_ok: np.ndarray, first_part: np.ndarray, two: np.ndarray):  # type: ignore[no-untyped-def]
    """Rings of polygons with one or two good parts, as indices into ``ann.vertices``.

    ``first_part``: each object's first part index; ``two``: whether it has two good parts
    (bridged by :func:`geometry.bridge_two_parts`, the same ring :func:`geometry.bridge_parts`
    gives). Returns the concatenated ring indices, ring lengths, each object's extent
    (lo, hi), and which objects were done here: two parts with a NaN vertex are left to the
    per-object way (their closest pair is not defined by distances).
    """
    good = np.flatnonzero(part_ok)
    pos = np.searchsorted(good, first_part)
    part_a = good[pos] if len(pos) else np.zeros(0, dtype=np.int64)
    part_b = good[np.minimum(pos + two, len(good) - 1)] if len(pos) else part_a
    vs = ann.vertex_start
    len_a, len_b = vs[part_a + 1] - vs[part_a], vs[part_b + 1] - vs[part_b]
    lo_a, hi_a = _part_extents(ann.vertices, vs[part_a], len_a)
    lo_b, hi_b = _part_extents(ann.vertices, vs[part_b], len_b)
    done = ~two | ~(np.isnan(lo_a).any(axis=1) | np.isnan(lo_b).any(axis=1))  # min/max carry NaN
    two = two & done
    lo = np.where(two[:, None], np.minimum(lo_a, lo_b), lo_a)
    hi = np.where(two[:, None], np.maximum(hi_a, hi_b), hi_a)
    ring_len = np.where(two, len_a + len_b + 2, np.where(done, len_a, 0))
    index = np.empty(int(ring_len.sum()), dtype=np.int64)
    out_start = np.cumsum(ring_len) - ring_len
    one = ~two & done
    index[geometry.ragged_index(out_start[one], len_a[one])] = geometry.ragged_index(
        vs[part_a[one]], len_a[one]
    )
    bridged, _ = geometry.bridge_two_parts(
        vs[part_a[two]], len_a[two], vs[part_b[two]], len_b[two], ann.vertices
    )
    index[geometry.ragged_index(out_start[two], ring_len[two])] = bridged
    return index, ring_len, lo, hi, done


def _part_extents(
    vertices: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per part (all non-empty): the smallest and largest x and y of its vertices."""
    if not len(starts):
        return np.zeros((0, 2)), np.zeros((0, 2))
    pts = vertices[geometry.ragged_index(starts, lengths)]
    local = np.cumsum(lengths) - lengths
    return np.minimum.reduceat(pts, local, axis=0), np.maximum.reduceat(pts, local, axis=0)


def _within(lo: np.ndarray, hi: np.ndarray, W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Shapes whose extent ``lo``..``hi`` (N, 2) lies inside their image (NaN counts as inside,
    as in the clipping test of :func:`_clip_parts`)."""
    return ~((np.minimum(lo[:, 0], lo[:, 1]) < 0) | (hi[:, 0] > W) | (hi[:, 1] > H))


def _good_parts(ann: Annotations, i: int, part_ok: np.ndarray) -> list[np.ndarray]:
    """The parts of polygon ``i`` with 3 or more distinct points."""
    ok = part_ok[ann.part_start[i] : ann.part_start[i + 1]].tolist()
    return [p for p, good in zip(ann.parts(i), ok) if good]


def _clip_parts(parts: list[np.ndarray], W: float, H: float) -> tuple[list[np.ndarray], bool]:
    """Parts clipped to the image, those still enclosing something, and whether any was cut."""
    out, was_clipped = [], False
    for p in parts:
        if p.min() < 0 or p[:, 0].max() > W or p[:, 1].max() > H:
            p = geometry.clip_polygon(p, W, H)
            was_clipped = True
            if geometry.distinct_points_per_part(np.array([0, len(p)]), p)[0] < 3:
                continue
        out.append(p)
    return out, was_clipped


def _masks_as_parts(dataset: Dataset, rows: np.ndarray) -> dict[int, list[np.ndarray]]:
    """Polygon parts (pixel-edge contours, holes bridged) of the mask rows, by position in ``rows``."""
    ann = dataset.annotations
    pos = np.flatnonzero(np.isin(ann.kind[rows], [Kind.MASK, Kind.PIXEL_REF]))
    if not len(pos):
        return {}
    rles: list[Any] = [None] * len(pos)
    refs = [k for k, j in enumerate(pos) if ann.kind[rows[j]] == Kind.PIXEL_REF]
    if refs:
        from ..pixels import encode_pixel_refs

        for k, rle in zip(refs, encode_pixel_refs([ann.pixel_ref[rows[pos[k]]] for k in refs])):
            rles[k] = rle
    out = {}
    for k, j in enumerate(pos.tolist()):
        rle = rles[k] if rles[k] is not None else ann.rle[rows[j]]
        out[j] = geometry.rle_to_polygons(rle)  # decoded one mask at a time, then released
    return out


def _format_labels(
    dataset: Dataset, rows: np.ndarray, row_start: np.ndarray, coords: np.ndarray
) -> Iterator[tuple[int, list[bytes]]]:
    """The bytes of every image's label file (b"" for images without objects), in chunks.

    Yields ``(first image, texts of the images from there)``. Each row is ``cls v1 ... vn``; a
    value is written to 6 decimals without trailing zeros (``0.5``, ``1``, ``0.123457``). The
    values are formatted as numpy byte columns, about ``_CHUNK`` at a time (no Python call per
    number), then cut into files; chunks keep the text of a large dataset out of memory.
    """
    ann = dataset.annotations
    image_of_row = ann.image[rows]
    order = np.argsort(image_of_row, kind="stable")
    cls = ann.category[rows][order]
    counts = np.diff(row_start)[order]
    coords = coords[geometry.ragged_index(row_start[:-1][order], counts)]
    rows_per_image = np.bincount(image_of_row, minlength=len(dataset.images))
    image_row_start = np.concatenate([[0], np.cumsum(rows_per_image)])
    sorted_start = np.concatenate([[0], np.cumsum(counts)])
    # chunks of whole images, about _CHUNK values each, so memory stays bounded on large sets
    values_before_image = sorted_start[image_row_start]
    cuts = (
        np.searchsorted(values_before_image, np.arange(0, values_before_image[-1], _CHUNK), side="right") - 1
    )
    bounds = sorted({0, len(rows_per_image), *cuts.tolist()})
    for i0, i1 in itertools.pairwise(bounds):
        r0, r1 = image_row_start[i0], image_row_start[i1]
        v0, v1 = sorted_start[r0], sorted_start[r1]
        text, row_start_byte = _format_rows(cls[r0:r1], sorted_start[r0 : r1 + 1] - v0, coords[v0:v1])
        # row k is text[row_start_byte[k] + 1 : row_start_byte[k + 1] + 1] (see _format_rows)
        starts = row_start_byte[image_row_start[i0 : i1 + 1] - r0].tolist()
        yield i0, [text[a + 1 : b + 1] if b > a else b"" for a, b in itertools.pairwise(starts)]


_CHUNK = 1 << 20  # values formatted at once (about 16 bytes of scratch each)


def _byte_lane(prefix: bytes, digits: str, suffix: bytes) -> int:
    """Eight bytes as one little-endian integer (a lane of a label record)."""
    return int.from_bytes(prefix + digits.encode() + suffix, "little")


# the value lane "d.dddddd": '0.' plus the digit groups, each in its own bytes (so sums are ORs)
_NUMBER_BASE = _byte_lane(b"0.", "", bytes(6))
_HIGH3 = np.array([_byte_lane(bytes(2), f"{k:03d}", bytes(3)) for k in range(1000)], dtype=np.uint64)
_LOW3 = np.array([_byte_lane(bytes(5), f"{k:03d}", b"") for k in range(1000)], dtype=np.uint64)
# bytes kept of the value lane with k significant decimals: the digit, the point if k > 0, k digits
_NUMBER_KEEP = np.array(
    [_byte_lane(b"\xff" + (b"\xff" if k else b"\0") + b"\xff" * k, "", bytes(6 - k)) for k in range(7)],
    dtype=np.uint64,
)
# significant digits of a 3-digit group once its trailing zeros are cut: 120 -> 2, 0 -> 0
_SIGNIFICANT3 = np.array([len(f"{k:03d}".rstrip("0")) for k in range(1000)], dtype=np.int64)


def _micro_units(values: np.ndarray) -> np.ndarray:
    """``round(v * 1e6)`` as ``"%.6f" % v`` rounds it: the exact binary value, ties to even.

    ``rint(v * 1e6)`` alone is wrong where the product rounds onto a half: 42.52 / 640 is
    stored a little below 0.0664375, ``%.6f`` prints 0.066437, but ``v * 1e6`` rounds to
    66437.5 and then to even, 66438. Such ties are common (2-decimal pixels over 640). The
    product's exact rounding error (Dekker's two-product; 1e6 needs no split) says on which
    side of the half the stored value lies.
    """
    v = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    if not np.isfinite(v).all():  # objects with NaN coordinates are dropped before; never print garbage
        raise GtconvertError(
            "a YOLO coordinate is not a finite number", fix="run gtconvert validate on the input"
        )
    product = v * 1e6
    micro = np.rint(product)
    half = np.flatnonzero(product - np.floor(product) == 0.5)
    if len(half):
        p, x = product[half], v[half]
        split = x * 134217729.0  # 2**27 + 1: x = high + low, each with at most 26 bits
        high = split - (split - x)
        error = (high * 1e6 - p) + (x - high) * 1e6  # exact: x * 1e6 == p + error
        micro[half] = np.where(error > 0, np.ceil(p), np.where(error < 0, np.floor(p), micro[half]))
    return micro.astype(np.int64)


def _format_rows(cls: np.ndarray, row_start: np.ndarray, values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Label rows as ASCII, each *preceded* by its newline, and where each row starts.

    Every value is a fixed-width record of little-endian 8-byte lanes: a prefix lane, right
    aligned (``"\\n<class> "`` before a row's first value, ``" "`` before the others), then
    the value lane ``d.dddddd`` with its trailing zeros (and a bare point) zeroed. Bytes that
    are not text are 0, so one selection of the non-zero bytes gives the text. Values are
    normalised to [0, 1]; the digits are exactly those of ``"%.6f" % v``.

    Returns ``text + b"\\n"`` and the byte offset of each row's leading newline (plus one
    past the last row): row k is ``text[start[k] + 1 : start[k + 1] + 1]``, newline included.
    """
    n = len(values)
    if n == 0:
        return b"\n", np.zeros(1, dtype=np.int64)
    first = row_start[:-1]
    classes, cls = np.unique(cls, return_inverse=True)  # a prefix per class present
    prefix_width = 8 * ((len(str(classes.max())) + 2 + 7) // 8)  # "\n" + digits + " ", whole lanes
    lanes = prefix_width // 8
    prefixes = np.frombuffer(
        b"".join(f"\n{k} ".encode().rjust(prefix_width, b"\0") for k in classes.tolist()), dtype=np.uint8
    ).reshape(len(classes), prefix_width)

    micro = _micro_units(values)
    whole = micro // 1_000_000
    high, low = np.divmod(micro - whole * 1_000_000, 1000)
    sig = np.where(low > 0, 3 + _SIGNIFICANT3[low], _SIGNIFICANT3[high])

    record = np.zeros((n, lanes + 1), dtype="<u8")
    record[:, lanes - 1] = np.uint64(ord(" ")) << np.uint64(56)  # " " in the prefix's last byte
    record[:, lanes] = (
        np.uint64(_NUMBER_BASE) + whole.astype(np.uint64) + _HIGH3[high] + _LOW3[low]
    ) & _NUMBER_KEEP[sig]
    record.view(np.uint8).reshape(n, -1)[first, :prefix_width] = prefixes[cls]
    flat = record.view(np.uint8).ravel()
    text = flat[flat != 0].tobytes() + b"\n"

    length = 2 + (sig > 0) + sig  # " " + digit + point + decimals
    length[first] += np.count_nonzero(prefixes[cls], axis=1) - 1  # "\n<class> " instead of " "
    ends = np.cumsum(length)
    starts = np.append(ends[first] - length[first], len(text) - 1)
    return text, starts


# =======================================================================================
# reading
# =======================================================================================


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    task: str | None = None,
) -> Dataset:
    """Read a YOLO folder (or its ``data.yaml``).

    Image sizes come from the image headers (no pixels decoded); ``image_size=(W, H)`` gives
    the size of every image when the images are absent. ``images`` is a folder holding the
    images when they are not beside the labels. ``task="obb"`` reads 9-column rows as rotated
    boxes (default: what ``gtconvert.json`` says, else 9-column rows are 4-vertex polygons).
    """
    if task is not None and task not in TASKS:
        raise GtconvertError(f"unknown YOLO task {task!r}", fix=f"use one of {', '.join(TASKS)}")
    root, doc = _open(Path(path))
    side = sidecar.load(root)
    task = task or (side or {}).get("task")
    names = _names(doc, side, root)
    found = _collect(root, doc, side)  # image_root, [(rel, image path, label path, split)]
    image_root, entries = found
    if images is not None:
        image_root = Path(images)
        entries = [(rel, image_root / rel, lab, s) for rel, _, lab, s in entries]
    texts = _read_texts([lab for _, _, lab, _ in entries])
    parsed = [_parse(t, lab, len(names)) for t, (_, _, lab, _) in zip(texts, entries)]
    rel_names = [rel for rel, _, _, _ in entries]
    rows_per_image = np.array([len(c) for c, _ in parsed], dtype=np.int64)
    restored = sidecar.restore(side, rel_names, rows_per_image, source="yolo")
    width, height = _sizes(entries, image_size, restored.sizes)
    img = Images.create(
        rel_names,
        width=width,
        height=height,
        id=restored.image_ids,
        extra=[{"split": s} if s else None for _, _, _, s in entries],
    )
    ann = _annotations(parsed, img, restored, task)
    cats = _categories(names, side)
    return Dataset(img, cats, ann, info={"yolo": {"task": task} if task else {}}, image_root=str(image_root))


def _open(path: Path) -> tuple[Path, dict[str, Any] | None]:
    """The dataset folder and its parsed ``data.yaml`` (None when there is none)."""
    import yaml

    if path.is_file():
        yaml_path, root = path, path.parent
    else:
        root = path
        yaml_path = next(
            (path / n for n in ("data.yaml", "data.yml", "dataset.yaml") if (path / n).is_file()), None
        )
        if yaml_path is None:
            if not (path / "labels").is_dir():
                raise GtconvertError(
                    "not a YOLO folder (no data.yaml and no labels/)",
                    file=path,
                    fix="point at the dataset folder",
                )
            return root, None
    try:
        with open(yaml_path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GtconvertError(f"data.yaml is not valid YAML ({exc})", file=yaml_path) from None
    if not isinstance(doc, dict):
        raise GtconvertError(
            "data.yaml is not a mapping", file=yaml_path, fix="see the Ultralytics dataset format"
        )
    declared = doc.get("path")
    if declared:
        root = _declared_root(yaml_path.parent, str(declared))
    return root, doc


def _declared_root(yaml_dir: Path, declared: str) -> Path:
    """The folder ``data.yaml``'s ``path:`` names.

    Absolute: as written. Relative: against the folder of ``data.yaml`` first (``path: .`` is
    that folder wherever the command runs), then the current directory. A ``path`` that names
    no folder (the dataset moved since it was written) falls back to the folder of ``data.yaml``.
    """
    given = Path(declared)
    candidates = [given] if given.is_absolute() else [yaml_dir / given, given]
    return next((c for c in candidates if c.is_dir()), yaml_dir)


def _names(doc: dict[str, Any] | None, side: dict[str, Any] | None, root: Path) -> list[str]:
    if doc is None:
        if side:
            return [c["name"] for c in side["categories"]]
        raise GtconvertError(
            "no data.yaml: the class names are unknown", file=root, fix="add a data.yaml with names"
        )
    names = doc.get("names")
    if isinstance(names, dict):
        try:
            keys = sorted(int(k) for k in names)
        except (TypeError, ValueError):
            raise GtconvertError("'names' keys must be class numbers", file=root / "data.yaml") from None
        if keys != list(range(len(keys))):
            raise GtconvertError("'names' must number classes 0..K-1", file=root / "data.yaml")
        return [str(names[k] if k in names else names[str(k)]) for k in keys]
    if isinstance(names, list):
        return [str(n) for n in names]
    raise GtconvertError(
        "data.yaml has no 'names'", file=root / "data.yaml", fix="add names: {0: first, ...}"
    )


def _label_of(image: Path) -> Path:
    """Ultralytics' rule: the last ``/images/`` of the path becomes ``/labels/``, suffix ``.txt``."""
    parts = list(image.parts)
    for k in range(len(parts) - 2, -1, -1):
        if parts[k] == "images":
            parts[k] = "labels"
            break
    return Path(*parts).with_suffix(".txt")


def _image_of(label: Path) -> Path:
    parts = list(label.parts)
    for k in range(len(parts) - 2, -1, -1):
        if parts[k] == "labels":
            parts[k] = "images"
            break
    return Path(*parts)


def _split_sources(root: Path, doc: dict[str, Any] | None) -> list[tuple[str, Path]]:
    """(split name, folder or list file) of every split in ``data.yaml`` (or all of ``images/``)."""
    if doc is None:
        return [("", root / "images")]
    out = []
    for s in SPLIT_NAMES:
        value = doc.get(s)
        for v in value if isinstance(value, list) else [value] if value else []:
            out.append((s, root / str(v)))
    if not out:
        out.append(("", root / "images"))
    return out


def _collect(root: Path, doc: dict[str, Any] | None, side: dict[str, Any] | None) -> tuple[Path, list[tuple]]:
    """Every image of the dataset with its label file and split; labels without images too."""
    sources = _split_sources(root, doc)
    # a folder listed under two splits (train == val == images) says nothing about splits
    splits_known = len({src for _, src in sources}) == len(sources)
    seen: dict[Path, str] = {}
    label_dirs: list[tuple[str, Path]] = []
    for s, src in sources:
        s = s if splits_known else ""
        if src.is_file() and src.suffix == ".txt":
            for line in src.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line:
                    p = Path(line) if Path(line).is_absolute() else (src.parent / line)
                    seen.setdefault(Path(os.path.normpath(p)), s)
        else:
            for rel in imagefiles.find_images(src) if src.is_dir() else []:
                seen.setdefault(src / rel, s)
            label_dirs.append((s, _label_of(src / "x").parent))
    known_labels = {_label_of(p) for p in seen}
    orphans: list[tuple[Path, str]] = []
    for s, ldir in label_dirs:
        if ldir.is_dir():
            for lab in sorted(ldir.rglob("*.txt")):
                if lab not in known_labels:
                    orphans.append((lab, s))
                    known_labels.add(lab)
    images_root = root / "images"
    paths = list(seen) + _orphan_images([lab for lab, _ in orphans], side, images_root)
    splits = list(seen.values()) + [s for _, s in orphans]
    base = images_root if all(_is_under(p, images_root) for p in paths) else root
    entries = [(Path(os.path.relpath(p, base)).as_posix(), p, _label_of(p), s) for p, s in zip(paths, splits)]
    return base, entries


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _orphan_images(labels: list[Path], side: dict[str, Any] | None, images_root: Path) -> list[Path]:
    """The images label files without an image belong to: named by the sidecar, else ``.jpg``."""
    by_stem = {}
    if side:
        by_stem = {
            PurePosixPath(n).with_suffix("").as_posix(): n for n in side["images"].get("file_name", [])
        }
    out = []
    for label in labels:
        guess = _image_of(label)
        stem = Path(os.path.relpath(guess, images_root)).with_suffix("").as_posix()
        out.append(images_root / by_stem[stem] if stem in by_stem else guess.with_suffix(".jpg"))
    return out


def _read_texts(labels: list[Path]) -> list[str]:
    from concurrent.futures import ThreadPoolExecutor

    def one(p: Path) -> str:
        try:
            return p.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""  # an image without a label file has no objects (Ultralytics' rule)
        except UnicodeDecodeError as exc:
            raise GtconvertError(f"label file is not UTF-8 text ({exc})", file=p) from None

    if len(labels) > 64:
        with ThreadPoolExecutor(imagefiles.IO_THREADS) as pool:
            return list(pool.map(one, labels, chunksize=64))
    return [one(p) for p in labels]


def _parse(text: str, label: Path, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Column counts and flat values of one label file, checked like a trainer checks them."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cols = np.fromiter((len(ln.split()) for ln in lines), dtype=np.int64, count=len(lines))
    bad = np.flatnonzero((cols != 5) & ((cols < 7) | (cols % 2 == 0)))
    if len(bad):
        raise GtconvertError(
            f"a row has {cols[bad[0]]} numbers; YOLO rows have 5 (box) or 2k+1 with k >= 3 (polygon)",
            file=label,
            record=f"line {bad[0] + 1}",
        )
    try:
        values = np.array(" ".join(lines).split(), dtype=np.float64)
    except ValueError:
        raise GtconvertError("label file holds something that is not a number", file=label) from None
    if not np.isfinite(values).all():
        line = int(np.searchsorted(np.cumsum(cols), np.flatnonzero(~np.isfinite(values))[0], side="right"))
        raise GtconvertError(
            "label file holds a value that is not a finite number", file=label, record=f"line {line + 1}"
        )
    starts = np.concatenate([[0], np.cumsum(cols)[:-1]])
    cls = values[starts]
    wrong = np.flatnonzero((cls != np.round(cls)) | (cls < 0) | (cls >= n_classes))
    if len(wrong):
        raise GtconvertError(
            f"class {values[starts[wrong[0]]]:g} is not one of the {n_classes} classes in data.yaml names",
            file=label,
            record=f"line {wrong[0] + 1}",
        )
    return cols, values


def _sizes(entries: list[tuple], image_size: tuple[int, int] | None, known: dict[str, tuple[int, int]]):  # type: ignore[no-untyped-def]
    """Image sizes: ``image_size`` if given, else the image header, else the sidecar's record."""
    n = len(entries)
    if image_size is not None:
        return np.full(n, int(image_size[0])), np.full(n, int(image_size[1]))
    width, height = imagefiles.header_sizes([p for _, p, _, _ in entries])
    for i in np.flatnonzero(width == 0).tolist():
        width[i], height[i] = known.get(entries[i][0], (0, 0))
    missing = [str(entries[i][1]) for i in np.flatnonzero(width == 0).tolist()]
    if missing:
        raise GtconvertError(
            f"{len(missing)} images are missing, so their sizes are unknown: {', '.join(missing[:5])}",
            fix="put the images beside the labels, pass --images DIR, or --image-size WxH",
        )
    return width, height


def _annotations(parsed: list, img: Images, restored: sidecar.Restored, task: str | None) -> Annotations:  # type: ignore[type-arg]
    """All label rows as annotations, with the kinds the sidecar recorded where they fit."""
    cols = np.concatenate([c for c, _ in parsed]) if parsed else np.zeros(0, np.int64)
    values = np.concatenate([v for _, v in parsed]) if parsed else np.zeros(0)
    n = len(cols)
    if n == 0:
        return Annotations.empty()
    image = np.repeat(np.arange(len(img)), [len(c) for c, _ in parsed])
    W = img.width[image].astype(np.float64)
    H = img.height[image].astype(np.float64)
    starts = np.concatenate([[0], np.cumsum(cols)[:-1]])
    category = values[starts].astype(np.int64)
    hint = restored.ann_kinds
    is_box_row = cols == 5
    is_obb = (cols == 9) & (task == "obb")
    kind = np.full(n, Kind.POLYGON, dtype=np.uint8)
    kind[is_box_row] = Kind.BOX
    kind[is_obb] = Kind.ROTATED_BOX

    # vertices of every non-box row, in one flat array
    poly = np.flatnonzero(~is_box_row)
    n_vert = (cols[poly] - 1) // 2
    part_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(~is_box_row, out=part_start[1:])
    vertex_start = np.zeros(len(poly) + 1, dtype=np.int64)
    np.cumsum(n_vert, out=vertex_start[1:])
    take = (
        np.concatenate([np.arange(s + 1, s + c) for s, c in zip(starts[poly], cols[poly])])
        if len(poly)
        else np.zeros(0, np.int64)
    )
    vertices = geometry.denormalise_points(
        values[take].reshape(-1, 2), np.repeat(W[poly], n_vert), np.repeat(H[poly], n_vert)
    )
    bbox = geometry.ragged_bbox(part_start, vertex_start, vertices)
    box_rows = np.flatnonzero(is_box_row)
    box_vals = values[starts[box_rows][:, None] + np.arange(1, 5)]
    bbox[box_rows] = geometry.yolo_boxes_to_coco(box_vals, W[box_rows], H[box_rows])

    rbox = np.full((n, 5), np.nan)
    four = (cols == 9) & ((hint == Kind.ROTATED_BOX) | is_obb)
    kind[four] = Kind.ROTATED_BOX
    rows4 = np.flatnonzero(four)
    if len(rows4):
        corners = vertices[vertex_start[part_start[rows4]][:, None] + np.arange(4)]
        rbox[rows4] = geometry.corners_to_rotated_box(corners)
    as_box = ~is_box_row & (hint == Kind.BOX)  # boxes written as 4 corners (segment or obb task)
    kind[as_box] = Kind.BOX
    keep_geometry = (kind == Kind.POLYGON) | (kind == Kind.MASK)
    rle = np.full(n, None, dtype=object)
    as_mask = np.flatnonzero((kind == Kind.POLYGON) & np.isin(hint, [Kind.MASK, Kind.PIXEL_REF]))
    for i in as_mask.tolist():  # masks written as bridged rings: rasterised back to masks
        ring = vertices[vertex_start[part_start[i]] : vertex_start[part_start[i + 1]]]
        rle[i] = geometry.polygon_to_rle([ring], int(H[i]), int(W[i]))
    kind[as_mask] = Kind.MASK
    keep_geometry = kind == Kind.POLYGON
    ann = Annotations(
        image=image,
        category=category,
        kind=kind,
        id=restored.ann_ids,
        bbox=bbox,
        iscrowd=restored.ann_iscrowd,
        area=np.full(n, np.nan),
        score=np.full(n, np.nan),
        rbox=rbox,
        part_start=part_start,
        vertex_start=vertex_start,
        vertices=vertices,
        rle=rle,
        pixel_ref=np.full(n, None, dtype=object),
        attributes=np.full(n, None, dtype=object),
        parent=np.full(n, -1, dtype=np.int64),
        extra=np.full(n, None, dtype=object),
    )
    if not keep_geometry.all():  # only polygons keep vertices; other kinds hold their own shape
        ann = _without_geometry(ann, ~keep_geometry)
    return ann


def _without_geometry(ann: Annotations, rows: np.ndarray) -> Annotations:
    """Drop the vertex parts of ``rows`` (boolean), keeping every other column."""
    n_parts = ann.n_parts().copy()
    keep_part = np.repeat(~rows, n_parts)
    n_parts[rows] = 0
    part_start = np.zeros(len(ann) + 1, dtype=np.int64)
    np.cumsum(n_parts, out=part_start[1:])
    lengths = np.diff(ann.vertex_start)
    keep_vertex = np.repeat(keep_part, lengths)
    vertex_start = np.zeros(int(keep_part.sum()) + 1, dtype=np.int64)
    np.cumsum(lengths[keep_part], out=vertex_start[1:])
    ann.part_start, ann.vertex_start, ann.vertices = part_start, vertex_start, ann.vertices[keep_vertex]
    return ann


def _categories(names: list[str], side: dict[str, Any] | None) -> list[Category]:
    """Classes as categories: the sidecar's when they match ``names``, else id = class number."""
    if side:
        cats = [sidecar.category_from_record(r) for r in side["categories"]]
        if [c.name for c in cats] == names:
            return cats
        report.warn(
            "yolo.sidecar_names_changed",
            f"YOLO: data.yaml names differ from {sidecar.FILE_NAME}; category ids are the class numbers",
        )
    return [Category(id=k, name=n) for k, n in enumerate(names)]
