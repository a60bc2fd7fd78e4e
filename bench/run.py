"""Run every benchmark and write docs/benchmarks.md (command, date, machine, figures).

Benchmarks are not tests: they measure, and compare against the peer tools in the
same run, because these machines are noisy.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import dedup_bench
import ingest_bench
import screening_bench
import stats_bench
import web_bench

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def main() -> None:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        ("Statistics core: DL and REML meta-analysis", stats_bench.run()),
        ("Import: RIS throughput against rispy", ingest_bench.run()),
        ("Deduplication against bib-dedupe", dedup_bench.run()),
        ("Screening prioritisation against ASReview LAB", screening_bench.run()),
        ("Team server: page cost with and without the per-request snapshot", web_bench.run()),
    ]
    text = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`.venv/bin/python bench/run.py`); do not edit by hand.",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        "",
    ]
    for title, body in sections:
        text += [f"## {title}", "", body, ""]
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
