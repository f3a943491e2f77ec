"""Render an environment's files from sandboxed Jinja templates: pure, returns path -> text.

The context handed to templates is plain data (dicts, lists, strings, numbers) computed here, so a
template (built-in or a project's own) only lays text out: it cannot reach Python objects.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from configgen.render.escape import FILTERS, Escaped, UnsafeValue

if TYPE_CHECKING:  # annotations only: checking hand-written files never imports Pydantic
    from configgen.model.project import Environment, Project

HASH_MARK = "configgen-sha256:"


class Output(NamedTuple):
    """One file a render produces."""

    kind: str  # litellm_config | env_file | env_example | nginx | haproxy | bicep | ...
    relpath: str  # relative to the output directory, POSIX separators
    template: str
    comment: str  # comment leader of the output language
    mode: int = 0o644


class RenderError(Exception):
    """A template failed or a value could not be written safely; carries the output it was rendering."""

    def __init__(self, output: str, message: str) -> None:
        super().__init__(f"{output}: {message}")
        self.output = output
        self.message = message


def outputs_for(env: Environment) -> list[Output]:
    """Which files an environment needs: a proxy config only with a proxy, a balancer snippet per kind."""
    outs: list[Output] = []
    if env.proxy is not None:
        outs.append(Output("litellm_config", "litellm.config.yaml", "litellm.config.yaml.j2", "#"))
    outs.append(Output("env_file", "server/.env", "env.j2", "#", 0o600))
    outs.append(Output("env_example", "server/.env.example", "env.example.j2", "#"))
    if env.balancer is not None and env.proxy is not None:
        outs.extend(_balancer_outputs(env.balancer.kind))
    if env.proxy is not None:
        outs.append(Output("start_script", "proxy/run.sh", "run.sh.j2", "#", 0o755))
        if env.observability.prometheus:
            outs.append(Output("prometheus", "prometheus/litellm.yml", "prometheus.yml.j2", "#"))
    return outs


def _balancer_outputs(kind: str) -> list[Output]:
    return {
        "nginx": [Output("nginx", "nginx/litellm.conf", "nginx.conf.j2", "#")],
        "haproxy": [Output("haproxy", "haproxy/litellm.cfg", "haproxy.cfg.j2", "#")],
        "azure": [Output("bicep", "azure/loadbalancer.bicep", "loadbalancer.bicep.j2", "//")],
    }[kind]


def output_path(env_name: str, env: Environment, out: Output, out_dir: Path | None, project_dir: Path) -> Path:
    """Where an output goes: under --out DIR, else where the project's `outputs:` section says."""
    if out_dir is not None:
        return out_dir / PurePosixPath(out.relpath)
    explicit = getattr(env.outputs, out.kind, None)
    if isinstance(explicit, str):
        return project_dir / explicit.replace("{env}", env_name)
    return project_dir / env.outputs.dir.replace("{env}", env_name) / PurePosixPath(out.relpath)


def _jinja_env(template_dirs: list[Path]) -> Any:
    return _cached_env(tuple(str(d) for d in template_dirs))


@functools.cache
def _cached_env(template_dirs: tuple[str, ...]) -> Any:
    """One environment per template folder set: compiled templates are reused across environments."""
    # Imported here: jinja2 is only paid for by commands that render.
    import os

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
    template_dirs: list[Path] | None = None,
    context_builder: Callable[[Project, str, Environment], dict[str, Any]] | None = None,
) -> dict[Output, str]:
    """Render every output of one environment. Raises :class:`RenderError`."""
    import jinja2

    from configgen.render.context import build_context
    from configgen.render.sandbox import TemplateLimit, render_bounded, template_position

    ctx = (context_builder or build_context)(project, env_name, env)
    jenv = _jinja_env(template_dirs or [])
    rendered: dict[Output, str] = {}
    for out in outputs_for(env):
        try:
            body = render_bounded(jenv.get_template(out.template), ctx)
        except TemplateLimit as exc:
            raise RenderError(out.relpath, f"template {exc}") from exc
        except UnsafeValue as exc:
            raise RenderError(out.relpath, f"a value cannot be written safely: {exc}") from exc
        except jinja2.TemplateError as exc:
            where = template_position(exc.__traceback__) or out.template
            raise RenderError(out.relpath, f"template {where}: {exc}") from exc
        except Exception as exc:  # a project template may divide by zero, overflow, call format wrongly...
            where = template_position(exc.__traceback__) or out.template
            raise RenderError(out.relpath, f"template {where} failed: {type(exc).__name__}: {exc}") from exc
        rendered[out] = with_header(body, out.comment, source_name, env_name)
    return rendered


def _shebang(text: str) -> tuple[str, str]:
    """A script's `#!` line must stay first: the header goes after it."""
    if text.startswith("#!"):
        first, _, rest = text.partition("\n")
        return first + "\n", rest
    return "", text


def with_header(body: str, leader: str, source_name: str, env_name: str) -> str:
    """Prefix the generated-file header; the hash lets `render` notice hand edits later."""
    if not body.endswith("\n"):
        body += "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    safe_source = "".join(ch if ch.isprintable() else "?" for ch in source_name)
    shebang, rest = _shebang(body)
    return (
        f"{shebang}"
        f"{leader} Generated by configgen from {safe_source} (environment: {env_name}). Do not edit by hand:\n"
        f"{leader} change the project file and run `configgen render {env_name}`.\n"
        f"{leader} {HASH_MARK} {digest}\n"
        f"{rest}"
    )


def split_header(text: str) -> tuple[str | None, str]:
    """(recorded hash, body) of a generated file; (None, text) when it has no configgen header."""
    shebang, rest = _shebang(text)
    lines = rest.split("\n", 3)
    if len(lines) == 4 and HASH_MARK in lines[2]:
        return lines[2].split(HASH_MARK, 1)[1].strip(), shebang + lines[3]
    return None, text


def edited_since_generated(text: str) -> bool:
    """True when a generated file's body no longer matches the hash in its header."""
    recorded, body = split_header(text)
    return recorded is not None and hashlib.sha256(body.encode("utf-8")).hexdigest() != recorded
