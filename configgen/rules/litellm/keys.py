"""LiteLLM config keys: unknown keys at every level, and values that make LiteLLM drop a deployment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.knowledge.litellm_known import accepts_any, known, type_name
from configgen.load.yaml import YamlDocument
from configgen.rules.litellm.common import env_ref_name, is_azure_entry, model_entries, screen, screened_entries
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget
from configgen.secrets import redact
from configgen.suggest import did_you_mean

#: Keys other rules report with a more precise message.
_HANDLED_ELSEWHERE = {
    ("litellm_settings", "master_key"),  # litellm-master-key-misplaced
    ("", "master_key"),  # litellm-master-key-misplaced
}


#: Top-level sections litellm-section-shape reports when they are nested inside another section.
_NESTED_SECTIONS = frozenset({"model_list", "litellm_settings", "general_settings", "router_settings",
                              "environment_variables"})


def _sections() -> dict[str, frozenset[str]]:
    k = known()
    return {
        "general_settings": k.general_settings,
        "litellm_settings": k.litellm_settings,
        "router_settings": k.router_settings | k.router_settings_fatal,
    }


def _elsewhere(key: str, here: str) -> str:
    """Where ``key`` would be known, if it is misplaced (e.g. ``master_key`` at the top level)."""
    k = known()
    if here and key in k.top_level:
        return "the top level"
    homes = {"general_settings": k.general_settings, "router_settings": k.router_settings,
             "litellm_settings": k.litellm_settings}
    for name, keys in homes.items():
        if name != here and key in keys:
            return f"`{name}:`"
    return ""


def _hint(key: str, candidates: frozenset[str], here: str) -> str:
    home = _elsewhere(key, here)
    if home:
        return f"`{key}` belongs under {home}"
    best = did_you_mean(key, candidates)
    if best:
        return f"did you mean `{best}`?"
    if home:
        return f"`{key}` belongs under {home}"
    return ""


@rule(
    "litellm-unknown-key",
    Severity.WARNING,
    "a key LiteLLM does not know, so it silently ignores it",
    "litellm",
)
def unknown_key(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM ignores keys it does not know at the top level, in `general_settings`,
    `litellm_settings`, `router_settings` and in a `model_list` entry, without a word: a typo
    (`routing_stratgy`) or a setting in the wrong section (`num_retries` under `general_settings`,
    `success_callback` under `general_settings`) simply has no effect (warning: the config works, the
    setting does not).

    Known keys come from the installed LiteLLM 1.110.2 (configgen/knowledge/data/litellm_known.json, written by
    scripts/snapshot_litellm_known.py): the sections `litellm/proxy/proxy_server.py` `ProxyConfig`
    reads; `ConfigGeneralSettings` in `litellm/proxy/_types.py` plus every general_settings key litellm's
    source reads (`general_settings.get("x")`, `proxy_settings.get("x")`, `_general_setting_enabled("x")`:
    `disable_error_logs` is one); the module settings `load_config` sets with `setattr(litellm, key,
    value)` that litellm defines or reads (`getattr(litellm, "timezone", None)`, `litellm.x`);
    `Router.__init__` arguments (`litellm/router_api.py` `router_init_args`); `Deployment` fields in
    `litellm/types/router.py`. `model_info` is free-form metadata LiteLLM keeps and serves from
    `/model/info`: a custom key there is reported only when it looks like a typo of a known one.
    Unknown `litellm_params` keys are `litellm-unknown-param`.
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict):
        return
    k = known()
    for key in data:
        if key not in k.top_level and ("", key) not in _HANDLED_ELSEWHERE:
            yield _unknown(
                doc, (key,), f"unknown top-level key `{key}`: LiteLLM ignores it", _hint(key, k.top_level, "")
            )
    for name, keys in _sections().items():
        sec = data.get(name)
        if not isinstance(sec, dict):
            continue
        for key in sec:
            if key in _NESTED_SECTIONS:
                continue  # a section indented inside another one: litellm-section-shape
            if key not in keys and (name, key) not in _HANDLED_ELSEWHERE:
                yield _unknown(
                    doc,
                    (name, key),
                    f"`{key}` is not a {name} key LiteLLM knows: it is ignored",
                    _hint(key, keys, name),
                )
    for path, entry in model_entries(doc):
        for key in entry:
            if key not in k.deployment:
                yield _unknown(
                    doc,
                    (*path, key),
                    f"`{key}` is not a model_list entry field: it is ignored",
                    _entry_hint(key),
                )
        info = entry.get("model_info")
        if isinstance(info, dict):
            for key in info:
                best = did_you_mean(key, k.model_info) if key not in k.model_info else None
                if best:
                    yield _unknown(
                        doc, (*path, "model_info", key), f"model_info key `{key}` is unknown", f"did you mean `{best}`?"
                    )


def _entry_hint(key: str) -> str:
    """Where a key written directly on a model_list entry belongs."""
    k = known()
    for name, keys in (("litellm_params", k.litellm_params), ("model_info", k.model_info)):
        if key in keys:
            return f"`{key}` belongs under `{name}:`"
    best = did_you_mean(key, k.deployment)
    return f"did you mean `{best}`?" if best else "fields: model_name, litellm_params, model_info"


def _unknown(doc: YamlDocument, path: DataPath, message: str, hint: str) -> Finding:
    return doc.finding("litellm-unknown-key", Severity.WARNING, path, message, hint, key=True)


@screen
def _azure_unknown_param(lp: dict[str, Any]) -> bool:
    """An Azure deployment with a litellm_params key LiteLLM does not know."""
    # A set comparison (the keys are all known on almost every entry), then the Azure test
    return not lp.keys() <= known().litellm_params and is_azure_entry(lp)


@rule(
    "litellm-unknown-param",
    Severity.ERROR,
    "an unknown litellm_params key is sent to Azure in the request body",
    "litellm",
)
def unknown_param(target: LiteLLMTarget) -> Iterator[Finding]:
    """A `litellm_params` key LiteLLM does not know is not ignored: it is forwarded to the provider
    as a request parameter, so a typo such as `api_verison` reaches Azure in the JSON body (and Azure
    answers 400 `Unrecognized request argument`), while the real setting keeps its default.

    Known keys: `all_litellm_params` (`litellm/types/utils.py`), `LiteLLM_Params.model_fields`
    (`litellm/types/router.py`) and the OpenAI chat parameters (`OPENAI_CHAT_COMPLETION_PARAMS`),
    snapshotted in configgen/knowledge/data/litellm_known.json, plus `extra_body`, which LiteLLM merges into the
    request body on purpose (`litellm/utils.py` `add_provider_specific_params_to_optional_params`).
    Checked for Azure deployments only: other providers take provider-specific parameters through the
    same door on purpose (watsonx `space_id`, vLLM and Ollama extras), so an unknown key there is not
    a mistake configgen can tell.
    """
    doc = target.doc
    k = known()
    for path, entry in screened_entries(doc, _azure_unknown_param):
        lp = entry["litellm_params"]
        for key in lp:
            if key in k.litellm_params:
                continue
            best = did_you_mean(key, k.litellm_params)
            yield doc.finding(
                "litellm-unknown-param",
                Severity.ERROR,
                (*path, "litellm_params", key),
                f"unknown litellm_params key `{key}`: LiteLLM forwards it to the provider in the request body",
                f"did you mean `{best}`?" if best else "remove it, or check the LiteLLM docs for the parameter's name",
                key=True,
            )


@rule(
    "litellm-deployment-dropped",
    Severity.ERROR,
    "a model_list entry LiteLLM drops at start (missing model, wrong value type)",
    "litellm",
)
def deployment_dropped(target: LiteLLMTarget) -> Iterator[Finding]:
    """The proxy builds its router with `ignore_invalid_deployments=True`
    (`litellm/proxy/proxy_server.py` `load_config`): an entry that fails validation of `Deployment`
    (`litellm/types/router.py`) is logged and dropped, and the proxy starts with fewer models —
    `litellm --validate_config` still says OK. Clients then get 400 `Invalid model name`.

    An entry without `litellm_params`, or whose `litellm_params` has no `model`, is worse: `load_config`
    reads `model["litellm_params"]["model"]` for every entry and the proxy stops at start with a
    KeyError (seen in the real proxy, tests/integration/test_realworld_proxy.py).

    Reported: an entry without `model_name` or `litellm_params.model`, `litellm_params` or
    `model_info` that is not a mapping, and a value pydantic (lax mode) refuses for a typed field:
    `rpm: lots`, `rpm: 1.5`, `max_retries: x`, `api_key: 123`, `base_model: 3`. Checked against the
    field types of `LiteLLM_Params` and `ModelInfo` (`int`, `float`, `bool`, `str` fields; verified by
    building a `litellm.Router` with each bad value). `os.environ/` values are resolved before
    validation and are not checked. An unquoted `api_version` date is `azure-api-version-unquoted`.
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict) or "model_list" not in data:
        return
    ml = data["model_list"]
    if not isinstance(ml, list):
        return  # the proxy crashes at start: litellm-section-shape
    k = known()
    suspect = {id(entry.get("litellm_params")) for _path, entry in screened_entries(doc, _params_dropped)}
    for i, entry in enumerate(ml):
        path: DataPath = ("model_list", i)
        if not isinstance(entry, dict):
            yield _dropped(doc, path, f"model_list entry is {type_name(entry)}, not a mapping")
            continue
        name = entry.get("model_name")
        if not isinstance(name, str):
            what = "has no model_name" if name is None else f"has a model_name that is {type_name(name)}"
            yield _dropped(doc, path if name is None else (*path, "model_name"), f"entry {what}: it is dropped")
        lp = entry.get("litellm_params")
        if not isinstance(lp, dict):
            what = "has no litellm_params" if lp is None else "has litellm_params that is not a mapping"
            # load_config reads model["litellm_params"].items() before the router validates anything.
            consequence = "the proxy stops at start" if lp is None else "it is dropped"
            yield _dropped(doc, path if lp is None else (*path, "litellm_params"), f"entry {what}: {consequence}")
        elif id(lp) in suspect:
            if "model" not in lp:
                # load_config reads model["litellm_params"]["model"] for every entry: KeyError at start.
                yield _dropped(doc, (*path, "litellm_params"), "litellm_params has no `model`: the proxy stops at "
                               "start", key=True)
            elif not isinstance(lp["model"], str):
                yield _dropped(doc, (*path, "litellm_params", "model"), "litellm_params.model is not a string: "
                               "the entry is dropped")
            yield from _typed(doc, (*path, "litellm_params"), lp, k.litellm_params_types, _UNTYPED_PARAMS)
        info = entry.get("model_info")
        if info is not None and not isinstance(info, dict):
            yield _dropped(doc, (*path, "model_info"), "model_info is not a mapping: the entry is dropped")
        elif isinstance(info, dict):
            yield from _typed(doc, (*path, "model_info"), info, k.model_info_types, frozenset())


