"""Each class of error the real-world corpus taught configgen, confirmed in the real LiteLLM proxy
against the fake Azure (hosts are 127.0.0.1 only): configgen reports the config, and the proxy
really fails the way the rule's docs say."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from configgen.app import validate_files
from tests.support.fake_azure import FakeAzure
from tests.support.fixtures import FAKE_API_KEY
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm
from tests.support.procs import ProcError

pytestmark = pytest.mark.integration

MASTER_KEY = "sk-configgen-realworld-0123456789"
AZURE_HOST = "https://tailwind-core.openai.azure.com"
GOOD = """\
  - model_name: chat
    litellm_params:
      model: azure/gpt-4o-prod
      api_base: {api_base}
      api_version: "2024-10-21"
      api_key: os.environ/AZURE_OPENAI_API_KEY
    model_info:
      id: chat
"""


def _rules_on(tmp_path: Path, text: str) -> set[str]:
    """configgen's error rules on the config as a user writes it (an Azure host, not the fake)."""
    f = tmp_path / "config.yaml"
    f.write_text(text.format(api_base=AZURE_HOST))
    return {x.rule for x in validate_files([f]).findings if x.severity.value == "error"}


def _start(tmp_path: Path, text: str, fake: FakeAzure, **env: str) -> LiteLLMProxy:
    f = tmp_path / "run.yaml"
    f.write_text(text.format(api_base=fake.url))
    full = {"AZURE_OPENAI_API_KEY": FAKE_API_KEY, "LITELLM_MASTER_KEY": MASTER_KEY, **env}
    return start_litellm(f, env=full, workdir=tmp_path / "run")


def _chat(proxy: LiteLLMProxy, model: str) -> tuple[int, str]:
    req = urllib.request.Request(
        proxy.url + "/v1/chat/completions",
        data=json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]}).encode(),
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_model_without_provider_is_never_served(tmp_path: Path, fake_azure: FakeAzure) -> None:
    text = "model_list:\n" + GOOD + (
        "  - model_name: orca\n    litellm_params:\n      model: mistral-openorca:latest\n"
        "      api_base: http://127.0.0.1:9\n"
    )
    assert "litellm-no-provider" in _rules_on(tmp_path, text)
    with _start(tmp_path, text, fake_azure) as proxy:
        status, body = _chat(proxy, "orca")
        assert status == 400, (status, body, proxy.log_tail())
        assert _chat(proxy, "chat")[0] == 200  # the good deployment still works
    assert {r.deployment for r in fake_azure.requests()} == {"gpt-4o-prod"}


@pytest.mark.parametrize("deployment", ["gpt-4o", "chat-4o-prod"])
def test_bare_deployment_from_the_environment_never_reaches_it(
    tmp_path: Path, fake_azure: FakeAzure, deployment: str
) -> None:
    text = (
        "model_list:\n  - model_name: chat\n    litellm_params:\n      model: os.environ/AZURE_OPENAI_DEPLOYMENT\n"
        "      api_base: {api_base}\n      api_version: \"2024-10-21\"\n      api_key: os.environ/AZURE_OPENAI_API_KEY\n"
    )
    assert "litellm-azure-prefix" in _rules_on(tmp_path, text)
    with _start(tmp_path, text, fake_azure, AZURE_OPENAI_DEPLOYMENT=deployment) as proxy:
        status, body = _chat(proxy, "chat")
        assert status >= 400, (status, body)
    recs = fake_azure.requests()
    if deployment == "gpt-4o":
        # An OpenAI model name: OpenAI's route and auth, no /openai/deployments/<name>, no api-version.
        assert ("/chat/completions", None, "bearer") in {(r.path, r.api_version, r.auth) for r in recs}
        assert not any(r.path.startswith("/openai/deployments/") for r in recs)
    else:
        assert recs == []  # no provider at all: the deployment was never created


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("model_list:\n" + GOOD + "litellm_settings:\n  - drop_params: true\n", id="settings-list"),
        pytest.param(
            "model_list:\n  chat:\n    litellm_params:\n      model: azure/gpt-4o-prod\n"
            "      api_base: {api_base}\n      api_version: \"2024-10-21\"\n", id="model-list-mapping",
        ),
        pytest.param("model_list:\n" + GOOD + "  - model_name: empty\n    litellm_params: {{}}\n", id="no-model"),
    ],
)
def test_section_of_the_wrong_shape_stops_the_proxy(tmp_path: Path, fake_azure: FakeAzure, text: str) -> None:
    assert {"litellm-section-shape", "litellm-deployment-dropped"} & _rules_on(tmp_path, text)
    with pytest.raises(ProcError):
        _start(tmp_path, text, fake_azure).stop()


def test_nested_router_settings_are_ignored(tmp_path: Path, fake_azure: FakeAzure) -> None:
    # An unknown routing_strategy stops the proxy at the top level (litellm-routing-strategy); nested
    # under general_settings the proxy starts, so the section is not read at all.
    text = "model_list:\n" + GOOD + "general_settings:\n  router_settings:\n    routing_strategy: no-such-strategy\n"
    assert "litellm-section-shape" in _rules_on(tmp_path, text)
    with _start(tmp_path, text, fake_azure) as proxy:
        assert _chat(proxy, "chat")[0] == 200
