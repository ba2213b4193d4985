"""The model's shared vocabulary: trade groups, settlement types, firm events, quarters.

Every module that names one of these imports it from here, so a spelling exists once. This
module imports nothing from the project (the bottom layer, see ``pyproject.toml``'s
import-linter contracts).

Quarters are integers: 2025Q1 -> 2025 * 4 + 0. One model step is one quarter.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# the 7 trade groups of the Handwerkszaehlung, in the order of ``sim/data/trade_groups.csv``
TRADE_GROUPS = (
    "bauhaupt",
    "ausbau",
    "gewerblicher_bedarf",
    "kfz",
    "lebensmittel",
    "gesundheit",
    "privater_bedarf",
)
AUSBAU = TRADE_GROUPS.index("ausbau")

# settlement type of a place; the codes are the values of ``place_settlement`` / ``settlement``
SETTLEMENT_TYPES = ("city", "town", "rural")
CITY, TOWN, RURAL = range(len(SETTLEMENT_TYPES))

# what can happen to a firm at its owner's retirement or otherwise (per-quarter event counters)
SUCCESSION_ROUTES = ("family", "employee", "external")
CLOSURE_REASONS = ("no_successor", "losses", "other")
SUCCESSION_EVENTS = tuple(f"successions_{r}" for r in SUCCESSION_ROUTES)
# the route whose successor was one of the staff (the firm loses a person at the handover)
SUCCESSION_FROM_STAFF = SUCCESSION_EVENTS[SUCCESSION_ROUTES.index("employee")]
# the route whose successor came from outside the firm and family (the district's buyers)
SUCCESSION_EXTERNAL = SUCCESSION_EVENTS[SUCCESSION_ROUTES.index("external")]
CLOSURE_EVENTS = tuple(f"closures_{r}" for r in CLOSURE_REASONS)
STARTUPS = "startups"
EVENT_COLUMNS = (*CLOSURE_EVENTS, *SUCCESSION_EVENTS, STARTUPS)

# ---- quarters ------------------------------------------------------------------------------------
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
TRAINING_YEAR_START_QUARTER = 2  # Q3 (0-based): the training year starts on 1 August


def parse_quarter(text: str) -> int:
    """'2025Q3' -> absolute quarter index (year * 4 + quarter - 1)."""
    m = _QUARTER.match(str(text).strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(f"not a quarter like '2025Q1': {text!r}")
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def format_quarter(index: int) -> str:
    return f"{index // 4}Q{index % 4 + 1}"


def year_of(index: int) -> float:
    """Decimal year at the start of the quarter (2025Q3 -> 2025.5)."""
    return index / 4.0


def quarter_to_year(labels) -> np.ndarray:
    """Quarter labels -> a numeric time axis: '2025Q1' -> 2025.0, '2025Q3' -> 2025.5."""
    s = pd.Series(list(labels), dtype=str)
    return (s.str[:4].astype(int) + (s.str[-1].astype(int) - 1) / 4.0).to_numpy()
