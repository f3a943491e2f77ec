"""LiteLLM config: deployments LiteLLM cannot route, sections it cannot read, TLS it does not check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.knowledge.litellm_known import known, type_name
from configgen.knowledge.litellm_models import provider_inferable
from configgen.load.yaml import YamlDocument
from configgen.rules.litellm.common import (
    azure_settings_reason,
    env_ref_name,
    litellm_params,
    misspelled_ref,
    screen,
    screened_entries,
    section,
)
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget


def _custom_providers(doc: YamlDocument) -> set[str]:
    """Providers `litellm_settings.custom_provider_map` registers (litellm/proxy/proxy_server.py)."""
    entries = (section(doc, "litellm_settings") or {}).get("custom_provider_map")
    return {str(e["provider"]) for e in entries if isinstance(e, dict) and "provider" in e} if isinstance(
        entries, list
    ) else set()


@screen
def _no_known_provider(lp: dict[str, Any]) -> bool:
    """A literal model that names no provider LiteLLM knows (one a custom_provider_map registers can
    only make more names resolvable: the rule checks those)."""
    model = lp.get("model")
    if not isinstance(model, str) or not model.strip() or lp.get("custom_llm_provider"):
        return False
    if env_ref_name(model) is not None or misspelled_ref(model) is not None or "${" in model:
        return False  # resolved at start, or litellm-env-syntax's finding
    if "/" not in model and azure_settings_reason(lp) is not None:
        return False  # meant for Azure: litellm-azure-prefix says what to write
    api_base = lp.get("api_base")
    return not provider_inferable(model, api_base if isinstance(api_base, str) else None)


@rule(
    "litellm-no-provider",
    Severity.ERROR,
    "a model LiteLLM finds no provider for: the deployment is never created",
    "litellm",
)
def no_provider(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM picks the provider from the `model` prefix (`ollama/`, `azure/`, `openai/`, ...), from
    a model name its model map knows (`gpt-4o`, `claude-...`, `gemini-2.5-flash`), or from an
    `api_base` on one of its known OpenAI-compatible endpoints
    (`litellm/litellm_core_utils/get_llm_provider_logic.py` `get_llm_provider`). For anything else,
    such as an Ollama tag without its prefix (`mistral-openorca:latest`, `llama3`) or an invented
    prefix (`local/llama3`), it raises "LLM Provider NOT provided": the proxy never creates the
    deployment and every request for it gets 400 (FACTS.md, second round; seen in the real proxy).
    Not reported: `custom_llm_provider` set, a provider `litellm_settings.custom_provider_map`
    registers, wildcards, `os.environ/` values (resolved at start), and a bare name beside Azure
    settings (`litellm-azure-prefix` reports that one problem). Checked against
    configgen/knowledge/data/litellm_models.json (scripts/snapshot_litellm_models.py: provider list, the model
    names get_llm_provider resolves, its endpoint list and fallback routing rules).
    """
    doc = target.doc
    custom: set[str] | None = None
    for path, entry in screened_entries(doc, _no_known_provider):
        lp = litellm_params(entry)
        model, api_base = lp["model"], lp.get("api_base")
        custom = _custom_providers(doc) if custom is None else custom
        if custom and provider_inferable(model, api_base if isinstance(api_base, str) else None, custom):
            continue  # a provider the file registers
        yield doc.finding(
            "litellm-no-provider",
            Severity.ERROR,
            (*path, "litellm_params", "model"),
            f"LiteLLM finds no provider for `model: {model}`: the deployment is never created and requests "
            "for it get 400",
            f"prefix the provider, e.g. `ollama/{model}` for an Ollama server or `openai/{model}` for an "
            "OpenAI-compatible one",
        )


def _https(api_base: Any) -> bool:
    if not isinstance(api_base, str) or env_ref_name(api_base) is not None:
        return isinstance(api_base, str)  # os.environ/: assume https, the usual endpoint
    try:
        return urlsplit(api_base.strip()).scheme == "https"
    except ValueError:
        return False


