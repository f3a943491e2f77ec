"""Project templates (`templates: DIR`) run sandboxed: known Jinja escapes, includes out of the folder
and symlinks out of it end in a clear render-failed finding, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from configgen.app import render
from configgen.findings import Severity

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = dt.date(2026, 11, 27)
SECRET = "TOP-SECRET-OUTSIDE-THE-TEMPLATES-FOLDER"

# Payloads from public sandbox-escape write-ups (SSTI cheat sheets), each as a whole env.j2.
ESCAPES = {
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__ }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "self-context": "{{ self._TemplateReference__context }}",
    "format-attr": "{{ '{0.__class__.__base__}'.format('')|token }}",
    "escaped-class": "{{ ('a'|token).__class__ }}",
    "include-parent": "{% include '../../etc/passwd' %}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "import-parent": "{% import '../secret.txt' as s %}",
    "unescaped-value": "{{ app.mode }}",
    "markup-safe": "{{ app.mode|safe }}",
}

# Exceptions Jinja lets through (not TemplateError): they must still be a finding, not a crash.
CRASHERS = {
    "range-too-big": "{{ range(10**9)|list|length|int }}",
    "zero-division": "{{ (1 / 0)|int }}",
    "format-type": "{{ '%d'|format('a')|token }}",
}


def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "proj"
    (root / "tpl").mkdir(parents=True)
    text = EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1)
    assert "templates: tpl" in text
    project = root / "configgen.yaml"
    project.write_text(text)
    (root / "secret.txt").write_text(SECRET + "\n")
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    return project, root / "tpl"


def _assert_refused(project: Path, out: Path) -> str:
    result = render(project, "prod", out_dir=out, as_of=AS_OF)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert [f.rule for f in errors] == ["render-failed"], errors
    assert errors[0].line > 0 and errors[0].column > 0
    assert "\n" not in errors[0].message
    assert not out.exists() or not any(out.rglob("*")), "a refused render wrote files"
    assert SECRET not in errors[0].message
    return errors[0].message


def test_project_template_overrides_builtin(tmp_path: Path) -> None:
    """The positive control: without it, every refusal below could be a template that was never used."""
    project, tpl = _project(tmp_path)
    (tpl / "env.j2").write_text("# project template\nLITELLM_MODEL={{ app['values'][1][1]|dotenv }}\n")
    out = tmp_path / "out"
    result = render(project, "prod", out_dir=out, as_of=AS_OF)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert "# project template\nLITELLM_MODEL='gpt-4'\n" in (out / "server" / ".env").read_text()


@pytest.mark.parametrize("body", list(ESCAPES.values()), ids=list(ESCAPES))
def test_known_escapes_are_refused(tmp_path: Path, body: str) -> None:
    project, tpl = _project(tmp_path)
    (tpl / "env.j2").write_text(body + "\n")
    _assert_refused(project, tmp_path / "out")


@pytest.mark.parametrize("body", list(CRASHERS.values()), ids=list(CRASHERS))
def test_template_exceptions_are_findings(tmp_path: Path, body: str) -> None:
    project, tpl = _project(tmp_path)
    (tpl / "env.j2").write_text(body + "\n")
    _assert_refused(project, tmp_path / "out")


@pytest.mark.parametrize("target", ["../secret.txt", "absolute"])
def test_symlink_out_of_the_folder_is_refused(tmp_path: Path, target: str) -> None:
    project, tpl = _project(tmp_path)
    dest = (tmp_path / "secret.txt") if target == "absolute" else Path(target)
    (tpl / "nginx.conf.j2").symlink_to(dest)
    out = tmp_path / "out"
    result = render(project, "prod", out_dir=out, as_of=AS_OF)
    written = "".join(p.read_text() for p in out.rglob("*") if p.is_file()) if out.exists() else ""
    assert SECRET not in written, "a symlink let a project template read a file outside its folder"
    assert "render-failed" in [f.rule for f in result.findings]


def test_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    project, tpl = _project(tmp_path)
    (tpl / "real-env.j2").write_text("# linked\n")
    (tpl / "env.j2").symlink_to("real-env.j2")
    out = tmp_path / "out"
    result = render(project, "prod", out_dir=out, as_of=AS_OF)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert "# linked\n" in (out / "server" / ".env").read_text()


# Templates that loop or allocate without bound, on line 2 of env.j2: (body, limit variable or "" for a
# sandbox refusal without a tunable limit). Each must end fast in one render-failed finding.
BOMBS = {
    "nested-range": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                     "CONFIGGEN_MAX_TEMPLATE_SECONDS"),
    "nested-range-output": ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
                            "CONFIGGEN_MAX_TEMPLATE_SECONDS"),
    "tilde-doubling": ("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}{{ ns.s|length|int }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "plus-doubling": ("{% set ns = namespace(s=['x']) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
                      "{% endfor %}{{ ns.s|length|int }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "ljust": ("{{ 'x'.ljust(2000000000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "center-filter": ("{{ 'x'|center(300000000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "center-method": ("{{ 'x'.center(300000000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "format-width": ("{{ '{:999999999}'.format(1)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "format-nested-width": ("{{ '{:{w}}'.format(1, w=999999999)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "format-map-width": ("{{ '{x:>999999999}'.format_map({'x': 1})|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "percent-width": ("{{ ('%999999999s' % 1)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "format-filter-width": ("{{ '%.999999999f'|format(1)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "join-product": ("{% set a = range(100000)|list %}{{ (a * 1000)|join|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "join-method": ("{{ ('x' * 1000000).join(range(100000)|map('string'))|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "replace-empty": ("{{ ('x' * 10000).replace('', 'y' * 10000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "indent": ("{{ 'a'|indent(1000000000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "expandtabs": ("{{ ('\t' * 1000).expandtabs(100000)|token }}", "CONFIGGEN_MAX_TEMPLATE_VALUE"),
    "output-size": ("{% for i in range(100000) %}{{ ('x' * 1000000)|token }}{% endfor %}", "CONFIGGEN_MAX_OUTPUT_CHARS"),
    "power-tower": ("{{ (((10 ** 64) ** 64) ** 64)|int }}", ""),
    "squaring": ("{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", ""),
    "lipsum": ("{{ lipsum(n=1000000000)|token }}", ""),
}


@pytest.mark.parametrize(("body", "limit"), list(BOMBS.values()), ids=list(BOMBS))
def test_template_bombs_end_fast_naming_template_line_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, limit: str
) -> None:
    import time

    monkeypatch.setenv("CONFIGGEN_MAX_TEMPLATE_SECONDS", "2")
    project, tpl = _project(tmp_path)
    (tpl / "env.j2").write_text("# a project template\n" + body + "\n")
    started = time.monotonic()
    message = _assert_refused(project, tmp_path / "out")
    assert time.monotonic() - started < 30  # a hang guard; the limits themselves stop each bomb
    assert "env.j2:2" in message
    if limit:
        assert f"set {limit} to raise it" in message
    else:
        assert "undefined" in message or "bits" in message


def test_a_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, tpl = _project(tmp_path)
    (tpl / "env.j2").write_text("# padded\n# {{ ('x'.ljust(20000000)|length)|int }}\n")
    assert "set CONFIGGEN_MAX_TEMPLATE_VALUE to raise it" in _assert_refused(project, tmp_path / "out")
    monkeypatch.setenv("CONFIGGEN_MAX_TEMPLATE_VALUE", "30000000")
    result = render(project, "prod", out_dir=tmp_path / "out2", as_of=AS_OF)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert (tmp_path / "out2" / "server" / ".env").read_text().endswith("# padded\n# 20000000\n")
