"""Overlays: every label drawn on exactly the pixels the drawing rule (docs/preview.md) names."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from gtconvert import geometry
from gtconvert.errors import GtconvertError
from gtconvert.model import Annotations, Category, Dataset, Images, Kind, PixelRef
from gtconvert.preview import Style, box_pixels, category_colors, render, show, write_preview
from gtconvert.preview.draw import ImageLabels

BG = (48, 48, 48)
RED = (255, 0, 0)
NO_TEXT = Style(labels=False, line_width=1)


def one_image(ann: Annotations, w: int = 12, h: int = 10, name: str = "a.png", root: str = "") -> Dataset:
    cats = [Category(1, "car", color=(1.0, 0.0, 0.0)), Category(2, "tree")]
    return Dataset(Images.create([name], [w], [h]), cats, ann, image_root=root)


def pixels_of(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def painted(arr: np.ndarray, background: tuple[int, int, int] = BG) -> np.ndarray:
    return np.any(arr != np.array(background, dtype=np.uint8), axis=2)


def centre_inside(lo: float, size: float, n: int) -> np.ndarray:
    """Brute force: which of n pixels have their centre in [lo, lo + size); when none does
    (a box thinner than a pixel), the pixel holding the box's centre."""
    centres = np.arange(n) + 0.5
    inside = (centres >= lo) & (centres < lo + size)
    if not inside.any():
        inside = np.floor(centres - 0.5) == np.floor(lo + size / 2)
    return inside


def test_coco_box_outlines_exactly_its_border_pixels_in_the_png(tmp_path):
    ds = one_image(Annotations.create([0], [0], Kind.BOX, bbox=[[2, 3, 4, 5]]))
    write_preview(ds, tmp_path / "out", style=NO_TEXT)
    arr = np.asarray(Image.open(tmp_path / "out" / "overlays" / "0001_a.png").convert("RGB"))
    assert arr.shape == (10, 12, 3)
    expected = np.zeros((10, 12), dtype=bool)
    expected[3:8, 2:6] = True  # the object: x in 2..5, y in 3..7
    expected[4:7, 3:5] = False  # its inside stays untouched
    assert np.array_equal(painted(arr), expected)
    assert np.all(arr[expected] == RED)


def test_a_thicker_outline_grows_inwards_only():
    ds = one_image(Annotations.create([0], [0], Kind.BOX, bbox=[[1, 1, 8, 7]]))
    arr = pixels_of(show(ds, 0, style=Style(labels=False, line_width=2)))
    expected = np.zeros((10, 12), dtype=bool)
    expected[1:8, 1:9] = True
    expected[3:6, 3:7] = False
    assert np.array_equal(painted(arr), expected)


@given(
    x=st.floats(-3, 14, allow_nan=False),
    y=st.floats(-3, 12, allow_nan=False),
    w=st.floats(0.6, 12, allow_nan=False),
    h=st.floats(0.6, 12, allow_nan=False),
)
def test_box_outline_is_the_border_of_the_pixels_whose_centre_is_inside(x, y, w, h):
    cols, rows = centre_inside(x, w, 12), centre_inside(y, h, 10)
    inside = rows[:, None] & cols[None, :]
    c0, r0, c1, r1 = box_pixels(np.array([x, y, w, h]))
    full_cols, full_rows = np.arange(12), np.arange(10)
    # the border of the (possibly clipped) object: its pixels next to its true edges
    on_edge = (
        (full_rows[:, None] == r0)
        | (full_rows[:, None] == r1)
        | (full_cols[None, :] == c0)
        | (full_cols[None, :] == c1)
    )
    labels = ImageLabels(
        None,
        12,
        10,
        Annotations.create([0], [0], Kind.BOX, bbox=[[x, y, w, h]]),
        np.array([RED], np.uint8),
        [""],
    )
    arr = pixels_of(render(labels, NO_TEXT)[0])
    assert np.array_equal(painted(arr), inside & on_edge)


