"""``ImageSets/Main/<split>.txt`` (and ``ImageSets/Segmentation``): which images are in which split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ... import imagefiles
from .layout import SETS


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
    """Image stem -> split name from ``ImageSets/Main/<split>.txt`` (per-class lists ignored)."""
    main = root / SETS / "Main"
    out: dict[str, str] = {}
    if not main.is_dir():
        return out
    for f in sorted(main.glob("*.txt")):
        if "_" in f.stem or f.stem == "trainval":  # <class>_<split>.txt, and the union of train+val
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.setdefault(line.split()[0], f.stem)
    return out
