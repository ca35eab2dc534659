"""``bridge_parts`` against its plain per-link version (the oracle below: the implementation
before the links were batched, thin parts compared whole and large ones given to one k-d tree
each), vertex for vertex, on random multi-part objects: grid ties, shared vertices, thin parts
against long ones, empty parts, NaN and inf, and the parts contour tracing gives a mask."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from gtconvert.geometry import contours, polygons

_ORACLE_PAIRS_AT_ONCE = 1 << 22


def _oracle_closest_pair(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """First minimum of the squared distances in row-major order (NaN winning, as argmin)."""
    if len(a) * len(b) <= _ORACLE_PAIRS_AT_ONCE:
        d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
        k = int(np.argmin(d))
        return k // d.shape[1], k % d.shape[1]
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        best: tuple[float, int, int] | None = None
        rows = max(1, _ORACLE_PAIRS_AT_ONCE // len(b))
        for start in range(0, len(a), rows):
            d = ((a[start : start + rows, None, :] - b[None, :, :]) ** 2).sum(axis=2)
            k = int(np.argmin(d))
            i, j, value = start + k // d.shape[1], k % d.shape[1], float(d.flat[k])
            if np.isnan(value):
                return i, j
            if best is None or value < best[0]:
                best = (value, i, j)
        assert best is not None
        return best[1], best[2]
    from scipy.spatial import cKDTree

    nearest, _ = cKDTree(b).query(a)
    rows_tied = np.flatnonzero(nearest <= nearest.min() * (1 + 1e-9) + 1e-12)
    d = ((a[rows_tied, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    k = int(np.argmin(d))
    return int(rows_tied[k // d.shape[1]]), k % d.shape[1]


def _oracle_bridge_parts(parts: Sequence[np.ndarray]) -> np.ndarray:
    rings = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts]
    rings = [r for r in rings if len(r)]
    if not rings:
        return np.zeros((0, 2), dtype=np.float64)
    if len(rings) == 1:
        return rings[0]
    links = [_oracle_closest_pair(rings[k], rings[k + 1]) for k in range(len(rings) - 1)]
    heads, tails = [], []
    for k in range(len(rings) - 1):
        ring = rings[k]
        out_v = links[k][0]
        entry = links[k - 1][1] if k > 0 else out_v
        rolled = np.roll(ring, -entry, axis=0)
        cut = (out_v - entry) % len(ring)
        closing = rolled[:1] if k > 0 else rolled[:0]
        heads.append(rolled[: cut + 1])
        tails.append(np.concatenate([rolled[cut:], closing]))
    entry = links[-1][1]
    last = rings[-1]
    middle = np.concatenate([np.roll(last, -entry, axis=0), last[entry : entry + 1]])
    return np.concatenate([*heads, middle, *tails[::-1]])


def _random_part(rng: np.random.Generator, n: int, grid: bool) -> np.ndarray:
    centre = rng.integers(0, 400, 2)
    if grid:  # pixel corners and half pixels: many equal distances
        return (centre + rng.integers(-40, 40, (n, 2))) * 0.5
    angle = np.sort(rng.random(n)) * 2 * np.pi
    radius = rng.uniform(1, 60)
    return centre + radius * np.stack([np.cos(angle), np.sin(angle)], axis=1) * rng.uniform(0.5, 1, (n, 1))


def _random_object(rng: np.random.Generator) -> list[np.ndarray]:
    grid = bool(rng.random() < 0.6)
    sizes = rng.choice([0, 1, 2, 3, 4, 6, 12, 40, 150, 700, 3000], size=int(rng.integers(1, 9)))
    parts = [_random_part(rng, int(n), grid) for n in sizes]
    if len(parts) > 1 and rng.random() < 0.3:  # a vertex shared by two parts: distance 0
        k = int(rng.integers(len(parts) - 1))
        if len(parts[k]) and len(parts[k + 1]):
            parts[k + 1][int(rng.integers(len(parts[k + 1])))] = parts[k][int(rng.integers(len(parts[k])))]
    if rng.random() < 0.15:  # NaN or inf somewhere: argmin's rules decide
        k = int(rng.integers(len(parts)))
        if len(parts[k]):
            parts[k][int(rng.integers(len(parts[k]))), int(rng.integers(2))] = rng.choice(
                [np.nan, np.inf, -np.inf]
            )
    return parts


def _assert_same_ring(parts: list[np.ndarray]) -> None:
    want = _oracle_bridge_parts(parts)
    got = polygons.bridge_parts(parts)
    assert got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True)


@pytest.mark.parametrize("seed", range(120))
def test_bridge_parts_matches_the_oracle_vertex_for_vertex(seed: int) -> None:
    _assert_same_ring(_random_object(np.random.default_rng(seed)))


@pytest.mark.parametrize("seed", range(20))
def test_bridge_parts_matches_the_oracle_with_tiny_batches(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every link counts as large: the tree path, the thin path and the bounded batches all run
    monkeypatch.setattr(polygons, "_PAIRS_AT_ONCE", 7)
    monkeypatch.setattr(polygons, "_DENSE_LINKS", 3)
    _assert_same_ring(_random_object(np.random.default_rng(1000 + seed)))


@pytest.mark.parametrize("seed", range(15))
def test_bridge_parts_matches_the_oracle_on_traced_masks(seed: int) -> None:
    # the parts the YOLO writer bridges: traced pixel-edge rings of a speckled mask
    rng = np.random.default_rng(seed)
    mask = rng.random((70, 90)) < rng.uniform(0.05, 0.5)
    mask[10:50, 20:70] |= rng.random() < 0.5  # sometimes one big region with holes
    parts = contours.mask_to_polygons(mask)
    assert len(parts) > 1
    _assert_same_ring(parts)
    _assert_same_ring(parts[::-1])


def test_a_long_ring_with_a_thousand_speckles_matches_the_oracle() -> None:
    rng = np.random.default_rng(7)
    angle = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    outer = np.round(np.stack([500 + 400 * np.cos(angle), 500 + 400 * np.sin(angle)], axis=1))
    speckles = [
        np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float) + rng.integers(100, 900, 2) for _ in range(1000)
    ]
    parts = [outer, *speckles[:500], outer[::3] * 0.5 + 250, *speckles[500:]]
    _assert_same_ring(parts)
