"""--split-by: no group (video, folder, attribute value) straddles two splits, every split
with a fraction gets images, the same seed gives the same split, categories are spread."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gtconvert
from gtconvert import GtconvertError
from gtconvert.cli import main
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.ops.splits import assign_group_splits, image_groups, split_images

pytestmark = pytest.mark.filterwarnings("ignore::gtconvert.GtconvertWarning")


def _frames(videos: list[int], categories: list[int] | None = None) -> Dataset:
    """One image per entry of ``videos`` (a frame of that video), one box each."""
    n = len(videos)
    names = [f"v{v}/frame{i:04d}.png" for i, v in enumerate(videos)]
    img = Images.create(names, width=[8] * n, height=[8] * n, video=[f"/data/v{v}.mp4" for v in videos],
                        time=np.arange(n, dtype=float))  # fmt: skip
    cats = categories if categories is not None else [0] * n
    ann = Annotations.create(np.arange(n), cats, Kind.BOX, bbox=np.tile([1.0, 1.0, 4.0, 4.0], (n, 1)))
    return Dataset(img, [Category(1, "cat"), Category(2, "dog")], ann)


FRACTIONS = st.sampled_from(
    [{"train": 0.8, "val": 0.2}, {"train": 0.7, "val": 0.2, "test": 0.1}, {"train": 0.5, "val": 0.5}]
)


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(st.integers(0, 12), min_size=1, max_size=60),
    fractions=FRACTIONS,
    seed=st.integers(0, 2**32 - 1),
)
def test_no_group_straddles_splits_and_no_split_is_empty(groups, fractions, seed) -> None:
    ds = _frames(groups, [g % 2 for g in groups])
    if len(set(groups)) < len(fractions):
        with pytest.raises(GtconvertError, match="groups cannot fill"):
            split_images(ds, fractions, seed, "video")
        return
    split_of = split_images(ds, fractions, seed, "video")
    for g in set(groups):
        assert len({s for s, h in zip(split_of, groups) if h == g}) == 1
    assert set(split_of) == set(fractions)
    assert np.array_equal(split_images(ds, fractions, seed, "video"), split_of)  # deterministic


def test_categories_are_spread_over_splits_where_the_groups_allow() -> None:
    # 10 videos of cats, 10 of dogs, 5 frames each
    videos = [v for v in range(20) for _ in range(5)]
    ds = _frames(videos, [v % 2 for v in videos])
    split_of = split_images(ds, {"train": 0.8, "val": 0.2}, 3, "video")
    val = split_of == "val"
    assert int(val.sum()) == 20  # 4 of the 20 videos
    cats_in_val = ds.annotations.category[val]
    assert np.bincount(cats_in_val, minlength=2).tolist() == [10, 10]


def test_groups_by_folder_and_by_attribute() -> None:
    img = Images.create(
        ["p1/a.png", "p1/b.png", "p2/c.png", "d.png", "e.png"],
        extra=[{"patient": 7}, {"patient": 7}, {"attributes": {"patient": 8}}, None, None],
    )
    ann = Annotations.create([3, 3], [0, 0], Kind.BOX, attributes=[{"patient": 8}, {"patient": 8}])
    ds = Dataset(img, [Category(1, "x")], ann)
    folder = image_groups(ds, "folder")
    assert folder[0] == folder[1] != folder[2] and folder[3] == folder[4]
    with gtconvert.Report() as report:
        by_patient = image_groups(ds, "attribute:patient")
    assert by_patient[0] == by_patient[1] and by_patient[2] == by_patient[3]  # d.png: from its objects
    assert len(set(by_patient.tolist())) == 3  # e.png has none: a group of its own
    assert report.count("split.attribute_missing") == 1
    with pytest.raises(GtconvertError, match="--split-by 'patient' is not known"):
        image_groups(ds, "patient")


def test_a_random_split_by_image_never_leaves_a_split_empty() -> None:
    ds = _frames([0, 1])
    split_of = split_images(ds, {"train": 0.9, "val": 0.1}, 0)
    assert sorted(split_of.tolist()) == ["train", "val"]
    with pytest.raises(GtconvertError, match="2 images cannot fill 3 splits"):
        split_images(ds, {"train": 0.8, "val": 0.1, "test": 0.1}, 0)


def test_group_splits_of_zero_fraction_splits_stay_empty() -> None:
    ds = _frames([0, 1, 2])
    split_of = assign_group_splits(ds, image_groups(ds, "video"), {"train": 0.5, "val": 0.5, "test": 0.0})
    assert set(split_of) == {"train", "val"}


def _split_of_images(root: Path) -> dict[str, str]:
    """Image name -> the split folder it was written into (YOLO: images/<split>/...)."""
    return {p.relative_to(root / "images" / p.relative_to(root / "images").parts[0]).as_posix(): p.relative_to(root / "images").parts[0]
            for p in (root / "images").rglob("*.png")}  # fmt: skip


def test_yolo_and_voc_split_by_video_keep_every_video_in_one_split(tmp_path) -> None:
    videos = [v for v in range(6) for _ in range(4)]
    ds = _frames(videos, [v % 2 for v in videos])
    from PIL import Image

    for name in ds.images.file_name:
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("L", (8, 8)).save(tmp_path / "src" / name)
    ds = ds.replace(image_root=str(tmp_path / "src"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(
            ds, tmp_path / "y", "yolo", split={"train": 0.5, "val": 0.5}, split_by="video", seed=1
        )
        gtconvert.write(ds, tmp_path / "v", "voc", split={"train": 0.5, "val": 0.5}, split_by="video", seed=1)
    where = _split_of_images(tmp_path / "y")
    assert len(where) == len(videos)
    for v in range(6):
        assert len({s for name, s in where.items() if name.startswith(f"v{v}/")}) == 1
    assert set(where.values()) == {"train", "val"}
    voc = {}
    for s in ("train", "val"):
        for stem in (tmp_path / "v" / "ImageSets" / "Main" / f"{s}.txt").read_text().split():
            voc[stem.split("/")[0]] = voc.get(stem.split("/")[0], set()) | {s}
    assert all(len(s) == 1 for s in voc.values()) and len(voc) == 6


def test_cli_split_by_needs_split(tmp_path, capsys) -> None:
    src = tmp_path / "in.json"
    gtconvert.write(_frames([0, 1]), src)
    assert main(["convert", str(src), str(tmp_path / "y"), "--to", "yolo", "--split-by", "folder"]) == 2
    assert "--split-by folder needs --split" in capsys.readouterr().err
    args = ["convert", str(src), str(tmp_path / "y"), "--to", "yolo", "--split", "train=0.5,val=0.5"]
    assert main([*args, "--split-by", "folder"]) == 0
