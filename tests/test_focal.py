"""Demand focal points per place x trade group: the ``place_groups`` table, the focal-point
ranking and the per-group columns of the GIS export's place layer."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.focal import focal_points, rank_unmet, wide_by_group, with_group_shares
from sim.metrics import PlaceGroupYears, unit_values
from sim.vocabulary import TRADE_GROUPS
from tests.conftest import SMALL, run_model

G = len(TRADE_GROUPS)


def test_unit_values_deflate_by_district_and_group_with_fallbacks():
    # district 0, group 0: two firms, one at price 2 and one at price 1 -> (2+1)/(1+1) = 1.5
    district = np.array([0, 0, 1])
    group = np.array([0, 0, 1])
    revenue = np.array([2.0, 1.0, 4.0])
    volume = np.array([1.0, 1.0, 2.0])
    price = unit_values(district, group, revenue, volume, n_districts=2)
    assert price.shape == (2, G)
    assert price[0, 0] == pytest.approx(1.5)
    assert price[1, 1] == pytest.approx(2.0)
    assert price[1, 0] == pytest.approx(1.5)  # no firm of group 0 sold in district 1: region
    assert price[0, 2] == 1.0  # group 2 sold nothing anywhere


def test_place_group_years_sum_quarters_and_split_at_the_year():
    years = PlaceGroupYears(n_places=2)
    unmet = np.arange(2 * G, dtype=float).reshape(2, G)
    for q in range(2025 * 4 + 2, 2026 * 4 + 1):  # 2025Q3, 2025Q4, 2026Q1
        years.add(q, unmet, np.full((2, G), 2.0))
    places = pd.DataFrame({"place_id": ["a", "b"], "district_id": ["d", "e"]})
    frame = years.frame(places)
    assert list(frame.groupby("year")["quarters"].first()) == [2, 1]
    first = frame[frame["year"] == 2025]
    assert np.allclose(first["unmet_demand_eur"], 2 * unmet.ravel())
    assert np.allclose(first["unmet_demand_base_prices_eur"], unmet.ravel())
    assert list(first["trade_group"][:G]) == list(TRADE_GROUPS)
    assert list(first["district_id"].unique()) == ["d", "e"]


# no capacity headroom, so that demand goes unmet from the first year (the baseline's market
# clears in its first years: its unmet demand is a rounding residue)
NO_HEADROOM = "model.firm.capacity_slack=0"


@pytest.fixture(scope="module")
def one_year():
    return run_model("end=2025Q4", NO_HEADROOM)


def test_place_groups_add_up_to_places_and_groups(one_year):
    model, tables = one_year
    pg, places, groups = tables["place_groups"], tables["places"], tables["groups"]
    assert len(pg) == model.region.n_places * G and set(pg["quarters"]) == {4}
    by_place = pg.groupby("place_id", observed=True)["unmet_demand_eur"].sum()
    want = places.groupby("place_id")["unmet_demand_eur"].sum()
    by_place.index = by_place.index.astype(str)
    assert np.allclose(by_place.sort_index(), want.sort_index(), atol=1e-6)
    assert want.sum() > 1000  # some demand goes unmet in the first year
    by = ["district_id", "trade_group"]
    as_str = {k: str for k in by}
    got = pg.astype(as_str).groupby(by)["unmet_demand_eur"].sum()
    want = groups.astype(as_str).groupby(by)["unmet_demand_eur"].sum()
    assert np.allclose(got, want.reindex(got.index), atol=1e-3)


def test_unmet_demand_at_base_prices_is_deflated_by_the_quarters_price_levels(one_year):
    """A year's real / nominal unmet demand is a weighted mean of the quarters' deflators
    (turnover / turnover at base-year prices of the district and group), so it lies between
    the year's lowest and highest quarterly level."""
    _, tables = one_year
    pg, groups = tables["place_groups"], tables["groups"]
    by = ["district_id", "trade_group"]
    sold = groups.groupby(["quarter", *by], observed=True)[
        ["turnover_eur", "turnover_base_prices_eur"]
    ].sum()
    sold = sold[sold["turnover_base_prices_eur"] > 0]
    level = (
        (sold["turnover_eur"] / sold["turnover_base_prices_eur"])
        .groupby(by)
        .agg(["min", "max", "size"])
    )
    level = level[level["size"] == 4]
    rows = pg[pg["unmet_demand_eur"] > 1.0].astype({"district_id": str, "trade_group": str})
    check = rows.join(level, on=by, how="inner")
    assert len(check) > 5
    ratio = check["unmet_demand_eur"] / check["unmet_demand_base_prices_eur"]
    assert (ratio >= check["min"] - 1e-9).all() and (ratio <= check["max"] + 1e-9).all()
    assert not np.allclose(ratio, 1.0)  # prices moved: the two columns differ


def _toy() -> pd.DataFrame:
    """Two runs, one year, three places, unmet demand only in the first two trade groups."""
    rows = []
    values = {("a", 0): 60.0, ("b", 0): 30.0, ("c", 0): 10.0, ("a", 1): 0.0, ("b", 1): 5.0}
    for run, scale in (("r0", 1.0), ("r1", 3.0)):
        for (place, g), v in values.items():
            rows.append(
                {
                    "run_id": run,
                    "scenario": "s",
                    "intervention": "none",
                    "year": 2030,
                    "place_id": place,
                    "district_id": "d" + place,
                    "trade_group": TRADE_GROUPS[g],
                    "unmet_demand_eur": v * scale,
                    "unmet_demand_base_prices_eur": v * scale / 1.1,
                }
            )
    return pd.DataFrame(rows)


