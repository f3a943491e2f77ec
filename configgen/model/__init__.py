"""Stage 2, model: the project file as strict, frozen Pydantic models, environments merged with provenance."""
