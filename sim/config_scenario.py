"""The scenario group's schema: coal exit, demography, structural funds, energy transition,
construction cycle.

Part of the structured config (:mod:`sim.config` registers it); each scenario process reads its
own section as a plain dataclass. Domains of numeric fields: :mod:`sim.config_domains`, or a
field's own ``metadata={"domain": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class DemographyVariant(Enum):
    official_mid = "official_mid"
    official_low = "official_low"
    official_high = "official_high"


@dataclass
class CoalExitConfig:
    enabled: bool = True
    closure_shift_years: float = 0.0  # negative = earlier than the statutory / operator date
    # the multiplier: regional indirect + induced jobs per direct job (IAB 2019 0.6 .. Prognos
    # 2005 1.4; scenarios coal_multiplier_low / _high)
    indirect_jobs_per_direct_job: float = 1.0
    induced_share: float = 0.3  # induced (consumption) part of the multiplier jobs (Prognos 2005)
    commute_half_time_min: float = 25.0  # where coal workers live around their site
    income_replacement_rate: float = 0.6  # unemployment benefit as share of former income
    reemployment_rate_per_quarter: float = 0.08
    reemployment_income_ratio: float = 0.75  # lignite wages are well above the regional average
    orders_craft_share: float = 0.25  # craft firms' share of a site's regional orders [E]
    # the sites' craft orders by trade group: Kfz this share, the rest in equal parts Bauhaupt,
    # Ausbau and gewerblicher Bedarf (construction and plant maintenance dominate) [E]
    orders_kfz_share: float = 0.1
    # household heads within this many years of the retirement age take no new coal job [E]
    hire_min_years_to_retirement: float = 5.0


@dataclass
class DemographyConfig:
    enabled: bool = True
    variant: DemographyVariant = DemographyVariant.official_mid
    extra_decline_per_year: float = 0.0  # added to the official path (stress tests)
    # the age pattern of net migration (a young-adult peak; sources: docs/parameter_sources.csv)
    migration_peak_age: float = 24.0  # young adults: into the cities, out of the districts
    migration_peak_sd: float = 5.0
    # families: out of the cities (the districts gain settlers of observed ages)
    family_migration_parent_age: float = 35.0
    # children under 15 move with the families: weight relative to a parent at the peak age,
    # falling with the child's age (older children move less) [E]
    family_children_weight: float = 0.6
    family_children_decay_years: float = 8.0
    # the start's open age band (85+ or 90+) is spread over single years with weights falling
    # by this share a year of age (the survivorship of the very old) [E]
    oldest_band_decline: float = 0.15
    fertility_mean_age: float = 31.0  # mean age of mothers at birth
    fertility_sd: float = 5.5  # spread of the fertility schedule, years


@dataclass
class StructuralFundsConfig:
    enabled: bool = True
    craft_share_of_funds: float = 0.15  # share of funded investment spent on craft work [E]
    scale: float = 1.0
    payout_lag_years: float = 4.0  # commitment to payout; fits 5.5 % paid by end 2024 [D]
    payout_end_year: int = 2042  # payouts after this year lapse (2038 + the lag) [E]
    # funded projects' craft work in Bauhaupt (mainly construction); the rest is Ausbau [E]
    bauhaupt_share_of_craft_work: float = 0.6


@dataclass
class EnergyTransitionConfig:
    enabled: bool = True
    retrofit_growth_per_year: float = 0.03  # growth of energy-transition demand for Ausbau
    base_share_of_ausbau_demand: float = 0.10


@dataclass
class ConstructionCycleConfig:
    # the building trades' demand follows the real construction volume of 2022-2024
    # (construction_volume.csv); false: no construction cycle
    enabled: bool = True
    # after the last year with data: the share of the gap to the level of 2021 (the year
    # before the table) that closes each year; 0 holds the last level (no recovery) [E]
    recovery_per_year: float = 0.0


@dataclass
class ScenarioConfig:
    name: str = "baseline"
    description: str = ""
    coal_exit: CoalExitConfig = field(default_factory=CoalExitConfig)
    demography: DemographyConfig = field(default_factory=DemographyConfig)
    structural_funds: StructuralFundsConfig = field(default_factory=StructuralFundsConfig)
    energy_transition: EnergyTransitionConfig = field(default_factory=EnergyTransitionConfig)
    construction_cycle: ConstructionCycleConfig = field(default_factory=ConstructionCycleConfig)
