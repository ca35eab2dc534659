"""Reading a Pascal VOC folder (or a folder of VOC XML files) into a Dataset."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import geometry, imagefiles, sidecar
from ...errors import GtconvertError
from ...limits import image_sizes
from ...model import Annotations, Category, Dataset, Images, Kind
from . import labelmap
from . import origin as origins
from .image_sets import read_sets, unannotated_documents
from .layout import ANNOTATIONS, IMAGES, has_segmentation
from .seg_read import read_segmentation
from .xml_parse import read_documents, top_rows


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    origin: str | None = None,
) -> Dataset:
    """Read a Pascal VOC folder (or a folder of VOC XML files).

    ``origin``: ``devkit`` (1-based inclusive corners, ``x = xmin - 1``; the default unless
    gtconvert.json says otherwise) or ``zero`` (``x = xmin``, ``w = xmax - xmin``, as Datumaro,
    CVAT, globox, labelme and Roboflow read and write them); see ``docs/voc.md``.

    ``images``: the image folder (default ``JPEGImages/``); sizes missing from an XML come from
    the image header, else ``image_size=(W, H)``. ``SegmentationObject`` PNGs, where present,
    turn their objects into masks.
    """
    root = Path(path)
    if not root.is_dir():
        raise GtconvertError("not a folder", file=root, fix="point at the VOC folder (with Annotations/)")
    ann_dir = root / ANNOTATIONS if (root / ANNOTATIONS).is_dir() else root
    image_root = Path(images) if images else (root / IMAGES if (root / IMAGES).is_dir() else root)
    xml_files = _xml_files(ann_dir)
    if not xml_files and not has_segmentation(root):
        raise GtconvertError(
            "no VOC XML files found", file=ann_dir, fix="point at the VOC folder (with Annotations/)"
        )
    side = sidecar.load(root)
    origin = origins.resolve(origin, side)
    docs, xyxy = read_documents(xml_files, ann_dir, origins.slack(origin))
    docs += unannotated_documents(root, docs, image_root)
    entries = labelmap.read(root)
    masks = read_segmentation(docs, root, entries)
    for d, m in zip(docs, masks):
        if m is not None and m.extra:  # objects only the PNGs hold, after the XML's
            d["names"] = d["names"] + [name for name, _ in m.extra]
            d["attributes"] = d["attributes"] + [None] * len(m.extra)
            if d["parents"] is not None:
                d["parents"] = d["parents"] + [-1] * len(m.extra)
    names = [d["file_name"] for d in docs]
    rows_per_image = np.array([len(d["names"]) for d in docs], dtype=np.int64)
    restored = sidecar.restore(side, names, rows_per_image, source="voc")
    width, height = _sizes(docs, masks, image_root, image_size)
    splits = read_sets(root)
    img = Images.create(
        names,
        width=width,
        height=height,
        id=restored.image_ids,
        extra=[{"split": splits[d["stem"]]} if d["stem"] in splits else None for d in docs],
    )
    cats = _categories(docs, side, entries)
    ann = _annotations(docs, origins.to_coco(xyxy, origin), masks, cats, restored)
    return Dataset(img, cats, ann, info={"voc": {"origin": origin}}, image_root=str(image_root))


def _sizes(
    docs: list[dict], masks: list, image_root: Path, image_size: tuple[int, int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Each image's size: the XML's, else the image header's, the PNGs', ``image_size``.

    An XML without a size whose image is missing is an error; an image listed in ImageSets
    without an XML and without a file keeps an unknown size (0).
    """
    width = np.array([d["width"] for d in docs], dtype=np.float64)
    height = np.array([d["height"] for d in docs], dtype=np.float64)
    unknown = np.flatnonzero((width <= 0) | (height <= 0))
    if len(unknown):
        w, h = imagefiles.header_sizes([image_root / docs[i]["file_name"] for i in unknown])
        png = [masks[i].size if masks[i] is not None else None for i in unknown.tolist()]
        w = np.where(w > 0, w, [s[0] if s else 0 for s in png])
        h = np.where(h > 0, h, [s[1] if s else 0 for s in png])
        if image_size is not None:
            w = np.where(w > 0, w, image_size[0])
            h = np.where(h > 0, h, image_size[1])
        width[unknown], height[unknown] = w, h
        still = [i for i in unknown[(w <= 0) | (h <= 0)].tolist() if docs[i]["path"] is not None]
        if still:
            files = ", ".join(str(docs[i]["path"]) for i in still[:5])
            raise GtconvertError(
                f"{len(still)} XML files have no <size> and their images are missing: {files}",
                fix="pass --images DIR where the images are, or --image-size WxH",
            )
    names, files = [d["file_name"] for d in docs], [d["path"] for d in docs]
    return image_sizes(width, height, file=None, names=names, files=files)  # whole, bounded: <width>1e30