@screen
def _params_dropped(lp: dict[str, Any]) -> bool:
    """litellm_params without a string `model`, or with a value of a type its field refuses."""
    model = lp.get("model")
    if not isinstance(model, str):
        return True
    types = known().litellm_params_types
    # _mistyped's test, without generators: this runs for every entry's params
    for key, value in lp.items():  # noqa: SIM110
        if _refused(key, value, types.get(key), _UNTYPED_PARAMS):
            return True
    return False


#: litellm_params fields deployment_dropped does not type-check (`model` is checked on its own; an
#: unquoted api_version date is azure-api-version-unquoted)
_UNTYPED_PARAMS = frozenset({"model", "api_version"})


def _mistyped(
    values: dict[str, Any], types: dict[str, tuple[str, ...]], skip: frozenset[str]
) -> Iterator[tuple[str, Any, tuple[str, ...]]]:
    """(key, value, the kinds the field takes) of each value pydantic (lax) refuses for a typed field."""
    for key, value in values.items():
        kinds = types.get(key)
        if kinds is not None and _refused(key, value, kinds, skip):
            yield key, value, kinds


def _refused(key: str, value: Any, kinds: tuple[str, ...] | None, skip: frozenset[str]) -> bool:
    """Whether pydantic (lax) refuses ``value`` for the typed field ``key`` (None: not typed)."""
    if kinds is None or key in skip or value is None:
        return False
    # What is accepted needs no reference test (a string for a `str` field is the common case).
    return not ((type(value) is str and "str" in kinds) or accepts_any(kinds, value) or env_ref_name(value) is not None)


