"""The interchange ``.mat`` (``docs/interchange.md``): the columnar table, and its v7 / v7.3 files.

:class:`Interchange` holds the schema's fields one to one, in MATLAB's frame and with 1-based
indices. The raw groundTruth decoder (:mod:`.raw`) builds one in memory too, so that a single
converter (:mod:`.reader`) turns both into a :class:`~gtconvert.model.Dataset`.

v7 files are written and read with scipy; v7.3 files with h5py in MATLAB's own HDF5 layout
(:mod:`.mat73`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import GtconvertError
from ...geometry import VERTEX_SHIFT
from . import mat73

SCHEMA = "gtconvert-interchange"

#: fields added after version 1 that older readers ignore and newer ones may miss
_OPTIONAL = ("labelEmptyValues",)


VERSION = 1


VARIABLE = "gtconvert"


#: field name -> kind; the order is the order written (``docs/interchange.md``).
_FIELDS: dict[str, str] = {
    "schema": "char",
    "version": "scalar",
    "frame": "char",
    "vertexConvention": "char",
    "release": "char",
    "sourceType": "char",
    "sourceName": "char",
    "imageFiles": "cellstr",
    "imageIds": "col",
    "imageSize": "mat2",
    "imageTime": "col",
    "pixelLabelFiles": "cellstr",
    "labelNames": "cellstr",
    "labelIds": "col",
    "labelTypes": "cellstr",
    "labelColors": "mat3",
    "labelPixelIds": "cellnum",
    "labelGroups": "cellstr",
    "labelDescriptions": "cellstr",
    "labelParents": "cellstr",
    "labelEmptyValues": "cellstr",
    "attrLabel": "col",
    "attrNames": "cellstr",
    "attrTypes": "cellstr",
    "attrDefaults": "cellstr",
    "attrListItems": "cellstr",
    "attrDescriptions": "cellstr",
    "objImage": "col",
    "objLabel": "col",
    "objId": "col",
    "objParent": "col",
    "objIsCrowd": "logical",
    "objPosition": "mat9",
    "objPartCount": "col",
    "partVertexCount": "col",
    "vertices": "mat2",
    "objRle": "cellstr",
    "objAttributes": "cellstr",
    "infoJson": "char",
}


def _empty_col() -> np.ndarray:
    return np.zeros(0, dtype=np.float64)


@dataclass
class Interchange:
    """The interchange file's fields (see ``docs/interchange.md``); MATLAB frame, 1-based."""

    schema: str = SCHEMA
    version: float = VERSION
    frame: str = "matlab"
    vertexConvention: str = "center"
    release: str = ""
    sourceType: str = "python"
    sourceName: str = ""
    imageFiles: list[str] = field(default_factory=list)
    imageIds: np.ndarray = field(default_factory=_empty_col)
    imageSize: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    imageTime: np.ndarray = field(default_factory=_empty_col)
    pixelLabelFiles: list[str] = field(default_factory=list)
    labelNames: list[str] = field(default_factory=list)
    labelIds: np.ndarray = field(default_factory=_empty_col)
    labelTypes: list[str] = field(default_factory=list)
    labelColors: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    labelPixelIds: list[np.ndarray] = field(default_factory=list)
    labelGroups: list[str] = field(default_factory=list)
    labelDescriptions: list[str] = field(default_factory=list)
    labelParents: list[str] = field(default_factory=list)
    #: class and size of each label's empty LabelData cells (``'double 0x4'``), '' when unknown
    labelEmptyValues: list[str] = field(default_factory=list)
    attrLabel: np.ndarray = field(default_factory=_empty_col)
    attrNames: list[str] = field(default_factory=list)
    attrTypes: list[str] = field(default_factory=list)
    attrDefaults: list[str] = field(default_factory=list)
    attrListItems: list[str] = field(default_factory=list)
    attrDescriptions: list[str] = field(default_factory=list)
    objImage: np.ndarray = field(default_factory=_empty_col)
    objLabel: np.ndarray = field(default_factory=_empty_col)
    objId: np.ndarray = field(default_factory=_empty_col)
    objParent: np.ndarray = field(default_factory=_empty_col)
    objIsCrowd: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    objPosition: np.ndarray = field(default_factory=lambda: np.zeros((0, 9)))
    objPartCount: np.ndarray = field(default_factory=_empty_col)
    partVertexCount: np.ndarray = field(default_factory=_empty_col)
    vertices: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    objRle: list[str] = field(default_factory=list)
    objAttributes: list[str] = field(default_factory=list)
    infoJson: str = ""

    def check(self, path: Any) -> None:
        """Sizes agree with each other; a clear error names the first field that does not."""
        n_img, n_lab, n_obj = len(self.imageFiles), len(self.labelNames), len(self.objImage)
        if not self.labelEmptyValues:  # optional (added without a version step): unknown
            self.labelEmptyValues = [""] * n_lab
        expect = {
            "imageIds": n_img, "imageSize": n_img, "imageTime": n_img, "pixelLabelFiles": n_img,
            "labelIds": n_lab, "labelTypes": n_lab, "labelColors": n_lab, "labelPixelIds": n_lab,
            "labelGroups": n_lab, "labelDescriptions": n_lab, "labelParents": n_lab, "labelEmptyValues": n_lab,
            "objLabel": n_obj, "objId": n_obj, "objParent": n_obj, "objIsCrowd": n_obj,
            "objPosition": n_obj, "objPartCount": n_obj, "objRle": n_obj, "objAttributes": n_obj,
            "attrNames": len(self.attrLabel), "attrTypes": len(self.attrLabel),
            "partVertexCount": int(np.sum(self.objPartCount)),
            "vertices": int(np.sum(self.partVertexCount)),
        }  # fmt: skip
        for name, n in expect.items():
            if len(getattr(self, name)) != n:
                raise GtconvertError(
                    f"interchange field {name} has {len(getattr(self, name))} rows, expected {n}",
                    file=path,
                    fix="the file is inconsistent; export it again",
                )
        if self.vertexConvention and self.vertexConvention not in VERTEX_SHIFT:
            raise GtconvertError(
                f"interchange vertexConvention {self.vertexConvention!r} is not one of {sorted(VERTEX_SHIFT)}",
                file=path,
                fix="the file is damaged; export it again",
            )
        for name, top in (("objImage", n_img), ("objLabel", n_lab), ("objParent", n_obj)):
            v = getattr(self, name)
            low = 0 if name == "objParent" else 1
            if len(v) and (v.min() < low or v.max() > top):
                raise GtconvertError(f"interchange field {name} indexes outside 1..{top}", file=path)


