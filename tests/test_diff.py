"""``gtconvert diff``: a round trip shows no difference; known edits are reported exactly."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import gtconvert
from gtconvert import geometry
from gtconvert.cli import main
from gtconvert.diff import diff
from gtconvert.model import Annotations, Category, Dataset, Images, Kind

EDIT_COUNTS = ("moved", "added", "lost", "relabelled", "attributes_changed", "kind_changed")


def sample(n_images: int = 6, attributes: bool = True) -> Dataset:
    """Boxes and polygons on several images, with attributes; ids are not in row order."""
    rng = np.random.default_rng(7)
    image = np.repeat(np.arange(n_images), 3)
    n = len(image)
    xy = rng.uniform(0, 60, size=(n, 2)).round(2)
    wh = rng.uniform(8, 30, size=(n, 2)).round(2)
    kinds = np.where(np.arange(n) % 3 == 2, Kind.POLYGON, Kind.BOX)
    parts = [
        [geometry.box_corners(np.concatenate([p, s]))[0]] if k == Kind.POLYGON else []
        for p, s, k in zip(xy, wh, kinds)
    ]
    ann = Annotations.create(
        image,
        np.arange(n) % 3,
        kinds,
        id=1000 - np.arange(n) * 7,
        bbox=np.concatenate([xy, wh], axis=1),
        parts=parts,
        attributes=[{"occluded": bool(k % 2)} for k in range(n)] if attributes else None,
    )
    cats = [Category(1, "car"), Category(3, "person"), Category(9, "bike")]
    names = [f"frame_{k:03d}.jpg" for k in range(n_images)]
    return Dataset(
        Images.create(names, [100] * n_images, [90] * n_images, id=np.arange(n_images) + 40), cats, ann
    )


def counts(result) -> dict[str, int]:
    return {k: result.counts[k] for k in EDIT_COUNTS}


def test_a_copy_is_the_same():
    a = sample()
    result = diff(a, copy.deepcopy(a))
    assert not result.differs()
    assert result.counts["unchanged"] == len(a.annotations) and result.matched_by == "id"


@pytest.mark.parametrize("task", ["detect", "segment"])
def test_coco_to_yolo_and_back_shows_no_difference(tmp_path, task):
    a = sample(attributes=False)  # YOLO holds no attributes (diff would rightly count them)
    if task == "detect":
        a = a.replace(annotations=a.annotations.take(a.annotations.kind == Kind.BOX))
    gtconvert.write(a, tmp_path / "a.json")
    with pytest.warns(gtconvert.GtconvertWarning):  # the images themselves are absent
        gtconvert.convert(tmp_path / "a.json", tmp_path / "yolo", dst_format="yolo", task=task)
    result = diff(gtconvert.read(tmp_path / "a.json"), gtconvert.read(tmp_path / "yolo"))
    assert not result.differs(), result.render()
    assert result.counts["matched"] == len(a.annotations)
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "yolo")]) == 0


def edited(a: Dataset) -> tuple[Dataset, float]:
    """A copy with one box moved, one object added, one relabelled, one lost, one attribute changed."""
    b = copy.deepcopy(a)
    ann = b.annotations
    ann.bbox[0, :2] += (3.0, -4.5)  # moved by 4.5 px
    ann.category[1] = 2  # person -> bike
    ann.attributes[3] = {"occluded": True, "note": "x"}
    keep = np.ones(len(ann), dtype=bool)
    keep[4] = False  # lost
    extra = Annotations.create([2], [0], Kind.BOX, id=[5], bbox=[[70, 70, 10, 10]])
    b.annotations = Annotations.concat([ann.take(keep), extra])
    return b, 4.5


def test_known_edits_are_reported_exactly(tmp_path):
    a = sample()
    b, shift = edited(a)
    result = diff(a, b)
    assert counts(result) == {
        "moved": 1, "added": 1, "lost": 1, "relabelled": 1, "attributes_changed": 1, "kind_changed": 0,
    }  # fmt: skip
    assert result.counts["largest_shift"] == pytest.approx(shift)
    assert result.counts["unchanged"] == len(a.annotations) - 4
    assert result.differs()
    assert "largest shift 4.5 px" in result.render()


def test_known_edits_survive_a_round_trip_through_coco_files(tmp_path):
    a = sample()
    b, _ = edited(a)
    gtconvert.write(a, tmp_path / "a.json")
    gtconvert.write(b, tmp_path / "b.json")
    result = diff(gtconvert.read(tmp_path / "a.json"), gtconvert.read(tmp_path / "b.json"))
    assert counts(result) == {
        "moved": 1, "added": 1, "lost": 1, "relabelled": 1, "attributes_changed": 1, "kind_changed": 0,
    }  # fmt: skip


def test_renumbered_objects_are_paired_by_overlap():
    a = sample()
    b = copy.deepcopy(a)
    b.annotations.id[:] = np.arange(len(b.annotations))[::-1] + 1  # ids mean other objects now
    b.annotations.bbox[5, 0] += 1.0
    result = diff(a, b)
    assert result.matched_by == "iou"
    assert counts(result) == {k: int(k == "moved") for k in EDIT_COUNTS}


def test_images_and_categories_only_on_one_side_are_differences():
    a = sample()
    b = a.replace(
        images=a.images.take(np.arange(len(a.images) - 1)),
        annotations=a.annotations.take(a.annotations.image < len(a.images) - 1),
        categories=[*a.categories, Category(12, "bus")],
    )
    result = diff(a, b)
    assert result.images_only_a == ["frame_005.jpg"] and result.categories_only_b == ["bus"]
    assert result.counts["lost"] == 3 and result.counts["added"] == 0
    assert result.differs()


def test_images_pair_by_base_name_across_folders():
    a = sample(2)
    b = copy.deepcopy(a)
    b.images.file_name[:] = ["train/frame_000.jpg", "train/frame_001.jpg"]
    assert not diff(a, b).differs()


def test_cli_exit_codes_and_preview_of_the_differences(tmp_path, capsys):
    a = sample()
    b, _ = edited(a)
    gtconvert.write(a, tmp_path / "a.json")
    gtconvert.write(b, tmp_path / "b.json")
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "a.json")]) == 0
    assert (
        main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--preview", str(tmp_path / "p")])
        == 1
    )
    out = capsys.readouterr().out
    assert "relabelled" in out and "A and B differ" in out
    overlays = sorted(p.name for p in (tmp_path / "p" / "overlays").iterdir())
    assert overlays == ["0001_frame_000.png", "0002_frame_001.png", "0003_frame_002.png"]
    page = (tmp_path / "p" / "index.html").read_text()
    assert "person-&gt;bike" in page and "moved car" in page and "lost" in page and "added car" in page
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "nothing.json")]) == 2


def test_masks_compare_by_their_pixels_whatever_holds_them(tmp_path):
    from PIL import Image

    from gtconvert.model import PixelRef

    matrix = np.zeros((30, 40), dtype=np.uint8)
    matrix[5:20, 8:30] = 2
    Image.fromarray(matrix).save(tmp_path / "labels.png")
    images = Images.create(["a.png"], [40], [30])
    cats = [Category(1, "road")]
    box = [[8, 5, 22, 15]]
    rle = Annotations.create([0], [0], Kind.MASK, rle=[geometry.mask_to_rle(matrix == 2)], bbox=box)
    ref = Annotations.create(
        [0], [0], Kind.PIXEL_REF, pixel_ref=[PixelRef(str(tmp_path / "labels.png"), (2,))], bbox=box
    )
    square = geometry.box_corners(np.array(box[0], float))[0]
    polygon = Annotations.create([0], [0], Kind.POLYGON, parts=[[square]], bbox=box)
    as_rle, as_ref, as_polygon = (Dataset(images, cats, x) for x in (rle, ref, polygon))
    assert not diff(as_rle, as_ref).differs()  # a lazy label-matrix mask is still a mask
    same_pixels = diff(as_rle, as_polygon)
    assert counts(same_pixels) == {k: int(k == "kind_changed") for k in EDIT_COUNTS}
    matrix[19, 8:30] = 0
    smaller = Annotations.create([0], [0], Kind.MASK, rle=[geometry.mask_to_rle(matrix == 2)], bbox=box)
    assert counts(diff(as_rle, Dataset(images, cats, smaller)))["moved"] == 1  # same box, other pixels
