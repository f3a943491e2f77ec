"""Time configgen as whole processes and print a markdown table against the issue's targets.

    .venv/bin/python bench/run.py                      # the table (a few minutes at most)
    .venv/bin/python bench/run.py --sizes 100,1000     # skip the 5,000-deployment row
    .venv/bin/python bench/run.py --configgen "/path/to/python -m configgen"
    .venv/bin/python bench/run.py --install current    # the dev venv's (editable) install as it is

What is measured (``--install``):

- ``regular`` (the default): this checkout as ``pip install .`` installs it, which is what users and
  pre-commit run. It is built without pip or network in the run's temporary directory: a venv
  (``PYTHON -m venv --without-pip``) whose site-packages holds a byte-compiled copy of configgen/, the
  ``configgen`` command as pip installs it from pyproject.toml (the script-files launcher with its first
  line rewritten, or pip's wrapper for a [project.scripts] entry), and one .pth file that puts --python's site-packages on
  sys.path for the dependencies. Python processes .pth files only in site directories, not in the
  directories a .pth adds, so the dev venv's editable-install finder and coverage hook (8-9 ms of every
  start-up) stay out. check-jsonschema gets a pip console script in that venv too, so configgen, the
  anchor and the ``python -c pass`` floor all start the same interpreter and site set-up.
- ``current``: the ``configgen`` script next to --python (else ``PYTHON -m configgen``) and the
  ``check-jsonschema`` next to it (else on PATH), as installed; in the dev venv, an editable install.

``--configgen CMD`` and ``--check-jsonschema CMD`` win over either.

Every figure is the median wall-clock time (time.perf_counter around the child process) of
``--runs`` runs after ``--warmup`` discarded ones. Peak memory is the child's own ru_maxrss, read with
os.wait4 on that child: the per-process equivalent of getrusage(RUSAGE_CHILDREN) in a fresh wrapper,
without a wrapper's start-up inside the wall time. A command slower than ``--budget`` / runs is run
fewer times (the table says how many), so the script stays within minutes while configgen is slow.

The anchor is what people use for this today: check-jsonschema validating the rendered
litellm.config.yaml against bench/schemas/litellm-config.schema.json. Only the standard library is
used here; bench/make_project.py generates the large projects.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from make_project import env_names, make_project

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PACKAGE = REPO / "configgen"
EXAMPLE = REPO / "examples" / "chatsheetai" / "configgen.yaml"
SCHEMA = BENCH / "schemas" / "litellm-config.schema.json"
AS_OF = "2026-11-27"
MIB = 1024 * 1024

#: The imports every `configgen validate` needs before it reads a byte, set up as the executable does
#: (collector off): the project file's models (records, not Pydantic's since issue 19), click for the
#: command line, ruamel.yaml's C parser (Jinja2 only renders a project's own templates since then).
#: Their time is a floor no change inside configgen can go below.
DEPENDENCIES = (
    "import gc\n"
    "gc.disable()\n"
    "import _ruamel_yaml, configgen.model.project\n"
    "gc.freeze()\n"
)

#: Runs configgen with its input limits (configgen/load/limits.py) raised 16x, for projects larger
#: than configgen reads by default: argv after -c are configgen's.
RAISED_LIMITS = (
    "import os, sys\n"
    "from configgen.load import limits as L\n"
    "for lim in (L.FILE_BYTES, L.YAML_VALUES, L.YAML_ALIAS_VALUES):\n"
    "    os.environ[lim.env] = str(lim.default * 16)\n"
    "from configgen.__main__ import main\n"
    "sys.argv[0] = 'configgen'\n"
    "main()\n"
)


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss: int  # bytes
    rc: int
    stderr: str = ""


@dataclass
class Measure:
    """Several runs of one figure (each run may be a sequence of processes, e.g. one per environment)."""

    samples: list[Sample] = field(default_factory=list)
    failed: str = ""
    #: everything the failing run printed (the table shows only its first line)
    output: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak(self) -> int:
        return max(s.maxrss for s in self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)


#: The children's environment. PYTHONDONTWRITEBYTECODE is dropped: with it every run recompiles
#: configgen from source (50 ms here), which no installed copy does (pip writes the .pyc files at
#: install time, and an editable install writes them on the first import, i.e. the warm-up run).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
#: Every row but the cache-hit row measures a full run: the result cache (configgen.cache) is off.
CHILD_ENV["CONFIGGEN_NO_CACHE"] = "1"


# --- what is measured ----------------------------------------------------------------------------


@dataclass
class Install:
    """The commands measured: the interpreter (floor row, raised-limits row), configgen and the anchor."""

    python: list[str]
    configgen: list[str]
    anchor: list[str]
    #: the checkout a regular install was copied from (for git describe); None: ask python where it imports from
    checkout: Path | None = None
    #: the Machine section's "measured:" line; empty for the current install, which machine() describes
    measured: str = ""


class InstallError(RuntimeError):
    """The regular install could not be built, or does not import configgen from its own site-packages."""


#: What pip writes for a console script `name = "module:func"`, after the shebang (distlib's template).
CONSOLE_SCRIPT = r"""# -*- coding: utf-8 -*-
import re
import sys
from {module} import {func}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?$', '', sys.argv[0])
    sys.exit({func}())
