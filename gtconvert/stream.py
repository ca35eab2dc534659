"""Streamed conversions: a big COCO file to YOLO or Pascal VOC in chunks of images.

Read whole, 1,000,000 images / 10,000,000 boxes are ~1 GB of columns before the writer runs.
YOLO and VOC write one file per image and never need two images at once, so a big COCO file
is converted chunk by chunk instead (docs/scale.md):

1. :mod:`gtconvert.jsonstream` finds every image and annotation record by its offsets; the
   image table and the categories are read whole (small), then one pass over the annotations
   keeps only each one's image row (and what decides YOLO's default task).
2. The images are cut into chunks of at most :data:`CHUNK_IMAGES` images and
   :data:`CHUNK_ANNOTATIONS` annotations. Each chunk's records are read back from their
   offsets (one read per run of consecutive records: one run per chunk in the usual file,
   listed image by image) into a :class:`~gtconvert.model.Dataset` of those images, with the
   shared categories.
3. The format's own ``write`` runs on each chunk, into one staged output folder: it asks
   :func:`output` for its folder (the stage, not a fresh temporary) and hands its dataset-wide
   files (``data.yaml``, ``ImageSets``, the sidecar) to :func:`dataset_files`, which keeps
   their per-image and per-row columns and writes each once, after the last chunk, from the
   joined columns. The stage is renamed into place by :func:`fileio.atomic_output` when all
   of it is written: the output appears whole or not at all.
4. Warnings of the chunks are summed per code and reported once, as a single pass reports them.

The bytes are those of the single-pass write (tests/test_stream.py compares every file).
Options that need the whole dataset at once (``--split``, ``--split-by``, the dataset options
``--map``/``--keep``/``--drop``, YOLO pose) keep the single-pass path.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import operator
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import jsonstream, report
from .errors import GtconvertWarning
from .fileio import atomic_output, gc_paused
from .model import Annotations, Category, Dataset, Images

#: COCO files at least this big are streamed when the conversion allows it (smaller ones are
#: read whole: faster, and their columns fit in memory anyway).
STREAM_MIN_BYTES = 256 << 20
#: Most images and annotations in one chunk: a chunk's columns and the writer's temporaries
#: stay in the tens of MB.
CHUNK_IMAGES = 20_000
CHUNK_ANNOTATIONS = 200_000
#: Bytes of annotation records parsed at a time inside a chunk.
SLICE_BYTES = 4 << 20
#: The sidecar's per-image and per-row columns (:func:`gtconvert.sidecar.write`), joined over chunks.
SIDECAR_COLUMNS = (
    "file_names", "image_ids", "widths", "heights", "rows_per_image", "ann_ids", "ann_kinds", "ann_iscrowd",
)  # fmt: skip
_WRITERS = ("yolo", "voc")
_ID_AND_IMAGE = operator.itemgetter("id", "image_id")
_WHOLE_DATASET_OPTIONS = ("split", "split_by", "seed", "exif", "exif_frame")


# ---- what a writer calls --------------------------------------------------------------------


@dataclass
class _Deferred:
    args: tuple
    same: dict[str, Any]
    parts: dict[str, list]


@dataclass
class _Stage:
    """The staged output folder of a streamed conversion, and its deferred dataset-wide files."""

    folder: Path
    deferred: dict[Callable, _Deferred] = field(default_factory=dict)

    def defer(self, fn: Callable, args: tuple, kwargs: dict[str, Any], concat: tuple[str, ...]) -> None:
        entry = self.deferred.get(fn)
        if entry is None:
            same = {k: _without_rows(v) for k, v in kwargs.items() if k not in concat}
            self.deferred[fn] = _Deferred(tuple(map(_without_rows, args)), same, {k: [] for k in concat})
            entry = self.deferred[fn]
        for key in concat:
            entry.parts[key].append(kwargs[key])

    def finish(self) -> None:
        for fn, entry in self.deferred.items():
            joined = {}
            for key in list(entry.parts):  # each column's parts freed once joined: 10 M ids are 80 MB
                joined[key] = _joined(entry.parts.pop(key))
            fn(*entry.args, **entry.same, **joined)
            del joined


_stage: contextvars.ContextVar[_Stage | None] = contextvars.ContextVar("gtconvert_stage", default=None)


def output(path: str | os.PathLike, *, overwrite: bool = False) -> contextlib.AbstractContextManager[Path]:
    """A folder writer's output: ``fileio.atomic_output(path)``, or the stage of a streamed run."""
    stage = _stage.get()
    if stage is None:
        return atomic_output(path, is_dir=True, overwrite=overwrite)
    return contextlib.nullcontext(stage.folder)


