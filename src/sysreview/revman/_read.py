"""A RevMan 5 file (``.rm5``) as review data: how a team that kept its review in
RevMan 5 brings it over.

Read: the title; included, excluded, awaiting and ongoing studies with their
references; the characteristics of included studies (as the study's notes); the
risk-of-bias items (the Cochrane tool's seven domains; a review's own items are
named in the warnings); and every dichotomous and continuous outcome with its study
data (inside subgroups too, the subgroup kept as the row's group) and RevMan's
calculated totals as the analysis' reported result.  Generic inverse-variance and
O-E outcomes are named in the warnings, not read.

Any value that cannot be read is a :class:`~sysreview.errors.ParseError` naming the
file, the line and the attribute; nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.xmlreader import AttributesImpl, Locator

from ..errors import ParseError
from ..model import (
    Analysis,
    Comparison,
    Exclusion,
    Outcome,
    OutcomeData,
    PooledResult,
    Protocol,
    Report,
    ReviewData,
    ReviewInfo,
    RobAssessment,
    RobJudgement,
    Study,
    StudyStatus,
    free_id,
)
from ._vocab import (
    CAUTION,
    CONTINUOUS_MEASURES,
    DICHOTOMOUS_MEASURES,
    PETO_OR,
    ROB_JUDGEMENTS,
    decode_id,
    direction_from_labels,
    rob_domain,
)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def iter_all(self) -> list[_Node]:
        found = [self]
        for child in self.children:
            found += child.iter_all()
        return found

    def iter(self, tag: str) -> list[_Node]:
        return [n for n in self.iter_all() if n.tag == tag]

    def text(self) -> str:
        """The element's words, paragraphs on lines of their own."""
        own = "".join(self.parts).strip()
        inner = [c.text() for c in self.children]
        joined = "\n".join(t for t in [own, *inner] if t)
        return re.sub(r"[ \t\r]*\n[ \t\r\n]*", "\n", joined).strip()

    def child_text(self, tag: str) -> str:
        child = self.find(tag)
        return child.text() if child is not None else ""


class _Builder(xml.sax.handler.ContentHandler):
    """A tree of elements that remembers each one's line (ElementTree forgets it)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        line = (self.locator.getLineNumber() or 0) if self.locator is not None else 0
        node = _Node(name, dict(attrs.items()), line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


@dataclass(frozen=True)
class Rm5Review:
    """The review data read, and what was not read, in words."""

    data: ReviewData
    warnings: tuple[str, ...]


def read_rm5(path: str | Path) -> Rm5Review:
    """Read a RevMan 5 file into review data (a bundle's worth: write it with
    :func:`sysreview.bundle.write_bundle`)."""
    path = Path(path)
    root = _parse(path)
    return _Reader(path, root).read()


def _parse(path: Path) -> _Node:
    builder = _Builder()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(builder)
    try:
        parser.parse(str(path))
    except xml.sax.SAXParseException as exc:
        raise ParseError(
            f"not well-formed XML: {exc.getMessage()}", path=str(path), line=exc.getLineNumber()
        ) from None
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if builder.root is None or builder.root.tag != "COCHRANE_REVIEW":
        found = builder.root.tag if builder.root is not None else "nothing"
        raise ParseError(
            f"not a RevMan 5 file: the root element is {found}, not COCHRANE_REVIEW",
            path=str(path),
            line=builder.root.line if builder.root is not None else None,
        )
    return builder.root


def _slug(text: str) -> str:
    """An id from a name: ASCII letters and digits (``Müller 2001`` -> ``muller-2001``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^0-9a-z]+", "-", folded).strip("-") or "x"


