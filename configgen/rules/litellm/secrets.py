"""LiteLLM config: secrets, environment references and the master key."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

from configgen.findings import DataPath, Finding, Severity
from configgen.knowledge.litellm_known import known
from configgen.rules.litellm.common import (
    SECRET_FIELDS,
    env_ref_name,
    misspelled_ref,
    section,
    shell_refs,
)
from configgen.rules.memo import per_target
from configgen.rules.registry import rule
from configgen.rules.strings import path_of, string_items
from configgen.rules.targets import LiteLLMTarget
from configgen.secrets import (
    LITELLM_DEFAULT_KEY,
    find_secret,
    is_placeholder,
    is_reference,
    secret_kind,
    secret_password_is_dummy,
)

#: litellm/proxy/auth/master_key_boot_check.py PUBLICLY_KNOWN_MASTER_KEY_SHA256_DIGESTS (sha256 of "sk-1234").
_PUBLIC_KEY_DIGESTS = frozenset({"88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"})
_PERMIT_WEAK = "dangerously_permit_weak_or_unset_master_key"
#: Distinct string values remembered per verdict (a 1,000-deployment config has a few thousand).
_VALUE_CACHE = 16384


def _is_public_key(value: str) -> bool:
    if env_ref_name(value) is not None:
        return False  # a reference is no key (and os.environ/... is no preimage of the digests)
    import hashlib  # only for a value that looks like a key (hashlib loads OpenSSL: ms of every start)

    return hashlib.sha256(value.strip().encode()).hexdigest() in _PUBLIC_KEY_DIGESTS


@rule(
    "litellm-env-syntax",
    Severity.ERROR,
    "${VAR} in a LiteLLM config is sent literally; LiteLLM reads os.environ/VAR",
    "litellm",
)
def env_syntax(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM resolves only values that start with `os.environ/`
    (`litellm/proxy/proxy_server.py` `_check_for_os_environ_vars`, `get_secret` in
    `litellm/secret_managers/main.py`); it never expands shell syntax. `api_key: ${AZURE_API_KEY}`
    is sent as is: Azure receives the header `api-key: ${AZURE_API_KEY}` and answers 401.

    Under `environment_variables:` it is worse: `AZURE_API_KEY: ${AZURE_API_KEY}` sets the variable
    to the literal text `${AZURE_API_KEY}` when the proxy starts, replacing the real key the process
    environment had (`_load_environment_variables`). Write `os.environ/AZURE_API_KEY` instead, or
    drop the entry: the proxy already sees its own environment. (FACTS.md, "Secrets".)

    Other spellings of a reference are sent literally too: `os.environ['X']`, `os.getenv("X")`,
    `env/X`, `{{ X }}` (a template never rendered), `%X%`, and `os.environ/ X` with a space (`get_secret`
    strips only the `os.environ/` prefix and calls `os.getenv(" X")`, which is None).
    """
    doc = target.doc
    for path, value, names, wrong in _strings(doc.data).spellings:
        if _ignored(path):
            continue  # one problem, one finding: LiteLLM never reads it (litellm-unknown-key)
        if not names:
            yield doc.finding(
                "litellm-env-syntax",
                Severity.ERROR,
                path,
                f"`{value}` is not a reference LiteLLM resolves: it is used literally",
                f"write `os.environ/{wrong}`",
            )
            continue
        name = names[0]
        if path[:1] == ("environment_variables",) and len(path) == 2:
            message = (
                f"environment_variables.{path[1]} is set to the literal text `{value}`: LiteLLM does not expand "
                "${...}, so this replaces the real value from the process environment"
            )
            hint = f"delete this entry (the proxy already sees its environment) or write `os.environ/{name}`"
        else:
            message = f"`{value}` is sent literally: LiteLLM does not expand ${{...}} references"
            hint = f"write `os.environ/{name}`"
        yield doc.finding("litellm-env-syntax", Severity.ERROR, path, message, hint)


