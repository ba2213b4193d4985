"""Sweep folders: many runs in one folder, their failure records and ``index.parquet``.

Loading a sweep's finished runs (``load``, ``finished_runs``) goes through here; a run folder
itself is :mod:`sim.store.runs`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd

from sim.atomic import write_text, write_with
from sim.store.runs import (
    MANIFEST,
    TABLES,
    ResultsError,
    code_version,
    is_finished,
    read_manifest,
    remove_stale_temporaries,
)
from sim.store.settings import with_settings
from sim.store.verify import verify_run

# ---- sweeps: many runs in one folder ------------------------------------------------------------
#
# A sweep folder ``<results_dir>/<batch>/`` holds one sub-folder per run, plus
#   index.parquet   one row per run folder and per recorded failure (status, error), rebuilt from
#                   the manifests and the failure records, written atomically;
#   .failed/        one JSON record per run that raised (removed when the run later succeeds);
#   _report/        exports made by ``sim.compare`` and ``experiments`` (not a run).
# Folder names starting with "." or "_" are never runs.

RUN_COLUMNS = ("run_id", "scenario", "intervention", "seed")
INDEX = "index.parquet"
FAILED_DIR = ".failed"
STATUSES = ("complete", "failed", "corrupt")


def is_run_folder(path: Path) -> bool:
    """A visible sub-folder of a sweep folder (``.tmp``, ``.failed``, ``_report`` are not)."""
    path = Path(path)
    return path.is_dir() and not path.name.startswith((".", "_"))


def check_sweep_dir(sweep_dir: Path | str) -> Path:
    """The sweep folder as a Path; a ResultsError naming the problem if it cannot be one."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.exists():
        found = list_sweeps(sweep_dir.parent) if sweep_dir.parent.is_dir() else []
        hint = (
            f"; sweep folders with finished runs in {sweep_dir.parent}: "
            + ", ".join(p.name for p in found)
            if found
            else ""
        )
        raise ResultsError(f"sweep folder {sweep_dir} does not exist{hint}")
    if not sweep_dir.is_dir():
        raise ResultsError(f"{sweep_dir} is a file, not a sweep folder")
    if (sweep_dir / MANIFEST).exists():
        raise ResultsError(
            f"{sweep_dir} is a single run folder, not a sweep folder; "
            f"pass the folder that holds it: {sweep_dir.parent}"
        )
    subs = [p for p in sorted(sweep_dir.iterdir()) if is_run_folder(p)]
    if subs and not any((p / MANIFEST).exists() for p in subs):
        sweeps = [p.name for p in subs if _looks_like_sweep(p)]
        if sweeps:  # the results folder above the sweeps: its sweeps are not its runs
            raise ResultsError(
                f"{sweep_dir} holds sweep folders ({', '.join(sweeps[:5])}"
                f"{', ...' if len(sweeps) > 5 else ''}), not runs: pass one of them, e.g. "
                f"{sweep_dir / sweeps[0]}"
            )
    return sweep_dir


def _looks_like_sweep(folder: Path) -> bool:
    """A folder with an index or a sub-folder holding a manifest (one listing, no reading)."""
    if (folder / INDEX).exists():
        return True
    return any((p / MANIFEST).exists() for p in folder.iterdir() if is_run_folder(p))


def record_failure(run_dir: Path, info: dict, error: BaseException | str) -> Path:
    """Write ``.failed/<run_id>.json`` for a run that raised; returns the record's path."""
    run_dir = Path(run_dir)
    folder = run_dir.parent / FAILED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(error, BaseException):
        import traceback

        message = f"{type(error).__name__}: {error}"
        trace = "".join(traceback.format_exception(error))
    else:
        message, trace = str(error), ""
    from datetime import UTC, datetime

    record = {
        "run_id": run_dir.name,
        **info,
        "status": "failed",
        "error": message,
        "traceback": trace,
        "failed_at": datetime.now(UTC).isoformat(),
        **code_version(),
    }
    path = folder / f"{run_dir.name}.json"
    write_text(path, json.dumps(record, indent=2, default=str), fsync=True)
    return path


