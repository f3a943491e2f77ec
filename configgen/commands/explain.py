"""`configgen explain ENV DOTTED.PATH`: the effective value and the layer that set it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from configgen.commands.completion import complete_env, complete_setting


@click.command("explain")
@click.argument("env", shell_complete=complete_env)
@click.argument("dotted_path", metavar="DOTTED.PATH", shell_complete=complete_setting)
@click.option(
    "-p",
    "--project",
    "project",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Project file (default: ./configgen.yaml).",
)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def command(env: str, dotted_path: str, project: Path | None, fmt: str) -> None:
    """Show ENV's effective value at DOTTED.PATH and which layer set it.

    Layers: `defaults`, the `environment` itself, or configgen's `built-in` default. Examples:
    `configgen explain prod proxy.routing_strategy`, `configgen explain prod proxy.instances[0]`.
    """
    import json

    from configgen.explain import ExplainError, explain, format_text
    from configgen.project import find_project_file, load_project
    from configgen.report import REPORTERS
    from configgen.suggest import hint_for

    path = find_project_file(project)
    if not path.exists():
        raise click.UsageError(f"project file {path} not found (use -p/--project FILE)")
    loaded = load_project(path)
    if loaded.doc is None:
        click.echo(REPORTERS["text"](loaded.findings), nl=False, err=True)
        sys.exit(1)
    view = loaded.envs.get(env)
    if view is None:
        names = list(loaded.envs)
        raise click.UsageError(
            f"no environment `{env}` in {path}; " + hint_for(env, names, "environments: " + ", ".join(names))
        )
    try:
        result = explain(view, loaded.doc, dotted_path)
    except ExplainError as exc:
        raise click.UsageError(f"{env}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
    else:
        click.echo(format_text(result), nl=False)
