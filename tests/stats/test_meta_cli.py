"""``sysreview meta FILE``: reference analyses reproduced through the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from sysreview.cli import main

from .conftest import CLOSED_FORM, ITERATIVE, analysis, assert_close, load_reference


def _csv(tmp_path: Path, rows: list[dict[str, Any]], name: str = "studies.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _meta(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["meta", *args, "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def _compare(
    got: dict[str, Any], expected: dict[str, Any], rel: float, keys: tuple[str, ...]
) -> None:
    for key in keys:
        assert_close(got[key], expected[key], rel, key)


POOLED = ("estimate", "se", "ci_lb", "ci_ub", "stat", "p", "tau2", "Q", "Q_p", "I2_pct")


def test_binary_iv_dl_and_mh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p01_bcg_binary_mh_iv_dl")
    path = _csv(tmp_path, case["studies"])
    got = _meta(capsys, str(path), "--measure", "RR", "--method", "DL", "--keep00")
    expected = analysis(case, "RR_IV_DL")["expected"]
    _compare(got, expected, CLOSED_FORM, (*POOLED, "estimate_exp", "H2"))
    assert [s["study"] for s in got["studies"]] == [s["study"] for s in expected["studies"]]
    for mine, theirs in zip(got["studies"], expected["studies"], strict=True):
        _compare(mine, theirs, CLOSED_FORM, ("yi", "vi", "weight_pct"))
    got = _meta(capsys, str(path), "--measure", "OR", "--method", "MH")
    expected = analysis(case, "OR_MH_FE")["expected"]
    _compare(got, expected, CLOSED_FORM, ("estimate", "se", "p", "Q", "cmh_stat", "cmh_p"))


def test_revman5_preset_mh_random(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p01_bcg_binary_mh_iv_dl")
    path = _csv(tmp_path, case["studies"])
    got = _meta(
        capsys,
        str(path),
        "--measure",
        "RR",
        "--method",
        "MH",
        "--model",
        "random",
        "--preset",
        "revman5",
    )
    block = case["revman5_emulation"]["RR_MH"]
    _compare(got, block["random_DL"], CLOSED_FORM, ("estimate", "se", "ci_lb", "ci_ub", "p"))
    assert_close(got["tau2"], block["tau2"], CLOSED_FORM, "tau2")


def test_smd_revman5_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p04_normand1999_md_smd")
    path = _csv(tmp_path, case["studies"])
    got = _meta(capsys, str(path), "--measure", "SMD", "--vtype", "revman5", "--method", "DL")
    expected = analysis(case, "SMD_revman5_formula_IV_DL")["expected"]
    _compare(got, expected, CLOSED_FORM, POOLED)


def test_generic_reml_knha_from_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p06_bcg_tau2_estimators_knha_qprofile")
    path = tmp_path / "bcg.json"
    path.write_text(
        json.dumps([{"study": s["study"], "yi": s["yi"], "vi": s["vi"]} for s in case["studies"]])
    )
    got = _meta(capsys, str(path), "--method", "REML", "--test", "knha")
    expected = analysis(case, "RE_REML_knha")["expected"]
    _compare(got, expected, ITERATIVE, (*POOLED, "pi_lb", "pi_ub"))
    _, lower, upper = analysis(case, "RE_REML_z")["expected"]["qprofile_ci"]["tau2"]
    assert_close(got["tau2_ci_lb"], lower, ITERATIVE, "Q-profile lower")
    assert_close(got["tau2_ci_ub"], upper, ITERATIVE, "Q-profile upper")


def test_subgroups_and_cumulative(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p07_bcg_subgroup_alloc")
    got = _meta(capsys, str(_csv(tmp_path, case["studies"])), "--method", "DL", "--subgroup", "grp")
    test = analysis(case, "revman_separate_subgroups_DL")["expected"]["test_subgroup_differences"]
    assert_close(got["subgroups"]["test_subgroup_differences"]["Q"], test["Q"], CLOSED_FORM, "Q")
    case = load_reference("p09_bcg_leave1out_cumulative")
    got = _meta(
        capsys,
        str(_csv(tmp_path, case["studies"], "c.csv")),
        "--method",
        "DL",
        "--cumulative",
        "year",
    )
    expected = analysis(case, "sensitivity_DL")["expected"]["cumulative"]
    assert_close(
        got["cumulative"]["cumulative"][-1]["estimate"],
        expected[-1]["estimate"],
        CLOSED_FORM,
        "last",
    )


def test_text_output_reads_like_revman(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_reference("p01_bcg_binary_mh_iv_dl")
    path = _csv(tmp_path, case["studies"])
    assert main(["meta", str(path), "--measure", "RR", "--preset", "revman5"]) == 0
    out = capsys.readouterr().out
    assert "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%" in out
    assert "Test for overall effect: Z = 4.00 (P < 0.0001)" in out
    assert "Aronson 1948" in out


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, [{"ai": 1, "n1i": 10, "ci": 2, "n2i": 10}])
    assert main(["meta", str(path)]) == 65
    assert "say which effect measure" in capsys.readouterr().err
    bad = _csv(tmp_path, [{"yi": 0.1, "vi": "x"}], "bad.csv")
    assert main(["meta", str(bad)]) == 65
    err = capsys.readouterr().err
    assert f"{bad}:2: field 'vi': expected a number" in err
    assert (
        main(["meta", str(path), "--measure", "RR", "--method", "MH", "--preset", "nonsense"]) == 2
    )


def test_cli_choices_mirror_the_statistics_vocabulary() -> None:
    from sysreview import stats
    from sysreview.cli import meta_command

    assert meta_command.METHODS == stats.METHODS
    assert tuple(stats.PRESETS) == meta_command.PRESETS
