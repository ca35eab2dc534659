"""Pascal VOC: ``Annotations/*.xml``, ``ImageSets/Main/*.txt``, ``SegmentationClass``/``Object`` PNGs.

Boxes are 1-based and inclusive (VOC devkit): ``xmin = x + 1``, ``xmax = x + w`` in the COCO
frame (:func:`gtconvert.geometry.coco_boxes_to_voc`). Integral values are written as integers,
others as exact decimals (never truncated or rounded). ``pose``, ``truncated``, ``difficult``,
``occluded`` and other attributes (as CVAT writes them, ``<attributes>``) are kept. With
``masks=True`` polygons and masks are also painted into palette PNGs with the VOC colour map.
``gtconvert.json`` keeps category ids, image ids and object ids. See ``docs/voc.md``.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .. import geometry, imagefiles, report, sidecar
from ..errors import GtconvertError
from ..fileio import atomic_output, gc_paused, safe_relative
from ..model import Annotations, Category, Dataset, Images, Kind
from ._common import axis_aligned_boxes, crowd_policy, writable

DESCRIPTION = "Pascal VOC folder (Annotations/*.xml, ImageSets, segmentation PNGs)"

ANNOTATIONS, IMAGES, SETS = "Annotations", "JPEGImages", "ImageSets"
SEG_CLASS, SEG_OBJECT = "SegmentationClass", "SegmentationObject"
VOID = 255
_STANDARD = ("pose", "truncated", "difficult", "occluded")
_DEFAULTS = {"pose": "Unspecified", "truncated": 0, "difficult": 0}
_SHAPED = (Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF, Kind.ROTATED_BOX)


def escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (as ``xml.sax.saxutils.escape``,
    whose import pulls in ``urllib``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def detect(path: str) -> bool:
    p = Path(path)
    if p.is_dir() and (p / ANNOTATIONS).is_dir():
        return True
    if p.is_dir():
        xml = next(iter(sorted(p.glob("*.xml"))), None)
        return xml is not None and b"<annotation" in xml.read_bytes()[:4096]
    return False


def voc_colormap(n: int = 256) -> np.ndarray:
    """The VOC devkit colour map: index bits spread over R, G, B from the high bit down."""
    k = np.arange(n)
    rgb = np.zeros((n, 3), dtype=np.int64)
    for bit in range(8):
        for channel in range(3):
            rgb[:, channel] |= ((k >> (3 * bit + channel)) & 1) << (7 - bit)
    return rgb.astype(np.uint8)


# =======================================================================================
# writing
# =======================================================================================


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    split: dict[str, float] | None = None,
    seed: int | None = None,
    masks: bool = False,
    crowd: str = "keep",
    void_border: int = 0,
) -> None:
    """Write ``dataset`` as a Pascal VOC folder (atomically).

    ``masks``: also paint polygons and masks into ``SegmentationObject``/``SegmentationClass``
    palette PNGs (``void_border`` > 0 draws a band of that many pixels of 255 = void around each
    object, like the VOC originals). ``split``/``seed``: ``ImageSets/Main/<name>.txt`` lists.
    ``crowd``: ``keep`` (default; written as ordinary objects, ``iscrowd`` kept in
    ``gtconvert.json``) or ``skip``.
    """
    ann, img = dataset.annotations, dataset.images
    width, height = imagefiles.known_sizes(dataset, target="Pascal VOC")
    rows = _rows_to_write(ann, crowd, masks)
    names = [
        safe_relative(n, record=f"image id {i}") for n, i in zip(img.file_name.tolist(), img.id.tolist())
    ]
    stems = _stems(names)
    split_of = _splits(dataset, split, seed)

    img_row = ann.image[rows]
    boxes, clipped = geometry.clip_boxes(axis_aligned_boxes(dataset, rows), width[img_row], height[img_row])
    inside = (boxes[:, 2] > 0) & (boxes[:, 3] > 0)
    n_out = int(np.count_nonzero(~inside))
    report.warn("voc.outside", f"VOC: {n_out} objects lie entirely outside their image; not written", n_out)
    rows, boxes, clipped = rows[inside], boxes[inside], clipped[inside]
    report.warn(
        "voc.clipped",
        f"VOC: {int(clipped.sum())} boxes reached outside their image; clipped and marked truncated",
        int(clipped.sum()),
    )
    order = np.argsort(ann.image[rows], kind="stable")
    rows, boxes, clipped = rows[order], boxes[order], clipped[order]
    starts = np.searchsorted(ann.image[rows], np.arange(len(img) + 1))

    out = Path(path)
    with atomic_output(out, is_dir=True, overwrite=overwrite) as tmp:
        segmented = np.zeros(len(img), dtype=bool)
        if masks:
            segmented = _write_masks(dataset, rows, starts, stems, width, height, tmp, void_border)
        with gc_paused():  # 350k strings and tuples, no cycles: the collector would rescan the heap
            xmls = _xml_texts(dataset, names, rows, starts, boxes, clipped, width, height, segmented)
        _write_files(tmp / ANNOTATIONS, stems, ".xml", xmls)
        _write_sets(tmp, stems, split_of, segmented)
        _copy_images(dataset, names, tmp)
        _write_labelmap(tmp, dataset.categories)
        sidecar.write(
            tmp,
            fmt="voc",
            categories=dataset.categories,
            file_names=names,
            image_ids=img.id,
            widths=width,
            heights=height,
            rows_per_image=np.diff(starts),
            ann_ids=ann.id[rows],
            ann_kinds=ann.kind[rows],
            ann_iscrowd=ann.iscrowd[rows],
        )


def _rows_to_write(ann: Annotations, crowd: str, masks: bool) -> np.ndarray:
    keep = writable(ann, "voc", "VOC", lacks="VOC has no such shape", keep_with="coco or matlab")
    keep = crowd_policy(ann, keep, crowd, "voc", "VOC")
    rotated = int(np.count_nonzero(keep & (ann.kind == Kind.ROTATED_BOX)))
    report.warn(
        "voc.rotated_as_boxes",
        f"VOC XML: {rotated} rotated boxes written as their enclosing boxes"
        + ("" if masks else "; add --masks to also write SegmentationObject PNGs"),
        rotated,
    )
    if not masks:
        shaped = int(np.count_nonzero(keep & np.isin(ann.kind, [Kind.POLYGON, Kind.MASK, Kind.PIXEL_REF])))
        report.warn(
            "voc.shapes_as_boxes",
            f"VOC XML: {shaped} polygons and masks written as boxes; add --masks to also write "
            "SegmentationObject PNGs",
            shaped,
        )
    return np.flatnonzero(keep)


def _stems(names: list[str]) -> list[str]:
    """``sub/a.jpg`` -> ``sub/a``; two images that would share an XML file are an error."""
    stems = [_without_suffix(n) for n in names]
    if len({s.casefold() for s in stems}) != len(stems):  # a.xml and A.xml are one file on macOS/Windows
        seen: dict[str, str] = {}
        for n, s in zip(names, stems):
            if s.casefold() in seen:
                other = seen[s.casefold()]
                how = "would share" if _without_suffix(other) == s else "differ only in case and would share"
                raise GtconvertError(
                    f"images {other!r} and {n!r} {how} the annotation file {s}.xml",
                    fix="rename one of them (VOC names files by the image name without suffix)",
                )
            seen[s.casefold()] = n
    return stems


def _without_suffix(name: str) -> str:
    """``PurePosixPath(name).with_suffix("")`` for a name from ``safe_relative`` (already
    normalised), by string slicing: pathlib per image cost 25 us."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return name[: len(name) - len(base) + dot] if 0 < dot < len(base) - 1 else name


