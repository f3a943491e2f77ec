"""Metrics as the project renders them: start the proxy with the rendered start script, scrape it with
the rendered Prometheus settings (a real Prometheus server), and see LiteLLM's request counters move."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from configgen.cli.main import main
from tests.support import procs
from tests.support.fake_azure import FakeAzure
from tests.support.fixtures import require_binary

pytestmark = pytest.mark.integration

MASTER_KEY = "sk-observability-test-0123456789"
AZURE_KEY = "azure-key-observability-0123"


def _project(fake_url: str, port: int, token_file: Path) -> str:
    return textwrap.dedent(
        f"""\
        version: 1
        name: metrics
        resources:
          local:
            endpoint: {fake_url}
            region: eastus2
            auth: {{type: api_key, key_env: AZURE_OPENAI_API_KEY}}
            api_version: "2025-04-01-preview"
            deployments:
              gpt-51: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
        defaults:
          aliases:
            chat: {{deployments: [local/gpt-51]}}
          app: {{mode: proxy, alias: chat}}
          proxy:
            instances: [{{host: 127.0.0.1, port: {port}}}]
          observability:
            prometheus: true
            metrics_token_file: {token_file}
        environments:
          test: {{}}
        """
    )


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _requests_total(metrics: str) -> float:
    """Sum of LiteLLM's proxy request counter samples (0 when it has not appeared yet)."""
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith("litellm_proxy_total_requests_metric_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("observability")
    token_file = work / "metrics.token"
    token_file.write_text(MASTER_KEY)
    fake = FakeAzure({"gpt-51": ("gpt-5.1", "2025-11-13")}, api_keys=[AZURE_KEY]).start()
    port = procs.free_port()
    project = work / "configgen.yaml"
    project.write_text(_project(fake.url, port, token_file))
    out = work / "out"
    assert main(["render", "test", "-p", str(project), "--out", str(out), "--as-of", "2026-11-27"]) == 0
    venv_bin = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{venv_bin}:/usr/bin:/bin",
        "HOME": str(work),
        "LITELLM_MASTER_KEY": MASTER_KEY,
        "AZURE_OPENAI_API_KEY": AZURE_KEY,
    }
    # The rendered start command, exactly as an operator would run it.
    proxy = procs.start(["sh", str(out / "proxy" / "run.sh"), "litellm-1"], env=env, cwd=work, log_path=work / "proxy.log")
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/health/liveliness", 90, proc=proxy)
        yield {"out": out, "port": port, "fake": fake, "work": work, "token_file": token_file}
    finally:
        procs.stop(proxy)
        fake.stop()


def test_start_script_refuses_to_start_without_its_secrets(rendered: dict[str, Any]) -> None:
    proc = subprocess.run(
        ["sh", str(rendered["out"] / "proxy" / "run.sh"), "litellm-1"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode != 0
    assert "LITELLM_MASTER_KEY" in proc.stderr


def test_rendered_scrape_settings_see_request_counters_move(rendered: dict[str, Any]) -> None:
    job = YAML(typ="safe").load((rendered["out"] / "prometheus" / "litellm.yml").read_text())["scrape_configs"][0]
    token = Path(job["authorization"]["credentials_file"]).read_text().strip()
    [target] = job["static_configs"][0]["targets"]
    metrics_url = f"http://{target}{job['metrics_path']}"

    status, _ = _get(metrics_url)
    assert status == 401, "the rendered config keeps /metrics behind the master key"
    status, before = _get(metrics_url, token)
    assert status == 200

    body = json.dumps({"model": "chat", "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(
        f"http://{target}/v1/chat/completions",
        data=body,
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status == 200

    deadline = time.monotonic() + 20
    after = before
    while time.monotonic() < deadline and _requests_total(after) <= _requests_total(before):
        time.sleep(0.5)
        _, after = _get(metrics_url, token)
    assert _requests_total(after) > _requests_total(before), after[-2000:]


def test_rendered_prometheus_config_passes_promtool(rendered: dict[str, Any]) -> None:
    promtool = require_binary("promtool")
    proc = subprocess.run(
        [promtool, "check", "config", str(rendered["out"] / "prometheus" / "litellm.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_real_prometheus_scrapes_the_proxy_with_the_rendered_job(rendered: dict[str, Any]) -> None:
    prometheus = require_binary("prometheus")
    work: Path = rendered["work"] / "prometheus"
    work.mkdir()
    config = YAML(typ="safe").load((rendered["out"] / "prometheus" / "litellm.yml").read_text())
    # Only the schedule differs from the rendered file: scrape every second instead of waiting a minute.
    config["global"] = {"scrape_interval": "1s", "scrape_timeout": "1s"}
    (work / "prometheus.yml").write_text(json.dumps(config))
    port = procs.free_port()
    proc = procs.start(
        [
            prometheus,
            f"--config.file={work / 'prometheus.yml'}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--storage.tsdb.path={work / 'data'}",
        ],
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
        cwd=work,
        log_path=work / "prometheus.log",
    )
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/-/ready", 60, proc=proc)
        job = config["scrape_configs"][0]["job_name"]
        query = urllib.parse.quote(f'up{{job="{job}"}}')
        deadline = time.monotonic() + 30
        result: list[Any] = []
        while time.monotonic() < deadline:
            _, raw = _get(f"http://127.0.0.1:{port}/api/v1/query?query={query}")
            result = json.loads(raw)["data"]["result"]
            if result and result[0]["value"][1] == "1":
                break
            time.sleep(0.5)
        assert result and result[0]["value"][1] == "1", (result, (work / "prometheus.log").read_text()[-2000:])
    finally:
        procs.stop(proc)
    assert Path(rendered["token_file"]).exists()
