"""The real-world corpus (tests/realworld/, see tests/realworld/corpus.py): on every case folder
configgen must give exactly the errors and warnings its expected.txt lists, no more (a false
finding) and no fewer (a miss). Cases with an `xfail` file wait for a change outside the rules
(file-kind detection and grouping) and must still fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realworld.corpus import case_dirs, expected, produced, xfail_reason


def _param(case: Path) -> object:
    reason = xfail_reason(case)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in case_dirs()])
def test_realworld_case(case: Path) -> None:
    got = produced(case)
    want = expected(case)
    false = sorted(f"{p.judged}  # {p.severity}: {p.message}" for p in got if p.judged not in want)
    missed = sorted(str(j) for j in want - {p.judged for p in got})
    assert not false and not missed, "false findings:\n" + "\n".join(false) + "\nmisses:\n" + "\n".join(missed)


def test_corpus_size() -> None:
    # The issue asks for at least 40 LiteLLM configs and 10 app .env files.
    files = [p for c in case_dirs() for p in c.rglob("*") if p.is_file()]
    configs = [p for p in files if p.suffix in (".yaml", ".yml") and "model_list" in p.read_text()]
    envs = [p for p in files if p.name.endswith((".env", ".env.example")) or p.name in ("env.example", ".env")]
    assert len(configs) >= 40 and len(envs) >= 10, (len(configs), len(envs))
