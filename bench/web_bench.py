"""Team-server page cost: the time a page takes and how often it reads the whole
review, with the per-request snapshot (`Review.snapshot`) and without it (what every
page did before, in the same run), on the bundled example plus Bannach-Brown's 1,993
records with 40 conflicting title/abstract decisions.

`PYTHONPATH=bench:src .venv/bin/python -c "import web_bench; print(web_bench.run())"`
"""

from __future__ import annotations

import contextlib
import csv
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from sysreview import Review
from sysreview.model import Record, replace
from sysreview.store.repository import Store
from sysreview.web import create_app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "screening" / "public" / "Bannach-Brown_2019.csv"
PAGES = ("/screen/ta", "/conflicts/ta", "/mine/ta", "/stats/ta", "/rob", "/studies")


def _review(root: Path) -> None:
    with Review.init(root) as review:
        review.load(ROOT / "examples" / "niph-rehab", replace=True)
        with DATA.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        records = tuple(
            Record(id=f"bb{i}", search=None, title=row["title"], abstract=row["abstract"] or None)
            for i, row in enumerate(rows)
        )
        review.save(replace(review.data(), records=records))
        for i in range(40):
            review.decide(f"bb{i}", "include", reviewer="ann")
            review.decide(f"bb{i}", "exclude", reviewer="bob")


def _measure(root: Path, snapshot: bool) -> dict[str, tuple[float, int]]:
    reads = [0]
    original_read, original_snapshot = Store.read, Review.snapshot

    def counted(self: Store) -> object:
        reads[0] += 1
        return original_read(self)

    Store.read = counted  # type: ignore[method-assign,assignment]
    if not snapshot:
        Review.snapshot = lambda self: contextlib.nullcontext()  # type: ignore[method-assign,assignment,return-value]
    try:
        client = TestClient(create_app(root))
        client.post("/signin", data={"name": "cat"})
        out = {}
        for path in PAGES:
            best = float("inf")
            for _ in range(3):
                reads[0] = 0
                start = time.perf_counter()
                assert client.get(path).status_code == 200, path
                best = min(best, time.perf_counter() - start)
            out[path] = (best, reads[0])
        return out
    finally:
        Store.read, Review.snapshot = original_read, original_snapshot  # type: ignore[method-assign]


def run() -> str:
    if not DATA.exists():
        return f"skipped: {DATA} is not here"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "rev"
        _review(root)
        before = _measure(root, snapshot=False)
        after = _measure(root, snapshot=True)
    lines = [
        "The bundled example plus 1,993 records (Bannach-Brown 2019) and 40 title/abstract "
        "conflicts, SQLite; best of 3 GETs per page, signed in; the same run with and "
        "without the per-request snapshot (`Review.snapshot`).",
        "",
        "| page | reads before | ms before | reads now | ms now | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for path in PAGES:
        (t0, r0), (t1, r1) = before[path], after[path]
        lines.append(
            f"| `{path}` | {r0} | {t0 * 1000:.0f} | {r1} | {t1 * 1000:.0f} | {t0 / t1:.1f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
