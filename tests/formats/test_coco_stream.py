"""The COCO reader's bounded-memory path (big files, read in slices) reads exactly what the
whole-file path reads, and fails on exactly the same bad inputs.

The slice path is forced on small files by lowering its threshold, with tiny scan chunks and
slices so that every chunk and slice boundary case (inside strings, after backslashes, between
records) is crossed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs.corpus import CASES, Case
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets

import gtconvert
from gtconvert import jsonstream
from gtconvert.cli import main
from gtconvert.errors import GtconvertError
from gtconvert.formats import coco
from gtconvert.model import Kind
from gtconvert.testing import assert_datasets_equal

COCO_KINDS = (Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)


def _read_streamed(path: Path, chunk: int, slice_bytes: int) -> gtconvert.Dataset:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(coco.reader, "STREAM_MIN_BYTES", 0)
        mp.setattr(jsonstream, "CHUNK_BYTES", chunk)
        mp.setattr(jsonstream, "SLICE_BYTES", slice_bytes)
        return coco.read(path)


def _same(path: Path, chunk: int, slice_bytes: int) -> None:
    whole = coco.read(path)
    streamed = _read_streamed(path, chunk, slice_bytes)
    assert_datasets_equal(whole, streamed)
    assert streamed.info == whole.info
    assert streamed.images.extra.tolist() == whole.images.extra.tolist()
    assert streamed.annotations.extra.tolist() == whole.annotations.extra.tolist()
    assert [c.extra for c in streamed.categories] == [c.extra for c in whole.categories]


@settings(max_examples=40, deadline=None)
@given(
    ds=datasets(kinds=COCO_KINDS),
    chunk=st.integers(1, 300),
    slice_bytes=st.integers(1, 400),
    indent=st.booleans(),
)
def test_slices_read_what_the_whole_file_reads(
    tmp_path_factory: pytest.TempPathFactory,
    ds: gtconvert.Dataset,
    chunk: int,
    slice_bytes: int,
    indent: bool,
) -> None:
    path = tmp_path_factory.mktemp("coco") / "in.json"
    coco.write(ds, path, indent=indent)
    _same(path, chunk, slice_bytes)


def _awkward_doc() -> dict:
    """Strings full of what a byte scanner could mistake for structure, extra keys everywhere."""
    names = ['a"b.jpg', "back\\slash\\.jpg", 'x\\\\"y.jpg', "[{,}]:.jpg", "ünï cödé 🐱.jpg", "\\", ""]
    return {
        "annotations": [  # before the images: the order of the keys must not matter
            {
                "id": k + 1,
                "image_id": k + 1,
                "category_id": 7,
                "bbox": [1, 2, 3, 4],
                "note": names[k],
                "z": {"q": [1, {}]},
            }
            for k in range(len(names))
        ]
        + [
            {
                "id": 100,
                "image_id": 1,
                "category_id": 7,
                "segmentation": [[1, 1, 5, 1, 5, 5], [7, 7, 9, 7, 9, 9]],
                "parent_id": 1,
            },
            {"id": 101, "image_id": 2, "category_id": 7, "segmentation": {"size": [4, 3], "counts": [0, 12]}},
        ],
        "info": {"description": 'x\\"]}', "nested": [[], [{}], "]"]},
        "licenses": [{"id": 1, "name": "\\\\"}],
        "images": [
            {"id": k + 1, "file_name": n or "empty", "width": 10, "height": 10, "extra": [n, {"k": "}"}]}
            for k, n in enumerate(names)
        ],
        "categories": [{"id": 7, "name": '"quoted"', "supercategory": "\\"}],
        "zz_unknown": [1, "[", {"]": '\\"'}],
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8, 13, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 1])
def test_escapes_brackets_and_unicode_at_every_chunk_boundary(
    tmp_path: Path, chunk: int, indent: int | None
) -> None:
    path = tmp_path / "awkward.json"
    path.write_text(json.dumps(_awkward_doc(), indent=indent, ensure_ascii=indent is None), encoding="utf-8")
    for slice_bytes in (1, 50, 1 << 20):
        _same(path, chunk, slice_bytes)
    ds = _read_streamed(path, chunk, 1)
    assert ds.images.file_name.tolist()[:4] == ['a"b.jpg', "back\\slash\\.jpg", 'x\\\\"y.jpg', "[{,}]:.jpg"]
    assert ds.info["coco"]["zz_unknown"] == [1, "[", {"]": '\\"'}]
    assert ds.annotations.parent.tolist()[-2] == 0  # parent_id 1 is the first row, across slices


@pytest.mark.parametrize(
    "text",
    [
        '{"images": [{"id": 1, "file_name": "a"},], "annotations": []}',  # trailing comma
        '{"images": [{"id": 1, "file_name": "a"},, {"id": 2, "file_name": "b"}], "annotations": []}',
        '{"images": [{"id": 1, "file_name": "a"}}, "annotations": []}',  # ] closed by }
        '{"images": [{"id": 1, "file_name": "a"}], "annotations": [',  # truncated
        '{"images": [{"id": 1, "file_name": "a\\"}], "annotations": []}',  # string never closed
        '{"images": [{"id": 1, "file_name": "a"} {"id": 2}], "annotations": []}',  # no comma
        '{"images": [], "annotations": []} []',  # trailing data
        '{"images": [], "annotations": []}]]',
        '{"images": [], "licenses": [1,,2], "annotations": []}',
    ],
)
def test_damaged_json_is_refused_in_slices_too(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GtconvertError, match="not valid JSON"):
        coco.read(path)
    for chunk in (1, 4, 1 << 20):
        with pytest.raises(GtconvertError, match="not valid JSON"):
            _read_streamed(path, chunk, 1)


def test_whitespace_only_arrays_are_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"images": [ \n ], "annotations": [\t], "categories": []}', encoding="utf-8")
    ds = _read_streamed(path, 3, 1)
    assert len(ds.images) == 0 and len(ds.annotations) == 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_corpus_through_slices(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every corpus case gives the same error or repair with the slice path forced on."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    argv = case.build(inputs)
    out = tmp_path / "out" / "result"
    out.parent.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(coco.reader, "STREAM_MIN_BYTES", 0)
        mp.setattr(jsonstream, "CHUNK_BYTES", 7)
        mp.setattr(jsonstream, "SLICE_BYTES", 40)
        capsys.readouterr()
        code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if case.error is not None:
        assert code == 2 and case.error in err, err
    else:
        assert code == 0, err
        case.check(out)  # type: ignore[misc]


_IMG = '{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}, {"id": 3, "file_name": "c.jpg"}'


@pytest.mark.parametrize(
    "images",
    [
        f"[{_IMG}, 5]",  # a scalar after the objects
        f"[5, {_IMG}]",  # before them
        f'[{_IMG}, "x", {_IMG.replace("1", "4").replace("2", "5").replace("3", "6")}]',  # between
        f"[{_IMG}, [1, 2]]",  # an array element
        "[1, 2, 3]",  # no object at all
    ],
)
def test_arrays_of_odd_elements_fail_as_in_the_whole_file(tmp_path: Path, images: str) -> None:
    """Valid JSON whose records are not all objects: the same COCO error either way."""
    path = tmp_path / "odd.json"
    path.write_text(f'{{"images": {images}, "annotations": [], "categories": []}}', encoding="utf-8")
    with pytest.raises(GtconvertError) as whole:
        coco.read(path)
    for chunk, slice_bytes in ((3, 1), (5, 40), (1 << 20, 1 << 20)):
        with pytest.raises(GtconvertError) as streamed:
            _read_streamed(path, chunk, slice_bytes)
        assert streamed.value.message == whole.value.message
