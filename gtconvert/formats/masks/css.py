"""Datumaro's *common semantic segmentation* layout, read as masks (``docs/masks.md``)::

    dataset/
      dataset_meta.json    labels and their colours (or a VOC-style labelmap.txt)
      images/<name>.<ext>  the images (optional)
      masks/<name>.png     colour (RGB or palette) or grey class-index PNGs

Datumaro (``common_semantic_segmentation``) and OpenVINO's accuracy checker use it. A label's
index is its place in ``labels`` then ``label_map``; its colour is ``segmentation_colors[i]``
(the VOC colour map when no colour is given, as Datumaro does). A colour mask maps colours to
labels; a palette PNG by the colours of its palette (OpenCV, which Datumaro reads with, expands
a palette too); a grey mask holds label indices. The background label (``background_label``,
else one given black, else one named ``background``) is unlabelled, not a category.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from ...fileio import read_json, read_text
from ...imagefiles import IMAGE_SUFFIXES
from ...model import Annotations, Category, Dataset, Images, PixelRef
from ...pixels import map_files
from .layout import mask_bbox, png_files, scan_annotations

META_FILE, LABELMAP = "dataset_meta.json", "labelmap.txt"
MASKS_DIR, IMAGES_DIR = "masks", "images"
_FIX = "see docs/masks.md (Datumaro's common semantic segmentation)"


@dataclass
class Labels:
    """The label table: names in index order, their RGB colours, the background index."""

    names: list[str]
    colours: list[tuple[int, int, int] | None]
    background: int | None


def label_file(root: Path) -> Path | None:
    """``dataset_meta.json``, else ``labelmap.txt``, in ``root`` (None when neither is)."""
    return next((root / n for n in (META_FILE, LABELMAP) if (root / n).is_file()), None)


def looks_like(root: Path) -> bool:
    """A label file beside a ``masks/`` folder of PNGs."""
    return label_file(root) is not None and _has_png(root / MASKS_DIR)


def _has_png(folder: Path) -> bool:
    """Whether ``folder`` holds a PNG (the first one found decides: detection stays cheap)."""
    return folder.is_dir() and next((q for q in folder.rglob("*.png") if q.is_file()), None) is not None


def subsets(root: Path) -> list[Path]:
    """Subfolders that are each a common semantic segmentation (Datumaro's subset-dirs layout,
    ``<root>/<train|val|...>/dataset_meta.json``, as OpenVINO Training Extensions reads it)."""
    if not root.is_dir() or looks_like(root):
        return []
    return [d for d in sorted(root.iterdir()) if d.is_dir() and looks_like(d)]


def missing(root: Path) -> str:
    """What a folder lacks to be read as masks, in words for an error message."""
    if _has_png(root / MASKS_DIR):
        return f"{MASKS_DIR}/ holds PNGs but there is no {META_FILE} or {LABELMAP} naming their labels"
    if label_file(root) is not None:
        return f"{label_file(root).name} is here but there is no {MASKS_DIR}/ folder of PNGs"
    return (
        "no masks found: neither classes.json, index/ nor BW/ (gtconvert masks), nor "
        f"{META_FILE} or {LABELMAP} with {MASKS_DIR}/ (Datumaro's common semantic segmentation)"
    )


def read_labels(path: Path) -> Labels:
    """The label table of a ``dataset_meta.json`` or a ``labelmap.txt``."""
    names, colours, background = _meta_labels(path) if path.suffix == ".json" else _labelmap_labels(path)
    if not names:
        raise GtconvertError("no labels", file=path, fix="list the label names (and colours)")
    if background is None:  # a black label given as such is the background (Datumaro writes it so)
        background = next((k for k, c in enumerate(colours) if c == (0, 0, 0)), None)
    if all(c is None for c in colours):  # Datumaro then generates the VOC colour map
        from ...png import voc_colormap

        colours = [tuple(int(v) for v in c) for c in voc_colormap(len(names))]
    if background is None:
        background = next(
            (k for k, n in enumerate(names) if n.lower() in ("background", "_background_")), None
        )
    return Labels(names, colours, background)


def _colour(value: Any, path: Path, record: str) -> tuple[int, int, int] | None:
    if value is None:
        return None
    ok = isinstance(value, list) and len(value) == 3
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in value)
    if not ok:
        raise GtconvertError("a colour must be [r, g, b] of 0..255", file=path, record=record, fix=_FIX)
    return (value[0], value[1], value[2])


def _meta_labels(path: Path) -> tuple[list[str], list, int | None]:
    """Datumaro's order: ``labels`` first, then ``label_map`` entries not yet listed."""
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise GtconvertError("not a JSON object", file=path, fix=_FIX)
    labels, label_map = doc.get("labels"), doc.get("label_map")
    if not isinstance(labels, (list, type(None))) or not isinstance(label_map, (dict, type(None))):
        raise GtconvertError("'labels' must be a list and 'label_map' an object", file=path, fix=_FIX)
    colours_in = doc.get("segmentation_colors") or []
    if not isinstance(colours_in, list):
        raise GtconvertError("'segmentation_colors' must be a list", file=path, fix=_FIX)
    if not all(isinstance(n, str) for n in [*(labels or []), *(label_map or {}).values()]):
        raise GtconvertError("label names must be text", file=path, fix=_FIX)
    names = list(dict.fromkeys(labels or []))  # Datumaro keeps a name once
    colours: list = [None] * len(names)
    for key, name in (label_map or {}).items():
        record = f"label_map[{key!r}]"
        if not str(key).isdigit():
            raise GtconvertError("label_map keys are label indices", file=path, record=record, fix=_FIX)
        if str(name) not in names:
            names.append(str(name))
            colours.append(None)
        i = int(key)
        if i < len(colours_in):
            colours[names.index(str(name))] = _colour(colours_in[i], path, record)
    bg = doc.get("background_label")
    background = int(bg) if isinstance(bg, (int, str)) and str(bg).isdigit() else None
    if background is not None and label_map is not None and str(bg) in label_map:
        background = names.index(str(label_map[str(bg)]))
    return names, colours, background


