"""Results on disk: one folder per run with ``manifest.json`` and Parquet tables.

A run is written into a hidden temporary folder next to its final place and renamed when every
file is complete, so a folder named like a run is always a finished run; a run killed half-way
leaves only a hidden temporary folder (``sim.atomic``'s name, ``.<name>.tmp-<pid>``), which loaders
ignore and the next attempt removes. A finished run is never overwritten. Single files (the
sweep index, failure records) are written with ``sim.atomic`` too.

Runs go to ``<results_dir>/<batch>/<run_id>/``. Manifests written before the results-folder key
was renamed from ``experiment`` to ``batch`` carry ``experiment`` instead (at the top level and in
``config``); nothing reads that field, and ``config_hash`` ignores both names, so a run's id is
the same under either.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from sim.atomic import TMP_MARK, temporary_path

TABLES = ("groups", "districts", "places", "place_groups")
MANIFEST = "manifest.json"
PACKAGES = ("mesa", "numpy", "pandas", "networkx", "scipy", "hydra-core", "omegaconf", "pyarrow")
# where a run is written, not what it computes; "experiment" is the results-folder key's name in
# manifests written before it became "batch" (excluded too, so their hashes stay reproducible)
NOT_HASHED = ("results_dir", "run_id", "progress", "batch", "experiment")


class ResultsError(RuntimeError):
    """A results folder is missing, incomplete or corrupt: the message names it."""


def config_hash(resolved: dict) -> str:
    """Short stable hash of the settings that change results (not where they are written)."""
    relevant = {k: v for k, v in resolved.items() if k not in NOT_HASHED}
    text = json.dumps(relevant, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def code_version() -> dict:
    """Git commit of the code, and whether the work tree had uncommitted changes."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown"
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return {"git_commit": commit, "git_dirty": dirty}


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict:
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def is_finished(run_dir: Path) -> bool:
    """A run folder that passes :func:`sim.store.verify.verify_run` (manifest and tables)."""
    from sim.store.verify import verify_run

    return Path(run_dir).is_dir() and not verify_run(run_dir)


def write_run(run_dir: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> Path:
    """Write tables and manifest atomically; refuse to replace a finished run."""
    run_dir = Path(run_dir)
    if run_dir.exists():
        raise ResultsError(
            f"results folder {run_dir} already exists; finished runs are never "
            f"overwritten (delete it yourself or choose another run_id)"
        )
    from sim.store.verify import verify_run

    run_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(run_dir)  # a folder, renamed as a whole once complete
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        files = {}
        for name in TABLES:
            path = tmp / f"{name}.parquet"
            tables[name].to_parquet(path, index=False)
            files[name] = {
                "file": path.name,
                "rows": len(tables[name]),
                "columns": list(tables[name].columns),
            }
        manifest = {**manifest, "tables": files, "status": "complete"}
        with open(tmp / MANIFEST, "w") as fh:
            json.dump(manifest, fh, indent=2, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        # read back what was written (every table in full) before it may be called complete
        problems = verify_run(tmp, deep=True)
        if problems:
            raise ResultsError(
                f"the results of {run_dir.name} did not read back correctly, so they were not "
                f"kept: {'; '.join(problems)}"
            )
        os.rename(tmp, run_dir)  # atomic on one file system; fails if run_dir appeared meanwhile
    except OSError as exc:  # disk full, permissions, a folder that vanished
        shutil.rmtree(tmp, ignore_errors=True)
        raise ResultsError(
            f"could not write the results folder {run_dir}: {exc.strerror or exc} "
            f"({type(exc).__name__}); nothing of this run was kept. Fix the cause and run the "
            f"same command again"
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return run_dir


def stale_temporaries(path: Path) -> list[Path]:
    """Temporaries of ``path`` (``sim.atomic.temporary_path``, any process id) beside it.

    Exactly that name: the temporary of run ``a`` is not mistaken for that of run ``a.x``.
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    pattern = re.compile(
        rf"\.{re.escape(path.stem)}{re.escape(TMP_MARK)}\d+{re.escape(path.suffix)}"
    )
    return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))


def remove_stale_temporaries(path: Path) -> None:
    """Remove what killed writers of ``path`` (a run folder or a file) left behind."""
    for stale in stale_temporaries(path):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def read_manifest(run_dir: Path) -> dict:
    path = Path(run_dir) / MANIFEST
    if not path.is_file():
        raise ResultsError(f"{run_dir} is not a finished run: {MANIFEST} is missing")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path} is corrupt (not valid JSON: {exc})") from None
    if not isinstance(manifest, dict):
        raise ResultsError(f"{path} is corrupt (not a JSON object)")
    if manifest.get("status") != "complete":
        raise ResultsError(f"{run_dir} is not complete (status {manifest.get('status')!r})")
    return manifest


def read_run(run_dir: Path, table: str = "groups") -> pd.DataFrame:
    """One table of one finished run, with clear errors for missing or corrupt files."""
    if table not in TABLES:
        raise ResultsError(f"unknown table {table!r}; allowed: {', '.join(TABLES)}")
    read_manifest(run_dir)
    path = Path(run_dir) / f"{table}.parquet"
    if not path.is_file():
        raise ResultsError(f"{path} is missing although the manifest says the run is complete")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ResultsError(f"{path} is corrupt and cannot be read: {exc}") from None
