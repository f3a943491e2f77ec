"""`configgen doctor` against the running end-to-end stack, healthy and with faults injected: a wrong
master key, a wrong Azure key, an unknown deployment, a slow Azure, an alias the proxies do not serve,
and (last, for the rest of the module) a proxy down."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.tools.doctor import CheckResult, DoctorResult, run_doctor
from tests.support.fake_azure import FakeAzure
from tests.support.fixtures import require_binary
from tests.support.stack import AZURE_KEY, MASTER_KEY, Stack, new_fake, running_stack

pytestmark = pytest.mark.integration

PROXY_ENV = {"LITELLM_MASTER_KEY": MASTER_KEY}
DIRECT_ENV = {"AZURE_OPENAI_API_KEY": AZURE_KEY}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    for binary in ("redis-server", "nginx", "haproxy"):
        require_binary(binary)
    with new_fake() as fake, running_stack(tmp_path_factory.mktemp("doctor"), fake) as st:
        yield st


@pytest.fixture
def fake(stack: Stack) -> Iterator[FakeAzure]:
    stack.fake.reset()
    yield stack.fake
    stack.fake.reset()


def doctor(stack: Stack, env: str, environ: dict[str, str], *, probe: bool = True, timeout: float = 10) -> DoctorResult:
    return run_doctor(stack.project, env, probe=probe, timeout=timeout, environ=environ)


def by_id(result: DoctorResult) -> dict[str, CheckResult]:
    return {c.id: c for c in result.checks}


def failed(result: DoctorResult) -> dict[str, CheckResult]:
    return {c.id: c for c in result.checks if c.status == "fail"}


@pytest.mark.parametrize("env", ["nginx", "haproxy"])
def test_healthy_stack_passes_every_check(stack: Stack, fake: FakeAzure, env: str) -> None:
    result = doctor(stack, env, PROXY_ENV)
    assert result.ok, [c for c in result.checks if c.status != "ok"]
    assert [c.id for c in result.checks] == [
        *(f"{t}.{c}" for t in ("balancer", "litellm-1", "litellm-2") for c in ("reachable", "liveliness", "readiness")),
        "balancer.models",
        "litellm-1.models",
        "litellm-2.models",
        "probe.chat",
        "probe.mini",
    ]
    assert by_id(result)["balancer.models"].message == "serves chat, mini"
    # One completion per alias, through the balancer, reached Azure.
    first, second = sorted(r.deployment or "" for r in fake.requests())
    assert (first in {"chat-a", "chat-b"}, second) == (True, "mini-a")


def test_cli_text_shows_progress_and_exits_0(stack: Stack, fake: FakeAzure) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["doctor", "nginx", "-p", str(stack.project), "--probe"], env=PROXY_ENV,
                        catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == f"balancer.reachable (127.0.0.1:{stack.ports.nginx}) ... " + lines[0].split(" ... ")[1]
    assert lines[0].split(" ... ")[1].startswith("ok: connected in ")
    assert "probe.mini (" in res.stdout
    assert lines[-1] == "doctor nginx (proxy mode): all checks passed: 14 ok, 0 warning(s), 0 failed, 0 skipped"


def test_cli_json_with_a_wrong_master_key(stack: Stack, fake: FakeAzure) -> None:
    """Without a database, LiteLLM answers a wrong key with 400 "No connected db." (not 401)."""
    runner = CliRunner()
    res = runner.invoke(
        cli,
        ["doctor", "haproxy", "-p", str(stack.project), "--probe", "--format", "json"],
        env={"LITELLM_MASTER_KEY": "sk-not-the-master-key-000000", "LITELLM_API_KEY": None},
        catch_exceptions=False,
    )
    assert res.exit_code == 1
    data = json.loads(res.stdout)  # progress went to stderr
    assert "balancer.reachable" in res.stderr
    assert (data["env"], data["mode"], data["ok"]) == ("haproxy", "proxy", False)
    assert set(data["checks"][0]) == {"id", "target", "status", "message", "cause", "fix", "file", "key", "elapsed_ms"}
    bad = {c["id"]: c for c in data["checks"] if c["status"] == "fail"}
    assert set(bad) == {"balancer.models", "litellm-1.models", "litellm-2.models", "probe.chat", "probe.mini"}
    for check in bad.values():
        assert check["cause"] == "auth"
        assert (check["file"], check["key"]) == ("configgen.yaml", "defaults.proxy.master_key_env")
        assert "LITELLM_MASTER_KEY" in check["fix"]
        assert "No connected db" in check["message"]
    assert fake.requests() == []


def test_missing_master_key_is_reported_once(stack: Stack, fake: FakeAzure) -> None:
    result = doctor(stack, "nginx", {})
    assert list(failed(result)) == ["auth.key"]
    assert "export LITELLM_MASTER_KEY=" in failed(result)["auth.key"].fix


def test_wrong_azure_key_on_the_proxies(stack: Stack, fake: FakeAzure) -> None:
    """Azure's 401 passes through the proxy; the fix names the variable the proxies must set."""
    fake.api_keys = {"a-key-the-proxies-do-not-have"}
    try:
        result = doctor(stack, "nginx", PROXY_ENV)
    finally:
        fake.api_keys = {AZURE_KEY}
    bad = failed(result)
    assert set(bad) == {"probe.chat", "probe.mini"}
    for check in bad.values():
        assert check.cause == "azure-auth"
        assert "Access denied due to invalid subscription key" in check.message
        assert check.key == "resources.fake.auth"
        assert "set AZURE_OPENAI_API_KEY on the proxy hosts" in check.fix


