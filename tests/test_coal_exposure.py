"""Study output 6 (coal-exit exposure) on paired runs: the exposure is measurable, sits where the
coal sites are, and grows with the multiplier.

Small region, one household agent per 20 households, 2025-2027 with the closures brought forward
by nine years, two seeds per arm; the tables are computed from the runs' own tables as a sweep
folder would hold them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.study_outputs.coal_exposure import (
    UNITS,
    change_name,
    exposure_per_run,
    paired_hit,
)
from experiments.study_outputs.coal_exposure_multiplier import multiplier_sensitivity
from tests.conftest import run_model

EARLY = "scenario.coal_exit.closure_shift_years=-9"
ARMS = {
    "no_coal_exit": (("scenario=no_coal_exit",), 1.0),
    "coal_multiplier_low": (("scenario=coal_multiplier_low", EARLY), 0.6),
    "baseline": ((EARLY,), 1.0),
    "coal_multiplier_high": (("scenario=coal_multiplier_high", EARLY), 1.4),
}
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def per_run() -> pd.DataFrame:
    groups, districts = [], []
    for name, (overrides, _) in ARMS.items():
        for seed in SEEDS:
            _, tables = run_model(*overrides, f"seed={seed}")
            run = {"run_id": f"{name}_{seed}", "scenario": name, "intervention": "none"}
            for frame, out in ((tables["groups"], groups), (tables["districts"], districts)):
                out.append(frame.assign(**run, seed=seed))
    return exposure_per_run(pd.concat(groups), pd.concat(districts))


@pytest.fixture(scope="module")
def settings() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "scenario": name,
                "coal_multiplier": m,
                "closure_shift_years": 0.0 if name == "no_coal_exit" else -9.0,
                "coal_exit_enabled": name != "no_coal_exit",
            }
            for name, (_, m) in ARMS.items()
        ]
    )


def test_exposure_is_measurable_and_largest_where_the_sites_are(per_run):
    hit = paired_hit(per_run, "no_coal_exit")
    row = hit[
        (hit["scenario"] == "baseline") & (hit["district_id"] == "all") & (hit["year"] == 2027)
    ].iloc[0]
    # the closed sites' orders and their workers' spending are lost in every pair
    assert row["craft_demand_change_eur_ci_high"] < 0
    assert row["business_craft_demand_change_eur"] < 0
    assert row["household_income_change_eur_ci_high"] < 0
    assert row["coal_jobs_lost"] > 0
    # craft output is reported at base-year prices (the headline) with nominal beside it; its
    # sign is not asserted: where firms lack capacity, the workers the closures set free can
    # raise craft output (docs/ODD.md, coal exit)
    for column in ("craft_value_added_real_change_eur", "craft_value_added_nominal_change_eur"):
        assert pd.notna(row[column]) and row[column] != 0
    # the hardest hit is the district of MIBRAG's mine and head office
    districts = hit[
        (hit["scenario"] == "baseline") & (hit["district_id"] != "all") & (hit["year"] == 2027)
    ]
    worst = districts.sort_values("craft_demand_change_pct").iloc[0]
    assert worst["district_id"] == "burgenlandkreis"
    # before the first closure both worlds are the same
    before = hit[(hit["scenario"] == "baseline") & (hit["year"] == 2025)]
    assert (before["craft_demand_change_eur"] == 0).all()


def test_exposure_grows_with_the_multiplier(per_run, settings):
    table = multiplier_sensitivity(per_run, settings, "no_coal_exit", UNITS, change_name)
    assert table is not None
    region = table[(table["district_id"] == "all") & (table["year"] == 2027)].set_index("metric")
    assert set(region["scenario_low"]) == {"coal_multiplier_low"}
    assert set(region["scenario_central"]) == {"baseline"}
    assert set(region["scenario_high"]) == {"coal_multiplier_high"}
    for metric in (
        "household_income_change_eur",
        "household_craft_demand_change_eur",
        "craft_demand_change_eur",
    ):
        r = region.loc[metric]
        # a larger multiplier, a larger loss
        assert r["change_at_high"] < r["change_at_central"] < r["change_at_low"] < 0, metric
        # the slope is the paired (high - low) difference per unit of the multiplier
        assert r["change_per_unit_multiplier"] == pytest.approx(
            (r["change_at_high"] - r["change_at_low"]) / (1.4 - 0.6)
        )
    # and in every pair of runs (same seed), not only on average
    year = per_run[(per_run["district_id"] == "all") & (per_run["year"] == 2027)]
    income = year.set_index(["scenario", "seed"])["household_income_eur"]
    for seed in SEEDS:
        loss = {
            m: income["no_coal_exit", seed] - income[m, seed] for m in ARMS if m != "no_coal_exit"
        }
        assert 0 < loss["coal_multiplier_low"] < loss["coal_multiplier_high"], seed
