"""`configgen validate` without click, for the command lines pre-commit and CI give it.

Importing click, with the standard library it brings (inspect, uuid, gettext, threading), was 84 M of
the 541 M instructions `configgen validate` executes on the example: more than everything the run
checks. So the executable (configgen.__main__) tries :func:`run` first. It reads the arguments only
when they are one of the forms below, each read exactly as click reads it for the `validate` command
of configgen.cli.main; for anything else (`--help`, an option given twice, a value click would refuse,
`--inventory`, `--models`, `--check-render`, an option before the command, another command) it
returns None before doing anything, and click runs the command as always, with its own messages.

    validate [FILES]... [-p FILE | --project FILE | --project=FILE] [-f FORMAT | --format[=]FORMAT]
             [--as-of[=]YYYY-MM-DD] [--strict] [--no-cache]

The command then runs the same library calls as the click command, prints through the same report
(configgen.cli.output) and ends through the same funnel (configgen.cli.process).
tests/unit/test_cli_fast.py runs each form both ways and compares what they print and return.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from configgen.cli.output import FORMATS, echo, report
from configgen.cli.process import guarded, without_pydantic_plugins

#: options that take a value -> the field it sets; flags -> theirs (configgen.cli.main's `validate`)
_VALUED = {"-p": "project", "--project": "project", "-f": "fmt", "--format": "fmt", "--as-of": "as_of"}
_FLAGS = {"--strict": "strict", "--no-cache": "no_cache"}


class Arguments(NamedTuple):
    """What click would hand the `validate` command (inventories and models empty, no --check-render)."""

    files: tuple[Path, ...]
    project: Path | None
    fmt: str
    strict: bool
    as_of: dt.date | None


def run(argv: list[str]) -> int | None:
    """The exit code of `configgen ARGV`, run without click; None: click must run it."""
    args = parse(argv)
    if args is None or not _plain_streams():
        return None
    if not args.files:
        from configgen.load.discover import find_project_file

        try:
            path = find_project_file(args.project)
            if not path.exists():
                return None  # click's usage error says so
        except OSError:
            return None
    else:
        path = None
    without_pydantic_plugins()
    return guarded(lambda: _validate(args, path), lambda line: echo(line + "\n", err=True))


def _validate(args: Arguments, path: Path | None) -> int:
    """The body of configgen.cli.main's `validate` for these arguments."""
    from configgen import app

    if args.files:
        result = app.validate_files(list(args.files) + ([args.project] if args.project else []), args.as_of, ())
    else:
        assert path is not None
        result = app.validate_project_file(path, args.as_of, inventories=())
    text, to_err, colour = report(result.findings, args.fmt, "auto")
    echo(text, err=to_err, color=colour)
    return result.exit_code(args.strict)


def parse(argv: list[str]) -> Arguments | None:
    """The `validate` arguments in ``argv``, or None when click must read them."""
    if not argv or argv[0] != "validate":
        return None
    given: dict[str, str | bool] = {}
    files: list[Path] = []
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        i += 1
        if not arg.startswith("-"):
            path = _path(arg, dir_okay=True)
            if path is None:
                return None
            files.append(path)
            continue
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        field: str | None
        given_value: str | bool
        if name in _FLAGS and not eq:
            field, given_value = _FLAGS[name], True
        elif name in _VALUED:
            if not eq:
                if i == len(rest):
                    return None
                value = rest[i]
                i += 1
            if not value or value.startswith("-"):
                return None
            field, given_value = _VALUED[name], value
        else:
            field = None
        if field is None or field in given:
            return None
        given[field] = given_value
    return _arguments(files, given)


def _arguments(files: list[Path], given: dict[str, str | bool]) -> Arguments | None:
    fmt = given.get("fmt", "auto")
    if fmt not in FORMATS:
        return None
    project = given.get("project")
    project_path = _path(project, dir_okay=False) if isinstance(project, str) else None
    if isinstance(project, str) and project_path is None:
        return None
    as_of = given.get("as_of")
    date = None
    if isinstance(as_of, str):
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            return None
    return Arguments(tuple(files), project_path, str(fmt), bool(given.get("strict")), date)


def _path(value: str, *, dir_okay: bool) -> Path | None:
    """``click.Path(dir_okay=..., path_type=Path)`` of ``value``: a path that does not exist as is; one
    that exists must be readable (and not a folder, unless ``dir_okay``); None: click refuses it."""
    if not value:
        return None  # click makes "" the current folder; let it
    path = Path(value)
    try:
        st = path.stat()
    except OSError:
        return path
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return None
    if not os.access(value, os.R_OK):
        return None
    return path


def _plain_streams() -> bool:
    """Whether click.echo would write to sys.stdout and sys.stderr as they are (it wraps a stream whose
    encoding is ASCII in one of its own)."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if stream is None or not isinstance(encoding, str):
            return False
        try:
            if codecs.lookup(encoding).name == "ascii":
                return False
        except LookupError:
            return False
    return True
