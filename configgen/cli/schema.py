"""`configgen schema`: write the project file's JSON Schema for editors and CI."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("schema", short_help="Write the JSON Schema of configgen.yaml (generated from the models).")
@click.option(
    "-o",
    "--output",
    "output",
    default="schemas/configgen.schema.json",
    show_default=True,
    metavar="FILE",
    help="Where to write it; `-` prints it.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if FILE is missing or out of date.")
def command(output: str, check: bool) -> None:
    """Write the JSON Schema of configgen.yaml (generated from the models).

    Point your editor at it: project files written by configgen start with
    `# yaml-language-server: $schema=...`, which the YAML extension of VS Code and others read.
    """
    from configgen.model.jsonschema import schema_text
    from configgen.plan import Action, plan_files
    from configgen.write import WriteError, write_all

    text = schema_text()
    if output == "-":
        click.echo(text, nl=False)
        return
    (planned,) = plan_files([(Path(output), text, 0o644)])
    if check:
        if planned.action is Action.UNCHANGED:
            click.echo(f"  up to date  {output}")
            return
        state = "missing" if planned.action is Action.CREATE else "differs"
        click.echo(f"{state:>12}  {output}  (run `configgen schema`)")
        sys.exit(1)
    try:
        write_all([planned])
    except WriteError as exc:
        raise click.ClickException(f"cannot write {exc.path}: {exc.message}") from None
    verb = {Action.CREATE: "created", Action.CHANGE: "changed", Action.UNCHANGED: "unchanged"}[planned.action]
    click.echo(f"{verb:>12}  {output}")
