"""Writing in a format's EXIF frame, or baking upright images (``--exif bake``).

:func:`write_in_frame` is the registry's writing path (:meth:`gtconvert.registry.Format.write`):
the labels turned into the writer's frame (:mod:`gtconvert.exif`), or, baked, written with
upright copies of the images (pixels turned, tag removed) and labels in their frame.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import report
from .errors import GtconvertError
from .exif import DISPLAYED, STORED, image_paths, to_displayed, to_frame, with_tags_noted
from .model import Dataset

#: ``--exif``: keep the images as they are (labels in the format's frame), or bake them upright.
EXIF_MODES = ("keep", "bake")


# ---- baking: upright images, tags removed ------------------------------------------------------


def baked(dataset: Dataset) -> Dataset:
    """The dataset as it is once its images are upright: the displayed frame, every tag 1."""
    ds = to_displayed(dataset)
    images = type(ds.images)(**{**vars(ds.images), "orientation": np.ones(len(ds.images), np.int64)})
    return ds.replace(images=images)


#: JPEG quality of re-encoded upright images (Pillow cannot turn a JPEG losslessly).
JPEG_QUALITY = 95


def bake_images(dataset: Dataset, folder: str | os.PathLike, *, link: bool = False) -> int:
    """Write every image of ``dataset`` under ``folder`` (same relative names), tagged ones upright.

    Untagged images are copied as they are (hard-linked with ``link``: a staging folder, or
    ``--link-images``); tagged ones are turned by Pillow's
    ``exif_transpose`` (which also removes the tag) and saved in their own format, JPEG at
    quality :data:`JPEG_QUALITY` with the same chroma subsampling, EXIF and ICC profile.
    Returns how many images were not found (a warning counts them).
    """
    from concurrent.futures import ThreadPoolExecutor

    from .fileio import link_or_copy, safe_relative
    from .imagefiles import copy_file

    jobs = []
    missing = 0
    tags = dataset.images.orientation.tolist()
    for path, name, tag in zip(image_paths(dataset), dataset.images.file_name.tolist(), tags):
        if path is None:
            continue
        if not os.path.isfile(path):
            missing += 1
            continue
        jobs.append((path, os.path.join(folder, safe_relative(str(name))), tag))
    with ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:  # Pillow decodes without the GIL
        place = link_or_copy if link else copy_file
        list(pool.map(lambda job: _bake_one(*job) if job[2] > 1 else place(*job[:2]), jobs))
    report.warn(
        "exif.bake_missing",
        f"--exif bake: {missing} images not found; no upright copy of them written",
        missing,
    )
    return missing


def _bake_one(src: str, dst: str, tag: int) -> None:
    from PIL import Image, ImageOps

    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    with Image.open(src) as im:
        fmt = im.format
        options: dict[str, Any] = {}
        if fmt == "JPEG":
            from PIL import JpegImagePlugin

            options = {"quality": JPEG_QUALITY, "subsampling": JpegImagePlugin.get_sampling(im)}
        if im.info.get("icc_profile"):
            options["icc_profile"] = im.info["icc_profile"]
        upright = ImageOps.exif_transpose(im)  # turned; the tag is removed from its EXIF
        exif = upright.getexif()
        exif.pop(0x0112, None)
        options["exif"] = exif.tobytes()
        if options.get("subsampling", 0) < 0:
            del options["subsampling"]
        upright.save(dst, format=fmt, **options)


# ---- writing ------------------------------------------------------------------------------------


def write_in_frame(
    fmt: Any,
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    frame: str,
    mode: str | None,
    carries_images: bool,
    options: dict,
) -> None:
    """Write ``dataset`` (stored frame) with ``fmt``: labels in ``frame``, or baked upright.

    ``mode`` "bake" (``--exif bake``) writes upright images and labels in their frame, so that
    every consumer agrees whatever it does with tags. A writer that carries the images gets the
    upright ones in their place (``carries_images``: a staging folder beside the output, linked
    into it); one that only names them (COCO, MATLAB, OpenLABEL) gets them in ``images/`` beside its output.
    """
    from .imagefiles import header_scope

    mode = mode or "keep"
    if mode not in EXIF_MODES:
        raise GtconvertError(f"--exif {mode} is not known", fix=f"use one of: {', '.join(EXIF_MODES)}")
    note = dataset.info.get("exif")
    if note:
        dataset = dataset.replace(info={k: v for k, v in dataset.info.items() if k != "exif"})
        if note.get("frame") != (DISPLAYED if mode == "bake" else frame):
            report.warn(
                "exif.unknown_orientation",
                f"{note['unknown']} images were not found when reading, so their EXIF tags are unknown: "
                f"their labels go from the {note['frame']} frame to the "
                f"{DISPLAYED if mode == 'bake' else frame} frame unturned (pass --images DIR)",
                int(note["unknown"]),
            )
    if mode == "keep":
        with header_scope(frame):
            fmt.module.write(with_tags_noted(to_frame(dataset, frame)), path, **options)
        return
    upright = baked(dataset)
    with header_scope(STORED):  # the baked images have no tag: both frames are one
        if carries_images:
            _write_staged(fmt, dataset, upright, path, options)
        else:
            _write_beside(fmt, dataset, upright, path, options)


def _write_staged(fmt: Any, dataset: Dataset, upright: Dataset, path: Any, options: dict) -> None:
    import shutil
    import tempfile

    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=".gtconvert-bake-", dir=parent)  # same disk: the writer links
    try:
        bake_images(dataset, stage, link=True)  # a staging folder: the writer copies from it
        fmt.module.write(upright.replace(image_root=stage), path, **options)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _write_beside(fmt: Any, dataset: Dataset, upright: Dataset, path: Any, options: dict) -> None:
    from .fileio import atomic_output, check_ours, mark_ours, protected

    folder = os.path.join(os.path.dirname(os.path.abspath(path)), "images")
    check_ours(folder, "--exif bake's upright images (images/ beside the output)")
    with (
        protected(dataset.image_root or None),
        atomic_output(folder, is_dir=True, overwrite=bool(options.get("overwrite"))) as tmp,
    ):
        bake_images(dataset, tmp, link=bool(options.get("link_images")))
        mark_ours(tmp)
        fmt.module.write(upright.replace(image_root=folder), path, **options)
