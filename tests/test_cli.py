"""The CLI: every command has help; errors are one line and a hint, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
