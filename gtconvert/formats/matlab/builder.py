"""The labels, images and objects of a raw MATLAB file, collected into an :class:`Interchange`.

:class:`Builder` takes LabelData cells as the labelers store them (a matrix, a cell of vertex
lists, a struct array with attributes and sublabels) and the label definitions with their
``Hierarchy``; values stay in MATLAB's frame. Facts: ``shared/docs/matlab-groundtruth.md``
section 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from .interchange import Interchange
from .labels import VERTEX_TYPES, position_columns
from .mat_io import (
    cell_list,
    is_cell,
    is_empty,
    is_struct,
    label_type_name,
    plain,
    python_value,
    struct_elements,
    text,
)

# ---------------------------------------------------------------------------------------
# the collected objects of one file
# ---------------------------------------------------------------------------------------


@dataclass
class Label:
    name: str
    type: str
    color: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))
    pixel_id: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    group: str = ""
    description: str = ""
    parent: str = ""
    attributes: list[dict[str, Any]] = field(default_factory=list)


class Builder:
    """Accumulates labels, images and objects into the columns of an :class:`Interchange`."""

    def __init__(self) -> None:
        self.labels: list[Label] = []
        self.label_index: dict[tuple[str, str], int] = {}  # (parent, name) -> 0-based row
        self.obj_image: list[int] = []
        self.obj_label: list[int] = []
        self.obj_parent: list[int] = []
        self.positions: list[np.ndarray] = []
        self.part_counts: list[int] = []
        self.parts: list[np.ndarray] = []
        self.attributes: list[str] = []
        self.skipped: dict[str, int] = {}
        self.empty_values: dict[int, str] = {}  # label row -> class and size of its empty cells

    def add_label(self, label: Label) -> int:
        key = (label.parent, label.name)
        if key not in self.label_index:
            self.label_index[key] = len(self.labels)
            self.labels.append(label)
        return self.label_index[key]

    def add_object(
        self,
        image: int,
        label: int,
        parent: int = 0,
        position: np.ndarray | None = None,
        parts: list[np.ndarray] = (),  # type: ignore[assignment]
        attributes: dict[str, Any] | None = None,
    ) -> int:
        pos = np.full(9, np.nan)
        if position is not None:
            pos[: len(position)] = position
        self.obj_image.append(image)
        self.obj_label.append(label)
        self.obj_parent.append(parent)
        self.positions.append(pos)
        self.part_counts.append(len(parts))
        self.parts.extend(np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts)
        self.attributes.append(json.dumps(attributes, ensure_ascii=False) if attributes else "")
        return len(self.obj_image)  # 1-based object index

    # ---- LabelData cells -------------------------------------------------------------
    def add_cell(self, value: Any, image: int, label: int, parent: int = 0) -> None:
        """One LabelData cell of a label: a matrix, a cell of vertex lists, a struct array..."""
        lab = self.labels[label]
        value = plain(value)
        if (
            parent == 0
            and label not in self.empty_values
            and isinstance(value, np.ndarray)
            and not value.size
        ):
            self.empty_values[label] = describe_empty(value)
        if is_struct(value):
            for element in struct_elements(value):
                self._add_struct_element(element, value.dtype.names, image, label, parent)
            return
        if lab.type == "Scene" and _scene_value(value) is not None:  # numeric or text (R2026b)
            if _scene_value(value) is not _MISSING:
                self.add_object(image, label, parent, attributes={"value": _scene_value(value)})
            return
        for position, parts in self._geometries(value, lab.type):
            self.add_object(image, label, parent, position, parts)

    def _add_struct_element(
        self, element: Any, names: tuple[str, ...], image: int, label: int, parent: int
    ) -> None:
        lab = self.labels[label]
        sub_names = {n for (p, n) in self.label_index if p == lab.name}
        geoms = self._geometries(element["Position"], lab.type) if "Position" in names else [(None, [])]
        attrs = {n: python_value(element[n]) for n in names if n != "Position" and n not in sub_names}
        for position, parts in geoms or [(None, [])]:
            obj = self.add_object(image, label, parent, position, parts, attrs or None)
            for n in names:
                if n in sub_names and not is_empty(element[n]):
                    self.add_cell(element[n], image, self.label_index[(lab.name, n)], obj)

    def _geometries(self, value: Any, type_name: str) -> list[tuple[np.ndarray | None, list[np.ndarray]]]:
        ncol = position_columns(type_name)
        if ncol:
            rows = [np.asarray(v, dtype=np.float64) for v in cell_list(value) if v is not None]
            rows = [r.reshape(-1, ncol) for r in rows if r.size]
            return [(r, []) for block in rows for r in block]
        if type_name in VERTEX_TYPES:
            items = cell_list(value)
            out = []
            for item in items:
                if is_cell(item):
                    out.extend(self._geometries(item, type_name))
                elif item is not None and np.size(item):
                    out.append((None, [np.asarray(item, dtype=np.float64).reshape(-1, 2)]))
            return out
        if type_name == "Scene":
            arr = np.asarray(value)
            return [(None, [])] if arr.size and bool(arr.ravel()[0]) else []
        if np.size(value):
            self.skipped[type_name] = self.skipped.get(type_name, 0) + 1
        return []

    # ---- the result --------------------------------------------------------------------
    def finish(self, ic: Interchange) -> Interchange:
        for type_name, count in self.skipped.items():
            report.warn(
                f"matlab.unsupported.{type_name.lower()}",
                f"MATLAB: {count} {type_name} label value(s) not read (gtconvert has no {type_name} shape)",
                count,
            )
        labs = self.labels
        ic.labelNames = [lab.name for lab in labs]
        ic.labelIds = np.arange(1, len(labs) + 1, dtype=np.float64)
        ic.labelTypes = [lab.type for lab in labs]
        ic.labelColors = np.array([lab.color for lab in labs]).reshape(-1, 3)
        ic.labelPixelIds = [lab.pixel_id for lab in labs]
        ic.labelGroups = [lab.group for lab in labs]
        ic.labelDescriptions = [lab.description for lab in labs]
        ic.labelParents = [lab.parent for lab in labs]
        ic.labelEmptyValues = [self.empty_values.get(k, "") for k in range(len(labs))]
        defs = [(k, a) for k, lab in enumerate(labs) for a in lab.attributes]
        ic.attrLabel = np.array([k + 1 for k, _ in defs], dtype=np.float64)
        ic.attrNames = [a["name"] for _, a in defs]
        ic.attrTypes = [a["type"] for _, a in defs]
        ic.attrDefaults = ["" if a.get("default") is None else json.dumps(a["default"]) for _, a in defs]
        ic.attrListItems = [json.dumps(a["list_items"]) if a.get("list_items") else "" for _, a in defs]
        ic.attrDescriptions = [a.get("description", "") for _, a in defs]
        m = len(self.obj_image)
        ic.objImage = np.array(self.obj_image, dtype=np.float64)
        ic.objLabel = np.array(self.obj_label, dtype=np.float64) + 1
        ic.objId = np.arange(1, m + 1, dtype=np.float64)
        ic.objParent = np.array(self.obj_parent, dtype=np.float64)
        ic.objIsCrowd = np.zeros(m, dtype=bool)
        ic.objPosition = np.array(self.positions).reshape(-1, 9)
        ic.objPartCount = np.array(self.part_counts, dtype=np.float64)
        ic.partVertexCount = np.array([len(p) for p in self.parts], dtype=np.float64)
        ic.vertices = np.concatenate(self.parts) if self.parts else np.zeros((0, 2))
        ic.objRle = [""] * m
        ic.objAttributes = self.attributes
        return ic


# ---------------------------------------------------------------------------------------
# label definitions
# ---------------------------------------------------------------------------------------


def _scene_value(value: Any) -> Any:
    """The value of a Scene label that is not logical (numeric or text, allowed since R2026b),
    kept as the tag's ``value`` attribute; None for a logical (or empty) one."""
    arr = np.asarray(plain(value)) if not isinstance(value, str) else np.asarray(value)
    if arr.size == 0 or arr.dtype.kind == "b":
        return None
    if arr.dtype.kind in "iuf" and np.isnan(arr.astype(float)).all():
        return _MISSING  # a numeric Scene label not set on this image
    return python_value(value)


