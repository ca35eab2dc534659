"""The canonical, columnar dataset every reader produces and every writer consumes.

Frame: COCO's continuous 0-based pixel frame (pixel ``i`` spans ``[i, i+1)``). Readers convert
into it and writers out of it, with the rules of :mod:`gtconvert.geometry`.

Layout (one row per annotation, numpy columns, like supervision's ``Detections``):

* ``Images``: id, file name, width, height, frame time (NaN for still images), video.
* ``categories``: a short list of :class:`Category` (few rows, rich fields).
* ``Annotations``: image row, category row, kind, id, bbox ``(x, y, w, h)``, iscrowd, area,
  score, rotated box, ragged geometry (annotation -> parts -> vertices), RLE, lazy pixel-label
  reference, attributes, sublabel parent and unknown extra keys.

Geometry is ragged in two levels (annotation -> parts -> vertices): see :mod:`gtconvert.tables`,
where the two tables are (re-exported here).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .tables import PER_ROW_COLUMNS as PER_ROW_COLUMNS
from .tables import Annotations as Annotations
from .tables import Images as Images


class Kind(enum.IntEnum):
    """What shape an annotation is."""

    BOX = 0
    POLYGON = 1
    MASK = 2  # an RLE mask held in memory
    PIXEL_REF = 3  # a label-matrix PNG and its pixel value, decoded only when written
    ROTATED_BOX = 4
    POLYLINE = 5
    POINT = 6
    TAG = 7  # an image-level tag (MATLAB Scene label)
    PROJECTED_CUBOID = 8  # two faces, stored as two 4-vertex parts (front, back)


@dataclass(frozen=True)
class PixelRef:
    """A lazy mask: the pixels of ``path`` equal to ``value`` (a scalar or an RGB triplet).

    ``more`` holds further values of the same label (a MATLAB PixelLabelID with several rows: a
    column of ids or Mx3 triplets); the mask is then the pixels equal to any of :attr:`values`.
    """

    path: str
    value: tuple[int, ...]
    more: tuple[tuple[int, ...], ...] = ()

    @property
    def values(self) -> tuple[tuple[int, ...], ...]:
        """Every pixel value of the mask: ``value`` first, then ``more``."""
        return (self.value, *self.more)


@dataclass
class Category:
    """A label: COCO category, YOLO class, VOC name or MATLAB label definition."""

    id: int
    name: str
    type: str = ""  # rectangle, polygon, pixel, line, point, scene, rotated_rectangle, ...
    color: tuple[float, float, float] | None = None  # RGB in [0, 1]
    pixel_id: tuple[int, ...] | None = None  # MATLAB PixelLabelID (scalar or RGB triplet)
    group: str = ""
    description: str = ""
    supercategory: str = ""
    attributes: list[dict[str, Any]] = field(default_factory=list)  # attribute definitions
    parent: str = ""  # for a MATLAB sublabel: the name of its parent label
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys of the source
    keypoints: list[str] = field(default_factory=list)  # point names (COCO keypoints)
    skeleton: list[tuple[int, int]] = field(default_factory=list)  # 0-based point pairs
    flip_idx: list[int] = field(default_factory=list)  # left/right swap order (YOLO pose)


@dataclass
class Dataset:
    """Images, categories and annotations in the canonical frame, plus source metadata.

    ``image_root`` is the folder the image file names are relative to (where readers found
    them), so that writers can copy or link the images. ``info`` keeps what the source said
    about itself (COCO ``info``/``licenses`` and unknown top-level keys, MATLAB release...).
    """

    images: Images
    categories: list[Category]
    annotations: Annotations
    info: dict[str, Any] = field(default_factory=dict)
    image_root: str = ""

    def __post_init__(self) -> None:
        if self.image_root:
            self.image_root = os.fspath(self.image_root)

    def __repr__(self) -> str:
        return (
            f"Dataset({len(self.images)} images, {len(self.categories)} categories, "
            f"{len(self.annotations)} annotations)"
        )

    # ---- look-ups ----------------------------------------------------------------------
    def category_ids(self) -> np.ndarray:
        return np.array([c.id for c in self.categories], dtype=np.int64)

    def category_names(self) -> list[str]:
        return [c.name for c in self.categories]

    def image_order(self) -> tuple[np.ndarray, np.ndarray]:
        """Annotation rows sorted by image, and the start of each image's run (len N_img+1).

        Writers stream over images with this instead of building dicts of lists.
        """
        order = np.argsort(self.annotations.image, kind="stable")
        starts = np.searchsorted(self.annotations.image[order], np.arange(len(self.images) + 1), side="left")
        return order, starts

    def replace(self, **changes: Any) -> Dataset:
        return replace(self, **changes)

    def rename_categories(self, mapping: Any) -> Dataset:
        """Rename by ``{old: new}`` (or ``"old=new,..."``); equal names merge (``--map``)."""
        from .ops.categories import rename_categories  # the logic lives in gtconvert.ops

        return rename_categories(self, mapping)

    def select(self, keep: Any = None, drop: Any = None) -> Dataset:
        """Only the categories ``keep`` (all if None) less ``drop``, with their objects (``--keep``/``--drop``)."""
        from .ops.categories import select

        return select(self, keep, drop)

    # ---- seeing it (gtconvert.preview) ---------------------------------------------------
    def show(self, index: int, **options: Any) -> Any:
        """Image ``index`` with its labels drawn, as a Pillow image (see :func:`gtconvert.preview.show`)."""
        from .preview import show

        return show(self, index, **options)

    def _repr_html_(self) -> str:
        """Jupyter's view: a summary table and a few thumbnails."""
        from .preview import summary_html

        return summary_html(self)

    def counts(self) -> dict[str, Any]:
        """Images, annotations by kind and per category (what ``gtconvert info`` prints)."""
        from .views import counts

        return counts(self)

    def to_pandas(self) -> Any:
        """One row per annotation, with image and category columns joined in."""
        from .views import to_pandas

        return to_pandas(self)
