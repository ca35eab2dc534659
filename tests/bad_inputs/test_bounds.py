"""Sizes from hostile files are checked before anything is allocated after them.

Image sizes must be whole numbers up to ``limits.MAX_IMAGE_SIDE``; masks are painted only for
images up to ``limits.MAX_RASTER_PIXELS``; compressed RLE strings must decode to exactly the
image (pycocotools trusts them: past the image it writes past its buffer). Each is exit 2 with
one line naming the file and the record, nothing written, the input unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bad_inputs.corpus import coco_doc, write_coco
from bad_inputs.helpers import one_error, run, temporaries, tree

from gtconvert import limits


def rle_string(counts: list[int]) -> str:
    """pycocotools' compressed RLE string of ``counts``, written out independently (any sign)."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            out.append(chr((c | 0x20 if more else c) + 48))
    return "".join(out)


def _refused(doc: dict[str, Any], argv: list[str], words: str, tmp_path: Path, capsys) -> str:  # type: ignore[no-untyped-def]
    src = write_coco(tmp_path / "in", doc)
    before = tree(tmp_path / "in")
    out = tmp_path / "out"
    code, lines = run([argv[0], str(src), *([str(out)] if argv[0] == "convert" else []), *argv[1:]], capsys)
    one_error(code, lines, words)
    assert not out.exists() and not temporaries(tmp_path)
    assert tree(tmp_path / "in") == before
    return lines[0]


