"""The one check loop: load -> model -> checks, for files given by hand and for what render produces.

Every input goes through :func:`check_document` with its row of the input kinds table
(:mod:`configgen.load.kinds`); files that belong together are then cross-checked as one bundle. The
re-check of rendered output uses the same loop on the exact bytes render would write (project
templates included), so a template cannot write what a hand-written file would be refused for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from configgen.findings import Finding, Severity, has_errors
from configgen.load.kinds import BY_NAME, InputKind, kind_by_content, kind_by_name, kind_by_text, parse_text, unknown_yaml
from configgen.load.yaml import YamlDocument, load_yaml_text, read_text
from configgen.render.together import sharing
from configgen.rules import memo

if TYPE_CHECKING:
    from configgen.load.built import Built

    # configgen.model.project imports the Pydantic models (50 ms): checking hand-written files never needs them.
    from configgen.model.load import LoadedProject
    from configgen.model.project import Project
    from configgen.render.jinja import RenderError
    from configgen.render.outputs import Output


class Document(NamedTuple):
    """One parsed input: its kind, the parsed document, and the text it came from."""

    kind: InputKind
    doc: Any
    text: str
    path: Path | None = None


def read_input(path: Path) -> tuple[Document | None, list[Finding]]:
    """Read a file and parse it by its kind; problems (unreadable, unparsable, unknown kind) are findings."""
    name = str(path)
    by_name = kind_by_name(path)
    if by_name is None:
        return None, [
            Finding(
                "file-kind-unknown",
                Severity.WARNING,
                "configgen does not know how to check this kind of file",
                "give .yaml/.yml, .env, nginx .conf, HAProxy .cfg or .bicep files",
                name,
            )
        ]
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    document, more = parse_input(by_name, text, name, path)
    return document, problems + more


def parse_input(
    kind: InputKind | str, text: str, display: str, path: Path | None = None
) -> tuple[Document | None, list[Finding]]:
    """Parse text as ``kind`` ("yaml": a YAML file whose content decides)."""
    if kind == "yaml":
        kind = kind_by_text(text) or "yaml"
    if isinstance(kind, InputKind) and kind.parser is not None:
        return Document(kind, parse_text(kind, text, display), text, path), []
    doc, problems = load_yaml_text(text, display)
    if doc is None:
        return None, problems
    found = kind_by_content(doc.data) if kind == "yaml" else kind
    if found is None:
        return None, [*problems, unknown_yaml(doc)]
    assert isinstance(found, InputKind)
    return Document(found, doc, text, path), problems


def check_document(document: Document, as_of: dt.date, *, rendered: bool = False) -> list[Finding]:
    """The rules of the document's target (projects go through :func:`check_project` instead)."""
    from configgen.rules import load_all, run_rules
    from configgen.rules import targets as t

    load_all()
    target = document.kind.target
    if target is None:
        return []
    if target == "litellm":
        return _check_litellm(document.doc, as_of, azure=not rendered)
    if target == "k8s":
        return _check_k8s(document, as_of, rendered=rendered)
    wrap = {"dotenv": t.DotenvTarget, "script": t.ScriptTarget, "balancer": t.BalancerTarget}[target]
    return run_rules(target, wrap(document.doc))  # type: ignore[arg-type]


def _check_litellm(doc: YamlDocument, as_of: dt.date, *, azure: bool) -> list[Finding]:
    """The LiteLLM rules, then the Azure rules on every Azure deployment the config uses."""
    from configgen.rules import run_rules
    from configgen.rules.registry import run_rules_each
    from configgen.rules.targets import LiteLLMTarget

    findings = run_rules("litellm", LiteLLMTarget(doc, as_of))
    if azure:
        from configgen.rules.azure_uses import azure_uses

        findings.extend(run_rules_each("azure", azure_uses(doc, as_of)))
    return findings


def _check_k8s(document: Document, as_of: dt.date, *, rendered: bool) -> list[Finding]:
    """A chart values file or a manifest: the LiteLLM config(s) inside (positions in the Kubernetes
    file), then the Kubernetes rules on the file."""
    from configgen.load.k8s import values_config
    from configgen.rules import run_rules
    from configgen.rules.targets import K8sFileTarget

    doc = document.doc
    if document.kind.name == "k8s_values":
        cfg = values_config(doc)
        target = K8sFileTarget(doc.file, doc, [], [cfg] if cfg is not None else [])
        findings: list[Finding] = []
    else:
        target = K8sFileTarget(doc.file, None, doc.objects, doc.configs)
        findings = list(doc.problems)
    # A rendered ConfigMap or chart values hold the config configgen also writes on its own (and
    # re-checks there): only the Kubernetes rules run on them.
    for cfg in [] if rendered else target.configs:
        findings.extend(_check_litellm(cfg.doc, as_of, azure=True))
    return findings + run_rules("k8s", target)


