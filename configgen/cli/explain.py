"""`configgen explain ENV DOTTED.PATH`: the effective value and the layer that set it."""

from __future__ import annotations

from pathlib import Path

import click

from configgen.cli.completion import complete_env, complete_setting
from configgen.cli.options import no_secret_name, project_option


@click.command("explain", short_help="Show ENV's effective value at DOTTED.PATH and which layer set it.")
@click.argument("env", shell_complete=complete_env, callback=no_secret_name)
@click.argument("dotted_path", metavar="DOTTED.PATH", shell_complete=complete_setting)
@project_option
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def command(env: str, dotted_path: str, project: Path | None, fmt: str) -> None:
    """Show ENV's effective value at DOTTED.PATH and which layer set it.

    Layers: `defaults`, the `environment` itself, or configgen's `built-in` default. Examples:
    `configgen explain prod proxy.routing_strategy`, `configgen explain prod proxy.instances[0]`.
    """
    import json

    from configgen.cli.options import load_env
    from configgen.tools.explain import ExplainError, explain, format_text

    loaded, view = load_env(project, env, need_model=False)
    try:
        result = explain(view, loaded.doc, dotted_path)
    except ExplainError as exc:
        raise click.UsageError(f"{env}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
    else:
        from configgen.secrets import scrub

        click.echo(scrub(format_text(result), newlines=True), nl=False)  # values come from the project file
