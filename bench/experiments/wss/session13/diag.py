"""Diagnostic: sysreview-minilm variants on chosen sets, per seed, cached."""
import os, sys, json, time
from pathlib import Path
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
from dataclasses import replace

import numpy as np
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2])); sys.path.insert(0, str(HERE))
from sysreview import screening
from sysreview.screening._simulate import MODELS
from sysreview.screening._fusion import FusionConfig, EmbeddingConfig
from sysreview.cli.screening_commands import embed_texts
import variants13 as variants

DATA = HERE.parents[4] / "shared" / "data" / "screening"
CACHE = Path(os.environ.get("DIAG_RESULTS", "/tmp/diag/results.jsonl"))

def path_of(stem):
    for split in ("public", "extra"):
        p = DATA / split / f"{stem}.csv"
        if p.exists(): return p
    raise SystemExit(stem)

def crit(stem):
    p = DATA / "criteria" / f"{stem}.txt"
    return p.read_text(encoding="utf-8") if p.exists() else None

def main(names, sets, seeds=(0, 1, 2), label="label_included"):
    done = {}
    if CACHE.exists():
        for l in CACHE.read_text().splitlines():
            r = json.loads(l); done[(r["v"], r["set"], r["label"], r["seed"])] = r
    for stem in sets:
        records = screening.read_labelled(path_of(stem), label=label)
        vec = cv = None
        for name in names:
            model = variants.get(name)
            for seed in seeds:
                k = (name, stem, label, seed)
                if k in done: continue
                if model.needs_embeddings and vec is None:
                    vec, cv = embed_texts(records.texts, crit(stem))
                t = time.process_time()
                res = screening.simulate(records, model=model, seeds=(seed,), criteria=crit(stem),
                                         embeddings=vec if model.needs_embeddings else None,
                                         criteria_embedding=cv if model.needs_embeddings else None)
                run = res.runs[0]
                r = {"v": name, "set": stem, "label": label, "seed": seed, "wss": run.metrics.wss95,
                     "r10": run.metrics.recall_10, "n95": run.metrics.screened_95, "cpu": time.process_time() - t}
                done[k] = r
                with CACHE.open("a") as h: h.write(json.dumps(r) + "\n")
                print(name, stem, seed, round(r["wss"], 1), round(r["cpu"], 1), flush=True)

if __name__ == "__main__":
    names = sys.argv[1].split(","); sets = sys.argv[2].split(",")
    label = sys.argv[3] if len(sys.argv) > 3 else "label_included"
    main(names, sets, label=label)
