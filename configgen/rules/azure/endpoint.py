"""Azure OpenAI endpoint (LiteLLM `api_base`) checks: host, scheme, path and query."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

from configgen.findings import Finding, Severity
from configgen.knowledge.azure_catalog import AZURE_OPENAI_HOST_SUFFIXES, azure_resource_from_host, load_catalog
from configgen.rules.litellm.common import misspelled_ref, shell_refs
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse

_LOCAL_HOSTS = {"localhost", "host.docker.internal"}


def _url(use: AzureUse) -> SplitResult | None:
    v = use.endpoint.value
    return _parse_url(v) if isinstance(v, str) else None


@functools.lru_cache(maxsize=1024)  # five endpoint rules ask for each deployment; endpoints repeat per resource
def _parse_url(v: str) -> SplitResult | None:
    try:
        u = urlsplit(v.strip())
        _ = u.port  # raises on a malformed port
    except ValueError:
        return None
    return u if u.scheme and u.hostname else None


@functools.lru_cache(maxsize=1024)
def _hostname(u: SplitResult) -> str | None:
    return u.hostname  # a property that parses the netloc on every read


@functools.lru_cache(maxsize=1024)
def _azure_resource(host: str) -> str | None:
    return azure_resource_from_host(host)


@functools.lru_cache(maxsize=1024)  # hosts repeat across deployments; ip_address parses each time
def _is_local(host: str) -> bool:
    if host.lower() in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _root(u: SplitResult) -> str:
    return f"{u.scheme}://{u.netloc}"


@rule("azure-endpoint-host", Severity.WARNING, "api_base is not an Azure OpenAI host", "azure")
def endpoint_host(use: AzureUse) -> Iterator[Finding]:
    """Azure OpenAI endpoints are `https://<resource>.openai.azure.com`, `.cognitiveservices.azure.com`,
    `.services.ai.azure.com`, or `.openai.azure.us` (Azure Government) (FACTS.md; Azure OpenAI REST
    reference). A private endpoint keeps the public hostname. A host that names Azure but none of
    these (`openai.azure.net`, `x.privatelink.openai.azure.com`) is a warning: it does not resolve,
    or not outside the private DNS zone, so requests fail where it is not. Any other host is
    usually a gateway you run (API Management, a corporate proxy, a test double): LiteLLM calls it
    as Azure and it works if the gateway forwards Azure's API, so that is only info.
    """
    u = _url(use)
    host = _hostname(u) if u is not None else None
    if host is None or _is_local(host) or _azure_resource(host) is not None:
        return
    near_miss = "azure" in host.lower()
    yield use.finding(
        "azure-endpoint-host",
        Severity.WARNING if near_miss else Severity.INFO,
        use.endpoint,
        f"{use.endpoint_key} host {host!r} is not an Azure OpenAI host",
        "expected https://<resource>"
        + " or https://<resource>".join(AZURE_OPENAI_HOST_SUFFIXES[:2])
        + " (ignore this for a gateway you run)",
    )


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@rule("azure-endpoint-scheme", Severity.ERROR, "api_base is not an https:// URL", "azure")
def endpoint_scheme(use: AzureUse) -> Iterator[Finding]:
    """`api_base` must be a full URL: `https://<resource>.openai.azure.com`. A bare host name
    (`contoso.openai.azure.com`, copied without its scheme) becomes the openai SDK's base URL
    `contoso.openai.azure.com/openai` (openai/lib/azure.py `f"{azure_endpoint}/openai"`), which httpx
    cannot send: every request fails with `Request URL is missing an 'http://' or 'https://' protocol`.
    A reference LiteLLM does not resolve (`{{ X }}`, `env/X`, `${X}`) is `litellm-env-syntax`.
    """
    v = use.endpoint.value
    if not isinstance(v, str) or not v.strip() or misspelled_ref(v.strip()) is not None or shell_refs(v):
        return
    text = v.strip()
    if _SCHEME.match(text):
        return
    yield use.finding(
        "azure-endpoint-scheme",
        Severity.ERROR,
        use.endpoint,
        f"{use.endpoint_key} {text!r} has no http(s):// scheme: every request fails",
        f"use {use.endpoint_key}: https://{text.split('/', 1)[0]}",
    )


@rule("azure-endpoint-http", Severity.ERROR, "api_base uses http:// for an Azure host", "azure")
def endpoint_http(use: AzureUse) -> Iterator[Finding]:
    """Azure OpenAI only serves HTTPS (the REST specs in Azure/azure-rest-api-specs,
    `specification/cognitiveservices/data-plane/AzureOpenAI/inference/*/inference.json`, declare
    `https://{endpoint}/openai` only): `http://` to a real Azure host fails, and the request carries
    the `api-key` header in clear text first, so the key is exposed (error). Local test endpoints
    (`127.0.0.1`, `localhost`) are not reported.
    """
    u = _url(use)
    host = _hostname(u) if u is not None else None
    if u is None or host is None or u.scheme.lower() != "http":
        return
    if _azure_resource(host) is None:
        return
    yield use.finding(
        "azure-endpoint-http",
        Severity.ERROR,
        use.endpoint,
        f"{use.endpoint_key} {_root(u)!r} uses http:// for an Azure host",
        "use https://",
    )


@rule(
    "azure-endpoint-openai-suffix",
    Severity.ERROR,
    "api_base ends with /openai (or /openai/v1 with a dated api_version)",
    "azure",
)
def endpoint_openai_suffix(use: AzureUse) -> Iterator[Finding]:
    """`api_base` is the resource root. LiteLLM (through the openai SDK's AzureOpenAI client) appends
    `/openai/deployments/<name>/...` itself, so `https://x.openai.azure.com/openai` becomes
    `/openai/openai/deployments/...` and 404s. Verified with litellm 1.110.2 against a local server.

    `/openai/v1` (the base URL of Azure's v1 API samples) works only with `api_version: v1` (or
    `latest`, `preview`), for which LiteLLM keeps an api_base already ending in `/openai/v1`
    (litellm/llms/azure/common_utils.py `ensure_api_route(api_base, "openai/v1")`). With a dated
    api_version the openai SDK's `AzureOpenAI` builds `f"{azure_endpoint}/openai"`
    (openai/lib/azure.py), so requests go to `/openai/v1/openai/deployments/...` and 404.
    """
    u = _url(use)
    if u is None or u.query:
        return
    path = u.path.rstrip("/").lower()
    if path == "/openai/v1":
        version = use.api_version.value
        if not isinstance(version, str) or load_catalog().is_v1(version.strip()):
            return
        yield use.finding(
            "azure-endpoint-openai-suffix",
            Severity.ERROR,
            use.endpoint,
            f"{use.endpoint_key} ends with /openai/v1 but api_version {version!r} is a dated version: requests go to "
            "/openai/v1/openai/deployments/... and fail with 404",
            f"use {use.endpoint_key}: {_root(u)} (or api_version: v1 for the v1 API)",
        )
        return
    if path != "/openai":
        return
    yield use.finding(
        "azure-endpoint-openai-suffix",
        Severity.ERROR,
        use.endpoint,
        f"{use.endpoint_key} ends with /openai: requests go to /openai/openai/deployments/... and fail with 404",
        f"use {use.endpoint_key}: {_root(u)}",
    )


@rule("azure-endpoint-request-path", Severity.ERROR, "api_base holds a request path", "azure")
def endpoint_request_path(use: AzureUse) -> Iterator[Finding]:
    """`api_base` holds a full request URL (`/openai/deployments/<name>/chat/completions`, copied from
    the portal's sample). LiteLLM appends its own route: litellm 1.110.2 sent the request to
    `.../chat/completions/?api-version=...`, not to the deployment in `model` (observed against the
    fake Azure: 404). Keep only the resource root.
    """
    u = _url(use)
    if u is None:
        return
    path = u.path.rstrip("/").lower()
    if not path or path == "/openai" or (path.startswith("/openai/v1") and path == "/openai/v1"):
        return
    if "/deployments/" in path or path.endswith(("/chat/completions", "/completions", "/embeddings", "/responses")):
        yield use.finding(
            "azure-endpoint-request-path",
            Severity.ERROR,
            use.endpoint,
            f"{use.endpoint_key} contains a request path ({u.path}); LiteLLM adds the route itself",
            f"use {use.endpoint_key}: {_root(u)}"
            + ("" if use.in_project else " and put the deployment name in model: azure/<deployment>"),
        )


@rule("azure-endpoint-query", Severity.ERROR, "api_base carries a query string", "azure")
def endpoint_query(use: AzureUse) -> Iterator[Finding]:
    """`?api-version=...` (or any query) in `api_base`: litellm 1.110.2 then sent chat requests to
    `/?api-version=...`, dropping the deployment path (404; observed against the fake Azure in
    tests/support/fake_azure.py). Set the version with `api_version`.
    """
    u = _url(use)
    if u is None or not u.query:
        return
    yield use.finding(
        "azure-endpoint-query",
        Severity.ERROR,
        use.endpoint,
        f"{use.endpoint_key} has a query string ({u.query!r}); requests lose their path",
        f"use {use.endpoint_key}: {_root(u)} and set api_version separately",
    )
