"""The grammar ships as package data of `kinerja_dsl.grammar` (see pyproject.toml)."""
