"""Extra subcommands, one module each; every module defines a click command named `command`.

`configgen.cli` registers them all. Modules import only click at top level (everything else inside
the command function) so that `configgen --help` stays fast.
"""
