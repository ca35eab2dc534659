"""Paths of the labelling machine resolved on this one: by suffix and basename under ``--images``,
relative names without it (``shared/docs/matlab-groundtruth.md`` section 2)."""

from __future__ import annotations

from pathlib import Path

import gtconvert
from gtconvert import Report
from gtconvert.cli import main

from .matlab_support import FIXTURES, needs_fixtures, read_quietly

pytestmark = needs_fixtures


def test_images_folder_resolves_paths_and_sizes(tmp_path: Path) -> None:
    from PIL import Image

    src = FIXTURES / "stopsigns-r2017b/stopSignsAndCarsGroundTruth.mat"
    folder = tmp_path / "photos" / "stopSignImages"
    folder.mkdir(parents=True)
    for i in range(1, 41):  # image041 missing on purpose
        Image.new("L", (64 + i, 48)).save(folder / f"image{i:03d}.jpg")
    with Report() as rep:
        ds = read_quietly(src, images=str(tmp_path / "photos"))
    assert ds.images.file_name[0] == "stopSignImages/image001.jpg"
    assert ds.images.width[0] == 65 and ds.images.height[0] == 48
    assert rep.count("matlab.unresolved_images") == 1


def test_paths_on_several_drives_become_relative_names(tmp_path: Path) -> None:
    """The iris file mixes C: and E: paths; without --images the names must still be relative."""

    src = FIXTURES / "iris-rect-scene" / "gTruth.mat"
    ds = gtconvert.read(src, image_size=(320, 280))
    names = ds.images.file_name.tolist()
    assert all(not n.startswith("/") and ":" not in n for n in names)
    assert len(set(names)) == len(names)
    assert main(["convert", str(src), str(tmp_path / "yolo"), "--to", "yolo", "--image-size", "320x280"]) == 0
    assert len(list((tmp_path / "yolo" / "labels").rglob("*.txt"))) == len(names)
