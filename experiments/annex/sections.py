"""The annex's other parts: method, scenarios, validation, sensitivity, scenario discovery,
provenance and data sources, each drawn from the file that already holds it.

Nothing here restates the model by hand: the method is cut from ``docs/ODD.md`` by section
number, the scenarios are read from ``conf/scenario/*.yaml``, the sources are the
``sim/data/SOURCES*.md`` files, and the reports are rendered from their own Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from experiments.annex.inputs import Part
from sim.analysis import annex_html as h
from sim.analysis.annex_provenance import SweepProvenance, shared_settings
from sim.config import CONF_DIR

ROOT = CONF_DIR.parent
ODD = ROOT / "docs" / "ODD.md"
DATA = ROOT / "sim" / "data"
# the ODD sections that make the annex's short method: purpose, scales, the schedule
METHOD_SECTIONS = ("1.1", "2.9", "3")
_HEADING = re.compile(r"^(#{1,6})\s+(\d+(?:\.\d+)*)\.?\s")


def odd_sections(text: str, numbers: tuple[str, ...] = METHOD_SECTIONS) -> str:
    """The ODD sections with these numbers (each with its subsections), in document order."""
    lines = text.splitlines()
    out: list[str] = []
    keep_level = 0  # heading level of the section being copied; 0: not copying
    for line in lines:
        m = _HEADING.match(line)
        if m and keep_level and len(m.group(1)) <= keep_level:
            keep_level = 0
        if m and not keep_level and m.group(2) in numbers:
            keep_level = len(m.group(1))
        if keep_level and line.strip() != "---":
            # each section's own heading becomes level 1, its subsections follow below it
            out.append(line[keep_level - 1 :] if m else line)
    return "\n".join(out)


def method_section() -> str:
    if not ODD.is_file():
        return h.not_run("docs/ODD.md", "git checkout docs/ODD.md")
    text = odd_sections(ODD.read_text())
    head = (
        f"<p>Sections {', '.join(METHOD_SECTIONS)} of the model description "
        f"(<code>docs/ODD.md</code>, ODD protocol), as they stand in the code that built "
        f"this annex; the full description, with every parameter and its source, is that "
        f"file.</p>"
    )
    return head + h.markdown_block(text, ODD.parent, shift=2)


def _comment(path: Path) -> str:
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# @package"):
            lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def scenarios_section() -> str:
    """One row per ``conf/scenario/*.yaml``: name, description, what it sets, its comment."""
    rows = []
    for path in sorted((CONF_DIR / "scenario").glob("*.yaml")):
        cfg = OmegaConf.to_container(OmegaConf.load(path))
        own = {k: v for k, v in cfg.items() if k not in ("defaults", "name", "description")}
        flat = pd.json_normalize(own, sep=".").iloc[0].to_dict() if own else {}
        rows.append(
            {
                "scenario": cfg.get("name", path.stem),
                "description": cfg.get("description", ""),
                "settings (beside the schema's defaults)": "; ".join(
                    f"{k} = {v}" for k, v in flat.items()
                ),
                "note in the file": _comment(path),
            }
        )
    return (
        "<p>From <code>conf/scenario/*.yaml</code>; every setting not listed takes the "
        "default of the scenario schema (<code>sim/config_scenario.py</code>).</p>"
        + h.table(pd.DataFrame(rows))
    )


def _report(part: Part, what: str, markdown: list[Path], figures: list[Path]) -> str:
    if not part.present:
        return h.not_run(what, part.command)
    body = [f"<p>From <code>{h.esc(part.report)}</code>.</p>"]
    shown = set()
    for md in markdown:
        text = md.read_text()
        body.append(h.markdown_block(text, md.parent, shift=2))
        shown |= set(re.findall(r"\]\(([^)]+\.png)\)", text))
    body += [h.figure(f, str(f)) for f in figures if f.name not in shown]
    if len(body) == 1:
        body.append(h.not_run(f"{what} (the folder has no report files)", part.command))
    return "".join(body)


def validation_section(part: Part) -> str:
    return _report(part, "the validation report", part.files("validation.md"), part.files("*.png"))


def sensitivity_section(part: Part) -> str:
    return _report(part, "the sensitivity report", part.files("summary_*.md"), part.files("*.png"))


def discovery_section(part: Part) -> str:
    return _report(
        part, "the scenario discovery report", part.files("summary.md"), part.files("*.png")
    )


def _settings_table(settings: dict[str, str]) -> str:
    frame = pd.DataFrame(list(settings.items()), columns=["setting", "value"])
    return h.table(frame)


def provenance_section(annex_code: dict, sweeps: dict[str, SweepProvenance], other: str) -> str:
    """Per sweep: the runs, their commits and the settings that are not shared by all."""
    dirty = " (with uncommitted changes)" if annex_code["git_dirty"] else ""
    body = [
        f"<p>This annex was built by the code of commit "
        f"<code>{h.esc(annex_code['git_commit'])}</code>{dirty}. The numbers come from the "
        f"runs below; each run's <code>manifest.json</code> holds its resolved config, commit "
        f"and package versions (<code>sim.store</code>).</p>"
    ]
    shared = shared_settings(list(sweeps.values()))
    for name, prov in sweeps.items():
        body.append(f"<h3>{h.esc(name)}</h3>")
        summary = pd.DataFrame(list(prov.summary().items()), columns=["item", "value"])
        body.append(h.table(summary))
        body.append(h.table(prov.commits, "code versions (git commit) of the runs"))
        departures = prov.departures(shared)
        if len(departures):
            body.append(h.table(departures, "settings of this sweep not shared by every run"))
    body.append(other)
    if shared:
        body.append("<h3>Settings shared by every run of every sweep above</h3>")
        body.append(_settings_table(shared))
    return "".join(body)


def sources_section() -> str:
    """The list of source files, then each in full."""
    files = sorted(DATA.glob("SOURCES*.md"))
    if not files:
        return h.not_run("sim/data/SOURCES*.md", "git checkout sim/data")
    rows = []
    for path in files:
        first = next((ln for ln in path.read_text().splitlines() if ln.startswith("#")), "")
        rows.append({"file": f"sim/data/{path.name}", "title": first.lstrip("#").strip()})
    body = [
        "<p>Every input in <code>sim/data/</code> is documented with its source, licence and "
        "confidence tag in these files (shipped with the code; the model reads no network at "
        "run time).</p>",
        h.table(pd.DataFrame(rows)),
    ]
    for path in files:
        body.append(f"<h3>sim/data/{h.esc(path.name)}</h3>")
        body.append(h.markdown_block(path.read_text(), path.parent, shift=2))
    return "".join(body)
