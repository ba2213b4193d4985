"""Study outputs view: the experiments' reports under the results folder, with downloads.

A *report* is a folder under the results folder that holds report files directly: the
experiments' ``<sweep>/_report/`` (``python -m experiments.<name>``: study output tables,
figures, ``study_outputs.xlsx``) and its ``comparison/`` (``sim.compare``), the sensitivity
analysis' and scenario discovery's ``_report/`` (``summary*.md``), ``validation/``
(``python -m sim.validate``). Run folders, hidden folders and design folders are not searched.

Each report shows its Markdown as HTML (the ``markdown`` package with raw HTML switched off, so
a report cannot inject markup; no CDN, unlike ``solara.Markdown``), its tables (CSV, Parquet),
its figures (PNG, SVG, inline) and a download for every file. Files are only ever chosen from
the list found here, and every path is checked to lie inside the results folder (a link out of
it is left out), so nothing outside it can be read.
"""

from __future__ import annotations

import base64
import html
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import solara

log = logging.getLogger("sim.ui")
MARKDOWN, TABLES, FIGURES = (".md",), (".csv", ".parquet"), (".png", ".svg")
OTHER = (".xlsx", ".txt", ".json", ".gpkg", ".geojson", ".html", ".pdf")
SUFFIXES = (*MARKDOWN, *TABLES, *FIGURES, *OTHER)
SKIPPED = ("_design",)  # sensitivity designs: inputs of a sweep, not a report
MAX_DEPTH = 4  # results/<sweep>/_report/comparison is 3 deep
TABLE_ROWS = 200  # rows shown of a table (the download has all)
MAX_INLINE = 8_000_000  # bytes: larger figures are offered as downloads only
MIME = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Report:
    """A report folder: its label (path relative to the results folder) and files."""

    label: str
    folder: Path
    files: tuple[Path, ...]

    def of(self, suffixes: tuple[str, ...]) -> list[Path]:
        return [f for f in self.files if f.suffix.lower() in suffixes]


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (after resolving links and ``..``) lies inside ``root``."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):  # a broken or looping link
        return False


def find_reports(results_dir: Path | str) -> list[Report]:
    """The report folders under ``results_dir``, sorted by label; [] if it is missing."""
    root = Path(results_dir)
    if not root.is_dir():
        return []
    reports, top = [], []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        depth = len(here.relative_to(root).parts)
        runs = [d for d in dirs if (here / d / "manifest.json").exists()]
        # prune: hidden folders, designs, run folders (they hold a manifest), too deep
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in SKIPPED and d not in runs and depth < MAX_DEPTH
        )
        if runs:  # a sweep folder: its own files are its index, not a report
            continue
        files = tuple(
            here / n
            for n in sorted(names)
            if Path(n).suffix.lower() in SUFFIXES
            and not n.startswith(".")
            and (here / n).is_file()
            and inside(root, here / n)
        )
        if files and here == root:
            top = [Report(".", here, files)]  # e.g. the folder's README: only if nothing else
        elif files:
            reports.append(Report(str(here.relative_to(root)), here, files))
    return sorted(reports, key=lambda r: r.label) or top


def checked(root: Path, path: Path) -> Path:
    """``path`` if it is a file inside ``root``, else ValueError (no traversal)."""
    if not inside(root, path) or not Path(path).is_file():
        raise ValueError(f"{path} is not a file inside {root}")
    return Path(path)


_IMG = re.compile(r'<img ([^>]*?)src="([^"]*)"([^>]*)/?>')
_HREF = re.compile(r'href="(?!https?://|#)[^"]*"')


def markdown_html(text: str, folder: Path, root: Path) -> str:
    """Markdown as HTML without raw HTML; images of the report's own folder inline, other
    images and links to local files dropped (they would not resolve in the page)."""
    try:
        import markdown
    except ImportError:  # a plain rendering: the text, escaped
        return f"<pre>{html.escape(text)}</pre>"
    md = markdown.Markdown(extensions=["tables", "fenced_code"])
    md.preprocessors.deregister("html_block")  # raw HTML is shown as text, never as markup
    md.inlinePatterns.deregister("html")
    out = md.convert(text)

    def image(match: re.Match) -> str:
        src = html.unescape(match.group(2))
        path = folder / src
        if "://" in src or not inside(root, path) or not path.is_file():
            return f"[figure: {html.escape(src)}]"
        uri = data_uri(path)
        return f'<img {match.group(1)}src="{uri}"{match.group(3)}/>' if uri else ""

    return _HREF.sub("", _IMG.sub(image, out))


