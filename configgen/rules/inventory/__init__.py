"""Rules whose target is `inventory` (see configgen.rules.targets)."""
