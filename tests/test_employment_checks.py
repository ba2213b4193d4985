"""The craft employment checks of the projection's first year (``sim.labour_checks``) and the
hindcast's persons by trade group (``sim.validation.group_employment``), on hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.datasets import load_districts
from sim.labour_checks import employment_trend_check
from sim.validation.group_employment import group_employment_checks, persons_by_group
from sim.validation.hindcast import _validate_rows

HALLE_DISTRICTS = load_districts().query("chamber == 'hwk_halle'")["district_id"].tolist()


def _quarters(first: int, n: int) -> list[str]:
    return [f"{first + q // 4}Q{q % 4 + 1}" for q in range(n)]


def _chamber_path(rate_per_year: float, n_quarters: int = 21) -> pd.DataFrame:
    """HWK Halle's districts' persons falling at ``rate_per_year`` (%), 100 per district."""
    rows = []
    for k, quarter in enumerate(_quarters(2025, n_quarters)):
        level = 100.0 * (1 + rate_per_year / 100) ** (k / 4)
        rows += [
            {"quarter": quarter, "district_id": d, "employees": level, "apprentices": 0.0}
            for d in HALLE_DISTRICTS
        ]
    return pd.DataFrame(rows)


def test_the_first_year_rows_compare_the_first_year_with_2025s_observed_pace():
    chamber, official, five_years = employment_trend_check(_chamber_path(-2.0))
    assert chamber.data == pytest.approx(-2.5)  # 1,500 / 59,500 (craft_people.csv)
    assert official.data == pytest.approx(-1.87, abs=0.005)  # mean of Q1-Q3 2025
    assert five_years.data == pytest.approx(-0.45, abs=0.01)  # HWZ 2016-2022
    for check in (chamber, official, five_years):
        assert check.model == pytest.approx(-2.0)
        assert check.use == "validate"
    assert chamber.ok and official.ok and not five_years.ok


def test_the_first_year_reads_four_quarters_not_the_five_years():
    # flat for a year, then falling fast: the first-year rows see no change
    path = _chamber_path(0.0)
    late = path["quarter"] > "2026Q1"
    path.loc[late, "employees"] *= 0.8
    chamber, official, five_years = employment_trend_check(path)
    assert chamber.model == pytest.approx(0.0)
    assert not chamber.ok and not official.ok
    assert five_years.model == pytest.approx(100 * (0.8 ** (1 / 5) - 1))


def test_a_run_shorter_than_a_year_or_outside_the_chamber_has_no_rows():
    assert employment_trend_check(_chamber_path(-1.0, n_quarters=4)) == []
    elsewhere = _chamber_path(-1.0).assign(district_id="leipzig_city")
    assert employment_trend_check(elsewhere) == []


def _group_rows(change_by_group: dict[str, float]) -> pd.DataFrame:
    rows = []
    for group, change in change_by_group.items():
        for quarter, level in (("2023Q4", 200.0), ("2024Q4", 200.0 * (1 + change / 100))):
            rows.append(
                {
                    "quarter": quarter,
                    "district_id": "halle",
                    "trade_group": group,
                    "employees": level - 20,
                    "apprentices": 20.0,
                }
            )
            # a Saxon district's persons must not count for Sachsen-Anhalt
            rows.append(
                {
                    "quarter": quarter,
                    "district_id": "leipzig_city",
                    "trade_group": group,
                    "employees": 1000.0 if quarter == "2023Q4" else 10.0,
                    "apprentices": 0.0,
                }
            )
    return pd.DataFrame(rows)


def test_the_building_trades_and_the_others_are_checked_against_their_weighted_change():
    official = {
        "bauhaupt": -3.8,
        "ausbau": -2.1,
        "gewerblicher_bedarf": -2.6,
        "kfz": 0.2,
        "lebensmittel": -1.7,
        "gesundheit": -0.9,
        "privater_bedarf": -2.3,
    }
    # every group at 200 persons: the data are the plain means; the model follows the data,
    # except the food trades, which fall 10 % (the defect these rows found)
    model = dict(official, lebensmittel=-10.0)
    building, others = group_employment_checks(_group_rows(model), _validate_rows(None))
    assert "building trades" in building.check and "five other" in others.check
    assert building.data == pytest.approx((-3.8 - 2.1) / 2)
    assert building.model == pytest.approx((-3.8 - 2.1) / 2)
    assert building.ok and building.use == "validate"
    other_data = (-2.6 + 0.2 - 1.7 - 0.9 - 2.3) / 5
    assert others.data == pytest.approx(other_data, abs=1e-3)
    assert others.model == pytest.approx(other_data + (-10.0 + 1.7) / 5)
    assert not others.ok  # 1.66 points off, tolerance 1.5


def test_a_set_with_a_group_missing_from_the_run_has_no_row():
    (building,) = group_employment_checks(
        _group_rows({"bauhaupt": -3.8, "ausbau": -2.1}), _validate_rows(None)
    )
    assert "building trades" in building.check


def test_the_state_filter_and_the_missing_quarters():
    table = persons_by_group(_group_rows({"ausbau": -2.0}), "Sachsen-Anhalt", ["2023Q4", "2024Q4"])
    assert table.loc["ausbau"].tolist() == pytest.approx([200.0, 196.0])
    no_2024 = _group_rows({"ausbau": -2.0}).query("quarter == '2023Q4'")
    assert group_employment_checks(no_2024, _validate_rows(None)) == []
