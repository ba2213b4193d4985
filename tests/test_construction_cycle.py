"""The construction cycle (sim.scenarios.construction_cycle): the shipped volumes' arithmetic,
the index relative to the year before a run starts, what it scales, and that it acts in a run."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError, load_config
from sim.datasets import DataError
from sim.model import RegionModel
from sim.scenarios import construction_cycle as cc
from sim.vocabulary import TRADE_GROUPS, parse_quarter
from tests.conftest import small_config


def _cfg(enabled: bool = True, recovery: float = 0.0):
    return SimpleNamespace(enabled=enabled, recovery_per_year=recovery)


def _table(changes: dict[int, float]) -> pd.DataFrame:
    """The same change for every trade group and segment in each year."""
    rows = [
        {"year": y, "trade_group": g, "segment": s, "real_change_pct": v, "source_id": "X"}
        for y, v in changes.items()
        for g in cc.BUILDING_TRADES
        for s in cc.SEGMENTS
    ]
    return pd.DataFrame(rows).assign(tag="E", note="")


def test_the_shipped_volumes_cumulate_from_the_year_before_the_first():
    table = cc.load_volume()
    levels = cc.volume_levels(table)
    assert list(levels.index) == [2021, 2022, 2023, 2024]
    assert (levels.loc[2021] == 1.0).all()
    # Bauhaupt's residential volume: HDB's -4.7, -11.5, -7 % (2022-2024)
    expected = (1 - 0.047) * (1 - 0.115) * (1 - 0.07)
    assert levels.loc[2024, ("bauhaupt", "residential")] == pytest.approx(expected)
    # the slump: every building trade's volume of 2024 is below 2021's, residential the most
    assert (levels.loc[2024] < 1.0).all()
    assert levels.loc[2024].idxmin() == ("bauhaupt", "residential")
    # each row carries a source and a tag
    assert table["source_id"].notna().all() and table["tag"].isin(["V", "S", "D", "E"]).all()


def test_a_gap_or_an_unknown_segment_is_named():
    with pytest.raises(DataError, match="each year 2022-2024"):
        cc.volume_levels(_table({2022: -1.0, 2024: -2.0}))
    bad = cc.load_volume().assign(segment="housing")
    with pytest.raises(DataError, match=r"unknown segment \['housing'\].*residential"):
        cc.check_values(bad)
    with pytest.raises(DataError, match=r"unknown trade_group \['kfz'\].*bauhaupt"):
        cc.check_values(cc.load_volume().assign(trade_group="kfz"))
    shipped = cc.load_volume()
    with pytest.raises(DataError, match=r"more than one row for \[\[2022, 'bauhaupt'"):
        cc.check_values(pd.concat([shipped, shipped.iloc[:1]]))
    with pytest.raises(DataError, match=r"real_change_pct \['minus five'\] is not a number"):
        cc.check_values(
            shipped.astype({"real_change_pct": object}).assign(
                real_change_pct=lambda t: t["real_change_pct"].where(t.index > 0, "minus five")
            )
        )


def test_levels_before_within_and_after_the_data():
    levels = cc.volume_levels(_table({2022: -10.0, 2023: -10.0}))
    assert (cc.level_in(levels, 2015, 0.0) == 1.0).all()
    assert cc.level_in(levels, 2023, 0.0).iloc[0] == pytest.approx(0.81)
    assert cc.level_in(levels, 2040, 0.0).iloc[0] == pytest.approx(0.81)  # the level holds
    # recovery closes that share of the gap to the base level each year
    assert cc.level_in(levels, 2024, 0.5).iloc[0] == pytest.approx(1 - 0.19 * 0.5)
    assert cc.level_in(levels, 2025, 0.5).iloc[0] == pytest.approx(1 - 0.19 * 0.25)
    assert cc.level_in(levels, 2100, 1.0).iloc[0] == pytest.approx(1.0)


def test_the_index_is_relative_to_the_year_before_the_start():
    levels = cc.volume_levels(_table({2022: -10.0, 2023: -10.0}))
    hindcast = cc.ConstructionCycle(_cfg(), parse_quarter("2022Q1"), levels)
    assert hindcast.index(2022).iloc[0] == pytest.approx(0.9)
    assert hindcast.index(2023).iloc[0] == pytest.approx(0.81)
    # a run that starts after the data: the base year already has the slump, nothing moves
    projection = cc.ConstructionCycle(_cfg(), parse_quarter("2025Q1"), levels)
    assert all((projection.index(y) == 1.0).all() for y in range(2025, 2046))
    # unless the volume recovers: back towards the pre-slump level, i.e. above the base year
    recovering = cc.ConstructionCycle(_cfg(recovery=0.2), parse_quarter("2025Q1"), levels)
    path = [recovering.index(y).iloc[0] for y in range(2025, 2046)]
    assert path[0] == pytest.approx((1 - 0.19 * 0.8**2) / (1 - 0.19 * 0.8))
    assert np.all(np.diff(path) > 0) and path[-1] < 1 / 0.81
    off = cc.ConstructionCycle(_cfg(enabled=False), parse_quarter("2022Q1"), levels)
    assert (off.index(2023) == 1.0).all()


def test_only_the_building_trades_of_each_part_are_scaled():
    levels = cc.volume_levels(cc.load_volume())
    cycle = cc.ConstructionCycle(_cfg(), parse_quarter("2022Q1"), levels)
    factors = cycle.demand_cycle(parse_quarter("2023Q3"))
    assert set(factors) == {"household", "business", "public"}
    building = [TRADE_GROUPS.index(g) for g in cc.BUILDING_TRADES]
    for segment, part in cc.PART_OF_SEGMENT.items():
        f = factors[part]
        assert f.shape == (len(TRADE_GROUPS),)
        others = np.delete(f, building)
        np.testing.assert_array_equal(others, 1.0)
        for g in cc.BUILDING_TRADES:
            assert f[TRADE_GROUPS.index(g)] == pytest.approx(levels.loc[2023, (g, segment)])
    # households' Bauhaupt demand follows residential building: 2023 is 15.7 % below 2021
    assert factors["household"][TRADE_GROUPS.index("bauhaupt")] == pytest.approx(0.953 * 0.885)


def _demand_with_and_without(model: RegionModel):
    q = model.start_quarter
    stats, n = model.district_stats, (len(model.region.districts), len(TRADE_GROUPS))
    with_cycle = model.demand.compose(q, stats, 0.0, np.ones(n), 1.0)
    without = model.demand.compose(q, stats, 0.0, np.ones(n), 1.0, with_cycle=False)
    return with_cycle, without


def test_a_hindcast_start_scales_the_building_trades_base_demand_in_the_model():
    model = RegionModel(small_config("start=2022Q1", "end=2022Q4"))
    with_cycle, without = _demand_with_and_without(model)
    bauhaupt, kfz = TRADE_GROUPS.index("bauhaupt"), TRADE_GROUPS.index("kfz")
    ratio = with_cycle.household.sum(axis=0) / without.household.sum(axis=0)
    assert ratio[bauhaupt] == pytest.approx(1 - 0.047)
    assert ratio[kfz] == pytest.approx(1.0)
    # the scenarios' own orders (the coal sites' in the business part) are not scaled: the
    # businesses' Bauhaupt demand falls by less than its base part's -4.4 %
    business = with_cycle.business[:, bauhaupt].sum() / without.business[:, bauhaupt].sum()
    assert 1 - 0.044 + 0.001 < business < 1.0
    # the market calibrates on the base year without the cycle
    base = model.demand.base_total(model.start_quarter, model.district_stats)
    np.testing.assert_allclose(base, without.total)
    assert not np.allclose(base, with_cycle.total)
    # the structural funds' public orders (paid from 2024) are not scaled either: public
    # Bauhaupt demand of 2024 rises by less than its base part's +4 % against 2023
    model = RegionModel(small_config("start=2024Q1", "end=2024Q4"))
    with_cycle, without = _demand_with_and_without(model)
    public = with_cycle.public[:, bauhaupt].sum() / without.public[:, bauhaupt].sum()
    assert 1.0 < public < 1.04 - 0.001
    # the baseline projection starts after the data: its demand is the same either way
    model = RegionModel(small_config())
    with_cycle, without = _demand_with_and_without(model)
    np.testing.assert_allclose(with_cycle.total, without.total)


def test_the_hindcast_slump_lowers_the_building_trades_turnover():
    overrides = ("start=2022Q1", "end=2024Q4", "households_per_agent=50")
    on = RegionModel(small_config(*overrides)).run()["groups"]
    off = RegionModel(small_config(*overrides, "scenario.construction_cycle.enabled=false"))
    off = off.run()["groups"]

    def real_turnover(groups: pd.DataFrame, group: str, year: int) -> float:
        g = groups[(groups["trade_group"] == group) & (groups["year"] == year)]
        return float(g["turnover_base_prices_eur"].sum())

    for group in cc.BUILDING_TRADES:
        assert real_turnover(on, group, 2024) < 0.97 * real_turnover(off, group, 2024)
    # the other trades' turnover moves little (their customers' and workers' knock-on effects)
    assert real_turnover(on, "kfz", 2024) == pytest.approx(real_turnover(off, "kfz", 2024), 0.02)


def test_a_recovery_outside_its_domain_is_refused():
    with pytest.raises(ConfigError, match="recovery_per_year"):
        load_config(["scenario.construction_cycle.recovery_per_year=1.5"])


def test_the_regional_check_reads_a_states_real_building_turnover():
    from sim.validation import hindcast

    level = {
        ("halle", "bauhaupt"): (100.0, 96.0),
        ("saalekreis", "bauhaupt"): (50.0, 47.0),
        ("halle", "kfz"): (80.0, 90.0),  # another trade group: not counted
        ("leipzig_city", "bauhaupt"): (70.0, 50.0),  # another state: not counted
    }
    rows = [
        {
            "quarter": f"{y}Q{q}",
            "district_id": d,
            "trade_group": g,
            "turnover_base_prices_eur": v[y - 2023] / 4,
        }
        for (d, g), v in level.items()
        for y in (2023, 2024)
        for q in range(1, 5)
    ]
    (check,) = hindcast.building_checks(pd.DataFrame(rows))
    assert check.district_id == "Sachsen-Anhalt" and check.use == "validate"
    assert check.data == pytest.approx(-4.2)  # StaLa Sachsen-Anhalt, 2024 [S]
    assert check.model == pytest.approx(100 * (143 / 150 - 1))
    only_sachsen = pd.DataFrame([r for r in rows if r["district_id"] == "leipzig_city"])
    assert hindcast.building_checks(only_sachsen) == []
