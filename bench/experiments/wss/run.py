"""Run named configurations on the 6 public sets × 3 seeds; print a table and save
JSON to /tmp/wss-results/<name>.json.

usage: /tmp/emb-venv/bin/python run.py NAME [NAME ...] [--sets a,b] [--seeds 0,1,2]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import ASREVIEW, CURRENT, SETS, Dataset, run  # noqa: E402
from rankers import Bandit, Embedding, Fusion, Lexical  # noqa: E402

GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
CONFIGS = {
    "lex": lambda s: Lexical(s),
    "emb_lr": lambda s: Embedding(s, kind="lr", C=1.0),
    "emb_svm": lambda s: Embedding(s, kind="svm", C=0.5),
    "fix0.5": lambda s: Fusion(s, weight=0.5),
    "fix1": lambda s: Fusion(s, weight=1.0),
    "fix0.5svm": lambda s: Fusion(s, weight=0.5, emb_kwargs=dict(kind="svm", C=0.5)),
    "online": lambda s: Fusion(s, weight=0.5, grid=GRID, window=10),
    "online_w5": lambda s: Fusion(s, weight=0.5, grid=GRID, window=5),
    "online_w20": lambda s: Fusion(s, weight=0.5, grid=GRID, window=20),
    "bandit": lambda s: Bandit(s, GRID, default=0.5),
    "bandit_d0": lambda s: Bandit(s, GRID, default=0.0),
    "bandit_d0_nocrit": lambda s: Bandit(s, GRID, default=0.0, emb_kwargs=dict(criteria_weight=0.0)),
    "bandit_nocrit": lambda s: Bandit(s, GRID, default=0.5, emb_kwargs=dict(criteria_weight=0.0)),
    "bandit_g90": lambda s: Bandit(s, GRID, default=0.5, gamma=0.90),
    "bandit_pess": lambda s: Bandit(s, GRID, default=0.5, prior=(0.2, 2.0)),
    "bandit_k3": lambda s: Bandit(s, GRID, default=0.5, k=3),
    "bandit_g95": lambda s: Bandit(s, GRID, default=0.5, gamma=0.95),
    "online_d0": lambda s: Fusion(s, weight=0.0, grid=GRID, window=10, min_found=3),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="+")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--tag", default="")
    a = ap.parse_args()
    sets = a.sets.split(",")
    seeds = [int(s) for s in a.seeds.split(",")]
    out = Path("/tmp/wss-results")
    out.mkdir(exist_ok=True)
    datas = {s: Dataset(s) for s in sets}
    for name in a.names:
        make = CONFIGS[name]
        res = {}
        t0 = time.process_time()
        for s in sets:
            vals = []
            for seed in seeds:
                m = run(make, datas[s], seed)
                vals.append(m.wss95)
            res[s] = vals
            print(f"{name:12s} {s:20s} {np.mean(vals):5.1f}  {['%.1f' % v for v in vals]}"
                  f"  asr {ASREVIEW[s]}  cur {CURRENT[s]}", flush=True)
        mean = np.mean([np.mean(v) for v in res.values()])
        print(f"{name:12s} MEAN {mean:.2f}  cpu {time.process_time() - t0:.0f}s", flush=True)
        (out / f"{name}{a.tag}.json").write_text(json.dumps({"name": name, "seeds": seeds, "wss95": res}))


if __name__ == "__main__":
    main()
