"""MATLAB: raw ``groundTruth`` files from the labelers (via mat-io) and the interchange ``.mat``.

Reading: ``gTruth.mat`` as Image Labeler, Video Labeler and Ground Truth Labeler save it
(R2017b..R2025a, every label type), the Image Labeler's table export, a standalone
label-definitions table, and the interchange file of ``docs/interchange.md`` (v7 or v7.3).
Writing: the interchange file only (``mat_version`` "7" with scipy, "7.3" with h5py in
MATLAB's HDF5 layout); ``gtconvert.importGroundTruth`` builds the groundTruth in MATLAB.

Coordinates (``shared/docs/matlab-groundtruth.md`` section 3, via :mod:`gtconvert.geometry`):
boxes ``[x y w h]`` -> COCO ``[x-1, y-1, w, h]`` (with the labelers' border quirk undone);
polygon, line and point vertices and rotated-box centres ``v - 0.5`` ("center", default) or
``v - 1`` ("openlabel", MathWorks' OpenLABEL export). Several groundTruth objects in one file
(variables or an array) are merged into one dataset by default: labels are matched by name
and must agree on type; ``merge=False`` reads only the first and says so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .. import geometry, report
from ..errors import GtconvertError
from ..fileio import atomic_output
from ..model import Annotations, Category, Dataset, Images, Kind, PixelRef
from . import _interchange
from ._interchange import Interchange

DESCRIPTION = "MATLAB groundTruth .mat (raw, via mat-io) and the gtconvert interchange .mat"

#: labelType name <-> Category.type
TYPE_NAMES = {
    "Rectangle": "rectangle", "RotatedRectangle": "rotated_rectangle", "Polygon": "polygon",
    "Line": "line", "Point": "point", "ProjectedCuboid": "projected_cuboid", "Scene": "scene",
    "PixelLabel": "pixel", "Cuboid": "cuboid", "Custom": "custom", "Mask": "mask",
}  # fmt: skip
_LABEL_TYPE = {v: k for k, v in TYPE_NAMES.items()}
_KIND_LABEL_TYPE = {
    Kind.BOX: "Rectangle", Kind.ROTATED_BOX: "RotatedRectangle", Kind.POLYGON: "Polygon",
    Kind.POLYLINE: "Line", Kind.POINT: "Point", Kind.PROJECTED_CUBOID: "ProjectedCuboid",
    Kind.TAG: "Scene", Kind.MASK: "Mask", Kind.PIXEL_REF: "PixelLabel",
}  # fmt: skip
#: number of position values -> kind, for objects with a position row
_POSITION_KIND = {2: Kind.POINT, 4: Kind.BOX, 5: Kind.ROTATED_BOX, 8: Kind.PROJECTED_CUBOID}


def detect(path: str) -> bool:
    """Any ``.mat`` file: this is the only format that reads MAT-files."""
    return os.path.isfile(path) and path.lower().endswith(".mat")


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    vertex_convention: str | None = None,
    merge: bool | None = None,
    every: int | None = None,
    instances: bool | None = None,
) -> Dataset:
    """Read a raw groundTruth MAT-file or an interchange file.

    ``images``: folder where the labeller's image paths are resolved (longest matching
    relative suffix, then basename, like MATLAB's ``changeFilePaths``). ``image_size``:
    ``(W, H)`` for images that cannot be found. ``vertex_convention``: "center" (default for
    raw files; an interchange file says its own) or "openlabel". ``merge``: merge several
    groundTruth objects (default) or read only the first (False). ``every``: keep every N-th
    image/frame row. ``instances``: one mask per connected component of a pixel label,
    instead of one lazy reference per (image, label).
    """
    if not os.path.isfile(path):
        raise GtconvertError("no such file", file=path)
    if every is not None and every < 1:
        raise GtconvertError("--every must be 1 or more", fix="e.g. --every 5")
    if vertex_convention is not None and vertex_convention not in geometry.VERTEX_SHIFT:
        raise GtconvertError(f"unknown vertex convention {vertex_convention!r}", fix="center or openlabel")
    ic = _interchange.load(path)
    if ic is not None:
        parts = [("gtconvert", ic)]
    else:
        from . import _matlab_raw

        listing = _datastore_listing(images)
        parts = _matlab_raw.decode(path, listing)
        parts = _select(parts, merge, path)
    opts = {
        "mat_dir": str(Path(path).resolve().parent),
        "images": images,
        "image_size": image_size,
        "convention": vertex_convention,
        "every": every,
        "instances": bool(instances),
        "path": path,
    }
    datasets = [to_dataset(ic, name, **opts) for name, ic in parts]
    return datasets[0] if len(datasets) == 1 else _merge(datasets, path)


def _datastore_listing(images: str | None) -> list[str] | None:
    """Image files of ``images`` in sorted order, for datastores whose list cannot be decoded."""
    if not images:
        return None
    from ..imagefiles import find_images

    return [str(Path(images) / p) for p in find_images(images)]


def _select(
    parts: list[tuple[str, Interchange]], merge: bool | None, path: Any
) -> list[tuple[str, Interchange]]:
    if len(parts) > 1 and merge is False:
        report.warn(
            "matlab.not_merged",
            f"MATLAB: read only {parts[0][0]}; {len(parts) - 1} more groundTruth object(s) in the file "
            f"were skipped ({', '.join(n for n, _ in parts[1:])}); pass merge to read them all",
            len(parts) - 1,
        )
        return parts[:1]
    return parts


def _merge(datasets: list[Dataset], path: Any) -> Dataset:
    """Several groundTruth objects -> one dataset; labels matched by (parent, name)."""
    cats: list[Category] = []
    index: dict[tuple[str, str], int] = {}
    image_parts, ann_parts = [], []
    image_offset = ann_id = image_id = 0
    for ds in datasets:
        remap = np.zeros(len(ds.categories), dtype=np.int64)
        for k, c in enumerate(ds.categories):
            key = (c.parent, c.name)
            if key in index and cats[index[key]].type != c.type:
                raise GtconvertError(
                    f"label {c.name!r} is a {cats[index[key]].type} in one groundTruth and a {c.type} in another",
                    file=path,
                    fix="rename one of them, or read one object with merge=False",
                )
            if key not in index:
                index[key] = len(cats)
                cats.append(Category(**{**c.__dict__, "id": len(cats) + 1}))
            remap[k] = index[key]
        img = ds.images
        img.id = img.id + image_id
        ann = ds.annotations
        ann.image = ann.image + image_offset
        ann.category = remap[ann.category] if len(ann) else ann.category
        ann.id = ann.id + ann_id
        image_parts.append(img)
        ann_parts.append(ann)
        image_offset += len(img)
        image_id = int(img.id.max()) if len(img) else image_id
        ann_id = int(ann.id.max()) if len(ann) else ann_id
    info = dict(datasets[0].info)
    info["matlab"] = {**info.get("matlab", {}), "objects": [d.info.get("matlab", {}) for d in datasets]}
    info.setdefault("summary", {})["groundTruth objects"] = len(datasets)
    return Dataset(
        Images.concat(image_parts), cats, Annotations.concat(ann_parts), info, datasets[0].image_root
    )


# ---- files: the labeller's paths, resolved against the user's folders --------------------


def _split_path(stored: str) -> list[str]:
    return [p for p in stored.replace("\\", "/").split("/") if p not in ("", ".")]


class _FileIndex:
    """Files under some folders, found by basename and then by the longest common suffix."""

    def __init__(self, roots: list[str], suffixes: tuple[str, ...]) -> None:
        self.by_name: dict[str, list[tuple[str, list[str]]]] = {}
        for root in roots:
            if not root or not os.path.isdir(root):
                continue
            for dirpath, _dirs, files in os.walk(root):
                for f in files:
                    if f.lower().endswith(suffixes):
                        full = os.path.join(dirpath, f)
                        parts = _split_path(os.path.relpath(full, root))
                        self.by_name.setdefault(f.lower(), []).append((full, [p.lower() for p in parts]))

    def find(self, stored: str) -> str | None:
        parts = [p.lower() for p in _split_path(stored)]
        if not parts:
            return None
        candidates = self.by_name.get(parts[-1], [])
        best, best_len = None, 0
        for full, cparts in candidates:
            n = 0
            while n < min(len(parts), len(cparts)) and parts[-1 - n] == cparts[-1 - n]:
                n += 1
            if n > best_len:
                best, best_len = full, n
        return best


def _is_video(ic: Interchange) -> bool:
    """A video or image-sequence source whose frames have no files of their own."""
    return bool(ic.sourceName) and not any(ic.imageFiles)


def _video_file(ic: Interchange, opts: dict[str, Any]) -> str | None:
    """The labelled video on this machine: its stored path, under ``--images`` or beside the .mat."""
    stored = ic.sourceName
    parts = _split_path(stored)
    if not parts:
        return None
    candidates = [stored] if os.path.isabs(stored) else [os.path.join(opts["mat_dir"], stored)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    roots = [r for r in (opts["images"],) if r]
    if roots:  # longest matching suffix, then basename, like images
        hit = _FileIndex(roots, (PurePosixPath(parts[-1]).suffix.lower() or parts[-1].lower(),)).find(stored)
        if hit:
            return os.path.abspath(hit)
    beside = os.path.join(opts["mat_dir"], parts[-1])
    return os.path.abspath(beside) if os.path.isfile(beside) else None


def _image_names(
    ic: Interchange, opts: dict[str, Any], video_file: str | None = None
) -> tuple[list[str], str, list[str | None]]:
    """File names (relative to the image root), the root, and each image's file if found."""
    n = len(ic.imageFiles)
    mat_dir, images = opts["mat_dir"], opts["images"]
    if _is_video(ic):  # frames of a video: <stem>_<row>.png, decoded from the video when written
        stem = PurePosixPath(_split_path(ic.sourceName)[-1] if _split_path(ic.sourceName) else "video").stem
        width = len(str(n))
        names = [f"{stem}_{i + 1:0{width}d}.png" for i in range(n)]
        root = images or mat_dir
        found = [p if os.path.isfile(p) else None for p in (os.path.join(root, nm) for nm in names)]
        if not any(found) and n:
            _warn_frames_not_extracted(ic, names, video_file)
        return names, root, found
    from ..imagefiles import IMAGE_SUFFIXES

    if images:
        index = _FileIndex([images], IMAGE_SUFFIXES)
        found = [index.find(f) for f in ic.imageFiles]
        missing = [f for f, p in zip(ic.imageFiles, found) if p is None]
        report.warn(
            "matlab.unresolved_images",
            f"MATLAB: {len(missing)} of {n} image paths not found under {images}",
            len(missing),
            examples=missing[:5],
        )
        names = [
            Path(os.path.relpath(p, images)).as_posix() if p else _split_path(f)[-1]
            for f, p in zip(ic.imageFiles, found)
        ]
        return names, images, found
    found = []
    for f in ic.imageFiles:
        candidate = f if os.path.isabs(f) else os.path.join(mat_dir, f)
        found.append(candidate if f and os.path.isfile(candidate) else None)
    saved_root = opts.get("saved_root")
    if saved_root is not None:  # written by gtconvert: names relative to the original root
        root = os.path.normpath(os.path.join(mat_dir, saved_root))
        names = [os.path.relpath(os.path.join(mat_dir, f), root).replace(os.sep, "/") for f in ic.imageFiles]
        return names, root, found
    if not any(_is_absolute(f) for f in ic.imageFiles):
        # "/".join of the split parts is PurePosixPath(*parts).as_posix(), without an object per image
        names = [("/".join(_split_path(f)) or ".") if f else "" for f in ic.imageFiles]
        return names, mat_dir, found
    return _relative_to_common(ic.imageFiles), "", found