class _Reader:
    def __init__(self, path: Path, root: _Node) -> None:
        self.path = path
        self.root = root
        self.warnings: list[str] = []
        self.studies: dict[str, Study] = {}
        self.taken: set[str] = set()
        self.report_ids: set[str] = set()

    def error(self, node: _Node, message: str, attribute: str | None = None) -> ParseError:
        return ParseError(message, path=str(self.path), line=node.line, field=attribute)

    def read(self) -> Rm5Review:
        cover = self.root.find("COVER_SHEET")
        title = cover.child_text("TITLE") if cover is not None else ""
        info = ReviewInfo(id=_slug(self.path.stem), title=title or self.path.stem, language="en")
        studies, reports, exclusions = self._studies()
        risk_of_bias = self._risk_of_bias()
        comparisons, outcomes, analyses, rows = self._analyses()
        protocol = Protocol(outcomes=tuple(outcomes), comparisons=tuple(comparisons))
        data = ReviewData(
            review=info,
            protocol=protocol,
            studies=tuple(studies),
            reports=tuple(reports),
            exclusions=tuple(exclusions),
            risk_of_bias=tuple(risk_of_bias),
            outcome_data=tuple(rows),
            analyses=tuple(analyses),
        )
        return Rm5Review(data, tuple(self.warnings))

    # --- studies --------------------------------------------------------------

    def _studies(self) -> tuple[list[Study], list[Report], list[Exclusion]]:
        studies: list[Study] = []
        reports: list[Report] = []
        exclusions: list[Exclusion] = []
        notes = self._characteristics()
        reasons = self._exclusion_reasons()
        section = self.root.find("STUDIES_AND_REFERENCES")
        groups = section.find("STUDIES") if section is not None else None
        if groups is None:
            return studies, reports, exclusions
        statuses: tuple[tuple[str, StudyStatus], ...] = (
            ("INCLUDED_STUDIES", "included"),
            ("EXCLUDED_STUDIES", "excluded"),
            ("AWAITING_STUDIES", "awaiting"),
            ("ONGOING_STUDIES", "ongoing"),
        )
        for tag, status in statuses:
            group = groups.find(tag)
            for node in group.all("STUDY") if group is not None else []:
                rid = self._required(node, "ID")
                name = node.attrs.get("NAME") or decode_id(rid.removeprefix("STD-"))
                key = self._unique(_slug(decode_id(rid.removeprefix("STD-"))))
                year = self._year(node)
                if status == "excluded":
                    reference = node.find("REFERENCE")
                    citation = (reference.child_text("SO") if reference is not None else "") or name
                    exclusions.append(
                        Exclusion(
                            id=key,
                            citation=citation,
                            reason=reasons.get(rid, "") or "Not stated",
                            group="Excluded studies",
                            first_author=name.split()[0] if name else None,
                            year=year,
                        )
                    )
                    continue
                study = Study(id=key, label=name, status=status, note=notes.get(rid))
                self.studies[rid] = study
                studies.append(study)
                for reference in node.all("REFERENCE"):
                    reports.append(self._report(study, reference, year))
        return studies, reports, exclusions

    def _unique(self, key: str) -> str:
        """Our id from RevMan's: unique even where two ids differ only in punctuation."""
        found = free_id(key, self.taken)
        self.taken.add(found)
        return found

    def _report_id(self, study: str) -> str:
        """A report's id: the study's for its first, then study-2, study-3 ..."""
        found = free_id(study, self.report_ids)
        self.report_ids.add(found)
        return found

    def _year(self, node: _Node) -> int | None:
        text = node.attrs.get("YEAR", "").strip()
        if not text:
            return None
        match = re.match(r"\d{4}", text)
        if match is None:
            raise self.error(node, f"YEAR {text!r} is not a year", "YEAR")
        return int(match.group(0))

    def _report(self, study: Study, node: _Node, year: int | None) -> Report:
        title = node.child_text("TI") or None
        source = node.child_text("SO")
        authors = node.child_text("AU")
        report_year = node.child_text("YR")
        citation = ". ".join(p for p in (authors, title, source, report_year) if p) or study.label
        first = authors.split(",")[0].split()[0] if authors.strip() else None
        return Report(
            id=self._report_id(study.id),
            study=study.id,
            citation=citation,
            first_author=first,
            year=int(report_year) if report_year.isdigit() else year,
            title=title,
            main=node.attrs.get("PRIMARY") == "YES",
        )

    def _characteristics(self) -> dict[str, str]:
        section = self.root.find("CHARACTERISTICS_OF_STUDIES")
        table = section.find("CHARACTERISTICS_OF_INCLUDED_STUDIES") if section is not None else None
        notes: dict[str, str] = {}
        for char in table.all("INCLUDED_CHAR") if table is not None else []:
            cells = [
                (label, char.child_text(tag))
                for tag, label in (
                    ("CHAR_METHODS", "Methods"),
                    ("CHAR_PARTICIPANTS", "Participants"),
                    ("CHAR_INTERVENTIONS", "Interventions"),
                    ("CHAR_OUTCOMES", "Outcomes"),
                    ("CHAR_NOTES", "Notes"),
                )
            ]
            text = "\n".join(f"{label}: {value}" for label, value in cells if value)
            if text:
                notes[self._required(char, "STUDY_ID")] = text
        return notes

    def _exclusion_reasons(self) -> dict[str, str]:
        section = self.root.find("CHARACTERISTICS_OF_STUDIES")
        table = section.find("CHARACTERISTICS_OF_EXCLUDED_STUDIES") if section is not None else None
        return {
            self._required(char, "STUDY_ID"): char.child_text("REASON_FOR_EXCLUSION")
            for char in (table.all("EXCLUDED_CHAR") if table is not None else [])
        }

    # --- risk of bias -----------------------------------------------------------

    def _risk_of_bias(self) -> list[RobAssessment]:
        """The Cochrane tool's judgements.  RevMan judges blinding and attrition per
        group of outcomes ("Objective outcomes", ...), which sysreview has no place for:
        a study judged in one group keeps it, the group named in the support; judged
        in several, it keeps the most cautious judgement, every group's in the support."""
        found: list[RobAssessment] = []
        items = self.root.find("QUALITY_ITEMS")
        for item in items.all("QUALITY_ITEM") if items is not None else []:
            name = item.child_text("NAME")
            domain = rob_domain(name)
            entries = item.iter("QUALITY_ITEM_DATA_ENTRY")
            if domain is None:
                if entries:
                    self.warnings.append(
                        f"{self.path}:{item.line}: risk-of-bias item {name!r} is not one of "
                        f"the Cochrane tool's domains; its {len(entries)} judgements were not read"
                    )
                continue
            groups = {
                n.attrs["ID"]: n.child_text("NAME")
                for n in item.iter_all()
                if n.attrs.get("ID", "").startswith("QIG")
            }
            judged: dict[str, list[tuple[str | None, RobJudgement, str]]] = {}
            for entry in entries:
                result = self._required(entry, "RESULT")
                if result not in ROB_JUDGEMENTS:
                    raise self.error(
                        entry, f"RESULT {result!r} is not YES, NO or UNKNOWN", "RESULT"
                    )
                study = self._study(entry)
                if study is None:
                    continue
                group_id = entry.attrs.get("GROUP_ID") or None
                group = groups.get(group_id, group_id) if group_id else None
                judged.setdefault(study.id, []).append(
                    (group, ROB_JUDGEMENTS[result], entry.child_text("DESCRIPTION"))
                )
            for study_id, said in judged.items():
                found.append(self._one_judgement(item, study_id, domain, said))
        return found

    def _one_judgement(
        self,
        item: _Node,
        study: str,
        domain: str,
        said: list[tuple[str | None, RobJudgement, str]],
    ) -> RobAssessment:
        if len(said) == 1:
            group, judgement, support = said[0]
            if group and group.lower() != "all outcomes":
                support = f"{group}: {support}" if support else group
        else:
            judgement = max((j for _, j, _ in said), key=CAUTION.index)
            support = "; ".join(
                f"{group or 'all outcomes'}: {j}" + (f" ({text})" if text else "")
                for group, j, text in said
            )
            self.warnings.append(
                f"{self.path}:{item.line}: {study} is judged per group of outcomes in "
                f"{domain}; kept the most cautious judgement ({judgement}), each group's "
                "in the support"
            )
        return RobAssessment(
            study=study, tool="rob1", domain=domain, judgement=judgement, support=support or None
        )

    # --- analyses -----------------------------------------------------------------

    def _analyses(
        self,
    ) -> tuple[list[Comparison], list[Outcome], list[Analysis], list[OutcomeData]]:
        comparisons: list[Comparison] = []
        outcomes: dict[str, Outcome] = {}
        analyses: list[Analysis] = []
        rows: list[OutcomeData] = []
        section = self.root.find("ANALYSES_AND_DATA")
        for node in section.all("COMPARISON") if section is not None else []:
            cid = _slug(self._required(node, "ID"))
            kept = [o for o in node.children if o.tag in ("DICH_OUTCOME", "CONT_OUTCOME")]
            first = kept[0] if kept else None
            comparisons.append(
                Comparison(
                    id=cid,
                    name=node.child_text("NAME") or cid,
                    intervention=(first.child_text("GROUP_LABEL_1") if first else "")
                    or "Experimental",
                    comparator=(first.child_text("GROUP_LABEL_2") if first else "") or "Control",
                )
            )
            for other in node.children:
                if other.tag in ("IV_OUTCOME", "OE_OUTCOME"):
                    kind = "generic inverse-variance" if other.tag == "IV_OUTCOME" else "O-E"
                    self.warnings.append(
                        f"{self.path}:{other.line}: {kind} outcome "
                        f"{other.child_text('NAME')!r} was not read"
                    )
            for outcome_node in kept:
                analysis, data = self._outcome(cid, outcome_node)
                name = outcome_node.child_text("NAME") or analysis.id
                direction = direction_from_labels(
                    outcome_node.child_text("GRAPH_LABEL_1"),
                    outcome_node.child_text("GROUP_LABEL_1"),
                    outcome_node.child_text("GROUP_LABEL_2"),
                )
                outcome = outcomes.setdefault(
                    _slug(name),
                    Outcome(
                        id=_slug(name),
                        name=name,
                        kind="dichotomous" if outcome_node.tag == "DICH_OUTCOME" else "continuous",
                        direction=direction or "higher_is_better",
                    ),
                )
                analyses.append(replace(analysis, outcome=outcome.id))
                rows += [replace(d, outcome=outcome.id) for d in data]
        return comparisons, list(outcomes.values()), analyses, rows

    def _outcome(self, comparison: str, node: _Node) -> tuple[Analysis, list[OutcomeData]]:
        dichotomous = node.tag == "DICH_OUTCOME"
        aid = _slug(self._required(node, "ID"))
        measures = DICHOTOMOUS_MEASURES if dichotomous else CONTINUOUS_MEASURES
        theirs = self._required(node, "EFFECT_MEASURE")
        method = node.attrs.get("METHOD") if dichotomous else None
        if dichotomous and theirs == PETO_OR:
            theirs, method = "OR", "PETO"
        ours = {v: k for k, v in measures.items()}.get(theirs)
        if ours is None:
            known = [*measures.values(), *([PETO_OR] if dichotomous else [])]
            raise self.error(
                node,
                f"EFFECT_MEASURE {theirs!r} is not one of {', '.join(known)}",
                "EFFECT_MEASURE",
            )
        random = node.attrs.get("RANDOM") == "YES"
        data: list[OutcomeData] = []
        tag = "DICH_DATA" if dichotomous else "CONT_DATA"
        groups: list[tuple[str | None, _Node]] = [(None, node)] + [
            (subgroup.child_text("NAME") or None, subgroup)
            for subgroup in node.all(tag.replace("DATA", "SUBGROUP"))
        ]
        for group, holder in groups:
            for study_node in holder.all(tag):
                study = self._study(study_node)
                if study is not None:
                    row = self._data(aid, comparison, study, study_node, dichotomous, group)
                    if row is not None:
                        data.append(row)
        reported = PooledResult(
            estimate=self._float(node, "EFFECT_SIZE"),
            ci_lb=self._float(node, "CI_START"),
            ci_ub=self._float(node, "CI_END"),
            participants=_whole(self._float(node, "TOTAL_1"), self._float(node, "TOTAL_2")),
            studies=_whole(self._float(node, "STUDIES")),
            i2=self._float(node, "I2"),
            chi2=self._float(node, "CHI2"),
            df=_whole(self._float(node, "DF")),
            p_heterogeneity=self._float(node, "P_CHI2"),
            tau2=self._float(node, "TAU2"),
            z=self._float(node, "Z"),
            p=self._float(node, "P_Z"),
        )
        analysis = Analysis(
            id=aid,
            comparison=comparison,
            outcome="",
            measure=ours,
            model="random" if random else "fixed",
            method=method if method in ("MH", "PETO") else None,
            studies=tuple(dict.fromkeys(d.study for d in data)),
            reported=reported if reported.estimate is not None else None,
            note=f"From RevMan 5 ({self.path.name}, line {node.line}).",
        )
        return analysis, data

    def _data(
        self,
        analysis: str,
        comparison: str,
        study: Study,
        node: _Node,
        dichotomous: bool,
        group: str | None,
    ) -> OutcomeData | None:
        """The row, or None (with a warning) for a row RevMan marks not estimable
        and holds no numbers for."""
        values: dict[str, float | int | None]
        if dichotomous:
            values = {
                "events_1": self._float(node, "EVENTS_1", required=True),
                "n_1": self._float(node, "TOTAL_1", required=True),
                "events_2": self._float(node, "EVENTS_2", required=True),
                "n_2": self._float(node, "TOTAL_2", required=True),
            }
        else:
            values = {
                "mean_1": self._float(node, "MEAN_1", required=True),
                "sd_1": self._float(node, "SD_1", required=True),
                "n_1": self._float(node, "TOTAL_1", required=True),
                "mean_2": self._float(node, "MEAN_2", required=True),
                "sd_2": self._float(node, "SD_2", required=True),
                "n_2": self._float(node, "TOTAL_2", required=True),
            }
        if None in values.values():  # only where ESTIMABLE="NO": _float requires them else
            self.warnings.append(
                f"{self.path}:{node.line}: {study.label}'s row is not estimable and lacks "
                "numbers; it was not read"
            )
            return None
        for key in ("events_1", "events_2", "n_1", "n_2"):
            value = values.get(key)
            if value is None:
                continue
            if not float(value).is_integer():
                attribute = key.upper().replace("N_", "TOTAL_")
                raise self.error(node, f"{attribute} {value:g} is not a whole number", attribute)
            values[key] = int(value)
        suffix = f"-{_slug(group)}" if group else ""
        return OutcomeData(
            id=f"{analysis}-{study.id}{suffix}",
            study=study.id,
            outcome="",
            data_type="dichotomous" if dichotomous else "continuous",
            comparison=comparison,
            group=group,
            source=f"{self.path.name}, line {node.line}",
            **values,  # type: ignore[arg-type]
        )

    # --- values ---------------------------------------------------------------------

    def _required(self, node: _Node, attribute: str) -> str:
        value = node.attrs.get(attribute, "").strip()
        if not value:
            raise self.error(node, f"{node.tag} has no {attribute}", attribute)
        return value

    def _study(self, node: _Node) -> Study | None:
        """The study a data row or judgement belongs to; rows of excluded studies are
        ignored with a warning, an unknown id is an error."""
        sid = self._required(node, "STUDY_ID")
        study = self.studies.get(sid)
        if study is None:
            known = {s for s in self._all_study_ids()}
            if sid in known:
                self.warnings.append(
                    f"{self.path}:{node.line}: {node.tag} of a study that is not included "
                    f"({decode_id(sid.removeprefix('STD-'))}) was not read"
                )
                return None
            raise self.error(node, f"STUDY_ID {sid!r} names no study of the file", "STUDY_ID")
        return study

    def _all_study_ids(self) -> set[str]:
        return {n.attrs.get("ID", "") for n in self.root.iter("STUDY")}

    def _float(self, node: _Node, attribute: str, required: bool = False) -> float | None:
        text = node.attrs.get(attribute, "").strip()
        if not text:
            if required and node.attrs.get("ESTIMABLE") != "NO":
                raise self.error(node, f"{node.tag} has no {attribute}", attribute)
            return None
        try:
            return float(text)
        except ValueError:
            raise self.error(node, f"{attribute} {text!r} is not a number", attribute) from None


def _whole(*values: float | None) -> int | None:
    if any(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    return int(total) if float(total).is_integer() else None
