"""The Jinja sandbox for templates, bounded in time and in the size of what they build.

Jinja's sandbox stops templates from reaching Python objects, not from looping or allocating without
end: `{% for i in range(10**5) %}{% for j in range(10**5) %}`, `{% set s = s ~ s %}` in a loop,
`'x'.ljust(2000000000)`, `'{:999999999}'.format(1)` or a join over a huge product would hang the
render or end it in MemoryError. Here every operation that can build a large value checks the size
of its result *before* building it (`~`, `+`, `*`, `**`, `%`, str methods, str.format, the filters
that pad or join), each rendered file is bounded in size while it is generated, and the whole file
in time (SIGALRM in the main thread; the checks above also look at the clock). A template over a limit
fails with :class:`TemplateLimit`, naming the template, its line and the limit.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

from configgen.load.limits import TEMPLATE_OUTPUT, TEMPLATE_SECONDS, TEMPLATE_VALUE, Limit

#: Bits an integer built by a template may have (10**30000 is far beyond any configuration value).
MAX_INT_BITS = 100_000


class TemplateLimit(Exception):
    """A template went over a limit; ``where`` is `template:line` when known."""

    def __init__(self, what: str, limit: Limit, where: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.limit = limit
        self.where = where

    def __str__(self) -> str:
        at = f"{self.where}: " if self.where else ""
        return f"{at}{self.what}; {self.limit.how_to_raise()}"


class _Deadline(BaseException):
    """Raised by the timer inside template code; a BaseException, so no `except Exception` in Jinja
    or in a filter swallows it."""


class _Budget(threading.local):
    deadline = math.inf


_BUDGET = _Budget()


def _check_time() -> None:
    if time.monotonic() > _BUDGET.deadline:
        raise _Deadline


def _too_big(size: int) -> None:
    limit = TEMPLATE_VALUE.value()
    if size > limit:
        raise TemplateLimit(f"a template tried to build a value of {size:,} characters or items", TEMPLATE_VALUE)


def _str_len(x: object) -> int:
    return len(x) if isinstance(x, str | list | tuple) else len(str(x))


def bounded_concat(parts: Iterable[object]) -> str:
    """`a ~ b`: the size is known before the string is built."""
    texts = [p if isinstance(p, str) else str(p) for p in parts]
    _too_big(sum(len(t) for t in texts))
    return "".join(texts)


class _BoundedCodeGenerator(CodeGenerator):
    def visit_Concat(self, node: jinja2.nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


_WIDTH = re.compile(r"(\d+)")
# printf-style conversions: flags, width or *, precision or .*
_PERCENT = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _spec_size(spec: str) -> int:
    """The largest width or precision a format spec asks for."""
    return max((int(n) for n in _WIDTH.findall(spec)), default=0)


def _check_percent(fmt: str) -> None:
    for width, precision in _PERCENT.findall(fmt):
        if "*" in (width, precision):
            raise SecurityError("a `*` width in a %-format is not allowed in templates")
        _too_big(max(int(width or 0), int(precision or 0)))


class _BoundedFormatter(SandboxedFormatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        _too_big(_spec_size(format_spec))  # nested `{:{w}}` fields are resolved by now
        return super().format_field(value, format_spec)


def _str_method_size(obj: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int | None:
    """The size of what ``obj.name(*args)`` would build, for the methods that can make it huge."""
    values = [*args, *kwargs.values()]
    if name in ("ljust", "rjust", "center", "zfill") and values and isinstance(values[0], int):
        return max(len(obj), values[0])
    if name == "expandtabs":
        size = values[0] if values and isinstance(values[0], int) else 8
        return len(obj) + obj.count("\t") * max(size, 0)
    if name == "replace" and len(values) >= 2 and isinstance(values[0], str) and isinstance(values[1], str):
        hits = obj.count(values[0]) if values[0] else len(obj) + 1
        return len(obj) + hits * max(len(values[1]) - len(values[0]), 0)
    return None


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with every way to build a huge value bounded (see the module docstring)."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.bounded_concat = bounded_concat
        self.globals.pop("lipsum", None)  # lipsum(n=10**9): nothing a configuration needs
        self.filters.update(_BOUNDED_FILTERS)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        ints = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
        if operator == "**" and len(ints) == 2:
            if right > 64 or abs(left).bit_length() * max(right, 0) > MAX_INT_BITS:
                raise SecurityError(f"a template tried to build a number of more than {MAX_INT_BITS:,} bits (`**`)")
        elif operator == "*":
            sized = [x for x in (left, right) if isinstance(x, str | list | tuple)]
            if sized and ints:
                weight = 1 if isinstance(sized[0], str) else 16  # a list item costs a pointer and more
                _too_big(len(sized[0]) * max(ints[0], 0) * weight)
            elif len(ints) == 2 and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError(f"a template tried to build a number of more than {MAX_INT_BITS:,} bits (`*`)")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _too_big(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_percent(left)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_time()
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`'{:999999999}'.format(x)`: Jinja's own wrapper, with a formatter that checks each field."""
        if super().wrap_str_format(value) is None:
            return None
        f_self: str = value.__self__
        is_format_map = value.__name__ == "format_map"
        formatter = _BoundedFormatter(self)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return type(f_self)(formatter.vformat(f_self, args, kwargs))

        return wrapper

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_time()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name == "join":
                items = [str(x) for x in (args[0] if args else ())]
                _too_big(sum(len(x) for x in items) + len(owner) * max(len(items) - 1, 0))
                args = (items, *args[1:])
            else:
                size = _str_method_size(owner, name, args, kwargs)
                if size is not None:
                    _too_big(size)
        return super().call(__context, __obj, *args, **kwargs)


