"""See a dataset: overlays drawn at exact pixel positions, an HTML gallery, notebook display.

* :func:`write_preview` (``gtconvert preview``): an overlay PNG and a thumbnail per image and
  an ``index.html`` gallery with counts per category and a category filter.
* :func:`show` (``Dataset.show(i)``): one image with its labels as a Pillow image.
* :func:`summary_html` (``Dataset._repr_html_``): a summary table and a few thumbnails.

The drawing rule (which pixels an outline covers) is in :mod:`.draw` and ``docs/preview.md``.
"""

from __future__ import annotations

from .colors import category_colors
from .draw import Style, box_pixels, render
from .notebook import show, summary_html
from .overlays import PreviewSummary, write_preview

__all__ = [
    "PreviewSummary",
    "Style",
    "box_pixels",
    "category_colors",
    "render",
    "show",
    "summary_html",
    "write_preview",
]
