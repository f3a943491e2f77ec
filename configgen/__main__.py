from configgen.cli import entry

entry()
