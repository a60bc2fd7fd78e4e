"""Per-set mean WSS@95 (seeds 0-2) of diag variants minus ASReview 3.0.8's, beside the
product models' as docs/benchmarks.md records them (run of 2026-11-24 06:01 UTC, at
970d92d; same seeds and priors).  `summ19.py VARIANTS` (results: $DIAG_RESULTS)."""
import collections
import json
import os
import sys

# dataset: (ASReview, sysreview, sysreview-minilm), final labels, docs/benchmarks.md
DOCS = {
    "Bannach-Brown_2019": (42.2, 45.8, 54.9), "Cohen_2006_ADHD": (50.5, 50.4, 61.2),
    "Jeyaraman_2020": (64.0, 63.8, 62.7), "Kitchenham_2010": (67.0, 67.0, 71.3),
    "Meijboom_2021": (74.9, 78.8, 78.1), "Nagtegaal_2019": (72.9, 71.9, 71.2),
    "Chou_2004": (27.7, 29.0, 31.8), "Cohen_2006_Antihistamines": (-1.4, -1.4, 8.7),
    "Cohen_2006_AtypicalAntipsychotics": (26.4, 24.8, 31.9),
    "Cohen_2006_BetaBlockers": (73.1, 73.3, 69.7),
    "Cohen_2006_CalciumChannelBlockers": (39.3, 49.4, 51.8),
    "Cohen_2006_Estrogens": (33.6, 33.6, 35.5), "Cohen_2006_NSAIDS": (73.1, 72.2, 74.6),
    "Cohen_2006_Opiods": (22.7, 21.9, 57.7), "Cohen_2006_OralHypoglycemics": (17.3, 15.5, 11.8),
    "Cohen_2006_SkeletalMuscleRelaxants": (31.1, 30.8, 27.1),
    "Cohen_2006_Triptans": (57.2, 57.8, 58.9), "Cohen_2006_UrinaryIncontinence": (36.0, 41.3, 42.4),
    "Donners_2021": (57.8, 57.8, 78.2), "Nelson_2002": (30.5, 30.2, 34.4),
    "Sep_2021": (16.6, 16.6, 10.4), "van_der_Valk_2021": (46.2, 46.3, 48.4),
}
PUBLIC = list(DOCS)[:6]


def main(names):
    res = collections.defaultdict(dict)
    for line in open(os.environ.get("DIAG_RESULTS", "/tmp/diag/r19.jsonl")):
        r = json.loads(line)
        if r["label"] == "label_included":
            res[r["v"]].setdefault(r["set"], {})[r["seed"]] = r["wss"]
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

    def mean(x):
        return sum(x) / len(x) if x else float("nan")

    for n in names:
        p, e = tot[(n, True)], tot[(n, False)]
        print(f"{n}: public {mean(p):+.2f} ({len(p)}), extra {mean(e):+.2f} ({len(e)}), sets < -2: {worse[n]}")


if __name__ == "__main__":
    main(sys.argv[1].split(","))
