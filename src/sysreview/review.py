"""The facade: a review directory, its settings and its store, and what users do
with it.  The CLI and the web app call this and nothing below it.

A review is a directory, as a git repository is: it holds ``sysreview.yaml``
(settings) and, unless the settings name another database, the SQLite file
``review.db``.  Every method that changes the review is one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import yaml

from . import accounts as team
from . import dedup, extraction, grade, ingest, prisma, revman, tabular
from . import protocol as planning
from .appraisal import amstar2
from .appraisal import workflow as appraisal_workflow
from .appraisal.amstar2 import Rating
from .appraisal.workflow import RobPosition
from .bundle import read_bundle, read_bundle_files, write_bundle
from .errors import (
    DataError,
    EntryError,
    ParseError,
    ReviewExists,
    ReviewNotFound,
    StoreError,
    SysreviewError,
    WorkflowError,
)
from .extraction import ExtractionPosition
from .integrity import problems
from .model import (
    Account,
    Analysis,
    CertaintyAssessment,
    Comparison,
    Criterion,
    Decision,
    DuplicatePair,
    Extraction,
    FullText,
    Outcome,
    OutcomeData,
    PrismaCounts,
    Protocol,
    Record,
    Report,
    ReviewAppraisal,
    ReviewData,
    ReviewInfo,
    RobAssessment,
    Search,
    Study,
    StudyDesign,
    free_id,
)
from .prisma import Finding, StageTotals
from .screening import _fulltext as fulltext
from .screening import _studies as linking
from .screening import _workflow as workflow
from .store import Store, sqlite_url

if TYPE_CHECKING:
    from .screening._priority import StoppingStatus

T = TypeVar("T")
#: a risk-of-bias judgement of a study, or an AMSTAR 2 answer on a listed review
Appraisal = RobAssessment | ReviewAppraisal

#: per context (one web request): the review read once, by facade (see Review.snapshot)
_SNAPSHOT: ContextVar[dict[int, ReviewData] | None] = ContextVar("snapshot", default=None)

SETTINGS_FILE = "sysreview.yaml"
DEFAULT_DATABASE = "review.db"


@dataclass(frozen=True)
class Settings:
    """What ``sysreview.yaml`` holds.  ``database`` is a URL, or a SQLite file path
    relative to the review directory."""

    database: str = DEFAULT_DATABASE

    def url(self, root: Path) -> str:
        if "://" in self.database:
            return self.database
        return sqlite_url(root / self.database)

    def missing_database(self, root: Path) -> Path | None:
        """The SQLite file these settings name, if it does not exist (None for a
        server's database: opening says if it cannot be reached)."""
        if "://" in self.database:
            return None
        database = root / self.database
        return None if database.is_file() else database

    @classmethod
    def read(cls, root: Path) -> Settings:
        path = root / SETTINGS_FILE
        try:
            values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(values, dict) or set(values) - {"database"}:
            raise DataError(f"{path}: the only setting is 'database'")
        return cls(**values)

    def write(self, root: Path) -> None:
        text = (
            "# sysreview review settings\n"
            "# database: a SQLite file (relative to this directory) or a postgresql:// URL\n"
            + yaml.safe_dump({"database": self.database}, sort_keys=False)
        )
        (root / SETTINGS_FILE).write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Status:
    """Where a review stands: the PRISMA counts and what does not add up."""

    review: str
    title: str
    database: str
    prisma: PrismaCounts
    stages: tuple[StageTotals, ...]
    findings: tuple[Finding, ...]
    stored: dict[str, int] = field(default_factory=dict)
    #: outcome-data rows entered by extractors: how many agreed at once, were settled
    #: after differing, or are still open
    extraction: extraction.Tally | None = None

    def to_dict(self) -> dict[str, Any]:
        p = self.prisma
        identified = sum(n for n in (p.identified_databases, p.identified_other) if n is not None)
        return {
            "review": self.review,
            "title": self.title,
            "database": self.database,
            "prisma_basis": p.basis,
            "records_identified": identified,
            "records_identified_databases": p.identified_databases,
            "records_identified_other": p.identified_other,
            "duplicates_removed": p.duplicates_removed,
            "records_screened": p.screened,
            "records_excluded": p.excluded_screening,
            "reports_sought": p.reports_sought,
            "reports_not_retrieved": p.reports_not_retrieved,
            "fulltexts_assessed": p.fulltext_assessed,
            "fulltexts_excluded": p.fulltext_excluded,
            "studies": p.studies_included,
            "reports": p.reports_included,
            "systematic_reviews": p.systematic_reviews_included,
            "stages": {s.stage: s.to_dict() for s in self.stages},
            "stored": self.stored,
            "extraction": dataclasses.asdict(self.extraction) if self.extraction else None,
            "checks": [f.to_dict() for f in self.findings],
        }


class Review:
    """An open review directory."""

    #: the effect measures an analysis may pool, by the kind of outcome
    ANALYSIS_MEASURES = planning.MEASURES

    def __init__(self, root: Path, settings: Settings, store: Store) -> None:
        self.root = root
        self.settings = settings
        self.store = store

    # --- finding, creating, opening --------------------------------------------

    @classmethod
    def init(
        cls, directory: str | Path, *, database: str | None = None, title: str | None = None
    ) -> Review:
        """Create a review in ``directory`` (made if needed) with an empty database."""
        root = Path(directory).resolve()
        if (root / SETTINGS_FILE).exists():
            raise ReviewExists(f"{root} already holds a review ({SETTINGS_FILE})")
        root.mkdir(parents=True, exist_ok=True)
        settings = Settings(database or DEFAULT_DATABASE)
        store = Store.open(settings.url(root))
        if not store.is_empty():
            raise ReviewExists(
                f"the database {settings.database} already holds a review",
                hint="give an empty database, or open the review that uses it",
            )
        info = ReviewInfo(id=_slug(root.name), title=title or root.name)
        store.replace(ReviewData(review=info))
        settings.write(root)
        return cls(root, settings, store)

    @classmethod
    def open(cls, directory: str | Path, *, create_database: bool = False) -> Review:
        """Open the review in ``directory`` (migrating its schema if it is older).

        Its SQLite file must exist unless ``create_database`` (loading a bundle into
        it): opening would otherwise make an empty database in place of one moved or
        deleted, and the review would look empty to the CLI and the team server."""
        root = Path(directory).resolve()
        if not (root / SETTINGS_FILE).is_file():
            raise ReviewNotFound(f"no review in {root} (no {SETTINGS_FILE})")
        settings = Settings.read(root)
        missing = settings.missing_database(root)
        if missing is not None and not create_database:
            raise StoreError(
                f"the review's database {missing} is missing (named in {SETTINGS_FILE})",
                hint="restore the file, or run 'sysreview load BUNDLE' to rebuild the review "
                "from an exported bundle",
            )
        return cls(root, settings, Store.open(settings.url(root)))

    @classmethod
    def find(cls, start: str | Path | None = None, *, create_database: bool = False) -> Review:
        """The review in ``start`` (default: the working directory) or its parents."""
        here = Path(start or os.getcwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / SETTINGS_FILE).is_file():
                return cls.open(candidate, create_database=create_database)
        raise ReviewNotFound(f"no review in {here} or its parents (no {SETTINGS_FILE})")

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Review:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- what users do ---------------------------------------------------------

    def data(self) -> ReviewData:
        """The whole review as stored; inside :meth:`snapshot`, read once and reused
        until a write through this facade."""
        held = _SNAPSHOT.get()
        if held is None:
            return self.store.read()
        found = held.get(id(self))
        if found is None:
            found = held[id(self)] = self.store.read()
        return found

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Within the block (one page of the web app), read the review at most once:
        every :meth:`data` call, and every method built on it, sees the same
        snapshot, re-read only after a write through this facade.  Writes still read
        inside their own transaction, so a snapshot never decides what is stored."""
        token = _SNAPSHOT.set({})
        try:
            yield
        finally:
            _SNAPSHOT.reset(token)

    def _wrote(self) -> None:
        held = _SNAPSHOT.get()
        if held is not None:
            held.pop(id(self), None)

    def load(self, bundle: str | Path, *, replace: bool = False) -> ReviewData:
        """Replace the review's contents with a bundle's, in one transaction.

        Without ``replace``, refuses to overwrite a review that already holds more
        than ``init`` put in it.
        """
        data = read_bundle(bundle)
        self._load(data, replace, "the bundle", read_bundle_files(bundle, data))
        return data

    def import_revman(self, path: str | Path, *, replace: bool = False) -> revman.Rm5Review:
        """Replace the review's contents with a RevMan 5 file's (studies, references,
        characteristics, risk of bias, outcome data and analyses), in one transaction;
        what the file holds that sysreview does not read is in the warnings."""
        read = revman.read_rm5(path)
        self._load(read.data, replace, "the RevMan file")
        return read

    def revman_file(self, kind: str = "rm5", *, lang: str = "en") -> revman.RevManFile:
        """The review as a RevMan 5 file (``rm5``) or as RevMan's "Data and analyses"
        table (``csv``), with the analyses it holds and those it cannot, with why."""
        if kind == "csv":
            return revman.analyses_table(self.data(), lang=lang)
        if kind == "rm5":
            return revman.rm5(self.data(), lang=lang)
        raise DataError(f"no RevMan export {kind!r}", hint="rm5 or csv")

    def export_revman(self, path: str | Path, *, lang: str = "en") -> revman.RevManFile:
        """Write :meth:`revman_file` at ``path``: the table when it ends in ``.csv``,
        else the RevMan 5 file."""
        kind = "csv" if Path(path).suffix.lower() == ".csv" else "rm5"
        written = self.revman_file(kind, lang=lang)
        Path(path).write_text(written.text, encoding="utf-8")
        return written

    def _load(
        self,
        data: ReviewData,
        replace: bool,
        source: str,
        files: Mapping[str, bytes] | None = None,
    ) -> None:
        if not replace and _has_content(self.data()):
            raise DataError(
                f"the review in {self.root} already holds data",
                hint=f"pass --replace to overwrite it with {source}",
            )
        self.save(data, files)

    def save(self, data: ReviewData, files: Mapping[str, bytes] | None = None) -> None:
        """Store ``data`` as the whole review, with its full texts' ``files`` (bytes by
        SHA-256), checked first; all or nothing."""
        self._wrote()
        self.store.replace(_checked(data), files)

    def update(
        self,
        change: Callable[[ReviewData], tuple[ReviewData, T]],
        files: Mapping[str, bytes] | None = None,
    ) -> T:
        """Read, change and store the review in one transaction that nobody else's
        write can slip into; ``change`` returns the new data and what to report, and
        ``files`` are full texts' bytes (by SHA-256) stored in the same transaction."""
        out: list[T] = []

        def apply(data: ReviewData) -> ReviewData:
            changed, result = change(data)
            out.append(result)
            return _checked(changed)

        self._wrote()
        self.store.update(apply, files=files)
        return out[0]

    def import_search(
        self,
        files: Sequence[str | Path],
        *,
        source: str,
        searched: str | None = None,
        interface: str | None = None,
        strategy: str | None = None,
        reported_hits: int | None = None,
        other_source: bool = False,
        format: str | None = None,
        again: bool = False,
    ) -> ImportResult:
        """Log one search (PRISMA-S: source, interface, date, strategy, hits) and every
        record its export files hold, in one transaction: all or nothing.  A file an
        earlier search of the same source and date imported is refused (its records
        would be identified twice) unless ``again``."""
        if searched is not None and not _ISO_DATE.fullmatch(searched):
            raise DataError(f"searched={searched!r} is not a date (YYYY-MM-DD)")
        results = [ingest.read(path, format) for path in files]

        def change(data: ReviewData) -> tuple[ReviewData, ImportResult]:
            if not again:
                _refuse_repeat(data, [Path(r.file).name for r in results], source, searched)
            return _add_search(
                data, results, source, searched, interface, strategy, reported_hits, other_source
            )

        return self.update(change)

    # --- deduplication -----------------------------------------------------------

    def deduplicate(self, progress: dedup.Progress | None = None) -> dedup.DedupSummary:
        """Group the imported records into references (one transaction); people's
        earlier judgements are obeyed, uncertain pairs queued for them."""
        return self.update(lambda data: dedup.group_review(data, progress))

    def duplicate_queue(self) -> list[DuplicatePair]:
        """The uncertain pairs waiting for a person, most similar first."""
        return dedup.review_queue(self.data())

    def judge_duplicates(self, a: str, b: str, *, same: bool, reviewer: str) -> dedup.DedupSummary:
        """A person's verdict on two records; the groups are rebuilt to obey it."""
        self._permit(reviewer)
        return self.update(lambda data: dedup.judge_pair(data, a, b, same, reviewer, _now()))

    def undo_merge(self, record: str, *, reviewer: str) -> dedup.DedupSummary:
        """Take a record out of its duplicate group, for good (a person's judgement)."""
        self._permit(reviewer)
        return self.update(lambda data: dedup.undo_merge(data, record, reviewer, _now()))

    # --- screening ---------------------------------------------------------------

    def decide(
        self,
        record: str,
        verdict: str,
        *,
        reviewer: str,
        stage: str = "title_abstract",
        reason: str | None = None,
        resolve: bool = False,
    ) -> Decision:
        """Log one reviewer's decision (or, with ``resolve``, the one that settles a
        conflict) in one transaction; the workflow's rules are checked inside it.  A
        decision that only repeats the reviewer's standing one (a double click) is
        not logged again: the standing one is returned."""
        if verdict not in ("include", "exclude", "maybe"):
            raise WorkflowError(f"verdict {verdict!r} is not include, exclude or maybe")
        if stage not in workflow.STAGES:
            raise WorkflowError(f"stage {stage!r} is not one of {', '.join(workflow.STAGES)}")
        self._permit(reviewer, settles=resolve)
        ranking, first = self._ranked_first_by(record, stage)
        decision = Decision(
            record=record,
            stage=stage,
            reviewer=reviewer,
            verdict=verdict,  # type: ignore[arg-type]
            reason=reason,
            consensus=resolve,
            decided_at=_now(),
            ranking=ranking,
            ranked_first_by=first,
        )
        self._wrote()

        def check(data: ReviewData) -> Decision | None:
            already = workflow.repeated(data, decision)
            if already is None:
                workflow.check(data, decision)
            return already

        return self.store.append_decision(decision, check)

    def _ranked_first_by(self, record: str, stage: str) -> tuple[str | None, tuple[float, ...]]:
        """Which ranking the record was decided on, and under which of its weights it
        came first (computed before the decision, from the decisions so far): what
        the embedding model learns its weight from.  Only for the embedding model."""
        from . import embed

        if not embed.available():
            return None, ()
        data = self.data()
        if self._default_model(data) != EMBEDDING_MODEL:
            return None, ()
        from .screening._priority import ranked_first_by

        first = ranked_first_by(
            data,
            stage,  # type: ignore[arg-type]
            record,
            model=EMBEDDING_MODEL,
            embeddings=self._embeddings,
        )
        return (None, ()) if first is None else (EMBEDDING_MODEL, first)

    def _default_model(self, data: ReviewData) -> str:
        return EMBEDDING_MODEL if self._all_embedded(data) else "sysreview"

    def screening_item(
        self, record: str, reviewer: str, stage: str = "title_abstract"
    ) -> ScreeningItem:
        """A record as ``reviewer`` may see it: blinded to others' decisions until
        they have decided it themselves."""
        data = self.data()
        found = next((r for r in data.records if r.id == record), None)
        if found is None:
            raise WorkflowError(f"no record {record!r} in this review")
        seen = workflow.visible(data, record, reviewer, stage)  # type: ignore[arg-type]
        return ScreeningItem(found, stage, seen)

    def next_to_screen(
        self,
        reviewer: str,
        stage: str = "title_abstract",
        *,
        order: str = "ranked",
        model: str | None = None,
    ) -> ScreeningItem | None:
        """The next record waiting for ``reviewer`` at ``stage`` (blinded), or None:
        the one active learning ranks most likely relevant from the decisions so far
        (``order="ranked"``), or the next in import order (``"import"``).

        ``model`` names the ranking model; by default ``sysreview-minilm`` once every
        record has its embedding (:meth:`embed_records`), else ``sysreview``.  The
        item says which model ranked it (``ranked_by``)."""
        if order not in ("ranked", "import"):
            raise WorkflowError(f"order {order!r} is not ranked or import")
        data = self.data()
        ranking, used = None, None
        if order == "ranked":
            from .screening._priority import ranked
            from .screening._simulate import model_config

            used = model or self._default_model(data)
            lookup = self._embeddings if model_config(used).needs_embeddings else None
            ranking = ranked(data, stage, model=used, embeddings=lookup)  # type: ignore[arg-type]
        record = workflow.next_record(data, reviewer, stage, ranking)  # type: ignore[arg-type]
        if record is None:
            return None
        item = self.screening_item(record, reviewer, stage)
        if ranking is None:
            return item
        weight = None
        if used == EMBEDDING_MODEL:
            from .screening._priority import replay

            weight = replay(data, stage, used).weight  # type: ignore[arg-type]
        return replace(item, ranked_by=used, weight=weight)

    def embed_records(self, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
        """Compute the sentence embedding of every record's title and abstract that
        the embedding cache lacks (see :mod:`sysreview.embed`); returns (records,
        newly embedded).  ``progress(done, todo)`` is called after each batch."""
        from . import embed

        texts = _record_texts(self.data())
        with embed.EmbeddingCache(embed.encoder()) as cache:
            todo = len(cache.missing(texts))
            cache.embed(texts, progress=progress)
        return len(texts), todo

    def _all_embedded(self, data: ReviewData) -> bool:
        from . import embed

        if not data.records or not embed.available():
            return False
        with embed.EmbeddingCache(embed.encoder()) as cache:
            return not cache.missing(_record_texts(data))

    @staticmethod
    def _embeddings(texts: list[str]) -> Any:
        from . import embed

        with embed.EmbeddingCache(embed.encoder()) as cache:
            return cache.embed(texts)

    def conflicts(self, stage: str = "title_abstract") -> list[workflow.Position]:
        return workflow.conflicts(self.data(), stage)  # type: ignore[arg-type]

    def stopping(self, stage: str = "title_abstract") -> StoppingStatus:
        """Whether screening at ``stage`` may stop: the recall the decisions so far
        support (buscar, 95 % confidence) and what each stopping rule says."""
        from .screening._priority import stopping_status

        if stage not in workflow.STAGES:
            raise WorkflowError(f"stage {stage!r} is not one of {', '.join(workflow.STAGES)}")
        return stopping_status(self.data(), stage)

    def agreement(self, stage: str = "title_abstract") -> workflow.StageAgreement:
        return workflow.agreement(self.data(), stage)  # type: ignore[arg-type]

    # --- the protocol and the analyses it plans -------------------------------------------
    # A lead's work once the review has accounts (as a Covidence review's settings are
    # its administrators'); each call is one transaction.

    def set_protocol(self, *, by: str, **changes: Any) -> Protocol:
        """Change the protocol's PICO and settings (:data:`protocol.SETTINGS`)."""
        return self._plan(by, lambda data: planning.set_protocol(data, changes))

    def add_exclusion_reason(self, reason: str, *, by: str) -> tuple[str, ...]:
        """Add a full-text exclusion reason to the protocol's list."""
        return self._plan(by, lambda data: planning.add_reason(data, reason))

    def remove_exclusion_reason(self, reason: str, *, by: str) -> tuple[str, ...]:
        """Take a reason off the list (refused while a decision gives it)."""
        return self._plan(by, lambda data: planning.remove_reason(data, reason))

    def add_criterion(
        self, kind: str, heading: str, text: str, *, by: str, heading_en: str | None = None
    ) -> Criterion:
        """Add an inclusion or exclusion criterion under its heading."""
        return self._plan(
            by, lambda data: planning.add_criterion(data, kind, heading, text, heading_en)
        )

    def remove_criterion(self, number: int, *, by: str) -> Criterion:
        """Take off criterion ``number`` (1 is the first)."""
        return self._plan(by, lambda data: planning.remove_criterion(data, number))

    def add_outcome(self, id: str, *, by: str, **fields: Any) -> Outcome:
        """Add an outcome (``name``; ``kind``, ``direction``, ``importance``, ...)."""
        return self._plan(
            by,
            lambda data: planning.add_outcome(data, id, **fields),
            "adds outcomes to the protocol",
        )

    def set_outcome(self, id: str, *, by: str, **fields: Any) -> Outcome:
        """Change an outcome's fields."""
        return self._plan(
            by,
            lambda data: planning.set_outcome(data, id, **fields),
            "changes the protocol's outcomes",
        )

    def remove_outcome(self, id: str, *, by: str) -> Outcome:
        """Remove an outcome no data refer to."""
        return self._plan(
            by, lambda data: planning.remove_outcome(data, id), "removes outcomes from the protocol"
        )

    def add_comparison(self, id: str, *, by: str, **fields: Any) -> Comparison:
        """Add a comparison (``intervention``, ``comparator``; ``name`` ...)."""
        return self._plan(
            by,
            lambda data: planning.add_comparison(data, id, **fields),
            "adds comparisons to the protocol",
        )

    def set_comparison(self, id: str, *, by: str, **fields: Any) -> Comparison:
        """Change a comparison's fields."""
        return self._plan(
            by,
            lambda data: planning.set_comparison(data, id, **fields),
            "changes the protocol's comparisons",
        )

    def remove_comparison(self, id: str, *, by: str) -> Comparison:
        """Remove a comparison no data refer to."""
        return self._plan(
            by,
            lambda data: planning.remove_comparison(data, id),
            "removes comparisons from the protocol",
        )

    def add_analysis(self, comparison: str, outcome: str, *, by: str, **options: Any) -> Analysis:
        """Plan a meta-analysis (see :func:`sysreview.protocol.add_analysis`); named
        no studies, it takes those whose agreed data it can pool together
        (:func:`sysreview.grade.poolable_studies`)."""

        return self._plan(
            by,
            lambda data: planning.add_analysis(
                data, comparison, outcome, select=grade.poolable_studies, **options
            ),
            "plans analyses",
        )

    def set_analysis_studies(self, id: str, studies: Sequence[str] = (), *, by: str) -> Analysis:
        """The studies analysis ``id`` pools: those named, or (none named) those whose
        agreed data it can pool together now."""

        return self._plan(
            by,
            lambda data: planning.set_analysis_studies(
                data, id, studies, select=grade.poolable_studies
            ),
            "changes the studies an analysis pools",
        )

    def remove_analysis(self, id: str, *, by: str) -> Analysis:
        """Drop an analysis no GRADE assessment rates."""
        return self._plan(by, lambda data: planning.remove_analysis(data, id), "removes analyses")

    def analysis_results(self) -> list[AnalysisResult]:
        """Every analysis pooled from its studies' agreed arm-level data (RevMan 5's
        methods), or why it cannot be yet."""
        data = self.data()
        return [_analysis_result(data, a) for a in data.analyses]

    def _plan(
        self,
        by: str,
        change: Callable[[ReviewData], tuple[ReviewData, T]],
        act: str = "changes the protocol",
    ) -> T:
        """One change to the protocol or its analyses, by a lead (``act`` names it in
        the refusal a reviewer gets)."""
        self._permit(by, settles=True, act=act)
        return self.update(change)

    # --- full texts ------------------------------------------------------------------

    def retrieval(self) -> list[fulltext.Position]:
        """Every record sent on to full text: its full text held, not retrieved (why),
        or still awaited; and whether its full-text verdict stands."""
        return fulltext.positions(self.data())

    def attach_fulltexts(
        self, files: Sequence[tuple[str, bytes, str]], *, by: str
    ) -> list[FullText]:
        """Hold each ``(record, bytes, file name)`` as that record's full text (one
        replaces the file or the not-retrieved mark it had), all in one transaction."""
        self._permit(by)

        def change(data: ReviewData) -> tuple[ReviewData, list[FullText]]:
            added = []
            for record, content, name in files:
                data, held = fulltext.attach(data, record, content, name, by=by, at=_now())
                added.append(held)
            return data, added

        return self.update(change, files={fulltext.digest(c): c for _, c, _ in files})

    def attach_fulltext(self, record: str, path: str | Path, *, by: str) -> FullText:
        """Hold the file at ``path`` as the full text of ``record`` (one transaction)."""
        return self.attach_fulltexts([(record, _read_bytes(path), Path(path).name)], by=by)[0]

    def fulltext_not_retrieved(self, record: str, reason: str, *, by: str) -> FullText:
        """Record that the full text of ``record`` could not be retrieved, and why
        (PRISMA's "reports not retrieved"); a file held for it is let go."""
        self._permit(by)
        return self.update(
            lambda data: fulltext.mark_not_retrieved(data, record, reason, by=by, at=_now())
        )

    def remove_fulltext(self, record: str, *, by: str) -> FullText:
        """Forget the full text of ``record``, or the mark that it was not retrieved."""
        self._permit(by)
        return self.update(lambda data: fulltext.remove(data, record))

    def fulltext(self, record: str) -> tuple[FullText, bytes]:
        """The full text held for ``record`` and its bytes."""
        found = next((f for f in self.data().fulltexts if f.record == record), None)
        if found is None or found.sha256 is None:
            why = "is marked not retrieved" if found is not None else "has no full text"
            raise WorkflowError(f"record {record!r} {why}")
        return found, self._file(found)

    def match_fulltexts(self, paths: Sequence[str | Path]) -> list[tuple[Path, str | None]]:
        """Which record each file is the full text of, by its name: the record's id,
        its DOI (``/`` written ``_``) or its PMID; None where no record sought matches."""
        data = self.data()
        sought = {p.record for p in fulltext.positions(data)}
        names: dict[str, str] = {}
        for record in data.records:
            if record.id not in sought:
                continue
            for key in (record.id, record.doi, record.pmid):
                if key:
                    names.setdefault(key.lower().replace("/", "_"), record.id)
        return [(Path(p), names.get(Path(p).stem.lower())) for p in paths]

    def _file(self, held: FullText) -> bytes:
        content = self.store.file(held.sha256 or "")
        if content is None:
            raise DataError(f"the file of the full text of {held.record!r} is not in the store")
        return content

    # --- risk of bias ----------------------------------------------------------------

    def link_report(
        self, record: str, *, by: str, study: str | None = None, label: str | None = None
    ) -> Report:
        """Make ``record`` (included at full text) a report of ``study``, or of a new
        included study (``label``, or "Author Year") — one study, several reports.
        One transaction."""
        self._permit(by)
        return self.update(lambda data: linking.link(data, record, study, label))

    def unlink_report(self, record: str, *, by: str) -> Report:
        """Undo :meth:`link_report` (a study it founded goes too, unless other data
        refers to it).  One transaction."""
        self._permit(by)
        return self.update(lambda data: linking.unlink(data, record))

    def unlinked_inclusions(self) -> list[Record]:
        """Full-text inclusions not yet linked to a study, in record order."""
        data = self.data()
        waiting = set(linking.unlinked(data))
        return [r for r in data.records if r.id in waiting]

    def assess_risk_of_bias(
        self,
        study: str,
        domain: str,
        *,
        assessor: str,
        tool: str = "rob2",
        judgement: str | None = None,
        answers: str | None = None,
        support: str | None = None,
        outcome: str | None = None,
        variant: str | None = None,
    ) -> Appraisal:
        """Log one assessor's independent judgement of one domain (replacing their
        earlier one), in one transaction; when the protocol's number of assessors
        agree, it becomes the review's.  RoB 2's signalling answers give the judgement
        by the tool's algorithm unless ``support`` says why the assessor departs.

        With ``tool="amstar2"``, ``study`` is a listed systematic review, ``domain``
        an AMSTAR 2 item (``4``, ``Q9a``) and ``judgement`` its answer (``yes``,
        ``partial_yes``, ``no`` ...), under the same rules."""
        fields = {"tool_code": tool, "judgement": judgement, "answers": answers}
        fields |= {"support": support, "outcome": outcome, "variant": variant}
        return self._judge_risk_of_bias(study, domain, assessor, False, fields)

    def agree_risk_of_bias(
        self,
        study: str,
        domain: str,
        judgement: str | None,
        *,
        by: str,
        tool: str = "rob2",
        answers: str | None = None,
        support: str | None = None,
        outcome: str | None = None,
        variant: str | None = None,
    ) -> Appraisal:
        """Record the team's consensus on one domain (settling a conflict, or
        replacing an earlier consensus), in one transaction; ``by`` is who settled it."""
        fields = {"tool_code": tool, "judgement": judgement, "answers": answers}
        fields |= {"support": support, "outcome": outcome, "variant": variant}
        return self._judge_risk_of_bias(study, domain, by, True, fields)

    def _judge_risk_of_bias(
        self, study: str, domain: str, who: str, consensus: bool, fields: dict[str, str | None]
    ) -> Appraisal:
        self._permit(who, settles=consensus)
        new = appraisal_workflow.assessment(
            study=study,
            domain=domain,
            assessor=who,
            consensus=consensus,
            assessed_at=_now(),
            **fields,  # type: ignore[arg-type]
        )

        def change(data: ReviewData) -> tuple[ReviewData, Appraisal]:
            required = data.protocol.screening_reviewers
            if isinstance(new, ReviewAppraisal):
                _known_systematic_review(data, study)
                kept_reviews = appraisal_workflow.add(data.review_appraisals, new, required)
                return replace(data, review_appraisals=kept_reviews), new
            _known_study(data, study)
            return replace(
                data, risk_of_bias=appraisal_workflow.add(data.risk_of_bias, new, required)
            ), new

        return self.update(change)

    def risk_of_bias_positions(self, tool: str | None = None) -> list[RobPosition]:
        """Where every judged study × domain (× outcome) stands: awaiting, conflict,
        settled (and every listed review × AMSTAR 2 item)."""
        data = self.data()
        found = appraisal_workflow.positions(data.risk_of_bias)
        found += appraisal_workflow.positions(data.review_appraisals)
        return [p for p in found if tool is None or p.tool == tool]

    def risk_of_bias_conflicts(
        self, tool: str | None = None
    ) -> list[tuple[RobPosition, tuple[Appraisal, ...]]]:
        """The domains whose assessors disagree, each with their judgements."""
        data = self.data()
        found: list[tuple[RobPosition, tuple[Appraisal, ...]]] = []
        found += appraisal_workflow.conflicts(data.risk_of_bias)
        found += appraisal_workflow.conflicts(data.review_appraisals)
        return [(p, judged) for p, judged in found if tool is None or p.tool == tool]

    def systematic_review_confidence(self) -> dict[str, Rating]:
        """Each appraised listed review's AMSTAR 2 confidence (high, moderate, low,
        critically low; ``None`` while items await agreement) with the flaws it rests
        on, from the agreed answers and the protocol's critical domains."""
        data = self.data()
        return amstar2.confidence(data.review_appraisals, data.protocol.amstar2_critical)

    def risk_of_bias_seen_by(self, assessor: str) -> list[Appraisal]:
        """The judgements ``assessor`` may see (blinded to others' until they have
        judged the same domain themselves)."""
        data = self.data()
        return [
            *appraisal_workflow.visible(data.risk_of_bias, assessor),
            *appraisal_workflow.visible(data.review_appraisals, assessor),
        ]

    # --- outcome data, extracted by two ------------------------------------------

    def extract(self, row: str | None = None, *, by: str, **values: Any) -> ExtractionPosition:
        """Log ``by``'s entry of one outcome-data row (replacing their earlier one), in
        one transaction; when the protocol's number of extractors agree on every value,
        the row becomes the review's outcome data.  ``values`` are the row's fields
        (``study``, ``outcome``, ``data_type``, ``events_1`` ...; numbers may be text);
        ``row`` defaults to one made from the study, outcome, time point and group."""
        self._permit(by)
        values = {k: v for k, v in values.items() if v is not None}
        row = row or extraction.row_id_of(values)
        new = extraction.entry(row, by, values, _now())

        def change(data: ReviewData) -> tuple[ReviewData, ExtractionPosition]:
            _extractable(data, new.study, new.outcome)
            return extraction.record(data, new, data.protocol.screening_reviewers)

        return self.update(change)

    def extract_file(self, path: str | Path, *, by: str) -> list[ExtractionPosition]:
        """Log every row of a table (CSV, TSV, XLSX or JSON; columns named as the fields
        of outcome data, and ``row`` for the row's id) as ``by``'s entries, in one
        transaction: the first value that cannot be taken stops it all, named by file,
        line and column."""
        self._permit(by)
        table = tabular.read_table(path)
        unknown = [c for c in table.columns if c not in extraction.VALUE_FIELDS and c != "row"]
        if unknown:
            raise ParseError(
                f"no field {unknown[0]!r} in outcome data",
                path=table.path,
                line=1,
                field=unknown[0],
                hint="columns: row, " + ", ".join(extraction.VALUE_FIELDS),
            )
        entries: list[tuple[int, Extraction]] = []
        for at, line in enumerate(table.lines):
            cells = {name: table.columns[name][at] for name in table.columns}
            values = {k: _cell_text(v) for k, v in cells.items() if k != "row"}
            values = {k: v for k, v in values.items() if v is not None}
            row = _cell_text(cells.get("row")) or extraction.row_id_of(values)
            try:
                entries.append((line, extraction.entry(row, by, values, _now())))
            except EntryError as error:
                raise ParseError(
                    error.message, path=table.path, line=line, field=error.field
                ) from error

        def change(data: ReviewData) -> tuple[ReviewData, list[ExtractionPosition]]:
            found: list[ExtractionPosition] = []
            for line, new in entries:
                try:
                    _extractable(data, new.study, new.outcome)
                    data, where = extraction.record(data, new, data.protocol.screening_reviewers)
                except WorkflowError as error:
                    raise ParseError(
                        error.message, path=table.path, line=line, hint=error.hint
                    ) from error
                found.append(where)
            return data, found

        return self.update(change)

    def settle_extraction(
        self, row: str, *, by: str, take: str | None = None, **values: Any
    ) -> OutcomeData:
        """Write the team's values for ``row`` (settling a conflict, or changing agreed
        outcome data), in one transaction: ``take``'s entry, or the agreed or only one,
        with ``values`` changed.  Only a lead settles, once the review has accounts."""
        self._permit(by, settles=True)
        return self.update(
            lambda data: extraction.settle(
                data, row, take=take, values={k: v for k, v in values.items() if v is not None}
            )
        )

    def describe_study(self, study: str, *, by: str, **changes: Any) -> Study:
        """Change a study's description (``design``, ``countries`` as "a; b",
        ``participants``, ``population``, ``intervention``, ``control``, ``follow_up``,
        ``outcome_measures``, ``note``, ``label``; ``characteristics`` cells merged in,
        an empty cell removing its column), in one transaction."""
        self._permit(by)

        def change(data: ReviewData) -> tuple[ReviewData, Study]:
            _known_study(data, study)
            studies = list(data.studies)
            at = next(i for i, s in enumerate(studies) if s.id == study)
            studies[at] = extraction.describe(studies[at], changes)
            return replace(data, studies=tuple(studies)), studies[at]

        return self.update(change)

    def extraction_positions(self) -> list[ExtractionPosition]:
        """Where every entered outcome-data row stands: awaiting, conflict, agreed."""
        data = self.data()
        return extraction.positions(data, data.protocol.screening_reviewers)

    def extraction_conflicts(self) -> list[tuple[ExtractionPosition, tuple[Extraction, ...]]]:
        """The rows whose extractors differ, each with their entries (for the lead)."""
        data = self.data()
        return [
            (p, tuple(e for e in data.extractions if e.row == p.row))
            for p in extraction.positions(data, data.protocol.screening_reviewers)
            if p.state == "conflict"
        ]

    def extractions_seen_by(self, extractor: str) -> list[Extraction]:
        """The entries ``extractor`` may see: blinded to others' until they have entered
        the row themselves, unless the protocol has a checker see the first entry."""
        data = self.data()
        return extraction.visible(data, extractor, data.protocol.extraction_mode)

    # --- GRADE and Summary of Findings --------------------------------------------

    def grade_suggest(
        self,
        assessment: str | None = None,
        *,
        author: str = "sysreview",
        lang: str = "en",
        rrr: float = 0.25,
        alpha: float = 0.05,
        beta: float = 0.20,
    ) -> dict[str, list[grade.Suggestion]]:
        """Suggest every domain of one assessment (or all) from the data and log the
        suggestions that changed, in one transaction; judgements are not touched."""

        def change(data: ReviewData) -> tuple[ReviewData, dict[str, list[grade.Suggestion]]]:
            chosen = [grade.find(data, assessment)] if assessment else data.certainty
            found = {
                a.id: grade.suggest(
                    grade.gather(data, a),
                    baseline=_first_baseline(data, a.id),
                    rrr=rrr,
                    alpha=alpha,
                    beta=beta,
                    lang=lang,
                )
                for a in chosen
            }
            changed, _ = grade.log_suggestions(data, found, author=author, at=_now())
            return changed, found

        return self.update(change)

    def grade_start(
        self, analyses: Sequence[str] = (), *, design: str | None = None, reviewer: str
    ) -> tuple[CertaintyAssessment, ...]:
        """Start GRADE for analyses (all when none are named) as GRADEpro does on
        importing a RevMan file: an assessment per analysis that has none and has
        studies, starting where ``design`` (else its studies' recorded designs) puts
        the evidence, and a row in its comparison's Summary-of-Findings table.  One
        transaction."""
        self._permit(reviewer)
        if design is not None and design not in ("rct", "non_randomised", "observational"):
            raise DataError(f"study design {design!r} is not rct, non_randomised or observational")
        chosen = cast("StudyDesign | None", design)
        return self.update(lambda data: grade.start(data, analyses, design=chosen))

    def grade_set(
        self,
        assessment: str,
        domain: str,
        level: str,
        *,
        reviewer: str,
        footnote: str | None = None,
    ) -> grade.Change:
        """A reviewer's judgement of one domain (logged with who and when); the
        certainty follows from the judgements.  One transaction."""
        self._permit(reviewer)
        return self.update(
            lambda data: grade.set_judgement(
                data, assessment, domain, level, reviewer=reviewer, at=_now(), footnote=footnote
            )
        )

    def summary_of_findings(
        self,
        *,
        lang: str = "en",
        per: int | None = None,
        baseline: str = "pooled",
        nnt: bool = False,
        table: str | None = None,
    ) -> list[grade.BuiltTable]:
        """The Summary-of-Findings tables rebuilt from the review's data."""
        return grade.build_tables(
            self.data(), lang=lang, per=per, baseline=baseline, nnt=nnt, table=table
        )

    def audit(self) -> list[grade.Discrepancy]:
        """Recorded numbers the review's own data do not give: SoF cells, certainty,
        footnotes, and the PRISMA arithmetic."""
        data = self.data()
        found = grade.audit(data)
        counts = prisma.counts(data)
        for f in prisma.check(counts, data):
            where = "prisma.yaml:" + ",".join(f.fields) if f.fields else "prisma.yaml"
            found.append(
                grade.Discrepancy(where, f.check, str(f.found), str(f.expected), f.message)
            )
        return found

    # --- the team ------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """The team's accounts in the order added (none: anyone who names themselves may act)."""
        return self.store.accounts()

    def add_account(self, name: str, password: str, *, role: str = "reviewer") -> Account:
        """Give ``name`` an account (one transaction).  The first account must be a
        lead's: once a review has accounts, only leads settle conflicts."""
        name = team.check_name(name)
        team.check_role(role)
        new = Account(name, role, team.hash_password(password), _now())  # type: ignore[arg-type]

        def change(members: list[Account]) -> list[Account]:
            if any(a.name == name for a in members):
                raise WorkflowError(f"{name!r} already has an account")
            if not members and role != "lead":
                raise WorkflowError(
                    "the first account must be a lead's (someone must settle conflicts)",
                    hint="add it with role lead",
                )
            return [*members, new]

        self.store.change_accounts(change)
        return new

    def set_role(self, name: str, role: str) -> Account:
        """Make ``name`` a lead or a reviewer; the team keeps at least one lead."""
        team.check_role(role)
        return self._change_account(name, lambda a: replace(a, role=role))  # type: ignore[arg-type]

    def set_password(self, name: str, password: str) -> Account:
        """Give ``name`` a new password."""
        digest = team.hash_password(password)
        return self._change_account(name, lambda a: replace(a, password_hash=digest))

    def remove_account(self, name: str) -> None:
        """Remove ``name``'s account (their decisions stay, under their name); the
        team keeps a lead while anyone has an account."""

        def change(members: list[Account]) -> list[Account]:
            _account(members, name)
            kept = [a for a in members if a.name != name]
            if not team.keeps_a_lead(kept):
                raise WorkflowError(f"{name} is the last lead; make someone else a lead first")
            return kept

        self.store.change_accounts(change)

    def authenticate(self, name: str, password: str) -> Account | None:
        """``name``'s account if ``password`` is theirs, else None."""
        found = next((a for a in self.accounts() if a.name == name.strip()), None)
        # an unknown name costs the same scrypt as a known one: the answer's timing
        # does not tell who has an account
        stored = found.password_hash if found is not None else team.UNKNOWN
        if not team.verify_password(password, stored) or found is None:
            return None
        return found

    def may_settle(self, name: str) -> bool:
        """Whether ``name`` may settle conflicts (anyone, while there are no accounts)."""
        try:
            self._permit(name, settles=True)
        except WorkflowError:
            return False
        return True

    def _permit(self, name: str, *, settles: bool = False, act: str = "settles conflicts") -> None:
        team.permit(self.store.accounts(), name, settles=settles, act=act)

    def _change_account(self, name: str, edit: Callable[[Account], Account]) -> Account:
        changed: list[Account] = []

        def change(members: list[Account]) -> list[Account]:
            _account(members, name)
            out = [edit(a) if a.name == name else a for a in members]
            if not team.keeps_a_lead(out):
                raise WorkflowError(f"{name} is the last lead; make someone else a lead first")
            changed.append(next(a for a in out if a.name == name))
            return out

        self.store.change_accounts(change)
        return changed[0]

    def export(self, directory: str | Path) -> list[Path]:
        """Write the review as a bundle into ``directory``, full texts' files too."""
        data = self.data()
        return write_bundle(data, directory, {f.sha256 or "": self._file(f) for f in _held(data)})

    def status(self) -> Status:
        data = self.data()
        counts = prisma.counts(data)
        return Status(
            review=data.review.id,
            title=data.review.title,
            database=self.store.engine.url.render_as_string(hide_password=True),
            prisma=counts,
            stages=tuple(prisma.stage_totals(data)),
            findings=tuple(prisma.check(counts, data)),
            stored={k: v for k, v in self.store.counts().items() if v},
            extraction=extraction.tally(data),
        )

    def write_report(
        self,
        out: str | Path | None = None,
        *,
        langs: Sequence[str] = ("nb", "en"),
        formats: Sequence[str] = ("html", "docx", "md"),
        summary: bool = True,
    ) -> list[Path]:
        """Write the report (and the plain-language summary) in each language and
        format into ``out`` (default ``report/`` in the review directory), figures
        in ``out/figures``; returns the paths written."""
        from .report import write_reports

        target = Path(out) if out is not None else self.root / "report"
        return write_reports(self.data(), target, langs=langs, formats=formats, summary=summary)

    def draw_figure(
        self, kind: str, out: str | Path, *, analysis: str | None = None, lang: str = "en"
    ) -> Path:
        """One of the report's figures alone (forest needs the analysis' id)."""
        from .report import draw_figure

        data = self.data()
        if kind in ("forest", "funnel"):
            if analysis is None:
                raise DataError(f"a {kind} plot needs the analysis", hint="sysreview figure "
                                f"{kind} ANALYSIS -o plot.svg")  # fmt: skip
            name = f"{kind}-{analysis}"
        elif kind in ("rob", "rob-summary"):
            from .report.build import rob_figure, rob_scopes

            tools = sorted({a.tool for a in data.risk_of_bias if a.consensus})
            if not tools:
                raise DataError("the review holds no agreed risk-of-bias judgements")
            first = rob_figure(tools[0], rob_scopes(data, tools[0])[0])
            name = first + ("-summary" if kind == "rob-summary" else "")
        else:
            name = kind
        return draw_figure(data, name, out, lang=lang)


EMBEDDING_MODEL = "sysreview-minilm"
"""The screening model that ranks once every record has its embedding."""


def _held(data: ReviewData) -> list[FullText]:
    return [f for f in data.fulltexts if f.sha256 is not None]


def _read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror}", path=Path(path)) from None


