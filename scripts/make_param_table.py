"""Write the parameter table of docs/ODD.md from the config schema and its sources.

    python scripts/make_param_table.py           # rewrite the table in docs/ODD.md
    python scripts/make_param_table.py --check   # exit 1 if the table or the sources are stale

Every leaf key of the structured config (``sim.config.Config``: region, scenario, intervention,
model and the top-level run settings) is one row: key, default value, unit (where the name
makes it evident), tag, range and source. The range is the one the sensitivity design samples
(``docs/parameter_ranges.csv``, read by ``sim.sensitivity.ranges``; every estimated [E] or
fitted [F] parameter and every lever's effect size and unit cost has one); empty for other
keys. Defaults are those of the default composition (``sim.config.load_config([])``, i.e.
``conf/config.yaml`` with its default groups), which differ from the bare schema only where a
group file sets a value (e.g. the scenario's description). Tags and sources come from
``docs/parameter_sources.csv`` (columns key, source, tag). The table sits between the markers
``<!-- PARAMETER TABLE START -->`` and ``<!-- PARAMETER TABLE END -->`` in docs/ODD.md; nothing
else in the file is touched.

``--check`` reports (and exits 1) when the table in ODD.md differs from what this script would
write, when a config key has no row in the CSV, when the CSV has a row for a key that no longer
exists, or when a row has an empty source or an unknown tag. The output is deterministic: rows
follow the order of the schema's fields.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

ODD_PATH = ROOT / "docs" / "ODD.md"
SOURCES_PATH = ROOT / "docs" / "parameter_sources.csv"
START = "<!-- PARAMETER TABLE START -->"
END = "<!-- PARAMETER TABLE END -->"
TAGS = ("V", "S", "M", "D", "E", "F", "setting")
CSV_COLUMNS = ["key", "source", "tag"]

# units that the key's name does not make evident
UNITS = {
    "region.nearest_neighbours": "places",
    "region.detour_factor": "road km / straight km",
    "region.firm_urban_tilt": "exponent",
    "region.settlement.city_min_population": "inhabitants",
    "region.settlement.town_min_population": "inhabitants",
    "scenario.coal_exit.indirect_jobs_per_direct_job": "jobs per direct job",
    "scenario.coal_exit.income_replacement_rate": "share of income",
    "scenario.coal_exit.reemployment_income_ratio": "ratio",
    "scenario.structural_funds.payout_end_year": "year",
    "scenario.demography.young_leave_first": "relative weight",
    "scenario.structural_funds.scale": "factor",
    "model.household.income_eur_month": "EUR per month",
    "model.household.income_dispersion": "sd of log",
    "model.household.retired_income_ratio": "ratio",
    "model.household.coal_income_ratio": "ratio",
    "model.firm.productivity_dispersion": "sd of log",
    "model.firm.innovation_productivity_gain": "share",
    "model.firm.loss_quarters_to_exit": "quarters",
    "model.transfer.advice_per_advisor_per_quarter": "cases per advisor and quarter",
    "model.transfer.innovation_gain_per_advice": "share of gap",
    "model.cooperation.links_per_firm": "links",
    "model.reach_half_times": "half-times",
    "model.price_elasticity": "elasticity",
    "model.price_adjustment": "share of gap per quarter",
    "model.scarcity_price_elasticity": "elasticity",
    "model.demand_price_elasticity": "elasticity",
    "model.public_price_elasticity": "elasticity",
    "model.market_rounds": "rounds",
    "households_per_agent": "households",
    "start": "quarter",
    "end": "quarter",
}
# (name ending, unit), first match wins
SUFFIX_UNITS = (
    ("_eur_per_year", "EUR/yr"),
    ("_year_eur", "EUR/yr"),
    ("_eur", "EUR"),
    ("_per_year", "1/yr"),
    ("_per_quarter", "1/quarter"),
    ("_minutes", "min"),
    ("_age_min", "years"),
    ("_age_max", "years"),
    ("_min", "min"),
    ("_kmh", "km/h"),
    ("_years", "years"),
    ("_quarters", "quarters"),
    ("_age", "years"),
    ("_age_mean", "years"),
    ("_age_sd", "years"),
    ("_age_mid", "years"),
    ("_share", "share"),
    ("share_of_budget", "share"),
    ("share_of_funds", "share"),
    ("share_of_ausbau_demand", "share"),
    ("_probability", "probability"),
    ("_penalty", "share"),
    ("_retention", "share"),
    ("_reduction", "share"),
    ("_uplift", "share"),
    ("_rate_gain", "share"),
    ("_intake_gain", "share"),
    ("_of_value_added", "share"),
    ("_match_gain", "share"),
    ("_capacity_gain", "share"),
    ("_innovation_gain", "share of gap"),
    ("_utilisation", "share of base output"),
    ("_slack", "share"),
    ("_excess_demand", "share"),
    ("_ratio", "ratio"),
    ("_to_crafts", "share"),
    ("_in_region", "share"),
    ("succession_family", "share"),
    ("succession_employee", "share"),
    ("succession_external", "share"),
)


class TableError(RuntimeError):
    """docs/ODD.md or docs/parameter_sources.csv cannot be read as expected."""


def _leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts to ``{"a.b.c": value}``; lists and scalars are leaves."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_leaves(value, f"{name}."))
        else:
            out[name] = value
    return out


def config_parameters() -> dict[str, Any]:
    """Every leaf key of the schema with its default as composed for the default config.

    Order: the schema's field order, then any key only the composition has (none today).
    """
    from omegaconf import OmegaConf

    from sim.config import Config, load_config

    schema = OmegaConf.to_container(OmegaConf.structured(Config), enum_to_str=True)
    composed = OmegaConf.to_container(load_config([]), resolve=True, enum_to_str=True)
    params = _leaves(schema)
    for key, value in _leaves(composed).items():
        params[key] = value
    return params


def unit_of(key: str) -> str:
    if key in UNITS:
        return UNITS[key]
    name = key.rsplit(".", 1)[-1]
    for ending, unit in SUFFIX_UNITS:
        if name.endswith(ending):
            return unit
    return ""


def format_value(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.0f}" if value.is_integer() and abs(value) >= 1_000 else repr(value)
    elif isinstance(value, str):
        text = value if value else '""'
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(format_value(v) for v in value) + "]"
    else:
        text = str(value)
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("\n", " ")


def read_sources(path: Path = SOURCES_PATH) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """``{key: (source, tag)}`` and the problems found in the file itself."""
    problems: list[str] = []
    if not path.is_file():
        return {}, [f"{path.relative_to(ROOT)} is missing"]
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != CSV_COLUMNS:
            return {}, [f"{path.name}: header must be {','.join(CSV_COLUMNS)}"]
        rows: dict[str, tuple[str, str]] = {}
        for line, row in enumerate(reader, start=2):
            key = (row["key"] or "").strip()
            source = (row["source"] or "").strip()
            tag = (row["tag"] or "").strip()
            if key in rows:
                problems.append(f"{path.name} line {line}: duplicate row for '{key}'")
            if not source:
                problems.append(f"{path.name} line {line}: '{key}' has no source")
            if tag not in TAGS:
                problems.append(
                    f"{path.name} line {line}: '{key}' has tag '{tag}'; allowed: {', '.join(TAGS)}"
                )
            rows[key] = (source, tag)
    return rows, problems


def read_ranges() -> dict[str, str]:
    """``{key: "low-high"}`` of docs/parameter_ranges.csv (the sensitivity design's ranges)."""
    from sim.sensitivity.ranges import read_ranges as read

    return {key: item.describe() for key, item in read().items()}


def render_table(
    params: dict[str, Any],
    sources: dict[str, tuple[str, str]],
    ranges: dict[str, str] | None = None,
) -> str:
    """The Markdown table (without the markers), one row per config key."""
    ranges = read_ranges() if ranges is None else ranges
    lines = [
        "| key | default | unit | tag | range | source |",
        "|---|---|---|---|---|---|",
    ]
    for key, value in params.items():
        source, tag = sources.get(key, ("**no source: add a row to parameter_sources.csv**", "?"))
        cells = [f"`{key}`", format_value(value), unit_of(key), tag, ranges.get(key, ""), source]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _split(text: str) -> tuple[str, str, str]:
    """Text before the table block (incl. start marker), the block, and the rest."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise TableError(f"docs/ODD.md must contain '{START}' and '{END}' exactly once each")
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    if block.startswith("\n"):
        block = block[1:]
    return head + START + "\n", block, END + tail


def source_problems(params: dict[str, Any], sources: dict[str, tuple[str, str]]) -> list[str]:
    problems = [
        f"config key '{k}' has no row in parameter_sources.csv" for k in params if k not in sources
    ]
    problems += [
        f"parameter_sources.csv has a row for '{k}', which is not a config key"
        for k in sources
        if k not in params
    ]
    return problems


def check(odd_path: Path = ODD_PATH, sources_path: Path = SOURCES_PATH) -> list[str]:
    """Everything that is out of date; an empty list when table and sources are current."""
    params = config_parameters()
    sources, problems = read_sources(sources_path)
    problems += source_problems(params, sources)
    if not odd_path.is_file():
        return [*problems, f"{odd_path} is missing"]
    try:
        _, block, _ = _split(odd_path.read_text(encoding="utf-8"))
    except TableError as exc:
        return [*problems, str(exc)]
    expected = render_table(params, sources)
    if block != expected:
        diff = "".join(
            difflib.unified_diff(
                block.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                "docs/ODD.md (current table)",
                "docs/ODD.md (generated table)",
            )
        )
        problems.append(
            "the parameter table in docs/ODD.md is out of date; run "
            "'python scripts/make_param_table.py':\n" + diff
        )
    return problems


def update(odd_path: Path = ODD_PATH, sources_path: Path = SOURCES_PATH) -> list[str]:
    """Rewrite the table in ODD.md; returns the source problems that remain."""
    params = config_parameters()
    sources, problems = read_sources(sources_path)
    problems += source_problems(params, sources)
    head, _, tail = _split(odd_path.read_text(encoding="utf-8"))
    odd_path.write_text(head + render_table(params, sources) + tail, encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/make_param_table.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="report drift, change nothing")
    args = parser.parse_args(argv)
    try:
        problems = check() if args.check else update()
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("parameter table and sources are up to date" if args.check else "table written")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
