"""What several subcommands share: load the project and pick one environment, or stop with a clear error."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])


def project_file_option(help: str = "Project file (default: ./configgen.yaml).") -> Callable[[_F], _F]:
    """`-p/--project FILE`, the same on every command that reads or writes the project."""
    return click.option(
        "-p", "--project", "project", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help
    )


project_option = project_file_option()


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


#: `--as-of YYYY-MM-DD`, handed to the command as a date (None: today).
as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", callback=_date, help="Date lifecycle rules judge by (default: today)."
)


def run_edit(command: str, action: Callable[[], list[Any]]) -> None:
    """Run a project-file edit: a refused edit prints its findings and exits 1; otherwise the
    warnings and errors of the result are shown (the edit was written)."""
    from configgen.findings import Severity
    from configgen.report import REPORTERS
    from configgen.tools.authoring.edit import EditError

    try:
        findings = action()
    except EditError as exc:
        if exc.findings:
            click.echo(REPORTERS["text"](exc.findings), nl=False, err=True)
        click.echo(f"configgen {command}: {exc}", err=True)
        sys.exit(1)
    shown = [f for f in findings if f.severity is not Severity.INFO]
    if shown:
        click.echo(REPORTERS["text"](shown), nl=False, err=True)


def load_env(project: Path | None, env: str, *, need_model: bool) -> tuple[Any, Any]:
    """(LoadedProject, EnvView) for ENV. Unknown environment: usage error with "did you mean".
    A project that cannot be read (or, with ``need_model``, an environment that fails validation):
    its findings on stderr and exit 1."""
    from configgen.model.load import find_project_file, load_project
    from configgen.report import REPORTERS
    from configgen.suggest import hint_for

    path = find_project_file(project)
    if not path.exists():
        raise click.UsageError(f"project file {path} not found (use -p/--project FILE)")
    loaded = load_project(path)
    if loaded.doc is None or (need_model and loaded.project is None):
        click.echo(REPORTERS["text"](loaded.findings), nl=False, err=True)
        sys.exit(1)
    view = loaded.envs.get(env)
    if view is None:
        names = list(loaded.envs)
        raise click.UsageError(
            f"no environment `{env}` in {path}; " + hint_for(env, names, "environments: " + ", ".join(names))
        )
    if need_model and view.model is None:
        click.echo(REPORTERS["text"](loaded.findings), nl=False, err=True)
        sys.exit(1)
    return loaded, view


#: Read by configgen.cache before click runs (the executable answers an unchanged run from the cache);
#: declared here so that --help documents it and click accepts it from the library entry point too.
no_cache_option = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    expose_value=False,
    help="Do not answer from (or store into) the result cache (also: CONFIGGEN_NO_CACHE=1).",
)
