"""How images and label files pair, in both directions.

Writing, and reading a ``data.yaml`` or names-file layout, use Ultralytics' rule: the last
``images`` folder of an image path becomes ``labels``, the suffix ``.txt`` (so
``images/a/b.jpg`` gets ``labels/a/b.txt``, and ``images/images/b.jpg`` gets
``images/labels/b.txt``). Reading a Darknet (``obj.data``) layout uses Darknet's rule
(:func:`darknet_label_of`): the label lies beside its image, but for a few folders it renames.
:class:`Pairing` is the rule of one layout; label files without an image are kept too.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
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


#: The folders AlexeyAB's darknet renames in an image path to find its label file, in its order
#: (``replace_image_to_label``, src/utils.c: the first occurrence of each, ``/`` or ``\\``); its
#: lines renaming any ``/images/`` (or ``/raw/``) are commented out, so other folders stay.
DARKNET_RENAMES = (
    ("images/train2017", "labels/train2017"),
    ("images/val2017", "labels/val2017"),
    ("JPEGImages", "labels"),
    ("images/train2014", "labels/train2014"),
    ("images/val2014", "labels/val2014"),
)


def darknet_label_of(image: str, root: str) -> str:
    """Darknet's label file of ``image`` in the dataset folder ``root``: beside the image, suffix
    ``.txt``, with the folders of :data:`DARKNET_RENAMES` renamed.

    The renames are made inside ``root`` only, so where the dataset sits does not matter (and
    nothing outside it is read): ``/data/images/proj/obj/a.jpg`` of a dataset ``/data/images/proj``
    has its label in ``/data/images/proj/obj/a.txt``, and ``VOC2007/JPEGImages/a.jpg`` in
    ``VOC2007/labels/a.txt``. Any suffix becomes ``.txt`` (AlexeyAB's darknet knows 12 spellings,
    ``.jpg`` ... ``.TIFF``, and fails on others; the Darknet/YOLO of Hank.ai replaces any).
    """
    return _without_suffix(_within(image, root, _darknet_renames)) + ".txt"


_DARKNET_SPELT = [
    tuple(f"{os.sep}{p.replace('/', os.sep)}{os.sep}" for p in pair) for pair in DARKNET_RENAMES
]


def _darknet_renames(path: str) -> str:
    if "images" not in path and "Images" not in path:  # the common case, at once
        return path
    for old, new in _DARKNET_SPELT:
        path = path.replace(old, new, 1)
    return path


def images_to_labels_inside(image: str, root: str, labels: str = "labels") -> str:
    """Ultralytics' rule made inside ``root`` only: the last ``images`` folder under ``root``
    becomes ``labels``, suffix ``.txt``; without one, the label lies beside the image."""

    def rename_last(path: str) -> str:
        k = path.rfind(f"{os.sep}images{os.sep}")
        return path if k < 0 else f"{path[:k]}{os.sep}{labels}{os.sep}{path[k + 8 :]}"

    return _without_suffix(_within(image, root, rename_last)) + ".txt"


@functools.lru_cache(maxsize=16)
def _normpath(root: str) -> str:
    return os.path.normpath(root)


def _within(path: str, root: str, change: Callable[[str], str]) -> str:
    """``path`` with ``change`` made to its part inside ``root`` (from the separator after
    ``root`` on, however each is spelt); a path outside ``root`` is changed whole, as Darknet
    would change it."""
    base, full = _normpath(root), path
    if os.path.isabs(path) != os.path.isabs(base):
        base, full = os.path.abspath(base), os.path.abspath(path)
    if base == "." and path != ".." and not path.startswith(".." + os.sep):
        return change(os.sep + path)[1:]
    if full.startswith(base.rstrip(os.sep) + os.sep):
        n = len(full) - len(base.rstrip(os.sep))  # the part inside: the same tail of both spellings
        return path[:-n] + change(path[-n:])
    return change(path) if os.path.isabs(path) else change(os.sep + path)[1:]


@dataclass(frozen=True)
class Pairing:
    """The rule that pairs a layout's images with their label files.

    ``root`` None: Ultralytics' rule on the whole path, ``labels`` naming the folder that stands
    for ``images`` (Datumaro's loose layout: ``annotations``). Else a Darknet layout in the
    dataset folder ``root``: Darknet's rule (:func:`darknet_label_of`), or with ``darknet``
    False Ultralytics' rule inside ``root`` (:func:`images_to_labels_inside`).
    """

    labels: str = "labels"
    root: str | None = None
    darknet: bool = True

    def label(self, image: str) -> str:
        """The label file of ``image``."""
        if self.root is None:
            return label_of_str(image, self.labels)
        if self.darknet:
            return darknet_label_of(image, self.root)
        return images_to_labels_inside(image, self.root, self.labels)

    def places(self, image: str) -> tuple[str, ...]:
        """Where the label of ``image`` may be: in a Darknet layout, where Darknet looks and
        where the layout's other rule (:func:`images_to_labels_inside`) does."""
        if self.root is None:
            return (self.label(image),)
        return darknet_label_of(image, self.root), images_to_labels_inside(image, self.root, self.labels)

    def label_dir(self, folder: str) -> str:
        """The folder holding the label files of the images under ``folder``."""
        return os.path.dirname(self.label(os.path.join(folder, "x")))


#: The pairing of data.yaml and names-file layouts, and of everything written.
ULTRALYTICS = Pairing()


def image_of_label(
    label: str, labels_folder: str, images_folder: str, root: str, labels: str = "labels"
) -> str:
    """The image, without its suffix, of a ``label`` found under ``labels_folder``, the label
    folder of ``images_folder``: the same path under the image folder.

    A label lying where its image would (the two folders one) is a split naming a label folder
    itself (``train: labels``): when a ``labels`` folder inside the dataset ``root`` holds it,
    the last one stands for ``images``. Renaming the last ``labels`` folder of the whole path
    went wrong in a dataset kept inside a folder called ``labels`` (``/x/labels/ds/train/b.txt``
    gave ``/x/images/ds/train/b``, outside the dataset) and where the images' own path holds one.
    """
    image = label
    if label.startswith(labels_folder + os.sep):
        image = images_folder + label[len(labels_folder) :]
    if labels_folder == images_folder:
        sa, sb = f"{os.sep}{labels}{os.sep}", f"{os.sep}images{os.sep}"
        image = _within(image, root, lambda p: sb.join(p.rsplit(sa, 1)))
    return _without_suffix(image)