def _record_texts(data: ReviewData) -> list[str]:
    from .screening._dataset import record_text

    return [record_text(r.title or "", r.abstract or "") for r in data.records]


@dataclass(frozen=True)
class AnalysisResult:
    """An analysis with its pooled result (``None`` while it cannot be pooled, and
    ``why`` says what is missing)."""

    analysis: Analysis
    result: Any = None  # a stats.MetaResult
    participants: int | None = None
    why: str | None = None
    #: pooled by subgroup (its rows all name one): each subgroup and the test for
    #: subgroup differences (a stats.SubgroupResult)
    subgroups: Any = None
    #: studies not in the analysis whose agreed data it could pool now (data agreed
    #: after it was planned, or left out of a sensitivity analysis): "look again"
    also_poolable: tuple[str, ...] = ()


def _analysis_result(data: ReviewData, analysis: Analysis) -> AnalysisResult:
    _, fresh = planning.set_analysis_studies(data, analysis.id, select=grade.poolable_studies)
    more = tuple(s for s in fresh.studies if s not in analysis.studies)
    if not analysis.studies:
        why = "no studies yet (give them once data are agreed)"
        return AnalysisResult(analysis, why=why, also_poolable=more)
    rows = grade.pooled_rows(data, analysis)
    if rows is None:
        return AnalysisResult(analysis, why=_missing_rows(data, analysis), also_poolable=more)
    try:
        report = grade.pool(analysis, rows)
    except SysreviewError as error:
        return AnalysisResult(analysis, why=str(error), also_poolable=more)
    people = grade.participants(rows)
    return AnalysisResult(analysis, report.result, people, None, report.subgroups, more)


