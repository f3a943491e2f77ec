"""`configgen inventory fetch`: save what Azure says an account's deployments are (see docs/inventory.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from configgen.cli.options import no_secret_name, project_file_option

TOKEN_HINT = (
    "export it with: export {var}=$(az account get-access-token --resource https://management.azure.com/ "
    "--query accessToken -o tsv), or give --token-file with `az account get-access-token -o json` output"
)


@click.group("inventory", short_help="Fetch and list what really exists on each Azure OpenAI resource.")
def command() -> None:
    """Azure deployment inventories: what really exists on each Azure OpenAI resource."""


@command.command("fetch", short_help="Write ENV's (or --account's) deployment list, read from Azure Resource Manager.")
@click.argument("env", required=False, callback=no_secret_name)
@project_file_option(
    "Project file (default: $CONFIGGEN_PROJECT, else the nearest configgen.yaml upwards); ENV's resources are fetched."
)
@click.option("--subscription", envvar="AZURE_SUBSCRIPTION_ID", help="Subscription id (or $AZURE_SUBSCRIPTION_ID).")
@click.option("--resource-group", "resource_group", help="Resource group of the account(s).")
@click.option("--account", help="Fetch this account only (no project needed).")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Inventory file to write (one account only). Default: the resource's `inventory:` path, "
    "else inventory/RESOURCE.json next to the project (ACCOUNT.json with --account).",
)
@click.option(
    "--token-env",
    default="AZURE_ACCESS_TOKEN",
    show_default=True,
    help="Variable holding an ARM bearer token (or `az account get-access-token -o json` output).",
)
@click.option(
    "--token-file", type=click.File("r"), help="File (or -) with `az account get-access-token -o json` output."
)
@click.option("--arm-url", default="https://management.azure.com", show_default=True, help="ARM endpoint.")
@click.option("--api-version", default=None, help="ARM api-version (default 2024-10-01).")
@click.option("--timeout", type=click.FloatRange(1, 300), default=30.0, show_default=True, help="Seconds per request.")
def fetch(
    env: str | None,
    project: Path | None,
    subscription: str | None,
    resource_group: str | None,
    account: str | None,
    out: Path | None,
    token_env: str,
    token_file: TextIO | None,
    arm_url: str,
    api_version: str | None,
    timeout: float,
) -> None:
    """List ENV's (or --account's) deployments through Azure Resource Manager and write the inventory
    file that `configgen validate --inventory` and `configgen import --from-azure` read.

    The token is read from --token-env or --token-file and is never printed.
    """
    import os
    import sys

    from configgen.tools.arm import API_VERSION, ArmClient, ArmError, token_from_az_output

    if token_file is not None:
        token = token_from_az_output(token_file.read())
        source = "--token-file"
    else:
        token = token_from_az_output(os.environ.get(token_env, ""))
        source = f"${token_env}"
    if not token:
        raise click.UsageError(f"no ARM token in {source}; " + TOKEN_HINT.format(var=token_env))
    from configgen.secrets import register_secret

    register_secret(token)  # a bearer token: redacted from every line, whatever ARM sends back
    if not arm_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise click.UsageError("--arm-url must be https:// (plain http only to localhost, for tests)")
    targets = _targets(env, project, account, out)
    missing = [acct for acct, _, sub, rg in targets if not (subscription or sub) or not (resource_group or rg)]
    if missing:
        raise click.UsageError(
            f"no subscription / resource group for {', '.join(missing)}: give --subscription and --resource-group, "
            "or set `subscription_id` and `resource_group` on the resource in the project file"
        )
    client = ArmClient(token, base_url=arm_url, api_version=api_version or API_VERSION, timeout=timeout)
    failed = False
    for acct, path, sub, rg in targets:
        try:
            items = client.list_deployments(subscription or sub or "", resource_group or rg or "", acct)
        except ArmError as exc:
            click.echo(f"configgen: inventory fetch {acct}: {exc.message}", err=True)
            failed = True
            continue
        _write(path, items)
        click.echo(f"{len(items):>4} deployment(s) of {acct} -> {path}", err=True)
    sys.exit(1 if failed else 0)


Target = tuple[str, Path, str | None, str | None]


def _targets(env: str | None, project: Path | None, account: str | None, out: Path | None) -> list[Target]:
    """(account, inventory path, subscription, resource group) to fetch: --account alone, or every
    resource ENV's aliases use (subscription and resource group from the project, when it has them)."""
    from urllib.parse import urlsplit

    if account is not None:
        return [(account, out or Path(f"{account}.json"), None, None)]
    if env is None:
        raise click.UsageError("give ENV (fetch its resources) or --account NAME")
    from configgen.model.load import find_project_file, load_project
    from configgen.suggest import hint_for

    path = find_project_file(project)
    if not path.exists():
        raise click.UsageError(f"no project file {path}; give -p FILE, or --account NAME")
    loaded = load_project(path)
    if loaded.project is None or env not in loaded.envs or loaded.envs[env].model is None:
        if loaded.project is not None and env not in loaded.project.environments:
            names = list(loaded.project.environments)
            raise click.UsageError(f"no environment `{env}` in {path}; " + hint_for(env, names, ", ".join(names)))
        raise click.UsageError(f"{path} has errors; run `configgen validate` first")
    model = loaded.envs[env].model
    assert model is not None
    used = {ref.partition("/")[0] for alias in model.aliases.values() for ref in alias.deployments}
    targets: list[Target] = []
    for key in sorted(used):
        res = loaded.project.resources.get(key)
        if res is None:
            continue
        acct = (urlsplit(res.endpoint).hostname or key).split(".")[0]
        inv = path.parent / res.inventory if res.inventory else path.parent / "inventory" / f"{key}.json"
        targets.append((acct, inv, res.subscription_id, res.resource_group))
    if out is not None:
        if len(targets) != 1:
            raise click.UsageError(f"--out names one file, but {env} uses {len(targets)} resources")
        targets = [(targets[0][0], out, targets[0][2], targets[0][3])]
    return targets


def _write(path: Path, items: list[dict[str, object]]) -> None:
    """The az CLI shape (a JSON array of deployments), written atomically, only when it changed."""
    import json

    from configgen.plan import plan_files
    from configgen.write import WriteError, write_all

    text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    try:
        write_all(plan_files([(path, text, 0o644)]))
    except WriteError as exc:
        raise click.ClickException(f"cannot write {exc.path}: {exc.message}") from None
