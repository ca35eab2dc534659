"""YOLO datasets as other tools find them: every label where Ultralytics looks for it."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from gtconvert.errors import GtconvertWarning
from gtconvert.formats import yolo
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def _ultralytics_label(image: str) -> str:
    """Ultralytics' img2label_paths, written again here so the test does not trust our code."""
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"


def _boxes_found_by_ultralytics(folder: Path) -> int:
    rows = 0
    for image in sorted((folder / "images").rglob("*.jpg")):
        label = Path(_ultralytics_label(str(image)))
        if label.is_file():
            rows += sum(1 for line in label.read_text().splitlines() if line.strip())
    return rows


def test_coco_file_names_with_folders_get_labels_where_ultralytics_looks(tmp_path: Path) -> None:
    # CVAT, Roboflow and labelme COCO write file_name "images/x.jpg"
    names = ["images/x.jpg", "images/sub/y.jpg", "a/images/z.jpg", "plain.jpg"]
    ds = Dataset(
        Images.create(names, width=[40] * 4, height=[30] * 4),
        [Category(id=1, name="a")],
        Annotations.create([0, 1, 1, 2, 3], 0, Kind.BOX, bbox=[[1, 2, 10, 8]] * 5),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        yolo.write(ds, tmp_path / "y")
    for n in names:  # the images are not copied (no --images): make them where they belong
        (tmp_path / "y" / "images" / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "y" / "images" / n).write_bytes(b"")
    assert _boxes_found_by_ultralytics(tmp_path / "y") == len(ds.annotations.id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        back = yolo.read(tmp_path / "y", image_size=(40, 30))
    assert sorted(back.images.file_name.tolist()) == sorted(names)
    per_image = dict(zip(back.images.file_name.tolist(), np.bincount(back.annotations.image, minlength=4)))
    assert per_image == {"images/x.jpg": 1, "images/sub/y.jpg": 2, "a/images/z.jpg": 1, "plain.jpg": 1}
