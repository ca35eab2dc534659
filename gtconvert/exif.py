"""EXIF orientation at the edge of every format: the frame labels live in, and upright images.

The canonical :class:`~gtconvert.model.Dataset` is in the *stored* frame (the pixels as the
file holds them, what MATLAB's ``imread`` gives): ``Images.width``/``height`` are the header
size and ``Images.orientation`` the tag. A format whose labels live in the *displayed* frame
(the tag applied, as OpenCV and the labelling tools show the image) is converted here, once,
by the registry: :func:`after_read` turns what its reader produced into the stored frame and
:func:`to_frame` turns a dataset into the writer's frame (:mod:`gtconvert.exif_write`). The maps are exact
(:mod:`gtconvert.geometry.orientation`); images without a tag (or whose files are absent, so
their tag is unknown) are left as they are.

:mod:`gtconvert.exif_write` writes in a frame, or upright images for ``--exif bake``.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import report
from .errors import GtconvertError
from .geometry import orientation as orient
from .geometry.rle import rle_bbox
from .model import Annotations, Dataset, Kind

STORED, DISPLAYED = "stored", "displayed"
FRAMES = (STORED, DISPLAYED)


# ---- reading: the orientation from the headers, then the stored frame ------------------------


def image_paths(dataset: Dataset) -> list[str | None]:
    """Each image's file on this machine (None for video frames and unresolvable names)."""
    root = dataset.image_root
    img = dataset.images
    out: list[str | None] = []
    for name, video in zip(img.file_name.tolist(), img.video.tolist()):
        name = str(name)
        if video or not (root or os.path.isabs(name)):
            out.append(None)
        else:
            out.append(os.path.join(root, name))
    return out


def after_read(dataset: Dataset, frame: str, seen: Any) -> Dataset:
    """Fill ``Images.orientation`` from the headers and bring a ``frame`` dataset to the stored frame.

    ``seen`` is the :class:`~gtconvert.imagefiles.HeaderScope` the reader ran in: headers the
    reader already opened for their size are not opened again. Sizes the reader did not know
    (0) are taken from the header, in ``frame``. An image not found keeps the tag a previous
    gtconvert output noted for it (:data:`TAG_KEY`), else the reader's (1: unknown).
    """
    infos = _headers(dataset, seen)
    found = np.array([info is not None for info in infos], dtype=bool)
    header = np.array([info if info else (0, 0, 1) for info in infos], dtype=np.int64).reshape(-1, 3)
    dataset, noted = _tags_noted(dataset)
    img = dataset.images
    tags = np.where(found, header[:, 2], np.where(noted > 0, noted, img.orientation))
    width, height = img.width.copy(), img.height.copy()
    if found.any():
        _warn_other_frame(dataset, frame, tags, header, found)
        unknown = found & ((width <= 0) | (height <= 0))
        w, h = header[unknown, 0], header[unknown, 1]
        if frame == DISPLAYED:
            w, h = orient.displayed_size(tags[unknown], w, h)
        width[unknown], height[unknown] = w, h
    images = type(img)(**{**vars(img), "orientation": tags, "width": width, "height": height})
    dataset = _note_unknown(dataset.replace(images=images), frame, found | (noted > 0))
    return to_stored(dataset) if frame == DISPLAYED else dataset


def _headers(dataset: Dataset, seen: Any) -> list[Any]:
    """``(width, height, tag)`` of each image's header (None where there is no file)."""
    from .imagefiles import header_infos

    paths = image_paths(dataset)
    if dataset.image_root and not os.path.isdir(dataset.image_root):  # no image here: no header to read
        paths = [p if p and os.path.isabs(str(n)) else None for p, n in zip(paths, dataset.images.file_name)]
    infos: list[Any] = [seen.lookup(p) if p else None for p in paths] if seen.seen else [None] * len(paths)
    todo = [i for i, (p, info) in enumerate(zip(paths, infos)) if p and info is None]
    for i, info in zip(todo, header_infos([paths[i] for i in todo], strict=False)):
        infos[i] = info
    return infos


#: The image key in which a written file keeps each tagged image's EXIF tag (COCO image records,
#: MATLAB's stored image extras), so that reading it back without the images stays exact.
TAG_KEY = "exif_orientation"


