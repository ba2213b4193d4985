"""Quarters as integers: 2025Q1 -> 2025*4 + 0. One model step is one quarter."""

from __future__ import annotations

import re

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


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
