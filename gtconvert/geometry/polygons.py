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
#: two parts of more vertex pairs than this are linked by a k-d tree in :func:`bridge_parts`
#: (a tree per link costs about as much as comparing this many pairs at once)
_DENSE_LINKS = 1 << 13
#: ... unless one is thin: with fewer pairs than this many per vertex, comparing all is cheaper
_THIN = 32


def _closest_pair(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """Indices of the closest vertices of ``a`` and ``b``: the first minimum of the squared
    distances in row-major order (``np.argmin`` of the full table, NaN winning as there)."""
    if len(a) * len(b) <= _PAIRS_AT_ONCE:
        diff = a[:, None, :] - b[None, :, :]
        d = diff[..., 0] ** 2 + diff[..., 1] ** 2  # (dx² + dy², as a sum over the last axis adds them)
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
    """:func:`_closest_pair` of finite parts by a k-d tree: it holds the larger part and each
    vertex of the smaller finds its nearest there. Every pair within the smallest distance
    (widened for rounding) is then measured exactly, and of the pairs at the exact minimum
    the first in row-major order ``(i, j)`` is kept: the pair the full table gives."""
    from scipy.spatial import cKDTree

    swap = len(a) > len(b)
    ask, held = (b, a) if swap else (a, b)
    tree = cKDTree(held)
    # a few vertices first: their nearest bounds the search of all (far ones end early)
    bound, _ = tree.query(ask[:: max(1, len(ask) // 256)])
    nearest, _ = tree.query(ask, distance_upper_bound=bound.min() * (1 + 1e-6) + 1e-9)
    reach = nearest.min() * (1 + 1e-9) + 1e-12
    rows = np.flatnonzero(nearest <= reach)
    near = tree.query_ball_point(ask[rows], reach)  # a superset of the closest pairs
    counts = np.array([len(n) for n in near], dtype=np.int64)
    r = np.repeat(rows, counts)
    c = np.concatenate([np.asarray(n, dtype=np.int64) for n in near])
    diff = ask[r] - held[c]
    d = diff[:, 0] ** 2 + diff[:, 1] ** 2  # as the full table sums them
    at_min = d == d.min()
    i, j = (c[at_min], r[at_min]) if swap else (r[at_min], c[at_min])
    k = np.lexsort((j, i))[0]
    return int(i[k]), int(j[k])


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
    pts = np.concatenate(rings)
    length = np.array([len(r) for r in rings], dtype=np.int64)
    start = np.cumsum(length) - length
    if np.isfinite(pts).all():  # links of small parts all at once, of large ones by k-d trees
        out_v, in_v = _closest_pairs(start[:-1], length[:-1], start[1:], length[1:], pts, _DENSE_LINKS)
    else:  # NaN or inf: argmin's rules, one link at a time
        links = np.array([_closest_pair(rings[k], rings[k + 1]) for k in range(len(rings) - 1)])
        out_v, in_v = links[:, 0], links[:, 1]
    return pts[_ring_index(start, length, out_v, in_v)]


def _ring_index(start: np.ndarray, length: np.ndarray, out_v: np.ndarray, in_v: np.ndarray) -> np.ndarray:
    """The bridged ring as indices into the stacked parts, for links (``out_v[k]`` of part k,
    ``in_v[k]`` of part k + 1). Part k's walk starts at its entry (``in_v[k - 1]``; part 0 at its
    own bridge vertex) and nests part k + 1's between its way in (head: up to the bridge vertex)
    and its way back (tail: from it round to the entry again; part 0 closes implicitly); the
    last part is walked whole and back to its entry. Each piece is a run of steps ``t`` along
    a part, vertex ``(entry + t) % length``."""
    n = len(length)
    entry = np.concatenate([out_v[:1], in_v])
    cut = (out_v - entry[:-1]) % length[:-1]
    closing = (np.arange(n - 1) > 0).astype(np.int64)
    piece_part = np.concatenate([np.arange(n - 1), [n - 1], np.arange(n - 2, -1, -1)])
    t_from = np.concatenate([np.zeros(n - 1, np.int64), [0], cut[::-1]])
    t_len = np.concatenate([cut + 1, length[-1:] + 1, (length[:-1] - cut + closing)[::-1]])
    part = np.repeat(piece_part, t_len)
    t = ragged_index(t_from, t_len)
    return start[part] + (entry[part] + t) % length[part]


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
    a_start: np.ndarray,
    a_len: np.ndarray,
    b_start: np.ndarray,
    b_len: np.ndarray,
    pts: np.ndarray,
    dense_up_to: int = _PAIRS_AT_ONCE,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_closest_pair` of each object's two parts, in batches of at most
    ``_PAIRS_AT_ONCE`` vertex pairs; an object of more than ``dense_up_to`` pairs goes alone
    (to a k-d tree when its vertices are finite: the same pair, found sooner)."""
    n_pairs = a_len * b_len
    i, j = np.zeros(len(a_len), np.int64), np.zeros(len(a_len), np.int64)
    # a thin part (a few vertices) against a long one: comparing all pairs beats a tree
    tree_worth = (n_pairs > _THIN * (a_len + b_len)) | (n_pairs > _PAIRS_AT_ONCE)
    for o in np.flatnonzero(n_pairs > dense_up_to):
        a = pts[a_start[o] : a_start[o] + a_len[o]]
        b = pts[b_start[o] : b_start[o] + b_len[o]]
        by_tree = tree_worth[o] and np.isfinite(a).all() and np.isfinite(b).all()
        i[o], j[o] = _closest_pair_by_tree(a, b) if by_tree else _closest_pair(a, b)
    small = np.flatnonzero(n_pairs <= dense_up_to)
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
