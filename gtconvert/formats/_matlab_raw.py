"""Decoding what MATLAB's labelers save (via mat-io) into an in-memory :class:`Interchange`.

Handles the ``groundTruth`` object (its ``saveobj`` struct, R2017b..R2025a), arrays of them,
the Image Labeler's *table* export (``imageFilename`` + one column per label), a standalone
label-definitions table, and the plain-struct "flat" export (``imageFiles``, ``labelNames``,
``labelPolys``). Values stay in MATLAB's frame; ``matlab.py`` converts them.
Facts: ``shared/docs/matlab-groundtruth.md`` sections 1 and 2.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import report
from ..errors import GtconvertError
from ._interchange import Interchange

#: labelType codes (uint8 enumeration), for when mat-io hands back the raw value.
LABEL_TYPE_CODES = (
    "Rectangle", "Line", "Scene", "Custom", "PixelLabel", "Cuboid", "ProjectedCuboid",
    "Polygon", "Point", "RotatedRectangle",
)  # fmt: skip
#: position columns of the label types stored as numeric rows
POSITION_COLUMNS = {"Rectangle": 4, "RotatedRectangle": 5, "ProjectedCuboid": 8, "Point": 2, "Cuboid": 9}
VERTEX_TYPES = ("Polygon", "Line")


# ---------------------------------------------------------------------------------------
# loading with mat-io (and its enum bug worked around)
# ---------------------------------------------------------------------------------------

_LabelTypeEnum = enum.Enum("labelType", {name: code for code, name in enumerate(LABEL_TYPE_CODES)})


@contextlib.contextmanager
def _label_type_enum_fix() -> Iterator[None]:
    """Let mat-io rebuild ``labelType`` enum arrays of mixed members.

    mat-io 1.0 pairs the enum's distinct member names with the first values of the array, so
    a definitions table holding Rectangle and Line rows fails to load. labelType members are
    known by their uint8 code (table above), so rebuild them from the code instead.
    """
    try:
        import matio.subsystem.subsys as subsys
        from matio.utils.matclass import MatlabEnumerationArray, OpaqueType
    except ImportError:  # another mat-io layout: load without the fix
        yield
        return
    original = subsys.mat_to_enum

    def mat_to_enum(values: Any, value_names: Any, classname: Any, shapes: Any) -> Any:
        if str(classname) != "labelType":
            return original(values, value_names, classname, shapes)
        members = [_LabelTypeEnum(_enum_code(v)) for v in values]
        arr = np.array(members, dtype=object).reshape(shapes, order="F")
        return MatlabEnumerationArray(arr, classname=classname, type_system=OpaqueType.MCOS)

    subsys.mat_to_enum = mat_to_enum
    try:
        yield
    finally:
        subsys.mat_to_enum = original


def _enum_code(value: Any) -> int:
    props = getattr(value, "properties", value)
    if isinstance(props, dict):
        for key, v in props.items():
            if key.endswith("Data"):
                return int(np.asarray(v).ravel()[0])
    return int(np.asarray(props).ravel()[0])


def load_variables(path: str | os.PathLike) -> dict[str, Any]:
    """All variables of a v7 / v7.3 MAT-file decoded by mat-io, its warnings kept quiet."""
    try:
        import matio
    except ImportError:
        raise GtconvertError(
            "reading MATLAB groundTruth files needs the mat-io package", fix="pip install mat-io"
        ) from None
    with warnings.catch_warnings(record=True) as caught, _label_type_enum_fix():
        warnings.simplefilter("always")
        try:
            data = matio.load_from_mat(os.fspath(path))
        except Exception as exc:
            raise GtconvertError(
                f"mat-io cannot read this MAT-file ({type(exc).__name__}: {exc})",
                file=path,
                fix="in MATLAB, export with gtconvert.exportGroundTruth to the interchange .mat",
            ) from None
    problems = [str(w.message) for w in caught]
    return {"variables": {k: v for k, v in data.items() if not k.startswith("__")}, "problems": problems}


# ---------------------------------------------------------------------------------------
# small converters for mat-io values
# ---------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A MATLAB char, string or 1x1 cell of either -> str ('' when empty or missing)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    arr = np.asarray(value)
    if arr.size == 0:
        return ""
    if arr.dtype == object:
        return text(arr.ravel()[0])
    if arr.dtype.kind in "UST":
        items = [str(s) for s in arr.ravel()]
        return items[0] if len(items) == 1 else "".join(items)
    return str(arr.ravel()[0])


def _is_struct(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.names is not None


def _is_cell(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype == object and value.dtype.names is None


def _cell_list(value: Any) -> list[Any]:
    return list(value.ravel(order="F")) if _is_cell(value) else [value]


def _struct_elements(value: np.ndarray) -> list[Any]:
    return [value[idx] for idx in np.ndindex(value.shape)] if value.size else []


def python_value(value: Any) -> Any:
    """A MATLAB attribute value as JSON-able Python (number, bool, str, list)."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return value.name
    arr = np.asarray(value)
    if arr.dtype.kind in "UST" or (arr.dtype == object and arr.size == 1 and isinstance(arr.ravel()[0], str)):
        return text(arr)
    if arr.dtype == object:
        return [python_value(v) for v in arr.ravel(order="F")]
    if arr.dtype.kind == "b":
        return bool(arr.ravel()[0]) if arr.size == 1 else arr.ravel(order="F").tolist()
    if arr.dtype.kind in "iuf":
        if arr.size == 1:
            v = arr.ravel()[0].item()
            return v
        return arr.ravel(order="F").tolist()
    return text(arr)