def _warn_frames_not_extracted(ic: Interchange, names: list[str], video_file: str | None) -> None:
    """Labels of a video whose frames cannot be written: say why and what to do."""
    from .. import video

    if video_file and video.available():
        return  # the writers that copy images decode the frames (gtconvert.imagefiles.copy_images)
    if video_file:
        why = f"the video is at {video_file} but PyAV is not installed: {video.INSTALL_HINT} to extract them"
    else:
        name = _split_path(ic.sourceName)[-1]
        why = (
            f"the video was not found: pass --images DIR holding {name} (or put it beside the .mat), "
            f"with PyAV installed ({video.INSTALL_HINT}), to extract them"
        )
    report.warn(
        "matlab.video_frames",
        f"MATLAB: labels of video {ic.sourceName!r} are written against frame names "
        f"{names[0]}..{names[-1]} (the frames were not extracted; {why})",
        len(names),
    )


def _is_absolute(path: str) -> bool:
    """Absolute on any machine: a POSIX root, a UNC share or a Windows drive letter."""
    from pathlib import PureWindowsPath

    if path.startswith(("/", "\\")):
        return True
    # only "X:..." can carry a drive here; skip building a path object per image otherwise
    return path[1:2] == ":" and bool(PureWindowsPath(path).drive)


def _relative_to_common(paths: list[str]) -> list[str]:
    """Absolute foreign paths -> the part below their common folder (keeps subfolders)."""
    split = [_split_path(p) for p in paths]
    if not split:
        return []
    # a drive letter becomes a folder ("C:" -> "C"), so paths from several drives stay apart
    split = [[s[0].rstrip(":"), *s[1:]] if s and s[0].endswith(":") else s for s in split]
    common = 0
    shortest = min(len(s) for s in split)
    while common < shortest - 1 and all(s[common] == split[0][common] for s in split):
        common += 1
    return ["/".join(s[common:]) for s in split]


