"""The LiteLLM snapshot matches the installed litellm, and configgen reads it without importing litellm."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from configgen.knowledge.litellm_known import accepts, known

ROOT = Path(__file__).resolve().parents[2]


def test_snapshot_matches_installed_litellm() -> None:
    # Importing litellm takes seconds, so this runs once, in the script's own --check mode.
    env = {**os.environ, "LITELLM_OFFLINE_MODE": "true", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "snapshot_litellm_known.py"), "--check"],
        capture_output=True, text=True, timeout=180, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_snapshot_holds_what_the_rules_rely_on() -> None:
    k = known()
    assert k.version == "1.110.2"
    sections = {"model_list", "general_settings", "litellm_settings", "router_settings", "environment_variables"}
    assert sections <= k.top_level
    assert {"master_key", "health_check_interval", "background_health_checks", "database_url"} <= k.general_settings
    assert {"drop_params", "set_verbose", "num_retries", "cache", "callbacks"} <= k.litellm_settings
    assert "master_key" not in k.litellm_settings
    assert {"routing_strategy", "fallbacks", "redis_host", "model_group_alias"} <= k.router_settings
    assert "health_check_interval" not in k.router_settings
    assert k.router_settings_fatal == {"health_check_interval", "health_check_concurrency"}
    assert {"model", "api_base", "api_version", "api_key", "azure_ad_token", "tenant_id", "client_secret",
            "rpm", "tpm", "timeout", "temperature", "max_tokens"} <= k.litellm_params
    assert "api_verison" not in k.litellm_params
    assert {"id", "base_model"} <= k.model_info
    assert "provider-budget-routing" in k.routing_strategies and "simple-shuffle" in k.routing_strategies
    assert k.litellm_params_types["rpm"] == ("int",)
    assert k.model_info_types["id"] == ("int", "str")


def test_configgen_does_not_import_litellm() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from configgen.app import validate_files\n"
        f"validate_files([Path({str(ROOT / 'tests/cases/_clean/litellm-two-regions/litellm.config.yaml')!r})])\n"
        "print('litellm' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


SAMPLES: list[object] = [
    "100", "1.0", "1.5", " 7 ", "1_000", "lots", "", 1.0, 1.5, True, False, 2, 0, "true", "yes", "off",
    "inf", "nan", "1e3", "-3", "+4", "1.", "0x10", ".5", "１２", dt.date(2024, 10, 21), [1], {"a": 1},
]


@pytest.mark.parametrize("kind", ["int", "float", "bool", "str"])
def test_accepts_mirrors_pydantic_lax_mode(kind: str) -> None:
    # LiteLLM's Deployment/LiteLLM_Params/ModelInfo are pydantic models in lax mode: a value they
    # refuse drops the deployment, so configgen must agree with pydantic exactly.
    adapter: TypeAdapter[object] = TypeAdapter({"int": int, "float": float, "bool": bool, "str": str}[kind])
    for value in SAMPLES:
        try:
            adapter.validate_python(value)
            pydantic_ok = True
        except ValidationError:
            pydantic_ok = False
        assert accepts(kind, value) == pydantic_ok, (kind, value)


def test_extra_known_keys() -> None:
    k = known()
    assert "extra_body" in k.litellm_params
    assert "supported_environments" in k.model_info


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("os.environ['AZURE_API_KEY']", "AZURE_API_KEY"),
        ('os.getenv("AZURE_API_KEY")', "AZURE_API_KEY"),
        ("os.environ.get('AZURE_API_KEY', '')", "AZURE_API_KEY"),
        ("env/AZURE_API_KEY", "AZURE_API_KEY"),
        ("os.environ/ AZURE_API_KEY", "AZURE_API_KEY"),
        ("{{ AZURE_API_BASE }}", "AZURE_API_BASE"),
        ("%AZURE_API_VERSION%", "AZURE_API_VERSION"),
        ("os.environ/AZURE_API_KEY", None),
        ("https://x.openai.azure.com", None),
        ("gpt-4o", None),
    ],
)
def test_misspelled_ref(value: str, name: str | None) -> None:
    from configgen.rules.litellm.common import misspelled_ref

    assert misspelled_ref(value) == name