def label_type_name(value: Any) -> str:
    """``labelType`` as a name, from a Python enum, a cell of one, an opaque value or a code."""
    if isinstance(value, np.ndarray) and value.dtype == object and value.size:
        return label_type_name(value.ravel()[0])
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name
    if isinstance(value, str):
        return value.split(".")[-1]
    props = getattr(value, "properties", None)
    if props is not None:  # mat-io's opaque fallback: map by the uint8 code
        if isinstance(props, np.ndarray) and props.dtype.names and "ValueNames" in props.dtype.names:
            return text(props[0, 0]["ValueNames"])
        return LABEL_TYPE_CODES[_enum_code(value)]
    arr = np.asarray(value)
    if arr.dtype.kind in "UST":
        return text(arr).split(".")[-1]
    if arr.dtype.kind in "iuf" and arr.size:
        return LABEL_TYPE_CODES[int(arr.ravel()[0])]
    raise ValueError(f"cannot read a labelType from {value!r}")


def _release(version_struct: Any) -> str:
    if not _is_struct(version_struct) or "Release" not in version_struct.dtype.names:
        return ""
    return text(version_struct.ravel()[0]["Release"]).strip().strip("()")


def _seconds(value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind == "m":
        return arr.astype("timedelta64[ns]").astype(np.int64).ravel() / 1e9
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64).ravel()
    return np.zeros(0)


# ---------------------------------------------------------------------------------------
# the collected objects of one file
# ---------------------------------------------------------------------------------------


@dataclass
class _Label:
    name: str
    type: str
    color: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))
    pixel_id: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    group: str = ""
    description: str = ""
    parent: str = ""
    attributes: list[dict[str, Any]] = field(default_factory=list)


class _Builder:
    """Accumulates labels, images and objects into the columns of an :class:`Interchange`."""

    def __init__(self) -> None:
        self.labels: list[_Label] = []
        self.label_index: dict[tuple[str, str], int] = {}  # (parent, name) -> 0-based row
        self.obj_image: list[int] = []
        self.obj_label: list[int] = []
        self.obj_parent: list[int] = []
        self.positions: list[np.ndarray] = []
        self.part_counts: list[int] = []
        self.parts: list[np.ndarray] = []
        self.attributes: list[str] = []
        self.skipped: dict[str, int] = {}

    def add_label(self, label: _Label) -> int:
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
        if _is_struct(value):
            for element in _struct_elements(value):
                self._add_struct_element(element, value.dtype.names, image, label, parent)
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
                if n in sub_names and element[n] is not None and np.size(element[n]):
                    self.add_cell(element[n], image, self.label_index[(lab.name, n)], obj)

    def _geometries(self, value: Any, type_name: str) -> list[tuple[np.ndarray | None, list[np.ndarray]]]:
        if type_name in POSITION_COLUMNS:
            ncol = POSITION_COLUMNS[type_name]
            rows = [np.asarray(v, dtype=np.float64) for v in _cell_list(value) if v is not None]
            rows = [r.reshape(-1, ncol) for r in rows if r.size]
            return [(r, []) for block in rows for r in block]
        if type_name in VERTEX_TYPES:
            items = _cell_list(value)
            out = []
            for item in items:
                if _is_cell(item):
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


def _field(element: Any, names: tuple[str, ...], name: str, default: Any = None) -> Any:
    return element[name] if name in names else default


