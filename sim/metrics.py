"""What is recorded each quarter: three tidy tables, built with bincounts (no per-agent loops).

* ``groups``:    quarter x district x settlement type x trade group. Firm quantities (firms,
  employees, turnover, value added, closures, ...) by the firm's location; demand quantities
  (demand, served and unmet demand) by the customer's location.
* ``districts``: quarter x district: population, households, income, craft spending, coal jobs.
* ``places``:    quarter x place: value added and unmet demand (for maps).
* ``place_groups``: year x place x trade group: unmet demand, nominal and at base-year prices
  (demand focal points per place and trade group). Summed over the year's quarters, not kept
  per quarter: per quarter it would add about 60 % to the places table of a full-region run
  for little use (the maps and focal points are yearly); ``quarters`` says how many quarters a
  year's row sums (fewer than 4 in a run's first or last, partial, year).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.agents.table import ColumnTable
from sim.cells import N_GROUPS, cell_of, cell_parts, n_cells
from sim.region import Region
from sim.vocabulary import EVENT_COLUMNS, SETTLEMENT_TYPES, TRADE_GROUPS, format_quarter

# per district, from the population and household summary (persons by age: ``Population``)
DEMOGRAPHY_COLUMNS = (
    "population_0_19",
    "population_20_64",
    "population_65_plus",
    "population_20_66",
    "population_67_plus",
    "mean_age",
    "births",
    "deaths",
    "net_migration",
    "retired_households",
    "mean_head_age",
    "households_dissolved",
    "households_formed",
    "labour_supply",
)
# the employees' (staff other than owners) ages, per district and per cell of ``groups``
# (``sim.workforce``)
WORKFORCE_AGE_COLUMNS = ("employees_mean_age", "employees_under_35", "employees_55plus")
# per district, from the quarter's labour market (``LabourMarket``, ``adjust_labour``)
LABOUR_COLUMNS = (
    "labour_pool",
    "pool_from_supply",
    "pool_from_coal",
    "pool_from_completers",
    "pool_from_closed_firms",
    "vacancies",
    "hires",
    "unfilled_vacancies",
    "retirements",
    "leavers",
    "layoffs",
    "completers_kept",
    "staff_of_closed_firms",
    "staff_of_startups",
    "staff_to_owner",
    *WORKFORCE_AGE_COLUMNS,
)


@dataclass
class QuarterFlows:
    """What happened in one quarter, handed from the model's step to the recorder."""

    revenue: np.ndarray  # per firm row
    value_added: np.ndarray
    wages: np.ndarray
    inputs: np.ndarray  # nominal
    inputs_base_prices: np.ndarray  # the same inputs at base-year prices
    volume: np.ndarray  # turnover at base-year craft prices, per firm row
    capacity: np.ndarray  # turnover each firm could have served this quarter, per firm row
    demand: np.ndarray  # origin place x group
    served: np.ndarray
    unmet: np.ndarray
    household_demand: np.ndarray  # origin place x group (part of ``demand``)
    business_demand: np.ndarray  # origin place x group (part of ``demand``, incl. coal sector)
    district_stats: dict[str, np.ndarray]  # households and persons this quarter, per district
    events: dict[str, np.ndarray] = field(default_factory=dict)  # name -> firm rows
    labour: dict[str, np.ndarray] = field(default_factory=dict)  # LABOUR_COLUMNS per district
    workforce: dict[str, np.ndarray] = field(default_factory=dict)  # WORKFORCE_AGE_COLUMNS per cell
    intervention_cost_eur: np.ndarray | None = None  # per district, EUR this quarter


