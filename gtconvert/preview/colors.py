"""One colour per category, the same on every image of a dataset.

A category that carries a colour (MATLAB's ``LabelColor``, read into :attr:`Category.color`)
keeps it; the others get evenly spread hues in category order, so category ``k`` has the same
colour on every overlay, thumbnail and legend of a preview.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

import numpy as np

from ..model import Category

#: Hue step between consecutive categories: the golden ratio spreads any number of hues evenly.
_HUE_STEP = 0.618033988749895


def palette_color(k: int) -> tuple[int, int, int]:
    """The colour given to the ``k``-th category that has none of its own (RGB, 0-255)."""
    r, g, b = colorsys.hsv_to_rgb((0.12 + k * _HUE_STEP) % 1.0, 0.85, 0.95)
    return round(r * 255), round(g * 255), round(b * 255)


def category_colors(categories: Sequence[Category]) -> np.ndarray:
    """(K, 3) uint8 RGB: each category's own colour where it has one, else :func:`palette_color`."""
    out = np.zeros((len(categories), 3), dtype=np.uint8)
    for k, cat in enumerate(categories):
        own = _own_color(cat)
        out[k] = own if own is not None else palette_color(k)
    return out


def _own_color(cat: Category) -> tuple[int, int, int] | None:
    """A category's colour in [0, 1] as RGB bytes; None when absent or unusable."""
    c = cat.color
    if c is None or len(c) != 3:
        return None
    rgb = np.asarray(c, dtype=np.float64)
    if not np.all(np.isfinite(rgb)):
        return None
    if rgb.max() > 1.0:  # a colour given in 0-255 (some exports) rather than MATLAB's 0-1
        rgb = rgb / 255.0
    rgb = np.clip(rgb, 0.0, 1.0)
    r, g, b = (int(v) for v in np.rint(rgb * 255))
    return r, g, b


def text_color(rgb: Sequence[int]) -> tuple[int, int, int]:
    """Black or white, whichever reads better on a label background of colour ``rgb``."""
    luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return (0, 0, 0) if luminance > 140 else (255, 255, 255)


def hex_color(rgb: Sequence[int]) -> str:
    """``#rrggbb`` for HTML."""
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb))
