"""Rules whose target is `azure` (see configgen.rules.targets)."""
