"""A result cache for `configgen validate` and `configgen render --check`, answered before click,
Pydantic or any other part of configgen is imported (as ruff and mypy answer an unchanged tree).

Key: the cache format, a fingerprint of configgen itself (every file of the installed package: path,
size, modification time) and of the Python running it, the command line, the working directory, the
day (the default `--as-of`), the environment variables that change a run's output, and whether
stdout/stderr are terminals. Value: what the run printed and its exit code, plus every file the run
read and its state (real path, and sha256 of the bytes, or what it was instead of a regular file).
A hit re-checks each of those files, so any change to any input is a miss; a change to configgen or
its package data changes the key. Every file opened during the run is seen through an audit hook
(``sys.addaudithook``, event ``open``), so no reader can forget to say what it read; the few checks
that only look whether a path exists (finding the project file, an inventory that is not there)
call :func:`note`.

Stored in ``$XDG_CACHE_HOME/configgen`` (``~/.cache/configgen``; ``CONFIGGEN_CACHE_DIR`` moves it),
never in the repository; at most :data:`MAX_ENTRIES` entries, the oldest removed first. Off with
``--no-cache`` or ``CONFIGGEN_NO_CACHE=1``. A corrupt, foreign or truncated entry is ignored, never
trusted. Nothing secret is stored: what is stored is what was printed, and every reporter redacts.

A hit must cost little more than starting Python (issue 19: at most 0.15x of a full run), so this
module imports nothing that is not loaded already, not even ``typing`` or ``json`` (``json`` brings
``re``: 7 ms together): an entry is a list of length-prefixed strings (:func:`pack`).
"""

# os.path on purpose (a cache hit pays for every call, and pathlib objects cost more):
# ruff: noqa: PTH100, PTH109, PTH111, PTH116, PTH118, PTH120, PTH123, PTH208
import io
import os
import stat
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any, TextIO

try:  # BLAKE2 without OpenSSL: `import hashlib` loads _hashlib (about 10 ms), which a cache hit cannot afford
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - another Python build
    from hashlib import blake2b as _hash

FORMAT = 2
MAX_ENTRIES = 256
MAX_ENTRY_BYTES = 16 * 1024 * 1024
#: Environment variables that change what a run prints (and so belong in the key).
KEY_ENV = ("CONFIGGEN_PROJECT", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS",
           # the limits of configgen/load/limits.py (not imported here: a cache hit imports nothing)
           "CONFIGGEN_MAX_FILE_BYTES", "CONFIGGEN_MAX_YAML_VALUES", "CONFIGGEN_MAX_YAML_ALIAS_VALUES",
           "CONFIGGEN_MAX_YAML_DEPTH", "CONFIGGEN_MAX_DOTENV_EXPANSION", "CONFIGGEN_MAX_TEMPLATE_SECONDS",
           "CONFIGGEN_MAX_OUTPUT_CHARS", "CONFIGGEN_MAX_TEMPLATE_VALUE", "CONFIGGEN_PURE_YAML")
_PACKAGE = os.path.dirname(os.path.realpath(__file__))

#: path -> its state when the run first touched it (None: not recording)
_recorded: dict[str, str] | None = None


class Hit:
    """A stored result: what the run printed and its exit code."""

    __slots__ = ("code", "stderr", "stdout")

    def __init__(self, stdout: str, stderr: str, code: int) -> None:
        self.stdout, self.stderr, self.code = stdout, stderr, code


def pack(fields: "Sequence[str]") -> str:
    """Strings as `<length>:<text>` one after the other: unambiguous whatever the text holds."""
    return "".join(f"{len(f)}:{f}" for f in fields)


def unpack(text: str) -> list[str] | None:
    """The strings :func:`pack` wrote, or None for anything else (a corrupt or foreign entry)."""
    fields: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        colon = text.find(":", pos, pos + 12)
        size = text[pos:colon]
        if colon < 0 or not size.isdigit() or not size.isascii():
            return None
        pos = colon + 1 + int(size)
        if pos > end:
            return None
        fields.append(text[colon + 1 : pos])
    return fields


def cache_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    if environ.get("CONFIGGEN_CACHE_DIR"):
        return environ["CONFIGGEN_CACHE_DIR"]
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "configgen")


def cacheable(argv: "Sequence[str]") -> bool:
    """`validate ...` and `render ... --check` (not --debug runs, help or version)."""
    if any(a in ("-h", "--help", "--version", "--debug") for a in argv):
        return False
    words = [a for i, a in enumerate(argv) if not a.startswith("-") and not (i and argv[i - 1] in ("-p", "--project"))]
    command = words[0] if words else ""
    return command == "validate" or (command == "render" and "--check" in argv)