def with_tags_noted(dataset: Dataset) -> Dataset:
    """Each tagged image's tag in its ``extra`` under :data:`TAG_KEY` (other tools ignore the key)."""
    img = dataset.images
    tagged = np.flatnonzero(img.orientation > 1)
    if not len(tagged):
        return dataset
    extra = img.extra.copy()
    for i, tag in zip(tagged.tolist(), img.orientation[tagged].tolist()):
        extra[i] = {**(extra[i] or {}), TAG_KEY: tag}
    return dataset.replace(images=type(img)(**{**vars(img), "extra": extra}))


def _tags_noted(dataset: Dataset) -> tuple[Dataset, np.ndarray]:
    """The tags :func:`_with_tags_noted` kept (0 where none), taken out of ``extra``."""
    img = dataset.images
    noted = np.zeros(len(img), dtype=np.int64)
    rows = [i for i, e in enumerate(img.extra.tolist()) if e and TAG_KEY in e]
    if not rows:
        return dataset, noted
    extra = img.extra.copy()
    for i in rows:
        rest = dict(extra[i])
        tag = rest.pop(TAG_KEY)
        noted[i] = tag if isinstance(tag, int) and 1 <= tag <= 8 else 0
        extra[i] = rest or None
    return dataset.replace(images=type(img)(**{**vars(img), "extra": extra})), noted


def _note_unknown(dataset: Dataset, frame: str, found: np.ndarray) -> Dataset:
    """Remember, in ``info["exif"]``, the frame read and how many still images had no file.

    Their tags are unknown, so their labels stay as read; a writer in the other frame warns
    (:func:`gtconvert.exif_write.write_in_frame`). The note never reaches an output.
    """
    info = {k: v for k, v in dataset.info.items() if k != "exif"}
    unknown = int(np.count_nonzero(~found & (dataset.images.video == "")))
    if unknown:
        info["exif"] = {"frame": frame, "unknown": unknown}
    return dataset.replace(info=info)


def _warn_other_frame(
    dataset: Dataset, frame: str, tags: np.ndarray, header: np.ndarray, found: np.ndarray
) -> None:
    """The labels' image sizes are those of the other frame (tags 5 to 8, not square): one warning.

    A file in the displayed frame gives a 6-tagged 4000 x 3000 photo as 3000 x 4000; one that
    gives 4000 x 3000 was written by a tool that ignores the tag (Datumaro: its labels are in the
    stored frame) or by one that labels the displayed image but writes the stored size (Label
    Studio's COCO export, label-studio#6608). Only the user can tell which: a warning, not a guess.
    """
    img = dataset.images
    w, h = header[:, 0], header[:, 1]
    other_w, other_h = (w, h) if frame == DISPLAYED else (h, w)
    odd = found & (tags >= 5) & (w != h) & (img.width == other_w) & (img.height == other_h)
    if odd.any():
        other = STORED if frame == DISPLAYED else DISPLAYED
        names = [str(n) for n in img.file_name[odd][:5].tolist()]
        report.warn(
            "exif.other_frame_size",
            f"{int(odd.sum())} images turned by their EXIF tag have their {other} size in the labels, "
            f"which are read in the {frame} frame: check them (gtconvert preview); if they are "
            f"{other}-frame, read with --exif-frame {other}",
            int(odd.sum()),
            names,
        )


# ---- converting between the frames ----------------------------------------------------------


def to_frame(dataset: Dataset, frame: str) -> Dataset:
    """The stored-frame ``dataset`` in ``frame``: itself, or every geometry turned as displayed.

    Width and height become the displayed size; ``orientation`` is kept (the images still carry
    their tags).
    """
    return to_displayed(dataset) if frame == DISPLAYED else dataset


def to_displayed(dataset: Dataset) -> Dataset:
    """Stored frame -> displayed frame (sizes swap for tags 5 to 8)."""
    return _turn(dataset, to_displayed=True)


def to_stored(dataset: Dataset) -> Dataset:
    """Displayed frame -> stored frame (``width``/``height`` given in the displayed frame)."""
    return _turn(dataset, to_displayed=False)


def _turn(dataset: Dataset, *, to_displayed: bool) -> Dataset:
    img = dataset.images
    tags = img.orientation
    if not np.any(tags > 1):
        return dataset
    _check_sizes(dataset)
    ann = _turn_annotations(dataset, tags, img.width, img.height, to_displayed)
    width, height = orient.displayed_size(tags, img.width, img.height)
    images = type(img)(**{**vars(img), "width": width, "height": height})
    return dataset.replace(images=images, annotations=ann)


