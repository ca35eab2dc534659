"""One output written in parts: the stage that streamed and sharded conversions give the writers.

A folder writer (YOLO, VOC) asks :func:`output` for its folder and hands its dataset-wide
files (``data.yaml``, ``ImageSets``, the sidecar) to :func:`dataset_files`. Outside a stage
both do the ordinary thing: an atomic output folder, the file written now. Inside one, the
writer runs once per part (a chunk of images in :mod:`gtconvert.stream`, a shard on a Dask
worker in :mod:`gtconvert.sharded`): every part writes its per-image files into the stage's
folder, and the dataset-wide files are deferred, their per-image and per-row columns kept, to
be written once from the joined columns after the last part (:meth:`Stage.finish`).

A deferred call never holds the stage's folder itself but a placeholder, so the calls of a
part written in another process (another machine) can be joined with the others and written
into whichever folder the parts end up in (:func:`join`).

The warnings of the parts are collected apart (:func:`isolated`) and reported once, summed
per code (:func:`report_summed`), as a single pass would count them.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from . import report
from .errors import GtconvertWarning
from .fileio import atomic_output
from .model import Annotations, Dataset, Images

#: The sidecar's per-image and per-row columns (:func:`gtconvert.sidecar.write`), joined over parts.
SIDECAR_COLUMNS = (
    "file_names", "image_ids", "widths", "heights", "rows_per_image", "ann_ids", "ann_kinds", "ann_iscrowd",
)  # fmt: skip

_T = TypeVar("_T")


class _Folder:
    """Stands for the stage's folder in a deferred call (the folder differs per process)."""

    def __repr__(self) -> str:
        return "<stage folder>"

    def __reduce__(self) -> str:
        return "STAGE_FOLDER"  # one instance per process, also after pickling


STAGE_FOLDER = _Folder()


@dataclass(frozen=True)
class _InStage:
    """Stands for a path inside the stage's folder in a deferred call."""

    relative: str


@dataclass
class Deferred:
    """A dataset-wide file to write: the call's arguments, and its per-image columns in parts."""

    args: tuple
    same: dict[str, Any]
    parts: dict[str, list]


@dataclass
class Stage:
    """The folder the parts are written into, and the deferred dataset-wide files."""

    folder: Path
    deferred: dict[Callable, Deferred] = field(default_factory=dict)
    #: The split of each image of the part being written, drawn over the whole dataset (``--split``)
    part_splits: np.ndarray | None = None

    def defer(self, fn: Callable, args: tuple, kwargs: dict[str, Any], concat: tuple[str, ...]) -> None:
        entry = self.deferred.get(fn)
        if entry is None:
            same = {k: self._kept(v) for k, v in kwargs.items() if k not in concat}
            entry = self.deferred[fn] = Deferred(tuple(map(self._kept, args)), same, {k: [] for k in concat})
        for key in concat:
            entry.parts[key].append(kwargs[key])

    def _kept(self, value: Any) -> Any:
        """An argument as deferred: the folder and paths in it as placeholders, a Dataset without its rows."""
        if isinstance(value, (str, os.PathLike)):
            text, folder = os.fspath(value), os.fspath(self.folder)
            if text == folder:
                return STAGE_FOLDER
            if text.startswith(os.path.join(folder, "")):
                return _InStage(os.path.relpath(text, folder))
        if isinstance(value, Dataset):  # keep its categories and metadata, not the part's columns
            return Dataset(
                Images.create([]), value.categories, Annotations.empty(), value.info, value.image_root
            )
        return value

    def finish(self) -> None:
        """Write every deferred file into the folder, from its columns joined over the parts."""
        for fn, entry in self.deferred.items():
            joined = {}
            for key in list(entry.parts):  # each column's parts freed once joined: 10 M ids are 80 MB
                joined[key] = _joined(entry.parts.pop(key))
            args = [self._resolved(a) for a in entry.args]
            same = {k: self._resolved(v) for k, v in entry.same.items()}
            fn(*args, **same, **joined)
            del joined

    def _resolved(self, value: Any) -> Any:
        if value is STAGE_FOLDER:
            return self.folder
        if isinstance(value, _InStage):
            return self.folder / value.relative
        return value


