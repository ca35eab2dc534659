"""``gtconvert preview``: an overlay PNG and a thumbnail per image, and the ``index.html`` gallery.

The parent process cuts the dataset into per-image jobs (:class:`~.draw.ImageLabels`); worker
processes draw, encode and save them, a few batches in flight at a time, so memory is bounded
by the images being drawn and both cores encode PNGs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from .. import report
from ..errors import GtconvertError
from ..fileio import atomic_output
from ..model import Dataset
from ..png import save_rgb_png
from ..progress import progress
from .colors import category_colors
from .draw import DEFAULT_STYLE, ImageLabels, Style, label_text, render

OVERLAY_DIR, THUMB_DIR, INDEX = "overlays", "thumbs", "index.html"
THUMB_SIZE = 320
#: Images per task sent to a worker, and tasks in flight per worker.
_IMAGES_PER_TASK, _TASKS_IN_FLIGHT = 8, 3
_POOL_MIN_IMAGES = 16


@dataclass
class PreviewSummary:
    """What :func:`write_preview` wrote."""

    out: str
    images: int
    missing: int  # images drawn on a blank canvas because their file was not found
    objects: dict[str, int] = field(default_factory=dict)  # per category name


def image_path(dataset: Dataset, row: int, images: str | os.PathLike | None = None) -> str | None:
    """Where image ``row``'s file should be: its name under ``images`` (else the dataset's image folder)."""
    name = str(dataset.images.file_name[row])
    if not name:
        return None
    if os.path.isabs(name):
        return name
    root = os.fspath(images) if images is not None else dataset.image_root
    return os.path.join(root, name) if root else name


def image_labels(
    dataset: Dataset,
    row: int,
    rows: np.ndarray,
    colors: np.ndarray,
    images: str | os.PathLike | None = None,
) -> ImageLabels:
    """The drawing job of image ``row`` with its annotation rows ``rows``."""
    ann = dataset.annotations.take(rows)
    names = dataset.category_names()
    texts = [label_text(names[c], a) for c, a in zip(ann.category.tolist(), ann.attributes.tolist())]
    return ImageLabels(
        path=image_path(dataset, row, images),
        width=int(dataset.images.width[row]),
        height=int(dataset.images.height[row]),
        annotations=ann,
        colors=colors[ann.category] if len(ann) else np.zeros((0, 3), np.uint8),
        texts=texts,
    )


def select(
    dataset: Dataset, categories: Sequence[str] | None = None, limit: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The image rows to preview and, for each, its annotation rows (of ``categories`` if given).

    Without ``categories`` every image is shown, with or without objects; with them, only the
    images holding at least one object of those categories.
    """
    order, starts = dataset.image_order()
    ann = dataset.annotations
    wanted = np.ones(len(ann), dtype=bool)
    image_rows = np.arange(len(dataset.images))
    if categories:
        names = dataset.category_names()
        unknown = sorted(set(categories) - set(names))
        if unknown:
            raise GtconvertError(
                f"no category named {', '.join(map(repr, unknown))}",
                fix=f"choose from: {', '.join(names) or 'none (the dataset has no categories)'}",
            )
        keep = np.flatnonzero(np.isin(np.array(names, dtype=object), list(categories)))
        wanted = np.isin(ann.category, keep)
        hits = np.bincount(ann.image[wanted], minlength=len(dataset.images))
        image_rows = np.flatnonzero(hits > 0)
    if limit is not None:
        if limit < 0:
            raise GtconvertError(f"--limit must be 0 or more, not {limit}")
        image_rows = image_rows[:limit]
    per_image = []
    for r in image_rows.tolist():
        rows = order[starts[r] : starts[r + 1]]
        per_image.append(rows[wanted[rows]])
    return image_rows, per_image


def output_names(dataset: Dataset, image_rows: np.ndarray) -> list[str]:
    """``0001_<file stem>``: ordered, unique and safe as a file name whatever the source name."""
    digits = max(4, len(str(len(image_rows))))
    out = []
    for k, r in enumerate(image_rows.tolist(), 1):
        stem = Path(str(dataset.images.file_name[r]).replace("\\", "/")).stem
        out.append(f"{k:0{digits}d}_{_SAFE.sub('_', stem)[:80] or 'image'}")
    return out


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def write_preview(
    dataset: Dataset,
    out: str | os.PathLike,
    *,
    images: str | os.PathLike | None = None,
    limit: int | None = None,
    categories: Sequence[str] | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    style: Style = DEFAULT_STYLE,
    title: str = "",
) -> PreviewSummary:
    """Write ``out/overlays/*.png``, ``out/thumbs/*.jpg`` and ``out/index.html`` for ``dataset``.

    ``images`` is the folder of the image files (default: the dataset's own). Images whose file
    is not found are drawn on a blank canvas of their size (a warning counts them).
    """
    from . import gallery

    image_rows, per_image = select(dataset, categories, limit)
    colors = category_colors(dataset.categories)
    names = output_names(dataset, image_rows)

    def jobs() -> Iterator[tuple[str, ImageLabels]]:
        for name, r, rows in zip(names, image_rows.tolist(), per_image):
            yield name, image_labels(dataset, r, rows, colors, images)

    with atomic_output(out, is_dir=True, overwrite=overwrite) as tmp:
        (tmp / OVERLAY_DIR).mkdir()
        (tmp / THUMB_DIR).mkdir()
        found = np.zeros(len(names), dtype=bool)
        results = _run(jobs(), len(names), str(tmp), style, workers)
        for k, ok in progress(results, len(names), "preview"):
            found[k] = ok
        objects = gallery.write_index(
            tmp / INDEX, dataset, image_rows, per_image, names, found, colors, title=title or str(out)
        )
    missing = int(np.count_nonzero(~found))
    if missing:
        report.warn(
            "preview.images_missing",
            f"preview: {missing} of {len(names)} images not found; drawn on a blank canvas of their size",
            missing,
        )
    return PreviewSummary(out=os.fspath(out), images=len(names), missing=missing, objects=objects)


def _run(
    jobs: Iterator[tuple[str, ImageLabels]], n: int, folder: str, style: Style, workers: int | None
) -> Iterator[tuple[int, bool]]:
    """``(job index, image found)`` per job as each is saved, in a process pool when it pays."""
    workers = workers or os.cpu_count() or 1
    numbered = enumerate(jobs)
    if workers < 2 or n < _POOL_MIN_IMAGES:
        for k, (name, labels) in numbered:
            yield k, save_overlay(folder, name, labels, style)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set[Any] = set()
        while True:
            while len(pending) < workers * _TASKS_IN_FLIGHT:
                batch = list(islice(numbered, _IMAGES_PER_TASK))
                if not batch:
                    break
                pending.add(pool.submit(_save_batch, folder, batch, style))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()


def _save_batch(folder: str, batch: list[tuple[int, tuple[str, ImageLabels]]], style: Style) -> list:
    return [(k, save_overlay(folder, name, labels, style)) for k, (name, labels) in batch]


def save_overlay(folder: str, name: str, labels: ImageLabels, style: Style) -> bool:
    """Draw one image; save its overlay PNG and JPEG thumbnail. Returns whether the image was found."""
    image, found = render(labels, style)
    # PNG encoding was half of a preview's CPU with Pillow's adaptive filtering (png.py)
    save_rgb_png(image, os.path.join(folder, OVERLAY_DIR, name + ".png"))
    image.thumbnail((THUMB_SIZE, THUMB_SIZE))
    image.save(os.path.join(folder, THUMB_DIR, name + ".jpg"), quality=85)
    return found
