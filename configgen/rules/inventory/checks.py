"""Inventory rules: the deployments a project or LiteLLM config names, against what Azure says exists.

Azure answers a request for a deployment it does not have with 404 ``DeploymentNotFound`` only at request
time (../shared/FACTS.md, Azure errors); the deployment list (``az cognitiveservices account deployment
list``, ARM ``Deployments_List``) is the truth these rules judge by. See :mod:`configgen.load.inventory` for the
file format and ``docs/inventory.md`` for usage.

These rules take an :class:`configgen.rules.targets.InventoryTarget`, built by
:func:`configgen.pipeline.check_against_inventories` only when inventories are given. They are
registered under the ``inventory`` target; ``configgen rules`` lists and documents them like every rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeGuard

from configgen.findings import DataPath, Finding, Severity
from configgen.rules.registry import Target, rule
from configgen.rules.targets import AzureUse, InventoryTarget
from configgen.suggest import hint_for

if TYPE_CHECKING:
    from configgen.load.inventory import InventoryDeployment
    from configgen.rules.targets import BoundInventory

TARGET: Target = "inventory"


def _is_inventory_target(t: Any) -> TypeGuard[InventoryTarget]:
    return isinstance(t, InventoryTarget)


def _project_deployments(t: InventoryTarget) -> Iterator[tuple[Any, str, str, Any, BoundInventory]]:
    """(project doc, resource key, deployment name, Deployment model, inventory) for every project
    deployment whose resource has an inventory."""
    for pi, loaded in enumerate(t.projects):
        if loaded.project is None or loaded.doc is None:
            continue
        for key, res in loaded.project.resources.items():
            bound = t.for_resource(pi, key, res.endpoint)
            if bound is None:
                continue
            for name, dep in res.deployments.items():
                yield loaded.doc, key, name, dep, bound


def _litellm_uses(t: InventoryTarget) -> Iterator[tuple[AzureUse, BoundInventory]]:
    """Every Azure deployment of the LiteLLM configs whose resource has an inventory. An entry whose
    `api_base` is not literal (``os.environ/...``) is judged by the inventory only when there is one."""
    from configgen.rules.azure_uses import azure_uses

    for doc in t.litellm:
        for use in azure_uses(doc, t.as_of):
            if not isinstance(use.deployment.value, str):
                continue
            bound = t.for_account([use.resource.value]) if use.resource.present else None
            if bound is None and not use.endpoint.present and len(t.inventories) == 1:
                bound = t.inventories[0]
            if bound is not None:
                yield use, bound


def _missing_hint(name: str, bound: BoundInventory) -> str:
    names = bound.inventory.names
    listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return hint_for(
        name,
        names,
        f"deployments in {bound.inventory.file}: {listed}" if names else "the inventory lists no deployments",
    )


def _where(bound: BoundInventory) -> str:
    return bound.inventory.account or bound.inventory.file


@rule(
    "inventory-deployment-missing",
    Severity.ERROR,
    "a deployment the config names does not exist on the resource",
    TARGET,
)
def deployment_missing(t: Any) -> Iterator[Finding]:
    """The project or LiteLLM config names a deployment that the resource's deployment list does not have.

    Azure answers every request for it with 404 `DeploymentNotFound`, and only at request time; LiteLLM
    passes the 404 through (../shared/FACTS.md). The hint suggests the closest deployment name Azure
    lists. Deployment names are case-sensitive in the data-plane URL
    (`/openai/deployments/{deployment-id}/...`), so they are compared exactly.
    """
    if not _is_inventory_target(t):
        return
    for doc, key, name, _dep, bound in _project_deployments(t):
        if bound.inventory.get(name) is None:
            yield doc.finding(
                "inventory-deployment-missing",
                Severity.ERROR,
                ("resources", key, "deployments", name),
                f"deployment {name} does not exist on {_where(bound)}",
                _missing_hint(name, bound),
                key=True,
            )
    for use, bound in _litellm_uses(t):
        name = use.deployment.value
        if bound.inventory.get(name) is None:
            yield use.finding(
                "inventory-deployment-missing",
                Severity.ERROR,
                use.deployment,
                f"deployment {name} does not exist on {_where(bound)}",
                _missing_hint(name, bound),
            )


def _state_message(d: InventoryDeployment, where: str) -> str:
    return f"deployment {d.name} on {where} is {d.state or 'in no known state'}, not Succeeded"


_STATE_HINT = {
    "failed": "Azure could not create it: delete and redeploy it, or point the config at a working deployment",
    "canceled": "its creation was canceled: redeploy it, or point the config at a working deployment",
    "deleting": "it is being deleted: point the config at another deployment",
    "disabled": "it is disabled: re-enable it in Azure AI Foundry, or point the config at another deployment",
}


@rule("inventory-deployment-not-succeeded", Severity.ERROR, "a deployment the config uses has not provisioned", TARGET)
def deployment_not_succeeded(t: Any) -> Iterator[Finding]:
    """The deployment exists, but its `properties.provisioningState` is not `Succeeded`.

    ARM's `DeploymentProvisioningState` is one of Accepted, Creating, Deleting, Moving, Failed, Succeeded,
    Disabled, Canceled (Microsoft.CognitiveServices `cognitiveservices.json`, 2023-05-01 and later); only
    a `Succeeded` deployment serves requests. A deployment still `Creating` may succeed later: fetch the
    inventory again.
    """
    if not _is_inventory_target(t):
        return
    hint_default = "wait until Azure reports Succeeded and fetch the inventory again"
    for doc, key, name, _dep, bound in _project_deployments(t):
        d = bound.inventory.get(name)
        if d is not None and not d.succeeded:
            yield doc.finding(
                "inventory-deployment-not-succeeded",
                Severity.ERROR,
                ("resources", key, "deployments", name),
                _state_message(d, _where(bound)),
                _STATE_HINT.get((d.state or "").lower(), hint_default),
                key=True,
            )
    for use, bound in _litellm_uses(t):
        d = bound.inventory.get(use.deployment.value)
        if d is not None and not d.succeeded:
            yield use.finding(
                "inventory-deployment-not-succeeded",
                Severity.ERROR,
                use.deployment,
                _state_message(d, _where(bound)),
                _STATE_HINT.get((d.state or "").lower(), hint_default),
            )


@rule("inventory-deployment-mismatch", Severity.ERROR, "model, version, SKU or capacity differ from Azure's", TARGET)
def deployment_mismatch(t: Any) -> Iterator[Finding]:
    """What the config says a deployment is differs from what Azure reports.

    Compared: the model name and version (`properties.model.name` / `.version`), the SKU (`sku.name`)
    and the capacity (`sku.capacity`). A wrong model or version makes lifecycle, api-version and cost
    judgements wrong; a wrong capacity makes the derived `rpm`/`tpm` wrong. In a LiteLLM config only
    `model_info.base_model` states a model and version (a deployment *name* that looks like a model is
    not a statement and is not compared). Model and SKU names are compared case-insensitively.
    """
    if not _is_inventory_target(t):
        return
    for doc, dpath, name, dep, d in _project_matches(t):
        pairs: list[tuple[str, object, object]] = [
            ("model", dep.model, d.model),
            ("version", dep.version, d.version),
            ("sku", dep.sku, d.sku),
            ("capacity", dep.capacity, d.capacity),
        ]
        for field_name, ours, theirs in pairs:
            if theirs is not None and ours is not None and _differs(ours, theirs):
                yield doc.finding(
                    "inventory-deployment-mismatch",
                    Severity.ERROR,
                    (*dpath, field_name),
                    f"{field_name} is {ours} here, but Azure reports {theirs} for deployment {name}",
                    f"set {field_name}: {_yaml(theirs)}, or change the deployment in Azure",
                )
    for use, d in _litellm_matches(t):
        for field_name, loc, theirs in (("model", use.model, d.model), ("version", use.model_version, d.version)):
            stated = loc.present and loc.path and loc.path[-1] == "base_model"
            if stated and theirs is not None and _differs(loc.value, theirs):
                yield use.finding(
                    "inventory-deployment-mismatch",
                    Severity.ERROR,
                    loc,
                    f"model_info.base_model says {field_name} {loc.value}, but Azure reports {theirs} "
                    f"for deployment {d.name}",
                    f"set base_model: azure/{d.model}-{d.version}" if d.model and d.version else "",
                )


def _project_matches(t: InventoryTarget) -> Iterator[tuple[Any, DataPath, str, Any, InventoryDeployment]]:
    """Project deployments that the inventory has: (doc, data path, name, project deployment, Azure's)."""
    for doc, key, name, dep, bound in _project_deployments(t):
        d = bound.inventory.get(name)
        if d is not None:
            yield doc, ("resources", key, "deployments", name), name, dep, d


def _litellm_matches(t: InventoryTarget) -> Iterator[tuple[AzureUse, InventoryDeployment]]:
    """LiteLLM config deployments that the inventory has, with Azure's description of them."""
    for use, bound in _litellm_uses(t):
        d = bound.inventory.get(use.deployment.value)
        if d is not None:
            yield use, d


def _differs(ours: object, theirs: object) -> bool:
    if isinstance(ours, str) and isinstance(theirs, str):
        return ours.strip().lower() != theirs.strip().lower()
    return ours != theirs


def _yaml(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) and value[:1].isdigit() else str(value)


@rule("inventory-rate-limit-exceeded", Severity.WARNING, "rpm/tpm above the deployment's rate limits in Azure", TARGET)
def rate_limit_exceeded(t: Any) -> Iterator[Finding]:
    """The router's `rpm`/`tpm` for a deployment are more than Azure's own rate limits for it, so LiteLLM
    keeps routing to it while Azure answers 429.

    Azure's limits are the deployment's `properties.rateLimits` (ARM `ThrottlingRule`: key `request` or
    `token`, `count` per `renewalPeriod` seconds), turned into per-minute figures. For a project, the
    rendered values count: explicit `rpm`/`tpm`, else those derived from `capacity` (reported at
    `capacity`, and not when the capacity itself already disagrees with Azure). Deployments without
    `rateLimits` (provisioned ones) are not checked.
    """
    if not _is_inventory_target(t):
        return
    from configgen.model.facts import rpm_tpm

    for doc, dpath, name, dep, d in _project_matches(t):
        rpm, tpm = rpm_tpm(dep)
        for what, ours, explicit, theirs in (("rpm", rpm, dep.rpm, d.rpm), ("tpm", tpm, dep.tpm, d.tpm)):
            if ours is None or theirs is None or ours <= theirs:
                continue
            if explicit is None and d.capacity is not None and d.capacity != dep.capacity:
                continue  # the capacity mismatch is the finding
            where = (*dpath, what) if explicit is not None else (*dpath, "capacity")
            source = "" if explicit is not None else f" (derived from capacity {dep.capacity})"
            yield doc.finding(
                "inventory-rate-limit-exceeded",
                Severity.WARNING,
                where,
                f"{what} {ours}{source} is above the {theirs} {what.upper()} Azure grants deployment {name}",
                f"set {what}: {theirs}",
            )
    for use, d in _litellm_matches(t):
        for what, loc, theirs in (("rpm", use.rpm, d.rpm), ("tpm", use.tpm, d.tpm)):
            ours = loc.value
            if isinstance(ours, int) and not isinstance(ours, bool) and theirs is not None and ours > theirs:
                yield use.finding(
                    "inventory-rate-limit-exceeded",
                    Severity.WARNING,
                    loc,
                    f"{what} {ours} is above the {theirs} {what.upper()} Azure grants deployment {d.name}",
                    f"set {what}: {theirs}",
                )


@rule("inventory-deployment-unused", Severity.INFO, "a deployment exists in Azure but nothing uses it", TARGET)
def deployment_unused(t: Any) -> Iterator[Finding]:
    """A deployment in the inventory that no project resource declares and no LiteLLM config uses.

    Not an error: it may serve another application. But unused deployments hold quota (a Standard
    deployment's capacity counts against the subscription's regional TPM quota), so it is worth knowing.
    Reported at the deployment's line in the inventory file.
    """
    if not _is_inventory_target(t):
        return
    used: dict[int, set[str]] = {}
    for _doc, _key, name, _dep, bound in _project_deployments(t):
        used.setdefault(id(bound), set()).add(name)
    for use, bound in _litellm_uses(t):
        used.setdefault(id(bound), set()).add(use.deployment.value)
    for bound in t.inventories:
        if id(bound) not in used:
            continue  # matched nothing: inventory-unmatched says so once
        for d in bound.inventory.deployments:
            if d.name not in used[id(bound)]:
                yield d.finding(
                    "inventory-deployment-unused",
                    Severity.INFO,
                    f"deployment {d.name} ({d.model or 'unknown model'}) is not used by the checked configs",
                    "add it to the project with `configgen import --from-azure`, or delete it to free quota",
                )


@rule("inventory-unmatched", Severity.WARNING, "an inventory describes no resource the configs use", TARGET)
def unmatched(t: Any) -> Iterator[Finding]:
    """An inventory given with `--inventory` matches no project resource (by resource key or endpoint
    subdomain) and no LiteLLM `api_base`, so nothing was checked against it; or a project resource's
    `inventory:` file lists the deployments of another account (every finding against it would be wrong).

    The account is read from the deployments' ARM `id`
    (`/subscriptions/.../providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}`).
    Give the inventory of the right account, or name it from the project resource (`inventory:`).
    """
    if not _is_inventory_target(t):
        return
    from configgen.load.inventory import subdomain

    used: set[int] = set()
    for _doc, _key, _name, _dep, bound in _project_deployments(t):
        used.add(id(bound))
    for _use, bound in _litellm_uses(t):
        used.add(id(bound))
    for bound in t.inventories:
        account = bound.inventory.account
        if bound.named_by is not None:
            pi, key = bound.named_by
            loaded = t.projects[pi]
            res = loaded.project.resources[key] if loaded.project is not None else None
            if res is None or loaded.doc is None or account is None:
                continue
            own = {key.lower(), subdomain(res.endpoint)}
            if account.lower() not in own:
                yield loaded.doc.finding(
                    "inventory-unmatched",
                    Severity.WARNING,
                    ("resources", key, "inventory"),
                    f"{bound.inventory.file} lists the deployments of account {account}, not of {key}",
                    "name the inventory of this resource's own account",
                )
            continue
        if id(bound) in used:
            continue
        yield Finding(
            "inventory-unmatched",
            Severity.WARNING,
            f"inventory of account {account} matches no resource of the checked configs"
            if account
            else "inventory names no account (no ARM `id`s), so it matches no resource",
            "check the account name, or name the file from the project resource with `inventory:`",
            bound.inventory.file,
            1,
            1,
        )
