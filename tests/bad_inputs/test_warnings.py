"""A warning names what it is about: the first few of the things it counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs.corpus import valid_coco
from bad_inputs.helpers import run


@pytest.mark.parametrize("fmt", ["yolo", "voc"])
def test_missing_images_are_named(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = valid_coco(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "o"), "--to", fmt], capsys)
    assert code == 0, lines
    missing = [line for line in lines if "images not found" in line]
    assert len(missing) == 1, lines
    assert "a.jpg" in missing[0] and "b.png" in missing[0], missing
