"""Owners' ages: the base-year age distribution per chamber and the exit (retirement) ages.

Pure functions of data and parameters, used by ``sim.agents.firm_lifecycle`` and re-fitted in
the tests from the shipped data.

* **Base-year owner ages** follow a skew-normal distribution per chamber, fitted to the
  chamber's shares of owners aged 60+ and 65+ and the mean owner age
  (``sim/data/owner_age_anchors.csv``). A skew-normal with its long tail to the young ages
  holds the 1990s founders' bulge that the chambers' rising 60+ shares come from (a normal
  with the same 60+ share puts too few owners in their late fifties). A chamber's shares from
  before the base year are carried to it by the owner flows (``carry_shares``); the carried
  values are the csv's base-year rows [D].
* **Entrants' ages:** successors are normal around their mean age at a craft handover, the
  spread derived from the share aged 30-39 (``sd_from_share_between``); founders around an
  estimated mean that the KfW-Gruendungsmonitor's all-sector founders bracket (34.4 in 2024,
  37-38 in the early 2000s [S]).
* **Exit ages** are normal, truncated below at ``exit_floor`` (earlier exits are the other
  closures): the spread from the middle half of transferors' ages (60-67, Nachfolgemonitor),
  the mean fitted to the region's own chamber figures, HWK Halle's owners 60+ at the end of
  2022 still in office as owners 65+ in 2025 (see ``exit_age_fit``).

Firm ages (the liability of newness) are in ``sim.firm_ages``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import brentq, least_squares
from scipy.stats import norm, skewnorm

if TYPE_CHECKING:
    from sim.config_model import FirmParams

SURVIVAL_YEARS = 2.4  # end 2022 -> May 2025, the two HWK Halle owner-age figures
# the measures a chamber's base-year owner ages are fitted to (owner_age_anchors.csv)
BASE_MEASURES = ("share_60plus", "share_65plus", "mean_age")


@dataclass(frozen=True)
class OwnerAgeBounds:
    """The ages owners keep to [E]: the base-year stock lies in ``youngest``..``oldest``
    (``model.firm.owner_age_min/max``; each chamber's skew-normal is fitted to the ages above
    the youngest), and no owner retires before ``exit_floor`` (``model.firm.exit_age_floor``;
    earlier exits are the other closures)."""

    youngest: float
    oldest: float
    exit_floor: float

    @classmethod
    def from_params(cls, fp: FirmParams) -> OwnerAgeBounds:
        return cls(fp.owner_age_min, fp.owner_age_max, fp.exit_age_floor)


def base_age_fit(anchors: pd.DataFrame, youngest: float) -> tuple[float, float, float]:
    """Skew-normal (shape, loc, scale) whose shares 60+ and 65+ and mean above the ``youngest``
    owner age match one chamber's ``owner_age_anchors.csv`` rows (measures ``share_60plus``,
    ``share_65plus``, ``mean_age``)."""
    value = anchors.set_index("measure")["value"].astype(float)
    need = set(BASE_MEASURES)
    if not need <= set(value.index):
        raise ValueError(f"owner age anchors need {sorted(need)}, have {sorted(value.index)}")
    return _skewnorm_for(value["share_60plus"], value["share_65plus"], value["mean_age"], youngest)


@cache
def _skewnorm_for(
    share_60: float, share_65: float, mean_age: float, youngest: float
) -> tuple[float, float, float]:
    mean_grid = np.arange(youngest, 130.0, 0.01)  # the ages above the youngest, years

    def gaps(p: np.ndarray) -> list[float]:
        dist = skewnorm(p[0], p[1], abs(p[2]))
        adult = dist.sf(youngest)  # owners are adults: the distribution above the youngest
        # the conditional mean above the youngest on a fine grid (scipy's ``expect`` integrates
        # adaptively and made the fit take seconds per chamber)
        density = dist.pdf(mean_grid)
        mean = float((mean_grid * density).sum() / density.sum())
        return [
            dist.sf(60.0) / adult - share_60,
            dist.sf(65.0) / adult - share_65,
            (mean - mean_age) / 20.0,  # years scaled to share-like size
        ]

    # a few starts: the shape can be skewed either way (young or old tail)
    starts = ([-3.0, 62.0, 15.0], [1.0, 45.0, 12.0], [3.0, 38.0, 15.0])
    fit = min((least_squares(gaps, x0) for x0 in starts), key=lambda f: np.abs(f.fun).max())
    if np.abs(fit.fun).max() > 1e-4:
        raise ValueError(
            f"owner age anchors cannot be met by a skew-normal: 60+ {share_60}, 65+ {share_65}, "
            f"mean {mean_age} (owners from age {youngest})"
        )
    return float(fit.x[0]), float(fit.x[1]), float(abs(fit.x[2]))


def base_ages(
    params: tuple[float, float, float], u: np.ndarray, bounds: OwnerAgeBounds
) -> np.ndarray:
    """Owner ages for the uniforms ``u`` (inverse CDF of the distribution above the
    ``bounds``' youngest age), capped at their oldest."""
    low = skewnorm.cdf(bounds.youngest, *params)
    return np.minimum(skewnorm.ppf(low + u * (1.0 - low), *params), bounds.oldest)


def base_age_density(
    params: tuple[float, float, float], age: np.ndarray, youngest: float
) -> np.ndarray:
    """Density of the base-year owner ages (``base_ages``' distribution above ``youngest``) at
    ``age``: comparable between chambers."""
    return skewnorm.pdf(age, *params) / skewnorm.sf(youngest, *params)


def exit_age_above(
    age: np.ndarray, u: np.ndarray, mean: float, sd: float, floor: float
) -> np.ndarray:
    """An owner's exit (retirement) age given that the owner, now ``age``, has not exited:
    the normal exit-age distribution truncated below at ``age`` and at the exit-age ``floor``,
    drawn by inverse CDF from the uniforms ``u``."""
    low = norm.cdf((np.maximum(age, floor) - mean) / sd)
    p = np.clip(low + u * (1.0 - low), 0.0, 1.0 - 1e-12)
    return mean + sd * norm.ppf(p)


def still_in_office(
    age: np.ndarray, years: float, mean: float, sd: float, other_exit_rate: float, floor: float
) -> np.ndarray:
    """Chance that an owner aged ``age`` is still in office ``years`` later: not retired
    (exit ages as above, none before ``floor``) and not closed for other reasons (constant
    yearly rate)."""
    now = np.maximum(age, floor)
    retired_not = norm.sf((np.maximum(age + years, floor) - mean) / sd) / norm.sf((now - mean) / sd)
    return retired_not * np.exp(-other_exit_rate * years)


def exit_age_sd_from_middle_half(age_from: float, age_to: float) -> float:
    """The sd of a normal whose middle half spans ``age_from``..``age_to`` (half of the
    transferors aged 60-67, Nachfolgemonitor [V]): the interquartile range / 1.349."""
    return (age_to - age_from) / (2.0 * norm.ppf(0.75))


def sd_from_share_between(mean: float, low: float, high: float, share: float) -> float:
    """The sd of a normal with ``mean`` that puts ``share`` of its mass in ``[low, high)``:
    the successors' age spread from the share aged 30-39 (Nachfolgemonitor 2025, "almost half"
    [S]) around their mean age (38.3, Nachfolgemonitor 2022 Handwerk [V]). For a mean inside
    the band the share falls as the spread widens, so the root is unique."""

    def gap(sd: float) -> float:
        return norm.cdf(high, mean, sd) - norm.cdf(low, mean, sd) - share

    return float(brentq(gap, 0.5, 40.0))


def exit_age_fit(
    stock: tuple[float, float, float],
    survival_60_to_65: float,
    sd: float,
    other_exit_rate: float,
    floor: float,
) -> float:
    """The mean of the exit age, normal truncated at ``floor`` (sd given), at which owners 60+
    now are still in office as owners 65+ ``SURVIVAL_YEARS`` later in the observed proportion
    (HWK Halle, end 2022 -> May 2025), for a 60+ stock spread as the skew-normal ``stock`` (the
    chamber's base-year distribution above the youngest owner age).

    The mean age at handover (63.6, Nachfolgemonitor, a sample of larger firms) is not used:
    the region's chamber figures say its owners stay longer.
    """
    grid = np.arange(min(floor, 60.0), 100.0, 0.02)  # integration grid, years
    ages = grid[grid >= 60.0]
    density = skewnorm.pdf(ages, *stock)

    def gap(mean: float) -> float:
        later = still_in_office(ages, SURVIVAL_YEARS, mean, sd, other_exit_rate, floor)
        survival = (density * later)[ages >= 65.0 - SURVIVAL_YEARS].sum() / density.sum()
        return survival - survival_60_to_65

    return float(brentq(gap, 55.0, 95.0))


def truncated_mean(mean: float, sd: float, floor: float) -> float:
    """Mean exit age of the normal truncated at ``floor`` (inverse Mills ratio)."""
    z = (floor - mean) / sd
    return float(mean + sd * np.exp(norm.logpdf(z) - norm.logsf(z)))


@dataclass(frozen=True)
class OwnerFlows:
    """The owner flows of ``hindcast_owner_ages`` from the firm parameters: exit ages (mean,
    sd), the other closures' yearly rate, entrants' ages (successors' and founders' means and
    sds averaged), the owners' age bounds."""

    exit_mean: float
    exit_sd: float
    other_exit_rate: float
    entrant_age_mean: float
    entrant_age_sd: float
    bounds: OwnerAgeBounds

    @classmethod
    def from_params(cls, fp: FirmParams) -> OwnerFlows:
        return cls(
            fp.retirement_age_mean,
            fp.retirement_age_sd,
            fp.other_exit_rate_per_year,
            (fp.successor_age_mean + fp.founder_age_mean) / 2.0,
            (fp.successor_age_sd + fp.founder_age_sd) / 2.0,
            OwnerAgeBounds.from_params(fp),
        )


def hindcast_owner_ages(
    start: tuple[float, float, float],
    years: int,
    flows: OwnerFlows,
    owners_change_per_year: float,
) -> dict[str, np.ndarray]:
    """Owners' ages over ``years`` years from a skew-normal ``start`` stock, by the model's own
    owner flows: exits at the fitted exit ages, other closures at a constant rate, entrants
    (successors and founders) at normal ages replacing the exits net of the observed change in
    the number of owners. One-year steps on single years of age; returns ``share_60plus``,
    ``share_65plus`` and ``mean_age`` (owners in ``[a, a+1)`` counted at ``a + 0.5``), years + 1
    values each, the first being the start."""
    ages = np.arange(flows.bounds.youngest, 100.0)
    stock = np.diff(skewnorm.cdf(np.append(ages, 100.0), *start))  # owners per year of age
    stock /= stock.sum()
    entrants = np.diff(
        norm.cdf(np.append(ages, 100.0), flows.entrant_age_mean, flows.entrant_age_sd)
    )
    entrants /= entrants.sum()
    in_office_next = still_in_office(
        ages, 1.0, flows.exit_mean, flows.exit_sd, flows.other_exit_rate, flows.bounds.exit_floor
    )
    shares, shares_65, means = (
        [stock[ages >= 60].sum()],
        [stock[ages >= 65].sum()],
        [stock @ (ages + 0.5)],
    )
    for _ in range(years):
        total = stock.sum()
        stayed = np.roll(stock * in_office_next, 1)
        stayed[0] = 0.0
        stock = stayed + entrants * max(total * (1 + owners_change_per_year) - stayed.sum(), 0.0)
        shares.append(stock[ages >= 60].sum() / stock.sum())
        shares_65.append(stock[ages >= 65].sum() / stock.sum())
        means.append(stock @ (ages + 0.5) / stock.sum())
    return {
        "share_60plus": np.asarray(shares),
        "share_65plus": np.asarray(shares_65),
        "mean_age": np.asarray(means),
    }


CARRY_MEASURES = (
    "share_60plus_observed",
    "share_65plus_observed",
    "mean_age_reference",
    "mean_age_pace_per_year",
    "owners_change_per_year",
)


def _require(by_measure: pd.DataFrame, chamber: str, measures: tuple[str, ...]) -> None:
    """Each of ``measures`` once in a chamber's anchor rows, or a message naming what is wrong."""
    counts = by_measure.index.value_counts()
    missing = [m for m in measures if m not in counts]
    twice = [m for m in measures if counts.get(m, 0) > 1]
    if missing or twice:
        raise ValueError(
            f"owner_age_anchors.csv, chamber {chamber}: needs each of {list(measures)} once; "
            f"missing {missing}, repeated {twice}"
        )


def anchors_nearest(anchors: pd.DataFrame, year: int) -> pd.DataFrame:
    """``owner_age_anchors.csv`` with each chamber's shares 60+ and 65+ and mean age of the
    year nearest ``year`` (the model's first year): the base-year rows (2025, some carried
    [D]) or, where they are nearer, the older figures they were carried from (``*_observed``,
    with their tags and sources) and the mean age of that year, the start of the carry
    (``_observed_start``, [D]). A run that starts in 2025 uses the base-year rows; the hindcast
    (first year 2022, the state of the end of 2021) starts HWK Leipzig from its figures of 2021
    and HWK Ostthueringen from its estimates of 2023 (a year late; nearer than 2025). Only the
    measures ``base_age_fit`` reads are returned."""
    out = []
    for chamber, rows in anchors.groupby("chamber", sort=False):
        by_measure = rows.set_index("measure")
        _require(by_measure, chamber, BASE_MEASURES)
        base = by_measure.loc[list(BASE_MEASURES)].reset_index()
        if "share_60plus_observed" in by_measure.index:
            _require(by_measure, chamber, CARRY_MEASURES)
            observed_year = int(by_measure.loc["share_60plus_observed", "year"])
            base_year = int(by_measure.loc["share_60plus", "year"])
            if abs(observed_year - year) < abs(base_year - year):
                observed = by_measure.loc[[f"{m}_observed" for m in BASE_MEASURES[:2]]]
                reference = by_measure.loc["mean_age_reference"]
                base["value"] = _observed_start(rows)
                base["year"] = observed_year
                base["tag"] = [*observed["tag"], "D"]
                base["source_id"] = [*observed["source_id"], reference["source_id"]]
        out.append(base.assign(chamber=chamber))
    return pd.concat(out, ignore_index=True)


def _observed_start(anchors: pd.DataFrame) -> list[float]:
    """One chamber's older shares 60+ and 65+ and the mean age of their year: the
    ``mean_age_reference`` (the Saxon study's 50 in 2019 [S]) moved at
    ``mean_age_pace_per_year`` to the year of the 60+ share."""
    rows = anchors.set_index("measure")
    value = rows["value"].astype(float)
    years = int(rows.loc["share_60plus_observed", "year"]) - int(
        rows.loc["mean_age_reference", "year"]
    )
    return [
        value["share_60plus_observed"],
        value["share_65plus_observed"],
        value["mean_age_reference"] + value["mean_age_pace_per_year"] * years,
    ]


def carry_shares(anchors: pd.DataFrame, base_year: int, flows: OwnerFlows) -> dict[str, float]:
    """A chamber's shares of owners 60+ and 65+ at ``base_year`` from older figures
    (``owner_age_anchors.csv`` measures ``share_60plus_observed``, ``share_65plus_observed``)
    carried by the owner flows (``hindcast_owner_ages``): the stock at the 60+ figure's year is
    fitted to the two shares (the 65+ share taken as of that year) and to the Saxon mean age of
    that year (``_observed_start``), then run to the base year with the chamber's
    ``owners_change_per_year``. Only the shares are carried: the base year's ``mean_age`` stays
    the Saxon trend's 2025 value, as for every chamber (the flows carry HWK Leipzig's mean of
    2021, 50.8, to 51.1 by 2025, not to the trend's 52; the carried shares move by under 0.2
    points over that range of start means). The results are the chamber's
    base-year ``share_60plus`` and ``share_65plus`` rows [D] (``tests/test_owner_ages.py``
    re-derives them with the shipped parameters), so that every chamber starts from its owners'
    shares of the base year and a run's parameters do not move its start."""
    rows = anchors.set_index("measure")
    years = base_year - int(rows.loc["share_60plus_observed", "year"])
    start = _skewnorm_for(*_observed_start(anchors), flows.bounds.youngest)
    change = float(rows.loc["owners_change_per_year", "value"])
    path = hindcast_owner_ages(start, years, flows, change)
    return {measure: float(path[measure][-1]) for measure in ("share_60plus", "share_65plus")}
