"""Image classification folders: one folder per class, as torchvision's ``ImageFolder`` and
Ultralytics' classify task read them (``docs/operations.md``)::

    dataset/
      train/<class>/<image name>      with a split (--split, or the source's own)
      val/<class>/<image name>
      <class>/<image name>            without one (an ImageFolder root)

Without ``crops`` each image goes to the folder of each of its image-level labels (MATLAB
Scene labels, tags); with ``crops`` each object becomes a PNG of its box,
``<class>/<image name>_<annotation id>.png``. Reading gives one image-level tag per image
and class folder; ``--from classify`` names it when it is not recognised.
"""

from __future__ import annotations

from .layout import looks_like_class_folders
from .reader import read
from .writer import write

__all__ = ["DESCRIPTION", "detect", "read", "write"]

DESCRIPTION = "classification folders (<split>/<class>/<image>; ImageFolder, Ultralytics classify)"


def detect(path: str) -> bool:
    return looks_like_class_folders(path)
