"""The masks writer written in parts (streamed chunks, Dask shards) writes the single pass's bytes.

The parts are forced on a small COCO file as tests/test_stream.py and tests/test_sharded.py
force them: chunks and shards of one to a few images, so that images without objects, crowd
objects, objects outside their image, sub-folders and annotations not listed image by image
all cross a boundary. ``classes.json`` is written once, from the columns of every part.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import numpy as np
import pytest
from part_cases import coco_doc, file_tree

import gtconvert
from gtconvert import registry, sharded, staging, stream
from gtconvert.errors import GtconvertError, GtconvertWarning
from gtconvert.fileio import atomic_output
from gtconvert.formats.masks.writer import default_instances
from gtconvert.model import Annotations, Kind
from gtconvert.report import Report

OPTIONS = [{}, {"instances": False}, {"bw": True}]

Events = list[tuple[str, int, str]]


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Every COCO file streamed, however small."""
    assert "masks" in stream._WRITERS and "masks" in sharded.WRITERS
    monkeypatch.setattr(stream, "STREAM_MIN_BYTES", 0)
    return monkeypatch


def _coco(tmp: Path, doc: dict) -> Path:
    src = tmp / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    return src


def _with_object_fields(doc: dict, unknown_keys: bool = True) -> dict:
    """CVAT attributes and an unknown key on some objects: classes.json keeps them with the
    objects, else a warning counts them."""
    for k, rec in enumerate(doc["annotations"]):
        if k % 4 == 0:
            rec["attributes"] = {"occluded": k % 8 == 0, "note": f"n{k}"}
        if k % 6 == 1 and unknown_keys:
            rec["track_id"] = k
    return doc


def _whole(src: Path, dst: Path, options: dict) -> Events:
    """The single pass. Read as gtconvert.read reads (with the EXIF frame step, as the parts are):
    masks' frame is the stored one, so the unknown orientations of the absent images are reported."""
    with Report() as rep:
        gtconvert.write(gtconvert.read(src, "coco"), dst, "masks", **options)
    return sorted((e.code, e.count, e.message) for e in rep.events)


def _streamed(src: Path, dst: Path, options: dict, mp: pytest.MonkeyPatch, chunk: int, rows: int) -> Events:
    mp.setattr(stream, "CHUNK_IMAGES", chunk)
    mp.setattr(stream, "CHUNK_ANNOTATIONS", rows)
    mp.setattr(stream, "SLICE_BYTES", 1)
    with Report() as rep:
        done = stream.convert(src, dst, registry.get("masks"), {}, dict(options))
    assert done is not None and done.chunks > 1
    return sorted((e.code, e.count, e.message) for e in rep.events)


def _assert_same_trees(whole: Path, parts: Path) -> None:
    one, joined = file_tree(whole), file_tree(parts)
    assert sorted(joined) == sorted(one)
    assert [name for name in one if one[name] != joined[name]] == []


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize(("chunk", "rows"), [(1, 1), (3, 4), (7, 1000)])
def test_streamed_masks_are_byte_identical(
    tmp_path: Path, parts: pytest.MonkeyPatch, options: dict, shuffled: bool, chunk: int, rows: int
) -> None:
    src = _coco(tmp_path, _with_object_fields(coco_doc(shuffled), options.get("instances") is not False))
    whole_events = _whole(src, tmp_path / "whole", options)
    events = _streamed(src, tmp_path / "streamed", options, parts, chunk, rows)
    _assert_same_trees(tmp_path / "whole", tmp_path / "streamed")
    assert events == whole_events  # summed per code, the message says the sum
    doc = json.loads((tmp_path / "streamed" / "classes.json").read_text(encoding="utf-8"))
    objects = [im.get("objects") for im in doc["images"]]
    if options.get("instances") is False:
        assert objects == [None] * 40
    else:  # every image lists its objects, also those of a chunk without any: []
        assert [] in objects and all(o is not None for o in objects)
        kept = [o for im in objects for o in im]
        assert any("attributes" in o for o in kept) and any("track_id" in o.get("extra", {}) for o in kept)
    if options.get("bw"):
        assert any(name.startswith("BW/") for name in file_tree(tmp_path / "streamed"))


