"""Sweeps: progress display, failure summary and index upkeep for ``python -m sim.run -m``.

Hydra's sweeper expands the overrides into jobs and a launcher runs them: ``joblib`` (the
default, conf/config.yaml: parallel processes on this machine), ``basic`` (one after the other,
in this process), ``submitit_local`` or ``submitit_slurm`` (a cluster). The same code runs under
each, because all coordination goes through files:

* each job appends one JSON line (run id, status, seconds) to ``<hydra sweep dir>/progress.jsonl``
  when it ends (:meth:`SweepCallback.on_job_end`, in the job's own process);
* the launching process counts the sweep's jobs at the start and, in a background thread, turns
  the lines into a progress display: runs done / total, failures, elapsed time and ETA;
* the task function (``sim.run.main``) records a failed run in ``<sweep>/.failed/`` and updates
  its row of the sweep's ``index.parquet`` after every job, so the index is right even after a
  kill (one row, not a rebuild: a rebuild reads every run's manifest);
* at the end the launching process prints a summary and rebuilds each sweep folder's index;
  it writes the summary (:class:`SweepSummary`) as JSON, atomically, to the callback's
  ``summary_file`` when one is set. ``sim.run.cli`` sets it to a file in a fresh temporary folder
  of its own (``hydra.callbacks.sweep.summary_file=...``), reads it once Hydra returns, and exits
  non-zero when a run failed. A file named by the command, not a module-level variable: the
  summary is handed over the same way whichever launcher ran the jobs, and a second sweep in the
  same process cannot see the first one's.

A cluster job that ends without a result (``scancel``, a node lost, the time limit) never runs
``on_job_end``, and Hydra's submitit launcher raises submitit's ``UncompletedJobError`` for it,
which would end the sweep with a traceback and no summary. While a submitit sweep runs, the
launching process therefore turns such a job into a failed record (:func:`lost_job_record`):
it is counted and named in the summary, the command exits non-zero, and re-running the same
command runs it again (it left no finished run).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.atomic import write_text

PROGRESS_FILE = "progress.jsonl"
JOB_STATUSES = ("complete", "skipped", "failed")
# the launching process's id, set by ``sim.run.cli`` and inherited by the sweep's workers
PARENT_ENV = "SIM_SWEEP_PARENT"
PARENT_EXIT_CODE = 70  # a worker that ended because its sweep's process was gone
_watching: list[threading.Thread] = []


def _parent_gone(expected: int) -> bool:
    if os.getppid() != expected:  # re-parented: the process that started this one has ended
        return True
    try:
        os.kill(expected, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, but not ours to signal: alive
        pass
    return False


def watch_parent(interval_s: float = 1.0) -> bool:
    """End this worker process soon after the sweep's launching process ends.

    Loky (joblib) workers outlive a parent killed with SIGKILL: nothing tells them, and each
    holds a model in memory and goes on running jobs nobody collects. The first job of a worker
    starts one daemon thread that checks every ``interval_s`` whether the parent (``PARENT_ENV``,
    else the parent at start) still exists and is still this process's parent, and ends the
    worker at once (``os._exit``) when not. A run cut short this way leaves only its hidden
    temporary folder, which the next attempt removes. Returns True if it started a watchdog.
    """
    if _watching or os.name != "posix":
        return False
    expected = int(os.environ.get(PARENT_ENV) or os.getppid())
    if expected == os.getpid():  # the launching process itself (the basic launcher)
        return False

    def watch() -> None:
        while not _parent_gone(expected):
            time.sleep(interval_s)
        os._exit(PARENT_EXIT_CODE)

    if _parent_gone(expected):
        os._exit(PARENT_EXIT_CODE)
    thread = threading.Thread(target=watch, name="sweep-parent-watchdog", daemon=True)
    thread.start()
    _watching.append(thread)
    return True


@dataclass
class SweepSummary:
    """What a sweep did: jobs by status, the failed jobs' records, the sweep folders written."""

    total: int | None
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[dict] = field(default_factory=list)
    sweep_dirs: list[Path] = field(default_factory=list)

    def write(self, path: Path | str) -> Path:
        """Write the summary as JSON, atomically (a reader never sees half a file)."""
        data = {**asdict(self), "sweep_dirs": [str(d) for d in self.sweep_dirs]}
        return write_text(path, json.dumps(data, indent=2, default=str))

    @classmethod
    def read(cls, path: Path | str) -> SweepSummary | None:
        """The summary written to ``path``; None if there is none (the sweep did not end)."""
        try:
            data = json.loads(Path(path).read_text())
        except FileNotFoundError:
            return None
        data["sweep_dirs"] = [Path(d) for d in data.get("sweep_dirs", [])]
        return cls(**data)


