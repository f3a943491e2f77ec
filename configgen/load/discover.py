"""Which project file a command means when no -p is given (no Pydantic here: shell completion uses it)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PROJECT_FILE = "configgen.yaml"
#: Names the project file when no -p is given (as GIT_DIR names git's).
PROJECT_ENV = "CONFIGGEN_PROJECT"


def find_project_file(explicit: Path | None, cwd: Path | None = None) -> Path:
    """-p FILE; else $CONFIGGEN_PROJECT; else the nearest configgen.yaml from ``cwd`` upwards, not past
    the top of the git repository it is in (as git and pre-commit find theirs); else ./configgen.yaml,
    which the caller reports as missing."""
    if explicit is not None:
        return explicit
    named = os.environ.get(PROJECT_ENV)
    if named:
        return Path(named)
    from configgen.cache import note

    here = cwd or Path.cwd()
    for directory in (here, *here.parents):
        candidate = directory / DEFAULT_PROJECT_FILE
        note(candidate)  # a project file that appears nearer later changes which one is meant (cache)
        note(directory / ".git")
        if candidate.is_file():
            return candidate
        if (directory / ".git").exists():
            break
    return here / DEFAULT_PROJECT_FILE
