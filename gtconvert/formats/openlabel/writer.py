"""Dataset -> one OpenLABEL JSON document, in the shape ``groundTruthToOpenLabel`` writes.

An image collection becomes static objects whose ``object_data_pointers.shape.uri`` names the
image; a dataset whose images are the frames of one video becomes a ``Video`` stream, frames
and dynamic object data. Every annotation is one object keyed by its id; a sublabel is nested
in its parent's shape entry (MathWorks' layout); image-level tags are contexts; pixel labels
are ``PixelLabel`` objects naming their PNG; RLE masks are embedded PNG ``image`` data.

What OpenLABEL has no field for (image and category ids and sizes, iscrowd, area, score,
unknown keys, the exact COCO value of a centre-form box) goes into ``metadata.gtconvert``,
which only gtconvert reads (a warning says so): the standard values stay what other tools read.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ... import geometry, report
from ...model import Dataset, Kind
from . import embedded, side
from .labels import definitions_from_categories, label_type_of
from .schema import (
    CONTEXT_IMAGE_TEXT,
    GTCONVERT_VERSION,
    KIND_LABEL_TYPE,
    KIND_SHAPE,
    MASK_MIME,
    MATHWORKS_SCHEMA_VERSION,
    PIXEL_LABEL_TYPE,
    PIXEL_TEXT_NAME,
    POLY_MODE,
    SCHEMA_VERSION,
    SHAPES,
    encode_attributes,
)  # fmt: skip

#: side-table fields that hold something OpenLABEL itself cannot (the others only index it)
_PRIVATE = frozenset({"iscrowd", "area", "score", "extra", "xywh", "rbox", "parts", "bbox"})


def build_document(dataset: Dataset, convention: str, json_dir: str) -> dict[str, Any]:
    """The whole OpenLABEL document of ``dataset`` (vertices in ``convention``)."""
    return _Builder(dataset, convention, json_dir).document()


class _Builder:
    def __init__(self, dataset: Dataset, convention: str, json_dir: str) -> None:
        self.ds, self.convention, self.json_dir = dataset, convention, json_dir
        ann = dataset.annotations
        videos = {v for v in dataset.images.video.tolist() if v}
        self.video = next(iter(videos)) if len(videos) == 1 and all(dataset.images.video.tolist()) else None
        self.uris = [self._uri(str(f)) for f in dataset.images.file_name.tolist()]
        self.cat_ids = dataset.category_ids()
        self.label_types = self._label_types()
        self.records: dict[str, dict[str, Any]] = {}  # uid -> what only gtconvert reads
        self.objects: dict[str, dict[str, Any]] = {}
        self.frames: dict[str, dict[str, Any]] = {}
        self.contexts: dict[str, dict[str, Any]] = {}
        self.vertices, self.exact_vertices = self._openlabel_vertices()
        from .columns import derived_boxes

        self.own_box = np.all(derived_boxes(ann) == ann.bbox, axis=1) | (ann.kind == Kind.BOX)
        self.dropped_attributes = 0
        self.ids = ann.id.tolist()

    # ---- the document ----------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        ann = self.ds.annotations
        kind = ann.kind
        nested = self._nested_rows()
        # by (image, id): the order the reader gives back, so a second trip writes the same bytes
        order = np.lexsort((ann.id, ann.image))
        entries: dict[int, tuple[str, dict[str, Any]]] = {}
        for i in order[np.isin(kind[order], list(KIND_SHAPE))].tolist():
            entries[i] = self._entry(i)
        for i in entries:
            if i not in nested:
                self._add_object(i, *entries[i])
        self._nest_children(nested, entries)
        for i in order[kind[order] == Kind.TAG].tolist():
            self._add_context(i)
        self._add_pixel_objects(order[kind[order] == Kind.PIXEL_REF])
        self._warn()
        root: dict[str, Any] = {"metadata": self._metadata()}
        if self.video is not None:
            root["streams"] = {
                "Video": {
                    "type": "camera",
                    "uri": self._uri(self.video, True),
                    "description": "Video whose frames are labelled",
                }
            }
            root["frame_intervals"] = (
                [{"frame_start": 0, "frame_end": len(self.ds.images) - 1}] if len(self.ds.images) else []
            )
            root["frames"] = self._all_frames()
        if self.objects:
            root["objects"] = self.objects
        if self.contexts:
            root["contexts"] = self.contexts
        return {"openlabel": root}

    def _metadata(self) -> dict[str, Any]:
        ds = self.ds
        meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        kept = (ds.info.get("openlabel") or {}).get("metadata") or {}
        meta.update({k: v for k, v in kept.items() if k not in ("schema_version", "gtconvert")})
        meta["mathworks_schema_version"] = MATHWORKS_SCHEMA_VERSION
        if ds.categories:
            meta["matlab_label_definitions"] = definitions_from_categories(ds.categories, self.label_types)
        meta["gtconvert"] = {
            "version": GTCONVERT_VERSION,
            "vertex_convention": self.convention,
            "images": side.image_records(ds.images),
            "categories": [side.category_record(c) for c in ds.categories],
            "objects": self.records,
            "info": {k: v for k, v in ds.info.items() if k != "openlabel"},
            "image_root": _relative(ds.image_root, self.json_dir) if ds.image_root else ".",
        }
        return meta

    def _label_types(self) -> list[str]:
        ann = self.ds.annotations
        seen: list[list[str]] = [[] for _ in self.ds.categories]
        for c, k in zip(ann.category.tolist(), ann.kind.tolist()):
            if k in KIND_LABEL_TYPE:
                seen[c].append(KIND_LABEL_TYPE[Kind(k)])
        return [label_type_of(c, s) for c, s in zip(self.ds.categories, seen)]

    def _uri(self, name: str, absolute_ok: bool = False) -> str:
        root = self.ds.image_root
        if os.path.isabs(name) or not root:
            return name.replace("\\", "/") if absolute_ok or not root else name
        return _relative(os.path.join(root, name), self.json_dir)

    # ---- geometry entries ------------------------------------------------------------------
    def _openlabel_vertices(self) -> tuple[list[list[float]], np.ndarray]:
        """Every vertex in the file's frame (cuboid corners take the box rule: no shift), as one
        flat list per vertex, and which rows lose bits in the shift (their exact values are kept)."""
        ann = self.ds.annotations
        vertex_row = ann.part_owner()[ann.vertex_part()] if len(ann.vertices) else np.zeros(0, np.int64)
        shifted = ann.kind[vertex_row] != Kind.PROJECTED_CUBOID
        out = ann.vertices.copy()
        out[shifted] = geometry.coco_points_to_openlabel(ann.vertices[shifted], self.convention)
        back = out.copy()
        back[shifted] = geometry.openlabel_points_to_coco(out[shifted], self.convention)
        lossy = np.zeros(len(ann), dtype=bool)
        lossy[vertex_row[np.any(back != ann.vertices, axis=1)]] = True
        return out.tolist(), lossy

    def _flat_parts(self, i: int) -> list[list[float]]:
        ann = self.ds.annotations
        vs = ann.vertex_start
        return [
            [c for v in self.vertices[vs[p] : vs[p + 1]] for c in v]
            for p in range(int(ann.part_start[i]), int(ann.part_start[i + 1]))
        ]

    def _entry(self, i: int) -> tuple[str, dict[str, Any] | list[dict[str, Any]]]:
        """The shape name and entry (a list of entries for a polygon of several parts) of row ``i``."""
        ann = self.ds.annotations
        kind = Kind(int(ann.kind[i]))
        shape = KIND_SHAPE[kind]
        side = self._side(i)
        if kind == Kind.BOX:
            val = geometry.coco_boxes_to_openlabel(ann.bbox[i])
            if not np.array_equal(geometry.openlabel_boxes_to_coco(val)[0], ann.bbox[i]):
                side["xywh"] = ann.bbox[i].tolist()  # the centre form lost bits: keep the exact box
            entry: Any = {"name": "shape", "val": val[0].tolist()}
        elif kind == Kind.ROTATED_BOX:
            val = geometry.coco_rotated_to_openlabel(ann.rbox[i], self.convention)
            if not np.array_equal(geometry.openlabel_rotated_to_coco(val, self.convention)[0], ann.rbox[i]):
                side["rbox"] = ann.rbox[i].tolist()  # radians are not exact degrees: keep them
            entry = {"name": "shape", "val": val[0].tolist()}
        elif kind == Kind.POINT:
            entry = {"name": "shape", "val": self._flat_parts(i)[0][:2]}
        elif kind == Kind.MASK:
            entry = {
                "name": "shape",
                "val": embedded.mask_png(ann.rle[i]),
                "mime_type": MASK_MIME,
                "encoding": "base64",
            }
        else:
            parts = self._flat_parts(i)
            if kind == Kind.PROJECTED_CUBOID:
                parts = [[c for p in parts for c in p]]  # 8 points, front face first
            entry = [self._poly(p, kind) for p in parts]
        if self.exact_vertices[i]:
            side["parts"] = [p.ravel().tolist() for p in ann.parts(i)]
        attrs = ann.attributes[i]
        if attrs is not None:
            block, dropped = encode_attributes(attrs)
            self.dropped_attributes += dropped
            (entry[0] if isinstance(entry, list) else entry)["attributes"] = block
        return shape, entry

    @staticmethod
    def _poly(flat: list[float], kind: Kind) -> dict[str, Any]:
        return {
            "name": "shape", "val": flat, "mode": POLY_MODE, "closed": kind == Kind.POLYGON,
            "matlab_projected_cuboid": kind == Kind.PROJECTED_CUBOID,
        }  # fmt: skip

    def _side(self, i: int) -> dict[str, Any]:
        """What only gtconvert reads about annotation ``i``."""
        ann = self.ds.annotations
        rec: dict[str, Any] = {"category": int(self.cat_ids[ann.category[i]])}
        if ann.iscrowd[i]:
            rec["iscrowd"] = True
        for key in ("area", "score"):
            value = float(getattr(ann, key)[i])
            if value == value:
                rec[key] = value
        if ann.extra[i]:
            rec["extra"] = ann.extra[i]
        if not self.own_box[i]:
            rec["bbox"] = ann.bbox[i].tolist()
        if ann.parent[i] >= 0:  # nested sublabels find theirs by place; tags, masks, others by this
            rec["parent"] = int(self.ids[int(ann.parent[i])])
        self.records[str(self.ids[i])] = rec
        return rec

    # ---- objects, frames, contexts ---------------------------------------------------------
    def _shell(
        self, uid: str, cat: int, pointer: str, shape: str, attributes: dict[str, str] | None
    ) -> dict[str, Any]:
        c = self.ds.categories[cat]
        obj: dict[str, Any] = {"name": f"{c.name}{uid}", "type": c.name}
        ptr: dict[str, Any] = {"type": shape, "frame_intervals": []}
        if attributes:
            ptr["attributes"] = attributes
        obj["object_data_pointers"] = {pointer: ptr}
        return obj

    def _place(self, uid: str, obj: dict[str, Any], pointer: str, image: int, data: dict[str, Any]) -> None:
        """Put object data statically (an image collection) or in the frame of ``image`` (a video)."""
        ptr = obj["object_data_pointers"][pointer]
        if self.video is None:
            obj["object_data"] = data
            ptr["uri"] = self.uris[image]
        else:
            ptr["frame_intervals"] = [{"frame_start": image, "frame_end": image}]
            frame = self.frames.setdefault(str(image), {})
            frame.setdefault("objects", {})[uid] = {"object_data": data}
        self.objects[uid] = obj

    def _add_object(self, i: int, shape: str, entry: Any) -> None:
        ann = self.ds.annotations
        uid = str(self.ids[i])
        entries = entry if isinstance(entry, list) else [entry]
        types = {a["name"]: t for t, vals in entries[0].get("attributes", {}).items() for a in vals}
        obj = self._shell(uid, int(ann.category[i]), "shape", shape, types)
        extra = ann.extra[i]
        if isinstance(extra, dict) and isinstance(extra.get("openlabel_name"), str):
            obj["name"] = extra["openlabel_name"]
        self._place(uid, obj, "shape", int(ann.image[i]), {shape: entries})

    def _nested_rows(self) -> set[int]:
        """Sublabels nested in their parent's entry: both shapes, in the same image."""
        ann = self.ds.annotations
        rows = np.flatnonzero(ann.parent >= 0)
        shapes = [k for k in KIND_SHAPE if k != Kind.MASK]  # MathWorks nests vector shapes only
        ok = (
            np.isin(ann.kind[rows], shapes)
            & np.isin(ann.kind[ann.parent[rows]], shapes)
            & (ann.image[rows] == ann.image[ann.parent[rows]])
            & (ann.parent[ann.parent[rows]] < 0)  # one level, as MATLAB's sublabels
            & ((ann.kind[rows] != Kind.POLYGON) | (ann.n_parts()[rows] == 1))  # nested polygons have one part
        )
        return set(rows[ok].tolist())

    def _nest_children(self, nested: set[int], entries: dict[int, tuple[str, Any]]) -> None:
        ann = self.ds.annotations
        children: dict[int, list[int]] = {}
        for i in sorted(nested):
            children.setdefault(int(ann.parent[i]), []).append(i)
        for parent, rows in children.items():
            uid = str(self.ids[parent])
            obj = self.objects[uid]
            data = (
                obj["object_data"]
                if self.video is None
                else self.frames[str(int(ann.image[parent]))]["objects"][uid]["object_data"]
            )
            head = next(iter(data.values()))[0]
            order = sorted(rows, key=lambda r: (SHAPES.index(entries[r][0]), self.ids[r]))
            for r in order:
                shape, entry = entries[r]
                for e in entry if isinstance(entry, list) else [entry]:
                    e["name"] = self.ds.categories[int(ann.category[r])].name
                    head.setdefault(shape, []).append(e)
            self.records[uid]["children"] = [self.ids[r] for r in order]

    def _add_context(self, i: int) -> None:
        ann = self.ds.annotations
        uid = str(self.ids[i])
        c = self.ds.categories[int(ann.category[i])]
        self._side(i)
        data: dict[str, Any] = {"boolean": [{"name": c.name, "val": True}]}
        if ann.attributes[i] is not None:
            block, dropped = encode_attributes(ann.attributes[i])
            self.dropped_attributes += dropped
            for t, vals in block.items():
                data.setdefault(t, []).extend(vals)
            self.records[uid]["attributes"] = True  # an empty dict stays a dict
        image = int(ann.image[i])
        ctx: dict[str, Any] = {"name": f"{c.name}{uid}", "type": c.name, "context_data": data}
        if self.video is None:
            data.setdefault("text", []).append({"name": CONTEXT_IMAGE_TEXT, "val": self.uris[image]})
            ctx["frame_intervals"] = []
        else:
            ctx["frame_intervals"] = [{"frame_start": image, "frame_end": image}]
        self.contexts[uid] = ctx

    def _add_pixel_objects(self, rows: np.ndarray) -> None:
        """One ``PixelLabel`` object per (image, label PNG), as MathWorks writes them."""
        ann = self.ds.annotations
        groups: dict[tuple[int, str], list[int]] = {}
        for i in rows.tolist():
            groups.setdefault((int(ann.image[i]), ann.pixel_ref[i].path), []).append(i)
        for (image, path), members in groups.items():
            uid = str(self.ids[members[0]])
            obj = {"name": "labels", "type": PIXEL_LABEL_TYPE}
            obj["object_data_pointers"] = {"labels": {"type": "text", "frame_intervals": []}}
            text = {"text": [{"name": PIXEL_TEXT_NAME, "val": self._uri(path)}]}
            self._place(uid, obj, "labels", image, text)
            for i in members:
                self._side(i)
            self.records[uid]["pixel"] = [
                [self.ids[i], int(self.cat_ids[ann.category[i]]), [list(v) for v in ann.pixel_ref[i].values]]
                for i in members
            ]

    def _all_frames(self) -> dict[str, Any]:
        """Every image is a frame (labelled or not), with its time as ASAM and MathWorks write it."""
        out: dict[str, Any] = {}
        for f, t in enumerate(self.ds.images.time.tolist()):
            frame = self.frames.get(str(f), {})
            if t == t:
                frame["frame_properties"] = {"timestamp": t, "time_stamp": f"{t:.17g} sec"}
            out[str(f)] = frame
        return out

    def _warn(self) -> None:
        ann = self.ds.annotations
        kind = ann.kind
        multi = int(np.count_nonzero((kind == Kind.POLYGON) & (ann.n_parts() > 1)))
        report.warn(
            "openlabel.multipart_polygons",
            f"OpenLABEL: {multi} polygons of several parts written as one object with one poly2d per part "
            "(MATLAB's groundTruthFromOpenLabel knows one polygon per object)",
            multi,
        )
        masks = int(np.count_nonzero(kind == Kind.MASK))
        report.warn(
            "openlabel.masks_embedded",
            f"OpenLABEL: {masks} RLE masks written as embedded PNG image data (MATLAB has no such label)",
            masks,
        )
        report.warn(
            "openlabel.attributes_dropped",
            f"OpenLABEL: {self.dropped_attributes} attribute values with no OpenLABEL type (text, num, "
            "boolean, vec) not written",
            self.dropped_attributes,
        )
        types = np.array([*self.label_types, ""], dtype=object)[ann.category] if len(ann) else np.zeros(0)
        own = np.array([KIND_LABEL_TYPE.get(Kind(int(k)), "") for k in kind.tolist()], dtype=object)
        mixed = int(np.count_nonzero((own != types) & (own != "") & (kind != Kind.MASK)))
        report.warn(
            "openlabel.mixed_kinds",
            f"OpenLABEL: {mixed} objects are not of their label's MATLAB type; each keeps its own "
            "shape, but MATLAB's groundTruthFromOpenLabel expects one type per label",
            mixed,
        )
        private = sum(1 for rec in self.records.values() if _PRIVATE.intersection(rec))
        report.warn(
            "openlabel.private_fields",
            f"OpenLABEL: {private} objects carry fields OpenLABEL has no place for (iscrowd, area, score, "
            "unknown keys, exact box values), kept in metadata.gtconvert, which only gtconvert reads",
            private,
        )


def _relative(path: str, start: str) -> str:
    try:
        return os.path.relpath(path, start).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(path).replace("\\", "/")
