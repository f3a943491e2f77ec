"""`configgen graph ENV`: the environment's topology as Mermaid or Graphviz DOT."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from configgen.commands.completion import complete_env


@click.command("graph")
@click.argument("env", shell_complete=complete_env)
@click.option(
    "-p",
    "--project",
    "project",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Project file (default: ./configgen.yaml).",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(("mermaid", "dot")), default="mermaid", show_default=True
)
@click.option("--markdown", is_flag=True, help="Wrap Mermaid in a ```mermaid fence (for README files).")
def command(env: str, project: Path | None, fmt: str, markdown: bool) -> None:
    """Draw ENV: app -> balancer -> proxies -> aliases -> Azure resources and deployments.

    Regions, private endpoints, Redis and fallbacks are shown. Render DOT with
    `configgen graph prod -f dot | dot -Tsvg > prod.svg`; GitHub renders Mermaid in Markdown.
    """
    from configgen.graph import FORMATS
    from configgen.project import find_project_file, load_project
    from configgen.report import REPORTERS
    from configgen.suggest import hint_for

    path = find_project_file(project)
    if not path.exists():
        raise click.UsageError(f"project file {path} not found (use -p/--project FILE)")
    loaded = load_project(path)
    if loaded.project is None:
        click.echo(REPORTERS["text"](loaded.findings), nl=False, err=True)
        sys.exit(1)
    view = loaded.envs.get(env)
    if view is None:
        names = list(loaded.envs)
        raise click.UsageError(
            f"no environment `{env}` in {path}; " + hint_for(env, names, "environments: " + ", ".join(names))
        )
    if view.model is None:
        click.echo(REPORTERS["text"](loaded.findings), nl=False, err=True)
        sys.exit(1)
    text = FORMATS[fmt](loaded.project, env, view.model)
    if markdown and fmt == "mermaid":
        text = f"```mermaid\n{text}```\n"
    click.echo(text, nl=False)
