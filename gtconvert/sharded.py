"""A conversion run as a Dask bag over image shards: the optional ``dask`` extra.

``pip install "gtconvert[dask]"``, then ``gtconvert convert big.json out --to yolo --dask local``
(or ``--dask tcp://scheduler:8786``, or ``gtconvert.convert(..., dask=client)``). Every writer's
per-image files depend on one image and the dataset-wide tables only, so images are the shard
(docs/scale.md, "Beyond one machine"):

1. **Plan** (here): a COCO file is planned as :mod:`gtconvert.stream` plans it (the image
   table, the categories, the byte ranges of each shard's records), so its annotations are
   never whole in this process; any other source is read whole and cut into datasets of its
   images. YOLO's task (and whether masks writes instance masks) is fixed here, for all
   shards, as a single pass would choose it.
2. **Map** (``dask.bag``, one task per shard): each task builds its shard's dataset (reading
   its records from the COCO file itself, on storage every worker sees) and runs **the same
   writer** into a folder of its own inside the output's temporary folder, in a stage
   (:mod:`gtconvert.staging`): it writes the per-image files and returns the dataset-wide files
   deferred (with their per-image columns) and its warnings.
3. **Reduce** (here): every shard's files are renamed into the temporary folder, in shard order
   (a file two shards wrote is an error, never a silent replacement); the dataset-wide files
   are written once from the shards' joined columns; the warnings are summed per code; the
   folder is renamed into place by :func:`gtconvert.fileio.atomic_output`. The output appears
   whole or not at all, and is byte-identical to the single-process conversion
   (tests/test_sharded.py compares every file on a ``LocalCluster``).

``--split`` is drawn here over every image, as the single pass draws it, and each shard's writer
is given its images' share (:func:`gtconvert.staging.planned_splits`). The options that need
every image at once (``--split-by attribute:NAME``, ``--exif``, ``--exif-frame``, YOLO pose) are
refused with ``--dask``, as they keep the single pass when streamed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import report, staging, stream
from .errors import GtconvertError
from .fileio import atomic_output, rename_no_replace
from .model import Dataset

#: Images per shard unless told: a shard's columns and its writer's temporaries stay small.
SHARD_IMAGES = 10_000
#: The formats written in shards (their writers write through :mod:`gtconvert.staging`).
WRITERS = ("yolo", "voc", "masks")
#: Where the shards write, inside the output's temporary folder (gone before it is renamed).
SHARDS_FOLDER = ".gtconvert-shards"
#: Made in the shards' folder by a task that failed: the tasks not yet started skip their work.
ABANDONED = "abandoned"
#: Seconds to wait for a scheduler given by its address.
CONNECT_TIMEOUT = 30
#: Scheduler names dask knows itself (no cluster needed).
_DASK_SCHEDULERS = ("threads", "processes", "sync", "synchronous", "single-threaded")


@dataclass(frozen=True)
class Sharded:
    """What a sharded conversion wrote."""

    images: int
    categories: int
    annotations: int
    shards: int

    def __repr__(self) -> str:
        return (
            f"Dataset({self.images} images, {self.categories} categories, {self.annotations} annotations; "
            f"written in {self.shards} shards)"
        )


@dataclass
class _Job:
    """One shard's task: its part of the dataset, and where and how to write it."""

    index: int
    part: stream.Chunk | Dataset  # records still to read from the COCO file, or the dataset itself
    writer: str
    dst: str
    write_kwargs: dict[str, Any]
    folder: str
    splits: np.ndarray | None = None  # its images' splits, drawn over the whole dataset (--split)


@dataclass
class _Failed:
    """What a shard's task returns when it failed (``error``), or was skipped after another failed (None)."""

    index: int
    error: BaseException | None


@dataclass
class _Written:
    """What a shard's task returns: its deferred dataset-wide files and its warnings."""

    index: int
    deferred: dict
    events: list[report.Event]
    annotations: int


def check_options(writer: Any, write_kwargs: dict[str, Any]) -> None:
    """Refuse what a sharded conversion cannot do, before anything is read."""
    if writer.name not in WRITERS:
        raise GtconvertError(
            f"--dask writes {', '.join(WRITERS[:-1])} or {WRITERS[-1]}, not {writer.name}",
            fix="convert without --dask",
        )
    if write_kwargs.get("task") == "pose":  # its data.yaml lines are not written through the stage yet
        raise GtconvertError("YOLO pose cannot be sharded yet", fix="convert without --dask")
    option = stream.whole_dataset_option(write_kwargs)
    if option is not None:
        raise GtconvertError(
            f"{option} needs every image at once and cannot be sharded",
            fix=f"convert without --dask, or without {option}",
        )


