"""`configgen doctor ENV`: check a running environment the way the app reaches it.

Replaces the seed's connectivity script and its Troubleshooting section: every failure names its
cause (connection refused, DNS, timeout, TLS, redirect, 401/403, 404 deployment or model, 429, a
fallback) and a next step naming the file, line and key to change. Nothing here prints; results are
reported as they finish (``on_done``).

The modules, one job each:

- :mod:`~configgen.tools.doctor.http`: the HTTP client (no redirects, a deadline per exchange, a size limit);
- :mod:`~configgen.tools.doctor.proxy` and :mod:`~configgen.tools.doctor.direct`: the checks of each mode;
- :mod:`~configgen.tools.doctor.advice`: an Azure or LiteLLM answer -> its cause and the project key to fix;
- :mod:`~configgen.tools.doctor.results`: the result model; :mod:`~configgen.tools.doctor.context`: what
  the checks of one run share; :mod:`~configgen.tools.doctor.runner`: :func:`run_doctor`.
"""

from __future__ import annotations

from configgen.tools.doctor.results import CheckResult, DoctorResult, DoctorUsageError, Outcome, Status
from configgen.tools.doctor.runner import DEADLINE_FACTOR, DEFAULT_TIMEOUT, run_doctor

__all__ = [
    "DEADLINE_FACTOR",
    "DEFAULT_TIMEOUT",
    "CheckResult",
    "DoctorResult",
    "DoctorUsageError",
    "Outcome",
    "Status",
    "run_doctor",
]
