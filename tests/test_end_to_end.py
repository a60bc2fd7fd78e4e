"""A review carried from two real database exports to a Summary of Findings and a
report, through the CLI only, as a team would: plan the protocol, import and
deduplicate, screen in pairs, get the full texts, screen them, link studies, extract
data in pairs, plan the analysis, rate it with GRADE, and write the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from .cli_runner import cli_on
from .shared_data import SHARED, require

EXPORTS = SHARED / "data" / "exports" / "ris"
#: (events, participants) with the intervention, then control, for the two trials
TRIALS = ((24, 50, 15, 49), (31, 70, 22, 71))


def test_from_search_exports_to_summary_of_findings_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    medline = require(EXPORTS / "pubmed_via_zotero__asreview.ris", "real export files")
    psycinfo = require(EXPORTS / "ovid_psycinfo__asreview.ris", "real export files")
    root = tmp_path / "ibd"
    run = cli_on(root, capsys)

    def ok(*args: str) -> str:
        code, out, err = run(*args)
        assert code == 0, f"{args}: {err}"
        return out

    code, _, err = run("init", str(root))
    assert code == 0, err
    as_cat = ("--reviewer", "cat")
    ok("protocol", "set", "--population", "People with inflammatory bowel disease", *as_cat)
    ok("protocol", "reason", "add", "wrong population", *as_cat)
    ok("outcome", "add", "remission", "--name", "Clinical remission", *as_cat)
    ok("comparison", "add", "psy-vs-usual", "--intervention", "Psychological therapy",
       "--comparator", "Usual care", *as_cat)  # fmt: skip

    ok("import", str(medline), "--source", "MEDLINE (PubMed)", "--searched", "2019-11-01",
       "--reported-hits", "6")  # fmt: skip
    ok("import", str(psycinfo), "--source", "PsycINFO (Ovid)", "--searched", "2019-11-01",
       "--reported-hits", "6")  # fmt: skip
    ok("dedup")
    status = json.loads(ok("status", "--json"))
    assert (status["records_identified_databases"], status["records_screened"]) == (12, 12)

    # title/abstract: two reviewers, blind; the first two records in, the rest out
    order: list[str] = []
    for _ in range(12):
        shown = json.loads(ok("screen", "next", "--order", "import", "--json", "--reviewer", "ann"))
        order.append(shown["id"])
        for who in ("ann", "bob"):
            verdict = "include" if len(order) <= 2 else "exclude"
            ok("screen", "decide", order[-1], verdict, "--reviewer", who)
    assert len(set(order)) == 12
    assert ok("screen", "next", "--reviewer", "ann") == "nothing waits for ann at title_abstract\n"
    assert json.loads(ok("screen", "next", "--json", "--reviewer", "ann")) is None

    # full texts: each one's file added, then both screened in at full text and linked
    for record in order[:2]:
        pdf = tmp_path / f"{record}.pdf"
        pdf.write_bytes(b"%PDF-1.4\n% " + record.encode() + b"\n%%EOF\n")
        ok("fulltext", "attach", record, str(pdf), *as_cat)
        for who in ("ann", "bob"):
            ok("screen", "decide", record, "include", "--stage", "ft", "--reviewer", who)
        ok("screen", "link", record, *as_cat)
    bundle = tmp_path / "bundle"
    ok("export", str(bundle))
    study_ids = [s["id"] for s in yaml.safe_load((bundle / "studies.yaml").read_text())]
    assert len(study_ids) == 2 and len(list((bundle / "fulltexts").iterdir())) == 2

    # outcome data, entered by two extractors who agree
    for study, (a, n1, c, n2) in zip(study_ids, TRIALS, strict=True):
        for who in ("ann", "bob"):
            ok("extract", "add", "--study", study, "--outcome", "remission", "--type",
               "dichotomous", "--comparison", "psy-vs-usual", "--timepoint", "12 months",
               "--events-1", str(a), "--n-1", str(n1), "--events-2", str(c), "--n-2", str(n2),
               "--reviewer", who)  # fmt: skip

    out = ok("analysis", "add", "--comparison", "psy-vs-usual", "--outcome", "remission",
             "--timepoint", "12 months", "--model", "fixed", *as_cat)  # fmt: skip
    top = sum(a * n2 / (n1 + n2) for a, n1, c, n2 in TRIALS)
    bottom = sum(c * n1 / (n1 + n2) for a, n1, c, n2 in TRIALS)
    assert f"RR {top / bottom:.2f} (" in out and "2 studies, 240 participants" in out

    ok("grade", "start", *as_cat)
    ok("grade", "suggest")
    sof = json.loads(ok("sof", "--format", "json"))
    rows = [row for table in sof for row in table["rows"]]
    assert len(rows) == 1
    assert "2 RCTs" in json.dumps(rows[0])

    final = json.loads(ok("status", "--json"))
    assert (final["reports_sought"], final["reports_not_retrieved"]) == (2, 0)
    assert (final["fulltexts_assessed"], final["studies"], final["reports"]) == (2, 2, 2)
    assert final["checks"] == []

    out_dir = tmp_path / "report"
    ok("report", "--lang", "en", "--format", "md", "--no-summary", "-o", str(out_dir))
    (report,) = out_dir.glob("*.md")
    text = re.sub(r"\[\^n\d+\]", "", report.read_text(encoding="utf-8"))  # footnotes: traces
    assert (
        "The searches found 12 records in databases. We screened 12 titles and abstracts and "
        "excluded 10. We sought 2 full texts. We assessed 2 full texts for eligibility and "
        "excluded 0. We included 2 studies in 2 reports."
    ) in text
    assert f"RR {top / bottom:.2f}".replace(".", ",") not in text  # English numbers
    assert f"RR {top / bottom:.2f}" in text
