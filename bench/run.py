#!/usr/bin/env python
"""`make bench`: run every benchmark and write docs/benchmarks.md with the machine and the date.

Each benchmark is a standalone script printing a markdown section; each compares against a
baseline measured in the same run, so the figures are ratios, not absolute times. Benchmarks that
need PostgreSQL/Redis say so in their section when those are not configured."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ["extraction_bench.py", "alerts_bench.py", "api_bench.py", "e2e_bench.py", "export_bench.py"]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _merge(old: str, new: list[str]) -> list[str]:
    """The old file with the sections that were re-run replaced, and a note of when."""

    def split(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
        head, parts, cur = [], {}, None
        for line in lines:
            if line.startswith("## "):
                cur = line
                parts[cur] = []
            if cur is None:
                head.append(line)
            else:
                parts[cur].append(line)
        return head, parts

    old_head, old_parts = split(old.splitlines())
    new_head, new_parts = split("\n".join(new).splitlines())
    stamp = next((line for line in new_head if line.startswith("Run with")), "")
    merged = list(old_head)
    for title, body in old_parts.items():
        if title in new_parts:
            merged += [
                title,
                "",
                f"(Re-run alone: {stamp[len('Run with `make bench` on ') :].rstrip('.')}.)",
            ] + new_parts[title][1:]
        else:
            merged += body
    merged += [line for title, body in new_parts.items() if title not in old_parts for line in body]
    return merged


def main() -> int:
    only = set(sys.argv[1:])
    sections = [
        "# Benchmarks",
        "",
        f"Run with `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        f"Database: {'PostgreSQL' if os.environ.get('DATABASE_URL', '').startswith('postgres') else 'SQLite'}; "
        f"broker: {'Redis' if os.environ.get('REDIS_URL') else 'none (in-process)'}.",
        "",
    ]
    failed = []
    for name in BENCHES:
        if only and name.split("_")[0] not in only:
            continue
        script = ROOT / "bench" / name
        if not script.exists():
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
        sys.stderr.write(result.stderr[-4000:])
        if result.returncode != 0:
            failed.append(name)
            sections += [f"## {name}", "", f"Failed (exit {result.returncode}); see the command's output.", ""]
            continue
        sections += [result.stdout.strip(), ""]
    out = ROOT / "docs" / "benchmarks.md"
    if only and out.exists():
        # re-running some benchmarks keeps the other sections as they were, each under its own date
        sections = _merge(out.read_text(), sections)
    out.write_text("\n".join(sections) + "\n")
    print("wrote docs/benchmarks.md", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
