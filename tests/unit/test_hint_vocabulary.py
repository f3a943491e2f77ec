"""Messages and hints speak the vocabulary of the file they are about: `endpoint:` in a project,
`api_base:` in a LiteLLM config; a `*_env` example only where that key exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from configgen.app import validate_files

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = dt.date(2026, 11, 27)


def _findings(tmp_path: Path, name: str, text: str) -> dict[str, tuple[str, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {f.rule: (f.message, f.hint) for f in validate_files([path], AS_OF).findings}


def test_endpoint_findings_name_the_projects_key(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "endpoint: https://chatsheet-dev.openai.azure.com", "endpoint: https://chatsheet-dev.openai.azure.com/openai"
    )
    message, hint = _findings(tmp_path, "configgen.yaml", text)["azure-endpoint-openai-suffix"]
    assert message.startswith("endpoint ends with /openai") and hint == "use endpoint: https://chatsheet-dev.openai.azure.com"
    litellm = (
        "model_list:\n  - model_name: chat\n    litellm_params:\n      model: azure/gpt-51\n"
        "      api_base: https://x-res.openai.azure.com/openai\n      api_version: '2025-04-01-preview'\n"
        "      api_key: os.environ/AZURE_KEY\n"
    )
    message, hint = _findings(tmp_path, "litellm.config.yaml", litellm)["azure-endpoint-openai-suffix"]
    assert message.startswith("api_base ends with /openai") and hint == "use api_base: https://x-res.openai.azure.com"


def test_a_project_is_not_told_to_set_model_info(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("gpt-51-dev", "gpt-5.1-dev")
    found = _findings(tmp_path, "configgen.yaml", text)
    # configgen renders base_model from the project's model and version
    assert "azure-deployment-name-dot" not in found
    text = EXAMPLE.read_text().replace('api_version: "2025-04-01-preview"', 'api_version: "2025-11-13"', 1)
    _, hint = _findings(tmp_path, "configgen.yaml", text)["azure-api-version-is-model-version"]
    assert "model_info" not in hint and "`version:`" in hint


def test_an_inline_secret_hint_names_the_key_that_exists_there(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "redis: {host: 10.10.1.20, port: 6380, password_env: REDIS_PASSWORD}",
        "redis: {host: 10.10.1.20, port: 6380, password: sk-abcdefghijklmnopqrstuvwxyz012345}",
    )
    _, hint = _findings(tmp_path, "configgen.yaml", text)["project-inline-secret"]
    assert "password_env" in hint and "key_env" not in hint