# ---- files given together ------------------------------------------------------------------------

_HEADER = re.compile(r"Generated by configgen from (.*) \(environment: ([^)\n]*)\)")


def bundle_group(text: str) -> str:
    """Which files are cross-checked together: those rendered for one environment (their configgen
    header says which), and the hand-written ones given together."""
    head = text[:600]
    m = _HEADER.search(head)
    return f"rendered for environment {m.group(2)} of {m.group(1)}" if m else ""


def check_bundle(documents: Sequence[Document], as_of: dt.date, grouping: str = "") -> list[Finding]:
    """Cross-check documents that belong together (configgen.rules.targets.BundleTarget)."""
    from configgen.rules import run_rules
    from configgen.rules.targets import BundleTarget

    slots: dict[str, list[Any]] = {"litellm": [], "dotenv": [], "balancers": [], "prometheus": [], "scripts": []}
    for d in documents:
        if d.kind.slot is not None:
            slots[d.kind.slot].append(d.doc)
    if not any(slots.values()):
        return []
    bundle = BundleTarget(
        tuple(slots["litellm"]),
        tuple(slots["dotenv"]),
        as_of,
        tuple(slots["balancers"]),
        tuple(slots["prometheus"]),
        tuple(slots["scripts"]),
    )
    findings = run_rules("bundle", bundle)
    if grouping:
        findings = [f._replace(hint=f"{f.hint} (checked together: {grouping})".lstrip()) for f in findings]
    return findings


def check_files(paths: Sequence[Path], as_of: dt.date, inventories: Sequence[Path] = ()) -> list[Finding]:
    """Check each file by its kind, then each group of files that belong together against each other
    (and against Azure deployment inventories, when given or named by a project)."""
    findings: list[Finding] = []
    groups: dict[str, list[Document]] = {}
    projects: list[LoadedProject] = []
    litellm_docs: list[YamlDocument] = []
    for path in paths:
        document, problems = read_input(path)
        findings.extend(problems)
        if document is None:
            continue
        if document.kind.target == "project":
            loaded, project_findings = check_project(path, as_of, document.doc)
            projects.append(loaded)
            findings.extend(project_findings)
            continue
        findings.extend(check_document(document, as_of))
        if document.kind.name == "litellm":
            litellm_docs.append(document.doc)
        groups.setdefault(bundle_group(document.text), []).append(document)
    for key, documents in groups.items():
        several = len(groups) > 1
        grouping = key or (f"the {len(documents)} files given without a configgen header" if several else "")
        findings.extend(check_bundle(documents, as_of, grouping))
    if inventories or any(names_inventories(p) for p in projects):
        from configgen.rules.inventory.bind import check_against_inventories

        findings.extend(check_against_inventories(list(inventories), projects, litellm_docs, as_of))
    return findings


# ---- projects -------------------------------------------------------------------------------------


def check_project(path: Path, as_of: dt.date, doc: YamlDocument | None) -> tuple[LoadedProject, list[Finding]]:
    """Schema, then project rules, then the Azure rules on every declared deployment."""
    from configgen.model.load import load_project
    from configgen.rules import load_all, run_rules
    from configgen.rules.azure_uses import project_azure_uses
    from configgen.rules.registry import run_rules_each
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
    findings.extend(merge_environments(run_rules("project", target), list(envs)))
    catalog = project_catalog(loaded.project)
    findings.extend(run_rules_each("azure", project_azure_uses(loaded.doc, loaded.project, as_of, catalog)))
    return loaded, findings


def merge_environments(findings: list[Finding], env_names: list[str]) -> list[Finding]:
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

    return CatalogExtension.model_validate(project.catalog).apply(load_catalog())


def project_template_dirs(loaded: LoadedProject) -> list[Path]:
    """The project's own template folder (it overrides the built-in templates), if it names one."""
    assert loaded.project is not None
    return [loaded.path.parent / loaded.project.templates] if loaded.project.templates else []


def names_inventories(loaded: LoadedProject) -> bool:
    return loaded.project is not None and any(r.inventory for r in loaded.project.resources.values())


# ---- what render produces -------------------------------------------------------------------------


class Rendered(NamedTuple):
    """One environment's rendered outputs, or the finding that says why it could not be rendered."""

    env: str
    outputs: dict[Output, str]
    failure: Finding | None = None
    #: what the outputs from built-in templates and builders parse to (configgen.load.built)
    built: Mapping[Output, Built] | None = None


