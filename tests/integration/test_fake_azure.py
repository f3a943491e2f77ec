"""The fake Azure OpenAI speaks Azure's wire format, including its failure modes."""

from __future__ import annotations

import http.client
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support import procs
from tests.support.fake_azure import MSG_401_KEY, MSG_401_TOKEN, MSG_DEPLOYMENT_NOT_FOUND, FakeAzure, reply_text
from tests.support.fixtures import FAKE_API_KEY, FAKE_ENTRA_TOKEN

CHAT = "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21"
MESSAGES = [{"role": "user", "content": "hi there"}]


def post(
    fake: FakeAzure | str, path: str, body: Any, headers: Mapping[str, str] | None = None, *, key: bool = True
) -> tuple[int, dict[str, str], bytes]:
    base = fake if isinstance(fake, str) else fake.url
    hdrs = {"Content-Type": "application/json", **({"api-key": FAKE_API_KEY} if key else {}), **(headers or {})}
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=hdrs, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_chat_completion_has_azure_shape(fake_azure: FakeAzure) -> None:
    status, headers, raw = post(fake_azure, CHAT, {"messages": MESSAGES})
    body = json.loads(raw)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    # Azure reports the model with its version date, not the deployment name.
    assert body["model"] == "gpt-4o-2024-08-06"
    assert body["choices"][0]["message"] == {"content": reply_text("gpt-4o-prod"), "refusal": None, "role": "assistant"}
    assert body["choices"][0]["content_filter_results"]["hate"] == {"filtered": False, "severity": "safe"}
    assert body["prompt_filter_results"][0]["prompt_index"] == 0
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_streaming_sends_filter_chunk_first_and_done_last(fake_azure: FakeAzure) -> None:
    status, headers, raw = post(fake_azure, CHAT, {"messages": MESSAGES, "stream": True})
    assert status == 200
    assert headers["Content-Type"].startswith("text/event-stream")
    events = raw.decode().split("\n\n")
    assert events[-1] == ""
    assert events[-2] == "data: [DONE]"
    chunks = [json.loads(e.removeprefix("data: ")) for e in events[:-2]]
    assert chunks[0]["choices"] == [] and "prompt_filter_results" in chunks[0]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[1:])
    assert text == reply_text("gpt-4o-prod")
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert all("usage" not in c for c in chunks)


def test_stream_options_include_usage_adds_a_usage_chunk(fake_azure: FakeAzure) -> None:
    body = {"messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}
    _, _, raw = post(fake_azure, CHAT, body)
    chunks = [json.loads(e.removeprefix("data: ")) for e in raw.decode().split("\n\n")[:-2]]
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] > 0


def test_v1_api_takes_deployment_from_body(fake_azure: FakeAzure) -> None:
    status, _, raw = post(
        fake_azure, "/openai/v1/chat/completions", {"model": "gpt-4o-mini-prod", "messages": MESSAGES}
    )
    assert status == 200
    assert json.loads(raw)["model"] == "gpt-4o-mini-2024-07-18"
    [rec] = fake_azure.requests()
    assert (rec.api, rec.deployment, rec.api_version) == ("v1", "gpt-4o-mini-prod", None)


def test_v1_api_unknown_deployment(fake_azure: FakeAzure) -> None:
    status, _, raw = post(fake_azure, "/openai/v1/chat/completions", {"model": "nope", "messages": MESSAGES})
    assert (status, json.loads(raw)["error"]["code"]) == (404, "DeploymentNotFound")


def test_completions_and_embeddings(fake_azure: FakeAzure) -> None:
    status, _, raw = post(
        fake_azure, "/openai/deployments/embed-small/embeddings?api-version=2024-06-01", {"input": ["a", "b"]}
    )
    body = json.loads(raw)
    assert status == 200
    assert body["object"] == "list"
    assert [d["index"] for d in body["data"]] == [0, 1]
    assert len(body["data"][0]["embedding"]) == 1536
    # A chat model has no legacy completions operation.
    status, _, raw = post(
        fake_azure, "/openai/deployments/gpt-4o-prod/completions?api-version=2024-06-01", {"prompt": "x"}
    )
    assert (status, json.loads(raw)["error"]["code"]) == (400, "OperationNotSupported")


@pytest.mark.parametrize(
    ("headers", "key", "message"),
    [
        ({}, False, MSG_401_KEY),
        ({"api-key": "wrong"}, False, MSG_401_KEY),
        ({"Authorization": "Bearer wrong"}, False, MSG_401_TOKEN),
    ],
    ids=["missing", "wrong-key", "wrong-token"],
)
def test_bad_credentials_get_401(fake_azure: FakeAzure, headers: dict[str, str], key: bool, message: str) -> None:
    status, _, raw = post(fake_azure, CHAT, {"messages": MESSAGES}, headers, key=key)
    assert status == 401
    assert json.loads(raw) == {"error": {"code": "401", "message": message}}
    assert fake_azure.requests()[0].auth_ok is False


def test_exact_401_body_for_a_wrong_key(fake_azure: FakeAzure) -> None:
    _, _, raw = post(fake_azure, CHAT, {"messages": MESSAGES}, {"api-key": "wrong"}, key=False)
    assert json.loads(raw)["error"]["message"] == (
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
        "for an active subscription and use a correct regional API endpoint for your resource."
    )


def test_bearer_token_is_accepted_and_logged_without_value(fake_azure: FakeAzure) -> None:
    status, _, _ = post(
        fake_azure, CHAT, {"messages": MESSAGES}, {"Authorization": f"Bearer {FAKE_ENTRA_TOKEN}"}, key=False
    )
    assert status == 200
    [rec] = fake_azure.requests()
    assert rec.auth == "bearer"
    assert FAKE_ENTRA_TOKEN not in repr(rec)


