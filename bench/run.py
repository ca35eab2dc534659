"""Benchmark runner: gtconvert against the converters people use, in fresh processes.

    python bench/run.py                          # set up, generate, run every task
    python bench/run.py --tasks yolo-detect voc-xml --reps 5
    python bench/run.py --setup-only             # create bench/.venv and the data only

What it does:

1. Creates ``bench/.venv`` (not a project dependency) and installs the peers into it:
   globox, Datumaro and Ultralytics (see ``PEER_INSTALL``).
2. Generates the data sets with ``bench/generate.py`` (deterministic by seed) in ``bench/data``.
3. For each task, runs every tool in turn, A B A B: one warm-up round that is not counted, then
   ``--reps`` rounds. Each run is a new process (``bench/drive.py``); the runner takes its wall
   time, and from ``os.wait4`` its CPU time (children included, so a process pool's work counts);
   peak RSS is the one ``drive.py`` reports (its own ``VmHWM`` or a worker's), because the kernel
   carries a process's peak across fork and exec (``os.wait4``'s was never below the runner's).
4. Writes ``bench/results.json`` (every measurement) and renders ``bench/RESULTS.md``: medians,
   ratio to the fastest peer on the same run, the targets of issue 6, the machine.

Tasks run only where gtconvert has the format (a module still being written is listed as
"not available yet"); a peer that cannot do a task is not asked to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
VENV = HERE / ".venv"
VENV_PY = VENV / "bin" / "python"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
#: Outputs go to memory (tmpfs) by default: on these VMs creating a small file on the disk
#: costs 0.2-0.5 ms of kernel time, varying 20x from run to run with the other processes'
#: I/O, which would drown the converters' own work. ``--out DIR`` measures on a disk instead.
DEFAULT_OUT = Path("/dev/shm/gtconvert-bench") if Path("/dev/shm").is_dir() else DATA / "out"
OUT = DEFAULT_OUT

sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from tasks import ABSENT, PEERS, PROFILE_NOTES, TASKS, Task  # noqa: E402

#: How the peers are installed. torch is pinned to the CPU build this machine has on disk
#: (a plain ``torch`` requirement pulls a multi-GB CUDA build); Ultralytics is installed without
#: its dependency resolver because its ``torchvision`` requirement would replace that torch.
#: convert_coco needs torchvision only as installed metadata, never imports it.
PEER_INSTALL = [
    ["pip", "install", "--upgrade", "pip"],
    ["pip", "install", "torch==2.13.0"],
    ["pip", "install", "globox==2.9.0", "datumaro==1.13.12"],
    ["pip", "install", "--no-deps", "ultralytics==8.4.190", "torchvision==0.28.0"],
    [
        "pip", "install", "matplotlib", "opencv-python", "requests", "psutil", "polars",
        "ultralytics-thop", "ultralytics-platform", "nvidia-ml-py",
    ],
]  # fmt: skip


# ---- setup -------------------------------------------------------------------------------


def ensure_venv() -> None:
    """Create bench/.venv and install the peers once (a stamp file records success)."""
    stamp = VENV / ".peers-installed"
    if stamp.exists():
        return
    if not VENV_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    for cmd in PEER_INSTALL:
        print("+", " ".join(cmd), flush=True)
        subprocess.run([str(VENV_PY), "-m", *cmd], check=True)
    stamp.write_text(json.dumps(PEER_INSTALL))


def gtconvert_has(modules: tuple[str, ...]) -> bool:
    return all(importlib.util.find_spec(f"gtconvert.formats.{m}") is not None for m in modules)


# ---- one measurement ---------------------------------------------------------------------


def _clear(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def compile_gtconvert() -> None:
    """Byte-compile gtconvert as ``pip install`` does for the peers in ``bench/.venv``.

    The project is installed editable and these machines set PYTHONDONTWRITEBYTECODE=1, so
    without this every gtconvert run compiled its modules from source (~80 ms of each
    yolo-detect run) while the peers loaded the .pyc files pip wrote. Python still reads
    existing .pyc files under that variable; a stale one is ignored and the source compiled.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "gtconvert")], check=True)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["YOLO_CONFIG_DIR"] = str(DATA / ".ultralytics")  # keep Ultralytics' settings file here
    env["YOLO_OFFLINE"] = "1"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def measure(tool: str, task: Task, src: str) -> dict:
    """Run one tool on one task in a new process; wall time, peak RSS, CPU time, exit status."""
    python = sys.executable if tool == "gtconvert" else str(VENV_PY)
    dst = OUT / task.name / (tool + (".json" if task.output == "file" else ""))
    _clear(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    log = OUT / task.name / f"{tool}.log"
    with open(log, "wb") as err, open(log.with_suffix(".out"), "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [python, str(HERE / "drive.py"), tool, task.name, src, str(dst)],
            stdout=out, stderr=err, env=_env(), cwd=str(DATA),
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    row = {
        "tool": tool,
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "ok": proc.returncode == 0,
    }
    if row["ok"]:
        lines = log.with_suffix(".out").read_text(errors="replace").strip().splitlines()
        row.update(json.loads(lines[-1]))
        row["outputs"] = _count_outputs(dst)
    else:
        row["error"] = log.read_text(errors="replace").strip().splitlines()[-1:]
    return row


def _count_outputs(dst: Path) -> int:
    if dst.is_file():
        return 1
    return sum(len(files) for _, _, files in os.walk(dst)) if dst.exists() else 0


def run_task(task: Task, src: str, reps: int, warmup: int) -> list[dict]:
    """A B A B: each round runs every tool once; the first ``warmup`` rounds are dropped."""
    rows = []
    for round_no in range(warmup + reps):
        for tool in task.tools:
            row = measure(tool, task, src)
            row["round"] = round_no - warmup
            status = "ok" if row["ok"] else f"FAILED {row.get('error')}"
            print(f"  {task.name:<18} {tool:<12} round {row['round']:>2}: {row['wall_s']:7.2f} s "
                  f"{row['peak_rss_mb']:7.0f} MB  {status}", flush=True)  # fmt: skip
            if round_no >= warmup:
                rows.append(row)
    return rows


# ---- summary -----------------------------------------------------------------------------


def summarise(task: Task, rows: list[dict]) -> list[dict]:
    """Per tool: medians over the counted rounds, and the ratio to the fastest peer."""
    out = []
    for tool in task.tools:
        mine = [r for r in rows if r["tool"] == tool]
        ok = [r for r in mine if r["ok"]]
        s = {"tool": tool, "runs": len(mine), "failed": len(mine) - len(ok)}
        if ok:
            s.update(
                wall_s=_median(ok, "wall_s"),
                wall_min=min(r["wall_s"] for r in ok),
                wall_max=max(r["wall_s"] for r in ok),
                inner_s=_median(ok, "inner_s"),
                import_s=_median(ok, "import_s"),
                cpu_s=_median(ok, "cpu_s"),
                peak_rss_mb=max(r["peak_rss_mb"] for r in ok),
                outputs=ok[-1]["outputs"],
            )
        else:
            s["error"] = mine[-1].get("error") if mine else None
        out.append(s)
    peers = [s for s in out if s["tool"] in PEERS and "wall_s" in s]
    if peers:
        fastest = min(peers, key=lambda s: s["wall_s"])
        fastest_inner = min(s["inner_s"] for s in peers)
        for s in out:
            if "wall_s" in s:
                s["ratio"] = s["wall_s"] / fastest["wall_s"]
                s["ratio_inner"] = s["inner_s"] / fastest_inner if fastest_inner > 0 else None
        for s in out:
            s["fastest_peer"] = fastest["tool"]
    return out


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def verdict(task: Task, summary: list[dict]) -> str:
    """Whether gtconvert met the issue's target on this run."""
    gt = next((s for s in summary if s["tool"] == "gtconvert"), None)
    if gt is None or "wall_s" not in gt:
        return "not measured"
    if task.name == "import":
        return _yes(gt["import_s"] < 0.2, f"{gt['import_s'] * 1000:.0f} ms in-process")
    if task.name == "yolo-detect-100k":
        return _yes(gt["peak_rss_mb"] < 1024, f"{gt['peak_rss_mb']:.0f} MB")
    if task.name in ("mat-to-coco", "gtruth-to-coco"):
        return _yes(gt["wall_s"] < 2.0, f"{gt['wall_s']:.2f} s whole process")
    if task.name in ("pixels-to-rle", "preview"):
        cores = gt["cpu_s"] / gt["wall_s"]
        n = generate_count(task)
        return _yes(cores >= 1.5, f"{cores:.2f} cores busy, {n / gt['inner_s']:.0f} images/s")
    limit = 1 / 20 if task.name == "voc-masks" else 1 / 3
    if "ratio" not in gt:
        return "no peer measured"
    return _yes(gt["ratio"] <= limit, f"ratio {gt['ratio']:.2f} (limit {limit:.2f})")


def generate_count(task: Task) -> int:
    return {"pixels1k": 1_000, "preview5k": 5_000}.get(task.dataset, 0)


def _yes(ok: bool, detail: str) -> str:
    return f"{'met' if ok else 'MISSED'}: {detail}"


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _fs_type(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "-T", str(path)], capture_output=True, text=True)
    kinds = res.stdout.split()
    return f"{path} ({kinds[0] if kinds else 'unknown'})"


def versions() -> dict:
    out = {"gtconvert": _git_commit()}
    if VENV_PY.exists():
        code = (
            "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
            "('ultralytics', 'globox', 'datumaro', 'torch', 'numpy')}))"
        )
        res = subprocess.run([str(VENV_PY), "-c", code], capture_output=True, text=True)
        if res.returncode == 0:
            out.update(json.loads(res.stdout))
    return out


def _git_commit() -> str:
    res = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return res.stdout.strip() or "unknown"


# ---- RESULTS.md --------------------------------------------------------------------------


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (do not edit by hand). Each task ran every tool in turn (A B A B)",
        "in fresh processes: one warm-up round, not counted, then the rounds shown. **wall** is the",
        "median whole-process time (interpreter start, imports, conversion, exit); **in call** is the",
        "median time inside the conversion call after the imports; **RSS** is the largest peak",
        "resident set over the rounds; **ratio** = wall / wall of the fastest peer on the same run",
        "(references are not peers). Data: `bench/generate.py`, seed 0.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}.",
        f"Outputs written to {m.get('output_fs', '?')}; inputs are read from the disk (page-cached after the",
        "warm-up round).",
        "",
    ]
    lines += _render_charts()
    for name in TASKS:
        entry = results["tasks"].get(name)
        if entry is None:
            continue
        lines += _render_task(TASKS[name], entry)
    import disk  # here, not at the top: disk.py imports this module

    lines += disk.render()
    import scale

    lines += scale.render()
    import sharded

    lines += sharded.render()
    lines += [
        "## How to reproduce",
        "",
        "```",
        "python bench/run.py            # creates bench/.venv, generates bench/data, runs every task",
        "python bench/run.py --tasks yolo-detect --reps 5",
        "```",
        "",
    ]
    return "\n".join(lines)


