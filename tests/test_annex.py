"""The study annex (``python -m experiments.annex``) from a tiny sweep: one self-contained HTML
file with every part, figures inlined, the runs' commit, nothing loaded from outside; a PDF;
"not run: <command>" for missing parts; no silent overwrite; no annex without study outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from experiments.annex.sections import METHOD_SECTIONS, odd_sections
from sim.analysis.annex_pdf import find_browser
from sim.analysis.annex_tables import digest, milestones
from sim.validation.report import write_report
from tests.conftest import ROOT

SECTIONS = (
    "Parts and the commands behind them",
    "Method (from the ODD description)",
    "Scenario definitions",
    "Study outputs",
    "Paired comparisons",
    "Validation report",
    "Sensitivity analysis",
    "Scenario discovery",
    "Provenance",
    "Data sources",
)


def annex_cli(*args, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.annex", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tiny_validation_report(folder) -> None:
    """A validation report in sim.validate's own format (two checks, a short hindcast): the
    annex is tested on reading it, not on the validation itself (tests/test_validate.py)."""
    table = pd.DataFrame(
        {
            "topic": [
                "base year (initialisation)",
                "hindcast 2021-2024 (out of sample, except the fit rows)",
            ],
            "use": ["fit", "validate"],
            "check": ["craft firms (relative error)", "annex-test firms 2024 per chamber"],
            "district_id": ["halle", "hwk_halle"],
            "data": [100.0, 200.0],
            "model": [101.0, 190.0],
            "model_sd": [float("nan"), 2.0],
            "error": [0.01, -10.0],
            "tolerance": [0.05, 20.0],
            "verdict": ["PASS", "PASS"],
            "source": ["districts.csv", "hindcast_evidence.csv"],
            "why_tolerance": ["rounding", "chamber counts"],
        }
    )
    quarters = ["2022Q4", "2023Q4", "2024Q4"]
    paths = pd.DataFrame(
        {
            "quarter": quarters,
            "chamber": "hwk_halle",
            "firms": [10.0, 9.0, 8.0],
            "employees": [50.0, 49.0, 47.0],
            "apprentices": [5.0, 5.0, 4.0],
        }
    )
    write_report(folder, table, paths, "annex test header")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A tiny policy comparison (4 runs, one year) and a validation report; no sensitivity
    analysis and no scenario discovery, so those parts must say "not run"."""
    root = tmp_path_factory.mktemp("results")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.policy_comparison",
            "region=small",
            "households_per_agent=20",
            "end=2025Q4",
            "scenario=baseline",
            "intervention=none,rural_hubs",
            "seed=0,1",
            "hydra/launcher=basic",
            f"results_dir={root}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    tiny_validation_report(root / "validation")
    return root


@pytest.fixture(scope="module")
def annex(results):
    proc = annex_cli("--results-dir", results)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    return proc, results / "annex"


