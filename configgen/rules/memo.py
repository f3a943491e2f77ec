"""What several rules of one target derive from the same data, computed once per target.

:func:`configgen.rules.registry.run_rules` opens a :func:`scope` around the rules of one target. Inside
it, a function decorated with :func:`per_target` computes its result the first time it is called
with a given object (by identity) and hands the same result to every later rule; outside a scope
(a rule called directly, a test) it simply computes. The scope ends with the target, so nothing is
kept between targets or runs, and a result is never shared between two objects that happen to be
equal. Results must be immutable (tuples): rules read them, never change them.

A computation that raises is not remembered: each rule that asks raises again, inside its own
isolation in run_rules, so each becomes its own internal-error finding as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: (function, id(argument)[, values]) -> (argument, result); the argument is kept so its id is not reused.
_Memo = dict[tuple[Any, ...], tuple[Any, Any]]
_SCOPE: ContextVar[_Memo | None] = ContextVar("configgen_rule_memo", default=None)


@contextmanager
def _opened(var: ContextVar[_Memo | None]) -> Iterator[None]:
    if var.get() is not None:  # an enclosing scope is kept as is
        yield
        return
    token = var.set({})
    try:
        yield
    finally:
        var.reset(token)


@contextmanager
def scope() -> Iterator[None]:
    """Share :func:`per_target` results until the block ends (an enclosing scope is kept as is)."""
    with _opened(_SCOPE):
        yield


def per_target(func: Callable[[T], R]) -> Callable[[T], R]:
    """``func(arg)`` computed once per ``arg`` object within a :func:`scope` (:func:`per_values` with no
    values)."""
    return per_values(func)


def per_values(func: Callable[..., R]) -> Callable[..., R]:
    """``func(obj, *values)`` computed once per ``obj`` (by identity, like :func:`per_target`) and per
    hashable ``values`` within a :func:`scope`: a pure lookup that many targets ask with the same
    values (a thousand deployments of a few models share a few verdicts of the catalogue ``obj``).
    Values are compared as dict keys are: pass them with one type each (``1 == True == 1.0``)."""
    return _memoized(func, shared=False)


#: the memo of :func:`across_targets` functions, while a :func:`shared_scope` is open
_SHARED: ContextVar[_Memo | None] = ContextVar("configgen_rule_memo_shared", default=None)


@contextmanager
def shared_scope() -> Iterator[None]:
    """Share :func:`across_targets` results between the targets checked in the block (an enclosing
    shared scope is kept as is). Only those: everything else stays per target, so what one document
    derived (its strings, a few hundred thousand paths at 50,000 deployments) is freed with it."""
    with _opened(_SHARED):
        yield


def across_targets(func: Callable[..., R]) -> Callable[..., R]:
    """:func:`per_values`, but kept for the whole :func:`shared_scope` when one is open: for a pure
    verdict on an object several documents hold (the litellm_params environments rendered together
    share, configgen.render.together.sharing)."""
    return _memoized(func, shared=True)


def _memoized(func: Callable[..., R], *, shared: bool) -> Callable[..., R]:
    @functools.wraps(func)
    def memoized(obj: Any, *values: Any) -> R:
        memo = _SHARED.get() if shared else None
        if memo is None:
            memo = _SCOPE.get()
        if memo is None:
            return func(obj, *values)
        key = (memoized, id(obj), values)
        hit = memo.get(key)
        if hit is not None and hit[0] is obj:
            result: R = hit[1]
            return result
        result = func(obj, *values)
        memo[key] = (obj, result)
        return result

    return memoized


def active() -> bool:
    """Whether a scope is open (tests)."""
    return _SCOPE.get() is not None
