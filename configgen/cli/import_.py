"""`configgen import`: start a project from what exists, an Azure deployment list or a LiteLLM config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from configgen.cli.options import as_of_option, file_list_option, project_file_option


@click.command("import", short_help="Start or extend the project from an Azure deployment list or a LiteLLM config.")
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from-azure",
    "from_azure",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Deployment list from `az cognitiveservices account deployment list -o json` (or `inventory fetch`).",
)
@click.option("--resource", help="Project resource to add the deployments to (default: the account in the list).")
@click.option("--region", help="Azure region of a resource the project does not have yet.")
@click.option("--endpoint", help="Endpoint of a new resource (default https://ACCOUNT.openai.azure.com).")
@file_list_option(
    "--inventory",
    "inventories",
    "With a LiteLLM config: deployment lists giving model, version, SKU and capacity (repeatable).",
)
@project_file_option("Project file to write (default: ./configgen.yaml).")
@click.option(
    "--env", "env_name", default="default", show_default=True, help="Environment name for an imported config."
)
@click.option("--dry-run", is_flag=True, help="Print the project that would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing project file with an imported LiteLLM config.")
@click.option("-f", "--format", "fmt", type=click.Choice(("auto", "text", "json", "github", "sarif")), default="auto")
@as_of_option
def command(
    sources: tuple[Path, ...],
    from_azure: Path | None,
    resource: str | None,
    region: str | None,
    endpoint: str | None,
    inventories: tuple[Path, ...],
    project: Path | None,
    env_name: str,
    dry_run: bool,
    force: bool,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Add an Azure account's deployments to the project (--from-azure FILE), or turn a hand-written
    SOURCES = litellm.config.yaml [server/.env] into a new project file.

    The result is validated before anything is written: an import that would add an error writes
    nothing and exits 1 (--dry-run still prints the project). Errors the project file already had are
    reported but do not block. What could not be mapped, and every value the import chose, is a note.
    """
    import sys

    from configgen.cli.options import emit
    from configgen.tools.authoring.importing import ImportFailed, finish

    if (from_azure is None) == (not sources):
        raise click.UsageError("give either --from-azure FILE or a LiteLLM config (with an optional .env) to import")
    path = project or Path("configgen.yaml")
    baseline: str | None = None
    try:
        if from_azure is not None:
            from configgen.tools.authoring.import_azure import read_azure

            result, baseline = read_azure(from_azure, path, resource=resource, region=region, endpoint=endpoint)
        else:
            from configgen.tools.authoring.import_litellm import read_litellm

            if path.exists() and not force and not dry_run:
                raise click.UsageError(f"{path} exists; give -p NEW_FILE, or --force to replace it")
            result = read_litellm(list(sources), path, list(inventories), env_name)
    except ImportFailed as exc:
        if exc.findings:
            emit(exc.findings, "text", err=True)
        raise click.UsageError(str(exc)) from None
    outcome = finish(result, path, baseline=baseline, as_of=as_of, dry_run=dry_run)
    if outcome.findings:
        emit(outcome.findings, fmt, err=True)
    if outcome.show is not None:
        click.echo(outcome.show, nl=False)
    click.echo(outcome.message, err=True)
    sys.exit(outcome.exit_code)
