"""``python -m sim.validate``: the report's files and columns, the exit codes, the hindcast's start.

One quick report (small region, 50 households per agent, to 2026) is built once; the lever
returns' own paired runs (half a minute, tested in test_lever_checks.py) are stubbed out here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import validate
from sim.datasets import load_districts
from sim.validation import hindcast, observed_output
from sim.validation.report import COLUMNS, FILES


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    collected = {}
    real_collect = validate.collect

    def keep(cfg, hindcast_seeds=1):
        collected["table"], collected["paths"] = real_collect(cfg, hindcast_seeds)
        return collected["table"], collected["paths"]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sim.calibrate.lever_return_checks", lambda: [])
        mp.setattr(validate, "collect", keep)
        code = validate.main(["--quick", "--hindcast-seeds", "2", "--out", str(out)])
    return code, out, collected["table"], collected["paths"]


def test_the_report_has_its_files_columns_and_summary(quick_report):
    code, out, table, _ = quick_report
    assert code in (0, 1)
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    csv = pd.read_csv(out / "validation.csv")
    assert list(csv.columns) == COLUMNS
    assert len(csv) == len(table)
    assert set(csv["use"]) == {"fit", "validate"}
    assert set(csv["verdict"]) <= {"PASS", "FAIL"}
    md = (out / "validation.md").read_text()
    n_pass = int((csv["verdict"] == "PASS").sum())
    assert f"{n_pass} of {len(csv)} pass" in md
    for topic in dict.fromkeys(csv["topic"]):
        assert f"## {topic}" in md
    # the exit code follows the validate checks, not the fit checks
    failed = (csv["use"] == "validate") & (csv["verdict"] == "FAIL")
    assert code == int(failed.any())
    assert not list(out.glob(".*tmp-*")), "temporary files left behind"


def test_the_report_holds_the_hindcast_and_the_calibrate_checks(quick_report):
    _, _, table, paths = quick_report
    topics = set(table["topic"])
    assert "base year (initialisation)" in topics
    past = table[table["topic"] == validate.HINDCAST_TOPIC]
    # the small region holds HWK Halle districts of Sachsen-Anhalt only
    assert set(past["district_id"]) == {"hwk_halle", "Sachsen-Anhalt"}
    # the rows of the figures a parameter is fitted to are "fit", all others "validate"
    fitted = past["check"].str.contains(
        "|".join(m.replace("_", " ") for m in hindcast.FITTED_MEASURES)
    )
    assert fitted.any() and (~fitted).any()
    assert (past.loc[fitted, "use"] == "fit").all()
    assert (past.loc[~fitted, "use"] == "validate").all()
    # the employment rows again, replayed on the observed 2023-24 turnover (validate rows)
    conditional = past[past["check"].str.contains(observed_output.LABEL, regex=False)]
    assert set(conditional["district_id"]) == {"hwk_halle", "Sachsen-Anhalt"}
    assert (conditional["use"] == "validate").all()
    assert conditional["source"].str.contains("role input").all()
    unconditional = past.drop(conditional.index)
    employees = unconditional[unconditional["check"].str.contains("employees change")]
    assert len(employees) == 1
    # the observed slump was replayed: employment falls faster than without it
    replayed = conditional.loc[conditional["district_id"] == "hwk_halle", "model"]
    assert replayed.iloc[0] < employees["model"].iloc[0] - 0.2
    assert paths["quarter"].iloc[0] == f"{hindcast.START_YEAR}Q4"
    assert paths["quarter"].max() == "2024Q4"


def test_the_hindcast_rows_are_the_mean_of_their_seeds(quick_report):
    _, out, table, _ = quick_report
    past = table[table["topic"] == validate.HINDCAST_TOPIC]
    assert past["check"].str.endswith("mean of 2 seeds").all()
    assert (past["model_sd"] >= 0).all() and (past["model_sd"] > 0).any()
    assert table.loc[table["topic"] != validate.HINDCAST_TOPIC, "model_sd"].isna().all()
    np.testing.assert_allclose(past["error"], past["model"] - past["data"])
    md = (out / "validation.md").read_text()
    assert "mean of 2 seed(s) from seed 0" in md


def test_a_hindcast_seed_count_below_one_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        validate.main(["--quick", "--hindcast-seeds", "0"])
    assert exit_info.value.code == 2
    assert "--hindcast-seeds must be 1 or more" in capsys.readouterr().err


def test_exit_code_is_1_when_a_validate_check_fails_and_0_otherwise(quick_report, tmp_path):
    _, _, table, paths = quick_report
    passing = table[(table["use"] == "fit") | (table["verdict"] == "PASS")].copy()
    failing = passing.copy()
    row = failing.index[failing["use"] == "validate"][0]
    failing.loc[row, "verdict"] = "FAIL"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate, "collect", lambda cfg, seeds=1: (passing, paths))
        assert validate.main(["--quick", "--out", str(tmp_path / "a")]) == 0
        mp.setattr(validate, "collect", lambda cfg, seeds=1: (failing, paths))
        assert validate.main(["--quick", "--out", str(tmp_path / "b")]) == 1
    csv = pd.read_csv(tmp_path / "b" / "validation.csv")
    assert (csv["verdict"] == "FAIL").sum() == 1


@pytest.mark.parametrize(
    ("override", "expected"),
    [("seed=abc", "seed"), ("start=2025Q5", "start"), ("scenario=nonsense", "baseline")],
)
def test_bad_overrides_exit_2_with_a_clear_message(override, expected, tmp_path, capsys):
    assert validate.main(["--out", str(tmp_path), override]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and expected in err
    assert not any(tmp_path.iterdir())


def test_the_hindcast_start_state_is_the_chambers_2021_count():
    base = load_districts()
    start = hindcast.start_districts("official_mid")
    e = hindcast.load_evidence()
    firms = e[e["measure"] == "registered_firms"].pivot(
        index="area", columns="role", values="value"
    )
    for chamber, rows in start.groupby("chamber"):
        expected = base.loc[rows.index, "craft_firms"].sum() * firms.loc[chamber, "start"]
        assert rows["craft_firms"].sum() == pytest.approx(
            expected / firms.loc[chamber, "base"], abs=len(rows)
        )
    # the population moves back with the projection's index: none is left at the base value
    assert (start["population"] != base["population"]).all()
    assert start["district_id"].tolist() == base["district_id"].tolist()
