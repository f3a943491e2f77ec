"""The `configgen` command: bin/configgen (what pip installs) and `python -m configgen` start here.

The process is ours, so its garbage collector is too. A run is short and builds no reference cycles
worth collecting: the cyclic collector would only re-scan what the imports create (10 ms of each
`configgen validate`; peak memory for 5,000 deployments is the same either way). What is left when
the run ends is frozen, so the full collection at interpreter exit skips it (25 ms). Exit handlers
still run. bench/README.md has the figures; :func:`configgen.cli.main.main` leaves a host process's
collector alone. An unchanged `validate` or `render --check` is answered from the result cache
(:mod:`configgen.cache`) before click or any other part of configgen is imported.
"""

import gc
import sys


def main() -> None:
    gc.disable()  # before click and the rest are imported
    from configgen.cache import run_cached

    code = run_cached(sys.argv[1:], _run)
    gc.freeze()
    sys.exit(code)


def _run(argv: list[str]) -> int:
    from configgen.cli.fast import run as run_fast

    code = run_fast(argv)  # the common `validate` command lines, without importing click
    if code is not None:
        return code
    from configgen.cli.main import main as run

    return run(argv)


if __name__ == "__main__":
    main()