def test_a_box_thinner_than_a_pixel_keeps_the_pixel_of_its_centre():
    assert box_pixels(np.array([4.2, 3.0, 0.2, 0.0])) == (4, 3, 4, 3)


def test_mask_fill_is_translucent_where_the_mask_is_and_outlined_on_its_border(tmp_path):
    photo = np.full((10, 12, 3), (10, 200, 30), dtype=np.uint8)
    Image.fromarray(photo).save(tmp_path / "a.png")
    mask = np.zeros((10, 12), dtype=np.uint8)
    mask[2:8, 3:9] = 1
    mask[5:8, 6:9] = 0  # an L shape
    ann = Annotations.create([0], [0], Kind.MASK, rle=[geometry.mask_to_rle(mask)], bbox=[[3, 2, 6, 6]])
    arr = pixels_of(show(one_image(ann, root=str(tmp_path)), 0, style=NO_TEXT))
    on = mask.astype(bool)
    interior = on & np.roll(on, 1, 0) & np.roll(on, -1, 0) & np.roll(on, 1, 1) & np.roll(on, -1, 1)
    border = on & ~interior
    blended = np.rint(np.array((10, 200, 30)) * 0.6 + np.array(RED) * 0.4)
    assert np.all(arr[~on] == (10, 200, 30))  # the photo, untouched outside the mask
    assert np.all(arr[border] == RED)
    assert np.all(arr[interior] == blended)
    assert interior.any()


def test_polygon_hole_stays_unfilled():
    outer = np.array([[1, 1], [11, 1], [11, 9], [1, 9]], float)
    hole = np.array([[4, 3], [4, 7], [8, 7], [8, 3]], float)
    ring = geometry.bridge_parts([outer, hole])
    ann = Annotations.create([0], [0], Kind.POLYGON, parts=[[ring]], bbox=[[1, 1, 10, 8]])
    arr = pixels_of(show(one_image(ann), 0, style=NO_TEXT))
    expected = geometry.polygons_to_mask([ring], 10, 12).astype(bool)
    assert not expected[4:6, 5:7].any()  # the rasterised hole
    assert np.array_equal(painted(arr), expected)
    assert np.all(arr[5, 5:7] == BG)  # inside the hole: the canvas


def test_pixel_label_reference_is_filled_like_a_mask(tmp_path):
    matrix = np.zeros((10, 12), dtype=np.uint8)
    matrix[1:4, 1:6] = 3
    matrix[6:9, 7:11] = 5
    Image.fromarray(matrix).save(tmp_path / "labels.png")
    ref = PixelRef(str(tmp_path / "labels.png"), (3,))
    ann = Annotations.create([0], [0], Kind.PIXEL_REF, pixel_ref=[ref], bbox=[[1, 1, 5, 3]])
    arr = pixels_of(show(one_image(ann), 0, style=NO_TEXT))
    assert np.array_equal(painted(arr), matrix == 3)


def test_unrotated_box_fills_the_pixels_of_the_box():
    ann = Annotations.create([0], [0], Kind.ROTATED_BOX, rbox=[[5, 5.5, 4, 5, 0]], bbox=[[3, 3, 4, 5]])
    arr = pixels_of(show(one_image(ann), 0, style=NO_TEXT))
    expected = np.zeros((10, 12), dtype=bool)
    expected[3:8, 3:7] = True
    assert np.array_equal(painted(arr), expected)


def test_lines_and_points_are_drawn_through_pixel_centres():
    line = np.array([[0.5, 5.5], [11.5, 5.5]])  # the centres of row 5
    point = np.array([[6.5, 1.5]])
    ann = Annotations.create(
        [0, 0],
        [0, 1],
        [Kind.POLYLINE, Kind.POINT],
        parts=[[line], [point]],
        bbox=[[0.5, 5.5, 11, 0], [6.5, 1.5, 0, 0]],
    )
    arr = pixels_of(show(one_image(ann), 0, style=NO_TEXT))
    assert np.all(arr[5] == RED)  # the whole row 5, nothing above or below it in the left half
    assert not painted(arr)[6:, :4].any() and not painted(arr)[3:5, :4].any()
    assert painted(arr)[1, 6] and not painted(arr)[8, 1]


