"""Checks of a command line that Hydra would otherwise answer with a traceback or a bare parser
message: overrides it cannot read (with a hint that quoting works), deletions (``~seed``) of
keys every run needs, a config group set to ``null``, and YAML syntax errors in config files.

They run in ``sim.run.cli`` before Hydra starts, so a user error is one ``error: ...`` line and
exit status 2 (``HYDRA_FULL_ERROR=1`` still shows Hydra's own traceback where Hydra gets that
far).
"""

from __future__ import annotations

from pathlib import Path

from sim.config import CONF_DIR, CONFIG_GROUPS, ConfigError

# flags that take a folder of config files (their YAML is checked too)
CONFIG_DIR_FLAGS = ("--config-dir", "-cd", "--config-path", "-cp")
QUOTE_HINT = (
    "values with spaces, brackets, commas, quotes or non-ASCII characters need quotes around "
    "the value: key='a value' (in a shell, quote the whole override: \"key='a value'\")"
)


def _parse(item: str):
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    try:
        return OverridesParser.create().parse_overrides([item])[0]
    except OverrideParseException as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError(f"cannot read the override {item!r} ({reason}); {QUOTE_HINT}") from None


def check_override_forms(overrides: list[str]) -> None:
    """Each override readable; no ``~key`` of the run's config; no group chosen as null."""
    for item in overrides:
        if item.startswith("-") or not ("=" in item or item.startswith("~")):
            continue
        override = _parse(item)
        key = override.key_or_group
        if key.startswith("hydra"):
            continue
        if override.is_delete():
            raise ConfigError(
                f"'{item}' deletes the config key '{key}', which every run needs; set a value "
                f"instead ({key}=...), or leave it out for the default"
            )
        if key in CONFIG_GROUPS and key != "experiment" and override.value() is None:
            hint = "intervention=none for no intervention" if key == "intervention" else ""
            raise ConfigError(
                f"{key}=null: choose one of the files in conf/{key}/"
                + (f" ({hint})" if hint else "")
            )


def _config_dirs(args: list[str]) -> list[Path]:
    dirs = [CONF_DIR]
    for i, arg in enumerate(args):
        flag, eq, value = arg.partition("=")
        if flag in CONFIG_DIR_FLAGS:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if value:
                dirs.append(Path(value))
    return dirs


def check_yaml_files(args: list[str]) -> None:
    """Every ``*.yaml`` under conf/ and under a ``--config-dir``/``--config-path`` parses."""
    import yaml

    for folder in _config_dirs(args):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            try:
                yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                where = getattr(exc, "problem_mark", None)
                at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise ConfigError(
                    f"config file {path} is not valid YAML{at}: {problem}; fix the file"
                ) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"config file {path} cannot be read: {exc}") from None
