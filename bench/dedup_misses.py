"""Where deduplication errs on a labelled set: the true pairs it left apart, counted by
the comparison's verdict and reason (and whether blocking ever proposed the pair), with
examples, and every predicted group that joins different works (a false removal).

    PYTHONPATH=src python bench/dedup_misses.py ../shared/data/dedup/asysd_diabetes.csv [--show 3]

A set made by ``bench/synthetic_dedup.py OUT.csv`` works the same way.  Not a
benchmark: a reading aid for the rules in ``src/sysreview/dedup/_compare.py``.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter, defaultdict
from pathlib import Path

from sysreview import dedup
from sysreview.dedup._block import candidates
from sysreview.dedup._compare import compare
from sysreview.dedup._keys import keys
from sysreview.model import Record


def _line(r: Record) -> str:
    authors = "; ".join(r.authors)[:50]
    where = " ".join(str(x) for x in (r.journal, r.volume, r.issue, r.pages) if x)
    return f"    {r.id} {r.year} | {(r.title or '')[:110]} | {authors} | {where} | {r.doi or ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--show", type=int, default=3, help="examples per reason")
    args = parser.parse_args()
    records = dedup.read_csv(args.path)
    truth = dedup.read_truth(args.path)
    result = dedup.deduplicate(records)
    by_id = {r.id: r for r in records}
    index = {r.id: i for i, r in enumerate(records)}
    table = [keys(i, r) for i, r in enumerate(records)]
    proposed = candidates(table)
    uncertain = {frozenset((p.a, p.b)) for p in result.uncertain}
    works: dict[str, list[str]] = defaultdict(list)
    for rid, work in truth.items():
        works[work].append(rid)
    reasons: Counter[tuple[str, ...]] = Counter()
    examples: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for members in works.values():
        for a, b in itertools.combinations(members, 2):
            if result.groups[a] == result.groups[b]:
                continue
            i, j = sorted((index[a], index[b]))
            found = compare(table[i], table[j])
            key = (
                "proposed" if (i, j) in proposed else "never proposed",
                found.verdict.value,
                "held for a person" if frozenset((a, b)) in uncertain else "",
                found.reason.split(";")[0],
            )
            reasons[key] += 1
            examples[key].append((a, b))
    print(f"{sum(reasons.values())} true pairs left apart")
    rng = random.Random(1)
    for key, n in reasons.most_common():
        print(f"\n{n:5d}  {' | '.join(k for k in key if k)}")
        for a, b in rng.sample(examples[key], min(args.show, len(examples[key]))):
            print(_line(by_id[a]))
            print(_line(by_id[b]))
            print()
    groups: dict[str, list[str]] = defaultdict(list)
    for rid, root in result.groups.items():
        groups[root].append(rid)
    joined = [m for m in groups.values() if len({truth[r] for r in m}) > 1]
    print(f"\n{len(joined)} predicted groups join different works")
    for members in joined:
        print(f"\n  group of {len(members)}:")
        for rid in sorted(members, key=lambda r: truth[r]):
            print(f"  [{truth[rid]}]" + _line(by_id[rid]))


if __name__ == "__main__":
    main()
