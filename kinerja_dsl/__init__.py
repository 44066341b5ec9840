"""kinerja_dsl: a small language for government performance indicators (SAKIP).

The language half: parse -> AST -> check -> compile -> Catalog. The engine that
evaluates catalogs on realisation data ships as `kinerja_dsl.engine`.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_catalog", "load", "CatalogError"]


def __getattr__(name: str) -> object:  # lazy, so `kinerja --help` does not import Lark
    if name in ("load_catalog", "load", "CatalogError"):
        from . import loader
        return getattr(loader, name)
    raise AttributeError(name)
