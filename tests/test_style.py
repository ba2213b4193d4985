"""ruff (lint and format) is part of the test suite."""

import subprocess
import sys

from tests.conftest import ROOT

PATHS = ["sim", "hydra_plugins", "tests", "scripts", "benchmarks", "experiments"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    paths = [p for p in PATHS if (ROOT / p).exists()]
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *paths], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_lint_is_clean():
    proc = _ruff("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean():
    proc = _ruff("format", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
