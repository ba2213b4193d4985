"""Persons by district and single year of age: the cohort-component projection of the region.

``Population`` owns the ``(D, A)`` table of persons (D districts, ages 0..100+) and moves it
one quarter at a time: deaths from a life table per state, births from age-specific fertility,
ageing, and net migration. The migration total of each district is *fitted* every quarter so
that the district's population follows the official projection's total (the chosen variant);
its age pattern is not fitted: movers are young adults (``migration_peak_age``), so a district
that must lose people loses its young and ages, and one that gains (Leipzig) gains them. The
official projections' age groups are therefore a validation of the model, not an input
(``python -m sim.calibrate --validate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.cohorts import N_AGES, age_groups, migrate, natural_change

# the age groups the outputs report (inclusive ages); Sachsen's bands and Sachsen-Anhalt's
AGE_GROUPS = {
    "0_19": (0, 19),
    "20_64": (20, 64),
    "65_plus": (65, N_AGES - 1),
    "20_66": (20, 66),
    "67_plus": (67, N_AGES - 1),
}
AGES = np.arange(N_AGES)


@dataclass
class QuarterDemography:
    """One quarter's components of change per district (persons)."""

    births: np.ndarray
    deaths: np.ndarray
    net_migration: np.ndarray


class Population:
    """Args:
    persons: ``(D, A)`` persons at the start.
    hazard: ``(D, A)`` annual death hazards (the district's state life table).
    fertility: ``(D, A)`` births per woman and year by age (the state's schedule).
    female_share: share of women at fertile ages.
    gain_profile: ``(D, A)`` the age pattern of a district's net gains (who arrives).
    loss_profile: ``(D, A)`` the age pattern of its net losses (who leaves, per person).
    """

    def __init__(
        self,
        persons: np.ndarray,
        hazard: np.ndarray,
        fertility: np.ndarray,
        female_share: float,
        gain_profile: np.ndarray,
        loss_profile: np.ndarray,
    ) -> None:
        self.persons = persons.astype(float).copy()
        self.survival_q = np.exp(-hazard / 4.0)
        self.fertility_q = fertility / 4.0
        self.female_share = female_share
        self.gain_profile = gain_profile
        self.loss_profile = loss_profile
        self.last = QuarterDemography(*(np.zeros(len(persons)) for _ in range(3)))

    @property
    def total(self) -> np.ndarray:
        return self.persons.sum(axis=1)

    def step(self, target_total: np.ndarray) -> QuarterDemography:
        """One quarter: natural change, then the net migration that reaches ``target_total``."""
        after, deaths, births = natural_change(
            self.persons, self.survival_q, self.fertility_q, self.female_share
        )
        flows = migrate(
            after, target_total - after.sum(axis=1), self.gain_profile, self.loss_profile
        )
        self.persons = after + flows
        self.last = QuarterDemography(births, deaths, flows.sum(axis=1))
        return self.last

    def set_fertility(self, fertility: np.ndarray) -> None:
        """``(D, A)`` births per woman and year by age from now on (a projection's path)."""
        self.fertility_q = fertility / 4.0

    def rescale(self, totals: np.ndarray) -> None:
        """Scale each district's persons to ``totals``, keeping its age structure."""
        self.persons *= (totals / np.maximum(self.total, 1e-300))[:, None]

    def groups(self) -> dict[str, np.ndarray]:
        """Persons per district in the reported age groups (``AGE_GROUPS``)."""
        return age_groups(self.persons, AGE_GROUPS)

    def mean_age(self) -> np.ndarray:
        return self.persons @ (AGES + 0.5) / np.maximum(self.total, 1e-300)


def band_weights(
    band_from: np.ndarray, band_to: np.ndarray, values: np.ndarray, default: float = 0.0
) -> np.ndarray:
    """A per-age ``(A,)`` array from values given per age band (inclusive); other ages get
    ``default``."""
    out = np.full(N_AGES, default, dtype=float)
    for lo, hi, v in zip(band_from, band_to, values, strict=True):
        out[int(lo) : min(int(hi), N_AGES - 1) + 1] = v
    return out


def young_adult_profile(peak_age: float, spread: float) -> np.ndarray:
    """Movers who start education or a first job: a peak of young adults [E]."""
    return np.exp(-0.5 * ((AGES - peak_age) / spread) ** 2)


def family_profile(parent_age: float, spread: float) -> np.ndarray:
    """Families who move: parents around ``parent_age`` and their children under 15 [E]."""
    parents = np.exp(-0.5 * ((AGES - parent_age) / spread) ** 2)
    children = np.where(AGES < 15, 0.6 * np.exp(-AGES / 8.0), 0.0)
    return parents + children


def migration_profiles(
    is_city: np.ndarray, young: np.ndarray, families: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(D, A)`` gain and loss profiles: the age pattern of internal migration in the region.

    Cities (Leipzig, Halle) gain young adults (study, first jobs) and lose families to their
    surroundings; the districts around them gain families and lose young adults (the
    Schwarmstadt and suburbanisation pattern [E]; Sachsen-Anhalt's 2019 net migration of Germans
    was positive at ages 0-14 and 30-64, SRC_DUBISTHALLE_ST_MIGRATION2019 [S]).
    """
    gain = np.where(is_city[:, None], young[None, :], families[None, :])
    loss = np.where(is_city[:, None], families[None, :], young[None, :])
    return gain, loss
