"""`configgen import litellm.config.yaml [server/.env]`: a hand-written LiteLLM setup into a new project.

Everything the project cannot describe is reported at its line in the source (``import-unmapped``);
every value the import reads in a way a reader could not guess (a model and version parsed from a
deployment name, an `api_base` shortened to the resource root, a `${VAR}` key) or has to choose
(the project name, the app's alias, the environment) is a note. Nothing is invented: a LiteLLM config
states no region, SKU or capacity, so they are left out and `configgen validate` says what to fill in
(give ``--inventory`` for Azure's own values).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from configgen.findings import DataPath, Finding, Severity
from configgen.load.inventory import Inventory, InventoryDeployment
from configgen.load.yaml import YamlDocument
from configgen.tools.authoring import roundtrip as rt
from configgen.tools.authoring.import_azure import importable
from configgen.tools.authoring.import_litellm_settings import (
    LP_MAPPED,
    env_var_of,
    identity_kind,
    map_app,
    map_auth,
    map_proxy,
    settings_section,
)
from configgen.tools.authoring.importing import (
    GUESSED,
    UNMAPPED,
    ImportFailed,
    ImportResult,
    Pending,
    choose_api_version,
    located,
    modeline_comment,
    safe_name,
    schema_findings,
)


@dataclass
class Notes:
    """Notes located in the LiteLLM config (``add``) and in the produced project (``pending``)."""

    doc: YamlDocument
    items: list[Finding] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)

    def add(
        self, path: DataPath, message: str, hint: str = "", severity: Severity = Severity.WARNING, rule: str = UNMAPPED
    ) -> None:
        self.items.append(self.doc.finding(rule, severity, path, message, hint, key=True))

    def guessed(self, path: DataPath, message: str, hint: str = "") -> None:
        self.add(path, message, hint, Severity.INFO, GUESSED)


def import_litellm(
    doc: YamlDocument,
    project_path: Path,
    *,
    dotenv: Any = None,
    inventories: list[Inventory] | None = None,
    env_name: str = "default",
) -> ImportResult:
    """A project describing the same deployments, aliases, router and app settings as ``doc``.

    ``dotenv`` is the app's parsed ``.env`` (:class:`configgen.load.dotenv.DotenvDocument`);
    ``inventories`` give the model, version, SKU and capacity that a LiteLLM config does not state.
    """
    from configgen.rules.azure_uses import azure_uses

    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        raise ImportFailed(f"{doc.file} is not a LiteLLM config (no `model_list`)")
    notes = Notes(doc)
    uses = {u.path: u for u in azure_uses(doc, dt.date.today())}
    by_account = {inv.account.lower(): inv for inv in inventories or [] if inv.account}
    resources: dict[str, Any] = {}
    aliases: dict[str, Any] = {}
    versions: dict[str, set[str]] = {}
    for i, entry in enumerate(data["model_list"]):
        path: DataPath = ("model_list", i)
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
        key = _resource(use, lp, lpath, notes, resources, identity_kind(data))
        if not str(lp.get("model", "")).startswith("azure/"):
            notes.guessed((*lpath, "model"), f"model {lp.get('model')} is served as azure/{use.deployment.value}",
                          "the rendered config writes the azure/ prefix LiteLLM routes by")
        api_version = lp.get("api_version")
        # An unquoted date (a LiteLLM bug, see azure-api-version-unquoted) is imported as the string it meant.
        version_str = api_version.isoformat() if isinstance(api_version, dt.date) else api_version
        if isinstance(version_str, str) and env_var_of(version_str) is None:
            versions.setdefault(key, set()).add(version_str)
        name = use.deployment.value
        inv = by_account.get(key.lower())
        dep = _deployment(use, inv.get(name) if inv else None, lp, lpath, notes)
        if isinstance(version_str, str):
            dep["_api_version"] = version_str
        resources[key]["deployments"].setdefault(name, dep)
        aliases.setdefault(alias, {"deployments": [], "fallbacks": [], "at": path})["deployments"].append(f"{key}/{name}")
        for k in lp:
            if k not in LP_MAPPED and k != "custom_llm_provider":
                notes.add((*lpath, k), f"litellm_params.{k} of `{alias}` is not imported",
                          "configgen does not set per-deployment request defaults", Severity.INFO)
    for key, res in resources.items():
        seen = sorted(versions.get(key, set()))
        res["api_version"] = seen[-1] if seen else choose_api_version([])
        if not seen:
            notes.pending.append(Pending(("resources", key, "api_version"),
                                         f"api_version {res['api_version']} chosen: the config states none"))
        for dep in res["deployments"].values():
            own = dep.pop("_api_version", None)
            if own and own != res["api_version"]:
                dep["api_version"] = own
    proxy = map_proxy(data, notes, aliases)
    app = map_app(dotenv, aliases, proxy, notes)
    for top in data:
        if top == "environment_variables" and identity_kind(data) and set(settings_section(data, top)) == {"AZURE_CREDENTIAL"}:
            continue  # the identity's AZURE_CREDENTIAL: the auth kind carries it
        if top not in ("model_list", "router_settings", "litellm_settings", "general_settings"):
            notes.add((top,), f"`{top}` is not imported", "configgen renders only what the project describes")
    project = _build_project(project_path, resources, aliases, app, proxy, env_name, notes)
    text = rt.dump(project)
    return ImportResult(
        text, notes.items + located(notes.pending, text, project_path), schema_findings(text, project_path)
    )


def _resource(
    use: Any, lp: dict[str, Any], lpath: DataPath, notes: Notes, resources: dict[str, Any], identity: str | None
) -> str:
    """The project resource for one model_list entry (created on first use), keyed by the host's subdomain."""
    api_base = lp.get("api_base")
    if isinstance(use.resource.value, str):
        key = safe_name(use.resource.value)
        parts = urlsplit(str(api_base).strip())
        endpoint = f"{parts.scheme or 'https'}://{parts.hostname}"
        if key not in resources and str(api_base).strip() != endpoint:
            notes.guessed((*lpath, "api_base"), f"api_base {str(api_base).strip()} imported as endpoint {endpoint}",
                          "a project's endpoint is the resource root; LiteLLM adds /openai/deployments/... itself")
    else:
        key, endpoint = "azure", "https://RESOURCE.openai.azure.com"
        notes.add((*lpath, "api_base"), "api_base is not a literal Azure OpenAI URL: the endpoint is a placeholder",
                  "set resources.azure.endpoint to the resource root")
    if key not in resources:
        resources[key] = {"endpoint": endpoint, "deployments": {}, "auth": map_auth(lp, lpath, key, notes, identity)}
    return key


