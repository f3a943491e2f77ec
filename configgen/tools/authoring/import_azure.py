"""`configgen import --from-azure`: one account's deployment list into the project file.

The project file is round-tripped (:mod:`configgen.tools.authoring.roundtrip`), so its comments,
indentation and null spelling stay. Only deployments that can serve requests are added: provisioning
state `Succeeded` (ARM ``DeploymentProvisioningState``), format `OpenAI`, and a SKU the project model
knows. Their `rpm`/`tpm` are Azure's own rate limits when those differ from what the capacity gives.
A new resource gets no region unless one is given (the list does not say; validate says what to fill
in), and every value chosen for it (endpoint, auth, api-version, aliases) is a note at its line.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.load.inventory import Inventory, InventoryDeployment
from configgen.model.project import Sku
from configgen.tools.authoring import roundtrip as rt
from configgen.tools.authoring.importing import (
    SKIPPED,
    ImportFailed,
    ImportResult,
    Pending,
    choose_api_version,
    key_env_name,
    located,
    modeline_comment,
    safe_name,
    schema_findings,
)

_SKUS = typing.get_args(Sku)


def importable(d: InventoryDeployment) -> str | None:
    """Why a deployment cannot go into the project, or None when it can."""
    if not d.succeeded:
        return f"provisioning state is {d.state or 'unknown'}, not Succeeded"
    if d.model_format not in (None, "OpenAI"):
        return f"model format {d.model_format} is not served through LiteLLM's azure/ route"
    if not d.model or not d.version:
        return "Azure gives no model name or version"
    if d.sku not in _SKUS:
        return f"SKU {d.sku} is not one configgen knows"
    if not d.capacity or d.capacity < 1:
        return "Azure gives no capacity"
    return None


def deployment_data(d: InventoryDeployment, layout: rt.Layout | None = None) -> Any:
    """A project `Deployment` mapping for what Azure reports; rpm/tpm only where they differ from the
    capacity-derived values (the catalogue's figures are estimates, Azure's rate limits are the truth)."""
    from configgen.knowledge.azure_catalog import load_catalog

    assert d.model and d.version and d.capacity
    data = rt.cmap({"model": d.model, "version": rt.quoted(d.version, layout), "sku": d.sku, "capacity": d.capacity})
    rpm, tpm = load_catalog().rpm_tpm(d.model, d.version, d.sku, d.capacity)
    if d.rpm is not None and d.rpm >= 1 and d.rpm != rpm:
        data["rpm"] = d.rpm
    if d.tpm is not None and d.tpm >= 1 and d.tpm != tpm:
        data["tpm"] = d.tpm
    return data


def _match_resource(resources: Any, inv: Inventory, wanted: str | None) -> str | None:
    names = {n.lower() for n in (wanted, inv.account) if n}
    for key, res in (resources or {}).items():
        endpoint = res.get("endpoint") if isinstance(res, dict) else None
        host = (urlsplit(endpoint).hostname or "") if isinstance(endpoint, str) else ""
        if str(key).lower() in names or host.split(".")[0].lower() in names:
            return str(key)
    return None


def _unique_alias(name: str, taken: Any) -> str:
    alias, n = safe_name(name), 2
    while alias in taken:
        alias = f"{safe_name(name)[:60]}-{n}"
        n += 1
    return alias


def _mapping_at(parent: Any, key: str, project_path: Path, what: str) -> Any:
    """``parent[key]`` as a mapping, created (or filled in for a null) when missing."""
    value = parent.get(key)
    if rt.is_null(value):
        value = parent[key] = rt.cmap()
    if not isinstance(value, dict):
        raise ImportFailed(f"{project_path}: `{what}` is not a mapping")
    return value


def import_azure(
    project_text: str | None,
    project_path: Path,
    inv: Inventory,
    *,
    inventory_ref: str,
    resource: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
) -> ImportResult:
    """Add the inventory's deployments to the project (a new project when ``project_text`` is None).

    ``inventory_ref`` is the inventory's path as the project should name it (relative to the project).
    Raises ruamel's YAMLError for a project file that is not YAML.
    """
    pending: list[Pending] = []
    if project_text is None:
        layout = rt.Layout()
        root = rt.cmap()
        root["version"] = 1
        root["name"] = safe_name(resource or inv.account or "project")
        root["resources"] = rt.cmap()
        root.yaml_set_start_comment(
            modeline_comment() + f"Imported by `configgen import --from-azure {inventory_ref}`; review the notes."
        )
        pending.append(Pending(("name",), f"project name `{root['name']}` taken from the account"))
    else:
        root, layout = rt.parse(project_text)
        if not isinstance(root, dict):
            raise ImportFailed(f"{project_path} is not a project file (not a mapping)")
    notes: list[Finding] = []
    with rt.using_layout(layout):
        resources = _mapping_at(root, "resources", project_path, "resources")
        key = _match_resource(resources, inv, resource)
        if key is None:
            key = _new_resource(resources, inv, resource, region, endpoint, pending)
        res = resources[key]
        if not isinstance(res, dict):
            raise ImportFailed(f"{project_path}: resources.{key} is not a mapping")
        if not res.get("inventory"):
            res["inventory"] = inventory_ref
        deployments = _mapping_at(res, "deployments", project_path, f"resources.{key}.deployments")
        aliases = _mapping_at(
            _mapping_at(root, "defaults", project_path, "defaults"), "aliases", project_path, "defaults.aliases"
        )
        added: list[str] = []
        for d in inv.deployments:
            why = importable(d)
            if why is not None:
                notes.append(d.finding(SKIPPED, Severity.INFO, f"deployment {d.name} not imported: {why}"))
                continue
            ref = f"{key}/{d.name}"
            if d.name in deployments:
                notes.append(d.finding(SKIPPED, Severity.INFO, f"deployment {d.name} is already in the project"))
                continue
            deployments[d.name] = deployment_data(d, layout)
            added.append(ref)
            if any(isinstance(a, dict) and ref in (a.get("deployments") or []) for a in aliases.values()):
                continue
            alias = _unique_alias(d.name, aliases)
            aliases[alias] = rt.cmap({"deployments": rt.seq([ref])})
            pending.append(
                Pending(("defaults", "aliases", alias), f"alias `{alias}` proposed for {ref}", "rename it, or remove it")
            )
        if project_text is None:
            _complete_new_project(root, aliases, pending)
    text = rt.dump(root, layout)
    return ImportResult(text, notes + located(pending, text, project_path), schema_findings(text, project_path), added)


def _new_resource(
    resources: Any, inv: Inventory, resource: str | None, region: str | None, endpoint: str | None, pending: list[Pending]
) -> str:
    account = inv.account or resource
    if not account:
        raise ImportFailed(f"{inv.file} names no account (no ARM ids): give --resource NAME")
    key = safe_name(resource or account)
    models = [(d.model, d.version) for d in inv.deployments if importable(d) is None]
    where = ("resources", key)
    res = rt.cmap()
    res["endpoint"] = endpoint or f"https://{account}.openai.azure.com"
    if not endpoint:
        pending.append(
            Pending((*where, "endpoint"), f"endpoint assumed from the account name {account}", "give --endpoint if it differs")
        )
    if region:
        res["region"] = region
    env = key_env_name(key)
    res["auth"] = rt.cmap({"type": "api_key", "key_env": env}, flow=True)
    pending.append(
        Pending((*where, "auth"), f"auth assumed: an API key read from {env}", "for Entra ID write `auth: {type: entra}`")
    )
    res["api_version"] = rt.quoted(choose_api_version(models))
    pending.append(
        Pending((*where, "api_version"), f"api_version {res['api_version']} chosen: the newest that serves every model")
    )
    res["deployments"] = rt.cmap()
    resources[key] = res
    return key


def _complete_new_project(root: Any, aliases: Any, pending: list[Pending]) -> None:
    """A new project needs an app, a proxy and an environment to be valid; the smallest sensible ones."""
    defaults = root["defaults"]
    first = next(iter(aliases), None)
    defaults["app"] = rt.cmap({"mode": "proxy", "alias": first or "default"})
    defaults["proxy"] = rt.cmap({"instances": rt.flow_list([rt.cmap({"host": "127.0.0.1", "port": 4000}, flow=True)])})
    root["environments"] = rt.cmap({"dev": rt.cmap()})
    pending += [
        Pending(("defaults", "app", "alias"), f"the app asks for `{first}`, the first alias", "set the alias your app uses"),
        Pending(("defaults", "proxy", "instances"), "one local proxy assumed, on 127.0.0.1:4000", "list your proxies"),
        Pending(("environments", "dev"), "environment `dev` added", "rename it, or add more (`configgen add environment`)"),
    ]


def read_azure(
    inventory_path: Path, project_path: Path, *, resource: str | None, region: str | None, endpoint: str | None
) -> tuple[ImportResult, str | None]:
    """Read the deployment list and the project file (if any) and import; returns (result, project as on disk)."""
    from ruamel.yaml.error import YAMLError

    from configgen.load.inventory import load_inventory

    inv, problems = load_inventory(inventory_path, str(inventory_path))
    if inv is None or any(f.severity is Severity.ERROR for f in problems):
        raise ImportFailed(f"cannot read the deployment list {inventory_path}", problems)
    text = None
    if project_path.exists():
        try:
            text = project_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"cannot read {project_path}: {exc}") from None
    ref = os.path.relpath(inventory_path.resolve(), project_path.resolve().parent)
    try:
        result = import_azure(
            text, project_path, inv, inventory_ref=ref, resource=resource, region=region, endpoint=endpoint
        )
    except YAMLError:
        raise ImportFailed(f"{project_path} is not valid YAML; run `configgen validate` first") from None
    return result, text
