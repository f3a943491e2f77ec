"""The `configgen` executable: the console script and `python -m configgen` both start here.

The process is ours, so its garbage collector is too. A run is short and builds no reference cycles
worth collecting: the cyclic collector would only re-scan what the imports create (10 ms of each
`configgen validate`; peak memory for 5,000 deployments is the same either way). What is left when
the run ends is frozen, so the full collection at interpreter exit skips it (25 ms). Exit handlers
still run. bench/README.md has the figures; :func:`configgen.cli.main.main` leaves a host process's
collector alone.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    gc.disable()  # before click and the rest are imported
    from configgen.cli.main import main as run

    code = run()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    main()