"""


def current_install(python: str) -> Install:
    """What --python has installed: the `configgen` script next to it, and check-jsonschema."""
    bindir = Path(python).parent
    script = bindir / "configgen"
    configgen = [str(script)] if script.exists() else [python, "-m", "configgen"]
    return Install([python], configgen, _anchor_near(bindir))


def _anchor_near(bindir: Path) -> list[str]:
    found = bindir / "check-jsonschema"
    return [str(found)] if found.exists() else [shutil.which("check-jsonschema") or "check-jsonschema"]


def regular_install(python: str, tmp: Path, package: Path = PACKAGE) -> Install:
    """Install `package` into a new venv in `tmp` laid out as `pip install .` would, without pip or network.

    pip is slow here and would need a wheel, which setuptools builds only with `wheel` (not in the dev
    venv). So this does what pip does: the package in site-packages, .pyc files written at install time,
    pip's console script. The dependencies are python's own site-packages, added by one .pth file.
    """
    # Every child runs in tmp, as the measured ones do: `-c` and `-m` put the working directory first on
    # sys.path, and in the checkout that is where `import configgen` would find configgen/.
    tmp = tmp.absolute()
    venv = tmp / "venv"
    _checked([python, "-m", "venv", "--without-pip", str(venv)], tmp, "create a venv")
    vpython = venv / "bin" / "python"
    site = Path(
        _checked([str(vpython), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, "find its site-packages")
        .strip()
    )
    # Only the directories are added: Python processes .pth files in site directories, not in directories
    # a .pth adds, so the dev venv's editable-install finder (__editable__*.pth, which imports pathlib and
    # more) and coverage's a1_coverage.pth hook do not run here, just as in a user's regular install.
    deps = _site_dirs(python, tmp)
    (site / "configgen_bench_deps.pth").write_text(
        f"# configgen's dependencies, from {python}\n" + "".join(f"{d}\n" for d in deps), encoding="utf-8"
    )
    target = site / package.name
    shutil.copytree(package, target, ignore=shutil.ignore_patterns("__pycache__"))
    # pip byte-compiles at install time; without it the first run would compile configgen.
    _checked([str(vpython), "-m", "compileall", "-q", str(target)], tmp, "byte-compile configgen")
    script = _configgen_command(venv / "bin" / "configgen", vpython, package.parent)

    found = _ask([str(vpython)], "import configgen, sys; print(configgen.__file__)", tmp)
    imported = Path(found.stdout.strip()).resolve() if found.returncode == 0 and found.stdout.strip() else None
    if imported is None or not imported.is_relative_to(target.resolve()):
        raise InstallError(
            f"the regular install in {venv} imports configgen from {imported or 'nowhere'}, not from {target}"
            + (f" ({found.stderr.strip().splitlines()[-1]})" if found.returncode and found.stderr.strip() else "")
        )

    # The anchor gets the same interpreter and site set-up, and its own pip console script (its entry point
    # is check_jsonschema:main), as users run it: `python -m check_jsonschema` measured 20-30 ms (15 %)
    # faster here, not from runpy but because its allocations happen to dodge costly collections while
    # importing (with gc disabled both take the same time).
    has_anchor = _ask([str(vpython)], "import check_jsonschema", tmp).returncode == 0
    anchor = (
        [str(_console_script(venv / "bin" / "check-jsonschema", vpython, "check_jsonschema:main"))]
        if has_anchor
        else _anchor_near(Path(python).parent)
    )
    return Install(
        [str(vpython)],
        [str(script)],
        anchor,
        checkout=package.resolve().parent,
        measured="a regular install of this checkout (package copied to a throwaway venv's site-packages and "
        f"byte-compiled; dependencies from {', '.join(deps)})"
        + ("; check-jsonschema from a pip-style console script in the same venv" if has_anchor else ""),
    )


def _configgen_command(path: Path, python: Path, checkout: Path) -> Path:
    """The `configgen` command as pip installs it from the checkout's pyproject.toml: a script-files
    launcher copied with its `#!python` line rewritten (distlib's copy_script), or pip's wrapper for a
    [project.scripts] entry (an older checkout measured with --package)."""
    import tomllib

    meta = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))
    entry = meta.get("project", {}).get("scripts", {}).get("configgen")
    if entry:
        return _console_script(path, python, entry)
    for name in meta.get("tool", {}).get("setuptools", {}).get("script-files", []):
        source = checkout / name
        if source.name == "configgen":
            first, _, rest = source.read_text(encoding="utf-8").partition("\n")
            found = re.match(r"#!.*pythonw?[0-9.]*([ \t].*)?$", first)
            if found is None:
                raise InstallError(f"{source} does not start with a #!python line for pip to rewrite")
            flags = found.group(1) or ""  # kept after the interpreter, as pip keeps them
            path.write_text((f"#!{python}{flags}\n" if flags else _shebang(str(python))) + rest, encoding="utf-8")
            path.chmod(0o755)
            return path
    raise InstallError(f"{checkout / 'pyproject.toml'} installs no configgen command")


def _console_script(path: Path, python: Path, entry: str) -> Path:
    module, func = entry.split(":")
    path.write_text(_shebang(str(python)) + CONSOLE_SCRIPT.format(module=module, func=func), encoding="utf-8")
    path.chmod(0o755)
    return path


def _site_dirs(python: str, cwd: Path) -> list[str]:
    """python's purelib and platlib directories (one and the same in a venv)."""
    out = _checked(
        [python, "-c", "import sysconfig; p = sysconfig.get_paths(); print(p['purelib']); print(p['platlib'])"],
        cwd,
        f"ask {python} for its site-packages",
    )
    return list(dict.fromkeys(line for line in out.splitlines() if line.strip()))


def _shebang(executable: str) -> str:
    """pip's (distlib's) shebang: direct, unless Linux would refuse it (a space, or over 127 bytes)."""
    if " " not in executable and len(executable.encode()) + 3 <= 127:
        return f"#!{executable}\n"
    return f"#!/bin/sh\n'''exec' \"{executable}\" \"$0\" \"$@\"\n' '''\n"


def _ask(python: Sequence[str], code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python, "-c", code], cwd=cwd, capture_output=True, text=True, check=False, env=CHILD_ENV)


