"""Decompression-bomb images: one ``warning:`` line past Pillow's limit, exit 2 past twice it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bad_inputs.corpus import coco_doc, write_coco
from bad_inputs.helpers import one_error, run
from PIL import Image


@pytest.mark.parametrize("side,bomb", [(12, False), (20, True)])
def test_bomb_images(side: int, bomb: bool, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import warnings

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # the same rule as at 89 Mpixel, on tiny files
    monkeypatch.setattr(warnings, "filters", [("default", None, Warning, None, 0)])
    doc = coco_doc()
    doc["images"] = [{"id": 1, "file_name": "a.png", "width": side, "height": side}]
    doc["annotations"] = [a for a in doc["annotations"] if a["image_id"] == 1]
    src = write_coco(tmp_path / "in", doc)
    Image.fromarray(np.zeros((side, side), np.uint8)).save(tmp_path / "in" / "a.png")
    capsys.readouterr()
    code, lines = run(["validate", str(src), "--images", str(tmp_path / "in"), "--json"], capsys)
    if bomb:  # a finding of validate naming the file (exit 1), or one error line
        assert code in (1, 2) and len(lines) <= 1, lines
        if code == 2:
            one_error(code, lines, "decompression bomb")
    else:
        assert code in (0, 1), lines
        assert len(lines) == 1 and lines[0].startswith("warning: ") and "decompression" in lines[0], lines