def _check_sizes(dataset: Dataset) -> None:
    img = dataset.images
    bad = np.flatnonzero((img.orientation > 1) & ((img.width <= 0) | (img.height <= 0)))
    if len(bad):
        raise GtconvertError(
            f"{len(bad)} images have an EXIF orientation but no size, so their labels cannot be turned",
            record=str(img.file_name[bad[0]]),
            fix="give the images' sizes (or --images DIR where they are)",
        )


def _turn_annotations(
    dataset: Dataset, tags: np.ndarray, width: np.ndarray, height: np.ndarray, forward: bool
) -> Annotations:
    """Every geometry column of the annotations of tagged images, mapped to the other frame."""
    ann = dataset.annotations
    if not len(ann):
        return ann
    points = orient.points_to_displayed if forward else orient.points_to_stored
    boxes = orient.boxes_to_displayed if forward else orient.boxes_to_stored
    rotated = orient.rotated_to_displayed if forward else orient.rotated_to_stored
    row_img = ann.image
    moving = tags[row_img] > 1
    rows = np.flatnonzero(moving)
    out = dict(vars(ann))
    r_img = row_img[rows]
    bbox = ann.bbox.copy()
    bbox[rows] = boxes(ann.bbox[rows], tags[r_img], width[r_img], height[r_img])
    out["bbox"] = bbox
    rot = rows[np.isfinite(ann.rbox[rows]).all(axis=1)]
    if len(rot):
        rbox = ann.rbox.copy()
        ri = row_img[rot]
        rbox[rot] = rotated(ann.rbox[rot], tags[ri], width[ri], height[ri])
        out["rbox"] = rbox
    if len(ann.vertices):
        owner = row_img[ann.part_owner()[ann.vertex_part()]]
        vi = np.flatnonzero(tags[owner] > 1)
        vertices = ann.vertices.copy()
        vo = owner[vi]
        vertices[vi] = points(ann.vertices[vi], tags[vo], width[vo], height[vo])
        out["vertices"] = vertices
    if len(ann.keypoints):
        owner = row_img[np.repeat(np.arange(len(ann)), np.diff(ann.keypoint_start))]
        ki = np.flatnonzero((tags[owner] > 1) & (ann.keypoints[:, 2] > 0))  # unlabelled points stay 0
        keypoints = ann.keypoints.copy()
        ko = owner[ki]
        keypoints[ki, :2] = points(ann.keypoints[ki, :2], tags[ko], width[ko], height[ko])
        out["keypoints"] = keypoints
    out.update(_turn_masks(ann, rows, tags[r_img], forward, out["bbox"]))
    return Annotations(**out)


def _turn_masks(
    ann: Annotations, rows: np.ndarray, tags: np.ndarray, forward: bool, bbox: np.ndarray
) -> dict[str, Any]:
    """RLE masks turned pixel for pixel; lazy PNG references decoded (their image is tagged).

    Their boxes are those of the turned masks (a PNG reference has no box until decoded).
    """
    kind = ann.kind[rows]
    refs = np.flatnonzero(kind == Kind.PIXEL_REF)
    masks = np.flatnonzero((kind == Kind.MASK) | (kind == Kind.PIXEL_REF))
    if not len(masks):
        return {}
    rle, pixel_ref, kinds = ann.rle.copy(), ann.pixel_ref.copy(), ann.kind.copy()
    if len(refs):
        from .pixels import encode_pixel_refs

        for j, decoded in zip(refs.tolist(), encode_pixel_refs(ann.pixel_ref[rows[refs]].tolist())):
            rle[rows[j]] = decoded
        pixel_ref[rows[refs]] = None
        kinds[rows[refs]] = Kind.MASK
    turn = orient.rle_to_displayed if forward else orient.rle_to_stored
    turned = [j for j in masks.tolist() if rle[rows[j]] is not None]
    for j in turned:
        rle[rows[j]] = turn(rle[rows[j]], int(tags[j]))
    if turned:
        bbox[rows[turned]] = rle_bbox(rle[rows[turned]].tolist())
    return {"rle": rle, "pixel_ref": pixel_ref, "kind": kinds, "bbox": bbox}
