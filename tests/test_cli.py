"""The CLI: every command has help; errors are one line and a hint, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sysreview import write_bundle
from sysreview.cli import cli, main

from .factories import small_review


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console entry point, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from sysreview.cli import run; run()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def test_every_command_has_help() -> None:
    assert cli.help
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help"
        assert main([name, "--help"]) == 0


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "sysreview, version" in capsys.readouterr().out


def test_init_load_status_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review, bundle, out = tmp_path / "rev", tmp_path / "bundle", tmp_path / "out"
    write_bundle(small_review(), bundle)
    assert main(["init", str(review)]) == 0
    assert (review / "sysreview.yaml").is_file() and (review / "review.db").is_file()
    assert main(["--review", str(review), "load", str(bundle)]) == 0
    capsys.readouterr()
    assert main(["--review", str(review), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["records_identified"] == 3 and status["studies"] == 1
    assert status["stages"]["title_abstract"]["decisions"] == 5
    assert main(["--review", str(review), "export", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in bundle.iterdir()
    }


def test_review_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "rev")]) == 0
    (tmp_path / "rev" / "deep" / "er").mkdir(parents=True)
    result = run("status", cwd=tmp_path / "rev" / "deep" / "er")
    assert result.returncode == 0, result.stderr
    assert "all PRISMA checks pass" in result.stdout


def _one_line_error(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert all(line.startswith("hint: ") for line in lines[1:]) and len(lines) <= 2
    return lines


def test_no_review_here(tmp_path: Path) -> None:
    result = run("status", cwd=tmp_path)
    assert result.returncode == 2
    lines = _one_line_error(result)
    assert "no review in" in lines[0] and "sysreview init" in lines[1]


def test_init_twice(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "r")).returncode == 0
    result = run("init", str(tmp_path / "r"))
    assert result.returncode == 2
    assert "already holds a review" in _one_line_error(result)[0]


def test_bad_bundle_names_file_line_field_and_changes_nothing(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    write_bundle(small_review(), bundle)
    assert run("init", str(tmp_path / "r")).returncode == 0
    assert run("--review", str(tmp_path / "r"), "load", str(bundle)).returncode == 0
    before = run("--review", str(tmp_path / "r"), "status", "--json").stdout
    text = (bundle / "reports.yaml").read_text().replace("study: smith2018", "study: smith2019")
    (bundle / "reports.yaml").write_text(text)
    result = run("--review", str(tmp_path / "r"), "load", str(bundle), "--replace")
    assert result.returncode == 65
    line = _one_line_error(result)[0]
    assert (
        f"{bundle / 'reports.yaml'}:2: field 'study': 'smith2019' is not the id of any Study"
        in line
    )
    assert run("--review", str(tmp_path / "r"), "status", "--json").stdout == before


def test_load_refuses_to_overwrite_without_replace(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    write_bundle(small_review(), bundle)
    assert run("init", str(tmp_path / "r")).returncode == 0
    assert run("--review", str(tmp_path / "r"), "load", str(bundle)).returncode == 0
    result = run("--review", str(tmp_path / "r"), "load", str(bundle))
    assert result.returncode == 65
    assert "--replace" in _one_line_error(result)[1]


def test_unreachable_postgres_is_one_line(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "r"), "--database", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 74
    assert "cannot reach" in _one_line_error(result)[0]
    assert not (tmp_path / "r" / "sysreview.yaml").exists()


def test_usage_errors_are_click_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nonsense"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_commands_do_no_domain_work() -> None:
    """The shell imports the facade and the public API only (STYLE.md 4)."""
    import ast

    cli_dir = Path(__file__).resolve().parents[1] / "src" / "sysreview" / "cli"
    for source in cli_dir.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                target = "." * node.level + (node.module or "")
                assert target in {"..", "..review", "..errors", "."}, (
                    f"{source.name} imports {target}"
                )


def test_the_shell_does_not_load_scipy_until_statistics_are_asked_for() -> None:
    """`sysreview --version` or `status` should not wait for scipy (about a second)."""
    code = "import sys, sysreview.cli; print('scipy' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "False"]


# --- no traceback: files that are missing, damaged or in another encoding -------------

EXPORTS_RIS = "ris/scopus__jabref.ris"


def _init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    review = tmp_path / "rev"
    assert main(["init", str(review)]) == 0
    capsys.readouterr()
    return review


def test_a_strategy_file_that_is_missing_or_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sysreview import Review

    from .ingest.conftest import exports_dir

    review, export = _init(tmp_path, capsys), str(exports_dir() / EXPORTS_RIS)
    base = ["--review", str(review), "import", export, "--source", "Scopus"]
    assert main([*base, "--strategy", str(tmp_path / "none.txt")]) == 2
    assert f"'{tmp_path / 'none.txt'}' does not exist" in capsys.readouterr().err
    strategy = tmp_path / "s.txt"
    strategy.write_bytes(b"caf\xe9 OR bistro\n")
    assert main([*base, "--strategy", str(strategy)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {strategy}:1: not valid UTF-8: read as latin-1" in err
    with Review.open(review) as opened:
        assert opened.data().searches[0].strategy == "café OR bistro\n"


def test_convert_into_a_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .ingest.conftest import exports_dir

    out = tmp_path / "no" / "such" / "x.ris"
    assert main(["convert", str(exports_dir() / EXPORTS_RIS), "--to", "ris", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the folder {out.parent} does not exist" in err and "Traceback" not in err
    assert not out.parent.exists()  # refused, not made: a typo in a path makes no folders


def test_a_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from .ingest.conftest import exports_dir

    out = tmp_path / "x.ris"

    def full_disk(path: Path, *_: object, **__: object) -> int:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert main(["convert", str(exports_dir() / EXPORTS_RIS), "--to", "ris", "-o", str(out)]) == 74
    assert capsys.readouterr().err == f"error: {out}: No space left on device\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.csv", b"record_id,title,yi,vi\n1,M\xfcller,0.1,0.2\n", "not UTF-8 text"),
        ("t.xlsx", b"\x7fELF\x02\x01\x01" + bytes(2000), "not an .xlsx workbook"),
    ],
)
def test_tables_in_another_encoding_or_not_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    review = _init(tmp_path, capsys)
    for args in (
        ["meta", str(path)],
        ["dedup", "--input", str(path)],
        ["--review", str(review), "extract", "import", str(path), "--reviewer", "ann"],
    ):
        assert main(args) == 65, args
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}") and message in err, args


def test_extract_import_of_a_json_object_speaks_of_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"study": "a", "outcome": "rtw", "n_1": 10}), encoding="utf-8")
    review = _init(tmp_path, capsys)
    assert main(["--review", str(review), "extract", "import", str(path), "--reviewer", "a"]) == 65
    err = capsys.readouterr().err
    assert "one per row" in err and "study" not in err.split(":", 2)[-1]


def test_a_damaged_database_is_a_store_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = _init(tmp_path, capsys)
    database = review / "review.db"
    for damage in (database.read_bytes()[:10000], b"not a database at all" * 100):
        database.write_bytes(damage)
        assert main(["--review", str(review), "status"]) == 74
        err = capsys.readouterr().err
        assert err.startswith(f"error: the database {database} is damaged")
        assert "Traceback" not in err and "sqlalchemy" not in err


def test_a_missing_database_is_an_error_not_a_new_empty_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = _init(tmp_path, capsys)
    (review / "review.db").unlink()
    assert main(["--review", str(review), "status"]) == 74
    assert f"the review's database {review / 'review.db'} is missing" in capsys.readouterr().err
    assert not (review / "review.db").exists()
    bundle = tmp_path / "bundle"
    write_bundle(small_review(), bundle)
    assert main(["--review", str(review), "load", str(bundle)]) == 0  # load makes it
    assert main(["--review", str(review), "status"]) == 0


# --- reviewers' names ---------------------------------------------------------------------


def test_reviewer_names_are_trimmed_and_never_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sysreview.cli.review_commands import REVIEWER

    @click.command()
    @REVIEWER
    def who(reviewer: str) -> None:
        click.echo(f"[{reviewer}]")

    runner = CliRunner()
    assert runner.invoke(who, ["--reviewer", "ann "]).output == "[ann]\n"
    for blank in ("", " "):
        result = runner.invoke(who, ["--reviewer", blank])
        assert result.exit_code == 2 and "a reviewer's name cannot be blank" in result.output
    monkeypatch.setenv("SYSREVIEW_REVIEWER", " bob ")
    assert runner.invoke(who, []).output == "[bob]\n"


# --- what convert writes, the other commands read ------------------------------------------


def test_convert_output_is_read_by_import_and_dedup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .ingest.conftest import exports_dir

    review = _init(tmp_path, capsys)
    sources = [str(exports_dir() / n) for n in ("medline/pubmed__synthesisr.txt", EXPORTS_RIS)]
    for target in ("csv", "json", "ris", "bibtex"):
        out = tmp_path / f"all.{target}"
        assert main(["convert", *sources, "--to", target, "-o", str(out)]) == 0
        capsys.readouterr()
        code = main(["--review", str(review), "import", str(out), "--source", target])
        out_, err = capsys.readouterr()
        assert code == 0 and "imported 4 records" in out_, err
        assert "unknown CSV layout" not in err
    assert main(["dedup", "--input", str(tmp_path / "all.csv")]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "record_id,group_id" and len(rows) == 5
