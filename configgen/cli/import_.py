"""`configgen import`: start a project from what exists, an Azure deployment list or a LiteLLM config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from configgen.cli.options import as_of_option, project_file_option


@click.command("import")
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
@click.option(
    "--inventory",
    "inventories",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="With a LiteLLM config: deployment lists giving model, version, SKU and capacity (repeatable).",
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

    The result is validated before anything is written; what could not be mapped is reported.
    """
    import sys

    if (from_azure is None) == (not sources):
        raise click.UsageError("give either --from-azure FILE or a LiteLLM config (with an optional .env) to import")
    when = as_of or dt.date.today()
    path = project or Path("configgen.yaml")
    if from_azure is not None:
        result = _from_azure(from_azure, path, resource, region, endpoint)
    else:
        if path.exists() and not force and not dry_run:
            raise click.UsageError(f"{path} exists; give -p NEW_FILE, or --force to replace it")
        result = _from_litellm(list(sources), path, list(inventories), env_name)
    sys.exit(_finish(result, path, when, dry_run, fmt, strict_rules=from_azure is not None))


#: Findings about what Azure really has: reported, but they do not stop an import of it.
_CARRIED = frozenset({"azure-model-retired", "azure-model-retiring"})


def _from_azure(
    inventory_path: Path, path: Path, resource: str | None, region: str | None, endpoint: str | None
) -> object:
    import os

    from configgen.load.inventory import load_inventory
    from configgen.report import REPORTERS
    from configgen.tools.authoring.importer import ImportFailed, import_azure

    inv, problems = load_inventory(inventory_path, str(inventory_path))
    if inv is None or any(f.severity.value == "error" for f in problems):
        click.echo(REPORTERS["text"](problems), nl=False, err=True)
        raise click.UsageError(f"cannot read the deployment list {inventory_path}")
    text = None
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.UsageError(f"cannot read {path}: {exc}") from None
    ref = os.path.relpath(inventory_path.resolve(), path.resolve().parent)
    try:
        return import_azure(text, path, inv, inventory_ref=ref, resource=resource, region=region, endpoint=endpoint)
    except ImportFailed as exc:
        raise click.UsageError(str(exc)) from None
    except Exception as exc:  # ruamel's parse errors on a broken project file
        from ruamel.yaml.error import YAMLError

        if isinstance(exc, YAMLError):
            raise click.UsageError(f"{path} is not valid YAML; run `configgen validate` first") from None
        raise


def _from_litellm(sources: list[Path], path: Path, inventory_paths: list[Path], env_name: str) -> object:
    from configgen.load.dotenv import parse_dotenv
    from configgen.load.inventory import Inventory, load_inventory
    from configgen.load.kinds import BY_NAME, kind_by_name
    from configgen.load.yaml import load_yaml_file, read_text
    from configgen.report import REPORTERS
    from configgen.tools.authoring.importer import ImportFailed, import_litellm

    envs = [s for s in sources if kind_by_name(s) is BY_NAME["dotenv"]]
    configs = [s for s in sources if s not in envs]
    if len(configs) != 1 or len(envs) > 1:
        raise click.UsageError("give one LiteLLM config and at most one .env file")
    doc, problems = load_yaml_file(configs[0], str(configs[0]))
    dotenv = None
    if envs:
        text, env_problems = read_text(envs[0], str(envs[0]))
        problems += env_problems
        if text is not None:
            dotenv = parse_dotenv(text, str(envs[0]))
    invs: list[Inventory] = []
    for ip in inventory_paths:
        inv, inv_problems = load_inventory(ip, str(ip))
        problems += inv_problems
        if inv is not None:
            invs.append(inv)
    if doc is None or any(f.severity.value == "error" for f in problems):
        click.echo(REPORTERS["text"](problems), nl=False, err=True)
        raise click.UsageError("cannot read the files to import")
    try:
        return import_litellm(doc, path, dotenv=dotenv, inventories=invs, env_name=env_name)
    except ImportFailed as exc:
        raise click.UsageError(str(exc)) from None


def _finish(result: object, path: Path, when: object, dry_run: bool, fmt: str, *, strict_rules: bool) -> int:
    """Validate the produced project like `configgen validate` would, then write it (or not)."""
    import os

    from configgen.app import validate_project_file
    from configgen.findings import has_errors, sort_findings
    from configgen.load.yaml import load_yaml_text
    from configgen.plan import plan_files
    from configgen.report import REPORTERS
    from configgen.tools.authoring.importer import ImportResult
    from configgen.write import WriteError, write_all

    assert isinstance(result, ImportResult) and isinstance(when, dt.date)
    checks = list(result.findings)
    if not has_errors(checks):
        doc, problems = load_yaml_text(result.text, str(path))
        checks = problems if doc is None else validate_project_file(path, when, doc).findings
    # An Azure import must give a clean project, except for facts about the deployments themselves
    # (a retired model is retired in Azure too); an imported LiteLLM config carries over all of its
    # own problems, so only schema errors stop that one.
    blocking = [f for f in checks if f.rule not in _CARRIED] if strict_rules else result.findings
    shown = sort_findings(result.notes + checks)
    name = (
        "github" if fmt == "auto" and os.environ.get("GITHUB_ACTIONS") == "true" else ("text" if fmt == "auto" else fmt)
    )
    if shown:
        click.echo(REPORTERS[name](shown), nl=False, err=name == "text")
    if has_errors(blocking):
        click.echo(f"not written: the imported project has errors ({path})", err=True)
        return 1
    if dry_run:
        click.echo(result.text, nl=False)
        return 0
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    try:
        written = write_all(plan_files([(path, result.text, mode)]))
    except WriteError as exc:
        click.echo(f"configgen: cannot write {exc.path}: {exc.message}", err=True)
        return 1
    verb = "unchanged" if not written else "written"
    added = f"; added {', '.join(result.added)}" if result.added else ""
    click.echo(f"{verb}: {path}{added}", err=True)
    return 0
