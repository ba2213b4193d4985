"""Persons by district and single year of age: the cohort-component projection of the region.

``Population`` owns the ``(D, A)`` table of persons (D districts, ages 0..100+) and, where the
data give the sexes, the women among them; it moves them one quarter at a time: deaths from
each sex's life table per state (improving year by year as the projections assume), births
from the women's age-specific fertility, ageing, and net migration. The migration total of
each district is *fitted* every quarter so that the district's population follows the
official projection's total (the chosen variant); its age pattern is not fitted: the cities
gain young adults (``migration_peak_age``) and lose families, the districts lose young adults
and gain settlers of the observed ages, so a district that must lose people loses its young
and ages. Fewer deaths (improving life tables) mean less fitted in-migration, so the old stay.
The official projections' age groups are therefore a validation of the model, not an input
(``python -m sim.calibrate --validate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.cohorts import N_AGES, age_groups, migrate, natural_change, natural_change_by_sex

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
    women: ``(D, A)`` the women among ``persons``, or None (one table for both sexes: then
        ``hazard`` and ``female_share`` act; with women they do not).
    life_tables: with ``women``: ``year -> (men's, women's)`` ``(D, A)`` annual hazards.
    year: the decimal year at the start of the first step (the life tables' clock; a step is
        a quarter).
    """

    def __init__(
        self,
        persons: np.ndarray,
        hazard: np.ndarray,
        fertility: np.ndarray,
        female_share: float,
        gain_profile: np.ndarray,
        loss_profile: np.ndarray,
        *,
        women: np.ndarray | None = None,
        life_tables: Callable[[int], tuple[np.ndarray, np.ndarray]] | None = None,
        year: float = 0.0,
    ) -> None:
        self.persons = persons.astype(float).copy()
        self.survival_q = np.exp(-hazard / 4.0)
        self.fertility_q = fertility / 4.0
        self.female_share = female_share
        self.gain_profile = gain_profile
        self.loss_profile = loss_profile
        if (women is None) != (life_tables is None):
            raise ValueError("women and life_tables come together")
        self.women = None if women is None else women.astype(float).copy()
        self.life_tables = life_tables
        self.year = float(year)
        self._survival_year: tuple[int, tuple[np.ndarray, np.ndarray]] | None = None
        self.last = QuarterDemography(*(np.zeros(len(persons)) for _ in range(3)))

    @property
    def total(self) -> np.ndarray:
        return self.persons.sum(axis=1)

    def step(self, target_total: np.ndarray) -> QuarterDemography:
        """One quarter: natural change, then the net migration that reaches ``target_total``."""
        if self.women is None:
            after, deaths, births = natural_change(
                self.persons, self.survival_q, self.fertility_q, self.female_share
            )
        else:
            men_q, women_q = self._survival()
            men, women, deaths, births = natural_change_by_sex(
                self.persons - self.women, self.women, men_q, women_q, self.fertility_q
            )
            after = men + women
        flows = migrate(
            after, target_total - after.sum(axis=1), self.gain_profile, self.loss_profile
        )
        if self.women is not None:
            # movers have the sex mix of the residents of their age (no data by sex)
            share = np.divide(women, after, out=np.full_like(after, 0.5), where=after > 0)
            self.women = women + flows * share
        self.persons = after + flows
        self.year += 0.25
        self.last = QuarterDemography(births, deaths, flows.sum(axis=1))
        return self.last

    def _survival(self) -> tuple[np.ndarray, np.ndarray]:
        """Quarterly survival of men and women in the current year's life tables (cached)."""
        year = int(np.floor(self.year + 1e-9))
        if self._survival_year is None or self._survival_year[0] != year:
            men, women = self.life_tables(year)
            self._survival_year = (year, (np.exp(-men / 4.0), np.exp(-women / 4.0)))
        return self._survival_year[1]

    def set_fertility(self, fertility: np.ndarray) -> None:
        """``(D, A)`` births per woman and year by age from now on (a projection's path)."""
        self.fertility_q = fertility / 4.0

    def rescale(self, totals: np.ndarray) -> None:
        """Scale each district's persons to ``totals``, keeping its age structure."""
        factor = (totals / np.maximum(self.total, 1e-300))[:, None]
        self.persons *= factor
        if self.women is not None:
            self.women *= factor

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


def observed_gain_profile(
    band_from: np.ndarray, band_to: np.ndarray, net_gain: np.ndarray
) -> np.ndarray:
    """``(A,)`` the age pattern of net gains from published net migration by age band: each
    band's gain spread evenly over its ages; bands with a net loss and ages not published
    get none."""
    width = band_to - band_from + 1
    return band_weights(band_from, band_to, np.maximum(net_gain, 0.0) / width)


def young_adult_profile(peak_age: float, spread: float) -> np.ndarray:
    """Movers who start education or a first job: a peak of young adults [E]."""
    return np.exp(-0.5 * ((AGES - peak_age) / spread) ** 2)


def family_profile(
    parent_age: float, spread: float, children_weight: float, children_decay_years: float
) -> np.ndarray:
    """Families who move: parents around ``parent_age`` and their children under 15, weighted
    ``children_weight`` at birth and falling by e every ``children_decay_years`` [E]."""
    parents = np.exp(-0.5 * ((AGES - parent_age) / spread) ** 2)
    children = np.where(AGES < 15, children_weight * np.exp(-AGES / children_decay_years), 0.0)
    return parents + children


def migration_profiles(
    is_city: np.ndarray, young: np.ndarray, families: np.ndarray, settlers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(D, A)`` gain and loss profiles: the age pattern of internal migration in the region.

    Cities (Leipzig, Halle) gain young adults (study, first jobs) and lose families to their
    surroundings (the Schwarmstadt and suburbanisation pattern [E]); the districts lose young
    adults and gain ``settlers``: the observed age pattern of net gains (Sachsen-Anhalt's 2019
    net migration of Germans was positive at 0-14 and 30-64, a third of it at 50-64,
    SRC_DUBISTHALLE_ST_MIGRATION2019 [S]), so the households that move in are not all young.
    """
    gain = np.where(is_city[:, None], young[None, :], settlers[None, :])
    loss = np.where(is_city[:, None], families[None, :], young[None, :])
    return gain, loss
