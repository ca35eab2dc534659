"""Slow disks: gtconvert writing label files against the file-creation floor, on disk and tmpfs.

    python bench/disk.py [--disk DIR] [--tmpfs DIR] [--tasks yolo-detect voc-xml] [--reps 3]

For each task and each round, A B A B on both file systems: gtconvert converts ``coco5k``
(``bench/drive.py``, a fresh process), then the floor (``bench/floor.py``) creates exactly the
files gtconvert wrote, with the thread count that was fastest on that file system (scanned
first). What a disk adds is compared: ``(gtconvert on disk - gtconvert on tmpfs)`` against
``(floor on disk - floor on tmpfs)``; the target is at most 1.15x. The medians go into
``bench/disk.json``; ``bench/run.py`` shows them in RESULTS.md (``render``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DISK_JSON = HERE / "disk.json"
sys.path.insert(0, str(HERE))
import run  # noqa: E402
from tasks import TASKS  # noqa: E402


def floor(reference: Path, dest: Path, threads: list[int], reps: int) -> dict:
    cmd = [sys.executable, str(HERE / "floor.py"), str(reference), str(dest), "--reps", str(reps)]
    res = subprocess.run([*cmd, "--threads", *map(str, threads)], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def gtconvert(task: str, src: str, out: Path) -> tuple[float, Path]:
    run.OUT = out
    row = run.measure("gtconvert", TASKS[task], src)
    if not row["ok"]:
        raise SystemExit(f"gtconvert failed: {row.get('error')}")
    return row["wall_s"], out / task / "gtconvert"


def measure_task(task: str, src: str, places: dict[str, Path], reps: int) -> dict:
    best = {}
    for kind, out in places.items():  # which concurrency is the floor on each file system
        _, ref = gtconvert(task, src, out)
        best[kind] = floor(ref, out / "floor", [1, 2, 4, 8], 3)
    walls: dict[str, list[float]] = {f"gtconvert_{k}": [] for k in places}
    walls.update({f"floor_{k}": [] for k in places})
    for _ in range(reps):
        for kind, out in places.items():
            wall, ref = gtconvert(task, src, out)
            walls[f"gtconvert_{kind}"].append(wall)
            walls[f"floor_{kind}"].append(
                floor(ref, out / "floor", [best[kind]["best_threads"]], 1)["floor_s"]
            )
    med = {k: statistics.median(v) for k, v in walls.items()}
    extra_gt = med["gtconvert_disk"] - med["gtconvert_tmpfs"]
    extra_floor = med["floor_disk"] - med["floor_tmpfs"]
    return {
        "medians": med,
        "all": walls,
        "scan": best,
        "files": best["disk"]["files"],
        "disk_cost_gtconvert_s": extra_gt,
        "disk_cost_floor_s": extra_floor,
        "ratio": extra_gt / extra_floor if extra_floor > 0 else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--disk", type=Path, default=HERE / "data" / "disk")
    ap.add_argument("--tmpfs", type=Path, default=Path("/dev/shm/gtconvert-disk"))
    ap.add_argument("--tasks", nargs="*", default=["yolo-detect", "voc-xml"])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    run.compile_gtconvert()
    src = run.generate.generate(["coco5k"], run.DATA)["coco5k"]
    places = {"disk": args.disk, "tmpfs": args.tmpfs}
    disk: dict = json.loads(DISK_JSON.read_text()) if DISK_JSON.exists() else {}
    disk["file_systems"] = {k: run._fs_type(v) for k, v in places.items()}
    disk["load"] = Path("/proc/loadavg").read_text().split()[:3]
    for task in args.tasks:
        disk[task] = measure_task(task, src, places, args.reps)
        print(task, json.dumps({k: disk[task][k] for k in ("medians", "ratio")}), flush=True)
    disk["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    disk["when"] = dt.datetime.now().isoformat(timespec="minutes")
    DISK_JSON.write_text(json.dumps(disk, indent=1))


def render() -> list[str]:
    """The RESULTS.md section (empty when ``disk.py`` has not run)."""
    if not DISK_JSON.exists():
        return []
    disk = json.loads(DISK_JSON.read_text())
    fs = disk["file_systems"]
    lines = [
        "## slow disks (bench/disk.py)",
        "",
        f"Run {disk.get('when')}, load average {' '.join(disk['load'])} before, "
        f"{' '.join(disk.get('load_after', []))} after. Disk: {fs['disk']}; memory: {fs['tmpfs']}. "
        "Floor = only creating the files gtconvert wrote (same paths and bytes, already in memory), "
        "with the thread count that was fastest on that file system. Target: what the disk adds to "
        "gtconvert <= 1.15x what it adds to the floor.",
        "",
        "| task | files | gtconvert disk s | gtconvert tmpfs s | floor disk s (threads) | "
        "floor tmpfs s (threads) | disk cost gtconvert / floor | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for task, d in disk.items():
        if not isinstance(d, dict) or "medians" not in d:
            continue
        m, scan = d["medians"], d["scan"]
        ok = d["ratio"] is not None and d["ratio"] <= 1.15
        ratio = (
            f"{d['disk_cost_gtconvert_s']:.2f} / {d['disk_cost_floor_s']:.2f} s = {d['ratio']:.2f}"
            if d["ratio"] is not None
            else "floor: no disk cost"
        )
        lines.append(
            f"| {task} | {d['files']} | {m['gtconvert_disk']:.2f} | {m['gtconvert_tmpfs']:.2f} "
            f"| {m['floor_disk']:.2f} ({scan['disk']['best_threads']}) | {m['floor_tmpfs']:.2f} "
            f"({scan['tmpfs']['best_threads']}) | {ratio} | {'met' if ok else 'MISSED'} |"
        )
    lines.append("")
    for task, d in disk.items():
        if isinstance(d, dict) and "scan" in d:
            for kind, scan in d["scan"].items():
                per = ", ".join(f"{t} threads {s:.2f} s" for t, s in scan["seconds"].items())
                lines.append(f"- {task}, floor scan on {kind}: {per}.")
    return [*lines, "", NOTES, ""]


#: What the tables alone do not say (from the runs of issue 19).
NOTES = (
    "Notes. Creating files on this VM's ext4 varies 20x from minute to minute with the other "
    "processes' I/O (the disk scans above: 5,000 files in 0.07 s, then 1.5 s in the rounds), so one "
    "run decides little. At load average 9-15 (22:32) the scan was clear: 1 thread 9.7 s, 2 threads "
    "7.8 s, 4 threads 5.5 s, 8 threads 5.1 s for the same 5,002 YOLO files, and gtconvert's disk cost "
    "(9.5 s) matched the one-thread floor. YOLO labels are now written from 8 threads in batches "
    "(`imagefiles.write_texts`, used by the YOLO writer and `ImageSets`); VOC XML files are still "
    "written by `voc/writer.py`'s own loop (that file was being edited by another helper)."
)


if __name__ == "__main__":
    main()
