"""Start, probe and stop real server processes in tests without ever leaking one.

Every process runs in its own process group (``start_new_session``), so ``stop`` can signal the whole
tree a server forks (gunicorn/uvicorn workers, nginx workers) by the group id, never by name.
An ``atexit`` hook stops anything a crashed test left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType


class ProcError(RuntimeError):
    """A server did not come up (died, or never answered in time); the message carries its log tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Proc:
    """A started process plus where its output goes. Use as a context manager to stop it on exit."""

    argv: list[str]
    popen: subprocess.Popen[bytes]
    log_path: Path
    _stopped: bool = field(default=False, repr=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Proc:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stop(self)


_LIVE: dict[int, Proc] = {}


def start(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    log_path: str | os.PathLike[str],
) -> Proc:
    """Start ``argv`` in a new process group with stdout and stderr appended to ``log_path``.

    ``env`` replaces the environment entirely when given (tests should say exactly what a server sees).
    """
    log = Path(log_path)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        popen = subprocess.Popen(
            list(argv),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    proc = Proc(list(argv), popen, log)
    _LIVE[proc.pid] = proc
    return proc


def _signal_group(proc: Proc, sig: signal.Signals) -> None:
    # The group id is the leader's pid (start_new_session); it stays reserved while any member lives.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def stop(proc: Proc, *, grace: float = 10.0) -> int | None:
    """SIGTERM the process group, SIGKILL it after ``grace`` seconds; returns the leader's exit code."""
    if proc._stopped:
        return proc.popen.returncode
    if proc.alive():
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=5)
    # Workers that outlived their leader (or ignored SIGTERM) are still in the group: finish them.
    _signal_group(proc, signal.SIGKILL)
    proc._stopped = True
    _LIVE.pop(proc.pid, None)
    return proc.popen.returncode


@atexit.register
def _stop_all() -> None:
    for proc in list(_LIVE.values()):
        stop(proc, grace=3.0)


def http_get(url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET ``url``; returns (status, body) for any HTTP status, raises OSError when nothing answers."""
    req = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_http(
    url: str,
    timeout: float,
    *,
    expect_status: Iterable[int] = (200,),
    proc: Proc | None = None,
    headers: Mapping[str, str] | None = None,
    interval: float = 0.25,
) -> tuple[int, bytes]:
    """Poll ``url`` until it answers with one of ``expect_status``; fail fast if ``proc`` dies.

    Raises :class:`ProcError` with the process's log tail on death or timeout.
    """
    wanted = set(expect_status)
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        if proc is not None and not proc.alive():
            raise ProcError(
                f"{proc.argv[0]} exited with {proc.popen.returncode} before {url} answered\n"
                f"--- log tail ({proc.log_path}) ---\n{proc.log_tail()}"
            )
        try:
            status, body = http_get(url, headers=headers, timeout=min(2.0, timeout))
            if status in wanted:
                return status, body
            last = f"HTTP {status}: {body[:200]!r}"
        except OSError as err:
            last = f"{type(err).__name__}: {err}"
        if time.monotonic() >= deadline:
            tail = f"\n--- log tail ({proc.log_path}) ---\n{proc.log_tail()}" if proc is not None else ""
            raise ProcError(f"{url} did not answer {sorted(wanted)} within {timeout:.0f}s (last: {last}){tail}")
        time.sleep(interval)