def _sizes(
    ic: Interchange,
    found: list[str | None],
    pixel_files: list[str | None],
    opts: dict[str, Any],
    video_file: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    from ..imagefiles import header_sizes

    n = len(ic.imageFiles)
    height = ic.imageSize[:, 0].astype(np.int64) if len(ic.imageSize) else np.zeros(n, np.int64)
    width = ic.imageSize[:, 1].astype(np.int64) if len(ic.imageSize) else np.zeros(n, np.int64)
    if video_file and (width == 0).any():  # every frame has the size of the stream (its header)
        from .. import video

        if video.available():
            unknown = width == 0
            width[unknown], height[unknown] = video.stream_size(video_file)
    for files in (found, pixel_files):  # the image itself, else its label PNG (same size)
        need = np.flatnonzero((width == 0) & np.array([f is not None for f in files], dtype=bool))
        if len(need):
            w, h = header_sizes([files[i] for i in need])
            width[need], height[need] = w, h
    unknown = width == 0
    if unknown.any() and opts["image_size"] is not None:
        width[unknown], height[unknown] = opts["image_size"]
        unknown[:] = False
    report.warn(
        "matlab.unknown_size",
        f"MATLAB: size of {int(unknown.sum())} image(s) unknown (width/height 0); "
        "pass --images DIR or --image-size WxH",
        int(unknown.sum()),
    )
    return width, height


def _pixel_files(ic: Interchange, opts: dict[str, Any]) -> list[str | None]:
    """Each image's label PNG: as stored (relative to the .mat), else found by suffix/basename."""
    stored = ic.pixelLabelFiles or [""] * len(ic.imageFiles)
    if not any(stored):
        return [None] * len(stored)
    out: list[str | None] = []
    index = None
    for f in stored:
        if not f:
            out.append(None)
            continue
        direct = f if os.path.isabs(f) else os.path.join(opts["mat_dir"], f)
        if os.path.isfile(direct):
            out.append(os.path.normpath(os.path.abspath(direct)))
            continue
        if index is None:  # PixelLabelData, PixelLabelData_N or any folder beside the .mat
            index = _FileIndex([r for r in (opts["mat_dir"], opts["images"]) if r], (".png",))
        hit = index.find(f)
        out.append(os.path.normpath(os.path.abspath(hit)) if hit else None)
    missing = [f for f, p in zip(stored, out) if f and p is None]
    report.warn(
        "matlab.unresolved_pixel_labels",
        f"MATLAB: {len(missing)} pixel-label PNG(s) not found (their pixel labels are not read); "
        "put the PixelLabelData folder beside the .mat or under --images",
        len(missing),
        examples=missing[:5],
    )
    return out


# ---- objects ------------------------------------------------------------------------------


def _object_kinds(ic: Interchange) -> np.ndarray:
    """Each object's Kind, from what it holds (RLE, position width, parts) and its label type."""
    m = len(ic.objImage)
    label_types = (
        np.array([*ic.labelTypes, ""], dtype=object)[(ic.objLabel - 1).astype(np.int64)] if m else []
    )
    n_pos = np.sum(~np.isnan(ic.objPosition), axis=1) if m else np.zeros(0, np.int64)
    kind = np.full(m, 255, dtype=np.uint8)
    for width, k in _POSITION_KIND.items():
        kind[n_pos == width] = k
    has_parts = ic.objPartCount > 0
    is_line = np.array([t == "Line" for t in label_types], dtype=bool)
    kind[(kind == 255) & has_parts] = Kind.POLYGON
    kind[(kind == Kind.POLYGON) & is_line] = Kind.POLYLINE
    rest = np.flatnonzero(kind == 255)
    by_type = {"Polygon": Kind.POLYGON, "Line": Kind.POLYLINE, "Scene": Kind.TAG}
    for i in rest:
        kind[i] = by_type.get(label_types[i], Kind.TAG)
    has_rle = np.array([bool(r) for r in ic.objRle], dtype=bool) if m else np.zeros(0, bool)
    kind[has_rle] = Kind.MASK
    return kind


def _annotations(
    ic: Interchange, width: np.ndarray, height: np.ndarray, opts: dict[str, Any], convention: str
) -> Annotations:
    m = len(ic.objImage)
    kind = _object_kinds(ic)
    image = (ic.objImage - 1).astype(np.int64)
    pos = ic.objPosition
    bbox = np.zeros((m, 4))
    rbox = np.full((m, 5), np.nan)
    W, H = width[image], height[image]
    boxes = kind == Kind.BOX
    if boxes.any():
        if ic.sourceType == "python":  # written by gtconvert: the exact rule, no labeler quirk
            bbox[boxes] = geometry.matlab_boxes_to_coco(pos[boxes, :4])
        else:
            bbox[boxes], fixed = geometry.matlab_boxes_to_coco_border(pos[boxes, :4], W[boxes], H[boxes])
            report.warn(
                "matlab.border_quirk",
                f"MATLAB: {int(fixed.sum())} box(es) touching the right/bottom border stored without "
                "the labeler's +0.5; read so that they end on the border",
                int(fixed.sum()),
            )
    rot = kind == Kind.ROTATED_BOX
    if rot.any():
        rbox[rot] = geometry.matlab_rotated_to_coco(pos[rot, :5], convention)
        bbox[rot] = geometry.rotated_box_bbox(rbox[rot])
    # ragged geometry: MATLAB's vertex lists, then points and cuboid faces made into parts
    n_parts = ic.objPartCount.astype(np.int64).copy()
    part_len = ic.partVertexCount.astype(np.int64)
    verts = geometry.matlab_points_to_coco(ic.vertices, convention)
    pts, cub = np.flatnonzero(kind == Kind.POINT), np.flatnonzero(kind == Kind.PROJECTED_CUBOID)
    if len(pts) or len(cub):
        n_parts, part_len, verts = _add_position_parts(
            ic, kind, pts, cub, convention, n_parts, part_len, verts
        )
    part_start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(n_parts, out=part_start[1:])
    vertex_start = np.zeros(len(part_len) + 1, dtype=np.int64)
    np.cumsum(part_len, out=vertex_start[1:])
    if ic.sourceType != "python":  # like boxes: what a labeler put past the border is clipped
        verts = _clip_vertices(verts, kind, n_parts, part_len, W, H)
    geo = np.isin(kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID])
    if geo.any():
        bbox[geo] = geometry.ragged_bbox(part_start, vertex_start, verts)[geo]
    rle = np.full(m, None, dtype=object)
    masks = np.flatnonzero(kind == Kind.MASK)
    for i in masks:
        rle[i] = {"size": [int(height[image[i]]), int(width[image[i]])], "counts": ic.objRle[i]}
    if len(masks):
        bbox[masks] = geometry.rle_bbox([rle[i] for i in masks])
    if ic.sourceType != "python":
        bbox = _clip(bbox, boxes, W, H)
    attrs = np.full(m, None, dtype=object)
    for i, text in enumerate(ic.objAttributes):
        if text:
            attrs[i] = json.loads(text)
    return Annotations(
        image=image,
        category=(ic.objLabel - 1).astype(np.int64),
        kind=kind,
        id=ic.objId.astype(np.int64),
        bbox=bbox,
        iscrowd=ic.objIsCrowd.astype(bool),
        area=np.full(m, np.nan),
        score=np.full(m, np.nan),
        rbox=rbox,
        part_start=part_start,
        vertex_start=vertex_start,
        vertices=verts.reshape(-1, 2),
        rle=rle,
        pixel_ref=np.full(m, None, dtype=object),
        attributes=attrs,
        parent=(ic.objParent - 1).astype(np.int64),
        extra=np.full(m, None, dtype=object),
    )