def dataset_files(fn: Callable[..., None], *args: Any, concat: tuple[str, ...] = (), **kwargs: Any) -> None:
    """Write a dataset-wide file now: ``fn(*args, **kwargs)``; in a streamed run, once at the end.

    ``concat`` names the keyword arguments that hold one value per image or per written row
    (lists or arrays, in file order): a streamed run joins them over the chunks. The other
    arguments are the first chunk's (they must not depend on the chunk: paths, categories);
    a :class:`Dataset` among them is kept without its images and annotations.
    """
    stage = _stage.get()
    if stage is None:
        fn(*args, **kwargs)
    else:
        stage.defer(fn, args, kwargs, concat)


def _without_rows(value: Any) -> Any:
    if isinstance(value, Dataset):  # keep its categories and metadata, not the chunk's columns
        return Dataset(Images.create([]), value.categories, Annotations.empty(), value.info, value.image_root)
    return value


def _joined(parts: list) -> Any:
    if parts and isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return list(itertools.chain.from_iterable(parts))


# ---- the streamed conversion ------------------------------------------------------------------


@dataclass(frozen=True)
class Streamed:
    """What a streamed conversion wrote (its dataset was never whole in memory)."""

    images: int
    categories: int
    annotations: int
    chunks: int

    def __repr__(self) -> str:
        return (
            f"Dataset({self.images} images, {self.categories} categories, {self.annotations} annotations; "
            f"streamed in {self.chunks} chunks)"
        )


def applies(reader: Any, writer: Any, src: str | os.PathLike, read_kwargs: dict, write_kwargs: dict) -> bool:
    """Whether this conversion is streamed: a big COCO file to YOLO or VOC, no whole-dataset option."""
    if reader.name != "coco" or writer.name not in _WRITERS or not os.path.isfile(src):
        return False
    if os.path.getsize(src) < STREAM_MIN_BYTES or set(read_kwargs) - {"images"}:
        return False
    if any(write_kwargs.get(k) is not None for k in _WHOLE_DATASET_OPTIONS):
        return False
    return write_kwargs.get("task") != "pose"


def convert(
    src: str | os.PathLike, dst: str | os.PathLike, writer: Any, read_kwargs: dict, write_kwargs: dict
) -> Streamed | None:
    """Convert COCO ``src`` to ``dst`` chunk by chunk; None when the file needs the whole-file path.

    None (nothing written) when the file is not a plain COCO object of record arrays or its
    YOLO task would be pose: the caller then reads it whole, which also words every error.
    """
    plan = _plan(src, read_kwargs.get("images"), writer.name, write_kwargs.get("task"))
    if plan is None:
        return None
    if plan.task is not None:
        write_kwargs = {**write_kwargs, "task": plan.task}
    events: list[report.Event] = []
    n_annotations = len(plan.image_rows)
    try:
        with atomic_output(dst, is_dir=True, overwrite=bool(write_kwargs.get("overwrite"))) as tmp:
            stage = _Stage(tmp)
            chunks = _isolated(lambda: _write_chunks(plan, stage, writer, dst, write_kwargs), events)
    except _Unusual:  # the staged folder is gone; the whole-file reader words the problem
        return None
    _report_summed(events)
    return Streamed(len(plan.images), len(plan.categories), n_annotations, chunks)


@dataclass
class _Plan:
    path: str | os.PathLike
    images: Images
    categories: list[Category]
    info: dict[str, Any]
    image_root: str
    annotations: jsonstream.ArraySpan | None
    image_rows: np.ndarray  # the image row of every annotation record, in file order
    task: str | None  # YOLO's task when not given (the one a single pass would choose)


def _plan(path: str | os.PathLike, images: str | None, target: str, task: str | None) -> _Plan | None:
    """The image table, the categories and each annotation's image row, from one scan."""

    loaded = jsonstream.load_top_level(path, ("images", "annotations"))
    if loaded is None:
        return None
    doc, spans = loaded
    if not all(isinstance(doc.get(k) or [], list) for k in ("images", "annotations", "categories")):
        return None
    try:
        return _plan_records(path, images, target, task, doc, spans)
    except _READ_FAILURES:
        return None


