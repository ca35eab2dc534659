"""Charts for RESULTS.md, drawn from ``results.json`` (matplotlib lives in ``bench/.venv`` only).

    bench/.venv/bin/python bench/charts.py

* ``ratio.png``: gtconvert's wall time over the fastest peer's, per task, with each task's limit.
* ``scale.png``: gtconvert's wall time and peak RSS against the number of images: COCO (boxes)
  -> YOLO detect and -> VOC, streamed and whole-file, from ``scale.json`` (``bench/scale.py``).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
#: Limits other than 1/3; None: the task's target is not a ratio (shown grey, no tick).
LIMITS = {"voc-masks": 1 / 20, "yolo-detect-100k": None}


def _gtconvert(entry: dict) -> dict | None:
    return next((s for s in entry.get("summary", []) if s["tool"] == "gtconvert" and "ratio" in s), None)


def ratio_chart(results: dict, path: Path) -> None:
    rows = []
    for name, entry in results["tasks"].items():
        gt = _gtconvert(entry)
        if gt and name != "import":
            rows.append((name, gt["ratio"], gt["fastest_peer"], LIMITS.get(name, 1 / 3)))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2), dpi=80)
    names = [f"{n}\n(vs {p})" for n, _, p, _ in rows]
    colours = ["#999" if lim is None else "#3a7" if r <= lim else "#d54" for _, r, _, lim in rows]
    ax.barh(names, [r for _, r, _, _ in rows], color=colours)
    for i, (_, r, _, lim) in enumerate(rows):
        if lim is not None:
            ax.plot([lim, lim], [i - 0.4, i + 0.4], color="black", lw=1.5)
        ax.text(r + 0.01, i, f"{r:.2f}", va="center", fontsize=8)
    ax.axvline(1.0, color="grey", ls=":", lw=1)
    ax.invert_yaxis()
    ax.set_xlabel("gtconvert wall time / fastest peer's (black tick: the limit; grey: no ratio target)")
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def scale_series(results: dict) -> dict[str, list[tuple[int, float, float, float]]]:
    """(images, median wall s, largest peak RSS MB, median CPU s) per line of the scale chart.

    ``bench/scale.json`` (``bench/scale.py``): COCO boxes -> YOLO detect / VOC, streamed and
    whole; without it, the run table's COCO -> YOLO detect on the 5k and 100k sets.
    """
    extra = HERE / "scale.json"
    series: dict[str, list[tuple[int, float, float, float]]] = {}
    if extra.exists():
        groups: dict[tuple[str, int], list[dict]] = {}
        for r in json.loads(extra.read_text())["runs"]:
            if r["ok"] and not r.get("note"):  # runs noted "before" a fix are left out of the chart
                groups.setdefault((f"{r['task']} {r['mode']}", r["images"]), []).append(r)
        for (line, n), rows in sorted(groups.items()):
            walls = sorted(r["wall_s"] for r in rows)
            cpu = statistics.median(r["cpu_s"] for r in rows)
            series.setdefault(line, []).append(
                (n, statistics.median(walls), max(r["peak_rss_mb"] for r in rows), cpu)
            )
        return series
    for task, n in {"yolo-detect": 5_000, "yolo-detect-100k": 100_000}.items():
        gt = next(
            (s for s in results["tasks"].get(task, {}).get("summary", []) if s["tool"] == "gtconvert"), None
        )
        if gt and "wall_s" in gt:
            series.setdefault("yolo", []).append((n, gt["wall_s"], gt["peak_rss_mb"], gt["cpu_s"]))
    return series


STYLES = {"yolo stream": ("o-", "#37a"), "voc stream": ("s-", "#3a7"), "yolo whole": ("o--", "#9bd"),
          "voc whole": ("s--", "#9d9"), "yolo": ("o-", "#37a")}  # fmt: skip


def scale_chart(series: dict[str, list[tuple[int, float, float, float]]], path: Path) -> None:
    fig, (t_ax, c_ax, m_ax) = plt.subplots(1, 3, figsize=(12, 3.4), dpi=80)
    for line, points in series.items():
        style, colour = STYLES.get(line, ("x-", "grey"))
        n = [p[0] for p in points]
        t_ax.loglog(n, [p[1] for p in points], style, color=colour, label=line)
        m_ax.semilogx(n, [p[2] for p in points], style, color=colour, label=line)
        c_ax.loglog(n, [p[3] for p in points], style, color=colour, label=line)
    ref = max(series.values(), key=len)
    n = [p[0] for p in ref]
    t_ax.loglog(n, [ref[0][1] * k / ref[0][0] for k in n], ":", color="grey", label="linear")
    t_ax.set_xlabel("images (10 boxes each)")
    t_ax.set_ylabel("wall s (median)")
    t_ax.legend(fontsize=7)
    c_ax.loglog(n, [ref[0][3] * k / ref[0][0] for k in n], ":", color="grey", label="linear")
    c_ax.set_xlabel("images")
    c_ax.set_ylabel("CPU s (median; steadier under load)")
    c_ax.legend(fontsize=7)
    m_ax.axhline(1024, color="black", ls="--", lw=1, label="1 GB")
    m_ax.set_xlabel("images")
    m_ax.set_ylabel("peak RSS MB")
    m_ax.legend(fontsize=7)
    fig.suptitle("gtconvert COCO -> YOLO detect / VOC: streamed and whole-file", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    results = json.loads((HERE / "results.json").read_text())
    ratio_chart(results, HERE / "ratio.png")
    series = scale_series(results)
    if any(len(points) >= 2 for points in series.values()):
        scale_chart(series, HERE / "scale.png")


if __name__ == "__main__":
    main()
