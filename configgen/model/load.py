"""Load a project file: YAML -> Project model -> one validated Environment per environment."""

from __future__ import annotations

from pathlib import Path

from configgen.findings import DataPath, Finding, Severity
from configgen.load.discover import DEFAULT_PROJECT_FILE as DEFAULT_PROJECT_FILE  # re-exported
from configgen.load.discover import find_project_file as find_project_file  # re-exported
from configgen.load.yaml import YamlDocument, load_yaml_file, load_yaml_text
from configgen.model.merge import Layered, merge_environment
from configgen.model.project import FORMAT_VERSION, Environment, Project
from configgen.model.records import ValidationError


# A plain class, not a dataclass: `dataclasses` imports inspect, 45 M instructions of each validate.
class EnvView:
    """One environment: its merged data, where each value came from, and the model (if valid)."""

    def __init__(self, name: str, layered: Layered, model: Environment | None) -> None:
        self.name, self.layered, self.model = name, layered, model

    def origin(self, path: DataPath) -> DataPath:
        return self.layered.origin(path)


class LoadedProject:
    def __init__(
        self,
        path: Path,
        doc: YamlDocument | None,
        project: Project | None,
        envs: dict[str, EnvView] | None = None,
        findings: list[Finding] | None = None,
    ) -> None:
        self.path, self.doc, self.project = path, doc, project
        self.envs = {} if envs is None else envs
        self.findings = [] if findings is None else findings

    @property
    def ok(self) -> bool:
        return self.project is not None and all(v.model is not None for v in self.envs.values())


def load_project(path: Path, *, doc: YamlDocument | None = None, text: str | None = None) -> LoadedProject:
    """Read and validate; problems are findings, never exceptions."""
    if doc is None:
        if text is not None:
            doc, problems = load_yaml_text(text, str(path))
        else:
            doc, problems = load_yaml_file(path, str(path))
        if doc is None:
            return LoadedProject(path, None, None, findings=problems)
    return validate_document(path, doc)


def validate_document(path: Path, doc: YamlDocument) -> LoadedProject:
    result = LoadedProject(path, doc, None)
    data = doc.data
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        result.findings.append(
            Finding(
                "schema-type",
                Severity.ERROR,
                f"a project file must be a mapping of keys, but this one is {what}",
                "start from `configgen init` or examples/chatsheetai/configgen.yaml",
                doc.file,
                1,
                1,
            )
        )
        return result
    version = data.get("version")
    if "version" in data and version != FORMAT_VERSION and isinstance(version, int) and not isinstance(version, bool):
        result.findings.append(
            doc.finding(
                "schema-version",
                Severity.ERROR,
                ("version",),
                f"project format version {version} is not supported by this configgen (it reads version {FORMAT_VERSION})",
                "upgrade configgen, or write `version: 1`",
            )
        )
        return result
    try:
        result.project = Project.model_validate(data)
    except ValidationError as err:
        from configgen.model.schema_errors import findings_from_error  # on errors only: 1 ms a valid project skips

        result.findings.extend(findings_from_error(err, data, Project, doc))
    if result.project is not None and result.project.catalog:
        catalog_problems = _check_catalog(result.project.catalog, doc)
        if catalog_problems:  # the rules would read a catalogue that cannot be built
            result.findings.extend(catalog_problems)
            result.project = None
    defaults = data.get("defaults") if isinstance(data.get("defaults"), dict) else {}
    envs = data.get("environments")
    if not isinstance(envs, dict):
        return result
    for name, override in envs.items():
        if override is not None and not isinstance(override, dict):
            continue  # reported by the Project model
        layered = merge_environment(defaults or {}, override, str(name))
        model: Environment | None = None
        try:
            model = Environment.model_validate(layered.data)
        except ValidationError as err:
            from configgen.model.schema_errors import findings_from_error

            result.findings.extend(findings_from_error(err, layered.data, Environment, doc, origin=layered.origin))
        result.envs[str(name)] = EnvView(str(name), layered, model)
    return result


def _check_catalog(catalog: dict[str, object], doc: YamlDocument) -> list[Finding]:
    """The `catalog:` section against its (Pydantic) models, as located findings (a model entry
    without its `source`, say), so that a wrong section is a schema error, not a crash later."""
    from pydantic import ValidationError as CatalogError  # only projects with a catalog: section
    from pydantic import create_model

    from configgen.model.catalog_extension import CatalogExtension
    from configgen.model.schema_errors import findings_from_error

    # Validated under its key, so that messages and hints name `catalog.models...` as the file does.
    section = create_model("ProjectCatalog", catalog=(CatalogExtension, ...))
    data = {"catalog": catalog}
    try:
        section.model_validate(data)
    except CatalogError as err:
        return findings_from_error(err, data, section, doc)
    return []
