"""mat-io, the one package that decodes MATLAB's groundTruth objects: loading, and its values.

``load_variables`` reads a MAT-file (v7 or v7.3) with mat-io, working around its enum bug;
the converters turn what it hands back (numpy structs and cells, enums, MATLAB strings) into
plain Python. Facts: ``shared/docs/matlab-groundtruth.md`` section 2.
"""

from __future__ import annotations

import contextlib
import enum
import os
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...errors import GtconvertError
from .labels import BY_CODE, name_of_code

# ---------------------------------------------------------------------------------------
# loading with mat-io (and its enum bug worked around)
# ---------------------------------------------------------------------------------------


_LabelTypeEnum = enum.Enum("labelType", {t.name: code for code, t in sorted(BY_CODE.items())})


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
        with warnings.catch_warnings():  # mat-io sets a pandas option at import that pandas 3 deprecates
            warnings.filterwarnings("ignore", message=".*future.infer_string")
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


_EMPTY_PLACEHOLDERS = ("MatlabCanonicalEmpty", "EmptyMatStruct")


def plain(value: Any) -> Any:
    """mat-io's placeholders for empty values as the empty array MATLAB holds.

    mat-io hands back a ``MatlabCanonicalEmpty`` object for MATLAB's canonical empty ``[]``
    (e.g. a sublabel cell never drawn) and an ``EmptyMatStruct`` for a struct without fields;
    both mean "nothing here". Every other value passes unchanged.
    """
    if type(value).__name__ in _EMPTY_PLACEHOLDERS:
        return np.zeros((0, 0))
    return value


def is_empty(value: Any) -> bool:
    """True for a missing, empty or placeholder value."""
    value = plain(value)
    return value is None or not np.size(value)


def text(value: Any) -> str:
    """A MATLAB char, string or 1x1 cell of either -> str ('' when empty or missing)."""
    value = plain(value)
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


def is_struct(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.names is not None


def is_cell(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype == object and value.dtype.names is None


def cell_list(value: Any) -> list[Any]:
    """The elements of a cell (placeholders made plain), or ``[value]`` for anything else."""
    value = plain(value)
    return [plain(v) for v in value.ravel(order="F")] if is_cell(value) else [value]


def struct_elements(value: np.ndarray) -> list[Any]:
    return [value[idx] for idx in np.ndindex(value.shape)] if value.size else []


def python_value(value: Any) -> Any:
    """A MATLAB attribute value as JSON-able Python (number, bool, str, list)."""
    value = plain(value)
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return value.name
    arr = np.asarray(value)
    if arr.dtype.kind in "UST" or (arr.dtype == object and arr.size == 1 and isinstance(arr.ravel()[0], str)):
        return text(arr)
    if arr.dtype == object:
        return [python_value(v) for v in arr.ravel(order="F")]
    if arr.dtype.kind in "biuf" and arr.size == 0:
        return None  # an unset numeric or logical attribute is MATLAB's []
    if arr.dtype.kind == "b":
        return bool(arr.ravel()[0]) if arr.size == 1 else arr.ravel(order="F").tolist()
    if arr.dtype.kind in "iuf":
        if arr.size == 1:
            return arr.ravel()[0].item()
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
        return name_of_code(_enum_code(value))
    arr = np.asarray(value)
    if arr.dtype.kind in "UST":
        return text(arr).split(".")[-1]
    if arr.dtype.kind in "iuf" and arr.size:
        return name_of_code(int(arr.ravel()[0]))
    raise ValueError(f"cannot read a labelType from {value!r}")
