"""The benchmark's tasks: data set, tools, target, and the notes printed under each table."""

from __future__ import annotations

from dataclasses import dataclass

PEERS = ("ultralytics", "globox", "datumaro")


@dataclass(frozen=True)
class Task:
    name: str
    dataset: str  # a set of generate.SETS
    tools: tuple[str, ...]  # gtconvert first, then peers, then references
    needs: tuple[str, ...]  # gtconvert modules the task needs
    target: str
    output: str = "dir"  # "dir" or "file" (a COCO JSON)
    reps: int | None = None  # overrides --reps (the 100k task is long for peers)


TASKS = {
    t.name: t
    for t in [
        Task("import", "coco5k", ("gtconvert", *PEERS), (), "import gtconvert < 0.2 s"),
        Task("yolo-detect", "coco5k", ("gtconvert", *PEERS, "stdlib"), ("yolo",), "<= 1/3 of the fastest peer"),
        Task("yolo-segment", "coco5k", ("gtconvert", "ultralytics"), ("yolo",), "<= 1/3 of the fastest peer"),
        Task("voc-xml", "coco5k", ("gtconvert", "globox", "datumaro"), ("voc",), "<= 1/3 of the fastest peer"),
        Task("voc-masks", "coco5k", ("gtconvert", "datumaro"), ("voc",), "<= 1/20 of Datumaro", reps=2),
        Task(
            "yolo-detect-100k", "coco100k", ("gtconvert", "ultralytics", "stdlib"), ("yolo",),
            "gtconvert peak RSS < 1 GB", reps=2,
        ),
        Task("mat-to-coco", "interchange10k", ("gtconvert",), ("matlab",), "< 2 s", output="file"),
        Task(
            "pixels-to-rle", "pixels1k", ("gtconvert",), ("matlab",),
            "uses both cores; images/s reported", output="file", reps=3,
        ),
        Task(
            "voc-to-coco", "voc5k", ("gtconvert", "globox", "datumaro"), ("voc", "coco"),
            "<= 1/3 of the fastest peer", output="file",
        ),
        Task(
            "yolo-to-coco", "yolo5k", ("gtconvert", "globox", "datumaro"), ("yolo", "coco"),
            "<= 1/3 of the fastest peer", output="file",
        ),
        Task(
            "masks-to-coco", "masks5k", ("gtconvert", "datumaro"), ("masks", "coco"),
            "<= 1/3 of the fastest peer", output="file", reps=3,
        ),
        Task("yolo-pose", "coco-kp50k", ("gtconvert", "ultralytics"), ("yolo",), "<= 1/3 of the fastest peer"),
        Task(
            "preview", "preview5k", ("gtconvert",), ("coco",),
            "uses both cores; images/s reported", reps=3,
        ),
        Task(
            "gtruth-to-coco", "gtruth-fixtures", ("gtconvert",), ("matlab", "coco"),
            "< 2 s (no peer)", output="file",
        ),
    ]
}  # fmt: skip

#: Why a peer is absent from a task (printed under the task's table).
ABSENT = {
    "yolo-segment": "globox has no YOLO segmentation writer; Datumaro 1.13's `yolo_ultralytics` "
    "exporter writes boxes only.",
    "voc-xml": "Ultralytics has no VOC writer.",
    "voc-masks": "globox and Ultralytics do not rasterise masks.",
    "yolo-detect-100k": "globox and Datumaro are left out of the 100k run to keep it within minutes.",
    "mat-to-coco": "no peer reads MATLAB ground truth (interchange or groundTruth); absolute target.",
    "pixels-to-rle": "no peer reads MATLAB pixel labels; absolute target.",
    "voc-to-coco": "Ultralytics has no VOC reader.",
    "yolo-to-coco": "Ultralytics has no COCO writer.",
    "masks-to-coco": "globox and Ultralytics do not read masks.",
    "yolo-pose": "Datumaro 1.13.12 has no YOLO pose exporter (its `yolo_ultralytics` writes boxes only; "
    "`coco_person_keypoints` is a COCO format); globox has no keypoints.",
    "preview": "no peer draws a dataset's labels into an HTML gallery from the command line "
    "(FiftyOne's app is a server); absolute target.",
    "gtruth-to-coco": "no peer reads MATLAB groundTruth; gtconvert alone, on the largest real "
    "fixtures (`../shared/fixtures`: ivan-polygon `gTruth_py_flat.mat`, 1,327 images, 261 kB; "
    "ivan-polygon2 `gTruthPear.mat`; ssduckk `SamplegTruth.mat`), all three in one run.",
}


