"""Shared fixtures: small, short runs composed exactly as the CLI composes them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config import load_config
from sim.model import RegionModel

ROOT = Path(__file__).resolve().parent.parent


def param_table_generator():
    """scripts/make_param_table.py as a module (the ODD parameter table's generator)."""
    path = ROOT / "scripts" / "make_param_table.py"
    spec = importlib.util.spec_from_file_location("make_param_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# small region, 1 household agent per 20 households, three years: a few seconds per run
SMALL = ["region=small", "households_per_agent=20", "end=2027Q4", "progress=false"]


def small_config(*overrides: str):
    return load_config([*SMALL, *overrides])


def run_model(*overrides: str) -> tuple[RegionModel, dict]:
    model = RegionModel(small_config(*overrides))
    tables = model.run()
    return model, tables


@pytest.fixture(scope="session")
def small_run():
    """One baseline run on the small region, shared by the read-only tests."""
    return run_model()


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.run", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
