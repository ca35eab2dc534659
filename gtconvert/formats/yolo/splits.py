"""Which images each split names: ``data.yaml`` as Ultralytics resolves it, and Darknet's lists.

Ultralytics (``check_det_dataset``, then ``YOLODataset.get_img_files``): a split value is joined
to the dataset root (an absolute value stays as written); a single string that names nothing
and starts with ``../`` is retried without it (Roboflow writes ``train: ../train/images``); a
list's items are joined one by one, without that retry. Each item is then a folder (its images,
recursively), or a file listing image paths, one a line, where ``./x`` is relative to the list's
folder. Other relative lines are relative to the current directory for Ultralytics; Darknet,
CVAT and Datumaro write them relative to the dataset (often with a ``data/`` prefix), so the
first of these bases under which the list's first lines exist is used (:func:`_list_base`).
An item that is itself an image file is that one image (Ultralytics would read it as a list).
Each layout pairs images and labels by its own :class:`~.paths.Pairing` (Darknet's differs).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from ... import imagefiles, report
from ...errors import GtconvertError
from ...fileio import check_dataset_root, outside
from .paths import ULTRALYTICS, Pairing, image_of_label, label_dir

#: data.yaml keys of splits, in order, and the split each names (Ultralytics renames
#: ``validation`` to ``val`` when ``val`` is absent).
SPLIT_KEYS = {"train": "train", "val": "val", "validation": "val", "test": "test"}


class Source(NamedTuple):
    """One item of a split: a folder, a list file or one image file."""

    split: str
    path: str
    entry: str  #: as written (for messages)


def yaml_sources(root: str, doc: dict[str, Any], yaml_file: str) -> list[Source]:
    """Every item of every split of ``doc``, resolved as Ultralytics resolves it, or an error."""
    out: list[Source] = []
    check_dataset_root(root, file=yaml_file)
    for key, split in SPLIT_KEYS.items():
        if key == "validation" and doc.get("val"):
            continue
        value = doc.get(key)
        if not value:
            continue
        if isinstance(value, str):
            found = os.path.join(root, value)
            if not _exists(found) and value.startswith("../"):
                found = os.path.join(root, value[3:])
            items = [(value, found)]
        elif isinstance(value, list):
            items = [(str(v), os.path.join(root, str(v))) for v in value]
        else:
            raise GtconvertError(
                f"data.yaml {key}: must be a folder, a list file or a list of them, not {value!r}",
                file=yaml_file,
            )
        for entry, found in items:
            if not _exists(found):
                raise GtconvertError(
                    f"data.yaml {key}: {entry!r} names nothing (looked for {os.path.normpath(found)})",
                    file=yaml_file,
                    fix="correct the entry in data.yaml (or remove it)",
                )
            _inside(found, root, f"data.yaml {key}: {entry!r}", yaml_file)
            out.append(Source(split, os.path.normpath(found), f"{key}: {entry}"))
    return out


def _exists(path: str) -> bool:
    """The item exists, or its labels do (a dataset written without its images)."""
    return os.path.exists(path) or os.path.isdir(label_dir(path))


def is_image(path: str) -> bool:
    """Whether ``path`` is named like an image file (by its suffix)."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:].lower() in imagefiles.IMAGE_SUFFIXES


def listed_images(list_file: str, root: str, pairing: Pairing = ULTRALYTICS) -> list[str]:
    """The image paths a list file names, resolved (see the module docstring); ``pairing`` says
    where a listed image's label is (a line whose image is absent but its label there counts)."""
    try:
        with open(list_file, encoding="utf-8") as f:
            # Windows-written lists separate folders with backslashes (Datumaro reads them so too)
            lines = [ln.strip().replace("\\", "/") for ln in f.read().splitlines()]
    except UnicodeDecodeError:
        raise GtconvertError(
            "a split's list file is not UTF-8 text", file=list_file, fix="list one image path a line"
        ) from None
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    parent = os.path.dirname(list_file)
    relative = [ln for ln in lines if not ln.startswith("./") and not os.path.isabs(ln)]
    base = _list_base(relative, parent, root, pairing)
    out = []
    for ln in lines:
        if os.path.isabs(ln):
            out.append(os.path.normpath(ln))
        elif ln.startswith("./"):
            out.append(os.path.normpath(os.path.join(parent, ln[2:])))
        else:
            out.append(os.path.normpath(base(ln)))
    bad = outside(out, root)
    if bad is not None:
        _inside(bad, root, f"line {lines[out.index(bad)]!r}", list_file)
    return out


