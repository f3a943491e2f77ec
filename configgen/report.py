"""Reporters: pure functions from findings to text, keyed by name. Every message is redacted here,
the one place all output passes through, so no command can print a secret that slipped into a finding, and
control characters from an input file (a file name, a quoted value) are escaped (``secrets.printable``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from configgen import __version__
from configgen.findings import Finding, Severity, count
from configgen.secrets import printable, redact, scrub


def _where(f: Finding) -> str:
    if f.line:
        return f"{printable(f.file)}:{f.line}:{f.column}"
    return printable(f.file) or "<project>"


def text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        hint = f" (hint: {scrub(f.hint)})" if f.hint else ""
        lines.append(f"{_where(f)}: {f.severity.value}: {scrub(f.message)} [{f.rule}]{hint}")
    c = count(findings)
    lines.append(
        "no problems found"
        if not findings
        else f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info"
    )
    return "\n".join(lines) + "\n"


def as_json(findings: Sequence[Finding]) -> str:
    items = []
    for f in findings:
        d = f.as_dict()
        d["message"] = redact(f.message)
        d["hint"] = redact(f.hint)
        items.append(d)
    return json.dumps({"findings": items, "counts": count(findings)}, indent=2) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    out = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        out = out.replace(":", "%3A").replace(",", "%2C")
    return out


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's lines."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for f in findings:
        props = [f"file={_gh_escape(printable(f.file), True)}"]
        if f.line:
            props += [f"line={f.line}", f"col={f.column}"]
        props.append(f"title={_gh_escape(f.rule, True)}")
        msg = scrub(f.message) + (f" (hint: {scrub(f.hint)})" if f.hint else "")
        lines.append(f"::{level[f.severity]} {','.join(props)}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")


def sarif(findings: Sequence[Finding]) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    from configgen.rules import load_all

    registry = load_all()
    used = sorted({f.rule for f in findings})
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules = []
    for rid in used:
        r = registry.get(rid)
        rules.append(
            {
                "id": rid,
                "shortDescription": {"text": r.summary if r else rid},
                **({"fullDescription": {"text": r.doc}} if r else {}),
            }
        )
    results = []
    for f in findings:
        loc: dict[str, object] = {"artifactLocation": {"uri": f.file}}
        if f.line:
            loc["region"] = {"startLine": f.line, "startColumn": max(f.column, 1)}
        results.append(
            {
                "ruleId": f.rule,
                "level": level[f.severity],
                "message": {"text": redact(f.message) + (f" (hint: {redact(f.hint)})" if f.hint else "")},
                "locations": [{"physicalLocation": loc}],
            }
        )
    doc = {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [
            {
                "tool": {"driver": {"name": "configgen", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


REPORTERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