@pytest.mark.parametrize(
    "path",
    [
        "/openai/deployments/gpt-4o-prod/chat/completions",
        "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-08-06",  # a model version, not an API one
        "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2022-12-01",  # GA, but has no chat route
        "/openai/deployments/gpt-4o-prod/chat/completions?api-version=v1",
        "/openai/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",  # api_base ending in /openai
    ],
)
def test_resource_not_found(fake_azure: FakeAzure, path: str) -> None:
    status, _, raw = post(fake_azure, path, {"messages": MESSAGES})
    assert (status, json.loads(raw)) == (404, {"error": {"code": "404", "message": "Resource not found"}})


def test_unknown_deployment(fake_azure: FakeAzure) -> None:
    status, _, raw = post(fake_azure, CHAT.replace("gpt-4o-prod", "gpt-4o"), {"messages": MESSAGES})
    assert status == 404
    assert json.loads(raw) == {"error": {"code": "DeploymentNotFound", "message": MSG_DEPLOYMENT_NOT_FOUND}}


def test_o_series_needs_a_recent_api_version(fake_azure: FakeAzure) -> None:
    old = "/openai/deployments/o3-mini-prod/chat/completions?api-version=2024-10-21"
    status, _, raw = post(fake_azure, old, {"messages": MESSAGES})
    assert status == 400
    assert json.loads(raw)["error"]["message"] == (
        "Model o3-mini is enabled only for api versions 2024-12-01-preview and later"
    )
    status, _, _ = post(fake_azure, old.replace("2024-10-21", "2024-12-01-preview"), {"messages": MESSAGES})
    assert status == 200


def test_injected_429_has_retry_after_then_recovers(fake_azure: FakeAzure) -> None:
    fake_azure.fail("gpt-4o-prod", 429, times=2, retry_after=7)
    for _ in range(2):
        status, headers, raw = post(fake_azure, CHAT, {"messages": MESSAGES})
        assert status == 429
        assert headers["retry-after"] == "7"
        error = json.loads(raw)["error"]
        assert error["code"] == "429"
        assert "ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21" in error["message"]
        assert "Please retry after 7 seconds" in error["message"]
    assert post(fake_azure, CHAT, {"messages": MESSAGES})[0] == 200
    assert [r.status for r in fake_azure.requests()] == [429, 429, 200]


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_errors(fake_azure: FakeAzure, status: int) -> None:
    fake_azure.fail("gpt-4o-prod", status)
    got, _, raw = post(fake_azure, CHAT, {"messages": MESSAGES})
    assert got == status
    assert set(json.loads(raw)["error"]) == {"code", "message"}


def test_faults_are_per_deployment(fake_azure: FakeAzure) -> None:
    fake_azure.fail("gpt-4o-mini-prod", 503)
    assert post(fake_azure, CHAT, {"messages": MESSAGES})[0] == 200


def test_refuse_closes_the_connection_without_a_response(fake_azure: FakeAzure) -> None:
    fake_azure.refuse("gpt-4o-prod")
    conn = http.client.HTTPConnection("127.0.0.1", fake_azure.port, timeout=5)
    body = json.dumps({"messages": MESSAGES})
    conn.request("POST", CHAT, body, {"api-key": FAKE_API_KEY, "Content-Type": "application/json"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        conn.getresponse()
    conn.close()
    assert post(fake_azure, CHAT, {"messages": MESSAGES})[0] == 200
    assert [r.status for r in fake_azure.requests()] == [0, 200]


def test_latency_delays_the_answer(fake_azure: FakeAzure) -> None:
    fake_azure.set_latency("gpt-4o-prod", 1.0)
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(
            urllib.request.Request(
                fake_azure.url + CHAT,
                data=json.dumps({"messages": MESSAGES}).encode(),
                headers={"api-key": FAKE_API_KEY, "Content-Type": "application/json"},
            ),
            timeout=0.3,
        )


def test_request_log_records_route_version_and_auth_header(fake_azure: FakeAzure) -> None:
    post(fake_azure, CHAT, {"messages": MESSAGES, "temperature": 0.5})
    [rec] = fake_azure.requests("gpt-4o-prod")
    assert rec.path == "/openai/deployments/gpt-4o-prod/chat/completions"
    assert (rec.api, rec.api_version, rec.auth, rec.status) == ("dated", "2024-10-21", "api-key", 200)
    assert rec.body["temperature"] == 0.5
    assert FAKE_API_KEY not in repr(rec)


def test_runs_as_a_subprocess_with_http_controls(tmp_path: Path) -> None:
    port = procs.free_port()
    config = json.dumps({"deployments": {"chat": ["gpt-4o", "2024-11-20"]}, "api_keys": ["k"]})
    argv = [sys.executable, "-m", "tests.support.fake_azure", "--port", str(port), "--config", config]
    root = Path(__file__).resolve().parents[2]
    with procs.start(argv, cwd=root, log_path=tmp_path / "fake.log") as proc:
        base = f"http://127.0.0.1:{port}"
        procs.wait_http(base + "/_fake/requests", 10, proc=proc)
        path = "/openai/deployments/chat/chat/completions?api-version=2024-10-21"
        post(base, "/_fake/fault", {"deployment": "chat", "status": 429, "times": 1})
        assert post(base, path, {"messages": MESSAGES}, {"api-key": "k"}, key=False)[0] == 429
        status, _, raw = post(base, path, {"messages": MESSAGES}, {"api-key": "k"}, key=False)
        assert (status, json.loads(raw)["model"]) == (200, "gpt-4o-2024-11-20")
        log = json.loads(procs.http_get(base + "/_fake/requests")[1])
        assert [(r["deployment"], r["status"]) for r in log] == [("chat", 429), ("chat", 200)]
    assert not proc.alive()