class _Strings(NamedTuple):
    """The strings each rule of this module looks at, sorted out in one pass over a document's strings."""

    #: (path, value, ${...} names, misspelled reference name): litellm-env-syntax's
    spellings: tuple[tuple[DataPath, str, tuple[str, ...], str | None], ...]
    #: (path, value, kind of secret or None) of values that are no reference and either look like a
    #: secret or sit in a credential field: litellm-inline-secret's
    inline: tuple[tuple[DataPath, str, str | None], ...]
    #: (path, value, NAME) of `os.environ/NAME` values: litellm-env-same-file's
    references: tuple[tuple[DataPath, str, str], ...]


@per_target
def _strings(data: Any) -> _Strings:
    """One pass for the three rules (a rendered config of 1,000 deployments holds 7,500 strings; each
    rule going through all of them, with its own verdict per string, was three passes)."""
    spellings, inline, references = [], [], []
    for parent, key, value in string_items(data):
        verdicts = _verdicts(value)
        if verdicts is _NOTHING and key not in SECRET_FIELDS:
            continue  # most strings: a name, a host, a model id
        names, wrong, reference, kind, name = verdicts
        path = path_of(parent, key)
        if names or wrong is not None:
            spellings.append((path, value, names, wrong))
        if not reference and (kind is not None or key in SECRET_FIELDS):
            inline.append((path, value, kind))
        if name is not None:
            references.append((path, value, name))
    return _Strings(tuple(spellings), tuple(inline), tuple(references))


_Verdicts = tuple[tuple[str, ...], str | None, bool, str | None, str | None]
#: the verdicts of a string none of the three rules looks at (unless it sits in a credential field)
_NOTHING: _Verdicts = ((), None, False, None, None)


@functools.lru_cache(maxsize=_VALUE_CACHE)
def _verdicts(value: str) -> _Verdicts:
    """Per value (configs repeat the same strings, model names, hosts, references, thousands of
    times): the names of its ${...} references and of a misspelled reference, whether it is blank or
    a reference, the kind of secret it looks like, and the NAME of `os.environ/NAME`."""
    names = tuple(shell_refs(value))
    misspelled, name = misspelled_ref(value), env_ref_name(value)
    # Blank or a reference: `oidc/<provider>/<audience>` asks get_secret for a federated token
    # (litellm/secret_managers/main.py); a misspelled reference is litellm-env-syntax's.
    reference = not value.strip() or name is not None or is_reference(value) or value.startswith("oidc/") or (
        misspelled is not None
    )
    kind = None if reference else _inline_kind(value)
    verdicts = (names, None if names else misspelled, reference, kind, name)
    return _NOTHING if verdicts == _NOTHING else verdicts


@rule(
    "litellm-inline-secret",
    Severity.ERROR,
    "a key, token or password written into the LiteLLM config",
    "litellm",
)
def inline_secret(target: LiteLLMTarget) -> Iterator[Finding]:
    """Secrets belong in the proxy's environment (or a secret manager), referenced as
    `os.environ/NAME`; a key written into the config ends up in git, in backups and in
    `/config/yaml` dumps. Reported: any value shaped like a secret (Azure 32-hex and 84-character
    keys, `sk-...` keys, JWTs, PEM private keys, URLs and connection strings with a password, AWS,
    GitHub, Slack and Google tokens; see configgen/secrets.py), and any literal value of a credential
    field (`api_key`, `azure_ad_token`, `client_secret`, `master_key`, `redis_password`, `password`,
    ...) except the stand-ins used for local servers that check no key (`api_key: none`, `fake-key`,
    `EMPTY`, `sk-no-key-required`; LiteLLM's own docs configure vLLM with `api_key: none`), template
    text (`sk-change-me`, `your-key-here`, `<...>`, `xxx`), a database URL whose password is a dummy
    (`postgres://proxy:secret@db`, password = user name), and
    `oidc/<provider>/<audience>`, which `get_secret` turns into a federated token
    (`litellm/secret_managers/main.py`). LiteLLM resolves `os.environ/` values in `litellm_params`,
    `general_settings`, `environment_variables` and cache settings (`litellm/proxy/proxy_server.py`).
    The public example key `sk-1234` as master key is `litellm-default-master-key`.
    """
    doc = target.doc
    for path, value, kind in _strings(doc.data).inline:
        field = path[-1] if path and isinstance(path[-1], str) else ""
        if field == "master_key" and _is_public_key(value):
            continue
        if kind is None and field in SECRET_FIELDS and not is_placeholder(value):
            kind = f"a literal `{field}`"
        if kind is None:
            continue
        where = ".".join(str(p) for p in path)
        yield doc.finding(
            "litellm-inline-secret",
            Severity.ERROR,
            path,
            f"{kind} is written inline at {where}",
            "put it in the proxy's environment and write `os.environ/NAME` here",
        )


