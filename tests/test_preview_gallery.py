"""``write_preview``: files, selection, safety, the process pool, and the gallery in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.model import Annotations, Category, Dataset, Images, Kind
from gtconvert.preview import write_preview

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def photos(tmp_path, n: int, missing: tuple[int, ...] = ()) -> Dataset:
    """n images (files on disk except ``missing``), two boxes on every even image, none on odd ones."""
    root = tmp_path / "photos"
    root.mkdir()
    names = [f"img{k}.png" for k in range(n)]
    for k, name in enumerate(names):
        if k not in missing:
            Image.fromarray(np.full((40, 50, 3), 20 + k, dtype=np.uint8)).save(root / name)
    labelled = [k for k in range(n) if k % 2 == 0]
    image = np.repeat(labelled, 2)
    category = np.tile([0, 1], len(labelled))
    bbox = np.tile([[2, 2, 20, 10], [5, 15, 30, 20]], (len(labelled), 1))
    ann = Annotations.create(
        image, category, Kind.BOX, bbox=bbox, attributes=[{"truncated": k % 3} for k in image]
    )
    cats = [Category(1, "car", color=(1.0, 0.0, 0.0)), Category(2, "person", color=(0.0, 0.0, 1.0))]
    return Dataset(Images.create(names, [50] * n, [40] * n), cats, ann, image_root=str(root))


def test_every_image_gets_an_overlay_and_a_thumbnail_including_those_without_objects(tmp_path):
    ds = photos(tmp_path, 5)
    summary = write_preview(ds, tmp_path / "out")
    out = tmp_path / "out"
    overlays = sorted(p.name for p in (out / "overlays").iterdir())
    assert overlays == [f"000{k + 1}_img{k}.png" for k in range(5)]
    assert len(list((out / "thumbs").iterdir())) == 5
    assert summary.images == 5 and summary.missing == 0
    assert summary.objects == {"car": 3, "person": 3}
    page = (out / "index.html").read_text()
    assert 'data-images="5"' in page and "3 images without objects" not in page
    assert "2 images without objects" in page
    odd = np.asarray(Image.open(out / "overlays" / "0002_img1.png"))
    assert np.all(odd == 21)  # no objects: the photo unchanged


def test_limit_and_category_choose_the_images(tmp_path):
    ds = photos(tmp_path, 6)
    summary = write_preview(ds, tmp_path / "a", limit=2)
    assert summary.images == 2
    summary = write_preview(ds, tmp_path / "b", categories=["person"])
    assert summary.images == 3 and summary.objects == {"person": 3}
    overlay = np.asarray(Image.open(next((tmp_path / "b" / "overlays").iterdir())).convert("RGB"))
    assert not np.any(np.all(overlay == (255, 0, 0), axis=2))  # no car drawn
    with pytest.raises(GtconvertError, match="no category named 'bus'"):
        write_preview(ds, tmp_path / "c", categories=["bus"])


def test_missing_images_are_drawn_on_a_blank_canvas_with_a_warning(tmp_path):
    ds = photos(tmp_path, 3, missing=(1,))
    with pytest.warns(GtconvertWarning, match="1 of 3 images not found"):
        summary = write_preview(ds, tmp_path / "out")
    assert summary.missing == 1
    blank = Image.open(tmp_path / "out" / "overlays" / "0002_img1.png")
    assert blank.size == (50, 40)
    assert "image not found" in (tmp_path / "out" / "index.html").read_text()


def test_output_is_not_replaced_without_overwrite_and_inputs_are_untouched(tmp_path):
    ds = photos(tmp_path, 2)
    before = {p.name: p.read_bytes() for p in (tmp_path / "photos").iterdir()}
    write_preview(ds, tmp_path / "out")
    with pytest.raises(GtconvertError, match="already exists"):
        write_preview(ds, tmp_path / "out")
    write_preview(ds, tmp_path / "out", overwrite=True)
    assert {p.name: p.read_bytes() for p in (tmp_path / "photos").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "photos"]  # no temporary left


def test_process_pool_draws_the_same_files_as_one_process(tmp_path):
    ds = photos(tmp_path, 20)
    write_preview(ds, tmp_path / "one", workers=1)
    write_preview(ds, tmp_path / "two", workers=2)
    for sub in ("overlays", "thumbs"):
        one = {p.name: p.read_bytes() for p in (tmp_path / "one" / sub).iterdir()}
        two = {p.name: p.read_bytes() for p in (tmp_path / "two" / sub).iterdir()}
        assert one == two and len(one) == 20


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_gallery_loads_every_thumbnail_in_headless_chromium(tmp_path):
    ds = photos(tmp_path, 6)
    write_preview(ds, tmp_path / "out")
    page = (tmp_path / "out" / "index.html").as_uri()
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000"]
    dom = subprocess.run([*flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-images="6"' in body
    assert 'data-loaded="6"' in body and 'data-broken="0"' in body
    assert "6 images, 6 shown, 6 thumbnails loaded, 0 broken" in dom
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*flags, "--window-size=1400,1200", f"--screenshot={shot}", page], capture_output=True, timeout=120
    )
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    blue = (pixels[..., 2] > 200) & (pixels[..., 0] < 60) & (pixels[..., 1] < 60)
    assert red.sum() > 50 and blue.sum() > 50  # the outlines of the thumbnails are on screen
