"""Project rules: secrets are referenced by environment-variable name, never written in the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget
from configgen.secrets import secret_kind


def _strings(data: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, (*path, i))
    elif isinstance(data, str):
        yield path, data


@rule("project-inline-secret", Severity.ERROR, "a value in the project file looks like a key or password", "project")
def inline_secret(t: ProjectTarget) -> Iterator[Finding]:
    """configgen never copies secrets into rendered files: the project names the environment variable
    that holds each one (`key_env`, `master_key_env`, `password_env`). A value that looks like an Azure
    key, an `sk-` key, a JWT or a connection string with a password is an error wherever it appears,
    because it is about to be committed. The message never repeats the value."""
    for path, value in _strings(t.doc.data):
        kind = secret_kind(value)
        if kind:
            yield t.doc.finding("project-inline-secret", Severity.ERROR, path,
                                f"this value looks like a pasted secret ({kind})",
                                "put it in an environment variable and reference the variable's name "
                                "(e.g. `key_env: AZURE_OPENAI_API_KEY`); rotate the key if it was committed")