def convert(
    src: str | os.PathLike,
    dst: str | os.PathLike,
    reader: Any,
    writer: Any,
    read_kwargs: dict[str, Any],
    write_kwargs: dict[str, Any],
    *,
    scheduler: Any = None,
    shard_images: int | None = None,
) -> Sharded:
    """Convert ``src`` to ``dst`` in shards of ``shard_images`` images on ``scheduler``.

    ``scheduler``: a ``distributed.Client``, a scheduler address (``tcp://host:8786``),
    ``"local"`` (a ``LocalCluster`` of this machine's cores, for this conversion), a dask
    scheduler name (``"processes"``, ``"threads"``, ``"sync"``), or None for dask's default
    (the active ``Client`` if there is one). The formats and options are routed and checked,
    and the output checked, by :func:`gtconvert.convert`, which calls this.
    """
    check_options(writer, write_kwargs)
    size = _shard_size(shard_images)
    with _scheduler(scheduler) as chosen:  # reached (or started) before anything is read
        parts, write_kwargs, counts = _plan(src, reader, writer, read_kwargs, write_kwargs, size)
        try:
            written = _write(parts, dst, writer.name, write_kwargs, chosen)
        except stream.UnusualRecord:  # a value of the wrong type in a record: the whole-file reader words it
            reader.read(src, **read_kwargs)
            raise GtconvertError(
                "a record could not be read", file=src, fix="convert without --dask"
            ) from None
    staging.report_summed([e for w in written for e in w.events])
    return Sharded(counts[0], counts[2], counts[1], len(parts))


def _write(
    parts: list, dst: str | os.PathLike, writer: str, write_kwargs: dict, scheduler: Any
) -> list[_Written]:
    """Every part written by its task into the output's temporary folder, merged, the
    dataset-wide files written, the folder renamed into place; what each task returned."""
    with atomic_output(dst, is_dir=True, overwrite=bool(write_kwargs.get("overwrite"))) as tmp:
        jobs = [
            _Job(
                k,
                part,
                writer,
                os.fspath(dst),
                write_kwargs,
                os.fspath(tmp / SHARDS_FOLDER / f"{k:06d}"),
                splits,
            )
            for k, (part, splits) in enumerate(parts)
        ]
        (tmp / SHARDS_FOLDER).mkdir()
        results = _run(jobs, scheduler)
        _first_failure(results)
        written = sorted((r for r in results if isinstance(r, _Written)), key=lambda w: w.index)
        _merge(tmp, [Path(j.folder) for j in jobs], dst)
        staging.join(tmp, [w.deferred for w in written]).finish()
    return written


def _shard_size(shard_images: int | None) -> int:
    if shard_images is None:
        return SHARD_IMAGES
    if isinstance(shard_images, bool) or not isinstance(shard_images, int) or shard_images < 1:
        raise GtconvertError(f"--shard-images {shard_images} is not a positive whole number")
    return shard_images


def _plan(
    src: Any, reader: Any, writer: Any, read_kwargs: dict, write_kwargs: dict, size: int
) -> tuple[list[tuple[Any, np.ndarray | None]], dict, tuple[int, int, int]]:
    """The shards' parts with their images' splits, the write options with YOLO's task fixed,
    and (images, annotations, categories)."""
    if reader.name == "coco" and os.path.isfile(src) and not set(read_kwargs) - {"images"}:
        found = stream.plan(src, read_kwargs.get("images"), writer.name, write_kwargs)
        if found is not None:
            counts = (len(found.images), len(found.image_rows), len(found.categories))
            parts = [(chunk, chunk.splits) for chunk in stream.chunks(found, size)]
            return parts, found.write_options(write_kwargs), counts
    return dataset_parts(reader.read(src, **read_kwargs), writer, write_kwargs, size)


def dataset_parts(
    dataset: Dataset, writer: Any, write_kwargs: dict, size: int
) -> tuple[list[tuple[Dataset, np.ndarray | None]], dict, tuple[int, int, int]]:
    """A dataset read whole, cut into parts of consecutive images with their splits; the write
    options with what a part cannot decide alone fixed from the whole dataset (YOLO's task,
    whether masks writes instance masks); and (images, annotations, categories)."""
    if writer.name == "yolo":
        from .formats.yolo.rows import choose_task

        write_kwargs = {**write_kwargs, "task": choose_task(dataset.annotations, write_kwargs.get("task"))}
        check_options(writer, write_kwargs)  # a pose dataset, now that its task is known
    if writer.name == "masks" and write_kwargs.get("instances") is None:
        from .formats.masks.writer import default_instances  # a part of pixel labels only has no objects

        write_kwargs = {**write_kwargs, "instances": default_instances(dataset.annotations)}
    splits = None
    if write_kwargs.get("split") is not None:  # drawn over every image, as the single pass draws it
        from .ops.splits import split_images

        splits = split_images(
            dataset, write_kwargs["split"], write_kwargs.get("seed"), write_kwargs.get("split_by")
        )
    counts = (len(dataset.images), len(dataset.annotations), len(dataset.categories))
    parts = [
        (part, None if splits is None else splits[lo:hi]) for part, lo, hi in _image_ranges(dataset, size)
    ]
    return parts, write_kwargs, counts


