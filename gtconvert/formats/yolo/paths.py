"""Ultralytics' pairing of images and label files, in both directions.

Both directions use Ultralytics' rule: the last ``images`` folder of an image path becomes
``labels``, the suffix ``.txt`` (so ``images/a/b.jpg`` gets ``labels/a/b.txt``, and
``images/images/b.jpg`` gets ``images/labels/b.txt``); label files without an image are kept too.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from ... import imagefiles
from ...errors import GtconvertError
from .datayaml import SPLIT_NAMES


class Entry(NamedTuple):
    """One image of a dataset being read, and where its labels are."""

    rel: str  #: its name under the image root (POSIX)
    image: Path
    label: Path
    split: str  #: train, val, test, or "" when data.yaml names none


def label_paths(rel: list[str]) -> list[str]:
    """Label file of each written image ``images/<rel>``, relative to the dataset folder.

    Ultralytics' own rule places them: ``a/b.jpg`` -> ``labels/a/b.txt``, but ``images/b.jpg``
    (a COCO file name with folders) -> ``images/labels/b.txt``, as the last ``images`` folder of
    the image's path is the one it renames. Two images sharing a label file are an error.
    """
    labels = [written_label_of(r) for r in rel]
    if len({lab.casefold() for lab in labels}) != len(labels):  # one file on macOS/Windows
        seen: dict[str, tuple[str, str]] = {}
        for r, lab in zip(rel, labels):
            if lab.casefold() in seen:
                other, other_lab = seen[lab.casefold()]
                how = "would share" if other_lab == lab else "differ only in case and would share"
                raise GtconvertError(
                    f"images {other!r} and {r!r} {how} the label file {lab!r}",
                    fix="rename one of them (YOLO pairs image and label by name without suffix)",
                )
            seen[lab.casefold()] = (r, lab)
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
    """Ultralytics' rule: the last ``/images/`` of the path becomes ``/labels/``, suffix ``.txt``."""
    return _rename_last_folder(image, "images", "labels").with_suffix(".txt")


def _image_of(label: Path) -> Path:
    """``label`` with its last ``labels`` folder called ``images`` (the suffix is the caller's to choose)."""
    return _rename_last_folder(label, "labels", "images")


def _rename_last_folder(path: Path, old: str, new: str) -> Path:
    """``path`` with the last of its folders called ``old`` (never the file name) called ``new``."""
    parts = list(path.parts)
    for k in range(len(parts) - 2, -1, -1):
        if parts[k] == old:
            parts[k] = new
            break
    return Path(*parts)


def find_entries(
    root: Path, doc: dict[str, Any] | None, side: dict[str, Any] | None
) -> tuple[Path, list[Entry]]:
    """The image root and every image of the dataset with its label file and split.

    Label files without an image count too: their image is named by the sidecar, else ``.jpg``.
    """
    sources = _split_sources(root, doc)
    # a folder listed under two splits (train == val == images) says nothing about splits
    splits_known = len({src for _, src in sources}) == len(sources)
    seen: dict[Path, str] = {}
    label_dirs: list[tuple[str, Path]] = []
    for s, src in sources:
        s = s if splits_known else ""
        if src.is_file() and src.suffix == ".txt":
            for line in src.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line:
                    p = Path(line) if Path(line).is_absolute() else (src.parent / line)
                    seen.setdefault(Path(os.path.normpath(p)), s)
        else:
            for rel in imagefiles.find_images(src) if src.is_dir() else []:
                seen.setdefault(src / rel, s)
            label_dirs.append((s, label_of(src / "x").parent))
    known_labels = {label_of(p) for p in seen}
    orphans: list[tuple[Path, str]] = []
    for s, ldir in label_dirs:
        if ldir.is_dir():
            for lab in sorted(ldir.rglob("*.txt")):
                if lab not in known_labels:
                    orphans.append((lab, s))
                    known_labels.add(lab)
    images_root = root / "images"
    paths = list(seen) + _orphan_images([lab for lab, _ in orphans], side, images_root)
    splits = list(seen.values()) + [s for _, s in orphans]
    base = images_root if all(_is_under(p, images_root) for p in paths) else root
    entries = [
        Entry(Path(os.path.relpath(p, base)).as_posix(), p, label_of(p), s) for p, s in zip(paths, splits)
    ]
    return base, entries


def _split_sources(root: Path, doc: dict[str, Any] | None) -> list[tuple[str, Path]]:
    """(split name, folder or list file) of every split in ``data.yaml`` (or all of ``images/``)."""
    if doc is None:
        return [("", root / "images")]
    out = []
    for s in SPLIT_NAMES:
        value = doc.get(s)
        for v in value if isinstance(value, list) else [value] if value else []:
            out.append((s, root / str(v)))
    if not out:
        out.append(("", root / "images"))
    return out


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _orphan_images(labels: list[Path], side: dict[str, Any] | None, images_root: Path) -> list[Path]:
    """The images label files without an image belong to: named by the sidecar, else ``.jpg``."""
    by_stem = {}
    if side:
        by_stem = {
            PurePosixPath(n).with_suffix("").as_posix(): n for n in side["images"].get("file_name", [])
        }
    out = []
    for label in labels:
        guess = _image_of(label)
        stem = Path(os.path.relpath(guess, images_root)).with_suffix("").as_posix()
        out.append(images_root / by_stem[stem] if stem in by_stem else guess.with_suffix(".jpg"))
    return out
