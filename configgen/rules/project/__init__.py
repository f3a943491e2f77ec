"""Rules whose target is `project` (see configgen.rules.targets)."""
