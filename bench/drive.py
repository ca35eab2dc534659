"""One benchmark run: one tool doing one task, in this (fresh) process.

    python bench/drive.py TOOL TASK SRC DST

The runner (``bench/run.py``) starts this script once per measurement, with the project's
Python for gtconvert and with ``bench/.venv``'s Python for the peers, and measures the whole
process (wall time, peak RSS). The last line printed is JSON: ``{"import_s": ..., "inner_s": ...}``: the time
to import the tool, and the time spent in its call after that, so import cost can be told apart.

Each peer is called the way its documentation shows, with the options that make it do the same
job as gtconvert (no class-id remapping in Ultralytics, a 0-based class map for globox).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _coco_root(src: str) -> Path:
    """``<set>/annotations/instances_train.json`` -> ``<set>`` (Datumaro's layout)."""
    return Path(src).resolve().parent.parent


# ---- gtconvert -------------------------------------------------------------------------


def gtconvert(task: str, src: str, dst: str) -> None:
    import gtconvert as gt

    if task == "import":
        return
    if task in ("yolo-detect", "yolo-detect-100k"):
        gt.convert(src, dst, dst_format="yolo", write_options={"task": "detect"})
    elif task == "yolo-segment":
        gt.convert(src, dst, dst_format="yolo", write_options={"task": "segment"})
    elif task == "yolo-pose":
        gt.convert(src, dst, dst_format="yolo", write_options={"task": "pose"})
    elif task == "preview":  # coco5k's labels on yolo5k's images
        from gtconvert.preview import write_preview

        annotations, images = src.split(os.pathsep)
        write_preview(gt.read(annotations, images=images), dst)
    elif task == "voc-xml":
        gt.convert(src, dst, dst_format="voc")
    elif task == "voc-masks":
        gt.convert(src, dst, dst_format="voc", write_options={"masks": True})
    elif task in ("mat-to-coco", "pixels-to-rle"):
        gt.convert(src, dst, src_format="matlab", dst_format="coco")
    elif task in ("voc-to-coco", "yolo-to-coco"):
        gt.convert(src, dst, src_format=task.split("-")[0], dst_format="coco")
    elif task == "masks-to-coco":
        gt.convert(Path(src) / "gtconvert", dst, src_format="masks", dst_format="coco")
    elif task == "gtruth-to-coco":  # several real files, one after the other, into a folder
        Path(dst).mkdir()
        for i, mat in enumerate(src.split(os.pathsep)):
            gt.convert(mat, f"{dst}/{i}.json", src_format="matlab", dst_format="coco")
    else:
        raise SystemExit(f"gtconvert: no task {task}")


# ---- Ultralytics -----------------------------------------------------------------------


def ultralytics(task: str, src: str, dst: str) -> None:
    from ultralytics.data.converter import convert_coco

    if task == "import":
        return
    if task not in ("yolo-detect", "yolo-segment", "yolo-detect-100k", "yolo-pose"):
        raise SystemExit(f"ultralytics: no task {task}")
    # convert_coco reads every *.json of the folder; cls91to80=False keeps the ids as given
    convert_coco(
        labels_dir=str(Path(src).parent),
        save_dir=dst,
        use_segments=task == "yolo-segment",
        use_keypoints=task == "yolo-pose",
        cls91to80=False,
    )


# ---- globox ----------------------------------------------------------------------------


def globox(task: str, src: str, dst: str) -> None:
    from globox import AnnotationSet

    if task == "import":
        return
    if task == "voc-to-coco":
        AnnotationSet.from_pascal_voc(Path(src) / "Annotations").save_coco(dst, auto_ids=True)
        return
    if task == "yolo-to-coco":
        names = _yolo_names(src)
        labels = AnnotationSet.from_yolo_darknet(
            Path(src) / "labels", image_folder=Path(src) / "images", image_extension=".jpg",
        )  # fmt: skip
        labels.map_labels(names).save_coco(dst, auto_ids=True)
        return
    annotations = AnnotationSet.from_coco(src)
    Path(dst).mkdir(parents=True, exist_ok=True)
    if task in ("yolo-detect", "yolo-detect-100k"):
        # globox keeps only names; give them 0-based ids in category-name order
        names = sorted({b.label for a in annotations for b in a.boxes})
        annotations.save_yolo_darknet(dst, label_to_id={n: i for i, n in enumerate(names)})
    elif task == "voc-xml":
        annotations.save_pascal_voc(dst)
    else:
        raise SystemExit(f"globox: no task {task}")


def _yolo_names(src: str) -> dict[str, str]:
    """Class number -> name from data.yaml's ``names:`` block (as gtconvert writes it)."""
    names = {}
    for line in (Path(src) / "data.yaml").read_text().splitlines():
        key, _, value = line.strip().partition(": ")
        if key.isdigit() and line.startswith("  "):
            names[key] = value.strip('"')
    return names


# ---- Datumaro --------------------------------------------------------------------------


def datumaro(task: str, src: str, dst: str) -> None:
    import datumaro as dm

    if task == "import":
        return
    reads = {
        "voc-to-coco": (src, "voc_detection"),
        "yolo-to-coco": (src, "yolo"),
        "masks-to-coco": (str(Path(src) / "datumaro"), "common_semantic_segmentation"),
    }
    if task in reads:  # the COCO exporter writes a folder (annotations/instances_<subset>.json)
        dm.Dataset.import_from(*reads[task]).export(dst, "coco_instances", save_media=False)
        return
    formats = {
        "yolo-detect": "yolo",
        "yolo-detect-100k": "yolo",
        "voc-xml": "voc_detection",
        "voc-masks": "voc_segmentation",
    }
    if task not in formats:
        raise SystemExit(f"datumaro: no task {task}")
    dataset = dm.Dataset.import_from(str(_coco_root(src)), "coco_instances")
    if task == "voc-masks":  # Datumaro paints only Mask annotations: COCO polygons need this step
        dataset = dataset.transform("polygons_to_masks")
    dataset.export(dst, formats[task], save_media=False)


# ---- a reference, not a peer: the single-pass stdlib script of the issue ---------------


def stdlib(task: str, src: str, dst: str) -> None:
    """COCO -> YOLO detect in one pass with json and dicts: the floor a library must beat."""
    if task == "import":
        return
    if task not in ("yolo-detect", "yolo-detect-100k"):
        raise SystemExit(f"stdlib: no task {task}")
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    classes = {c["id"]: i for i, c in enumerate(doc["categories"])}
    images = {im["id"]: im for im in doc["images"]}
    lines: dict[int, list[str]] = {i: [] for i in images}
    for a in doc["annotations"]:
        im = images[a["image_id"]]
        x, y, w, h = a["bbox"]
        W, H = im["width"], im["height"]
        lines[a["image_id"]].append(
            f"{classes[a['category_id']]} {(x + w / 2) / W:.6f} {(y + h / 2) / H:.6f} {w / W:.6f} {h / H:.6f}"
        )
    out = Path(dst) / "labels"
    out.mkdir(parents=True, exist_ok=True)
    for image_id, rows in lines.items():
        stem = os.path.splitext(images[image_id]["file_name"])[0]
        (out / f"{stem}.txt").write_text("\n".join(rows) + ("\n" if rows else ""), encoding="utf-8")


TOOLS = {
    "gtconvert": gtconvert,
    "ultralytics": ultralytics,
    "globox": globox,
    "datumaro": datumaro,
    "stdlib": stdlib,
}


def main() -> None:
    tool, task, src, dst = sys.argv[1:5]
    t0 = time.perf_counter()
    TOOLS[tool]("import", src, dst)  # the imports alone
    t1 = time.perf_counter()
    if task != "import":
        TOOLS[tool](task, src, dst)
    t2 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "inner_s": t2 - t1, "peak_rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """The largest resident set of this process (its own, since exec) or of a worker it started.

    ``os.wait4`` in the runner is not used for this: Linux carries a process's peak RSS across
    fork and exec, so every run reported at least the runner's own size (183 MB once
    results.json had grown), whatever the tool used.
    """
    import resource

    with open("/proc/self/status") as f:
        own = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


if __name__ == "__main__":
    main()
