"""Polygon vertices far outside their image (1e10, 1e300, -1e10) are cut before rasterising.

Before, pycocotools walked every edge in fifths of a pixel and allocated without bound: a
segfault under a memory limit. Now the run finishes in bounded memory with the pixels inside
the image as they were.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import numpy as np
import pytest
from bad_inputs.corpus import coco_doc, write_coco
from bad_inputs.helpers import spawn, temporaries, tree
from PIL import Image

from gtconvert import limits

_MEMORY = 1 << 31  # 2 GiB of address space: a run that tried to rasterise 1e10 would die


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))


@pytest.mark.parametrize("far", [1e10, 1e300, -1e10])
@pytest.mark.parametrize("target", [["--to", "masks"], ["--to", "voc", "--masks"]], ids=["masks", "voc"])
def test_far_vertices_rasterise_in_bounded_memory(far: float, target: list[str], tmp_path: Path) -> None:
    doc = coco_doc()
    doc["annotations"][1]["segmentation"] = [[5, 5, far, 5, 15, 12, 5, 12]]
    src = write_coco(tmp_path / "in", doc)
    before = tree(tmp_path / "in")
    proc = spawn(
        ["convert", str(src), str(tmp_path / "out"), *target],
        tmp_path,
        preexec_fn=_limited,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert not any(line.startswith(("error", "internal")) for line in err.decode().splitlines())
    assert tree(tmp_path / "in") == before
    assert not temporaries(tmp_path)
    if target[1] == "masks":  # the object's own mask: the image's part of the polygon
        mask = np.asarray(Image.open(tmp_path / "out" / "instances" / "a_2.png")) > 0
        expect = np.zeros((30, 40), dtype=bool)
        if far > 0:  # rows 5..11 from x = 5 to the right border
            expect[5:12, 5:] = True
        else:  # rows 5..11 from the left border to x = 5 (the sliver right of it has no pixel)
            expect[5:12, :5] = True
        assert np.array_equal(mask, expect)


def test_real_polygons_are_not_touched() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        h, w = (int(v) for v in rng.integers(5, 60, 2))
        grow = limits.CLIP_MARGIN * max(h, w)
        pts = np.c_[rng.uniform(-grow, w + grow, 7), rng.uniform(-grow, h + grow, 7)]
        assert np.array_equal(limits.clip_polygon(pts, h, w), pts)


def test_cut_polygons_keep_their_pixels() -> None:
    """Polygons reaching past the margin rasterise (almost) as the uncut ones do."""
    from pycocotools import mask as mask_utils

    rng = np.random.default_rng(7)
    differ = total = 0
    for _ in range(150):
        h, w = (int(v) for v in rng.integers(5, 40, 2))
        far = 2 * limits.CLIP_MARGIN * max(h, w)
        pts = np.c_[rng.uniform(-far, w + far, 6), rng.uniform(-far, h + far, 6)].ravel()
        whole = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([pts.tolist()], h, w)))
        cut = limits.clip_polygon(pts, h, w)
        ours = (
            mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([cut.tolist()], h, w)))
            if cut.size >= 6
            else np.zeros((h, w), np.uint8)
        )
        differ += int((whole != ours).sum())
        total += whole.size
    assert differ <= total // 1000, (differ, total)


def test_non_finite_vertices_are_dropped() -> None:
    part = np.array([5, 5, np.nan, 5, 15, 12, 5, 12.0])
    assert limits.clip_polygon(part, 30, 40).tolist() == [5, 5, 15, 12, 5, 12]
    assert limits.clip_polygon(np.array([[np.inf, 1], [2, np.nan]]), 30, 40).shape == (0, 2)
