"""The symbol table of a loaded catalog: every declaration of every file, merged.

Files given together, or joined by `include`, share one namespace (a second
declaration of an id is a duplicate). A file that `extends` a base may redeclare
the base's ids and settings. A redeclared indicator or sasaran refines the base's
(`refine`): what the extending block states replaces the base's statement of the
same kind, the rest of the base's block stays; a field, office or band set is
replaced whole.
The checker reads a `SymbolTable`; the compiler reads only a `CheckedModel`, the
same table once the checker (and the parser before it) found no error in it.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import NewType

from . import ast
from .vocabulary import canonical_value


@dataclass
class SymbolTable:
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

    def add(self, decl: ast.NamedDeclaration) -> None:
        """Declare `decl` in the namespace of its kind, replacing one of the same id."""
        if isinstance(decl, ast.Indicator):
            self.indicators[decl.id] = decl
        elif isinstance(decl, ast.Sasaran):
            self.sasaran[decl.id] = decl
        elif isinstance(decl, ast.FieldDecl):
            self.fields[decl.id] = decl
        elif isinstance(decl, ast.Office):
            self.offices[decl.id] = decl
        else:
            self.bandsets[decl.id] = decl

    def remove(self, decl: ast.NamedDeclaration) -> None:
        """Take the declaration of the same kind and id out of the table."""
        tables = (self.indicators, self.sasaran, self.fields, self.offices, self.bandsets)
        for table in tables:
            if type(table.get(decl.id)) is type(decl):
                del table[decl.id]
                return

    def declared(self, decl: ast.NamedDeclaration) -> ast.NamedDeclaration | None:
        """The declaration of the same kind and id already in the table, if any."""
        if isinstance(decl, ast.Indicator):
            return self.indicators.get(decl.id)
        if isinstance(decl, ast.Sasaran):
            return self.sasaran.get(decl.id)
        if isinstance(decl, ast.FieldDecl):
            return self.fields.get(decl.id)
        if isinstance(decl, ast.Office):
            return self.offices.get(decl.id)
        return self.bandsets.get(decl.id)

    def aggregate_settings(self) -> dict[str, ast.Setting]:
        """The `aggregate` setting that decides each level (`sasaran`, `office`, `overall`): the last
        one of the policy blocks, as the compiler takes it; a level without one keeps its default."""
        out: dict[str, ast.Setting] = {}
        for block in self.policy_blocks:
            for s in block.settings if not block.scope else ():
                level = canonical_value("aggregate_level", s.args[0].text) if s.key == "aggregate" and s.args else None
                if level is not None:
                    out[level] = s
        return out

    # ---- what an indicator reads ------------------------------------------------------

    def is_mean(self, name: str) -> bool:
        """Whether `capaian(name)` reads a mean (a sasaran, an office, `overall`), not an indicator."""
        return name not in self.indicators and (name in self.sasaran or name in self.offices or name == OVERALL)

    def readers_of(self, name: str) -> list[str]:
        """The indicators whose expressions read `name` (a field, or another indicator), as declared."""
        return [ind.id for ind in self.indicators.values()
                if any(isinstance(n, ast.Name) and n.id == name for e in ast.indicator_exprs(ind) for n in ast.walk(e))]

    def referenced_indicators(self, ind: ast.Indicator) -> Iterator[ast.Name]:
        """Every name in the indicator's expressions that is another indicator (its realisasi)."""
        for expr in ast.indicator_exprs(ind):
            for node in ast.walk(expr):
                if isinstance(node, ast.Name) and node.id in self.indicators:
                    yield node

    def referenced_means(self, ind: ast.Indicator) -> Iterator[ast.Name]:
        """`capaian(X)` where X is a sasaran, an office or `overall`: a mean the engine computes
        after the indicators, so the indicator that reads it is evaluated after the means."""
        for expr in ast.indicator_exprs(ind):
            for node in ast.walk(expr):
                arg = mean_read(node)
                if arg is not None and self.is_mean(arg.id):
                    yield arg


OVERALL = "overall"  # `capaian(overall)`: the office's overall capaian


def mean_read(node: ast.Expr) -> ast.Name | None:
    """The argument of a `capaian(X)` call, when the node is one (X may be anything)."""
    if isinstance(node, ast.Call) and node.function == "capaian" and node.args and isinstance(node.args[0], ast.Name):
        return node.args[0]
    return None


def under(ident: str, name: str) -> bool:
    """`BUDGET.SJ1.serapan` is under `BUDGET` and `BUDGET.SJ1` (and is itself)."""
    return ident == name or ident.startswith(name + ".")


