"""Where classification folders put things: split folders, class folders, their names."""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import GtconvertError
from ...fileio import first_shared_file, would_share
from ...imagefiles import IMAGE_SUFFIXES

SPLIT_NAMES = ("train", "val", "test")

#: Files a labelled dataset of another format keeps at its top; their presence means not ours.
OTHER_FORMATS = ("data.yaml", "classes.json", "labels", "Annotations", "annotations", "JPEGImages")


def class_folder(name: str) -> str:
    """A category name as one folder name: separators become ``_``; no empty, ``.`` or ``..``."""
    folder = name.replace("/", "_").replace("\\", "_").replace("\0", "_")
    if folder.strip() in ("", ".", ".."):
        raise GtconvertError(f"category name {name!r} cannot name a class folder", fix="rename it with --map")
    return folder


def class_folders(names: list[str]) -> list[str]:
    """The folder of each category; two that would share one (also by case or Unicode form) are an error."""
    folders = [class_folder(n) for n in names]
    shared = first_shared_file(names, folders)
    if shared:
        other, other_folder, name, folder = shared
        raise GtconvertError(
            f"categories {other!r} and {name!r} {would_share(other_folder, folder)} the class folder {folder!r}",
            fix="rename one with --map",
        )
    return folders


def split_roots(root: Path) -> list[tuple[str, Path]]:
    """``(split, folder of its class folders)``: the split folders when every top folder is
    one (train, val, test), else the root itself as split ""."""
    tops = sorted(p for p in root.iterdir() if p.is_dir())
    if tops and all(p.name in SPLIT_NAMES for p in tops):
        return [(p.name, p) for p in tops]
    return [("", root)]


def looks_like_class_folders(path: str) -> bool:
    """A folder (no other format's marker files) whose class folders hold images and nothing
    else at their level: images only inside class folders."""
    root = Path(path)
    if not root.is_dir() or any((root / m).exists() for m in OTHER_FORMATS):
        return False
    found = False
    for _, folder in split_roots(root):
        for entry in os.scandir(folder):
            if entry.is_file() and Path(entry.name).suffix.lower() in IMAGE_SUFFIXES:
                return False  # an image beside the class folders: a plain image folder
            if entry.is_dir() and _has_image(Path(entry.path)):
                found = True
    return found


def _has_image(folder: Path) -> bool:
    return any(p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() for p in folder.rglob("*"))
