"""Where each id of a catalog is declared and where it is used: what an editor navigates by.

`kinerja lsp` answers go to definition, find references, rename and the outline from this
index, built from the same syntax trees the checker reads (no second parser). Every id kind
has its own namespace (an indicator, a field, a sasaran, an office, a band set, a template),
so an occurrence names its kind; a name whose kind the syntax leaves open (a formula's `x`, a
`use` argument, a policy's `indicators X`) is resolved the way the checker resolves it.

A declaration a template expands to points at the template's text (`Span.via`); where that
text is a `$param`, the occurrence is not `exact`: rename refuses to touch it, since the id is
made by the `use` line, not written anywhere.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from . import ast
from .diagnostics import Span, source_lines
from .messages import N_, t
from .model import SymbolTable
from .vocabulary import BAND_PRESET_NAMES

INDICATOR, FIELD, SASARAN, OFFICE, BANDS, TEMPLATE = "indicator", "field", "sasaran", "office", "bands", "template"
KIND_WORDS = {INDICATOR: N_("indicator"), FIELD: N_("data field"), SASARAN: N_("sasaran"),
              OFFICE: N_("office (satker)"), BANDS: N_("band set (predikat)"), TEMPLATE: N_("template")}
ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*\Z")  # what the grammar's NAME takes as an id

# the kinds a name may be, in the order the checker tries them, by where it stands
_IN_FORMULA = (FIELD, INDICATOR, SASARAN, OFFICE)
_IN_USE = (FIELD, INDICATOR, OFFICE, SASARAN, BANDS)
_SELECTED = (INDICATOR, SASARAN)
_SETTING_KINDS = {"sasaran": (SASARAN,), "office": (OFFICE,), "bands": (BANDS,), "budget_of": (SASARAN, INDICATOR),
                  "indicators": _SELECTED}


@dataclass(frozen=True)
class Occurrence:
    kind: str
    id: str
    span: Span
    definition: bool
    exact: bool = True  # the text at `span` is the id as written (not a template's `$param` making it)


@dataclass
class Symbol:
    """One entry of a file's outline: a sasaran with its indicators, a declaration, a group."""

    name: str
    kind: str  # one of KINDS, or "policy", "agreement", "use", "group"
    span: Span
    selection: Span
    detail: str | None = None
    children: list[Symbol] = field(default_factory=list)


class RenameRefused(Exception):
    """Why an id cannot be renamed as asked, for the person who asked."""


class Navigation:
    """Every occurrence of every id of one loaded catalog, by file and by (kind, id)."""

    def __init__(self, occurrences: Iterable[Occurrence], tables: dict[str, set[str]],
                 files: Sequence[ast.CatalogFile]) -> None:
        self.occurrences = list(dict.fromkeys(occurrences))  # an instance's text is one place, however often used
        self.tables = tables
        self.files = list(files)
        self._by_file: dict[str, list[Occurrence]] = {}
        self._by_id: dict[tuple[str, str], list[Occurrence]] = {}
        for o in self.occurrences:
            self._by_file.setdefault(o.span.file, []).append(o)
            self._by_id.setdefault((o.kind, o.id), []).append(o)

    def at(self, file: str, line: int, column: int) -> Occurrence | None:
        """The occurrence under a cursor (1-based line and column; the column just past an id counts too)."""
        for o in self._by_file.get(file, ()):
            s = o.span
            if s.line == line and s.column <= column <= s.end_column:
                return o
        return None

    def definitions(self, kind: str, ident: str) -> list[Occurrence]:
        return [o for o in self._by_id.get((kind, ident), ()) if o.definition]

    def references(self, kind: str, ident: str, declarations: bool = True) -> list[Occurrence]:
        return [o for o in self._by_id.get((kind, ident), ()) if declarations or not o.definition]

    def ids(self, kind: str) -> list[str]:
        return sorted(self.tables.get(kind, ()))

    def rename(self, kind: str, ident: str, new: str) -> list[Occurrence]:
        """The places to rewrite to rename `ident`; RenameRefused when it cannot be done safely."""
        if not ID.match(new):
            raise RenameRefused(t("`{name}` is not an id: letters, digits and `_`, parts joined by `.`", name=new))
        if new != ident and new in self.tables.get(kind, ()):
            raise RenameRefused(t("the catalog already declares {kind} `{name}`", kind=t(KIND_WORDS[kind]), name=new))
        found = self.references(kind, ident)
        made = [o for o in found if not o.exact]
        if made:
            via = made[0].span.via
            raise RenameRefused(t("`{name}` is made by template `{template}`; rename it in the template's `use` lines",
                                  name=ident, template=via.template if via else "?"))
        if not any(o.definition for o in found):
            raise RenameRefused(t("{kind} `{name}` is not declared in this catalog", kind=t(KIND_WORDS[kind]),
                                  name=ident))
        return found

    def outline(self, file: str) -> list[Symbol]:
        """A file's outline: each sasaran with the file's indicators under it, in file order, then
        the indicators without a sasaran; offices, fields, band sets, policies, templates and
        agreements each as a group of their own."""
        return _Outline(self, file).symbols()


