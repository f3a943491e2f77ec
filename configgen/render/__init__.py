"""Stage 4, render: the table of outputs, the sandboxed Jinja renderer, its context and escapers (pure)."""
