"""The real readers of a .env file, for round-trip tests: Node's dotenv (npm), `sh` and `bash`.

Node's `dotenv` package is installed once into ``.cache/node`` of the repository (scripts/test.sh does
it too); a test that needs it is skipped when neither node nor npm is available. The shells read the
file as people do, ``set -a; . ./FILE``, in an empty environment and an empty folder, so a value that
runs a command (`$(touch x)`, backticks) shows up as a changed value or as a new file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = ROOT / ".cache" / "node"
#: The version FACTS.md describes (lib/main.js LINE/parse are the same in 16.6 and 18.0).
NODE_DOTENV = "dotenv@16.6.1"
SHELLS = tuple(s for s in ("sh", "bash") if shutil.which(s))


def node_dotenv_dir() -> Path | None:
    """Where `require('dotenv')` resolves, installing the package with npm the first time."""
    module = NODE_PREFIX / "node_modules" / "dotenv"
    if (module / "package.json").is_file():
        return module
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return None
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund", "--silent", NODE_DOTENV],
            capture_output=True, timeout=180, check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return module if (module / "package.json").is_file() else None


def require_node_dotenv() -> Path:
    found = node_dotenv_dir()
    if found is None:
        pytest.skip("node and npm's dotenv package are not available")
    return found


_NODE_SCRIPT = """
const dotenv = require(process.argv[1])
let input = ''
process.stdin.on('data', d => { input += d })
process.stdin.on('end', () => { console.log(JSON.stringify(JSON.parse(input).map(t => dotenv.parse(t)))) })
"""


def node_parse_real(texts: list[str]) -> list[dict[str, str]]:
    """`require('dotenv').parse(text)` for each text, in one node process."""
    module = require_node_dotenv()
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, "-e", _NODE_SCRIPT, str(module)], input=json.dumps(texts), capture_output=True, text=True,
        timeout=60, check=True,
    )
    result: list[dict[str, str]] = json.loads(done.stdout)
    return result


def shell_read(shell: str, text: str, keys: list[str]) -> tuple[dict[str, str], list[str], str]:
    """(values of ``keys`` after ``set -a; . ./.env``, files that appeared, stderr) for ``shell``."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / ".env").write_text(text, encoding="utf-8")
        # printf '%s\\0': every value exactly, whatever it holds, NUL-separated.
        script = "set -a; . ./.env; set +a; " + " ".join(f'printf "%s\\0" "${{{k}-<unset>}}";' for k in keys)
        done = subprocess.run(
            [shutil.which(shell) or shell, "-c", script], cwd=work, capture_output=True, timeout=30, check=False,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
        )
        parts = done.stdout.split(b"\0")[: len(keys)]
        values = {k: v.decode("utf-8", errors="replace") for k, v in zip(keys, parts, strict=False)}
        created = sorted(p.name for p in work.iterdir() if p.name != ".env")
        return values, created, done.stderr.decode("utf-8", errors="replace")
