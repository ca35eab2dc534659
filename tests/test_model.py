"""The columnar Dataset: selection, concatenation, counts and the pandas view."""

from __future__ import annotations

import numpy as np

from gtconvert.columns import ragged_take
from gtconvert.model import Annotations, Category, Dataset, Images, Kind


def _dataset() -> Dataset:
    img = Images.create(["a.png", "b.png", "c.png"], width=[10, 20, 30], height=[5, 6, 7], id=[7, 8, 9])
    parts = [[], [np.zeros((3, 2)), np.ones((4, 2))], [np.full((2, 2), 2.0)], [], []]
    ann = Annotations.create(
        [0, 0, 1, 1, 2],
        [0, 1, 1, 2, 2],
        [Kind.BOX, Kind.POLYGON, Kind.POLYLINE, Kind.TAG, Kind.TAG],
        id=[11, 12, 13, 14, 15],
        parts=parts,
        parent=[-1, 0, -1, -1, -1],
    )
    cats = [Category(1, "car"), Category(2, "road"), Category(3, "night", type="scene")]
    return Dataset(img, cats, ann)


def test_ragged_take_picks_rows_in_order() -> None:
    starts = np.array([0, 2, 2, 5])
    new_starts, flat = ragged_take(starts, np.array([2, 0]))
    assert new_starts.tolist() == [0, 3, 5]
    assert flat.tolist() == [2, 3, 4, 0, 1]


def test_take_keeps_geometry_and_remaps_parents() -> None:
    ds = _dataset()
    sub = ds.annotations.take([1, 0])
    assert sub.id.tolist() == [12, 11]
    assert [p.shape for p in sub.parts(0)] == [(3, 2), (4, 2)]
    assert sub.parts(1) == []
    assert sub.parent.tolist() == [1, -1]  # annotation 12's parent (11) is now row 1
    dropped = ds.annotations.take([1])
    assert dropped.parent.tolist() == [-1]


def test_concat_offsets_geometry_and_parents() -> None:
    ann = _dataset().annotations
    both = Annotations.concat([ann, ann])
    assert len(both) == 10
    assert [p.shape for p in both.parts(6)] == [(3, 2), (4, 2)]
    assert both.parent.tolist()[5:7] == [-1, 5]


def test_counts_count_tagged_images_once() -> None:
    counts = _dataset().counts()
    assert counts["images"] == 3 and counts["annotations"] == 5
    assert counts["by_kind"] == {"box": 1, "polygon": 1, "polyline": 1, "tag": 2}
    assert [c["count"] for c in counts["categories"]] == [1, 2, 2]


def test_to_pandas_one_row_per_annotation() -> None:
    df = _dataset().to_pandas()
    assert len(df) == 5
    assert df["category"].tolist() == ["car", "road", "road", "night", "night"]
    assert df["n_vertices"].tolist() == [0, 7, 2, 0, 0]
    assert df["parent_id"].tolist() == [-1, 11, -1, -1, -1]
    assert df["image_id"].tolist() == [7, 7, 8, 8, 9]


def test_image_order_groups_annotations() -> None:
    order, starts = _dataset().image_order()
    assert starts.tolist() == [0, 2, 4, 5]
    assert sorted(order[starts[1] : starts[2]].tolist()) == [2, 3]
