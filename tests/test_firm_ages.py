"""Firm ages in the model: the base year's young firms and other closures that fall with the
firm's age (``FirmLifecycle``; the pure functions of ``sim.firm_ages`` are tested in
tests/test_owner_ages.py)."""

from __future__ import annotations

import numpy as np

from sim.firm_ages import young_firm_hazard, young_firm_share
from sim.model import RegionModel
from tests.conftest import small_config


def test_base_year_firms_have_the_young_share_with_founder_aged_owners():
    model = RegionModel(small_config())
    fp = model.lifecycle.params
    t = model.firms.table
    age = model.start_quarter - t.founded_quarter
    assert (age >= 1).all()  # all founded before the first quarter
    young = age < model.lifecycle.young_quarters
    share = young_firm_share(fp.entry_rate_per_year, fp.young_firm_survival, fp.young_firm_years)
    assert young.mean() == np.round(share * len(t)) / len(t)
    # young firms' owners founded them: a founder's age plus at most young_firm_years
    owners = t.owner_age
    assert fp.founder_age_mean < owners[young].mean() < fp.founder_age_mean + fp.young_firm_years
    assert owners[young].mean() < owners[~young].mean() - 10.0


def test_other_closures_fall_with_the_firms_age():
    """One quarter's other closures at a strong contrast (young firms: 20 % survive five years,
    established 1 %/yr): each group's closures lie within 4.5 binomial sd of its hazard."""
    model = RegionModel(
        small_config(
            "model.firm.young_firm_survival=0.2", "model.firm.other_exit_rate_per_year=0.01"
        )
    )
    fp = model.lifecycle.params
    t = model.firms.table
    q = model.start_quarter
    young = (q - t.founded_quarter) < model.lifecycle.young_quarters
    alive = t.alive.copy()
    events = model.lifecycle.succession_and_exits(
        q,
        np.zeros(len(t), dtype=bool),
        lambda row, odds: odds,
        model.entrant_pools.outside_successor_weights(),
    )
    closed = np.zeros(len(t), dtype=bool)
    closed[events["closures_other"]] = True
    other_reason = np.zeros(len(t), dtype=bool)  # closed first for lack of a successor or losses
    for reason in ("closures_no_successor", "closures_losses"):
        other_reason[events.get(reason, np.array([], dtype=int))] = True
    for group, hazard in (
        (young, young_firm_hazard(fp.young_firm_survival, fp.young_firm_years)),
        (~young, fp.other_exit_rate_per_year),
    ):
        at_risk = group & alive & ~other_reason
        p = -np.expm1(-hazard / 4)
        n = at_risk.sum()
        sd = np.sqrt(n * p * (1 - p))
        assert abs(closed[at_risk].sum() - n * p) <= 4.5 * sd + 1, (group.sum(), hazard)