def _missing_rows(data: ReviewData, analysis: Analysis) -> str:
    one = replace(analysis, studies=())
    for study in analysis.studies:
        if grade.pooled_rows(data, replace(one, studies=(study,))) is None:
            return (
                f"{study} has no single agreed row for it: arm-level data, or an estimate "
                f"in {analysis.measure} with its CI"
            )
    return "its studies mix arm-level data and reported estimates"


@dataclass(frozen=True)
class ScreeningItem:
    """What a screener sees: the record and the decisions they may see (blinding)."""

    record: Record
    stage: str
    decisions: tuple[Decision, ...]
    ranked_by: str | None = None
    """The model that put this record next (None: import order)."""
    weight: float | None = None
    """The embedding weight that model has learnt so far (embedding model only)."""


@dataclass(frozen=True)
class ImportResult:
    """What ``import_search`` logged: the search, how many records, and warnings."""

    search: Search
    records: int
    warnings: tuple[ingest.IngestIssue, ...]

    @property
    def hits_match(self) -> bool | None:
        """Whether the records imported equal the hits the database reported."""
        if self.search.reported_hits is None:
            return None
        return self.search.reported_hits == self.records


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _first_baseline(data: ReviewData, assessment: str) -> float | None:
    """The first assumed control risk the reviewers gave for an assessment's row."""
    for table in data.sof_tables:
        for row in table.rows:
            if row.assessment == assessment and row.baseline_risks:
                return next(iter(row.baseline_risks.values()))
    return None


