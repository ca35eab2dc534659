"""ASAM OpenLABEL 1.0 JSON, as MATLAB's ``groundTruthToOpenLabel`` writes it and
``groundTruthFromOpenLabel`` reads it (R2024a/R2024b), and as other tools write it.

Reading: objects with ``bbox``, ``rbbox``, ``poly2d`` (closed: polygon, open: polyline,
MathWorks' ``matlab_projected_cuboid``), ``point2d`` and embedded PNG ``image`` masks, static
(an image collection, each object naming its image in ``object_data_pointers``) or per frame
(a video: ``streams`` and ``frames``); MathWorks' nested sublabels, ``PixelLabel`` objects and
scene-label ``contexts``; ``text``/``num``/``boolean``/``vec`` attributes; MathWorks'
``matlab_label_definitions`` (types, colours, groups, attribute definitions). Writing: the same
shape, plus ``metadata.gtconvert`` with what OpenLABEL has no field for, so a Dataset comes
back exactly.

Coordinates (:mod:`gtconvert.geometry.frames`, section OpenLABEL): a ``bbox`` centre gives COCO ``cx - w/2`` (MathWorks writes
MATLAB's box minus 1); vertices and rotated-box centres are ``file + 0.5`` with
``vertex_convention="center"`` (the default for MathWorks' files, as for the MATLAB format) or
the file's value with ``"openlabel"`` (the default for other tools' files). The package:
:mod:`.schema` (vocabulary), :mod:`.labels` (label definitions),
:mod:`.images` (image table), :mod:`.reader`, :mod:`.writer`. Details: ``docs/openlabel.md``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...errors import GtconvertError
from ...fileio import atomic_output, dump_json, gc_paused, read_json
from ...geometry import VERTEX_SHIFT
from ...model import Dataset
from .._common import warn_fields_dropped

DESCRIPTION = "ASAM OpenLABEL 1.0 JSON (MATLAB groundTruthToOpenLabel / groundTruthFromOpenLabel)"

# The schema allows one key at the root, so a file that is OpenLABEL starts with it.
_ROOT = re.compile(rb'^\s*\{\s*"openlabel"\s*:')


def detect(path: str) -> bool:
    """A JSON file whose first key is ``"openlabel"`` (never a COCO file, which has none)."""
    if not (os.path.isfile(path) and path.lower().endswith(".json")):
        return False
    with open(path, "rb") as f:
        head = f.read(4096)
    return bool(_ROOT.match(head.removeprefix(b"\xef\xbb\xbf")))


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    vertex_convention: str | None = None,
) -> Dataset:
    """Read an OpenLABEL JSON file.

    ``images``: folder where the image paths are resolved (MathWorks stores the labelling
    machine's paths; found by the longest matching suffix). ``image_size``: ``(W, H)`` for images
    that cannot be found (OpenLABEL has no image sizes). ``vertex_convention``: "center" or
    "openlabel" (default: what the file says, else "center" for MathWorks' files and "openlabel"
    for other tools').
    """
    from .reader import read_document

    _check_convention(vertex_convention)
    if not os.path.isfile(path):
        raise GtconvertError("no such file", file=path)
    opts = {"images": images, "image_size": image_size, "vertex_convention": vertex_convention}
    with gc_paused():
        return read_document(read_json(path), path, opts)


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    vertex_convention: str | None = None,
    indent: bool = False,
) -> None:
    """Write ``dataset`` as one OpenLABEL JSON file (atomically).

    ``vertex_convention``: how vertices are written, "center" (default: ``groundTruthFromOpenLabel``
    gives the MATLAB values gtconvert's MATLAB format gives) or "openlabel" (the COCO values as
    they are, for other OpenLABEL tools); a dataset read from OpenLABEL keeps its own.
    ``indent``: indented JSON (MathWorks' ``PrettyPrint``).
    """
    from .writer import build_document

    _check_convention(vertex_convention)
    convention = vertex_convention or str(
        (dataset.info.get("openlabel") or {}).get("vertex_convention", "center")
    )
    if convention not in VERTEX_SHIFT:
        convention = "center"
    json_dir = str(Path(path).resolve().parent)
    warn_fields_dropped(dataset.annotations, "openlabel", "OpenLABEL")
    with gc_paused():
        doc = build_document(dataset, convention, json_dir)
    with atomic_output(path, is_dir=False, overwrite=overwrite) as tmp:
        if indent:
            import json

            Path(tmp).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        else:
            dump_json(doc, tmp)


def _check_convention(convention: str | None) -> None:
    if convention is not None and convention not in VERTEX_SHIFT:
        raise GtconvertError(f"unknown vertex convention {convention!r}", fix="use center or openlabel")
