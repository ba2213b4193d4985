"""Transfer institutions: chambers' advisory services, transfer centres, universities, hubs.

Each is a Mesa agent at a real place. Every quarter it advises as many firms as its advisors
can handle, chosen by weighted sampling among firms within reach (and, for a chamber, in its
own districts): firms with low innovation (need), firms advised before (existing ties) and
nearer firms are likelier. Advice raises a firm's innovation level, which raises productivity
and attractiveness (see ``CraftFirms.capacity``).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.firms import CraftFirms
from sim.datasets import load_transfer_institutions
from sim.randomness import RandomStreams
from sim.region import Region, haversine_km


class TransferInstitution(mesa.Agent):
    """One advisory institution at a real place.

    Args:
        model: the Mesa model it registers with (``model.agents``); not read otherwise.
        firms: the firms it advises (advice is written through ``CraftFirms.advise``).
        minutes: the region's travel-time matrix; params: ``model.transfer``.
        serves_districts: district indices it may advise in (None = all).
        reach_minutes: how far it reaches (default ``params.reach_minutes``).
        serves_settlements: settlement types whose firms it may advise (None = all).
    """

    def __init__(
        self,
        model: mesa.Model,
        institution_id: str,
        kind: str,
        place: int,
        advisors: float,
        serves_districts: np.ndarray | None,
        *,
        firms: CraftFirms,
        minutes: np.ndarray,
        params,
        reach_minutes: float | None = None,
        serves_settlements: tuple[int, ...] | None = None,
    ) -> None:
        super().__init__(model)
        self.firms = firms
        self.minutes_from_here = minutes[place]
        self.params = params
        self.institution_id = institution_id
        self.kind = kind
        self.place = place
        self.advisors = advisors
        self.serves_districts = serves_districts  # None = all districts
        self.reach_minutes = params.reach_minutes if reach_minutes is None else reach_minutes
        self.serves_settlements = serves_settlements  # None = every settlement type
        self.advised_last_quarter = 0

    def add_advisors(self, extra: float) -> None:
        """A programme funds more advisors here (the institution owns its advisor count)."""
        self.advisors += extra

    def advise(self, quarter: int, rng: np.random.Generator, u: np.ndarray) -> np.ndarray:
        """Pick and advise firms; returns the advised rows. ``u``: one draw per firm row."""
        t, tp = self.firms.table, self.params
        minutes = self.minutes_from_here[t.place]
        eligible = t.alive & (minutes <= self.reach_minutes)
        if self.serves_districts is not None:
            eligible &= np.isin(t.district, self.serves_districts)
        if self.serves_settlements is not None:
            eligible &= np.isin(t.settlement, self.serves_settlements)
        n_advice = rng.poisson(self.advisors * tp.advice_per_advisor_per_quarter)
        rows = np.flatnonzero(eligible)
        if n_advice == 0 or len(rows) == 0:
            self.advised_last_quarter = 0
            return rows[:0]
        weight = (
            (1.0 - t.innovation[rows])
            * np.exp(-minutes[rows] / self.reach_minutes)
            * np.where(t.advised_quarter[rows] >= 0, tp.tie_weight, 1.0)
        )
        key = np.log(np.maximum(u[rows], 1e-300)) / np.maximum(weight, 1e-12)
        n = min(n_advice, len(rows))
        chosen = rows[np.argpartition(-key, n - 1)[:n]]
        self.firms.advise(chosen, tp.innovation_gain_per_advice, quarter)
        self.advised_last_quarter = n
        return chosen


def advise_all(institutions, streams: RandomStreams, quarter: int, n_rows: int) -> list[np.ndarray]:
    """Every institution advises this quarter; returns the rows each advised, in order."""
    advised = []
    for inst in institutions:
        # one stream per institution: extra advisors in one arm leave the others' draws
        # (and so the common random numbers) untouched
        rng = streams.for_quarter(f"advice_{inst.institution_id}", quarter)
        advised.append(inst.advise(quarter, rng, rng.random(n_rows)))
    return advised


def create_institutions(
    model: mesa.Model, region: Region, firms: CraftFirms, params
) -> list[TransferInstitution]:
    """Institutions of ``transfer_institutions.csv`` whose place lies in the modelled region.

    ``model`` is only the Mesa registry the agents join; ``params`` is ``model.transfer``.
    """
    data = load_transfer_institutions()
    districts = region.districts
    places = region.places
    out = []
    for _, row in data.iterrows():
        if row["serves"] == "all":
            serves = None
        else:
            serves = np.flatnonzero(districts["chamber"].to_numpy() == row["serves"])
            if len(serves) == 0:
                continue  # this chamber's districts are not modelled
        km = haversine_km(
            row["lat"], row["lon"], places["lat"].to_numpy(), places["lon"].to_numpy()
        )
        if km.min() > 15.0:  # the institution lies outside the modelled districts
            continue
        out.append(
            TransferInstitution(
                model,
                row["institution_id"],
                row["kind"],
                int(km.argmin()),
                float(row["advisors"]),
                serves,
                firms=firms,
                minutes=region.minutes,
                params=params,
            )
        )
    return out