def _account(members: list[Account], name: str) -> Account:
    found = next((a for a in members if a.name == name), None)
    if found is None:
        known = ", ".join(a.name for a in members)
        raise WorkflowError(
            f"{name!r} has no account", hint=f"accounts: {known}" if known else "no accounts yet"
        )
    return found


def _known_systematic_review(data: ReviewData, review: str) -> None:
    ids = [r.id for r in data.systematic_reviews]
    _known(ids, review, "listed systematic review", "reviews", "no systematic reviews listed yet")


def _known_study(data: ReviewData, study: str) -> None:
    _known([s.id for s in data.studies], study, "study", "studies", "no studies yet")


def _cell_text(value: Any) -> str | None:
    """A table cell as text for an entry (numbers as they are; empty is missing)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _extractable(data: ReviewData, study: str, outcome: str) -> None:
    """Data come from an included (or awaiting) study and for an outcome of the protocol."""
    _known_study(data, study)
    status = next(s.status for s in data.studies if s.id == study)
    if status == "excluded":
        raise WorkflowError(f"study {study!r} is excluded: no outcome data are extracted from it")
    outcomes = [o.id for o in data.protocol.outcomes]
    _known(outcomes, outcome, "outcome", "outcomes", "the protocol lists no outcomes yet")


def _known(ids: list[str], wanted: str, what: str, plural: str, none: str) -> None:
    """A WorkflowError naming the first few ids unless ``wanted`` is one of ``ids``."""
    if wanted not in ids:
        known = ", ".join(ids[:8])
        raise WorkflowError(
            f"no {what} {wanted!r} in this review",
            hint=f"{plural}: {known}{', ...' if len(ids) > 8 else ''}" if known else none,
        )


def _checked(data: ReviewData) -> ReviewData:
    """``data`` if it holds together, else the first problem as a DataError."""
    found = problems(data)
    if found:
        first = found[0]
        raise DataError(
            f"{first.where.collection}[{first.where.index}].{first.field}: {first.message}"
        )
    return data


def _refuse_repeat(
    data: ReviewData, names: Sequence[str], source: str, searched: str | None
) -> None:
    """Refuse a file an earlier search of the same source and date already imported."""
    for search in data.searches:
        if search.database != source or search.date != searched:
            continue
        held = {r.source_file for r in data.records if r.search == search.id}
        if repeated := sorted(set(names) & held):
            when = f" of {searched}" if searched else " (no date)"
            raise DataError(
                f"{', '.join(repeated)} was already imported as search {search.id} "
                f"({source}{when}): importing it again would count its records twice",
                hint="pass --again to log it as another search anyway",
            )


def _add_search(
    data: ReviewData,
    results: Sequence[ingest.ReadResult],
    source: str,
    searched: str | None,
    interface: str | None,
    strategy: str | None,
    reported_hits: int | None,
    other_source: bool,
) -> tuple[ReviewData, ImportResult]:
    """The review with one more search and the records its files hold."""
    search_id = free_id(_slug(f"{source} {searched or ''}"), {s.id for s in data.searches})
    search = Search(
        id=search_id,
        database=source,
        source="other" if other_source else "database",
        interface=interface,
        date=searched,
        strategy=strategy,
        reported_hits=reported_hits,
        note="imported from " + ", ".join(Path(r.file).name for r in results),
    )
    records = [
        _record(f"{search_id}.{n}", search_id, found)
        for n, found in enumerate((r for result in results for r in result.records), start=1)
    ]
    changed = replace(data, searches=(*data.searches, search), records=(*data.records, *records))
    return changed, ImportResult(
        search, len(records), tuple(w for r in results for w in r.warnings)
    )


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _record(record_id: str, search_id: str, found: ingest.SourceRecord) -> Record:
    raw: dict[str, tuple[str, ...]] = {}
    for tag, value in found.raw:
        raw[tag] = (*raw.get(tag, ()), value)
    return Record(
        id=record_id, search=search_id, source_file=Path(found.file).name,
        source_line=found.line, format=found.format, type=found.type, title=found.title,
        authors=found.authors, year=found.year, journal=found.journal, volume=found.volume,
        issue=found.issue, pages=found.pages, doi=found.doi, pmid=found.pmid, issn=found.issn,
        abstract=found.abstract, keywords=found.keywords, language=found.language,
        url=found.url, raw=raw,
    )  # fmt: skip


def _has_content(data: ReviewData) -> bool:
    fresh = ReviewData(review=data.review)
    return data != fresh


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "review"


__all__ = ["ImportResult", "Review", "Settings", "Status", "SysreviewError"]
