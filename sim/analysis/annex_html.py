"""HTML pieces of the study annex: one self-contained page, figures inlined as data URIs.

The annex travels as one file (e-mail, a chamber's intranet, print), so nothing in it may point
outside it: figures become ``data:`` URIs, the style sheet is inline, and there is no script. A
report's own Markdown (``summary.md``, ``validation.md``) is rendered as it is, with its
relative figure links inlined from the report's folder, so the annex shows the same text as
the report and no text is copied by hand.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

WIDE = 12  # columns that fit the width of an A4 page at the tables' font size
MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

# print first: A4 landscape, as the study tables are wide (a dozen columns of estimates with
# their intervals); the same sheet serves the screen
STYLE = """
@page { size: A4 landscape; margin: 12mm 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35;
       max-width: 60em; margin: 1em auto; padding: 0 1em; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; border-bottom: 1px solid #999;
     break-before: page; } h3 { font-size: 12pt; } h4, h5, h6 { font-size: 10.5pt; }
h2.first { break-before: avoid; }
table { border-collapse: collapse; font-size: 7.5pt; margin: 0.4em 0 0.8em; }
th, td { border: 1px solid #bbb; padding: 1px 4px; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #eee; text-align: left; } tr { break-inside: avoid; }
img { max-width: 100%; height: auto; break-inside: avoid; }
figure { margin: 0.5em 0 1em; break-inside: avoid; }
figcaption, .caption { font-size: 8pt; color: #444; }
.not-run { border: 1px solid #c60; background: #fff4e5; padding: 0.4em 0.7em; }
.not-run code { font-weight: bold; }
code { font-size: 90%; } pre { white-space: pre-wrap; font-size: 8pt; }
nav ol { columns: 2; font-size: 9pt; }
.embedded { border-left: 3px solid #ddd; padding-left: 0.8em; }
/* prose, long URLs and German compounds: in the reports' tables and in transposed tables,
   whose columns are alike (one per row of the table), a cell may break anywhere */
.embedded td, table.transposed td, table.transposed th { overflow-wrap: anywhere; }
table.transposed td:first-child, table.transposed th:first-child { overflow-wrap: normal; }
@media print { body { max-width: none; margin: 0; padding: 0; }
               img { max-height: 165mm; width: auto; } }
"""


def esc(text: object) -> str:
    return html.escape(str(text))


def slug(text: str) -> str:
    """An id for an anchor of the annex's own table of contents."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def data_uri(path: Path) -> str:
    """The file as a ``data:`` URI (PNG, SVG, JPEG)."""
    path = Path(path)
    mime = MIME[path.suffix.lower()]
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def figure(path: Path, caption: str = "") -> str:
    """One figure, inlined, with its file name (and ``caption``) under it."""
    path = Path(path)
    text = esc(caption or path.name)
    return (
        f'<figure><img alt="{esc(path.stem)}" src="{data_uri(path)}">'
        f"<figcaption>{text}</figcaption></figure>"
    )


def not_run(what: str, command: str, detail: str = "") -> str:
    """The box a part shows when its inputs are missing: what, and the command that makes it."""
    extra = f" {esc(detail)}" if detail else ""
    return (
        f'<p class="not-run">not run: <code>{esc(command)}</code> ({esc(what)} missing).{extra}</p>'
    )


def _markdown_to_html(text: str) -> str:
    """CommonMark with GitHub's tables, as the reports and docs are written (``docs/ODD.md``
    nests lists by three spaces, which CommonMark reads as GitHub does); raw HTML in the
    Markdown is escaped, so no report can bring a script into the annex."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # still readable without it
        return f"<pre>{esc(text)}</pre>"
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


_IMG = re.compile(r'<img([^>]*?)src="([^"]+)"([^>]*)>')
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_HEADING = re.compile(r"<(/?)h([1-6])([^>]*)>")


def markdown_block(text: str, base: Path | None = None, shift: int = 0) -> str:
    """Markdown as HTML: figures relative to ``base`` inlined, headings ``shift`` levels down,
    and links inside the project (relative paths, in-document anchors) kept as plain text,
    since they do not resolve outside the project; web links stay links."""
    body = _markdown_to_html(text)

    def img(m: re.Match) -> str:
        src = html.unescape(m.group(2))
        path = (base / src) if base is not None else Path(src)
        if src.startswith("data:"):
            return m.group(0)
        if path.suffix.lower() in MIME and path.is_file():
            return f'<img{m.group(1)}src="{data_uri(path)}"{m.group(3)}>'
        return f"<em>[figure not found: {esc(src)}]</em>"

    def link(m: re.Match) -> str:
        href = html.unescape(m.group(1))
        if href.startswith(("http://", "https://")):
            return m.group(0)
        return f"<span>{m.group(2)}</span>"

    def heading(m: re.Match) -> str:
        return f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}{m.group(3)}>"

    body = _LINK.sub(link, _IMG.sub(img, body))
    return f'<div class="embedded">{_HEADING.sub(heading, body)}</div>'


def breakable(text: object) -> str:
    """Identifiers such as ``value_added_base_prices_eur`` may wrap after an underscore: a
    table of them then fits the page instead of breaking words at random letters. Marked with
    a zero-width space that ``table`` turns into ``<wbr>`` once the cells are escaped."""
    return str(text).replace("_", "_\u200b")


def rst(text: str) -> str:
    """A docstring's text as HTML: escaped, ````code```` as ``<code>``."""
    return re.sub(r"``(.+?)``", r"<code>\1</code>", esc(text))


def transposed(df: pd.DataFrame) -> pd.DataFrame:
    """One row per column of ``df``, one column per row, headed by the fewest leading columns
    that tell the rows apart (e.g. arm / scenario): a wide table with few rows fits a page."""
    keys = next((k for k in (1, 2, 3) if not df.iloc[:, :k].astype(str).duplicated().any()), 0)
    if keys:
        heads = df.iloc[:, :keys].astype(str).agg(" / ".join, axis=1)
        rest = df.iloc[:, keys:]
    else:
        heads, rest = pd.Series([f"row {i + 1}" for i in range(len(df))]), df
    out = rest.T
    out.columns = list(heads)
    return out.reset_index(names=" / ".join(df.columns[:keys]) or "column")


def table(df: pd.DataFrame, caption: str = "") -> str:
    """A DataFrame as an HTML table (cells escaped), with a caption under it; a table of more
    than ``WIDE`` columns and at most ``WIDE`` rows is printed transposed."""
    note = f'<p class="caption">{esc(caption)}</p>' if caption else ""
    if df.empty:  # e.g. the places with unmet demand, in a run that has none
        return f"<p><em>No rows ({esc(', '.join(map(str, df.columns)))}).</em></p>" + note
    classes = None
    if df.shape[1] > WIDE >= len(df):
        df, classes = transposed(df), "transposed"
    df = df.rename(columns=breakable)
    text = df.select_dtypes(exclude="number").columns
    df[text] = df[text].map(lambda v: breakable(v) if isinstance(v, str) else v)
    body = df.to_html(index=False, escape=True, border=0, na_rep="", classes=classes)
    # <wbr> rather than a zero-width space: text copied from the annex stays the identifier
    body = body.replace("\u200b", "<wbr>")
    return body + note


def page(title: str, subtitle: str, sections: list[tuple[str, str]]) -> str:
    """The whole document: title, contents and ``(heading, body HTML)`` sections as ``<h2>``."""
    toc = "".join(f'<li><a href="#{slug(h)}">{esc(h)}</a></li>' for h, _ in sections)
    parts = []
    for i, (heading, body) in enumerate(sections):
        cls = ' class="first"' if i == 0 else ""
        parts.append(f'<section><h2 id="{slug(heading)}"{cls}>{esc(heading)}</h2>{body}</section>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>{subtitle}</p>"
        f"<nav><h3>Contents</h3><ol>{toc}</ol></nav>{''.join(parts)}</body></html>\n"
    )
