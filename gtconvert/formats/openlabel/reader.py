"""One OpenLABEL document -> :class:`Dataset` (COCO frame).

Objects and their ``object_data`` (static, or per frame of a video) become annotations:
``bbox`` boxes, ``rbbox`` rotated boxes, ``point2d`` points, closed ``poly2d`` polygons (all
closed entries of one object are the parts of one polygon), open ``poly2d`` polylines,
MathWorks' 8-point ``poly2d`` projected cuboids, embedded PNG ``image`` masks, MathWorks'
``PixelLabel`` objects lazy pixel references; shapes nested in a shape entry (MathWorks'
sublabels) are sublabel annotations; contexts are image-level tags. ``text``/``num``/
``boolean``/``vec`` data are attributes. What gtconvert has no place for is counted in warnings.
"""

from __future__ import annotations

import os
from typing import Any

from ... import report
from ...errors import GtconvertError
from ...geometry import VERTEX_SHIFT
from ...model import Category, Dataset, Images, Kind, PixelRef
from . import embedded, images, pixel_labels, side
from .columns import build_annotations
from .labels import categories_from_definitions
from .schema import (
    ATTRIBUTE_TYPES,
    CONTEXT_IMAGE_TEXT,
    MASK_MIME,
    PIXEL_LABEL_TYPE,
    POLY_MODE,
    UNREAD_DATA,
    UNREAD_ELEMENTS,
    as_int,
    decode_attributes,
    interval_frames,
    pointer_uri,
    values,
)  # fmt: skip

_NESTED = ("bbox", "rbbox", "point2d", "poly2d")  # shapes MathWorks nests in a shape entry (sublabels)


def read_document(data: Any, path: Any, opts: dict[str, Any]) -> Dataset:
    if not isinstance(data, dict) or not isinstance(data.get("openlabel"), dict):
        raise GtconvertError(
            "no 'openlabel' object at the top level", file=path, fix="is this an OpenLABEL file?"
        )
    return _Reader(data["openlabel"], path, opts).dataset()


