"""Shared test setup. Fixtures that start real servers live in tests/support/fixtures.py."""

pytest_plugins = ["tests.support.fixtures"]