def test_the_annex_has_every_part_inlined_and_traceable(annex, results):
    proc, out = annex
    html = (out / "annex.html").read_text().replace("<wbr>", "")  # break hints in tables
    for heading in SECTIONS:
        assert f">{heading}</h2>" in html, heading
    # the study outputs of the sweep, with their ranges, and its paired comparison
    assert "01_development_paths" in html and "04_transfer_structures" in html
    assert "Paired comparison: policy_comparison" in html
    assert "annex-test firms 2024 per chamber" in html  # the validation report's rows
    assert "early_exit" in html and "KVBG" in html  # conf/scenario/early_exit.yaml
    assert "1.1 Purpose" in html and "SOURCES_market_evidence.md" in html
    # figures inlined: the study's figures, the comparison's and the validation's
    images = re.findall(r'<img[^>]*src="([^"]{0,40})', html)
    assert len(images) >= 5 and all(s.startswith("data:image/") for s in images)
    # the commit of every run behind the numbers
    commits = {
        json.loads(m.read_text())["git_commit"]
        for m in (results / "policy_comparison").glob("*/manifest.json")
    }
    assert commits and all(c in html for c in commits)
    # nothing fetched from outside: no script at all, no external style sheet or image
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"""(src|href)=["']?https?://[^"']*\.(js|css)""", html, re.I)
    assert not re.search(r"""src=["']?https?:""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.I)
    # the missing parts, in the page and on the console, with the command that makes them
    for command in ("experiments.sensitivity", "experiments.scenario_discovery"):
        assert re.search(rf"not run: <code>python -m {command} results_dir=", html), command
        assert f"not run: python -m {command}" in proc.stdout
    assert "not run: <code>python -m experiments.policy_equal_budget" in html
    # output 6 comes only from the coal-exit experiment, which did not run
    assert "not run: <code>python -m experiments.coal_exit_variants" in html


def test_the_pdf_is_printed(annex):
    proc, out = annex
    if find_browser() is None:
        assert "PDF skipped" in proc.stderr and not (out / "annex.pdf").exists()
        pytest.skip("no Chromium on this machine: the HTML was written, the PDF skipped")
    assert (out / "annex.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_finished_annex_is_not_replaced_silently(annex, results):
    _, out = annex
    before = (out / "annex.html").read_bytes()
    proc = annex_cli("--results-dir", results, "--no-pdf")
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (out / "annex.html").read_bytes() == before
    proc = annex_cli("--results-dir", results, "--out", out / "again", "--no-pdf")
    assert proc.returncode == 0 and (out / "again" / "annex.html").is_file()
    assert "PDF skipped: --no-pdf" in proc.stdout


def test_no_annex_without_study_outputs(tmp_path):
    proc = annex_cli("--results-dir", tmp_path)
    assert proc.returncode == 1
    assert "not run: python -m experiments.policy_comparison" in proc.stdout
    assert not (tmp_path / "annex").exists()


def test_digest_keeps_totals_milestones_and_every_interval():
    years = list(range(2025, 2036))
    df = pd.DataFrame(
        {
            "district_id": ["all"] * len(years) + ["halle"] * len(years),
            "year": years * 2,
            "firms": range(2 * len(years)),
            "firms_ci_low": 0.0,
            "firms_ci_high": 99.0,
            "firms_p05": 1.0,
            "firms_p50": 2.0,
            "firms_p95": 3.0,
            "code_version": "abc123",
        }
    )
    d = digest(df)
    assert (
        list(d.frame["year"]) == ["2025", "2030", "2035"] == [str(y) for y in milestones(years, 5)]
    )
    assert list(d.frame["firms"]) == [
        "0 [0, 99] (1 to 3)",
        "5 [0, 99] (1 to 3)",
        "10 [0, 99] (1 to 3)",
    ]
    assert "district_id" not in d.frame and "code_version: abc123" in d.caption("x.csv")
    assert d.caption("x.csv").startswith(f"3 of {len(df)} rows")


def test_digest_leaves_out_unranked_rows():
    df = pd.DataFrame(
        {"year": [2025] * 3, "rank": pd.array([2, pd.NA, 1], dtype="Int64"), "x": [1.0, 2.0, 3.0]}
    )
    d = digest(df)
    assert sorted(d.frame["rank"]) == ["1", "2"]


def test_method_is_cut_from_the_odd_by_section_number():
    text = "\n".join(
        [
            "## 1. Purpose and patterns",
            "### 1.1 Purpose",
            "why",
            "### 1.2 Patterns",
            "not this",
            "## 3. Process overview",
            "### 3.1 Sub",
            "steps",
            "---",
            "## 4. Design",
            "nor this",
        ]
    )
    cut = odd_sections(text, ("1.1", "3"))
    assert cut.splitlines() == [
        "# 1.1 Purpose",
        "why",
        "# 3. Process overview",
        "## 3.1 Sub",
        "steps",
    ]
    assert "3" in METHOD_SECTIONS


def test_an_empty_wide_table_is_said_not_transposed():
    from sim.analysis.annex_html import WIDE, table

    columns = [f"column_{i}" for i in range(WIDE + 3)]  # wide: would be printed transposed
    html = table(pd.DataFrame(columns=columns), "places with unmet demand")
    assert "No rows" in html and "column_0" in html
    assert "places with unmet demand" in html
    assert "<table" not in html
