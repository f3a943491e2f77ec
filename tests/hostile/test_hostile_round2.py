"""Hostile input, second pass (issue 18), through the real CLI with the memory cap and hang guard of
test_hostile: merge-key and .env expansion bombs, template bombs, destinations that are pipes,
devices or links, shell injection through server/.env, and configgen's own output at scale.

Each run ends with exit 1 and a located error (or exit 0 where the input is fine), never a
traceback, an internal error, exit 3, a hang or a memory blow-up.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.test_hostile import EXAMPLE, Run, _configgen
from tests.support.readers import SHELLS

AS_OF = ("--as-of", "2026-11-27")
ROOT = Path(__file__).resolve().parents[2]


def _clean(run: Run, code: int = 1) -> str:
    both = run.out + run.err
    assert "Traceback" not in both and "internal error" not in both, both
    assert run.code == code, f"exit {run.code}\n{both}"
    return both


def _located(run: Run, name: str, rule: str) -> str:
    both = _clean(run)
    match = re.search(rf"^{re.escape(name)}:\d+:\d+: error: .*\[{re.escape(rule)}\].*$", run.out, re.MULTILINE)
    assert match, f"no located {rule} error for {name}:\n{both}"
    return match.group(0)


# --- merge-key and alias bombs in configgen's YAML reader -------------------------------------------
def _chain(n: int, width: int = 1) -> str:
    keys = lambda i: ", ".join(f"k{i}_{j}: {j}" for j in range(width))  # noqa: E731
    return "\n".join([f"m0: &m0 {{{keys(0)}}}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}, {keys(i)}}}" for i in range(1, n)]) + "\n"


def _fan(n: int) -> str:
    # every line merges all the earlier ones: quadratic in keys, refused by the budget, not by memory
    lines = ["a0: &a0 {x0: 0}"]
    lines += [f"a{i}: &a{i} {{<<: [" + ", ".join(f"*a{j}" for j in range(i)) + f"], x{i}: {i}}}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


MERGE_BOMBS = {
    "chain-200.yaml": _chain(200),
    "chain-3000.yaml": _chain(3000),
    "wide-chain.yaml": _chain(400, width=20),
    "fan-in.yaml": _fan(400),
    "merge-into-model-list.yaml": "x: &x {model_name: a, litellm_params: {model: azure/a}}\n"
    + "model_list:\n" + "".join(f"  - {{<<: *x, model_info: {{id: i{i}}}}}\n" for i in range(5000)),
}


@pytest.mark.parametrize("mode", ["file", "project"])
@pytest.mark.parametrize("name", list(MERGE_BOMBS))
def test_merge_bombs_are_linear_and_bounded(tmp_path: Path, name: str, mode: str) -> None:
    (tmp_path / name).write_text(MERGE_BOMBS[name])
    args = ["validate", name] if mode == "file" else ["validate", "-p", name]
    run = _configgen(tmp_path, *args, *AS_OF)
    both = run.out + run.err
    assert "Traceback" not in both and "internal error" not in both and run.code in (0, 1), both
    if "[yaml-too-complex]" in run.out:
        assert "CONFIGGEN_MAX_YAML_ALIAS_VALUES" in run.out


# --- .env variable-expansion bombs ---------------------------------------------------------------------
ENV_BOMBS = {
    "quad.env": "A0=xxxxxxxx\n" + "".join(f"A{i}=" + f"${{A{i - 1}}}" * 4 + "\n" for i in range(1, 40)),
    "wide.env": "B=" + "y" * 1000 + "\n" + "".join(f"C{i}=" + "${B}" * 2000 + "\n" for i in range(50)),
    "defaults.env": "D0=zzzz\n" + "".join(f"D{i}=${{D{i - 1}}}${{NOPE:-x}}${{D{i - 1}}}\n" for i in range(1, 60)),
    "quoted.env": "Q0='qqqqqqqq'\n" + "".join(f'Q{i}="${{Q{i - 1}}}${{Q{i - 1}}}${{Q{i - 1}}}"\n' for i in range(1, 40)),
}


@pytest.mark.parametrize("name", list(ENV_BOMBS))
def test_dotenv_expansion_bombs_are_a_located_finding(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(ENV_BOMBS[name])
    line = _located(_configgen(tmp_path, "validate", name, *AS_OF), name, "dotenv-value-mangled")
    assert "CONFIGGEN_MAX_DOTENV_EXPANSION" in line


# --- destinations that are not regular files -----------------------------------------------------------
def _dest(kind: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("zero", "full", "null", "urandom"):
        path.symlink_to(f"/dev/{kind}")
    elif kind == "link-to-file":
        (path.parent / "elsewhere").write_text("someone else's file\n")
        path.symlink_to("elsewhere")
    elif kind == "dangling-link":
        path.symlink_to("nowhere")
    elif kind == "directory":
        path.mkdir()
    else:
        raise AssertionError(kind)


KINDS = ["fifo", "zero", "full", "null", "urandom", "link-to-file", "dangling-link", "directory"]
MODES = [[], ["--force"], ["--check"], ["--dry-run"]]
DESTINATION_CASES = [
    pytest.param(kind, where, extra, id=f"{kind}-{where}-{' '.join(extra) or 'plain'}")
    for kind in KINDS
    for where in ("server/.env", "litellm.config.yaml")
    for extra in (MODES if kind in ("fifo", "zero") else MODES[:2])
]


@pytest.mark.parametrize(("kind", "where", "extra"), DESTINATION_CASES)
def test_a_destination_that_is_not_a_regular_file(tmp_path: Path, kind: str, where: str, extra: list[str]) -> None:
    shutil.copy(EXAMPLE, tmp_path / "configgen.yaml")
    out = tmp_path / "out"
    dest = out / where
    _dest(kind, dest)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    run = _configgen(tmp_path, "render", "prod", "-p", "configgen.yaml", "--out", str(out), *extra, *AS_OF)
    both = run.out + run.err
    assert "Traceback" not in both and "internal error" not in both, both
    # every mode says what is wrong at that path (render, --check and --dry-run alike) and exits 1
    assert run.code == 1, both
    assert re.search(rf"^{re.escape(str(out))}/\S+:1:1: error: cannot write this output: ", run.out, re.MULTILINE), both
    after = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert after == before, "a refused render changed the folder"
    if kind == "fifo":
        assert stat.S_ISFIFO(dest.lstat().st_mode)
    elif kind != "directory":
        assert dest.is_symlink()


# --- server/.env and the shells ----------------------------------------------------------------------------
def _with_app_env(tmp_path: Path, values: dict[str, str]) -> Path:
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text())
    env = data["defaults"]["app"].setdefault("env", {})
    env.update(values)
    project = tmp_path / "configgen.yaml"
    project.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return project


SHELL_INJECTIONS = {
    "QUOTE_AND_SUBST": "it's $(touch PWNED)",
    "QUOTE_AND_BACKTICK": "it's `touch PWNED`",
    "QUOTE_AND_VAR": "it's $HOME",
    "QUOTE_AND_BACKSLASH": "it's a\\",
    "DOUBLED_BACKSLASH": "a\\\\b",
    "BRACE_EXPANSION": "${HOME}",
}


@pytest.mark.parametrize("var", list(SHELL_INJECTIONS))
def test_values_no_quoting_carries_are_refused_at_validation(tmp_path: Path, var: str) -> None:
    _with_app_env(tmp_path, {var: SHELL_INJECTIONS[var]})
    for args in (["validate", "-p", "configgen.yaml"], ["render", "prod", "-p", "configgen.yaml", "--out", "out"]):
        _located(_configgen(tmp_path, *args, *AS_OF), "configgen.yaml", "project-value-dotenv")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "PWNED").exists()


SHELL_LITERALS = {
    "SUBST": "$(touch PWNED)",
    "BACKTICK": "`touch PWNED`",
    "VAR": "$HOME and $(id)",
    "SEMI": "x; touch PWNED; echo",
    "QUOTE": "it's fine",
    "GLOB": "* ? [a] ~",
    "HASH": "a #b",
    "BANG": "!! !$",
}


def test_shell_syntax_in_values_is_written_literally_and_runs_nothing(tmp_path: Path) -> None:
    _with_app_env(tmp_path, SHELL_LITERALS)
    out = tmp_path / "out"
    _clean(_configgen(tmp_path, "render", "prod", "-p", "configgen.yaml", "--out", str(out), *AS_OF), code=0)
    env_file = out / "server" / ".env"
    work = tmp_path / "source-here"
    work.mkdir()
    for shell in SHELLS:
        script = "set -a; . " + str(env_file) + "; set +a; " + " ".join(
            f'printf "%s\\0" "${k}";' for k in SHELL_LITERALS
        )
        done = subprocess.run([shell, "-c", script], cwd=work, capture_output=True, timeout=30, check=False)
        assert done.returncode == 0, done.stderr
        values = done.stdout.decode().split("\0")[: len(SHELL_LITERALS)]
        assert dict(zip(SHELL_LITERALS, values, strict=True)) == SHELL_LITERALS, shell
        assert list(work.iterdir()) == [] and not (tmp_path / "PWNED").exists(), f"{shell} ran a command"


# --- template bombs ------------------------------------------------------------------------------------
TEMPLATE_BOMBS = {
    "nested-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "tilde": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "ljust": "{{ 'x'.ljust(2000000000)|token }}",
    "center": "{{ 'x'|center(300000000)|token }}",
    "format": "{{ '{:999999999}'.format(1)|token }}",
    "join-product": "{% set a = range(100000)|list %}{{ (a * 1000)|join|token }}",
    "output": "{% for i in range(100000) %}{{ ('x' * 1000000)|token }}{% endfor %}",
}


@pytest.mark.parametrize("name", list(TEMPLATE_BOMBS))
def test_template_bombs_through_the_cli(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGGEN_MAX_TEMPLATE_SECONDS", "3")
    text = EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1)
    (tmp_path / "configgen.yaml").write_text(text)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "nginx.conf.j2").write_text("# line 1\n" + TEMPLATE_BOMBS[name] + "\n")
    run = _configgen(tmp_path, "render", "prod", "-p", "configgen.yaml", "--out", "out", *AS_OF)
    line = _located(run, "configgen.yaml", "render-failed")
    assert "nginx.conf.j2:2" in line and "to raise it" in line
    assert not (tmp_path / "out").exists()


# --- configgen's own output at scale -------------------------------------------------------------------
def test_validate_accepts_what_render_writes_for_10000_deployments(tmp_path: Path) -> None:
    project = tmp_path / "big.yaml"
    with project.open("w") as fh:
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_project.py"), "10000"], stdout=fh, check=True)
    out = tmp_path / "out"
    _clean(_configgen(tmp_path, "render", "prod", "-p", project.name, "--out", str(out), *AS_OF), code=0)
    config = out / "litellm.config.yaml"
    assert config.stat().st_size > 4 * 1024 * 1024  # above the old 4 MiB limit
    run = _configgen(tmp_path, "validate", str(config), *AS_OF)
    _clean(run, code=0)
    assert "file-too-large" not in run.out and "yaml-too-complex" not in run.out
