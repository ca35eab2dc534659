"""Every coordinate rule and shape conversion, by shape; one frame inside (COCO's, 0-based).

Start with :mod:`~gtconvert.geometry.frames`: the rule of each format side by side. All
functions take and return numpy arrays and work on whole columns at once.

* ``frames``: MATLAB, OpenLABEL, VOC and YOLO <-> the COCO frame (boxes, vertices, rotated-box centres,
  cuboid faces, the MATLAB border quirk), VOC's integer rounding.
* ``boxes``: clipping to the image, corners, rotated boxes.
* ``ragged``: gathers over ragged vertex arrays, the box around each annotation's vertices.
* ``polygons``: areas, distinct points, bridges that join parts into one ring, clipping.
* ``rle``: RLE through pycocotools, run lengths and crops without a full decode, label matrices.
* ``contours``: masks <-> polygons along pixel edges, holes bridged.
* ``keypoints``: COCO (x, y, v) keypoints <-> YOLO pose values, labelled counts, points outside.
* ``orientation``: EXIF orientation 1-8, stored <-> displayed frame for every shape, exactly.

``from gtconvert import geometry; geometry.X`` reaches every function of these modules.
"""

from __future__ import annotations

from .boxes import box_corners, clip_boxes, corners_to_rotated_box, rotated_box_bbox, rotated_box_corners
from .contours import mask_to_polygons, polygons_to_mask, rle_to_polygons
from .frames import (
    VERTEX_SHIFT,
    coco_boxes_to_matlab,
    coco_boxes_to_openlabel,
    coco_boxes_to_voc,
    coco_boxes_to_yolo,
    coco_cuboid_to_matlab,
    coco_points_to_matlab,
    coco_points_to_openlabel,
    coco_rotated_to_matlab,
    coco_rotated_to_openlabel,
    denormalise_points,
    matlab_boxes_to_coco,
    matlab_boxes_to_coco_border,
    matlab_cuboid_to_coco,
    matlab_points_to_coco,
    matlab_rotated_to_coco,
    normalise_points,
    openlabel_boxes_to_coco,
    openlabel_points_to_coco,
    openlabel_rotated_to_coco,
    round_half_up,
    snap_integers,
    vertex_shift,
    voc_boxes_to_coco,
    yolo_boxes_to_coco,
)
from .keypoints import coco_keypoints_to_yolo, keypoints_outside, labelled_counts, yolo_keypoints_to_coco
from .orientation import (
    boxes_to_displayed,
    boxes_to_stored,
    displayed_size,
    mask_to_displayed,
    mask_to_stored,
    points_to_displayed,
    points_to_stored,
    rle_to_displayed,
    rle_to_stored,
    rotated_to_displayed,
    rotated_to_stored,
    transposes,
)
from .polygons import (
    bridge_parts,
    bridge_two_parts,
    clamp_vertices,
    clip_polygon,
    distinct_points_per_part,
    has_three_distinct_points,
    polygon_areas,
    pycocotools_ready,
)
from .ragged import ragged_bbox, ragged_index
from .rle import (
    compress_rle,
    json_ready_rle,
    label_matrix_to_instance_rles,
    label_matrix_to_rles,
    mask_to_rle,
    polygon_to_rle,
    rle_area,
    rle_bbox,
    rle_counts,
    rle_crop,
    rle_decode,
    rle_to_uncompressed,
)

__all__ = [
    "VERTEX_SHIFT",
    "box_corners",
    "boxes_to_displayed",
    "boxes_to_stored",
    "bridge_parts",
    "bridge_two_parts",
    "clamp_vertices",
    "clip_boxes",
    "clip_polygon",
    "coco_boxes_to_matlab",
    "coco_boxes_to_openlabel",
    "coco_boxes_to_voc",
    "coco_boxes_to_yolo",
    "coco_cuboid_to_matlab",
    "coco_keypoints_to_yolo",
    "coco_points_to_matlab",
    "coco_points_to_openlabel",
    "coco_rotated_to_matlab",
    "coco_rotated_to_openlabel",
    "compress_rle",
    "corners_to_rotated_box",
    "denormalise_points",
    "displayed_size",
    "distinct_points_per_part",
    "has_three_distinct_points",
    "json_ready_rle",
    "keypoints_outside",
    "label_matrix_to_instance_rles",
    "label_matrix_to_rles",
    "labelled_counts",
    "mask_to_displayed",
    "mask_to_polygons",
    "mask_to_rle",
    "mask_to_stored",
    "matlab_boxes_to_coco",
    "matlab_boxes_to_coco_border",
    "matlab_cuboid_to_coco",
    "matlab_points_to_coco",
    "matlab_rotated_to_coco",
    "normalise_points",
    "openlabel_boxes_to_coco",
    "openlabel_points_to_coco",
    "openlabel_rotated_to_coco",
    "points_to_displayed",
    "points_to_stored",
    "polygon_areas",
    "polygon_to_rle",
    "polygons_to_mask",
    "pycocotools_ready",
    "ragged_bbox",
    "ragged_index",
    "rle_area",
    "rle_bbox",
    "rle_counts",
    "rle_crop",
    "rle_decode",
    "rle_to_displayed",
    "rle_to_polygons",
    "rle_to_stored",
    "rle_to_uncompressed",
    "rotated_box_bbox",
    "rotated_box_corners",
    "rotated_to_displayed",
    "rotated_to_stored",
    "round_half_up",
    "snap_integers",
    "transposes",
    "vertex_shift",
    "voc_boxes_to_coco",
    "yolo_boxes_to_coco",
    "yolo_keypoints_to_coco",
]
