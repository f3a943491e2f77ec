"""Rules whose target is `dotenv` (see configgen.rules.targets)."""
