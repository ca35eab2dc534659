"""Mutation fuzzing of every reader: only :class:`GtconvertError` may ever escape.

A valid dataset of each format (``bad_inputs.corpus``) is copied, one of its files is mutated
(bytes flipped, inserted or cut, or, for JSON, one value swapped for another value of any
type), and the reader runs on it. Reading may succeed or fail with ``GtconvertError``;
anything else is a bug in that reader. What a successful read gives is then written as COCO,
which must not crash either.

The run is bounded by the hypothesis profile (40 examples per test by default); a longer
run is ``HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py`` (see ``docs/robustness.md``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from bad_inputs.corpus import VALID_BUILDERS
from hypothesis import given
from hypothesis import strategies as st

from gtconvert import GtconvertError
from gtconvert.registry import get

#: reader -> (format name, the files of a valid dataset worth mutating)
TARGETS: dict[str, tuple[str, list[str]]] = {
    "coco": ("coco", ["coco.json"]),
    "yolo": ("yolo", ["yolo/labels/a.txt", "yolo/data.yaml", "yolo/gtconvert.json"]),
    "voc": ("voc", ["voc/Annotations/a.xml", "voc/gtconvert.json"]),
    "masks": ("masks", ["masks/classes.json", "masks/index/a.png", "masks/instances/a_1.png"]),
    "matlab": ("matlab", ["gt.mat"]),
    "matlab73": ("matlab", ["gt73.mat"]),
}

_SOURCES: dict[str, Path] = {}


def _source(name: str) -> Path:
    """A valid dataset of ``name``, built once per session in its own folder."""
    if name not in _SOURCES:
        folder = Path(tempfile.mkdtemp(prefix=f"gtc-fuzz-{name}-"))
        VALID_BUILDERS[name](folder)
        _SOURCES[name] = folder
    return _SOURCES[name]


def _entry(folder: Path, name: str) -> Path:
    """What the reader is pointed at: the file, or the dataset folder."""
    first = TARGETS[name][1][0]
    return folder / first if name in ("coco", "matlab", "matlab73") else folder / first.split("/")[0]


# ---- mutations ---------------------------------------------------------------------------


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip, overwrite, insert or delete a few bytes, or truncate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if not out:
            out += draw(st.binary(min_size=1, max_size=8))
            continue
        i = draw(st.integers(0, len(out) - 1))
        if op == "flip":
            out[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            out[i] = draw(st.sampled_from([0, 0x20, 0x22, 0x2C, 0x2D, 0x30, 0x39, 0x3C, 0x5B, 0x7B, 0xFF]))
        elif op == "insert":
            out[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del out[i : i + draw(st.integers(1, 16))]
        else:
            del out[i:]
    return bytes(out)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def json_value_swap(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace one value anywhere in the document (or delete one key) with something else."""
    doc = json.loads(data)
    paths = [p for p in _paths(doc) if p]
    path = draw(st.sampled_from(paths))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON_VALUES)
    return json.dumps(doc).encode("utf-8")


# ---- the property ----------------------------------------------------------------------


def _read_mutated(name: str, rel: str, mutated: bytes) -> None:
    fmt, _ = TARGETS[name]
    with tempfile.TemporaryDirectory(prefix="gtc-fuzz-case-") as tmp:
        folder = Path(tmp) / "d"
        shutil.copytree(_source(name), folder)
        (folder / rel).write_bytes(mutated)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                dataset = get(fmt).module.read(str(_entry(folder, name)))
                get("coco").module.write(dataset, Path(tmp) / "out.json")
            except GtconvertError:
                pass  # the one allowed outcome besides success


@pytest.mark.parametrize("name", sorted(TARGETS))
@given(data=st.data())
def test_byte_mutations_raise_only_gtconvert_errors(name: str, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(TARGETS[name][1]), label="file")
    original = (_source(name) / rel).read_bytes()
    _read_mutated(name, rel, data.draw(byte_mutation(original), label="mutated"))


_JSON_FILES = [(name, rel) for name, (_, files) in TARGETS.items() for rel in files if rel.endswith(".json")]


@pytest.mark.parametrize("name,rel", _JSON_FILES, ids=[f"{n}:{r}" for n, r in _JSON_FILES])
@given(data=st.data())
def test_json_value_swaps_raise_only_gtconvert_errors(name: str, rel: str, data: st.DataObject) -> None:
    original = (_source(name) / rel).read_bytes()
    _read_mutated(name, rel, data.draw(json_value_swap(original), label="mutated"))


def test_targets_exist() -> None:
    """Every file the fuzzer mutates is really part of the valid dataset (no silent no-op)."""
    for name, (_, files) in TARGETS.items():
        for rel in files:
            assert (_source(name) / rel).is_file(), (name, rel)
