"""What a command prints its findings as: the format `--format auto` means here, the terminal
presentation or the plain report, and (for :mod:`configgen.cli.fast`) `click.echo` without click.

Click-free, so that `validate` can print without importing click: :func:`report` decides the text and
where it goes, :func:`configgen.cli.options.emit` writes it with click.echo and :mod:`configgen.cli.fast`
with :func:`echo`, which does what click.echo does with a str on a POSIX text stream.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

FORMATS = ("auto", "text", "json", "github", "sarif")
COLOR_CHOICES = ("auto", "always", "never")
#: click._compat._ansi_re: what click.echo strips from text that goes to no terminal
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


def resolve_format(name: str) -> str:
    """`--format auto`: GitHub annotations inside GitHub Actions, text elsewhere."""
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name


def is_terminal(err: bool) -> bool:
    return _isatty(sys.stderr if err else sys.stdout)


def report(findings: Sequence[Any], fmt: str, mode: str, *, err: bool = False) -> tuple[str, bool, bool | None]:
    """(text, whether it goes to stderr, colour: True/False, or None for "as click decides") for
    ``findings`` in format ``fmt`` with colour mode ``mode`` (text on stderr when ``err``: the
    command's real output is stdout).

    Text on a terminal (or with --color always) is the terminal presentation: colour unless NO_COLOR or
    --color never, source lines with carets, a summary. Anything else is the plain report, byte for byte.
    """
    from configgen.report import REPORTERS

    name = resolve_format(fmt)
    to_err = err and name == "text"
    if name == "text" and (mode == "always" or (is_terminal(to_err) and findings)):
        from configgen.cli.terminal import terminal

        colour = mode == "always" or (mode == "auto" and not os.environ.get("NO_COLOR"))
        return terminal(list(findings), colour=colour), to_err, colour
    return REPORTERS[name](findings), to_err, None


def echo(message: str, *, err: bool = False, color: bool | None = None) -> None:
    """``click.echo(message, nl=False, err=err, color=color)`` for a str: ANSI escape sequences are
    stripped unless ``color`` (None: unless the stream is a terminal), then it is written and flushed."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no standard stream to write to
        return
    if not message:
        stream.flush()
        return
    if (not color) if color is not None else not _isatty(stream):
        message = _ANSI.sub("", message)
    stream.write(message)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # as click._compat.isatty: a closed, replaced or missing stream is no terminal
        return False
