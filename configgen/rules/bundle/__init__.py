"""Rules whose target is `bundle` (see configgen.rules.targets)."""
