"""Streamed COCO -> YOLO / VOC (gtconvert/stream.py) writes the bytes of the single-pass write.

The streamed path is forced on small files with tiny chunks (one to a few images, a few
annotations, slices of a few bytes), so that every chunk boundary is crossed: images without
objects, objects outside their image, crowd objects, annotations not listed image by image.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from part_cases import TARGETS, coco_doc, file_tree
from strategies import datasets

import gtconvert
from gtconvert import registry, stream
from gtconvert.formats import coco
from gtconvert.model import Kind
from gtconvert.report import Report

COCO_KINDS = (Kind.BOX, Kind.POLYGON, Kind.MASK, Kind.ROTATED_BOX)


def _whole(src: Path, dst: Path, fmt: str, options: dict) -> list[tuple[str, int, str]]:
    with Report() as rep:
        gtconvert.write(coco.read(src), dst, fmt, **options)
    return [(e.code, e.count, e.message) for e in rep.events]


def _streamed(
    src: Path, dst: Path, fmt: str, options: dict, mp: pytest.MonkeyPatch, chunk: int = 1, rows: int = 2
) -> tuple[stream.Streamed, list[tuple[str, int, str]]]:
    mp.setattr(stream, "CHUNK_IMAGES", chunk)
    mp.setattr(stream, "CHUNK_ANNOTATIONS", rows)
    mp.setattr(stream, "SLICE_BYTES", 1)
    with Report() as rep:
        done = stream.convert(src, dst, registry.get(fmt), {}, dict(options))
    assert done is not None
    return done, [(e.code, e.count, e.message) for e in rep.events]


def _same_output(src: Path, tmp: Path, fmt: str, options: dict, mp: pytest.MonkeyPatch, **sizes: int) -> None:
    whole_events = _whole(src, tmp / "whole", fmt, options)
    done, events = _streamed(src, tmp / "streamed", fmt, options, mp, **sizes)
    whole, streamed = file_tree(tmp / "whole"), file_tree(tmp / "streamed")
    assert sorted(streamed) == sorted(whole)
    assert [k for k in whole if whole[k] != streamed[k]] == []
    assert sorted(events) == sorted(whole_events)  # summed per code, the message says the sum
    assert done.images == len(coco.read(src).images)


@pytest.mark.parametrize(("fmt", "options"), TARGETS)
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize(("chunk", "rows"), [(1, 1), (3, 4), (7, 1000)])
def test_streamed_output_is_byte_identical(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    options: dict,
    shuffled: bool,
    chunk: int,
    rows: int,
) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps(coco_doc(shuffled)), encoding="utf-8")
    _same_output(src, tmp_path, fmt, options, monkeypatch, chunk=chunk, rows=rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ds=datasets(kinds=COCO_KINDS), target=st.sampled_from(TARGETS[:5]), chunk=st.integers(1, 3))
def test_random_datasets_stream_to_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, ds: gtconvert.Dataset, target: tuple, chunk: int
) -> None:
    tmp = tmp_path_factory.mktemp("stream")
    src = tmp / "in.json"
    coco.write(ds, src)
    with pytest.MonkeyPatch.context() as mp:
        _same_output(src, tmp, target[0], target[1], mp, chunk=chunk, rows=chunk)


def test_chunks_are_bounded_by_images_and_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    monkeypatch.setattr(stream, "CHUNK_IMAGES", 3)
    monkeypatch.setattr(stream, "CHUNK_ANNOTATIONS", 5)
    counts = np.array([0, 2, 2, 2, 9, 0, 0, 0, 1, 1])
    edges = stream.chunk_edges(counts)
    assert edges[0] == 0 and edges[-1] == len(counts)
    sizes = np.diff(edges)
    per_chunk = np.add.reduceat(counts, edges[:-1])
    assert (sizes >= 1).all() and (sizes <= 3).all()
    assert ((per_chunk <= 5) | (sizes == 1)).all()  # one image with more objects than the cap: alone


def test_convert_streams_big_coco_to_yolo_and_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps(coco_doc(False)), encoding="utf-8")
    gtconvert.convert(src, tmp_path / "whole", dst_format="yolo")
    monkeypatch.setattr(stream, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(stream, "CHUNK_IMAGES", 4)
    done = gtconvert.convert(src, tmp_path / "streamed", dst_format="yolo")
    assert isinstance(done, stream.Streamed) and done.chunks == 10
    assert "streamed in 10 chunks" in repr(done)
    assert file_tree(tmp_path / "streamed") == file_tree(tmp_path / "whole")


@pytest.mark.parametrize(
    ("fmt", "read_options", "write_options"),
    [
        ("yolo", {}, {"split": {"train": 0.5, "val": 0.5}, "split_by": "attribute:x"}),  # needs attributes
        ("voc", {"keep": ["cat"]}, {}),  # dataset options run on the whole dataset
        ("yolo", {}, {"task": "pose"}),
        ("coco", {}, {}),
    ],
)
def test_whole_dataset_options_keep_the_single_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, read_options: dict, write_options: dict
) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps(coco_doc(False)), encoding="utf-8")
    monkeypatch.setattr(stream, "STREAM_MIN_BYTES", 0)
    reader, writer = registry.get("coco"), registry.get(fmt)
    assert not stream.applies(reader, writer, src, read_options, write_options)
    assert stream.applies(reader, registry.get("voc"), src, {"images": "x"}, {"overwrite": True})
    split = {"split": {"train": 0.5, "val": 0.5}, "seed": 1, "split_by": "folder"}
    assert stream.applies(reader, registry.get("yolo"), src, {}, split)  # drawn in the plan


def test_a_bad_record_in_a_late_chunk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = coco_doc(False)
    doc["annotations"][-1]["bbox"] = {"x": 1}  # in the last chunk: earlier chunks are already staged
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(gtconvert.GtconvertError) as whole:
        coco.read(src)
    monkeypatch.setattr(stream, "CHUNK_IMAGES", 2)
    with pytest.raises(gtconvert.GtconvertError) as streamed:
        stream.convert(src, tmp_path / "out", registry.get("yolo"), {}, {})
    assert str(streamed.value) == str(whole.value)
    assert os.listdir(tmp_path) == ["in.json"]  # no output, no temporary left


@pytest.mark.parametrize("bad", ["a string", {"id": 1, "category_id": 3}, {"id": "1", "image_id": 1000}])
def test_unusual_records_are_left_to_the_whole_file_reader(tmp_path: Path, bad: object) -> None:
    """None (nothing written): the caller reads the file whole, which words the error."""
    doc = coco_doc(False)
    doc["annotations"].append(bad)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    assert stream.convert(src, tmp_path / "out", registry.get("voc"), {}, {}) is None
    assert os.listdir(tmp_path) == ["in.json"]
    with pytest.raises(gtconvert.GtconvertError):
        coco.read(src)


def test_keypoints_keep_the_single_pass_for_yolo(tmp_path: Path) -> None:
    doc = coco_doc(False)
    doc["annotations"][5]["keypoints"] = [1, 2, 2, 3, 4, 2]  # YOLO's default task becomes pose
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    assert stream.convert(src, tmp_path / "out", registry.get("yolo"), {}, {}) is None
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["yolo", "voc"])
def test_images_with_exif_tags_are_turned_and_copied_as_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Chunks go through the formats' EXIF frames (registry.Format.read/write) and copy their images."""
    from PIL import Image

    doc = coco_doc(False)
    doc["images"] = doc["images"][:8]
    doc["annotations"] = [a for a in doc["annotations"] if a["image_id"] < 1008]
    folder = tmp_path / "photos"
    for k, im in enumerate(doc["images"]):
        exif = Image.Exif()
        exif[0x0112] = (1, 6, 3, 8)[k % 4]  # displayed sizes swap for 6 and 8
        w, h = (im["width"], im["height"]) if exif[0x0112] in (1, 3) else (im["height"], im["width"])
        (folder / im["file_name"]).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (w, h), (k * 20, 90, 40)).save(folder / im["file_name"], exif=exif)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    with Report() as rep:
        gtconvert.convert(src, tmp_path / "whole", dst_format=fmt, images=str(folder))
    monkeypatch.setattr(stream, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(stream, "CHUNK_IMAGES", 3)
    with Report() as streamed_rep:
        done = gtconvert.convert(src, tmp_path / "streamed", dst_format=fmt, images=str(folder))
    assert isinstance(done, stream.Streamed)
    whole, streamed = file_tree(tmp_path / "whole"), file_tree(tmp_path / "streamed")
    assert sum(k.endswith(".jpg") for k in streamed) == 8
    assert streamed == whole
    assert sorted((e.code, e.count) for e in streamed_rep.events) == sorted(
        (e.code, e.count) for e in rep.events
    )