def _typed(
    doc: YamlDocument, path: DataPath, values: dict[str, Any], types: dict[str, tuple[str, ...]], skip: frozenset[str]
) -> Iterator[Finding]:
    for key, value, kinds in _mistyped(values, types, skip):
        want = " or ".join(_KIND_WORDS[x] for x in kinds)
        yield _dropped(
            doc,
            (*path, key),
            f"`{key}` must be {want}, got {type_name(value)} {redact(repr(value))}: LiteLLM drops this deployment",
        )


_KIND_WORDS = {"int": "an integer", "float": "a number", "bool": "true/false", "str": "a string"}


def _dropped(doc: YamlDocument, path: DataPath, message: str, *, key: bool = False) -> Finding:
    return doc.finding(
        "litellm-deployment-dropped",
        Severity.ERROR,
        path,
        message,
        "the proxy logs the error and starts without this model; fix the value (quote strings)",
        key=key,
    )


#: (section, key) of the timeouts LiteLLM converts with float() on every request; None = each model_list entry.
_TIMEOUTS: tuple[tuple[str | None, str], ...] = (
    (None, "timeout"),
    ("router_settings", "timeout"),
    ("litellm_settings", "request_timeout"),
)


def _not_seconds(value: Any) -> bool:
    if not isinstance(value, str) or env_ref_name(value) is not None:
        return False
    try:
        float(value.strip())
    except ValueError:
        return True
    return False


