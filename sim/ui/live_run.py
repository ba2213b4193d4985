"""One live model for the UI: built from the controls' settings, stepped under a lock.

The UI never reads the model while it steps: every drawing works from a :class:`Snapshot`, an
immutable copy of the recorded tables and the per-place values of the last simulated quarter,
taken under the same lock the stepping holds. A failed build (bad settings) is not an
exception for the UI but a :attr:`LiveRun.error` message it shows.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError, load_config
from sim.datasets import DataError
from sim.ui.options import LiveSettings
from sim.vocabulary import format_quarter

# colour metrics of the live map: key -> legend label
MAP_METRICS = {
    "value_added": "Value added (€ per quarter)",
    "value_added_per_capita": "Value added per inhabitant (€ per quarter)",
    "unmet_demand": "Unmet demand (€ per quarter)",
    "unmet_share": "Unmet demand (% of demand)",
    "firms": "Craft firms",
    "closures": "Closures since start",
}

# the headline table: key -> (label, unit); keys double as stable test ids in the page
HEADLINE = {
    "firms": ("Craft firms", ""),
    "employees": ("Employees", ""),
    "apprentices": ("Apprentices", ""),
    "value_added": ("Value added at base-year prices", "M€ / quarter"),
    "value_added_nominal": ("Value added, nominal (craft prices)", "M€ / quarter"),
    "rural_value_added_share": ("Rural share of value added (base-year prices)", "%"),
    "unmet_demand": ("Unmet demand", "M€ / quarter"),
    "closures": ("Closures", "this quarter"),
    "successions": ("Successions", "this quarter"),
    "startups": ("Start-ups", "this quarter"),
    "population": ("Population", ""),
}
CLOSURE_COLUMNS = ("closures_no_successor", "closures_losses", "closures_other")
SUCCESSION_COLUMNS = ("successions_family", "successions_employee", "successions_external")
log = logging.getLogger("sim.ui")
BUILD_ERRORS = (ConfigError, HydraException, OmegaConfBaseException, DataError, ValueError)


def error_message(exc: BaseException) -> str:
    """A short user-facing message: Hydra's text without its search path and schema entries."""
    text = str(exc)
    cause = exc.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    text = text.split("Config search path:")[0]
    lines = [ln for ln in text.splitlines() if not ln.strip().endswith("_schema")]
    return "\n".join(lines).strip() or type(exc).__name__


@dataclass(frozen=True)
class Snapshot:
    """What the page draws, copied from the model after a step."""

    label: str  # last simulated quarter, or 'start'
    done: int  # quarters simulated
    total: int  # quarters of the run
    running: bool
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # empty before the first step
    place_values: dict[str, np.ndarray] = field(default_factory=dict)  # MAP_METRICS -> per place
    # MAP_METRICS -> per district (indexed by district_id): sums, or ratios of the sums
    district_values: dict[str, pd.Series] = field(default_factory=dict)
    headline: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # now, first

    @property
    def started(self) -> bool:
        return self.done > 0


