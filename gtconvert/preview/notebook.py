"""What a notebook shows: ``Dataset.show(i)`` and ``Dataset._repr_html_``."""

from __future__ import annotations

import base64
import html
import io
import os
from typing import Any

import numpy as np

from ..model import Dataset
from .colors import category_colors, hex_color
from .draw import DEFAULT_STYLE, Style, render
from .overlays import image_labels

#: Thumbnails in a dataset's HTML summary, and their size.
SUMMARY_THUMBS, SUMMARY_THUMB_SIZE = 4, 200


def show(
    dataset: Dataset, index: int, *, images: str | os.PathLike | None = None, style: Style = DEFAULT_STYLE
) -> Any:
    """Image row ``index`` with its labels drawn, as a Pillow RGB image (blank canvas without the file)."""
    n = len(dataset.images)
    if not -n <= index < n:
        raise IndexError(f"image {index} out of range: the dataset has {n} images")
    row = index % n
    order, starts = dataset.image_order()
    rows = order[starts[row] : starts[row + 1]]
    image, _ = render(image_labels(dataset, row, rows, category_colors(dataset.categories), images), style)
    return image


def summary_html(dataset: Dataset) -> str:
    """A table of images, annotations by kind and per category, and a few inline thumbnails."""
    esc = html.escape
    counts = dataset.counts()
    colors = category_colors(dataset.categories)
    kinds = ", ".join(f"{n} {k}" for k, n in counts["by_kind"].items()) or "none"
    rows = [
        f"<tr><td><span style='display:inline-block;width:10px;height:10px;"
        f"background:{hex_color(colors[k])}'></span> {esc(c['name'])}</td>"
        f"<td>{esc(c['type'] or '')}</td><td style='text-align:right'>{c['count']}</td></tr>"
        for k, c in enumerate(counts["categories"])
    ]
    thumbs = "".join(
        f"<img src='data:image/png;base64,{_png_base64(dataset, i)}' title='{esc(str(dataset.images.file_name[i]))}'"
        " style='margin:2px;max-height:200px'>"
        for i in _thumb_rows(dataset)
    )
    return (
        f"<div><b>gtconvert Dataset</b>: {counts['images']} images, {counts['annotations']} annotations "
        f"({esc(kinds)}), {len(dataset.categories)} categories"
        "<table><tr><th>category</th><th>type</th><th>count</th></tr>"
        f"{''.join(rows)}</table><div>{thumbs}</div></div>"
    )


def _thumb_rows(dataset: Dataset) -> list[int]:
    """The first images that hold objects (else simply the first images)."""
    labelled = np.unique(dataset.annotations.image)[:SUMMARY_THUMBS].tolist()
    return labelled or list(range(min(SUMMARY_THUMBS, len(dataset.images))))


def _png_base64(dataset: Dataset, row: int) -> str:
    image = show(dataset, row)
    image.thumbnail((SUMMARY_THUMB_SIZE, SUMMARY_THUMB_SIZE))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")
