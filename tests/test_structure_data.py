"""The levels' inputs follow from their documented sources (SOURCES_structure.md), and the
base-year firm sizes keep each district's persons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim.datasets as ds
from sim.agents.base_firms import FIRM_SIZE_CAP, lognormal_sizes, stratified_uniform
from sim.datasets import (
    DataError,
    load_districts,
    load_state_crafts,
    load_structure_evidence,
    load_trade_groups,
    read_csv,
)


def _ev(topic: str, area: str, measure: str) -> float:
    e = load_structure_evidence()
    row = e[(e["topic"] == topic) & (e["area"] == area) & (e["measure"] == measure)]
    assert len(row) == 1, (topic, area, measure)
    return float(row["value"].iloc[0])


def test_price_factor_is_the_documented_mix_of_construction_prices_and_cpi():
    m = read_csv("market_evidence.csv", ["topic", "area", "year", "measure", "value"])

    def level(topic: str, year: int, start: str) -> float:
        r = m[(m.topic == topic) & (m.area == "DE") & (m.year == year)]
        return float(r[r.measure.str.startswith(start)]["value"].iloc[0])

    bpi = level("price_index", 2023, "Baupreisindex Wohngebaeude, annual") / level(
        "price_index", 2022, "Baupreisindex Wohngebaeude, annual"
    )
    bpi *= 1 + level("price_index", 2024, "Baupreisindex Wohngebaeude, change") / 100
    cpi = level("deflator", 2024, "CPI deflator") / level("deflator", 2022, "CPI deflator")
    g = load_trade_groups()
    turnover = g["share_of_firms"] * g["persons_per_firm_rel"] * g["turnover_per_person_eur"]
    w = turnover[["bauhaupt", "ausbau"]].sum() / turnover.sum()
    factor = w * bpi + (1 - w) * cpi
    assert factor == pytest.approx(
        _ev("price", "germany", "craft_price_factor_2022_2024"), abs=5e-4
    )
    states = load_state_crafts()
    assert np.allclose(states["price_factor_to_base"], round(factor, 4))
    assert set(states["year"]) == {2022} and set(states["price_base_year"]) == {2024}


def test_thueringen_2022_is_the_2018_count_grown_like_its_neighbours():
    s = load_state_crafts().set_index("state")
    growth = np.mean(
        [117166 / (28_300e6 / 287_472), 117882 / (13_400e6 / 134_322)]
    )  # 2018 -> 2022, Sachsen and Sachsen-Anhalt (statistikportal [V], crafts_by_state.csv)
    assert s.loc["Thüringen", "turnover_per_person_hwz_eur"] == pytest.approx(99229 * growth, abs=1)


def test_state_crafts_refuses_a_base_value_that_does_not_follow_from_the_count(monkeypatch):
    bad = pd.read_csv(ds.DATA_DIR / "crafts_by_state.csv")
    bad.loc[0, "turnover_per_person_eur"] += 1000
    monkeypatch.setattr(ds, "read_csv", lambda name, required: bad)
    with pytest.raises(DataError, match="price_factor_to_base"):
        load_state_crafts()


def test_persons_per_firm_are_hwz_persons_per_registered_firm_less_apprentices():
    d = load_districts().set_index("district_id")
    ratio = {
        "Sachsen": _ev("ratio", "sachsen", "hwz_persons_per_registered"),
        "Sachsen-Anhalt": _ev("ratio", "sachsen_anhalt", "hwz_persons_per_registered_excl_halle"),
        "Thüringen": _ev("ratio", "thueringen", "hwz_persons_per_registered"),
    }
    for name, row in d.iterrows():
        persons = row["persons_per_firm"] + row["apprentices"] / row["craft_firms"]
        if name == "halle":
            hwz = _ev("hwz", "halle", "hwz_persons_per_1000") * row["population"] / 1000
            expected = hwz / row["craft_firms"]
        else:
            expected = ratio[row["state"]]
        # apprentices per firm are the chamber's rate, rounded to whole apprentices per district
        assert persons == pytest.approx(expected, abs=0.01), name


def test_lognormal_sizes_keep_each_groups_mean_and_stay_in_bounds():
    rng = np.random.default_rng(3)
    group = rng.integers(0, 3, 5000)
    mean = np.array([2.5, 6.0, 11.0])[group]
    sizes = lognormal_sizes(mean, group, stratified_uniform(rng, 5000), 1.5)
    for g, m in enumerate((2.5, 6.0, 11.0)):
        assert sizes[group == g].mean() == pytest.approx(m, rel=0.01)
    assert sizes.min() >= 1 and sizes.max() <= FIRM_SIZE_CAP
    # a heavier tail than a geometric size with the same mean: more persons in firms of 20+
    geometric = 1 + rng.geometric(1 / 6.0, 200_000) - 1
    big = sizes[group == 1]
    assert big[big >= 20].sum() / big.sum() > geometric[geometric >= 20].sum() / geometric.sum()
