"""Project rules: every name the project uses refers to something it declares."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget
from configgen.suggest import hint_for


def _all_refs(t: ProjectTarget) -> list[str]:
    return [f"{r}/{d}" for r, res in t.project.resources.items() for d in res.deployments]


@rule("project-unknown-deployment", Severity.ERROR, "an alias names a deployment the project does not declare", "project")
def unknown_deployment(t: ProjectTarget) -> Iterator[Finding]:
    """An alias lists `resource/deployment`, but that resource or deployment is not under `resources:`.

    LiteLLM would send requests for the alias to a deployment Azure does not have, and Azure answers
    only at request time with 404 `DeploymentNotFound` (../shared/FACTS.md, Azure errors). Declare the
    deployment under its resource, or fix the reference; configgen suggests the closest declared one.
    """
    refs = _all_refs(t)
    for env in t.envs.values():
        for alias, a in env.model.aliases.items():
            for i, ref in enumerate(a.deployments):
                res, sep, dep = ref.partition("/")
                if not sep:
                    yield t.env_finding(env, "project-unknown-deployment", Severity.ERROR,
                                        ("aliases", alias, "deployments", i),
                                        f"`{ref}` must be written as `resource/deployment`",
                                        hint_for(ref, refs, "e.g. " + (refs[0] if refs else "my-resource/gpt-4o")))
                elif res not in t.project.resources or dep not in t.project.resources[res].deployments:
                    what = "resource" if res not in t.project.resources else "deployment"
                    yield t.env_finding(env, "project-unknown-deployment", Severity.ERROR,
                                        ("aliases", alias, "deployments", i),
                                        f"alias `{alias}` (environment {env.name}) uses unknown {what} in `{ref}`",
                                        hint_for(ref, refs, "declared: " + ", ".join(refs)))


@rule("project-duplicate-deployment", Severity.WARNING, "an alias lists the same deployment twice", "project")
def duplicate_deployment(t: ProjectTarget) -> Iterator[Finding]:
    """An alias lists one deployment twice; LiteLLM keeps both entries (they hash to the same
    deployment id, checked with `litellm.Router`), so simple-shuffle picks that deployment twice as
    often as the others: it works, the load is not what the alias says.

    Remove the repetition (a weight is not what a duplicate entry is for).
    """
    for env in t.envs.values():
        for alias, a in env.model.aliases.items():
            seen: set[str] = set()
            for i, ref in enumerate(a.deployments):
                if ref in seen:
                    yield t.env_finding(env, "project-duplicate-deployment", Severity.WARNING,
                                        ("aliases", alias, "deployments", i), f"`{ref}` is listed twice in `{alias}`",
                                        "remove the second entry")
                seen.add(ref)


@rule("project-unknown-fallback", Severity.ERROR, "a fallback names an alias the environment does not serve", "project")
def unknown_fallback(t: ProjectTarget) -> Iterator[Finding]:
    """`fallbacks` must name other aliases of the same environment.

    LiteLLM's router looks fallbacks up by `model_name`; an unknown name makes the fallback fail
    when it is needed most (litellm/router.py, `fallbacks`). An alias falling back to itself only
    repeats the failing request.
    """
    for env in t.envs.values():
        aliases = list(env.model.aliases)
        for alias, a in env.model.aliases.items():
            for i, fb in enumerate(a.fallbacks):
                path = ("aliases", alias, "fallbacks", i)
                if fb == alias:
                    yield t.env_finding(env, "project-unknown-fallback", Severity.ERROR, path,
                                        f"alias `{alias}` falls back to itself", "name a different alias")
                elif fb not in env.model.aliases:
                    yield t.env_finding(env, "project-unknown-fallback", Severity.ERROR, path,
                                        f"fallback `{fb}` of `{alias}` is not an alias of environment {env.name}",
                                        hint_for(fb, [x for x in aliases if x != alias],
                                                 "aliases: " + ", ".join(aliases)))


@rule("project-unknown-app-alias", Severity.ERROR, "the app asks for an alias the environment does not serve", "project")
def unknown_app_alias(t: ProjectTarget) -> Iterator[Finding]:
    """`app.alias` becomes `LITELLM_MODEL` in server/.env and must be one of the environment's aliases.

    The proxy answers an unknown model with 400 "Invalid model name passed in model=..."
    (../shared/FACTS.md).
    """
    for env in t.envs.values():
        if env.model.app.alias not in env.model.aliases:
            yield t.env_finding(env, "project-unknown-app-alias", Severity.ERROR, ("app", "alias"),
                                f"environment {env.name}: the app asks for `{env.model.app.alias}`, which no alias serves",
                                hint_for(env.model.app.alias, list(env.model.aliases),
                                         "aliases: " + ", ".join(env.model.aliases)))


@rule("project-unused-deployment", Severity.INFO, "a declared deployment is used by no environment", "project")
def unused_deployment(t: ProjectTarget) -> Iterator[Finding]:
    """A deployment that no alias of any environment uses: capacity you pay for (provisioned) or a stale entry."""
    used = {ref for env in t.envs.values() for a in env.model.aliases.values() for ref in a.deployments}
    if len(t.envs) != len(t.project.environments):
        return  # an environment failed the schema: its aliases are unknown, so "unused" would be a guess
    for res_name, res in t.project.resources.items():
        for dep in res.deployments:
            if f"{res_name}/{dep}" not in used:
                yield t.doc.finding("project-unused-deployment", Severity.INFO,
                                    ("resources", res_name, "deployments", dep),
                                    f"deployment `{res_name}/{dep}` is not used by any environment",
                                    "use it in an alias or remove it", key=True)
