"""The Study outputs view without a browser: which folders are reports, what stays inside the
results folder, how Markdown is rendered, and the component rendered in-process."""

from __future__ import annotations

import os
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
import solara
import solara.widgets

from sim.ui.study_view import StudyView, checked, find_reports, markdown_html, table_html

# the smallest valid PNG (1 x 1 pixel)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def write_results(root: Path) -> Path:
    """A results folder as the experiments leave it: a sweep with runs, its index and its
    report (with a comparison), a validation report, and folders that are not reports."""
    report = root / "policy" / "_report"
    (report / "comparison").mkdir(parents=True)
    (report / "summary.md").write_text(
        "# Policy comparison\n\n| arm | jobs |\n|---|---|\n| hubs | 12 |\n\n"
        "![paths](paths.png)\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n"
    )
    (report / "paths.png").write_bytes(PNG)
    (report / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    pd.DataFrame({"arm": ["hubs", "<b>x</b>"], "jobs": [12, 3]}).to_csv(
        report / "01_paths.csv", index=False
    )
    (report / "study_outputs.xlsx").write_bytes(b"PK\x03\x04")
    (report / "comparison" / "headline.csv").write_text("metric,mean_diff\nfirms,2\n")
    run = root / "policy" / "baseline__none__seed0__abc"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    pd.DataFrame({"a": [1]}).to_parquet(run / "groups.parquet")
    pd.DataFrame({"run_id": ["x"]}).to_parquet(root / "policy" / "index.parquet")
    (root / "policy" / "_design" / "morris").mkdir(parents=True)
    (root / "policy" / "_design" / "morris" / "design.csv").write_text("a\n1\n")
    (root / ".hydra").mkdir(exist_ok=True)
    (root / ".hydra" / "notes.md").write_text("hydra's log")
    (root / "validation").mkdir()
    (root / "validation" / "validation.md").write_text("# Validation\n")
    pd.DataFrame({"x": [1.5]}).to_parquet(root / "validation" / "paths.parquet")
    (root / "README.md").write_text("layout of the folder")
    return root


def test_reports_are_the_report_folders_not_runs_designs_or_hidden(tmp_path):
    root = write_results(tmp_path / "results")
    reports = {r.label: r for r in find_reports(root)}
    assert list(reports) == ["policy/_report", "policy/_report/comparison", "validation"]
    names = [p.name for p in reports["policy/_report"].files]
    assert names == ["01_paths.csv", "map.svg", "paths.png", "study_outputs.xlsx", "summary.md"]
    assert [p.name for p in reports["policy/_report"].of((".png", ".svg"))] == [
        "map.svg",
        "paths.png",
    ]
    assert [p.name for p in reports["validation"].files] == ["paths.parquet", "validation.md"]


def test_a_missing_or_empty_results_folder_has_no_reports(tmp_path):
    assert find_reports(tmp_path / "missing") == []
    assert find_reports(tmp_path) == []
    (tmp_path / "README.md").write_text("only a readme")  # shown only when nothing else is
    assert [r.label for r in find_reports(tmp_path)] == ["."]


def test_paths_stay_inside_the_results_folder(tmp_path):
    root = write_results(tmp_path / "results")
    secret = tmp_path / "secret.md"
    secret.write_text("# not for the page")
    os.symlink(secret, root / "validation" / "linked.md")  # a link out of the folder
    reports = {r.label: r for r in find_reports(root)}
    assert "linked.md" not in [p.name for p in reports["validation"].files]
    assert checked(root, root / "validation" / "validation.md")
    for outside in (root / ".." / "secret.md", root / "validation" / "linked.md", root):
        with pytest.raises(ValueError, match="not a file inside"):
            checked(root, outside)


def test_markdown_is_html_without_raw_markup_and_with_its_figures(tmp_path):
    root = write_results(tmp_path / "results")
    report = root / "policy" / "_report"
    out = markdown_html((report / "summary.md").read_text(), report, root)
    assert "<h1>Policy comparison</h1>" in out and "<td>hubs</td>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out  # shown as text
    assert "javascript:" not in out
    assert 'src="data:image/png;base64,' in out  # the report's own figure, inline
    escaped = markdown_html("![x](../../secret.png) ![y](http://example.org/a.png)", report, root)
    assert "<img" not in escaped and "[figure: ../../secret.png]" in escaped


def test_tables_are_escaped_html(tmp_path):
    root = write_results(tmp_path / "results")
    out = table_html(root / "policy" / "_report" / "01_paths.csv")
    assert "<td>hubs</td>" in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "<td>1.5</td>" in table_html(root / "validation" / "paths.parquet")
    (root / "validation" / "broken.parquet").write_bytes(b"not a parquet file")
    assert "cannot read broken.parquet" in table_html(root / "validation" / "broken.parquet")


def _html(rc) -> str:
    return " ".join(e.widget.unsafe_innerHTML or "" for e in rc.find(solara.widgets.HTML))


def test_study_view_shows_a_report_and_offers_its_files(tmp_path):
    root = write_results(tmp_path / "results")
    box, rc = solara.render(StudyView(root), handle_error=False)
    select = rc.find(v.Select, label="Report").widget
    assert select.items == ["policy/_report", "policy/_report/comparison", "validation"]
    assert select.v_model == "policy/_report"
    page = _html(rc)
    assert "<h1>Policy comparison</h1>" in page  # the Markdown
    assert "<td>hubs</td>" in page  # the table
    assert page.count("data:image/") >= 3  # paths.png in the text and below, map.svg
    buttons = [str(e.widget.children) for e in rc.find(v.Btn)]
    for name in ("01_paths.csv", "paths.png", "study_outputs.xlsx", "summary.md"):
        assert any(name in b for b in buttons), (name, buttons)
    select.v_model = "validation"
    assert "<h1>Validation</h1>" in _html(rc) and "Policy comparison" not in _html(rc)
    rc.close()


def test_study_view_without_reports_says_how_to_make_one(tmp_path):
    box, rc = solara.render(StudyView(tmp_path / "nothing"), handle_error=False)
    alert = str(rc.find(v.Alert).widget.children)
    assert "No reports" in alert and "python -m experiments." in alert
    rc.close()