def _bounded(filter_name: str, size: Callable[..., int]) -> Callable[..., Any]:
    real = JINJA_FILTERS[filter_name]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        _too_big(size(*args, **kwargs))
        return real(*args, **kwargs)

    wrapper.__name__ = real.__name__
    for attr in ("jinja_pass_arg",):  # keep pass_context / pass_eval_context markers
        if hasattr(real, attr):
            setattr(wrapper, attr, getattr(real, attr))
    return wrapper


def _center_size(value: object, width: int = 80) -> int:
    return max(_str_len(value), int(width))


def _indent_size(value: object, width: int | str = 4, *args: Any, **kwargs: Any) -> int:
    text = str(value)
    per_line = len(width) if isinstance(width, str) else int(width)
    return len(text) + (text.count("\n") + 1) * per_line


def _format_size(value: object, *args: Any, **kwargs: Any) -> int:
    _check_percent(str(value))
    return _str_len(value)


def _join_size(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> int:
    items = list(value) if not isinstance(value, list | tuple) else value
    _too_big(len(items) * 16)
    return sum(_str_len(x) for x in items) + len(str(d)) * max(len(items) - 1, 0)


def _replace_size(eval_ctx: Any, s: object, old: str, new: str, count: int | None = None) -> int:
    text = str(s)
    hits = text.count(str(old)) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(str(new)) - len(str(old)), 0)


_BOUNDED_FILTERS = {
    "center": _bounded("center", _center_size),
    "indent": _bounded("indent", _indent_size),
    "format": _bounded("format", _format_size),
    "join": _bounded("join", _join_size),
    "replace": _bounded("replace", _replace_size),
}


def template_position(tb: TracebackType | None) -> str:
    """`template:line` of the innermost template frame of a traceback ("" when there is none)."""
    where = ""
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        code = tb.tb_frame.f_code.co_filename
        if template is not None:
            where = f"{template.name}:{template.get_corresponding_lineno(tb.tb_lineno)}"
        elif code.endswith(".j2"):  # a frame Jinja rewrote to point at the template source
            where = f"{code.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


#: Templates that ran out of time, by file (and its version): the next environment fails at once
#: instead of waiting again.
_TIMED_OUT: dict[str, TemplateLimit] = {}


def _stamp(filename: str | None) -> str:
    from pathlib import Path

    try:
        st = Path(filename).stat() if filename else None
    except OSError:
        return ""
    return f"{st.st_mtime_ns}:{st.st_size}" if st is not None else ""


def _generator_position(gen: Any, template: Any) -> str:
    """`template:line` where a paused template generator stands (the innermost one, includes too)."""
    where = template.name or ""
    while gen is not None:
        frame = getattr(gen, "gi_frame", None)
        found = frame.f_globals.get("__jinja_template__") if frame is not None else None
        if found is not None and frame is not None:
            where = f"{found.name}:{found.get_corresponding_lineno(frame.f_lineno)}"
        gen = getattr(gen, "gi_yieldfrom", None)
    return where


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render ``template`` within TEMPLATE_SECONDS and TEMPLATE_OUTPUT characters.

    Raises :class:`TemplateLimit` over a limit; any other exception of the template passes through.
    """
    key = f"{template.filename or template.name}:{_stamp(template.filename)}:{TEMPLATE_SECONDS.value()}"
    if key in _TIMED_OUT:
        raise _TIMED_OUT[key]
    seconds = TEMPLATE_SECONDS.value()
    max_chars = TEMPLATE_OUTPUT.value()
    chunks: list[str] = []
    size = 0
    outer = _BUDGET.deadline
    _BUDGET.deadline = min(outer, time.monotonic() + seconds)
    gen = template.generate(context)
    with _Alarm(_BUDGET.deadline):
        try:
            for chunk in gen:
                size += len(chunk)
                if size > max_chars:
                    raise TemplateLimit(
                        f"the rendered file would be larger than {max_chars:,} characters", TEMPLATE_OUTPUT,
                        _generator_position(gen, template),
                    )
                chunks.append(chunk)
        except _Deadline as exc:
            where = template_position(exc.__traceback__) or _generator_position(gen, template)
            _TIMED_OUT[key] = TemplateLimit(f"rendering took longer than {seconds} s", TEMPLATE_SECONDS, where)
            raise _TIMED_OUT[key] from None
        except TemplateLimit as exc:
            if not exc.where:
                exc.where = template_position(exc.__traceback__)
            raise
        finally:
            _BUDGET.deadline = outer
    return "".join(chunks)


class _Alarm:
    """SIGALRM at ``deadline`` (monotonic) while the block runs, when this is the main thread."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.armed = False
        self.previous: Any = None

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return  # the clock checks in the sandbox's hooks still apply
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            return  # someone else's timer is running: do not steal it
        self.previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(self.deadline - time.monotonic(), 0.001))
        self.armed = True

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Deadline


