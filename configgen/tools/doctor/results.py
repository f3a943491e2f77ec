"""The doctor's result model: one :class:`CheckResult` per check, collected in a :class:`DoctorResult`.

Check functions return an :class:`Outcome` (what they saw, the cause, the fix and the project key to
change); the runner adds the check id, the target, the duration and where the key sits in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "warn", "fail", "skip"]
STATUSES: tuple[Status, ...] = ("ok", "warn", "fail", "skip")


@dataclass(frozen=True)
class CheckResult:
    """One check: what was looked at, what was seen, and (when it failed) why and what to change.

    ``file``, ``line`` and ``column`` locate ``key`` in the project file (line 0: the key is not
    written there, e.g. a built-in default)."""

    id: str
    target: str
    status: Status
    message: str
    cause: str = ""
    fix: str = ""
    file: str = ""
    key: str = ""
    elapsed_ms: int = 0
    line: int = 0
    column: int = 0

    def where(self) -> str:
        """``file:line:col: key`` like every other finding (``file: key`` when the key has no position)."""
        if not self.key:
            return ""
        at = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{at}: {self.key}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "target": self.target,
            "status": self.status,
            "message": self.message,
            "cause": self.cause,
            "fix": self.fix,
            "file": self.file,
            "key": self.key,
            "line": self.line,
            "column": self.column,
            "elapsed_ms": self.elapsed_ms,
        }


@dataclass
class DoctorResult:
    env: str
    mode: str
    checks: list[CheckResult] = field(default_factory=list)
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.status == s) for s in STATUSES}

    def as_dict(self) -> dict[str, object]:
        return {"env": self.env, "mode": self.mode, "ok": self.ok, "counts": self.counts(),
                "elapsed_ms": self.elapsed_ms, "checks": [c.as_dict() for c in self.checks]}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What one check function found; ``key`` is the project key to change (empty when nothing to fix)."""

    status: Status
    message: str
    cause: str = ""
    fix: str = ""
    key: str = ""


def ok(message: str) -> Outcome:
    return Outcome("ok", message)


class DoctorUsageError(Exception):
    """The project cannot be checked (missing, invalid, unknown environment): exit 2."""