def test_the_dropped_fields_warnings_are_summed_in_parts(tmp_path: Path, parts: pytest.MonkeyPatch) -> None:
    doc = coco_doc(False)
    for k, rec in enumerate(doc["annotations"]):
        if k % 3 == 0:
            rec["track_id"] = k
            rec["keypoints"], rec["num_keypoints"] = [1, 2, 2, 3, 4, 2], 2
    src = _coco(tmp_path, doc)
    options = {"instances": False}
    assert _streamed(src, tmp_path / "streamed", options, parts, 7, 1000) == _whole(
        src, tmp_path / "whole", options
    )


def test_streamed_through_convert(tmp_path: Path, parts: pytest.MonkeyPatch) -> None:
    """gtconvert.convert streams a COCO file to masks once masks is among the streamed writers."""
    src = _coco(tmp_path, coco_doc(False))
    gtconvert.write(gtconvert.read(src, "coco"), tmp_path / "whole", "masks")
    parts.setattr(stream, "CHUNK_IMAGES", 6)
    done = gtconvert.convert(src, tmp_path / "streamed", dst_format="masks")
    assert isinstance(done, stream.Streamed) and done.chunks == 7
    _assert_same_trees(tmp_path / "whole", tmp_path / "streamed")


@pytest.mark.parametrize("options", OPTIONS)
def test_sharded_masks_are_byte_identical(tmp_path: Path, parts: pytest.MonkeyPatch, options: dict) -> None:
    src = _coco(tmp_path, _with_object_fields(coco_doc(True), options.get("instances") is not False))
    whole_events = _whole(src, tmp_path / "whole", options)
    with Report() as rep:
        done = gtconvert.convert(
            src, tmp_path / "sharded", dst_format="masks", dask="sync", shard_images=3, **options
        )
    assert isinstance(done, sharded.Sharded) and done.shards == 14
    _assert_same_trees(tmp_path / "whole", tmp_path / "sharded")
    assert sorted((e.code, e.count, e.message) for e in rep.events) == whole_events


def test_a_shard_task_returns_classes_json_deferred(tmp_path: Path, parts: pytest.MonkeyPatch) -> None:
    """A shard writes its PNGs only; classes.json waits, as plain columns of its images and objects."""
    import pickle

    src = _coco(tmp_path, coco_doc(False))
    parts_, options, _ = sharded._plan(src, registry.get("coco"), registry.get("masks"), {}, {}, 5)
    folder = tmp_path / "shard"
    job = sharded._Job(0, parts_[0][0], "masks", str(tmp_path / "out"), options, str(folder))
    written = sharded.write_shard(job)
    assert isinstance(written, sharded._Written)
    assert not (folder / "classes.json").exists()
    assert len(list((folder / "index").rglob("*.png"))) == 5
    (entry,) = pickle.loads(pickle.dumps(written.deferred)).values()
    assert len(entry.parts["names"]) == 1 and len(entry.parts["names"][0]) == 5
    assert sum(len(x) for x in entry.parts["object_ids"]) == written.annotations


def test_masks_shards_on_a_local_cluster(tmp_path: Path, parts: pytest.MonkeyPatch) -> None:
    """Shards of 10 images reach the process pool of the pixel work, in daemonic workers."""
    distributed = pytest.importorskip("distributed", reason="the optional dask extra (CI installs it)")
    src = _coco(tmp_path, coco_doc(True))
    gtconvert.write(gtconvert.read(src, "coco"), tmp_path / "whole", "masks", bw=True)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    )
    with cluster, distributed.Client(cluster) as client:
        done = gtconvert.convert(
            src, tmp_path / "sharded", dst_format="masks", dask=client, shard_images=10, bw=True
        )
    assert done.shards == 4  # type: ignore[attr-defined]
    _assert_same_trees(tmp_path / "whole", tmp_path / "sharded")


