"""The one public API for the shipped data in ``sim/data/`` (sources in ``SOURCES.md``).

Every reader checks that the file exists and has the columns the model uses, and raises
:class:`DataError` naming the file and the problem otherwise. Nothing is downloaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from sim.vocabulary import TRADE_GROUPS

DATA_DIR = Path(__file__).parent / "data"


class DataError(RuntimeError):
    """A shipped data file is missing or malformed: the message names the file and the problem."""


def read_csv(name: str, required: list[str]) -> pd.DataFrame:
    path = DATA_DIR / name
    if not path.is_file():
        raise DataError(
            f"data file missing: {path} (it ships with the package; reinstall or "
            f"restore it from git)"
        )
    df = pd.read_csv(path)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"data file {path} lacks columns {missing}; has {list(df.columns)}")
    return df


@cache
def load_districts() -> pd.DataFrame:
    return read_csv(
        "districts.csv",
        [
            "district_id",
            "name",
            "chamber",
            "seat",
            "seat_lat",
            "seat_lon",
            "area_km2",
            "population",
            "households",
            "craft_firms",
            "persons_per_firm",
            "apprentices",
            "share_owners_60plus",
            "coal_direct_jobs",
        ],
    )


@cache
def load_places() -> pd.DataFrame:
    return read_csv(
        "places.csv",
        ["place_id", "name", "district_id", "lat", "lon", "population_geonames", "population"],
    )


@cache
def load_trade_groups() -> pd.DataFrame:
    df = read_csv(
        "trade_groups.csv",
        [
            "trade_group",
            "share_of_firms",
            "persons_per_firm_rel",
            "turnover_per_person_eur",
            "customer_private",
            "customer_business",
            "customer_public",
            "half_time_min",
            "input_share",
        ],
    )
    if tuple(df["trade_group"]) != TRADE_GROUPS:
        raise DataError(f"trade_groups.csv must list {TRADE_GROUPS} in this order")
    return df.set_index("trade_group")


@cache
def load_coal_sites() -> pd.DataFrame:
    return read_csv(
        "coal_sites.csv",
        ["site_id", "name", "district_id", "lat", "lon", "model_closure_date", "model_direct_jobs"],
    )


@cache
def load_demography() -> pd.DataFrame:
    return read_csv("demography.csv", ["district_id", "variant", "year", "population_index"])


def load_state_crafts() -> pd.DataFrame:
    """Craft statistics per federal state (Handwerkszaehlung, ``year``): turnover per person as
    published (``turnover_per_person_hwz_eur``, prices of ``year``) and carried to the base
    year's price level (``turnover_per_person_eur``, the model's input; SOURCES_structure.md)."""
    df = read_csv(
        "crafts_by_state.csv",
        [
            "state",
            "year",
            "turnover_per_person_hwz_eur",
            "price_factor_to_base",
            "price_base_year",
            "turnover_per_person_eur",
        ],
    )
    carried = df["turnover_per_person_hwz_eur"] * df["price_factor_to_base"]
    if ((df["turnover_per_person_eur"] - carried).abs() > 1.0).any():
        raise DataError(
            "crafts_by_state.csv: turnover_per_person_eur must equal turnover_per_person_hwz_eur "
            "x price_factor_to_base (to the euro)"
        )
    return df


@cache
def load_structure_evidence() -> pd.DataFrame:
    """Handwerkszaehlung and register figures, Anlage shares of the trade groups and the price
    factor behind the levels (``SOURCES_structure.md``): checks and derivations read it."""
    return read_csv(
        "structure_evidence.csv",
        ["topic", "area", "year", "measure", "value", "unit", "source_id", "tag"],
    )


def load_structural_funds() -> pd.DataFrame:
    return read_csv("structural_funds.csv", ["district_id", "funds_eur_million_2020_2038"])


def load_transfer_institutions() -> pd.DataFrame:
    return read_csv(
        "transfer_institutions.csv", ["institution_id", "kind", "lat", "lon", "serves", "advisors"]
    )


# ---- demography, households and labour (SOURCES_population.md, SOURCES_labour_owners.md) -----
def load_population_by_age() -> pd.DataFrame:
    return read_csv(
        "population_by_age.csv", ["district_id", "year", "sex", "age_from", "age_to", "persons"]
    )


def load_projection_targets() -> pd.DataFrame:
    return read_csv(
        "projection_targets.csv",
        ["district_id", "edition", "variant", "year", "age_group", "persons", "source_id", "tag"],
    )


def load_vital_rates() -> pd.DataFrame:
    return read_csv("vital_rates.csv", ["state", "measure", "sex", "period", "variant", "value"])


def load_headship_rates() -> pd.DataFrame:
    return read_csv("headship_rates.csv", ["area", "year", "age_from", "age_to", "headship_rate"])


def load_participation_rates() -> pd.DataFrame:
    return read_csv(
        "participation_rates.csv", ["area", "year", "measure", "sex", "age_from", "age_to", "rate"]
    )


def load_craft_people() -> pd.DataFrame:
    return read_csv("craft_people.csv", ["topic", "area", "year", "measure", "value", "unit"])


@cache
def load_owner_age_anchors() -> pd.DataFrame:
    return read_csv("owner_age_anchors.csv", ["chamber", "measure", "value", "source_id", "tag"])
