"""`configgen doctor` against the running end-to-end stack, healthy and with faults injected: a wrong
master key, a wrong Azure key, an unknown deployment, a slow Azure, an alias the proxies do not serve,
a deployment missing behind a fallback (its own proxy), and (last, for the rest of the module) a proxy down."""

from __future__ import annotations

import json
import os
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.tools.doctor import CheckResult, DoctorResult, run_doctor
from tests.support.fake_azure import FakeAzure
from tests.support.fixtures import require_binary
from tests.support.hostile_http import guard_loopback
from tests.support.litellm_proxy import start_litellm
from tests.support.procs import free_port
from tests.support.stack import API_VERSION, AS_OF, AZURE_KEY, MASTER_KEY, Stack, new_fake, running_stack

pytestmark = pytest.mark.integration

PROXY_ENV = {"LITELLM_MASTER_KEY": MASTER_KEY}
DIRECT_ENV = {"AZURE_OPENAI_API_KEY": AZURE_KEY}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    for binary in ("redis-server", "nginx", "haproxy"):
        require_binary(binary)
    with new_fake() as fake, running_stack(tmp_path_factory.mktemp("doctor"), fake) as st:
        yield st


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The doctor follows server answers: every connection it makes here must go to 127.0.0.1."""
    return guard_loopback(monkeypatch, ("127.0.0.1",))


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


def test_healthy_stack_passes_every_check(stack: Stack, fake: FakeAzure) -> None:
    result = doctor(stack, "nginx", PROXY_ENV)
    assert result.ok, [c for c in result.checks if c.status != "ok"]
    assert [c.id for c in result.checks] == [
        *(f"{t}.{c}" for t in ("balancer", "litellm-1", "litellm-2") for c in ("reachable", "liveliness", "readiness")),
        "balancer.models",
        "litellm-1.models",
        "litellm-2.models",
        "probe.chat[fake/chat-a]",
        "probe.chat[fake/chat-b]",
        "probe.mini[fake/mini-a]",
    ]
    assert by_id(result)["balancer.models"].message == "serves chat, mini"
    assert by_id(result)["probe.chat[fake/chat-b]"].message.startswith("completion from fake/chat-b in ")
    # One completion per deployment, pinned to it, through the balancer, reached Azure.
    assert sorted(r.deployment or "" for r in fake.requests()) == ["chat-a", "chat-b", "mini-a"]


def test_proxies_running_another_environments_config(stack: Stack, fake: FakeAzure) -> None:
    """The stack's proxies run the config rendered for `nginx`; `haproxy`'s deployment ids
    (model_info.id) differ, so its pinned probes find no such deployment: the config is not this
    environment's. Health and models (by alias) pass."""
    result = doctor(stack, "haproxy", PROXY_ENV)
    bad = failed(result)
    assert set(bad) == {"probe.chat[fake/chat-a]", "probe.chat[fake/chat-b]", "probe.mini[fake/mini-a]"}
    check = bad["probe.chat[fake/chat-a]"]
    assert (check.cause, check.key) == ("model-not-served", "defaults.aliases.chat")
    assert "no deployment with id haproxy:chat:fake/chat-a" in check.fix
    assert "rendered for another environment" in check.fix
    assert fake.requests() == []