def _inside(path: str, root: str, what: str, file: str) -> None:
    """Refuse a split item or list line outside the dataset root: nothing outside it is read
    (``train: /`` walked the whole file system, ``/etc/passwd`` in a list was read)."""
    if outside([path], root) is not None:
        raise GtconvertError(
            f"{what} points outside the dataset root {os.path.normpath(root)}",
            file=file,
            fix="keep the splits under the dataset's folder (data.yaml path:), or set path: to one holding them",
        )


def _list_base(relative: list[str], parent: str, root: str, pairing: Pairing):
    """How relative lines of a list are resolved: the first base under which they exist."""
    bases = [
        lambda ln: os.path.join(parent, ln),
        lambda ln: os.path.join(root, ln),
        lambda ln: os.path.join(root, ln[5:] if ln.startswith("data/") else ln),  # Darknet, CVAT
        lambda ln: ln,  # the current directory (Ultralytics)
    ]
    for ln in relative[:3]:
        for base in bases:
            if os.path.exists(base(ln)) or _labelled(base(ln), pairing):
                return base
    return bases[0]


class Entry(NamedTuple):
    """One image of a dataset being read, and where its labels are."""

    rel: str  #: its name under the image root (POSIX)
    image: str
    label: str
    split: str  #: train, val, test, or "" when the dataset names none


#: Text files in label folders that are no label file (LabelImg's classes.txt, Datumaro's README).
NOT_LABELS = {"classes.txt", "readme.txt", "obj.names.txt", "notes.txt"}


def find_entries(
    root: Path, sources: list[Source], side: dict[str, Any] | None, pairing: Pairing = ULTRALYTICS
) -> tuple[Path, list[Entry]]:
    """The image root and every image the sources name, with its label file (by ``pairing``) and
    split.

    Label files without an image count too (a dataset written without its images): their
    image is named by the sidecar, else ``.jpg``. A source that names no image and no label
    file is an error naming its entry.
    """
    # a folder listed under two splits (train == val == images) says nothing about splits
    splits_known = len({s.path for s in sources}) == len(sources)
    seen: dict[str, str] = {}
    found: dict[str, list[str]] = {}  # train and val both "images": one walk
    for src in sources:
        if src.path not in found:
            found[src.path] = _source_images(src, str(root), pairing)
    per_source = [found[src.path] for src in sources]
    for src, images in zip(sources, per_source):
        for p in images:
            seen.setdefault(p, src.split if splits_known else "")
    pairing = darknet_pairing(list(seen), pairing)
    image_labels = [pairing.label(p) for p in seen]
    known = set(image_labels)
    orphans: list[tuple[str, str, str]] = []  # label, its image without suffix, split
    walked: set[str] = set()
    for src, images in zip(sources, per_source):
        if src.path in walked:
            continue
        walked.add(src.path)
        for lab, image in _orphan_labels(src, images, pairing, known, str(root)):
            orphans.append((lab, image, src.split if splits_known else ""))
            known.add(lab)
        if not images and not any(o.startswith(pairing.label_dir(src.path)) for o, _, _ in orphans):
            raise GtconvertError(
                f"{src.entry} names no image and no label file (looked in {src.path})",
                file=root,
                fix="correct the entry, or put the images and labels where it points",
            )
    images_root = os.path.normpath(root / "images")
    paths = list(seen) + _orphan_images([image for _, image, _ in orphans], side, images_root)
    splits = list(seen.values()) + [s for _, _, s in orphans]
    under = images_root + os.sep
    base = images_root if all(p.startswith(under) for p in paths) else os.path.normpath(root)
    cut = len(base) + 1
    all_labels = image_labels + [lab for lab, _, _ in orphans]
    entries = [Entry(_relative(p, base, cut), p, lab, s) for p, lab, s in zip(paths, all_labels, splits)]
    return Path(base), entries