def join(folder: Path, parts: Iterable[dict[Callable, Deferred]]) -> Stage:
    """A stage on ``folder`` holding the deferred files of ``parts`` (in order), columns appended."""
    stage = Stage(folder)
    for deferred in parts:
        for fn, entry in deferred.items():
            mine = stage.deferred.get(fn)
            if mine is None:
                stage.deferred[fn] = Deferred(
                    entry.args, entry.same, {k: list(v) for k, v in entry.parts.items()}
                )
            else:
                for key, values in entry.parts.items():
                    mine.parts[key].extend(values)
    return stage


_stage: contextvars.ContextVar[Stage | None] = contextvars.ContextVar("gtconvert_stage", default=None)


@contextlib.contextmanager
def staged(stage: Stage) -> Iterator[Stage]:
    """Inside the block, writers write into ``stage`` (:func:`output`, :func:`dataset_files`)."""
    token = _stage.set(stage)
    try:
        yield stage
    finally:
        _stage.reset(token)


def output(path: str | os.PathLike, *, overwrite: bool = False) -> contextlib.AbstractContextManager[Path]:
    """A folder writer's output: ``fileio.atomic_output(path)``, or the folder of the current stage."""
    stage = _stage.get()
    if stage is None:
        return atomic_output(path, is_dir=True, overwrite=overwrite)
    return contextlib.nullcontext(stage.folder)


def planned_splits(n_images: int) -> np.ndarray | None:
    """The split of each image of the part being written, when it was drawn over the whole
    dataset before the parts (:func:`gtconvert.ops.splits.split_images` returns it); else None."""
    stage = _stage.get()
    if stage is None or stage.part_splits is None:
        return None
    if len(stage.part_splits) != n_images:
        raise RuntimeError(f"{len(stage.part_splits)} planned splits for a part of {n_images} images")
    return stage.part_splits


def dataset_files(fn: Callable[..., None], *args: Any, concat: tuple[str, ...] = (), **kwargs: Any) -> None:
    """Write a dataset-wide file now: ``fn(*args, **kwargs)``; in a stage, once after the last part.

    ``concat`` names the keyword arguments that hold one value per image or per written row
    (lists or arrays, in file order): a stage joins them over the parts. The other arguments
    are the first part's (they must not depend on the part: paths, categories); a
    :class:`Dataset` among them is kept without its images and annotations.
    """
    stage = _stage.get()
    if stage is None:
        fn(*args, **kwargs)
    else:
        stage.defer(fn, args, kwargs, concat)


def _joined(parts: list) -> Any:
    if parts and isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return list(itertools.chain.from_iterable(parts))


# ---- warnings ---------------------------------------------------------------------------------


def isolated(fn: Callable[[], _T], events: list[report.Event]) -> _T:
    """Run ``fn`` with its warnings collected in ``events`` instead of reported.

    It runs in a fresh context, where the caller's reports are not active: each part's
    events are summed per code afterwards, as one pass would have counted them.
    """

    def run() -> _T:
        with report.Report() as collected, warnings.catch_warnings():
            warnings.simplefilter("ignore", GtconvertWarning)
            try:
                return fn()
            finally:
                events.extend(collected.events)

    return contextvars.Context().run(run)


def report_summed(events: list[report.Event]) -> None:
    """One warning per code: counts summed, examples joined, the count in the message made the sum.

    So a part's message holds one number that adds up, its count (the writers word them so).
    """
    by_code: dict[str, list[report.Event]] = {}
    for e in events:
        by_code.setdefault(e.code, []).append(e)
    for code, same in by_code.items():
        total, last = sum(e.count for e in same), same[-1]
        message = re.sub(rf"(?<![\d.]){last.count}(?![\d.])", str(total), last.message, count=1)
        examples = list(dict.fromkeys(x for e in same for x in e.examples))[:5]
        report.warn(code, message, total, examples)
