"""Writing a YOLO folder: label files, images, ``data.yaml`` and the sidecar, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ... import imagefiles, report, sidecar, staging
from ...errors import GtconvertError
from ...fileio import safe_relative
from ...model import Dataset
from ...ops.splits import require_split, split_images
from .._image_copies import copy_images_or_warn
from .datayaml import SPLIT_NAMES, write_data_yaml
from .paths import label_paths
from .pose import add_to_data_yaml
from .rows import choose_task, row_values, rows_to_write
from .text import format_labels


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    task: str | None = None,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    split_by: str | None = None,
    crowd: str = "keep",
    link_images: bool = False,
) -> None:
    """Write ``dataset`` as an Ultralytics YOLO folder (atomically).

    ``task``: detect, segment or obb (default: segment when there are polygons or masks, obb
    when there are rotated boxes, else detect). ``split``: e.g. ``{"train": 0.8, "val": 0.2}``,
    drawn reproducibly with ``seed``; ``split_by`` (video, folder, attribute:NAME) keeps each
    group in one split (:mod:`gtconvert.ops.splits`). ``crowd``: ``keep`` (default; crowd objects
    become ordinary rows, as trainers have no crowd flag) or ``skip``; either is said in a warning.
    ``link_images``: hard-link the images instead of copying them.
    """
    ann = dataset.annotations
    task = choose_task(ann, task)
    width, height = imagefiles.known_sizes(dataset, target="YOLO")
    rows = rows_to_write(ann, crowd, task)
    rel, split_of = _image_paths(dataset, split, seed, split_by)
    label_rel = label_paths(rel)

    row_start, coords, rows, clipped = row_values(dataset, rows, task, width, height)
    report.warn(
        "yolo.clipped",
        f"YOLO: {clipped} objects reached outside their image and were clipped to it",
        clipped,
    )

    out = Path(path)
    with staging.output(out, overwrite=overwrite) as tmp:  # a stage when streamed or sharded (staging.py)
        folder = os.path.join(tmp, "")  # label_paths are relative to the dataset folder
        upper = 2.0 if task == "pose" else 1.0  # pose rows end in visibilities 0/1/2
        for first, texts in format_labels(dataset, rows, row_start, coords, upper):  # chunk by chunk
            imagefiles.write_texts([(folder + lr, t) for lr, t in zip(label_rel[first:], texts)])
        images = os.path.join(tmp, "images", "")
        copy_images_or_warn(
            dataset,
            [(i, images + r) for i, r in enumerate(rel)],
            fmt="YOLO",
            kept="labels written",
            under="images/",
            link=link_images,
        )
        staging.dataset_files(
            write_data_yaml, tmp, out, dataset, rel=rel, split_of=split_of, concat=("rel", "split_of")
        )
        if task == "pose":
            add_to_data_yaml(Path(tmp), dataset, rows)
        order = np.argsort(ann.image[rows], kind="stable")
        rows_sorted = rows[order]
        staging.dataset_files(
            sidecar.write,
            tmp,
            concat=staging.SIDECAR_COLUMNS,
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


def _image_paths(
    dataset: Dataset, split: dict[str, float] | None, seed: int | None, split_by: str | None
) -> tuple[list[str], np.ndarray]:
    """Each image's path under ``images/`` and its split name ("" for none)."""
    img = dataset.images
    names = [
        safe_relative(n, record=f"image id {i}") for n, i in zip(img.file_name.tolist(), img.id.tolist())
    ]
    require_split(split, split_by)
    if split is not None:
        bad = sorted(set(split) - set(SPLIT_NAMES))
        if bad:
            raise GtconvertError(
                f"YOLO splits are train, val and test, not {', '.join(bad)}",
                fix="e.g. --split train=0.8,val=0.2",
            )
        if "train" not in split:
            raise GtconvertError("a YOLO split needs 'train'", fix="e.g. --split train=0.8,val=0.2")
        split_of = split_images(dataset, split, seed, split_by)
        return [f"{s}/{n}" for s, n in zip(split_of, names)], split_of
    split_of = np.array(
        [(e or {}).get("split", "") if isinstance(e, dict) else "" for e in img.extra], dtype=object
    )
    split_of[~np.isin(split_of, SPLIT_NAMES)] = ""
    return names, split_of
