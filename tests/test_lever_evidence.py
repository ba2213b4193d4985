"""Each lever's unit costs and effect sizes come from its programme's evidence, which is cited;
the figures a lever is validated against set nothing."""

from __future__ import annotations

import math

import pytest

from sim.interventions import lever_classes
from sim.interventions.evidence import USES, discount_rate, load_lever_evidence, validation_row
from tests.conftest import ROOT

DATA = ROOT / "sim" / "data"
TAGS = {"V", "S", "D", "E", "M"}


@pytest.fixture(scope="module")
def evidence():
    return load_lever_evidence()


def test_every_row_is_of_a_known_lever_use_and_tag(evidence):
    assert set(evidence["lever"]) == {*lever_classes(), "all"}
    assert set(evidence["use"]) <= set(USES)
    assert set(evidence["tag"]) <= TAGS


@pytest.mark.parametrize("name", list(lever_classes()))
def test_defaults_are_the_evidence_they_cite(evidence, name):
    """A cost or fit row names the parameter it sets; the lever's default is its value."""
    rows = evidence[(evidence["lever"] == name) & evidence["use"].isin(["cost", "fit"])]
    assert len(rows) >= 2, f"{name}: needs a unit cost and an effect size"
    defaults = lever_classes()[name].Params()
    for _, row in rows.iterrows():
        assert getattr(defaults, row["parameter"]) == pytest.approx(row["value"]), row["measure"]
        if not math.isnan(row["low"]):  # the range holds the value
            assert row["low"] <= row["value"] <= row["high"], row["measure"]


@pytest.mark.parametrize("name", list(lever_classes()))
def test_each_lever_has_one_validation_range_that_sets_nothing(evidence, name):
    row = validation_row(name)
    assert row["low"] < row["high"]
    assert row["parameter"] == ""
    # the validation figure is not also a fit figure of the same lever
    fit = evidence[(evidence["lever"] == name) & (evidence["use"] == "fit")]
    assert not ((fit["source_id"] == row["source_id"]) & (fit["value"] == row["value"])).any()


def test_every_source_is_documented(evidence):
    text = (DATA / "SOURCES_lever_evidence.md").read_text(encoding="utf-8")
    text += (DATA / "SOURCES_market_evidence.md").read_text(encoding="utf-8")
    missing = sorted(s for s in set(evidence["source_id"]) if s not in text)
    assert not missing, missing


def test_the_discount_rate_is_sourced_and_within_its_range(evidence):
    row = evidence[evidence["use"] == "discount"].iloc[0]
    assert row["low"] <= discount_rate() == row["value"] <= row["high"]
