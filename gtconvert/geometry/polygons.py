"""Polygons in the COCO frame, for whole ragged vertex arrays at once.

Areas, the one rule for "degenerate" (fewer than 3 distinct points), the zero-width bridges
that join an object's parts into one ring (YOLO holds one ring per object), and clipping or
clamping to the image.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .ragged import ragged_index


def polygon_areas(part_start: np.ndarray, vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Shoelace area of each annotation (sum over its parts), vectorised over all vertices.

    Parts of one annotation are summed (holes are not subtracted: COCO polygons have none;
    hole-aware areas come from the RLE).
    """
    n_vertices = len(vertices)
    n = len(part_start) - 1
    if n_vertices == 0:
        return np.zeros(n, dtype=np.float64)
    # index of the next vertex within the same part (wrapping to the part's first vertex)
    nxt = np.arange(1, n_vertices + 1)
    part_first = vertex_start[:-1]
    part_last = vertex_start[1:] - 1
    nonempty = part_last >= part_first
    nxt[part_last[nonempty]] = part_first[nonempty]
    x, y = vertices[:, 0], vertices[:, 1]
    cross = x * y[nxt] - x[nxt] * y
    cum = np.concatenate([[0.0], np.cumsum(cross)])
    part_area = np.abs(cum[vertex_start[1:]] - cum[vertex_start[:-1]]) / 2
    cum_part = np.concatenate([[0.0], np.cumsum(part_area)])
    return cum_part[part_start[1:]] - cum_part[part_start[:-1]]