def _labelmap_labels(path: Path) -> tuple[list[str], list, int | None]:
    """``name:r,g,b:parts:actions`` lines (VOC's ``labelmap.txt`` as Datumaro and CVAT write it)."""
    names, colours = [], []
    for number, line in enumerate(read_text(path, what="the label map").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, rest = line.partition(":")
        rgb = rest.partition(":")[0].strip()
        try:
            colour = [int(v) for v in rgb.split(",")] if rgb else None
        except ValueError:
            colour = rgb  # reported below
        names.append(name.strip())
        colours.append(_colour(colour, path, f"line {number}"))
    return names, colours, None


def read(root: Path) -> Dataset:
    """The masks of ``root/masks`` as lazy pixel labels, one per label present in a mask."""
    labels = read_labels(label_file(root))  # type: ignore[arg-type]
    names = png_files(root / MASKS_DIR)
    by_colour = {c: k for k, c in enumerate(labels.colours) if c is not None}
    skip = [] if labels.background is None else [labels.background]
    jobs = [(str(root / MASKS_DIR / n), by_colour, len(labels.names), skip) for n in names]
    scans = map_files(scan_mask, jobs)
    cats = [
        Category(id=k, name=n, color=None if c is None else tuple(v / 255 for v in c), type="pixel")
        for k, (n, c) in enumerate(zip(labels.names, labels.colours))
        if k != labels.background
    ]
    row_of: dict = {c.id: row for row, c in enumerate(cats)}
    _unknown_categories(scans, cats, row_of)
    img = Images.create(_image_names(root, names), [s["width"] for s in scans], [s["height"] for s in scans])
    info = {"masks": {"layout": "common_semantic_segmentation", "labels": label_file(root).name}}  # type: ignore[union-attr]
    ann = scan_annotations(scans, row_of, as_rle=False)
    return Dataset(img, cats, ann, info=info, image_root=str(root / IMAGES_DIR))


def read_subsets(root: Path, folders: list[Path]) -> Dataset:
    """Each subset folder read as one split (``extra["split"]``): file names ``<split>/images/...``
    under ``root``. The subsets must share their labels (Datumaro refuses them otherwise)."""
    parts = [read(d) for d in folders]
    first = [(c.id, c.name) for c in parts[0].categories]
    for d, ds in zip(folders, parts):
        if [(c.id, c.name) for c in ds.categories] != first:
            raise GtconvertError(
                f"the labels differ from those of {folders[0].name}/",
                file=label_file(d),
                fix="give every subset the same dataset_meta.json (or labelmap.txt)",
            )
        prefix = os.path.relpath(ds.image_root, root).replace(os.sep, "/")
        ds.images.file_name[:] = [f"{prefix}/{n}" for n in ds.images.file_name.tolist()]
        ds.images.extra[:] = [{"split": d.name} for _ in range(len(ds.images))]
    images = Images.concat([ds.images for ds in parts])
    images.id[:] = np.arange(1, len(images) + 1)
    offsets = np.cumsum([0] + [len(ds.images) for ds in parts[:-1]])
    for off, ds in zip(offsets.tolist(), parts):
        ds.annotations.image += off
    ann = Annotations.concat([ds.annotations for ds in parts])
    ann.id[:] = np.arange(1, len(ann) + 1)
    info = {"masks": {**parts[0].info["masks"], "subsets": [d.name for d in folders]}}
    return Dataset(images, parts[0].categories, ann, info=info, image_root=str(root))


def _unknown_categories(scans: list[dict], cats: list[Category], row_of: dict) -> None:
    """Colours or values no label has become categories of their own, with a warning."""
    unknown = sorted({v for s in scans for v in s["values"] if v not in row_of})
    for v in unknown:
        row_of[v] = len(cats)
        cats.append(Category(id=max([c.id for c in cats], default=0) + 1, name=f"value_{v}", type="pixel"))
    report.warn(
        "masks.unknown_values",
        f"masks: {len(unknown)} colours or values of the masks are no label of the label file and "
        f"were given categories of their own ({unknown[:5]})",
        len(unknown),
    )


def _image_names(root: Path, masks: list[str]) -> list[str]:
    """Each mask's image under ``images/``, by name without extension (the mask's name if none)."""
    folder = root / IMAGES_DIR
    found = (
        [q.relative_to(folder).as_posix() for q in folder.rglob("*") if q.suffix.lower() in IMAGE_SUFFIXES]
        if folder.is_dir()
        else []
    )
    by_stem: dict[str, str] = {}
    for name in sorted(found):
        by_stem.setdefault(name.rpartition(".")[0], name)
        by_stem.setdefault(name.rpartition("/")[2].rpartition(".")[0], name)  # Datumaro pairs by basename
    return [by_stem.get(m[: -len(".png")], by_stem.get(m.rpartition("/")[2][:-4], m)) for m in masks]


def scan_mask(path: str, by_colour: dict, n_labels: int, skip: list[int]) -> dict:
    """One mask, decoded once: the labels present (label indices, or the raw colour or value of
    pixels no label has), their boxes and areas, and a lazy reference to each label's pixels."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.mode == "P":
                index = np.asarray(im)
                palette = np.asarray(im.getpalette("RGB") or [], dtype=np.int64).reshape(-1, 3)
                groups = _palette_groups(index, palette, by_colour)
            elif im.mode in ("RGB", "RGBA", "LA", "PA"):
                index = np.asarray(im.convert("RGB"))
                groups = _colour_groups(index, by_colour)
            else:
                index = np.asarray(im)
                groups = {_grey_key(int(v), n_labels): [(int(v),)] for v in np.unique(index)}
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise GtconvertError(f"cannot read mask ({exc})", file=path, fix="rewrite the PNG") from None
    out: dict[str, Any] = {"width": index.shape[1], "height": index.shape[0]}
    out.update(values=[], bbox=[], area=[], refs=[])
    for key, values in sorted(groups.items(), key=_label_order):
        if key in skip:
            continue
        m = _mask_of(index, values)
        out["values"].append(key)
        out["bbox"].append(mask_bbox(m))
        out["area"].append(float(np.count_nonzero(m)))
        out["refs"].append(PixelRef(path, values[0], tuple(values[1:])))
    return out


def _label_order(item: tuple) -> tuple:
    key = item[0]
    return (isinstance(key, str), key if isinstance(key, int) else 0, str(key))


def _grey_key(value: int, n_labels: int) -> int | str:
    """A label index, or (past the labels) the value as text: a category of its own."""
    return value if value < n_labels else str(value)


def _palette_groups(index: np.ndarray, palette: np.ndarray, by_colour: dict) -> dict:
    """Palette indices present, grouped by the label of their colour."""
    groups: dict = {}
    for i in np.unique(index).tolist():
        colour = tuple(int(v) for v in palette[i]) if i < len(palette) else (i, i, i)
        groups.setdefault(by_colour.get(colour, _unknown_colour(colour)), []).append((i,))
    return groups


def _colour_groups(rgb: np.ndarray, by_colour: dict) -> dict:
    packed = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    groups = {}
    for p in np.unique(packed).tolist():
        colour = ((p >> 16) & 255, (p >> 8) & 255, p & 255)
        groups[by_colour.get(colour, _unknown_colour(colour))] = [colour]
    return groups


def _unknown_colour(colour: tuple[int, int, int]) -> str:
    return "_".join(map(str, colour))


def _mask_of(index: np.ndarray, values: list[tuple[int, ...]]) -> np.ndarray:
    if index.ndim == 3:
        return np.all(index == np.asarray(values[0], dtype=index.dtype), axis=-1)
    return np.isin(index, [v[0] for v in values])