def count_jobs(config: DictConfig) -> int | None:
    """Number of jobs Hydra's basic sweeper makes of this multirun config (None if unknown).

    Mirrors ``BasicSweeper.sweep``: the ``hydra.sweeper.params`` of the config (set by the
    experiment configs) followed by the command-line overrides, expanded as a product.
    """
    try:
        target = str(OmegaConf.select(config, "hydra.sweeper._target_") or "")
        if not target.endswith("BasicSweeper"):
            return None
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        from hydra.core.override_parser.overrides_parser import OverridesParser

        params = OmegaConf.select(config, "hydra.sweeper.params") or {}
        args = [f"{k}={v}" for k, v in params.items()]
        args += list(OmegaConf.to_container(config.hydra.overrides.task, resolve=False))
        overrides = OverridesParser.create().parse_overrides(args)
        return sum(len(batch) for batch in BasicSweeper.split_arguments(overrides, None))
    except Exception:  # a sweep type we cannot count: progress shows counts without total
        return None


def _append_line(path: Path, record: dict) -> None:
    """Append one JSON line; O_APPEND writes of one short line do not interleave."""
    line = (json.dumps(record, default=str) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_progress(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:  # a line being written right now
            continue
    return records


def _clock(seconds: float) -> str:
    seconds = max(int(round(seconds)), 0)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_line(records: list[dict], total: int | None, elapsed: float) -> str:
    """``[sweep] 4/6 runs done (3 run, 1 already finished, 0 failed) | elapsed .. | ETA ..``"""
    counts = {s: sum(r.get("status") == s for r in records) for s in JOB_STATUSES}
    done = len(records)
    executed = counts["complete"] + counts["failed"]
    of = f"/{total}" if total else ""
    text = (
        f"[sweep] {done}{of} runs done ({counts['complete']} run, {counts['skipped']} already "
        f"finished, {counts['failed']} failed) | elapsed {_clock(elapsed)}"
    )
    if total and done < total:
        # time per newly run job, so already-finished runs of a resumed sweep do not distort it
        eta = elapsed / executed * (total - done) if executed else None
        text += f" | ETA {_clock(eta) if eta is not None else '--'}"
    return text


def lost_job_record(job: Any, exc: Exception) -> dict:
    """The progress record of a cluster job that ended without a result (cancelled, lost).

    Names the run by its sweep job number and overrides (the run id is made in the job from its
    whole config), the cluster's job id and final state, and where its log is.
    """
    num: int | None = None
    overrides: list[str] = []
    try:  # the launcher submitted (overrides, sweep dir key, job number, job id key, state)
        args = job.submission().args
        overrides, num = list(args[0]), int(args[2])
    except Exception:  # no submission file: the array task id is the job's number in its batch
        task = str(job.job_id).rpartition("_")[2]
        num = int(task) if task.isdigit() else None
    try:
        state = str(job.state).split()[0]  # "CANCELLED by 0": the state alone
    except Exception:
        state = "UNKNOWN"
    settings = " ".join(overrides) or "?"
    return {
        "status": "failed",
        "run_id": None,
        "run_dir": None,
        "job": num,
        "overrides": settings,
        "cluster_job": str(job.job_id),
        "error": (
            f"{type(exc).__name__}: sweep job #{num} ({settings}) ended {state} on the cluster "
            f"(SLURM job {job.job_id}) before its run finished; nothing of it was kept "
            f"(log: {getattr(job.paths, 'stdout', '?')})"
        ),
    }


class _LostJobsAsFailed:
    """While a submitit sweep runs, a job without a result gives a failed record, not an error.

    Hydra's submitit launcher collects each job with ``submitit.Job.results()``, which raises
    ``UncompletedJobError`` for a job that ended without one; the first such job would end the
    sweep. ``results`` is wrapped (in the launching process only, and only for the sweep) so
    that such a job returns a completed ``JobReturn`` whose value is its failed record (as
    ``sim.run.sweep_job`` returns for a run that raised), appended to the progress file, since
    the job's own ``on_job_end`` never ran.
    """

    def __init__(self, progress: Path) -> None:
        self.progress = progress
        self._original: Any = None

    def install(self) -> None:
        from hydra.core.utils import JobReturn, JobStatus
        from submitit.core.core import Job
        from submitit.core.utils import UncompletedJobError

        original = self._original = Job.results
        progress = self.progress

        def results(job: Any) -> list:
            try:
                return original(job)
            except UncompletedJobError as exc:
                record = lost_job_record(job, exc)
                _append_line(progress, record)
                return [JobReturn(status=JobStatus.COMPLETED, _return_value=record)]

        Job.results = results

    def remove(self) -> None:
        if self._original is not None:
            from submitit.core.core import Job

            Job.results = self._original
            self._original = None


def failed_lines(failed: list[dict], limit: int = 10) -> list[str]:
    """``[sweep] failed: <run id or settings>: <error>``, one line per failed job (at most
    ``limit``, then how many more)."""
    lines = []
    for r in failed[:limit]:
        error = str(r.get("error", "?")).splitlines()[0]
        # a lost cluster job has no run id; its error names it by job number and settings
        lines.append(
            f"[sweep] failed: {r['run_id']}: {error}"
            if r.get("run_id")
            else f"[sweep] failed: {error}"
        )
    if len(failed) > limit:
        lines.append(f"[sweep] ... and {len(failed) - limit} more failed")
    return lines


class SweepCallback(Callback):
    """Hydra callback (registered in conf/config.yaml) for progress and the end-of-sweep summary.

    Picklable: the launchers ship it to their worker processes, where only ``on_job_end`` runs.
    """

    def __init__(
        self, interval_s: float = 1.0, enabled: bool = True, summary_file: str | None = None
    ) -> None:
        self.interval_s = float(interval_s)
        self.enabled = bool(enabled)
        self.summary_file = summary_file  # where on_multirun_end writes the SweepSummary
        self._thread: threading.Thread | None = None
        self._stop: threading.Event | None = None
        self._state: dict[str, Any] = {}
        self._lost: _LostJobsAsFailed | None = None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.update(_thread=None, _stop=None, _state={}, _lost=None)
        return state

    # ---- in the launching process -----------------------------------------------------------
    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        progress = sweep_dir / PROGRESS_FILE
        progress.unlink(missing_ok=True)  # a sweep started within the same second
        total = count_jobs(config)
        self._state = {"progress": progress, "total": total, "started": time.monotonic()}
        launcher = str(OmegaConf.select(config, "hydra.launcher._target_") or "?")
        if "submitit" in launcher:  # a cancelled or lost cluster job: a failed run
            self._lost = _LostJobsAsFailed(progress)
            self._lost.install()
        launcher = launcher.rsplit(".", 1)[-1]
        print(
            f"[sweep] {total if total else 'unknown number of'} runs with {launcher}; "
            f"hydra logs in {sweep_dir}",
            file=sys.stderr,
            flush=True,
        )
        if self.enabled:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._watch, name="sweep-progress", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        shown = -1
        while not self._stop.wait(self.interval_s):
            records = read_progress(self._state["progress"])
            if len(records) != shown:
                shown = len(records)
                self._print(records)

    def _print(self, records: list[dict]) -> None:
        elapsed = time.monotonic() - self._state["started"]
        print(progress_line(records, self._state["total"], elapsed), file=sys.stderr, flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.store import write_index

        if self._stop is not None:
            self._stop.set()
            self._thread.join(timeout=5)
        if self._lost is not None:
            self._lost.remove()
            self._lost = None
        records = read_progress(self._state.get("progress", Path("/nonexistent")))
        self._print(records)
        sweep_dirs = sorted({Path(r["run_dir"]).parent for r in records if r.get("run_dir")})
        for sweep_dir in sweep_dirs:
            if sweep_dir.is_dir():
                write_index(sweep_dir)
        summary = SweepSummary(
            total=self._state.get("total"),
            counts={s: sum(r.get("status") == s for r in records) for s in JOB_STATUSES},
            failed=[r for r in records if r.get("status") == "failed"],
            sweep_dirs=sweep_dirs,
        )
        where = ", ".join(str(d / "index.parquet") for d in sweep_dirs) or "-"
        print(
            f"[sweep] finished: {summary.counts['complete']} run, {summary.counts['skipped']} "
            f"already finished, {summary.counts['failed']} failed; index: {where}",
            *failed_lines(summary.failed),
            sep="\n",
            file=sys.stderr,
            flush=True,
        )
        if self.summary_file:
            summary.write(self.summary_file)

    # ---- in each job's process --------------------------------------------------------------
    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        from hydra.core.hydra_config import HydraConfig
        from hydra.core.utils import JobStatus
        from hydra.types import RunMode

        if HydraConfig.get().mode != RunMode.MULTIRUN:
            return
        value = job_return._return_value  # the exception itself when the job failed
        if job_return.status == JobStatus.COMPLETED and isinstance(value, dict):
            record = dict(value)
        else:  # an exception escaped the task function (it records what it can catch)
            record = {"status": "failed", "error": f"{type(value).__name__}: {value}"}
        record["job"] = int(config.hydra.job.num)
        _append_line(Path(str(config.hydra.sweep.dir)) / PROGRESS_FILE, record)