def _checked(cmd: Sequence[str], cwd: Path, what: str) -> str:
    try:
        done = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False, env=CHILD_ENV)
    except OSError as exc:  # e.g. no such --python
        raise InstallError(f"could not {what} (`{shlex.join(cmd)}`): {exc}") from exc
    if done.returncode != 0:
        # The last line: a traceback's exception, or compileall's error (it reports on stdout).
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise InstallError(f"could not {what} (`{shlex.join(cmd)}`: exit {done.returncode}): {last}")
    return done.stdout


# --- running -------------------------------------------------------------------------------------


def run_once(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """One child process: wall clock around it, and its own rusage (CPU, peak RSS) from wait4."""
    with tempfile.TemporaryFile() as err:  # stdout too: validate reports its findings there
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=env or CHILD_ENV, stdin=subprocess.DEVNULL, stdout=err, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, proc.returncode, text)


def run_sequence(cmds: Sequence[Sequence[str]], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    parts = [run_once(c, cwd, env) for c in cmds]
    bad = next((p for p in parts if p.rc != 0), None)
    return Sample(
        sum(p.wall for p in parts),
        sum(p.cpu for p in parts),
        max(p.maxrss for p in parts),
        bad.rc if bad else 0,
        bad.stderr if bad else "",
    )


def measure(
    cmds: Sequence[Sequence[str]],
    cwd: Path,
    args: argparse.Namespace,
    ok_codes: Sequence[int] = (0,),
    env: dict[str, str] | None = None,
) -> Measure:
    m = Measure()
    warm: Sample | None = None
    for _ in range(args.warmup):
        warm = run_sequence(cmds, cwd, env)
        if warm.rc not in ok_codes:
            m.failed, m.output = f"exit {warm.rc}: {_first_line(warm.stderr)}", warm.stderr
            return m
    runs = args.runs
    if warm is not None and warm.wall * runs > args.budget:
        runs = max(1, int(args.budget // warm.wall))
        if warm.wall > args.budget:
            m.samples.append(warm)  # too slow to repeat: the warm-up is the one sample
            return m
    for _ in range(runs):
        s = run_sequence(cmds, cwd, env)
        if s.rc not in ok_codes:
            m.failed, m.output = f"exit {s.rc}: {_first_line(s.stderr)}", s.stderr
            return m
        m.samples.append(s)
    return m


def _first_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return (lines[0][:160] if lines else "no output").replace("|", "\\|")


# --- the machine ---------------------------------------------------------------------------------


def machine(install: Install, cwd: Path) -> list[str]:
    """The Machine section; `python -c` runs in `cwd`, where the measured children run (see regular_install)."""
    python = install.python
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    version = subprocess.run(
        [*python, "-c", "import sys; print(sys.version.split()[0])"], cwd=cwd, capture_output=True, text=True, check=False
    ).stdout.strip()
    where = subprocess.run(
        [*python, "-c", "import configgen, pathlib; print(pathlib.Path(configgen.__file__).parent.parent)"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    checkout = str(install.checkout) if install.checkout else where or str(REPO)
    commit = subprocess.run(
        ["git", "-C", checkout, "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    installed = "site-packages" in Path(where).parts if where else False
    if install.measured:
        what = [
            f"- configgen from {where or 'unknown'}, copied from {checkout} ({commit or 'not a git checkout'})",
            f"- measured: {install.measured}",
        ]
    else:
        what = [
            f"- configgen from {where or 'unknown'} ({commit or 'not a git checkout'}); "
            + ("a regular install" if installed else "an editable install (`pip install -e`), whose import hook adds a few ms")
        ]
    return [
        f"- CPU: {cpu}; {os.cpu_count()} cores ({usable} usable)",
        f"- Python {version} ({platform.system()} {platform.release()})",
        *what,
        "- bytecode: the children may write and read .pyc files, as an installed copy does"
        + (" (PYTHONDONTWRITEBYTECODE, set here, is dropped for them)" if "PYTHONDONTWRITEBYTECODE" in os.environ else ""),
        f"- load average when the run started (1/5/15 min): {load}",
    ]


# --- formatting ----------------------------------------------------------------------------------


def fmt_s(m: Measure | None) -> str:
    if m is None:
        return "–"
    if m.failed:
        return f"failed ({m.failed})"
    note = "" if m.runs >= 5 else f", {m.runs} run{'s' if m.runs > 1 else ''}"
    return f"{m.wall:.3f} s (cpu {m.cpu:.3f}{note})"


def fmt_mib(m: Measure | None) -> str:
    if m is None or m.failed or not m.samples:
        return "–"
    return f"{m.peak / MIB:.0f} MiB"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("meets" if ok else "**misses**")


def within(m: Measure, limit: float) -> bool | None:
    return None if m.failed or not m.samples else m.wall <= limit


# --- the benchmark -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default_python = str(Path(sys.executable))
    parser.add_argument(
        "--install",
        choices=("regular", "current"),
        default="regular",
        help="regular (default): measure this checkout installed as `pip install .` would, in a throwaway venv "
        "that uses --python's site-packages for the dependencies; current: what --python has installed (in the "
        "dev venv an editable install, whose import hook and .pth files slow every start-up)",
    )
    parser.add_argument(
        "--configgen",
        help="command that runs configgen, split like a shell would (default: the regular install's `configgen` "
        "script; with --install current the one next to --python, else `PYTHON -m configgen`)",
    )
    parser.add_argument(
        "--python",
        default=default_python,
        help="interpreter with configgen's dependencies (regular) or configgen (current) installed (default: this one)",
    )
    parser.add_argument(
        "--check-jsonschema",
        dest="anchor",
        help="check-jsonschema command (default: a console script in the regular install's venv; with --install "
        "current, or without check_jsonschema there, the one next to --python, else on PATH)",
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded runs before measuring (default 1)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per figure before runs are cut (default 20)")
    parser.add_argument(
        "--sizes", default="100,1000,5000,10000,50000", help="deployment counts for the scaling rows (default up to 50,000)"
    )
    parser.add_argument("--project", type=Path, default=EXAMPLE, help="small project for the start-up figures")
    parser.add_argument("--note", action="append", default=[], help="extra line for the Machine section (repeatable)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="configgen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            install = regular_install(args.python, tmp) if args.install == "regular" else current_install(args.python)
        except InstallError as exc:
            print(f"run.py: --install regular: {exc}", file=sys.stderr)
            return 1
        notes = list(args.note)
        if args.configgen:
            install.configgen = shlex.split(args.configgen)
            notes.append(f"configgen run as `{args.configgen}` (--configgen)")
        if args.anchor:
            install.anchor = shlex.split(args.anchor)
            notes.append(f"check-jsonschema run as `{args.anchor}` (--check-jsonschema)")
        # Every measured interpreter start (the floor, the raised-limits row) uses the install's python.
        python, configgen, anchor_cmd = install.python, install.configgen, install.anchor

        print("## Machine\n")
        print("\n".join([*machine(install, tmp), *(f"- {n}" for n in notes)]))
        project = args.project.resolve()
        rows: list[tuple[str, str, str, str, str]] = []

        def anchor_for(project_file: Path, env: str, tag: str) -> Measure | None:
            out = tmp / f"anchor-{tag}"
            rendered = subprocess.run(
                [*configgen, "render", env, "-p", str(project_file), "-o", str(out), "--as-of", AS_OF, "--force"],
                capture_output=True,
                text=True,
                check=False,
            )
            config = out / "litellm.config.yaml"
            if not config.exists():
                print(f"\n(no anchor for {tag}: render failed: {_first_line(rendered.stderr)})", file=sys.stderr)
                return None
            return measure([[*anchor_cmd, "--schemafile", str(SCHEMA), str(config)]], tmp, args)

        floor = measure([[*python, "-c", "pass"]], tmp, args)
        deps = measure([[*python, "-c", DEPENDENCIES]], tmp, args)
        helpm = measure([[*configgen, "--help"]], tmp, args)
        example_envs = _env_names(project)
        anchor = anchor_for(project, example_envs[-1] if "prod" not in example_envs else "prod", "example")
        val = measure([[*configgen, "validate", "-p", str(project), "--as-of", AS_OF]], tmp, args)
        # The anchor's own job, for comparison: configgen checking the same file as a hand-written one.
        same_file = tmp / "anchor-example" / "litellm.config.yaml"
        val_file = (
            measure([[*configgen, "validate", str(same_file), "--as-of", AS_OF]], tmp, args, ok_codes=(0, 1))
            if same_file.exists()
            else None
        )

        ok_half = None if anchor is None or anchor.failed or val.failed else val.wall <= anchor.wall / 2
        rows.append(("Python start-up (`python -c pass`): the floor", "≈ 0.01 s", fmt_s(floor), "–", "–"))
        rows.append(("`configgen --help`", "≤ 0.10 s", fmt_s(helpm), "–", verdict(within(helpm, 0.10))))
        # Two targets, two rows: the absolute one, and the one against what people use today.
        rows.append((
            f"`configgen validate` the example ({len(example_envs)} environments)",
            "≤ 0.15 s",
            fmt_s(val),
            fmt_s(anchor),
            verdict(within(val, 0.15)),
        ))
        ratio = "–" if ok_half is None or anchor is None else f"{val.wall / anchor.wall:.2f}× (cpu {val.cpu / anchor.cpu:.2f}×)"
        rows.append(("validate the example against the anchor", "≤ 0.5×", ratio, "1×", verdict(ok_half)))
        if val_file is not None:
            rows.append((
                "`configgen validate FILE` on the file the anchor checks (the example's rendered litellm.config.yaml)",
                "–",
                fmt_s(val_file),
                fmt_s(anchor),
                "–",
            ))
        if not val.failed and not floor.failed:
            rows.append(("validate the example: above the floor", "–", f"{val.wall - floor.wall:.3f} s", "–", "–"))
        # The result cache: the same validate again, answered from it (the warm-up run stores the entry).
        cache_env = {k: v for k, v in CHILD_ENV.items() if k != "CONFIGGEN_NO_CACHE"}
        cache_env["CONFIGGEN_CACHE_DIR"] = str(tmp / "result-cache")
        hit = measure([[*configgen, "validate", "-p", str(project), "--as-of", AS_OF]], tmp, args, env=cache_env)
        hit_ok = None if hit.failed or val.failed else hit.wall <= 0.15 * val.wall
        rows.append((
            "validate the example again, unchanged (result cache hit)",
            "≤ 0.15× of the full run",
            fmt_s(hit) + ("" if hit_ok is None else f"; {hit.wall / val.wall:.2f}× (cpu {hit.cpu / val.cpu:.2f}×)"),
            "–",
            verdict(hit_ok),
        ))
        # Both pre-commit hooks on the example, as pre-commit runs them (two processes), cache off.
        hooks = measure(
            [
                [*configgen, "validate", "-p", str(project), "--as-of", AS_OF],
                [*configgen, "render", "--check", "--all", "-p", str(project), "--as-of", AS_OF],
            ],
            tmp,
            args,
            ok_codes=(0, 1),
        )
        rows.append(("both pre-commit hooks on the example (validate, render --check --all)", "–", fmt_s(hooks), "–", "–"))
        rows.append((
            "importing what validate cannot do without (the project models, ruamel.yaml; click only for other commands)",
            "–",
            fmt_s(deps),
            "–",
            "–",
        ))

        scaling: list[tuple[int, int, Measure, Measure, bool]] = []
        for n in sizes:
            text = make_project(n)
            path = tmp / f"project-{n}.yaml"
            path.write_text(text, encoding="utf-8")
            envs = env_names(3)
            cmd = [*configgen, "validate", "-p", str(path), "--as-of", AS_OF]
            v = measure([cmd], tmp, args)
            raised = False
            if "[file-too-large]" in v.output or "[yaml-too-complex]" in v.output:
                # Over configgen's file limits: measure the same work with the limits raised.
                base = [*python, "-c", RAISED_LIMITS]
                v = measure([[*base, "validate", "-p", str(path), "--as-of", AS_OF]], tmp, args)
                raised = True
            else:
                base = configgen
            # One process renders every environment (validating once), as `configgen render --all` does.
            renders = [[*base, "render", "--all", "-p", str(path), "-o", str(tmp / f"out-{n}"), "--as-of", AS_OF, "--force"]]
            r = measure(renders, tmp, args)
            scaling.append((n, len(text.encode()), v, r, raised))
            if n == 1000:
                a = anchor_for(path, envs[0], "1000")
                rows.append((
                    "validate 1,000 deployments / 50 resources / 3 environments",
                    "≤ 1.0 s",
                    fmt_s(v),
                    fmt_s(a),
                    verdict(within(v, 1.0)),
                ))
                half = None if a is None or a.failed or v.failed else v.wall <= a.wall / 2
                rows.append((
                    "validate 1,000 deployments against the anchor on one rendered config of it",
                    "≤ 0.5×",
                    "–" if half is None or a is None else f"{v.wall / a.wall:.2f}× (cpu {v.cpu / a.cpu:.2f}×)",
                    "1×",
                    verdict(half),
                ))
                rows.append((
                    "render all 3 environments of it (`render --all`)",
                    "≤ 1.5 s",
                    fmt_s(r),
                    "–",
                    verdict(within(r, 1.5)),
                ))
                peak = max((m.peak for m in (v, r) if m.samples and not m.failed), default=0)
                rows.append((
                    "peak memory of any one process for it",
                    "≤ 100 MiB",
                    f"{peak / MIB:.0f} MiB" if peak else "–",
                    fmt_mib(a),
                    verdict(peak <= 100 * MIB if peak else None),
                ))

    print("\n## Targets\n")
    print("| figure | target | measured (median wall) | anchor: check-jsonschema | verdict |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    if scaling:
        print("\n## Scaling (50 resources, 3 environments)\n")
        print("| deployments | project size | validate | ratio | render 3 envs | ratio | peak memory |")
        print("|---|---|---|---|---|---|---|")
        prev: tuple[int, Measure, Measure] | None = None
        for n, size, v, r, raised in scaling:
            vr = rr = "–"
            if prev is not None:
                pn, pv, pr = prev
                if not (v.failed or pv.failed):
                    vr = f"{v.wall / pv.wall:.1f}× for {n / pn:.0f}× N"
                if not (r.failed or pr.failed):
                    rr = f"{r.wall / pr.wall:.1f}× for {n / pn:.0f}× N"
            peak = max((m.peak for m in (v, r) if m.samples and not m.failed), default=0)
            label = f"{n:,}" + (" (limits raised¹)" if raised else "")
            print(
                f"| {label} | {size / 1024:.0f} KiB | {fmt_s(v)} | {vr} | {fmt_s(r)} | {rr} | "
                f"{peak / MIB:.0f} MiB |"
            )
            prev = (n, v, r)
        marginal = _marginal(scaling)
        if marginal:
            print("\nMarginal cost per deployment (linear growth keeps these equal): " + marginal)
        if any(s[4] for s in scaling):
            print(
                "\n¹ configgen refuses this project (more than its FILE_BYTES or YAML_VALUES limit); "
                "measured through `python -c` with those limits raised 16×."
            )
    print(f"\nBenchmark took {time.perf_counter() - started:.0f} s; load average at the end: "
          + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


def _marginal(scaling: list[tuple[int, int, Measure, Measure, bool]]) -> str:
    parts = []
    for (n0, _, v0, r0, _), (n1, _, v1, r1, _) in itertools.pairwise(scaling):
        if v0.failed or v1.failed or r0.failed or r1.failed:
            continue
        dv = (v1.wall - v0.wall) / (n1 - n0) * 1000
        dr = (r1.wall - r0.wall) / (n1 - n0) * 1000
        parts.append(f"{n0:,}→{n1:,}: validate {dv:.2f} ms, render {dr:.2f} ms")
    return "; ".join(parts)


def _env_names(project: Path) -> list[str]:
    """Environment names of a project file, read without YAML (the bench uses only the standard library)."""
    names: list[str] = []
    inside = False
    for line in project.read_text(encoding="utf-8").splitlines():
        if line.startswith("environments:"):
            inside = True
            continue
        if inside:
            if line and not line[0].isspace() and not line.startswith("#"):
                break
            stripped = line.strip()
            if line.startswith("  ") and not line.startswith("   ") and stripped.endswith(":") and not stripped.startswith("#"):
                names.append(stripped[:-1])
    return names or ["prod"]


if __name__ == "__main__":
    sys.exit(main())
