"""The ``index.html`` of a preview: counts per category, a category filter, a thumbnail grid.

One self-contained page (inline CSS and script, no network). Each thumbnail links to its
full-size overlay. The page reports what it shows in ``#status`` (and as ``data-images``,
``data-loaded`` and ``data-broken`` on ``<body>``) so a browser test can check that every
thumbnail loaded.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model import Dataset
from .colors import hex_color

_CSS = """
body{font:14px system-ui,sans-serif;margin:1em;background:#f4f4f4;color:#222}
h1{font-size:1.3em;margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:2px 10px;text-align:left}td.n{text-align:right}
tr.cat{cursor:pointer}tr.cat:hover{background:#e4e4e4}
.sw{display:inline-block;width:12px;height:12px;border:1px solid #0006;vertical-align:middle}
#grid{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0;background:#fff;padding:4px;border:1px solid #ccc;max-width:320px}
figure img{display:block;max-width:320px;max-height:320px}
figcaption{font-size:12px;overflow-wrap:anywhere}
.missing{color:#a40}
"""

_SCRIPT = """
const cards = Array.from(document.querySelectorAll('#grid figure'));
const thumbs = Array.from(document.querySelectorAll('#grid img'));
const filter = document.getElementById('filter');
function report() {
  const loaded = thumbs.filter(i => i.complete && i.naturalWidth > 0).length;
  const broken = thumbs.filter(i => i.complete && i.naturalWidth === 0).length;
  const shown = cards.filter(c => !c.hidden).length;
  document.body.dataset.loaded = loaded;
  document.body.dataset.broken = broken;
  document.getElementById('status').textContent =
    `${cards.length} images, ${shown} shown, ${loaded} thumbnails loaded, ${broken} broken`;
}
function apply() {
  const v = filter.value;
  for (const c of cards) c.hidden = v !== '' && !c.dataset.cats.split(' ').includes(v);
  report();
}
filter.addEventListener('change', apply);
for (const row of document.querySelectorAll('tr.cat'))
  row.addEventListener('click', () => { filter.value = row.dataset.cat; apply(); });
for (const i of thumbs) { i.addEventListener('load', report); i.addEventListener('error', report); }
window.addEventListener('load', report);
apply();
"""


def category_counts(
    dataset: Dataset, per_image: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Objects and images per category over the previewed images, and the categories of each image."""
    k = len(dataset.categories)
    rows = np.concatenate(per_image) if per_image else np.zeros(0, np.int64)
    objects = np.bincount(dataset.annotations.category[rows], minlength=k) if k else np.zeros(0, np.int64)
    present = [np.unique(dataset.annotations.category[r]) for r in per_image]
    flat = np.concatenate(present) if present else np.zeros(0, np.int64)
    images = np.bincount(flat, minlength=k) if k else np.zeros(0, np.int64)
    return objects, images, present


def write_index(
    path: str | os.PathLike,
    dataset: Dataset,
    image_rows: np.ndarray,
    per_image: Sequence[np.ndarray],
    names: Sequence[str],
    found: np.ndarray,
    colors: np.ndarray,
    *,
    title: str,
) -> dict[str, int]:
    """Write the gallery page; returns the number of objects per category name."""
    objects, images, present = category_counts(dataset, per_image)
    cats = dataset.categories
    esc = html.escape
    legend = [
        f'<tr class="cat" data-cat="{k}"><td><span class="sw" style="background:{hex_color(colors[k])}">'
        f"</span> {esc(c.name)}</td><td class=n>{objects[k]}</td><td class=n>{images[k]}</td></tr>"
        for k, c in enumerate(cats)
        if objects[k]
    ]
    empty = sum(1 for r in per_image if not len(r))
    options = ['<option value="">all images</option>']
    options += [f'<option value="{k}">{esc(c.name)}</option>' for k, c in enumerate(cats) if objects[k]]
    options.append('<option value="none">images without objects</option>')
    cards = []
    for name, r, rows, cat_rows, ok in zip(names, image_rows.tolist(), per_image, present, found.tolist()):
        label = esc(str(dataset.images.file_name[r]))
        cat_text = " ".join(map(str, cat_rows.tolist())) or "none"
        note = "" if ok else ' <span class="missing">(image not found: blank canvas)</span>'
        cards.append(
            f'<figure data-cats="{cat_text}"><a href="overlays/{name}.png">'
            f'<img src="thumbs/{name}.jpg" alt="{label}" loading="lazy"></a>'
            f"<figcaption>{label} &middot; {len(rows)} objects{note}</figcaption></figure>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} - gtconvert preview</title>
<style>{_CSS}</style></head>
<body data-images="{len(cards)}">
<h1>{esc(title)}</h1>
<p>{len(cards)} images, {int(objects.sum())} objects, {empty} images without objects.
Click a category or choose it below to show only its images.</p>
<table><tr><th>category</th><th>objects</th><th>images</th></tr>
{"".join(legend)}</table>
<p><label>Show <select id="filter">{"".join(options)}</select></label> <span id="status"></span></p>
<div id="grid">
{chr(10).join(cards)}
</div>
<script>{_SCRIPT}</script>
</body></html>
"""
    Path(path).write_text(page, encoding="utf-8")
    return {c.name: int(objects[k]) for k, c in enumerate(cats) if objects[k]}
