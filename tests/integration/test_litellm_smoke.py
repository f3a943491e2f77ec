"""The real LiteLLM proxy, configured by hand, reaches the fake Azure OpenAI the way it would reach Azure."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_azure import FakeAzure, reply_text
from tests.support.fixtures import FAKE_API_KEY, StartProxy
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm

pytestmark = pytest.mark.integration

MASTER_KEY = "sk-configgen-smoke-0123456789"

CONFIG = """\
model_list:
  - model_name: chat
    litellm_params:
      model: azure/gpt-4o-prod
      api_base: {api_base}
      api_version: "2024-10-21"
      api_key: os.environ/AZURE_OPENAI_API_KEY
    model_info:
      id: chat-gpt-4o-prod
      base_model: azure/gpt-4o-2024-08-06
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


def chat(proxy: LiteLLMProxy, body: dict[str, Any]) -> tuple[int, bytes]:
    req = urllib.request.Request(
        proxy.url + "/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def proxy_and_fake(tmp_path_factory: pytest.TempPathFactory, _fake_azure_server: FakeAzure) -> Any:
    """One proxy for the module: starting one costs ~8 s."""
    work = tmp_path_factory.mktemp("smoke")
    config = work / "litellm.config.yaml"
    config.write_text(CONFIG.format(api_base=_fake_azure_server.url))
    env = {"AZURE_OPENAI_API_KEY": FAKE_API_KEY, "LITELLM_MASTER_KEY": MASTER_KEY}
    with start_litellm(config, env=env, workdir=work / "run") as proxy:
        yield proxy, _fake_azure_server


def test_non_streamed_completion_reaches_the_deployment(proxy_and_fake: tuple[LiteLLMProxy, FakeAzure]) -> None:
    proxy, fake = proxy_and_fake
    fake.reset()
    status, raw = chat(proxy, {"model": "chat", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 200, proxy.log_tail()
    body = json.loads(raw)
    assert body["choices"][0]["message"]["content"] == reply_text("gpt-4o-prod")
    [rec] = fake.requests()
    assert rec.path == "/openai/deployments/gpt-4o-prod/chat/completions"
    assert (rec.api_version, rec.auth, rec.auth_ok) == ("2024-10-21", "api-key", True)


def test_streamed_completion_reaches_the_deployment(proxy_and_fake: tuple[LiteLLMProxy, FakeAzure]) -> None:
    proxy, fake = proxy_and_fake
    fake.reset()
    status, raw = chat(proxy, {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    assert status == 200, proxy.log_tail()
    events = [e.removeprefix("data: ") for e in raw.decode().split("\n\n") if e.strip()]
    assert events[-1] == "[DONE]"
    text = "".join(
        (c["choices"][0]["delta"].get("content") or "") for c in map(json.loads, events[:-1]) if c["choices"]
    )
    assert text == reply_text("gpt-4o-prod")
    [rec] = fake.requests()
    assert rec.deployment == "gpt-4o-prod"
    assert (rec.api_version, rec.auth) == ("2024-10-21", "api-key")
    assert rec.body["stream"] is True


def test_fixture_factory_starts_and_stops_a_proxy(
    litellm_proxy: StartProxy, fake_azure: FakeAzure, tmp_path: Path
) -> None:
    """The ``litellm_proxy`` factory fixture works, and an unknown alias is rejected before Azure is called."""
    config = tmp_path / "c.yaml"
    config.write_text(CONFIG.format(api_base=fake_azure.url))
    proxy = litellm_proxy(config, env={"AZURE_OPENAI_API_KEY": FAKE_API_KEY, "LITELLM_MASTER_KEY": MASTER_KEY})
    status, raw = chat(proxy, {"model": "gpt-4o-prod", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 400
    assert "Invalid model name" in raw.decode()
    assert fake_azure.requests() == []
