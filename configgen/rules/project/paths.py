"""Project rules: render writes only where the project's folder (or a folder it declares) allows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from configgen.cache import note
from configgen.findings import Finding, Severity
from configgen.render.outputs import output_path, outputs_for, override
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


@rule("project-output-outside", Severity.ERROR, "an output or the templates folder is outside the project's folder",
      "project")
def output_outside(t: ProjectTarget) -> Iterator[Finding]:
    """`outputs:` paths are relative to the project file, and `render` writes them with the rights of
    whoever runs it: `env_file: ../../../home/me/.bashrc.d/dev.sh` or `dir: /etc/profile.d` would
    write a file that a shell sources at login, from a project file that may come from a pull request.
    So every output must resolve (symlinks followed) inside the project's folder, or inside a folder
    the project declares in `output_roots:` (writing into a sibling app repository is a real need:
    `output_roots: [../chatsheetai-app]`). `templates:` must be inside the project's folder too: a
    template is code that runs at render time, and `templates: /` would let any file on the machine
    be read through an include."""
    project_dir = Path(t.doc.file).parent
    base = os.path.realpath(project_dir)
    roots = [base, *(os.path.realpath(project_dir / root) for root in t.project.output_roots)]
    declared = ", ".join(t.project.output_roots)
    for name, env in t.envs.items():
        model = env.model
        reported: set[str] = set()  # one finding per key: `dir` moves every file it does not override
        for out in outputs_for(model):
            written = output_path(name, model, out, None, project_dir)
            note(written)  # a symlink that appears on the way changes the answer (configgen.cache)
            real = os.path.realpath(written)
            key = out.override if override(model.outputs, out) is not None else "dir"
            assert key is not None
            if _inside(real, roots) or key in reported:
                continue
            reported.add(key)
            what = f"{out.relpath} to {real}" if key != "dir" else f"its files into {Path(real).parent}"
            yield t.env_finding(
                env,
                "project-output-outside",
                Severity.ERROR,
                ("outputs", key),
                f"environment {name} would write {what}, outside the project's folder {base}"
                + (f" and the declared output roots ({declared})" if declared else ""),
                "keep outputs inside the project's folder, or declare the folder in `output_roots:` at the top "
                "of the project file to allow writing there",
            )
    if t.project.templates:
        real = os.path.realpath(project_dir / t.project.templates)
        if not _inside(real, [base]):
            yield t.doc.finding(
                "project-output-outside",
                Severity.ERROR,
                ("templates",),
                f"the templates folder {real} is outside the project's folder {base}",
                "keep project templates in a folder inside the project's folder (templates run at render time)",
            )
