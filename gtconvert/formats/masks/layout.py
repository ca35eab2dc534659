"""The masks folder layout (see ``docs/masks.md``)."""

from __future__ import annotations

from pathlib import Path

CLASS_MAP = "classes.json"
INDEX_DIR, INSTANCE_DIR, BW_DIR = "index", "instances", "BW"
MARKER = "gtconvert-masks"


def png_files(folder: Path) -> list[str]:
    """PNG files under ``folder`` as sorted POSIX paths relative to it."""
    return sorted(q.relative_to(folder).as_posix() for q in folder.rglob("*.png") if q.is_file())