# ---------------------------------------------------------------------------------------
# normalising what scipy / h5py return into the dataclass's types
# ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    if arr.size == 0:
        return ""
    if arr.dtype.kind == "U" and arr.ndim == 2 and arr.dtype.itemsize == 4:
        # a MATLAB char matrix, one character per element (loadmat chars_as_strings=False):
        # each row viewed as one string (trailing NULs dropped, as scipy's chars_to_strings)
        rows = np.ascontiguousarray(arr, dtype=np.dtype("U1")).view(np.dtype(("U", arr.shape[1])))
        return "".join(rows.ravel().tolist())
    if arr.dtype.kind in "US":
        return "".join(str(s) for s in arr.ravel())
    if arr.dtype == object:
        return _text(arr.ravel()[0])
    return str(arr.ravel()[0])


def _cell_items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if arr.dtype != object:
        return [arr] if arr.size else []
    return list(arr.ravel(order="F"))


def _normalise(kind: str, value: Any) -> Any:
    if kind == "char":
        return _text(value)
    if kind == "scalar":
        arr = np.asarray(value, dtype=np.float64).ravel()
        return float(arr[0]) if arr.size else 0.0
    if kind == "cellstr":
        # most cells of objRle/objAttributes are empty: answered without a call each
        return [_text(v) if type(v) is not np.ndarray or v.size else "" for v in _cell_items(value)]
    if kind == "cellnum":
        return [np.asarray(v, dtype=np.float64) for v in _cell_items(value)]
    if kind == "col":
        return np.asarray(value, dtype=np.float64).ravel(order="F")
    if kind == "logical":
        return np.asarray(value).astype(bool).ravel(order="F")
    ncols = int(kind[3:])
    arr = np.asarray(value, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, ncols))
    return (
        arr.reshape(-1, ncols)
        if arr.ndim == 2 and arr.shape[1] == ncols
        else arr.reshape(-1, ncols, order="F")
    )


def from_fields(values: dict[str, Any], path: Any) -> Interchange:
    """Build from a mapping of field name -> raw value; missing fields take their defaults."""
    schema = _text(values.get("schema", ""))
    if schema != SCHEMA:
        raise GtconvertError(f"not a gtconvert interchange file (schema {schema!r})", file=path)
    version = _normalise("scalar", values.get("version", 0))
    if version > VERSION:
        raise GtconvertError(
            f"interchange schema version {version:g} is newer than this gtconvert reads ({VERSION})",
            file=path,
            fix="upgrade gtconvert",
        )
    ic = Interchange()
    for name, kind in _FIELDS.items():
        if name in values:
            try:
                setattr(ic, name, _normalise(kind, values[name]))
            except (ValueError, TypeError) as exc:  # e.g. an Nx9 matrix of 4 values
                raise GtconvertError(
                    f"interchange field {name} has the wrong shape or type ({exc})",
                    file=path,
                    fix="the file is damaged; export it again",
                ) from None
    _check_json_fields(ic, path)
    missing = [name for name in _FIELDS if name not in values and name not in _OPTIONAL]
    if missing:  # defaults keep older files readable; an inconsistency then names what is missing
        try:
            ic.check(path)
        except GtconvertError as exc:
            raise GtconvertError(
                f"interchange field {', '.join(repr(m) for m in missing[:5])} is missing ({exc.message})",
                file=path,
                fix="the file is incomplete; export it again",
            ) from None
    return ic


