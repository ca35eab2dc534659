"""Image Labeler's saved session (``imageLabelingSession.mat``) read through mat-io.

Checked on the real R2020a session of ``matlab-more/mortar-pixellabel`` against an independent
walk of mat-io's values: its images in order, its two pixel labels and their PixelLabelIDs, and
each label's pixels counted straight from the PNGs in the hidden ``.imageLabelingSession_SessionData``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gtconvert
from gtconvert import pixels
from gtconvert.geometry import rle_area
from gtconvert.model import Kind

from .matlab_support import MORE_FIXTURES, needs_more_fixtures, read_quietly

SESSION = MORE_FIXTURES / "mortar-pixellabel" / "imageLabelingSession.mat"
pytestmark = needs_more_fixtures


def _walk() -> tuple[list[str], dict[str, int], list[str]]:
    """Image paths, label name -> PixelLabelID and each image's label PNG, from mat-io directly."""
    import matio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state = matio.load_from_mat(str(SESSION))["imageLabelingSession"].properties["any"][0, 0]
    files = [str(np.asarray(f).ravel()[0]) for f in state["ImageFilenames"].ravel()]
    defs = state["ROILabelSet"].properties["DefinitionStruct"].ravel()
    ids = {str(np.asarray(d["Name"]).ravel()[0]): int(np.asarray(d["PixelLabelID"]).ravel()[0]) for d in defs}
    manager = state["ROIAnnotations"].properties["any"][0, 0]["ROIAnnotationStructManager"]
    rows = manager.properties["AnnotationStructs"].ravel()[0].properties["AnnotationStruct_"].ravel()
    pngs = [
        str(np.asarray(r["PixelLabelData"]).ravel()[0]).replace("\\", "/").rsplit("/", 1)[-1] for r in rows
    ]
    return files, ids, pngs


def test_a_session_reads_like_its_export() -> None:
    files, ids, pngs = _walk()
    ds = read_quietly(SESSION, "matlab")
    assert len(ds.images) == len(files) == 28
    assert [c.name for c in ds.categories] == list(ids) and [c.pixel_id for c in ds.categories] == [
        (v,) for v in ids.values()
    ]
    assert [Path(f.replace("\\", "/")).name for f in files] == [Path(f).name for f in ds.images.file_name]
    ann = ds.annotations
    assert set(ann.kind.tolist()) == {Kind.PIXEL_REF}
    folder = SESSION.parent / ".imageLabelingSession_SessionData"
    areas = rle_area(pixels.encode_pixel_refs(ann.pixel_ref.tolist(), workers=1))
    for i, area in zip(range(len(ann)), areas):
        png = np.asarray(Image.open(folder / pngs[int(ann.image[i])]))
        assert area == np.count_nonzero(png == ids[ds.categories[ann.category[i]].name])
    sizes = {Image.open(folder / p).size for p in pngs}
    assert {(int(w), int(h)) for w, h in zip(ds.images.width, ds.images.height)} == sizes


def test_without_its_session_folder_the_pixel_labels_are_named_missing(tmp_path: Path) -> None:
    link = tmp_path / "imageLabelingSession.mat"
    link.symlink_to(SESSION)  # the session in place, seen from a folder without its data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = gtconvert.read(link, "matlab", image_size=(64, 48))
    assert len(ds.annotations) == 0 and len(ds.images) == 28
    assert any("28 pixel-label PNG(s) of the session are not in" in str(w.message) for w in caught)


def test_a_session_of_an_unknown_layout_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    from gtconvert.formats.matlab import session

    monkeypatch.setattr(session, "_annotation_structs", lambda annotations: {}["missing"])
    with pytest.raises(gtconvert.GtconvertError, match="Export > Labels"):
        read_quietly(SESSION, "matlab")