def test_focal_points_rank_places_by_mean_unmet_demand_with_shares():
    out = focal_points(_toy(), ["scenario", "intervention", "year"], top=2)
    first = out[out["trade_group"] == TRADE_GROUPS[0]]
    assert list(first["place_id"]) == ["a", "b"] and list(first["rank"]) == [1, 2]
    assert np.allclose(first["unmet_demand_eur"], [120.0, 60.0])  # mean of 1x and 3x
    assert np.allclose(first["share_of_group_pct"], [60.0, 30.0])
    assert np.allclose(first["cumulative_share_pct"], [60.0, 90.0])
    assert set(first["n_runs"]) == {2}
    second = out[out["trade_group"] == TRADE_GROUPS[1]]
    assert list(second["place_id"]) == ["b"]  # a place without unmet demand is no focal point
    assert second["share_of_group_pct"].iloc[0] == pytest.approx(100.0)


def test_rounding_residues_are_no_focal_points():
    """The market's demand - served leaves residues of about 1e-9 EUR: they get no share and no
    rank, and a group with nothing but residues has no focal point."""
    toy = _toy()
    group1 = toy["trade_group"] == TRADE_GROUPS[1]
    toy.loc[group1, "unmet_demand_eur"] = np.where(toy.loc[group1, "place_id"] == "b", 1e-9, 0)
    shares = with_group_shares(toy, ["run_id", "year"])
    assert (shares.loc[group1, "share_of_group_pct"] == 0).all()
    out = focal_points(toy, ["scenario", "intervention", "year"])
    assert set(out["trade_group"]) == {TRADE_GROUPS[0]}


def test_only_areas_with_unmet_demand_get_a_rank():
    """The study's focal-point tables rank unmet demand; rows with none (or a rounding residue)
    stay unranked, so a year without shortage ranks nothing instead of ordering noise."""
    frame = pd.DataFrame(
        {
            "year": [2025] * 4 + [2045] * 4,
            "unmet_demand_eur": [3e-8, 1e-9, 0.0, 2e-8, 5.0, 1e-9, 80.0, 0.0],
        }
    )
    ranks = rank_unmet(frame, ["year"])
    assert ranks[:4].isna().all()
    assert ranks[4:].tolist() == [2, pd.NA, 1, pd.NA]


def test_wide_by_group_gives_one_row_per_place_and_a_column_per_group():
    wide = wide_by_group(_toy(), ["run_id", "year"])
    assert len(wide) == 2 * 3
    g0, g1 = TRADE_GROUPS[0], TRADE_GROUPS[1]
    r0 = wide[wide["run_id"] == "r0"].set_index("place_id")
    assert r0.loc["a", f"unmet_demand_{g0}_eur"] == 60.0
    assert r0.loc["c", f"unmet_demand_{g1}_eur"] == 0.0  # no row for c and group 1: zero
    assert r0[f"unmet_share_{g0}_pct"].sum() == pytest.approx(100.0)
    assert r0.loc["a", f"unmet_demand_{g0}_base_prices_eur"] == pytest.approx(60.0 / 1.1)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Two seeds of one year, run in this process."""
    import sim.run
    from sim.config import load_config

    results = tmp_path_factory.mktemp("results")
    overrides = [o for o in SMALL if not o.startswith("end=")]
    for seed in (0, 1):
        cfg = load_config(
            [*overrides, NO_HEADROOM, "end=2025Q4", f"seed={seed}", f"results_dir={results}"]
        )
        sim.run.execute(cfg)
    yield results / "baseline"


def test_gis_place_layer_carries_unmet_demand_per_trade_group(sweep, tmp_path):
    from sim.analysis.gis import export_sweep

    export_sweep(sweep, tmp_path)
    layer = json.loads((tmp_path / "baseline__none" / "places_2025.geojson").read_text("utf-8"))
    props = pd.DataFrame([f["properties"] for f in layer["features"]])
    groups = [f"unmet_demand_{g}_eur" for g in TRADE_GROUPS]
    assert set(groups) <= set(props.columns)
    assert {f"unmet_demand_{g}_eur_p95" for g in TRADE_GROUPS} <= set(props.columns)
    # the groups add up to the place's total (rounded to cents in the file)
    assert np.allclose(props[groups].sum(axis=1), props["unmet_demand_eur"], atol=0.1)
    for g in TRADE_GROUPS:
        share = props[f"unmet_share_{g}_pct"].sum()  # each rounded to 0.01 in the file
        assert share == pytest.approx(100.0, abs=0.005 * len(props)) or share == 0.0
        real = props[f"unmet_demand_{g}_base_prices_eur"]
        assert ((real > 0) == (props[f"unmet_demand_{g}_eur"] > 0)).all()


def test_sweep_focal_points_name_the_places_with_most_unmet_demand_per_group(sweep):
    from sim.analysis.focal import read_place_groups, sweep_focal_points

    table = sweep_focal_points(sweep, [2025], top=3)
    assert len(table) and set(table["year"]) == {2025}
    assert table["name"].notna().all() and (table["rank"] <= 3).all()
    assert (table["n_runs"] == 2).all()
    # rank 1 of each group is the place with the highest mean unmet demand of that group
    raw = read_place_groups(sweep, [2025])
    mean = raw.groupby(["trade_group", "place_id"])["unmet_demand_eur"].mean()
    best = mean.groupby("trade_group").idxmax().map(lambda k: k[1])
    first = table[table["rank"] == 1].set_index("trade_group")["place_id"]
    assert first.to_dict() == best[first.index].to_dict()
    assert (table.groupby("trade_group")["cumulative_share_pct"].max() <= 100 + 1e-9).all()
