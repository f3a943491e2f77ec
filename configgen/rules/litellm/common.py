"""Helpers the LiteLLM, dotenv and bundle rules share (no rules here)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from configgen.findings import DataPath
from configgen.knowledge.azure_catalog import azure_resource_from_host
from configgen.load.yaml import YamlDocument
from configgen.rules.memo import across_targets, per_target, per_values

ENV_PREFIX = "os.environ/"

#: Fields whose literal value is a credential whatever it looks like.
SECRET_FIELDS = frozenset(
    {
        "api_key",
        "azure_ad_token",
        "client_secret",
        "master_key",
        "redis_password",
        "password",
        "aws_secret_access_key",
        "aws_session_token",
        "salt_key",
    }
)

#: The router settings that take fallback lists (litellm/router.py Router.__init__).
FALLBACK_SETTINGS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")

_SHELL_REF = r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}|^\$([A-Za-z_][A-Za-z0-9_]*)$"


#: Whole values that are meant as an environment reference but are not `os.environ/NAME`, which is all
#: LiteLLM resolves (litellm/secret_managers/main.py `get_secret`: `secret_name.replace("os.environ/", "")`
#: then `os.getenv`): Python spellings, other tools' syntax, and a space after the slash (`os.getenv(" X")`
#: is None).
_MISSPELLED_REFS = (
    r"""^os\.environ\s*\[\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*\]$""",
    r"""^os\.(?:environ\.get|getenv)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["'].*\)$""",
    r"^os\.environ[.:]([A-Za-z_][A-Za-z0-9_]*)$",
    r"^(?:os\.environ|os\.env|env|environ|ENV)/\s+([A-Za-z_][A-Za-z0-9_]*)\s*$",
    r"^os\.environ/([A-Za-z_][A-Za-z0-9_]*)\s+$",
    r"^(?:env|environ|os\.env|ENV)[/:]([A-Za-z_][A-Za-z0-9_]*)$",
    r"^\{\{\s*(?:env\.|\.Values\.)?([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$",
    r"^%([A-Za-z_][A-Za-z0-9_]*)%$",
)
#: How every spelling in _MISSPELLED_REFS starts: any other value is no misspelled reference, without
#: trying (or compiling) the eight patterns.
_MISSPELLED_PREFIXES = ("os.", "env", "ENV", "{{", "%")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compiled on first use: most configs never need these (and every start would pay for them)."""
    return re.compile(pattern)


def misspelled_ref(value: str) -> str | None:
    """The variable name in a value meant as an environment reference that LiteLLM does not resolve
    (`os.environ['X']`, `os.getenv("X")`, `env/X`, `{{ X }}`, `%X%`, `os.environ/ X`); else None."""
    if not value.startswith(_MISSPELLED_PREFIXES):
        return None
    after = len(ENV_PREFIX)
    if value.startswith(ENV_PREFIX) and not value[after : after + 1].isspace() and not value[-1:].isspace():
        return None  # `os.environ/NAME` as LiteLLM reads it: only a space after `/` or at the end is wrong
    for pattern in _MISSPELLED_REFS:
        match = _compiled(pattern).match(value)
        if match:
            return match.group(1)
    return None


def env_ref_name(value: Any) -> str | None:
    """``os.environ/NAME`` -> ``NAME``; None for anything else."""
    if isinstance(value, str) and value.startswith(ENV_PREFIX):
        return value[len(ENV_PREFIX) :]
    return None


def shell_refs(value: str) -> list[str]:
    """Names in shell-style references (``${NAME}``, ``${NAME:-x}``, a whole ``$NAME``) in ``value``."""
    if "$" not in value:
        return []
    return [a or b for a, b in _compiled(_SHELL_REF).findall(value)]


def credential_values(doc: YamlDocument, lp: dict[str, Any]) -> dict[str, Any] | None:
    """The ``credential_values`` of the ``credential_list`` entry ``litellm_credential_name`` names.

    LiteLLM fills the ``api_base``, ``api_key``, ``api_version`` ... a deployment does not set from the named
    credential (litellm/utils.py ``_named_credential_values``: ``if key not in kwargs``). An empty mapping
    when the entry names a credential this file does not define (it may live in the database)."""
    name = lp.get("litellm_credential_name")
    if not isinstance(name, str):
        return None
    data = doc.data
    creds = data.get("credential_list") if isinstance(data, dict) else None
    for cred in creds if isinstance(creds, list) else []:
        if isinstance(cred, dict) and cred.get("credential_name") == name:
            values = cred.get("credential_values")
            return values if isinstance(values, dict) else {}
    return {}


def section(doc: YamlDocument, name: str) -> dict[str, Any] | None:
    data = doc.data
    if isinstance(data, dict):
        value = data.get(name)
        if isinstance(value, dict):
            return value
    return None


def model_entries(doc: YamlDocument) -> tuple[tuple[DataPath, dict[str, Any]], ...]:
    """Every ``model_list`` entry that is a mapping, with its path: listed once per target for the
    dozen rules that go through them (configgen.rules.memo)."""
    return _model_entries(doc.data)


@per_target
def _model_entries(data: Any) -> tuple[tuple[DataPath, dict[str, Any]], ...]:
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        return ()
    return tuple((("model_list", i), entry) for i, entry in enumerate(data["model_list"]) if isinstance(entry, dict))


def litellm_params(entry: dict[str, Any]) -> dict[str, Any]:
    lp = entry.get("litellm_params")
    return lp if isinstance(lp, dict) else {}


# ---- screening model_list entries by their litellm_params ------------------------------------------
#
# Most per-entry rules decide from `litellm_params` alone whether an entry can concern them at all, and
# on a real config almost none can. Each such rule registers that test with @screen (and checks the rest,
# what it reads elsewhere in the entry or the file, itself); the tests run together, once per litellm_params object
# (configgen.rules.memo), and a rule goes only through the entries whose params pass its test. The
# environments of one render share their identical litellm_params objects (configgen.render.together)
# and the tests' results are kept across the re-check of all of them (memo.shared_scope), so a thousand
# deployments rendered for three environments are screened once, not three times by each rule.

Screen = Callable[[dict[str, Any]], bool]
_SCREENS: list[Screen] = []
_NO_PARAMS: dict[str, Any] = {}  # an entry without a litellm_params mapping (never changed)


def screen(test: Screen) -> Screen:
    """Register ``test``: what a rule asks of an entry's litellm_params alone before it looks further
    (the rule then goes through :func:`screened_entries` instead of testing each entry itself)."""
    _SCREENS.append(test)
    return test


@across_targets
def _passed(lp: dict[str, Any], _tests: int) -> tuple[tuple[Screen, Exception | None], ...]:
    """The tests ``lp`` passes, and those that raised on it (with what they raised). ``_tests``, how
    many are registered, is part of the memo's key: a rule module imported later adds one."""
    found: list[tuple[Screen, Exception | None]] = []
    for test in _SCREENS:
        try:
            if test(lp):
                found.append((test, None))
        except Exception as exc:  # raised again in the rule that asks, which reports it in isolation
            found.append((test, exc))
    return tuple(found)


