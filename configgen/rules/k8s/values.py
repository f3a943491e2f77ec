"""Kubernetes rules on LiteLLM chart values files: keys the chart reads, the master key, the bundled database."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import DataPath, Finding, Severity
from configgen.rules.k8s.common import _OS_ENVIRON, _get, chart_snapshot
from configgen.rules.registry import rule
from configgen.rules.targets import K8sFileTarget
from configgen.suggest import did_you_mean


@rule("k8s-values-unknown-key", Severity.WARNING, "a chart values key LiteLLM's chart never reads", "k8s")
def values_unknown_key(t: K8sFileTarget) -> Iterator[Finding]:
    """Helm passes unknown values keys through silently: a misspelt `replicaCont` or
    `masterKeySecretName` changes nothing and the chart's default applies (for the master key: a new
    random key on every render). Keys are those the chart's templates read, from the snapshot in
    configgen/knowledge/data/litellm_helm_chart.json (chart version and commits recorded there)."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    snap = chart_snapshot()
    top = set(snap["top_level"])
    for key, value in t.values.data.items():
        if key not in top:
            best = did_you_mean(str(key), top)
            yield t.values.finding(
                "k8s-values-unknown-key", Severity.WARNING, (key,),
                f"LiteLLM's chart (version {snap['chart_version']}) never reads `{key}`; it is ignored",
                f"did you mean `{best}`?" if best else "remove it, or check the chart's values.yaml", key=True,
            )
        elif key in snap["nested"] and isinstance(value, dict):
            known = set(snap["nested"][key])
            for sub in value:
                if sub not in known:
                    best = did_you_mean(str(sub), known)
                    yield t.values.finding(
                        "k8s-values-unknown-key", Severity.WARNING, (key, sub),
                        f"LiteLLM's chart (version {snap['chart_version']}) never reads `{key}.{sub}`; it is ignored",
                        f"did you mean `{key}.{best}`?" if best else f"known keys: {', '.join(sorted(known))}", key=True,
                    )


@rule("k8s-values-master-key", Severity.WARNING, "the chart's master key and the config's disagree", "k8s")
def values_master_key(t: K8sFileTarget) -> Iterator[Finding]:
    """The chart always puts the master key in PROXY_MASTER_KEY (from `masterkeySecretName` /
    `masterkeySecretKey`), but LiteLLM reads `general_settings.master_key` or LITELLM_MASTER_KEY.
    A config that reads another variable for the key gets a different key than the one the chart's
    Secret and ServiceMonitor use (no key at all is litellm-master-key-missing). Without
    `masterkeySecretName` the chart renders a new random key on every `helm upgrade`, so every
    client key breaks."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    v = t.values.data
    general = _get(v, "proxy_config", "general_settings")
    mk = general.get("master_key") if isinstance(general, dict) else None
    # A missing master_key is litellm-master-key-missing (the LiteLLM rules run on proxy_config too).
    if isinstance(mk, str):
        m = _OS_ENVIRON.match(mk.strip())
        if m and m.group(1) != "PROXY_MASTER_KEY":
            yield t.values.finding(
                "k8s-values-master-key", Severity.WARNING, ("proxy_config", "general_settings", "master_key"),
                f"the proxy's master key is {m.group(1)} but the chart puts masterkeySecretName into PROXY_MASTER_KEY "
                "(and scrapes /metrics/ with it): the two keys can differ",
                "write `master_key: os.environ/PROXY_MASTER_KEY`",
            )
    if not v.get("masterkeySecretName"):
        path: DataPath = ("masterkeySecretName",) if "masterkeySecretName" in v else ()
        yield t.values.finding(
            "k8s-values-master-key", Severity.WARNING, path,
            "no masterkeySecretName: the chart generates a new random master key on every render, so clients' "
            "keys stop working at the next `helm upgrade`",
            "create a Secret with the key and set masterkeySecretName / masterkeySecretKey", key=bool(path),
        )


@rule("k8s-values-bundled-db", Severity.WARNING, "the chart deploys its bundled Postgres by default", "k8s")
def values_bundled_db(t: K8sFileTarget) -> Iterator[Finding]:
    """`db.deployStandalone` defaults to true: the chart deploys a Bitnami PostgreSQL whose password is
    the chart's published default unless overridden, and `migrationJob.enabled` (default true) runs a
    migration Job. Set `db.deployStandalone: false` (and `migrationJob.enabled: false`) unless the
    proxy is meant to have that database, or `db.useExisting: true` for your own."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    v = t.values.data
    if _get(v, "db", "useExisting") is True or _get(v, "db", "deployStandalone") is False:
        return
    path: DataPath = ("db", "deployStandalone") if _get(v, "db", "deployStandalone") is not None else ()
    yield t.values.finding(
        "k8s-values-bundled-db", Severity.WARNING, path,
        "db.deployStandalone is true (the chart's default): a bundled PostgreSQL with the chart's default password "
        "and a migration Job are deployed",
        "set `db: {deployStandalone: false}` and `migrationJob: {enabled: false}`, or `db.useExisting: true`",
        key=bool(path),
    )


# --- both kinds ------------------------------------------------------------------------------------
