"""Shared test setup. Fixtures that start real servers live in tests/support/fixtures.py."""

from hypothesis import HealthCheck, settings

# Property tests judge correctness, not speed: no per-example deadline (a loaded 2-core CI machine, or
# coverage tracing, must not turn a slow example into a failure).
settings.register_profile("configgen", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("configgen")

pytest_plugins = ["tests.support.fixtures"]

# The result cache (configgen.cache) is for people: tests that start the executable must see every
# run for real, and must not fill the user's cache folder. tests/unit/test_cache.py turns it on.
import os  # noqa: E402

os.environ["CONFIGGEN_NO_CACHE"] = "1"

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _forget_registered_secrets() -> object:
    """Secret values registered by one test (doctor, .env reads) must not redact another test's output."""
    from configgen.secrets import forget_secrets

    yield
    forget_secrets()
