"""Cohort-component arithmetic: persons by district and single year of age, one quarter a step.

Pure array functions (no model, no config), shapes documented, tested on toy populations in
``tests/test_cohorts.py``. ``persons`` is always a ``(D, A)`` array: D districts, ages
``0 .. A-1`` in single years, the last age open-ended (``A - 1`` and older).

A quarter is: deaths (each age's quarterly survival), births (age-specific fertility of the
women of each age), ageing (a quarter of each single-year cohort moves up one year: ages are
spread evenly within a year) and net migration (a total per district spread over ages by an
age profile; out-migration in proportion to who lives there, so no age goes negative).
"""

from __future__ import annotations

import numpy as np

N_AGES = 101  # 0 .. 99 and 100+
# girls among live births: about 105 boys are born per 100 girls, the usual ratio [E]
FEMALE_SHARE_AT_BIRTH = 100.0 / 205.0


def split_bands(
    band_from: np.ndarray,
    band_to: np.ndarray,
    persons: np.ndarray,
    open_band_decline: float,
    n_ages: int = N_AGES,
) -> np.ndarray:
    """Persons in age bands -> single years: evenly within a band, the open band declining.

    ``band_from`` / ``band_to`` (inclusive) / ``persons``: ``(B,)`` for one district. The last,
    open band (``band_to >= n_ages - 1``) is spread with weights falling by
    ``open_band_decline`` (0.15) a year of age (the survivorship of the very old [E]).
    Returns ``(n_ages,)``; its sum equals the bands'.
    """
    out = np.zeros(n_ages)
    for lo, hi, n in zip(band_from, band_to, persons, strict=True):
        lo, hi = int(lo), min(int(hi), n_ages - 1)
        ages = np.arange(lo, hi + 1)
        open_band = hi >= n_ages - 1 and hi > lo
        w = (1.0 - open_band_decline) ** (ages - lo) if open_band else np.ones(len(ages))
        out[ages] += n * w / w.sum()
    return out


def gompertz_hazard(level: float, slope: float, ages: np.ndarray) -> np.ndarray:
    """Annual death hazard ``level * exp(slope * age)`` at the middle of each year of age."""
    return level * np.exp(slope * (ages + 0.5))


def life_expectancy(hazard: np.ndarray) -> float:
    """Life expectancy at birth of a life table with annual hazards ``hazard[age]``.

    The last age is open-ended: its remaining life is ``1 / hazard``.
    """
    return float(life_expectancies(hazard))


def life_expectancies(hazard: np.ndarray) -> np.ndarray:
    """``life_expectancy`` of every table in ``hazard`` ``(..., A)`` at once."""
    survive = np.exp(-hazard)
    ones = np.ones(hazard.shape[:-1] + (1,))
    alive = np.concatenate([ones, np.cumprod(survive, axis=-1)], axis=-1)  # exact ages 0 .. A
    person_years = (alive[..., :-1] + alive[..., 1:]) / 2.0
    person_years[..., -1] = alive[..., -2] / hazard[..., -1]
    return person_years.sum(axis=-1)


def fit_gompertz_level(e0: float, slope: float, n_ages: int = N_AGES) -> float:
    """The Gompertz level whose life table has life expectancy ``e0`` (bisection, log scale)."""
    return float(fit_gompertz_levels(np.asarray(e0), np.asarray(slope), n_ages))


def fit_gompertz_levels(e0: np.ndarray, slope: np.ndarray, n_ages: int = N_AGES) -> np.ndarray:
    """``fit_gompertz_level`` for arrays of ``e0`` and ``slope`` (broadcast), all at once."""
    e0, slope = np.broadcast_arrays(np.asarray(e0, float), np.asarray(slope, float))
    shape = np.exp(slope[..., None] * (np.arange(n_ages) + 0.5))
    lo, hi = np.full(e0.shape, 1e-7), np.full(e0.shape, 1e-1)
    for _ in range(80):
        mid = np.sqrt(lo * hi)
        longer = life_expectancies(mid[..., None] * shape) > e0
        lo, hi = np.where(longer, mid, lo), np.where(longer, hi, mid)
    return np.sqrt(lo * hi)