class Recorder:
    """Args: region: the places and districts; firms: the firm table (read after the step)."""

    def __init__(self, region: Region, firms: ColumnTable) -> None:
        self.region = region
        self.firms = firms
        self.n_districts = len(region.districts)
        self.n_keys = n_cells(self.n_districts)
        self._quarters: list[int] = []
        self._groups: list[dict[str, np.ndarray]] = []
        self._districts: list[dict[str, np.ndarray]] = []
        self._places: list[dict[str, np.ndarray]] = []
        self._place_groups = PlaceGroupYears(region.n_places)
        # the key index -> (district, settlement, group) columns, built once
        d, s, g = cell_parts(self.n_districts)
        self._key_frame = pd.DataFrame(
            {
                "district_id": pd.Categorical(region.districts["district_id"].to_numpy()[d]),
                "settlement_type": pd.Categorical(
                    np.array(SETTLEMENT_TYPES)[s], categories=SETTLEMENT_TYPES
                ),
                "trade_group": pd.Categorical(np.array(TRADE_GROUPS)[g], categories=TRADE_GROUPS),
            }
        )
        self._place_key = cell_of(region.place_district, region.place_settlement, 0)

    def _firm_key(self) -> np.ndarray:
        t = self.firms
        return cell_of(t.district, t.settlement, t.group)

    def record(self, quarter: int, flows: QuarterFlows) -> None:
        """Aggregate one quarter into per-table column arrays (DataFrames are built on demand)."""
        t = self.firms
        key = self._firm_key()
        alive = t.alive

        def by_key(values, mask=None) -> np.ndarray:
            # flows were computed before this quarter's start-ups joined the table
            values = np.pad(values, (0, len(key) - len(values)))
            w = values if mask is None else np.where(mask, values, 0)
            return np.bincount(key, w.astype(float), minlength=self.n_keys)

        origin_key = (self._place_key[:, None] + np.arange(N_GROUPS)[None, :]).ravel()

        def by_origin(values: np.ndarray) -> np.ndarray:
            return np.bincount(origin_key, values.ravel(), minlength=self.n_keys)

        self._quarters.append(quarter)
        firms = by_key(np.ones(len(t)), alive)
        groups = {
            "firms": firms,
            "employees": by_key(t.staff, alive),
            "apprentices": by_key(t.apprentices, alive),
            "owners_60plus": by_key(np.ones(len(t)), alive & (t.owner_age >= 60)),
            **{
                name: flows.workforce.get(name, np.zeros(self.n_keys))
                for name in WORKFORCE_AGE_COLUMNS
            },
            "turnover_eur": by_key(flows.revenue),
            "value_added_eur": by_key(flows.value_added),
            "turnover_base_prices_eur": by_key(flows.volume),
            # real value added: output and inputs both at base-year prices (output deflated by
            # each firm's price, inputs by the input price index: double deflation)
            "value_added_base_prices_eur": by_key(flows.volume - flows.inputs_base_prices),
            "inputs_eur": by_key(flows.inputs),
            "capacity_eur": by_key(flows.capacity),
            "wages_eur": by_key(flows.wages),
            "owner_age_mean": np.divide(
                by_key(t.owner_age, alive), firms, out=np.zeros(self.n_keys), where=firms > 0
            ),
            "innovation_mean": np.divide(
                by_key(t.innovation, alive), firms, out=np.zeros(self.n_keys), where=firms > 0
            ),
            "demand_eur": by_origin(flows.demand),
            "served_demand_eur": by_origin(flows.served),
            "unmet_demand_eur": by_origin(flows.unmet),
        }
        for name in EVENT_COLUMNS:
            rows = flows.events.get(name, np.array([], dtype=int))
            groups[name] = np.bincount(key[rows], minlength=self.n_keys)
        self._groups.append(groups)

        hh_served_share = np.divide(
            flows.household_demand,
            flows.demand,
            out=np.zeros_like(flows.demand),
            where=flows.demand > 0,
        )
        household_spend_place = (flows.served * hh_served_share).sum(axis=1)
        other_spend_place = flows.served.sum(axis=1) - household_spend_place
        public_demand = flows.demand - flows.household_demand - flows.business_demand
        stats = flows.district_stats
        households = stats["households"]
        income_total = stats["income_month"] * 3.0
        cost = flows.intervention_cost_eur
        self._districts.append(
            {
                "population": stats["population"],
                "households": households,
                "working_age_population": stats["working_age_population"],
                **{name: stats[name] for name in DEMOGRAPHY_COLUMNS},
                **{
                    name: flows.labour.get(name, np.zeros(self.n_districts))
                    for name in LABOUR_COLUMNS
                },
                "household_income_eur": income_total,
                "household_income_per_household_eur_month": np.divide(
                    income_total / 3.0,
                    households,
                    out=np.zeros_like(households),
                    where=households > 0,
                ),
                "household_craft_spending_eur": self._place_to_district(household_spend_place),
                "household_craft_demand_eur": self._place_to_district(
                    flows.household_demand.sum(axis=1)
                ),
                "business_craft_demand_eur": self._place_to_district(
                    flows.business_demand.sum(axis=1)
                ),
                "public_craft_demand_eur": self._place_to_district(public_demand.sum(axis=1)),
                "other_craft_spending_eur": self._place_to_district(other_spend_place),
                "coal_direct_jobs": stats["coal_direct_jobs"],
                "coal_dependent_jobs": stats["coal_dependent_jobs"],
                "coal_jobless_households": stats["coal_jobless_households"],
                "intervention_cost_eur": np.zeros(self.n_districts) if cost is None else cost,
            }
        )

        n_places = self.region.n_places
        self._places.append(
            {
                "value_added_eur": np.bincount(
                    t.place[: len(flows.value_added)], flows.value_added, minlength=n_places
                ),
                "firms": np.bincount(t.place, alive.astype(float), minlength=n_places),
                "demand_eur": flows.demand.sum(axis=1),
                "unmet_demand_eur": flows.unmet.sum(axis=1),
            }
        )
        # unmet demand at base-year prices: deflated by the price level of the customer's
        # district and trade group this quarter (flows precede this quarter's start-ups)
        n = len(flows.revenue)
        level = unit_values(
            t.district[:n], t.group[:n], flows.revenue, flows.volume, self.n_districts
        )
        self._place_groups.add(quarter, flows.unmet, level[self.region.place_district])

    def _place_to_district(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.region.place_district, values, minlength=self.n_districts)

    def _frame(self, records: list[dict], keys: pd.DataFrame) -> pd.DataFrame | None:
        """quarter, year, the key columns, then the recorded columns, one block per quarter."""
        if not records:
            return None
        n = len(keys)
        quarters = np.asarray(self._quarters[: len(records)])
        frame = pd.concat([keys] * len(records), ignore_index=True)
        frame.insert(0, "quarter", np.repeat([format_quarter(q) for q in quarters], n))
        frame.insert(1, "year", np.repeat(quarters // 4, n))
        columns = {c: np.concatenate([r[c] for r in records]) for c in records[0]}
        return pd.concat([frame, pd.DataFrame(columns)], axis=1)

    def tables(self) -> dict[str, pd.DataFrame | None]:
        region = self.region
        district_keys = pd.DataFrame({"district_id": region.districts["district_id"].to_numpy()})
        place_keys = region.places[["place_id"]].reset_index(drop=True)
        places = self._frame(self._places, place_keys)
        if places is not None:
            places = places.merge(
                region.places[["place_id", "district_id", "settlement_type"]],
                on="place_id",
                how="left",
            )
        return {
            "groups": self._frame(self._groups, self._key_frame),
            "districts": self._frame(self._districts, district_keys),
            "places": places,
            "place_groups": self._place_groups.frame(region.places),
        }


def unit_values(
    district: np.ndarray,
    group: np.ndarray,
    revenue: np.ndarray,
    volume: np.ndarray,
    n_districts: int,
) -> np.ndarray:
    """``(D, G)`` craft price level this quarter relative to the base year, per district and
    trade group: turnover / turnover at base-year prices of the firms there (the deflator of
    ``turnover_base_prices_eur``). Where no firm sold, the group's regional level; 1.0 where the
    group sold nothing at all."""
    key = district.astype(np.intp) * N_GROUPS + group
    size = n_districts * N_GROUPS
    nominal = np.bincount(key, revenue, minlength=size).reshape(n_districts, N_GROUPS)
    real = np.bincount(key, volume, minlength=size).reshape(n_districts, N_GROUPS)
    region = np.divide(
        nominal.sum(axis=0), real.sum(axis=0), out=np.ones(N_GROUPS), where=real.sum(axis=0) > 0
    )
    return np.divide(nominal, real, out=np.broadcast_to(region, real.shape).copy(), where=real > 0)


class PlaceGroupYears:
    """Unmet demand per place x trade group summed over each year (the ``place_groups`` table).

    Args:
        n_places: Places of the region (rows of the quarter's ``unmet`` array).
    """

    def __init__(self, n_places: int) -> None:
        self.shape = (n_places, N_GROUPS)
        self._done: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # year, quarters, ...
        self._year: int | None = None
        self._quarters = 0
        self._nominal = np.zeros(self.shape)
        self._real = np.zeros(self.shape)

    def add(self, quarter: int, unmet: np.ndarray, price: np.ndarray) -> None:
        """Add one quarter's unmet demand (origin place x group, EUR) deflated by ``price``
        (place x group, the price level the place's customers faced)."""
        year = quarter // 4
        if self._year is not None and year != self._year:
            self._done.append((self._year, self._quarters, self._nominal, self._real))
            self._nominal, self._real, self._quarters = (
                np.zeros(self.shape),
                np.zeros(self.shape),
                0,
            )
        self._year = year
        self._quarters += 1
        self._nominal = self._nominal + unmet
        self._real = self._real + unmet / price

    def frame(self, places: pd.DataFrame) -> pd.DataFrame | None:
        """year, place_id, district_id, trade_group, quarters, unmet demand nominal and real;
        the year under way included (a run may be read before it ends)."""
        years = list(self._done)
        if self._year is not None:
            years.append((self._year, self._quarters, self._nominal, self._real))
        if not years:
            return None
        n_places, n_groups = self.shape
        rows = n_places * n_groups
        # categoricals from codes: cheap enough for the live view's snapshots
        place = np.tile(np.repeat(np.arange(n_places), n_groups), len(years))
        district = pd.Categorical(places["district_id"])  # sorted, as in the other tables
        return pd.DataFrame(
            {
                "year": np.repeat([y for y, *_ in years], rows),
                "place_id": pd.Categorical.from_codes(place, places["place_id"]),
                "district_id": pd.Categorical.from_codes(
                    district.codes[place], district.categories
                ),
                "trade_group": pd.Categorical.from_codes(
                    np.tile(np.arange(n_groups), n_places * len(years)), TRADE_GROUPS
                ),
                "quarters": np.repeat([q for _, q, *_ in years], rows),
                "unmet_demand_eur": np.concatenate([n.ravel() for *_, n, _ in years]),
                "unmet_demand_base_prices_eur": np.concatenate([r.ravel() for *_, r in years]),
            }
        )