class _Screened:
    __slots__ = ("entries", "errors")

    def __init__(self) -> None:
        self.entries: dict[Screen, list[tuple[DataPath, dict[str, Any]]]] = {test: [] for test in _SCREENS}
        self.errors: dict[Screen, Exception] = {}


@per_values
def _screened(data: Any, tests: int) -> _Screened:
    screened = _Screened()
    for path, entry in _model_entries(data):
        lp = entry.get("litellm_params")
        for test, error in _passed(lp if isinstance(lp, dict) else _NO_PARAMS, tests):
            if error is None:
                screened.entries[test].append((path, entry))
            else:
                screened.errors.setdefault(test, error)
    return screened


def screened_entries(doc: YamlDocument, test: Screen) -> list[tuple[DataPath, dict[str, Any]]]:
    """The model_list entries (as :func:`model_entries` gives them, in order) whose litellm_params
    pass ``test``, a function registered with :func:`screen`; what ``test`` raised on any entry's
    params is raised here, so the rule asking fails as if it had run the test itself."""
    screened = _screened(doc.data, len(_SCREENS))
    error = screened.errors.get(test)
    if error is not None:
        raise error
    return screened.entries[test]


def served_names(docs: Iterable[YamlDocument]) -> set[str]:
    """Every ``model_name`` (and ``router_settings.model_group_alias`` alias) the configs serve."""
    names: set[str] = set()
    for doc in docs:
        for _path, entry in model_entries(doc):
            name = entry.get("model_name")
            if isinstance(name, str):
                names.add(name)
        router = section(doc, "router_settings") or {}
        aliases = router.get("model_group_alias")
        if isinstance(aliases, dict):
            names.update(str(k) for k in aliases)
    return names