def _two_extensions(tmp: Path) -> Path:
    doc = {
        "images": [
            {"id": i, "file_name": name, "width": 8, "height": 8}
            for i, name in enumerate(["a.jpg", "b.jpg", "a.png", "c.jpg"], start=1)
        ],
        "annotations": [
            {"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 2, 2]} for i in (1, 2, 3, 4)
        ],
        "categories": [{"id": 1, "name": "x"}],
    }
    return _coco(tmp, doc)


def test_names_differing_in_extension_in_one_part_keep_their_full_names(
    tmp_path: Path, parts: pytest.MonkeyPatch
) -> None:
    src = _two_extensions(tmp_path)
    gtconvert.write(gtconvert.read(src, "coco"), tmp_path / "whole", "masks")
    _streamed(src, tmp_path / "streamed", {}, parts, 3, 1000)
    _assert_same_trees(tmp_path / "whole", tmp_path / "streamed")
    assert (tmp_path / "streamed" / "index" / "a.png.png").is_file()


def test_names_differing_in_extension_in_two_parts_are_refused(
    tmp_path: Path, parts: pytest.MonkeyPatch
) -> None:
    """Each part would name its image's mask a.png: refused, nothing written (not one mask lost)."""
    src = _two_extensions(tmp_path)
    with pytest.raises(GtconvertError, match=r"'a\.jpg' and 'a\.png' differ only in their extension"):
        _streamed(src, tmp_path / "streamed", {}, parts, 2, 1000)
    with pytest.raises(GtconvertError):  # the shards' merge meets index/a.png twice
        gtconvert.convert(src, tmp_path / "sharded", dst_format="masks", dask="sync", shard_images=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_the_same_name_in_two_parts_is_refused_as_in_one_pass(
    tmp_path: Path, parts: pytest.MonkeyPatch
) -> None:
    doc = json.loads(_two_extensions(tmp_path).read_text(encoding="utf-8"))
    doc["images"][2]["file_name"] = "a.jpg"
    src = _coco(tmp_path, doc)
    with pytest.raises(GtconvertError, match="two images have the same file name"):
        gtconvert.write(gtconvert.read(src, "coco"), tmp_path / "whole", "masks")
    with pytest.raises(GtconvertError, match="two images have the same file name"):
        _streamed(src, tmp_path / "streamed", {}, parts, 2, 1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


# ---- a source read whole, cut into parts (sharded's path for anything but a COCO file) ----------


def _pixel_labels_and_boxes(tmp: Path) -> gtconvert.Dataset:
    """Index masks read back (pixel labels only), with boxes on the first 10 of the 40 images."""
    gtconvert.write(
        gtconvert.read(_coco(tmp, coco_doc(False)), "coco"), tmp / "semantic", "masks", instances=False
    )
    ds = gtconvert.read(tmp / "semantic", "masks")
    assert set(ds.annotations.kind.tolist()) == {Kind.PIXEL_REF}
    first = np.arange(10)
    boxes = Annotations.create(
        first,
        np.zeros(10, dtype=np.int64),
        [Kind.BOX] * 10,
        id=first + 10**6,
        bbox=np.tile([2, 3, 20, 9], (10, 1)),
    )
    return ds.replace(annotations=Annotations.concat([ds.annotations, boxes]))


def _write_in_parts(parts: list, dst: Path, options: dict) -> None:
    """``parts`` (datasets of consecutive images) written into one stage, as a sharded conversion
    of a source read whole writes them."""
    writer = registry.get("masks")
    with atomic_output(dst, is_dir=True) as tmp:
        stage = staging.Stage(tmp)
        with staging.staged(stage):
            for part, _ in parts:
                writer.write(part, dst, **options)
        stage.finish()


def test_parts_of_pixel_labels_only_in_a_dataset_with_objects(tmp_path: Path) -> None:
    """A part holding only pixel labels writes their instance masks when the dataset has objects:
    sharded.dataset_parts decides ``instances`` from the whole dataset, as it fixes YOLO's task."""
    ds = _pixel_labels_and_boxes(tmp_path)
    parts, options, _ = sharded.dataset_parts(ds, registry.get("masks"), {}, 5)
    assert options == {"instances": default_instances(ds.annotations)} == {"instances": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GtconvertWarning)
        registry.get("masks").write(ds, tmp_path / "whole")
        _write_in_parts(parts, tmp_path / "parts", options)
    _assert_same_trees(tmp_path / "whole", tmp_path / "parts")
    assert len(list((tmp_path / "parts" / "instances").glob("*.png"))) > 10  # the pixel labels' too