def _ignored(path: DataPath) -> bool:
    """Whether LiteLLM never reads the value at `path`: under an unknown top-level key, or an unknown
    key of general_settings / litellm_settings / router_settings."""
    k = known()
    if not path or not isinstance(path[0], str) or path[0] not in k.top_level:
        return bool(path)
    sections = {"general_settings": k.general_settings, "litellm_settings": k.litellm_settings,
                "router_settings": k.router_settings | k.router_settings_fatal}
    keys = sections.get(path[0])
    return keys is not None and len(path) > 1 and isinstance(path[1], str) and path[1] not in keys


def _inline_kind(value: str) -> str | None:
    """The kind of secret in ``value``; template text and dummy database passwords are none."""
    if value.strip() == LITELLM_DEFAULT_KEY:
        return secret_kind(value)
    found = find_secret(value)
    if found is None or (found[0] == "URL with a password" and secret_password_is_dummy(value)):
        return None
    return found[0]


@rule(
    "litellm-env-same-file",
    Severity.WARNING,
    "os.environ/X where X is only set by the same file's environment_variables",
    "litellm",
)
def env_same_file(target: LiteLLMTarget) -> Iterator[Finding]:
    """`os.environ/X` references are resolved when the config is read (`get_config` ->
    `_check_for_os_environ_vars` in `litellm/proxy/proxy_server.py`), before `load_config` applies the
    file's own `environment_variables:` section. A variable defined only there is therefore still
    unset when `os.environ/X` is looked up: the value silently becomes None and requests fail at
    request time (FACTS.md, "Secrets"). Set X in the proxy's real environment instead.
    """
    doc = target.doc
    env = section(doc, "environment_variables")
    if not env:
        return
    defined = {str(k) for k in env}
    for path, value, name in _strings(doc.data).references:
        if name not in defined or path[:1] == ("environment_variables",):
            continue
        yield doc.finding(
            "litellm-env-same-file",
            Severity.WARNING,
            path,
            f"`{value}` is resolved before this file's environment_variables.{name} is applied: "
            "it is None unless the proxy's environment sets it",
            f"set {name} in the proxy's environment (service unit, container env, secret store)",
        )