def _add_position_parts(
    ic: Interchange, kind: np.ndarray, pts: np.ndarray, cub: np.ndarray, convention: str,
    n_parts: np.ndarray, part_len: np.ndarray, verts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Points (1 part of 1 vertex) and projected cuboids (2 parts of 4) into the ragged arrays."""
    owner = np.repeat(np.arange(len(kind)), n_parts)  # object of each existing part
    vstart = np.concatenate([[0], np.cumsum(part_len)])
    extra_parts: dict[int, list[np.ndarray]] = {}
    for i, p in zip(pts, geometry.matlab_points_to_coco(ic.objPosition[pts, :2], convention)):
        extra_parts[int(i)] = [p.reshape(1, 2)]
    for i, faces in zip(cub, geometry.matlab_cuboid_to_coco(ic.objPosition[cub, :8])):
        extra_parts[int(i)] = [faces[0], faces[1]]
    new_len, new_verts, new_counts = [], [], n_parts.copy()
    for obj in range(len(kind)):
        if obj in extra_parts:
            new_counts[obj] = len(extra_parts[obj])
            for part in extra_parts[obj]:
                new_len.append(len(part))
                new_verts.append(part)
        else:
            for p in np.flatnonzero(owner == obj):
                new_len.append(int(part_len[p]))
                new_verts.append(verts[vstart[p] : vstart[p + 1]])
    flat = np.concatenate(new_verts) if new_verts else np.zeros((0, 2))
    return new_counts, np.array(new_len, dtype=np.int64), flat


def _clip(bbox: np.ndarray, rows: np.ndarray, W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Clip boxes that leave their (known) image; only those rows change, and they are counted."""
    x2, y2 = bbox[:, 0] + bbox[:, 2], bbox[:, 1] + bbox[:, 3]
    known = (W > 0) & (H > 0)
    out_of = rows & ((bbox[:, 0] < 0) | (bbox[:, 1] < 0) | (known & ((x2 > W) | (y2 > H))))
    if out_of.any():
        big = np.where(known, W, np.inf)[out_of], np.where(known, H, np.inf)[out_of]
        bbox[out_of], _ = geometry.clip_boxes(bbox[out_of], *big)
        report.warn(
            "matlab.clipped",
            f"MATLAB: {int(out_of.sum())} box(es) reaching outside their image clipped to it",
            int(out_of.sum()),
        )
    return bbox


def _clip_vertices(
    verts: np.ndarray,
    kind: np.ndarray,
    n_parts: np.ndarray,
    part_len: np.ndarray,
    W: np.ndarray,
    H: np.ndarray,
) -> np.ndarray:
    """Clamp polygon, line and point vertices into their (known) image; count the objects moved.

    Vertices move onto the border (see :func:`gtconvert.geometry.clamp_vertices`); projected
    cuboid faces are box-like and left as stored. An unknown size clips only at 0.
    """
    owner = np.repeat(np.repeat(np.arange(len(kind)), n_parts), part_len)  # object of each vertex
    mine = np.isin(kind[owner], [Kind.POLYGON, Kind.POLYLINE, Kind.POINT])
    if not mine.any():
        return verts
    obj = owner[mine]
    known = (W[obj] > 0) & (H[obj] > 0)
    width, height = np.where(known, W[obj], np.inf), np.where(known, H[obj], np.inf)
    clipped, moved = geometry.clamp_vertices(verts[mine], width, height)
    if moved.any():
        verts = verts.copy()
        verts[mine] = clipped
        n_objects = len(np.unique(obj[moved]))
        report.warn(
            "matlab.vertices_clipped",
            f"MATLAB: {n_objects} polygon(s), line(s) or point(s) reaching outside their image had "
            f"{int(moved.sum())} vertices moved onto its border",
            n_objects,
        )
    return verts


def _pixel_annotations(
    ic: Interchange, pixel_files: list[str | None], instances: bool, first_id: int
) -> Annotations | None:
    """One lazy reference per (image, pixel label present in its PNG), or one mask per component."""
    labels = [k for k, t in enumerate(ic.labelTypes) if t == "PixelLabel"]
    rows = [i for i, f in enumerate(pixel_files) if f]
    if not labels or not rows:
        return None
    from ..pixels import read_label_matrix

    groups = [_pixel_values(ic.labelPixelIds[k]) for k in labels]
    labels = [k for k, g in zip(labels, groups) if g]  # a label without PixelLabelID marks nothing
    groups = [g for g in groups if g]
    img, cat, refs, rles, kinds = [], [], [], [], []
    if not instances:  # which labels each PNG holds, decoded in the process pool
        present = _present_groups([pixel_files[i] for i in rows], groups)
        for i, hits in zip(rows, present):
            for j in np.flatnonzero(hits).tolist():
                img.append(i), cat.append(labels[j]), rles.append(None), kinds.append(Kind.PIXEL_REF)
                refs.append(PixelRef(pixel_files[i], groups[j][0], groups[j][1:]))
    else:
        for i in rows:
            owner, comp = _instance_rles(read_label_matrix(pixel_files[i]), groups)
            img += [i] * len(comp)
            cat += [labels[j] for j in owner.tolist()]
            refs += [None] * len(comp)
            rles += comp
            kinds += [Kind.MASK] * len(comp)
    n = len(img)
    ann = Annotations.create(img, cat, kinds, id=np.arange(first_id, first_id + n), pixel_ref=refs, rle=rles)
    masks = np.flatnonzero(ann.kind == Kind.MASK)
    if len(masks):
        ann.bbox[masks] = geometry.rle_bbox([ann.rle[i] for i in masks])
    return ann


def _pixel_values(pixel_id: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Every pixel value of a label: its PixelLabelID rows, Mx3 RGB triplets or scalar ids.

    A label with several ids owns the pixels of all of them (``shared/docs/matlab-groundtruth.md``
    section 4): they all go into its :class:`PixelRef`.
    """
    arr = np.asarray(pixel_id, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 3:
        return tuple(tuple(int(v) for v in row) for row in arr)
    return tuple((int(v),) for v in arr.ravel())


def _present_groups(files: list[str], groups: list[tuple[tuple[int, ...], ...]]) -> np.ndarray:
    """(files, labels) booleans: which labels (groups of pixel values) have a pixel in each PNG."""
    from ..pixels import values_present

    values = list(dict.fromkeys(v for g in groups for v in g))
    column = {v: k for k, v in enumerate(values)}
    hit = values_present(files, values)
    out = np.zeros((len(files), len(groups)), dtype=bool)
    for j, g in enumerate(groups):
        out[:, j] = hit[:, [column[v] for v in g]].any(axis=1)
    return out


def _instance_rles(
    matrix: np.ndarray, groups: list[tuple[tuple[int, ...], ...]]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Connected components of each label's pixels (of all its values together)."""
    if all(len(g) == 1 for g in groups):
        return geometry.label_matrix_to_instance_rles(matrix, [g[0] for g in groups])
    from ..pixels import mask_of_values

    # several values per label: number the labels' pixels 1..K, then split that matrix
    index = np.zeros(matrix.shape[:2], dtype=np.int32)
    for j, g in enumerate(groups):
        index[mask_of_values(matrix, g)] = j + 1
    return geometry.label_matrix_to_instance_rles(index, [(j + 1,) for j in range(len(groups))])


# ---- categories and the dataset ---------------------------------------------------------------


def _categories(ic: Interchange) -> list[Category]:
    cats = []
    for k, name in enumerate(ic.labelNames):
        color = ic.labelColors[k] if len(ic.labelColors) > k else np.full(3, np.nan)
        pix = np.asarray(ic.labelPixelIds[k]) if len(ic.labelPixelIds) > k else np.zeros(0)
        attrs = [_attribute(ic, a) for a in np.flatnonzero(ic.attrLabel == k + 1)]
        cats.append(
            Category(
                id=int(ic.labelIds[k]),
                name=name,
                type=TYPE_NAMES.get(ic.labelTypes[k], ic.labelTypes[k].lower()),
                color=None if np.isnan(color).any() else tuple(float(c) for c in color),
                pixel_id=tuple(int(v) for v in pix.ravel()) if pix.size else None,
                group=ic.labelGroups[k] if k < len(ic.labelGroups) else "",
                description=ic.labelDescriptions[k] if k < len(ic.labelDescriptions) else "",
                attributes=attrs,
                parent=ic.labelParents[k] if k < len(ic.labelParents) else "",
            )
        )
    return cats


def _attribute(ic: Interchange, a: int) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ic.attrNames[a], "type": ic.attrTypes[a]}
    if ic.attrDefaults[a]:
        out["default"] = json.loads(ic.attrDefaults[a])
    if ic.attrListItems[a]:
        out["list_items"] = json.loads(ic.attrListItems[a])
    out["description"] = ic.attrDescriptions[a]
    return out


def to_dataset(ic: Interchange, name: str, **opts: Any) -> Dataset:
    """An :class:`Interchange` (MATLAB frame) -> Dataset (COCO frame), files resolved."""
    stored_info = json.loads(ic.infoJson) if ic.infoJson else {}
    convention = opts["convention"] or ic.vertexConvention or "center"
    if "image_root" in stored_info and not opts["images"]:
        opts = {**opts, "saved_root": stored_info["image_root"]}
    video_file = _video_file(ic, opts) if _is_video(ic) else None
    names, root, found = _image_names(ic, opts, video_file)
    pixel_files = _pixel_files(ic, opts)
    width, height = _sizes(ic, found, pixel_files, opts, video_file)
    n = len(names)
    video = [video_file or ic.sourceName] * n if ic.sourceName else None  # the local file when found
    extras = stored_info.get("image_extra") or [None] * n
    images = Images.create(
        names, width, height, id=ic.imageIds.astype(np.int64), time=ic.imageTime, video=video, extra=extras
    )
    ann = _annotations(ic, width, height, opts, convention)
    first_id = int(ann.id.max()) + 1 if len(ann) else 1
    pixel = _pixel_annotations(ic, pixel_files, opts["instances"], first_id)
    if pixel is not None:
        ann = Annotations.concat([ann, pixel])
    cats = _categories(ic)
    cats, ann = _join_split_labels(cats, ann, stored_info.get("split_labels", []))
    _restore_categories(cats, stored_info.get("categories", {}))
    ds = Dataset(images, cats, ann, info=_info(ic, name, convention, stored_info), image_root=root)
    return _every(ds, opts["every"])


def _join_split_labels(
    cats: list[Category], ann: Annotations, records: list[dict[str, Any]]
) -> tuple[list[Category], Annotations]:
    """Labels the writer split off a category of several kinds go back into that category.

    Matched by (parent, name), which survive a trip through MATLAB (ids do not); a record whose
    labels are gone (renamed or deleted in MATLAB) is ignored and its labels stay separate.
    """
    row = {(c.parent, c.name): k for k, c in enumerate(cats)}
    into = np.arange(len(cats))
    for rec in records:
        src = row.get((rec.get("parent", ""), rec.get("label")))
        dst = row.get((rec.get("parent", ""), rec.get("category")))
        if src is not None and dst is not None and src != dst:
            into[src] = dst
    keep = into == np.arange(len(cats))
    if keep.all():
        return cats, ann
    new_row = np.cumsum(keep) - 1
    ann.category = new_row[into[ann.category]]
    return [c for c, k in zip(cats, keep) if k], ann


def _restore_categories(cats: list[Category], extra: dict[str, Any]) -> None:
    """What MATLAB cannot hold (supercategory, unknown keys, a type with no labelType), back.

    Saved per category id, with its name: after a trip through MATLAB the labels are numbered
    1..K (groundTruth has no ids), so an entry whose name differs is found by (parent, name).
    """
    by_name = {
        (s.get("parent", ""), s["name"]): s for s in extra.values() if isinstance(s, dict) and "name" in s
    }
    for c in cats:
        saved = extra.get(str(c.id))
        if not isinstance(saved, dict) or saved.get("name", c.name) != c.name:
            saved = by_name.get((c.parent, c.name))
        if saved:
            c.supercategory = saved.get("supercategory", c.supercategory)
            c.extra = saved.get("extra", c.extra)
            c.type = saved.get("type", c.type)


def _info(ic: Interchange, name: str, convention: str, stored: dict[str, Any]) -> dict[str, Any]:
    if "info" in stored:
        info = dict(stored["info"])
    else:
        info = {}
    matlab = {
        "release": ic.release, "source_type": ic.sourceType, "variable": name,
        "vertex_convention": convention,
    }  # fmt: skip
    if ic.sourceName:
        matlab["source"] = ic.sourceName
    info.setdefault("matlab", matlab)
    summary = {"release": ic.release or "-", "source": ic.sourceType}
    if ic.sourceName:
        summary["video"] = ic.sourceName
    info.setdefault("summary", summary)
    return info


def _every(ds: Dataset, every: int | None) -> Dataset:
    if not every or every == 1:
        return ds
    keep = np.arange(len(ds.images)) % every == 0
    new_row = np.cumsum(keep) - 1
    rows = np.flatnonzero(keep[ds.annotations.image])
    ann = ds.annotations.take(rows)
    ann.image = new_row[ann.image]
    return ds.replace(images=ds.images.take(np.flatnonzero(keep)), annotations=ann)


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    mat_version: str | None = None,
    vertex_convention: str | None = None,
) -> None:
    """Write the interchange file (``docs/interchange.md``): v7 (default) or v7.3."""
    version = mat_version or "7"
    if version not in ("7", "7.3"):
        raise GtconvertError(f"unknown --mat-version {version!r}", fix="use 7 or 7.3")
    convention = vertex_convention or str(dataset.info.get("matlab", {}).get("vertex_convention", "center"))
    if convention not in geometry.VERTEX_SHIFT:
        convention = "center"
    mat_dir = str(Path(path).resolve().parent)
    ic = from_dataset(dataset, mat_dir, convention)
    with atomic_output(path, is_dir=False, overwrite=overwrite) as tmp:
        _interchange.save(ic, tmp, version)


