"""Rules whose target is `script` (see configgen.rules.targets)."""
