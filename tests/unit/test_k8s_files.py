"""Hand-written Kubernetes files: chart values and manifests, checked with positions in the file."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from configgen.findings import Finding, Severity
from configgen.load.k8s import embedded_configs, parse_manifest
from configgen.load.kinds import kind_by_content, kind_by_text
from configgen.load.yaml import load_yaml_text
from configgen.rules import load_all
from configgen.rules.k8s.common import chart_snapshot
from tests.support.k8s_check import check_manifest_text, check_values_text

ROOT = Path(__file__).resolve().parents[2]


def kind_of(text: str, data: object | None) -> str | None:
    """The kind validate gives a YAML file: by its text first (manifests), else by its data."""
    kind = kind_by_text(text) or kind_by_content(data)
    return kind.name if kind is not None else None

HAND = ROOT / "tests" / "k8s" / "handwritten"
MINICHART = ROOT / "tests" / "k8s" / "minichart"
AS_OF = dt.date(2026, 11, 27)


def _got(findings: list[Finding]) -> set[tuple[str, int, int]]:
    return {(f.rule, f.line, f.column) for f in findings if f.severity is not Severity.INFO}


def test_values_file_planted_mistakes_at_their_lines() -> None:
    text = (HAND / "values-bad.yaml").read_text()
    findings = check_values_text(text, "values.yaml", AS_OF)
    assert _got(findings) == {
        ("k8s-values-bundled-db", 1, 1),
        ("k8s-values-unknown-key", 2, 1),
        ("k8s-redis-required", 3, 15),
        ("k8s-values-master-key", 4, 1),
        ("k8s-pdb-blocks-drain", 7, 17),
        ("k8s-inline-secret", 9, 17),
        ("k8s-env-not-supplied", 17, 18),
        ("k8s-values-master-key", 22, 17),
        ("k8s-env-not-supplied", 22, 17),
    }
    [typo] = [f for f in findings if f.rule == "k8s-values-unknown-key"]
    assert typo.hint == "did you mean `replicaCount`?"
    assert all("s3cret-pw" not in f.message + f.hint for f in findings), "a secret was printed"


def test_values_file_correct_has_no_error_or_warning() -> None:
    text = (HAND / "values-good.yaml").read_text()
    assert _got(check_values_text(text, "values.yaml", AS_OF)) == set()


def test_manifest_planted_mistakes_at_their_lines() -> None:
    text = (HAND / "manifest-bad.yaml").read_text()
    findings = check_manifest_text(text, "all.yaml", AS_OF)
    assert _got(findings) == {
        ("litellm-api-version-missing", 10, 9),  # the typo'd key leaves the deployment without api_version
        ("litellm-unknown-param", 13, 11),  # inside the ConfigMap's block scalar, mapped into the file
        ("k8s-env-not-supplied", 14, 20),
        ("k8s-host-unresolvable", 19, 19),
        ("k8s-unexpanded-reference", 23, 15),
        ("k8s-config-not-passed", 45, 11),
        ("k8s-probe-mismatch", 48, 11),
        ("k8s-inline-secret", 54, 22),
        ("k8s-unexpanded-reference", 56, 22),
        ("k8s-probe-mismatch", 58, 29),
        ("k8s-probe-mismatch", 60, 55),
        ("k8s-pdb-blocks-drain", 67, 19),
    }
    lines = text.splitlines()
    assert lines[13 - 1][10:].startswith("api_verison")
    assert all("s3cret-pw" not in f.message + f.hint for f in findings)


def test_rendered_base_as_one_manifest_is_clean() -> None:
    """The kustomize base configgen renders, concatenated as `kubectl kustomize` would, passes."""
    base = ROOT / "tests" / "golden" / "chatsheetai" / "aks" / "k8s"
    parts = [(base / "base" / n).read_text() for n in ("configmap.yaml", "deployment.yaml", "service.yaml", "pdb.yaml")]
    parts.append((base / "secret.template.yaml").read_text())
    findings = check_manifest_text("---\n".join(parts), "base.yaml", AS_OF)
    assert _got(findings) == set(), findings


def test_rendered_values_are_clean() -> None:
    values = ROOT / "tests" / "golden" / "chatsheetai" / "aks" / "helm" / "values.yaml"
    assert _got(check_values_text(values.read_text(), "values.yaml", AS_OF)) == set()


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  config.yaml: |\n    model_list: [\n", "yaml-syntax", 7),
        ("apiVersion: v1\nkind: ConfigMap\n---\n- just\n- a list\n", "k8s-not-an-object", 4),
        ("apiVersion: v1\nkind: ConfigMap\ndata: {a: 1\n", "yaml-syntax", 4),
        ("apiVersion: v1\nkind: Secret\nx: &a [1]\ny: *a\n---\napiVersion: v1\nkind: A\nz: *a\n", "yaml-syntax", 8),
    ],
    ids=["config-not-yaml", "not-an-object", "broken-document", "alias-across-documents"],
)
def test_bad_manifests_get_located_errors(text: str, rule: str, line: int) -> None:
    findings = check_manifest_text(text, "m.yaml", AS_OF)
    assert [(f.rule, f.line) for f in findings if f.severity is Severity.ERROR][:1] == [(rule, line)], findings


def test_dashes_inside_a_block_scalar_and_anchors_within_a_document() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  notes: |\n    ---\n    not a document\n"
        "  config.yaml: |\n    model_list: []\n    general_settings: &gs\n      master_key: os.environ/K\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
    )
    manifest, problems = parse_manifest(text, "m.yaml")
    assert problems == [] and manifest is not None
    assert [o.data["kind"] for o in manifest.objects] == ["ConfigMap", "Secret"]
    assert manifest.objects[0].data["data"]["notes"] == "---\nnot a document\n"
    configs, bad = embedded_configs(manifest)
    assert bad == [] and len(configs) == 1
    assert configs[0].doc.locate(("general_settings", "master_key")) == (11, 19)


def test_folded_config_positions_fall_back_to_the_value() -> None:
    text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: "model_list: []\\ngeneral_settings: {x: 1}\\n"\n'
    manifest, _ = parse_manifest(text, "m.yaml")
    assert manifest is not None
    [cfg], _ = embedded_configs(manifest)
    assert cfg.doc.locate(("general_settings", "x")) == (4, 16)


def test_kinds_are_recognised_by_content() -> None:
    values, _ = load_yaml_text((HAND / "values-good.yaml").read_text(), "v.yaml")
    assert values is not None and kind_of("", values.data) == "k8s_values"
    text = (HAND / "manifest-bad.yaml").read_text()
    assert kind_of(text, None) == "k8s_manifest"
    assert kind_of("apiVersion: v1\nkind: Service\n", {"apiVersion": "v1", "kind": "Service"}) == "k8s_manifest"
    assert kind_of("model_list: []\n", {"model_list": []}) == "litellm"


def test_every_k8s_rule_fires_in_the_planted_files() -> None:
    fired = {f.rule for f in check_values_text((HAND / "values-bad.yaml").read_text(), "v", AS_OF)}
    fired |= {f.rule for f in check_manifest_text((HAND / "manifest-bad.yaml").read_text(), "m", AS_OF)}
    k8s_rules = {r.id: r for r in load_all().values() if r.target == "k8s"}
    assert set(k8s_rules) <= fired
    assert all(r.func.__doc__ for r in k8s_rules.values())


# --- the chart snapshot stays honest against the stand-in chart ------------------------------------------

_VALUES_REF = re.compile(r"\.Values\.([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?")


def test_snapshot_names_its_source() -> None:
    snap = chart_snapshot()
    assert snap["chart"] == "litellm-helm" and re.fullmatch(r"\d+\.\d+\.\d+", snap["chart_version"])
    assert all(re.fullmatch(r"[0-9a-f]{40}", c) for c in snap["files"].values())
    assert snap["master_key_env"] == "PROXY_MASTER_KEY"


def test_every_key_the_stand_in_chart_reads_is_in_the_snapshot() -> None:
    snap = chart_snapshot()
    top, nested = set(snap["top_level"]), {k: set(v) for k, v in snap["nested"].items()}
    refs = set()
    for tpl in (MINICHART / "templates").iterdir():
        refs |= set(_VALUES_REF.findall(tpl.read_text()))
    assert refs, "the stand-in chart reads no values"
    unknown = sorted(f"{a}.{b}" if b else a for a, b in refs if a not in top or (b and a in nested and b not in nested[a]))
    assert unknown == []


def test_every_key_configgen_writes_is_read_by_the_chart() -> None:
    from ruamel.yaml import YAML

    snap = chart_snapshot()
    values = YAML(typ="safe").load((ROOT / "tests" / "golden" / "chatsheetai" / "aks" / "helm" / "values.yaml").read_text())
    stand_in = YAML(typ="safe").load((MINICHART / "values.yaml").read_text())
    for key, value in values.items():
        assert key in snap["top_level"], key
        assert key in stand_in, f"the stand-in chart does not model {key}"
        if key in snap["nested"] and isinstance(value, dict):
            assert set(value) <= set(snap["nested"][key]), key


def test_snapshot_json_is_sorted_and_unique() -> None:
    snap = json.loads((ROOT / "configgen" / "knowledge" / "data" / "litellm_helm_chart.json").read_text())
    assert snap["top_level"] == sorted(set(snap["top_level"]))
    for keys in snap["nested"].values():
        assert keys == sorted(set(keys))