def test_unknown_deployment(stack: Stack, fake: FakeAzure) -> None:
    saved = fake.deployments.pop("mini-a")
    try:
        result = doctor(stack, "nginx", PROXY_ENV)
    finally:
        fake.deployments["mini-a"] = saved
    bad = failed(result)
    assert list(bad) == ["probe.mini"]
    check = bad["probe.mini"]
    assert (check.cause, check.key) == ("deployment-not-found", "resources.fake.deployments")
    assert "Azure has no deployment mini-a on resource fake" in check.fix
    assert by_id(result)["probe.chat"].status == "ok"


def test_slow_azure_times_out_within_the_bound(stack: Stack, fake: FakeAzure) -> None:
    fake.set_latency("mini-a", 6)
    result = doctor(stack, "nginx", PROXY_ENV, timeout=2)
    bad = failed(result)
    assert list(bad) == ["probe.mini"]
    check = bad["probe.mini"]
    assert (check.cause, check.message) == ("timeout", "no completion within 2s")
    assert "raise --timeout" in check.fix and "defaults.proxy.timeout" in check.fix


def test_alias_the_proxies_do_not_serve(stack: Stack, fake: FakeAzure, tmp_path: Path) -> None:
    """A project that declares more than the running proxies serve: their config is stale."""
    mini = "    mini: {deployments: [fake/mini-a]}"
    text = stack.project.read_text().replace(mini, mini + "\n    ghost: {deployments: [fake/chat-a]}")
    assert "ghost" in text
    project = tmp_path / "configgen.yaml"
    project.write_text(text)
    result = run_doctor(project, "nginx", probe=True, timeout=10, environ=PROXY_ENV)
    bad = failed(result)
    assert set(bad) == {"balancer.models", "litellm-1.models", "litellm-2.models", "probe.ghost"}
    assert bad["litellm-2.models"].cause == "model-missing"
    assert bad["litellm-2.models"].message == "does not serve ghost (serves: chat, mini)"
    assert "configgen render nginx" in bad["litellm-2.models"].fix
    assert (bad["probe.ghost"].cause, bad["probe.ghost"].key) == ("model-not-served", "defaults.aliases")


