"""One process against a Dask bag of image shards (``--dask``, ``gtconvert/sharded.py``).

    python bench/sharded.py                      # both sets, 3 rounds
    python bench/sharded.py --sets masks2k --reps 2

Two conversions, each in fresh processes (``gtconvert convert``), the modes alternated in
every round (A B C A B C):

* ``masks2k``: COCO with RLE masks (2,000 images of 1280x960, 8 masks each, 64 distinct
  shapes) -> YOLO segment: tracing each mask's contours is CPU work of the writer, done in one
  process by the single pass: the job sharding is for.
* ``coco100k-boxes``: 100,000 images / 1,000,000 boxes -> YOLO detect: cheap per object, one
  file per image: what a cluster adds to a job that one core does in seconds.

Modes: ``single`` (one process), ``dask-local`` (``--dask local``: a ``LocalCluster`` of this
machine's cores, one thread each, started by the conversion), ``dask-processes``
(``--dask processes``: dask's process pool, no cluster). Wall time around the process; CPU time
from ``os.wait4`` (the cluster's workers are the conversion's children, reaped before it exits,
so their CPU is counted). The outputs are compared file by file with the single run's.
Outputs go to tmpfs. Results: ``bench/sharded.json``; ``bench/run.py`` renders them into RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

SHARDED_JSON = HERE / "sharded.json"
OUT = Path("/dev/shm/gtconvert-sharded") if Path("/dev/shm").is_dir() else HERE / "data" / "sharded-out"
MODES = {"single": [], "dask-local": ["--dask", "local"], "dask-processes": ["--dask", "processes"]}
TASKS = {"masks2k": ("yolo", ["--task", "segment"]), "coco100k-boxes": ("yolo", ["--task", "detect"])}


def masks_set(folder: Path, n_images: int = 2000, per_image: int = 8, seed: int = 0) -> Path:
    """COCO with RLE masks: ``n_images`` of 1280x960, ``per_image`` masks drawn from 64 shapes."""
    import cv2
    from pycocotools import mask as rle

    path = folder / "masks.json"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    shapes = []
    for _ in range(64):
        canvas = np.zeros((960, 1280), np.uint8)
        centre = rng.uniform((150, 150), (1130, 810)).astype(int)
        n = int(rng.integers(5, 12))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(40, 140, n)
        poly = (centre + np.c_[np.cos(angles) * radius, np.sin(angles) * radius]).astype(np.int32)
        cv2.fillPoly(canvas, [poly], 1)
        cv2.circle(canvas, tuple(int(v) for v in centre), int(radius.min() / 3), 0, -1)  # a hole
        code = rle.encode(np.asfortranarray(canvas))
        shapes.append(({"size": code["size"], "counts": code["counts"].decode()}, rle.toBbox(code).tolist()))
    images = [
        {"id": i + 1, "file_name": f"im{i:05d}.jpg", "width": 1280, "height": 960} for i in range(n_images)
    ]
    anns = []
    for im in images:
        for k in rng.integers(0, len(shapes), per_image).tolist():
            seg, box = shapes[k]
            anns.append({"id": len(anns) + 1, "image_id": im["id"], "category_id": 1 + k % 4,
                         "bbox": box, "segmentation": seg, "iscrowd": 0, "area": box[2] * box[3]})  # fmt: skip
    cats = [{"id": c, "name": f"class{c}"} for c in range(1, 5)]
    path.write_text(json.dumps({"images": images, "annotations": anns, "categories": cats}))
    return path


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            p = Path(folder, name)
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def measure(task: str, mode: str, src: str, shard_images: int) -> dict:
    fmt, options = TASKS[task]
    dst = OUT / f"{task}-{mode}"
    shutil.rmtree(dst, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    extra = ["--shard-images", str(shard_images)] if mode != "single" else []
    cmd = [sys.executable, "-m", "gtconvert", "--quiet", "convert", src, str(dst), "--to", fmt, *options]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen([*cmd, *MODES[mode], *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    ok = os.waitstatus_to_exitcode(status) == 0
    row = {
        "task": task, "mode": mode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "ok": ok,
        "files": sum(len(f) for _, _, f in os.walk(dst)), "digest": _digest(dst) if ok else None,
        "shard_images": shard_images if extra else None, "load_before": round(load, 1),
        "load_after": round(os.getloadavg()[0], 1), "cores": os.cpu_count(),
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    if not ok:
        row["error"] = err.decode(errors="replace")[-400:]
    shutil.rmtree(dst, ignore_errors=True)
    return row


def render() -> list[str]:
    """The RESULTS.md section of ``sharded.json``: medians per task and mode."""
    if not SHARDED_JSON.exists():
        return []
    runs = [r for r in json.loads(SHARDED_JSON.read_text())["runs"] if r["ok"]]
    lines = [
        "## shards on Dask (bench/sharded.py)",
        "",
        "`gtconvert convert` in one process against `--dask local` (a `LocalCluster` of this machine's "
        "cores, started by the conversion) and `--dask processes` (dask's process pool), modes alternated "
        "in each round. **masks2k**: 2,000 images of 1280x960 with 8 RLE masks each -> YOLO segment (contour "
        "tracing, CPU-bound); **coco100k-boxes**: 100,000 images / 1M boxes -> YOLO detect (file-bound). "
        "Outputs on tmpfs; `same` says every output's files hashed equal to the single run's.",
        "",
        "| task | mode | shard images | runs | wall s (median) | min-max | CPU s | speed-up | same | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in runs:
        groups.setdefault((r["task"], r["mode"]), []).append(r)
    for (task, mode), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], list(MODES).index(kv[0][1]))):
        walls = sorted(r["wall_s"] for r in rows)
        single = groups.get((task, "single"))
        base = statistics.median(r["wall_s"] for r in single) if single else None
        digests = {r["digest"] for r in (single or [])}
        same = "yes" if digests and {r["digest"] for r in rows} == digests else "no"
        loads = [r["load_before"] for r in rows]
        lines.append(
            f"| {task} | {mode} | {rows[-1]['shard_images'] or '-'} | {len(rows)} | "
            f"{statistics.median(walls):.1f} | {walls[0]:.1f}-{walls[-1]:.1f} | "
            f"{statistics.median(r['cpu_s'] for r in rows):.1f} | "
            f"{base / statistics.median(walls):.2f}x | {same} | {min(loads)}-{max(loads)} |"
            if base
            else f"| {task} | {mode} | - | {len(rows)} | {statistics.median(walls):.1f} | | | | | |"
        )
    when = sorted(r["when"] for r in runs)
    lines += ["", f"Runs {when[0]} to {when[-1]} on {runs[-1]['cores']} cores." if when else "", ""]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="*", choices=list(TASKS), default=list(TASKS))
    ap.add_argument("--modes", nargs="*", choices=list(MODES), default=list(MODES))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--shard-images", type=int, default=None, help="default: a tenth of the images")
    args = ap.parse_args()
    results = json.loads(SHARDED_JSON.read_text()) if SHARDED_JSON.exists() else {"runs": []}
    for task in args.sets:
        if task == "masks2k":
            src, n = str(masks_set(generate.DEFAULT_OUT / "masks2k")), 2000
        else:
            src, n = generate.generate([task])[task], 100_000
        size = args.shard_images or max(1, n // 10)
        for round_no in range(args.reps):
            for mode in args.modes:
                row = measure(task, mode, src, size)
                row["round"] = round_no
                results["runs"].append(row)
                SHARDED_JSON.write_text(json.dumps(results, indent=1))
                print(f"{task} {mode}: {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} s CPU, ok={row['ok']}")
    print("\n".join(render()))


if __name__ == "__main__":
    main()
