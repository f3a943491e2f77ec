"""What a rule is, the registry every rule module adds itself to, and the one loop that runs rules.

A rule is a pure function from one *target* (see :mod:`configgen.rules.targets`) to findings. Rules
live in one folder per target (``rules/project/``, ``rules/litellm/``, ...); this registry is the only
list of rule ids.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

from configgen.findings import Finding, Severity
from configgen.rules import memo

Target = Literal["project", "litellm", "dotenv", "bundle", "azure", "balancer", "script", "inventory", "k8s"]


class Rule(NamedTuple):
    id: str
    severity: Severity
    summary: str
    target: Target
    func: Callable[[Any], Iterable[Finding]]

    @property
    def doc(self) -> str:
        """The rule's user documentation: its function's docstring."""
        import inspect

        return inspect.cleandoc(self.func.__doc__ or self.summary)

    def run(self, target: Any) -> list[Finding]:
        return list(self.func(target))


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, summary: str, target: Target
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a check. Its docstring is its documentation (``configgen rules ID``)."""

    def register(func: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        if id in REGISTRY:
            raise RuntimeError(f"rule id {id} registered twice")
        if not func.__doc__:
            raise RuntimeError(f"rule {id} has no docstring")
        REGISTRY[id] = Rule(id, severity, summary, target, func)
        return func

    return register


def rules_for(target: Target) -> Iterator[Rule]:
    yield from _rules_for(target)


def _rules_for(target: Target) -> tuple[Rule, ...]:
    # Filtered per call: run_rules runs once per target kind and document (a thousand Azure
    # deployments go through run_rules_each, which asks once), so an index would save nothing.
    return tuple(r for r in REGISTRY.values() if r.target == target)


INTERNAL_ERROR = "internal-error"


def run_rules(target_kind: Target, target: Any, *, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every registered rule for ``target_kind``, each in isolation.

    A rule that raises becomes one ``internal-error`` finding naming the rule, the file and the
    exception type; every other rule still runs (one buggy rule must not hide the rest of the report).
    With CONFIGGEN_DEBUG set, the traceback goes to stderr as well.

    Rules of one target share what :func:`configgen.rules.memo.per_target` functions compute from it
    (one walk of a document's strings for all the secret rules), for this call only.
    """
    wanted = set(only) if only is not None else None
    out: list[Finding] = []
    with memo.scope():
        for r in _rules_for(target_kind):
            if wanted is not None and r.id not in wanted:
                continue
            try:
                out.extend(list(r.func(target)))  # Rule.run, inlined: whole, or nothing if it raises
            except Exception as exc:  # the isolation this function promises
                out.append(crash_finding(r.id, target_file(target), exc))
    return out


def run_rules_each(target_kind: Target, targets: Sequence[Any]) -> list[Finding]:
    """:func:`run_rules` on each of ``targets``, concatenated in the order of ``targets``: the same
    findings in the same order, each rule still isolated per target.

    A large project has a thousand Azure deployments: one rule at a time over all of them (one memo
    scope, one loop) instead of every rule once per target saves the per-call cost of run_rules.
    """
    rules = _rules_for(target_kind)
    # Each target's findings, rule after rule (the order run_rules gives it).
    per_target: list[list[Finding]] = [[] for _ in targets]
    with memo.scope():
        for r in rules:
            func = r.func
            for found, target in zip(per_target, targets, strict=True):
                n = len(found)
                try:
                    found.extend(func(target))
                except Exception as exc:  # the isolation run_rules promises, per (rule, target)
                    del found[n:]  # whole, or nothing: what the rule yielded before it raised goes
                    found.append(crash_finding(r.id, target_file(target), exc))
    return [f for found in per_target for f in found]


def crash_finding(what: str, file: str, exc: BaseException) -> Finding:
    """The finding for a check that crashed (the run goes on; the exit code becomes 3)."""
    if os.environ.get("CONFIGGEN_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    from configgen.secrets import redact

    return Finding(
        INTERNAL_ERROR,
        Severity.ERROR,
        f"rule {what} crashed on this file ({type(exc).__name__}: {redact(str(exc))[:200]}); its findings are missing",
        "this is a bug in configgen, please report it; set CONFIGGEN_DEBUG=1 for a traceback",
        file,
    )


def target_file(target: Any) -> str:
    """The file a rule target is about ("" for targets spanning several files)."""
    file = getattr(target, "file", None)
    if isinstance(file, str):
        return file
    doc = getattr(target, "doc", None)
    return str(getattr(doc, "file", "") or "")


