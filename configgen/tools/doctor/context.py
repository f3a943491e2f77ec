"""What the checks of one doctor run share: the project, the environment, the secrets, the clock.

Checks of independent targets run in threads at once, so :class:`Run` records results under a lock
and sorts them into the planned order at the end (``order``), while progress is reported as each
check finishes. Every request gets :meth:`Run.timeout`: ``--timeout``, but never past the run's
deadline; a check that has not started when the deadline passes is skipped with that reason.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from configgen.findings import DataPath, format_path
from configgen.load.yaml import YamlDocument
from configgen.model.load import EnvView
from configgen.model.project import Environment, Project
from configgen.secrets import scrub
from configgen.tools.doctor.results import CheckResult, DoctorResult, Outcome

OnStart = Callable[[str, str], None]
OnDone = Callable[[CheckResult], None]
Order = tuple[int, ...]

_KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_key(key: str) -> DataPath:
    """``defaults.proxy.instances[1].port`` -> ("defaults", "proxy", "instances", 1, "port")."""
    return tuple(int(m.group(2)) if m.group(2) else m.group(1) for m in _KEY_PART.finditer(key))


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


@dataclass
class Run:
    """State shared by the checks of one doctor run."""

    project: Project
    env_name: str
    view: EnvView
    env: Environment
    project_path: Path
    doc: YamlDocument | None
    environ: Mapping[str, str]
    request_timeout: float
    deadline_s: float
    on_start: OnStart
    on_done: OnDone
    result: DoctorResult
    start: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ordered: list[tuple[Order, CheckResult]] = field(default_factory=list)

    @property
    def file(self) -> str:
        return display_path(self.project_path)

    def key(self, env_path: DataPath) -> str:
        """Where in the project file an environment setting lives (defaults or the environment)."""
        return format_path(self.view.origin(env_path))

    def relpath(self, path: Path) -> str:
        """A path for a fix, relative to where the user stands."""
        try:
            return os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            return str(path)

    def remaining(self) -> float:
        return self.deadline_s - (time.monotonic() - self.start)

    def timeout(self) -> float:
        """Seconds the next request may take: ``--timeout``, cut to what is left of the run's deadline."""
        return max(min(self.request_timeout, self.remaining()), 0.05)

    def _record(self, order: Order, result: CheckResult) -> CheckResult:
        with self._lock:
            self._ordered.append((order, result))
            self.on_done(result)
        return result

    def check(self, order: Order, check_id: str, target: str, fn: Callable[[], Outcome]) -> CheckResult:
        """Run ``fn`` (unless the run's deadline has passed) and record its outcome with its duration."""
        if self.remaining() <= 0:
            return self.skip(order, check_id, target, f"the run's deadline ({self.deadline_s:g}s) passed first")
        with self._lock:
            self.on_start(check_id, target)
        start = time.monotonic()
        o = fn()
        elapsed = int((time.monotonic() - start) * 1000)
        line = column = 0
        if o.key and self.doc is not None:
            line, column = self.doc.locate(parse_key(o.key), key=True)
        file = self.file if o.key else ""
        # Messages quote what servers said: redacted and with control characters escaped at the source.
        message, fix = scrub(o.message), scrub(o.fix)
        result = CheckResult(check_id, scrub(target), o.status, message, o.cause, fix, file, o.key, elapsed, line, column)
        return self._record(order, result)

    def skip(self, order: Order, check_id: str, target: str, why: str) -> CheckResult:
        with self._lock:
            self.on_start(check_id, target)
        return self._record(order, CheckResult(check_id, scrub(target), "skip", scrub(why)))

    def finish(self) -> DoctorResult:
        self.result.checks = [r for _o, r in sorted(self._ordered, key=lambda item: item[0])]
        self.result.elapsed_ms = int((time.monotonic() - self.start) * 1000)
        return self.result


@dataclass(frozen=True)
class Target:
    """A base URL the doctor checks: the balancer (or app api_base) or one proxy instance."""

    name: str
    url: str
    key: str  # project key that sets its address
    what: str  # how to bring it up, for "connection refused"

    def key_for(self, cause: str) -> str:
        """The exact key to fix: the host for DNS problems, the port for a refused connection."""
        if self.key.endswith(("endpoint", "api_base")):
            return self.key
        if cause == "dns":
            return f"{self.key}.host"
        return f"{self.key}.port" if cause == "connection-refused" else self.key