@rule(
    "litellm-default-master-key",
    Severity.ERROR,
    "the master key is LiteLLM's public example sk-1234 (or empty): the proxy refuses to start",
    "litellm",
)
def default_master_key(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM 1.110.2 refuses to start (exit 3) when the master key is empty or is the documented
    example `sk-1234`, which everyone knows (`litellm/proxy/auth/master_key_boot_check.py`,
    `PUBLICLY_KNOWN_MASTER_KEY_SHA256_DIGESTS`), unless
    `general_settings.dangerously_permit_weak_or_unset_master_key: true`, which leaves the proxy open.
    Checked in `general_settings.master_key` and `environment_variables.LITELLM_MASTER_KEY`.
    Generate a key: `echo "sk-$(openssl rand -hex 32)"`.
    """
    doc = target.doc
    general = section(doc, "general_settings") or {}
    env = section(doc, "environment_variables") or {}
    places = [(("general_settings", "master_key"), general.get("master_key"))]
    places.append((("environment_variables", "LITELLM_MASTER_KEY"), env.get("LITELLM_MASTER_KEY")))
    for path, value in places:
        if not isinstance(value, str):
            continue
        if _is_public_key(value):
            problem = "is LiteLLM's public example key sk-1234"
        elif not value.strip():
            problem = "is empty"
        else:
            continue
        permitted = general.get(_PERMIT_WEAK) is True
        consequence = "the proxy runs without a usable key" if permitted else "the proxy refuses to start"
        yield doc.finding(
            "litellm-default-master-key",
            Severity.ERROR,
            path,
            f"{'.'.join(path)} {problem}: {consequence}",
            'generate one: echo "sk-$(openssl rand -hex 32)", keep it in the environment as LITELLM_MASTER_KEY',
        )


@rule(
    "litellm-master-key-missing",
    Severity.INFO,
    "no general_settings.master_key: the proxy starts only if LITELLM_MASTER_KEY is set",
    "litellm",
)
def master_key_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """The proxy takes its master key from `general_settings.master_key`, else from the environment
    variable `LITELLM_MASTER_KEY` (`litellm/proxy/proxy_server.py` `load_config`), and refuses to
    start without one (`litellm/proxy/auth/master_key_boot_check.py`). Setting `LITELLM_MASTER_KEY` in
    the container or service environment is the documented way, and the proxy stops loudly at start
    when it is missing, so this is advice (info): say `master_key: os.environ/LITELLM_MASTER_KEY` so
    the config names what it depends on. Not reported when a master key is written elsewhere
    (`litellm-master-key-misplaced` reports that one problem).
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict):
        return
    general = section(doc, "general_settings") or {}
    env = section(doc, "environment_variables") or {}
    if "master_key" in general or "LITELLM_MASTER_KEY" in env:
        return
    if "master_key" in data or "master_key" in (section(doc, "litellm_settings") or {}):
        return  # one problem, one finding: litellm-master-key-misplaced
    path = ("general_settings",) if "general_settings" in data else ()
    yield doc.finding(
        "litellm-master-key-missing",
        Severity.INFO,
        path,
        "no master key: the proxy refuses to start unless LITELLM_MASTER_KEY is set in its environment",
        "add `general_settings: {master_key: os.environ/LITELLM_MASTER_KEY}`",
        key=True,
    )


@rule(
    "litellm-master-key-misplaced",
    Severity.ERROR,
    "master_key outside general_settings is ignored",
    "litellm",
)
def master_key_misplaced(target: LiteLLMTarget) -> Iterator[Finding]:
    """Only `general_settings.master_key` (or the environment variable `LITELLM_MASTER_KEY`) sets
    the proxy's master key (`litellm/proxy/proxy_server.py` `load_config`). Under `litellm_settings`
    it becomes an unused attribute of the litellm module (`setattr(litellm, key, value)`); at the top
    level it is ignored. The proxy then has no master key (and refuses to start) or uses another one.
    """
    doc = target.doc
    data = doc.data
    if not isinstance(data, dict):
        return
    places: list[DataPath] = []
    if "master_key" in data:
        places.append(("master_key",))
    if "master_key" in (section(doc, "litellm_settings") or {}):
        places.append(("litellm_settings", "master_key"))
    for path in places:
        yield doc.finding(
            "litellm-master-key-misplaced",
            Severity.ERROR,
            path,
            f"{'.'.join(map(str, path))} is ignored: the master key must be general_settings.master_key",
            "move it under `general_settings:` (as `master_key: os.environ/LITELLM_MASTER_KEY`)",
            key=True,
        )
