"""Compare view: a finished sweep's interventions against a baseline, with 95 % intervals.

All statistics come from :func:`sim.analysis.paired_comparison` (seeds paired, t-intervals);
this module only picks what to show and draws it. The sweep folders offered are those
:func:`sim.store.list_sweeps` finds under the results folder; a user cannot type a path.

A folder that cannot be compared (damaged runs, runs of other settings, a file where a folder
should be) is a message on the page, never a traceback: reading and comparing happen in
:func:`_attempt`, which turns every error into text (expected ones, ``ResultsError`` and
``OSError``, are logged in one line; anything else with its traceback, as a bug).
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

import pandas as pd
import solara
import solara.lab

from sim.datasets import load_districts
from sim.store import ResultsError, finished_runs, list_sweeps
from sim.store.settings import swept_settings
from sim.ui import compare_plots as plots
from sim.ui.bands_view import ParameterRanges, ProjectionRanges
from sim.ui.plotly_chart import PlotlyChart, placeholder
from sim.vocabulary import SETTLEMENT_TYPES

BASELINE_KEYS = ("intervention", "scenario")
DEFAULT_BASELINE = {"intervention": "none", "scenario": "baseline"}
DISTRICT_CHOICES = ("all", *SETTLEMENT_TYPES)
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 8
log = logging.getLogger("sim.ui")
EXPECTED = (ResultsError, OSError)  # a folder's state, not a bug: logged without a traceback


def _attempt(what: str, make) -> tuple[object, str | None]:
    """``(make(), None)``, or ``(None, message)`` when it raised: the page shows the message."""
    try:
        return make(), None
    except EXPECTED as exc:
        message = str(exc) if isinstance(exc, ResultsError) else f"{type(exc).__name__}: {exc}"
        log.warning("%s: %s", what, message)
        return None, message
    except Exception as exc:  # a bug, or a folder state not foreseen: still only a message
        log.exception("%s failed", what)
        return None, f"{type(exc).__name__}: {exc}"


def _cached(key: tuple, make):
    """Comparisons and regions are costly and immutable: keep the last few per process."""
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = make()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def sweep_runs(sweep_dir: Path) -> pd.DataFrame:
    return finished_runs(sweep_dir, strict=False)


def comparison_for(sweep_dir: Path, key: str, value: str):
    """The paired comparison of a sweep, recomputed when its set of finished runs changes."""
    from sim.analysis import paired_comparison

    runs = tuple(sorted(sweep_runs(sweep_dir)["run_id"]))
    return _cached(
        ("comparison", str(sweep_dir), key, value, runs),
        lambda: paired_comparison(sweep_dir, baseline={key: value}),
    )


def dimensions(runs: pd.DataFrame) -> list[str]:
    """The run dimensions the sweep varies, the one to open on first: ``intervention``, then
    ``scenario``, then each swept setting (``sim.store.settings``; a parameter sweep).

    A sweep that varies nothing gives ``["intervention"]``; its comparison then says there is
    nothing to compare."""
    varying = [k for k in BASELINE_KEYS if runs[k].astype(str).nunique() > 1]
    settings = swept_settings(runs) if "path" in runs else pd.DataFrame()
    return [*varying, *settings.columns] or [BASELINE_KEYS[0]]


def sweep_overview(sweep_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    runs = sweep_runs(sweep_dir)
    return runs, dimensions(runs)


def district_names() -> dict[str, str]:
    return load_districts().set_index("district_id")["name"].to_dict()


def export_bytes(comparison, kind: str) -> bytes:
    """The comparison's export as one file: the XLSX workbook, or a ZIP of everything."""
    with tempfile.TemporaryDirectory() as tmp:
        written = comparison.write(Path(tmp), figures=kind == "zip")
        if kind == "xlsx":
            return Path(written["xlsx"]).read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
        return buffer.getvalue()


