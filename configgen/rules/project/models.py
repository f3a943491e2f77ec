"""Project: the models files (Azure's own model lists) that resources name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from configgen.findings import Finding, Severity
from configgen.load.azure_models import ModelsFileError, load_models_file, norm_location
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


@rule("project-models-file", Severity.ERROR, "a resource's models file cannot be used", "project")
def models_file(target: ProjectTarget) -> Iterator[Finding]:
    """A resource's `models:` names a file that is missing, is not a models file (`configgen catalog
    fetch` / `catalog import` write them), or has no list for the resource's region: the lifecycle
    checks would silently fall back to the bundled table, whose dates Microsoft keeps moving.
    """
    for name, res in target.project.resources.items():
        if not res.models:
            continue
        where = ("resources", name, "models")
        try:
            data = load_models_file(Path(target.doc.file).parent / res.models)
        except ModelsFileError as exc:
            yield target.doc.finding(
                "project-models-file",
                Severity.ERROR,
                where,
                str(exc),
                f"write it with `configgen catalog fetch --location {res.region}`",
            )
            continue
        if norm_location(res.region) not in data.locations:
            have = ", ".join(sorted(data.locations)) or "none"
            yield target.doc.finding(
                "project-models-file",
                Severity.ERROR,
                where,
                f"{res.models} has no model list for {res.region} (it has: {have})",
                f"fetch it: `configgen catalog fetch --location {norm_location(res.region)} --out {res.models}`",
            )
