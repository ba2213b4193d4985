"""sim.structure_checks: every check has the documented form, and a wrong model table fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.demography_checks import Check, frame
from sim.structure_checks import (
    anlage_shares,
    density_checks,
    entry_exit_checks,
    firm_size_checks,
    hwz_comparable,
    hwz_ratio,
    register_trend_checks,
    structure_checks,
)
from sim.vocabulary import CLOSURE_EVENTS, STARTUPS, SUCCESSION_EVENTS, TRADE_GROUPS

DISTRICTS = ("halle", "saalekreis", "leipzig_city")
POPULATION = {"halle": 242_000.0, "saalekreis": 184_000.0, "leipzig_city": 616_000.0}


def _documented(checks: list[Check]) -> None:
    assert checks
    for c in checks:
        assert c.use in ("fit", "validate")
        assert c.tolerance > 0 and c.why_tolerance and c.source and c.check
        assert np.isfinite(c.data) and np.isfinite(c.model)
    f = frame(checks)
    assert set(f["verdict"]) <= {"PASS", "FAIL"}


def _tables(
    persons_per_1000: float = 46.0,
    firms_per_1000: float = 7.4,
    entry: float = 0.047,
    exit_: float = 0.06,
    trend: dict[str, float] | None = None,
    quarters: int = 20,
) -> dict[str, pd.DataFrame]:
    """A recorder-like ``groups`` and ``districts`` table: every district with the given
    densities, entry and exit rates a year, firms shrinking at ``trend`` (per year)."""
    trend = trend or {}
    rows, drows = [], []
    share = 1 / len(TRADE_GROUPS)
    for qi in range(quarters):
        q = f"{2025 + qi // 4}Q{qi % 4 + 1}"
        for d in DISTRICTS:
            pop = POPULATION[d]
            factor = (1 + trend.get(d, 0.0)) ** (qi / 4)
            firms = firms_per_1000 * pop / 1000 * share * factor
            drows.append(
                {"quarter": q, "year": 2025 + qi // 4, "district_id": d, "population": pop}
            )
            for g in TRADE_GROUPS:
                row = {
                    "quarter": q,
                    "year": 2025 + qi // 4,
                    "district_id": d,
                    "trade_group": g,
                    "firms": firms,
                    "employees": 0.95 * persons_per_1000 * pop / 1000 * share,
                    "apprentices": 0.05 * persons_per_1000 * pop / 1000 * share,
                    STARTUPS: entry / 4 * firms,
                }
                row |= {c: 0.0 for c in (*CLOSURE_EVENTS, *SUCCESSION_EVENTS)}
                row[CLOSURE_EVENTS[2]] = exit_ / 4 * firms
                rows.append(row)
    return {"groups": pd.DataFrame(rows), "districts": pd.DataFrame(drows)}


def _snapshot(persons: np.ndarray) -> pd.DataFrame:
    n = len(persons)
    return pd.DataFrame(
        {
            "district_id": ["halle"] * n,
            "state": ["Sachsen-Anhalt"] * n,
            "group": ["ausbau"] * n,
            "persons": persons,
        }
    )


def test_hwz_comparable_keeps_the_largest_share_of_each_state():
    firms = _snapshot(np.arange(1, 1001))
    kept = hwz_comparable(firms)
    assert len(kept) == round(hwz_ratio("Sachsen-Anhalt") * 1000)
    assert kept["persons"].min() == 1000 - len(kept) + 1


def test_firm_size_checks_have_the_documented_form_and_fail_for_equal_small_firms():
    # a heavy-tailed population passes some rows; a population of equal 3-person firms has no
    # firm of 20+ and all firms under 5: the 20+ and under-5 rows fail
    rng = np.random.default_rng(1)
    heavy = 1 + np.floor(np.exp(0.9 + 1.5 * rng.standard_normal(20_000)))
    checks = firm_size_checks(_snapshot(heavy))
    _documented(checks)
    assert {c.use for c in checks} == {"fit", "validate"}
    flat = firm_size_checks(_snapshot(np.full(20_000, 3)))
    verdicts = {c.check.split(" (")[0]: c.ok for c in flat}
    assert not verdicts["share of persons in firms of 20+ persons"]
    assert not verdicts["share of firms with fewer than 5 persons"]


def test_density_checks_pass_at_the_hwz_level_and_fail_at_the_chamber_concept():
    good = density_checks(**_named(_tables(persons_per_1000=46.0, firms_per_1000=4.32 / 0.654)))
    _documented(good)
    halle_persons = [c for c in good if c.district_id == "halle" and "persons" in c.check]
    assert halle_persons[0].use == "fit" and halle_persons[0].ok
    assert [c for c in good if "active craft firms" in c.check][0].ok
    # the chamber's employee concept (the model before issue 13: ~34 per 1,000 in Halle)
    low = density_checks(**_named(_tables(persons_per_1000=34.0)))
    assert not [c for c in low if c.district_id == "halle" and "persons" in c.check][0].ok


def test_entry_exit_checks_form_and_a_model_without_entries_fails():
    checks = entry_exit_checks(_tables(entry=0.047, exit_=0.062)["groups"])
    _documented(checks)
    a_entry = [c for c in checks if c.check.startswith("entries") and "Anlage A " in c.check][0]
    assert a_entry.use == "fit" and a_entry.ok
    leipzig = [c for c in checks if c.district_id == "hwk_leipzig"]
    assert len(leipzig) == 2
    none = entry_exit_checks(_tables(entry=0.0)["groups"])
    assert not [c for c in none if c.check.startswith("entries") and "Anlage A " in c.check][0].ok


def test_anlage_shares_are_shares_and_reproduce_the_chamber_mix():
    a = anlage_shares()
    assert list(a.index) == list(TRADE_GROUPS)
    assert np.allclose(a.sum(axis=1), 1.0)
    from sim.datasets import load_trade_groups

    mix = a.mul(load_trade_groups()["share_of_firms"], axis=0).sum()
    # HWK Leipzig 31.03.2024: 0.649 A, 0.253 B1, 0.098 B2 [V]
    assert mix["share_A"] == pytest.approx(0.649, abs=0.02)
    assert mix["share_B1"] == pytest.approx(0.253, abs=0.03)


def test_register_trend_checks_fit_and_split():
    tables = _tables(trend={"halle": -0.010, "saalekreis": -0.010, "leipzig_city": -0.001})
    checks = register_trend_checks(tables["groups"])
    _documented(checks)
    assert [c.use for c in checks] == ["fit", "validate"] and all(c.ok for c in checks)
    flat = register_trend_checks(_tables(trend={})["groups"])
    assert not flat[1].ok  # no gap between the chambers: the split row fails


def test_structure_checks_accepts_tables_and_leaves_out_sizes_without_a_snapshot():
    checks = structure_checks(_tables())
    assert not any("persons in firms of 20+" in c.check for c in checks)
    assert any("entries" in c.check for c in checks)


def _named(tables: dict) -> dict:
    return {"groups": tables["groups"], "districts": tables["districts"]}
