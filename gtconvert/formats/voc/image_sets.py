"""``ImageSets/Main/<split>.txt`` (and ``ImageSets/Segmentation``): which images are in which split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ... import imagefiles
from ...fileio import read_text
from .layout import SEG_CLASS, SEG_OBJECT, SETS


def write_sets(tmp: Path, stems: list[str], split_of: np.ndarray, segmented: np.ndarray) -> None:
    """``ImageSets/Main/<split>.txt`` (``trainval`` when there is no split), and Segmentation."""
    names = sorted({s for s in split_of if s}) or ["trainval"]
    files = []
    for name in names:
        members = (
            (split_of == name) if name != "trainval" or (split_of != "").any() else np.ones(len(stems), bool)
        )
        files.append(
            (tmp / SETS / "Main" / f"{name}.txt", "".join(f"{s}\n" for s, m in zip(stems, members) if m))
        )
        if segmented.any():
            listing = "".join(f"{s}\n" for s, m, g in zip(stems, members, segmented) if m and g)
            files.append((tmp / SETS / "Segmentation" / f"{name}.txt", listing))
    imagefiles.write_texts(files)


def read_sets(root: Path) -> dict[str, str]:
    """Image stem -> split from ``ImageSets/Main/<split>.txt``, then ``ImageSets/Segmentation``
    (CVAT's mask export has only those); per-class lists and ``trainval`` are not splits."""
    out: dict[str, str] = {}
    for task in ("Main", "Segmentation"):
        folder = root / SETS / task
        if not folder.is_dir():
            continue
        for f in sorted(folder.glob("*.txt")):
            if "_" in f.stem or f.stem == "trainval":  # <class>_<split>.txt, and the union of train+val
                continue
            for stem in _stems(f):
                out.setdefault(stem, f.stem)
    return out


def _stems(path: Path) -> list[str]:
    """The image stem of each line. A split list holds whole stems (names may hold spaces);
    per-class lists (``<class>_<split>.txt``) and Layout/Action lists add a number column."""
    flagged = "_" in path.stem or path.parent.name in ("Layout", "Action")
    out = []
    for line in read_text(path, what="the image set list").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.rsplit(None, 1) if flagged else [line]
        out.append(words[0] if len(words) == 2 and words[1].lstrip("-").isdigit() else line)
    return out


def listed_stems(root: Path) -> list[str]:
    """Every image named in any ``ImageSets/<task>/*.txt`` list, in order of first mention."""
    sets = root / SETS
    if not sets.is_dir():
        return []
    return list(dict.fromkeys(s for f in sorted(sets.glob("*/*.txt")) for s in _stems(f)))


def unannotated_documents(root: Path, docs: list[dict], image_root: Path) -> list[dict]:
    """Empty documents for the images listed in ImageSets or painted in segmentation PNGs that
    have no XML: kept as images without objects (their size from the image file, if found)."""
    have = {d["stem"] for d in docs}
    stems = listed_stems(root)
    for folder in (root / SEG_OBJECT, root / SEG_CLASS):
        if folder.is_dir():
            stems += sorted(p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.png"))
    return [_empty_document(s, image_root) for s in dict.fromkeys(stems) if s not in have]


def _empty_document(stem: str, image_root: Path) -> dict:
    """A document without XML: its image is the first file ``<stem>.<suffix>`` found, else ``<stem>.jpg``."""
    found = next(
        (f"{stem}{s}" for s in imagefiles.IMAGE_SUFFIXES if (image_root / f"{stem}{s}").is_file()), None
    )
    return {
        "path": None,
        "stem": stem,
        "file_name": found or f"{stem}.jpg",
        "width": 0.0,
        "height": 0.0,
        "names": [],
        "attributes": [],
        "box_text": [],
        "parents": None,
        "actions": [],
    }
