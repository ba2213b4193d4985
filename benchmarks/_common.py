"""Shared helpers of the benchmark scripts: machine info, JSON output, Boltzmann, statistics.

Benchmarks are scripts, not timed tests (docs/performance.md): every target is a ratio measured
side by side in one run, or a count that does not depend on the machine.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
WORKER = Path(__file__).resolve().parent / "_worker.py"
PACKAGES = (
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "networkx",
    "hydra-core",
    "hydra-joblib-launcher",
    "joblib",
    "omegaconf",
    "pyarrow",
    "psutil",
)
# the accelerator / 16-core machine of the project was not lent to the task that made these
DEVICE_NOTE = (
    "measured on the development machine only; the 16-core device machine was not available "
    "for this task, so multi-worker figures stop at this machine's core count"
)


# ---- machine and code -----------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    """CPU, cores, RAM, OS, Python and package versions, date and git commit of this run."""
    try:
        import psutil

        ram_gb = psutil.virtual_memory().total / 2**30
        physical = psutil.cpu_count(logical=False)
    except ImportError:  # psutil is a dev dependency; fall back to sysconf
        ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        physical = None
    from sim.store import code_version, package_versions

    return {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": physical,
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(ram_gb, 1),
        "platform": platform.platform(),
        "versions": package_versions(PACKAGES),
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        **code_version(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "device_note": DEVICE_NOTE,
    }


def write_result(name: str, payload: dict) -> Path:
    """Write ``benchmarks/results/<name>.json`` with the machine block first."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    doc = {"benchmark": name, "machine": machine_info(), **payload}
    path.write_text(json.dumps(doc, indent=2, default=_json_default) + "\n")
    print(f"\nwritten: {path.relative_to(ROOT)}")
    return path


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def print_machine() -> None:
    m = machine_info()
    v = m["versions"]
    print(
        f"machine: {m['cpu_model']}, {m['logical_cores']} logical cores, {m['ram_gb']} GB RAM; "
        f"Python {v['python']}, mesa {v['mesa']}, numpy {v['numpy']}; "
        f"commit {m['git_commit'][:10]}{' (dirty)' if m['git_dirty'] else ''}; "
        f"load {m['load_average_1_5_15']}"
    )


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class ForeignLoad:
    """CPU time other processes used on this machine while a measurement ran.

    The machine's busy CPU time (``/proc/stat``) minus this process's and its children's, over
    the measurement, as a share of the capacity (wall x cores). Above a few per cent the
    measurement shared the cores with someone else and its times are inflated.
    """

    def __enter__(self) -> ForeignLoad:
        self._start = (time.perf_counter(), _machine_busy_seconds(), _own_cpu_seconds())
        self.share = math.nan
        self.seconds = math.nan
        return self

    def __exit__(self, *exc) -> None:
        wall0, busy0, own0 = self._start
        wall = time.perf_counter() - wall0
        busy = _machine_busy_seconds() - busy0
        own = _own_cpu_seconds() - own0
        if busy == busy:  # /proc/stat was readable
            self.seconds = max(busy - own, 0.0)
            self.share = self.seconds / max(wall * (os.cpu_count() or 1), 1e-9)


def _machine_busy_seconds() -> float:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return math.nan
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    # guest time is already counted in user time
    busy = sum(ticks[:8]) - idle
    return busy / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# ---- Mesa's Boltzmann wealth model, as shipped --------------------------------------------
def boltzmann(n: int, steps: int = 3, seed: int = 42, width: int = 100, height: int = 100) -> dict:
    """Build Mesa's bundled ``BoltzmannWealth`` with ``n`` agents and time ``steps`` steps.

    The model is used exactly as shipped with Mesa (``mesa.examples``), on a 100 x 100 grid;
    one step is ``model.step()``: every agent moves and gives, then the DataCollector collects.
    """
    from mesa.examples import BoltzmannWealth
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario

    gc.collect()
    clock = time.perf_counter()
    model = BoltzmannWealth(BoltzmannScenario(n=n, width=width, height=height, rng=seed))
    build = time.perf_counter() - clock
    times, cpu = [], []
    with ForeignLoad() as load:
        for _ in range(steps):
            clock, cpu0 = time.perf_counter(), time.process_time()
            model.step()
            times.append(time.perf_counter() - clock)
            cpu.append(time.process_time() - cpu0)
    n_agents = len(model.agents)
    del model
    gc.collect()
    return {
        "n_agents": n_agents,
        "grid": [width, height],
        "build_seconds": build,
        "step_seconds": times,
        "step_median_seconds": statistics.median(times),
        "step_cpu_seconds": cpu,
        "step_median_cpu_seconds": statistics.median(cpu),
        "foreign_cpu_share": load.share,
    }


# ---- running our model in a fresh process ------------------------------------------------
def run_worker(overrides: list[str], timeout: float = 1800.0) -> dict:
    """Run ``_worker.py`` (one model run) in a fresh interpreter; returns its JSON report.

    The parent measures the child's wall time from process start to exit (interpreter start,
    imports and config composition included) and takes its peak RSS from ``wait4``, so nothing
    else measured in the parent (Boltzmann's million Python objects) pollutes it.
    """
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    cmd = [sys.executable, str(WORKER), "--out", str(out), *overrides]
    with ForeignLoad() as load:
        clock = time.perf_counter()
        log_file = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        deadline = clock + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise TimeoutError(f"worker ran past {timeout} s: {' '.join(overrides)}")
            time.sleep(0.05)
        wall = time.perf_counter() - clock
    log_file.seek(0)
    log = log_file.read().decode(errors="replace")
    log_file.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({proc.returncode}) for {overrides}:\n{log[-4000:]}")
    report = json.loads(out.read_text())
    out.unlink(missing_ok=True)
    report["process_wall_seconds"] = wall
    report["process_peak_rss_mb"] = usage.ru_maxrss / 1024.0
    report["process_cpu_seconds"] = usage.ru_utime + usage.ru_stime
    report["foreign_cpu_share"] = load.share
    return report


# ---- statistics ---------------------------------------------------------------------------
def mean_ci(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean, half-width of the t confidence interval of the mean, and standard error."""
    from scipy.stats import t

    n = len(values)
    mean = statistics.fmean(values)
    if n < 2:
        return mean, math.nan, math.nan
    se = statistics.stdev(values) / math.sqrt(n)
    return mean, float(t.ppf(0.5 + level / 2, n - 1)) * se, se


def fmt_seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"
