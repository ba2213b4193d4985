"""The annex's study parts: the six study outputs and each experiment's paired comparison.

A study output is shown from every experiment that wrote it (its tables as digests with their
intervals, ``sim.analysis.annex_tables``, and its figures), under the output's own description
(the first paragraph of its module's docstring, so the text is the code's).
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pandas as pd

from experiments.annex.inputs import STUDY_EXPERIMENTS, Part
from experiments.study import STUDY_OUTPUTS
from sim.analysis import annex_html as h
from sim.analysis.annex_tables import digest


def description(name: str) -> str:
    """The first paragraph of the docstring of the study output's module."""
    module = importlib.import_module(STUDY_OUTPUTS[name].compute.__module__)
    text = inspect.getdoc(module) or ""
    return " ".join(text.split("\n\n")[0].split())


def title(name: str) -> str:
    number = list(STUDY_OUTPUTS).index(name) + 1
    return f"{number}. {name.replace('_', ' ').capitalize()}"


def csv_table(path: Path, shown_as: str) -> str:
    """A report CSV as a digest, or a line saying why it cannot be read."""
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        return f"<p><em>{h.esc(path.name)} could not be read: {h.esc(exc)}</em></p>"
    d = digest(df)
    return f"<h5>{h.esc(path.stem)}</h5>" + h.table(d.frame, d.caption(shown_as))


def legend(path: Path) -> str:
    """The interval legend (``NN_intervals.csv``: column, metric, interval) in a few lines."""
    try:
        df = pd.read_csv(path)
        per = df.groupby("interval", sort=False)["metric"].agg(
            lambda m: ", ".join(dict.fromkeys(m))
        )
    except (OSError, ValueError, KeyError):
        return f"<p><em>{h.esc(path.name)} could not be read</em></p>"
    items = "".join(f"<li>{h.esc(k)}: {h.esc(v)}</li>" for k, v in per.items())
    return f'<ul>{items}</ul><p class="caption">intervals, from {h.esc(path)}</p>'


def _figure_files(part: Part, patterns: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        files += part.files(re.sub(r"\{[a-z]+\}", "*", pattern))
    return list(dict.fromkeys(files))


def output_body(name: str, parts: list[Part]) -> str:
    """One study output from every experiment report that holds its tables."""
    output = STUDY_OUTPUTS[name]
    body = [f"<p>{h.rst(description(name))}</p>"]
    shown = 0
    for part in parts:
        tables = [part.report / f"{t}.csv" for t in output.tables]
        tables = [t for t in tables if t.is_file()]
        if not tables:
            continue
        shown += 1
        body.append(f"<h4>from <code>{h.esc(part.name)}</code></h4>")
        for path in tables:
            if path.stem.endswith("_intervals"):  # the legend of the interval columns
                body.append(legend(path))
            else:
                body.append(csv_table(path, str(path)))
        body += [h.figure(f, str(f)) for f in _figure_files(part, output.figures)]
    if not shown:
        makers = [e for e in STUDY_EXPERIMENTS if name in e.outputs]
        commands = " or ".join(p.command for p in parts if p.name in {e.name for e in makers})
        body.append(h.not_run(f"output {name}", commands or "python -m experiments.<name>"))
    return "".join(body)


def study_outputs_section(parts: list[Part]) -> str:
    questions = {e.name: e.question for e in STUDY_EXPERIMENTS}
    intro = [
        "<p>Each table shows the region-wide rows (<code>all</code>) of the milestone years; "
        "cells read <code>mean [95 % CI of the seed mean] (5 to 95 % projection range over "
        "runs)</code>, where the table has them. The caption under each table names the CSV "
        "with every row. The experiments and their questions:</p><ul>"
    ]
    for part in parts:
        state = "" if part.present else f" {h.not_run('its report', part.command)}"
        intro.append(
            f"<li><code>{h.esc(part.name)}</code>: {h.esc(questions[part.name])}{state}</li>"
        )
    intro.append("</ul>")
    body = [
        f'<h3 id="{h.slug(title(n))}">{h.esc(title(n))}</h3>{output_body(n, parts)}'
        for n in STUDY_OUTPUTS
    ]
    return "".join(intro + body)


def comparisons_section(parts: list[Part]) -> str:
    """Each experiment's paired comparison: its summary.md (headline differences) and figures."""
    body = [
        "<p>Each arm is paired by seed with its experiment's reference arm (common random "
        "numbers); differences are arm minus reference, mean over pairs with a 95 % "
        "t-interval (<code>sim.analysis.comparison</code>).</p>"
    ]
    for part in parts:
        body.append(f"<h3>{h.esc(part.name)}</h3>")
        folder = part.report / "comparison"
        summary = folder / "summary.md"
        if not summary.is_file():
            body.append(h.not_run("its paired comparison", part.command))
            continue
        # its ranking is study output 4's table (shown there); the summary holds the headline
        body.append(h.markdown_block(summary.read_text(), folder, shift=3))
        body += [h.figure(f, str(f)) for f in sorted(folder.glob("*.png"))]
    return "".join(body)