# ---------------------------------------------------------------------------------------
# v7 (scipy)
# ---------------------------------------------------------------------------------------


def _cellstr_array(items: list[str]) -> np.ndarray:
    out = np.empty((len(items), 1), dtype=object)
    for i, s in enumerate(items):
        out[i, 0] = s
    return out


def _v7_value(kind: str, value: Any) -> Any:
    if kind == "char":
        return value
    if kind == "scalar":
        return float(value)
    if kind == "cellstr":
        return _cellstr_array(list(value))
    if kind == "cellnum":
        out = np.empty((len(value), 1), dtype=object)
        for i, v in enumerate(value):
            out[i, 0] = np.asarray(v, dtype=np.float64)
        return out
    if kind == "col":
        return np.asarray(value, dtype=np.float64).reshape(-1, 1)
    if kind == "logical":
        return np.asarray(value, dtype=bool).reshape(-1, 1)
    return np.asarray(value, dtype=np.float64).reshape(-1, int(kind[3:]))


def save_v7(ic: Interchange, path: str | os.PathLike) -> None:
    from scipy.io import savemat

    struct = {name: _v7_value(kind, getattr(ic, name)) for name, kind in _FIELDS.items()}
    savemat(path, {VARIABLE: struct}, format="5", do_compression=True, oned_as="column")


def load_v7(path: str | os.PathLike) -> Interchange | None:
    """The interchange struct of a v7 file, or None when the file has no ``gtconvert`` variable."""
    from scipy.io import loadmat

    try:
        # chars_as_strings=False: scipy would convert every cell of text one call at a time;
        # _text views each character matrix as strings in one numpy operation instead
        data = loadmat(path, variable_names=[VARIABLE], squeeze_me=False, chars_as_strings=False)
    except Exception:  # scipy cannot parse files holding MATLAB objects: not ours
        return None
    if VARIABLE not in data:
        return None
    s = data[VARIABLE]
    if s.dtype.names is None or s.size != 1:
        raise GtconvertError("variable 'gtconvert' is not a 1x1 struct", file=path)
    rec = s.ravel()[0]
    return from_fields({n: rec[n] for n in s.dtype.names}, path)


# ---------------------------------------------------------------------------------------
# v7.3 (h5py, MATLAB's HDF5 layout: mat73.py)
# ---------------------------------------------------------------------------------------


def save_v73(ic: Interchange, path: str | os.PathLike) -> None:
    mat73.write_struct(path, VARIABLE, ((name, kind, getattr(ic, name)) for name, kind in _FIELDS.items()))


def load_v73(path: str | os.PathLike) -> Interchange | None:
    values = mat73.read_struct(path, VARIABLE)
    return None if values is None else from_fields(values, path)


# ---------------------------------------------------------------------------------------
# either version
# ---------------------------------------------------------------------------------------


def load(path: str | os.PathLike) -> Interchange | None:
    """Read an interchange file (v7 or v7.3); None when ``path`` is not one."""
    ic = load_v73(path) if mat73.is_hdf5(path) else load_v7(path)
    if ic is not None:
        ic.check(path)
    return ic


def save(ic: Interchange, path: str | os.PathLike, mat_version: str = "7") -> None:
    if mat_version == "7.3":
        save_v73(ic, path)
    elif mat_version == "7":
        save_v7(ic, path)
    else:
        raise GtconvertError(f"unknown --mat-version {mat_version!r}", fix="use 7 or 7.3")


_JSON_FIELDS = ("infoJson", "objAttributes", "attrDefaults", "attrListItems")


def _check_json_fields(ic: Interchange, path: Any) -> None:
    """The JSON texts are parsed later, by the reader; a damaged one is named here, with its row."""
    for name in _JSON_FIELDS:
        value = getattr(ic, name)
        texts = [value] if isinstance(value, str) else value
        for row, text in enumerate(texts):
            if not text:
                continue
            try:
                json.loads(text)
            except ValueError as exc:
                record = name if isinstance(value, str) else f"{name}{{{row + 1}}}"
                raise GtconvertError(
                    f"interchange field is not valid JSON ({exc})",
                    file=path,
                    record=record,
                    fix="the file is damaged",
                ) from None
