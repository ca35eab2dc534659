"""MATLAB: raw ``groundTruth`` files from the labelers (via mat-io) and the interchange ``.mat``.

Reading: ``gTruth.mat`` as Image Labeler, Video Labeler and Ground Truth Labeler save it
(R2017b..R2025a, every label type), the Image Labeler's table export, a standalone
label-definitions table, and the interchange file of ``docs/interchange.md`` (v7 or v7.3).
Writing: the interchange file only (``mat_version`` "7" with scipy, "7.3" with h5py in
MATLAB's HDF5 layout); ``gtconvert.importGroundTruth`` builds the groundTruth in MATLAB.

Coordinates (``shared/docs/matlab-groundtruth.md`` section 3, via :mod:`gtconvert.geometry`):
boxes ``[x y w h]`` -> COCO ``[x-1, y-1, w, h]`` (with the labelers' border quirk undone);
polygon, line and point vertices and rotated-box centres ``v - 0.5`` ("center", default) or
``v - 1`` ("openlabel", MathWorks' OpenLABEL export). Several groundTruth objects in one file
(variables or an array) are merged into one dataset by default: labels are matched by name
and must agree on type; ``merge=False`` reads only the first and says so.

The package: :mod:`.labels` (the label types), :mod:`.interchange` and :mod:`.mat73` (the
interchange file), :mod:`.raw`, :mod:`.builder` and :mod:`.mat_io` (groundTruth through
mat-io), :mod:`.reader`, :mod:`.paths`, :mod:`.objects` and :mod:`.pixel_labels` (to a
Dataset), :mod:`.writer` (from a Dataset).
"""

from __future__ import annotations

import os
from pathlib import Path

from ... import geometry, limits
from ...errors import GtconvertError
from ...fileio import atomic_output, check_ours, mark_ours, protected
from ...model import Dataset
from .._common import warn_fields_dropped
from . import interchange, paths, pixel_writer, reader, writer

DESCRIPTION = "MATLAB groundTruth .mat (raw, via mat-io) and the gtconvert interchange .mat"


def detect(path: str) -> bool:
    """Any ``.mat`` file: this is the only format that reads MAT-files."""
    return os.path.isfile(path) and path.lower().endswith(".mat")


def read(
    path: str | os.PathLike,
    *,
    images: str | None = None,
    image_size: tuple[int, int] | None = None,
    vertex_convention: str | None = None,
    merge: bool | None = None,
    every: int | None = None,
    instances: bool | None = None,
) -> Dataset:
    """Read a raw groundTruth MAT-file or an interchange file.

    ``images``: folder where the labeller's image paths are resolved (longest matching
    relative suffix, then basename, like MATLAB's ``changeFilePaths``). ``image_size``:
    ``(W, H)`` for images that cannot be found. ``vertex_convention``: "center" (default for
    raw files; an interchange file says its own) or "openlabel". ``merge``: merge several
    groundTruth objects (default) or read only the first (False). ``every``: keep every N-th
    image/frame row. ``instances``: one mask per connected component of a pixel label,
    instead of one lazy reference per (image, label).
    """
    if not os.path.isfile(path):
        raise GtconvertError("no such file", file=path)
    limits.check_mat(path)  # sizes before mat-io/h5py load anything (zlib bombs, huge shapes)
    if every is not None and every < 1:
        raise GtconvertError("--every must be 1 or more", fix="e.g. --every 5")
    if vertex_convention is not None and vertex_convention not in geometry.VERTEX_SHIFT:
        raise GtconvertError(f"unknown vertex convention {vertex_convention!r}", fix="center or openlabel")
    ic = interchange.load(path)
    if ic is not None:
        parts = [("gtconvert", ic)]
    else:
        from . import raw

        listing = reader.datastore_listing(images)
        parts = raw.decode(path, listing)
        parts = reader.select_objects(parts, merge)
    folders = paths.Folders(str(Path(path).resolve().parent), images)
    options = {
        "image_size": image_size,
        "convention": vertex_convention,
        "every": every,
        "instances": bool(instances),
    }
    datasets = [reader.to_dataset(ic, name, folders, **options) for name, ic in parts]
    return datasets[0] if len(datasets) == 1 else reader.merge_datasets(datasets, path)


def write(
    dataset: Dataset,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    mat_version: str | None = None,
    vertex_convention: str | None = None,
) -> None:
    """Write the interchange file (``docs/interchange.md``): v7 (default) or v7.3.

    Pixel labels that no existing label PNG holds as MATLAB needs (RLE masks from COCO, a
    masks folder's class values) are painted into ``<name>_PixelLabelData/`` beside it.
    """
    version = mat_version or "7"
    if version not in ("7", "7.3"):
        raise GtconvertError(f"unknown --mat-version {version!r}", fix="use 7 or 7.3")
    convention = vertex_convention or str(dataset.info.get("matlab", {}).get("vertex_convention", "center"))
    if convention not in geometry.VERTEX_SHIFT:
        convention = "center"
    mat_dir = str(Path(path).resolve().parent)
    folder = pixel_writer.folder_for(path)
    warn_fields_dropped(dataset.annotations, "matlab", "MATLAB")
    ic, jobs = writer.from_dataset(dataset, mat_dir, convention, folder)
    sources = {ref.path for ref in dataset.annotations.pixel_ref.tolist() if ref is not None}
    with atomic_output(path, is_dir=False, overwrite=overwrite) as tmp:
        if jobs:  # label PNGs for MATLAB's PixelLabelData column, beside the .mat
            check_ours(folder, "the label PNGs of MATLAB's PixelLabelData")
            with protected(*sources), atomic_output(folder, is_dir=True, overwrite=overwrite) as pngs:
                pixel_writer.paint(jobs, pngs)
                mark_ours(pngs)
        interchange.save(ic, tmp, version)