def _xml_files(folder: Path) -> list[str]:
    """``folder/**/*.xml`` in pathlib's order (by path components), walked with ``os.walk``, as
    strings: making and sorting thousands of ``Path`` objects cost more than reading the files."""
    found = [
        os.path.join(top, name)
        for top, _, files in os.walk(folder)
        for name in files
        if name.endswith(".xml")
    ]
    found.sort(key=lambda p: p.split(os.sep))
    return found


def _keys(d: dict) -> list[tuple[str, str]] | list[str]:
    """Each row's category key: its name, or ``(parent class, name)`` for a document with parts."""
    if d["parents"] is None:
        return d["names"]
    names = d["names"]
    return [(names[p] if p >= 0 else "", n) for n, p in zip(names, d["parents"])]


def _categories(docs: list[dict], side: dict[str, Any] | None, entries: list | None) -> list[Category]:
    """The sidecar's categories (with ids), then labelmap.txt order, then first appearance.

    A part (``<part>`` of a person) is a category of its own whose ``parent`` is the class of
    the object holding it, as a MATLAB sublabel; a class's action names (``<actions>``, the
    labelmap's fourth field) are kept in its ``extra["voc_actions"]``.
    """
    cats = [sidecar.category_from_record(r) for r in side["categories"]] if side else []
    order: list[tuple[str, str]] = []
    actions: dict[tuple[str, str], list[str]] = {}
    if entries and not side:
        order += [("", e.name) for e in entries if e.name != labelmap.BACKGROUND]
        order += [(e.name, p) for e in entries for p in e.parts]
        for e in entries:
            actions.setdefault(("", e.name), []).extend(e.actions)
    seen = dict.fromkeys(itertools.chain.from_iterable(_keys(d) for d in docs))  # C loops, in order
    order += [k if isinstance(k, tuple) else ("", k) for k in seen]
    for d in docs:
        for row, names in d["actions"]:
            parent = d["parents"][row] if d["parents"] is not None else -1
            key = (d["names"][parent] if parent >= 0 else "", d["names"][row])
            actions.setdefault(key, []).extend(names)
    known = {(c.parent, c.name): c for c in cats}
    next_id = max((c.id for c in cats), default=0) + 1
    for parent, name in dict.fromkeys(order):
        if (parent, name) not in known:
            known[parent, name] = Category(id=next_id, name=name, parent=parent)
            cats.append(known[parent, name])
            next_id += 1
    for key, names in actions.items():
        if names and key in known:
            c = known[key]
            merged = dict.fromkeys([*c.extra.get(labelmap.ACTIONS_KEY, []), *names])
            c.extra = {**c.extra, labelmap.ACTIONS_KEY: list(merged)}
    return cats


def _annotations(
    docs: list[dict],
    boxes: np.ndarray,
    masks: list,
    cats: list[Category],
    restored: sidecar.Restored,
) -> Annotations:
    """One row per object, image by image: the XML's objects, each followed by its parts (a
    mask where their PNG has one), then the objects only the PNGs hold."""
    per_image = np.array([len(d["names"]) for d in docs], dtype=np.int64)
    n = int(per_image.sum())
    if n == 0:
        return Annotations.empty()
    row_of = {(c.parent, c.name): k for k, c in enumerate(cats)}
    row_of.update({c.name: k for k, c in enumerate(cats) if not c.parent})  # keys of rows without parts
    category = np.fromiter(
        map(row_of.__getitem__, itertools.chain.from_iterable(_keys(d) for d in docs)), np.int64, n
    )
    attributes = np.empty(n, dtype=object)
    attributes[:] = list(itertools.chain.from_iterable(d["attributes"] for d in docs))
    n_xml = np.array([len(d["box_text"]) for d in docs], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(per_image)[:-1]])
    from_xml = np.repeat(first, n_xml) + (
        np.arange(int(n_xml.sum())) - np.repeat(np.cumsum(n_xml) - n_xml, n_xml)
    )
    bbox = np.zeros((n, 4))
    bbox[from_xml] = boxes
    kind = np.full(n, Kind.BOX, dtype=np.uint8)
    rle = np.empty(n, dtype=object)
    parent = np.full(n, -1, dtype=np.int64)
    for d, m, f in zip(docs, masks, first.tolist()):
        if d["parents"] is not None:
            rows = np.asarray(d["parents"], dtype=np.int64)
            parent[f : f + len(rows)] = np.where(rows >= 0, rows + f, -1)
        if m is None:
            continue
        tops = top_rows(d)
        for k, r in m.paired.items():
            kind[f + tops[k]], rle[f + tops[k]] = Kind.MASK, r
        extra = f + len(d["box_text"]) + np.arange(len(m.extra))
        if len(extra):
            kind[extra] = Kind.MASK
            rle[extra] = [r for _, r in m.extra]
            bbox[extra] = geometry.rle_bbox([r for _, r in m.extra])
    return Annotations.create(
        np.repeat(np.arange(len(docs)), per_image),
        category,
        kind,
        id=restored.ann_ids,
        bbox=bbox,
        iscrowd=restored.ann_iscrowd,
        rle=rle,
        attributes=attributes,
        parent=parent,
    )