def _color(value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64).ravel() if value is not None and np.size(value) else None
    return arr[:3] if arr is not None and arr.size >= 3 else np.full(3, np.nan)


def _attribute_def(name: str, spec: Any) -> dict[str, Any]:
    names = spec.dtype.names if _is_struct(spec) else ()
    el = spec.ravel()[0] if names else None
    out: dict[str, Any] = {"name": name, "description": text(_field(el, names, "Description", ""))}
    if "ListItems" in names:
        out.update(type="list", list_items=[text(v) for v in _cell_list(el["ListItems"])])
        return out
    default = python_value(_field(el, names, "DefaultValue")) if names else None
    kind = {bool: "logical", str: "string"}.get(type(default), "numeric")
    out.update(type=kind, default=default)
    return out


def _hierarchy(builder: _Builder, parent: _Label, hierarchy: Any) -> None:
    """Attributes and sublabels of one definition (``Hierarchy`` struct, doc section 1)."""
    if not _is_struct(hierarchy) or not hierarchy.size:
        return
    h = hierarchy.ravel()[0]
    for name in hierarchy.dtype.names:
        spec = h[name]
        if name in ("Type", "Description", "LabelColor", "Group"):
            continue
        if _is_struct(spec) and "Type" in spec.dtype.names:  # a sublabel
            el = spec.ravel()[0]
            sub = _Label(
                name=name,
                type=label_type_name(el["Type"]),
                color=_color(_field(el, spec.dtype.names, "LabelColor")),
                description=text(_field(el, spec.dtype.names, "Description", "")),
                parent=parent.name,
            )
            builder.add_label(sub)
            _hierarchy(builder, sub, spec)
        else:
            parent.attributes.append(_attribute_def(name, spec))


def read_definitions(builder: _Builder, defs: Any, path: Any) -> list[int]:
    """Add the labels of a LabelDefinitions struct array; returns their rows (top-level)."""
    if not _is_struct(defs):
        raise GtconvertError("LabelDefinitions is not a struct array", file=path)
    names = defs.dtype.names
    rows = []
    for k, el in enumerate(_struct_elements(defs)):
        try:
            type_name = label_type_name(el["Type"])
        except (ValueError, IndexError, KeyError):
            raise GtconvertError(
                "cannot read the label type", file=path, record=f"label definition {k + 1}"
            ) from None
        pixel = _field(el, names, "PixelLabelID")
        label = _Label(
            name=text(el["Name"]),
            type=type_name,
            color=_color(_field(el, names, "LabelColor")),
            pixel_id=np.asarray(pixel, dtype=np.float64) if type_name == "PixelLabel" else np.zeros((0, 0)),
            group=text(_field(el, names, "Group", "")),
            description=text(_field(el, names, "Description", "")),
        )
        rows.append(builder.add_label(label))
        _hierarchy(builder, label, _field(el, names, "Hierarchy"))
    return rows


# ---------------------------------------------------------------------------------------
# groundTruth
# ---------------------------------------------------------------------------------------

_SOURCE_TYPES = (
    ("datastore", "imageDatastore"), ("video", "video"), ("sequence", "imageSequence"),
    ("custom", "custom"), ("collection", "imageCollection"),
)  # fmt: skip


def _source_type(value: str, source: Any) -> str:
    low = value.lower()
    for key, name in _SOURCE_TYPES:
        if key in low:
            return name
    return "video" if isinstance(source, (str, np.ndarray)) and not _is_cell(source) else "imageCollection"


