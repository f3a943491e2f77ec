"""`configgen graph ENV`: the environment's topology as Mermaid or Graphviz DOT."""

from __future__ import annotations

from pathlib import Path

import click

from configgen.cli.completion import complete_env
from configgen.cli.options import no_secret_name, project_option


@click.command("graph", short_help="Draw ENV: the app, its balancer and proxies, aliases and Azure deployments.")
@click.argument("env", shell_complete=complete_env, callback=no_secret_name)
@project_option
@click.option(
    "-f", "--format", "fmt", type=click.Choice(("mermaid", "dot")), default="mermaid", show_default=True
)
@click.option("--markdown", is_flag=True, help="Wrap Mermaid in a ```mermaid fence (for README files).")
def command(env: str, project: Path | None, fmt: str, markdown: bool) -> None:
    """Draw ENV: app -> balancer -> proxies -> aliases -> Azure resources and deployments.

    Regions, private endpoints, Redis and fallbacks are shown. Render DOT with
    `configgen graph prod -f dot | dot -Tsvg > prod.svg`; GitHub renders Mermaid in Markdown.
    """
    from configgen.cli.options import load_env
    from configgen.tools.graph import FORMATS

    loaded, view = load_env(project, env, need_model=True)
    text = FORMATS[fmt](loaded.project, env, view.model)
    if markdown and fmt == "mermaid":
        text = f"```mermaid\n{text}```\n"
    from configgen.secrets import scrub

    click.echo(scrub(text, newlines=True), nl=False)  # names and hosts come from the project file
