"""Stage 1, load: read files (bounded, UTF-8) and parse each input kind with 1-based positions; no Pydantic."""
