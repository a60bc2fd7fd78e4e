"""Retrain (fit + score all records) time of the best model at 50,000 synthetic
records: synthetic abstracts from a Zipf vocabulary, random unit 384-d embeddings
(the embedding itself is computed once per record at import, not per update).
Measured with 1% relevant and 10,000 records screened (the irrelevant cap of 2,000
applies), plus the per-decision bookkeeping of the online weight."""
from __future__ import annotations

import sys
import common  # noqa: F401  (single-threaded BLAS)
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from rankers import Bandit  # noqa: E402
from run import GRID  # noqa: E402

from sysreview.screening import featurize  # noqa: E402


class Synthetic:
    def __init__(self, n=50_000, seed=0):
        rng = np.random.default_rng(seed)
        vocab = np.array([f"w{i}" for i in range(30_000)])
        p = 1.0 / np.arange(1, 30_001) ** 1.1
        p /= p.sum()
        titles = [" ".join(vocab[rng.choice(30_000, 12, p=p)]) for _ in range(n)]
        abstracts = [" ".join(vocab[rng.choice(30_000, 180, p=p)]) if i % 10 else ""
                     for i in range(n)]
        self.features = featurize(titles, abstracts, None, "w1 w2 w3 eligibility w40")
        e = rng.normal(size=(n, 384))
        self.emb = e / np.linalg.norm(e, axis=1, keepdims=True)
        c = rng.normal(size=(1, 384))
        self.emb_criteria = c / np.linalg.norm(c)
        y = np.full(n, -1)
        screened = rng.choice(n, 10_000, replace=False)
        y[screened] = (rng.random(10_000) < 0.01).astype(int)
        self.y = y


def main():
    t0 = time.time()
    d = Synthetic()
    print(f"synthetic 50k built in {time.time() - t0:.0f}s; text features {d.features.text.shape}")
    r = Bandit(0, GRID, default=0.5, prior=(0.2, 2.0))
    times = []
    for i in range(5):
        t = time.perf_counter()
        r.fit(d, d.y)
        s = r.score(d)
        pick = int(np.flatnonzero(d.y == -1)[np.argmax(s[d.y == -1])])
        r.observe(pick, 1, d.y)
        times.append(time.perf_counter() - t)
    print("update seconds (fit + score + online-weight bookkeeping):",
          " ".join(f"{x:.2f}" for x in times), f"median {np.median(times):.2f}")


if __name__ == "__main__":
    main()
