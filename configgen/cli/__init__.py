"""The command line: a thin click shell over :mod:`configgen.app` and the tools; nothing imports it."""