class _Reader:
    def __init__(self, ol: dict[str, Any], path: Any, opts: dict[str, Any]) -> None:
        self.ol, self.path, self.opts = ol, path, opts
        self.json_dir = os.path.dirname(os.path.abspath(path))
        meta = ol.get("metadata") if isinstance(ol.get("metadata"), dict) else {}
        self.meta = meta
        gt = meta.get("gtconvert")
        self.gt: dict[str, Any] = gt if isinstance(gt, dict) else {}
        self.side: dict[str, Any] = self.gt.get("objects") if isinstance(self.gt.get("objects"), dict) else {}
        self.mathworks = "mathworks_schema_version" in meta or "matlab_label_definitions" in meta
        self.convention = (
            opts["vertex_convention"]
            or self.gt.get("vertex_convention")
            or ("center" if self.mathworks else "openlabel")
        )
        if self.convention not in VERTEX_SHIFT:
            raise GtconvertError(
                f"unknown vertex convention {self.convention!r}", file=path, fix="center or openlabel"
            )
        self.video = "frames" in ol or "streams" in ol
        self.rows: list[dict[str, Any]] = []
        self.used_ids: set[int] = set()
        self.next_id = 1
        self.unread: dict[str, int] = {}

    # ---- the dataset -------------------------------------------------------------------------
    def dataset(self) -> Dataset:
        self.cats = self._categories()
        self.images, root = self._images()
        self._read_objects()
        self._read_contexts()
        ann = build_annotations(self.rows, self.convention)
        self._warn_unread()
        info = dict(self.gt.get("info") or {})
        kept = {k: v for k, v in self.meta.items() if k not in ("gtconvert", "matlab_label_definitions")}
        info["openlabel"] = {"vertex_convention": self.convention, "metadata": kept}
        return Dataset(self.images, self.cats, ann, info=info, image_root=root)

    # ---- categories --------------------------------------------------------------------------
    def _categories(self) -> list[Category]:
        saved = self.gt.get("categories")
        if isinstance(saved, list):
            cats = [side.category_from_record(r, self.path) for r in saved]
        else:
            cats = categories_from_definitions(self.meta.get("matlab_label_definitions"))
        self.cat_by_id = {c.id: k for k, c in enumerate(cats)}
        self.cat_by_name = {}
        for k, c in enumerate(cats):
            self.cat_by_name.setdefault((c.parent, c.name), k)
        return cats

    def _category_row(self, name: str, parent: str = "", saved_id: Any = None) -> int:
        if isinstance(saved_id, int) and saved_id in self.cat_by_id:
            return self.cat_by_id[saved_id]
        key = (parent, name)
        if key not in self.cat_by_name:  # a type no definition names: a category of its own
            new_id = max([c.id for c in self.cats] + [0]) + 1
            self.cats.append(Category(id=new_id, name=name, parent=parent))
            self.cat_by_name[key] = len(self.cats) - 1
            self.cat_by_id[new_id] = len(self.cats) - 1
        return self.cat_by_name[key]

    # ---- images --------------------------------------------------------------------------------
    def _images(self) -> tuple[Images, str]:
        stored = self.gt.get("images")
        if isinstance(stored, list):
            img = images.stored_images(stored, self.path)
            root = self.opts["images"] or images.relative_root(
                self.json_dir, str(self.gt.get("image_root", ""))
            )
            self.image_of_uri = {str(f): k for k, f in enumerate(img.file_name.tolist())}
            self.uri_alias = self._writer_uris(img, root)
            return img, root
        if self.video:
            return self._video_images()
        uris = self._collection_uris()
        names, root, found = images.resolve_names(uris, self.json_dir, self.opts["images"])
        width, height = images.sizes(found, self.opts["image_size"])
        self.image_of_uri = {u: k for k, u in enumerate(uris)}
        self.uri_alias = {}
        return Images.create(names, width, height), root

    def _writer_uris(self, img: Images, root: str) -> dict[str, int]:
        """The URIs gtconvert's writer made of the stored names (relative to the JSON file)."""
        out = {}
        for k, name in enumerate(img.file_name.tolist()):
            full = os.path.join(root, name)
            try:
                out[os.path.relpath(full, self.json_dir).replace(os.sep, "/")] = k
            except ValueError:
                continue
        return out

    def _collection_uris(self) -> list[str]:
        """Every image an object or context names, contexts first (MathWorks writes one per image)."""
        seen: dict[str, None] = {}
        for ctx in values(self.ol.get("contexts")):
            for entry in (ctx.get("context_data") or {}).get("text") or []:
                if isinstance(entry, dict) and entry.get("name") == CONTEXT_IMAGE_TEXT:
                    seen.setdefault(str(entry.get("val", "")), None)
        for obj in values(self.ol.get("objects")):
            uri = pointer_uri(obj)
            if uri is not None:
                seen.setdefault(uri, None)
        if not seen and self.ol.get("objects"):  # no image named: the file labels one image (FiftyOne)
            seen[os.path.splitext(os.path.basename(str(self.path)))[0]] = None
        return list(seen)

    def _video_images(self) -> tuple[Images, str]:
        streams = [s for s in values(self.ol.get("streams")) if isinstance(s.get("uri"), str)]
        self.unread["streams beyond the first"] = max(len(values(self.ol.get("streams"))) - 1, 0)
        video_uri = streams[0]["uri"] if streams else ""
        frames = self.ol.get("frames") if isinstance(self.ol.get("frames"), dict) else {}
        last = max(
            [as_int(k, -1) for k in frames] + [f for e in self._elements() for f in interval_frames(e)] + [-1]
        )
        n = last + 1
        times = [images.parse_time((frames.get(str(f)) or {}).get("frame_properties")) for f in range(n)]
        names = images.frame_names(video_uri, n)
        root = self.opts["images"] or self.json_dir
        found = [p if os.path.isfile(p) else None for p in (os.path.join(root, nm) for nm in names)]
        width, height = images.sizes(found, self.opts["image_size"])
        self.image_of_uri, self.uri_alias = {}, {}
        return Images.create(names, width, height, time=times, video=[video_uri] * n), root

    def _elements(self) -> list[dict[str, Any]]:
        return [*values(self.ol.get("objects")), *values(self.ol.get("contexts"))]

    def _image_row(self, uri: str | None) -> int | None:
        if uri is None:
            return 0 if len(self.images) == 1 else None
        if uri in self.image_of_uri:
            return self.image_of_uri[uri]
        return self.uri_alias.get(uri)

    # ---- objects -------------------------------------------------------------------------------
    def _read_objects(self) -> None:
        objects = self.ol.get("objects") if isinstance(self.ol.get("objects"), dict) else {}
        for uid, obj in objects.items():
            if not isinstance(obj, dict):
                raise GtconvertError("an object is not a JSON object", file=self.path, record=f"object {uid}")
            if obj.get("object_data"):
                rows = [self._image_row(pointer_uri(obj))] if not self.video else interval_frames(obj) or [0]
                for image in rows:
                    self._object_data(str(uid), obj, obj["object_data"], image)
        frames = self.ol.get("frames") if isinstance(self.ol.get("frames"), dict) else {}
        for key in sorted(frames, key=lambda k: as_int(k, 0)):
            dynamic = (frames[key] or {}).get("objects") or {}
            for uid, part in dynamic.items():
                if isinstance(part, dict) and part.get("object_data"):
                    self._object_data(str(uid), objects.get(uid) or {}, part["object_data"], as_int(key, 0))

    def _object_data(self, uid: str, obj: dict[str, Any], data: Any, image: int | None) -> None:
        if not isinstance(data, dict):
            raise GtconvertError("object_data is not a JSON object", file=self.path, record=f"object {uid}")
        if image is None or image >= len(self.images):
            self.unread["objects on no known image"] = self.unread.get("objects on no known image", 0) + 1
            return
        side = self.side.get(uid) if isinstance(self.side.get(uid), dict) else {}
        name = str(obj.get("type", ""))
        if name == PIXEL_LABEL_TYPE or pixel_labels.pixel_text(data) is not None:
            self._pixel_object(data, image, side)
            return
        common = decode_attributes({t: data.get(t) for t in ATTRIBUTE_TYPES})
        cat = self._category_row(name, "", side.get("category"))
        for key in data:
            if key in UNREAD_DATA:
                self.unread[key] = self.unread.get(key, 0) + len(data[key] or [])
        first = len(self.rows)
        for _shape, entry, kind, parts in self._shapes(uid, data):
            self._add(uid, kind, cat, image, entry, parts, common, side if len(self.rows) == first else {})
            if kind != Kind.MASK and len(self.rows) == first + 1:
                self._sublabels(uid, entry, name, image, len(self.rows) - 1, side)
        if len(self.rows) > first and obj.get("name") not in (None, f"{name}{uid}"):
            self.rows[first]["extra"] = {**(self.rows[first]["extra"] or {}), "openlabel_name": obj["name"]}

    def _shapes(self, uid: str, data: dict[str, Any], join_closed: bool = True):
        """(shape, entry, kind, raw parts) of every geometric entry.

        The closed poly2d entries of one object are the parts of one polygon (``join_closed``);
        nested in a shape entry (sublabels), each is a polygon of its own.
        """
        for shape, kind, n in (
            ("bbox", Kind.BOX, 4),
            ("rbbox", Kind.ROTATED_BOX, 5),
            ("point2d", Kind.POINT, 2),
        ):
            for entry in data.get(shape) or []:
                yield shape, entry, kind, [_numbers(entry, n, self.path, uid)]
        closed = []
        for entry in data.get("poly2d") or []:
            if not isinstance(entry, dict) or entry.get("mode", POLY_MODE) != POLY_MODE:
                self.unread["poly2d chain codes"] = self.unread.get("poly2d chain codes", 0) + 1
                continue
            flat = _numbers(entry, None, self.path, uid)
            if entry.get("matlab_projected_cuboid"):
                yield "poly2d", entry, Kind.PROJECTED_CUBOID, [flat[:8], flat[8:16]]
            elif entry.get("closed") and join_closed:
                closed.append((entry, flat))
            elif entry.get("closed"):
                yield "poly2d", entry, Kind.POLYGON, [flat]
            else:
                yield "poly2d", entry, Kind.POLYLINE, [flat]
        if closed:
            yield "poly2d", closed[0][0], Kind.POLYGON, [flat for _, flat in closed]
        for entry in data.get("image") or []:
            if (
                isinstance(entry, dict)
                and entry.get("mime_type") == MASK_MIME
                and entry.get("encoding") == "base64"
            ):
                yield "image", entry, Kind.MASK, embedded.mask_rle(entry.get("val"), self.path, uid)
            else:
                self.unread["images other than base64 PNG masks"] = (
                    self.unread.get("images other than base64 PNG masks", 0) + 1
                )

    def _sublabels(
        self, uid: str, entry: dict[str, Any], parent_type: str, image: int, parent_row: int, side: dict
    ) -> None:
        ids = list(side.get("children") or [])
        for shape in _NESTED:
            data = {shape: entry.get(shape)} if isinstance(entry.get(shape), list) else {}
            for sub_shape, sub, kind, parts in self._shapes(uid, data, join_closed=False) if data else ():
                sub_id = ids.pop(0) if ids else None
                sub_side = self.side.get(str(sub_id)) if sub_id is not None else None
                sub_side = sub_side if isinstance(sub_side, dict) else {}
                cat = self._category_row(
                    str(sub.get("name", sub_shape)), parent_type, sub_side.get("category")
                )
                self._add(
                    str(sub_id) if sub_id is not None else None, kind, cat, image, sub, parts, {}, sub_side
                )
                self.rows[-1]["parent"] = parent_row

    def _add(
        self,
        uid: str | None,
        kind: Kind,
        cat: int,
        image: int,
        entry: Any,
        parts: list,
        common: dict,
        side: dict,
    ) -> None:
        own = decode_attributes(entry.get("attributes")) if "attributes" in entry else None
        attrs = {**common, **(own or {})} if (common or own is not None) else None
        ann_id = self._new_id(uid)
        extra = side.get("extra") if side else None
        if uid is not None and str(ann_id) != uid and not side:
            extra = {"openlabel_uid": uid}
        row = {
            "image": image, "category": cat, "kind": kind, "id": ann_id, "raw": parts, "entry": entry,
            "attributes": attrs, "extra": extra, "parent": -1, "side": side, "rle": None, "pixel_ref": None,
        }  # fmt: skip
        if kind == Kind.MASK:
            row["rle"], row["raw"] = parts, []
        self.rows.append(row)

    def _new_id(self, uid: str | None) -> int:
        """The object's uid where it is an unused integer, else a fresh id (not one gtconvert saved)."""
        n = as_int(uid, None) if uid is not None else None
        if n is None or n in self.used_ids:
            n = self.next_id
            while n in self.used_ids or str(n) in self.side:
                n += 1
        self.used_ids.add(n)
        self.next_id = max(self.next_id, n + 1)
        return n

    def _pixel_object(self, data: dict[str, Any], image: int, side: dict) -> None:
        png = pixel_labels.label_png(pixel_labels.pixel_text(data) or "", self.json_dir)
        stored = side.get("pixel")
        if isinstance(stored, list):  # written by gtconvert: its references, no PNG to decode
            for ann_id, cat_id, ref in pixel_labels.stored_refs(png, stored):
                ref_side = self.side.get(str(ann_id)) if isinstance(self.side.get(str(ann_id)), dict) else {}
                self._pixel_row(image, self.cat_by_id.get(cat_id, 0), ann_id, ref, ref_side)
            return
        if not os.path.isfile(png):
            self.unread["label PNGs not found"] = self.unread.get("label PNGs not found", 0) + 1
            return
        for cat, ref in pixel_labels.present_refs(png, self.cats):
            self._pixel_row(image, cat, self._new_id(None), ref, {})

    def _pixel_row(self, image: int, cat: int, ann_id: int, ref: PixelRef, side: dict) -> None:
        self.used_ids.add(ann_id)
        self.next_id = max(self.next_id, ann_id + 1)
        self.rows.append({
            "image": image, "category": cat, "kind": Kind.PIXEL_REF, "id": ann_id, "raw": [], "entry": {},
            "attributes": None, "extra": side.get("extra"), "parent": -1, "side": side, "rle": None, "pixel_ref": ref,
        })  # fmt: skip

    # ---- contexts ------------------------------------------------------------------------------
    def _read_contexts(self) -> None:
        for uid, ctx in (self.ol.get("contexts") or {}).items():
            if not isinstance(ctx, dict):
                continue
            name = str(ctx.get("type", ""))
            data = ctx.get("context_data") if isinstance(ctx.get("context_data"), dict) else {}
            flags = [e for e in data.get("boolean") or [] if isinstance(e, dict) and e.get("name") == name]
            if flags and not flags[0].get("val"):
                continue  # MathWorks writes a context per image and scene label, false where unset
            rest = {
                t: [e for e in data.get(t) or [] if e not in flags and e.get("name") != CONTEXT_IMAGE_TEXT]
                for t in ATTRIBUTE_TYPES
            }
            side = self.side.get(str(uid)) if isinstance(self.side.get(str(uid)), dict) else {}
            attrs = decode_attributes(rest) or ({} if side.get("attributes") else None)
            uri = next(
                (str(e.get("val")) for e in data.get("text") or [] if e.get("name") == CONTEXT_IMAGE_TEXT),
                None,
            )
            rows = interval_frames(ctx) if self.video else ([self._image_row(uri)] if uri is not None else [])
            rows = [r for r in rows if r is not None] or list(range(len(self.images)))
            cat = self._category_row(name, "", side.get("category"))
            for image in rows:
                self._add(str(uid), Kind.TAG, cat, image, {}, [], {}, side if image == rows[0] else {})
                self.rows[-1]["attributes"] = attrs

    # ---- columns -------------------------------------------------------------------------------
    def _warn_unread(self) -> None:
        for key in UNREAD_ELEMENTS:
            self.unread[key] = len(values(self.ol.get(key)))
        for what, count in self.unread.items():
            report.warn(
                "openlabel.unread." + what.replace(" ", "_"),
                f"OpenLABEL: {count} {what} not read (gtconvert has no place for them)",
                count,
            )


# ---- small helpers ---------------------------------------------------------------------------


def _numbers(entry: Any, n: int | None, path: Any, uid: str) -> list[float]:
    val = entry.get("val") if isinstance(entry, dict) else None
    ok = isinstance(val, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in val)
    if not ok or (n is not None and len(val) != n) or (n is None and len(val) % 2):
        what = f"{n} numbers" if n else "an even count of numbers"
        raise GtconvertError(f"object data 'val' must be {what}", file=path, record=f"object {uid}")
    return [float(v) for v in val]
