"""The "Scale" section of docs/benchmarks.md and its chart, from docs/scale-benchmark.json.

    .venv/bin/python bench/scale_report.py      # rewrite the section and the chart from the JSON

Every figure is shown with its ratio to the 100k figure of the same measurement, so growth shows
at a glance: 1.0 means the table's size does not matter; 10.0 at 1M would be a linear scan."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "docs" / "scale-benchmark.json"
CHART = ROOT / "docs" / "scale-benchmark.svg"
TITLE = "## Scale: 100,000 to 10 million claims"
BASE = "100000"
TARGETS = {"admin": ("p95", 300.0, "admin pages p95 < 300 ms"), "api": ("p99", 50.0, "API lists and search p99 < 50 ms"),
           "similar": ("p95", 100.0, "similar claims p95 < 100 ms"),
           "alerts": ("p50", 500.0, "alert matching < 500 ms at 100,000 subscriptions")}
# The API target names lists and search; a claim's detail is measured and shown too.
API_TARGETED = ("list: status and kind", "list: speaker", "list: outlet", "list: said after, by check-worthiness",
                "search", "deep cursor page")


def size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def _rows(results: dict[str, Any]) -> list[tuple[str, str, str, dict[str, dict]]]:
    """(group, name, metric shown, {size: stats}) for every measurement."""
    sizes = sorted(results["sizes"], key=int)
    rows = []
    for group, metric in (("admin", "p95"), ("api", "p99")):
        names = list(results["sizes"][sizes[0]].get(group, {}))
        for name in names:
            rows.append((group, name, metric, {s: results["sizes"][s].get(group, {}).get(name) for s in sizes}))
    rows.append(("similar", "similar claims for a new claim", "p95", {s: results["sizes"][s].get("similar") for s in sizes}))
    for name in ("10k subscriptions", "100k subscriptions"):
        rows.append(("alerts", f"alert matching, 30 claims x {name}", "p50",
                     {s: results["sizes"][s].get("alerts", {}).get(name) for s in sizes}))
    return rows


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    return f"{value / base:.2f}x"


def markdown(results: dict[str, Any]) -> list[str]:
    sizes = sorted(results["sizes"], key=int)
    first = results["sizes"][sizes[0]]
    lines = [TITLE, ""]
    dates = sorted({results["sizes"][s]["date"] for s in sizes})
    lines += [
        f"Run with `make bench-scale SIZES=\"{' '.join(sizes)}\"` ({', '.join(dates)}). Machine: {first['machine']}. "
        "PostgreSQL 15, one database per size filled by `bench/scale_data.py` (COPY, seed 20): claims over five "
        "years, Zipf-distributed outlets, speakers and words, every workflow status with its transitions, history, "
        "evidence and notes, and 100,000 alert subscriptions. Requests are made in-process with Django's test "
        "client and production settings (`bench/scale_settings.py`), one at a time, each with other "
        "parameters (claims, speakers, outlets, words, cursor positions); n = requests per row. Times in ms; "
        "each figure's ratio to its 100k figure in brackets. Chart: `docs/scale-benchmark.svg`; raw figures: "
        "`docs/scale-benchmark.json`. Absolute times depend on the machine's load (this machine's 2 cores are "
        "shared with other jobs; docs/scaling.md says how loaded it was): the ratios between sizes, measured "
        "minutes apart, are the comparison.",
        "",
        "![p95 of each screen against the number of claims](scale-benchmark.svg)",
        "",
    ]
    header = "| measurement | metric | " + " | ".join(f"{size_label(int(s))} claims" for s in sizes) + " |"
    lines += [header, "|---|---|" + "---:|" * len(sizes)]
    for group, name, metric, by_size in _rows(results):
        base = (by_size.get(BASE) or {}).get(metric)
        cells = []
        for s in sizes:
            stats = by_size.get(s)
            if not stats:
                cells.append("")
                continue
            ratio = _ratio(stats[metric], base) if s != BASE else ""
            cells.append(f"{stats[metric]:.1f}" + (f" ({ratio})" if ratio else "") + f" <sub>p50 {stats['p50']:.1f}, "
                         f"n {stats['n']}</sub>")
        lines.append(f"| {group}: {name} | {metric} | " + " | ".join(cells) + " |")
    ingest_cells = []
    empty = results.get("empty_ingest", {})
    for s in sizes:
        ingest = results["sizes"][s].get("ingest")
        if ingest:
            ratio = ingest["per_minute"] / empty["per_minute"] if empty.get("per_minute") else None
            ingest_cells.append(f"{ingest['per_minute']:.0f}/min" + (f" ({ratio:.2f}x empty)" if ratio else ""))
        else:
            ingest_cells.append("")
    lines.append("| ingest: articles per minute, in-process pipeline | rate | " + " | ".join(ingest_cells) + " |")
    if empty:
        lines += ["", f"Ingest with an empty claims table (the same users and 100,000 subscriptions, "
                      f"`bench/scale_data.py 0`): {empty['per_minute']:.0f} articles/min ({empty['articles']} generated "
                      f"articles of 300 to 900 words, {empty['seconds']} s, each through extraction, storing, "
                      "similar-claim linking and alert matching in-process)."]
    lines += ["", "Database size: " + ", ".join(
        f"{size_label(int(s))}: {results['sizes'][s]['database_bytes'] / 2**30:.1f} GiB" for s in sizes) + ".", ""]
    lines += targets(results)
    return lines


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets, judged at the largest size measured."""
    sizes = sorted(results["sizes"], key=int)
    top = sizes[-1]
    data = results["sizes"][top]
    lines = [f"Targets (set for 10M claims), judged at the largest size measured here ({size_label(int(top))}):", ""]
    worst_admin = max(data["admin"].items(), key=lambda kv: kv[1]["p95"])
    lines.append(f"- admin pages p95 < 300 ms: worst is {worst_admin[0]} at {worst_admin[1]['p95']:.0f} ms: "
                 f"{'met' if worst_admin[1]['p95'] < 300 else 'NOT met'}.")
    api_rows = {k: v for k, v in data["api"].items() if k in API_TARGETED}
    worst_api = max(api_rows.items(), key=lambda kv: kv[1]["p99"])
    lines.append(f"- API lists and search p99 < 50 ms: worst is {worst_api[0]} at {worst_api[1]['p99']:.0f} ms: "
                 f"{'met' if worst_api[1]['p99'] < 50 else 'NOT met'}.")
    similar = data["similar"]["p95"]
    lines.append(f"- similar claims p95 < 100 ms: {similar:.0f} ms: {'met' if similar < 100 else 'NOT met'}.")
    alerts = data.get("alerts", {}).get("100k subscriptions")
    if alerts:
        lines.append(f"- alert matching at 100,000 subscriptions < 500 ms: p50 {alerts['p50']:.0f} ms, p99 "
                     f"{alerts['p99']:.0f} ms: {'met' if alerts['p99'] < 500 else 'NOT met'}.")
    empty = results.get("empty_ingest", {})
    ingest = data.get("ingest")
    if ingest and empty.get("per_minute"):
        ratio = ingest["per_minute"] / empty["per_minute"]
        lines.append(f"- ingest within 10% of an empty database: {ratio:.2f}x: {'met' if ratio >= 0.9 else 'NOT met'}.")
    if int(top) < 10_000_000:
        lines.append("- 10M itself was not measured in this run; see docs/scaling.md for the projection.")
    return lines + [""]


