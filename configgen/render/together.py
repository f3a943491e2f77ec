"""What the environments of one render share while they are rendered together (pipeline.render_project).

Environments serve the same deployments: what a model entry says of a deployment is worked out once
(configgen.render.context), and identical litellm_params become one object, so the rules that judge an
entry by its litellm_params judge it once for all the environments (configgen.render.litellm_data,
configgen.rules.litellm.common "screening"). What is shared is read, never changed, and gone when the
block ends; outside one, nothing is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_SHARED: ContextVar[dict[str, dict[Any, Any]] | None] = ContextVar("configgen_rendered_together", default=None)


@contextmanager
def sharing() -> Iterator[None]:
    """Share between the environments rendered in the block."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(name: str) -> dict[Any, Any] | None:
    """The table ``name`` the environments of this render share; None outside :func:`sharing`."""
    tables = _SHARED.get()
    return None if tables is None else tables.setdefault(name, {})
