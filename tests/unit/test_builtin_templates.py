"""configgen.render.builtin writes what the built-in Jinja templates write, byte for byte, or refuses
the same value with the same message: on the example, a bench project and mutated contexts."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from configgen.model.load import load_project
from configgen.render.builtin import BUILTIN
from configgen.render.context import build_context
from configgen.render.escape import UnsafeValue
from configgen.render.jinja import _jinja_env, render_environment
from configgen.render.outputs import OUTPUTS, outputs_for
from configgen.render.sandbox import render_bounded

ROOT = Path(__file__).parents[2]
AS_OF = dt.date(2026, 11, 27)
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
TEMPLATES = ROOT / "configgen" / "render" / "templates"


def _jinja(template: str, ctx: dict[str, Any]) -> str:
    return render_bounded(_jinja_env([]).get_template(template), ctx)


def _answer(render: Any, ctx: dict[str, Any]) -> tuple[str, str]:
    try:
        return "text", render(ctx)
    except UnsafeValue as exc:
        return "unsafe", str(exc)


def _contexts(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    loaded = load_project(path)
    assert loaded.project is not None and loaded.ok, [f.message for f in loaded.findings]
    out = []
    for name, view in loaded.envs.items():
        assert view.model is not None
        ctx = build_context(loaded.project, name, view.model)
        out += [(name, o.template, ctx) for o in outputs_for(view.model) if o.template]
    return out


def _bench_project(tmp_path: Path, n: int) -> Path:
    spec = importlib.util.spec_from_file_location("bench_make_project", ROOT / "bench" / "make_project.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # dataclasses look their module up while the class is created
    spec.loader.exec_module(generator)
    path = tmp_path / "configgen.yaml"
    path.write_text(generator.make_project(n, 7, 3), encoding="utf-8")
    return path


def test_every_template_has_its_python_twin_and_nothing_else_does() -> None:
    assert set(BUILTIN) == {o.template for o in OUTPUTS if o.template} == {p.name for p in TEMPLATES.glob("*.j2")}


def test_the_example_renders_the_same_bytes() -> None:
    cases = _contexts(EXAMPLE)
    assert {t for _, t, _ in cases} == set(BUILTIN)  # the example reaches every template
    for env, template, ctx in cases:
        assert BUILTIN[template](ctx) == _jinja(template, ctx), (env, template)


def test_a_bench_project_renders_the_same_bytes(tmp_path: Path) -> None:
    for env, template, ctx in _contexts(_bench_project(tmp_path, 60)):
        assert BUILTIN[template](ctx) == _jinja(template, ctx), (env, template)


# ---- mutated contexts: every branch, and values the escapers refuse --------------------------------

TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "a b", "x;y", "$(id)", "a\nb", "'q'", '"d"', "\\", "\u2028", "\ud800", "#", "{x}", "10.0.0.1"]),
)
LEAF = {
    str: TEXT,
    int: st.one_of(st.integers(-5, 10**7), st.just(True)),
    bool: st.booleans(),
}


def _leaves(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], type]]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*here, k))]
    if isinstance(data, list | tuple):
        return [leaf for i, v in enumerate(data) for leaf in _leaves(v, (*here, i))]
    return [(here, type(data))] if type(data) in LEAF else []


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, tuple):
        return tuple(_set(v, rest, value) if i == head else v for i, v in enumerate(data))
    data[head] = _set(data[head], rest, value)
    return data


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    ctx = copy.deepcopy(base)
    leaves = _leaves(ctx)
    for path, kind in draw(st.lists(st.sampled_from(leaves), max_size=6)):
        ctx = _set(ctx, path, draw(LEAF[kind]))
    for key in draw(st.lists(st.sampled_from(["identity", "fallbacks", "balancer.tls", "proxy.redis"]), max_size=2)):
        parent, _, leaf = key.rpartition(".")
        holder = ctx[parent] if parent else ctx
        if isinstance(holder, dict) and leaf in holder:
            holder[leaf] = None if leaf != "fallbacks" else []
    if draw(st.booleans()) and ctx.get("proxy"):
        instances = ctx["proxy"]["instances"]
        ctx["proxy"]["instances"] = instances[: draw(st.integers(0, len(instances)))]
    return ctx


EXAMPLE_CASES = _contexts(EXAMPLE)


@settings(max_examples=500)
@given(st.sampled_from(EXAMPLE_CASES).flatmap(lambda c: st.tuples(st.just(c[1]), mutated(c[2]))))
def test_a_mutated_context_gets_the_templates_answer(case: tuple[str, dict[str, Any]]) -> None:
    template, ctx = case
    assert _answer(BUILTIN[template], ctx) == _answer(lambda c: _jinja(template, c), ctx)


def test_a_project_template_of_the_same_name_is_rendered_by_jinja(tmp_path: Path) -> None:
    loaded = load_project(EXAMPLE)
    assert loaded.project is not None
    view = loaded.envs["prod"]
    assert view.model is not None
    (tmp_path / "env.j2").write_text("# ours {{ env|comment }}\n")
    outputs = render_environment(loaded.project, "prod", view.model, source_name="p.yaml", template_dirs=[tmp_path])
    by_kind = {o.kind: text for o, text in outputs.items()}
    assert by_kind["env_file"].endswith("# ours prod\n")
    assert by_kind["nginx"] == {o.kind: t for o, t in render_environment(
        loaded.project, "prod", view.model, source_name="p.yaml").items()}["nginx"]


def test_only_the_twins_hand_over_data_a_project_template_is_judged_from_its_bytes(tmp_path: Path) -> None:
    """The data path is for text configgen knows the data of; a project's own template may write
    anything, so its output is parsed: a key it pastes is found at its line."""
    from configgen.pipeline import check_rendered, render_project

    project = tmp_path / "configgen.yaml"
    project.write_text(EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1))
    (tmp_path / "tpl").mkdir()
    builtin = (TEMPLATES / "litellm.config.yaml.j2").read_text()
    pasted = builtin.replace("    model_info:\n", "      api_key: sk-proj-" + "A1b2C3d4" * 6 + "\n    model_info:\n", 1)
    (tmp_path / "tpl" / "litellm.config.yaml.j2").write_text(pasted)
    loaded = load_project(project)
    done = render_project(loaded, ["prod", "dev"])
    by_env = {r.env: r for r in done}
    litellm = next(o for o in OUTPUTS if o.kind == "litellm_config")
    assert litellm not in (by_env["prod"].built or {})  # the project's template: no data
    assert any(o.kind == "env_file" for o in by_env["prod"].built or {}) is False  # .env is never YAML data
    findings = check_rendered(loaded, done, AS_OF)
    secret = [f for f in findings if f.rule == "litellm-inline-secret"]
    assert secret and all("prod" in f.file and f.line > 6 for f in secret), findings
