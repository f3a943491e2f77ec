"""pytest fixtures shared by the suite (registered from tests/conftest.py)."""