def _plan_records(
    path: str | os.PathLike, images: str | None, target: str, task: str | None, doc: dict, spans: dict
) -> _Plan | None:
    from .formats.coco import reader

    with gc_paused():
        if "images" in spans:
            img = reader.read_images(jsonstream.iter_array(path, spans["images"]), path)
        else:
            img = reader.read_images([doc.get("images") or []], path)
        cats = reader.read_categories(doc.get("categories") or [], path)
        span = spans.get("annotations")
        needs_task = target == "yolo" and task is None
        empty: tuple[np.ndarray, set[str]] = (np.zeros(0, np.int64), set())
        scanned = _scan_annotations(path, span, img, needs_task) if span is not None else empty
    if scanned is None or not len(img):
        return None
    rows, kinds = scanned
    if target == "yolo" and task is None:
        task = "segment" if "shape" in kinds else "obb" if "rbox" in kinds else "detect"
        if "keypoints" in kinds:
            return None
    top = {k: v for k, v in doc.items() if k not in ("images", "annotations", "categories")}
    root = reader.image_root(path, img, images)  # as coco.read: absolute names made relative to it
    return _Plan(path, img, cats, {"coco": top}, root, span, rows, task if target == "yolo" else None)


def _scan_annotations(
    path: str | os.PathLike, span: jsonstream.ArraySpan, img: Images, needs_task: bool
) -> tuple[np.ndarray, set[str]] | None:
    """Each annotation's image row, and (``needs_task``) which of YOLO's task-deciding shapes occur.

    None for anything unusual (a record that is not an object with an ``image_id`` of a known
    image, duplicate ids): the whole-file path then reads it and words the error.
    """
    from .formats.coco.records import check_unique

    n = len(span.begins)
    ids = np.empty(n, np.int64)
    image_ids = np.empty(n, np.int64)
    kinds: set[str] = set()
    done = 0
    for records in jsonstream.iter_array(path, span):
        if done + len(records) > n:
            return None
        try:
            pairs = np.array(list(map(_ID_AND_IMAGE, records)), dtype=np.int64).reshape(-1, 2)
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        ids[done : done + len(records)] = pairs[:, 0]
        image_ids[done : done + len(records)] = pairs[:, 1]
        if needs_task and len(kinds) < 3:
            kinds |= _task_shapes(records)
        done += len(records)
    if done != n:
        return None
    try:
        check_unique(ids, path, "annotation")
    except Exception:
        return None
    del ids
    order = np.argsort(img.id, kind="stable")
    pos = np.minimum(np.searchsorted(img.id[order], image_ids), max(len(img) - 1, 0))
    if (len(img) == 0 and n) or not np.array_equal(img.id[order][pos], image_ids):
        return None
    rows = order[pos]
    return (rows.astype(np.int32) if len(img) < 2**31 else rows), kinds


def _task_shapes(records: list) -> set[str]:
    """What YOLO's default task looks at (formats.yolo.rows.choose_task), from the raw records:
    keypoints, a polygon or mask segmentation (not a rotated box's corners), a rotated box."""
    keys: set = set().union(*records)
    found = set()
    if "keypoints" in keys and any(type(r.get("keypoints")) is list and r["keypoints"] for r in records):
        found.add("keypoints")
    if "rbox" in keys:
        found.add("rbox")
    if "segmentation" in keys:
        segs = [r.get("segmentation") for r in records]
        if any(segs) or dict in set(map(type, segs)):  # a non-empty list, or a dict (even empty)
            for r, s in zip(records, segs):
                if ((type(s) is list and s) or isinstance(s, dict)) and "rbox" not in r:
                    found.add("shape")
                    break
    return found


class _Unusual(Exception):
    """A record the streamed path leaves to the whole-file reader (which words the error)."""


#: What ``coco.read`` turns into its "wrong type or shape" error.
_READ_FAILURES = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError)


def _chunk_edges(counts: np.ndarray) -> list[int]:
    """Image rows where chunks begin (and the end): at most CHUNK_IMAGES / CHUNK_ANNOTATIONS each."""
    cum = np.concatenate([[0], np.cumsum(counts)])
    edges, start, n = [0], 0, len(counts)
    while start < n:
        by_annotations = int(np.searchsorted(cum, cum[start] + CHUNK_ANNOTATIONS, side="right")) - 1
        stop = min(start + CHUNK_IMAGES, n, max(by_annotations, start + 1))
        edges.append(stop)
        start = stop
    return edges


