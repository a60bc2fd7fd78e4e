"""Per-set mean WSS@95 (seeds 0-2) of diag variants minus ASReview 3.0.8's, with
ASReview's and the product models' means as docs/benchmarks.md records them (same
seeds and priors, run 2026-11-24)."""
import collections, json, os, sys

# dataset: (ASReview, sysreview, sysreview-minilm), final labels, docs/benchmarks.md
DOCS = {
    "Bannach-Brown_2019": (42.2, 46.1, 54.1), "Cohen_2006_ADHD": (50.5, 50.2, 60.8),
    "Jeyaraman_2020": (64.0, 63.4, 62.6), "Kitchenham_2010": (67.0, 67.1, 68.7),
    "Meijboom_2021": (74.9, 77.7, 77.9), "Nagtegaal_2019": (72.9, 72.4, 71.0),
    "Chou_2004": (27.7, 28.5, 31.1), "Cohen_2006_Antihistamines": (-1.4, -1.1, 10.7),
    "Cohen_2006_AtypicalAntipsychotics": (26.4, 23.5, 31.1),
    "Cohen_2006_BetaBlockers": (73.1, 72.7, 69.0),
    "Cohen_2006_CalciumChannelBlockers": (39.3, 52.8, 50.6),
    "Cohen_2006_Estrogens": (33.6, 32.8, 34.4), "Cohen_2006_NSAIDS": (73.1, 72.1, 75.5),
    "Cohen_2006_Opiods": (22.7, 21.9, 57.6), "Cohen_2006_OralHypoglycemics": (17.3, 14.4, 12.1),
    "Cohen_2006_SkeletalMuscleRelaxants": (31.1, 30.8, 27.1),
    "Cohen_2006_Triptans": (57.2, 56.6, 57.1), "Cohen_2006_UrinaryIncontinence": (36.0, 46.1, 46.4),
    "Donners_2021": (57.8, 59.8, 78.5), "Nelson_2002": (30.5, 29.8, 34.0),
    "Sep_2021": (16.6, 16.6, 10.4), "van_der_Valk_2021": (46.2, 46.2, 47.9),
}
PUBLIC = list(DOCS)[:6]
res = collections.defaultdict(dict)
for line in open(os.environ.get("DIAG_RESULTS", "/tmp/diag/results.jsonl")):
    r = json.loads(line)
    if r["label"] == "label_included":
        res[r["v"]].setdefault(r["set"], {})[r["seed"]] = r["wss"]
names = sys.argv[1].split(",")
print(f"{'set':34s} {'ASR':>6s} {'lex':>6s} {'minilm':>6s} " + " ".join(f"{n[:9]:>9s}" for n in names))
tot = collections.defaultdict(list)
worse = collections.Counter()
for s, (asr, lex, mini) in DOCS.items():
    cells = []
    for n in names:
        v = res[n].get(s, {})
        if len(v) == 3:
            d = sum(v.values()) / 3 - asr
            cells.append(f"{d:+9.1f}")
            tot[(n, s in PUBLIC)].append(d)
            worse[n] += d < -2
        else:
            cells.append(f"{'':>9s}")
    print(f"{s[:34]:34s} {asr:6.1f} {lex - asr:+6.1f} {mini - asr:+6.1f} " + " ".join(cells))
for n in names:
    p, e = tot[(n, True)], tot[(n, False)]
    mean = lambda x: sum(x) / len(x) if x else float("nan")
    print(f"{n}: public {mean(p):+.2f} ({len(p)}), extra {mean(e):+.2f} ({len(e)}), sets < -2: {worse[n]}")
