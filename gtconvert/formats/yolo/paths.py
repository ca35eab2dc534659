"""Ultralytics' pairing of images and label files, in both directions.

Both directions use Ultralytics' rule: the last ``images`` folder of an image path becomes
``labels``, the suffix ``.txt`` (so ``images/a/b.jpg`` gets ``labels/a/b.txt``, and
``images/images/b.jpg`` gets ``images/labels/b.txt``); label files without an image are kept too.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import GtconvertError
from ...fileio import first_shared_file, would_share


def label_paths(rel: list[str]) -> list[str]:
    """Label file of each written image ``images/<rel>``, relative to the dataset folder.

    Ultralytics' own rule places them: ``a/b.jpg`` -> ``labels/a/b.txt``, but ``images/b.jpg``
    (a COCO file name with folders) -> ``images/labels/b.txt``, as the last ``images`` folder of
    the image's path is the one it renames. Two images sharing a label file are an error.
    """
    labels = [written_label_of(r) for r in rel]
    shared = first_shared_file(rel, labels)  # also one file on macOS/Windows
    if shared:
        other, other_lab, r, lab = shared
        raise GtconvertError(
            f"images {other!r} and {r!r} {would_share(other_lab, lab)} the label file {lab!r}",
            fix="rename one of them (YOLO pairs image and label by name without suffix)",
        )
    return labels


def written_label_of(rel: str) -> str:
    """The label file of ``images/<rel>`` by :func:`label_of`'s rule, as a POSIX string."""
    folders = rel.split("/")[:-1]
    if "images" not in folders:
        return "labels/" + _without_suffix(rel) + ".txt"
    k = len(folders) - 1 - folders[::-1].index("images")
    parts = ["images", *rel.split("/")]
    parts[k + 1] = "labels"
    return _without_suffix("/".join(parts)) + ".txt"


def _without_suffix(name: str) -> str:
    """``a/b.jpg`` -> ``a/b``; ``a/.hidden`` and ``a.d/b`` keep their dots (as ``PurePosixPath``)."""
    slash = name.rfind("/")
    dot = name.rfind(".")
    return name[:dot] if dot > slash + 1 and dot < len(name) - 1 else name


def label_of(image: Path) -> Path:
    """Ultralytics' rule: the last ``/images/`` of the absolute path becomes ``/labels/``, suffix
    ``.txt``; the result keeps the spelling of ``image`` unless that folder lies above it."""
    return Path(label_of_str(str(image)))


def label_of_str(image: str, labels: str = "labels") -> str:
    """:func:`label_of` on a string path (POSIX separators), ``labels`` naming the label folder.

    Strings, not ``Path`` objects: this runs once per image, and pathlib's parsing was most of
    the time of reading a YOLO folder (issue 19).
    """
    s = "/" + image
    k = s.rfind("/images/")
    if k < 0 and image[:1] != "/" and _images_above(image):
        return label_of_str(os.path.abspath(image), labels)
    if k >= 0:
        s = f"{s[:k]}/{labels}/{s[k + 8 :]}"
    return _without_suffix(s[1:]) + ".txt"


def _images_above(relative: str) -> bool:
    """Whether the absolute form of ``relative`` (holding no ``images`` folder) has one.

    Ultralytics pairs absolute paths (``check_det_dataset`` resolves every split), so an
    ``images`` folder above the current directory counts: ``ds/train/a.jpg`` read from
    ``/data/images`` has its label in ``/data/labels/ds/train/``, as when read as
    ``/data/images/ds``. Only the current directory is looked at unless the path climbs (``..``).
    """
    if relative.startswith(".."):
        return "/images/" in os.path.abspath(relative)
    return "/images/" in os.getcwd() + "/"


def label_dir(folder: str, labels: str = "labels") -> str:
    """The folder holding the label files of the images under ``folder``."""
    return os.path.dirname(label_of_str(os.path.join(folder, "x"), labels))


def image_of_label(label: str, labels: str = "labels") -> str:
    """``label`` with its last ``labels`` folder called ``images``, without its suffix."""
    s = "/" + label
    k = s.rfind(f"/{labels}/")
    if k >= 0:
        s = f"{s[:k]}/images/{s[k + len(labels) + 2 :]}"
    return _without_suffix(s[1:])