def _render_charts() -> list[str]:
    charts = [
        ("ratio.png", "gtconvert's wall time over the fastest peer's, per task (black tick: the limit)"),
        (
            "scale.png",
            "gtconvert COCO -> YOLO detect / VOC, streamed and whole: wall time and peak RSS against size",
        ),
    ]
    lines = [f"![{alt}]({name})" for name, alt in charts if (HERE / name).exists()]
    return ["## Charts", "", *[x for line in lines for x in (line, "")]] if lines else []


def _render_task(task: Task, entry: dict) -> list[str]:
    lines = [f"## {task.name}", ""]
    if entry.get("status"):
        return [*lines, entry["status"], ""]
    v = entry["versions"]
    lines += [
        f"Data: `{task.dataset}`. Target: {task.target}. **{entry['verdict']}**.",
        "",
        f"Run {entry['when']}, {entry['reps']} counted rounds, gtconvert `{v.get('gtconvert')}`; "
        f"command: `{entry['command']}`"
        + (
            f"; load average {entry['load'][0]} before, {entry['load'][1]} after." if "load" in entry else "."
        ),
        "",
        "| tool | wall s (median) | min-max | in call s | import s | CPU s | RSS MB | ratio | files out |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in entry["summary"]:
        label = s["tool"] + (f" {v[s['tool']]}" if s["tool"] in v and s["tool"] != "gtconvert" else "")
        if s["tool"] == "stdlib":
            label = "stdlib script (reference, not a peer)"
        if "wall_s" not in s:
            lines.append(f"| {label} | failed: {s.get('error')} | | | | | | | |")
            continue
        ratio = f"{s['ratio']:.2f}" if s.get("ratio") is not None else "-"
        lines.append(
            f"| {label} | {s['wall_s']:.2f} | {s['wall_min']:.2f}-{s['wall_max']:.2f} | {s['inner_s']:.2f} "
            f"| {s['import_s']:.2f} | {s['cpu_s']:.2f} | {s['peak_rss_mb']:.0f} | {ratio} | {s['outputs']} |"
        )
    lines.append("")
    if task.name in ABSENT:
        lines += [f"Absent: {ABSENT[task.name]}", ""]
    if task.name in PROFILE_NOTES:
        lines += [PROFILE_NOTES[task.name], ""]
    return lines


# ---- main --------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description="gtconvert benchmark runner (issue 6)")
    ap.add_argument("--tasks", nargs="*", choices=list(TASKS), help="tasks to run (default: all)")
    ap.add_argument("--reps", type=int, help="counted rounds per task (default: 5, fewer for the long tasks)")
    ap.add_argument("--warmup", type=int, default=1, help="uncounted rounds first (default 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--setup-only", action="store_true")
    ap.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--gtconvert-only", action="store_true", help="measure gtconvert alone (profiling)")
    args = ap.parse_args()
    global OUT
    OUT = args.out
    if args.render_only:
        results = json.loads(RESULTS_JSON.read_text())
        results["machine"]["output_fs"] = _fs_type(OUT)
        save(results)
        return

    ensure_venv()
    compile_gtconvert()
    names = args.tasks or list(TASKS)
    datasets = generate.generate(sorted({TASKS[n].dataset for n in names}), DATA, args.seed)
    if args.setup_only:
        return
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {"tasks": {}}
    results["machine"] = machine()
    results["machine"]["output_fs"] = _fs_type(OUT)
    ver = versions()
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    for name in names:
        task = TASKS[name]
        if args.gtconvert_only:
            task = Task(**{**task.__dict__, "tools": ("gtconvert",)})
        if not gtconvert_has(task.needs):
            print(f"{name}: gtconvert has no {'/'.join(task.needs)} format yet; skipped")
            results["tasks"].setdefault(name, {"status": "gtconvert's format module is not available yet."})
            continue
        print(f"{name}:", flush=True)
        load_before = os.getloadavg()[0]
        rows = run_task(task, datasets[task.dataset], args.reps or task.reps or 5, args.warmup)
        summary = summarise(task, rows)
        if args.gtconvert_only:
            continue  # a profiling run does not replace the table
        results["tasks"][name] = {
            "when": dt.datetime.now().isoformat(timespec="minutes"),
            "reps": args.reps or task.reps or 5,
            "command": command,
            "versions": ver,
            "rows": rows,
            "summary": summary,
            "verdict": verdict(task, summary),
            "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        }
        print(f"  -> {results['tasks'][name]['verdict']}")
        save(results)  # after each task: a long run stopped halfway keeps what it measured


def save(results: dict) -> None:
    """results.json, the charts (drawn by bench/.venv's matplotlib) and RESULTS.md."""
    RESULTS_JSON.write_text(json.dumps(results, indent=1))
    if VENV_PY.exists():
        subprocess.run([str(VENV_PY), str(HERE / "charts.py")], check=False)
    RESULTS_MD.write_text(render(results))


if __name__ == "__main__":
    main()
