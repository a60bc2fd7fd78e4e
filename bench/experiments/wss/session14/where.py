"""Where the last relevant records of a set land for some variants (seed 0): `where.py SET VARIANTS`
(run from the repository root, as diag.py)."""
import os, sys
for v in ("OMP_NUM_THREADS","OPENBLAS_NUM_THREADS","MKL_NUM_THREADS"): os.environ.setdefault(v,"1")
sys.path.insert(0, "bench/experiments/wss/session14"); sys.path.insert(0, "bench/experiments/wss/session12")
import variants14
import diag as d12
from sysreview import screening
from sysreview.cli.screening_commands import embed_texts
stem, names = sys.argv[1], sys.argv[2].split(",")
records = screening.read_labelled(d12.path_of(stem))
vec, cv = embed_texts(records.texts, d12.crit(stem))
import csv
rows = list(csv.DictReader(open(d12.path_of(stem))))
for name in names:
    model = variants14.get(name) if name in variants14.V else screening._simulate.MODELS[name]
    res = screening.simulate(records, model=model, seeds=(0,), criteria=d12.crit(stem),
        embeddings=vec if model.needs_embeddings else None, criteria_embedding=cv if model.needs_embeddings else None)
    run = res.runs[0]
    pos = {r: i for i, r in enumerate(run.order)}
    rel = [i for i, r in enumerate(rows) if r["label_included"] == "1"]
    found = sorted((pos[i], i) for i in rel)
    print(name, round(run.metrics.wss95, 1), "last positions:", [p for p, _ in found[-4:]])
    for p, i in found[-3:]:
        print("   ", p, "abstract" if (rows[i].get("abstract") or "").strip() else "NO ABSTRACT", rows[i]["title"][:90])
