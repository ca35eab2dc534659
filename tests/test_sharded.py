"""A conversion as a Dask bag over image shards (gtconvert/sharded.py) writes the single process's bytes.

Shards of a few images are forced on small datasets, so that every shard boundary is crossed:
images without objects, objects outside their image, crowd objects, annotations not listed
image by image, images in sub-folders. The cluster is a 2-worker ``LocalCluster`` of processes,
so every shard's part is pickled to a worker and its deferred files pickled back.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from part_cases import TARGETS, coco_doc, file_tree

import gtconvert
from gtconvert import registry, sharded, stream
from gtconvert.errors import GtconvertError
from gtconvert.report import Report

pytest.importorskip("dask.bag", reason="the optional dask extra (CI installs it)")
distributed = pytest.importorskip("distributed", reason="the optional dask extra (CI installs it)")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _coco(tmp: Path, shuffled: bool = False) -> Path:
    src = tmp / "in.json"
    src.write_text(json.dumps(coco_doc(shuffled)), encoding="utf-8")
    return src


def _events(fn) -> tuple[object, list[tuple[str, int, str]]]:  # type: ignore[no-untyped-def]
    with Report() as rep:
        result = fn()
    return result, sorted((e.code, e.count, e.message) for e in rep.events)


def _same_as_one_process(src: Path, tmp: Path, fmt: str, options: dict, dask: object, size: int) -> object:
    _, single_events = _events(lambda: gtconvert.convert(src, tmp / "single", dst_format=fmt, **options))
    done, events = _events(
        lambda: gtconvert.convert(
            src, tmp / "sharded", dst_format=fmt, dask=dask, shard_images=size, **options
        )
    )
    single, shards = file_tree(tmp / "single"), file_tree(tmp / "sharded")
    assert sorted(shards) == sorted(single)
    assert [name for name in single if single[name] != shards[name]] == []
    assert events == single_events  # summed per code, the message says the sum
    return done


@pytest.mark.parametrize(("fmt", "options"), TARGETS)
@pytest.mark.parametrize("shuffled", [False, True])
def test_sharded_output_on_a_local_cluster_is_byte_identical(
    tmp_path: Path, client: object, fmt: str, options: dict, shuffled: bool
) -> None:
    src = _coco(tmp_path, shuffled)
    done = _same_as_one_process(src, tmp_path, fmt, options, client, 3)
    assert isinstance(done, sharded.Sharded)
    assert (done.images, done.shards) == (40, 14)  # 40 images in shards of 3
    assert done.annotations == len(coco_doc(shuffled)["annotations"])
    assert "written in 14 shards" in repr(done)
    assert sorted(os.listdir(tmp_path)) == ["in.json", "sharded", "single"]  # no temporary left


def test_a_coco_file_is_read_by_the_workers(tmp_path: Path) -> None:
    """The client plans a COCO file (images and byte ranges); no shard carries annotations."""
    src = _coco(tmp_path, shuffled=True)
    reader, writer = registry.get("coco"), registry.get("yolo")
    parts, options, counts = sharded._plan(src, reader, writer, {}, {}, 5)
    assert all(isinstance(p, stream.Chunk) and splits is None for p, splits in parts) and len(parts) == 8
    assert sum(len(p.images) for p, _ in parts) == counts[0] == 40
    assert options["task"] == "segment"  # fixed for every shard, as the single pass chooses it


@pytest.mark.parametrize(("source", "target"), [("voc", "yolo"), ("yolo", "voc")])
def test_other_sources_are_read_once_and_sharded(
    tmp_path: Path, client: object, source: str, target: str
) -> None:
    made = tmp_path / "made"
    made.mkdir()
    gtconvert.convert(_coco(made, shuffled=True), made / source, dst_format=source)
    done = _same_as_one_process(made / source, tmp_path, target, {}, client, 4)
    assert done.shards == 10  # type: ignore[attr-defined]


def test_the_yolo_task_is_the_whole_datasets_in_every_shard(tmp_path: Path) -> None:
    """One shard of boxes only must still write segment rows when the dataset has polygons."""
    made = tmp_path / "made"
    made.mkdir()
    gtconvert.convert(_coco(made), made / "voc", dst_format="voc", masks=True)
    _same_as_one_process(made / "voc", tmp_path, "yolo", {}, "sync", 1)
    tasks = {(tmp_path / "sharded" / "data.yaml").read_text().count("segment")}
    assert tasks == {(tmp_path / "single" / "data.yaml").read_text().count("segment")}


def test_a_local_cluster_of_this_machine_made_for_one_conversion(tmp_path: Path) -> None:
    src = _coco(tmp_path, shuffled=True)
    done = _same_as_one_process(src, tmp_path, "yolo", {}, "local", 8)
    assert done.shards == 5  # type: ignore[attr-defined]


def test_dask_processes_from_the_command_line(tmp_path: Path) -> None:
    src = _coco(tmp_path)
    gtconvert.convert(src, tmp_path / "single", dst_format="voc")
    cmd = [sys.executable, "-m", "gtconvert", "convert", str(src), str(tmp_path / "out"), "--to", "voc"]
    res = subprocess.run([*cmd, "--dask", "processes", "--shard-images", "6"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "written in 7 shards" in res.stdout
    assert file_tree(tmp_path / "out") == file_tree(tmp_path / "single")
    again = subprocess.run([*cmd, "--dask", "threads", "--overwrite"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr  # our previous output replaced
    assert file_tree(tmp_path / "out") == file_tree(tmp_path / "single")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--to", "yolo", "--split", "train=0.8,val=0.2", "--split-by", "attribute:x"],
            "--split-by attribute:x needs every image at once",
        ),
        (["--to", "voc", "--exif", "bake"], "--exif needs every image at once"),
        (["--to", "coco"], "--dask writes yolo, voc or masks, not coco"),
        (["--to", "yolo", "--task", "pose"], "YOLO pose cannot be sharded"),
    ],
)
def test_what_cannot_be_sharded_is_refused_before_anything_is_written(
    tmp_path: Path, args: list[str], said: str
) -> None:
    src = _coco(tmp_path)
    cmd = [sys.executable, "-m", "gtconvert", "convert", str(src), str(tmp_path / "out"), *args]
    res = subprocess.run([*cmd, "--dask", "sync"], capture_output=True, text=True)
    assert res.returncode == 2
    assert said in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == ["in.json"]


def test_a_bad_record_in_a_late_shard_leaves_nothing(tmp_path: Path, client: object) -> None:
    doc = coco_doc(False)
    doc["annotations"][-1]["bbox"] = {"x": 1}  # in the last shard: the others are already written
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GtconvertError) as single:
        gtconvert.convert(src, tmp_path / "single", dst_format="yolo")
    with pytest.raises(GtconvertError) as shards:
        gtconvert.convert(src, tmp_path / "out", dst_format="yolo", dask=client, shard_images=4)
    assert str(shards.value) == str(single.value)  # worded as the single pass words it
    assert os.listdir(tmp_path) == ["in.json"]  # no output, no temporary, no shard folder


def test_two_shards_writing_one_file_is_an_error(tmp_path: Path) -> None:
    """a.jpg and a.png both write labels/a.txt: the single pass refuses it, and so does the merge."""
    doc = {
        "images": [
            {"id": i, "file_name": f"a.{ext}", "width": 8, "height": 8} for i, ext in ((1, "jpg"), (2, "png"))
        ],
        "annotations": [{"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 2, 2]} for i in (1, 2)],
        "categories": [{"id": 1, "name": "x"}],
    }
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GtconvertError):
        gtconvert.convert(src, tmp_path / "single", dst_format="yolo")
    with pytest.raises(GtconvertError) as err:
        gtconvert.convert(src, tmp_path / "out", dst_format="yolo", dask="sync", shard_images=1)
    assert "two shards wrote this file" in str(err.value)
    assert str(Path("out", "labels", "a.txt")) in str(err.value)
    assert os.listdir(tmp_path) == ["in.json"]


def test_a_task_run_again_starts_from_an_empty_folder(tmp_path: Path) -> None:
    """Dask runs a task again when its worker is lost: what the first run left is removed."""
    src = _coco(tmp_path)
    reader, writer = registry.get("coco"), registry.get("voc")
    parts, options, _ = sharded._plan(src, reader, writer, {}, {}, 10)
    folder = tmp_path / "shard"
    job = sharded._Job(0, parts[0][0], "voc", str(tmp_path / "out"), options, str(folder))
    first = sharded.write_shard(job)
    (folder / "left-over.txt").write_text("from a lost worker")
    again = sharded.write_shard(job)
    assert not (folder / "left-over.txt").exists()
    assert len(list((folder / "Annotations").rglob("*.xml"))) == 10  # its 10 images, sub-folders too
    assert pickle.loads(pickle.dumps(again)).annotations == first.annotations


def test_an_error_keeps_its_file_and_fix_across_processes() -> None:
    err = pickle.loads(pickle.dumps(GtconvertError("bad", file="a.json", record="image 3", fix="do x")))
    assert (err.file, err.record, err.fix, str(err)) == (
        "a.json",
        "image 3",
        "do x",
        "a.json: image 3: bad (fix: do x)",
    )


def test_an_unreachable_scheduler_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _coco(tmp_path)
    monkeypatch.setattr(sharded, "CONNECT_TIMEOUT", 1)
    with pytest.raises(GtconvertError) as err:
        gtconvert.convert(src, tmp_path / "out", dst_format="yolo", dask="tcp://127.0.0.1:9")
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in str(err.value)
    assert "\n" not in str(err.value) and err.value.fix
    assert os.listdir(tmp_path) == ["in.json"]


def test_after_a_failed_shard_the_others_do_no_work(tmp_path: Path) -> None:
    """A failed task marks the conversion abandoned; a task started after it writes nothing."""
    doc = coco_doc(False)
    doc["annotations"][0]["bbox"] = "not a box"
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    reader, writer = registry.get("coco"), registry.get("yolo")
    parts, options, _ = sharded._plan(src, reader, writer, {}, {}, 20)
    shards = tmp_path / "shards"
    jobs = [
        sharded._Job(k, p, "yolo", str(tmp_path / "out"), options, str(shards / str(k)))
        for k, (p, _) in enumerate(parts)
    ]
    failed = sharded.write_shard(jobs[0])
    assert isinstance(failed, sharded._Failed) and "bbox must be 4 numbers" in str(failed.error)
    assert (shards / sharded.ABANDONED).exists() and not (shards / "0").exists()
    skipped = sharded.write_shard(jobs[1])
    assert isinstance(skipped, sharded._Failed) and skipped.error is None
    assert sorted(os.listdir(shards)) == [sharded.ABANDONED]


def test_a_script_without_a_main_guard_is_told_how_to_fix_it(tmp_path: Path) -> None:
    """Dask spawns its workers, which import the calling script again: without the guard each
    worker would start a cluster of its own; the error says what to write instead."""
    src = _coco(tmp_path)
    script = tmp_path / "convert_it.py"
    call = f"gtconvert.convert({str(src)!r}, {str(tmp_path / 'out')!r}, dst_format='yolo', dask='local')"
    script.write_text(f"import gtconvert\n{call}\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert res.returncode != 0
    assert "under if __name__ == '__main__'" in res.stderr
    assert not (tmp_path / "out").exists()
