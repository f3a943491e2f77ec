"""Turn existing setups into project data: an Azure deployment list, or a hand-written LiteLLM config.

Pure text-to-text transforms (the command does the I/O and the full validation):

- :func:`import_azure` adds one account's deployments (from an inventory, :mod:`configgen.load.inventory`)
  to a project file, round-tripping it through ruamel so comments and layout stay, and proposes one
  alias per deployment. Only deployments that can serve requests are added: provisioning state
  `Succeeded` (ARM ``DeploymentProvisioningState``), format `OpenAI`, and a SKU the project model knows.
  Their `rpm`/`tpm` are Azure's own rate limits when those differ from what the capacity would give.
- :func:`import_litellm` builds a new project from a LiteLLM proxy config (and the app's ``.env``),
  and reports, located in the source files, everything it could not map (``import-unmapped``).

Both return the new text plus the schema findings of :func:`configgen.model.load.validate_document`,
so nothing invalid is ever written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.load.inventory import Inventory, InventoryDeployment
from configgen.load.yaml import YamlDocument, load_yaml_text
from configgen.model.project import RoutingStrategy, Sku

UNMAPPED = "import-unmapped"
SKIPPED = "import-skipped"
_NAME_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_SKUS = typing.get_args(Sku)
_ROUTING = typing.get_args(RoutingStrategy)


class ImportFailed(Exception):
    """The input cannot be imported at all (message says why)."""


@dataclass
class ImportResult:
    text: str
    #: What was not imported, or guessed, located in the source files.
    notes: list[Finding] = field(default_factory=list)
    #: Schema problems of the produced project (nothing is written while there are errors).
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # `resource/deployment` refs added


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def _q(value: str) -> Any:
    """A string YAML must not read as a date or number (versions): double-quoted."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _flow(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _map(pairs: dict[str, Any] | None = None, *, flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap(pairs or {})
    if flow:
        m.fa.set_flow_style()
    return m


def safe_name(text: str, fallback: str = "imported") -> str:
    """A project `Name`: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 64."""
    name = _NAME_BAD.sub("-", text).strip("-._")[:64]
    return name or fallback


def _validate(text: str, path: Path) -> list[Finding]:
    from configgen.model.load import validate_document

    doc, problems = load_yaml_text(text, str(path))
    if doc is None:
        return problems
    return validate_document(path, doc).findings


def choose_api_version(models: list[tuple[str | None, str | None]]) -> str:
    """The latest GA api-version if it serves every model, else the latest dated preview (FACTS.md:
    newer models need newer api-versions, and Azure answers 400 for a version too old for a model)."""
    from configgen.knowledge.azure_catalog import load_catalog

    cat = load_catalog()
    for candidate in (cat.latest_ga(), cat.latest_preview()):
        ok = True
        for model, version in models:
            mv = cat.model_version(model, version) if model and version else None
            if mv is not None and not cat.supports(candidate, mv.min_api):
                ok = False
        if ok:
            return candidate
    return cat.latest_preview()


# ---- Azure deployment list -> project ------------------------------------------------------------


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


