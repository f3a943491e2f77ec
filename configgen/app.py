"""The library API the CLI wraps: every command is a function from options to a result.

Nothing here prints or exits; :mod:`configgen.cli` does that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from configgen.filekinds import Kind, kind_by_content, kind_by_name
from configgen.findings import Finding, Severity, has_errors, sort_findings
from configgen.yamlsource import YamlDocument, load_yaml_file, read_text


@dataclass
class ValidateResult:
    findings: list[Finding] = field(default_factory=list)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if has_errors(self.findings, strict) else 0


def validate_files(paths: Sequence[Path], as_of: dt.date | None = None) -> ValidateResult:
    """Check each file by its kind, then the files given together against each other."""
    from configgen.rules import load_all, run_rules
    from configgen.rules.base import BundleTarget, DotenvTarget, LiteLLMTarget

    load_all()
    when = as_of or dt.date.today()
    findings: list[Finding] = []
    litellm_docs: list[YamlDocument] = []
    dotenv_docs = []
    for path in paths:
        name = str(path)
        kind = kind_by_name(path)
        if kind is None:
            doc, problems = load_yaml_file(path, name)
            findings.extend(problems)
            if doc is None:
                continue
            kind = kind_by_content(doc.data)
            if kind is Kind.LITELLM:
                litellm_docs.append(doc)
                findings.extend(check_litellm_doc(doc, when))
            elif kind is Kind.PROJECT:
                findings.extend(validate_project_file(path, when, doc=doc).findings)
            else:
                findings.append(
                    Finding(
                        "file-kind-unknown",
                        Severity.WARNING,
                        "YAML file is neither a LiteLLM config (no `model_list`) nor a configgen project",
                        "configgen checks LiteLLM configs, configgen projects, .env files and balancer snippets",
                        name,
                        1,
                        1,
                    )
                )
        elif kind is Kind.DOTENV:
            from configgen.dotenv import parse_dotenv

            text, problems = read_text(path, name)
            findings.extend(problems)
            if text is None:
                continue
            env_doc = parse_dotenv(text, name)
            dotenv_docs.append(env_doc)
            findings.extend(run_rules("dotenv", DotenvTarget(env_doc)))
        elif kind in (Kind.NGINX, Kind.HAPROXY, Kind.BICEP):
            text, problems = read_text(path, name)
            findings.extend(problems)
        else:
            findings.append(
                Finding(
                    "file-kind-unknown",
                    Severity.WARNING,
                    "configgen does not know how to check this kind of file",
                    "give .yaml/.yml, .env, nginx .conf, HAProxy .cfg or .bicep files",
                    name,
                )
            )
    if litellm_docs or dotenv_docs:
        findings.extend(run_rules("bundle", BundleTarget(tuple(litellm_docs), tuple(dotenv_docs), when)))
    return ValidateResult(sort_findings(findings))


def check_litellm_doc(doc: YamlDocument, as_of: dt.date) -> list[Finding]:
    """Structural LiteLLM rules on the file, then the Azure rules on every Azure deployment it uses."""
    from configgen.litellm_azure import azure_uses
    from configgen.rules import load_all, run_rules
    from configgen.rules.base import LiteLLMTarget

    load_all()
    findings = run_rules("litellm", LiteLLMTarget(doc, as_of))
    for use in azure_uses(doc, as_of):
        findings.extend(run_rules("azure", use))
    return findings


def validate_project_file(path: Path, as_of: dt.date, doc: YamlDocument | None = None) -> ValidateResult:
    """Placeholder replaced by the project pipeline (load -> model -> checks)."""
    raise NotImplementedError
