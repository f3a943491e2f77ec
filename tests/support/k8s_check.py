"""Check Kubernetes file text the way `configgen validate FILE` does (through the input kinds table)."""

from __future__ import annotations

import datetime as dt

from configgen.findings import Finding
from configgen.load.kinds import BY_NAME
from configgen.pipeline import check_document, parse_input


def check_text(text: str, name: str, as_of: dt.date, kind: str = "yaml") -> list[Finding]:
    document, problems = parse_input(BY_NAME[kind] if kind != "yaml" else "yaml", text, name)
    return problems if document is None else problems + check_document(document, as_of)


def check_values_text(text: str, name: str, as_of: dt.date) -> list[Finding]:
    return check_text(text, name, as_of, "k8s_values")


def check_manifest_text(text: str, name: str, as_of: dt.date) -> list[Finding]:
    return check_text(text, name, as_of, "k8s_manifest")