def _write_chunks(plan: _Plan, stage: _Stage, writer: Any, dst: Any, write_kwargs: dict) -> int:
    """Read and write every chunk into the stage, then the dataset-wide files; the chunk count."""
    from . import registry
    from .exif import after_read
    from .formats.coco.annotations import read_annotations
    from .imagefiles import header_scope

    frame = registry.get("coco").exif_frame()

    edges, reads = _chunk_reads(plan)
    token = _stage.set(stage)
    try:
        with open(plan.path, "rb", buffering=0) as f:
            for k, slices in enumerate(reads):
                img = plan.images.take(np.arange(edges[k], edges[k + 1]))
                with gc_paused(), header_scope(frame) as seen:
                    batches, count = _parsed(f.fileno(), slices)
                    try:
                        ann = read_annotations(batches, img, plan.categories, plan.path, count)
                    except _READ_FAILURES as exc:  # a value of the wrong type: coco.read's message
                        raise _Unusual from exc
                    # what registry.Format.read does after the format's read: the EXIF frame
                    chunk = Dataset(img, plan.categories, ann, plan.info, plan.image_root)
                    chunk = after_read(chunk, frame, seen)
                writer.write(chunk, dst, **write_kwargs)  # the Format's: its EXIF frame, then the format's
                del chunk, ann, img
        stage.finish()
    finally:
        _stage.reset(token)
    return len(edges) - 1


#: One slice of records to parse: the byte ranges of its runs of consecutive records, and their count.
_Slice = tuple[list[tuple[int, int]], int]


def _chunk_reads(plan: _Plan) -> tuple[list[int], Any]:
    """The chunks' image edges, and for each chunk the slices of records to read.

    In the usual file (annotations listed image by image) every chunk is one run of records:
    all slices are computed now and the records' offsets (16 bytes per annotation) freed.
    Otherwise each chunk's records are picked from the offsets when it is read.
    """
    rows, span = plan.image_rows, plan.annotations
    grouped = bool(np.all(rows[1:] >= rows[:-1])) if len(rows) else True
    order = None if grouped else np.argsort(rows, kind="stable")
    edges = _chunk_edges(np.bincount(rows, minlength=len(plan.images)))
    bounds = np.searchsorted(rows if order is None else rows[order], edges).tolist()
    pairs = list(itertools.pairwise(bounds))
    if order is None:
        plan.annotations = None  # its offsets are no longer needed
        return edges, [list(_slices(span, np.arange(lo, hi))) for lo, hi in pairs]
    return edges, (list(_slices(span, np.sort(order[lo:hi]))) for lo, hi in pairs)


def _slices(span: jsonstream.ArraySpan | None, picked: np.ndarray) -> Iterator[_Slice]:
    """The records at ``picked`` (ascending indices) in slices of ~SLICE_BYTES of text."""
    if span is None or not len(picked):
        return
    begins, ends = span.begins[picked], span.ends[picked]
    cum = np.cumsum(ends - begins + 1)
    cuts = np.unique(
        np.concatenate([np.searchsorted(cum, np.arange(SLICE_BYTES, cum[-1], SLICE_BYTES)), [0]])
    )
    cuts = np.append(cuts[cuts < len(picked)], len(picked))
    for a, b in itertools.pairwise(cuts.tolist()):
        sub = picked[a:b]
        breaks = np.flatnonzero(np.diff(sub) != 1) + 1
        firsts, lasts = np.r_[0, breaks], np.r_[breaks - 1, len(sub) - 1]
        yield list(zip(begins[a:b][firsts].tolist(), ends[a:b][lasts].tolist())), b - a


def _parsed(fd: int, slices: list[_Slice]) -> tuple[Iterator[list], int]:
    """The records of ``slices`` parsed one slice at a time, and how many there are."""
    import orjson

    def records() -> Iterator[list]:
        for runs, _ in slices:
            yield orjson.loads(b"[" + b",".join(os.pread(fd, e + 1 - s, s) for s, e in runs) + b"]")

    return records(), sum(n for _, n in slices)


# ---- warnings ---------------------------------------------------------------------------------


def _isolated(fn: Callable[[], int], events: list[report.Event]) -> int:
    """Run ``fn`` with its warnings collected in ``events`` instead of reported.

    It runs in a fresh context, where the caller's reports are not active: each chunk's
    events are summed per code afterwards, as one pass would have counted them.
    """

    def run() -> int:
        with report.Report() as collected, warnings.catch_warnings():
            warnings.simplefilter("ignore", GtconvertWarning)
            try:
                return fn()
            finally:
                events.extend(collected.events)

    return contextvars.Context().run(run)


def _report_summed(events: list[report.Event]) -> None:
    """One warning per code: counts summed, examples joined, the count in the message made the sum."""
    by_code: dict[str, list[report.Event]] = {}
    for e in events:
        by_code.setdefault(e.code, []).append(e)
    for code, same in by_code.items():
        total, last = sum(e.count for e in same), same[-1]
        message = re.sub(rf"(?<![\d.]){last.count}(?![\d.])", str(total), last.message, count=1)
        report.warn(code, message, total, [x for e in same for x in e.examples][:5])