def test_cli_text_shows_progress_and_exits_0(stack: Stack, fake: FakeAzure) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["doctor", "nginx", "-p", str(stack.project), "--probe"], env=PROXY_ENV,
                        catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    # Checks of independent targets run at once: each line is whole, in the order they finished.
    reach = next(line for line in lines if line.startswith("balancer.reachable"))
    assert reach.startswith(f"balancer.reachable (127.0.0.1:{stack.ports.nginx}) ... ok: connected in ")
    assert "probe.mini[fake/mini-a] (" in res.stdout
    assert lines[-1] == "doctor nginx (proxy mode): all checks passed: 15 ok, 0 warning(s), 0 failed, 0 skipped"


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
    assert set(data["checks"][0]) == {"id", "target", "status", "message", "cause", "fix", "file", "key", "line",
                                      "column", "elapsed_ms"}  # fmt: skip
    bad = {c["id"]: c for c in data["checks"] if c["status"] == "fail"}
    assert set(bad) == {"balancer.models", "litellm-1.models", "litellm-2.models"}
    line, col = _position(stack.project, "proxy")  # master_key_env is not written: where it goes
    for check in bad.values():
        assert check["cause"] == "auth"
        assert (check["file"], check["key"]) == (str(stack.project), "defaults.proxy.master_key_env")
        assert (check["line"], check["column"]) == (line, col)
        assert "LITELLM_MASTER_KEY" in check["fix"]
        assert "No connected db" in check["message"]
    # Probes cannot succeed with a key the proxy refused: skipped, with the reason.
    skipped = {c["id"]: c["message"] for c in data["checks"] if c["status"] == "skip"}
    assert set(skipped) == {"probe.chat[fake/chat-a]", "probe.chat[fake/chat-b]", "probe.mini[fake/mini-a]"}
    assert set(skipped.values()) == {"balancer refused the master key (see balancer.models)"}
    assert fake.requests() == []


def _position(project: Path, key: str) -> tuple[int, int]:
    """1-based line and column of the first ``key:`` in the project file."""
    for number, text in enumerate(project.read_text().splitlines(), 1):
        if f"{key}:" in text:
            return number, text.index(f"{key}:") + 1
    raise AssertionError(key)


