"""`configgen init`: write a first, valid project file (prompts, or flags for scripts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from configgen.cli.options import as_of_option, project_file_option, run_edit
from configgen.tools.authoring.starter import AUTH, DEFAULT_API_VERSION, DEFAULT_CAPACITY, DEFAULT_SKU, ROUTING, SKUS


def _echo_problems(findings: list[Any]) -> None:
    for f in findings:
        hint = f" ({f.hint})" if f.hint else ""
        click.echo(f"  {f.message}{hint}", err=True)


def _ask(q: Any, given: Any, values: dict[str, Any], yes: bool, path: Path, as_of: dt.date | None) -> Any:
    """A flag wins; with --yes the default; otherwise ask, check the answer, and ask again until it is good."""
    from configgen.tools.authoring.starter import check_answer

    if given is not None:
        return given
    default = q.default(values)
    if yes:
        return default
    kind: Any = click.Choice(q.choices) if q.choices else (click.IntRange(min=1) if q.integer else str)
    while True:
        answer = click.prompt(q.prompt, default=default, type=kind, show_choices=bool(q.choices))
        problems = check_answer({**values, q.key: answer}, q.key, path, as_of)
        if not problems:
            return answer
        click.echo(f"{answer!s} will not do:", err=True)
        _echo_problems(problems)


@click.command("init", short_help="Create a project file: one resource, one deployment, one alias, one environment.")
@project_file_option("Project file to create (default: ./configgen.yaml).")
@click.option("--name", help="Project name (default: the directory's name).")
@click.option("--resource", help="Azure OpenAI resource name (its subdomain).")
@click.option("--endpoint", help="Resource URL (default: https://RESOURCE.openai.azure.com).")
@click.option("--region", help="Azure region (default: eastus2).")
@click.option("--auth", type=click.Choice(AUTH), help="entra (Entra ID, the default as in `add`) or api_key.")
@click.option("--deployment", help="Deployment name (default: the model name without dots).")
@click.option("--model", help="Model (default: gpt-5.1).")
@click.option("--version", "version", help="Model version (default: 2025-11-13).")
@click.option("--sku", type=click.Choice(SKUS), help=f"Deployment type (default: {DEFAULT_SKU}).")
@click.option("--capacity", type=click.IntRange(min=1), help=f"Capacity units (default: {DEFAULT_CAPACITY}).")
@click.option("--api-version", help=f"api-version LiteLLM pins (default: {DEFAULT_API_VERSION}).")
@click.option("--key-env", help="Variable holding the API key (implies --auth api_key).")
@click.option("--alias", help="Model name the app asks for (default: gpt-4).")
@click.option("--routing-strategy", type=click.Choice(ROUTING), help="How LiteLLM spreads requests (default: simple-shuffle).")
@click.option("--env", "env", help="First environment (default: dev).")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: defaults for every value not given.")
@click.option("--force", is_flag=True, help="Replace an existing project file.")
@click.option("--no-schema", is_flag=True, help="Do not write schemas/configgen.schema.json next to it.")
@as_of_option
def command(
    project: Path | None,
    name: str | None,
    resource: str | None,
    endpoint: str | None,
    region: str | None,
    auth: str | None,
    deployment: str | None,
    model: str | None,
    version: str | None,
    sku: str | None,
    capacity: int | None,
    api_version: str | None,
    key_env: str | None,
    alias: str | None,
    routing_strategy: str | None,
    env: str | None,
    yes: bool,
    force: bool,
    no_schema: bool,
    as_of: dt.date | None,
) -> None:
    """Create a project file: one resource, one deployment, one alias, one environment.

    Asks for each value, shows the choices and checks each answer when it is given (answers may come
    from a pipe); give flags and --yes for scripts. The defaults are those of `configgen add`. The
    result is validated before it is written, and starts with the editor schema line.
    """
    from configgen.tools.authoring.edit import atomic_create, loads, save
    from configgen.tools.authoring.starter import QUESTIONS, project_text

    project = project or Path("configgen.yaml")
    if project.exists() and not force:
        raise click.UsageError(f"{project} already exists; use `configgen add ...` to extend it, or --force")
    directory = project.resolve().parent
    flags = {
        "name": name, "resource": resource, "endpoint": endpoint, "region": region, "deployment": deployment,
        "model": model, "version": version, "sku": sku, "capacity": capacity, "api_version": api_version,
        "key_env": key_env, "alias": alias, "routing_strategy": routing_strategy, "env": env,
        "auth": auth or ("api_key" if key_env else None),
    }
    values: dict[str, Any] = {"_dir": directory.name}
    for q in QUESTIONS:
        if q.when(values):
            values[q.key] = _ask(q, flags[q.key], values, yes, project, as_of)
    values.pop("_dir")
    schema_path = directory / "schemas" / "configgen.schema.json"
    text = project_text(**values)

    def write() -> list[Any]:
        findings = save(loads(text, project), text, as_of=as_of)
        if not no_schema and not schema_path.exists():
            from configgen.model.jsonschema import schema_text

            atomic_create(schema_path, schema_text())
        return findings

    run_edit("init", write)
    click.echo(f"created {project}")
    click.echo(f"next: `configgen validate -p {project}`, then `configgen render {values['env']} -p {project}`")
