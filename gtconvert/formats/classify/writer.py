"""Writing classification folders: images by their tags, or crops of objects, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ... import report
from ...errors import GtconvertError
from ...fileio import atomic_output, safe_relative
from ...model import Dataset, Kind
from ...ops.splits import require_split, source_splits, split_images
from .._common import axis_aligned_boxes, writable
from .._image_copies import copy_images_or_warn
from .crops import crop_jobs, write_crops
from .layout import SPLIT_NAMES, class_folders


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    crops: bool = False,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    split_by: str | None = None,
    link_images: bool = False,
) -> None:
    """Write ``<split>/<class>/`` folders (atomically).

    ``crops``: one PNG per object (its box, clipped to the image) instead of whole images by
    their image-level tags. ``split``/``seed``/``split_by``: as for YOLO (Ultralytics' classify
    task needs ``train`` and ``val``); without them the source's own split, if any, else none.
    ``link_images``: hard-link the images instead of copying them (not the crops: new files).
    """
    names = [
        safe_relative(n, record=f"image id {i}")
        for n, i in zip(dataset.images.file_name.tolist(), dataset.images.id.tolist())
    ]
    folders = class_folders(dataset.category_names())
    require_split(split, split_by)
    targets = names
    if split is not None:
        split_of = split_images(dataset, split, seed, split_by)
    else:
        targets, split_of = source_splits(names, dataset.images.extra, SPLIT_NAMES)
    with atomic_output(Path(path), is_dir=True, overwrite=overwrite) as tmp:
        if crops:
            _write_crops(dataset, names, targets, folders, split_of, Path(tmp))
        else:
            _write_tagged(dataset, names, targets, folders, split_of, Path(tmp), link_images)
        _every_class_in_every_split(Path(tmp), split_of)


def _every_class_in_every_split(tmp: Path, split_of: np.ndarray) -> None:
    """A class with images in one split gets its folder in every split, empty where it has none:
    Ultralytics takes the class names from train's folders and ImageFolder indexes each split's
    own sorted folders, so a class missing from one split would shift the indices of the classes
    after it there (an empty folder needs ImageFolder's ``allow_empty=True``, which Ultralytics
    passes). A class without any image gets no folder, so an output without splits is unchanged."""
    splits = sorted({s for s in split_of.tolist() if s})
    roots = [tmp / s for s in splits if (tmp / s).is_dir()]
    classes = {p.name for root in roots for p in root.iterdir() if p.is_dir()}
    for split in splits:
        for folder in classes:
            (tmp / split / folder).mkdir(parents=True, exist_ok=True)


def _prefix(split: str, folder: str) -> str:
    return f"{split}/{folder}/" if split else f"{folder}/"


def _write_tagged(
    dataset: Dataset,
    names: list[str],
    targets: list[str],
    folders: list[str],
    split_of: np.ndarray,
    tmp: Path,
    link: bool,
) -> None:
    """Each image into the folder of each of its tags."""
    ann = dataset.annotations
    is_tag = ann.kind == Kind.TAG
    objects = int(np.count_nonzero(~is_tag))
    if objects and not is_tag.any():
        raise GtconvertError(
            f"no image-level labels to classify by ({objects} objects)",
            fix="add --crops to write one image per object",
        )
    report.warn(
        "classify.objects_not_written",
        f"classify: {objects} objects not written (only image-level labels name a class); "
        "--crops writes one image per object",
        objects,
    )
    pairs = np.unique(np.stack([ann.image[is_tag], ann.category[is_tag]]), axis=1)
    per_image = np.bincount(pairs[0], minlength=len(names))
    unlabelled = int(np.count_nonzero(per_image == 0))
    report.warn(
        "classify.unlabelled",
        f"classify: {unlabelled} images have no image-level label; not written",
        unlabelled,
    )
    several = int(np.count_nonzero(per_image > 1))
    report.warn(
        "classify.multi_label",
        f"classify: {several} images have several labels; written once into each of their class folders",
        several,
    )
    out = f"{tmp}/"
    tag_folders: dict[int, set[str]] = {}
    for i, c in zip(pairs[0].tolist(), pairs[1].tolist()):
        tag_folders.setdefault(i, set()).add(folders[c])
    copies = [
        (i, out + _prefix(split_of[i], folders[c]) + _within_class(targets[i], tag_folders[i]))
        for i, c in zip(pairs[0].tolist(), pairs[1].tolist())
    ]
    copy_images_or_warn(
        dataset, copies, fmt="classify", kept="not written", under=None, names=names, link=link
    )


def _within_class(target: str, own_folders: set[str]) -> str:
    """An image's path inside a class folder. A path that already starts with the folder of one
    of the image's own classes (a classification layout read back: ``cat/1.jpg``, tagged cat
    and dog) loses that folder, so writing it again gives ``cat/1.jpg`` and ``dog/1.jpg``."""
    first, sep, rest = target.partition("/")
    return rest if sep and first in own_folders else target


def _write_crops(
    dataset: Dataset,
    names: list[str],
    targets: list[str],
    folders: list[str],
    split_of: np.ndarray,
    tmp: Path,
) -> None:
    """One PNG per object: its axis-aligned box, clipped to the image."""
    ann = dataset.annotations
    rows = np.flatnonzero(
        writable(ann, "classify", "classify crops", lacks="they have no box to crop", keep_with="matlab")
    )
    if not _images_known(dataset, len(rows)):
        return
    boxes = axis_aligned_boxes(dataset, rows)
    jobs = crop_jobs(
        dataset, rows, boxes, names, targets, [_prefix(s, "") for s in split_of], folders, str(tmp)
    )
    missing, empty = write_crops(jobs)
    report.warn(
        "classify.images_missing",
        f"classify: {missing} images not found under {dataset.image_root}; their objects not cropped",
        missing,
    )
    report.warn(
        "classify.empty_crop", f"classify: {empty} objects cover no pixel of their image; not written", empty
    )


def _images_known(dataset: Dataset, count: int) -> bool:
    if dataset.image_root:
        return True
    report.warn(
        "classify.images_missing",
        f"classify: {count} images not written (their folder is unknown; pass --images DIR when reading)",
        count,
    )
    return False
