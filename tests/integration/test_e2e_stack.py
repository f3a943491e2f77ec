"""The whole rendered HA environment on 127.0.0.1: fake Azure, Redis, two real LiteLLM proxies started from
the rendered litellm.config.yaml, nginx and HAProxy started from the rendered snippets. The client knows
only the rendered server/.env (plus its secret key, which never goes into that file).

One stack for the module (a proxy costs ~8 s and ~360 MB); the tests run in file order and the last
one kills a proxy.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.fake_azure import FakeAzure, reply_text
from tests.support.fixtures import require_binary
from tests.support.stack import MASTER_KEY, Stack, new_fake, running_stack

pytestmark = pytest.mark.integration

BALANCED_ENVS = ("nginx", "haproxy")
CHAT_REPLIES = {reply_text("chat-a"), reply_text("chat-b")}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    for binary in ("redis-server", "nginx", "haproxy"):
        require_binary(binary)
    # Another instance honours a cooldown on its next Redis read, at most
    # DEFAULT_COOLDOWN_REDIS_READ_INTERVAL_SECONDS (1 s, litellm/constants.py) later; 0 makes every read
    # fresh so the cooldown test needs no waiting.
    extra = {"DEFAULT_COOLDOWN_REDIS_READ_INTERVAL_SECONDS": "0"}
    with new_fake() as fake, running_stack(tmp_path_factory.mktemp("e2e"), fake, extra_env=extra) as st:
        yield st


@pytest.fixture
def fake(stack: Stack) -> FakeAzure:
    stack.fake.reset()
    return stack.fake


def post(url: str, body: dict[str, Any], timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def app_chat(stack: Stack, env: str, *, stream: bool = False) -> tuple[int, bytes]:
    """What the app does: LITELLM_API_BASE and LITELLM_MODEL from the rendered server/.env, its key from
    its own environment (LITELLM_API_KEY; here the master key)."""
    dotenv = stack.dotenv(env)
    body: dict[str, Any] = {"model": dotenv["LITELLM_MODEL"], "messages": [{"role": "user", "content": "hi"}]}
    if stream:
        body["stream"] = True
    return post(dotenv["LITELLM_API_BASE"] + "/v1/chat/completions", body)


def streamed_text(raw: bytes) -> str:
    events = [e.removeprefix("data: ") for e in raw.decode().split("\n\n") if e.strip()]
    assert events[-1] == "[DONE]", events[-3:]
    chunks = [json.loads(e) for e in events[:-1]]
    return "".join((c["choices"][0]["delta"].get("content") or "") for c in chunks if c.get("choices"))


@pytest.mark.parametrize("env", BALANCED_ENVS)
def test_dotenv_points_at_the_balancer(stack: Stack, env: str) -> None:
    dotenv = stack.dotenv(env)
    port = stack.ports.nginx if env == "nginx" else stack.ports.haproxy
    assert dotenv == {"LITELLM_API_BASE": f"http://127.0.0.1:{port}", "LITELLM_MODEL": "chat"}


@pytest.mark.parametrize("env", BALANCED_ENVS)
def test_completion_through_the_balancer(stack: Stack, fake: FakeAzure, env: str) -> None:
    status, raw = app_chat(stack, env)
    assert status == 200, (raw, stack.log_tails())
    assert json.loads(raw)["choices"][0]["message"]["content"] in CHAT_REPLIES
    [rec] = fake.requests()
    assert rec.path in {"/openai/deployments/chat-a/chat/completions", "/openai/deployments/chat-b/chat/completions"}
    assert (rec.api_version, rec.auth, rec.auth_ok) == ("2025-04-01-preview", "api-key", True)


@pytest.mark.parametrize("env", BALANCED_ENVS)
def test_streamed_completion_through_the_balancer(stack: Stack, fake: FakeAzure, env: str) -> None:
    status, raw = app_chat(stack, env, stream=True)
    assert status == 200, (raw, stack.log_tails())
    assert streamed_text(raw) in CHAT_REPLIES
    [rec] = fake.requests()
    assert rec.body["stream"] is True


def served_counts(stack: Stack) -> list[int]:
    """Completions each proxy answered so far, from its uvicorn access log."""
    line = '"POST /v1/chat/completions HTTP/1.1" 200'
    return [p.proc.log_path.read_text(errors="replace").count(line) for p in stack.proxies]


@pytest.mark.parametrize("env", BALANCED_ENVS)
def test_balancer_spreads_requests_over_both_proxies(stack: Stack, fake: FakeAzure, env: str) -> None:
    before = served_counts(stack)
    for _ in range(6):
        status, raw = app_chat(stack, env)
        assert status == 200, raw
    after = served_counts(stack)
    # least_conn / leastconn with one request at a time rotate over idle servers: both get some.
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    assert sum(after) - sum(before) == 6


def test_cooldown_recorded_by_one_proxy_is_honoured_by_the_other(stack: Stack, fake: FakeAzure) -> None:
    """Azure answers 429 for chat-a. Proxy A's failures, counted fleet-wide in Redis
    (`deployment:<model_info.id>:allowed_fails`, litellm/router_utils/cooldown_handlers.py
    should_cooldown_based_on_allowed_fails_policy), cool chat-a down once allowed_fails (1) is exceeded; the
    cooldown is the Redis key `deployment:<model_info.id>:cooldown`, kept for Azure's retry-after
    (litellm/router_rust/core.py retry_after_seconds). Proxy B never gets a failure from chat-a: it skips
    chat-a only because it reads that key.
    """
    proxy_a, proxy_b = stack.proxies
    body = {"model": "chat", "messages": [{"role": "user", "content": "hi"}]}
    # Control: left alone, B does route to chat-a (simple-shuffle over two equal deployments).
    for _ in range(40):
        status, raw = post(proxy_b.url + "/v1/chat/completions", body)
        assert status == 200, raw
        if fake.requests("chat-a"):
            break
    assert [r.status for r in fake.requests("chat-a")] == [200]

    model_id = "nginx:chat:fake/chat-a"  # model_info.id as rendered: stable and equal on every instance
    cooldown_key = f"deployment:{model_id}:cooldown"
    fake.reset()
    fake.fail("chat-a", 429, times=1000, retry_after=300)
    for _ in range(40):
        status, raw = post(proxy_a.url + "/v1/chat/completions", body)
        assert status == 200, raw  # the router retries on chat-b
        if cooldown_key in stack.redis_keys("deployment:*"):
            break
    assert cooldown_key in stack.redis_keys("deployment:*"), stack.redis_keys()
    cooldown = json.loads(str(stack.redis_command("GET", cooldown_key)))
    assert (cooldown["status_code"], cooldown["cooldown_time"]) == ("429", 300)
    assert {r.status for r in fake.requests("chat-a")} == {429}

    fake.reset()
    fake.fail("chat-a", 429, times=1000, retry_after=300)
    for _ in range(12):
        status, raw = post(proxy_b.url + "/v1/chat/completions", body)
        assert status == 200, raw
        assert json.loads(raw)["choices"][0]["message"]["content"] == reply_text("chat-b")
    assert fake.requests("chat-a") == [], "proxy B sent requests to a deployment proxy A cooled down"
    assert len(fake.requests("chat-b")) == 12


@pytest.mark.parametrize("env", BALANCED_ENVS)
def test_requests_keep_succeeding_with_one_proxy_killed(stack: Stack, fake: FakeAzure, env: str) -> None:
    """Runs last: stops proxy 2 (its whole process group) for the rest of the module."""
    stack.stop_proxy(1)
    assert not stack.proxies[1].proc.alive()
    for i in range(8):
        status, raw = app_chat(stack, env, stream=i % 2 == 1)
        assert status == 200, (i, raw, stack.log_tails())
    assert len(fake.requests()) == 8
