"""Edits of the project file: init, add and the importers, all through one round-trip YAML module."""
