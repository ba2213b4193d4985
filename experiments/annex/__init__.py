"""``python -m experiments.annex [--results-dir DIR] [--out DIR] [--force] [--no-pdf]``

The study annex in one command: one self-contained HTML file (figures inlined, no script, no
external style sheet) and a PDF of it, from what the study's commands already wrote:

- the six study outputs with their ranges, and each experiment's paired comparison
  (``python -m experiments.policy_comparison``, ``policy_equal_budget``,
  ``coal_exit_variants``, ``demography_variants``, ``construction_variants``:
  ``<results_dir>/<batch>/_report``);
- the validation report (``python -m sim.validate``: ``<results_dir>/validation``);
- the sensitivity analysis (``python -m experiments.sensitivity``) and the scenario discovery
  (``python -m experiments.scenario_discovery``);
- the scenario definitions (``conf/scenario``), a short method (``docs/ODD.md`` sections 1.1,
  2.9 and 3), the data sources (``sim/data/SOURCES*.md``) and the provenance: every sweep's
  runs, their git commits and settings (from the runs' manifests).

A part whose folder is missing shows ``not run: <command>``, and the command lists it. Exit
status: 0 when the annex was written (at least one study experiment's report exists; the
other parts may be missing, and so may the PDF: without Chromium the HTML is written and the
PDF skipped with the reason); 1 when no study experiment has written its report (nothing is
written: an annex without the study outputs is not one); 2 when the annex exists already and
``--force`` is not given (a finished annex is never replaced silently) or it cannot be written.
Both files are written atomically (``sim.atomic``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.annex import inputs, sections
from experiments.annex.study_sections import comparisons_section, study_outputs_section
from sim.analysis import annex_html as h
from sim.analysis.annex_pdf import PdfError, print_pdf
from sim.analysis.annex_provenance import try_provenance
from sim.atomic import write_text
from sim.store import code_version

HTML, PDF = "annex.html", "annex.pdf"
TITLE = "Handwerk im Mitteldeutschen Revier: study annex"


def _status(parts: list[inputs.Part]) -> str:
    rows = [
        {
            "part": p.name,
            "status": "included" if p.present else "not run",
            "folder": str(p.report),
            "command": p.command,
        }
        for p in parts
    ]
    return h.table(pd.DataFrame(rows), "each part's folder and the command that writes it")


def _validation_note(part: inputs.Part) -> str:
    if not part.present:
        return f"<h3>validation</h3>{h.not_run('the validation report', part.command)}"
    md = part.report / "validation.md"
    stamp = datetime.fromtimestamp(md.stat().st_mtime, UTC) if md.is_file() else None
    when = f", written {stamp:%Y-%m-%d %H:%M} UTC" if stamp else ""
    return (
        f"<h3>validation</h3><p>The validation report (<code>{h.esc(part.report)}</code>"
        f"{when}) runs one model in memory and stores no run folder: its settings are its "
        f"header line (section Validation report).</p>"
    )


def build(results_dir: Path) -> tuple[str, list[inputs.Part]]:
    """The annex's HTML and the parts it looked for."""
    study = inputs.study_parts(results_dir)
    validation = inputs.validation_part(results_dir)
    sensitivity = inputs.sensitivity_part(results_dir)
    discovery = inputs.discovery_part(results_dir)
    parts = [*study, validation, sensitivity, discovery]
    sweeps = {}
    for part in parts:
        if part.sweep is not None and part.present:
            prov = try_provenance(part.sweep)
            if prov is not None:
                sweeps[part.name] = prov
    code = code_version()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = (
        f"Built {when} from <code>{h.esc(results_dir)}</code> by "
        f"<code>python -m experiments.annex</code>, code commit "
        f"<code>{h.esc(code['git_commit'])}</code>"
        + (" (with uncommitted changes)" if code["git_dirty"] else "")
    )
    body = [
        ("Parts and the commands behind them", _status(parts)),
        ("Method (from the ODD description)", sections.method_section()),
        ("Scenario definitions", sections.scenarios_section()),
        ("Study outputs", study_outputs_section(study)),
        ("Paired comparisons", comparisons_section(study)),
        ("Validation report", sections.validation_section(validation)),
        ("Sensitivity analysis", sections.sensitivity_section(sensitivity)),
        ("Scenario discovery", sections.discovery_section(discovery)),
        ("Provenance", sections.provenance_section(code, sweeps, _validation_note(validation))),
        ("Data sources", sections.sources_section()),
    ]
    return h.page(TITLE, subtitle, body), parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.annex",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=inputs.DEFAULT_RESULTS,
        help="the results_dir the study's commands wrote to (default results)",
    )
    parser.add_argument("--out", type=Path, help="output folder (default RESULTS_DIR/annex)")
    parser.add_argument("--force", action="store_true", help="replace an existing annex")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    parser.add_argument("--browser", help="Chromium executable for the PDF (default: found)")
    args = parser.parse_args(argv)
    out = args.out or args.results_dir / "annex"
    html_file, pdf_file = out / HTML, out / PDF
    study = inputs.study_parts(args.results_dir)
    if not any(inputs.has_study_tables(p) for p in study):
        print("error: no study experiment has written its report; run at least one of:")
        for p in study:
            print(f"  not run: {p.command}   (writes {p.report})")
        return 1
    existing = [f for f in (html_file, pdf_file) if f.exists()]
    if existing and not args.force:
        print(
            f"error: {', '.join(map(str, existing))} exist(s); a finished annex is not replaced "
            f"silently: pass --force to replace it, or --out for another folder",
            file=sys.stderr,
        )
        return 2
    text, parts = build(args.results_dir)
    try:
        write_text(html_file, text)
        if args.force and pdf_file.exists():
            pdf_file.unlink()  # a PDF of the replaced annex would not match the new HTML
    except OSError as exc:
        print(f"error: cannot write {html_file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {html_file} ({html_file.stat().st_size / 1e6:.1f} MB)")
    if args.no_pdf:
        print("PDF skipped: --no-pdf")
    else:
        try:
            print(f"wrote {print_pdf(html_file, pdf_file, args.browser)}")
        except (PdfError, OSError) as exc:
            print(f"PDF skipped: {exc}", file=sys.stderr)
    for p in parts:
        if not p.present:
            print(f"  not run: {p.command}   (no {p.report})")
    return 0