# ---- building the index -------------------------------------------------------------------------

def build(parsed: Sequence[ast.CatalogFile], expanded: Sequence[ast.CatalogFile],
          symbols: SymbolTable) -> Navigation:
    """The index of a loaded catalog: `parsed` are the files as written (templates and `use`
    lines), `expanded` the same files with every `use` expanded (what the checker reads)."""
    tables = {INDICATOR: set(symbols.indicators), FIELD: set(symbols.fields), SASARAN: set(symbols.sasaran),
              OFFICE: set(symbols.offices), BANDS: set(symbols.bandsets),
              TEMPLATE: {d.id for f in parsed for d in f.declarations if isinstance(d, ast.Template)}}
    texts = {f.path: source_lines(f.source) for f in parsed}
    walker = _Walker(tables, texts)
    for f in expanded:
        for d in f.declarations:
            walker.declaration(d)
    for f in parsed:
        for d in f.declarations:
            if isinstance(d, ast.Template):
                walker.add(TEMPLATE, d.id, d.id_span, True)
            elif isinstance(d, ast.Use):
                walker.use(d)
    return Navigation(walker.found, tables, parsed)


class _Walker:
    def __init__(self, tables: dict[str, set[str]], texts: dict[str, list[str]]) -> None:
        self.tables = tables
        self.texts = texts
        self.found: list[Occurrence] = []

    def _exact(self, ident: str, span: Span) -> bool:
        lines = self.texts.get(span.file)
        if lines is None or span.line != span.end_line or not 1 <= span.line <= len(lines):
            return False
        return lines[span.line - 1][span.column - 1:span.end_column - 1] == ident

    def add(self, kind: str, ident: str, span: Span | None, definition: bool) -> None:
        if span is not None:
            exact = self._exact(ident, span)
            # a reference a template's `$param` makes has no text of its own to point at
            if exact or definition:
                self.found.append(Occurrence(kind, ident, replace(span, via=None) if exact else span, definition,
                                             exact))

    def resolve(self, ident: str, span: Span, kinds: tuple[str, ...]) -> None:
        kind = next((k for k in kinds if ident in self.tables.get(k, ())), None)
        if kind is not None:
            self.add(kind, ident, span, False)

    def expr(self, expr: ast.Expr | None) -> None:
        for node in ast.walk(expr) if expr is not None else ():
            if isinstance(node, ast.Name):
                self.resolve(node.id, node.span, _IN_FORMULA)

    def setting(self, s: ast.Setting) -> None:
        kinds = _SETTING_KINDS.get(s.key)
        if kinds is None:
            return
        for a in s.args:
            if a.kind == "name" and not (s.key == "bands" and a.text in BAND_PRESET_NAMES):
                self.resolve(a.text, a.span, kinds)

    def declaration(self, d: ast.Declaration) -> None:
        if isinstance(d, ast.Indicator):
            self.add(INDICATOR, d.id, d.id_span, True)
            for s in d.body:
                if isinstance(s, ast.Setting):
                    self.setting(s)
                elif isinstance(s, ast.Formula):
                    self.expr(s.expr)
                elif isinstance(s, ast.Index):
                    for node in ast.index_nodes(s):
                        if isinstance(node, ast.Component):
                            self.expr(node.expr)
        elif isinstance(d, ast.Sasaran):
            self.add(SASARAN, d.id, d.id_span, True)
            for s in d.settings:
                self.setting(s)
        elif isinstance(d, ast.FieldDecl):
            self.add(FIELD, d.id, d.id_span, True)
            self.expr(d.total)
        elif isinstance(d, ast.Office):
            self.add(OFFICE, d.id, d.id_span, True)
            if d.parent is not None:
                self.resolve(d.parent, d.parent_span or d.span, (OFFICE,))
        elif isinstance(d, ast.BandSet):
            self.add(BANDS, d.id, d.id_span, True)
        elif isinstance(d, ast.Policy):
            for s in (*d.scope, *d.settings):
                self.setting(s)
        elif isinstance(d, ast.Agreement):
            self.agreement(d)

    def agreement(self, d: ast.Agreement) -> None:
        for item in d.body:
            if isinstance(item, ast.PkTarget):
                self.resolve(item.indicator, item.indicator_span or item.span, (INDICATOR,))
            elif item.key == "office":
                self.setting(item)
            elif item.key == "pagu" and item.args and item.args[0].kind == "name":
                key = item.args[0]  # `pagu adm 1000` or `pagu imigrasi.dukman 1000`: the office is the first part
                office = key.text.split(".", 1)[0]
                self.resolve(office, replace(key.span, end_column=key.span.column + len(office)), (OFFICE,))

    def use(self, d: ast.Use) -> None:
        self.add(TEMPLATE, d.template, d.template_span, False)
        for a in d.args:
            if a.value.kind == "name":
                self.resolve(a.value.text, a.value.span, _IN_USE)
        for o in (*d.offices, *((d.under,) if d.under is not None else ())):
            self.resolve(o.text, o.span, (OFFICE,))


