"""Reliability (issue 15, item 5): user errors on the command lines are one ``error:`` line and
exit status 2, never a traceback, and disk faults are found before the work is done."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim.cli_checks import check_override_forms, check_yaml_files
from sim.config import ConfigError, load_config
from sim.store import MANIFEST, ResultsError
from tests.conftest import ROOT, run_cli
from tests.test_reliability import FAST, fake_sweep


def _refused(proc: subprocess.CompletedProcess, text: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("error: ") and text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


# ---- overrides Hydra cannot read, deletions, null groups, YAML files ---------------------------
@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("~seed", "'~seed' deletes the config key 'seed'"),
        ("~model.firm.capacity_slack", "deletes the config key 'model.firm.capacity_slack'"),
        ("scenario=null", "scenario=null: choose one of the files in conf/scenario/"),
        ("region=null", "region=null: choose one"),
        ("intervention=null", "intervention=none for no intervention"),
        ("seed=[1", "cannot read the override 'seed=[1'"),
        ("batch=Bärlin", "need quotes around the value"),
    ],
)
def test_overrides_hydra_would_answer_with_a_traceback_are_refused(override, expected):
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[")):
        check_override_forms([*FAST, override])


def test_readable_overrides_pass_the_form_check():
    check_override_forms([*FAST, "seed=0,1", "intervention=[rural_hubs,none]", "experiment=null"])
    check_override_forms(["hydra/launcher=basic", "~hydra.sweeper", "--config-dir", "/x"])


def test_a_quoted_non_ascii_value_is_read_and_then_checked_against_its_domain():
    check_override_forms(["batch='Bärlin'"])  # readable once quoted ...
    with pytest.raises(ConfigError, match="'batch' has invalid value 'Bärlin'; allowed: a plain"):
        load_config([*FAST, "batch='Bärlin'"])  # ... and refused as a folder name


def test_a_yaml_syntax_error_in_a_config_file_names_file_and_line(tmp_path):
    (tmp_path / "mine.yaml").write_text("seed: 1\nend: [2026Q4\n")
    with pytest.raises(ConfigError, match=r"mine.yaml is not valid YAML \(line 3, column 1\)"):
        check_yaml_files(["--config-dir", str(tmp_path)])
    with pytest.raises(ConfigError, match="mine.yaml is not valid YAML"):
        check_yaml_files([f"--config-path={tmp_path}"])
    check_yaml_files([])  # the project's own conf/ is valid


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["~seed"], "deletes the config key 'seed'"),
        (["-m", "seed=0,1", "scenario=null"], "scenario=null"),
        (["batch=Bärlin"], "need quotes around the value"),
        (["--config-dir", "{tmp}", "--config-name", "bad"], "bad.yaml is not valid YAML"),
    ],
)
def test_the_command_line_gives_a_message_not_a_traceback(tmp_path, args, expected):
    (tmp_path / "bad.yaml").write_text("seed: [1\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = run_cli(*FAST, f"results_dir={tmp_path / 'results'}", *args)
    _refused(proc, expected)
    assert not list(tmp_path.rglob(MANIFEST))


# ---- results folders: a file where a folder is expected, read-only -----------------------------
def test_results_batch_being_a_file_fails_before_the_model_runs(tmp_path, monkeypatch):
    import sim.model
    import sim.run

    (tmp_path / "baseline").write_text("a file where the batch folder goes")
    cfg = load_config([*FAST, f"results_dir={tmp_path}"])

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran although the results could not be written")

    monkeypatch.setattr(sim.model, "RegionModel", no_model)
    with pytest.raises(ResultsError, match="baseline is a file, not a folder"):
        sim.run.execute(cfg)


def test_compare_out_naming_an_existing_file_is_a_message(tmp_path, capsys):
    from sim.compare import main

    fake_sweep(tmp_path / "sweep")
    (tmp_path / "report.txt").write_text("keep me")
    for out in ("report.txt", "report.txt/sub"):
        assert main([str(tmp_path / "sweep"), "--out", str(tmp_path / out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: output folder") and "report.txt is a file" in err
    assert (tmp_path / "report.txt").read_text() == "keep me"


@pytest.fixture
def read_only(tmp_path):
    """A folder that refuses writes: a read-only bind mount as root, else chmod."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        return
    mounted = []

    def protect():
        for cmd in (
            ["mount", "--bind", str(folder), str(folder)],
            ["mount", "-o", "remount,ro,bind", str(folder)],
        ):
            if subprocess.run(cmd, capture_output=True).returncode != 0:
                pytest.skip("running as root without mount rights: no read-only folder to test")
            mounted.append(cmd)

    yield folder, protect
    if mounted:
        subprocess.run(["umount", str(folder)], check=False)


def test_store_and_compare_on_a_read_only_sweep(read_only, tmp_path, tmp_path_factory):
    import shutil

    from tests.test_ui import shared_sweep

    folder, protect = read_only
    sweep = folder / "sweep"
    shutil.copytree(shared_sweep(tmp_path_factory), sweep)
    protect()
    with pytest.raises(OSError):
        (sweep / "probe").write_text("x")  # the folder really refuses writes
    proc = subprocess.run(
        [sys.executable, "-m", "sim.store", str(sweep)], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "6 complete, 0 failed, 0 corrupt" in proc.stdout
    assert "index: not written" in proc.stdout and "Traceback" not in proc.stderr
    compare = [sys.executable, "-m", "sim.compare", str(sweep), "--no-figures"]
    proc = subprocess.run(compare, cwd=ROOT, capture_output=True, text=True, timeout=120)
    _refused(proc, "_report/comparison cannot be written")
    assert "choose another folder" in proc.stderr
    out = tmp_path / "report"
    proc = subprocess.run([*compare, "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (out / "summary.md").is_file()


# ---- item 9: the parent of a sweep folder is not a sweep of corrupt runs ------------------------
def test_store_and_compare_on_the_folder_above_a_sweep_name_the_sweeps(tmp_path, capsys):
    from sim.compare import main as compare
    from sim.store.__main__ import main as store

    fake_sweep(tmp_path / "results" / "study")
    for main in (store, compare):
        assert main([str(tmp_path / "results")]) == 2
        err = capsys.readouterr().err
        assert "holds sweep folders (study), not runs: pass one of them" in err
    assert not (tmp_path / "results" / "index.parquet").exists()
    assert store([str(tmp_path / "results" / "study")]) == 0  # the sweep itself is fine


def test_a_negative_seed_in_the_ui_names_the_allowed_values():
    from sim.ui.live_run import LiveRun
    from sim.ui.options import LiveSettings

    run = LiveRun(LiveSettings(region="small", households_per_agent=50, seed=-1))
    assert not run.ok and "'seed' has invalid value -1; allowed: an integer >= 0" in run.error
