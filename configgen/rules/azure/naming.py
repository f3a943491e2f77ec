"""Azure OpenAI naming rules for deployments and resources."""

from __future__ import annotations

import re
from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse

_DEPLOYMENT = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
_RESOURCE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])$")


@rule("azure-deployment-name-invalid", Severity.ERROR, "deployment name Azure cannot have", "azure")
def deployment_name_invalid(use: AzureUse) -> Iterator[Finding]:
    """Deployment names are 2-64 characters of letters, digits, `.`, `_` and `-` (FACTS.md; the Azure
    portal and ARM refuse others). A name Azure cannot have can never be found: 404 `DeploymentNotFound`.
    Spaces, `/` and `:` are the usual slips (e.g. writing `gpt-4o:2024-08-06`).
    """
    name = use.deployment.value
    if not isinstance(name, str) or _DEPLOYMENT.match(name):
        return
    bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c in "._-"))})
    why = f"characters {''.join(bad)!r} are not allowed" if bad else f"length {len(name)} is outside 2-64"
    yield use.finding(
        "azure-deployment-name-invalid",
        Severity.ERROR,
        use.deployment,
        f"deployment name {name!r} is not a valid Azure deployment name: {why}",
        "use the deployment name exactly as shown in the Azure portal (letters, digits, . _ -)",
    )


@rule("azure-deployment-name-dot", Severity.INFO, "deployment name has a dot and no base_model", "azure")
def deployment_name_dot(use: AzureUse) -> Iterator[Finding]:
    """A `.` in the deployment name (e.g. `gpt-4.1`) is valid for Azure, but LiteLLM looks up cost and
    context window by deployment name when `model_info.base_model` is not set, and dotted names miss
    (FACTS.md; litellm/llms/azure/chat/gpt_reasoning_transformation.py maps names to `azure/<model>`).
    Set `model_info.base_model`. A project states `model` and `version`, and configgen renders the
    `base_model` from them, so this is about LiteLLM configs only.
    """
    name = use.deployment.value
    if use.in_project or not isinstance(name, str) or "." not in name or not _DEPLOYMENT.match(name):
        return
    if use.model.present and use.model.path and use.model.path[-1] == "base_model":
        return
    yield use.finding(
        "azure-deployment-name-dot",
        Severity.INFO,
        use.deployment,
        f"deployment name {name!r} contains '.' and no model_info.base_model is set",
        'add model_info: {base_model: "azure/<model>-<version>"}',
    )


@rule("azure-resource-name-invalid", Severity.ERROR, "resource (endpoint subdomain) name is invalid", "azure")
def resource_name_invalid(use: AzureUse) -> Iterator[Finding]:
    """The resource name is the endpoint's subdomain: 2-64 letters, digits and hyphens, starting and
    ending with a letter or digit (FACTS.md; Azure custom subdomain naming). Anything else is not a real
    resource, or is a private-link host (`x.privatelink.openai.azure.com`), which must not be used
    directly: a private endpoint keeps the public hostname.
    """
    name = use.resource.value
    if not isinstance(name, str) or _RESOURCE.match(name):
        return
    hint = (
        "use the public hostname https://<resource>.openai.azure.com; private DNS resolves it to the private endpoint"
        if "privatelink" in name.lower()
        else "copy the endpoint from the resource's Keys and Endpoint page"
    )
    yield use.finding(
        "azure-resource-name-invalid",
        Severity.ERROR,
        use.resource,
        f"{name!r} is not a valid Azure OpenAI resource name",
        hint,
    )