@screen
def _sets_timeout(lp: dict[str, Any]) -> bool:
    return any(key in lp for section_name, key in _TIMEOUTS if section_name is None)


@rule(
    "litellm-timeout-not-number",
    Severity.ERROR,
    "a timeout that is not a number of seconds: every request fails",
    "litellm",
)
def timeout_not_number(target: LiteLLMTarget) -> Iterator[Finding]:
    """Timeouts are seconds, written as a number (`timeout: 30`). A string such as `30s` or `10m`
    passes LiteLLM's checks at start (`LiteLLM_Params.timeout` is `float | str | httpx.Timeout`,
    `litellm/types/router.py`; Router and litellm_settings values are not validated), and then every
    request fails with `APIConnectionError: could not convert string to float: '30s'` when the
    timeout is resolved (`litellm/main.py` `completion`, `CompletionTimeout.resolve`). Verified with
    litellm 1.110.2 for `litellm_params.timeout`, `router_settings.timeout` and
    `litellm_settings.request_timeout`.
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict):
        return
    places: list[tuple[DataPath, Any]] = []
    for section_name, key in _TIMEOUTS:
        if section_name is None:
            for path, entry in screened_entries(doc, _sets_timeout):
                lp = entry["litellm_params"]
                if key in lp:
                    places.append(((*path, "litellm_params", key), lp[key]))
        else:
            sect = data.get(section_name)
            if isinstance(sect, dict) and key in sect:
                places.append(((section_name, key), sect[key]))
    for path, value in places:
        if _not_seconds(value):
            yield doc.finding(
                "litellm-timeout-not-number",
                Severity.ERROR,
                path,
                f"`{path[-1]}: {value}` is not a number of seconds: every request fails with "
                f"`could not convert string to float`",
                "write the number of seconds, e.g. `timeout: 30` (600 for ten minutes)",
            )