def is_served(name: str, served: set[str]) -> bool:
    """Exact match, or a wildcard ``model_name`` such as ``azure/*``.

    A ``*`` matches anything, as in litellm/litellm_core_utils/pattern_match_deployments.py.
    """
    if name in served:
        return True
    return any("*" in pattern and re.fullmatch(re.escape(pattern).replace(r"\*", "(.*)"), name) for pattern in served)


def azure_host(api_base: Any) -> bool:
    if not isinstance(api_base, str) or env_ref_name(api_base) is not None:
        return False
    return _azure_host(api_base)


@functools.lru_cache(maxsize=1024)  # a config names a few api_bases for its many entries; rules ask per entry
def _azure_host(api_base: str) -> bool:
    try:
        host = urlsplit(api_base.strip()).hostname
    except ValueError:
        return False
    return bool(host) and azure_resource_from_host(host or "") is not None


def v1_api_base(api_base: Any) -> bool:
    """An Azure OpenAI api_base that already ends in the v1 API's route, ``https://R.openai.azure.com/openai/v1``."""
    if not azure_host(api_base):
        return False
    return _v1_path(str(api_base))


@functools.lru_cache(maxsize=1024)
def _v1_path(api_base: str) -> bool:
    path = urlsplit(api_base.strip()).path.rstrip("/")
    return path.endswith("/openai/v1")


def is_openai_v1_entry(lp: dict[str, Any]) -> bool:
    """``model: openai/<deployment>`` with an Azure ``.../openai/v1`` api_base: Microsoft's documented way to
    call the v1 API with an OpenAI client (Learn, api-version-lifecycle.md). LiteLLM's openai provider
    posts to ``{api_base}/chat/completions`` with the deployment as the body's ``model``; no api-version."""
    model = lp.get("model")
    openai = (isinstance(model, str) and model.startswith("openai/")) or lp.get("custom_llm_provider") == "openai"
    return openai and v1_api_base(lp.get("api_base"))


@per_target  # asked by half a dozen rules of every entry
def is_azure_entry(lp: dict[str, Any]) -> bool:
    """Azure by prefix, by ``custom_llm_provider``, or by its api_base host.

    ``azure_ai/`` (Azure AI Foundry models, on ``*.services.ai.azure.com``) is LiteLLM's other provider
    (litellm/llms/azure_ai/): no deployment path and no api-version of Azure OpenAI's, so not Azure here."""
    model = lp.get("model")
    if (isinstance(model, str) and model.startswith("azure_ai/")) or lp.get("custom_llm_provider") == "azure_ai":
        return False
    return (
        (isinstance(model, str) and model.startswith("azure/"))
        or lp.get("custom_llm_provider") == "azure"
        or azure_host(lp.get("api_base"))
    )


def azure_settings_reason(lp: dict[str, Any]) -> str | None:
    """Why an entry is evidently meant for Azure OpenAI although its model lacks `azure/`, or None: an
    Azure api_base host, an api_base read from an `AZURE_*` variable (not a Foundry one), or an
    `api_version` beside an api_base (only Azure takes one among the OpenAI-style providers)."""
    api_base = lp.get("api_base")
    if azure_host(api_base):
        return "api_base is an Azure OpenAI endpoint"
    ref = env_ref_name(api_base)
    if ref is not None and "AZURE" in ref.upper() and "FOUNDRY" not in ref.upper():
        return f"api_base comes from {ref}"
    if lp.get("api_version") is not None and isinstance(api_base, str):
        return "it sets an api_version"
    return None
