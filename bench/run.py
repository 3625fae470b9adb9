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
BENCHES = ["extraction_bench.py", "alerts_bench.py", "api_bench.py", "e2e_bench.py"]


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


def main() -> int:
    only = set(sys.argv[1:])
    sections = [
        "# Benchmarks",
        "",
        f"Run with `make bench` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC.",
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
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(sections) + "\n")
    print("wrote docs/benchmarks.md", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
