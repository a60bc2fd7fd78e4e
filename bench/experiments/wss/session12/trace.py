"""Trace one bandit run: chosen weight per step, where relevant records were found."""
import os, sys
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
sys.path.insert(0, __import__("os").path.dirname(__file__))
import numpy as np
from sysreview import screening
from sysreview.screening import _simulate
from sysreview.screening._rank import UNLABELLED
from sysreview.cli.screening_commands import embed_texts
import diag, variants

def trace(stem, name, seed, label="label_included"):
    records = screening.read_labelled(diag.path_of(stem), label=label)
    model = variants.get(name)
    vec, cv = embed_texts(records.texts, diag.crit(stem))
    feats = screening.featurize(records.titles, records.abstracts, model.features, diag.crit(stem))
    feats = _simulate.with_embeddings(feats, model, vec, cv)
    y = np.asarray(records.labels, dtype=np.int64)
    prior = screening.prior_knowledge(y, seed)
    ranker = model.make_ranker(seed)
    known = np.full(len(y), UNLABELLED, dtype=np.int64)
    order = list(prior); known[order] = y[order]
    missing = int(y.sum() - y[order].sum())
    weights = []
    while missing:
        scores = ranker.fit(feats, known).score(feats)
        un = np.flatnonzero(known == UNLABELLED)
        r = int(un[np.argmax(scores[un])])
        weights.append(getattr(ranker, "weight", 0.0))
        if hasattr(ranker, "observe"): ranker.observe(r, int(y[r]), known)
        order.append(r); known[r] = y[r]; missing -= int(y[r])
    hits = [i for i, r in enumerate(order[2:]) if y[r] == 1 and r != prior[0]]
    return weights, hits, len(y)

if __name__ == "__main__":
    stem, name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    w, hits, n = trace(stem, name, seed)
    print("n", n, "found at", hits)
    # weight histogram by phase of relevant found
    import collections
    edges = [0] + hits
    for a, b in zip(edges, edges[1:]):
        seg = w[a:b + 1]
        c = collections.Counter(seg)
        print(f"{a:5d}-{b:5d}", dict(sorted(c.items())))
