"""Rules whose target is `balancer` (see configgen.rules.targets)."""
