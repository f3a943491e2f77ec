"""Project rules: every value that reaches a rendered file can be written there safely.

Rendering escapes each value for its output's language (configgen/render/escape.py) and refuses the ones
that no escape makes safe. These rules find those values at validation, at the line that sets them,
instead of a render failure that can only name the environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from configgen.cache import note
from configgen.findings import DataPath, Finding, Severity
from configgen.render.escape import UnsafeValue, config_token, dotenv_name, dotenv_value
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


def _refusal(escaper: Any, value: str) -> str | None:
    try:
        escaper(value)
    except UnsafeValue as exc:
        return str(exc)
    return None


@rule(
    "project-value-balancer-token",
    Severity.ERROR,
    "a value written into the nginx or HAProxy snippet is not a plain token",
    "project",
)
def balancer_token(t: ProjectTarget) -> Iterator[Finding]:
    """Hosts, listen addresses and TLS certificate paths go into nginx and HAProxy directives bare.

    Neither language has a quoting that every directive honours, so configgen writes only tokens of
    letters, digits and `._:/[]@%+=-`. A space, `;`, `{`, `}`, `#`, `$`, a quote or a non-ASCII
    character could end the directive, open a block, start a comment or expand a variable: a path
    such as `/etc/ssl/my cert.pem` or `x.pem; include /etc/passwd` is refused here, at its line.
    Rename the file (or link it under a plain name).
    """
    for env in t.envs.values():
        m = env.model
        if m.balancer is None or m.proxy is None or m.balancer.kind not in ("nginx", "haproxy"):
            continue
        values: list[tuple[DataPath, str]] = [
            (("balancer", "host"), m.balancer.host),
            (("balancer", "listen"), m.balancer.listen),
        ]
        if m.balancer.tls is not None:
            values.append((("balancer", "tls", "cert"), m.balancer.tls.cert))
            if m.balancer.kind == "nginx":  # HAProxy's `crt` takes one PEM: the key is not written there
                values.append((("balancer", "tls", "key"), m.balancer.tls.key))
        values += [(("proxy", "instances", i, "host"), inst.host) for i, inst in enumerate(m.proxy.instances)]
        for path, value in values:
            why = _refusal(config_token, value)
            if why:
                yield t.env_finding(
                    env, "project-value-balancer-token", Severity.ERROR, path,
                    f"environment {env.name}: `{'.'.join(map(str, path))}` cannot be written into the "
                    f"{m.balancer.kind} snippet: {why}",
                    "use only letters, digits and ._:/[]@%+=- (no spaces, quotes, ';', '#', '$', braces)",
                )


def _dotenv_values(t: ProjectTarget, env: Any) -> Iterator[tuple[DataPath, bool, str, str]]:
    """(path, path-is-in-the-environment, variable, value) of every value server/.env will hold."""
    m = env.model
    if m.app.mode == "proxy":
        if m.app.api_base is not None:
            yield ("app", "api_base"), True, "LITELLM_API_BASE", m.app.api_base
        yield ("app", "alias"), True, "LITELLM_MODEL", m.app.alias
    else:
        alias = m.aliases.get(m.app.alias)
        res_name, sep, dep_name = alias.deployments[0].partition("/") if alias else ("", "", "")
        res = t.project.resources.get(res_name) if sep else None
        if res is not None and dep_name in res.deployments:
            dep = res.deployments[dep_name]
            yield ("resources", res_name, "endpoint"), False, "AZURE_OPENAI_ENDPOINT", res.endpoint.rstrip("/")
            if dep.api_version:
                yield (
                    ("resources", res_name, "deployments", dep_name, "api_version"),
                    False, "AZURE_OPENAI_API_VERSION", dep.api_version,
                )
            else:
                yield ("resources", res_name, "api_version"), False, "AZURE_OPENAI_API_VERSION", res.api_version
    for name, value in m.app.env.items():
        yield ("app", "env", name), True, name, value


@rule("project-value-dotenv", Severity.ERROR, "a value written into server/.env cannot be read back exactly", "project")
def dotenv_safe(t: ProjectTarget) -> Iterator[Finding]:
    """server/.env is read by python-dotenv and by Node's dotenv, which disagree on quotes, escapes,
    `#` and `${VAR}` expansion (configgen/load/dotenv.py), and people load it into a shell with
    `set -a; . ./server/.env`, where `$(...)` and backticks run commands. configgen writes each value
    in a form all four read back exactly without expanding or running anything (single quotes, or
    double quotes for a value with a single quote), and refuses a value no such form can carry: a
    line break or control character, `${...}` (python-dotenv expands it even in single quotes), a
    doubled or final backslash, or a single quote together with `"`, `$`, a backtick or a backslash.
    Change the value, or set it in the process environment instead.

    The same for a name in `app.env` that a shell sets itself or will not let a file set, so that
    sourcing the file cannot give it the value: `_`, bash's read-only variables (`UID`, `EUID`, `PPID`,
    `SHELLOPTS`, `BASHOPTS`, `BASH_VERSINFO`), its dynamic ones (`RANDOM`, `SECONDS`, `LINENO`,
    `BASHPID`, `GROUPS`, ...) and `OPTIND` (each assigned from a file and read back with bash 5.2 and
    dash). Name the variable otherwise.
    """
    seen: set[tuple[DataPath, str]] = set()
    for env in t.envs.values():
        for path, in_env, var, value in _dotenv_values(t, env):
            name_why = _refusal(dotenv_name, var) if in_env and path[:2] == ("app", "env") else None
            why = name_why or _refusal(dotenv_value, value)
            if not why:
                continue
            where = env.origin(path) if in_env else path
            if (where, var) in seen:
                continue  # a default or a resource shared by several environments: report it once
            seen.add((where, var))
            yield t.doc.finding(
                "project-value-dotenv", Severity.ERROR, where,
                f"{var} cannot be written into server/.env: {why}",
                f"give the variable another name than {var}" if name_why
                else "use a value without line breaks, control characters or ${...}",
                key=bool(name_why),
            )


@rule("project-value-templates-dir", Severity.ERROR, "the `templates:` folder does not exist", "project")
def templates_dir(t: ProjectTarget) -> Iterator[Finding]:
    """`templates:` names a folder (relative to the project file) whose templates override the
    built-in ones. When the folder is missing, or is a file, rendering would silently fall back to
    the built-in templates and the project's own would never be used.
    """
    folder = t.project.templates
    if not folder:
        return
    path = Path(t.doc.file).parent / folder
    note(path)  # the result depends on whether it exists (configgen.cache)
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        yield t.doc.finding(
            "project-value-templates-dir", Severity.ERROR, ("templates",),
            f"templates folder `{folder}` {what} (looked for {path})",
            "create it, fix the path (relative to the project file), or remove `templates:`",
        )