def clear_failure(run_dir: Path) -> None:
    """Forget an earlier failure of this run (it has finished now)."""
    path = Path(run_dir).parent / FAILED_DIR / f"{Path(run_dir).name}.json"
    path.unlink(missing_ok=True)


def _read_failure(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {"error": f"failure record {path} is unreadable"}


def read_failures(sweep_dir: Path, run_ids: list[str] | None = None) -> dict[str, dict]:
    """Failure records by run id (all of them, or those of ``run_ids`` that exist)."""
    folder = Path(sweep_dir) / FAILED_DIR
    if not folder.is_dir():
        return {}
    if run_ids is None:
        paths = sorted(folder.glob("*.json"))
    else:
        paths = [p for p in (folder / f"{r}.json" for r in run_ids) if p.is_file()]
    return {path.stem: _read_failure(path) for path in paths}


def _index_row(run_dir: Path) -> dict:
    row = {"run_id": run_dir.name, "path": str(run_dir)}
    problems = verify_run(run_dir)  # manifest fields, tables readable, rows as recorded
    try:
        manifest = read_manifest(run_dir)
    except ResultsError as exc:
        return {**row, "status": "corrupt", "error": str(exc)}
    config = manifest.get("config", {})
    config = config if isinstance(config, dict) else {}
    row.update(
        status="corrupt" if problems else "complete",
        error=f"{run_dir}: {'; '.join(problems)}" if problems else "",
        scenario=manifest.get("scenario"),
        intervention=manifest.get("intervention"),
        seed=manifest.get("seed"),
        config_hash=manifest.get("config_hash"),
        region=config.get("region", {}).get("name"),
        households_per_agent=config.get("households_per_agent"),
        start=config.get("start"),
        end=config.get("end"),
        git_commit=manifest.get("git_commit"),
        git_dirty=manifest.get("git_dirty"),
        wall_seconds=manifest.get("wall_seconds"),
        finished_at=manifest.get("finished_at"),
    )
    return row


INDEX_COLUMNS = (
    "run_id",
    "status",
    "scenario",
    "intervention",
    "seed",
    "config_hash",
    "region",
    "households_per_agent",
    "start",
    "end",
    "git_commit",
    "git_dirty",
    "wall_seconds",
    "finished_at",
    "error",
    "path",
)


def _index_rows(sweep_dir: Path, run_ids: list[str] | None = None) -> list[dict]:
    """Index rows of every run of the folder, or of ``run_ids`` only (folder or failure)."""
    if run_ids is None:
        folders = [p for p in sorted(sweep_dir.iterdir()) if is_run_folder(p)]
    else:
        folders = [sweep_dir / r for r in run_ids if is_run_folder(sweep_dir / r)]
    rows = [_index_row(p) for p in folders]
    present = {r["run_id"] for r in rows}
    for run_id, record in read_failures(sweep_dir, run_ids).items():
        if run_id in present:
            # a folder that is there but broken keeps its own diagnosis, plus why the run failed
            for r in rows:
                if r["run_id"] == run_id and r["status"] != "complete":
                    r["error"] = f"{r['error']}; last attempt: {record.get('error', '')}"
            continue
        rows.append(
            {
                "run_id": run_id,
                "status": "failed",
                "scenario": record.get("scenario"),
                "intervention": record.get("intervention"),
                "seed": record.get("seed"),
                "config_hash": record.get("config_hash"),
                "git_commit": record.get("git_commit"),
                "git_dirty": record.get("git_dirty"),
                "finished_at": record.get("failed_at"),
                "error": record.get("error", ""),
                "path": str(sweep_dir / run_id),
            }
        )
    return rows


def _index_frame(index: pd.DataFrame) -> pd.DataFrame:
    """The index's column types and row order (the same however the rows were gathered)."""
    index = index.reindex(columns=list(INDEX_COLUMNS))
    index["seed"] = pd.array(pd.to_numeric(index["seed"], errors="coerce"), dtype="Int64")
    index["wall_seconds"] = pd.to_numeric(index["wall_seconds"], errors="coerce").astype(float)
    index["households_per_agent"] = pd.to_numeric(
        index["households_per_agent"], errors="coerce"
    ).astype(float)
    index["git_dirty"] = index["git_dirty"].astype("boolean")
    for col in INDEX_COLUMNS:
        if col not in ("seed", "wall_seconds", "households_per_agent", "git_dirty"):
            index[col] = index[col].astype("string")
    index["error"] = index["error"].fillna("")
    return index.sort_values(["status", "run_id"], ignore_index=True)


def build_index(sweep_dir: Path | str) -> pd.DataFrame:
    """One row per run folder (complete or corrupt) and per recorded failure without a folder."""
    sweep_dir = Path(sweep_dir)
    return _index_frame(pd.DataFrame(_index_rows(sweep_dir), columns=list(INDEX_COLUMNS)))


class _Lock:
    """An advisory file lock (``flock``) so parallel jobs do not write the index at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = None

    def __enter__(self) -> _Lock:
        try:
            import fcntl

            self.fh = open(self.path, "a")
            fcntl.flock(self.fh, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no flock (Windows, some network file systems)
            self.fh = None  # still safe: the write below is atomic, only maybe stale
        return self

    def __exit__(self, *exc) -> None:
        if self.fh is not None:
            self.fh.close()  # releases the lock


def write_index(sweep_dir: Path | str) -> Path:
    """Rebuild ``index.parquet`` from the run folders and failure records, atomically."""
    sweep_dir = Path(sweep_dir)
    with _Lock(sweep_dir / ".index.lock"):
        return _replace_index(sweep_dir, build_index(sweep_dir))


def update_index(sweep_dir: Path | str, run_id: str) -> Path:
    """Bring one run's row of ``index.parquet`` up to date, atomically.

    What every job of a sweep does when it ends: it reads the index and the one run's manifest
    or failure record, not every run's (a rebuild reads them all: ~0.1 s at 1,000 runs, under a
    lock that parallel jobs share). An index that is missing, unreadable or of another layout
    is rebuilt in full, and so is one whose runs no longer match the folder's (a job that died
    before updating its row). A run folder that changed in place without its job updating the
    row (hand edits) is only seen by a rebuild: ``write_index``, at the end of every sweep.
    """
    sweep_dir = Path(sweep_dir)
    path = sweep_dir / INDEX
    with _Lock(sweep_dir / ".index.lock"):
        try:
            old = pd.read_parquet(path)
        except Exception:  # missing or unreadable: rebuilt below
            old = None
        if old is None or list(old.columns) != list(INDEX_COLUMNS):
            return _replace_index(sweep_dir, build_index(sweep_dir))
        new = pd.DataFrame(_index_rows(sweep_dir, [run_id]), columns=list(INDEX_COLUMNS))
        kept = old[old["run_id"] != run_id]
        parts = [frame for frame in (kept, new) if len(frame)]
        merged = pd.concat(parts, ignore_index=True) if parts else new
        # a run whose own job died before updating its row (killed, out of memory, time
        # limit) is caught here: the folder's runs and failures no longer match the rows
        if set(merged["run_id"]) != _run_ids_on_disk(sweep_dir):
            return _replace_index(sweep_dir, build_index(sweep_dir))
        return _replace_index(sweep_dir, _index_frame(merged))


def _run_ids_on_disk(sweep_dir: Path) -> set[str]:
    """Names of the run folders and failure records (one listing each, nothing read)."""
    ids = {p.name for p in sweep_dir.iterdir() if is_run_folder(p)}
    failed = sweep_dir / FAILED_DIR
    if failed.is_dir():
        ids |= {p.stem for p in failed.glob("*.json")}
    return ids


def _replace_index(sweep_dir: Path, index: pd.DataFrame) -> Path:
    """Write ``index`` as the folder's ``index.parquet`` (caller holds the lock)."""
    path = sweep_dir / INDEX
    # writers hold the lock, so any temporary index here was left by a killed writer
    remove_stale_temporaries(path)
    return write_with(path, lambda tmp: index.to_parquet(tmp, index=False))


