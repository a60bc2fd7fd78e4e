"""Import throughput on the real RIS exports: sysreview's reader against rispy, on the
same files in the same run, counting records read (rispy does no field cleaning)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from sysreview import ingest

EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "exports"
#: the lower bound of any line-by-line reader: one C-implemented regex, nothing built
_TAGGED = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$", re.M)


def best_of(fns: list[Callable[[], object]], repeat: int = 5) -> list[float]:
    """Each function's best time of ``repeat`` runs, the functions taking turns: a busy
    spell of a shared machine slows them alike, so their ratio holds."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def rispy_count(path: Path) -> int:
    import rispy

    with path.open(encoding="utf-8-sig") as handle:
        return len(rispy.load(handle))


def run() -> str:
    files = sorted((EXPORTS / "ris").glob("*"))
    if not files:
        return f"No RIS exports found at {EXPORTS / 'ris'}; not run."
    ours_n = sum(len(ingest.read(f, "ris").records) for f in files)
    try:
        theirs_n = sum(rispy_count(f) for f in files)
    except Exception as exc:  # rispy fails on some vendor files; say so
        (ours_t,) = best_of([lambda: [ingest.read(f, "ris") for f in files]])
        return f"sysreview read {ours_n:,} records from {len(files)} RIS files in {ours_t:.3f} s; rispy failed: {exc}"
    raw = [f.read_bytes() for f in files]
    ours_t, theirs_t, floor_t = best_of(
        [
            lambda: [ingest.read(f, "ris") for f in files],
            lambda: [rispy_count(f) for f in files],
            lambda: [_TAGGED.findall(r.decode("utf-8", errors="replace")) for r in raw],
        ]
    )
    ratio = theirs_t / ours_t
    reached = "reached" if ratio >= 3 else "not reached"
    return "\n".join(
        [
            f"{len(files)} real RIS exports ({sum(f.stat().st_size for f in files) / 2**20:.1f} MiB), best of 5 (taking turns):",
            "",
            "| reader | records read | seconds | records/s |",
            "|---|---|---|---|",
            f"| sysreview (parse + clean + normalise) | {ours_n:,} | {ours_t:.3f} | {ours_n / ours_t:,.0f} |",
            f"| rispy (parse only) | {theirs_n:,} | {theirs_t:.3f} | {theirs_n / theirs_t:,.0f} |",
            f"| floor: decoding the files and one compiled regex over every tagged line, nothing built | – | {floor_t:.3f} | – |",
            "",
            f"Ratio rispy time / ours: {ratio:.2f}× (target ≥ 3×: {reached}; rispy does no cleaning).",
            f"3× would allow {theirs_t / 3:.4f} s; the floor alone takes {floor_t:.4f} s "
            f"({floor_t / (theirs_t / 3):.2f}× that budget): a reader that makes one Python "
            "object per line is above it before it groups, cleans or builds anything.",
        ]
    )
