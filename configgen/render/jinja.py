"""Render an environment's files: built-in templates in Python, a project's own in sandboxed Jinja; pure.

The context handed to templates is plain data (dicts, lists, strings, numbers) computed here, so a
template (built-in or a project's own) only lays text out: it cannot reach Python objects.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from configgen.load.built import Built
from configgen.render.escape import FILTERS, Escaped, UnsafeValue
from configgen.render.header import with_header
from configgen.render.outputs import Output, outputs_for

if TYPE_CHECKING:  # annotations only: checking hand-written files never imports Pydantic
    from configgen.model.project import Environment, Project



class RenderError(Exception):
    """A template failed or a value could not be written safely; carries the output it was rendering."""

    def __init__(self, output: str, message: str) -> None:
        super().__init__(f"{output}: {message}")
        self.output = output
        self.message = message


def _jinja_env(template_dirs: list[Path]) -> Any:
    return _cached_env(tuple(str(d) for d in template_dirs))


@functools.cache
def _cached_env(template_dirs: tuple[str, ...]) -> Any:
    """One environment per template folder set: compiled templates are reused across environments."""
    # Imported here: jinja2 is only paid for by a project's own templates.
    import jinja2
    from jinja2.exceptions import SecurityError

    from configgen.render.sandbox import BoundedSandbox

    class ConfinedLoader(jinja2.FileSystemLoader):
        """Project templates: only files whose real path (symlinks resolved) is inside their folder.

        `followlinks=False` only affects listing; opening `../x` or a symlink to /etc/passwd would
        otherwise work. Refusing (rather than falling back to the built-in) makes the attempt visible.
        """

        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
            source, filename, uptodate = super().get_source(environment, template)
            real = os.path.realpath(filename)
            roots = [os.path.realpath(root) for root in self.searchpath]
            if not any(real.startswith(root + os.sep) for root in roots):
                raise SecurityError(f"template {template} resolves outside the templates folder")
            return source, filename, uptodate

    def finalize(value: object) -> object:
        if isinstance(value, Escaped):
            return value
        raise jinja2.TemplateError(
            f"value {str(value)[:40]!r} reached the output without an escaping filter "
            "(use one of: " + ", ".join(sorted(FILTERS)) + ")"
        )

    loaders: list[jinja2.BaseLoader] = [ConfinedLoader(list(template_dirs), followlinks=False)]
    loaders.append(jinja2.PackageLoader("configgen", "render/templates"))
    env = BoundedSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        # Compiling the templates is most of a render's cost; jinja keeps the bytecode per user in a
        # private (0700) folder of the temp dir, keyed by the template source's checksum.
        bytecode_cache=_bytecode_cache(jinja2),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.filters.update(FILTERS)
    return env


def _bytecode_cache(jinja2: Any) -> Any:
    try:
        # Its own file names: bytecode compiled without the sandbox's bounded `~` must never be reused.
        return jinja2.FileSystemBytecodeCache(pattern="__configgen_bounded_%s.cache")
    except (OSError, RuntimeError):
        return None  # no usable temp dir: compile every time


def render_environment(
    project: Project,
    env_name: str,
    env: Environment,
    *,
    source_name: str,
    command: str | None = None,
    template_dirs: list[Path] | None = None,
    context_builder: Callable[[Project, str, Environment], dict[str, Any]] | None = None,
) -> dict[Output, str]:
    """Render every output of one environment. Raises :class:`RenderError`."""
    return render_outputs(
        project, env_name, env, source_name=source_name, command=command, template_dirs=template_dirs,
        context_builder=context_builder,
    )[0]


def render_outputs(
    project: Project,
    env_name: str,
    env: Environment,
    *,
    source_name: str,
    command: str | None = None,
    template_dirs: list[Path] | None = None,
    context_builder: Callable[[Project, str, Environment], dict[str, Any]] | None = None,
    hashed: bool = True,
) -> tuple[dict[Output, str], dict[Output, Built]]:
    """Every output's text, and for those from a built-in template or a builder the data that text
    parses to (configgen.load.built). Raises :class:`RenderError`. ``hashed=False``: the headers'
    hashes are left out (configgen.render.header.with_header), for text that is only checked.

    A built-in template is laid out by its Python twin (configgen.render.builtin: same bytes, no Jinja);
    a project template that overrides it by name is rendered by Jinja in the sandbox."""
    from configgen.render.builtin import BUILTIN
    from configgen.render.context import build_context

    ctx = (context_builder or build_context)(project, env_name, env)
    dirs = template_dirs or []
    rendered: dict[Output, str] = {}
    known: dict[Output, Built] = {}
    bodies: dict[str, str] = {}
    by_kind: dict[str, Built] = {}
    built: dict[str, dict[str, tuple[str, Built | None]]] = {}
    for out in outputs_for(env):
        builtin = None if out.builder or _overridden(out.template, dirs) else BUILTIN.get(out.template)
        data: Built | None = None
        try:
            if out.builder:
                body, data = _build(out, project, env_name, env, bodies, by_kind, built)
            elif builtin is not None:
                body = builtin(ctx)
                data = _template_data(out, ctx)
            else:
                body = _render_template(out, ctx, dirs)
        except RenderError:
            raise
        except UnsafeValue as exc:
            raise RenderError(out.relpath, f"a value cannot be written safely: {exc}") from exc
        except Exception as exc:
            raise RenderError(out.relpath, f"template {out.template or out.builder} failed: {type(exc).__name__}: {exc}") from exc
        bodies[out.kind] = body
        rendered[out] = with_header(body, out.comment, source_name, env_name, command, hashed=hashed)
        if data is not None:
            known[out] = by_kind[out.kind] = data
    return rendered, known


def _template_data(out: Output, ctx: dict[str, Any]) -> Built | None:
    """The data of a built-in template's text, when the row can tell it (a project's own template is
    judged from its bytes)."""
    if out.data is None:
        return None
    data = _named(out.data)(ctx)
    return None if data is None else Built(data)


def _named(spec: str) -> Callable[..., Any]:
    """The function a table row names as "module:function" (imported when first needed)."""
    import importlib

    module, _, func = spec.partition(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def _overridden(template: str, template_dirs: list[Path]) -> bool:
    """Whether a project folder has its own file of this name (Jinja's loaders would pick that one)."""
    return any(os.path.lexists(d / template) for d in template_dirs)


def _render_template(out: Output, ctx: dict[str, Any], template_dirs: list[Path]) -> str:
    """A project's template, in the bounded sandbox; its failures become RenderError with their line."""
    import jinja2

    from configgen.render.sandbox import TemplateLimit, render_bounded, template_position

    try:
        return render_bounded(_jinja_env(template_dirs).get_template(out.template), ctx)
    except TemplateLimit as exc:
        raise RenderError(out.relpath, f"template {exc}") from exc
    except UnsafeValue:
        raise
    except jinja2.TemplateError as exc:
        where = template_position(exc.__traceback__) or out.template
        raise RenderError(out.relpath, f"template {where}: {exc}") from exc
    except Exception as exc:  # a project template may divide by zero, overflow, call format wrongly...
        where = template_position(exc.__traceback__) or out.template
        raise RenderError(out.relpath, f"template {where} failed: {type(exc).__name__}: {exc}") from exc


def _build(
    out: Output,
    project: Project,
    env_name: str,
    env: Environment,
    bodies: dict[str, str],
    known: dict[str, Built],
    built: dict[str, dict[str, tuple[str, Built | None]]],
) -> tuple[str, Built | None]:
    """A row built by a Python builder (one call per family and environment, see render.outputs)."""
    assert out.builder is not None
    if out.builder not in built:
        built[out.builder] = _named(out.builder)(project, env_name, env, bodies, known)
    files = built[out.builder]
    if out.relpath not in files:
        raise RenderError(out.relpath, f"{out.builder} did not build it")
    return files[out.relpath]
