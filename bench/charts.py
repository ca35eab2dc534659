"""Charts for RESULTS.md, drawn from ``results.json`` (matplotlib lives in ``bench/.venv`` only).

    bench/.venv/bin/python bench/charts.py

* ``ratio.png``: gtconvert's wall time over the fastest peer's, per task, with each task's limit.
* ``scale.png``: gtconvert's wall time and peak RSS against the number of images (COCO -> YOLO
  detect on the 5k and 100k sets, and the larger ``scale.json`` runs when present).
"""

from __future__ import annotations

import json
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


def scale_points(results: dict) -> list[tuple[int, float, float]]:
    """(images, wall s, peak RSS MB) of gtconvert COCO -> YOLO detect runs, by size."""
    sizes = {"yolo-detect": 5_000, "yolo-detect-100k": 100_000}
    points = []
    for task, n in sizes.items():
        gt = next(
            (s for s in results["tasks"].get(task, {}).get("summary", []) if s["tool"] == "gtconvert"), None
        )
        if gt and "wall_s" in gt:
            points.append((n, gt["wall_s"], gt["peak_rss_mb"]))
    extra = HERE / "scale.json"
    if extra.exists():
        points += [
            (p["images"], p["wall_s"], p["peak_rss_mb"]) for p in json.loads(extra.read_text())["points"]
        ]
    return sorted(points)


def scale_chart(points: list[tuple[int, float, float]], path: Path) -> None:
    fig, (t_ax, m_ax) = plt.subplots(1, 2, figsize=(8, 3.2), dpi=80)
    n = [p[0] for p in points]
    t_ax.loglog(n, [p[1] for p in points], "o-", color="#37a")
    t_ax.loglog(n, [points[0][1] * k / points[0][0] for k in n], ":", color="grey", label="linear")
    t_ax.set_xlabel("images (14 objects each)")
    t_ax.set_ylabel("wall s")
    t_ax.legend(fontsize=8)
    m_ax.semilogx(n, [p[2] for p in points], "o-", color="#a53")
    m_ax.axhline(1024, color="black", ls="--", lw=1, label="1 GB")
    m_ax.set_xlabel("images")
    m_ax.set_ylabel("peak RSS MB")
    m_ax.legend(fontsize=8)
    fig.suptitle("gtconvert COCO -> YOLO detect", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    results = json.loads((HERE / "results.json").read_text())
    ratio_chart(results, HERE / "ratio.png")
    points = scale_points(results)
    if len(points) >= 2:
        scale_chart(points, HERE / "scale.png")


if __name__ == "__main__":
    main()