class LiveRun:
    """A model built from :class:`LiveSettings`, or the message why it could not be built."""

    def __init__(self, settings: LiveSettings) -> None:
        self.settings = settings
        self.model = None
        self.error: str | None = None
        self.failed = False  # the model raised during a step
        self.overrides: list[str] = []
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        try:
            from sim.model import RegionModel

            self.overrides = settings.overrides()
            self.model = RegionModel(load_config(self.overrides))
        except BUILD_ERRORS as exc:
            self.error = error_message(exc)

    @property
    def ok(self) -> bool:
        return self.model is not None

    @property
    def running(self) -> bool:
        return self.ok and not self.failed and bool(self.model.running)

    def step(self, n: int = 1) -> int:
        """Simulate up to ``n`` quarters (fewer at the end of the run); returns how many ran.

        A model error stops the run with a message (and the traceback in the server log), so
        the page keeps what was simulated so far instead of showing a traceback.
        """
        ran = 0
        with self._lock:
            try:
                while ran < n and self.running:
                    self.model.step()
                    ran += 1
            except Exception as exc:
                log.exception("live run failed")
                self.failed = True
                quarter = format_quarter(self.model.quarter)
                self.error = f"the model failed in {quarter}: {type(exc).__name__}: {exc}"
            if ran or self.failed:
                self._snapshot = None
        return ran

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._take_snapshot()
            return self._snapshot

    # ---- snapshot ---------------------------------------------------------------------------
    def _take_snapshot(self) -> Snapshot:
        m = self.model
        if m is None:
            return Snapshot(label="–", done=0, total=0, running=False)
        done = m.quarter - m.start_quarter
        base = {"label": m.current_label, "done": done, "total": m.n_quarters}
        if done == 0:
            return Snapshot(**base, running=bool(m.running))
        tables = {k: v.copy() for k, v in m.recorder.tables().items() if v is not None}
        values, demand = self._place_values(tables["places"])
        return Snapshot(
            **base,
            running=bool(m.running),
            tables=tables,
            place_values=values,
            district_values=district_values(m.region.places, values, demand),
            headline=headline(tables),
        )

    def _place_values(self, places: pd.DataFrame) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The map metrics per place (in the region's place order), and the demand per place."""
        m = self.model
        region = m.region
        last = places[places["quarter"] == places["quarter"].iloc[-1]]
        last = last.set_index("place_id").reindex(region.places["place_id"])
        population = region.places["population"].to_numpy(float)
        value_added = last["value_added_eur"].to_numpy(float)
        demand = last["demand_eur"].to_numpy(float)
        unmet = last["unmet_demand_eur"].to_numpy(float)
        t = m.firms.table
        closed = t.closed_quarter >= m.start_quarter
        closures = np.bincount(t.place[closed], minlength=region.n_places).astype(float)
        values = {
            "value_added": value_added,
            "value_added_per_capita": np.divide(
                value_added, population, out=np.zeros_like(value_added), where=population > 0
            ),
            "unmet_demand": unmet,
            "unmet_share": 100.0
            * np.divide(unmet, demand, out=np.zeros_like(unmet), where=demand > 0),
            "firms": last["firms"].to_numpy(float),
            "closures": closures,
        }
        return values, demand


def district_values(
    places: pd.DataFrame, values: dict[str, np.ndarray], demand: np.ndarray
) -> dict[str, pd.Series]:
    """The map metrics per district: amounts summed over its places; the two ratios are
    ratios of the district's sums (not means of the places' ratios, which would weight a
    village like a city)."""
    frame = pd.DataFrame(
        {
            "district_id": places["district_id"].to_numpy(),
            "population": places["population"].to_numpy(float),
            "demand": np.nan_to_num(demand),
            **{k: np.nan_to_num(v) for k, v in values.items()},
        }
    )
    sums = frame.groupby("district_id", sort=False).sum(numeric_only=True)
    out = {k: sums[k] for k in ("value_added", "unmet_demand", "firms", "closures")}
    out["value_added_per_capita"] = sums["value_added"] / sums["population"].where(
        sums["population"] > 0
    )
    out["unmet_share"] = 100.0 * sums["unmet_demand"] / sums["demand"].where(sums["demand"] > 0)
    return {k: out[k] for k in MAP_METRICS}


def headline(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[float, float | None]]:
    """Headline figures of the last quarter and of the first quarter of the run.

    Flows (closures, successions, start-ups) have no meaningful 'first' to compare with in a
    one-quarter table, so their second value is None.
    """
    groups, districts = tables["groups"], tables["districts"]
    quarters = groups["quarter"].unique()
    out: dict[str, tuple[float, float | None]] = {}
    by_quarter = {q: groups[groups["quarter"] == q] for q in (quarters[0], quarters[-1])}
    pop = districts.groupby("quarter", sort=False)["population"].sum()

    def figures(g: pd.DataFrame, q: str) -> dict[str, float]:
        real = g["value_added_base_prices_eur"]
        va = float(real.sum())
        rural = float(real[g["settlement_type"] == "rural"].sum())
        return {
            "firms": float(g["firms"].sum()),
            "employees": float(g["employees"].sum()),
            "apprentices": float(g["apprentices"].sum()),
            "value_added": va / 1e6,
            "value_added_nominal": float(g["value_added_eur"].sum()) / 1e6,
            "rural_value_added_share": 100.0 * rural / va if va > 0 else 0.0,
            "unmet_demand": float(g["unmet_demand_eur"].sum()) / 1e6,
            "closures": float(g[list(CLOSURE_COLUMNS)].to_numpy().sum()),
            "successions": float(g[list(SUCCESSION_COLUMNS)].to_numpy().sum()),
            "startups": float(g["startups"].sum()),
            "population": float(pop[q]),
        }

    first = figures(by_quarter[quarters[0]], quarters[0])
    now = figures(by_quarter[quarters[-1]], quarters[-1])
    for key in HEADLINE:
        flow = key in ("closures", "successions", "startups")
        out[key] = (now[key], None if flow else first[key])
    return out


def format_value(key: str, value: float | None) -> str:
    if value is None:
        return ""
    if key in ("value_added", "value_added_nominal", "unmet_demand"):
        return f"{value:,.1f}"
    if key == "rural_value_added_share":
        return f"{value:.1f}"
    return f"{value:,.0f}"
