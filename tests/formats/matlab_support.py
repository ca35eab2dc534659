"""What the MATLAB format's tests share: where the real files are, and a quiet read."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import gtconvert

#: the real MATLAB files (``shared/fixtures/matlab``, see its SOURCES.md)
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "matlab"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared MATLAB fixtures not present")

#: the annotation fields a round trip through the interchange keeps exactly
FIELDS = ("id", "kind", "bbox", "iscrowd", "geometry", "rle")


def read_quietly(path: Path, fmt: str | None = None, **options) -> gtconvert.Dataset:
    """``gtconvert.read`` with its warnings (tested elsewhere) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gtconvert.read(path, fmt, **options)

#: more real MATLAB files (``shared/fixtures/matlab-more``, see its SOURCES.md)
MORE_FIXTURES = FIXTURES.parent / "matlab-more"
needs_more_fixtures = pytest.mark.skipif(not MORE_FIXTURES.is_dir(), reason="shared MATLAB fixtures not present")
