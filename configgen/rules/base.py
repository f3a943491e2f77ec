"""What a rule is, and the registry every rule module adds itself to.

A rule is a pure function from one *target* to findings. Targets:

- ``project``: a validated configgen project (:class:`configgen.rules.base.ProjectTarget`);
- ``litellm``: one LiteLLM proxy config file (:class:`LiteLLMTarget`), hand-written or rendered;
- ``dotenv``: one dotenv file (:class:`DotenvTarget`);
- ``balancer``: one nginx / HAProxy / Bicep load-balancer snippet (:class:`BalancerTarget`);
- ``script``: a shell script or systemd unit that starts the LiteLLM proxy (:class:`ScriptTarget`);
- ``inventory``: configs checked against Azure deployment inventories (configgen.inventory.InventoryTarget);
- ``bundle``: several files given together, checked against each other (:class:`BundleTarget`);
- ``azure``: one Azure OpenAI deployment as some config uses it (:class:`AzureUse`), wherever it was
  written, so the Azure knowledge is written once and applied to projects and LiteLLM configs alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from configgen.dotenv import DotenvDocument
from configgen.findings import DataPath, Finding, Severity
from configgen.yamlsource import YamlDocument

Target = Literal["project", "litellm", "dotenv", "bundle", "azure", "balancer", "script", "inventory"]


class Rule(NamedTuple):
    id: str
    severity: Severity
    summary: str
    target: Target
    func: Callable[[Any], Iterable[Finding]]

    @property
    def doc(self) -> str:
        """The rule's user documentation: its function's docstring."""
        import inspect

        return inspect.cleandoc(self.func.__doc__ or self.summary)

    def run(self, target: Any) -> list[Finding]:
        return list(self.func(target))


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, summary: str, target: Target
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a check. Its docstring is its documentation (``configgen rules ID``)."""

    def register(func: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        if id in REGISTRY:
            raise RuntimeError(f"rule id {id} registered twice")
        if not func.__doc__:
            raise RuntimeError(f"rule {id} has no docstring")
        REGISTRY[id] = Rule(id, severity, summary, target, func)
        return func

    return register


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

    def get_catalog(self) -> Any:
        from configgen.catalog import load_catalog

        return self.catalog if self.catalog is not None else load_catalog()

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
    #: parsed balancer snippets (configgen.balancer_files.BalancerDocument)
    balancers: tuple[Any, ...] = ()
    #: Prometheus configurations (YAML with scrape_configs)
    prometheus: tuple[YamlDocument, ...] = ()
    #: proxy start scripts (configgen.scripts.ScriptDocument)
    scripts: tuple[Any, ...] = ()


class ScriptTarget(NamedTuple):
    doc: Any  # configgen.scripts.ScriptDocument


class BalancerTarget(NamedTuple):
    doc: Any  # configgen.balancer_files.BalancerDocument


def rules_for(target: Target) -> Iterator[Rule]:
    for r in REGISTRY.values():
        if r.target == target:
            yield r


def run_rules(target_kind: Target, target: Any, *, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every registered rule for ``target_kind``; a rule that crashes is itself reported."""
    wanted = set(only) if only is not None else None
    out: list[Finding] = []
    for r in rules_for(target_kind):
        if wanted is not None and r.id not in wanted:
            continue
        out.extend(r.run(target))
    return out


class ProjectTarget(NamedTuple):
    """A project that passed the schema: its document, model and valid environments."""

    doc: YamlDocument
    project: Any  # configgen.model.Project (Any here: rules.base stays importable without pydantic)
    envs: dict[str, Any]  # name -> configgen.project.EnvView whose model is not None
    as_of: dt.date

    def env_finding(
        self, env: Any, rule_id: str, severity: Severity, path: DataPath, message: str, hint: str = "", *, key: bool = False
    ) -> Finding:
        """A finding about an environment's effective value, placed where the project file set it."""
        return self.doc.finding(rule_id, severity, env.origin(path), message, hint, key=key)
