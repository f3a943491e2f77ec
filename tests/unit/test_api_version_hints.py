"""No hint ever suggests an api-version below the deployment's model's own minimum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from configgen.app import validate_files

CONFIG = """\
model_list:
  - model_name: chat
    litellm_params:
      model: azure/chat
      api_base: https://contoso-eastus.openai.azure.com
      api_key: os.environ/AZURE_OPENAI_API_KEY
      {extra}
    model_info:
      id: chat-1
      base_model: azure/{base_model}
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


@pytest.mark.parametrize(
    ("base_model", "extra", "want"),
    [
        ("gpt-5.1-2025-11-13", "", '"v1"'),  # no api_version at all
        ("gpt-5.4-2026-03-05", "", '"v1"'),  # a reasoning model whose minimum is not recorded
        ("gpt-5.1-2025-11-13", 'api_version: "2024-10-01"', '"v1"'),  # unknown version
        ("gpt-5.1-2025-11-13", 'api_version: "2024-08-06"', '"v1"'),  # a model version as api-version
        ("gpt-4.1-2025-04-14", "", '"2024-10-21"'),  # GA models still get the latest GA
    ],
)
def test_hints_respect_the_models_minimum(tmp_path: Path, base_model: str, extra: str, want: str) -> None:
    cfg = tmp_path / "litellm.config.yaml"
    cfg.write_text(CONFIG.format(base_model=base_model, extra=extra))
    hints = [f.hint for f in validate_files([cfg], as_of=dt.date(2026, 12, 1)).findings if "api_version" in f.hint]
    assert hints, "expected an api_version hint"
    for hint in hints:
        assert want in hint, hint
        if want == '"v1"':
            assert "2024-10-21" not in hint, hint
