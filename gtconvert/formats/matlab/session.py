"""Image Labeler's saved session (``imageLabelingSession.mat``, Save Session) via mat-io.

A session is the app's own state (``vision.internal.imageLabeler.tool.Session``), not a
groundTruth, but mat-io decodes it (checked on an R2020a session): ``ImageFilenames``, the
label definitions in ``ROILabelSet.DefinitionStruct`` (Name, LabelID, Type, Color,
PixelLabelID, Group, Description), and one annotation struct per image in
``ROIAnnotations``' ``ROIAnnotationStructManager.AnnotationStructs{1}.AnnotationStruct_``: one
field per ROI label holding what a LabelData cell holds, plus ``PixelLabelData``, the label
PNG in the hidden ``.<session>_SessionData`` folder beside the session.

Read here: images, ROI and pixel labels. Refused with the fix (export from the app): sessions
with scene labels, sublabels or attributes (their session layout is not known here), and
layouts that do not match.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ... import report
from ...errors import GtconvertError
from .builder import Builder, Label
from .interchange import Interchange
from .mat_io import is_struct, label_type_name, struct_elements, text


def is_session(value: Any) -> bool:
    classname = str(getattr(value, "classname", "") or "")
    return classname.startswith("vision.internal.") and classname.endswith("Session")


def decode(value: Any, name: str, path: Any) -> Interchange:
    """A session object -> Interchange (MATLAB frame), or a GtconvertError with the fix."""
    try:
        state = value.properties["any"][0, 0]
        files = [text(f) for f in state["ImageFilenames"].ravel(order="F")]
        labels = _properties(state["ROILabelSet"])["DefinitionStruct"]
        per_image = _annotation_structs(state["ROIAnnotations"])
        release = (
            text(state["Version"].ravel()[0]["Release"]).strip("()") if "Version" in state.dtype.names else ""
        )
        extra = [
            _count(_properties(state[n])) for n in ("FrameLabelSet", "ROISublabelSet", "ROIAttributeSet")
        ]
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise _refusal(name, path, f"its layout is not one gtconvert knows ({type(exc).__name__})") from None
    if any(extra):
        raise _refusal(
            name, path, "it holds scene labels, sublabels or attributes, which are read from exports only"
        )
    if len(per_image) != len(files):
        raise _refusal(name, path, f"{len(per_image)} annotation rows for {len(files)} images")
    n = len(files)
    ic = Interchange(release=release, sourceType="imageCollection", imageFiles=files)
    ic.imageIds = np.arange(1, n + 1, dtype=np.float64)
    ic.imageSize = np.zeros((n, 2))
    ic.imageTime = np.full(n, np.nan)
    builder = Builder()
    rows = [builder.add_label(_label(el)) for el in struct_elements(labels)] if is_struct(labels) else []
    fields = per_image.dtype.names if n else ()
    for k in rows:
        lab = builder.labels[k]
        if lab.type != "PixelLabel" and lab.name in fields:
            for i, el in enumerate(struct_elements(per_image)):
                builder.add_cell(el[lab.name], i + 1, k)
    stored = (
        [text(el["PixelLabelData"]) for el in struct_elements(per_image)]
        if "PixelLabelData" in fields
        else []
    )
    ic.pixelLabelFiles = _session_pngs(stored, path) if stored else [""] * n
    return builder.finish(ic)


def _properties(obj: Any) -> dict[str, Any]:
    props = obj.properties
    if not isinstance(props, dict):
        raise TypeError("not a decoded object")
    return props


def _count(props: dict[str, Any]) -> int:
    defs = props.get("DefinitionStruct")
    return int(defs.size) if isinstance(defs, np.ndarray) else 0


def _annotation_structs(annotations: Any) -> np.ndarray:
    manager = annotations.properties["any"][0, 0]["ROIAnnotationStructManager"]
    first = _properties(manager)["AnnotationStructs"].ravel()[0]
    return _properties(first)["AnnotationStruct_"]


def _label(el: Any) -> Label:
    type_name = label_type_name(el["Type"])
    pixel = (
        np.asarray(el["PixelLabelID"], dtype=np.float64) if type_name == "PixelLabel" else np.zeros((0, 0))
    )
    color = np.asarray(el["Color"], dtype=np.float64).ravel()
    return Label(
        name=text(el["Name"]),
        type=type_name,
        color=color[:3] if color.size >= 3 else np.full(3, np.nan),
        pixel_id=pixel,
        group=text(el["Group"]),
        description=text(el["Description"]),
    )


def _session_pngs(stored: list[str], path: Any) -> list[str]:
    """The label PNGs in ``.<session name>_SessionData`` beside the session, never elsewhere: an
    export's ``PixelLabelData/Label_N.png`` has the same names but may hold other labels."""
    folder = Path(os.path.abspath(path)).parent / f".{Path(path).stem}_SessionData"
    out = []
    for f in stored:
        base = f.replace("\\", "/").rsplit("/", 1)[-1]
        out.append(str(folder / base) if f and (folder / base).is_file() else "")
    missing = sum(1 for f, o in zip(stored, out) if f and not o)
    report.warn(
        "matlab.session_pixel_labels_missing",
        f"MATLAB: {missing} pixel-label PNG(s) of the session are not in {folder.name}/ beside it "
        "(their pixel labels are not read); keep that hidden folder beside the session, or export "
        "the labels from Image Labeler",
        missing,
    )
    return out


def _refusal(name: str, path: Any, why: str) -> GtconvertError:
    return GtconvertError(
        f"{name!r} is a labelling session that gtconvert cannot read: {why}",
        file=path,
        fix="open the session in Image Labeler (imageLabeler('" + os.path.basename(str(path)) + "')) and "
        "Export > Labels > To File, or to the workspace and gtconvert.exportGroundTruth",
    )