def test_label_text_is_drawn_on_the_category_colour_above_the_box():
    ann = Annotations.create([0], [0], Kind.BOX, bbox=[[10, 40, 30, 20]], attributes=[{"occluded": True}])
    ds = one_image(ann, w=120, h=80)
    with_text = pixels_of(show(ds, 0, style=Style(line_width=1)))
    without = pixels_of(show(ds, 0, style=NO_TEXT))
    above = (slice(20, 40), slice(10, 60))
    assert painted(with_text[above]).any() and not painted(without[above]).any()
    assert np.any(np.all(with_text[above] == RED, axis=2))  # the label's background


def test_category_colours_take_the_matlab_label_colour_and_are_stable():
    cats = [Category(1, "car", color=(0.0, 0.5, 1.0)), Category(2, "tree"), Category(3, "sky")]
    colors = category_colors(cats)
    assert colors[0].tolist() == [0, 128, 255]
    assert len({tuple(c) for c in colors.tolist()}) == 3
    assert np.array_equal(colors, category_colors(cats))
    ann = Annotations.create([0, 1], [1, 1], Kind.BOX, bbox=[[1, 1, 4, 4], [2, 2, 5, 5]])
    ds = Dataset(Images.create(["a.png", "b.png"], [12, 12], [10, 10]), cats, ann)
    first, second = pixels_of(show(ds, 0, style=NO_TEXT)), pixels_of(show(ds, 1, style=NO_TEXT))
    assert first[1, 1].tolist() == second[2, 2].tolist() == colors[1].tolist()


def test_show_returns_a_pillow_image_of_the_image_size_and_checks_the_index():
    ds = one_image(Annotations.create([0], [0], Kind.BOX, bbox=[[2, 3, 4, 5]]), w=33, h=21)
    image = ds.show(0)
    assert isinstance(image, Image.Image) and image.size == (33, 21)
    with pytest.raises(IndexError):
        ds.show(1)


def test_absent_image_of_unknown_size_gets_a_canvas_holding_its_labels():
    ds = Dataset(
        Images.create(["gone.jpg"]),
        [Category(1, "car")],
        Annotations.create([0], [0], Kind.BOX, bbox=[[5, 5, 10.5, 20]]),
    )
    assert show(ds, 0).size == (64, 64)
    far = ds.replace(annotations=Annotations.create([0], [0], Kind.BOX, bbox=[[5, 50, 70.5, 20]]))
    assert show(far, 0).size == (76, 70)
    assert show(ds.replace(annotations=Annotations.empty()), 0).size == (64, 64)


def test_repr_html_has_a_summary_table_and_inline_thumbnails():
    ann = Annotations.create([0, 0], [0, 1], Kind.BOX, bbox=[[2, 3, 4, 5], [1, 1, 3, 3]])
    page = one_image(ann)._repr_html_()
    assert "<table>" in page and "car" in page and "tree" in page
    assert page.count("data:image/png;base64,") == 1


def test_unreadable_image_is_one_clear_error(tmp_path):
    (tmp_path / "a.png").write_bytes(b"not a png")
    ds = one_image(Annotations.empty(), root=str(tmp_path))
    with pytest.raises(GtconvertError, match="cannot read the image"):
        show(ds, 0)


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "RGBA"])
def test_image_files_of_any_mode_are_drawn_on_their_rgb_pixels(tmp_path, mode):
    rng = np.random.default_rng(3)
    photo = Image.fromarray(rng.integers(0, 256, (10, 12, 3), dtype=np.uint8)).convert(mode)
    photo.save(tmp_path / "a.png")
    ds = one_image(Annotations.create([], [], Kind.BOX, bbox=np.zeros((0, 4))), root=str(tmp_path))
    write_preview(ds, tmp_path / "out", style=NO_TEXT)
    arr = np.asarray(Image.open(tmp_path / "out" / "overlays" / "0001_a.png"))
    assert np.array_equal(arr, np.asarray(photo.convert("RGB")))
