"""Streamed conversions: a big COCO file to YOLO, Pascal VOC or masks in chunks of images.

Read whole, 1,000,000 images / 10,000,000 boxes are ~1 GB of columns before the writer runs.
YOLO, VOC and masks write files per image and never need two images at once, so a big COCO file
is converted chunk by chunk instead (docs/scale.md):

1. :mod:`gtconvert.jsonstream` finds every image and annotation record by its offsets; the
   image table and the categories are read whole (small), then one pass over the annotations
   keeps only each one's image row (and what decides YOLO's default task).
2. The images are cut into chunks of at most :data:`CHUNK_IMAGES` images and
   :data:`CHUNK_ANNOTATIONS` annotations. Each chunk's records are read back from their
   offsets (one read per run of consecutive records: one run per chunk in the usual file,
   listed image by image) into a :class:`~gtconvert.model.Dataset` of those images, with the
   shared categories.
3. The format's own ``write`` runs on each chunk, into one stage (:mod:`gtconvert.staging`):
   every chunk's per-image files go into one output folder, and the dataset-wide files
   (``data.yaml``, ``ImageSets``, the sidecar) are written once, after the last chunk, from
   their per-image and per-row columns joined. The stage is renamed into place by
   :func:`fileio.atomic_output` when all of it is written: the output appears whole or not at all.
4. Warnings of the chunks are summed per code and reported once, as a single pass reports them.

The plan (:mod:`gtconvert.stream_plan`) and the chunks are public (:func:`chunks`, :func:`read_chunk`): a
sharded conversion (:mod:`gtconvert.sharded`) sends the chunks to other processes.

The bytes are those of the single-pass write (tests/test_stream.py compares every file).
``--split`` is drawn in the plan over every image (and, for ``--split-by video|folder``, every
annotation's image and category), as the single pass draws it; each chunk's writer is given its
images' share (:func:`gtconvert.staging.planned_splits`). Options that need the whole dataset at
once (``--split-by attribute:NAME``, ``--exif``, ``--exif-frame``, the dataset options
``--map``/``--keep``/``--drop``, YOLO pose) keep the single-pass path.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import jsonstream, report, staging
from .fileio import atomic_output, gc_paused
from .model import Category, Dataset, Images
from .stream_plan import READ_FAILURES, Plan, plan

#: COCO files at least this big are streamed when the conversion allows it (smaller ones are
#: read whole: faster, and their columns fit in memory anyway).
STREAM_MIN_BYTES = 256 << 20
#: Most images and annotations in one chunk: a chunk's columns and the writer's temporaries
#: stay in the tens of MB.
CHUNK_IMAGES = 20_000
CHUNK_ANNOTATIONS = 200_000
#: Bytes of annotation records parsed at a time inside a chunk.
SLICE_BYTES = 4 << 20
_WRITERS = ("yolo", "voc", "masks")
#: Write options that need every image at once (a streamed or sharded conversion has them in parts).
WHOLE_DATASET_OPTIONS = ("exif", "exif_frame")
#: ``--split-by`` groups drawn from the image table and each annotation's image and category
#: (``attribute:NAME`` needs the annotations' attributes: the single pass).
PLANNED_SPLIT_BY = (None, "video", "folder")


def whole_dataset_option(write_kwargs: dict) -> str | None:
    """The write option (as on the command line) that needs the whole dataset at once, if any."""
    for key in WHOLE_DATASET_OPTIONS:
        if write_kwargs.get(key) is not None:
            return "--" + key.replace("_", "-")
    if write_kwargs.get("split_by") not in PLANNED_SPLIT_BY:
        return f"--split-by {write_kwargs['split_by']}"
    if write_kwargs.get("task") == "pose":  # not needed at once, but its data.yaml lines are not staged yet
        return "--task pose"
    return None


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
    """Whether this conversion is streamed: a big COCO file to YOLO, VOC or masks, no whole-dataset option."""
    if reader.name != "coco" or writer.name not in _WRITERS or not os.path.isfile(src):
        return False
    if os.path.getsize(src) < STREAM_MIN_BYTES or set(read_kwargs) - {"images"}:
        return False
    return whole_dataset_option(write_kwargs) is None


def convert(
    src: str | os.PathLike, dst: str | os.PathLike, writer: Any, read_kwargs: dict, write_kwargs: dict
) -> Streamed | None:
    """Convert COCO ``src`` to ``dst`` chunk by chunk; None when the file needs the whole-file path.

    None (nothing written) when the file is not a plain COCO object of record arrays or its
    YOLO task would be pose: the caller then reads it whole, which also words every error.
    """
    found = plan(src, read_kwargs.get("images"), writer.name, write_kwargs)
    if found is None:
        return None
    write_kwargs = found.write_options(write_kwargs)
    events: list[report.Event] = []
    n_annotations = len(found.image_rows)
    try:
        with atomic_output(dst, is_dir=True, overwrite=bool(write_kwargs.get("overwrite"))) as tmp:
            stage = staging.Stage(tmp)
            n = staging.isolated(lambda: _write_chunks(found, stage, writer, dst, write_kwargs), events)
    except UnusualRecord:  # the staged folder is gone; the whole-file reader words the problem
        return None
    staging.report_summed(events)
    return Streamed(len(found.images), len(found.categories), n_annotations, n)


class UnusualRecord(Exception):
    """A record the streamed path leaves to the whole-file reader (which words the error)."""


def chunk_edges(
    counts: np.ndarray, max_images: int | None = None, max_annotations: int | None = None
) -> list[int]:
    """Image rows where chunks begin (and the end): at most ``max_images`` images (default
    :data:`CHUNK_IMAGES`) and ``max_annotations`` annotations (:data:`CHUNK_ANNOTATIONS`) each,
    but never less than one image."""
    max_images = max_images or CHUNK_IMAGES
    max_annotations = max_annotations or CHUNK_ANNOTATIONS
    cum = np.concatenate([[0], np.cumsum(counts)])
    edges, start, n = [0], 0, len(counts)
    while start < n:
        by_annotations = int(np.searchsorted(cum, cum[start] + max_annotations, side="right")) - 1
        stop = min(start + max_images, n, max(by_annotations, start + 1))
        edges.append(stop)
        start = stop
    return edges


#: One slice of records to parse: the byte ranges of its runs of consecutive records, and their count.
_Slice = tuple[list[tuple[int, int]], int]


@dataclass
class Chunk:
    """What one chunk's dataset is read from: its images, the shared tables, its records' byte ranges.

    Small (its images' rows and the byte ranges of its records), so it can be sent to another
    process that reads the file itself (:mod:`gtconvert.sharded`).
    """

    path: str | os.PathLike
    images: Images
    categories: list[Category]
    info: dict[str, Any]
    image_root: str
    slices: list[_Slice]
    splits: np.ndarray | None = None  # its images' splits, drawn over the whole dataset (--split)


def chunks(plan: Plan, max_images: int | None = None, max_annotations: int | None = None) -> Iterator[Chunk]:
    """The plan's chunks, in image order (bounded as :func:`chunk_edges`)."""
    edges, reads = _chunk_reads(plan, max_images, max_annotations)
    for k, slices in enumerate(reads):
        img = plan.images.take(np.arange(edges[k], edges[k + 1]))
        splits = None if plan.splits is None else plan.splits[edges[k] : edges[k + 1]]
        yield Chunk(plan.path, img, plan.categories, plan.info, plan.image_root, slices, splits)


def read_chunk(chunk: Chunk, fd: int) -> Dataset:
    """The dataset of ``chunk``, its records read from ``fd`` (the COCO file, opened unbuffered),
    in the stored frame as ``Format.read`` gives it; :class:`UnusualRecord` for a value of the
    wrong type (the whole-file reader words that error)."""
    from . import registry
    from .exif import after_read
    from .formats.coco.annotations import read_annotations
    from .imagefiles import header_scope

    frame = registry.get("coco").exif_frame()
    with gc_paused(), header_scope(frame) as seen:
        batches, count = _parsed(fd, chunk.slices)
        try:
            ann = read_annotations(batches, chunk.images, chunk.categories, chunk.path, count)
        except READ_FAILURES as exc:
            raise UnusualRecord from exc
        # what registry.Format.read does after the format's read: the EXIF frame
        dataset = Dataset(chunk.images, chunk.categories, ann, chunk.info, chunk.image_root)
        return after_read(dataset, frame, seen)


def _write_chunks(plan: Plan, stage: staging.Stage, writer: Any, dst: Any, write_kwargs: dict) -> int:
    """Read and write every chunk into the stage, then the dataset-wide files; the chunk count."""
    n = 0
    with open(plan.path, "rb", buffering=0) as f, staging.staged(stage):
        for chunk in chunks(plan):
            dataset = read_chunk(chunk, f.fileno())
            stage.part_splits = chunk.splits
            writer.write(dataset, dst, **write_kwargs)  # the Format's: its EXIF frame, then the format's
            del dataset, chunk  # before the next chunk is read
            n += 1
        stage.finish()
    return n


def _chunk_reads(plan: Plan, max_images: int | None, max_annotations: int | None) -> tuple[list[int], Any]:
    """The chunks' image edges, and for each chunk the slices of records to read.

    In the usual file (annotations listed image by image) every chunk is one run of records:
    all slices are computed now and the records' offsets (16 bytes per annotation) freed.
    Otherwise each chunk's records are picked from the offsets when it is read.
    """
    rows, span = plan.image_rows, plan.annotations
    grouped = bool(np.all(rows[1:] >= rows[:-1])) if len(rows) else True
    order = None if grouped else np.argsort(rows, kind="stable")
    edges = chunk_edges(np.bincount(rows, minlength=len(plan.images)), max_images, max_annotations)
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
