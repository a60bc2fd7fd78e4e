"""A small but complete review, touching every kind of object the model has; and
arm-level outcome rows of trials, as the pooling tests build them."""

from __future__ import annotations

from sysreview import model as m


def small_review() -> m.ReviewData:
    return m.ReviewData(
        review=m.ReviewInfo(
            id="demo",
            title="Arbeidsrettet rehabilitering",
            title_en="Work rehabilitation",
            language="nb",
            authors=("Ås, K.", "Ørn, B."),
            key_messages=("Første\nandre linje",),
        ),
        protocol=m.Protocol(
            population="Sykmeldte",
            criteria=(
                m.Criterion("inclusion", "Populasjon", "- arbeidstakere\n- sykmeldte"),
                m.Criterion("exclusion", "Tiltak", "- IPS"),
            ),
            outcomes=(
                m.Outcome("rtw", "Retur til arbeid"),
                m.Outcome(
                    "pain",
                    "Smerte",
                    kind="continuous",
                    direction="lower_is_better",
                    importance="important",
                    priority="secondary",
                ),
            ),
            comparisons=(
                m.Comparison("tr-vs-vanlig", "Tverrfaglig", "Vanlig praksis", reported_studies=2),
            ),
        ),
        searches=(
            m.Search(
                "medline",
                "MEDLINE",
                interface="Ovid",
                date="2020-05-04",
                strategy="1 sick leave.ti. (1120)\n2 or/1 (1120)",
                reported_hits=3879,
            ),
            m.Search("refs", "Reference lists", source="other", reported_hits=11),
        ),
        records=(
            m.Record(
                "r1",
                "medline",
                source_file="medline.ris",
                source_line=1,
                title="A trial",
                authors=("Smith, J", "Doe, A"),
                year=2018,
                doi="10.1/x",
            ),
            m.Record("r2", "medline", title="A trial", duplicate_of="r1"),
            m.Record("r3", "refs", title="Another, with a comma"),
        ),
        decisions=(
            m.Decision("r1", "title_abstract", "anna", "include", sequence=1),
            m.Decision("r1", "title_abstract", "bo", "include", sequence=2),
            m.Decision(
                "r3",
                "title_abstract",
                "anna",
                "include",
                sequence=3,
                ranking="sysreview-minilm",
                ranked_first_by=(0.25, 0.5),
            ),
            m.Decision("r3", "title_abstract", "bo", "exclude", reason="Population", sequence=4),
            m.Decision(
                "r3",
                "title_abstract",
                "cai",
                "exclude",
                reason="Population",
                consensus=True,
                sequence=5,
            ),
            m.Decision("r1", "full_text", "anna", "include", sequence=6),
            m.Decision("r1", "full_text", "bo", "include", sequence=7),
        ),
        prisma=m.PrismaCounts(
            identified_databases=2,
            identified_other=1,
            duplicates_removed=1,
            screened=2,
            excluded_screening=1,
            fulltext_assessed=1,
            fulltext_excluded=0,
            studies_included=1,
            reports_included=1,
        ),
        studies=(
            m.Study(
                "smith2018",
                "Smith 2018",
                countries=("Norge",),
                participants=168,
                comparisons=("tr-vs-vanlig",),
                characteristics={"age": "45 (18-60)", "women": "77 %"},
            ),
        ),
        reports=(
            m.Report(
                "smith2018",
                "smith2018",
                "Smith J. A trial. 2018.",
                first_author="Smith",
                year=2018,
                reference=57,
                main=True,
            ),
        ),
        exclusions=(
            m.Exclusion("doe2019", "Doe A. Not a trial. 2019.", "Feil design", "Primærstudier"),
        ),
        systematic_reviews=(
            m.SystematicReview(
                "vogel2017",
                "Vogel 2017",
                aim="“To assess”",
                characteristics={"included_studies": "14"},
            ),
        ),
        risk_of_bias=(
            m.RobAssessment(
                "smith2018", "rob1", "random_sequence_generation", "low", "Datagenerert"
            ),
            m.RobAssessment(
                "smith2018", "rob1", "allocation_concealment", "unclear", 'Ikke "beskrevet", uklart'
            ),
        ),
        outcome_data=(
            m.OutcomeData(
                "smith2018-rtw",
                "smith2018",
                "rtw",
                "estimate",
                comparison="tr-vs-vanlig",
                timepoint="12 mnd",
                report="smith2018",
                measure="RR",
                estimate=1.5,
                ci_lb=1.08,
                ci_ub=2.08,
                ci_level=95.0,
                text="RR 1,50 (95 % KI 1,08 til 2,08)",
            ),
            m.OutcomeData(
                "smith2018-pain",
                "smith2018",
                "pain",
                "continuous",
                timepoint="12 mnd",
                mean_1=2.0,
                n_1=84.0,
                mean_2=2.8,
                n_2=84.0,
                median_1=82.0,
                q1_1=51.0,
                q3_1=164.0,
                p=0.023,
                p_text="P=0,023",
            ),
        ),
        extractions=(
            m.Extraction(
                "smith2018-rtw-6-mnd",
                "kari",
                "smith2018",
                "rtw",
                "dichotomous",
                timepoint="6 mnd",
                events_1=30.0,
                n_1=84.0,
                events_2=21.0,
                n_2=84.0,
                source="Tabell 2",
                extracted_at="2026-11-24T09:00:00+00:00",
            ),
        ),
        analyses=(
            m.Analysis(
                "a-rtw",
                "tr-vs-vanlig",
                "rtw",
                timepoint="12 mnd",
                studies=("smith2018",),
                reported=m.PooledResult(
                    estimate=1.01, ci_lb=0.7, ci_ub=1.48, participants=321, studies=3
                ),
            ),
        ),
        certainty=(
            m.CertaintyAssessment(
                "t1-1",
                "tr-vs-vanlig",
                "rtw",
                "very_low",
                timepoint="12 mnd",
                analysis="a-rtw",
                threshold=0.05,
                risk_of_bias=m.DomainRating("very_serious", "Nedgradert to nivåer"),
                inconsistency=m.DomainRating("serious", "I2 > 80 %"),
            ),
        ),
        grade_log=(
            m.GradeJudgement(
                "t1-1",
                "inconsistency",
                "undetermined",
                source="suggestion",
                reason="No heterogeneity statistics.",
                author="sysreview",
                sequence=1,
            ),
            m.GradeJudgement(
                "t1-1", "inconsistency", "serious", reason="I2 > 80 %", author="ann", sequence=2
            ),
        ),
        sof_tables=(
            m.SofTable(
                "t1",
                "Tverrfaglig vs vanlig",
                "tr-vs-vanlig",
                number="4",
                footnotes={1: "Nedgradert to nivåer", 2: "I2 > 80 %"},
                rows=(
                    m.SofRow(
                        "t1-1",
                        "rtw",
                        "Retur til arbeid ved 12 mnd",
                        "very_low",
                        measure="RR",
                        estimate=1.01,
                        ci_lb=0.7,
                        ci_ub=1.48,
                        per=100,
                        baseline_risks={"Studiepopulasjon": 0.72, "Høy risiko": 0.9},
                        relative_text="RR 1,01 (0,70 til 1,48)",
                        participants=321,
                        studies=3,
                        footnotes=(1, 2),
                        assessment="t1-1",
                    ),
                    m.SofRow("t1-2", "pain", "Smerte", "very_low", narrative="Ingen forskjell"),
                ),
            ),
        ),
        trends=(
            m.TrendRow(
                "smith2018", "TR vs. vanlig praksis", {"Retur til arbeid": "+", "Smerte": "="}
            ),
        ),
        notes=(m.Note("n1", "prisma.yaml:screened", "The summary says 200, the figure 201."),),
    )


def two_by_two(
    trials: dict[str, tuple[int, int, int, int]],
    *,
    outcome: str,
    comparison: str,
    timepoint: str | None = None,
    groups: dict[str, str] | None = None,
) -> tuple[m.OutcomeData, ...]:
    """One dichotomous row per trial: ``trials`` maps study id to (events, n) with the
    intervention, then (events, n) with the control; ``groups`` a study's subgroup."""
    return tuple(
        m.OutcomeData(
            id=f"{s}-{outcome}",
            study=s,
            outcome=outcome,
            data_type="dichotomous",
            comparison=comparison,
            timepoint=timepoint,
            group=(groups or {}).get(s),
            events_1=e1,
            n_1=n1,
            events_2=e2,
            n_2=n2,
        )
        for s, (e1, n1, e2, n2) in trials.items()
    )
