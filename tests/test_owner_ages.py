"""Owners' entrant ages against the shipped data (sim.owner_ages, sim/data/craft_people.csv)."""

from __future__ import annotations

import pytest
from scipy.stats import norm

from sim.config_model import FirmParams
from sim.datasets import load_craft_people
from sim.owner_ages import sd_from_share_between


def _value(topic: str, area: str, year: int, measure: str) -> float:
    c = load_craft_people()
    rows = c[
        (c["topic"] == topic)
        & (c["area"] == area)
        & (c["year"] == year)
        & (c["measure"] == measure)
    ]
    assert len(rows) == 1, f"one craft_people.csv row for {topic}/{area}/{year}/{measure}"
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize("sd", [3.0, 7.0, 12.0])
def test_sd_from_share_between_inverts_the_band_share(sd):
    share = norm.cdf(40, 38.3, sd) - norm.cdf(30, 38.3, sd)
    assert sd_from_share_between(38.3, 30, 40, share) == pytest.approx(sd, abs=1e-6)


def test_successor_age_spread_follows_the_share_aged_30_to_39():
    """The default spread is the one the data imply: 48 % of successors aged 30-39 around the
    craft successors' mean age (6.96 years); a change of either figure or of the default fails
    here."""
    fp = FirmParams()
    mean = _value("successor_age", "germany", 2021, "mean_age")
    share = _value("successor_age", "germany (all sectors)", 2024, "share_30_39")
    assert fp.successor_age_mean == pytest.approx(mean)
    assert fp.successor_age_sd == pytest.approx(sd_from_share_between(mean, 30, 40, share), abs=0.1)


def test_founder_age_estimate_lies_inside_the_kfw_bracket():
    """The crafts' founder age [E] lies between the KfW-Gruendungsmonitor's all-sector means
    of 2024 and the early 2000s [S]."""
    young = _value("founder_age", "germany (all sectors)", 2024, "mean_age")
    old = _value("founder_age", "germany (all sectors)", 2002, "mean_age")
    assert young <= FirmParams().founder_age_mean <= old
    bands = [
        _value("founder_age", "germany (all sectors)", 2024, f"share_{b}")
        for b in ("18_29", "40_49", "50_65")
    ]
    assert 0.0 < sum(bands) < 1.0  # the 30-39 band is the remainder
