"""Rules whose target is `litellm` (see configgen.rules.targets)."""