#: Where gtconvert's time goes, from profiling (py-spy / pyinstrument) on the same data.
PROFILE_NOTES = {
    "yolo-detect": "Profile (gtconvert, whole process ~0.6 s): interpreter, numpy and gtconvert "
    "imports 0.12 s; COCO read 0.3 s (orjson 0.11 s, columns 0.19 s); YOLO writer 0.15 s: label "
    "text as numpy byte records for all rows (digits exactly `%.6f`'s) 0.04 s, 5,000 files by an "
    "`os.open`/`os.write` loop 0.04 s, paths, sidecar and data.yaml (no PyYAML emitter) the rest. "
    "Was 1.1 s: `Path` objects and a thread-pool future per file, a regex per file, PyYAML, and "
    "every module compiled from source in each run (PYTHONDONTWRITEBYTECODE; `run.py` now "
    "byte-compiles gtconvert first, as pip does for the peers).",
    "yolo-segment": "Profile (whole process ~0.9 s): COCO read 0.3 s; YOLO writer 0.4 s: boxes and "
    "polygons of one or two parts inside their image as whole arrays 0.16 s (two-part bridges "
    "0.04 s, `geometry.bridge_two_parts`), 1.2 M values formatted 0.1 s, files 0.05 s. Was 6.9 s: "
    "a Python loop over all 70,000 objects with numpy calls per object.",
    "voc-masks": "Profile (300-image subset, one process, ~3.9 ms per image): PNGs 0.67 of 1.1 s "
    "(`voc.png_bytes`: only bands of non-zero rows are zlib-compressed, zero rows spliced from cached "
    "deflate blocks), RLE crops 0.2 s, pycocotools rasterisation 0.05 s; images run in a process "
    "pool over both cores (CPU 16.7 s for 8.8 s wall). Was 147 s: a full-size mask per object "
    "(pycocotools decode 1.4 ms + whole-image boolean paint 0.7 ms at 1080p), Pillow PNGs at "
    "level 6, one process.",
    "yolo-detect-100k": "Files of 64 MB and more are read in slices (`gtconvert/jsonstream.py`): a numpy "
    "scan of quotes and brackets (0.9 s) finds each record, orjson parses 4 MB of records at a time "
    "into columns allocated once; the whole 290 MB JSON as Python objects (the stdlib script's and "
    "Ultralytics' peak) is never built. Peak = columns (~360 MB) + one slice, then the YOLO writer.",
    "mat-to-coco": "Profile: scipy `loadmat` 0.75 s (was 0.95 s: `chars_as_strings=False`, the "
    "140,000 empty `objRle`/`objAttributes` cells are no longer converted one by one), normalising "
    "0.1 s (was 0.25 s), `matlab._image_names` 0.1 s (was 0.3 s, pathlib per image); the COCO "
    "writer 0.5 s; importing scipy.io 0.25 s.",
    "voc-to-coco": "Since 3130db2 and e4a35ac (`voc/xml_fast.py`: expat with defusedxml's guards checks "
    "each file, one regex pass takes the objects; files it does not know go through the tree "
    "parser) the target is met (was 0.44 on 2026-12-01: 85% of the run in ElementTree, defusedxml's "
    "parser 30%, `find`/`findtext` over 70,000 objects 20%). Not profiled again in this round.",
    "yolo-to-coco": "Since f87626a (label files read in batches, one thread task per batch, and "
    "parsed all at once: `yolo/labelfiles.py`) the target is met (was 0.70 on 2026-12-01, with "
    "`yolo.paths.find_entries` 60% of the run in `pathlib`). Not profiled again in this round.",
    "masks-to-coco": "The table: 2026-12-02 06:56-07:26, load 1.0 during the counted round "
    "(2.8 for two minutes of the uncounted one, when the test suite ran). An earlier run (06:20-06:55, "
    "load 1-3) gave gtconvert 12.2 s and Datumaro 870 s (ratio 0.014); its warm-up round, at "
    "f50c5fc before 7381bd4, gave gtconvert 26.4 s. Old and new gtconvert alternated beside a "
    "Datumaro run: 41-44 s wall and 54 s of CPU before, 19-27 s and 25 s after. "
    "Datumaro does finish: the earlier stop was an outside `timeout 900` at load 10-16; it needs "
    "about 15 minutes of one core at load 1 (894 s of CPU, 0.18 s per image, linear: 100 images "
    "15.6 s, 400 images 61 s). py-spy (100 images): 72% in `mask_tools.load_mask`, decoding the PNG as colour "
    "and `unpaint_mask` (`np.unique` with `return_inverse` over every pixel), done by the importer "
    "for each image and again when the exporter asks a mask's area (`find_instance_parts`) and its "
    "RLE (`ImageCache` keeps 2 images); it also writes the background as one more annotation per "
    "image, with uncompressed RLE counts. gtconvert, per masks5k image on one core: decode 1.2 ms "
    "(Pillow and the numpy copy) in each of two passes; the reader's values, pixel counts and boxes "
    "were 4.6-5.2 ms (a `bincount` casting every pixel to int64, a full-image mask per class for "
    "its box), now 0.5 ms from the runs along the rows (`pixels.label_summary`); the COCO writer's "
    "RLEs were 1.7 ms (1.0 ms of it a transposed copy), now 0.8 ms from the column runs found in "
    "the row-major matrix (`pixels.column_runs`). Left: each PNG is still decoded twice (plus "
    "~0.5 ms of page faults for the fresh numpy copy); one pass (the reader keeping the RLEs) "
    "would save about a third of the CPU but hold every RLE in `read`'s result and in conversions "
    "that never write them (masks -> VOC, YOLO detect); not done.",
    "gtruth-to-coco": "The three files are small (261 kB at most): 0.6 s in the call for all three at "
    "load 1.4 (2.9 s at load 10); interpreter start and imports (numpy, scipy.io) are most of the "
    "rest. A real project's gTruth of 10,000 images is the `mat-to-coco` task's size.",
    "yolo-pose": "At load 9-11 the wall times are 4-5x the CPU times (gtconvert 2.4 s of CPU, Ultralytics "
    "6.9 s: a CPU ratio of 0.35). Profile (cProfile, whole process, load ~10): reading the COCO file is 64%, of which "
    "the check that every `keypoints` list holds only numbers (`coco.annotations._is_flat_numbers`, a "
    "Python generator over 2.55 M values) is 40% of the run; the YOLO writer 29% (`text.format_rows` "
    "8%); image headers looked up for 20,000 absent images (`exif.after_read`) 6%. Checking the value "
    "types in C (`set(map(type, chain(...)))`) would take most of that 40% away; not changed here "
    "(`formats/coco/annotations.py` is another helper's file).",
    "preview": "One round at load average 3-4 (01:17, after 6b826ae and 79e8199: overlay PNGs by "
    "`preview/png.py`, RGB images drawn without a copy): 168 s of CPU for 5,000 images, 34 ms per "
    "image (overlay PNG, thumbnail, gallery), over 170 s of wall time: one core's worth, either the share the loaded "
    "machine gave the process and its pool or a pool that does not fill two cores (not told apart here). The first measurement (00:00-00:53, load 5-13, before "
    "those commits): 333 s of CPU, 67 ms per image, 558 s wall, 0.6 cores. Whether the pool keeps "
    "both cores busy cannot be judged on a machine this loaded: rerun "
    "`python bench/run.py --tasks preview --reps 2` when it is quiet (~85 s expected from the CPU time).",
    "pixels-to-rle": "Profile: which labels each PNG holds is found in the process pool "
    "(`pixels.values_present`, was one core in the reading process); the writer decodes each PNG "
    "again in the pool for its RLEs. Both passes keep the two cores busy; decoding 1024x1024 PNGs "
    "is most of the time.",
}
