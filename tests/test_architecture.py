"""Import contracts from ARCHITECTURE.md: stages never import the store or shells."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sysreview"


def _internal_imports(path: Path) -> set[str]:
    """Top-level sysreview modules a file imports (relative imports resolved)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[: len(parts) - node.level])
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    found.add(target[0])
                else:  # from .. import x: a submodule, or a name of the public API
                    for alias in node.names:
                        is_module = (PACKAGE / alias.name).is_dir() or (
                            PACKAGE / f"{alias.name}.py"
                        ).exists()
                        found.add(alias.name if is_module else "__init__")
            elif node.module and node.module.startswith("sysreview."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sysreview."):
                    found.add(alias.name.split(".")[1])
    return found


def _imports_of(package: str) -> set[str]:
    root = PACKAGE / package
    files = (
        [root.with_suffix(".py")] if root.with_suffix(".py").exists() else list(root.rglob("*.py"))
    )
    out: set[str] = set()
    for f in files:
        out |= _internal_imports(f)
    return out - {package}


PURE = {"model", "errors", "_fields"}

RULES = {
    "model": set(),
    "_fields": {"errors"},
    # ... and whether RoB 2's answers fit the judgement (appraisal's algorithms), and
    # whether a full text's fields fit its retrieval state (screening's rules)
    "integrity": {"model", "appraisal", "extraction", "screening"},
    "prisma": {"model"},
    # the protocol and its planned analyses: a method a measure allows is the stats core's
    "protocol": {"errors", "model", "stats"},
    # who may act on a review: pure rules over the model's accounts
    "accounts": {"errors", "model"},
    "appraisal": {"errors", "model"},
    # outcome data entered by two people, then agreed
    "extraction": {"errors", "model"},
    "bundle": PURE | {"integrity"},
    "store": PURE,
    # the report shows what every stage computes
    "report": PURE | {"appraisal", "extraction", "prisma", "grade", "stats"},
    "stats": {"errors"},
    "tabular": {"errors"},
    "cli": {
        "review",
        "errors",
        "__init__",
        "stats",
        "ingest",
        "dedup",
        "model",
        "screening",
        "grade",
        "embed",
        "appraisal",
        "extraction",
        "revman",
    },
    # the web app: the facade, the screening helpers that mark the protocol's words,
    # the risk-of-bias tools' questions, and the names of outcome data's fields
    # ... and the GRADE page's domains, levels and symbols (grade), typed by the model
    "web": {"review", "errors", "screening", "appraisal", "extraction", "grade", "model"},
    "ingest": {"errors", "model"},
    # the standalone table reader reuses ingest's field cleaning and tabular's reader
    "dedup": {"errors", "model", "ingest", "tabular"},
    # the workflow reads where a record stands from prisma's record_state
    "screening": {"errors", "model", "prisma", "tabular", "_lazy"},
    # sentence embeddings: a numeric model read from its own files, nothing else
    "embed": {"errors", "_lazy"},
    # GRADE rates what the statistics core computes
    "grade": {"errors", "model", "stats", "_lazy"},
    # RevMan 5 files: the analyses pooled as grade pools them, RoB 1's domains
    "revman": PURE | {"grade", "appraisal"},
}


def test_import_contracts() -> None:
    for package, allowed in RULES.items():
        used = _imports_of(package)
        assert used <= allowed, f"{package} imports {sorted(used - allowed)}"


def test_nothing_but_the_facade_wires_store_to_stages() -> None:
    users = {
        p.name
        for p in PACKAGE.rglob("*.py")
        if "store" in _internal_imports(p) and "store" not in p.parts
    }
    assert users <= {"review.py"}, users


def test_bundle_store_and_integrity_cover_the_same_collections() -> None:
    """Three places name the review's collections; they must not drift apart."""
    from sysreview.bundle import FILES
    from sysreview.integrity import COLLECTIONS
    from sysreview.store.tables import SPECS

    nested = {"protocol", "sof_tables"}
    table_paths = {s.path for s in SPECS if not s.single}
    assert table_paths == set(COLLECTIONS)
    file_attrs = {f.attr for f in FILES}
    top_level = {c.split(".")[0].split("[]")[0] for c in COLLECTIONS}
    assert top_level - nested <= file_attrs
    assert {s.path.split(".")[0].split("[]")[0] for s in SPECS} == file_attrs