def _relative(path: str, base: str, cut: int) -> str:
    if path.startswith(base + os.sep):
        rel = path[cut:]
    else:
        rel = os.path.relpath(path, base)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _source_images(src: Source, root: str, pairing: Pairing) -> list[str]:
    """The image paths one split item names (a folder's images, a list's lines, one image)."""
    if os.path.isdir(src.path):
        folder = src.path
        return [f"{folder}{os.sep}{rel}" for rel in imagefiles.find_images(folder)]
    if is_image(src.path):
        return [src.path]
    if os.path.isfile(src.path):
        listed = listed_images(src.path, root, pairing)
        if listed and not any(os.path.exists(p) or _labelled(p, pairing) for p in listed):
            raise GtconvertError(
                f"{src.entry}: none of the {len(listed)} images it lists exists, nor its label file "
                f"(the first: {listed[0]})",
                file=src.path,
                fix="list the images relative to the list's folder (./images/x.jpg) or the dataset folder",
            )
        return listed
    return []


def _labelled(image: str, pairing: Pairing) -> bool:
    """Whether a label file of ``image`` exists where the layout may look for it."""
    return any(os.path.exists(p) for p in pairing.places(image))


def darknet_pairing(images: list[str], pairing: Pairing) -> Pairing:
    """The pairing of a Darknet layout: Darknet's rule, unless not one image has a label file
    where Darknet looks and some have one where the last ``images`` folder inside the dataset
    becomes ``labels`` (Ultralytics' rule, that Darknet does not follow): then that rule, with
    the warning ``yolo.darknet_labels_elsewhere``. Other layouts keep their ``pairing``."""
    if pairing.root is None or not pairing.darknet or not images:
        return pairing
    if any(os.path.exists(pairing.label(p)) for p in images):
        return pairing
    inside = replace(pairing, darknet=False)
    found = [lab for lab in map(inside.label, images) if os.path.exists(lab)]
    if found:
        report.warn(
            "yolo.darknet_labels_elsewhere",
            f"YOLO (Darknet layout): no image has a label file where Darknet looks (beside it, e.g."
            f" {pairing.label(images[0])}); {len(found)} of the {len(images)} images have one with"
            f" images/ -> labels/ (e.g. {found[0]}), read from there; Darknet would train on them"
            " without objects",
            len(found),
        )
        return inside
    return pairing


def _orphan_labels(
    src: Source, images: list[str], pairing: Pairing, known: set[str], root: str
) -> list[tuple[str, str]]:
    """Label files under a folder source's label folder that belong to no image read, each with
    its image's path without suffix (the same path under the source's folder)."""
    if not (os.path.isdir(src.path) or not images):
        return []
    ldir = pairing.label_dir(src.path)
    if not os.path.isdir(ldir):
        return []
    found = []
    for folder, dirs, files in os.walk(ldir):
        dirs.sort()
        for f in files:
            if f.endswith(".txt") and f.lower() not in NOT_LABELS:
                lab = os.path.join(folder, f)
                if lab not in known:
                    found.append(lab)
    return [(lab, image_of_label(lab, ldir, src.path, root, pairing.labels)) for lab in sorted(found)]


def _orphan_images(stems: list[str], side: dict[str, Any] | None, images_root: str) -> list[str]:
    """The images of label files without an image (``stems``: their paths without suffix):
    named by the sidecar, else ``.jpg``."""
    if not stems:
        return []
    by_stem: dict[str, str] = {}
    if side:
        for n in side["images"].get("file_name", []):
            dot = n.rfind(".")
            by_stem[n[:dot] if dot > n.rfind("/") + 1 else n] = n
    out = []
    cut = len(images_root) + 1
    for guess in stems:
        stem = guess[cut:] if guess.startswith(images_root + os.sep) else None
        out.append(os.path.join(images_root, by_stem[stem]) if stem in by_stem else guess + ".jpg")
    return out