def _splits(dataset: Dataset, split: dict[str, float] | None, seed: int | None) -> np.ndarray:
    if split is not None:
        return imagefiles.assign_splits(len(dataset.images), split, seed)
    return np.array(
        [(e.get("split") or "") if isinstance(e, dict) else "" for e in dataset.images.extra], dtype=object
    )


def _number_texts(values: np.ndarray, is_int: np.ndarray) -> np.ndarray:
    """An integer where the value is one, else the shortest exact decimal (``repr``): a flat
    object array of texts.

    ``repr`` of 280,000 floats took 0.1 s (the shortest-digits search). Values with at most
    three decimals (a ruler's or a labelling tool's) are written from integers instead: when
    ``round(v * 1000) / 1000 == v`` (exact, IEEE division is correctly rounded) that decimal
    parses to ``v``, and below 1e9 no shorter decimal can (neighbours 0.001 apart are distinct
    doubles), so it is the text ``repr`` gives. Everything else goes through ``repr``.
    """
    flat, ints = values.ravel(), is_int.ravel()
    out = np.empty(len(flat), dtype=object)
    safe = ints & (np.abs(flat) < 2.0**62)
    out[safe] = _int_texts(flat[safe])
    out[ints & ~safe] = [str(int(v)) for v in flat[ints & ~safe].tolist()]
    milli = np.round(flat * 1000)
    with np.errstate(invalid="ignore"):
        short = ~ints & (flat > 0) & (flat < 1e9) & (milli / 1000 == flat)
    whole, frac = np.divmod(milli[short].astype(np.int64), 1000)
    out[short] = [w + _DECIMALS[f] for w, f in zip(_int_texts(whole), frac.tolist())]
    rest = ~ints & ~short
    out[rest] = [repr(v) for v in flat[rest].tolist()]
    return out


_DECIMALS = [""] + [f".{k:03d}".rstrip("0") for k in range(1, 1000)]  # k / 1000 as repr ends


def _int_texts(values: np.ndarray) -> list[str]:
    """Whole numbers (|v| < 2**62) as text, in one C call (``repr`` of a list)."""
    if not len(values):
        return []
    return repr(values.astype(np.int64).tolist())[1:-1].split(", ")


def _attr_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_PLAIN = "".join(f"    <{k}>{v}</{k}>\n" for k, v in _DEFAULTS.items())
_PLAIN_TRUNCATED = _PLAIN.replace("<truncated>0<", "<truncated>1<")
_HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n'
    f"  <folder>{IMAGES}</folder>\n  <filename>%s</filename>\n"
    "  <source><database>gtconvert</database></source>\n"
    "  <size><width>%s</width><height>%s</height><depth>3</depth></size>\n"
    "  <segmented>%d</segmented>\n"
)
_FOOTER = "</annotation>\n"
_BNDBOX = "    <bndbox><xmin>%s</xmin> <ymin>%s</ymin> <xmax>%s</xmax> <ymax>%s</ymax></bndbox>\n"
_OBJECT_START = "  <object>\n    <name>%s</name>\n%s    <bndbox><xmin>"
_BNDBOX_SEPARATORS = ("</xmin> <ymin>", "</ymin> <xmax>", "</xmax> <ymax>", "</ymax></bndbox>\n  </object>\n")