def data_uri(path: Path) -> str | None:
    """A PNG or SVG as a ``data:`` URI (shown by an ``<img>``, so an SVG runs no script)."""
    mime = MIME.get(path.suffix.lower())
    if mime is None or not mime.startswith("image/") or path.stat().st_size > MAX_INLINE:
        return None
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def read_table(path: Path, rows: int = TABLE_ROWS) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path).head(rows)
    return pd.read_csv(path, nrows=rows)


def table_html(path: Path) -> str:
    """The first rows of a table as an HTML table (cells escaped), or why it cannot be read."""
    try:
        df = read_table(path)
    except Exception as exc:  # noqa: BLE001 -- any unreadable file: a message in its place
        return f"<p>cannot read {html.escape(path.name)}: {html.escape(str(exc))}</p>"
    return df.to_html(index=False, classes="sim-study-table", border=0, na_rep="", escape=True)


CSS = """
.sim-study-md { max-width: 980px; overflow-x: auto; font-size: 14px; }
.sim-study-md table, .sim-study-table { border-collapse: collapse; font-size: 12px; }
.sim-study-md td, .sim-study-md th, .sim-study-table td, .sim-study-table th {
  padding: 2px 6px; border-bottom: 1px solid #eee; text-align: right; }
.sim-study-md img, .sim-study-figure img { max-width: 100%; height: auto; }
.sim-study-tablebox { max-width: 100%; max-height: 420px; overflow: auto; }
.sim-study-download .v-btn { text-transform: none; letter-spacing: normal; }
"""


@solara.component
def StudyView(results_dir: Path):
    """Pick a report; see its Markdown, tables and figures; download its files."""
    scan = solara.use_reactive(0)
    reports = solara.use_memo(lambda: _listing(results_dir), [str(results_dir), scan.value])
    chosen = solara.use_reactive(None)
    labels = [r.label for r in reports or []]
    current = chosen.value if chosen.value in labels else next(iter(labels), None)
    solara.Style(CSS)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Select("Report", labels, value=current, on_value=chosen.set, classes=["sim-report"])
        solara.Button("Rescan", icon_name="mdi-refresh", on_click=lambda: scan.set(scan.value + 1))
        solara.Text(
            f"results folder: {results_dir}",
            style={"font-size": "12px", "color": "#666", "overflow-wrap": "anywhere"},
        )
    if reports is None:
        solara.Error(f"Cannot list the reports in {results_dir} (see the server log).")
        return
    if current is None:
        solara.Info(
            f"No reports in {results_dir}: the folder is missing or holds no report yet. "
            "Write one, e.g. python -m experiments.policy_comparison (tables and figures in "
            "<results_dir>/policy_comparison/_report/) or python -m sim.validate "
            "(results/validation/); start the UI with --results-dir pointing at that folder.",
            classes=["sim-no-reports"],
        )
        return
    ReportPanel(next(r for r in reports if r.label == current), Path(results_dir))


def _listing(results_dir: Path) -> list[Report] | None:
    try:
        return find_reports(results_dir)
    except OSError as exc:  # an unreadable folder: a message, not a traceback
        log.warning("listing reports in %s: %s", results_dir, exc)
        return None


@solara.component
def ReportPanel(report: Report, root: Path):
    solara.HTML("h3", report.label, classes=["sim-report-title"])
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["sim-study-downloads"]):
        for path in report.files:
            Download(path, root)
    for path in report.of(MARKDOWN):
        text = checked(root, path).read_text(encoding="utf-8", errors="replace")
        solara.HTML(
            "div",
            unsafe_innerHTML=markdown_html(text, report.folder, root),
            classes=["sim-study-md"],
        )
    for path in report.of(FIGURES):
        uri = data_uri(checked(root, path))
        if uri:
            solara.HTML(
                "div",
                unsafe_innerHTML=f'<img alt="{html.escape(path.name)}" src="{uri}"/>',
                classes=["sim-study-figure"],
            )
            solara.Text(path.name, style={"font-size": "12px", "color": "#555"})
    for path in report.of(TABLES):
        solara.HTML("b", path.name)
        with solara.Div(classes=["sim-study-tablebox"]):
            solara.HTML("div", unsafe_innerHTML=table_html(checked(root, path)))


@solara.component
def Download(path: Path, root: Path):
    with solara.Div(classes=["sim-study-download"]):
        solara.FileDownload(
            lambda: checked(root, path).read_bytes(),  # read on click, checked again then
            filename=path.name,
            label=path.name,
            mime_type=MIME.get(path.suffix.lower(), "application/octet-stream"),
        )