def enabled(argv: "Sequence[str]", environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return "--no-cache" not in argv and environ.get("CONFIGGEN_NO_CACHE", "") in ("", "0") and cacheable(argv)


def fingerprint() -> str:
    """configgen's own files (code, templates, package data) and the interpreter."""
    h = _hash(f"{FORMAT}\0{sys.version}\0{sys.executable}\0".encode(), digest_size=32)
    stack = [_PACKAGE]
    entries: list[str] = []
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__":
                        stack.append(e.path)
                    continue
                st = e.stat()
                entries.append(f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\n")
    entries.sort()
    h.update("".join(entries).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def key(argv: "Sequence[str]", environ: dict[str, str] | os._Environ[str] = os.environ, *, today: str | None = None) -> str:
    material = [
        f"format {FORMAT}",
        fingerprint(),
        os.getcwd(),
        today or time.strftime("%Y-%m-%d"),
        str([_isatty(sys.stdout), _isatty(sys.stderr)]),
        *(f"{k}={environ[k]}" if k in environ else f"{k} unset" for k in KEY_ENV),
        str(len(argv)),
        *argv,
    ]
    return _hash(pack(material).encode("utf-8", "surrogateescape"), digest_size=32).hexdigest()


def _isatty(stream: "Any") -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def state(path: str) -> str:
    """What a path is now: its real path, and the hash of its bytes (or what it is instead)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        # A missing path needs no real path: wherever its folders lead, it is missing (most of what a
        # run records is missing: the journals and backups a crashed render would leave).
        return f"{path}\0missing:{exc.errno}"
    real = os.path.realpath(path)
    if stat.S_ISDIR(st.st_mode):
        # A folder's state is the names in it: a file that appears there (a stale generated file
        # render --check would report) changes the answer.
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            return f"{real}\0unreadable:{exc.errno}"
        return f"{real}\0dir:{_hash(chr(0).join(names).encode('utf-8', 'surrogateescape'), digest_size=32).hexdigest()}"
    if not stat.S_ISREG(st.st_mode):
        return f"{real}\0mode:{stat.S_IFMT(st.st_mode)}"
    h = _hash(digest_size=32)
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        return f"{real}\0unreadable:{exc.errno}"
    return f"{real}\0blake2b:{h.hexdigest()}"


def note(path: str | os.PathLike[str]) -> None:
    """Record that the run's result depends on this path (also when it does not exist)."""
    if _recorded is not None:
        _record(os.path.abspath(path))


def _record(path: str) -> None:
    # The state is taken when the run first touches the path, before it reads it, so a file changed
    # while the run goes on is a miss next time, not a stale hit. state() opens the file itself: the
    # placeholder stops the audit hook from recursing.
    assert _recorded is not None
    if path not in _recorded:
        _recorded[path] = ""
        _recorded[path] = state(path)


def _ignored(path: str) -> bool:
    # configgen's own files are in the fingerprint; the interpreter's and the libraries' are in the
    # key through sys.version and are not inputs, wherever they are installed (the venv, the user's or
    # the system's site-packages, a folder a .pth file adds); devices and /proc are never inputs that
    # can be hashed. jinja's bytecode cache (a folder `_jinja2-cache-UID` in the temp dir) is keyed by
    # the templates' checksums, which the fingerprint covers.
    return path.startswith(_libraries or _library_dirs()) or "/_jinja2-cache-" in path


def _library_dirs() -> tuple[str, ...]:
    """Where code is imported from, not read as input: configgen, the interpreter's prefixes and every
    site-packages folder on sys.path (a library's .pyc files are opened while a run goes on)."""
    sites = [os.path.join(p, "") for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    return (_PACKAGE, sys.prefix, sys.base_prefix, "/proc/", "/dev/", "/sys/", *sites)


_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND


def _audit(event: str, args: "tuple[Any, ...]") -> None:
    # ("open", (path, mode, flags)): builtin open gives a mode string, os.open the flags.
    if event != "open" or _recorded is None or len(args) < 3 or not isinstance(args[0], str | bytes | os.PathLike):
        return
    mode, flags = args[1], args[2]
    if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & _WRITES):
        return  # a write (jinja's bytecode cache, a temp-dir probe) is not an input
    path = os.path.abspath(os.fsdecode(args[0]))
    if not _ignored(path):
        _record(path)


_hooked = False


#: _library_dirs() as the recording run started
_libraries: tuple[str, ...] = ()


def start_recording() -> None:
    global _recorded, _hooked, _libraries
    _recorded = {}
    _libraries = _library_dirs()
    if not _hooked:  # an audit hook cannot be removed: add it once per process
        sys.addaudithook(_audit)
        _hooked = True


def stop_recording() -> dict[str, str]:
    global _recorded
    recorded, _recorded = _recorded or {}, None
    return recorded


def lookup(entry_key: str, environ: dict[str, str] | os._Environ[str] = os.environ) -> Hit | None:
    """The stored result for this key, if every file it read is as it was."""
    path = os.path.join(cache_dir(environ), entry_key[:2], entry_key)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_ENTRY_BYTES:
        return None
    fields = unpack(raw.decode("utf-8", "surrogateescape"))
    if fields is None or len(fields) < 5 or len(fields) % 2 == 0 or fields[:2] != [f"configgen-cache {FORMAT}", entry_key]:
        return None  # corrupt or foreign: a miss, and the next run overwrites it
    code, out, err = fields[2], fields[3], fields[4]
    if not (code.isdigit() and code.isascii()):
        return None
    absent: dict[str, str | None] = {}
    for p, recorded_state in zip(fields[5::2], fields[6::2], strict=True):
        missing = recorded_state.startswith(f"{p}\0missing:")
        if missing and _absent_below(os.path.dirname(p), absent) == recorded_state[len(p) + 1 :]:
            continue  # a folder above it is missing, as it was: so is the path, with the same error
        if state(p) != recorded_state:
            return None
    return Hit(out, err, int(code))


def _absent_below(folder: str, absent: dict[str, str | None]) -> str | None:
    """``missing:ERRNO`` when ``folder`` cannot be reached (then nothing below it can, with the same
    error: resolving a path resolves its folder first), else None; one stat per folder per lookup.

    Most of what a run records is missing: the journals and backups a crashed render would leave in
    output folders that do not exist until the first render (123 paths for the example, 3 folders)."""
    if folder in absent:
        return absent[folder]
    parent = os.path.dirname(folder)
    found = _absent_below(parent, absent) if parent != folder else None
    if found is None:
        try:
            os.stat(folder)
        except OSError as exc:
            found = f"missing:{exc.errno}"
    absent[folder] = found
    return found


def store(entry_key: str, hit: Hit, inputs: dict[str, str], environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Save a result with the state of every file the run read; failures to cache are silent."""
    fields = [f"configgen-cache {FORMAT}", entry_key, str(hit.code), hit.stdout, hit.stderr]
    for path, path_state in inputs.items():
        fields += [path, path_state]
    body = pack(fields).encode("utf-8", "surrogateescape")
    if len(body) > MAX_ENTRY_BYTES:
        return
    from pathlib import Path  # after a miss: the run has imported it already

    root = Path(cache_dir(environ))
    folder = root / entry_key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{entry_key}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        tmp.replace(folder / entry_key)  # atomic: a reader sees the old entry or the new one
        _prune(root)
    except OSError:
        return


def _prune(root: "Path") -> None:
    entries: list[tuple[float, Path]] = []
    for sub in root.iterdir():
        if sub.is_dir() and len(sub.name) == 2:
            entries += [(p.stat().st_mtime, p) for p in sub.iterdir() if p.is_file() and not p.name.startswith(".")]
    for _, p in sorted(entries)[: max(0, len(entries) - MAX_ENTRIES)]:
        p.unlink(missing_ok=True)


class Tee(io.TextIOBase):
    """A text stream that writes through to the real one and keeps a copy for the cache."""

    def __init__(self, real: "TextIO") -> None:
        self.real = real
        self.copy = io.StringIO()

    def write(self, s: str) -> int:
        self.copy.write(s)
        return self.real.write(s)

    def flush(self) -> None:
        self.real.flush()

    def isatty(self) -> bool:
        return _isatty(self.real)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.real, "encoding", "utf-8")

    def fileno(self) -> int:
        return self.real.fileno()


def run_cached(argv: list[str], run: "Callable[[list[str]], int]") -> int:
    """Answer from the cache, or run and store the result (only clean outcomes: 0 or 1)."""
    if not enabled(argv):
        return run(argv)  # validate and render accept --no-cache (configgen.cli.options)
    entry_key = key(argv)
    hit = lookup(entry_key)
    if hit is not None:
        sys.stdout.write(hit.stdout)
        sys.stderr.write(hit.stderr)
        sys.stdout.flush()
        return hit.code
    start_recording()
    out, err = Tee(sys.stdout), Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        code = run(argv)
    finally:
        sys.stdout, sys.stderr = out.real, err.real
    inputs = stop_recording()
    if code in (0, 1) and all(inputs.values()):
        store(entry_key, Hit(out.copy.getvalue(), err.copy.getvalue(), code), inputs)
    return code
