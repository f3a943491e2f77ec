""".env files: statements the readers skip, values they read differently, duplicates, stray whitespace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import DotenvTarget
from configgen.secrets import redact

if TYPE_CHECKING:  # only for types: a LiteLLM file alone never imports the .env reader
    from configgen.load.dotenv import Statement


def _finding(target: DotenvTarget, rule_id: str, severity: Severity, st: Statement, message: str, hint: str,
             *, on_value: bool = False) -> Finding:
    line, col = (st.value_line, st.value_column) if on_value else (st.line, st.column)
    return Finding(rule_id, severity, message, hint, target.doc.file, line, col, (st.key,) if st.key else ())


@rule(
    "dotenv-syntax",
    Severity.ERROR,
    "a line python-dotenv cannot parse, or a name without `=`",
    "dotenv",
)
def syntax(target: DotenvTarget) -> Iterator[Finding]:
    """python-dotenv skips a statement it cannot parse with only a warning ("could not parse
    statement starting at line N", `dotenv/parser.py`, `dotenv/main.py`): an unbalanced quote
    (`KEY="abc`), text after a closing quote (`KEY="a" b`), a line without `=`. Node's dotenv
    (`lib/main.js` `LINE`) silently reads some of these differently — `KEY="abc` gives the value
    `"abc` with its quote. Either way the variable is not what the file seems to say.
    A bare `NAME` line sets nothing in python-dotenv's `load_dotenv` and is ignored by Node.
    """
    from configgen.load.dotenv import statements  # here: the .env reader is loaded when a .env is checked

    for st in statements(target.doc.text):
        if st.error:
            first = st.raw.splitlines()[0] if st.raw else ""
            hint = "write KEY=VALUE; quote values with spaces, '#' or quotes, and close every quote"
            if first.count('"') % 2 or first.count("'") % 2:
                hint = "close the quote (a quoted value may span lines only if the closing quote follows)"
            yield _finding(target, "dotenv-syntax", Severity.ERROR, st,
                           f"python-dotenv cannot parse this line and skips it: {redact(first)[:60]!r}", hint)
        elif st.key is not None and st.value is None:
            yield _finding(target, "dotenv-syntax", Severity.ERROR, st,
                           f"`{st.key}` has no `=`: no value is set", f"write `{st.key}=value`")


@rule(
    "dotenv-value-mangled",
    Severity.ERROR,
    "python-dotenv and Node's dotenv read this value differently",
    "dotenv",
)
def value_mangled(target: DotenvTarget) -> Iterator[Finding]:
    """The proxy side reads .env files with python-dotenv, the app (`server/.env`) with Node's
    dotenv, and they disagree: an unquoted `#` starts a comment for Node (`KEY=abc#def` is `abc`)
    but only after a space for python-dotenv; python-dotenv decodes `\\"` and `\\\\` in double
    quotes and expands `${NAME}` in every value, Node does neither; backtick quotes are Node-only.
    A value the two read differently is a value one of them mangles. The readers are reproduced in
    configgen/load/dotenv.py (python-dotenv `dotenv/parser.py` + `dotenv/variables.py`, Node dotenv
    `lib/main.js`) and tested against both.
    """
    from configgen.load.dotenv import ExpansionTooLarge, node_parse, python_values, statements
    from configgen.load.limits import DOTENV_EXPANSION

    text = target.doc.text
    try:
        py = python_values(text)
    except ExpansionTooLarge as exc:
        # `A2=${A1}${A1}` line after line doubles each time: python-dotenv would run out of memory.
        st = exc.statement
        yield _finding(
            target, "dotenv-value-mangled", Severity.ERROR, st,
            f"python-dotenv expands the ${{...}} in `{st.key}` to more than {exc.limit:,} characters "
            "(a variable-expansion bomb); Node's dotenv keeps it literally",
            f"write the value out instead of nesting ${{...}}; {DOTENV_EXPANSION.how_to_raise()}",
            on_value=True,
        )
        return
    node = node_parse(text)
    last: dict[str, Statement] = {}
    for st in statements(text):
        if not st.error and st.key is not None and st.value is not None:
            last[st.key] = st
    for key, st in last.items():
        theirs = node.get(key)
        ours = py.get(key)
        if ours is not None and theirs is None:
            yield _finding(
                target, "dotenv-value-mangled", Severity.ERROR, st,
                f"Node's dotenv does not read `{key}` at all (keys are letters, digits, `_`, `.`, `-`)",
                "rename the variable to letters, digits and underscores",
            )
            continue
        if theirs is None or ours is None or theirs == ours:
            continue
        if st.value == theirs:
            # Same text, but python-dotenv expands ${NAME} from the environment at load time.
            message = f"python-dotenv expands the ${{...}} in `{key}`; Node's dotenv keeps {redact(theirs)!r} literally"
        else:
            message = f"`{key}` reads as {redact(ours)!r} in python-dotenv but {redact(theirs)!r} in Node's dotenv"
        yield _finding(target, "dotenv-value-mangled", Severity.ERROR, st, message, _mangle_hint(st), on_value=True)


def _mangle_hint(st: Statement) -> str:
    v = st.value_text
    if "${" in v:
        return "python-dotenv expands ${NAME}; write the value out, or keep it out of the shared .env"
    if st.quote == "" and "#" in v:
        return "quote the value: KEY='abc#def' (Node treats an unquoted # as a comment)"
    if st.quote == '"' and "\\" in v:
        return "use single quotes and no backslash escapes: KEY='a\"b'"
    if v.startswith("`"):
        return "use single quotes: backticks are quotes only for Node's dotenv"
    return "use single quotes around the value"


@rule(
    "dotenv-duplicate-key",
    Severity.WARNING,
    "a key is set twice in one .env file",
    "dotenv",
)
def duplicate_key(target: DotenvTarget) -> Iterator[Finding]:
    """python-dotenv and Node's `dotenv.parse` both keep the last assignment (`dotenv/main.py`,
    `lib/main.js` `parse`), so the earlier line is dead, and someone editing it changes nothing.
    The later duplicate is reported.
    """
    from configgen.load.dotenv import statements

    seen: dict[str, int] = {}
    for st in statements(target.doc.text):
        if st.error or st.key is None:
            continue
        if st.key in seen:
            yield _finding(target, "dotenv-duplicate-key", Severity.WARNING, st,
                           f"`{st.key}` is already set on line {seen[st.key]}; this later value wins",
                           "keep one assignment")
        else:
            seen[st.key] = st.line


@rule(
    "dotenv-whitespace",
    Severity.WARNING,
    "spaces around `=` or after an unquoted value",
    "dotenv",
)
def whitespace(target: DotenvTarget) -> Iterator[Finding]:
    """python-dotenv and Node's dotenv strip spaces around `=` and after an unquoted value, but the
    other readers of the same file do not: `docker run --env-file` and Compose `env_file` keep
    trailing spaces in the value, a shell `source .env` reads `KEY = v` as a command. Write
    `KEY=value`, and quote a value whose spaces matter (`dotenv/parser.py`, `lib/main.js`).
    """
    from configgen.load.dotenv import statements

    lines = target.doc.text.removeprefix("\ufeff").splitlines()
    for st in statements(target.doc.text):
        if st.error or st.key is None:
            continue
        if st.space_before_equals or (st.space_after_equals and st.value):
            yield _finding(target, "dotenv-whitespace", Severity.WARNING, st,
                           f"spaces around `=` in `{st.key}`: shells and docker --env-file do not allow them",
                           f"write `{st.key}=...` with no spaces")
        elif st.quote == "" and st.value:
            end_line = st.value_line - 1
            line = lines[end_line] if end_line < len(lines) else ""
            after = line[st.value_column - 1 + len(st.value_text):]
            if after and not after.strip():
                yield _finding(target, "dotenv-whitespace", Severity.WARNING, st,
                               f"trailing whitespace after `{st.key}`'s value: docker --env-file keeps it",
                               "remove it, or quote the value if the spaces are meant", on_value=True)
