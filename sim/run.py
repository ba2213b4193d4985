"""Command line: one projection (``python -m sim.run``) or a sweep (``python -m sim.run -m``).

Examples::

    python -m sim.run                                   # baseline, all districts, 1:1
    python -m sim.run scenario=early_exit seed=3 region=small
    python -m sim.run intervention=[innovation_transfer,succession_support]
    python -m sim.run -m scenario=baseline,early_exit seed='range(5)'   # parallel (joblib)
    python -m sim.run -m experiment=policy_comparison                   # a study experiment

Each run writes ``<results_dir>/<batch>/<run_id>/`` (manifest.json + Parquet tables). In a
sweep (``-m``) a failing run is recorded in the sweep's ``index.parquet`` and the other runs go
on; re-running the same command runs only what is missing or failed (docs/usage_sweeps.md).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.cli_checks import check_override_forms, check_yaml_files
from sim.config import (
    CONF_DIR,
    ConfigError,
    check_experiment_overrides,
    check_override_keys,
    intervention_label,
    register_configs,
    validate,
)
from sim.config_domains import SINGLE_CHOICE_GROUPS, check_group_choice, check_group_overrides
from sim.datasets import DataError
from sim.store import (
    ResultsError,
    check_writable,
    clear_failure,
    code_version,
    config_hash,
    describe_differences,
    differing_settings,
    is_finished,
    package_versions,
    read_manifest,
    record_failure,
    remove_stale_temporaries,
    update_index,
    verify_run,
    write_run,
)
from sim.sweep import PARENT_ENV, SweepSummary, watch_parent
from sim.vocabulary import TRADE_GROUPS

log = logging.getLogger("sim.run")
# Mesa logs every step at INFO; Hydra sets the root logger to INFO
logging.getLogger("MESA").setLevel(logging.WARNING)
register_configs()


def run_id_for(cfg: DictConfig) -> str:
    if cfg.run_id:
        return str(cfg.run_id)
    resolved = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    label = intervention_label(cfg.intervention)
    return f"{cfg.scenario.name}__{label}__seed{cfg.seed}__{config_hash(resolved)}"


def run_dir_for(cfg: DictConfig) -> Path:
    return Path(cfg.results_dir) / str(cfg.batch) / run_id_for(cfg)


def check_group_choices() -> None:
    """Group choices as Hydra composed them: no list for region or scenario, no ``*_schema``.

    Hydra records no choice for a group chosen with a list (``scenario=[a,b]``, which merges
    the scenarios into one); the command line is checked before Hydra too, this catches the
    same in configs (an experiment's sweep).
    """
    from hydra.core.hydra_config import HydraConfig

    if not HydraConfig.initialized():
        return
    choices = HydraConfig.get().runtime.choices
    for group in SINGLE_CHOICE_GROUPS:
        if group != "experiment" and group not in choices:
            raise ConfigError(
                f"{group} was chosen with a list, which merges several {group}s into one run; "
                f"choose one (to run several, sweep them: python -m sim.run -m {group}=a,b)"
            )
    for group, choice in choices.items():
        check_group_choice(group, choice)


def reuse_finished(cfg: DictConfig, run_dir: Path) -> bool:
    """True if ``run_dir`` is a finished run of exactly these settings (so it is kept).

    ResultsError if the folder is damaged, or holds a run of other settings (a fixed
    ``run_id`` reused with other values): it is never overwritten and never passed off as
    this command's result.
    """
    problems = verify_run(run_dir)
    if problems:
        raise ResultsError(
            f"{run_dir} exists but is not a finished run ({'; '.join(problems)}); move it "
            f"away to re-run it"
        )
    manifest = read_manifest(run_dir)
    resolved = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    if manifest["config_hash"] == config_hash(resolved):
        return True
    diffs = differing_settings(manifest["config"], resolved)
    raise ResultsError(
        f"{run_dir} holds a finished run of other settings (config_hash "
        f"{manifest['config_hash']}, this command's {config_hash(resolved)}; "
        f"{describe_differences(diffs) or 'settings differ'}); it is kept and not reused. "
        f"Choose another run_id (or leave it empty: the id then includes the settings' hash) "
        f"or another batch"
    )


def execute(cfg: DictConfig) -> Path:
    """Validate, run the model, and write the results folder. Returns the run folder."""
    from sim.model import RegionModel  # heavy imports only once the config is known good

    check_group_choices()
    validate(cfg)
    run_dir = run_dir_for(cfg)
    if run_dir.exists():
        if reuse_finished(cfg, run_dir):
            log.info("already finished, not run again: %s", run_dir)
            return run_dir
    # before the model runs: a disk fault costs seconds, not a finished run
    check_writable(run_dir.parent)
    remove_stale_temporaries(run_dir)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    model = RegionModel(cfg)
    setup_seconds = time.perf_counter() - clock
    bar = None
    if cfg.progress:
        from tqdm import tqdm

        bar = tqdm(total=model.n_quarters, unit="quarter", desc=run_dir.name, file=sys.stderr)

    def progress(m) -> None:
        bar.update(1)
        bar.set_postfix_str(m.current_label)

    tables = model.run(progress if bar else None)
    if bar:
        bar.close()
    wall = time.perf_counter() - clock
    resolved = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    manifest = {
        "run_id": run_dir.name,
        "batch": cfg.batch,
        "scenario": cfg.scenario.name,
        "intervention": intervention_label(cfg.intervention),
        "seed": int(cfg.seed),
        "config_hash": config_hash(resolved),
        "config": resolved,
        **code_version(),
        "packages": package_versions(),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "wall_seconds": round(wall, 3),
        "setup_seconds": round(setup_seconds, 3),
        "phase_seconds": {k: round(v, 3) for k, v in model.phase_seconds.items()},
        "quarters": model.n_quarters,
        "firms_at_start": int(tables["groups"].query("quarter == @cfg.start")["firms"].sum()),
        "households_agents_at_end": len(model.households.table),
        # per active lever: its cost over the run and what it did (cases, vouchers, hubs)
        "levers": model.interventions.summary(),
        # each trade group's market reach in half-times, as the base-year calibration set it
        # (wider than configured where the group's output could not be sold within it)
        "market_reach_half_times": dict(
            zip(TRADE_GROUPS, model.market.reach_half_times.tolist(), strict=True)
        ),
    }
    write_run(run_dir, tables, manifest)
    log.info("results written to %s (%.1f s)", run_dir, wall)
    print(f"results: {run_dir}")
    return run_dir


def _in_multirun() -> bool:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def _in_worker_pool() -> bool:
    """A job run by joblib's worker processes (the default launcher), not by the basic
    launcher in this process or by submitit (whose jobs may outlive their submitter)."""
    from hydra.core.hydra_config import HydraConfig

    target = str(OmegaConf.select(HydraConfig.get(), "launcher._target_") or "")
    return "joblib" in target.lower()


def sweep_job(cfg: DictConfig) -> dict:
    """One job of a multirun: run it, or record why it failed; never raise for a model error.

    Returns the job's record for the progress display (status complete / skipped / failed).
    Every job updates its row of the sweep's index, so it is current even if the sweep is
    killed.
    """
    clock = time.perf_counter()
    if _in_worker_pool():
        watch_parent()  # a worker ends with the sweep's process, even after its SIGKILL
    cfg.progress = False  # one quarter bar per parallel job would garble the terminal
    record: dict = {"status": "failed", "run_id": None, "run_dir": None}
    run_dir = None
    try:
        run_dir = run_dir_for(cfg)
        record.update(run_id=run_dir.name, run_dir=str(run_dir))
        record["status"] = "skipped" if is_finished(run_dir) else "complete"
        execute(cfg)
        clear_failure(run_dir)
    except Exception as exc:  # recorded, so that the other jobs of the sweep go on
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        if run_dir is not None:
            info = {"scenario": None, "intervention": None, "seed": None, "config_hash": None}
            try:
                info = {
                    "scenario": str(cfg.scenario.name),
                    "intervention": intervention_label(cfg.intervention),
                    "seed": int(cfg.seed),
                    "config_hash": run_dir.name.rsplit("__", 1)[-1],
                }
            except Exception:  # the config itself is what is broken
                pass
            path = record_failure(run_dir, info, exc)
            log.error("run %s failed: %s (recorded in %s)", run_dir.name, exc, path)
        else:
            log.error("job failed before its run folder was known: %s", exc)
    if run_dir is not None and run_dir.parent.is_dir():
        try:
            update_index(run_dir.parent, run_dir.name)
        except Exception as exc:  # the index is rebuilt at the end of the sweep anyway
            log.warning("could not update the sweep index: %s", exc)
    record["seconds"] = round(time.perf_counter() - clock, 3)
    return record


# absolute path: the same whether this file runs as __main__ or is imported as sim.run
@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def main(cfg: DictConfig) -> dict | None:
    if _in_multirun():
        return sweep_job(cfg)
    try:
        execute(cfg)
    except (ConfigError, DataError, ResultsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:  # the disk, not the model: a message, not a traceback
        print(f"error: {type(exc).__name__}: {exc}; nothing of this run was kept", file=sys.stderr)
        sys.exit(2)
    return None


SUMMARY_OVERRIDE = "hydra.callbacks.sweep.summary_file"


def _with_override(args: list[str], override: str) -> list[str]:
    """``args`` with ``override`` next to the other overrides.

    Hydra's argument parser takes the overrides as one group: placed after a flag, an override
    that follows others would be refused.
    """
    plain = [i for i, a in enumerate(args) if not a.startswith("-") and "=" in a]
    at = plain[-1] + 1 if plain else 0
    return [*args[:at], override, *args[at:]]


def _last_value(overrides: list[str], key: str) -> str | None:
    values = [o.split("=", 1)[1] for o in overrides if o.lstrip("+").split("=", 1)[0] == key]
    return values[-1].strip("'\"") if values else None


def _is_sweep(override: str) -> bool:
    """``key=a,b`` or ``key=range(...)``: a value per job, not one for all."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        return OverridesParser.create().parse_overrides([override])[0].is_sweep_override()
    except Exception:  # a syntax error: Hydra's own message says where
        return True


def check_command(args: list[str], overrides: list[str]) -> None:
    """What the command line alone shows is wrong, before Hydra starts (and writes its logs).

    A fixed ``run_id`` in a sweep would give every job the same folder: the first to finish
    would stand for all (a sweep over run ids, ``run_id=a,b``, is fine). The results folder
    must be writable (Hydra writes its logs there before any run starts, and fails with a
    traceback if it cannot).
    """
    multirun = any(a in ("-m", "--multirun") for a in args)
    run_id = _last_value(overrides, "run_id")
    if multirun and run_id and not _is_sweep(f"run_id={run_id}"):
        raise ConfigError(
            f"config key 'run_id' has value {run_id!r} in a sweep (-m); a run_id names one run, "
            f"so every job would share its folder. Leave run_id empty (each run's id is then "
            f"built from its scenario, intervention, seed and settings) and name the sweep's "
            f"folder with batch=NAME"
        )
    results_dir = _last_value(overrides, "results_dir")
    if results_dir is None:
        results_dir = str(OmegaConf.load(CONF_DIR / "config.yaml").results_dir)
    # an interpolation or a sweep over folders is resolved by Hydra: checked by each run
    if not any(c in results_dir for c in ("${", ",", "(", "[", "*")):
        check_writable(results_dir, min_free=0)


def cli() -> None:
    args = sys.argv[1:]
    overrides = [a for a in args if not a.startswith("-")]
    try:
        check_override_forms(overrides)
        check_yaml_files(args)
        check_experiment_overrides(overrides)
        check_override_keys(overrides)
        check_group_overrides(overrides)
        check_command(args, overrides)
    except (ConfigError, ResultsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    os.environ[PARENT_ENV] = str(os.getpid())  # the workers' watchdog (sim.sweep.watch_parent)
    # the sweep callback (sim.sweep) writes its summary to a file this command names
    with tempfile.TemporaryDirectory(prefix="sim-sweep-") as tmp:
        summary_file = Path(tmp) / "summary.json"
        sys.argv[1:] = _with_override(args, f"{SUMMARY_OVERRIDE}='{summary_file.as_posix()}'")
        main()
        summary = SweepSummary.read(summary_file)
    if summary is not None and summary.counts.get("failed"):
        errors = sorted({r.get("error", "?") for r in summary.failed})
        print(
            f"error: {summary.counts['failed']} run(s) of the sweep failed (recorded in "
            + ", ".join(str(d / "index.parquet") for d in summary.sweep_dirs)
            + f"); {summary.counts.get('complete', 0) + summary.counts.get('skipped', 0)} "
            "finished run(s) are kept. Distinct errors:\n  "
            + "\n  ".join(errors[:5])
            + "\nFix the cause and run the same command again: only missing and failed runs "
            "are run.",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    # run through the importable module, so that launchers pickle ``sim.run.main`` by reference
    from sim.run import cli as _cli

    _cli()