def read_index(sweep_dir: Path | str) -> pd.DataFrame:
    """The sweep's index, rebuilt from the folders (always current, also after a killed sweep)."""
    return build_index(check_sweep_dir(sweep_dir))


def finished_runs(sweep_dir: Path | str, strict: bool = True) -> pd.DataFrame:
    """Index rows of the finished runs. ``strict``: a corrupt run folder raises ResultsError."""
    sweep_dir = check_sweep_dir(sweep_dir)
    index = build_index(sweep_dir)
    corrupt = index[index["status"] == "corrupt"]
    if strict and len(corrupt):
        first = corrupt.iloc[0]
        raise ResultsError(
            f"sweep folder {sweep_dir} contains {len(corrupt)} corrupt run folder(s), first "
            f"{first['path']}: {first['error']}. Move or delete it; re-running the sweep "
            f"command then redoes that run"
        )
    done = index[index["status"] == "complete"].reset_index(drop=True)
    if done.empty:
        failed = int((index["status"] == "failed").sum())
        what = f" ({failed} failed, see {sweep_dir / INDEX})" if failed else ""
        raise ResultsError(
            f"sweep folder {sweep_dir} has no finished runs{what}; run a sweep into it first, "
            f"e.g. python -m sim.run -m results_dir={sweep_dir.parent} ... "
            f"(sweep folders are <results_dir>/<batch>)"
        )
    return done


