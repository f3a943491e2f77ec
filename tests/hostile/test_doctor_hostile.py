"""`configgen doctor` against hostile servers on loopback: redirects to another host, servers that echo
the key, drip bytes, send 1.5 GB or an endless chunked body, or fill their answers with terminal escape
sequences. Nothing may reach another host, no key may be printed, every run ends in bounded time and
memory with a located finding.

Every connection the doctor makes in these tests is checked: only loopback, and only the servers the
test started (127.0.0.2 plays "another host"; it must receive nothing).
"""

from __future__ import annotations

import json
import socket
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.tools.doctor import DoctorResult, run_doctor
from tests.support.hostile_http import TERMINAL_ATTACK, HostileServer, guard_loopback, hostile

#: Not shaped like any key: only the registry of values the run read can hide it.
MASTER = "hunter2-master-value-42"
AZURE = "plain-azure-value-77"
ENVIRON = {"LITELLM_MASTER_KEY": MASTER, "AZURE_OPENAI_API_KEY": AZURE}
TIMEOUT = 1.0
#: A hang guard, not a speed target: the doctor's own deadline must end each run well before it.
BOUND_S = TIMEOUT * 3 + 1.5


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Fail on any connection to something other than 127.0.0.1 / 127.0.0.2."""
    return guard_loopback(monkeypatch)


def _project(tmp_path: Path, proxy: HostileServer, azure_port: int = 9, *, balancer: HostileServer | None = None) -> Path:
    bal = (f"{{balancer: {{kind: nginx, host: 127.0.0.1, port: {balancer.port}, listen: 127.0.0.1}}}}"
           if balancer else "{}")  # fmt: skip
    path = tmp_path / "configgen.yaml"
    path.write_text(textwrap.dedent(f"""\
        version: 1
        name: hostile
        resources:
          fake:
            endpoint: http://127.0.0.1:{azure_port}
            region: swedencentral
            auth: {{type: api_key, key_env: AZURE_OPENAI_API_KEY}}
            api_version: "2025-04-01-preview"
            deployments:
              chat-a: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
        defaults:
          aliases:
            chat: {{deployments: [fake/chat-a]}}
          app: {{mode: proxy, alias: chat}}
          proxy:
            instances: [{{host: 127.0.0.1, port: {proxy.port}}}]
        environments:
          prod: {bal}
          direct:
            app: {{mode: direct}}
            proxy: null
        """))
    return path


def _run(project: Path, env: str = "prod") -> tuple[DoctorResult, float]:
    start = time.monotonic()
    result = run_doctor(project, env, probe=True, timeout=TIMEOUT, environ=ENVIRON)
    return result, time.monotonic() - start


def _cli(project: Path, *args: str) -> str:
    res = CliRunner().invoke(cli, ["doctor", "prod", "-p", str(project), "--probe", "--timeout", str(TIMEOUT), *args],
                             env=ENVIRON, catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 1, res.output
    return res.output


def _failed(result: DoctorResult) -> dict[str, str]:
    return {c.id: c.cause for c in result.checks if c.status == "fail"}


@pytest.mark.parametrize("location", [
    "http://127.0.0.2:{port}/v1/models",  # another host
    "https://127.0.0.1:{port}/v1/models",  # another scheme
    "//127.0.0.2:{port}/steal",  # scheme-relative
])  # fmt: skip
def test_a_redirect_is_the_finding_and_nothing_reaches_the_other_host(tmp_path: Path, location: str) -> None:
    with hostile("json-api", host="127.0.0.2") as other, \
            hostile("redirect-api", location=location.format(port=other.port)) as proxy:  # fmt: skip
        project = _project(tmp_path, proxy)
        result, elapsed = _run(project)
        output = _cli(project)
        assert other.requests == []
    assert _failed(result) == {"litellm-1.models": "redirect"}
    models = next(c for c in result.checks if c.id == "litellm-1.models")
    assert "redirecting to" in models.message and "follows no redirect" in models.message
    assert (models.key, models.line, models.column) == ("defaults.proxy.instances[0]", 16, 17)  # the flow item
    assert elapsed < BOUND_S
    assert MASTER not in output


def test_a_redirect_on_the_probe_sends_the_key_nowhere_else(tmp_path: Path) -> None:
    """Health and /v1/models answer; the chat completion (which carries the key) is redirected to another host."""
    models = json.dumps({"data": [{"id": "chat"}]}).encode()
    with hostile("json", host="127.0.0.2") as other:
        routes = {"/health/": "healthy", "/v1/models": "json", "/v1/chat/": "redirect"}
        location = f"http://127.0.0.2:{other.port}/v1/chat/completions"
        with hostile("json", body=models, routes=routes, location=location) as proxy:
            result, _elapsed = _run(_project(tmp_path, proxy))
            assert any(b"/v1/chat/completions" in r for r in proxy.requests)
        assert other.requests == []
    assert _failed(result) == {"probe.chat[fake/chat-a]": "redirect"}


def test_a_server_that_echoes_the_key_does_not_get_it_printed(tmp_path: Path) -> None:
    with hostile("echo-api") as proxy:
        project = _project(tmp_path, proxy)
        text = _cli(project)
        as_json = _cli(project, "--format", "json")
    assert "invalid key Bearer [REDACTED]" in text
    for output in (text, as_json):
        assert MASTER not in output
        assert "hunter2" not in output


def test_direct_mode_echo_of_the_azure_key_is_redacted(tmp_path: Path) -> None:
    with hostile("echo") as azure, hostile("silent") as proxy:
        project = _project(tmp_path, proxy, azure.port)
        res = CliRunner().invoke(cli, ["doctor", "direct", "-p", str(project), "--timeout", str(TIMEOUT)], env=ENVIRON,
                                 catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 1
    assert "azure-auth" in res.output
    assert AZURE not in res.output and "[REDACTED]" in res.output


@pytest.mark.parametrize("mode", ["silent", "drip", "drip-body"])
def test_a_server_that_never_finishes_ends_at_the_deadline(tmp_path: Path, mode: str) -> None:
    with hostile(mode, interval=0.1) as proxy:
        result, elapsed = _run(_project(tmp_path, proxy))
    assert _failed(result) == {"litellm-1.liveliness": "timeout"}
    skipped = {c.id: c.message for c in result.checks if c.status == "skip"}
    assert skipped == {
        "litellm-1.readiness": "liveliness failed (timeout)",
        "litellm-1.models": "liveliness failed (timeout)",
        "probe.chat[fake/chat-a]": "litellm-1 is not answering",
    }
    assert elapsed < TIMEOUT + 1.0


@pytest.mark.parametrize("mode", ["drip-api", "drip-body-api"])
def test_a_drip_on_the_keyed_checks_is_bounded_too(tmp_path: Path, mode: str) -> None:
    with hostile(mode, interval=0.1) as proxy:
        result, elapsed = _run(_project(tmp_path, proxy))
    assert _failed(result) == {"litellm-1.models": "timeout"}
    assert elapsed < BOUND_S


@pytest.mark.parametrize("mode", ["huge", "chunked", "huge-api", "chunked-api"])
def test_huge_and_endless_bodies_end_as_a_finding_in_bounded_memory(tmp_path: Path, mode: str) -> None:
    tracemalloc.start()
    try:
        with hostile(mode) as proxy:
            result, elapsed = _run(_project(tmp_path, proxy))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    check = "litellm-1.models" if mode.endswith("-api") else "litellm-1.liveliness"
    assert _failed(result) == {check: "too-large"}
    assert "more than 4 MiB" in next(c.message for c in result.checks if c.id == check)
    assert peak < 64 * 1024 * 1024
    assert elapsed < BOUND_S


def test_control_characters_from_a_server_never_reach_the_terminal(tmp_path: Path) -> None:
    with hostile("control") as proxy:
        project = _project(tmp_path, proxy)
        text = _cli(project)
        as_json = _cli(project, "--format", "json")
    for output in (text, as_json):
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output and "\r" not in output
    assert "\\x1b]0;owned\\x07" in text  # shown, escaped
    assert "fake: line" not in text.replace("\\r\\nfake: line", "")  # no forged line
    assert TERMINAL_ATTACK not in text


def test_doctor_with_everything_hung_ends_within_its_deadline(tmp_path: Path) -> None:
    """Balancer and proxy accept and never answer: targets are checked at once, so the run costs one
    timeout, not one per check (it was 8 x --timeout)."""
    with hostile("silent") as bal, hostile("silent") as proxy:
        result, elapsed = _run(_project(tmp_path, proxy, balancer=bal))
    assert _failed(result) == {"balancer.liveliness": "timeout", "litellm-1.liveliness": "timeout"}
    assert elapsed < TIMEOUT * 2


def test_the_run_deadline_skips_what_it_cannot_start(tmp_path: Path) -> None:
    with hostile("drip-api", interval=0.1) as proxy:
        project = _project(tmp_path, proxy)
        start = time.monotonic()
        result = run_doctor(project, "prod", probe=True, timeout=5, deadline=1.0, environ=ENVIRON)
        elapsed = time.monotonic() - start
    models = next(c for c in result.checks if c.id == "litellm-1.models")
    assert (models.status, models.cause) == ("fail", "timeout")
    probe = next(c for c in result.checks if c.id.startswith("probe."))
    assert probe.status == "skip"
    assert elapsed < 2.5


def test_a_fallback_answer_fails_the_probe(tmp_path: Path) -> None:
    """A 200 answered by another deployment (x-litellm-model-id, x-litellm-attempted-fallbacks) is a failure."""
    body = json.dumps({"data": [{"id": "chat"}], "choices": []}).encode()
    headers = {"x-litellm-model-id": "prod:mini:fake/mini-a", "x-litellm-attempted-fallbacks": "1"}
    with hostile("json", body=body, headers=headers) as proxy:
        result, _elapsed = _run(_project(tmp_path, proxy))
    probe = next(c for c in result.checks if c.id == "probe.chat[fake/chat-a]")
    assert (probe.status, probe.cause, probe.key) == ("fail", "fallback", "resources.fake.deployments")
    assert probe.message == "answered by prod:mini:fake/mini-a, not by fake/chat-a (x-litellm-attempted-fallbacks: 1)"


def test_a_resolver_that_hangs_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """getaddrinfo has no timeout of its own; a resolver that never answers is simulated, not queried."""
    gate = __import__("threading").Event()

    def hang(*args: object, **kwargs: object) -> list[object]:
        gate.wait(10)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    with hostile("silent") as proxy:
        project = _project(tmp_path, proxy)
        project.write_text(project.read_text().replace("{host: 127.0.0.1, port:", "{host: litellm.example.invalid, port:"))
        try:
            result, elapsed = _run(project)
        finally:
            gate.set()
    check = next(c for c in result.checks if c.id == "litellm-1.reachable")
    assert (check.status, check.cause, check.key) == ("fail", "dns", "defaults.proxy.instances[0].host")
    assert "DNS gave no answer for litellm.example.invalid within" in check.message
    assert elapsed < TIMEOUT + 1.0
