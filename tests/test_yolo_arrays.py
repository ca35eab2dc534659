"""The YOLO writer's whole-array geometry equals the per-object functions it replaces."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import geometry

# small integer grids make repeated points and equal distances (ties) common
_POINT = st.tuples(st.integers(0, 3), st.integers(0, 3)) | st.tuples(
    st.floats(0, 10, allow_nan=False), st.floats(0, 10, allow_nan=False)
)
_PART = st.lists(_POINT, min_size=1, max_size=7).map(lambda p: np.array(p, dtype=np.float64).reshape(-1, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_POINT, max_size=7), max_size=25), st.booleans())
def test_three_distinct_points_equals_the_exact_count(parts: list, with_nan: bool) -> None:
    lengths = [len(p) for p in parts]
    vertex_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    vertices = np.array([q for p in parts for q in p], dtype=np.float64).reshape(-1, 2)
    if with_nan and len(vertices):
        vertices[len(vertices) // 2, 0] = np.nan
    expected = geometry.distinct_points_per_part(vertex_start, vertices) >= 3
    assert np.array_equal(geometry.has_three_distinct_points(vertex_start, vertices), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_PART, _PART), max_size=12))
def test_two_part_bridges_equal_bridge_parts(objects: list) -> None:
    flat = [part for pair in objects for part in pair]
    lengths = np.array([len(p) for p in flat], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    vertices = np.concatenate(flat) if flat else np.zeros((0, 2))
    index, ring_len = geometry.bridge_two_parts(
        starts[0::2], lengths[0::2], starts[1::2], lengths[1::2], vertices
    )
    ring_start = np.concatenate([[0], np.cumsum(ring_len)])
    assert len(index) == ring_start[-1]
    for k, (a, b) in enumerate(objects):
        expected = geometry.bridge_parts([a, b])
        assert np.array_equal(vertices[index[ring_start[k] : ring_start[k + 1]]], expected)


@given(st.lists(st.integers(0, 50), max_size=10), st.lists(st.integers(0, 6), max_size=10))
def test_ragged_index_concatenates_runs(starts: list[int], lengths: list[int]) -> None:
    n = min(len(starts), len(lengths))
    got = geometry.ragged_index(np.array(starts[:n], dtype=np.int64), np.array(lengths[:n], dtype=np.int64))
    expected = [s + k for s, m in zip(starts[:n], lengths[:n]) for k in range(m)]
    assert got.tolist() == expected