def scope_selects(scope: tuple[ast.Setting, ...], ind: ast.Indicator, year: int | None) -> bool:
    """Whether every selector holds for the indicator (each selector's values are alternatives);
    a `year` selector holds in that year, or in any year when `year` is None."""
    for s in scope:
        words = [a.text for a in s.args]
        if s.key == "year":
            if year is not None and str(year) not in words:
                return False
        elif s.key == "unit":
            unit = ind.setting("unit")
            if unit is None or not unit.args or unit.args[0].text not in words:
                return False
        elif s.key == "kind":
            kinds = {canonical_value("indicator_kind", w) for w in words}
            if indicator_kind(ind) not in kinds:
                return False
        elif s.key in ("sasaran", "office"):
            own = ind.setting(s.key)
            if own is None or not own.args or own.args[0].text not in words:
                return False
        elif s.key == "indicators" and not any(under(ind.id, w) for w in words):
            return False
    return True


def indicator_kind(ind: ast.Indicator) -> str:
    """ratio (numerator and denominator), index, or value."""
    if ind.index is not None:
        return "index"
    return "ratio" if ind.formula("numerator") is not None else "value"


CheckedModel = NewType("CheckedModel", SymbolTable)
"""A symbol table in which the parser and the checker found no error; made only by
`checker.approve`. The compiler takes nothing else, and reads it through the typed accessors
of `ast` (`Setting.arg`, `Arg.number`, `Arg.as_enum`, `Call.name_arg`), which raise
`ast.NotChecked` where the checker's guarantee would be broken."""


def build_symbol_table(files: list[ast.CatalogFile], base_files: Collection[str] = frozenset()) -> SymbolTable:
    """Merge files in load order; declarations from `base_files` may be overridden."""
    symbols = SymbolTable(files=list(files))
    origin: dict[tuple[type, str], str] = {}  # (kind, id) -> the file that declared it
    for f in files:
        for decl in f.declarations:
            if isinstance(decl, ast.Policy):
                symbols.policy_blocks.append(decl)
                for s in decl.settings if not decl.scope else ():  # a scoped block is not office-wide
                    symbols.policy[s.key] = s
                continue
            if isinstance(decl, ast.Agreement):
                symbols.agreements.append(decl)
                continue
            if isinstance(decl, (ast.Include, ast.Template, ast.Use)):  # a family: expand.py expands it first
                continue
            previous = symbols.declared(decl)
            if previous is not None and origin[(type(decl), decl.id)] not in base_files:
                symbols.duplicates.append((_KIND[type(decl)], decl.id, previous.span, decl.span))
                continue
            if previous is not None:
                decl = refine(previous, decl)
                symbols.remove(decl)  # the extending file decides the order: it stands where that file puts it
            symbols.add(decl)
            origin[(type(decl), decl.id)] = f.path
    return symbols


def _statement_key(s: ast.IndicatorStatement) -> tuple[object, ...]:
    """What a statement of an extending block replaces in the base's block: a setting its key, a
    target its year, period and kind (PK or Renstra), a range the range; a formula statement or an
    index replaces the base's whole formula (numerator, denominator, value and index alike)."""
    if isinstance(s, ast.Setting):
        return ("setting", s.key)
    if isinstance(s, ast.Target):
        return ("target", s.year, s.period, s.renstra)
    if isinstance(s, ast.Range):
        return ("range",)
    return ("formula",)


def refine(base: ast.NamedDeclaration, own: ast.NamedDeclaration) -> ast.NamedDeclaration:
    """A base's declaration as an extending file redeclares it. An indicator or a sasaran keeps
    every statement of the base's block that the extending block does not restate, and takes the
    base's label when it gives none; each statement keeps its own span, so a finding in a base
    statement names the base file. Fields, offices and band sets are replaced whole."""
    if isinstance(base, ast.Indicator) and isinstance(own, ast.Indicator):
        stated = {_statement_key(s) for s in own.body}
        kept = tuple(s for s in base.body if _statement_key(s) not in stated)
        return replace(own, label=own.label if own.label is not None else base.label, body=kept + own.body)
    if isinstance(base, ast.Sasaran) and isinstance(own, ast.Sasaran):
        keys = {s.key for s in own.settings}
        settings = tuple(s for s in base.settings if s.key not in keys) + own.settings
        return replace(own, label=own.label if own.label is not None else base.label, settings=settings,
                       has_block=base.has_block or own.has_block)
    return own


_KIND: dict[type, str] = {ast.Indicator: "indicator", ast.Sasaran: "sasaran", ast.FieldDecl: "field",
                          ast.Office: "office", ast.BandSet: "bands"}

