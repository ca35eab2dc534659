"""PNG masks: index (label-matrix) PNGs with a class map, one binary PNG per object, and
Image Segmenter style ``BW`` masks. The layout is documented in ``docs/masks.md``::

    dataset/
      classes.json                    class map (value -> id, name, colour) and image list
      index/<image name>.png          label matrix: pixel value = class value, 0 = unlabelled
                                      (palette 'P' PNG; 16-bit grey when a value exceeds 255)
      instances/<image name>_<n>.png  1-bit mask of the image's n-th object (n from 1)
      BW/<image name>.png             1-bit union of the image's objects (Image Segmenter BW)

``<image name>`` is the image's file name without its extension, subfolders kept. Masks are
decoded one image at a time (in a process pool when there are many images), never all at once.
Index masks are read as lazy :class:`~gtconvert.model.PixelRef` annotations; instance and BW
masks as RLE masks.
"""

from __future__ import annotations

from pathlib import Path

from . import css
from .layout import BW_DIR, CLASS_MAP, INDEX_DIR, MARKER, png_files
from .reader import read
from .writer import write

__all__ = ["DESCRIPTION", "detect", "read", "write"]

DESCRIPTION = "PNG masks (index/palette label matrices + class map, per-object masks, BW)"


def detect(path: str) -> bool:
    """A folder with our ``classes.json``, with ``index/`` or ``BW/`` PNG folders, or with a
    ``dataset_meta.json`` (or ``labelmap.txt``) beside ``masks/`` (Datumaro's layout)."""
    p = Path(path)
    if not p.is_dir():
        return False
    cmap = p / CLASS_MAP
    if cmap.is_file():
        with open(cmap, "rb") as f:
            return MARKER.encode() in f.read(4096)
    return (
        any(png_files(p / d) for d in (INDEX_DIR, BW_DIR) if (p / d).is_dir())
        or css.looks_like(p)
        or bool(css.subsets(p))
    )