def ground_truth(saved: Any, name: str, path: Any, image_files: list[str] | None = None) -> Interchange:
    """One groundTruth's saveobj struct (doc section 2) -> Interchange (MATLAB frame)."""
    names = saved.dtype.names
    for need in ("DataSource", "LabelDefinitions", "LabelData"):
        if need not in names:
            raise GtconvertError(f"groundTruth has no {need}", file=path, record=name)
    ic = Interchange(release=_release(_field(saved, names, "Version")))
    ds = saved["DataSource"]
    ds = ds.ravel()[0] if _is_struct(ds) and ds.size else None
    source = ds["Source"] if ds is not None else None
    ic.sourceType = _source_type(text(ds["SourceType"]) if ds is not None else "", source)
    label_data = saved["LabelData"]
    n_rows = label_data.size if _is_struct(label_data) else 0
    times = _seconds(ds["TimeStamps"]) if ds is not None else np.zeros(0)
    if _is_cell(source):
        files = [text(s) for s in source.ravel(order="F")]
    elif source is not None and np.asarray(source).dtype.kind in "UST":
        ic.sourceName = text(source)
        files = []
    else:
        files = []
    if ic.sourceName:  # video / sequence: frames, named later from the video's name
        files = [""] * n_rows
    elif len(files) != n_rows:
        if image_files is None:
            raise GtconvertError(
                f"the image list of this {ic.sourceType} cannot be decoded ({len(files)} paths for "
                f"{n_rows} rows of labels)",
                file=path,
                record=name,
                fix="pass --images DIR holding the labelled images (matched in sorted order, as "
                "imageDatastore lists them), or export from MATLAB with gtconvert.exportGroundTruth",
            )
        files = image_files
    ic.imageFiles = files
    ic.imageIds = np.arange(1, n_rows + 1, dtype=np.float64)
    ic.imageSize = np.zeros((n_rows, 2))
    ic.imageTime = times[:n_rows] if len(times) >= n_rows and len(times) else np.full(n_rows, np.nan)
    builder = _Builder()
    top = read_definitions(builder, saved["LabelDefinitions"], path)
    ic.pixelLabelFiles = [""] * n_rows
    data_names = label_data.dtype.names if n_rows else ()
    if "Time" in data_names and not len(times):
        ic.imageTime = np.array([_seconds(el["Time"])[0] for el in _struct_elements(label_data)])
    elements = _struct_elements(label_data) if n_rows else []
    if "PixelLabelData" in data_names:
        ic.pixelLabelFiles = [text(el["PixelLabelData"]) for el in elements]
    for k in top:
        lab = builder.labels[k]
        if lab.type == "PixelLabel":
            continue
        if lab.name not in data_names:
            continue  # a label with no column: no objects
        for i, el in enumerate(elements):
            builder.add_cell(el[lab.name], i + 1, k)
    return builder.finish(ic)


# ---------------------------------------------------------------------------------------
# tables and the flat export
# ---------------------------------------------------------------------------------------


def _column_type(values: list[Any]) -> str:
    for v in values:
        if v is None or not np.size(v):
            continue
        if _is_cell(v):
            return "Polygon"
        arr = np.asarray(v)
        if arr.dtype.kind == "b":
            return "Scene"
        if arr.ndim == 2 and arr.shape[1] in (4, 5, 8, 2):
            return {4: "Rectangle", 5: "RotatedRectangle", 8: "ProjectedCuboid", 2: "Point"}[arr.shape[1]]
    return "Rectangle"


def _table_columns(table: Any) -> dict[str, list[Any]]:
    """A MATLAB table (pandas DataFrame, or mat-io's raw form of pre-R2018 tables) -> columns."""
    if hasattr(table, "columns"):
        return {str(c): list(table[c]) for c in table.columns}
    props = getattr(table, "properties", None)
    if not isinstance(props, dict) or "varnames" not in props or "data" not in props:
        raise GtconvertError("cannot read this MATLAB table")
    names = [text(v) for v in props["varnames"].ravel(order="F")]
    out = {}
    for name, col in zip(names, props["data"].ravel(order="F")):
        arr = np.asarray(col)
        out[name] = (
            list(arr.ravel(order="F")) if arr.dtype == object else [row for row in arr.reshape(len(arr), -1)]
        )
    return out


def _image_collection(files: list[str]) -> Interchange:
    """An interchange of still images, numbered 1..N, sizes unknown, no pixel labels yet."""
    n = len(files)
    ic = Interchange(sourceType="imageCollection")
    ic.imageFiles = files
    ic.imageIds = np.arange(1, n + 1, dtype=np.float64)
    ic.imageSize = np.zeros((n, 2))
    ic.imageTime = np.full(n, np.nan)
    ic.pixelLabelFiles = [""] * n
    return ic


def label_table(table: Any, name: str, path: Any) -> Interchange:
    """The Image Labeler's table export: ``imageFilename`` + one column per label."""
    cols = _table_columns(table)
    files = [text(v) for v in cols.pop("imageFilename")]
    pixel = cols.pop("PixelLabelData", None)
    ic = _image_collection(files)
    if pixel is not None:
        ic.pixelLabelFiles = [text(v) for v in pixel]
    builder = _Builder()
    for label_name, values in cols.items():
        k = builder.add_label(_Label(name=label_name, type=_column_type(values)))
        for i, v in enumerate(values):
            builder.add_cell(v, i + 1, k)
    guessed = [lab.name for lab in builder.labels]
    report.warn(
        "matlab.table_types_guessed",
        f"MATLAB table {name}: label types guessed from the data (a table export stores none): "
        + ", ".join(f"{lab.name}={lab.type}" for lab in builder.labels),
        len(guessed),
    )
    return builder.finish(ic)