def load(
    sweep_dir: Path | str,
    table: str = "groups",
    columns: list[str] | None = None,
    strict: bool = True,
) -> pd.DataFrame:
    """One table of every finished run of a sweep, with run columns in front.

    ``load("results/policy_comparison", "groups")`` -> DataFrame with run_id, scenario,
    intervention, seed, the settings the sweep varies (``model.price_elasticity``, ...;
    ``sim.store.settings``), then the table's columns. ``columns`` limits the table's columns
    read. A corrupt run folder raises ResultsError (``strict=False`` skips it with a warning).
    """
    if table not in TABLES:
        raise ResultsError(f"unknown table {table!r}; allowed: {', '.join(TABLES)}")
    runs = finished_runs(sweep_dir, strict=strict)
    if not strict:
        for _, bad in build_index(sweep_dir).query("status == 'corrupt'").iterrows():
            warnings.warn(f"skipping corrupt run {bad['path']}: {bad['error']}", stacklevel=2)
    frames = []
    for run in runs.itertuples():
        path = Path(run.path) / f"{table}.parquet"
        try:
            df = pd.read_parquet(path, columns=columns)
        except Exception as exc:  # pyarrow raises several types for damaged files
            if not strict:
                continue
            raise ResultsError(
                f"{path} is corrupt and cannot be read: {exc}. Move or delete {run.path}; "
                f"re-running the sweep command then redoes that run"
            ) from None
        df.insert(0, "run_id", run.run_id)
        df.insert(1, "scenario", run.scenario)
        df.insert(2, "intervention", run.intervention)
        df.insert(3, "seed", int(run.seed))
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out = with_settings(out, runs)
    for col in ("run_id", "scenario", "intervention"):
        out[col] = out[col].astype("string")
    return out


def list_sweeps(results_dir: Path | str = "results") -> list[Path]:
    """Sweep folders under ``results_dir`` that hold at least one finished run, sorted."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        return []
    return [
        p
        for p in sorted(results_dir.iterdir())
        if is_run_folder(p) and any(is_finished(r) for r in p.iterdir() if is_run_folder(r))
    ]
