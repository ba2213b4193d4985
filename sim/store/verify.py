"""Checks that a results folder is what it claims to be, and that a folder can take results.

* :func:`verify_run`: a run folder is finished only if its ``manifest.json`` has the manifest's
  fields with the right types, status ``complete``, a ``config_hash`` that matches its
  ``config``, and every table it lists is there, readable, with the rows and columns the
  manifest records. Used before a run is renamed into place (tables read in full), and whenever
  a folder is called finished: on resume (skip), in the sweep index, when loading.
* :func:`check_writable`: before the model runs, the results folder can be created, written and
  has room, so a disk fault costs seconds, not a finished run.
* :func:`differing_settings`: the config keys two runs differ in (for messages that name them).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sim.atomic import temporary_path
from sim.store.runs import MANIFEST, NOT_HASHED, TABLES, ResultsError, config_hash

# field -> allowed type(s) of a finished run's manifest
MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "run_id": str,
    "status": str,
    "scenario": str,
    "intervention": str,
    "seed": int,
    "config_hash": str,
    "config": dict,
    "tables": dict,
}
# a full-region run writes about 5 MB; below this much free space a run is not started
MIN_FREE_BYTES = 64 * 1024**2


def _read_manifest_problems(path: Path) -> tuple[dict | None, list[str]]:
    if not path.is_file():
        return None, [f"{MANIFEST} is missing"]
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [f"{MANIFEST} is unreadable ({exc})"]
    if not isinstance(manifest, dict):
        return None, [f"{MANIFEST} is not a JSON object"]
    problems = []
    for key, kind in MANIFEST_FIELDS.items():
        if key not in manifest:
            problems.append(f"{MANIFEST} has no '{key}'")
        elif not isinstance(manifest[key], kind) or isinstance(manifest[key], bool):
            text = f"{manifest[key]!r}, not of type {kind.__name__}"
            problems.append(f"{MANIFEST}'s '{key}' is {text}")
    return manifest, problems


def _table_problems(folder: Path, name: str, entry: Any, deep: bool) -> list[str]:
    import pyarrow.parquet as pq

    if not isinstance(entry, dict) or not isinstance(entry.get("rows"), int):
        return [f"{MANIFEST} does not record table '{name}' (file, rows, columns)"]
    path = folder / str(entry.get("file", f"{name}.parquet"))
    if not path.is_file():
        return [f"{path.name} is {'not a file' if path.exists() else 'missing'}"]
    try:
        if deep:  # every page decoded: what was just written reads back
            table = pq.read_table(path)
            rows, columns = table.num_rows, table.column_names
        else:  # the footer only: cheap enough for every run of a large sweep
            meta = pq.read_metadata(path)
            rows, columns = meta.num_rows, meta.schema.to_arrow_schema().names
    except Exception as exc:  # pyarrow raises several types for damaged files
        return [f"{path.name} cannot be read ({type(exc).__name__}: {exc})"]
    problems = []
    if rows != entry["rows"]:
        problems.append(f"{path.name} has {rows} rows, the manifest records {entry['rows']}")
    if "columns" in entry and list(columns) != list(entry["columns"]):
        problems.append(f"{path.name}'s columns differ from those the manifest records")
    return problems


def verify_run(run_dir: Path | str, deep: bool = False) -> list[str]:
    """Why ``run_dir`` is not a finished run; an empty list when it is one.

    ``deep`` reads every table in full (after writing); otherwise only their footers.
    """
    folder = Path(run_dir)
    if not folder.is_dir():
        return [f"{folder} is not a folder"]
    manifest, problems = _read_manifest_problems(folder / MANIFEST)
    if manifest is None:
        return problems
    if manifest.get("status") != "complete":
        problems.append(f"status is {manifest.get('status')!r}, not 'complete'")
    if isinstance(manifest.get("config"), dict) and isinstance(manifest.get("config_hash"), str):
        if config_hash(manifest["config"]) != manifest["config_hash"]:
            problems.append(f"{MANIFEST}'s config_hash does not match its config (edited?)")
    tables = manifest.get("tables") if isinstance(manifest.get("tables"), dict) else {}
    for name in TABLES:
        problems += _table_problems(folder, name, tables.get(name), deep)
    return problems


def check_run(run_dir: Path | str) -> dict:
    """The manifest of a finished run; ResultsError naming every problem otherwise."""
    problems = verify_run(run_dir)
    if problems:
        raise ResultsError(f"{run_dir} is not a complete run: {'; '.join(problems)}")
    return json.loads((Path(run_dir) / MANIFEST).read_text())


def check_writable(
    folder: Path | str, min_free: int = MIN_FREE_BYTES, create: bool = True, what: str = "results"
) -> Path:
    """Create ``folder`` if needed and make sure a run's results can be written into it.

    Raises ResultsError (naming the folder and the cause) if it cannot be created, is not a
    folder, refuses a file, or has less than ``min_free`` bytes free. ``create=False`` makes
    nothing: the nearest folder that exists is probed instead (a check before a long job whose
    failure should leave no empty folder behind). ``what`` names the folder in messages.
    """
    folder = Path(folder)
    fix = "choose another results_dir" if what == "results" else "choose another folder"
    for part in (folder, *folder.parents):
        if part.exists() and not part.is_dir():
            why = "is a file" if part == folder else f"cannot be made: {part} is a file"
            raise ResultsError(f"{what} folder {folder} {why}, not a folder; {fix}")
        if part.is_dir() or create:
            break
    probed = folder if create else next(p for p in (folder, *folder.parents) if p.is_dir())
    try:
        probed.mkdir(parents=True, exist_ok=True)
        probe = temporary_path(probed / "write-probe")
        probe.write_bytes(b"ok")
        probe.unlink()
        free = shutil.disk_usage(probed).free
    except OSError as exc:
        raise ResultsError(
            f"{what} folder {folder} cannot be written: {exc.strerror or exc} "
            f"({type(exc).__name__}); {fix} or fix its permissions"
        ) from None
    if free < min_free:
        raise ResultsError(
            f"{what} folder {folder} has only {free / 1024**2:.0f} MB free; a run needs at "
            f"least {min_free / 1024**2:.0f} MB: free some space or {fix}"
        )
    return folder


def _flat(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix[:-1]: tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(_flat(value, f"{prefix}{key}."))
    return out


def differing_settings(
    a: dict, b: dict, ignore: tuple[str, ...] = NOT_HASHED
) -> list[tuple[str, Any, Any]]:
    """``(dotted key, value in a, value in b)`` for every setting two configs differ in.

    Keys that start with one of ``ignore`` (where results go, by default) are left out; a key
    only one side has shows ``'<absent>'`` on the other.
    """
    flat_a, flat_b = _flat(a), _flat(b)
    out = []
    for key in sorted(set(flat_a) | set(flat_b)):
        if any(key == i or key.startswith(f"{i}.") for i in ignore):
            continue
        va, vb = flat_a.get(key, "<absent>"), flat_b.get(key, "<absent>")
        if va != vb:
            out.append((key, va, vb))
    return out


def describe_differences(diffs: list[tuple[str, Any, Any]], limit: int = 5) -> str:
    text = ", ".join(f"{k}: {va!r} vs {vb!r}" for k, va, vb in diffs[:limit])
    return text + (f" (and {len(diffs) - limit} more)" if len(diffs) > limit else "")