def _off(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"))


@rule(
    "litellm-ssl-verify-off",
    Severity.WARNING,
    "ssl_verify: false on an https endpoint: the key goes to whoever answers",
    "litellm",
)
def ssl_verify_off(target: LiteLLMTarget) -> Iterator[Finding]:
    """`ssl_verify: false` makes LiteLLM's HTTP client skip certificate checks (the value is passed
    to httpx as `verify=`; `litellm/llms/custom_httpx/http_handler.py`). On an `https` api_base that
    means the `api-key` header goes to anyone who can intercept the connection (a proxy, a DNS
    change): the request still works, so nothing shows until the key leaks. Point `SSL_CERT_FILE` or
    `ssl_verify: /path/to/ca.pem` at the private CA instead. Reported per deployment with an https (or
    environment-supplied) api_base, and for `litellm_settings.ssl_verify: false`, which applies to every
    deployment. On `http://` it changes nothing and is not reported.
    """
    doc = target.doc
    ls = section(doc, "litellm_settings") or {}
    if _off(ls.get("ssl_verify")):
        yield _ssl(doc, ("litellm_settings", "ssl_verify"), "litellm_settings.ssl_verify is false: no deployment's "
                   "certificate is checked")
    for path, _entry in screened_entries(doc, _unverified_https):
        yield _ssl(doc, (*path, "litellm_params", "ssl_verify"), "ssl_verify is false on an https endpoint: "
                   "the certificate is not checked, the key goes to whoever answers")


@screen
def _unverified_https(lp: dict[str, Any]) -> bool:
    return _off(lp.get("ssl_verify")) and _https(lp.get("api_base", "https://"))


def _ssl(doc: YamlDocument, path: tuple[str | int, ...], message: str) -> Finding:
    return doc.finding(
        "litellm-ssl-verify-off",
        Severity.WARNING,
        path,
        message,
        "remove it; for a private CA set SSL_CERT_FILE or `ssl_verify: /path/to/ca.pem`",
    )


#: How load_config reads each top-level section (litellm/proxy/proxy_server.py ProxyConfig.load_config):
#: what happens when it is not the shape it expects.
_MAPPINGS = {
    "litellm_settings": "load_config calls litellm_settings.items(): the proxy crashes at start",
    "general_settings": "load_config validates it as a mapping: the proxy crashes at start",
    "environment_variables": "load_config calls environment_variables.items(): the proxy crashes at start",
    "router_settings": "load_config reads it only if it is a mapping: every router setting is ignored",
}
_SECTIONS = ("model_list", *_MAPPINGS)


@rule(
    "litellm-section-shape",
    Severity.ERROR,
    "a top-level section LiteLLM cannot read: the proxy crashes at start or ignores it",
    "litellm",
)
def section_shape(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM reads its top-level sections with fixed shapes (`litellm/proxy/proxy_server.py`
    `ProxyConfig.load_config`): `model_list` is iterated as a list of mappings (`for model in
    model_list: model["litellm_params"]`, so a mapping crashes the start); `litellm_settings` and
    `environment_variables` are walked with `.items()` and `general_settings` validated as a mapping (a
    list crashes the start); `router_settings` is used only `if isinstance(router_settings, dict)` (any
    other shape silently drops every router setting). A section indented inside another one
    (`router_settings:` under `general_settings:`) is read by nobody: its settings never apply.
    An empty section (`general_settings:` with nothing under it) is fine.
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict):
        return
    ml = data.get("model_list")
    if ml is not None and not isinstance(ml, list):
        yield doc.finding(
            "litellm-section-shape",
            Severity.ERROR,
            ("model_list",),
            f"model_list is {type_name(ml)}, not a list: load_config iterates it as a list of entries and the "
            "proxy crashes at start",
            "write each entry as a list item: `- model_name: ...`",
            key=True,
        )
    for name, consequence in _MAPPINGS.items():
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            yield doc.finding(
                "litellm-section-shape",
                Severity.ERROR,
                (name,),
                f"{name} is {type_name(value)}, not a mapping: {consequence}",
                f"write `{name}:` followed by indented `key: value` lines, without `- `",
                key=True,
            )
    for outer in known().top_level:
        value = data.get(outer)
        if not isinstance(value, dict):
            continue
        for inner in value:
            if inner in _SECTIONS and inner != outer:
                yield doc.finding(
                    "litellm-section-shape",
                    Severity.ERROR,
                    (outer, inner),
                    f"`{inner}` is nested inside `{outer}`: LiteLLM reads it only at the top level, so none of "
                    "its settings apply",
                    f"move `{inner}:` to the start of a line (no indentation)",
                    key=True,
                )
