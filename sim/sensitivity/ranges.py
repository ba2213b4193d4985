"""The uncertain inputs: one row per estimated [E] or fitted [F] parameter and per lever effect
size and unit cost, with the range the sensitivity design samples and the reason for it
(``docs/parameter_ranges.csv``; the ODD parameter table shows the same range)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RANGES_PATH = ROOT / "docs" / "parameter_ranges.csv"
COLUMNS = ["key", "low", "high", "distribution", "reason"]
DISTRIBUTIONS = ("uniform", "uniform_integer")


class RangeError(ValueError):
    """docs/parameter_ranges.csv cannot be read as a table of ranges."""


@dataclass(frozen=True)
class Range:
    key: str
    low: float
    high: float
    distribution: str
    reason: str

    @property
    def integer(self) -> bool:
        return self.distribution == "uniform_integer"

    @property
    def lever(self) -> str | None:
        """The lever a parameter belongs to (``intervention.<lever>.<key>``), else None."""
        parts = self.key.split(".")
        return parts[1] if parts[0] == "intervention" and len(parts) > 2 else None

    def bounds(self) -> list[float]:
        """Bounds of the continuous variable SALib samples. An integer parameter gets each whole
        number of [low, high] with equal width (the value is rounded, :meth:`value`)."""
        if self.integer:
            return [self.low - 0.5, self.high + 0.5 - 1e-9]
        return [self.low, self.high]

    def value(self, x: float) -> float | int:
        """The config value of a sampled ``x``: rounded and kept inside [low, high]."""
        if self.integer:
            return int(min(max(round(x), self.low), self.high))
        return float(min(max(x, self.low), self.high))

    def describe(self) -> str:
        """``0.2 to 1`` as the ODD table shows it."""
        return f"{_fmt(self.low)} to {_fmt(self.high)}"


def _fmt(x: float) -> str:
    if float(x).is_integer() and abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:g}"


def read_ranges(path: Path = RANGES_PATH) -> dict[str, Range]:
    """``{key: Range}`` in the file's order; RangeError for a malformed row."""
    with Path(path).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise RangeError(f"{Path(path).name}: header must be {','.join(COLUMNS)}")
        ranges: dict[str, Range] = {}
        for line, row in enumerate(reader, start=2):
            try:
                item = Range(
                    row["key"].strip(),
                    float(row["low"]),
                    float(row["high"]),
                    row["distribution"].strip(),
                    row["reason"].strip(),
                )
            except (TypeError, ValueError) as exc:
                raise RangeError(f"{Path(path).name} line {line}: {exc}") from None
            if item.key in ranges:
                raise RangeError(f"{Path(path).name} line {line}: duplicate row for {item.key}")
            if item.distribution not in DISTRIBUTIONS or not item.low < item.high:
                raise RangeError(
                    f"{Path(path).name} line {line}: {item.key} needs low < high and a "
                    f"distribution of {', '.join(DISTRIBUTIONS)}"
                )
            if not item.reason:
                raise RangeError(f"{Path(path).name} line {line}: {item.key} has no reason")
            ranges[item.key] = item
    return ranges


def uncertain_inputs(
    ranges: dict[str, Range], levers: tuple[str, ...] = (), keys: tuple[str, ...] = ()
) -> list[Range]:
    """The inputs a design varies: every range, a lever's own parameters only when that lever
    is in ``levers`` (they do nothing while it is off); ``keys`` limits them to those keys."""
    chosen = [r for r in ranges.values() if r.lever is None or r.lever in levers]
    if keys:
        unknown = sorted(set(keys) - {r.key for r in chosen})
        if unknown:
            raise RangeError(f"no range (or lever off) for {', '.join(unknown)}")
        chosen = [r for r in chosen if r.key in keys]
    return chosen


def problem(inputs: list[Range]) -> dict:
    """SALib's problem definition of ``inputs``."""
    return {
        "num_vars": len(inputs),
        "names": [r.key for r in inputs],
        "bounds": [r.bounds() for r in inputs],
    }