def _deployment(
    use: Any, inv_dep: InventoryDeployment | None, lp: dict[str, Any], lpath: DataPath, notes: Notes
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
        stated = bool(use.model.path) and use.model.path[-1] == "base_model"
        dep = {"model": model or name, "version": version or "unknown"}
        hint = "give --inventory (az cognitiveservices account deployment list -o json) for Azure's values"
        if model and not stated:
            read = f"model {model}" + (f" and version {version}" if version else "")
            notes.guessed((*lpath, "model"), f"deployment {name}: {read} read from the deployment name", hint)
        elif not model:
            notes.add((*lpath, "model"), f"deployment {name}: the model is not stated; written as {name}", hint)
        if not version:
            notes.add((*lpath, "model"), f"deployment {name}: the model version is not stated; written as `unknown`",
                      hint)
        notes.guessed((*lpath, "model"), f"deployment {name}: SKU not stated; the project's default Standard applies",
                      hint)
    for k, v in (("rpm", rpm), ("tpm", tpm)):
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            dep[k] = v
    return dep


def _build_project(
    path: Path,
    resources: dict[str, Any],
    aliases: dict[str, Any],
    app: dict[str, Any],
    proxy: dict[str, Any],
    env: str,
    notes: Notes,
) -> Any:
    root = rt.cmap()
    root.yaml_set_start_comment(
        modeline_comment() + "Imported by `configgen import` from a hand-written LiteLLM config; review the notes."
    )
    root["version"] = 1
    root["name"] = safe_name(path.resolve().parent.name, "project")
    notes.pending.append(Pending(("name",), f"project name `{root['name']}` taken from the directory"))
    res_out = rt.cmap()
    for key, res in resources.items():
        r = rt.cmap()
        r["endpoint"] = res["endpoint"]
        r["auth"] = rt.cmap(res["auth"], flow=True)
        r["api_version"] = rt.quoted(res["api_version"])
        deps = rt.cmap()
        for name, dep in res["deployments"].items():
            deps[name] = rt.cmap({k: rt.quoted(v) if k in ("version", "api_version") else v for k, v in dep.items()})
        r["deployments"] = deps
        res_out[key] = r
    root["resources"] = res_out
    alias_out = rt.cmap()
    for name, a in aliases.items():
        m = rt.cmap({"deployments": rt.flow_list(a["deployments"])})
        if a["fallbacks"]:
            m["fallbacks"] = rt.flow_list(a["fallbacks"])
        alias_out[safe_name(name)] = m
        if safe_name(name) != name:
            notes.guessed((*a["at"], "model_name"), f"model_name {name} imported as alias {safe_name(name)}",
                          "alias names are letters, digits, `.`, `_` and `-`")
    defaults = rt.cmap()
    defaults["aliases"] = alias_out
    app_map = rt.cmap({k: v for k, v in app.items() if k != "env"})
    if app.get("env"):
        app_map["env"] = rt.cmap(app["env"])
    defaults["app"] = app_map
    proxy_map = rt.cmap({k: v for k, v in proxy.items() if k not in ("instances", "redis")})
    proxy_map["instances"] = rt.flow_list([rt.cmap(i, flow=True) for i in proxy["instances"]])
    if "redis" in proxy:
        proxy_map["redis"] = rt.cmap(proxy["redis"], flow=True)
    defaults["proxy"] = proxy_map
    root["defaults"] = defaults
    root["environments"] = rt.cmap({safe_name(env): rt.cmap()})
    notes.pending.append(Pending(("environments", safe_name(env)), f"environment `{safe_name(env)}` added",
                                 "name it with --env"))
    return root


def read_litellm(sources: list[Path], project_path: Path, inventory_paths: list[Path], env: str) -> ImportResult:
    """Read one LiteLLM config, at most one .env and the deployment lists, and import them."""
    from configgen.load.dotenv import parse_dotenv
    from configgen.load.inventory import load_inventory
    from configgen.load.kinds import BY_NAME, kind_by_name
    from configgen.load.yaml import load_yaml_file, read_text

    envs = [s for s in sources if kind_by_name(s) is BY_NAME["dotenv"]]
    configs = [s for s in sources if s not in envs]
    if len(configs) != 1 or len(envs) > 1:
        raise ImportFailed("give one LiteLLM config and at most one .env file")
    doc, problems = load_yaml_file(configs[0], str(configs[0]))
    dotenv = None
    if envs:
        text, env_problems = read_text(envs[0], str(envs[0]))
        problems += env_problems
        if text is not None:
            dotenv = parse_dotenv(text, str(envs[0]))
    invs: list[Inventory] = []
    for ip in inventory_paths:
        inv, inv_problems = load_inventory(ip, str(ip))
        problems += inv_problems
        if inv is not None:
            invs.append(inv)
    if doc is None or any(f.severity is Severity.ERROR for f in problems):
        raise ImportFailed("cannot read the files to import", problems)
    return import_litellm(doc, project_path, dotenv=dotenv, inventories=invs, env_name=env)
