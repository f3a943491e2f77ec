"""The real-world corpus: tests/realworld/<case>/ folders of configs rewritten from public repositories.

Every file under a case folder (subfolders included) except the meta files is given to `validate`
together. `expected.txt` lists EVERY error and warning configgen must give on the folder, one per
line, as `<rule-id> <file>:<line>:<column>` (file relative to the case folder; `#` starts a comment).
Any other error or warning is a false finding, any line not produced is a miss. Info findings are
advice and are not judged. `as-of` holds the date lifecycle rules use; `xfail` holds the reason a
case cannot pass yet (strict: it must fail). `README.md` says where the pattern came from and why
each expected finding is right.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).parent
DEFAULT_AS_OF = dt.date(2026, 11, 27)
META = frozenset({"expected.txt", "as-of", "README.md", "xfail"})


class Judged(NamedTuple):
    rule: str
    where: str  # file:line:column

    def __str__(self) -> str:
        return f"{self.rule} {self.where}"


def case_dirs() -> list[Path]:
    return sorted(p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def inputs(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*") if p.is_file() and p.name not in META)


def as_of(case: Path) -> dt.date:
    f = case / "as-of"
    return dt.date.fromisoformat(f.read_text().strip()) if f.exists() else DEFAULT_AS_OF


def xfail_reason(case: Path) -> str | None:
    f = case / "xfail"
    return f.read_text().strip() if f.exists() else None


def expected(case: Path) -> set[Judged]:
    f = case / "expected.txt"
    out: set[Judged] = set()
    for raw in f.read_text().splitlines() if f.exists() else []:
        line = raw.split("#", 1)[0].strip()
        if line:
            rule, where = line.split()
            out.add(Judged(rule, where))
    return out


class Produced(NamedTuple):
    judged: Judged
    severity: str
    message: str


def produced(case: Path) -> list[Produced]:
    """Every error and warning configgen gives on the case folder."""
    from configgen.app import validate_files
    from configgen.findings import Severity

    result = validate_files(inputs(case), as_of=as_of(case))
    out = []
    for f in result.findings:
        if f.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        rel = Path(f.file).resolve().relative_to(case.resolve()) if f.file else Path("-")
        out.append(Produced(Judged(f.rule, f"{rel.as_posix()}:{f.line}:{f.column}"), f.severity.value, f.message))
    return out