# ---- the outline ------------------------------------------------------------------------------------

def _covering(spans: Sequence[Span]) -> Span:
    first = min(spans, key=lambda s: (s.line, s.column))
    last = max(spans, key=lambda s: (s.end_line, s.end_column))
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


class _Outline:
    def __init__(self, nav: Navigation, file: str) -> None:
        self.file = file
        parsed = next((f for f in nav.files if f.path == file), None)
        self.declarations = parsed.declarations if parsed is not None else ()

    def symbols(self) -> list[Symbol]:
        by_sasaran: dict[str | None, list[Symbol]] = {}
        sasaran: dict[str, ast.Sasaran] = {}
        groups: dict[str, list[Symbol]] = {}
        out: list[Symbol] = []
        for d in self.declarations:
            if isinstance(d, ast.Indicator):
                by_sasaran.setdefault(d.sasaran_id, []).append(self._named(INDICATOR, d, d.id_span))
            elif isinstance(d, ast.Sasaran):
                sasaran[d.id] = d
                by_sasaran.setdefault(d.id, [])
            elif isinstance(d, ast.Office | ast.FieldDecl | ast.BandSet):
                kind = {ast.Office: OFFICE, ast.FieldDecl: FIELD, ast.BandSet: BANDS}[type(d)]
                groups.setdefault(kind, []).append(self._named(kind, d, d.id_span))
            elif isinstance(d, ast.Template):
                groups.setdefault(TEMPLATE, []).append(
                    Symbol(d.id, TEMPLATE, d.span, d.id_span, "(" + ", ".join(d.params) + ")"))
            elif isinstance(d, ast.Use):
                groups.setdefault("use", []).append(Symbol(f"use {d.template}", "use", d.span, d.template_span))
            elif isinstance(d, ast.Policy):
                scope = " and ".join(" ".join([s.key_text, *(a.text for a in s.args)]) for s in d.scope)
                out.append(Symbol(f"policy for {scope}" if scope else "policy", "policy", d.span, d.span))
            elif isinstance(d, ast.Agreement):
                out.append(Symbol(d.label or "agreement", "agreement", d.span, d.span))
        for owner, indicators in by_sasaran.items():
            if owner is None:
                continue
            decl = sasaran.get(owner)
            spans = [s.span for s in indicators] + ([decl.span] if decl is not None else [])
            if not spans:
                continue
            selection = (decl.id_span or decl.span) if decl is not None else indicators[0].selection
            out.append(Symbol(owner, SASARAN, _covering(spans), selection,
                              decl.label if decl is not None else None, indicators))
        out.extend(by_sasaran.get(None, []))
        for kind, members in groups.items():
            out.append(Symbol(kind, "group", _covering([m.span for m in members]), members[0].selection,
                              str(len(members)), members))
        return sorted(out, key=lambda s: (s.span.line, s.span.column))

    @staticmethod
    def _named(kind: str, d: ast.NamedDeclaration, id_span: Span | None) -> Symbol:
        return Symbol(d.id, kind, d.span, id_span or d.span, d.label)