def format_amount(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    div, shown = plots.scale_for(str(unit))
    v = value / div
    digits = 2 if abs(v) < 100 else 0
    return f"{v:,.{digits}f} {shown}".strip()


def headline_html(rows: pd.DataFrame) -> str:
    out = ["<tr><th>metric</th><th>mean difference</th><th>95 % CI</th><th>pairs</th></tr>"]
    for r in rows.itertuples():
        ci = f"[{format_amount(r.ci_low, r.unit)}, {format_amount(r.ci_high, r.unit)}]"
        if pd.isna(r.ci_low) or pd.isna(r.ci_high):
            ci = "n/a"
        significant = not pd.isna(r.ci_low) and (r.ci_low > 0 or r.ci_high < 0)
        note = getattr(r, "note", "") or ""
        note_html = f'<div class="note">{note}</div>' if note else ""
        out.append(
            f'<tr class="{"sig" if significant else ""}"><td>{r.metric}{note_html}</td>'
            f'<td class="num" data-testid="compare-{r.metric}">'
            f"{format_amount(r.mean_diff, r.unit)}</td>"
            f'<td class="num">{ci}</td><td class="num">{r.n_pairs}</td></tr>'
        )
    return "".join(out)


CSS = """
.sim-compare-headline { border-collapse: collapse; font-size: 13px; }
.sim-compare-headline td, .sim-compare-headline th { padding: 2px 8px;
  border-bottom: 1px solid #eee; vertical-align: top; }
.sim-compare-headline td.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.sim-compare-headline tr.sig td.num:first-of-type { font-weight: 600; }
.sim-compare-headline .note { color: #777; font-size: 11px; }
"""
WIDE = {"min-width": "min(100%, 460px)", "flex": "1"}  # side by side, stacked on a phone
WRAP = {"align-items": "center", "flex-wrap": "wrap"}
SMALL = {"font-size": "12px", "color": "#666", "overflow-wrap": "anywhere"}


@solara.component
def CompareView(results_dir: Path):
    refresh = solara.use_reactive(0)
    sweeps, error = solara.use_memo(
        lambda: _attempt(f"listing {results_dir}", lambda: list_sweeps(results_dir)),
        [str(results_dir), refresh.value],
    )
    sweeps = sweeps or []
    labels = {_label(p, results_dir): p for p in sweeps}
    chosen = solara.use_reactive(None)
    current = chosen.value if chosen.value in labels else next(iter(labels), None)
    solara.Style(CSS)
    with solara.Row(style=WRAP):
        solara.Select(
            "Finished sweep",
            list(labels),
            value=current,
            on_value=chosen.set,
            classes=["sim-sweep"],
        )
        solara.Button(
            "Rescan", icon_name="mdi-refresh", on_click=lambda: refresh.set(refresh.value + 1)
        )
        solara.Text(f"results folder: {results_dir}", style=SMALL)
    if error:
        solara.Error(f"Cannot list {results_dir}: {error}", classes=["sim-compare-error"])
        return
    if current is None:
        solara.Info(
            f"No finished sweep in {results_dir}. Run one first, e.g. python -m sim.run -m "
            "intervention=none,innovation_transfer seed=0,1,2,3,4 region=small "
            f"results_dir={results_dir}. A folder whose runs are all damaged is not listed: "
            "python -m sim.store FOLDER says what is wrong with it.",
            classes=["sim-no-sweeps"],
        )
        return
    SweepComparison(labels[current], refresh.value)


def _label(path: Path, results_dir: Path) -> str:
    return str(path.relative_to(results_dir)) if path.is_relative_to(results_dir) else str(path)


@solara.component
def SweepComparison(sweep_dir: Path, scan: int = 0):
    """``scan`` counts the user's rescans: the runs are read again on each."""
    chosen_key = solara.use_reactive(None)
    chosen_base = solara.use_reactive(None)
    overview, error = solara.use_memo(
        lambda: _attempt(f"reading {sweep_dir}", lambda: sweep_overview(sweep_dir)),
        [str(sweep_dir), scan],
    )
    runs, dims = overview if overview is not None else (None, [BASELINE_KEYS[0]])
    # the dimension the sweep varies, unless the user chose another it also varies
    key = _pick(chosen_key.value, dims)
    paired = key in BASELINE_KEYS
    values = [] if runs is None or not paired else sorted(runs[key].astype(str).unique())
    default = DEFAULT_BASELINE.get(key)
    if chosen_base.value in values:
        base = chosen_base.value
    else:
        base = default if default in values or not values else values[0]

    def compare():
        if runs is None or not paired:
            return None, None
        return _attempt(f"comparing {sweep_dir}", lambda: comparison_for(sweep_dir, key, base))

    task = solara.lab.use_task(
        compare, dependencies=[str(sweep_dir), key, base, scan], raise_error=False
    )
    if error:
        solara.Error(error, classes=["sim-compare-error"])
        return
    with solara.Row(style=WRAP):
        solara.Text("Compare arms of")
        if len(dims) <= 4:
            solara.ToggleButtonsSingle(
                value=key, values=dims, on_value=chosen_key.set, classes=["sim-dimension"]
            )
        else:  # e.g. a sensitivity design varies dozens of settings
            solara.Select("dimension", dims, value=key, on_value=chosen_key.set)
        if paired:
            solara.Select(
                "against the baseline",
                values,
                value=base,
                on_value=chosen_base.set,
                classes=["sim-baseline"],
            )
        solara.Text(f"{len(runs)} finished runs", style={"color": "#666"})
    if not paired:
        ParameterRanges(sweep_dir, key, _cached, scan)
        return
    if task.pending or task.not_called:
        solara.ProgressLinear(True)
        solara.Text("computing the paired comparison …")
        return
    comparison, message = (None, f"{task.exception}") if task.error else task.value
    if message:
        solara.Error(f"No comparison: {message}", classes=["sim-compare-error"])
        return
    if comparison is not None:
        ComparisonResult(sweep_dir, comparison)


@solara.component
def ComparisonResult(sweep_dir: Path, comparison):
    c = comparison
    other = c.meta["other"]
    chosen_arm = solara.use_reactive(None)
    chosen_context = solara.use_reactive(None)
    chosen_time_metric = solara.use_reactive("value_added_real_eur")
    chosen_district_metric = solara.use_reactive("value_added_real_eur")
    settlement = solara.use_reactive("all")
    contexts = [str(x) for x in c.meta["contexts"]]
    arm = _pick(chosen_arm.value, list(c.arms))
    context = _pick(chosen_context.value, contexts)
    names = solara.use_memo(district_names, [])

    def rows(df: pd.DataFrame) -> pd.DataFrame:
        return df[(df["arm"] == arm) & (df[other].astype(str) == context)]

    head = rows(c.headline)
    over_time = rows(c.over_time)
    by_district = rows(c.by_district)
    time_metrics = list(dict.fromkeys(over_time["metric"]))
    district_metrics = list(dict.fromkeys(by_district["metric"]))
    time_metric = _pick(chosen_time_metric.value, time_metrics)
    district_metric = _pick(chosen_district_metric.value, district_metrics)
    key = [id(c), arm, context]
    stem = f"comparison__{sweep_dir.name}__{c.baseline_label.replace('=', '-')}"

    with solara.Row(style=WRAP):
        solara.Select(
            f"Arm ({c.meta['key']})",
            list(c.arms),
            value=arm,
            on_value=chosen_arm.set,
            classes=["sim-arm"],
        )
        if len(contexts) > 1:
            solara.Select(f"within {other}", contexts, value=context, on_value=chosen_context.set)
        solara.FileDownload(
            lambda: export_bytes(c, "xlsx"),
            filename=f"{stem}.xlsx",
            label="Download XLSX",
            mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        solara.FileDownload(
            lambda: export_bytes(c, "zip"),
            filename=f"{stem}.zip",
            label="Download all (ZIP)",
            mime_type="application/zip",
        )
    m = c.meta
    solara.Text(
        f"{arm} − {c.baseline_label} ({other} {context}); {m['n_seeds']} paired "
        f"seeds ({m['seeds']}); region {m['region']}, {m['start']}–{m['end']}, "
        f"{m['households_per_agent']} households per agent; code {m['code_version']}",
        style={"font-size": "12px", "color": "#555"},
    )
    for note in c.notes:
        solara.Warning(note, dense=True)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style=WIDE):
            solara.HTML("b", "Headline differences (arm − baseline), 95 % CI from paired seeds")
            with solara.Div(style={"overflow-x": "auto", "max-width": "100%"}):
                solara.HTML(
                    "table",
                    unsafe_innerHTML=headline_html(head),
                    classes=["sim-compare-headline"],
                    attributes={"data-testid": "compare-headline"},
                )
        with solara.Column(style=WIDE):
            solara.Select(
                "Metric over time",
                time_metrics,
                value=time_metric,
                on_value=chosen_time_metric.set,
            )
            t_rows = over_time[over_time["metric"] == time_metric]
            unit = str(t_rows["unit"].iloc[0]) if len(t_rows) else ""
            PlotlyChart(
                lambda: plots.difference_over_time(
                    t_rows, f"{time_metric}: {arm} − baseline", unit
                ),
                [*key, time_metric],
                classes=["sim-compare-time"],
            )
            ProjectionRanges(
                sweep_dir, c.meta["key"], arm, c.baseline_label.split("=", 1)[1], context, _cached
            )
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style=WIDE):
            with solara.Row(style=WRAP):
                solara.Select(
                    "Metric by district",
                    district_metrics,
                    value=district_metric,
                    on_value=chosen_district_metric.set,
                )
                solara.Select("Settlement type", list(DISTRICT_CHOICES), value=settlement)
            d_rows = by_district[
                (by_district["metric"] == district_metric)
                & (by_district["district_id"] != "all")
                & (by_district["settlement_type"] == settlement.value)
                & (by_district["trade_group"] == "all")
            ]
            year = int(d_rows["year"].max()) if len(d_rows) else None
            d_rows = d_rows[d_rows["year"] == year]
            d_unit = str(d_rows["unit"].iloc[0]) if len(d_rows) else ""
            where = "" if settlement.value == "all" else f", {settlement.value} places"
            PlotlyChart(
                lambda: (
                    plots.difference_by_district(
                        d_rows, names, f"{district_metric} {year}{where}: by district", d_unit
                    )
                    if len(d_rows)
                    else placeholder("no district rows for this choice")
                ),
                [*key, district_metric, settlement.value],
                classes=["sim-compare-districts"],
            )
        with solara.Column(style=WIDE):
            places = rows(c.places)
            PlotlyChart(
                lambda: plots.places_map(places, m["places_year"]), key, classes=["sim-compare-map"]
            )


def _pick(value, allowed: list):
    """The user's choice while it is still offered, else the first option."""
    return value if value in allowed else (allowed[0] if allowed else None)
