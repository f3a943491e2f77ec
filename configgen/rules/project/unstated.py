"""Project rules: values the project leaves out and should state (what `configgen import` cannot know).

An importer does not invent a capacity or a region (a guessed `capacity: 1` renders `rpm: 6, tpm: 1000`
and throttles routing); it leaves them out, and these rules say what to fill in and where to find it.
"""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


@rule(
    "project-capacity-missing",
    Severity.WARNING,
    "a deployment states no capacity (nor rpm/tpm): LiteLLM gets no rate limits for it",
    "project",
)
def capacity_missing(t: ProjectTarget) -> Iterator[Finding]:
    """A deployment without `capacity`, `rpm` or `tpm` is rendered without `rpm`/`tpm`.

    LiteLLM 1.110.2's default `simple-shuffle` weighs the deployments of a model group by `weight`,
    then `rpm`, then `tpm` (litellm/router_strategy/simple_shuffle.py): a deployment without them gets
    weight 0 next to ones that have them, so it receives no requests; usage-based routing cannot keep it
    under Azure's limit, and Azure answers 429 instead. Set `capacity` to the deployment's capacity
    (`az cognitiveservices account deployment show ... --query sku.capacity`), or give `rpm`/`tpm`.
    """
    used = {ref for env in t.envs.values() for a in env.model.aliases.values() for ref in a.deployments}
    for res_name, res in t.project.resources.items():
        for dep_name, dep in res.deployments.items():
            if dep.capacity is None and dep.rpm is None and dep.tpm is None and f"{res_name}/{dep_name}" in used:
                yield t.doc.finding(
                    "project-capacity-missing",
                    Severity.WARNING,
                    ("resources", res_name, "deployments", dep_name),
                    f"deployment `{res_name}/{dep_name}` states no capacity: the rendered config gives LiteLLM no "
                    "rpm/tpm for it",
                    "add `capacity:` (Azure: az cognitiveservices account deployment show -g GROUP -n ACCOUNT "
                    f"--deployment-name {dep_name} --query sku.capacity)",
                    key=True,
                )


@rule("project-region-missing", Severity.INFO, "a resource states no Azure region", "project")
def region_missing(t: ProjectTarget) -> Iterator[Finding]:
    """A resource without `region`. Nothing rendered depends on it (`configgen graph` shows it), but it
    is what people look for when a region has an outage or a model is offered only in some regions.
    Set it to the resource's location (`az cognitiveservices account show --query location`)."""
    for res_name, res in t.project.resources.items():
        if res.region is None:
            yield t.doc.finding(
                "project-region-missing",
                Severity.INFO,
                ("resources", res_name),
                f"resource `{res_name}` states no region",
                f"add `region:` (Azure: az cognitiveservices account show -g GROUP -n {res_name} --query location)",
                key=True,
            )
