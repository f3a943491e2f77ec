"""Start the real LiteLLM proxy (the venv's ``litellm`` CLI) on 127.0.0.1 for integration tests.

Facts this relies on (docs/verified-litellm.md):

- ``litellm --config F --host H --port P``; readiness is ``GET /health/liveliness`` (no key needed);
  cold start is about 8 s on this machine.
- Without ``LITELLM_OFFLINE_MODE=true`` it fetches a model price list from the internet at start.
- In its default ``LITELLM_MODE=DEV`` it calls ``dotenv.load_dotenv()`` from inside its package
  (``litellm/_process_defaults.py``, ``litellm/proxy/proxy_cli.py``); python-dotenv then searches the
  directories *above the installed package* for ``.env``, not the working directory. A ``.env`` in
  /work/main (which contains .venv) would silently feed the proxy, so :func:`stray_dotenv_files` checks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tests.support import procs

STARTUP_TIMEOUT = 60.0


def litellm_executable() -> Path:
    """The ``litellm`` console script installed next to the running interpreter."""
    return Path(sys.executable).parent / "litellm"


def litellm_package_dir() -> Path:
    """Where the ``litellm`` package is installed, without importing it (importing costs seconds)."""
    import importlib.util

    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("litellm is not installed in this interpreter")
    return Path(next(iter(spec.submodule_search_locations)))


def stray_dotenv_files() -> list[Path]:
    """Every ``.env`` the proxy's ``load_dotenv()`` could pick up: the package dir and all its parents."""
    start = litellm_package_dir()
    return [d / ".env" for d in (start, *start.parents) if (d / ".env").is_file()]


@dataclass
class LiteLLMProxy:
    proc: procs.Proc
    port: int
    config_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 80) -> str:
        return self.proc.log_tail(lines)

    def stop(self) -> None:
        procs.stop(self.proc, grace=10.0)

    def __enter__(self) -> LiteLLMProxy:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def proxy_env(extra: Mapping[str, str] | None = None, *, home: Path) -> dict[str, str]:
    """A minimal, explicit environment: nothing from the developer's shell leaks into the proxy."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LITELLM_OFFLINE_MODE": "true",
        "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra or {})
    return env


def start_litellm(
    config_path: str | os.PathLike[str],
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    workdir: str | os.PathLike[str],
    extra_args: tuple[str, ...] = (),
    timeout: float = STARTUP_TIMEOUT,
) -> LiteLLMProxy:
    """Start ``litellm --config`` in ``workdir`` and wait until ``/health/liveliness`` answers 200.

    ``env`` is added to a clean environment (see :func:`proxy_env`). On failure the proxy is stopped
    and :class:`procs.ProcError` carries its log tail.
    """
    stray = stray_dotenv_files()
    if stray:
        raise RuntimeError(f"the LiteLLM proxy would load these .env files, remove them first: {stray}")
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    port = port or procs.free_port()
    argv = [
        str(litellm_executable()),
        "--config",
        str(config_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra_args,
    ]
    proc = procs.start(argv, env=proxy_env(env, home=work), cwd=work, log_path=work / f"litellm-{port}.log")
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/health/liveliness", timeout, proc=proc)
    except BaseException:
        procs.stop(proc, grace=5.0)
        raise
    return LiteLLMProxy(proc, port, Path(config_path))
