"""The library API the CLI wraps: every command is a function from options to a result.

Nothing here prints or exits; :mod:`configgen.cli.main` does that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from configgen.findings import Finding, Severity, has_errors, sort_findings
from configgen.load.kinds import Kind, kind_by_content, kind_by_name
from configgen.load.yaml import YamlDocument, load_yaml_file, load_yaml_text, read_text
from configgen.plan import Action, PlannedFile
from configgen.render.jinja import output_path

if TYPE_CHECKING:
    # configgen.model.load imports the Pydantic models (50 ms): checking hand-written files never needs them.
    from configgen.model.load import LoadedProject
    from configgen.model.project import Project
    from configgen.render.jinja import RenderError
    from configgen.rules.registry import Target


class ValidateResult(NamedTuple):
    findings: list[Finding]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if has_errors(self.findings, strict) else 0


def validate_files(
    paths: Sequence[Path], as_of: dt.date | None = None, inventories: Sequence[Path] = ()
) -> ValidateResult:
    """Check each file by its kind, then the files given together against each other (and against
    Azure deployment inventories, when given)."""
    from configgen.rules import load_all, run_rules
    from configgen.rules.targets import BundleTarget

    load_all()
    when = as_of or dt.date.today()
    findings: list[Finding] = []
    litellm_docs: list[YamlDocument] = []
    prometheus_docs: list[YamlDocument] = []
    parsed_by_kind: dict[str, list[Any]] = {"dotenv": [], "script": [], "balancer": []}
    projects: list[LoadedProject] = []
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
            elif kind is Kind.PROMETHEUS:
                prometheus_docs.append(doc)
            elif kind is Kind.PROJECT:
                loaded, project_findings = _check_project(path, when, doc)
                projects.append(loaded)
                findings.extend(project_findings)
            elif not isinstance(doc.data, dict):
                what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
                findings.append(
                    Finding(
                        "yaml-not-a-mapping",
                        Severity.ERROR,
                        f"YAML document is {what}",
                        "configgen projects, LiteLLM configs and Prometheus configs are mappings of keys",
                        name,
                        1,
                        1,
                    )
                )
            elif (typo := _kind_key_typo(doc)) is not None:
                findings.append(typo)
            else:
                findings.append(
                    Finding(
                        "file-kind-unknown",
                        Severity.WARNING,
                        "YAML file is not a LiteLLM config (no `model_list`), a configgen project or a Prometheus config",
                        "configgen checks LiteLLM configs, configgen projects, .env files and balancer snippets",
                        name,
                        1,
                        1,
                    )
                )
        elif kind in (Kind.DOTENV, Kind.SCRIPT, Kind.NGINX, Kind.HAPROXY, Kind.BICEP):
            text, problems = read_text(path, name)
            findings.extend(problems)
            if text is None:
                continue
            target_kind, parsed, target = _parse_text(kind, text, name)
            parsed_by_kind[target_kind].append(parsed)
            findings.extend(run_rules(target_kind, target))
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
    if litellm_docs or prometheus_docs or any(parsed_by_kind.values()):
        bundle = BundleTarget(
            tuple(litellm_docs),
            tuple(parsed_by_kind["dotenv"]),
            when,
            tuple(parsed_by_kind["balancer"]),
            tuple(prometheus_docs),
            tuple(parsed_by_kind["script"]),
        )
        findings.extend(run_rules("bundle", bundle))
    if inventories or any(_names_inventories(p) for p in projects):
        from configgen.load.inventory import check_against_inventories

        findings.extend(check_against_inventories(list(inventories), projects, litellm_docs, when))
    return ValidateResult(sort_findings(findings))


def _parse_text(kind: Kind, text: str, name: str) -> tuple[Target, Any, Any]:
    """(rule target kind, parsed document, rule target) for the text file kinds."""
    from configgen.rules.targets import BalancerTarget, DotenvTarget, ScriptTarget

    if kind is Kind.DOTENV:
        from configgen.load.dotenv import parse_dotenv

        env_doc = parse_dotenv(text, name)
        return "dotenv", env_doc, DotenvTarget(env_doc)
    if kind is Kind.SCRIPT:
        from configgen.load.script import parse_script

        script = parse_script(text, name)
        return "script", script, ScriptTarget(script)
    from configgen.load.balancer import parse_balancer

    snippet = parse_balancer(kind.value, text, name)
    return "balancer", snippet, BalancerTarget(snippet)


def _kind_key_typo(doc: YamlDocument) -> Finding | None:
    """`model_lists:` or `modellist:` is a LiteLLM config whose models LiteLLM would never see."""
    from configgen.suggest import did_you_mean

    for key in doc.data:
        best = did_you_mean(str(key), ["model_list", "environments", "scrape_configs"])
        if best is not None:
            return doc.finding(
                "yaml-kind-typo",
                Severity.ERROR,
                (key,),
                f"unknown top-level key `{key}`: without `{best}` this file is not read as intended",
                f"did you mean `{best}`?",
                key=True,
            )
    return None


def _names_inventories(loaded: LoadedProject) -> bool:
    return loaded.project is not None and any(r.inventory for r in loaded.project.resources.values())


def check_litellm_doc(doc: YamlDocument, as_of: dt.date, *, azure: bool = True) -> list[Finding]:
    """Structural LiteLLM rules on the file, then the Azure rules on every Azure deployment it uses."""
    from configgen.rules import load_all, run_rules
    from configgen.rules.azure_uses import azure_uses
    from configgen.rules.targets import LiteLLMTarget

    load_all()
    findings = run_rules("litellm", LiteLLMTarget(doc, as_of))
    for use in azure_uses(doc, as_of) if azure else []:
        findings.extend(run_rules("azure", use))
    return findings


def validate_project_file(
    path: Path,
    as_of: dt.date | None = None,
    doc: YamlDocument | None = None,
    *,
    rendered: bool = True,
    inventories: Sequence[Path] = (),
) -> ValidateResult:
    """Schema, then project rules, then the Azure rules on every declared deployment, then (with
    ``rendered``) the LiteLLM and dotenv rules on what each environment renders to, then the
    deployment inventories (given, or named by the project's resources)."""
    when = as_of or dt.date.today()
    loaded, findings = _check_project(path, when, doc)
    if rendered and loaded.project is not None and not has_errors(findings):
        findings.extend(_check_rendered(loaded, when))
    if inventories or _names_inventories(loaded):
        from configgen.load.inventory import check_against_inventories

        findings.extend(check_against_inventories(list(inventories), [loaded], [], when))
    return ValidateResult(sort_findings(findings))


def _check_project(path: Path, as_of: dt.date, doc: YamlDocument | None) -> tuple[LoadedProject, list[Finding]]:
    from configgen.model.load import load_project
    from configgen.rules import load_all, run_rules
    from configgen.rules.azure_uses import project_azure_uses
    from configgen.rules.targets import ProjectTarget

    load_all()
    loaded = load_project(path, doc=doc)
    findings = list(loaded.findings)
    if loaded.doc is None:
        return loaded, findings
    envs = {n: v for n, v in loaded.envs.items() if v.model is not None}
    target = ProjectTarget(loaded.doc, loaded.project, envs, as_of)
    if loaded.project is None:
        # Even a file that fails the schema must not hide a pasted key.
        findings.extend(run_rules("project", target, only={"project-inline-secret"}))
        return loaded, findings
    findings.extend(_merge_environments(run_rules("project", target), list(envs)))
    catalog = project_catalog(loaded.project)
    for use in project_azure_uses(loaded.doc, loaded.project, as_of):
        findings.extend(run_rules("azure", use._replace(catalog=catalog)))
    return loaded, findings


def _merge_environments(findings: list[Finding], env_names: list[str]) -> list[Finding]:
    """A mistake in `defaults` shows in every environment that inherits it: report it once, at its
    line, naming the environments, instead of once per environment."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.severity, f.file, f.line, f.column), []).append(f)
    merged: list[Finding] = []
    for group in groups.values():
        first = group[0]
        named = [n for n in env_names if any(f"environment {n}" in g.message for g in group)]
        if len(group) == 1 or len(named) < 2 or f"environment {named[0]}" not in first.message:
            merged.extend(group if len({g.message for g in group}) > 1 and len(named) < 2 else [first])
            continue
        message = first.message.replace(f"environment {named[0]}", "environments " + ", ".join(named), 1)
        merged.append(first._replace(message=message))
    return merged


def project_catalog(project: Project) -> Any:
    """The built-in Azure catalogue, extended by the project's `catalog:` section."""
    from configgen.knowledge.azure_catalog import load_catalog

    if not project.catalog:
        return load_catalog()
    from configgen.model.catalog_extension import CatalogExtension

    return load_catalog().with_extension(CatalogExtension.model_validate(project.catalog))


def _check_rendered(loaded: LoadedProject, as_of: dt.date) -> list[Finding]:
    """Defence in depth: what configgen renders must pass the same rules as a hand-written config."""
    from configgen.load.balancer import parse_balancer
    from configgen.load.dotenv import parse_dotenv
    from configgen.load.script import parse_script
    from configgen.render.jinja import RenderError, render_environment
    from configgen.rules import run_rules
    from configgen.rules.targets import BalancerTarget, BundleTarget, DotenvTarget, ScriptTarget

    assert loaded.project is not None
    findings: list[Finding] = []
    project_dir = loaded.path.parent
    for name, view in loaded.envs.items():
        if view.model is None:
            continue
        try:
            outputs = render_environment(loaded.project, name, view.model, source_name=loaded.path.name)
        except RenderError as exc:
            findings.append(render_error_finding(loaded, name, exc))
            continue
        litellm_docs = []
        dotenvs = []
        prometheus = []
        scripts = []
        balancers = []
        for out, text in outputs.items():
            display = str(output_path(name, view.model, out, None, project_dir)) + " (rendered)"
            if out.kind in ("litellm_config", "prometheus"):
                doc, problems = load_yaml_text(text, display)
                findings.extend(problems)
                if doc is not None and out.kind == "prometheus":
                    prometheus.append(doc)
                elif doc is not None:
                    litellm_docs.append(doc)
                    # Azure rules already judged the project's deployments at their lines in the project.
                    findings.extend(check_litellm_doc(doc, as_of, azure=False))
            elif out.kind == "env_file":
                env_doc = parse_dotenv(text, display)
                dotenvs.append(env_doc)
                findings.extend(run_rules("dotenv", DotenvTarget(env_doc)))
            elif out.kind == "start_script":
                sdoc = parse_script(text, display)
                scripts.append(sdoc)
                findings.extend(run_rules("script", ScriptTarget(sdoc)))
            elif out.kind in ("nginx", "haproxy", "bicep"):
                bdoc = parse_balancer(out.kind, text, display)
                balancers.append(bdoc)
                findings.extend(run_rules("balancer", BalancerTarget(bdoc)))
        if litellm_docs or dotenvs:
            bundle = BundleTarget(
                tuple(litellm_docs), tuple(dotenvs), as_of, tuple(balancers), tuple(prometheus), tuple(scripts)
            )
            findings.extend(run_rules("bundle", bundle))
    return findings


def render_error_finding(loaded: LoadedProject, env_name: str, exc: RenderError) -> Finding:
    assert loaded.doc is not None
    return loaded.doc.finding(
        "render-failed",
        Severity.ERROR,
        ("environments", env_name),
        f"environment {env_name}: cannot render {exc.output}: {exc.message}",
        "a value the project gives cannot be written safely into this file; change the value",
        key=True,
    )


class UsageError(Exception):
    """Bad command-line usage (exit 2): unknown environment, missing project file, ..."""


@dataclass
class RenderResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[PlannedFile] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    drift: bool = False

    def exit_code(self, strict: bool = False) -> int:
        return 1 if has_errors(self.findings, strict) or self.drift else 0


def render(
    project_path: Path,
    env_name: str | Sequence[str],
    *,
    out_dir: Path | None = None,
    as_of: dt.date | None = None,
    check: bool = False,
    dry_run: bool = False,
    force: bool = False,
    template_dirs: list[Path] | None = None,
) -> RenderResult:
    """Validate once, render one or several environments, plan against the disk, then write all the
    files together (unless check/dry_run). With several environments and ``out_dir``, each goes to
    ``out_dir/ENV``.

    Nothing is written when validation finds an error, when a file on disk was edited by hand or was
    not written by configgen (unless ``force``), or when ``check`` is set (drift only reported).
    """
    from configgen.plan import plan_files
    from configgen.render.jinja import RenderError, render_environment, split_header
    from configgen.write import WriteError, write_all

    when = as_of or dt.date.today()
    if not project_path.exists():
        raise UsageError(f"project file {project_path} not found (use -p/--project FILE)")
    env_names = [env_name] if isinstance(env_name, str) else list(env_name)
    loaded, findings = _check_project(project_path, when, None)
    result = RenderResult(findings=sort_findings(findings))
    if loaded.project is not None:
        from configgen.suggest import hint_for

        names = list(loaded.project.environments)
        if not env_names:
            env_names = names
        for name in env_names:
            if name not in loaded.project.environments:
                raise UsageError(
                    f"no environment `{name}` in {project_path}; "
                    + hint_for(name, names, "environments: " + ", ".join(names))
                )
    if loaded.project is not None and not has_errors(result.findings) and _names_inventories(loaded):
        from configgen.load.inventory import check_against_inventories

        result.findings = sort_findings([*result.findings, *check_against_inventories([], [loaded], [], when)])
    if has_errors(result.findings) or loaded.project is None:
        return result
    if template_dirs is None and loaded.project.templates:
        template_dirs = [project_path.parent / loaded.project.templates]
    project_dir = project_path.parent
    planned: list[tuple[Path, str, int]] = []
    for name in env_names:
        view = loaded.envs[name]
        assert view.model is not None
        try:
            outputs = render_environment(
                loaded.project, name, view.model, source_name=project_path.name, template_dirs=template_dirs
            )
        except RenderError as exc:
            result.findings.append(render_error_finding(loaded, name, exc))
            return result
        target = out_dir / name if out_dir is not None and len(env_names) > 1 else out_dir
        planned += [(output_path(name, view.model, out, target, project_dir), text, out.mode) for out, text in outputs.items()]
    paths = [p for p, _, _ in planned]
    clashes = sorted({str(p) for p in paths if paths.count(p) > 1})
    if clashes:
        raise UsageError(f"several environments would write the same file: {', '.join(clashes)} (check `outputs:`)")
    result.files = plan_files(planned)
    changed = [f for f in result.files if f.action is not Action.UNCHANGED]
    if check:
        result.drift = bool(changed)
        return result
    edited = [f for f in changed if f.hand_edited]
    if edited and not force:
        for f in edited:
            ours = split_header(f.old or "")[0] is not None
            result.findings.append(
                Finding(
                    "render-hand-edited",
                    Severity.ERROR,
                    "this generated file was edited by hand since configgen wrote it; not overwriting it"
                    if ours
                    else "this file was not written by configgen; not overwriting it",
                    "move the change into the project file, or run again with --force to replace it (diff below)",
                    str(f.path),
                    1,
                    1,
                )
            )
        return result
    if not dry_run:
        try:
            result.written = write_all(result.files)
        except WriteError as exc:
            result.findings.append(
                Finding("write-failed", Severity.ERROR, f"cannot write: {exc.message}; no file was changed",
                        "check the folder's permissions and free space", str(exc.path), 1, 1)
            )
    return result
