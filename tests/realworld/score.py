"""Per-rule precision and recall of configgen on the real-world corpus.

    python tests/realworld/score.py           # the table
    python tests/realworld/score.py --diff    # also every false finding and miss, per case
    python tests/realworld/score.py --dump C  # what configgen gives on case C, in expected.txt form

Precision: findings that are in the case's expected.txt / all findings (errors and warnings apart).
Recall: expected findings configgen gives / all expected findings ("judged mistakes caught").
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.realworld.corpus import ROOT, case_dirs, expected, produced


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "-"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--dump"]:
        for p in produced(ROOT / argv[1]):
            print(f"{p.judged}  # {p.severity}: {p.message}")
        return 0
    show = "--diff" in argv
    tp: dict[tuple[str, str], int] = defaultdict(int)
    fp: dict[tuple[str, str], int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    hit: dict[str, int] = defaultdict(int)
    severity_of: dict[str, str] = {}
    for case in case_dirs():
        want = expected(case)
        got = produced(case)
        got_keys = {p.judged for p in got}
        for p in got:
            severity_of[p.judged.rule] = p.severity
            if p.judged in want:
                tp[(p.judged.rule, p.severity)] += 1
            else:
                fp[(p.judged.rule, p.severity)] += 1
                if show:
                    print(f"FALSE {case.name}: {p.judged}  # {p.severity}: {p.message}")
        for j in want:
            if j in got_keys:
                hit[j.rule] += 1
            else:
                fn[j.rule] += 1
                if show:
                    print(f"MISS  {case.name}: {j}")
    rules = sorted({r for r, _ in tp} | {r for r, _ in fp} | set(fn) | set(hit))
    print(f"{'rule':40} {'sev':8} {'right/given':>16} {'caught/judged':>16}")
    totals = {"error": [0, 0], "warning": [0, 0]}
    caught = judged = 0
    for r in rules:
        sev = severity_of.get(r, "")
        right = tp.get((r, "error"), 0) + tp.get((r, "warning"), 0)
        given = right + fp.get((r, "error"), 0) + fp.get((r, "warning"), 0)
        for s in ("error", "warning"):
            totals[s][0] += tp.get((r, s), 0)
            totals[s][1] += tp.get((r, s), 0) + fp.get((r, s), 0)
        c, j = hit.get(r, 0), hit.get(r, 0) + fn.get(r, 0)
        caught += c
        judged += j
        print(f"{r:40} {sev:8} {_pct(right, given):>16} {_pct(c, j):>16}")
    print()
    print(f"cases: {len(case_dirs())}")
    print(f"errors right / all errors:     {_pct(*totals['error'])}")
    print(f"warnings right / all warnings: {_pct(*totals['warning'])}")
    print(f"judged mistakes caught / all:  {_pct(caught, judged)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
