"""`python -m sim.calibrate --check` passes on the shipped config and fails when it should."""

from sim.calibrate import main


def test_shipped_config_meets_every_calibration_target(capsys):
    assert main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "129 of 129 targets within tolerance" in out
    assert "Fitted at initialisation" in out


def test_check_fails_when_demand_is_miscalibrated(capsys):
    # a third less demand than the firms can produce: turnover per person misses its target
    assert (
        main(
            ["--check", "region=small", "households_per_agent=50", "model.base_excess_demand=-0.33"]
        )
        == 1
    )
    assert "turnover per person" in capsys.readouterr().err


def test_bad_override_is_a_clean_error(capsys):
    assert main(["region=nowhere"]) == 2
    assert "region/nowhere" in capsys.readouterr().err


def test_validate_prints_every_check_with_data_model_tolerance_and_verdict(capsys):
    assert main(["--validate", "region=small", "households_per_agent=50"]) == 0
    out = capsys.readouterr().out
    for word in ("use", "data", "model", "tolerance", "verdict", "fit", "validate"):
        assert word in out
    assert "checks pass" in out and ("PASS" in out)
    assert "Sources and the reasons for each tolerance" in out
    # the structure rows (sim.structure_checks): levels by definition, sizes, entry and exit
    for row in ("craft persons per 1,000 inhabitants (HWZ definition", "Anlage B1", "20+ persons"):
        assert row in out
