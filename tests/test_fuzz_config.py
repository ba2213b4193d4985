"""Fuzzing the config as a user types it (issue 15): any override either passes validation
with every value inside its declared domain, or is refused with a message that names the key.
No other exception, no NaN or infinity, no path as a name. Fast: nothing gets past validation.

The overrides are applied with Hydra's own code for command-line overrides to one composed
config, then validated as ``sim.run`` validates (``sim.config.validate``).
"""

from __future__ import annotations

import copy
import math

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import CONFIG_GROUPS, ConfigError, validate
from sim.config_domains import (
    NAME_KEYS,
    Domain,
    check_group_overrides,
    domain_of,
    is_name,
    numeric_fields,
)
from tests.conftest import small_config

NUMERIC = numeric_fields()
OTHER_KEYS = ["start", "end", "region.districts", "scenario.demography.variant", "progress"]
KEYS = sorted(NUMERIC) + list(NAME_KEYS) + OTHER_KEYS
SPECIAL = [
    "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "0", "-0", "1", "-1", "0.5", "1.5", "2",
    "100", "1e6", "1e12", "4294967296", "-2147483649", "null", "true", "''", "'..'", "'../x'",
    "/abs", "'a/b'", "'.hidden'", "_report", "x", "'2025Q1'", "2045Q4", "[1,2]", "{a: 1}",
    "[]", "'  '",
]  # fmt: skip
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(2**40), max_value=2**40).map(str),
)
TEXT = st.text(alphabet="abz09_.-/\\+ =", min_size=0, max_size=12).map(lambda t: f"'{t}'")
VALUES = st.one_of(st.sampled_from(SPECIAL), NUMBERS, TEXT)
PREFIX = st.sampled_from(["", "", "", "+", "++"])
UNKNOWN = st.sampled_from(["foo", "model.firm.typo", "scenario.extra", "region.settlement.x"])

BASE = small_config()
PARSER = OverridesParser.create()
USER_ERRORS = (ConfigError, HydraException, OmegaConfBaseException)


def apply(overrides: list[str]):
    """The base config with the overrides applied by Hydra's code, as on the command line."""
    cfg = copy.deepcopy(BASE)
    OmegaConf.set_struct(cfg, True)
    ConfigLoaderImpl._apply_overrides_to_config(PARSER.parse_overrides(overrides), cfg)
    return cfg


def assert_inside_domains(cfg) -> None:
    for path, fld in NUMERIC.items():
        value = OmegaConf.select(cfg, path)
        domain = domain_of(path, fld) or Domain()
        assert isinstance(value, int | float) and math.isfinite(value), (path, value)
        assert domain.contains(float(value)), (path, value, domain)
    for key in NAME_KEYS:
        value = OmegaConf.select(cfg, key)
        assert value == "" and key == "run_id" or is_name(value), (key, value)


def check(overrides: list[str]) -> None:
    try:
        cfg = apply(overrides)
        validate(cfg)
    except USER_ERRORS as exc:
        if isinstance(exc, ConfigError):  # ours: names the key it refuses
            keys = [o.lstrip("+").split("=", 1)[0] for o in overrides]
            text = str(exc)
            assert any(k in text or k.rsplit(".", 1)[-1] in text for k in keys), (overrides, text)
        return
    assert_inside_domains(cfg)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(PREFIX, st.one_of(st.sampled_from(KEYS), UNKNOWN), VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_any_override_is_validated_or_refused_naming_its_key(items):
    overrides = [f"{prefix}{key}={value}" for prefix, key, value in items]
    try:
        PARSER.parse_overrides(overrides)
    except HydraException:  # not even valid override syntax: Hydra says where
        return
    check(overrides)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["scenario", "region", "experiment", "intervention"]),
    st.lists(
        st.sampled_from(["baseline", "early_exit", "small", "full", "none", "rural_hubs", "x"])
        | st.sampled_from(["scenario_schema", "region_schema", "intervention_schema"]),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
)
def test_group_choices_are_one_option_and_never_a_schema(group, options, as_list):
    text = f"[{','.join(options)}]" if as_list else ",".join(options)
    schema = any(o.endswith("_schema") for o in options)
    merged = as_list and group != "intervention" and len(options) != 1
    try:
        check_group_overrides([f"{group}={text}"])
    except ConfigError as exc:
        assert schema or merged, (group, text, exc)
        assert f"{group}=" in str(exc)
        return
    assert not schema and not merged


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_every_numeric_key_refuses_nan_and_infinity(value):
    for path in NUMERIC:
        try:
            cfg = apply([f"{path}={value}"])
        except USER_ERRORS:  # an integer key: Hydra refuses the type itself
            continue
        with pytest.raises(ConfigError, match=f"'{path}' has invalid value"):
            validate(cfg)


def test_groups_are_known():
    assert set(CONFIG_GROUPS) == {"region", "scenario", "intervention", "experiment"}
