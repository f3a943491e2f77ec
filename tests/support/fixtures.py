"""pytest fixtures shared by the suite (registered from tests/conftest.py).

- ``fake_azure``: one :class:`FakeAzure` for the session, reset (faults and request log) before each test.
- ``litellm_proxy``: a factory that starts real LiteLLM proxies from a config file and stops them after
  the test.
- :func:`require_binary`: skip a test when a server binary is missing, but fail under ``CI=true`` so a
  broken CI image cannot turn the integration suite green by skipping it.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.support.fake_azure import FakeAzure
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm

#: Deployments the session fake serves; tests refer to them by these names.
FAKE_DEPLOYMENTS: dict[str, tuple[str, str]] = {
    "gpt-4o-prod": ("gpt-4o", "2024-08-06"),
    "gpt-4o-mini-prod": ("gpt-4o-mini", "2024-07-18"),
    "o3-mini-prod": ("o3-mini", "2025-01-31"),
    "embed-small": ("text-embedding-3-small", "1"),
}
FAKE_API_KEY = "fake-azure-key-0123456789"
FAKE_ENTRA_TOKEN = "fake-entra-token"

StartProxy = Callable[..., LiteLLMProxy]


def require_binary(name: str) -> str:
    """Path of executable ``name``; skips the test when it is missing (fails instead when ``CI=true``)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: integration binaries must be present)", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def _fake_azure_server() -> Iterator[FakeAzure]:
    with FakeAzure(FAKE_DEPLOYMENTS, api_keys=[FAKE_API_KEY], tokens=[FAKE_ENTRA_TOKEN]) as fake:
        yield fake


@pytest.fixture
def fake_azure(_fake_azure_server: FakeAzure) -> FakeAzure:
    """The session's fake Azure OpenAI, with no faults and an empty request log."""
    _fake_azure_server.reset()
    return _fake_azure_server


@pytest.fixture
def litellm_proxy(tmp_path: Path) -> Iterator[StartProxy]:
    """``litellm_proxy(config_path, env={...})`` starts a real proxy; all are stopped after the test."""
    started: list[LiteLLMProxy] = []

    def start(
        config_path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None, **kw: object
    ) -> LiteLLMProxy:
        require_binary(str(Path(sys.executable).parent / "litellm"))
        workdir = tmp_path / f"litellm-{len(started)}"
        proxy = start_litellm(config_path, env=env, workdir=workdir, **kw)  # type: ignore[arg-type]
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
