"""The configgen process: what it sets up before a command runs, and the one funnel where what a
command ends with (a return, an exit, an interrupt, a crash) becomes an exit code.

Click-free: :mod:`configgen.cli.fast` runs `validate` through the same funnel without importing click;
:func:`configgen.cli.main.main` adds click's own exceptions around it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def without_pydantic_plugins() -> None:
    """The `configgen` process runs no Pydantic plugins, and does not pay for looking for them.

    Pydantic finds plugins by importing importlib.metadata and scanning every installed package's entry
    points the first time it builds a model: 12-15 ms of each `configgen validate` (0.15 s in all), for
    nothing, since configgen wants no third-party code watching the values it validates. This is what
    PYDANTIC_DISABLE_PLUGINS=__all__ does, minus the import. Only the command does it: the library
    (configgen.app) leaves the plugins of a host process alone. A process that already built a model
    keeps what it found.
    """
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        import types

        stub = types.ModuleType(name)
        stub.get_plugins = tuple  # type: ignore[attr-defined]  # () : no plugins
        sys.modules[name] = stub


def guarded(run: Callable[[], int], say: Callable[[str], None]) -> int:
    """``run()``'s exit code; an interrupt, a `sys.exit`, a closed pipe or a crash become theirs.
    ``say`` prints one line on stderr. An internal error is that one line, not a traceback (with
    CONFIGGEN_DEBUG set, the traceback)."""
    try:
        return run()
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BrokenPipeError:
        return EXIT_FINDINGS
    except Exception as exc:  # the funnel: an internal error is one line, not a traceback
        if os.environ.get("CONFIGGEN_DEBUG"):
            raise
        from configgen.secrets import scrub

        say(
            f"configgen: internal error: {type(exc).__name__}: {scrub(str(exc))} "
            "(set CONFIGGEN_DEBUG=1 for a traceback, and please report it)"
        )
        return EXIT_INTERNAL
