"""The example's prod environment, rendered by configgen and run by the real LiteLLM proxy.

Only what no machine here can reach is changed before rendering: each Azure resource's endpoint
points at its own local fake Azure OpenAI, the resources use keys (the managed identity the example
uses is proven by tests/integration/test_managed_identity.py, in a loopback-only namespace), the
instances and Redis are on 127.0.0.1, and the balancer is left out (the balancers have their own
end-to-end test). The client knows nothing but the rendered server/.env.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values
from ruamel.yaml import YAML

from configgen.cli.main import main
from tests.support import procs
from tests.support.fake_azure import FakeAzure, reply_text
from tests.support.fixtures import require_binary
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
KEYS = {"chatsheet-prod-eastus2": "key-eastus2-0123456789", "chatsheet-prod-swedencentral": "key-sweden-0123456789"}
MASTER_KEY = "sk-rendered-prod-test-0123456789"


def _deployments(project: dict[str, Any], resource: str) -> dict[str, tuple[str, str]]:
    deps = project["resources"][resource]["deployments"]
    return {name: (d["model"], str(d["version"])) for name, d in deps.items()}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    redis_bin = require_binary("redis-server")
    work = tmp_path_factory.mktemp("rendered-prod")
    yaml = YAML()
    project = yaml.load(EXAMPLE.read_text())
    fakes = {
        name: FakeAzure(_deployments(project, name), api_keys=[key]).start() for name, key in KEYS.items()
    }
    redis_port = procs.free_port()
    redis = procs.start(
        [redis_bin, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=work,
        log_path=work / "redis.log",
    )
    proxy_port = procs.free_port()
    for name, fake in fakes.items():
        res = project["resources"][name]
        res["endpoint"] = fake.url
        res["auth"] = {"type": "api_key", "key_env": f"KEY_{name.upper().replace('-', '_')}"}
    prod = project["environments"]["prod"]
    prod["proxy"]["instances"] = [{"host": "127.0.0.1", "port": proxy_port}]
    prod["proxy"]["redis"] = {"host": "127.0.0.1", "port": redis_port}
    prod["balancer"] = None
    project_file = work / "configgen.yaml"
    with project_file.open("w") as fh:
        yaml.dump(project, fh)
    out = work / "out"
    assert main(["render", "prod", "-p", str(project_file), "--out", str(out), "--as-of", "2026-11-27"]) == 0
    env = {"LITELLM_MASTER_KEY": MASTER_KEY}
    env.update({f"KEY_{n.upper().replace('-', '_')}": k for n, k in KEYS.items()})
    proxy: LiteLLMProxy | None = None
    try:
        proxy = start_litellm(out / "litellm.config.yaml", port=proxy_port, env=env, workdir=work / "run")
        yield {"out": out, "fakes": fakes, "proxy": proxy}
    finally:
        if proxy is not None:
            proxy.stop()
        procs.stop(redis)
        for fake in fakes.values():
            fake.stop()


def test_client_using_only_the_rendered_env_gets_a_completion(stack: dict[str, Any]) -> None:
    env = dotenv_values(stack["out"] / "server" / ".env")
    assert set(env) == {"LITELLM_API_BASE", "LITELLM_MODEL"}
    req = urllib.request.Request(
        f"{env['LITELLM_API_BASE']}/v1/chat/completions",
        data=json.dumps({"model": env["LITELLM_MODEL"], "messages": [{"role": "user", "content": "hi"}]}).encode(),
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        body = json.loads(resp.read())
    assert body["choices"][0]["message"]["content"] == reply_text("gpt-51")

    # The alias gpt-4 is served by gpt-51 on both prod resources: exactly one of them got the request,
    # on the declared deployment, with the pinned api-version and its own key.
    seen = [(name, r) for name, fake in stack["fakes"].items() for r in fake.requests()]
    assert len(seen) == 1, seen
    _, rec = seen[0]
    assert rec.path == "/openai/deployments/gpt-51/chat/completions"
    assert rec.api_version == "2025-04-01-preview"
    assert (rec.auth, rec.auth_ok) == ("api-key", True)


def test_every_alias_is_served(stack: dict[str, Any]) -> None:
    """/v1/models lists exactly the aliases the project declares for prod."""
    req = urllib.request.Request(
        f"{stack['proxy'].url}/v1/models", headers={"Authorization": f"Bearer {MASTER_KEY}"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        models = {m["id"] for m in json.loads(resp.read())["data"]}
    assert models == {"gpt-4", "gpt-4-spillover"}


def test_rendered_files_are_byte_identical_across_runs(stack: dict[str, Any], tmp_path: Path) -> None:
    project_file = stack["out"].parent / "configgen.yaml"
    again = tmp_path / "again"
    assert main(["render", "prod", "-p", str(project_file), "--out", str(again), "--as-of", "2026-11-27"]) == 0
    from configgen.render.header import split_header

    # The headers name the command that regenerates each folder (`--out` differs); the bodies must not.
    for f in sorted(p for p in stack["out"].rglob("*") if p.is_file()):
        first, second = f.read_text(), (again / f.relative_to(stack["out"])).read_text()
        assert split_header(first) == split_header(second), f
    shutil.rmtree(again)