def _xml_texts(
    dataset: Dataset,
    names: list[str],
    rows: np.ndarray,
    starts: np.ndarray,
    boxes: np.ndarray,
    clipped: np.ndarray,
    width: np.ndarray,
    height: np.ndarray,
    segmented: np.ndarray,
) -> list[str]:
    """One XML document per image (UTF-8, declared), objects in the order of ``rows``.

    Every object's text is made from one template (names escaped once per category, numbers
    formatted in one pass); only objects with attributes take the longer path.
    """
    ann = dataset.annotations
    voc, is_int = geometry.snap_integers(geometry.coco_boxes_to_voc(boxes))
    numbers = _number_texts(voc, is_int).reshape(-1, 4)
    # every document is a run of pieces: header, 9 per object, footer; one join per file
    n_images, n_objects = len(names), len(rows)
    image_of = np.repeat(np.arange(n_images), np.diff(starts))
    base = 9 * np.arange(n_objects) + 2 * image_of + 1
    pieces = np.empty(2 * n_images + 9 * n_objects, dtype=object)
    pieces[2 * np.arange(n_images) + 9 * starts[:-1]] = [
        _HEADER % (escape(name.rpartition("/")[2]), w, h, seg)
        for name, w, h, seg in zip(names, width.tolist(), height.tolist(), segmented.tolist())
    ]
    pieces[2 * np.arange(n_images) + 9 * starts[1:] + 1] = _FOOTER
    prefixes = np.array(
        [_OBJECT_START % (escape(c.name), f) for c in dataset.categories for f in (_PLAIN, _PLAIN_TRUNCATED)]
        or [""],
        dtype=object,
    )
    pieces[base] = prefixes[2 * ann.category[rows] + clipped]
    for k, separator in enumerate(_BNDBOX_SEPARATORS):
        pieces[base + 2 * k + 1] = numbers[:, k]
        pieces[base + 2 * k + 2] = separator
    attributes = ann.attributes[rows].tolist()
    for j in [j for j, a in enumerate(attributes) if a]:  # the rare objects with attributes
        name = escape(dataset.categories[ann.category[rows[j]]].name)
        bndbox = _BNDBOX % tuple(numbers[j])
        pieces[base[j]] = _object_with_attributes(name, attributes[j], bndbox, bool(clipped[j]))
        pieces[base[j] + 1 : base[j] + 9] = ""
    flat = pieces.tolist()
    bounds = (2 * np.arange(n_images + 1) + 9 * starts).tolist()
    return ["".join(flat[a:b]) for a, b in itertools.pairwise(bounds)]


def _object_with_attributes(name: str, attributes: dict[str, Any], bndbox: str, clipped: bool) -> str:
    """One ``<object>`` whose standard fields or ``<attributes>`` come from its attributes."""
    attrs = dict(attributes)
    std = {k: attrs.pop(k, _DEFAULTS.get(k)) for k in _STANDARD}
    if clipped:
        std["truncated"] = 1
    parts = [f"  <object>\n    <name>{name}</name>\n"]
    parts += [f"    <{k}>{escape(_attr_text(std[k]))}</{k}>\n" for k in _STANDARD if std[k] is not None]
    parts.append(bndbox)
    if attrs:
        parts.append("    <attributes>\n")
        parts += [
            f"      <attribute><name>{escape(str(k))}</name><value>{escape(_attr_text(v))}</value></attribute>\n"
            for k, v in attrs.items()
        ]
        parts.append("    </attributes>\n")
    parts.append("  </object>\n")
    return "".join(parts)


def _write_files(folder: Path, names: list[str], suffix: str, texts: list[str]) -> None:
    """``folder/<name><suffix>`` for each text, UTF-8: one plain loop, no pathlib per file
    (a thread pool's future per file cost more than the write on tmpfs and SSDs)."""
    root = str(folder)
    paths = [f"{root}/{n}{suffix}" for n in names]
    for sub in {os.path.dirname(p) for p in paths}:
        os.makedirs(sub, exist_ok=True)
    for path, text in zip(paths, texts):
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))


def _write_sets(tmp: Path, stems: list[str], split_of: np.ndarray, segmented: np.ndarray) -> None:
    """``ImageSets/Main/<split>.txt`` (``trainval`` when there is no split), and Segmentation."""
    names = sorted({s for s in split_of if s}) or ["trainval"]
    files = []
    for name in names:
        members = (
            (split_of == name) if name != "trainval" or (split_of != "").any() else np.ones(len(stems), bool)
        )
        files.append(
            (tmp / SETS / "Main" / f"{name}.txt", "".join(f"{s}\n" for s, m in zip(stems, members) if m))
        )
        if segmented.any():
            listing = "".join(f"{s}\n" for s, m, g in zip(stems, members, segmented) if m and g)
            files.append((tmp / SETS / "Segmentation" / f"{name}.txt", listing))
    imagefiles.write_texts(files)


def _copy_images(dataset: Dataset, names: list[str], tmp: Path) -> None:
    if not dataset.image_root:
        report.warn(
            "voc.images_missing",
            f"VOC: the {len(names)} images were not copied (their folder is unknown); put them under {IMAGES}/",
            len(names),
        )
        return
    folder = str(tmp / IMAGES)
    pairs = [
        (os.path.join(dataset.image_root, f), f"{folder}/{n}")
        for f, n in zip(dataset.images.file_name.tolist(), names)
    ]
    missing = imagefiles.copy_images(pairs, imagefiles.video_frames(dataset))  # video frames decoded
    report.warn(
        "voc.images_missing",
        f"VOC: {missing} images not found under {dataset.image_root}; annotations written, "
        f"put the images under {IMAGES}/",
        missing,
    )


