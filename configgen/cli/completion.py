"""`configgen completion SHELL` and the completion callbacks other commands use.

Click does the shell side (`_CONFIGGEN_COMPLETE=bash_source configgen`); the callbacks here offer
environment names, aliases, resources, deployments and setting paths read from the project file.
They must be quick and must never fail: any problem (no file, bad YAML) just means no suggestions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

SHELLS = ("bash", "zsh", "fish")


def _project_data(ctx: click.Context) -> dict[str, Any]:
    explicit: Path | None = None
    c: click.Context | None = ctx
    while c is not None and explicit is None:
        value = c.params.get("project")
        explicit = Path(value) if value else None
        c = c.parent
    try:
        from ruamel.yaml import YAML

        from configgen.load.discover import find_project_file

        path = find_project_file(explicit)

        if path.stat().st_size > 10 * 1024 * 1024:
            return {}
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:  # completion must never crash the shell; no file or bad YAML = no suggestions
        return {}
    return data if isinstance(data, dict) else {}


def _items(names: list[str], incomplete: str, help_for: dict[str, str] | None = None) -> list[CompletionItem]:
    return [CompletionItem(n, help=(help_for or {}).get(n)) for n in names if n.startswith(incomplete)]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def complete_env(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Environment names, with their descriptions as help."""
    envs = _mapping(_project_data(ctx).get("environments"))
    helps = {str(k): str(_mapping(v).get("description", "")) for k, v in envs.items()}
    return _items([str(k) for k in envs], incomplete, helps)


def complete_alias(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Aliases declared in the defaults or in any environment."""
    data = _project_data(ctx)
    names = list(_mapping(_mapping(data.get("defaults")).get("aliases")))
    for env in _mapping(data.get("environments")).values():
        names.extend(k for k in _mapping(_mapping(env).get("aliases")) if k not in names)
    return _items([str(n) for n in names], incomplete)


def complete_resource(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    resources = _mapping(_project_data(ctx).get("resources"))
    helps = {str(k): str(_mapping(v).get("region", "")) for k, v in resources.items()}
    return _items([str(k) for k in resources], incomplete, helps)


def complete_deployment_ref(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """`resource/deployment` references, as aliases write them."""
    refs: list[str] = []
    helps: dict[str, str] = {}
    for res, body in _mapping(_project_data(ctx).get("resources")).items():
        for dep, spec in _mapping(_mapping(body).get("deployments")).items():
            refs.append(f"{res}/{dep}")
            helps[refs[-1]] = f"{_mapping(spec).get('model', '')} {_mapping(spec).get('version', '')}".strip()
    return _items(refs, incomplete, helps)


def complete_setting(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Dotted paths of the environment's merged settings, one level at a time."""
    from configgen.model.merge import merge_environment

    data = _project_data(ctx)
    env = str(ctx.params.get("env") or "")
    override = _mapping(data.get("environments")).get(env)
    merged: Any = merge_environment(_mapping(data.get("defaults")), _mapping(override), env).data
    prefix, _, _ = incomplete.rpartition(".")
    node = merged
    if prefix:
        for part in prefix.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return []
    keys = [str(k) for k in node] if isinstance(node, dict) else [str(i) for i in range(len(node))] if (
        isinstance(node, list)
    ) else []
    lead = prefix + "." if prefix else ""
    return _items([lead + k for k in keys], incomplete)


@click.command("completion", short_help="Print the shell completion script for SHELL (default: from $SHELL).")
@click.argument("shell", type=click.Choice(SHELLS), required=False)
def command(shell: str | None) -> None:
    """Print the shell completion script for SHELL (default: from $SHELL).

    \b
    bash:  eval "$(configgen completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(configgen completion zsh)"     (in ~/.zshrc)
    fish:  configgen completion fish > ~/.config/fish/completions/configgen.fish
    """
    import os

    from click.shell_completion import get_completion_class

    if shell is None:
        shell = Path(os.environ.get("SHELL", "")).name
        if shell not in SHELLS:
            raise click.UsageError(f"cannot tell the shell from $SHELL; give one of: {', '.join(SHELLS)}")
    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS is one of click's built-in shells
    root = click.get_current_context().find_root()
    click.echo(cls(root.command, {}, "configgen", "_CONFIGGEN_COMPLETE").source())