@sharing()  # environments share identical litellm_params objects: the re-check judges each once
def render_project(
    loaded: LoadedProject,
    env_names: Iterable[str],
    template_dirs: list[Path] | None = None,
    commands: dict[str, str] | None = None,
    hashed: bool = True,
) -> list[Rendered]:
    """Render environments exactly as `render` writes them (the project's templates included);
    ``commands`` names, per environment, the command the headers say regenerates the files (with
    ``hashed=False``, for text only checked, the headers' hashes are zeros: nothing else differs)."""
    from configgen.render.jinja import RenderError, render_outputs

    assert loaded.project is not None
    dirs = project_template_dirs(loaded) if template_dirs is None else template_dirs
    _note_folders(dirs)
    done: list[Rendered] = []
    for name in env_names:
        view = loaded.envs[name]
        if view.model is None:
            continue
        try:
            outputs, built = render_outputs(loaded.project, name, view.model, source_name=loaded.path.name,
                                            command=(commands or {}).get(name), template_dirs=dirs, hashed=hashed)
        except RenderError as exc:
            done.append(Rendered(name, {}, render_error_finding(loaded, name, exc)))
            continue
        done.append(Rendered(name, outputs, built=built))
    return done


@memo.shared_scope()  # what environments share (litellm_params) is judged once for all of them
def check_rendered(loaded: LoadedProject, rendered: Sequence[Rendered], as_of: dt.date) -> list[Finding]:
    """Defence in depth: what configgen renders must pass the same rules as a hand-written file (on
    the data render built when it built it, configgen.load.built; else parsed from the bytes)."""
    from configgen.load.built import built_document
    from configgen.render.outputs import output_path

    assert loaded.project is not None
    findings: list[Finding] = []
    project_dir = loaded.path.parent
    for item in rendered:
        if item.failure is not None:
            findings.append(item.failure)
            continue
        view = loaded.envs[item.env]
        assert view.model is not None
        documents: list[Document] = []
        for out, text in item.outputs.items():
            display = str(output_path(item.env, view.model, out, None, project_dir)) + " (rendered)"
            kind, doc = BY_NAME[out.recheck], built_document(out.recheck, (item.built or {}).get(out), text, display)
            document, problems = (Document(kind, doc, text), []) if doc is not None else parse_input(kind, text, display)
            findings.extend(problems)
            if document is None:
                continue
            documents.append(document)
            # Azure rules already judged the project's deployments at their lines in the project.
            findings.extend(check_document(document, as_of, rendered=True))
        findings.extend(check_bundle(documents, as_of))
    return findings


def render_error_finding(loaded: LoadedProject, env_name: str, exc: RenderError) -> Finding:
    assert loaded.doc is not None
    return loaded.doc.finding(
        "render-failed",
        Severity.ERROR,
        ("environments", env_name),
        f"environment {env_name}: cannot render {exc.output}: {exc.message}",
        "the project's template failed or went past a limit; fix the template (or raise the limit it names)"
        if exc.message.startswith("template ")
        else "a value the project gives cannot be written safely into this file; change the value",
        key=True,
    )


def validate_project(
    path: Path, as_of: dt.date, doc: YamlDocument | None = None, *, rendered: bool = True, inventories: Sequence[Path] = ()
) -> list[Finding]:
    """Schema, project and Azure rules, then (with ``rendered``) the rules on what each environment
    renders to, then the deployment inventories (given, or named by the project's resources)."""
    loaded, findings = check_project(path, as_of, doc)
    if rendered and loaded.project is not None and not has_errors(findings):
        done = render_project(loaded, list(loaded.envs), hashed=False)  # checked, never written
        _finish_interrupted_writes(loaded, done)
        findings.extend(check_rendered(loaded, done, as_of))
    if inventories or names_inventories(loaded):
        from configgen.rules.inventory.bind import check_against_inventories

        findings.extend(check_against_inventories(list(inventories), [loaded], [], as_of))
    return findings


def _finish_interrupted_writes(loaded: LoadedProject, rendered: Sequence[Rendered]) -> None:
    """A render killed half-way left a journal: validate completes or rolls it back (as render and
    render --check do) so that what it judges on disk is one consistent set (configgen.write)."""
    from configgen.render.outputs import output_path
    from configgen.write import recover

    paths = []
    for item in rendered:
        model = loaded.envs[item.env].model
        assert model is not None
        paths += [output_path(item.env, model, out, None, loaded.path.parent) for out in item.outputs]
    recover(paths)


def _note_folders(dirs: Sequence[Path]) -> None:
    """A project template that appears later replaces a built-in one: the result cache must see the
    folders' listings (jinja looks for a template without opening what is not there)."""
    import os

    from configgen.cache import note

    for d in dirs:
        for folder, _, _ in os.walk(d):
            note(folder)
