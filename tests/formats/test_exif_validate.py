"""validate names EXIF-oriented images and labels that fit only the other frame."""

from __future__ import annotations

import numpy as np

from gtconvert import validate
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def _dataset(box, orientation: int) -> Dataset:
    images = Images.create(["p.jpg"], [40], [30], orientation=[orientation])
    ann = Annotations.create(image=[0], category=[0], kind=Kind.BOX, bbox=np.array([box], dtype=float))
    return Dataset(images, [Category(id=1, name="a")], ann)


def test_box_past_stored_size_inside_displayed_is_flagged() -> None:
    codes = {f.code for f in validate.check(_dataset([5, 28, 10, 8], 6))}
    assert {"image.exif_oriented", "image.other_frame"} <= codes


def test_untagged_box_inside_has_no_orientation_finding() -> None:
    codes = {f.code for f in validate.check(_dataset([5, 5, 10, 8], 1))}
    assert not codes & {"image.exif_oriented", "image.other_frame"}
