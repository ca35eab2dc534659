"""The columnar tables of a :class:`~gtconvert.model.Dataset`: :class:`Images` and :class:`Annotations`.

One row per image or annotation, numpy columns (like supervision's ``Detections``); see
:mod:`gtconvert.model` for what each holds. :mod:`gtconvert.model` re-exports both tables.

Geometry is ragged in two levels: the parts of annotation ``i`` are
``part_start[i]:part_start[i+1]`` and the vertices of part ``p`` are
``vertices[vertex_start[p]:vertex_start[p+1]]``. Polygons may have several parts; a polyline
and a point have one part; boxes and tags have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .columns import concat_starts, pack_keypoints, pack_parts, ragged_take


def _column(values: Any, dtype: Any, n: int, fill: Any = 0) -> np.ndarray:
    if values is None:
        if dtype is object:
            out = np.empty(n, dtype=object)
            out[:] = fill
            return out
        return np.full(n, fill, dtype=dtype)
    return np.asarray(values, dtype=dtype)


@dataclass
class Images:
    """Columnar image table. ``width``/``height`` are 0 when unknown.

    ``orientation`` is the EXIF Orientation tag (1 to 8, :mod:`gtconvert.geometry.orientation`);
    1 when unknown. ``width``/``height`` stay the stored (header) size.
    """

    id: np.ndarray
    file_name: np.ndarray
    width: np.ndarray
    height: np.ndarray
    time: np.ndarray  # seconds into a video or sequence; NaN for still images
    video: np.ndarray  # object: source video path, or "" for still images
    extra: np.ndarray  # object: dict of unknown keys per image, or None
    orientation: np.ndarray = None  # type: ignore[assignment]  # int64 EXIF tag; filled with 1 when None

    def __post_init__(self) -> None:
        if self.orientation is None:
            self.orientation = np.ones(len(self.id), dtype=np.int64)

    @classmethod
    def create(
        cls,
        file_name: Sequence[str],
        width: Any = None,
        height: Any = None,
        id: Any = None,
        time: Any = None,
        video: Any = None,
        extra: Any = None,
        orientation: Any = None,
    ) -> Images:
        n = len(file_name)
        names = np.empty(n, dtype=object)
        names[:] = list(file_name)
        return cls(
            id=np.arange(1, n + 1, dtype=np.int64) if id is None else _column(id, np.int64, n),
            file_name=names,
            width=_column(width, np.int64, n),
            height=_column(height, np.int64, n),
            time=_column(time, np.float64, n, np.nan),
            video=_column(video, object, n, ""),
            extra=_column(extra, object, n, None),
            orientation=_column(orientation, np.int64, n, 1),
        )

    def __len__(self) -> int:
        return len(self.id)

    def take(self, rows: np.ndarray) -> Images:
        return Images(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @staticmethod
    def concat(parts: Sequence[Images]) -> Images:
        return Images(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Images)})


PER_ROW_COLUMNS = (
    "image", "category", "kind", "id", "bbox", "iscrowd", "area", "score", "rbox",
    "rle", "pixel_ref", "attributes", "parent", "extra",
)  # fmt: skip


@dataclass
class Annotations:
    """Columnar annotations; see the module docstring for the ragged geometry layout."""

    image: np.ndarray  # int64 row into Images
    category: np.ndarray  # int64 row into Dataset.categories
    kind: np.ndarray  # uint8 Kind
    id: np.ndarray  # int64 annotation id (kept from the source where it has one)
    bbox: np.ndarray  # float64 (N, 4) x, y, w, h in the COCO frame
    iscrowd: np.ndarray  # bool
    area: np.ndarray  # float64, NaN when the source stores none
    score: np.ndarray  # float64, NaN for ground truth
    rbox: np.ndarray  # float64 (N, 5) cx, cy, w, h, angle in degrees clockwise (y down)
    part_start: np.ndarray  # int64 (N + 1)
    vertex_start: np.ndarray  # int64 (P + 1)
    vertices: np.ndarray  # float64 (V, 2)
    rle: np.ndarray  # object: {"size": [h, w], "counts": str | list[int]} or None
    pixel_ref: np.ndarray  # object: PixelRef or None
    attributes: np.ndarray  # object: dict or None
    parent: np.ndarray  # int64 row of the parent annotation (MATLAB sublabels), -1 if none
    extra: np.ndarray  # object: dict of unknown source keys, or None
    # keypoints, ragged: row i owns keypoints[keypoint_start[i]:keypoint_start[i+1]], each
    # (x, y, v) with x, y in the COCO frame and COCO's v (0 unlabelled, 1 hidden, 2 visible)
    keypoint_start: np.ndarray | None = None  # int64 (N + 1)
    keypoints: np.ndarray | None = None  # float64 (M, 3)

    def __post_init__(self) -> None:
        if self.keypoint_start is None and self.image is not None:
            self.keypoint_start = np.zeros(len(self.image) + 1, dtype=np.int64)
        if self.keypoints is None:
            self.keypoints = np.zeros((0, 3), dtype=np.float64)

    @classmethod
    def empty(cls) -> Annotations:
        return cls.create(image=np.zeros(0, np.int64), category=np.zeros(0, np.int64), kind=0)

    @classmethod
    def create(
        cls,
        image: Any,
        category: Any,
        kind: Any,
        *,
        id: Any = None,
        bbox: Any = None,
        iscrowd: Any = None,
        area: Any = None,
        score: Any = None,
        rbox: Any = None,
        parts: Iterable[Sequence[np.ndarray]] | None = None,
        rle: Any = None,
        pixel_ref: Any = None,
        attributes: Any = None,
        parent: Any = None,
        extra: Any = None,
        keypoints: Iterable[Any] | None = None,
    ) -> Annotations:
        """Build from per-annotation columns; ``parts`` is one list of (P, 2) arrays per row.

        ``keypoints`` is one (K, 3) array (x, y, v) per row, or None for a row without any.

        Omitted columns take their neutral value; ``kind`` may be a scalar. Readers on hot
        paths should fill ``part_start``/``vertex_start``/``vertices`` themselves instead of
        passing ``parts``.
        """
        image = np.asarray(image, dtype=np.int64)
        n = len(image)
        kind_col = np.broadcast_to(np.asarray(kind, dtype=np.uint8), (n,)).copy()
        if parts is None:
            part_start = np.zeros(n + 1, dtype=np.int64)
            vertex_start = np.zeros(1, dtype=np.int64)
            vertices = np.zeros((0, 2), dtype=np.float64)
        else:
            part_start, vertex_start, vertices = pack_parts(parts)
        return cls(
            image=image,
            category=np.broadcast_to(np.asarray(category, dtype=np.int64), (n,)).copy(),
            kind=kind_col,
            id=np.arange(1, n + 1, dtype=np.int64) if id is None else _column(id, np.int64, n),
            bbox=np.zeros((n, 4)) if bbox is None else np.asarray(bbox, np.float64).reshape(n, 4),
            iscrowd=_column(iscrowd, bool, n, False),
            area=_column(area, np.float64, n, np.nan),
            score=_column(score, np.float64, n, np.nan),
            rbox=np.full((n, 5), np.nan) if rbox is None else np.asarray(rbox, np.float64),
            part_start=part_start,
            vertex_start=vertex_start,
            vertices=vertices,
            rle=_column(rle, object, n, None),
            pixel_ref=_column(pixel_ref, object, n, None),
            attributes=_column(attributes, object, n, None),
            parent=_column(parent, np.int64, n, -1),
            extra=_column(extra, object, n, None),
            **({} if keypoints is None else pack_keypoints(keypoints)),
        )

    def __len__(self) -> int:
        return len(self.image)

    # ---- ragged geometry -------------------------------------------------------------
    def parts(self, row: int) -> list[np.ndarray]:
        """The vertex arrays ((P, 2), COCO frame) of one annotation's parts."""
        p0, p1 = self.part_start[row], self.part_start[row + 1]
        vs = self.vertex_start
        return [self.vertices[vs[p] : vs[p + 1]] for p in range(p0, p1)]

    def n_parts(self) -> np.ndarray:
        return np.diff(self.part_start)

    def part_owner(self) -> np.ndarray:
        """For each part, the annotation row it belongs to."""
        return np.repeat(np.arange(len(self)), self.n_parts())

    def vertex_part(self) -> np.ndarray:
        """For each vertex, the part it belongs to."""
        return np.repeat(np.arange(len(self.vertex_start) - 1), np.diff(self.vertex_start))

    # ---- selection and assembly ------------------------------------------------------
    def take(self, rows: Any) -> Annotations:
        """The annotations at ``rows`` (indices or a boolean mask), geometry included.

        ``parent`` is remapped to the new rows; a parent that is not kept becomes -1.
        """
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        part_start, part_rows = ragged_take(self.part_start, rows)
        vertex_start, vertex_rows = ragged_take(self.vertex_start, part_rows)
        out = {name: getattr(self, name)[rows] for name in PER_ROW_COLUMNS}
        new_row = np.full(len(self) + 1, -1, dtype=np.int64)
        new_row[rows] = np.arange(len(rows))
        out["parent"] = new_row[out["parent"]]  # -1 indexes the trailing -1
        keypoint_start, keypoint_rows = ragged_take(self.keypoint_start, rows)
        return Annotations(
            part_start=part_start,
            vertex_start=vertex_start,
            vertices=self.vertices[vertex_rows],
            keypoint_start=keypoint_start,
            keypoints=self.keypoints[keypoint_rows],
            **out,
        )

    @staticmethod
    def concat(parts: Sequence[Annotations], *, consume: bool = False) -> Annotations:
        """Stack annotation tables (their ``image``/``category`` rows must already agree).

        With ``consume=True`` each column of ``parts`` is released as soon as it is copied, so
        that stacking many slices needs the result plus one column, not twice the result; the
        parts are unusable afterwards.
        """
        parts = [p for p in parts if p is not None]
        if not parts:
            return Annotations.empty()
        row_offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
        out: dict[str, Any] = {}
        out["parent"] = np.concatenate(
            [np.where(p.parent >= 0, p.parent + off, -1) for p, off in zip(parts, row_offsets)]
        )
        out["part_start"] = concat_starts([p.part_start for p in parts])
        out["vertex_start"] = concat_starts([p.vertex_start for p in parts])
        out["keypoint_start"] = concat_starts([p.keypoint_start for p in parts])
        out["keypoints"] = np.concatenate([p.keypoints for p in parts]).reshape(-1, 3)
        for name in (*PER_ROW_COLUMNS, "vertices"):
            if name in out:
                continue
            out[name] = np.concatenate([getattr(p, name) for p in parts])
            if consume:
                for p in parts:
                    setattr(p, name, None)
        out["vertices"] = out["vertices"].reshape(-1, 2)
        return Annotations(**out)
