"""Construction cycle: the building trades' demand follows the real construction volume.

Craft demand in the model follows people, their incomes and the businesses; it has no interest
rates. The construction slump of 2022-2024 (mortgage rates from about 1 % to about 4 %, building
prices up by a third) cut the building trades' orders, and none of the model's mechanisms
carried it: the hindcast from the end of 2021 missed the crafts' employment path by 1.4 to 2.8
points a year. This process brings the cycle in as an exogenous path, as regional policy models
take their national drivers: the real (price-adjusted) volume of each building trade and
customer segment (``construction_volume.csv``, Germany: Bauhauptgewerbe turnover by Sparte, HDB
from Destatis [S]; Ausbaugewerbe turnover, Destatis [S/D]), as an index relative to the year
before the run starts.

* **What it scales**: the building trades' (Bauhaupt, Ausbau) base demand before the scenarios'
  own orders are added: households' part with residential construction, businesses' part with
  commercial, the public part with public construction [E: Wohnungsbau also holds landlords'
  new building, Wirtschaftsbau rail work that crafts rarely do]. The coal sites' and
  structural funds' orders are budgets of their own and stay as they are; the lever's local
  public orders (a share of the public part) and the energy-transition segment (a share of the
  Ausbau parts) move with the parts they are shares of.
* **When**: the index steps at the start of each year (annual data; the annual ratios stay
  exact). Years before the table's first change have the level of its base year (2021).
* **After the last year with data** the level holds: no further cycle is assumed. A scenario
  may close the share ``recovery_per_year`` of the gap to the level of 2021 each year instead
  [E]; 2021 was itself below 2020 (HDB: 2023 was Bauhaupt's third real fall in a row), so that
  is a modest target.
* **Double counting**: the national volume also moves with Germany's population (about +1.3 %
  in 2022, refugees from Ukraine, and +0.4 % in 2023 [M]), which the model's own demand counts
  through the region's people; it is left in [E] (the refugees were mostly housed in existing
  dwellings, so little of it was building demand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.datasets import DataError, read_csv
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import TRADE_GROUPS

VOLUME_FILE = "construction_volume.csv"
SEGMENTS = ("residential", "commercial", "public")
# the demand part each construction segment drives
PART_OF_SEGMENT = {"residential": "household", "commercial": "business", "public": "public"}
BUILDING_TRADES = ("bauhaupt", "ausbau")
COLUMNS = ["year", "trade_group", "segment", "real_change_pct", "source_id", "tag", "note"]


def load_volume() -> pd.DataFrame:
    """``construction_volume.csv``: the real change (%) per year, building trade and segment."""
    return check_values(read_csv(VOLUME_FILE, COLUMNS))


def check_values(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its changes as numbers, or a DataError naming an unknown segment or
    trade group, a repeated (year, trade group, segment) or a change that is not a number."""
    for column, allowed in (("segment", SEGMENTS), ("trade_group", BUILDING_TRADES)):
        unknown = sorted(set(table[column]) - set(allowed))
        if unknown:
            raise DataError(f"{VOLUME_FILE}: unknown {column} {unknown}; allowed {list(allowed)}")
    repeated = table[table.duplicated(["year", "trade_group", "segment"], keep=False)]
    if len(repeated):
        rows = repeated[["year", "trade_group", "segment"]].drop_duplicates().values.tolist()
        raise DataError(f"{VOLUME_FILE}: more than one row for {rows}; one row each")
    change = pd.to_numeric(table["real_change_pct"], errors="coerce")
    if not np.isfinite(change).all():
        bad = table.loc[~np.isfinite(change), "real_change_pct"].tolist()
        raise DataError(f"{VOLUME_FILE}: real_change_pct {bad} is not a number (percent)")
    return table.assign(real_change_pct=change)


def volume_levels(table: pd.DataFrame) -> pd.DataFrame:
    """Year x (trade group, segment): the real volume relative to the year before the table's
    first year (that base year is 1.0). Every column needs the same consecutive years."""
    wide = table.pivot_table(
        index="year", columns=["trade_group", "segment"], values="real_change_pct"
    )
    columns = pd.MultiIndex.from_product([BUILDING_TRADES, SEGMENTS])
    wide = wide.reindex(columns=columns).sort_index()
    years = wide.index.to_numpy(int)
    if wide.isna().any().any() or not np.array_equal(years, np.arange(years[0], years[-1] + 1)):
        raise DataError(
            f"{VOLUME_FILE}: every trade group {list(BUILDING_TRADES)} and segment "
            f"{list(SEGMENTS)} needs one change for each year {years[0]}-{years[-1]}"
        )
    levels = (1.0 + wide / 100.0).cumprod()
    base = pd.DataFrame(1.0, index=[years[0] - 1], columns=levels.columns)
    return pd.concat([base, levels])


def level_in(levels: pd.DataFrame, year: int, recovery_per_year: float) -> pd.Series:
    """The volumes' level in ``year``: the table's base level before it, the last level after
    it, closing ``recovery_per_year`` of the gap to the base level each year after the last."""
    first, last = int(levels.index[0]), int(levels.index[-1])
    if year <= first:
        return levels.loc[first]
    if year <= last:
        return levels.loc[year]
    kept = (1.0 - recovery_per_year) ** (year - last)
    return levels.loc[first] + (levels.loc[last] - levels.loc[first]) * kept


class ConstructionCycle(ScenarioProcess):
    """Args: cfg: ``scenario.construction_cycle``; start_quarter: the run's first quarter;
    levels: ``volume_levels`` of the shipped table unless given."""

    name = "construction_cycle"

    def __init__(self, cfg, start_quarter: int, levels: pd.DataFrame | None = None) -> None:
        self.cfg = cfg
        self.start_year = start_quarter // 4
        self.levels = volume_levels(load_volume()) if levels is None else levels
        self._base = level_in(self.levels, self.start_year - 1, cfg.recovery_per_year)

    def index(self, year: int) -> pd.Series:
        """Each (trade group, segment)'s volume in ``year`` relative to the year before the
        run starts (1.0 throughout when the process is off)."""
        if not self.cfg.enabled:
            return pd.Series(1.0, index=self._base.index)
        return level_in(self.levels, year, self.cfg.recovery_per_year) / self._base

    def demand_cycle(self, quarter: int) -> dict[str, np.ndarray]:
        """Part -> ``(G,)`` factor on that part's base demand by trade group this quarter."""
        index = self.index(quarter // 4)
        out = {}
        for segment, part in PART_OF_SEGMENT.items():
            factor = np.ones(len(TRADE_GROUPS))
            for group in BUILDING_TRADES:
                factor[TRADE_GROUPS.index(group)] = index[group, segment]
            out[part] = factor
        return out
