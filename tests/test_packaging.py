"""The wheel ships every package: pyproject.toml lists them by hand (for the MATLAB folder's
mapping), and a package missing there installs editable but not from the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_is_listed_for_the_wheel() -> None:
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "gtconvert").rglob("__init__.py")}
    listed = set(_config()["packages"]) - {"gtconvert._matlab"}
    assert sorted(on_disk - listed) == []  # e.g. gtconvert.formats.coco was missing: no COCO in the wheel
    assert sorted(listed - on_disk) == []


def test_the_matlab_functions_are_shipped() -> None:
    config = _config()
    folder = ROOT / config["package-dir"]["gtconvert._matlab"]
    shipped = {p for pattern in config["package-data"]["gtconvert._matlab"] for p in folder.glob(pattern)}
    on_disk = {p for p in folder.rglob("*.m") if "tests" not in p.relative_to(folder).parts}
    assert on_disk and sorted(on_disk - shipped) == []
