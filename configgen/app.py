"""The library API the CLI wraps: every command is a function from options to a result.

Nothing here prints or exits; :mod:`configgen.cli` does that. The checking itself is
:mod:`configgen.pipeline`; this module adds the result types, the exit codes and the write step.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from configgen.findings import Finding, Severity, has_errors, sort_findings
from configgen.rules.registry import INTERNAL_ERROR

if TYPE_CHECKING:
    from configgen.load.yaml import YamlDocument
    from configgen.model.load import LoadedProject
    from configgen.pipeline import Rendered
    from configgen.plan import PlannedFile


def exit_code(findings: Sequence[Finding], strict: bool = False, drift: bool = False) -> int:
    """0 clean, 1 findings (or drift), 3 when a check crashed (after the whole report)."""
    if any(f.rule == INTERNAL_ERROR for f in findings):
        return 3
    return 1 if has_errors(findings, strict) or drift else 0


class ValidateResult(NamedTuple):
    findings: list[Finding]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.findings, strict)


def validate_files(
    paths: Sequence[Path], as_of: dt.date | None = None, inventories: Sequence[Path] = ()
) -> ValidateResult:
    """Check each file by its kind, then the files that belong together against each other (and against
    Azure deployment inventories, when given)."""
    from configgen.pipeline import check_files

    return ValidateResult(sort_findings(check_files(paths, as_of or dt.date.today(), inventories)))


def validate_project_file(
    path: Path,
    as_of: dt.date | None = None,
    doc: YamlDocument | None = None,
    *,
    rendered: bool = True,
    inventories: Sequence[Path] = (),
) -> ValidateResult:
    """Schema, then project rules, then the Azure rules on every declared deployment, then (with
    ``rendered``) the rules on what each environment renders to, then the deployment inventories."""
    from configgen.pipeline import validate_project

    when = as_of or dt.date.today()
    return ValidateResult(sort_findings(validate_project(path, when, doc, rendered=rendered, inventories=inventories)))


class UsageError(Exception):
    """Bad command-line usage (exit 2): unknown environment, missing project file, ..."""


def environment_names(project_path: Path) -> list[str]:
    """The environments a project file declares (empty when it cannot be read): for usage messages."""
    from configgen.load.yaml import load_yaml_file

    doc, _ = load_yaml_file(project_path)
    envs = doc.data.get("environments") if doc is not None and isinstance(doc.data, dict) else None
    return [str(k) for k in envs] if isinstance(envs, dict) else []


# A plain class, not a dataclass: `dataclasses` imports inspect, 45 M instructions of each validate.
class RenderResult:
    def __init__(
        self,
        findings: list[Finding] | None = None,
        files: list[PlannedFile] | None = None,
        written: list[Path] | None = None,
        drift: bool = False,
        commands: dict[str, str] | None = None,
        stale: list[PlannedFile] | None = None,
        removed: list[Path] | None = None,
    ) -> None:
        self.findings = [] if findings is None else findings
        self.files = [] if files is None else files
        self.written = [] if written is None else written
        self.drift = drift
        #: per environment, the command that renders it again from here (what --check tells to run)
        self.commands = {} if commands is None else commands
        #: generated files of these environments that the project no longer renders (to remove)
        self.stale = [] if stale is None else stale
        self.removed = [] if removed is None else removed

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.findings, strict, self.drift)


def _stale(loaded: LoadedProject, rendered: Sequence[Rendered], out_for: Callable[[str], Path | None],
           planned: list[tuple[Path, str, int]]) -> list[PlannedFile]:
    """Files this project rendered for these environments earlier that it renders no more, found under
    each environment's output folder (--out, else `outputs.dir`)."""
    from configgen.plan import stale_files
    from configgen.render.outputs import output_root

    keep = {p for p, _, _ in planned}
    found: list[PlannedFile] = []
    for item in rendered:
        model = loaded.envs[item.env].model
        assert model is not None
        root = output_root(item.env, model, out_for(item.env), loaded.path.parent)
        found += stale_files([root], loaded.path.name, item.env, keep)
    return found


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
    from configgen.pipeline import check_project, check_rendered, names_inventories, render_project
    from configgen.plan import Action, plan_files
    from configgen.render.header import regenerate_command, split_header
    from configgen.render.outputs import output_path
    from configgen.rules.inventory.bind import check_against_inventories
    from configgen.write import WriteError, write_all

    when = as_of or dt.date.today()
    if not project_path.exists():
        raise UsageError(f"project file {project_path} not found (use -p/--project FILE)")
    env_names = [env_name] if isinstance(env_name, str) else list(env_name)
    loaded, findings = check_project(project_path, when, None)
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
    if loaded.project is not None and not has_errors(result.findings) and names_inventories(loaded):
        result.findings = sort_findings([*result.findings, *check_against_inventories([], [loaded], [], when)])
    if has_errors(result.findings) or loaded.project is None:
        return result
    def out_for(env: str) -> Path | None:
        return out_dir / env if out_dir is not None and len(env_names) > 1 else out_dir

    cwd = Path.cwd()
    result.commands = {env: regenerate_command(env, project_path, out_for(env), cwd) for env in env_names}
    rendered = render_project(loaded, env_names, template_dirs, result.commands)
    if template_dirs or loaded.project.templates:
        # A project's own templates write what no test of configgen has seen: re-check exactly those
        # bytes before writing them. The built-in templates' output is what `validate` re-checks.
        result.findings = sort_findings([*result.findings, *check_rendered(loaded, rendered, when)])
        if has_errors(result.findings):
            return result
    project_dir = project_path.parent
    planned: list[tuple[Path, str, int]] = []
    for item in rendered:
        view = loaded.envs[item.env]
        assert view.model is not None
        target = out_for(item.env)
        for out, text in item.outputs.items():
            planned.append((output_path(item.env, view.model, out, target, project_dir), text, out.mode))
    # Two spellings of one file (`gen/x/../server/.env`, a symlinked folder) are one file.
    real = [os.path.realpath(p) for p, _, _ in planned]
    clashes = sorted({str(p) for (p, _, _), r in zip(planned, real, strict=True) if real.count(r) > 1})
    if clashes:
        raise UsageError(f"several outputs would write the same file: {', '.join(clashes)} (check `outputs:`)")
    result.files = plan_files(planned)
    # A destination that is not a regular file (a link, pipe, device, folder) is neither read nor
    # replaced, whatever the mode: say so at that path (render, --check and --dry-run alike).
    refused = [f for f in result.files if f.problem is not None]
    if refused:
        result.findings += [
            Finding(
                "render-destination",
                Severity.ERROR,
                f"cannot write this output: {f.problem}",
                "remove or rename what is there, or point the output elsewhere (`outputs:` or --out)",
                str(f.path),
                1,
                1,
            )
            for f in refused
        ]
        return result
    changed = [f for f in result.files if f.action is not Action.UNCHANGED]
    result.stale = _stale(loaded, rendered, out_for, planned)
    if check:
        result.drift = bool(changed or result.stale)
        return result
    edited = [f for f in [*changed, *result.stale] if f.hand_edited]
    if edited and not force:
        for f in edited:
            ours = split_header(f.old or "")[0] is not None
            result.findings.append(
                Finding(
                    "render-hand-edited",
                    Severity.ERROR,
                    "this generated file is no longer rendered, and was edited by hand since; not removing it"
                    if f in result.stale
                    else "this generated file was edited by hand since configgen wrote it; not overwriting it"
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
        # Once the new set is in place: a leftover removed now, or (after a kill) reported and removed
        # by the next render, never a half-written set.
        for f in result.stale:
            try:
                f.path.unlink()
                result.removed.append(f.path)
            except OSError as exc:
                result.findings.append(Finding("write-failed", Severity.ERROR, f"cannot remove this leftover: {exc}",
                                               "remove it by hand", str(f.path), 1, 1))
    return result