def test_cli_text_prints_where_as_file_line_col_and_each_fix_once(stack: Stack, fake: FakeAzure) -> None:
    res = CliRunner().invoke(cli, ["doctor", "nginx", "-p", str(stack.project)],
                             env={"LITELLM_MASTER_KEY": "sk-not-the-master-key-000000", "LITELLM_API_KEY": None},
                             catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 1
    line, col = _position(stack.project, "proxy")  # master_key_env is not written: where it goes
    assert res.stdout.count(f"    where: {stack.project}:{line}:{col}: defaults.proxy.master_key_env") == 3
    fixes = [x for x in res.stdout.splitlines() if x.startswith("    fix:   ")]
    assert len(fixes) == 3
    assert sum("LITELLM_MASTER_KEY" in x for x in fixes) == 1  # the same fix, printed once
    assert sum(x.startswith("    fix:   as for ") for x in fixes) == 2
    assert "sk-not-the-master-key-000000" not in res.output


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
    assert set(bad) == {"probe.chat[fake/chat-a]", "probe.chat[fake/chat-b]", "probe.mini[fake/mini-a]"}
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
    assert list(bad) == ["probe.mini[fake/mini-a]"]
    check = bad["probe.mini[fake/mini-a]"]
    assert (check.cause, check.key) == ("deployment-not-found", "resources.fake.deployments")
    assert "Azure has no deployment mini-a on resource fake" in check.fix
    assert by_id(result)["probe.chat[fake/chat-a]"].status == "ok"


def test_slow_azure_times_out_within_the_bound(stack: Stack, fake: FakeAzure) -> None:
    fake.set_latency("mini-a", 6)
    result = doctor(stack, "nginx", PROXY_ENV, timeout=2)
    bad = failed(result)
    assert list(bad) == ["probe.mini[fake/mini-a]"]
    check = bad["probe.mini[fake/mini-a]"]
    assert (check.cause, check.message) == ("timeout", "no completion within 2s")
    assert check.elapsed_ms < 3000  # the whole exchange is bounded, not each read
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
    assert set(bad) == {"balancer.models", "litellm-1.models", "litellm-2.models", "probe.ghost[fake/chat-a]"}
    assert bad["litellm-2.models"].cause == "model-missing"
    assert bad["litellm-2.models"].message == "does not serve ghost (serves: chat, mini)"
    assert "configgen render nginx" in bad["litellm-2.models"].fix
    ghost = bad["probe.ghost[fake/chat-a]"]
    assert (ghost.cause, ghost.key) == ("model-not-served", "defaults.aliases.ghost")


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
    assert (check.file, check.key) == (str(stack.project), "defaults.proxy.instances[1].port")
    assert check.line == _position(stack.project, "instances")[0] + 2  # the second instance's line
    assert f"nothing listens on 127.0.0.1:{stack.ports.proxies[1]}" in check.fix
    # Rendered paths in a fix are relative to the working directory (here: the project's outputs dir).
    config = Path(os.path.relpath(stack.root / "deploy" / "nginx" / "litellm.config.yaml"))
    assert f"litellm --config {config} --host 127.0.0.1 --port {stack.ports.proxies[1]}" in check.fix
    skipped = {c.id for c in result.checks if c.status == "skip"}
    assert skipped == {"litellm-2.liveliness", "litellm-2.readiness", "litellm-2.models"}
    assert by_id(result)["probe.chat[fake/chat-a]"].status == "ok"
    assert result.exit_code() == 1


def test_a_deployment_missing_behind_a_fallback_fails_its_probe(stack: Stack, fake: FakeAzure, tmp_path: Path) -> None:
    """The alias's own deployment is missing and LiteLLM would answer 200 from the fallback alias: the
    probe of that deployment fails, naming it and why; the other deployments pass."""
    from configgen import app

    port = free_port()
    project = tmp_path / "configgen.yaml"
    project.write_text(textwrap.dedent(f"""\
        version: 1
        name: fallback
        resources:
          fake:
            endpoint: {fake.url}
            region: swedencentral
            auth: {{type: api_key, key_env: AZURE_OPENAI_API_KEY}}
            api_version: "{API_VERSION}"
            deployments:
              chat-a: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
              chat-gone: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
              mini-a: {{model: gpt-5-mini, version: "2025-08-07", sku: GlobalStandard, capacity: 10}}
        defaults:
          aliases:
            chat: {{deployments: [fake/chat-gone], fallbacks: [mini]}}
            mini: {{deployments: [fake/mini-a]}}
          app: {{mode: proxy, alias: chat}}
          proxy:
            instances: [{{host: 127.0.0.1, port: {port}}}]
            num_retries: 0
        environments:
          solo: {{}}
        """))
    rendered = app.render(project, "solo", out_dir=tmp_path / "out", as_of=AS_OF)
    assert rendered.exit_code() == 0, rendered.findings
    env = {"AZURE_OPENAI_API_KEY": AZURE_KEY, "LITELLM_MASTER_KEY": MASTER_KEY}
    with start_litellm(tmp_path / "out" / "litellm.config.yaml", port=port, env=env, workdir=tmp_path / "proxy"):
        # What the old probe saw: a request to the alias is answered 200, by the fallback.
        import urllib.request

        body = json.dumps({"model": "chat", "messages": [{"role": "user", "content": "hi"}]}).encode()
        headers = {"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"}
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", body, headers, method="POST")
        fake.reset()
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert (resp.status, resp.headers["x-litellm-attempted-fallbacks"]) == (200, "1")
            assert resp.headers["x-litellm-model-id"] == "solo:mini:fake/mini-a"
        seen = [(r.deployment, r.status) for r in fake.requests()]
        assert ("chat-gone", 404) in seen and ("mini-a", 200) in seen, seen
        fake.reset()
        result = run_doctor(project, "solo", probe=True, timeout=10, environ=PROXY_ENV)
        seen = [(r.deployment, r.status) for r in fake.requests()]
    bad = failed(result)
    assert list(bad) == ["probe.chat[fake/chat-gone]"]
    check = bad["probe.chat[fake/chat-gone]"]
    assert (check.cause, check.key) == ("deployment-not-found", "resources.fake.deployments")
    assert "Azure has no deployment chat-gone on resource fake" in check.fix
    assert by_id(result)["probe.mini[fake/mini-a]"].status == "ok"
    # The pinned probe went to chat-gone once: no retry, no fallback; mini-a answered its own probe.
    assert seen.count(("chat-gone", 404)) == 1 and ("mini-a", 200) in seen, seen