def _write_labelmap(tmp: Path, categories: list[Category]) -> None:
    """``labelmap.txt`` as CVAT writes it (``name:r,g,b::``), colours = the PNG palette."""
    cmap = voc_colormap(len(categories) + 1)
    lines = ["# label:color_rgb:parts:actions", "background:0,0,0::"]
    lines += [f"{c.name}:{','.join(map(str, cmap[k + 1]))}::" for k, c in enumerate(categories)]
    (tmp / "labelmap.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- segmentation PNGs -----------------------------------------------------------------
#
# The main process turns each image's shaped objects into a small job (its polygons, RLEs or
# pixel references, nothing else of the dataset); a process pool paints and writes the two
# PNGs of each image, a few images per task and a bounded number of tasks in flight. Each
# object is rasterised by pycocotools as before, but decoded and painted only within its
# bounding box (geometry.rle_crop), never as a full-size mask.

_IMAGES_PER_TASK = 8
_TASKS_IN_FLIGHT = 4  # per worker: enough to keep it busy, few enough to bound memory
_POOL_MIN_IMAGES = 16  # below this a pool costs more than it saves


def _write_masks(
    dataset: Dataset,
    rows: np.ndarray,
    starts: np.ndarray,
    stems: list[str],
    width: np.ndarray,
    height: np.ndarray,
    tmp: Path,
    void_border: int,
) -> np.ndarray:
    """Paint SegmentationObject (object index in the XML) and SegmentationClass (class + 1)."""
    if len(dataset.categories) >= VOID:
        raise GtconvertError(
            f"VOC class PNGs hold at most 254 classes, not {len(dataset.categories)}",
            fix="write without --masks",
        )
    kind = dataset.annotations.kind[rows]
    shaped = np.isin(kind, _SHAPED)
    per_image = np.diff(starts)
    segmented = np.zeros(len(stems), dtype=bool)
    segmented[np.repeat(np.arange(len(stems)), per_image)[shaped]] = True  # rows are sorted by image
    position = np.arange(len(rows)) - np.repeat(starts[:-1], per_image)  # index in its image's XML
    too_many = int(np.count_nonzero(shaped & (position + 1 >= VOID)))
    images = np.flatnonzero(segmented)
    root = str(tmp)
    for folder in {
        f"{root}/{sub}/{stems[r]}".rpartition("/")[0]
        for r in images.tolist()
        for sub in (SEG_OBJECT, SEG_CLASS)
    }:
        os.makedirs(folder, exist_ok=True)
    jobs = (
        _mask_job(dataset, rows, starts, r, int(height[r]), int(width[r]), root, stems[r], void_border)
        for r in images.tolist()
    )
    covered = sum(_run_jobs(jobs, len(images)))
    report.warn(
        "voc.masks_overlap",
        f"VOC masks: {covered} objects partly covered by later objects they overlap",
        covered,
    )
    report.warn(
        "voc.masks_too_many",
        f"VOC masks: {too_many} objects beyond the 254th of an image not painted",
        too_many,
    )
    return segmented


def _mask_job(
    dataset: Dataset,
    rows: np.ndarray,
    starts: np.ndarray,
    r: int,
    h: int,
    w: int,
    root: str,
    stem: str,
    void_border: int,
) -> tuple[Any, ...]:
    """Everything a worker needs to paint image ``r``: its size, file names and shapes.

    A shape is ``(object value, class value, kind, payload)``: polygon parts as flat
    coordinate lists, an RLE, or a pixel reference (decoded in the worker).
    """
    ann = dataset.annotations
    shapes = []
    for k, i in enumerate(rows[starts[r] : starts[r + 1]].tolist()):
        kind = int(ann.kind[i])
        if kind not in _SHAPED or k + 1 >= VOID:
            continue
        if kind == Kind.POLYGON:
            payload: Any = [p.ravel().tolist() for p in ann.parts(i) if len(p) >= 3]
        elif kind == Kind.ROTATED_BOX:
            payload = [geometry.rotated_box_corners(ann.rbox[i])[0].ravel().tolist()]
        elif kind == Kind.MASK:
            payload = ann.rle[i]
            if [int(v) for v in payload["size"]] != [h, w]:
                raise GtconvertError(
                    f"mask of size {payload['size'][1]}x{payload['size'][0]} on an image of {w}x{h}",
                    record=f"annotation id {ann.id[i]}",
                    fix="fix the image size or the mask",
                )
        else:
            payload = ann.pixel_ref[i]
        shapes.append((k + 1, int(ann.category[i]) + 1, kind, payload))
    paths = (f"{root}/{SEG_OBJECT}/{stem}.png", f"{root}/{SEG_CLASS}/{stem}.png")
    return h, w, paths, void_border, shapes


def _run_jobs(jobs: Any, n: int) -> list[int]:
    """Run :func:`_paint_images` over the jobs: in a process pool (both cores) when there are
    enough, with at most a few tasks in flight so memory stays bounded by a few images."""
    workers = os.cpu_count() or 1
    if workers < 2 or n < _POOL_MIN_IMAGES:
        return _paint_images(list(jobs))
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from itertools import islice

    out: list[int] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set[Any] = set()
        while True:
            while len(pending) < workers * _TASKS_IN_FLIGHT:
                batch = list(islice(jobs, _IMAGES_PER_TASK))
                if not batch:
                    break
                pending.add(pool.submit(_paint_images, batch))
            if not pending:
                return out
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                out += future.result()


def _paint_images(jobs: list[tuple[Any, ...]]) -> list[int]:
    """Paint and write the PNGs of each job; per image, how many objects later ones covered."""
    palette = _PALETTE or _palette()
    return [_paint_one(*job, palette) for job in jobs]


_PALETTE: list[int] = []


def _palette() -> list[int]:
    _PALETTE[:] = voc_colormap().ravel().tolist()
    return _PALETTE


def _paint_one(
    h: int, w: int, paths: tuple[str, str], void_border: int, shapes: list, palette: list[int]
) -> int:
    obj = np.zeros((h, w), dtype=np.uint8)
    cls = np.zeros((h, w), dtype=np.uint8)
    painted = []
    for value, class_value, kind, payload in shapes:
        crop = geometry.rle_crop(_shape_rle(kind, payload, h, w))
        if crop is None:
            continue
        r0, c0, on = crop
        window = np.s_[r0 : r0 + on.shape[0], c0 : c0 + on.shape[1]]
        obj[window][on] = value  # later objects win where they overlap
        cls[window][on] = class_value
        painted.append((value, window, on))
    covered = sum(1 for value, window, on in painted if np.count_nonzero(obj[window][on] == value) < on.sum())
    if void_border > 0:
        _draw_void(obj, cls, void_border)
    _save_png(obj, paths[0], palette)
    _save_png(cls, paths[1], palette)
    return covered


def _shape_rle(kind: int, payload: Any, h: int, w: int) -> dict[str, Any]:
    """pycocotools' RLE of one shape (its rasteriser for polygons and rotated boxes)."""
    if kind in (Kind.POLYGON, Kind.ROTATED_BOX):
        if not payload:  # no part with 3 points: nothing to paint
            return {"size": [h, w], "counts": [h * w]}
        from pycocotools import mask as mask_utils

        return mask_utils.merge(mask_utils.frPyObjects(payload, h, w))
    if kind == Kind.MASK:
        return payload
    from ..pixels import encode_pixel_refs

    rle = encode_pixel_refs([payload], workers=1)[0]
    if [int(v) for v in rle["size"]] != [h, w]:
        raise GtconvertError(
            f"label image of size {rle['size'][1]}x{rle['size'][0]} for an image of {w}x{h}",
            file=payload.path,
            fix="fix the image size or the label image",
        )
    return rle


def _draw_void(obj: np.ndarray, cls: np.ndarray, width: int) -> None:
    """Mark a band of ``width`` pixels around every object boundary as 255 (void)."""
    import cv2

    kernel = np.ones((2 * width + 1, 2 * width + 1), dtype=np.uint8)
    # an edge is wherever a pixel's neighbourhood holds more than one object value
    edge = cv2.dilate(obj, kernel) != cv2.erode(obj, kernel)
    obj[edge], cls[edge] = VOID, VOID


def _save_png(index: np.ndarray, path: str, palette: list[int]) -> None:
    """An 8-bit palette PNG of ``index`` with ``palette`` (see :func:`png_bytes`)."""
    with open(path, "wb") as f:
        f.write(png_bytes(index, palette))


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ADLER_BASE = 65521
_ZERO_PIECES: dict[int, bytes] = {}  # 2**k zero bytes as raw deflate blocks, made once per process


def png_bytes(index: np.ndarray, palette: list[int]) -> bytes:
    """An 8-bit palette PNG (filter 0, one IDAT) of a mostly-zero label image, made quickly.

    Segmentation PNGs are rows of zeros with a few bands of objects. zlib compressed the whole
    image at about 500 MB/s, two thirds of the masks time with Pillow even at level 1. Here
    only the bands of rows holding non-zero pixels are compressed (level 1, run-length
    strategy); every run of zero bytes between them is spliced in from blocks compressed
    once per process (a full flush ends each piece on a byte boundary with no reference
    before it, so pieces concatenate into one valid deflate stream) and its Adler-32 is
    extended arithmetically. Pillow, OpenCV and libpng read the result as they read Pillow's.
    """
    import zlib

    h, w = index.shape
    nonzero_rows = np.flatnonzero(index.max(axis=1) if w else np.zeros(h, bool))
    # bands of consecutive non-zero rows: [band_start, band_end)
    breaks = np.flatnonzero(np.diff(nonzero_rows) > 1)
    band_start = np.concatenate([nonzero_rows[:1], nonzero_rows[breaks + 1]]).tolist()
    band_end = np.concatenate([nonzero_rows[breaks] + 1, nonzero_rows[-1:] + 1]).tolist()
    pieces, a, b, row = [b"\x78\x01"], 1, 0, 0
    for start, end in zip(band_start, band_end):
        b = (b + (start - row) * (w + 1) * a) % _ADLER_BASE  # Adler-32 over the zeros: a stays
        pieces += _zero_blocks((start - row) * (w + 1))
        band = np.zeros((end - start, w + 1), dtype=np.uint8)  # filter byte 0 (None) per row
        band[:, 1:] = index[start:end]
        data = band.tobytes()
        adler = zlib.adler32(data, (b << 16) | a)
        a, b = adler & 0xFFFF, adler >> 16
        deflate = zlib.compressobj(1, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
        pieces += [deflate.compress(data), deflate.flush(zlib.Z_FULL_FLUSH)]
        row = end
    b = (b + (h - row) * (w + 1) * a) % _ADLER_BASE
    pieces += _zero_blocks((h - row) * (w + 1))
    pieces += [b"\x03\x00", ((b << 16) | a).to_bytes(4, "big")]  # final empty block, Adler-32
    header = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 3, 0, 0, 0])  # 8-bit palette
    return b"".join(
        [
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(palette)),
            _chunk(b"IDAT", b"".join(pieces)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    import zlib

    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(data, zlib.crc32(kind)).to_bytes(4, "big")


def _zero_blocks(n: int) -> list[bytes]:
    """Raw deflate blocks holding ``n`` zero bytes: one cached piece per bit of ``n``."""
    import zlib

    out = []
    for k in range(n.bit_length()):
        if n >> k & 1:
            if k not in _ZERO_PIECES:
                deflate = zlib.compressobj(1, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
                _ZERO_PIECES[k] = deflate.compress(bytes(1 << k)) + deflate.flush(zlib.Z_FULL_FLUSH)
            out.append(_ZERO_PIECES[k])
    return out


# =======================================================================================
# reading
# =======================================================================================


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
) -> Dataset:
    """Read a Pascal VOC folder (or a folder of VOC XML files).

    ``images``: the image folder (default ``JPEGImages/``); sizes missing from an XML come from
    the image header, else ``image_size=(W, H)``. ``SegmentationObject`` PNGs, where present,
    turn their objects into masks.
    """
    root = Path(path)
    if not root.is_dir():
        raise GtconvertError("not a folder", file=root, fix="point at the VOC folder (with Annotations/)")
    ann_dir = root / ANNOTATIONS if (root / ANNOTATIONS).is_dir() else root
    image_root = Path(images) if images else (root / IMAGES if (root / IMAGES).is_dir() else root)
    xml_files = sorted(ann_dir.rglob("*.xml"))
    if not xml_files:
        raise GtconvertError(
            "no VOC XML files found", file=ann_dir, fix="point at the VOC folder (with Annotations/)"
        )
    side = sidecar.load(root)
    docs, xyxy = _read_documents(xml_files, ann_dir)
    names = [d["file_name"] for d in docs]
    rows_per_image = np.array([len(d["objects"]) for d in docs], dtype=np.int64)
    restored = sidecar.restore(side, names, rows_per_image, source="voc")
    width, height = _sizes(docs, image_root, image_size)
    splits = _read_sets(root)
    img = Images.create(
        names,
        width=width,
        height=height,
        id=restored.image_ids,
        extra=[{"split": splits[d["stem"]]} if d["stem"] in splits else None for d in docs],
    )
    cats = _categories(docs, side, root)
    ann = _annotations(docs, xyxy, img, cats, restored, root)
    return Dataset(img, cats, ann, info={"voc": {}}, image_root=str(image_root))


# ---- XML files -> documents and one array of boxes -------------------------------------
#
# defusedxml parses (its parser refuses DTDs and entities); the Python work per element is
# kept small: an object's children are looked up once in a dict, its four coordinates stay
# text until all files are read, then become one numpy array checked at once.

_BOX_TAGS = ("xmin", "ymin", "xmax", "ymax")
_DEFAULT_TEXT = {"pose": "Unspecified", "truncated": "0", "difficult": "0"}
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64  # files per thread-pool task


def _read_documents(xml_files: list[Path], ann_dir: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Every XML file parsed (read by a small thread pool), and the (N, 4) VOC boxes of all objects."""
    raw = _read_bytes(xml_files)
    with gc_paused():  # a dict per object and a tree per file, none in a cycle
        docs = [_parse_xml(data, path, ann_dir) for data, path in zip(raw, xml_files)]
    return docs, _box_values(docs)


def _read_bytes(paths: list[Path]) -> list[bytes]:
    from concurrent.futures import ThreadPoolExecutor

    def one(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise GtconvertError(f"cannot read the XML file ({exc.strerror or exc})", file=path) from None

    def chunk(start: int) -> list[bytes]:
        return [one(p) for p in paths[start : start + _CHUNK]]

    if len(paths) > _CHUNK:  # threads pay off where files come from disk or the network
        with ThreadPoolExecutor(imagefiles.IO_THREADS) as pool:
            return [data for part in pool.map(chunk, range(0, len(paths), _CHUNK)) for data in part]
    return [one(p) for p in paths]


def _defused_parser(*, namespaced: bool) -> Any:
    """defusedxml's parser (DTDs refused, entity and external-reference handlers armed).

    defusedxml builds on the pure-Python ElementTree parser, which makes two Python calls per
    element; they only rename namespaced tags and pass the event on to the C tree builder. For
    a file without namespaces (every VOC file) the element events go straight to the tree
    builder: same tree, about half the parse time, and every defusedxml guard stays in place.
    A DTD in an encoding the byte check cannot see (UTF-16) still fails here.
    """
    import xml.etree.ElementTree as ET

    from defusedxml.ElementTree import DefusedXMLParser

    builder = ET.TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    expat = getattr(parser, "parser", None)
    if not namespaced and expat is not None:
        expat.ordered_attributes = False  # attributes as a dict, as TreeBuilder.start takes them
        expat.StartElementHandler = builder.start
        expat.EndElementHandler = builder.end
    return parser


def _text(node: Any, tag: str) -> str | None:
    child = node.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _parse_xml(data: bytes, path: Path, ann_dir: Path) -> dict[str, Any]:
    """One annotation file -> file name, size and objects (name, box texts, attributes)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if any(marker in data for marker in _DTD_MARKERS):  # refused before any parsing
        raise GtconvertError(
            "the file declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); VOC XML needs none and they "
            "are refused (entity expansion bombs, external entities)",
            file=path,
            fix="remove the <!DOCTYPE ...> declaration",
        )
    try:
        parser = _defused_parser(namespaced=b"xmlns" in data)
        parser.feed(data)
        top = parser.close()
    except (ElementTree.ParseError, DefusedXmlException, LookupError) as exc:  # LookupError: unknown encoding
        raise GtconvertError(f"not a valid VOC XML file ({exc})", file=path) from None
    if top.tag != "annotation":
        raise GtconvertError(f"root element is <{top.tag}>, not <annotation>", file=path)
    stem = _stem(path, ann_dir)
    sub, _, base = stem.rpartition("/")
    filename = _text(top, "filename") or f"{base}.jpg"
    file_name = str(PurePosixPath(sub) / filename) if sub else filename
    size = top.find("size")
    objects, boxes = [], []
    for k, node in enumerate(top.iterfind("object")):
        obj, box = _parse_object(node, path, k)
        objects.append(obj)
        boxes.append(box)
    return {
        "path": path,
        "stem": stem,
        "file_name": file_name,
        "width": _number_of(size, "width", path, "size") if size is not None else 0.0,
        "height": _number_of(size, "height", path, "size") if size is not None else 0.0,
        "objects": objects,
        "box_text": boxes,
    }


def _stem(path: Path, ann_dir: Path) -> str:
    """``Annotations/sub/a.xml`` -> ``sub/a`` (string slicing: pathlib per file costs 20 us)."""
    text, folder = str(path), str(ann_dir) + os.sep
    if text.startswith(folder) and text.endswith(".xml"):
        return text[len(folder) : -4].replace(os.sep, "/")
    return path.relative_to(ann_dir).with_suffix("").as_posix()


def _number_of(node: Any, tag: str, path: Path, record: str) -> float:
    text = _text(node, tag)
    if text is None:
        return 0.0 if record == "size" else _missing(tag, path, record)
    return _float(text, tag, path, record)


def _float(text: str, tag: str, path: Path, record: str) -> float:
    try:
        value = float(text)  # tolerate 48.0 and 48.5 written by other tools
    except ValueError:
        raise GtconvertError(f"<{tag}> is {text!r}, not a number", file=path, record=record) from None
    if not math.isfinite(value):
        raise GtconvertError(f"<{tag}> is {text!r}, not a finite number", file=path, record=record)
    return value


def _missing(tag: str, path: Path, record: str) -> float:
    raise GtconvertError(f"<{tag}> is missing", file=path, record=record, fix=f"add <{tag}>")


def _value(text: str) -> Any:
    """An attribute value: numbers and booleans as written by our writer (JSON), else the text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (int, float, bool)) else text


def _parse_object(node: Any, path: Path, k: int) -> tuple[dict[str, Any], list[str]]:
    """One <object>: its name and attributes, and the texts of its four coordinates.

    ``findtext`` (C) gives ``None`` for an absent child and ``""`` for an empty one; both mean
    missing. Coordinates stay text here: :func:`_box_values` converts all files' at once.
    """
    name = node.findtext("name")
    name = name.strip() if name else name
    if not name:
        raise GtconvertError("object has no <name>", file=path, record=f"object {k + 1}")
    box = node.find("bndbox")
    if box is None:
        raise GtconvertError("object has no <bndbox>", file=path, record=f"object {k + 1} ({name})")
    texts = [box.findtext(t) for t in _BOX_TAGS]
    if None in texts or "" in texts:
        missing = next(t for t, v in zip(_BOX_TAGS, texts) if not v)
        _missing(missing, path, f"object {k + 1} ({name})")
    attrs: dict[str, Any] = {}
    for key in _STANDARD:
        text = node.findtext(key)
        if text and text != _DEFAULT_TEXT.get(key):  # the writer's defaults need no parsing
            value = _value(text.strip())
            if value != _DEFAULTS.get(key):  # keep only what says something
                attrs[key] = value
    if node.find("attributes") is not None:
        for a in node.iterfind("attributes/attribute"):
            key = _text(a, "name")
            if key:
                attrs[key] = _value(_text(a, "value") or "")
    return {"name": name, "attributes": attrs or None}, texts  # type: ignore[return-value]


def _box_values(docs: list[dict[str, Any]]) -> np.ndarray:
    """The coordinate texts of all objects as one (N, 4) array, checked at once.

    The first bad value is found again, one by one, only to name its file and object.
    """
    flat = [t for d in docs for box in d["box_text"] for t in box]
    try:
        xyxy = np.array(flat, dtype=np.float64).reshape(-1, 4)
        bad = ~np.isfinite(xyxy).all(axis=1) | (xyxy[:, 2] < xyxy[:, 0] - 1) | (xyxy[:, 3] < xyxy[:, 1] - 1)
    except ValueError:  # a text that is not a number
        xyxy, bad = np.zeros((0, 4)), np.ones(len(flat) // 4, dtype=bool)
    if bad.any():
        _raise_first_bad_box(docs, int(np.flatnonzero(bad)[0]))
    return xyxy


def _raise_first_bad_box(docs: list[dict[str, Any]], first: int) -> None:
    """Check the objects from row ``first`` on, one by one, and raise for the first bad one."""
    starts = np.concatenate([[0], np.cumsum([len(d["box_text"]) for d in docs])])
    r0 = int(np.searchsorted(starts, first, side="right")) - 1  # the file holding row ``first``
    for r in range(r0, len(docs)):
        d = docs[r]
        for k in range(first - int(starts[r]) if r == r0 else 0, len(d["box_text"])):
            record = f"object {k + 1} ({d['objects'][k]['name']})"
            xyxy = [_float(t.strip(), tag, d["path"], record) for t, tag in zip(d["box_text"][k], _BOX_TAGS)]
            for lo, hi, axis in ((0, 2, "x"), (1, 3, "y")):
                if xyxy[hi] < xyxy[lo] - 1:  # 1-based inclusive: width = xmax - xmin + 1 (floats allowed)
                    raise GtconvertError(
                        f"{axis}max {xyxy[hi]:g} < {axis}min {xyxy[lo]:g} - 1: the box has a negative size",
                        file=d["path"],
                        record=record,
                        fix=f"swap {axis}min and {axis}max",
                    )
    raise AssertionError("a bad box was found but not again")  # pragma: no cover


def _sizes(
    docs: list[dict], image_root: Path, image_size: tuple[int, int] | None
) -> tuple[np.ndarray, np.ndarray]:
    width = np.array([d["width"] for d in docs], dtype=np.float64)
    height = np.array([d["height"] for d in docs], dtype=np.float64)
    unknown = np.flatnonzero((width <= 0) | (height <= 0))
    if len(unknown):
        w, h = imagefiles.header_sizes([image_root / docs[i]["file_name"] for i in unknown])
        if image_size is not None:
            w = np.where(w > 0, w, image_size[0])
            h = np.where(h > 0, h, image_size[1])
        width[unknown], height[unknown] = w, h
        still = unknown[(w <= 0) | (h <= 0)]
        if len(still):
            files = ", ".join(str(docs[i]["path"]) for i in still[:5])
            raise GtconvertError(
                f"{len(still)} XML files have no <size> and their images are missing: {files}",
                fix="pass --images DIR where the images are, or --image-size WxH",
            )
    return np.rint(width).astype(np.int64), np.rint(height).astype(np.int64)


def _read_sets(root: Path) -> dict[str, str]:
    """Image stem -> split name from ``ImageSets/Main/<split>.txt`` (per-class lists ignored)."""
    main = root / SETS / "Main"
    out: dict[str, str] = {}
    if not main.is_dir():
        return out
    for f in sorted(main.glob("*.txt")):
        if "_" in f.stem or f.stem == "trainval":  # <class>_<split>.txt, and the union of train+val
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.setdefault(line.split()[0], f.stem)
    return out


def _categories(docs: list[dict], side: dict[str, Any] | None, root: Path) -> list[Category]:
    """The sidecar's categories (with ids), then labelmap.txt order, then first appearance."""
    cats = [sidecar.category_from_record(r) for r in side["categories"]] if side else []
    known = {c.name for c in cats}
    order: list[str] = []
    labelmap = root / "labelmap.txt"
    if labelmap.is_file() and not side:
        for line in labelmap.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                name = line.rsplit(":", 3)[0]  # name:r,g,b:parts:actions; names may hold ':'
                if name != "background":
                    order.append(name)
    order += [o["name"] for d in docs for o in d["objects"]]
    next_id = max((c.id for c in cats), default=0) + 1
    for name in dict.fromkeys(order):
        if name not in known:
            cats.append(Category(id=next_id, name=name))
            known.add(name)
            next_id += 1
    return cats


def _annotations(
    docs: list[dict],
    xyxy: np.ndarray,
    img: Images,
    cats: list[Category],
    restored: sidecar.Restored,
    root: Path,
) -> Annotations:
    objects = [(r, o) for r, d in enumerate(docs) for o in d["objects"]]
    n = len(objects)
    if n == 0:
        return Annotations.empty()
    row_of = {c.name: k for k, c in enumerate(cats)}
    attributes = np.empty(n, dtype=object)
    attributes[:] = [o["attributes"] for _, o in objects]
    ann = Annotations.create(
        [r for r, _ in objects],
        [row_of[o["name"]] for _, o in objects],
        Kind.BOX,
        id=restored.ann_ids,
        bbox=geometry.voc_boxes_to_coco(xyxy),
        iscrowd=restored.ann_iscrowd,
        attributes=attributes,
    )
    _read_masks(docs, ann, root)
    return ann


def _read_masks(docs: list[dict], ann: Annotations, root: Path) -> None:
    """Objects painted in ``SegmentationObject/<stem>.png`` (value = object index) become masks."""
    seg_dir = root / SEG_OBJECT
    if not seg_dir.is_dir():
        return
    from ..pixels import read_label_matrix

    first = 0
    for d in docs:
        n = len(d["objects"])
        png = seg_dir / f"{d['stem']}.png"
        if n and png.is_file():
            matrix = read_label_matrix(str(png))
            if matrix.ndim == 3:
                raise GtconvertError("SegmentationObject PNG is not a palette image", file=png)
            for k in range(n):
                m = matrix == k + 1
                if m.any():
                    ann.kind[first + k] = Kind.MASK
                    ann.rle[first + k] = geometry.mask_to_rle(m)
        first += n
