"""``gtconvert validate`` checks that only a VOC reading can make.

Each check yields ``(code, message, count, examples)``; :func:`gtconvert.validate.check`
turns them into findings (this module does not import validate, so no import circle).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ...model import Dataset, Kind

VocFinding = tuple[str, str, int, list[str]]


def findings(ds: Dataset) -> Iterator[VocFinding]:
    """Every VOC-specific finding of a dataset read from VOC (nothing for other datasets)."""
    voc = ds.info.get("voc") if isinstance(ds.info, dict) else None
    if not isinstance(voc, dict):
        return
    yield from _zero_based_corners(ds, voc.get("origin"))


def _zero_based_corners(ds: Dataset, origin: str | None) -> Iterator[VocFinding]:
    """A 0 corner read with the devkit's 1-based origin: the devkit never writes one.

    Read as devkit corners, ``xmin = 0`` is ``x = -1``, a pixel left of the image; zero-based
    writers (Datumaro, CVAT, globox, labelme, Roboflow) write 0 for a box at the image edge.
    """
    if origin != "devkit":
        return
    ann, img = ds.annotations, ds.images
    box = ann.kind == Kind.BOX
    zero = np.flatnonzero(box & ((ann.bbox[:, 0] == -1) | (ann.bbox[:, 1] == -1)))
    if len(zero):
        examples = [f"annotation {ann.id[r]} on {img.file_name[ann.image[r]]}" for r in zero[:5].tolist()]
        yield (
            "voc.zero_based",
            "boxes with a 0 corner, which the devkit's 1-based corners never have: the files come "
            "from a zero-based writer (Datumaro, CVAT, globox, labelme, Roboflow); read them with "
            "--origin zero",
            len(zero),
            examples,
        )
