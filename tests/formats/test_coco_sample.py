"""The shipped sample (``fixtures/shapes``): clean for a first run. ``gtconvert validate`` finds
nothing, the README's first command runs twice without a warning, every hand-typed ``area`` and
``bbox`` is its shape's own, and ``fixtures/make_fixtures.py`` makes the same files again."""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gtconvert import geometry, validate
from gtconvert.formats import coco
from gtconvert.formats.coco.findings import shape_boxes
from gtconvert.model import Kind

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "fixtures" / "shapes" / "annotations.json"


def readme_first_command() -> list[str]:
    """The gtconvert part of the README's first command line (after ``pip install ... &&``)."""
    text = (REPO / "README.md").read_text()
    block = text.split("```bash\n", 1)[1]
    first = block.splitlines()[0]
    return shlex.split(first.split("&&", 1)[1])


def test_validate_finds_nothing() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "gtconvert", "validate", str(SAMPLE)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no problems found" in run.stdout
    assert "warning" not in run.stderr.lower()


def test_readme_first_command_runs_twice_without_a_warning(tmp_path: Path) -> None:
    """Run where the README runs it (a folder holding fixtures/shapes), twice: exit 0, silent."""
    args = readme_first_command()
    assert args[:2] == ["gtconvert", "convert"]
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE.parent, root / "fixtures" / "shapes")  # never write into the repository
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "gtconvert", *args[1:]], cwd=root, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        assert run.stderr.strip() == "", run.stderr
    assert (root / "out" / "data.yaml").is_file()


def test_every_area_and_box_is_the_shapes_own() -> None:
    ds = coco.read(SAMPLE)
    ann = ds.annotations
    doc = json.loads(SAMPLE.read_text())
    assert not any(a["iscrowd"] for a in doc["annotations"])  # a crowd object warns in YOLO
    poly = np.flatnonzero(ann.kind == Kind.POLYGON)
    sub = ann.take(poly)
    assert ann.area[poly] == pytest.approx(
        geometry.polygon_areas(sub.part_start, sub.vertex_start, sub.vertices)
    )
    masks = np.flatnonzero(ann.kind == Kind.MASK)
    assert ann.area[masks] == pytest.approx(geometry.rle_area(list(ann.rle[masks])))
    boxes = np.flatnonzero(ann.kind == Kind.BOX)
    assert ann.area[boxes] == pytest.approx(ann.bbox[boxes, 2] * ann.bbox[boxes, 3])
    rows, own = shape_boxes(ds)
    assert ann.bbox[rows] == pytest.approx(own)
    assert validate.check(ds) == []


def test_make_fixtures_makes_the_same_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", REPO / "fixtures" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_shapes(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(SAMPLE.parent) for p in SAMPLE.parent.rglob("*") if p.is_file())
    assert made == shipped
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (SAMPLE.parent / rel).read_bytes(), rel
