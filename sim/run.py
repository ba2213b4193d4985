"""Command line: one projection (``python -m sim.run``) or a sweep (``python -m sim.run -m``).

Examples::

    python -m sim.run                                   # baseline, all districts, 1:1
    python -m sim.run scenario=early_exit seed=3 region=small
    python -m sim.run intervention=[innovation_transfer,succession_support]
    python -m sim.run -m scenario=baseline,early_exit seed='range(5)'

Each run writes ``<results_dir>/<experiment>/<run_id>/`` (manifest.json + Parquet tables).
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.config import (
    ConfigError,
    check_override_keys,
    intervention_label,
    register_configs,
    validate,
)
from sim.region import DataError
from sim.store import (
    ResultsError,
    code_version,
    config_hash,
    is_finished,
    package_versions,
    remove_stale_temporaries,
    write_run,
)

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
    return Path(cfg.results_dir) / str(cfg.experiment) / run_id_for(cfg)


def execute(cfg: DictConfig) -> Path:
    """Validate, run the model, and write the results folder. Returns the run folder."""
    from sim.model import RegionModel  # heavy imports only once the config is known good

    validate(cfg)
    run_dir = run_dir_for(cfg)
    if is_finished(run_dir):
        log.info("already finished, not run again: %s", run_dir)
        return run_dir
    if run_dir.exists():
        raise ResultsError(
            f"{run_dir} exists but is not a finished run (no complete "
            f"manifest.json); move it away to re-run it"
        )
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
        "experiment": cfg.experiment,
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
    }
    write_run(run_dir, tables, manifest)
    log.info("results written to %s (%.1f s)", run_dir, wall)
    print(f"results: {run_dir}")
    return run_dir


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> None:
    try:
        execute(cfg)
    except (ConfigError, DataError, ResultsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


def cli() -> None:
    overrides = [a for a in sys.argv[1:] if not a.startswith("-")]
    try:
        check_override_keys(overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    main()


if __name__ == "__main__":
    cli()