def definitions_table(table: Any, name: str, path: Any) -> Interchange:
    """A standalone label-definitions table: labels only, no images."""
    cols = _table_columns(table)
    n = len(cols["Name"])
    dtype = [(c, object) for c in cols]
    defs = np.empty((n, 1), dtype=dtype)
    for c, values in cols.items():
        for i, v in enumerate(values):
            defs[i, 0][c] = v
    builder = _Builder()
    read_definitions(builder, defs, path)
    return builder.finish(Interchange(sourceType="imageCollection"))


def flat_export(variables: dict[str, Any], path: Any) -> Interchange:
    """Plain-struct export: ``imageFiles`` (Nx1 cellstr), ``labelNames`` (Kx1), ``labelPolys`` (NxK)."""
    files = [text(v) for v in variables["imageFiles"].ravel(order="F")]
    names = [text(v) for v in variables["labelNames"].ravel(order="F")]
    polys = variables["labelPolys"]
    if polys.shape != (len(files), len(names)):
        raise GtconvertError(f"labelPolys is {polys.shape}, expected {len(files)}x{len(names)}", file=path)
    ic = _image_collection(files)
    builder = _Builder()
    for k, label_name in enumerate(names):
        builder.add_label(_Label(name=label_name, type="Polygon"))
        for i in range(len(files)):
            builder.add_cell(polys[i, k], i + 1, k)
    return builder.finish(ic)


# ---------------------------------------------------------------------------------------
# what a file holds
# ---------------------------------------------------------------------------------------


def _ground_truths(value: Any) -> list[Any]:
    """The saveobj structs of a groundTruth variable (a scalar object or an array of them)."""
    if getattr(value, "classname", None) == "groundTruth":
        if isinstance(value, np.ndarray):
            return [s for v in value.ravel(order="F") for s in _ground_truths(v)]
        props = value.properties
        if isinstance(props, dict) and "any" in props:
            payload = props["any"]
            return [payload.ravel(order="F")[i] for i in range(payload.size)]
        return [None]
    return []


def decode(path: str | os.PathLike, image_files: list[str] | None = None) -> list[tuple[str, Interchange]]:
    """Every groundTruth (or table / flat export) in the file, as (variable name, Interchange)."""
    loaded = load_variables(path)
    variables = loaded["variables"]
    out: list[tuple[str, Interchange]] = []
    for name, value in variables.items():
        saved_structs = _ground_truths(value)
        for j, saved in enumerate(saved_structs):
            label = name if j == 0 else f"{name}({j + 1})"
            if saved is None:
                raise GtconvertError(
                    "mat-io could not decode this groundTruth object", file=path, record=label,
                    fix="export it from MATLAB with gtconvert.exportGroundTruth",
                )  # fmt: skip
            out.append((label, ground_truth(saved, label, path, image_files)))
        if saved_structs:
            continue
        if getattr(value, "classname", None) == "table" or hasattr(value, "columns"):
            out.append((name, _table(value, name, path, loaded["problems"])))
    if not out and {"imageFiles", "labelNames", "labelPolys"} <= variables.keys():
        out.append(("labelPolys", flat_export(variables, path)))
    if not out:
        raise GtconvertError(
            "no groundTruth, label table or gtconvert interchange variable in this MAT-file",
            file=path,
            fix="save the groundTruth object itself (save('gTruth.mat','gTruth'))",
        )
    return out


def _table(value: Any, name: str, path: Any, problems: list[str]) -> Interchange:
    try:
        cols = _table_columns(value)
    except GtconvertError:
        detail = "; ".join(problems[:2])
        raise GtconvertError(
            f"mat-io could not rebuild the table {name!r}" + (f" ({detail})" if detail else ""),
            file=path,
            fix="in MATLAB, convert it first: s = table2struct(" + name + "); save(f, 's')",
        ) from None
    if "imageFilename" in cols:
        return label_table(value, name, path)
    if "Name" in cols and "Type" in cols:
        return definitions_table(value, name, path)
    raise GtconvertError(
        f"table {name!r} is neither a label table (imageFilename column) nor label definitions",
        file=path,
    )