def deployment_data(d: InventoryDeployment) -> Any:
    """A project `Deployment` mapping for what Azure reports; rpm/tpm only where they differ from the
    capacity-derived values (the catalogue's figures are estimates, Azure's rate limits are the truth)."""
    from configgen.knowledge.azure_catalog import load_catalog

    assert d.model and d.version and d.capacity
    data = _map({"model": d.model, "version": _q(d.version), "sku": d.sku, "capacity": d.capacity})
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
    """
    y = _yaml()
    if project_text is None:
        root = _map()
        root["version"] = 1
        root["name"] = safe_name(resource or inv.account or "project")
        root["resources"] = _map()
        root.yaml_set_start_comment(
            _modeline_comment()
            + f"Imported by `configgen import --from-azure {inventory_ref}`; review region, auth and aliases."
        )
    else:
        root = y.load(project_text)
        if not isinstance(root, dict):
            raise ImportFailed(f"{project_path} is not a project file (not a mapping)")
    notes: list[Finding] = []
    resources = root.get("resources")
    if resources is None:
        resources = root["resources"] = _map()
    if not isinstance(resources, dict):
        raise ImportFailed(f"{project_path}: `resources` is not a mapping")
    key = _match_resource(resources, inv, resource)
    account = inv.account or resource
    if key is None:
        if not account:
            raise ImportFailed(f"{inv.file} names no account (no ARM ids): give --resource NAME")
        key = safe_name(resource or account)
        models = [(d.model, d.version) for d in inv.deployments if importable(d) is None]
        res = _map()
        res["endpoint"] = endpoint or f"https://{account}.openai.azure.com"
        res["region"] = region or "unknown"
        res["auth"] = _map({"type": "api_key", "key_env": _key_env(key)}, flow=True)
        res["api_version"] = _q(choose_api_version(models))
        res["deployments"] = _map()
        if not region:
            res.yaml_add_eol_comment("the deployment list does not say: set the Azure region", "region")
            notes.append(
                Finding(
                    UNMAPPED,
                    Severity.WARNING,
                    f"region of {account} is unknown; written as `unknown`",
                    "give --region, or set it in the project",
                    inv.file,
                    1,
                    1,
                )
            )
        resources[key] = res
    res = resources[key]
    if not isinstance(res, dict):
        raise ImportFailed(f"{project_path}: resources.{key} is not a mapping")
    if not res.get("inventory"):
        res["inventory"] = inventory_ref
    deployments = res.get("deployments")
    if not isinstance(deployments, dict):
        deployments = res["deployments"] = _map()
    defaults = root.get("defaults")
    if not isinstance(defaults, dict):
        defaults = root["defaults"] = _map()
    aliases = defaults.get("aliases")
    if not isinstance(aliases, dict):
        aliases = defaults["aliases"] = _map()
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
        deployments[d.name] = deployment_data(d)
        added.append(ref)
        if any(isinstance(a, dict) and ref in (a.get("deployments") or []) for a in aliases.values()):
            continue
        alias = _unique_alias(d.name, aliases)
        aliases[alias] = _map({"deployments": _flow([ref])})
    if project_text is None:
        _complete_new_project(root, aliases)
    text = _dump(root)
    return ImportResult(text, notes, _validate(text, project_path), added)


def _key_env(resource_key: str) -> str:
    return "AZURE_OPENAI_API_KEY_" + re.sub(r"[^A-Za-z0-9]+", "_", resource_key).strip("_").upper()


def _complete_new_project(root: Any, aliases: Any) -> None:
    """A new project needs an app, a proxy and an environment to be valid; the smallest sensible ones."""
    defaults = root["defaults"]
    first = next(iter(aliases), None)
    defaults["app"] = _map({"mode": "proxy", "alias": first or "default"})
    defaults["proxy"] = _map({"instances": _flow([_map({"host": "127.0.0.1", "port": 4000}, flow=True)])})
    root["environments"] = _map({"dev": _map()})


# ---- LiteLLM config (+ app .env) -> project ------------------------------------------------------

#: LiteLLM keys the project maps, per section; anything else is reported as not imported.
_LP_MAPPED = {"model", "api_base", "api_version", "api_key", "rpm", "tpm", "tenant_id", "client_id", "client_secret"}
_ROUTER_MAPPED = {
    "routing_strategy",
    "num_retries",
    "timeout",
    "allowed_fails",
    "cooldown_time",
    "redis_host",
    "redis_port",
    "redis_password",
    "fallbacks",
}
_LITELLM_SETTINGS_MAPPED = {"drop_params", "num_retries", "request_timeout", "enable_azure_ad_token_refresh"}
_GENERAL_MAPPED = {"master_key"}


@dataclass
class _Notes:
    doc: YamlDocument
    items: list[Finding] = field(default_factory=list)

    def add(
        self, path: tuple[str | int, ...], message: str, hint: str = "", severity: Severity = Severity.WARNING
    ) -> None:
        self.items.append(self.doc.finding(UNMAPPED, severity, path, message, hint, key=True))


def _env_name(value: Any) -> str | None:
    """`os.environ/X` -> X; `${X}` -> X (LiteLLM would send that literally: a note says so)."""
    if isinstance(value, str):
        if value.startswith("os.environ/"):
            return value.removeprefix("os.environ/")
        m = re.fullmatch(r"\$\{(\w+)\}|\$(\w+)", value.strip())
        if m:
            return m.group(1) or m.group(2)
    return None


def import_litellm(
    doc: YamlDocument,
    project_path: Path,
    *,
    dotenv: Any = None,
    inventories: list[Inventory] | None = None,
    env_name: str = "default",
) -> ImportResult:
    """A project describing the same deployments, aliases, router and app settings as ``doc``.

    ``dotenv`` is the app's parsed ``.env`` (:class:`configgen.rules.base.DotenvDocument`);
    ``inventories`` give the model, version, SKU and capacity that a LiteLLM config does not state.
    """
    from configgen.rules.azure_uses import azure_uses

    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        raise ImportFailed(f"{doc.file} is not a LiteLLM config (no `model_list`)")
    notes = _Notes(doc)
    uses = {u.path: u for u in azure_uses(doc, _today())}
    by_account = {inv.account.lower(): inv for inv in inventories or [] if inv.account}
    resources: dict[str, Any] = {}
    aliases: dict[str, Any] = {}
    versions: dict[str, set[str]] = {}
    for i, entry in enumerate(data["model_list"]):
        path: tuple[str | int, ...] = ("model_list", i)
        use = uses.get(path)
        if not isinstance(entry, dict) or use is None or not isinstance(use.deployment.value, str):
            notes.add(
                path,
                f"model_list[{i}] is not an Azure OpenAI deployment: not imported",
                "configgen projects describe Azure OpenAI deployments",
            )
            continue
        lp = entry.get("litellm_params") or {}
        lpath = (*path, "litellm_params")
        alias = entry.get("model_name")
        if not isinstance(alias, str) or not alias:
            notes.add(path, f"model_list[{i}] has no model_name: not imported")
            continue
        api_base = lp.get("api_base")
        if isinstance(use.resource.value, str):
            key = safe_name(use.resource.value)
            parts = urlsplit(str(api_base).strip())
            endpoint = f"{parts.scheme or 'https'}://{parts.hostname}"
        else:
            key, endpoint = "azure", "https://RESOURCE.openai.azure.com"
            notes.add(
                (*lpath, "api_base"),
                "api_base is not a literal Azure OpenAI URL: the endpoint is a placeholder",
                "set resources.azure.endpoint to the resource root",
            )
        res = resources.setdefault(key, {"endpoint": endpoint, "region": "unknown", "deployments": {}})
        if "auth" not in res:
            res["auth"] = _auth(lp, lpath, key, notes, _identity_kind(data))
        api_version = lp.get("api_version")
        # An unquoted date (a LiteLLM bug, see azure-api-version-unquoted) is imported as the string it meant.
        version_str = api_version.isoformat() if isinstance(api_version, dt.date) else api_version
        if isinstance(version_str, str) and _env_name(version_str) is None:
            versions.setdefault(key, set()).add(version_str)
        name = use.deployment.value
        inv = by_account.get(key.lower())
        inv_dep = inv.get(name) if inv else None
        dep = _deployment_from_use(use, inv_dep, lp, lpath, notes)
        if isinstance(version_str, str):
            dep["_api_version"] = version_str
        res["deployments"].setdefault(name, dep)
        aliases.setdefault(alias, {"deployments": [], "fallbacks": []})["deployments"].append(f"{key}/{name}")
        for k in lp:
            if k not in _LP_MAPPED and k != "custom_llm_provider":
                notes.add(
                    (*lpath, k),
                    f"litellm_params.{k} of `{alias}` is not imported",
                    "configgen does not set per-deployment request defaults",
                    Severity.INFO,
                )
    for key, res in resources.items():
        seen = sorted(versions.get(key, set()))
        chosen = seen[-1] if seen else choose_api_version([])
        res["api_version"] = chosen
        for dep in res["deployments"].values():
            own = dep.pop("_api_version", None)
            if own and own != chosen:
                dep["api_version"] = own
    proxy = _proxy(data, notes, aliases)
    app = _app(dotenv, aliases, proxy, notes)
    env_notes: list[Finding] = app.pop("_notes")
    for top in data:
        if top == "environment_variables" and _identity_kind(data) and set(_section(data, top)) == {"AZURE_CREDENTIAL"}:
            continue  # the identity's AZURE_CREDENTIAL: the auth kind carries it
        if top not in ("model_list", "router_settings", "litellm_settings", "general_settings"):
            notes.add((top,), f"`{top}` is not imported", "configgen renders only what the project describes")
    project = _build_project(project_path, resources, aliases, app, proxy, env_name)
    text = _dump(project)
    return ImportResult(text, notes.items + env_notes, _validate(text, project_path))


def _today() -> dt.date:
    return dt.date.today()


#: ``AZURE_CREDENTIAL`` -> auth kind (configgen.derive.IDENTITY_CREDENTIAL, inverted).
_CREDENTIAL_KIND = {
    "DeploymentIdentityCredential": "managed_identity",
    "ManagedIdentityCredential": "user_assigned_identity",
    "WorkloadIdentityCredential": "workload_identity",
    "DefaultAzureCredential": "managed_identity",
}


def _identity_kind(data: dict[str, Any]) -> str | None:
    """The identity kind of a config with `litellm_settings.enable_azure_ad_token_refresh: true`, from the
    `AZURE_CREDENTIAL` it sets (none: LiteLLM's DefaultAzureCredential, imported as managed_identity)."""
    if _section(data, "litellm_settings").get("enable_azure_ad_token_refresh") is not True:
        return None
    cred = _section(data, "environment_variables").get("AZURE_CREDENTIAL")
    if cred is None:
        return "managed_identity"
    return _CREDENTIAL_KIND.get(cred) if isinstance(cred, str) else None


def _auth(
    lp: dict[str, Any], lpath: tuple[str | int, ...], key: str, notes: _Notes, identity: str | None = None
) -> dict[str, Any]:
    from configgen.secrets import secret_kind

    if "api_key" in lp:
        value = lp["api_key"]
        env = _env_name(value)
        if env is not None:
            if not str(value).startswith("os.environ/"):
                notes.add(
                    (*lpath, "api_key"),
                    f"api_key `{value}` is sent literally by LiteLLM; imported as {env}",
                    "the rendered config uses os.environ/NAME, which LiteLLM resolves",
                )
            return {"type": "api_key", "key_env": env}
        kind = secret_kind(str(value)) if value is not None else None
        notes.add(
            (*lpath, "api_key"),
            f"api_key is written inline{f' ({kind})' if kind else ''}: not imported",
            f"put the key in {_key_env(key)} and keep it out of files",
        )
        return {"type": "api_key", "key_env": _key_env(key)}
    if any(k in lp for k in ("tenant_id", "client_id", "client_secret")):
        out: dict[str, Any] = {"type": "entra"}
        for k in ("tenant_id", "client_id", "client_secret"):
            env = _env_name(lp.get(k))
            if env is not None:
                out[f"{k}_env"] = env
        return out
    if identity is not None:
        return {"type": identity}
    notes.add(lpath, "no api_key or Entra ID credentials: imported as api_key auth", f"set {_key_env(key)}")
    return {"type": "api_key", "key_env": _key_env(key)}


def _deployment_from_use(
    use: Any, inv_dep: InventoryDeployment | None, lp: dict[str, Any], lpath: tuple[str | int, ...], notes: _Notes
) -> dict[str, Any]:
    name = use.deployment.value
    rpm, tpm = lp.get("rpm"), lp.get("tpm")
    if inv_dep is not None and importable(inv_dep) is None:
        assert inv_dep.model and inv_dep.version
        dep: dict[str, Any] = {
            "model": inv_dep.model,
            "version": inv_dep.version,
            "sku": inv_dep.sku,
            "capacity": inv_dep.capacity,
        }
    else:
        model = use.model.value if isinstance(use.model.value, str) else None
        version = use.model_version.value if isinstance(use.model_version.value, str) else None
        capacity = tpm // 1000 if isinstance(tpm, int) and tpm >= 1000 else None
        dep = {"model": model or name, "version": version or "unknown", "sku": "Standard", "capacity": capacity or 1}
        guessed = [w for w, ok in (("model", model), ("version", version), ("capacity", capacity)) if not ok]
        notes.add(
            (*lpath, "model"),
            f"deployment {name}: SKU{', ' + ', '.join(guessed) if guessed else ''} not stated; guessed",
            "give --inventory (az cognitiveservices account deployment list -o json) for Azure's values",
        )
    for k, v in (("rpm", rpm), ("tpm", tpm)):
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            dep[k] = v
    return dep


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _proxy(data: dict[str, Any], notes: _Notes, aliases: dict[str, Any]) -> dict[str, Any]:
    proxy: dict[str, Any] = {}
    router = _section(data, "router_settings")
    ls = _section(data, "litellm_settings")
    gs = _section(data, "general_settings")
    env = _env_name(gs.get("master_key"))
    if env is not None:
        proxy["master_key_env"] = env
    elif "master_key" in gs:
        notes.add(
            ("general_settings", "master_key"),
            "master_key is written inline: not imported",
            "put it in LITELLM_MASTER_KEY",
        )
    strategy = router.get("routing_strategy")
    if strategy in _ROUTING:
        proxy["routing_strategy"] = strategy
    elif strategy is not None:
        notes.add(("router_settings", "routing_strategy"), f"routing_strategy {strategy} is not imported")
    for src, dst, section in (
        ("num_retries", "num_retries", router),
        ("timeout", "timeout", router),
        ("allowed_fails", "allowed_fails", router),
        ("cooldown_time", "cooldown_time", router),
        ("num_retries", "num_retries", ls),
        ("request_timeout", "timeout", ls),
    ):
        v = section.get(src)
        if isinstance(v, int) and not isinstance(v, bool) and dst not in proxy:
            proxy[dst] = v
    if isinstance(ls.get("drop_params"), bool):
        proxy["drop_params"] = ls["drop_params"]
    if isinstance(router.get("redis_host"), str) and _env_name(router["redis_host"]) is None:
        redis: dict[str, Any] = {"host": router["redis_host"]}
        if isinstance(router.get("redis_port"), int):
            redis["port"] = router["redis_port"]
        pw = _env_name(router.get("redis_password"))
        if pw is not None:
            redis["password_env"] = pw
        proxy["redis"] = redis
    for fb in router.get("fallbacks") or [] if isinstance(router.get("fallbacks"), list) else []:
        if isinstance(fb, dict):
            for src_alias, targets in fb.items():
                if src_alias in aliases and isinstance(targets, list):
                    aliases[src_alias]["fallbacks"].extend(t for t in targets if isinstance(t, str))
    for section_name, section, mapped in (
        ("router_settings", router, _ROUTER_MAPPED),
        ("litellm_settings", ls, _LITELLM_SETTINGS_MAPPED),
        ("general_settings", gs, _GENERAL_MAPPED),
    ):
        for k in section:
            if k not in mapped:
                notes.add(
                    (section_name, k),
                    f"{section_name}.{k} is not imported",
                    "configgen renders only the settings its project model has",
                    Severity.INFO,
                )
    return proxy


def _app(dotenv: Any, aliases: dict[str, Any], proxy: dict[str, Any], notes: _Notes) -> dict[str, Any]:
    from configgen.secrets import secret_kind

    first = next(iter(aliases), "default")
    app: dict[str, Any] = {"mode": "proxy", "alias": first}
    extra: list[Finding] = []
    instance = {"host": "127.0.0.1", "port": 4000}
    if dotenv is not None:
        model = dotenv.get("LITELLM_MODEL")
        if model is not None and model.value in aliases:
            app["alias"] = model.value
        elif model is not None:
            extra.append(
                dotenv.finding(
                    UNMAPPED,
                    Severity.WARNING,
                    model,
                    f"LITELLM_MODEL={model.value} is no model_name of the LiteLLM config",
                    f"the app now asks for `{first}`",
                )
            )
        base = dotenv.get("LITELLM_API_BASE")
        if base is not None:
            try:
                parts = urlsplit(base.value)
                if parts.hostname:
                    instance = {"host": parts.hostname, "port": parts.port or (443 if parts.scheme == "https" else 80)}
            except ValueError:
                pass
        for e in dotenv.entries:
            if e.key in ("LITELLM_MODEL", "LITELLM_API_BASE"):
                continue
            if e.key.endswith(("_KEY", "_SECRET", "_PASSWORD", "_TOKEN")) or secret_kind(e.value):
                extra.append(
                    dotenv.finding(
                        UNMAPPED,
                        Severity.INFO,
                        e,
                        f"{e.key} is a secret: not imported",
                        "secrets stay in the environment; the project names the variable only",
                    )
                )
            else:
                app.setdefault("env", {})[e.key] = e.value
    proxy.setdefault("instances", [instance])
    app["_notes"] = extra
    return app


def _modeline_comment() -> str:
    """Project files configgen writes point editors at the schema (`configgen schema` writes the file)."""
    from configgen.model.jsonschema import DEFAULT_PATH, MODELINE_PREFIX

    return f"{MODELINE_PREFIX.removeprefix('# ')}{DEFAULT_PATH}\n"


def _build_project(
    path: Path, resources: dict[str, Any], aliases: dict[str, Any], app: dict[str, Any], proxy: dict[str, Any], env: str
) -> Any:
    root = _map()
    root.yaml_set_start_comment(
        _modeline_comment()
        + "Imported by `configgen import` from a hand-written LiteLLM config; review the lines marked below."
    )
    root["version"] = 1
    root["name"] = safe_name(path.resolve().parent.name, "project")
    res_out = _map()
    for key, res in resources.items():
        r = _map()
        r["endpoint"] = res["endpoint"]
        r["region"] = res["region"]
        r.yaml_add_eol_comment("a LiteLLM config does not say: set the Azure region", "region")
        r["auth"] = _map(res["auth"], flow=True)
        r["api_version"] = _q(res["api_version"])
        deps = _map()
        for name, dep in res["deployments"].items():
            d = _map()
            for k, v in dep.items():
                d[k] = _q(v) if k in ("version", "api_version") else v
            deps[name] = d
        r["deployments"] = deps
        res_out[key] = r
    root["resources"] = res_out
    alias_out = _map()
    for name, a in aliases.items():
        m = _map({"deployments": _flow(a["deployments"])})
        if a["fallbacks"]:
            m["fallbacks"] = _flow(a["fallbacks"])
        alias_out[safe_name(name)] = m
    defaults = _map()
    defaults["aliases"] = alias_out
    app_map = _map({k: v for k, v in app.items() if k != "env"})
    if app.get("env"):
        app_map["env"] = _map(app["env"])
    defaults["app"] = app_map
    proxy_map = _map({k: v for k, v in proxy.items() if k not in ("instances", "redis")})
    proxy_map["instances"] = _flow([_map(i, flow=True) for i in proxy["instances"]])
    if "redis" in proxy:
        proxy_map["redis"] = _map(proxy["redis"], flow=True)
    defaults["proxy"] = proxy_map
    root["defaults"] = defaults
    root["environments"] = _map({safe_name(env): _map()})
    return root
