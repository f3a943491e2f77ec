"""The Azure v1 API as LiteLLM 1.110.2 really handles it: the real proxy against the fake Azure on 127.0.0.1.

Three configurations, each judged by configgen and then run:

- a project whose resource chooses `api_version: "v1"`: rendered, it must reach
  `/openai/v1/chat/completions` with the deployment in the body's `model`;
- `model: openai/<deployment>` with `api_base: .../openai/v1` (Microsoft's documented pattern): clean, 200;
- `model: azure/...` with an `/openai/v1` api_base and no api_version: an error, and LiteLLM really gets
  404; with the hint applied (`api_version: "v1"`) it gets 200.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from configgen.app import validate_files, validate_project_file
from configgen.cli.main import main
from tests.support import procs
from tests.support.fake_azure import FakeAzure, reply_text
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm

pytestmark = pytest.mark.integration

KEY = "key-v1-0123456789abcdef"
MASTER_KEY = "sk-v1-test-0123456789"
AS_OF = "2026-12-01"

PROJECT = """\
version: 1
name: v1api
resources:
  res-v1:
    endpoint: {endpoint}
    region: swedencentral
    auth: {{type: api_key, key_env: AZURE_V1_KEY}}
    api_version: "v1"
    deployments:
      gpt-51:
        model: gpt-5.1
        version: "2025-11-13"
        sku: GlobalStandard
        capacity: 10
environments:
  dev:
    aliases:
      chat: {{deployments: [res-v1/gpt-51]}}
    app: {{mode: proxy, alias: chat}}
    proxy: {{instances: [{{host: 127.0.0.1, port: {port}}}]}}
"""

HAND_WRITTEN = """\
model_list:
  - model_name: openai-v1
    litellm_params:
      model: openai/gpt-51
      api_base: {base}/openai/v1
      api_key: os.environ/AZURE_V1_KEY
    model_info: {{id: openai-v1, base_model: azure/gpt-5.1-2025-11-13}}
  - model_name: azure-v1-unpinned
    litellm_params:
      model: azure/gpt-51
      api_base: {base}/openai/v1
      api_key: os.environ/AZURE_V1_KEY
    model_info: {{id: azure-v1-unpinned, base_model: azure/gpt-5.1-2025-11-13}}
  - model_name: azure-v1-pinned
    litellm_params:
      model: azure/gpt-51
      api_base: {base}/openai/v1
      api_version: "v1"
      api_key: os.environ/AZURE_V1_KEY
    model_info: {{id: azure-v1-pinned, base_model: azure/gpt-5.1-2025-11-13}}
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAzure]:
    # LiteLLM's v1 client is the OpenAI client: it sends the key as `Authorization: Bearer`.
    with FakeAzure({"gpt-51": ("gpt-5.1", "2025-11-13")}, api_keys=[KEY], tokens=[KEY]) as f:
        yield f


def _chat(proxy: LiteLLMProxy, model: str) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        f"{proxy.url}/v1/chat/completions",
        data=json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]}).encode(),
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_project_choosing_v1_renders_a_config_that_uses_the_v1_path(fake: FakeAzure, tmp_path: Path) -> None:
    port = procs.free_port()
    project = tmp_path / "configgen.yaml"
    project.write_text(PROJECT.format(endpoint="https://res-v1.openai.azure.com", port=port))
    found = validate_project_file(project, dt.date.fromisoformat(AS_OF)).findings
    loud = [f for f in found if f.severity.value == "error" or f.rule.startswith(("azure-", "litellm-"))]
    assert [f for f in loud if f.severity.value != "info"] == []
    project.write_text(PROJECT.format(endpoint=fake.url, port=port))  # only the host changes, to loopback
    out = tmp_path / "out"
    assert main(["render", "dev", "-p", str(project), "--out", str(out), "--as-of", AS_OF]) == 0
    rendered = (out / "litellm.config.yaml").read_text()
    assert 'api_version: "v1"' in rendered
    fake.reset()
    with start_litellm(out / "litellm.config.yaml", port=port, env={"AZURE_V1_KEY": KEY, "LITELLM_MASTER_KEY":
                       MASTER_KEY}, workdir=tmp_path / "run") as proxy:
        status, body = _chat(proxy, "chat")
    assert status == 200, body
    assert body["choices"][0]["message"]["content"] == reply_text("gpt-51")
    [rec] = fake.requests()
    assert (rec.path, rec.api, rec.deployment, rec.api_version) == ("/openai/v1/chat/completions", "v1", "gpt-51", None)
    assert rec.body["model"] == "gpt-51" and rec.auth_ok


def test_hand_written_v1_patterns_are_judged_as_litellm_behaves(fake: FakeAzure, tmp_path: Path) -> None:
    # configgen judges the config as written for Azure ...
    cfg = tmp_path / "litellm.config.yaml"
    cfg.write_text(HAND_WRITTEN.format(base="https://res-v1.openai.azure.com"))
    found = {(f.rule, f.severity.value, f.path[1]) for f in validate_files([cfg]).findings if f.severity.value != "info"}
    assert found == {("litellm-azure-v1-base-without-api-version", "error", 1)}, found
    # ... and the real proxy, on the same config pointed at the fake, behaves exactly so.
    cfg.write_text(HAND_WRITTEN.format(base=fake.url))
    fake.reset()
    with start_litellm(cfg, env={"AZURE_V1_KEY": KEY, "LITELLM_MASTER_KEY": MASTER_KEY},
                       workdir=tmp_path / "run") as proxy:
        results = {name: _chat(proxy, name)[0] for name in ("openai-v1", "azure-v1-unpinned", "azure-v1-pinned")}
    assert results == {"openai-v1": 200, "azure-v1-unpinned": 404, "azure-v1-pinned": 200}, results
    paths = {(r.path, r.status) for r in fake.requests()}
    assert ("/openai/v1/chat/completions", 200) in paths
    assert ("/openai/v1/openai/deployments/gpt-51/chat/completions", 404) in paths
