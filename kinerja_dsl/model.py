"""The symbol table of a loaded catalog: every declaration of every file, merged.

Files given together, or joined by `include`, share one namespace (a second
declaration of an id is a duplicate). A file that `extends` a base may redeclare
the base's ids and settings: the extending declaration replaces the base one.
The checker and the compiler both read this table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import ast


@dataclass
class Model:
    files: list[ast.CatalogFile] = field(default_factory=list)
    indicators: dict[str, ast.Indicator] = field(default_factory=dict)
    sasaran: dict[str, ast.Sasaran] = field(default_factory=dict)
    fields: dict[str, ast.FieldDecl] = field(default_factory=dict)
    offices: dict[str, ast.Office] = field(default_factory=dict)
    bandsets: dict[str, ast.BandSet] = field(default_factory=dict)
    policy: dict[str, ast.Setting] = field(default_factory=dict)  # key -> winning setting
    policy_blocks: list[ast.Policy] = field(default_factory=list)
    agreements: list[ast.Agreement] = field(default_factory=list)
    duplicates: list[tuple[str, str, ast.Span, ast.Span]] = field(default_factory=list)

    def namespace(self, kind: str) -> dict:
        return {"indicator": self.indicators, "sasaran": self.sasaran, "field": self.fields,
                "office": self.offices, "bands": self.bandsets}[kind]


_KIND = {ast.Indicator: "indicator", ast.Sasaran: "sasaran", ast.FieldDecl: "field",
         ast.Office: "office", ast.BandSet: "bands"}


def build_model(files: list[ast.CatalogFile], base_files: set[str] = frozenset()) -> Model:
    """Merge files in load order; declarations from `base_files` may be overridden."""
    model = Model(files=list(files))
    origin: dict[tuple[str, str], str] = {}
    for f in files:
        for decl in f.declarations:
            if isinstance(decl, ast.Policy):
                model.policy_blocks.append(decl)
                for s in decl.settings:
                    model.policy[s.key] = s
                continue
            if isinstance(decl, ast.Agreement):
                model.agreements.append(decl)
                continue
            kind = _KIND.get(type(decl))
            if kind is None:
                continue
            table = model.namespace(kind)
            previous = table.get(decl.id)
            if previous is not None and origin[(kind, decl.id)] not in base_files:
                model.duplicates.append((kind, decl.id, previous.span, decl.span))
                continue
            table[decl.id] = decl
            origin[(kind, decl.id)] = f.path
    return model