_MISSING = object()


def describe_empty(value: np.ndarray) -> str:
    """An empty LabelData cell as the interchange's ``labelEmptyValues`` text (``'double 0x4'``)."""
    if is_struct(value):
        kind = "struct"
    elif value.dtype == object:
        kind = "cell"
    elif value.dtype == bool:
        kind = "logical"
    else:
        kind = "double"
    rows, cols = value.shape[:2] if value.ndim >= 2 else (0, 0)
    return f"{kind} {rows}x{cols}"


def field_or(element: Any, names: tuple[str, ...], name: str, default: Any = None) -> Any:
    return element[name] if name in names else default


def _color(value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64).ravel() if value is not None and np.size(value) else None
    return arr[:3] if arr is not None and arr.size >= 3 else np.full(3, np.nan)


def _attribute_type(default: Any) -> str:
    """An attribute's type from its default value (an empty default by its MATLAB class)."""
    value = python_value(default)
    if isinstance(value, (bool, str)):
        return "logical" if isinstance(value, bool) else "string"
    kind = np.asarray(default).dtype.kind if value is None and default is not None else "f"
    return {"b": "logical", "U": "string", "S": "string", "T": "string"}.get(kind, "numeric")


def _attribute_def(name: str, spec: Any) -> dict[str, Any]:
    names = spec.dtype.names if is_struct(spec) else ()
    el = spec.ravel()[0] if names else None
    out: dict[str, Any] = {"name": name, "description": text(field_or(el, names, "Description", ""))}
    if "ListItems" in names:
        out.update(type="list", list_items=[text(v) for v in cell_list(el["ListItems"])])
        return out
    raw_default = plain(field_or(el, names, "DefaultValue")) if names else None
    out.update(type=_attribute_type(raw_default), default=python_value(raw_default))
    return out