def _relative(file: str, mat_dir: str) -> str:
    try:
        return Path(os.path.relpath(file, mat_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(file).as_posix()


#: Category.type -> the one Kind a label of that type holds (besides RLE masks)
_TYPE_KIND = {
    "rectangle": Kind.BOX, "rotated_rectangle": Kind.ROTATED_BOX, "polygon": Kind.POLYGON,
    "line": Kind.POLYLINE, "point": Kind.POINT, "projected_cuboid": Kind.PROJECTED_CUBOID,
    "scene": Kind.TAG, "pixel": Kind.PIXEL_REF, "mask": Kind.MASK,
}  # fmt: skip


@dataclass
class _Label:
    """One MATLAB label the writer emits: a category, or the objects of one kind split off it."""

    category: int  # row of the dataset category
    type: str  # labelType name
    name: str
    id: int
    split: bool = False  # holds the objects of a kind the category's own label cannot hold


def _home_type(category: Category, kinds: np.ndarray, counts: np.ndarray) -> tuple[str, int | None]:
    """A category's labelType and the kind it holds (None: any), from its type or its objects."""
    if category.type in _LABEL_TYPE:
        return _LABEL_TYPE[category.type], _TYPE_KIND.get(category.type)
    shapes = kinds != Kind.MASK
    if shapes.any():  # any label may hold RLE masks: type it by the rest
        kinds, counts = kinds[shapes], counts[shapes]
    if (kinds == Kind.PIXEL_REF).any():  # a pixel label keeps its name and PixelLabelID
        return "PixelLabel", int(Kind.PIXEL_REF)
    if len(kinds):
        home = int(kinds[np.argmax(counts)])  # the majority kind (the first on a tie)
        return _KIND_LABEL_TYPE[Kind(home)], home
    return "Rectangle", None  # an unused label: the apps' default type


def _plan_labels(dataset: Dataset) -> tuple[list[_Label], np.ndarray]:
    """The MATLAB labels to write and each annotation's label row.

    A MATLAB label has one type, but a category may hold objects of several kinds (COCO allows
    boxes and polygons in one category). Such a category keeps its name and id for its own kind
    and gives every other kind a label ``<name>_<type>`` (``car_polygon``) with a fresh id;
    RLE masks stay with the category. One warning counts the objects moved; ``infoJson`` records
    the split so that the Python reader joins the labels again.
    """
    ann, cats = dataset.annotations, dataset.categories
    labels = [_Label(k, "", c.name, c.id) for k, c in enumerate(cats)]
    label_of = ann.category.copy()
    taken = {(c.parent, c.name) for c in cats}
    next_id = max((c.id for c in cats), default=0) + 1
    pairs, counts = np.unique(np.stack([ann.category, ann.kind.astype(np.int64)]), axis=1, return_counts=True)
    moved: list[str] = []
    for k, c in enumerate(cats):
        mine = pairs[0] == k
        kinds, n = pairs[1][mine], counts[mine]
        labels[k].type, home = _home_type(c, kinds, n)
        if home is None:
            continue
        for kind in kinds[(kinds != home) & (kinds != Kind.MASK)].tolist():
            label_type = _KIND_LABEL_TYPE[Kind(kind)]
            name = _free_name(f"{c.name}_{TYPE_NAMES[label_type]}", c.parent, taken)
            label_of[(ann.category == k) & (ann.kind == kind)] = len(labels)
            labels.append(_Label(k, label_type, name, next_id, split=True))
            next_id += 1
            moved.append(name)
    n_moved = int(np.count_nonzero(label_of >= len(cats)))
    report.warn(
        "matlab.mixed_kinds",
        f"MATLAB: {n_moved} object(s) of categories holding several kinds went to labels of their "
        f"own ({', '.join(moved[:5])}{', ...' if len(moved) > 5 else ''}): a MATLAB label has one type",
        n_moved,
        examples=moved,
    )
    return labels, label_of


def _free_name(name: str, parent: str, taken: set[tuple[str, str]]) -> str:
    """``name``, or ``name_2``, ``name_3``... : the first not yet used under ``parent``."""
    candidate, n = name, 1
    while (parent, candidate) in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add((parent, candidate))
    return candidate


def from_dataset(dataset: Dataset, mat_dir: str, convention: str = "center") -> Interchange:
    """Dataset (COCO frame) -> Interchange (MATLAB frame), the exact inverse of :func:`to_dataset`."""
    img, ann = dataset.images, dataset.annotations
    n = len(img)
    info = dataset.info.get("matlab", {})
    ic = Interchange(
        vertexConvention=convention,
        release=str(info.get("release", "")),
        sourceType="python",
    )
    root = dataset.image_root
    ic.imageFiles = [
        _relative(os.path.join(root, f), mat_dir) if root and not _is_absolute(f) else str(f)
        for f in img.file_name.tolist()
    ]
    ic.imageIds = img.id.astype(np.float64)
    ic.imageSize = np.stack([img.height, img.width], axis=1).astype(np.float64).reshape(n, 2)
    ic.imageTime = img.time.astype(np.float64)
    videos = {v for v in img.video.tolist() if v}
    ic.sourceName = videos.pop() if len(videos) == 1 and all(img.video) else ""
    labels, label_of = _plan_labels(dataset)
    _write_labels(ic, dataset, labels, label_of)
    pixel = ann.kind == Kind.PIXEL_REF
    ic.pixelLabelFiles = _write_pixel_files(dataset, pixel, mat_dir)
    _write_objects(ic, dataset, np.flatnonzero(~pixel), label_of, convention)
    ic.imageSize = _mask_sizes(ic, dataset, np.flatnonzero(ann.kind == Kind.MASK))
    stored = _stored_info(dataset, mat_dir, labels)
    ic.infoJson = json.dumps(stored, ensure_ascii=False, default=str)
    return ic


def _stored_info(dataset: Dataset, mat_dir: str, labels: list[_Label]) -> dict[str, Any]:
    cats = {}
    for c in dataset.categories:
        saved: dict[str, Any] = {}
        if c.supercategory:
            saved["supercategory"] = c.supercategory
        if c.extra:
            saved["extra"] = c.extra
        if c.type not in _LABEL_TYPE:  # "" included: an unused label is written as a Rectangle
            saved["type"] = c.type
        if saved:
            cats[str(c.id)] = {"name": c.name, **({"parent": c.parent} if c.parent else {}), **saved}
    out: dict[str, Any] = {"info": dataset.info, "categories": cats}
    split = [lab for lab in labels if lab.split]
    if split:  # labels split off a category of several kinds, to join again on reading
        out["split_labels"] = [
            {
                "label": lab.name,
                "parent": dataset.categories[lab.category].parent,
                "category": dataset.categories[lab.category].name,
                "category_id": dataset.categories[lab.category].id,
            }
            for lab in split
        ]
    if dataset.image_root:  # so that Python reads back the same file names
        out["image_root"] = _relative(dataset.image_root, mat_dir)
    if any(e for e in dataset.images.extra.tolist()):
        out["image_extra"] = dataset.images.extra.tolist()
    return out


def _write_labels(ic: Interchange, dataset: Dataset, labels: list[_Label], label_of: np.ndarray) -> None:
    cats = dataset.categories
    source = [cats[lab.category] for lab in labels]
    ic.labelNames = [lab.name for lab in labels]
    ic.labelIds = np.array([lab.id for lab in labels], dtype=np.float64)
    ic.labelTypes = [lab.type for lab in labels]
    ic.labelColors = np.array(
        [c.color if c.color else (np.nan,) * 3 for c in source], dtype=np.float64
    ).reshape(-1, 3)
    ic.labelPixelIds = [
        _pixel_id_rows(c.pixel_id) if c.pixel_id and (not lab.split or lab.type == "PixelLabel")
        else np.zeros((0, 0))
        for c, lab in zip(source, labels)
    ]  # fmt: skip
    ann = dataset.annotations
    for k in np.unique(label_of[ann.kind == Kind.PIXEL_REF]):
        values = {
            ann.pixel_ref[i].values for i in np.flatnonzero((label_of == k) & (ann.kind == Kind.PIXEL_REF))
        }
        if len(values) > 1:
            raise GtconvertError(
                f"label {labels[k].name!r} refers to different pixel values in different images "
                f"{sorted(values)}",
                fix="a MATLAB pixel label has one PixelLabelID in every image",
            )
        # one row per value: an Mx1 column of ids or Mx3 RGB triplets, as PixelLabelID holds them
        ic.labelPixelIds[k] = np.asarray(values.pop(), dtype=np.float64)
    ic.labelGroups = [c.group or "" for c in source]
    ic.labelDescriptions = [c.description or "" for c in source]
    ic.labelParents = [c.parent or "" for c in source]
    # a split label takes its category's attribute definitions, so its objects keep theirs in MATLAB
    defs = [(k, a) for k, c in enumerate(source) for a in (c.attributes or [])]
    ic.attrLabel = np.array([k + 1 for k, _ in defs], dtype=np.float64)
    ic.attrNames = [str(a.get("name", "")) for _, a in defs]
    ic.attrTypes = [str(a.get("type", "string")) for _, a in defs]
    ic.attrDefaults = [
        json.dumps(a["default"], ensure_ascii=False) if "default" in a else "" for _, a in defs
    ]
    ic.attrListItems = [
        json.dumps(a["list_items"], ensure_ascii=False) if "list_items" in a else "" for _, a in defs
    ]
    ic.attrDescriptions = [str(a.get("description", "")) for _, a in defs]


def _pixel_id_rows(pixel_id: tuple[int, ...]) -> np.ndarray:
    """A flat ``Category.pixel_id`` as PixelLabelID rows, for a label no pixel reference shows.

    One value is a scalar id, three an RGB triplet (as the masks format writes them), a multiple
    of three several triplets, any other count a column of scalar ids. (Labels that do hold
    pixel references take the exact rows of their :attr:`PixelRef.values` instead.)
    """
    arr = np.asarray(pixel_id, dtype=np.float64)
    return arr.reshape(-1, 3) if len(arr) % 3 == 0 else arr.reshape(-1, 1)


def _write_pixel_files(dataset: Dataset, pixel: np.ndarray, mat_dir: str) -> list[str]:
    out = [""] * len(dataset.images)
    ann = dataset.annotations
    for i in np.flatnonzero(pixel):
        row, ref = int(ann.image[i]), ann.pixel_ref[i]
        rel = _relative(os.path.abspath(ref.path), mat_dir)
        if out[row] and out[row] != rel:
            raise GtconvertError(
                f"image {dataset.images.file_name[row]!r} has pixel labels in two PNGs ({out[row]}, {rel})",
                fix="the interchange file holds one label PNG per image",
            )
        out[row] = rel
    return out


def _write_objects(
    ic: Interchange, dataset: Dataset, rows: np.ndarray, label_of: np.ndarray, convention: str
) -> None:
    ann = dataset.annotations
    m = len(rows)
    sub = ann.take(rows)
    kind = sub.kind
    ic.objImage = sub.image.astype(np.float64) + 1
    ic.objLabel = label_of[rows].astype(np.float64) + 1
    ic.objId = sub.id.astype(np.float64)
    ic.objParent = (sub.parent + 1).astype(np.float64)  # take() remapped parents; -1 -> 0
    ic.objIsCrowd = sub.iscrowd.astype(bool)
    pos = np.full((m, 9), np.nan)
    box = kind == Kind.BOX
    pos[box, :4] = geometry.coco_boxes_to_matlab(sub.bbox[box])
    rot = kind == Kind.ROTATED_BOX
    pos[rot, :5] = geometry.coco_rotated_to_matlab(sub.rbox[rot], convention)
    first_vertex = sub.vertex_start[sub.part_start[:-1]]
    for i in np.flatnonzero(kind == Kind.POINT):
        pos[i, :2] = geometry.coco_points_to_matlab(sub.vertices[first_vertex[i]], convention)
    cub = np.flatnonzero(kind == Kind.PROJECTED_CUBOID)
    if len(cub):
        faces = np.stack([np.stack(sub.parts(i)[:2]) for i in cub])
        pos[cub, :8] = geometry.coco_cuboid_to_matlab(faces)
    ic.objPosition = pos
    ragged = np.isin(kind, [Kind.POLYGON, Kind.POLYLINE])
    keep = sub.take(np.flatnonzero(ragged))
    counts = np.zeros(m)
    counts[ragged] = keep.n_parts()
    ic.objPartCount = counts
    ic.partVertexCount = np.diff(keep.vertex_start).astype(np.float64)
    ic.vertices = geometry.coco_points_to_matlab(keep.vertices, convention).reshape(-1, 2)
    ic.objRle = [_rle_counts(sub.rle[i]) if kind[i] == Kind.MASK else "" for i in range(m)]
    ic.objAttributes = [
        json.dumps(a, ensure_ascii=False, default=str) if a is not None else ""
        for a in sub.attributes.tolist()
    ]


def _rle_counts(rle: dict[str, Any]) -> str:
    counts = geometry._compressed(rle)["counts"]
    return counts.decode("ascii") if isinstance(counts, bytes) else str(counts)


def _mask_sizes(ic: Interchange, dataset: Dataset, masks: np.ndarray) -> np.ndarray:
    """An RLE's size is its image's: fill unknown sizes from the masks, refuse disagreements."""
    size = ic.imageSize.copy()
    ann = dataset.annotations
    for i in masks:
        row = int(ann.image[i])
        h, w = (int(v) for v in ann.rle[i]["size"])
        if size[row, 0] == 0 and size[row, 1] == 0:
            size[row] = (h, w)
        elif (size[row, 0], size[row, 1]) != (h, w):
            raise GtconvertError(
                f"mask of annotation {ann.id[i]} is {h}x{w} but its image is {int(size[row, 0])}x{int(size[row, 1])}",
                fix="masks must have their image's size",
            )
    return size
