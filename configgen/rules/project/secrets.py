"""Project rules: secrets are referenced by environment-variable name, never written in the file."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.strings import path_of, string_items
from configgen.rules.targets import ProjectTarget
from configgen.secrets import secret_kind


@rule("project-inline-secret", Severity.ERROR, "a value in the project file looks like a key or password", "project")
def inline_secret(t: ProjectTarget) -> Iterator[Finding]:
    """configgen never copies secrets into rendered files: the project names the environment variable
    that holds each one (`key_env`, `master_key_env`, `password_env`). A value that looks like an Azure
    key, an `sk-` key, a JWT or a connection string with a password is an error wherever it appears,
    because it is about to be committed. The message never repeats the value."""
    for parent, key, value in string_items(t.doc.data):
        kind = secret_kind(value)
        if kind:
            path = path_of(parent, key)
            yield t.doc.finding("project-inline-secret", Severity.ERROR, path,
                                f"this value looks like a pasted secret ({kind})",
                                f"put it in an environment variable and {_reference(path)}; "
                                "rotate the key if it was committed")


def _reference(path: tuple[str | int, ...]) -> str:
    """How the project names a secret's variable at ``path``: the `*_env` key that exists there."""
    parts = {p for p in path if isinstance(p, str)}
    if "auth" in parts:
        return "name it in the resource's auth (`key_env: AZURE_OPENAI_API_KEY`, or `client_secret_env:` for Entra ID)"
    if "redis" in parts:
        return "name it in `redis: {password_env: REDIS_PASSWORD}`"
    if "proxy" in parts:
        return "name it in `proxy: {master_key_env: LITELLM_MASTER_KEY}`"
    if "app" in parts:
        return "set it where the app runs, not in the project (the project names variables, never values)"
    return "name the variable, not the value, in the key's `*_env` form"