def fertility_schedule(tfr: float, mean_age: float, sd: float, n_ages: int = N_AGES) -> np.ndarray:
    """Age-specific fertility (births per woman and year): a normal curve on 15-49 summing to
    ``tfr``."""
    ages = np.arange(n_ages)
    shape = np.where((ages >= 15) & (ages <= 49), np.exp(-0.5 * ((ages - mean_age) / sd) ** 2), 0)
    return tfr * shape / shape.sum()


def natural_change(
    persons: np.ndarray, survival_q: np.ndarray, fertility_q: np.ndarray, female_share: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One quarter of deaths, births and ageing.

    Args:
        persons: ``(D, A)`` at the start of the quarter.
        survival_q: ``(D, A)`` or ``(A,)`` quarterly survival by age.
        fertility_q: ``(D, A)`` or ``(A,)`` births per woman in the quarter by age.
        female_share: share of women at fertile ages.

    Returns:
        (persons after the quarter, deaths per district ``(D,)``, births per district ``(D,)``).
    """
    survivors = persons * survival_q
    deaths = (persons - survivors).sum(axis=1)
    births = (persons * fertility_q).sum(axis=1) * female_share
    return age_a_quarter(survivors, births), deaths, births


def age_a_quarter(survivors: np.ndarray, births: np.ndarray) -> np.ndarray:
    """A quarter of each one-year cohort has its birthday (ages are spread evenly within a
    year); the open age stays; ``births`` ``(D,)`` enter at age 0."""
    moving = survivors / 4.0
    moving[:, -1] = 0.0
    out = survivors - moving
    out[:, 1:] += moving[:, :-1]
    out[:, 0] += births
    return out


def natural_change_by_sex(
    men: np.ndarray,
    women: np.ndarray,
    survival_men_q: np.ndarray,
    survival_women_q: np.ndarray,
    fertility_q: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One quarter of deaths, births and ageing with each sex's own life table.

    Old age is mostly female and women die later, so one table for both sexes would kill too
    many of the old. Births are the women's (``fertility_q`` per woman), ``FEMALE_SHARE_AT_BIRTH``
    of them girls. All arrays ``(D, A)`` (or ``(A,)`` for the rates).

    Returns:
        (men, women after the quarter, deaths per district ``(D,)``, births ``(D,)``).
    """
    men_s, women_s = men * survival_men_q, women * survival_women_q
    deaths = (men - men_s).sum(axis=1) + (women - women_s).sum(axis=1)
    births = (women_s * fertility_q).sum(axis=1)
    girls = births * FEMALE_SHARE_AT_BIRTH
    return age_a_quarter(men_s, births - girls), age_a_quarter(women_s, girls), deaths, births


def migrate(
    persons: np.ndarray,
    net: np.ndarray,
    gain_profile: np.ndarray,
    loss_profile: np.ndarray | None = None,
) -> np.ndarray:
    """Net migration of ``net[d]`` persons into each district, spread over ages.

    Gains are spread by ``gain_profile`` (``(A,)`` or ``(D, A)``, the age pattern of those who
    arrive); losses by ``loss_profile`` (default: the same) times the persons of each age
    (movers leave from those who live there), never more than half of an age group in one
    quarter. Returns the ``(D, A)`` flows (positive in). Their sum per district equals ``net``
    unless a loss exceeds what the cap allows.
    """
    loss_profile = gain_profile if loss_profile is None else loss_profile
    gain = np.broadcast_to(gain_profile, persons.shape)
    gain_w = gain / np.maximum(gain.sum(axis=1, keepdims=True), 1e-300)
    loss_base = np.broadcast_to(loss_profile, persons.shape) * persons
    loss_w = loss_base / np.maximum(loss_base.sum(axis=1, keepdims=True), 1e-300)
    flows = np.where(net[:, None] >= 0, net[:, None] * gain_w, net[:, None] * loss_w)
    return np.maximum(flows, -0.5 * persons)


def age_groups(persons: np.ndarray, groups: dict[str, tuple[int, int]]) -> dict[str, np.ndarray]:
    """Persons per district in each named group of ages ``(from, to)``, inclusive."""
    return {name: persons[:, lo : hi + 1].sum(axis=1) for name, (lo, hi) in groups.items()}