def test_direct_mode_checks_each_deployment(stack: Stack, fake: FakeAzure) -> None:
    result = doctor(stack, "direct", DIRECT_ENV, probe=False)
    assert result.ok, result.checks
    assert [c.id for c in result.checks] == ["azure.fake.reachable", "azure.fake/chat-a", "azure.fake/chat-b",
                                             "azure.fake/mini-a"]  # fmt: skip
    assert sorted(r.path for r in fake.requests()) == [
        f"/openai/deployments/{d}/chat/completions" for d in ("chat-a", "chat-b", "mini-a")
    ]
    assert {(r.api_version, r.auth, r.auth_ok) for r in fake.requests()} == {("2025-04-01-preview", "api-key", True)}


def test_direct_mode_wrong_key_and_unknown_deployment(stack: Stack, fake: FakeAzure) -> None:
    wrong = doctor(stack, "direct", {"AZURE_OPENAI_API_KEY": "not-the-key"}, probe=False)
    assert set(failed(wrong)) == {"azure.fake/chat-a", "azure.fake/chat-b", "azure.fake/mini-a"}
    check = failed(wrong)["azure.fake/chat-a"]
    assert (check.cause, check.key) == ("azure-auth", "resources.fake.auth")
    assert "set AZURE_OPENAI_API_KEY in the app's environment" in check.fix

    saved = fake.deployments.pop("chat-b")
    try:
        missing = doctor(stack, "direct", DIRECT_ENV, probe=False)
    finally:
        fake.deployments["chat-b"] = saved
    assert list(failed(missing)) == ["azure.fake/chat-b"]
    assert failed(missing)["azure.fake/chat-b"].cause == "deployment-not-found"

    unset = doctor(stack, "direct", {}, probe=False)
    assert failed(unset)["azure.fake/chat-a"].fix.startswith("export AZURE_OPENAI_API_KEY=")


def test_dns_failure_names_the_host_key(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Name resolution is the OS's; a failing resolver is simulated rather than queried (tests stay on 127.0.0.1)."""
    text = stack.project.read_text().replace(f"host: 127.0.0.1, port: {stack.ports.nginx}",
                                             f"host: litellm.example.invalid, port: {stack.ports.nginx}")  # fmt: skip
    project = stack.root / "dns-configgen.yaml"
    project.write_text(text)

    def no_such_host(host: str, *args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = run_doctor(project, "nginx", probe=False, timeout=2, environ=PROXY_ENV)
    check = failed(result)["balancer.reachable"]
    assert (check.cause, check.key) == ("dns", "environments.nginx.balancer.host")
    assert "litellm.example.invalid does not resolve" in check.message


def test_unknown_environment_is_a_usage_error(stack: Stack) -> None:
    res = CliRunner().invoke(cli, ["doctor", "ngnix", "-p", str(stack.project)], catch_exceptions=False)
    assert res.exit_code == 2
    assert "no environment `ngnix`" in res.output and "nginx" in res.output


def test_a_proxy_down(stack: Stack, fake: FakeAzure) -> None:
    """Runs last: stops proxy 2 for the rest of the module. The balancer keeps serving, the doctor fails."""
    stack.stop_proxy(1)
    result = doctor(stack, "nginx", PROXY_ENV)
    bad = failed(result)
    assert list(bad) == ["litellm-2.reachable"]
    check = bad["litellm-2.reachable"]
    assert check.cause == "connection-refused"
    assert (check.file, check.key) == ("configgen.yaml", "defaults.proxy.instances[1].port")
    assert f"nothing listens on 127.0.0.1:{stack.ports.proxies[1]}" in check.fix
    assert f"litellm --config litellm.config.yaml --host 127.0.0.1 --port {stack.ports.proxies[1]}" in check.fix
    skipped = {c.id for c in result.checks if c.status == "skip"}
    assert skipped == {"litellm-2.liveliness", "litellm-2.readiness", "litellm-2.models"}
    assert by_id(result)["probe.chat"].status == "ok"
    assert result.exit_code() == 1
