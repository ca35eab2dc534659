"""The objects of an :class:`Interchange` (MATLAB frame) as :class:`Annotations` (COCO frame).

Each object's kind follows from what it holds (an RLE, the width of its position row, vertex
parts) and its label's type; coordinates go through :mod:`gtconvert.geometry` (section 3 of
``shared/docs/matlab-groundtruth.md``). Boxes a labeler put past the image border are clipped;
vertices past it are kept (and counted); a file written by gtconvert itself (``sourceType``
"python") is taken as exact.
"""

from __future__ import annotations

import json

import numpy as np

from ... import geometry, limits, report
from ...model import Annotations, Kind
from .interchange import Interchange
from .labels import BY_NAME, POSITION_KIND, VERTEX_TYPES


def _object_kinds(ic: Interchange) -> np.ndarray:
    """Each object's Kind, from what it holds (RLE, position width, parts) and its label type."""
    m = len(ic.objImage)
    label_types = (
        np.array([*ic.labelTypes, ""], dtype=object)[(ic.objLabel - 1).astype(np.int64)] if m else []
    )
    n_pos = np.sum(~np.isnan(ic.objPosition), axis=1) if m else np.zeros(0, np.int64)
    kind = np.full(m, 255, dtype=np.uint8)
    for width, k in POSITION_KIND.items():
        kind[n_pos == width] = k
    has_parts = ic.objPartCount > 0
    is_line = np.array([t == "Line" for t in label_types], dtype=bool)
    kind[(kind == 255) & has_parts] = Kind.POLYGON
    kind[(kind == Kind.POLYGON) & is_line] = Kind.POLYLINE
    rest = np.flatnonzero(kind == 255)
    # neither a position nor vertices: an empty polygon or line of its label, else a tag
    by_type = {name: BY_NAME[name].kind for name in (*VERTEX_TYPES, "Scene")}
    for i in rest:
        kind[i] = by_type.get(label_types[i], Kind.TAG)
    has_rle = np.array([bool(r) for r in ic.objRle], dtype=bool) if m else np.zeros(0, bool)
    kind[has_rle] = Kind.MASK
    return kind


def object_annotations(
    ic: Interchange, width: np.ndarray, height: np.ndarray, convention: str
) -> Annotations:
    """Every object of ``ic`` (pixel labels aside) in the images of sizes ``width`` x ``height``."""
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
    geo = np.isin(kind, [Kind.POLYGON, Kind.POLYLINE, Kind.POINT, Kind.PROJECTED_CUBOID])
    if geo.any():
        bbox[geo] = geometry.ragged_bbox(part_start, vertex_start, verts)[geo]
    outside = _vertices_outside(verts, kind, n_parts, part_len, W, H) if ic.sourceType != "python" else None
    rle = np.full(m, None, dtype=object)
    masks = np.flatnonzero(kind == Kind.MASK)
    for i in masks:
        rle[i] = {"size": [int(height[image[i]]), int(width[image[i]])], "counts": ic.objRle[i]}
    limits.check_rle_strings(rle[masks], file=None, ids=masks + 1, what="interchange object")
    if len(masks):
        bbox[masks] = geometry.rle_bbox([rle[i] for i in masks])
    if outside is not None:
        bbox = _clip(bbox, boxes, W, H)
        bbox = _clip_extents(bbox, outside, W, H)
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


def _vertices_outside(
    verts: np.ndarray,
    kind: np.ndarray,
    n_parts: np.ndarray,
    part_len: np.ndarray,
    W: np.ndarray,
    H: np.ndarray,
) -> np.ndarray:
    """Polygons, lines and points with a vertex past their (known) image, counted; kept as stored.

    COCO allows coordinates past the border and MATLAB's poly2mask takes them as they are, so
    the vertices stay; a rasteriser (pycocotools follows the polygon past the border, as
    poly2mask does) or a format that must clip (YOLO) clips there. Clamping vertices onto
    the border instead would move edges. An unknown size counts only negative coordinates.
    """
    owner = np.repeat(np.repeat(np.arange(len(kind)), n_parts), part_len)  # object of each vertex
    mine = np.isin(kind[owner], [Kind.POLYGON, Kind.POLYLINE, Kind.POINT])
    outside = np.zeros(len(kind), dtype=bool)
    if not mine.any():
        return outside
    obj = owner[mine]
    known = (W[obj] > 0) & (H[obj] > 0)
    width, height = np.where(known, W[obj], np.inf), np.where(known, H[obj], np.inf)
    v = verts[mine]
    past = (v[:, 0] < 0) | (v[:, 1] < 0) | (v[:, 0] > width) | (v[:, 1] > height)
    outside[obj[past]] = True
    report.warn(
        "matlab.vertices_outside",
        f"MATLAB: {int(outside.sum())} polygon(s), line(s) or point(s) reach past their image "
        f"({int(past.sum())} vertices); kept as stored (their boxes clipped to the image), "
        "clipped only where a format needs it",
        int(outside.sum()),
    )
    return outside


def _clip_extents(bbox: np.ndarray, rows: np.ndarray, W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """The boxes of ``rows`` cut to their (known) image: the part of the shape one can see."""
    if rows.any():
        known = (W > 0) & (H > 0)
        big = np.where(known, W, np.inf)[rows], np.where(known, H, np.inf)[rows]
        bbox[rows], _ = geometry.clip_boxes(bbox[rows], *big)
    return bbox
