"""Finding ids produced by the pipeline itself (reading files, the schema, rendering), not by rules.

They are stable like rule ids and documented here so `configgen rules` can list and explain them.
"""

from __future__ import annotations

from typing import NamedTuple

from configgen.findings import Severity


class CoreCheck(NamedTuple):
    id: str
    severity: Severity
    summary: str
    doc: str


_E, _W = Severity.ERROR, Severity.WARNING

CORE_CHECKS: dict[str, CoreCheck] = {
    c.id: c
    for c in (
        CoreCheck("file-unreadable", _E, "a file cannot be read", "The file does not exist, is a directory, or "
                  "cannot be opened (permissions). Nothing else is checked in it."),
        CoreCheck("file-encoding", _E, "a file is not UTF-8 text", "configgen reads UTF-8 (a BOM is accepted). "
                  "Binary content (NUL bytes) and other encodings are refused at the first bad byte."),
        CoreCheck("file-too-large", _E, "a file is larger than any configuration file should be",
                  "Files over 64 MiB are refused before parsing, so a wrong path cannot exhaust memory (the "
                  "litellm.config.yaml configgen renders for 50,000 deployments is about 22 MB). "
                  "CONFIGGEN_MAX_FILE_BYTES raises the limit."),
        CoreCheck("file-kind-unknown", _W, "a file given to validate is of no kind configgen checks",
                  "validate checks configgen projects, LiteLLM configs (YAML with `model_list`), .env files and "
                  "nginx / HAProxy / Bicep snippets."),
        CoreCheck("yaml-syntax", _E, "the YAML cannot be parsed", "Reported at the line and column where the "
                  "parser stopped. Tabs cannot indent YAML; a file must hold a single document."),
        CoreCheck("yaml-not-a-mapping", _E, "a YAML file given to validate is empty or not a mapping",
                  "Every YAML file configgen checks (project, LiteLLM config, Prometheus config) is a mapping of "
                  "keys; an empty file or a bare list or string is most likely the wrong file or a truncated one."),
        CoreCheck("yaml-kind-typo", _E, "a YAML file's defining key is misspelt (`model_lists:`)",
                  "configgen (and LiteLLM) recognise a LiteLLM config by `model_list`, a project by "
                  "`environments`, a Prometheus config by `scrape_configs`. A near miss means LiteLLM would "
                  "load no models at all; the closest key is suggested."),
        CoreCheck("yaml-duplicate-key", _E, "a mapping has the same key twice", "YAML parsers keep only one of "
                  "the two values (PyYAML, which LiteLLM uses, silently keeps the last): merge the entries."),
        CoreCheck("yaml-too-complex", _E, "anchors expand too much, or nesting is too deep", "Documents of more "
                  "than 3,000,000 values, that reach more than 500,000 values through aliases and merge keys "
                  "(a 'billion laughs' alias bomb, a chain of `<<:` merges) or nest deeper than 64 levels are "
                  "refused instead of exhausting memory or time; the message names the limit and the variable "
                  "that raises it (CONFIGGEN_MAX_YAML_VALUES, CONFIGGEN_MAX_YAML_ALIAS_VALUES, "
                  "CONFIGGEN_MAX_YAML_DEPTH)."),
        CoreCheck("yaml-unsupported", _E, "a YAML value of a kind configuration does not use", "Tagged values "
                  "(`!!python/...`, `!!binary`, custom tags), sets and non-scalar mapping keys are refused: "
                  "write plain strings, numbers, booleans, lists and mappings."),
        CoreCheck("schema-version", _E, "the project file format version is not supported",
                  "This configgen reads `version: 1`."),
        CoreCheck("schema-unknown-key", _E, "a key the project format does not have", "Unknown keys are errors, "
                  "with the closest known key suggested: a typo must not silently become a default."),
        CoreCheck("schema-missing-key", _E, "a required key is missing", "Reported at the mapping that lacks it."),
        CoreCheck("schema-type", _E, "a value has the wrong type", "Types are strict: `\"4000\"` is not a port. "
                  "An unquoted date such as 2024-10-21 is a date to YAML, not a string: quote it."),
        CoreCheck("schema-value", _E, "a value is not one of the allowed ones, or has the wrong form",
                  "For enumerations (SKU, routing strategy, balancer kind) the closest allowed value is suggested; "
                  "names must match their pattern (environment variable names, deployment names)."),
        CoreCheck("schema-invalid", _E, "a value fails another schema constraint", "The message says which."),
        CoreCheck("render-failed", _E, "a value cannot be written safely into an output file",
                  "Every value passes through an escaper for its output language (YAML, dotenv, nginx/HAProxy "
                  "token, Bicep); a value it cannot represent stops the render before anything is written."),
        CoreCheck("render-hand-edited", _E, "an output file was edited by hand, or was not written by configgen",
                  "Its body no longer matches the sha256 in its header, or it has no configgen header at all. "
                  "configgen does not overwrite it and shows the diff: move the change into the project file, or "
                  "render with --force to replace it."),
        CoreCheck("render-destination", _E, "an output's destination is not a regular file",
                  "A symbolic link, pipe, device or folder where an output goes is neither read nor replaced "
                  "(reading a pipe would hang, replacing a link would write through it or lose it): remove it, "
                  "or point the output elsewhere. Reported by render, render --check and --dry-run alike."),
        CoreCheck("write-failed", _E, "an output file could not be written",
                  "Permissions, a full disk, a path that is not a folder. Writes are all-or-nothing: when one file "
                  "fails, the files already replaced are restored."),
    )
}