def distinct_points_per_part(vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Number of distinct ``(x, y)`` points in each part of a ragged vertex array.

    A repeated point (``[5 5, 15 10, 5 5]``) counts once, wherever it repeats, so a part needs
    3 distinct points to enclose anything: the one rule for "degenerate" that ``validate`` and
    the writers share. One sort over all vertices (by part, then x, then y), no loop per part.
    """
    starts = np.asarray(vertex_start, dtype=np.int64)
    n_parts = len(starts) - 1
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    if n_parts <= 0 or not len(pts):
        return np.zeros(max(n_parts, 0), dtype=np.int64)
    part = np.repeat(np.arange(n_parts), np.diff(starts))
    order = np.lexsort((pts[:, 1], pts[:, 0], part))
    p, xy = part[order], pts[order]
    # a vertex is new when it starts a part or differs from its sorted predecessor
    new = np.ones(len(p), dtype=bool)
    new[1:] = (p[1:] != p[:-1]) | np.any(xy[1:] != xy[:-1], axis=1)
    return np.bincount(p[new], minlength=n_parts)


def has_three_distinct_points(vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Per part: does it hold 3 or more distinct points? (``distinct_points_per_part(...) >= 3``)

    Most parts show it in their first three vertices (pairwise different); only the others
    are counted exactly, so the sort runs over a few parts instead of every vertex.
    """
    starts = np.asarray(vertex_start, dtype=np.int64)
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    lengths = np.diff(starts)
    out = np.zeros(len(lengths), dtype=bool)
    candidates = np.flatnonzero(lengths >= 3)
    a, b, c = (pts[starts[candidates] + k] for k in range(3))
    quick = np.any(a != b, axis=1) & np.any(b != c, axis=1) & np.any(a != c, axis=1)
    out[candidates[quick]] = True
    rest = candidates[~quick]
    if len(rest):
        sub_start = np.concatenate([[0], np.cumsum(lengths[rest])])
        sub = pts[ragged_index(starts[rest], lengths[rest])]
        out[rest] = distinct_points_per_part(sub_start, sub) >= 3
    return out


#: largest number of vertex pairs compared all at once (beyond: a k-d tree, memory linear)
_PAIRS_AT_ONCE = 1 << 22


def _closest_pair(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """Indices of the closest vertices of ``a`` and ``b``: the first minimum of the squared
    distances in row-major order (``np.argmin`` of the full table, NaN winning as there)."""
    if len(a) * len(b) <= _PAIRS_AT_ONCE:
        d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
        i = int(np.argmin(d))
        return i // d.shape[1], i % d.shape[1]
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return _closest_pair_in_blocks(a, b)
    return _closest_pair_by_tree(a, b)


def _closest_pair_in_blocks(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """:func:`_closest_pair` a block of rows at a time (the first NaN wins, as in argmin)."""
    rows = max(1, _PAIRS_AT_ONCE // len(b))
    best: tuple[float, int, int] | None = None
    for start in range(0, len(a), rows):
        d = ((a[start : start + rows, None, :] - b[None, :, :]) ** 2).sum(axis=2)
        k = int(np.argmin(d))
        i, j = start + k // d.shape[1], k % d.shape[1]
        value = float(d.flat[k])
        if np.isnan(value):
            return i, j
        if best is None or value < best[0]:
            best = (value, i, j)
    assert best is not None
    return best[1], best[2]


def _closest_pair_by_tree(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """:func:`_closest_pair` of large finite parts: each vertex of ``a`` finds its nearest in
    ``b`` with a k-d tree; the rows whose distance ties the smallest (within rounding) are
    then measured exactly, so the pair is the one the full table gives."""
    from scipy.spatial import cKDTree

    nearest, _ = cKDTree(b).query(a)
    smallest = nearest.min()
    rows = np.flatnonzero(nearest <= smallest * (1 + 1e-9) + 1e-12)
    block = max(1, _PAIRS_AT_ONCE // len(b))
    best: tuple[float, int, int] | None = None
    for start in range(0, len(rows), block):
        chosen = rows[start : start + block]
        d = ((a[chosen, None, :] - b[None, :, :]) ** 2).sum(axis=2)
        k = int(np.argmin(d))
        value, i, j = float(d.flat[k]), int(chosen[k // d.shape[1]]), k % d.shape[1]
        if best is None or value < best[0]:
            best = (value, i, j)
    assert best is not None
    return best[1], best[2]


def bridge_parts(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Join the parts of one object (outer rings and holes) into ONE ring with zero-width bridges.

    Part ``k + 1`` hangs off part ``k`` at their closest vertices: the ring walks part ``k`` to
    that vertex, goes over to part ``k + 1``, walks all of it back to its entry vertex and returns
    on the same segment. The bridges enclose no area, so the ring rasterises (even-odd or
    non-zero with holes wound the other way, as contour tracers give them) to the same pixels as
    the parts, and one object stays one YOLO row. A single part is returned unchanged.
    """
    rings = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts]
    rings = [r for r in rings if len(r)]
    if not rings:
        return np.zeros((0, 2), dtype=np.float64)
    if len(rings) == 1:
        return rings[0]
    # links[k] = (vertex of part k, vertex of part k+1) where the bridge goes
    links = [_closest_pair(rings[k], rings[k + 1]) for k in range(len(rings) - 1)]
    # part k's walk nests part k+1's between its way in (head) and its way back (tail); each
    # sub-ring starts and ends at its entry; pieces are joined once (linear in the vertices)
    heads, tails = [], []
    for k in range(len(rings) - 1):
        ring = rings[k]
        out_v = links[k][0]
        entry = links[k - 1][1] if k > 0 else out_v
        rolled = np.roll(ring, -entry, axis=0)  # starts at the entry vertex
        cut = (out_v - entry) % len(ring)  # position of the bridge vertex in ``rolled``
        closing = rolled[:1] if k > 0 else rolled[:0]  # the outermost ring closes implicitly
        heads.append(rolled[: cut + 1])
        tails.append(np.concatenate([rolled[cut:], closing]))
    entry = links[-1][1]
    last = rings[-1]
    middle = np.concatenate([np.roll(last, -entry, axis=0), last[entry : entry + 1]])
    return np.concatenate([*heads, middle, *tails[::-1]])


def bridge_two_parts(
    first_start: np.ndarray,
    first_len: np.ndarray,
    second_start: np.ndarray,
    second_len: np.ndarray,
    vertices: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bridge_parts` of many two-part objects at once, as indices into ``vertices``.

    Object k's parts are ``vertices[first_start[k]:][:first_len[k]]`` (A, a vertices) and
    likewise B (b vertices, both non-empty, finite). Its closest pair (i, j) is the first
    minimum of the squared distances in row-major order, as :func:`_closest_pair` finds it,
    and its ring is ``A[i], B[j], ..., B[j-1], B[j], A[i], ..., A[i-1]`` (a + b + 2 vertices).
    Returns the concatenated ring indices and each ring's length.
    """
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    a_start, a_len = np.asarray(first_start, np.int64), np.asarray(first_len, np.int64)
    b_start, b_len = np.asarray(second_start, np.int64), np.asarray(second_len, np.int64)
    n = len(a_start)
    ring_len = a_len + b_len + 2
    if n == 0:
        return np.zeros(0, dtype=np.int64), ring_len
    i, j = _closest_pairs(a_start, a_len, b_start, b_len, pts)
    # the ring, position k of object o: A[i] | B[j+0..b-1 wrapped] | B[j] | A[i+0..a-1 wrapped]
    obj = np.repeat(np.arange(n), ring_len)
    k = np.arange(int(ring_len.sum())) - np.repeat(np.cumsum(ring_len) - ring_len, ring_len)
    a, b, io, jo = a_len[obj], b_len[obj], i[obj], j[obj]
    in_b = (k >= 1) & (k <= b)
    index = np.where(
        k == 0,
        a_start[obj] + io,
        np.where(
            in_b,
            b_start[obj] + (jo + k - 1) % b,
            np.where(k == b + 1, b_start[obj] + jo, a_start[obj] + (io + k - b - 2) % a),
        ),
    )
    return index, ring_len


def _closest_pairs(
    a_start: np.ndarray, a_len: np.ndarray, b_start: np.ndarray, b_len: np.ndarray, pts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_closest_pair` of each object's two parts, in batches of at most
    ``_PAIRS_AT_ONCE`` vertex pairs (an object with more goes to :func:`_closest_pair` alone)."""
    n_pairs = a_len * b_len
    i, j = np.zeros(len(a_len), np.int64), np.zeros(len(a_len), np.int64)
    big = np.flatnonzero(n_pairs > _PAIRS_AT_ONCE)
    for o in big:
        a = pts[a_start[o] : a_start[o] + a_len[o]]
        i[o], j[o] = _closest_pair(a, pts[b_start[o] : b_start[o] + b_len[o]])
    small = np.flatnonzero(n_pairs <= _PAIRS_AT_ONCE)
    batch = np.cumsum(n_pairs[small]) // _PAIRS_AT_ONCE  # consecutive objects, bounded pairs each
    for chosen in np.split(small, np.flatnonzero(np.diff(batch)) + 1):
        if len(chosen):
            i[chosen], j[chosen] = _closest_pairs_at_once(
                a_start[chosen], b_start[chosen], b_len[chosen], n_pairs[chosen], pts
            )
    return i, j


def _closest_pairs_at_once(
    a_start: np.ndarray, b_start: np.ndarray, b_len: np.ndarray, n_pairs: np.ndarray, pts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (A vertex, B vertex) pair of every object, row-major within an object; the first
    smallest squared distance of each."""
    n = len(a_start)
    pair_obj = np.repeat(np.arange(n), n_pairs)
    t = np.arange(int(n_pairs.sum())) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
    ia = a_start[pair_obj] + t // b_len[pair_obj]
    jb = b_start[pair_obj] + t % b_len[pair_obj]
    diff = pts[ia] - pts[jb]
    dist = diff[:, 0] * diff[:, 0] + diff[:, 1] * diff[:, 1]
    smallest = np.minimum.reduceat(dist, np.cumsum(n_pairs) - n_pairs)
    hits = np.flatnonzero(dist == smallest[pair_obj])
    first_hit = hits[np.concatenate([[True], pair_obj[hits[1:]] != pair_obj[hits[:-1]]])]
    return t[first_hit] // b_len, t[first_hit] % b_len


def clip_polygon(part: np.ndarray, width: float, height: float) -> np.ndarray:
    """Clip one polygon to the image ``[0, W] x [0, H]`` (Sutherland-Hodgman on the 4 edges).

    Exact for any polygon against a convex window (clamping vertices instead would move edges).
    May return fewer than 3 vertices when the polygon lies outside the image.
    """
    pts = np.asarray(part, dtype=np.float64).reshape(-1, 2)
    for axis, limit, keep_below in ((0, 0.0, False), (0, float(width), True), (1, 0.0, False), (1, float(height), True)):  # fmt: skip
        if len(pts) == 0:
            break
        val = pts[:, axis]
        inside = val <= limit if keep_below else val >= limit
        if inside.all():
            continue
        nxt = np.roll(pts, -1, axis=0)
        nxt_inside = np.roll(inside, -1)
        out: list[np.ndarray] = []
        for p, q, p_in, q_in in zip(pts, nxt, inside, nxt_inside):
            if p_in:
                out.append(p)
            if p_in != q_in:  # the edge crosses the window line: add the crossing point
                t = (limit - p[axis]) / (q[axis] - p[axis])
                cross = p + t * (q - p)
                cross[axis] = limit  # exact on the border, no rounding drift
                out.append(cross)
        pts = np.array(out, dtype=np.float64).reshape(-1, 2)
    return pts


def clamp_vertices(
    vertices: np.ndarray, width: np.ndarray, height: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Clamp COCO-frame vertices into ``[0, W] x [0, H]``; sizes broadcast per vertex.

    A vertex past the border (a labeler drag that overshoots, automation) moves onto it, so a
    polygon keeps its vertex count and a point stays a point; an unknown size (``np.inf``)
    leaves that side open. Returns the vertices and a boolean per vertex that moved.
    """
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    upper = np.stack([np.asarray(width, np.float64), np.asarray(height, np.float64)], axis=-1)
    out = np.minimum(np.maximum(v, 0.0), upper)
    return out, (out != v).any(axis=1)


def pycocotools_ready(part: np.ndarray) -> np.ndarray:
    """A polygon's vertices (COCO frame) as pycocotools must get them to rasterise exactly.

    pycocotools snaps each coordinate to a 5x5 subpixel grid (MATLAB poly2mask's algorithm) by
    ``(int)(5 * x + 0.5)``, which truncates towards zero: a vertex left of or above the image
    (``5 * x + 0.5 < 0``) lands one subpixel off its nearest grid corner and moves an edge that
    crosses into the image. Such a coordinate is replaced by one that the cast takes to the
    nearest corner, ``floor(5 * x + 0.5)``; every other coordinate is left exactly as it is.
    """
    v = np.asarray(part, dtype=np.float64)
    negative = 5 * v + 0.5 < 0
    if not negative.any():
        return v
    out = v.copy()
    out[negative] = (np.floor(5 * v[negative] + 0.5) - 1) / 5  # 5 x + 0.5 = corner - 0.5: truncates to it
    return out
