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


def test_import_layers_hold():
    """The import-linter contracts of pyproject.toml (layers, and a core free of UI/Hydra)."""
    lint = ROOT / ".venv" / "bin" / "lint-imports"
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


MAX_LINES = 400  # small files with one idea each (docs/CODE.md); generated data excluded


def test_no_module_is_too_long():
    long = {
        str(p.relative_to(ROOT)): n
        for folder in ("sim", "experiments", "hydra_plugins")
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"