def chart(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=int)
    xs = [int(s) for s in sizes]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
    groups = {"admin": axes[0], "api": axes[1]}
    for group, name, metric, by_size in _rows(results):
        ax = groups.get(group, axes[1])
        ys = [(by_size.get(s) or {}).get(metric) for s in sizes]
        if any(y is None for y in ys):
            continue
        ax.plot(xs, ys, marker="o", linewidth=1.2, label=f"{name} ({metric})" if group != "admin" else name)
    for ax, title, target in ((axes[0], "Admin pages, p95", 300), (axes[1], "API p99, similar p95, alerts p50", 50)):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(xs, [size_label(x) for x in xs])
        ax.set_xlabel("claims in the database")
        ax.set_ylabel("ms")
        ax.set_title(title)
        ax.axhline(target, color="red", linestyle="--", linewidth=0.8)
        ax.text(xs[0], target * 1.05, f"target {target} ms", color="red", fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6, loc="upper left")
    fig.tight_layout()
    fig.savefig(CHART, format="svg", metadata={"Date": None})
    plt.close(fig)


def write_report(results: dict[str, Any]) -> None:
    section = markdown(results)
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(TITLE)), None)
    if start is None:
        lines += [""] + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section
    DOC.write_text("\n".join(lines).rstrip("\n") + "\n")
    chart(results)
    print(f"wrote {DOC.relative_to(ROOT)} and {CHART.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    write_report(json.loads(RESULTS.read_text()))