def _image_ranges(dataset: Dataset, size: int) -> Iterator[tuple[Dataset, int, int]]:
    """``dataset`` cut into datasets of consecutive images (bounded as the streamed chunks), with
    the range of image rows of each."""
    order, starts = dataset.image_order()
    edges = stream.chunk_edges(np.diff(starts), size)
    for lo, hi in itertools.pairwise(edges):
        ann = dataset.annotations.take(np.sort(order[starts[lo] : starts[hi]]))
        ann.image = ann.image - lo
        yield dataset.replace(images=dataset.images.take(np.arange(lo, hi)), annotations=ann), lo, hi


# ---- the tasks --------------------------------------------------------------------------------


def _run(jobs: list[_Job], scheduler: Any) -> list[_Written | _Failed]:
    """Every job as one task of a dask bag, on ``scheduler`` (as :func:`_scheduler` gives it)."""
    import dask.bag

    if not jobs:
        return []
    bag = dask.bag.from_sequence(jobs, npartitions=len(jobs)).map(write_shard)
    return bag.compute(scheduler=scheduler) if scheduler is not None else bag.compute()


@contextlib.contextmanager
def _scheduler(scheduler: Any) -> Iterator[Any]:
    """What ``compute(scheduler=...)`` takes for ``scheduler``; a client made here is closed after."""
    try:
        import dask.bag  # noqa: F401  # the extra is there, before anything is read
    except ImportError:
        raise GtconvertError(
            "--dask needs dask", fix='pip install "gtconvert[dask]", or convert without --dask'
        ) from None
    if scheduler is None or not isinstance(scheduler, str) or scheduler in _DASK_SCHEDULERS:
        yield scheduler
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise GtconvertError(
            f"--dask {scheduler} needs distributed", fix='pip install "gtconvert[dask]"'
        ) from None
    if scheduler == "local":
        try:
            local = LocalCluster(threads_per_worker=1, processes=True, dashboard_address=None)
        except RuntimeError as exc:  # e.g. "Nanny failed to start": a script re-run by each spawned worker
            raise GtconvertError(
                f"could not start a local Dask cluster ({exc})",
                fix="in a script, call gtconvert.convert under if __name__ == '__main__': (Dask spawns "
                "its workers, which import the script again)",
            ) from None
        with local as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GtconvertError(
            f"cannot reach the Dask scheduler {scheduler}: {exc}",
            fix="start it (dask scheduler), or give local, threads or processes",
        ) from None
    with client:
        yield client


def write_shard(job: _Job) -> _Written | _Failed:
    """A shard's task (on a worker): its dataset written into its folder, the rest deferred.

    It never raises: a failure is returned (and marks the conversion abandoned, so that the
    shards not yet started return at once). Every task has then ended when ``compute`` returns,
    so none writes into the temporary output after the client has removed it.
    """
    from . import registry

    folder = Path(job.folder)
    abandoned = folder.parent / ABANDONED
    if abandoned.exists():
        return _Failed(job.index, None)
    try:
        shutil.rmtree(folder, ignore_errors=True)  # a task run again after a lost worker starts clean
        folder.mkdir(parents=True)
        writer = registry.get(job.writer)
        stage = staging.Stage(folder, part_splits=job.splits)
        events: list[report.Event] = []

        def write() -> int:
            part = job.part
            if isinstance(part, stream.Chunk):
                with open(part.path, "rb", buffering=0) as f:
                    part = stream.read_chunk(part, f.fileno())
            with staging.staged(stage):
                writer.write(part, job.dst, **job.write_kwargs)
            return len(part.annotations)

        n = staging.isolated(write, events)
    except Exception as exc:
        abandoned.touch()
        shutil.rmtree(folder, ignore_errors=True)
        return _Failed(job.index, exc)
    return _Written(job.index, stage.deferred, events, n)


def _first_failure(results: list[_Written | _Failed]) -> None:
    """Raise the error of the first shard that failed (in shard order), if one did."""
    failed = [r for r in results if isinstance(r, _Failed) and r.error is not None]
    if failed:
        raise min(failed, key=lambda r: r.index).error  # type: ignore[misc]


# ---- the merge ----------------------------------------------------------------------------------


def _merge(tmp: Path, folders: list[Path], dst: str | os.PathLike) -> None:
    """Every shard folder's files renamed into ``tmp``, in shard order; then the shard folders removed."""
    for folder in folders:
        _move_tree(folder, tmp, Path(dst))
    shutil.rmtree(tmp / SHARDS_FOLDER, ignore_errors=True)


def _move_tree(src: Path, dst: Path, shown: Path) -> None:
    """Move ``src``'s entries into ``dst`` (``shown`` in messages): a folder ``dst`` lacks in one
    rename, the files of one it has one by one."""
    for entry in os.scandir(src):
        target = dst / entry.name
        if entry.is_dir(follow_symlinks=False) and target.is_dir():
            _move_tree(Path(entry.path), target, shown / entry.name)
            continue
        try:
            rename_no_replace(Path(entry.path), target)
        except GtconvertError:
            raise GtconvertError(
                "two shards wrote this file (two images of the dataset write the same file)",
                file=shown / entry.name,
                fix="convert without --dask: the single pass names both images",
            ) from None
