"""Decoding what MATLAB's labelers save (via mat-io) into an in-memory :class:`Interchange`.

Handles the ``groundTruth`` object (its ``saveobj`` struct, R2017b..R2025a), arrays of them,
the Image Labeler's *table* export (``imageFilename`` + one column per label), a standalone
label-definitions table, and the plain-struct "flat" export (``imageFiles``, ``labelNames``,
``labelPolys``). Values stay in MATLAB's frame; :mod:`.reader` converts them.
Facts: ``shared/docs/matlab-groundtruth.md`` sections 1 and 2.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from . import session
from .builder import Builder, Label, field_or, read_definitions
from .interchange import Interchange
from .labels import TYPE_OF_COLUMNS
from .mat_io import is_cell, is_struct, load_variables, struct_elements, text

# ---------------------------------------------------------------------------------------
# groundTruth
# ---------------------------------------------------------------------------------------


def _release(version_struct: Any) -> str:
    if not is_struct(version_struct) or "Release" not in version_struct.dtype.names:
        return ""
    return text(version_struct.ravel()[0]["Release"]).strip().strip("()")


def _seconds(value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind == "m":
        return arr.astype("timedelta64[ns]").astype(np.int64).ravel() / 1e9
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64).ravel()
    return np.zeros(0)


_SOURCE_TYPES = (
    ("datastore", "imageDatastore"), ("video", "video"), ("sequence", "imageSequence"),
    ("custom", "custom"), ("collection", "imageCollection"),
)  # fmt: skip


def _source_type(value: str, source: Any) -> str:
    low = value.lower()
    for key, name in _SOURCE_TYPES:
        if key in low:
            return name
    return "video" if isinstance(source, (str, np.ndarray)) and not is_cell(source) else "imageCollection"


def _sequence_images(folder: str, n_rows: int, listing: list[str] | None, path: Any, name: str) -> list[str]:
    """An image sequence's images: its folder's image files in sorted order (as MATLAB lists
    them), from the stored folder when it exists here, else from ``--images``."""
    from ...imagefiles import find_images

    files = (
        [os.path.join(folder, p) for p in find_images(folder)] if os.path.isdir(folder) else (listing or [])
    )
    if len(files) != n_rows:
        raise GtconvertError(
            f"image sequence {folder!r}: {len(files)} images found for {n_rows} rows of labels",
            file=path,
            record=name,
            fix="pass --images DIR holding the sequence's images (matched in sorted order)",
        )
    return files


def ground_truth(saved: Any, name: str, path: Any, image_files: list[str] | None = None) -> Interchange:
    """One groundTruth's saveobj struct (doc section 2) -> Interchange (MATLAB frame)."""
    names = saved.dtype.names
    for need in ("DataSource", "LabelDefinitions", "LabelData"):
        if need not in names:
            raise GtconvertError(f"groundTruth has no {need}", file=path, record=name)
    ic = Interchange(release=_release(field_or(saved, names, "Version")))
    ds = saved["DataSource"]
    ds = ds.ravel()[0] if is_struct(ds) and ds.size else None
    source = ds["Source"] if ds is not None else None
    ic.sourceType = _source_type(text(ds["SourceType"]) if ds is not None else "", source)
    label_data = saved["LabelData"]
    n_rows = label_data.size if is_struct(label_data) else 0
    times = _seconds(ds["TimeStamps"]) if ds is not None else np.zeros(0)
    if is_cell(source):
        files = [text(s) for s in source.ravel(order="F")]
    elif source is not None and np.asarray(source).dtype.kind in "UST":
        ic.sourceName = text(source)
        files = []
    else:
        files = []
    if ic.sourceType == "custom":
        raise GtconvertError(
            "a custom-reader data source: gtconvert cannot read its frames",
            file=path,
            record=name,
            fix="in MATLAB, write the frames as image files and export with "
            "gtconvert.exportGroundTruth(gTruth, file, 'ImageFiles', files)",
        )
    if ic.sourceType == "imageSequence" and ic.sourceName:  # a folder of images, read like a collection
        files = _sequence_images(ic.sourceName, n_rows, image_files, path, name)
    elif ic.sourceName:  # video: frames, named later from the video's name
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
    builder = Builder()
    top = read_definitions(builder, saved["LabelDefinitions"], path)
    ic.pixelLabelFiles = [""] * n_rows
    data_names = label_data.dtype.names if n_rows else ()
    if "Time" in data_names and not len(times):
        ic.imageTime = np.array([_seconds(el["Time"])[0] for el in struct_elements(label_data)])
    elements = struct_elements(label_data) if n_rows else []
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
        if is_cell(v):
            return "Polygon"
        arr = np.asarray(v)
        if arr.dtype.kind == "b":
            return "Scene"
        if arr.ndim == 2 and arr.shape[1] in TYPE_OF_COLUMNS:
            return TYPE_OF_COLUMNS[arr.shape[1]]
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


def label_table(table: Any, name: str) -> Interchange:
    """The Image Labeler's table export: ``imageFilename`` + one column per label."""
    cols = _table_columns(table)
    files = [text(v) for v in cols.pop("imageFilename")]
    pixel = cols.pop("PixelLabelData", None)
    ic = _image_collection(files)
    if pixel is not None:
        ic.pixelLabelFiles = [text(v) for v in pixel]
    builder = Builder()
    for label_name, values in cols.items():
        k = builder.add_label(Label(name=label_name, type=_column_type(values)))
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


def definitions_table(table: Any, path: Any) -> Interchange:
    """A standalone label-definitions table: labels only, no images."""
    cols = _table_columns(table)
    n = len(cols["Name"])
    dtype = [(c, object) for c in cols]
    defs = np.empty((n, 1), dtype=dtype)
    for c, values in cols.items():
        for i, v in enumerate(values):
            defs[i, 0][c] = v
    builder = Builder()
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
    builder = Builder()
    for k, label_name in enumerate(names):
        builder.add_label(Label(name=label_name, type="Polygon"))
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
        if getattr(value, "classname", None) == "groundTruthMultisignal":
            raise GtconvertError(
                f"{name!r} is a groundTruthMultisignal (Ground Truth Labeler, several signals), not read",
                file=path,
                fix="in MATLAB, take one image or video signal's labels (gatherLabelData), make a "
                "groundTruth of them and export it with gtconvert.exportGroundTruth",
            )
        if session.is_session(value):
            out.append((name, session.decode(value, name, path)))
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
        return label_table(value, name)
    if "Name" in cols and "Type" in cols:
        return definitions_table(value, path)
    raise GtconvertError(
        f"table {name!r} is neither a label table (imageFilename column) nor label definitions",
        file=path,
    )