@pytest.mark.parametrize("value", [1e30, 40.5, -1e30, 2**20 + 1])
@pytest.mark.parametrize("key", ["width", "height"])
def test_image_sizes_are_whole_and_bounded(value: float, key: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = coco_doc()
    doc["images"][0][key] = value
    line = _refused(doc, ["convert", "--to", "yolo"], f"image {key}", tmp_path, capsys)
    assert "'a.jpg'" in line and "whole number of pixels" in line


@pytest.mark.parametrize("target", [["--to", "masks"], ["--to", "voc", "--masks"]], ids=["masks", "voc"])
def test_masks_are_not_painted_for_huge_images(target: list[str], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = coco_doc()  # 2^20 x 2^20 is a size an image may have, but 1 TiB of label image
    doc["images"][0].update(width=limits.MAX_IMAGE_SIDE, height=limits.MAX_IMAGE_SIDE)
    line = _refused(doc, ["convert", *target], "too large to paint masks", tmp_path, capsys)
    assert str(limits.MAX_RASTER_PIXELS) in line


def test_huge_images_still_convert_without_masks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = coco_doc()
    doc["images"][0].update(width=limits.MAX_IMAGE_SIDE, height=limits.MAX_IMAGE_SIDE)
    src = write_coco(tmp_path / "in", doc)
    code, lines = run(["convert", str(src), str(tmp_path / "out.json")], capsys)
    assert code == 0, lines


_BAD_RLE = {
    "past the image": rle_string([50, 500]),
    "negative": rle_string([50, -30, 380]),
    "huge": rle_string([50, 10**9]),
    "short": rle_string([50, 100]),
    "cut in a value": rle_string([50, 350])[:-1] + "h",
    "not ascii": "\u00ff\u00ffab",
    "outside '0'..'o'": "~~~",
    "empty": "",
}


@pytest.mark.parametrize("counts", list(_BAD_RLE.values()), ids=list(_BAD_RLE))
@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "--to", "masks"],
        ["convert", "--to", "yolo"],
        ["convert", "--to", "voc", "--masks"],
        ["validate"],
    ],
    ids=["masks", "yolo", "voc", "validate"],
)
def test_bad_compressed_rle_is_refused(counts: str, argv: list[str], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = coco_doc()
    doc["annotations"][2]["segmentation"] = {"size": [20, 20], "counts": counts}
    line = _refused(doc, argv, "compressed RLE counts", tmp_path, capsys)
    assert "annotation id 3" in line


def test_valid_rle_strings_pass() -> None:
    import numpy as np
    from pycocotools import mask as mask_utils

    rng = np.random.default_rng(3)
    rles = []
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        mask = rng.random((h, w)) < rng.random()
        rle = mask_utils.encode(np.asfortranarray(mask, dtype=np.uint8))
        rles.append({"size": [h, w], "counts": rle["counts"].decode("ascii")})
    limits.check_rle_strings(rles, file="x.json", ids=list(range(len(rles))))  # no error
    rles[137] = {"size": [20, 20], "counts": rle_string([50, 351])}
    with pytest.raises(limits.GtconvertError, match="annotation id 137"):
        limits.check_rle_strings(rles, file="x.json", ids=list(range(len(rles))))


def test_rle_check_agrees_with_decoding_one_by_one() -> None:
    """Random strings: the batched check says what decoding each string alone says."""
    import numpy as np

    from gtconvert.geometry.rle import rle_counts

    rng = np.random.default_rng(11)
    strings, sizes, expect = [], [], []
    for _ in range(3000):
        size = [int(rng.integers(1, 6)), int(rng.integers(1, 6))]
        if rng.random() < 0.5:  # random characters
            s = "".join(chr(48 + int(c)) for c in rng.integers(0, 64, int(rng.integers(1, 8))))
        else:  # a valid string, sometimes with one character changed
            cuts = np.sort(rng.integers(0, size[0] * size[1] + 1, int(rng.integers(0, 6))))
            s = rle_string(np.diff(np.r_[0, cuts, size[0] * size[1]]).tolist())
            if rng.random() < 0.5:
                k = int(rng.integers(0, len(s)))
                s = s[:k] + chr(48 + int(rng.integers(0, 64))) + s[k + 1 :]
        counts = rle_counts({"counts": s}) if not (ord(s[-1]) - 48) & 0x20 else np.array([-1])
        strings.append(s)
        sizes.append(size)
        expect.append(
            bool(len(counts)) and bool((counts >= 0).all()) and int(counts.sum()) == size[0] * size[1]
        )
    assert limits._string_counts_ok(strings, sizes).tolist() == expect
    assert 500 < sum(expect) < 2500  # the draw holds valid and invalid strings


@pytest.mark.parametrize(
    "value,words",
    [
        ("1e30", "image width"),
        ("40.5", "image width"),
        ("2000000", "image width"),
        ("nan", "not a finite number"),
        ("-1e30", "have no <size>"),  # at most 0 is VOC's "unknown": the image's header is asked
    ],
)
def test_voc_sizes_are_whole_and_bounded(value: str, words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``<width>1e30</width>`` was a negative width and numpy warnings on stderr."""
    from bad_inputs.corpus import valid_voc

    src = valid_voc(tmp_path / "in")
    xml = src / "Annotations" / "a.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("<width>40</width>", f"<width>{value}</width>"))
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "out.json"), "--from", "voc"], capsys)
    one_error(code, lines, words)
    assert "a.xml" in lines[0]
    assert not (tmp_path / "out.json").exists() and not temporaries(tmp_path)
    assert tree(tmp_path / "in") == before


def test_every_reader_s_sizes_are_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The registry checks what any reader returns (here sizes from --image-size for YOLO)."""
    from bad_inputs.corpus import valid_yolo

    src = valid_yolo(tmp_path / "in")
    argv = ["convert", str(src), str(tmp_path / "o.json"), "--from", "yolo", "--image-size", "99999999x5"]
    code, lines = run(argv, capsys)
    one_error(
        code,
        lines,
        f"image width 99999999 is not a whole number of pixels from 0 (unknown) to {limits.MAX_IMAGE_SIDE}",
    )
    assert not (tmp_path / "o.json").exists() and not temporaries(tmp_path)


@pytest.mark.parametrize("border", ["4000000000", "41"])
def test_a_void_border_wider_than_every_image(border: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``--void-border 4000000000`` asked numpy for a 8e9 x 8e9 kernel (internal error)."""
    line = _refused(
        coco_doc(),
        ["convert", "--to", "voc", "--masks", "--void-border", border],
        "--void-border",
        tmp_path,
        capsys,
    )
    assert "largest image side (40 pixels)" in line


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_bad_rle_in_an_interchange_file(version: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The MATLAB interchange file holds RLE strings too (the fuzz test found a non-ASCII one)."""
    import warnings

    import gtconvert
    from gtconvert.formats.matlab import interchange

    src = write_coco(tmp_path / "c", coco_doc())
    mat = tmp_path / "in" / "gt.mat"
    mat.parent.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(gtconvert.read(src, "coco"), mat, "matlab", mat_version=version)
    ic = interchange.load(mat)
    masks = [i for i, r in enumerate(ic.objRle) if r]
    assert masks
    ic.objRle[masks[0]] = rle_string([10, 10**6])
    interchange.save(ic, mat, mat_version=version)
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(mat), str(tmp_path / "o"), "--to", "masks"], capsys)
    one_error(code, lines, f"interchange object {masks[0] + 1}: the compressed RLE counts")
    assert not (tmp_path / "o").exists() and not temporaries(tmp_path)
    assert tree(tmp_path / "in") == before
