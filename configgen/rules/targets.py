"""What rules take: one target type per kind of thing checked (see :mod:`configgen.rules.registry`).

- ``project``: a validated configgen project (:class:`ProjectTarget`);
- ``litellm``: one LiteLLM proxy config file (:class:`LiteLLMTarget`), hand-written or rendered;
- ``dotenv``: one dotenv file (:class:`DotenvTarget`);
- ``balancer``: one nginx / HAProxy / Bicep load-balancer snippet (:class:`BalancerTarget`);
- ``script``: a shell script or systemd unit that starts the LiteLLM proxy (:class:`ScriptTarget`);
- ``inventory``: configs checked against Azure deployment inventories (:mod:`configgen.rules.inventory`);
- ``k8s``: one hand-written or rendered Kubernetes file, a chart values file or a manifest (:class:`K8sFileTarget`);
- ``bundle``: several files given together, checked against each other (:class:`BundleTarget`);
- ``azure``: one Azure OpenAI deployment as some config uses it (:class:`AzureUse`), wherever it was
  written, so the Azure knowledge is written once and applied to projects and LiteLLM configs alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from configgen.findings import DataPath, Finding, Severity
from configgen.load.yaml import YamlDocument

if TYPE_CHECKING:
    from configgen.load.dotenv import DotenvDocument
    from configgen.load.inventory import Inventory
    from configgen.load.k8s import EmbeddedConfig
    from configgen.model.load import LoadedProject


class Located(NamedTuple):
    """A value together with the data path where it was written (so findings can point at it)."""

    value: Any
    path: DataPath

    @property
    def present(self) -> bool:
        return self.value is not None


MISSING = Located(None, ())


class AzureUse(NamedTuple):
    """One Azure OpenAI deployment as a configuration uses it.

    Built from a project deployment or from a LiteLLM ``model_list`` entry. Fields the source does
    not state are :data:`MISSING`.
    """

    doc: YamlDocument
    #: Where the whole entry sits (used when a finding has no more precise place).
    path: DataPath
    #: The date lifecycle rules judge by.
    as_of: dt.date
    deployment: Located = MISSING
    endpoint: Located = MISSING  # the api_base / resource endpoint
    resource: Located = MISSING  # resource (subdomain) name, when known
    api_version: Located = MISSING
    model: Located = MISSING  # base model name, e.g. "gpt-4o"
    model_version: Located = MISSING  # e.g. "2024-08-06"
    sku: Located = MISSING
    capacity: Located = MISSING
    rpm: Located = MISSING
    tpm: Located = MISSING
    #: request parameters the config sets (name -> located value), e.g. response_format, reasoning_effort
    params: Mapping[str, Located] = MappingProxyType({})
    #: The Azure catalogue to judge by (a project may extend the built-in one); None = built-in.
    catalog: Any = None

    @property
    def in_project(self) -> bool:
        """From a configgen project (its resources' deployments), not from a LiteLLM config."""
        return bool(self.path) and self.path[0] == "resources"

    @property
    def endpoint_key(self) -> str:
        """What the file calls the endpoint, for messages: `endpoint` in a project, `api_base` in LiteLLM."""
        return "endpoint" if self.in_project else "api_base"

    def get_catalog(self) -> Any:
        if self.catalog is not None:
            return self.catalog  # before the import statement: a dozen rules ask, for every deployment
        from configgen.knowledge.azure_catalog import load_catalog

        return load_catalog()

    def finding(self, rule_id: str, severity: Severity, where: Located, message: str, hint: str = "") -> Finding:
        path = where.path if where.path else self.path
        return self.doc.finding(rule_id, severity, path, message, hint)


class LiteLLMTarget(NamedTuple):
    doc: YamlDocument
    as_of: dt.date


class DotenvTarget(NamedTuple):
    doc: DotenvDocument


class BundleTarget(NamedTuple):
    """Files given together: checked against each other."""

    litellm: tuple[YamlDocument, ...]
    dotenv: tuple[DotenvDocument, ...]
    as_of: dt.date
    #: parsed balancer snippets (configgen.load.balancer.BalancerDocument)
    balancers: tuple[Any, ...] = ()
    #: Prometheus configurations (YAML with scrape_configs)
    prometheus: tuple[YamlDocument, ...] = ()
    #: proxy start scripts (configgen.load.script.ScriptDocument)
    scripts: tuple[Any, ...] = ()


class ScriptTarget(NamedTuple):
    doc: Any  # configgen.load.script.ScriptDocument


class BalancerTarget(NamedTuple):
    doc: Any  # configgen.load.balancer.BalancerDocument


class ProjectTarget(NamedTuple):
    """A project that passed the schema: its document, model and valid environments."""

    doc: YamlDocument
    project: Any  # configgen.model.project.Project (Any here: rules.base stays importable without pydantic)
    envs: dict[str, Any]  # name -> configgen.model.load.EnvView whose model is not None
    as_of: dt.date

    def env_finding(
        self, env: Any, rule_id: str, severity: Severity, path: DataPath, message: str, hint: str = "", *, key: bool = False
    ) -> Finding:
        """A finding about an environment's effective value, placed where the project file set it."""
        return self.doc.finding(rule_id, severity, env.origin(path), message, hint, key=key)


class BoundInventory(NamedTuple):
    """An inventory and the names (lower case) of the Azure resource it describes."""

    inventory: Inventory
    names: frozenset[str]
    #: (index into InventoryTarget.projects, resource key) when a project's resource names the file.
    named_by: tuple[int, str] | None = None


class InventoryTarget(NamedTuple):
    """What the ``inventory-*`` rules check: projects and LiteLLM configs against inventories."""

    projects: tuple[LoadedProject, ...]
    litellm: tuple[YamlDocument, ...]
    inventories: tuple[BoundInventory, ...]
    as_of: dt.date

    def for_resource(self, project_index: int, key: str, endpoint: str) -> BoundInventory | None:
        """The inventory of a project resource: the file it names, else one whose account matches."""
        for b in self.inventories:
            if b.named_by == (project_index, key):
                return b
        from configgen.load.inventory import subdomain

        return self.for_account({key.lower(), subdomain(endpoint)})

    def for_account(self, names: Iterable[str | None]) -> BoundInventory | None:
        wanted = {n.lower() for n in names if n}
        for b in self.inventories:
            if b.names & wanted:
                return b
        return None


class K8sFileTarget(NamedTuple):
    """One Kubernetes file: a chart values document, or the objects of a manifest; and its configs."""

    file: str
    values: YamlDocument | None
    objects: list[YamlDocument]
    configs: list[EmbeddedConfig]
