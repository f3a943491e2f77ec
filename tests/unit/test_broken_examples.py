"""Broken variants of the example project: each mistake is reported as an error at its line and column.

Each case changes one line of examples/chatsheetai/configgen.yaml (the line number is checked, so the
case breaks loudly if the example moves) and lists every error finding expected, as (line, column, rule).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from configgen.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"

# name: (line, text on that line, replacement, [(line, column, rule), ...])
CASES: dict[str, tuple[int, str, str, list[tuple[int, int, str]]]] = {
    "unknown-deployment": (56, "chatsheet-prod-eastus2/gpt-51,", "chatsheet-prod-eastus2/gpt51,",
                           [(56, 21, "project-unknown-deployment")]),
    "model-version-as-api-version": (13, '"2025-04-01-preview"', '"2024-08-06"',
                                     [(13, 18, "azure-api-version-is-model-version")]),
    "unquoted-api-version": (26, '"2025-04-01-preview"', "2025-04-01", [(26, 18, "schema-type")]),
    "app-alias-not-served": (62, "alias: gpt-4", "alias: gpt4", [(62, 12, "project-unknown-app-alias")]),
    "fallback-to-unknown-alias": (57, "[gpt-4-spillover]", "[gpt-4-spilover]", [(57, 19, "project-unknown-fallback")]),
    "two-instances-one-port": (109, "10.10.1.11", "10.10.1.10", [(109, 11, "project-address-conflict")]),
    "pasted-master-key": (64, "LITELLM_MASTER_KEY", "sk-1234567890abcdef1234567890abcdef",
                          [(64, 21, "project-inline-secret"), (64, 21, "schema-value")]),
    "misspelt-key": (67, "timeout: 600", "timeuot: 600", [(67, 5, "schema-unknown-key")]),
    "wrong-type": (66, "num_retries: 2", "num_retries: two", [(66, 18, "schema-type")]),
    "sku-typo": (31, "DataZoneStandard", "DatazoneStandard", [(31, 14, "schema-value")]),
    "balancer-kind-typo": (97, "kind: haproxy", "kind: ha-proxy", [(97, 13, "schema-value")]),
    "endpoint-with-openai-path": (22, "openai.azure.com", "openai.azure.com/openai",
                                  [(22, 15, "azure-endpoint-openai-suffix")]),
    "deployment-name-with-space": (28, "gpt-51:", '"gpt 51":', [(28, 7, "schema-value")]),
    "redis-port-as-string": (111, "port: 6380", 'port: "6380"', [(111, 39, "schema-type")]),
    "tls-cert-path-injection": (120, "/etc/nginx/tls/litellm.crt", '"/etc/nginx/tls/litellm.crt;\\n  include /etc/passwd"',
                                [(120, 15, "schema-value")]),
}


# Cases that need a second line changed as well.
ALSO: dict[str, list[tuple[int, str, str]]] = {
    "retired-model": [(48, '"2025-11-13"', '"2024-05-13"')],
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_variant(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line_no, old, new, expected = CASES[name]
    lines = EXAMPLE.read_text().splitlines(keepends=True)
    for n, before, after in [(line_no, old, new), *ALSO.get(name, [])]:
        assert before in lines[n - 1], f"example line {n} no longer holds {before!r}: {lines[n - 1]!r}"
        lines[n - 1] = lines[n - 1].replace(before, after, 1)
    project = tmp_path / "configgen.yaml"
    project.write_text("".join(lines))
    code = main(["validate", "-p", str(project), "--format", "json", "--as-of", "2026-11-27"])
    report = json.loads(capsys.readouterr().out)
    errors = sorted((f["line"], f["column"], f["rule"]) for f in report["findings"] if f["severity"] == "error")
    assert (code, errors) == (1, sorted(expected)), report["findings"]
    assert all(f["file"] == str(project) and f["hint"] for f in report["findings"] if f["severity"] == "error")


def test_at_least_a_dozen_variants() -> None:
    assert len(CASES) >= 12
