"""`configgen init`: write a first, valid project file (prompts, or flags for scripts)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import click

from configgen.cli.options import as_of_option, run_edit

# Defaults that pass every rule today: gpt-5.1 2025-11-13 retires 2027-05-15 (catalogue), and reasoning
# models need a preview api-version or v1 (FACTS.md: "o3 / o4-mini 2025-04-01-preview").
DEFAULTS = {
    "region": "eastus2",
    "model": "gpt-5.1",
    "version": "2025-11-13",
    "sku": "GlobalStandard",
    "capacity": 50,
    "api_version": "2025-04-01-preview",
    "key_env": "AZURE_OPENAI_API_KEY",
    "alias": "gpt-4",
    "env": "dev",
}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return slug[:40] or "myapp"


def _ask(given: Any, prompt: str, default: Any, yes: bool, kind: Any = str) -> Any:
    """A flag wins; with --yes the default; otherwise ask (click.prompt also reads answers from a pipe)."""
    if given is not None:
        return given
    if yes:
        return default
    return click.prompt(prompt, default=default, type=kind)


@click.command("init")
@click.option(
    "-p",
    "--project",
    "project",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("configgen.yaml"),
    show_default=True,
    help="Project file to create.",
)
@click.option("--name", help="Project name (default: the directory's name).")
@click.option("--resource", help="Azure OpenAI resource name (its subdomain).")
@click.option("--endpoint", help="Resource URL (default: https://RESOURCE.openai.azure.com).")
@click.option("--region", help=f"Azure region (default: {DEFAULTS['region']}).")
@click.option("--deployment", help="Deployment name (default: the model name without dots).")
@click.option("--model", help=f"Model (default: {DEFAULTS['model']}).")
@click.option("--version", "version", help=f"Model version (default: {DEFAULTS['version']}).")
@click.option("--sku", help=f"Deployment type (default: {DEFAULTS['sku']}).")
@click.option("--capacity", type=click.IntRange(min=1), help=f"Capacity units (default: {DEFAULTS['capacity']}).")
@click.option("--api-version", help=f"api-version LiteLLM pins (default: {DEFAULTS['api_version']}).")
@click.option("--key-env", help=f"Variable holding the API key (default: {DEFAULTS['key_env']}).")
@click.option("--alias", help=f"Model name the app asks for (default: {DEFAULTS['alias']}).")
@click.option("--env", "env", help=f"First environment (default: {DEFAULTS['env']}).")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: defaults for every value not given.")
@click.option("--force", is_flag=True, help="Replace an existing project file.")
@click.option("--no-schema", is_flag=True, help="Do not write schemas/configgen.schema.json next to it.")
@as_of_option
def command(
    project: Path,
    name: str | None,
    resource: str | None,
    endpoint: str | None,
    region: str | None,
    deployment: str | None,
    model: str | None,
    version: str | None,
    sku: str | None,
    capacity: int | None,
    api_version: str | None,
    key_env: str | None,
    alias: str | None,
    env: str | None,
    yes: bool,
    force: bool,
    no_schema: bool,
    as_of: dt.date | None,
) -> None:
    """Create a project file: one resource, one deployment, one alias, one environment.

    Asks for each value (answers may come from a pipe); give flags and --yes for scripts.
    The result is validated before it is written, and starts with the editor schema line.
    """
    from configgen.tools.authoring.edit import atomic_create, save

    if project.exists() and not force:
        raise click.UsageError(f"{project} already exists; use `configgen add ...` to extend it, or --force")
    directory = project.resolve().parent
    name = _ask(name, "Project name", _slug(directory.name), yes)
    resource = _ask(resource, "Azure OpenAI resource name", f"{name}-openai", yes)
    endpoint = _ask(endpoint, "Resource endpoint", f"https://{resource}.openai.azure.com", yes)
    region = _ask(region, "Azure region", DEFAULTS["region"], yes)
    model = _ask(model, "Model", DEFAULTS["model"], yes)
    version = _ask(version, "Model version", DEFAULTS["version"], yes)
    deployment = _ask(deployment, "Deployment name", model.replace(".", ""), yes)
    sku = _ask(sku, "Deployment type (SKU)", DEFAULTS["sku"], yes)
    capacity = _ask(capacity, "Capacity (thousands of tokens per minute)", DEFAULTS["capacity"], yes, int)
    api_version = _ask(api_version, "api-version", DEFAULTS["api_version"], yes)
    key_env = _ask(key_env, "Variable holding the API key", DEFAULTS["key_env"], yes)
    alias = _ask(alias, "Alias the app asks for (LITELLM_MODEL)", DEFAULTS["alias"], yes)
    env = _ask(env, "First environment", DEFAULTS["env"], yes)

    schema_path = directory / "schemas" / "configgen.schema.json"
    text = project_text(
        name=name,
        resource=resource,
        endpoint=endpoint,
        region=region,
        deployment=deployment,
        model=model,
        version=version,
        sku=sku,
        capacity=capacity,
        api_version=api_version,
        key_env=key_env,
        alias=alias,
        env=env,
    )
    from configgen.tools.authoring.edit import loads

    def write() -> list[Any]:
        findings = save(loads(text, project), text, as_of=as_of)
        if not no_schema and not schema_path.exists():
            from configgen.model.jsonschema import schema_text

            atomic_create(schema_path, schema_text())
        return findings

    run_edit("init", write)
    click.echo(f"created {project}")
    click.echo(f"next: `configgen validate -p {project}`, then `configgen render {env} -p {project}`")


def project_text(**v: Any) -> str:
    """The new project as YAML text; values go through ruamel so any string is quoted safely."""
    from configgen.model.jsonschema import DEFAULT_PATH, modeline
    from configgen.tools.authoring.edit import Document, deployment_map
    from configgen.tools.authoring.roundtrip import cmap, flow_list, quoted

    tree = cmap()
    tree["version"] = 1
    tree["name"] = v["name"]
    deployments = cmap(
        {v["deployment"]: deployment_map(v["model"], v["version"], v["sku"], v["capacity"])}
    )
    tree["resources"] = cmap(
        {
            v["resource"]: cmap(
                {
                    "endpoint": v["endpoint"],
                    "region": v["region"],
                    "auth": cmap({"type": "api_key", "key_env": v["key_env"]}, flow=True),
                    "api_version": quoted(v["api_version"]),
                    "deployments": deployments,
                }
            )
        }
    )
    tree["defaults"] = cmap(
        {
            "aliases": cmap({v["alias"]: cmap({"deployments": flow_list([f"{v['resource']}/{v['deployment']}"])})}),
            "app": cmap({"mode": "proxy", "alias": v["alias"]}),
            "proxy": cmap({"instances": [cmap({"host": "127.0.0.1", "port": 4000}, flow=True)]}),
        }
    )
    tree["environments"] = cmap({v["env"]: cmap({"description": "First environment: one local proxy."})})
    tree.yaml_set_comment_before_after_key("resources", before="\nAzure OpenAI resources and their deployments.")
    tree.yaml_set_comment_before_after_key(
        "defaults", before="\nSettings every environment starts from; environments override what differs."
    )
    tree.yaml_set_comment_before_after_key(
        "environments", before="\n`configgen add environment NAME` adds more."
    )
    header = (
        f"{modeline(DEFAULT_PATH)}\n"
        f"# {v['name']}: how the app reaches Azure OpenAI. Written by `configgen init`; edit freely.\n"
        "# `configgen validate` checks it; `configgen render ENV` writes the configs.\n"
    )
    return header + Document(Path(), "", tree).dump()
