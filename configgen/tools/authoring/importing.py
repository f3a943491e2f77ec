"""What both importers share, and the one way an import ends: validate, then write or refuse.

:func:`finish` is the rule for `import litellm` and `import --from-azure` alike: the produced project
is validated exactly as `configgen validate` would (with what it renders); an error the import brings
in means nothing is written (exit 1; with ``dry_run`` the project is still shown); errors the project
file already had are reported but do not block an import that adds no new error. Every value an
importer invents or changes is a note located at the line that holds it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from configgen.findings import DataPath, Finding, Severity, sort_findings

UNMAPPED = "import-unmapped"  # in the source, not carried into the project
SKIPPED = "import-skipped"  # a deployment left out, and why
GUESSED = "import-guessed"  # a value the import chose or changed: check it
_NAME_BAD = re.compile(r"[^A-Za-z0-9._-]+")


class ImportFailed(Exception):
    """The input cannot be imported at all (message says why; ``findings`` where, when known)."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass(frozen=True)
class Pending:
    """A note about a value in the produced project, located once the project text exists."""

    path: DataPath
    message: str
    hint: str = ""
    severity: Severity = Severity.INFO
    key: bool = True


@dataclass
class ImportResult:
    text: str
    #: What was not imported, or was chosen, located in the source files or the produced project.
    notes: list[Finding] = field(default_factory=list)
    #: Schema problems of the produced project.
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # `resource/deployment` refs added


def safe_name(text: str, fallback: str = "imported") -> str:
    """A project `Name`: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 64."""
    name = _NAME_BAD.sub("-", text).strip("-._")[:64]
    return name or fallback


def key_env_name(resource_key: str) -> str:
    return "AZURE_OPENAI_API_KEY_" + re.sub(r"[^A-Za-z0-9]+", "_", resource_key).strip("_").upper()


def choose_api_version(models: list[tuple[str | None, str | None]]) -> str:
    """The latest GA api-version if it serves every model, else the latest dated preview (FACTS.md:
    newer models need newer api-versions, and Azure answers 400 for a version too old for a model)."""
    from configgen.knowledge.azure_catalog import load_catalog

    cat = load_catalog()
    for candidate in (cat.latest_ga(), cat.latest_preview()):
        ok = True
        for model, version in models:
            mv = cat.model_version(model, version) if model and version else None
            if mv is not None and not cat.supports(candidate, mv.min_api):
                ok = False
        if ok:
            return candidate
    return cat.latest_preview()


def modeline_comment() -> str:
    """Project files configgen writes point editors at the schema (`configgen schema` writes the file)."""
    from configgen.model.jsonschema import DEFAULT_PATH, MODELINE_PREFIX

    return f"{MODELINE_PREFIX.removeprefix('# ')}{DEFAULT_PATH}\n"


def schema_findings(text: str, path: Path) -> list[Finding]:
    from configgen.load.yaml import load_yaml_text
    from configgen.model.load import validate_document

    doc, problems = load_yaml_text(text, str(path))
    if doc is None:
        return problems
    return validate_document(path, doc).findings


def located(pending: list[Pending], text: str, path: Path) -> list[Finding]:
    """The notes about produced values, at their lines in ``text`` (the project as it is written)."""
    from configgen.load.yaml import load_yaml_text

    doc, _ = load_yaml_text(text, str(path))
    if doc is None:
        return []
    return [doc.finding(GUESSED, p.severity, p.path, p.message, p.hint, key=p.key) for p in pending]


@dataclass
class Outcome:
    """What an import ends with; the command prints it and exits with ``exit_code``."""

    findings: list[Finding]
    exit_code: int
    message: str
    #: The project text to print (on --dry-run), or None.
    show: str | None = None


def finish(
    result: ImportResult, path: Path, *, baseline: str | None, as_of: dt.date | None, dry_run: bool
) -> Outcome:
    """Validate the produced project like `configgen validate`, then write it unless the import adds an error.

    ``baseline`` is the project file as it is now (None: there is none, or it is being replaced).
    """
    from configgen.plan import plan_files
    from configgen.tools.authoring.edit import locate_on_disk, validate_text
    from configgen.write import WriteError, write_all

    checks, new_errors = validate_text(result.text, path, as_of or dt.date.today(), baseline, rendered=True)
    if new_errors:
        # Not written: what is in the file on disk is shown there, the rest in the text as it would be.
        project = [f for f in result.notes + checks if f.file == str(path)]
        others = [f for f in result.notes + checks if f.file != str(path)]
        shown = sort_findings(others + locate_on_disk(project, result.text, path, baseline))
        n = len(new_errors)
        return Outcome(
            shown,
            1,
            f"not written: the import would add {n} error{'s' if n > 1 else ''} to {path}"
            + ("" if dry_run else " (--dry-run prints the project it would write)"),
            result.text if dry_run else None,
        )
    shown = sort_findings(result.notes + checks)
    if dry_run:
        return Outcome(shown, 0, f"dry run: {path} not written", result.text)
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    try:
        written = write_all(plan_files([(path, result.text, mode)]))
    except WriteError as exc:
        return Outcome(shown, 1, f"cannot write {exc.path}: {exc.message}")
    verb = "unchanged" if not written else "written"
    more = f"; added {', '.join(result.added)}" if result.added else ""
    return Outcome(shown, 0, f"{verb}: {path}{more}")
