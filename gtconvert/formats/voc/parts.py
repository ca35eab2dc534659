"""VOC's person layout: ``<part>`` boxes (head, hand, foot) inside the ``<object>`` holding them.

In the Dataset a part is an annotation of its own whose ``parent`` is the object's row (as a
MATLAB sublabel), its category's ``parent`` the object's class. Writing, a box whose parent
object is written on the same image becomes a ``<part>`` of that object; shaped sub-objects
(polygons, masks) stay objects of their own, so that ``--masks`` still paints them.
"""

from __future__ import annotations

import numpy as np

from ...model import Annotations, Kind


def nest_parts(ann: Annotations, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order of ``rows`` (sorted by image) that puts each part right after its object, and
    for each reordered row the position of its object in that order (-1 for an object).

    Without parts: the identity and all -1, in O(N) numpy.
    """
    n = len(rows)
    position = np.full(len(ann) + 1, -1, dtype=np.int64)  # annotation row -> its position in rows
    position[rows] = np.arange(n)
    parent = ann.parent[rows]
    at = position[parent]  # -1 (the trailing slot) where there is no parent or it is not written
    nested = (at >= 0) & (ann.kind[rows] == Kind.BOX) & (ann.image[ann.parent[rows]] == ann.image[rows])
    nested &= parent >= 0
    if not nested.any():
        return np.arange(n), np.full(n, -1, dtype=np.int64)
    nested &= ~nested[np.where(nested, at, 0)]  # a part of a part stays an object (VOC has one level)
    anchor = np.where(nested, at, np.arange(n))
    order = np.lexsort((np.arange(n), nested, anchor))  # object, then its parts in their order
    new_position = np.empty(n, dtype=np.int64)
    new_position[order] = np.arange(n)
    parent_at = np.where(nested[order], new_position[anchor[order]], -1)
    return order, parent_at
