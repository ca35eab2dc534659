"""The file-creation floor: only create the files a converter wrote, with the best concurrency.

    python bench/floor.py REFERENCE_DIR DEST_DIR [--threads 1 2 4 8] [--reps 3]

Reads every file under ``REFERENCE_DIR`` into memory first (the floor does no conversion),
then, for each thread count, creates the same relative paths with the same bytes under
``DEST_DIR`` (removed before each run; folders made first, as the converters do) and times
the creation alone. The last line printed is JSON: the seconds per thread count (median of
``--reps``) and the best of them, the floor a converter writing those files is compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def load(reference: Path) -> list[tuple[str, bytes]]:
    files = []
    for folder, _, names in os.walk(reference):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files.append((os.path.relpath(path, reference), f.read()))
    return files


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def create(dest: Path, files: list[tuple[str, bytes]], threads: int) -> float:
    """Seconds to create ``files`` under ``dest`` from ``threads`` threads (1: a plain loop)."""
    if dest.exists():
        shutil.rmtree(dest)
    paths = [(os.path.join(dest, rel), data) for rel, data in files]
    for folder in {os.path.dirname(p) for p, _ in paths}:
        os.makedirs(folder, exist_ok=True)
    t0 = time.perf_counter()
    if threads == 1:
        for path, data in paths:
            _write(path, data)
    else:
        chunk = max(1, len(paths) // (threads * 4))
        batches = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda batch: [_write(p, d) for p, d in batch], batches))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--threads", type=int, nargs="*", default=[1, 2, 4, 8])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    files = load(args.reference)
    times: dict[int, list[float]] = {t: [] for t in args.threads}
    for _ in range(args.reps):  # thread counts interleaved, A B A B
        for t in args.threads:
            times[t].append(create(args.dest, files, t))
    shutil.rmtree(args.dest, ignore_errors=True)
    medians = {t: statistics.median(v) for t, v in times.items()}
    best = min(medians, key=medians.get)
    print(
        json.dumps({"files": len(files), "seconds": medians, "best_threads": best, "floor_s": medians[best]})
    )


if __name__ == "__main__":
    main()
