"""`configgen add resource|deployment|alias|environment`: edit the project file in place.

Comments, key order, quoting and layout are kept (ruamel round trip, :mod:`configgen.tools.authoring.edit`); the
edited file is validated before it is written, and an edit that would add an error writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from configgen.cli.completion import complete_alias, complete_deployment_ref, complete_env, complete_resource
from configgen.cli.options import as_of_option, no_secret_name, project_option, run_edit

# the defaults `init` uses too, and the project model's own SKU list
from configgen.tools.authoring.starter import DEFAULT_API_VERSION, DEFAULT_CAPACITY, DEFAULT_SKU, SKUS


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    return as_of_option(project_option(f))


def _deployment_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--capacity", type=click.IntRange(min=1), default=DEFAULT_CAPACITY, show_default=True, help="Capacity units."
    )(f)
    f = click.option("--sku", type=click.Choice(SKUS), default=DEFAULT_SKU, show_default=True)(f)
    f = click.option("--version", "version", required=True, help="Model version, e.g. 2025-11-13.")(f)
    return click.option("--model", required=True, help="Azure model name, e.g. gpt-5.1.")(f)


def _run(project: Path | None, as_of: dt.date | None, what: str, change: Callable[[Any], None]) -> None:
    from configgen.model.load import find_project_file
    from configgen.tools.authoring.edit import edit

    path = find_project_file(project)
    if not path.exists():
        raise click.UsageError(f"project file {path} not found (use -p/--project FILE, or `configgen init`)")
    run_edit("add", lambda: edit(path, change, as_of=as_of)[1])
    click.echo(f"updated {path}: added {what}")


@click.group("add", short_help="Add a resource, deployment, alias or environment to the project file.")
def command() -> None:
    """Add a resource, deployment, alias or environment to the project file.

    The file keeps its comments and layout; nothing is written if the result would not validate.
    """


@command.command("resource")
@click.argument("name", callback=no_secret_name)
@click.option("--endpoint", help="Resource root URL (default: https://NAME.openai.azure.com).")
@click.option("--region", required=True, help="Azure region, e.g. eastus2.")
@click.option("--api-version", default=DEFAULT_API_VERSION, show_default=True)
@click.option("--key-env", help="Variable holding the API key (default: Entra ID service principal).")
@click.option("--private-endpoint", is_flag=True, help="Reached through a private endpoint.")
@click.option("--deployment", "deployment", required=True, help="Name of its first deployment.")
@_deployment_options
@_common
def resource(
    name: str,
    endpoint: str | None,
    region: str,
    api_version: str,
    key_env: str | None,
    private_endpoint: bool,
    deployment: str,
    model: str,
    version: str,
    sku: str,
    capacity: int,
    project: Path | None,
    as_of: dt.date | None,
) -> None:
    """Add Azure OpenAI resource NAME with its first deployment."""
    from configgen.tools.authoring import edit

    def change(tree: Any) -> None:
        edit.add_resource(
            tree,
            name,
            endpoint=endpoint or f"https://{name}.openai.azure.com",
            region=region,
            api_version=api_version,
            key_env=key_env,
            private_endpoint=private_endpoint,
            deployments={deployment: edit.deployment_map(model, version, sku, capacity)},
        )

    _run(project, as_of, f"resource {name}", change)


@command.command("deployment")
@click.argument("resource_name", metavar="RESOURCE", shell_complete=complete_resource)
@click.argument("name", callback=no_secret_name)
@_deployment_options
@_common
def deployment(
    resource_name: str,
    name: str,
    model: str,
    version: str,
    sku: str,
    capacity: int,
    project: Path | None,
    as_of: dt.date | None,
) -> None:
    """Add deployment NAME to RESOURCE."""
    from configgen.tools.authoring import edit

    def change(tree: Any) -> None:
        edit.add_deployment(tree, resource_name, name, model=model, version=version, sku=sku, capacity=capacity)

    _run(project, as_of, f"deployment {resource_name}/{name}", change)


@command.command("alias", short_help="Add model alias NAME, served by the given deployments.")
@click.argument("name", callback=no_secret_name)
@click.option(
    "-d",
    "--deployment",
    "deployments",
    multiple=True,
    required=True,
    shell_complete=complete_deployment_ref,
    help="RESOURCE/DEPLOYMENT serving it (repeatable).",
)
@click.option("--fallback", "fallbacks", multiple=True, shell_complete=complete_alias, help="Alias to fall back to.")
@click.option("--env", "environment", shell_complete=complete_env, help="Only in this environment (default: all).")
@_common
def alias(
    name: str,
    deployments: tuple[str, ...],
    fallbacks: tuple[str, ...],
    environment: str | None,
    project: Path | None,
    as_of: dt.date | None,
) -> None:
    """Add model alias NAME (what the app asks for), served by the given deployments."""
    from configgen.tools.authoring import edit

    def change(tree: Any) -> None:
        edit.add_alias(tree, name, deployments=list(deployments), fallbacks=list(fallbacks), environment=environment)

    _run(project, as_of, f"alias {name}" + (f" to environment {environment}" if environment else ""), change)


@command.command("environment", short_help="Add environment NAME; it starts as the defaults.")
@click.argument("name", callback=no_secret_name)
@click.option("--description", default="", help="One line saying what it is.")
@click.option("--production", is_flag=True, help="Stricter rules apply.")
@_common
def environment(name: str, description: str, production: bool, project: Path | None, as_of: dt.date | None) -> None:
    """Add environment NAME; it starts as the defaults (override keys under it afterwards)."""
    from configgen.tools.authoring import edit

    def change(tree: Any) -> None:
        edit.add_environment(tree, name, description=description, production=production)

    _run(project, as_of, f"environment {name}", change)