def _hierarchy(builder: Builder, parent: Label, hierarchy: Any) -> None:
    """Attributes and sublabels of one definition (``Hierarchy`` struct, doc section 1)."""
    hierarchy = plain(hierarchy)
    if not is_struct(hierarchy) or not hierarchy.size:
        return
    h = hierarchy.ravel()[0]
    for name in hierarchy.dtype.names:
        spec = plain(h[name])
        if name in ("Type", "Description", "LabelColor", "Group"):
            continue
        if is_struct(spec) and "Type" in spec.dtype.names:  # a sublabel
            el = spec.ravel()[0]
            sub = Label(
                name=name,
                type=label_type_name(el["Type"]),
                color=_color(field_or(el, spec.dtype.names, "LabelColor")),
                description=text(field_or(el, spec.dtype.names, "Description", "")),
                parent=parent.name,
            )
            builder.add_label(sub)
            _hierarchy(builder, sub, spec)
        else:
            parent.attributes.append(_attribute_def(name, spec))


def _hierarchy_description(element: Any, names: tuple[str, ...]) -> str:
    """The ``Hierarchy.Description`` of a definition: labelDefinitionCreator keeps the label's
    description there too, and a file may hold it only there."""
    hierarchy = plain(field_or(element, names, "Hierarchy"))
    if not is_struct(hierarchy) or not hierarchy.size or "Description" not in hierarchy.dtype.names:
        return ""
    return text(hierarchy.ravel()[0]["Description"])


def read_definitions(builder: Builder, defs: Any, path: Any) -> list[int]:
    """Add the labels of a LabelDefinitions struct array; returns their rows (top-level)."""
    if not is_struct(defs):
        raise GtconvertError("LabelDefinitions is not a struct array", file=path)
    names = defs.dtype.names
    rows = []
    for k, el in enumerate(struct_elements(defs)):
        try:
            type_name = label_type_name(el["Type"])
        except (ValueError, IndexError, KeyError):
            raise GtconvertError(
                "cannot read the label type", file=path, record=f"label definition {k + 1}"
            ) from None
        pixel = field_or(el, names, "PixelLabelID")
        label = Label(
            name=text(el["Name"]),
            type=type_name,
            color=_color(field_or(el, names, "LabelColor")),
            pixel_id=np.asarray(pixel, dtype=np.float64) if type_name == "PixelLabel" else np.zeros((0, 0)),
            group=text(field_or(el, names, "Group", "")),
            description=text(field_or(el, names, "Description", "")) or _hierarchy_description(el, names),
        )
        rows.append(builder.add_label(label))
        _hierarchy(builder, label, field_or(el, names, "Hierarchy"))
    return rows
