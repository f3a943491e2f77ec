"""The resource limits configgen puts on what it reads and renders, each with a way to raise it.

Every limit sits well above what configgen itself writes for a project of 50,000 deployments (the
rendered litellm.config.yaml is then about 22 MB and 1.1 million YAML values; `bench/make_project.py`
makes such projects), and well below what would exhaust memory or time on a laptop. A finding that
names a limit says which environment variable raises it (see :func:`how_to_raise`).
"""

from __future__ import annotations

import os
from typing import NamedTuple


class Limit(NamedTuple):
    env: str  # the environment variable that overrides the default
    default: int
    what: str  # what is counted, for messages: "bytes per file"

    def value(self) -> int:
        """The limit in force: the environment variable when it holds a positive integer, else the default.

        Read on every use, not at import, so a test or a wrapper script can change it.
        """
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
        return self.default

    def how_to_raise(self) -> str:
        return f"the limit is {self.value():,} {self.what}; set {self.env} to raise it"


#: Bytes read from any one input file; a larger file is refused before parsing.
FILE_BYTES = Limit("CONFIGGEN_MAX_FILE_BYTES", 64 * 1024 * 1024, "bytes per file")
#: YAML values the parser may produce (an alias counts once): bounds parsing time and memory.
YAML_VALUES = Limit("CONFIGGEN_MAX_YAML_VALUES", 3_000_000, "YAML values per file")
#: Values gained through aliases and merge keys (`*a`, `<<: *a`): a "billion laughs" document stops
#: here. configgen's own output has no aliases; hand-written configs use a few hundred.
YAML_ALIAS_VALUES = Limit("CONFIGGEN_MAX_YAML_ALIAS_VALUES", 500_000, "values reached through YAML aliases")
#: Nesting levels of YAML collections.
YAML_DEPTH = Limit("CONFIGGEN_MAX_YAML_DEPTH", 64, "nesting levels")
#: Characters one .env value may grow to through python-dotenv's `${NAME}` expansion.
DOTENV_EXPANSION = Limit("CONFIGGEN_MAX_DOTENV_EXPANSION", 1024 * 1024, "characters per expanded .env value")
#: Seconds one template may take to render one file (the built-in litellm.config.yaml template takes
#: a few seconds for 50,000 deployments on a laptop).
TEMPLATE_SECONDS = Limit("CONFIGGEN_MAX_TEMPLATE_SECONDS", 20, "seconds per rendered file")
#: Characters one rendered file may hold: what `validate` reads back (the 50,000-deployment
#: litellm.config.yaml is about 22 million).
TEMPLATE_OUTPUT = Limit("CONFIGGEN_MAX_OUTPUT_CHARS", 64 * 1024 * 1024, "characters per rendered file")
#: Characters (or list items) of any one value a template builds (`~`, `*`, padding, joining...).
TEMPLATE_VALUE = Limit("CONFIGGEN_MAX_TEMPLATE_VALUE", 16 * 1024 * 1024, "characters per value built in a template")
