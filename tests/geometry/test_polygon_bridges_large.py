"""Bridging the parts of one object stays linear in memory for parts of many vertices (the
contours of a large pixel label), and picks the pair the full distance table picks."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from gtconvert.geometry import polygons


def _first_minimum(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    k = int(np.argmin(d))
    return k // d.shape[1], k % d.shape[1]


@pytest.mark.parametrize("seed", range(40))
def test_large_part_paths_pick_the_full_tables_pair(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 25, (int(rng.integers(1, 80)), 2)) * 0.5  # many ties on a half-pixel grid
    b = rng.integers(0, 25, (int(rng.integers(1, 80)), 2)) * 0.5
    if seed % 3 == 0:
        a, b = a + rng.random(a.shape), b + rng.random(b.shape)
    if seed % 5 == 0:
        b[int(rng.integers(len(b)))] = np.nan
    want = _first_minimum(a, b)
    monkeypatch.setattr(polygons, "_PAIRS_AT_ONCE", 5)  # every pair of parts counts as large
    assert polygons._closest_pair(a, b) == want
    starts = np.array([0]), np.array([len(a)])
    if np.isfinite(b).all():
        ring, _ = polygons.bridge_two_parts(
            starts[0], starts[1], starts[1], np.array([len(b)]), np.vstack([a, b])
        )
        monkeypatch.setattr(polygons, "_PAIRS_AT_ONCE", 1 << 22)
        full, _ = polygons.bridge_two_parts(
            starts[0], starts[1], starts[1], np.array([len(b)]), np.vstack([a, b])
        )
        assert np.array_equal(ring, full)


def test_parts_of_a_hundred_thousand_vertices_bridge_in_bounded_memory() -> None:
    rng = np.random.default_rng(0)
    angle = np.sort(rng.random(120_000)) * 2 * np.pi
    outer = np.stack([5000 + 4000 * np.cos(angle), 5000 + 4000 * np.sin(angle)], axis=1)
    inner = outer[::6][::-1] * 0.5 + 2500  # a hole of 20 000 vertices, wound the other way
    parts = [outer, inner, inner[:100] + 1]
    tracemalloc.start()
    ring = polygons.bridge_parts(parts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 200 * 2**20
    assert len(ring) == sum(len(p) for p in parts) + 2 * 2  # each bridge repeats two vertices
    assert np.array_equal(np.unique(ring, axis=0), np.unique(np.vstack(parts), axis=0))
