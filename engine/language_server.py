"""`kinerja lsp`: the language server an editor starts, over stdio (pygls, the `lsp` extra).

Everything it says comes from the parts `kinerja check`, `kamus` and `fmt` use: the loader
reads the catalog of a document's folder (with the editor's unsaved text laid over the files),
the checker's diagnostics are published with their codes and hints, the kamus entry is the
indicator's hover, `formatter.formatted` formats, and `kinerja_dsl.navigation` answers go to
definition, references, rename and the outline. No second parser: a file the grammar refuses
still gets its syntax errors, and the rest answers from the last catalog that loaded.

`Session` holds the state and answers in lsprotocol types; `server()` wires it to pygls. A
request that fails answers nothing and is logged to the editor: a bug of ours never stops the
server or prints to stdout, which is the protocol's channel.
"""
from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from kinerja_dsl import navigation
from kinerja_dsl.catalog import Catalog
from kinerja_dsl.diagnostics import Diagnostic, Severity, Span, source_lines
from kinerja_dsl.formatter import formatted
from kinerja_dsl.loader import Loaded, is_catalog_name, load, read_text, real_path, tree_catalogs, tree_root
from kinerja_dsl.messages import N_, language, t, tn
from kinerja_dsl.navigation import Navigation, Occurrence
from kinerja_dsl import __version__
from kinerja_dsl.vocabulary import (BAND_PRESET_NAMES, CONTEXT_KEYS, FUNCTIONS, KEYWORDS, SETTING_KEYS, SETTING_VALUES,
                                    VALUES, canonical_key, canonical_keyword, meanings_of)

from .numbers import localized
from .readers.agreement import toml_mentions

DEBOUNCE = 0.075  # seconds of quiet typing before a check; a check of the largest catalog takes about 0.1 s
READERS = 0.5  # seconds after a check before the catalogs that read the file (a base's offices) are checked
IDLE = 1.0  # seconds without a check after which the garbage is collected (see `server`)
SHOWN_USERS = 12  # indicators named in a field's hover before "and N more"
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_.$]*")

# the words each block takes at the start of a statement, beside its settings (CONTEXT_KEYS)
_STATEMENTS = {
    "top": ("include", "extends", "policy", "field", "office", "sasaran", "indicator", "bands", "agreement",
            "template", "use"),
    "indicator": ("numerator", "denominator", "value", "target", "renstra", "range", "index"),
    "agreement": ("target",), "index": ("group", "component"), "group": ("group", "component", "target"),
}
_FORMULA_WORDS = ("numerator", "denominator", "value", "component")
_ROLE_WORDS = {"keyword": N_("keyword"), "setting": N_("setting"), "function": N_("function")}
_SYMBOL_KINDS = {navigation.INDICATOR: lsp.SymbolKind.Function, navigation.FIELD: lsp.SymbolKind.Field,
                 navigation.SASARAN: lsp.SymbolKind.Namespace, navigation.OFFICE: lsp.SymbolKind.Object,
                 navigation.BANDS: lsp.SymbolKind.Enum, navigation.TEMPLATE: lsp.SymbolKind.Class,
                 "policy": lsp.SymbolKind.Property, "agreement": lsp.SymbolKind.Module, "use": lsp.SymbolKind.Event,
                 "group": lsp.SymbolKind.Package}
_COMPLETION_KINDS = {navigation.INDICATOR: lsp.CompletionItemKind.Function,
                     navigation.FIELD: lsp.CompletionItemKind.Field,
                     navigation.SASARAN: lsp.CompletionItemKind.Module,
                     navigation.OFFICE: lsp.CompletionItemKind.Reference,
                     navigation.BANDS: lsp.CompletionItemKind.Enum, navigation.TEMPLATE: lsp.CompletionItemKind.Class}


@dataclass(eq=False)  # one object per load: compared by identity
class Checked:
    """One catalog folder as last loaded: its diagnostics, its index, its last compiled catalog."""

    folder: Path
    loaded: Loaded
    nav: Navigation
    catalog: Catalog | None  # the last one that compiled (a catalog with an error keeps answering hovers)
    published: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)  # file -> its diagnostics
    pk_tables: list[Occurrence] | None = None  # the ids its PK files kept as TOML name (read when first asked)
    seen: dict[str, int | None] = field(default_factory=dict)  # file the editor holds -> the version read

    def own(self) -> list[str]:
        """The files of its own folder (a base's, when another catalog reads them all)."""
        return [f.path for f in self.loaded.parsed if Path(f.path).parent == self.folder]

    def reads(self, file: str) -> bool:
        return any(f.path == file for f in self.loaded.parsed)


class Session:
    """The open documents and the catalogs they belong to; each feature as a method."""

    def __init__(self, encoding: str = lsp.PositionEncodingKind.Utf16) -> None:
        self.codec = PositionCodec(encoding)
        self.open: dict[str, str] = {}      # real path -> the editor's text
        self.uris: dict[str, str] = {}      # real path -> the uri the editor named it by
        self.versions: dict[str, int] = {}  # uri -> the version of the text the editor holds
        self.checked_versions: dict[str, int] = {}  # uri -> the version of the text last checked
        self.sent: dict[str, list[lsp.Diagnostic]] = {}  # file -> the diagnostics the editor shows
        self.checked: dict[Path, Checked] = {}
        self._kamus: dict[int, dict[str, tuple[list[str], list[Any]]]] = {}
        self._lines: dict[str, tuple[str, list[str]]] = {}

    # ---- documents and checking ---------------------------------------------------------------

    def path_of(self, uri: str) -> str | None:
        path = to_fs_path(uri)
        return str(real_path(path)) if path else None

    def uri_of(self, file: str) -> str:
        return self.uris.get(file) or from_fs_path(file) or file

    def opened(self, uri: str, text: str, version: int | None = None) -> str | None:
        path = self.path_of(uri)
        if path is not None:
            self.open[path] = text
            self.uris[path] = uri
            if version is not None:
                self.versions[uri] = version
        return path

    def closed(self, uri: str) -> str | None:
        path = self.path_of(uri)
        if path is not None:
            self.open.pop(path, None)
            self.versions.pop(uri, None)
        return path

    def check(self, file: str) -> dict[str, list[lsp.Diagnostic]]:
        """Check the catalog of `file`'s folder; the diagnostics to publish, by uri: `file`'s always
        (its version is the one just checked), every other file's when they changed (an empty list
        clears a file's). A base (a catalog whose files all are read by another catalog of its tree)
        is checked as `kinerja check` of the tree checks it: through the catalogs that read it, since
        alone it lacks what they add (the national IKU have no formula). The other catalogs that
        read `file` are `check_readers`' job, run when typing pauses."""
        if not is_catalog_name(file):
            return {}
        state = self._load(Path(file).parent)
        for reader in self._direct(self._readers(state, file, whole=True)):
            self._load(reader.folder)
        return self._changes(file)

    def check_readers(self, file: str) -> dict[str, list[lsp.Diagnostic]]:
        """Check every other catalog of `file`'s catalog tree that reads it (an edit of Banten's
        catalog as banten-2024-revisi, which extends it, reads it), but those `check` read a base
        through; what changed, by uri."""
        if not is_catalog_name(file):
            return {}
        state = self.state(file)
        done = self._direct(self._readers(state, file, whole=True))
        for reader in self._readers(state, file, whole=False):
            if reader not in done:
                self._load(reader.folder)
        return self._changes(None)

    def _readers(self, state: Checked, file: str, whole: bool) -> list[Checked]:
        """The other catalogs of the tree that read `file` (`whole`: that read every file of `state`'s
        own folder, which makes `state` a base)."""
        own = state.own() if whole else [file]
        return [c for c in self._tree(state.folder) if own and all(c.reads(f) for f in own)]

    @staticmethod
    def _direct(readers: list[Checked]) -> list[Checked]:
        """The readers of a base that read it directly, not through another of them (Banten and
        Sumsel extend the national base; banten-2024-revisi reads it through Banten): what the base's
        own findings need at once; the others wait for the pause."""
        return [r for r in readers if not any(o is not r and any(r.reads(f) for f in o.own()) for o in readers)]

    def _changes(self, edited: str | None) -> dict[str, list[lsp.Diagnostic]]:
        """What the editor should show, against what it shows: a file's findings as the catalog of
        its own folder finds them; a base's files (and a file no catalog of its folder reads) as
        each catalog that reads them finds them, merged once. A catalog that reads another folder's
        file may have read an older text of it, so only its own files are its to say."""
        bases = {c.folder for c in self.checked.values() if self._is_base(c)}
        now: dict[str, list[lsp.Diagnostic]] = {f: [] for f in self.sent}
        for c in self.checked.values():
            for f, found in c.published.items():
                owner = self.checked.get(Path(f).parent)
                if owner is not None and owner.folder not in bases and owner.reads(f):
                    says = c is owner
                else:  # a base's file: each catalog that read the text the editor holds now
                    says = c.folder not in bases and c.seen.get(f) == self.versions.get(self.uri_of(f))
                merged = now.setdefault(f, [])
                merged.extend(d for d in found if says and d not in merged)
        changed = {f: found for f, found in now.items() if f == edited or self.sent.get(f, []) != found}
        self.sent = {f: found for f, found in now.items() if found}
        return {self.uri_of(f): found for f, found in changed.items()}

    def _is_base(self, state: Checked) -> bool:
        """Whether another loaded catalog reads every file of `state`'s own folder."""
        own = state.own()
        return bool(own) and any(c is not state and all(c.reads(f) for f in own) for c in self.checked.values())

    def _tree(self, folder: Path, fresh: bool = False) -> list[Checked]:
        """The other catalogs of the catalog tree `folder` lies in, loaded when they were not yet
        (`fresh`: loaded again, as they are on disk now)."""
        root = tree_root(folder)
        out = []
        for other in (tree_catalogs(root) or []) if root is not None else []:
            other = real_path(other)
            if other != folder:
                known = self.checked.get(other)
                out.append(known if known is not None and not fresh else self._load(other))
        return out

    def _load(self, folder: Path) -> Checked:
        overlay = {Path(p): text for p, text in self.open.items()}
        versions = dict(self.versions)  # of the texts laid over, as they are now
        loaded = load([str(folder)], overlay)
        seen = {f.path: versions.get(self.uri_of(f.path)) for f in loaded.parsed}
        self.checked_versions.update({self.uri_of(f): v for f, v in seen.items() if v is not None})
        nav = navigation.build(loaded.parsed, loaded.files, loaded.model)
        previous = self.checked.get(folder)
        catalog = loaded.catalog or (previous.catalog if previous is not None else None)
        state = Checked(folder, loaded, nav, catalog, seen=seen)
        for f in loaded.parsed:
            state.published[f.path] = []
        for d in loaded.diagnostics:
            if d.file:
                state.published.setdefault(d.file, []).append(self._diagnostic(d))
        self.checked[folder] = state
        return state

    def state(self, file: str) -> Checked:
        """The catalog `file` belongs to, loaded when it was not yet."""
        folder = Path(file).parent
        return self.checked.get(folder) or self._load(folder)

    def text(self, file: str) -> str:
        """A file's text: the editor's, else the one its catalog read, else the disk's."""
        text = self.open.get(file)
        if text is None:
            for c in self.checked.values():
                parsed = next((f for f in c.loaded.parsed if f.path == file), None)
                if parsed is not None:
                    return parsed.source
        return text if text is not None else read_text(file)[0] or ""

    def lines(self, file: str) -> list[str]:
        """A file's lines (ends kept), split once per text: an outline or a list of references
        converts hundreds of positions of one file."""
        text = self.text(file)
        kept = self._lines.get(file)
        if kept is None or kept[0] is not text:
            kept = self._lines[file] = (text, source_lines(text, keepends=True))
        return kept[1]

    # ---- positions ------------------------------------------------------------------------------

    def range_of(self, span: Span) -> lsp.Range:
        end_line, end_column = (span.end_line, span.end_column) if span.end_line >= span.line else (span.line,
                                                                                                   span.column)
        inner = lsp.Range(lsp.Position(span.line - 1, span.column - 1), lsp.Position(end_line - 1, end_column - 1))
        return self.codec.range_to_client_units(self.lines(span.file), inner)

    def location(self, o: Occurrence) -> lsp.Location:
        return lsp.Location(self.uri_of(o.span.file), self.range_of(o.span))

    def cursor(self, uri: str, position: lsp.Position) -> tuple[str, int, int] | None:
        """(real path, 1-based line, 1-based column) of a client position."""
        file = self.path_of(uri)
        if file is None:
            return None
        inner = self.codec.position_from_client_units(self.lines(file), position)
        return file, inner.line + 1, inner.character + 1

    def _diagnostic(self, d: Diagnostic) -> lsp.Diagnostic:
        line = max(d.line - 1, 0)
        start = max(d.column - 1, 0)
        lines = self.lines(d.file)
        text = lines[line].rstrip("\r\n") if line < len(lines) else ""
        end = d.end_column - 1 if d.end_column > d.column else (len(text) if d.line else 0)
        inner = lsp.Range(lsp.Position(line, start), lsp.Position(line, max(end, start)))
        message = "\n".join([d.message, *(f"{t('note')}: {n}" for n in d.instance_notes() + d.notes),
                             *([f"{t('hint')}: {d.hint}"] if d.hint else [])])
        severity = lsp.DiagnosticSeverity.Error if d.severity is Severity.ERROR else lsp.DiagnosticSeverity.Warning
        return lsp.Diagnostic(range=self.codec.range_to_client_units(lines, inner), message=message,
                              severity=severity, code=d.code, source="kinerja")

    def occurrence(self, uri: str, position: lsp.Position) -> tuple[Checked, Occurrence] | None:
        where = self.cursor(uri, position)
        if where is None:
            return None
        state = self.state(where[0])
        found = state.nav.at(*where)
        return (state, found) if found is not None else None

    # ---- navigation -------------------------------------------------------------------------------

    def family(self, state: Checked, o: Occurrence, fresh: bool = False) -> list[Checked]:
        """The catalog and every catalog of its catalog tree that reads a file declaring the id (an
        office's catalog extending the national base that declares an IKU): where the id is the same
        id. A field of one office's catalog is not another office's field of the same name. `fresh`
        reads the other catalogs again (a rename must see them as they are on disk now)."""
        files = {d.span.file for d in state.nav.definitions(o.kind, o.id)}
        return [state] + [c for c in self._tree(state.folder, fresh) if any(c.reads(f) for f in files)]

    def _everywhere(self, state: Checked, o: Occurrence, declarations: bool = True) -> list[Occurrence]:
        found: list[Occurrence] = []
        for c in self.family(state, o):
            found.extend(x for x in c.nav.references(o.kind, o.id, declarations) + self._in_pk_tables(c, o)
                         if x not in found)
        return found

    def _in_pk_tables(self, state: Checked, o: Occurrence) -> list[Occurrence]:
        """Where the PK files kept as TOML in the catalog's folder name the id (`indicator = "…"`)."""
        if state.pk_tables is None:
            state.pk_tables = []
            for path in sorted(state.folder.glob("*.toml")):
                file = str(real_path(path))
                text = self.open.get(file) or read_text(path)[0] or ""
                state.pk_tables += [Occurrence(m.kind, m.id, Span(file, m.line, m.column, m.line, m.end_column), False)
                                    for m in toml_mentions(text)]
        return [x for x in state.pk_tables if (x.kind, x.id) == (o.kind, o.id)]

    def definition(self, uri: str, position: lsp.Position) -> list[lsp.Location]:
        hit = self.occurrence(uri, position)
        if hit is None:
            return []
        state, o = hit
        return [self.location(d) for d in state.nav.definitions(o.kind, o.id)]

    def references(self, uri: str, position: lsp.Position, declarations: bool) -> list[lsp.Location]:
        hit = self.occurrence(uri, position)
        if hit is None:
            return []
        return [self.location(r) for r in self._everywhere(*hit, declarations=declarations)]

    def prepare_rename(self, uri: str, position: lsp.Position) -> lsp.PrepareRenamePlaceholder | None:
        hit = self.occurrence(uri, position)
        if hit is None:
            return None
        state, o = hit
        state.nav.rename(o.kind, o.id, o.id)  # refuses a template-made id before the person types a name
        return lsp.PrepareRenamePlaceholder(range=self.range_of(o.span), placeholder=o.id)

    def rename(self, uri: str, position: lsp.Position, new: str) -> lsp.WorkspaceEdit | None:
        """Every place of the id in its catalog, its PK files and the catalogs that extend it; refused
        (navigation.RenameRefused) when the name is no id, is taken, or a template makes the id."""
        hit = self.occurrence(uri, position)
        if hit is None:
            return None
        state, o = hit
        changes: dict[str, list[lsp.TextEdit]] = {}
        for c in self.family(state, o, fresh=True):
            for r in c.nav.rename(o.kind, o.id, new) + self._in_pk_tables(c, o):
                edit = lsp.TextEdit(self.range_of(r.span), new)
                edits = changes.setdefault(self.uri_of(r.span.file), [])
                if edit not in edits:
                    edits.append(edit)
        return lsp.WorkspaceEdit(changes=changes)

    def symbols(self, uri: str) -> list[lsp.DocumentSymbol]:
        file = self.path_of(uri)
        if file is None:
            return []
        return [self._symbol(s) for s in self.state(file).nav.outline(file)]

    def _symbol(self, s: navigation.Symbol) -> lsp.DocumentSymbol:
        name = t(navigation.KIND_WORDS[s.name]) if s.kind == "group" and s.name in navigation.KIND_WORDS else s.name
        return lsp.DocumentSymbol(name=name, kind=_SYMBOL_KINDS.get(s.kind, lsp.SymbolKind.Variable),
                                  range=self.range_of(s.span), selection_range=self.range_of(s.selection),
                                  detail=s.detail, children=[self._symbol(c) for c in s.children])

    # ---- formatting ---------------------------------------------------------------------------------

    def format(self, uri: str) -> list[lsp.TextEdit]:
        """The `fmt` rules as one edit of the whole document; nothing while it has a syntax error."""
        file = self.path_of(uri)
        if file is None:
            return []
        text = self.text(file)
        out, _ = formatted(text, file)
        if out is None or out == text:
            return []
        lines = source_lines(text, keepends=True)
        end = lsp.Position(len(lines), 0)
        return [lsp.TextEdit(self.codec.range_to_client_units(lines, lsp.Range(lsp.Position(0, 0), end)), out)]

    # ---- hover ----------------------------------------------------------------------------------------

    def hover(self, uri: str, position: lsp.Position) -> lsp.Hover | None:
        hit = self.occurrence(uri, position)
        if hit is not None:
            state, o = hit
            text = self._described(state, o)
            return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, text), self.range_of(o.span))
        where = self.cursor(uri, position)
        if where is None:
            return None
        file, line, column = where
        lines = self.lines(file)
        word = _word_at(lines[line - 1] if line <= len(lines) else "", column)
        if word is None or _in_comment_or_text(lines[line - 1], word[1]):
            return None
        meaning = _meaning(word[0])
        if meaning is None:
            return None
        inner = lsp.Range(lsp.Position(line - 1, word[1]), lsp.Position(line - 1, word[2]))
        return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, meaning),
                         self.codec.range_to_client_units(lines, inner))

    def _described(self, state: Checked, o: Occurrence) -> str:
        head = f"**{o.id}** · {t(navigation.KIND_WORDS[o.kind])}"
        body: list[str] = []
        model = state.loaded.model
        catalog = state.catalog
        if o.kind == navigation.INDICATOR:
            body = self._kamus_entry(catalog, o.id)
            if not body and o.id in model.indicators:
                body = [model.indicators[o.id].label or ""]
        elif o.kind == navigation.FIELD:
            body = self._field(state, o.id)
        elif o.kind == navigation.SASARAN and o.id in model.sasaran:
            members = [i for i, ind in model.indicators.items() if ind.sasaran_id == o.id]
            body = [model.sasaran[o.id].label or "", t("indicators: {ids}", ids=_listed(members))]
        elif o.kind == navigation.OFFICE and o.id in model.offices:
            office = model.offices[o.id]
            below = [i for i, x in model.offices.items() if x.parent == o.id]
            body = [office.label or "", *([t("parent: {id}", id=office.parent)] if office.parent else []),
                    *([t("offices below: {ids}", ids=_listed(below))] if below else [])]
        elif o.kind == navigation.BANDS and o.id in model.bandsets:
            bands = model.bandsets[o.id]
            body = [bands.label or "", "\n".join(f"- {b.label}: " + " ".join(f"{x.op} {localized(x.text, _locale())}"
                                                                           for x in b.bounds) for b in bands.bands)]
        elif o.kind == navigation.TEMPLATE:
            uses = state.nav.references(o.kind, o.id, declarations=False)
            body = [tn("used {n} time", "used {n} times", len(uses))]
        where = [f"{Path(d.span.file).name}:{d.span.line}" for d in state.nav.definitions(o.kind, o.id)]
        if where:
            body.append(t("declared at {places}", places=", ".join(where)))
        return "\n\n".join([head, *(b for b in body if b)])

    def _kamus_entry(self, catalog: Catalog | None, ident: str) -> list[str]:
        if catalog is None or ident not in catalog.indicators:
            return []
        table = self._kamus.get(id(catalog))
        if table is None:
            from .reports.tables import kamus_table

            kamus = kamus_table(catalog, _locale())
            table = {str(row[1]): (kamus.columns, row) for row in kamus.rows}
            self._kamus = {id(catalog): table}  # one catalog's kamus at a time: the one being edited
        columns, row = table[ident]
        return [str(row[2])] + [f"- **{c}**: {v}" for c, v in zip(columns[3:], row[3:]) if v not in (None, "")]

    def _field(self, state: Checked, ident: str) -> list[str]:
        catalog, model = state.catalog, state.loaded.model
        decl = model.fields.get(ident)
        out = [decl.label or ""] if decl is not None else []
        if decl is not None and decl.kind:
            out.append(t("kind: {kind}", kind=decl.kind) + (f" · {decl.rollup}" if decl.rollup else ""))
        if catalog is not None and ident in catalog.fields and catalog.fields[ident].parts:
            out.append(f"{ident} = " + " + ".join(catalog.fields[ident].parts))
        users = model.readers_of(ident)  # as declared: also while the catalog has an error
        out.append(t("used by: {ids}", ids=_listed(users)) if users else t("used by no indicator"))
        return out

    # ---- completion ----------------------------------------------------------------------------------

    def complete(self, uri: str, position: lsp.Position) -> list[lsp.CompletionItem]:
        where = self.cursor(uri, position)
        if where is None:
            return []
        file, line, column = where
        lines = [x.rstrip("\r\n") for x in self.lines(file)]
        prefix = lines[line - 1][:column - 1] if line <= len(lines) else ""
        if _in_comment_or_text(prefix, len(prefix)):
            return []
        state = self.state(file)
        context = _block(lines, line - 1, prefix)
        words = prefix.split()
        typing = bool(prefix) and not prefix[-1].isspace()
        done = words[:-1] if typing else words  # the words before the one being typed
        if not done:
            return _statement_words(context)
        first = canonical_keyword(done[0])
        key = canonical_key(first)
        if first in _FORMULA_WORDS or ("=" in done and first not in ("target", "renstra")):
            return (self._ids(state, navigation.FIELD) + self._ids(state, navigation.INDICATOR)
                    + [_item(f, lsp.CompletionItemKind.Function, t("function")) for f in FUNCTIONS])
        before = canonical_keyword(canonical_key(done[-1]))
        if before in ("parent", "under") or (first == "use" and "per" in done):
            return self._ids(state, navigation.OFFICE)
        if first == "use" and len(done) == 1:
            return self._ids(state, navigation.TEMPLATE)
        if first == "target" and context == "agreement" and len(done) == 1:
            return self._ids(state, navigation.INDICATOR)
        if context == "top" and first != "policy":
            return []  # a declaration's id and label are the person's to write
        if done == [done[0]] and first == "policy":
            return [_item(w, lsp.CompletionItemKind.Keyword, "for" if w != "for" else t("keyword"))
                    for w in ("for", *KEYWORDS["for"])]
        if first == "policy":  # `policy for unit "%" and kind …`: the selectors, then each one's values
            k = max((n for n, w in enumerate(done) if w in ("for", "untuk", "and", "dan")
                     or canonical_key(w) in CONTEXT_KEYS["scope"]), default=0)
            if canonical_keyword(done[k]) in ("for", "and"):
                return _settings_of("scope") if k == len(done) - 1 else []
            key, done = canonical_key(done[k]), done[k:]
        position_ = len(done) - 1
        kinds = SETTING_VALUES.get(key, ())
        if position_ < len(kinds) and kinds[position_] is not None:
            kind = kinds[position_]
            assert kind is not None
            return [_item(w, lsp.CompletionItemKind.EnumMember, v if w != v else None)
                    for v, aliases in VALUES[kind].items() for w in (str(v), *aliases)]
        if position_ > 0 and key not in ("indicators",):
            return []
        targets = {"sasaran": (navigation.SASARAN,), "office": (navigation.OFFICE,), "bands": (navigation.BANDS,),
                   "budget_of": (navigation.SASARAN, navigation.INDICATOR),
                   "indicators": (navigation.INDICATOR, navigation.SASARAN)}.get(key, ())
        items = [i for kind in targets for i in self._ids(state, kind)]
        if key == "bands":
            items += [_item(p, lsp.CompletionItemKind.Constant, t("preset")) for p in BAND_PRESET_NAMES]
        return items

    def _ids(self, state: Checked, kind: str) -> list[lsp.CompletionItem]:
        model = state.loaded.model
        tables: dict[str, dict[str, Any]] = {navigation.INDICATOR: model.indicators, navigation.FIELD: model.fields,
                                             navigation.SASARAN: model.sasaran, navigation.OFFICE: model.offices,
                                             navigation.BANDS: model.bandsets}
        labels = {i: getattr(d, "label", None) for i, d in tables.get(kind, {}).items()}
        return [_item(i, _COMPLETION_KINDS[kind], labels.get(i) or t(navigation.KIND_WORDS[kind])) for i in state.nav.ids(kind)]


# ---- helpers of the features ------------------------------------------------------------------------------

def _locale() -> str:
    return "en" if language() == "en" else "id"


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_USERS])
    return shown + (" " + t("and {n} more", n=len(ids) - SHOWN_USERS) if len(ids) > SHOWN_USERS else "")


def _word_at(line: str, column: int) -> tuple[str, int, int] | None:
    """The word under a 1-based column: (word, start, end) with 0-based columns."""
    for m in _WORD.finditer(line):
        if m.start() <= column - 1 <= m.end():
            return m.group(0), m.start(), m.end()
    return None


def _in_comment_or_text(line: str, index: int) -> bool:
    """Whether the character at `index` of a line (or a cursor there) stands in a comment or a text."""
    code = _code(line[:index])
    return len(code) < min(index, len(line)) or code.count('"') % 2 == 1


def _meaning(word: str) -> str | None:
    """A keyword's, setting's or function's meaning, in English and in Indonesian."""
    found = meanings_of(word)
    if not found:
        return None
    parts = []
    for m in found:
        spellings = " · ".join(f"`{w}`" for w in (m.word, *m.aliases))
        parts.append(f"**{m.word}** ({t(_ROLE_WORDS[m.role])}) {spellings}\n\n{m.shown('id')}\n\n*{m.shown('en')}*")
    return "\n\n---\n\n".join(parts)


def _code(line: str) -> str:
    """A line's code: its comment cut off and the inside of its quoted texts blanked, in one pass."""
    out = []
    quoted = escaped = False
    for ch in line:
        if quoted:
            out.append('"' if ch == '"' and not escaped else " ")
            quoted = escaped or ch != '"'
            escaped = not escaped and ch == "\\"
        elif ch == "#":
            break
        else:
            out.append(ch)
            quoted = ch == '"'
    return "".join(out)


def _block(lines: Sequence[str], index: int, prefix: str) -> str:
    """The block the cursor stands in: "top" (also a template's body, which holds declarations),
    "indicator", "policy", "scoped policy", "sasaran", "agreement", "index", "group" or "bands",
    by the nearest unclosed `{` above it."""
    depth = 0
    for k in range(index, -1, -1):
        code = _code(prefix if k == index else lines[k])
        for j in range(len(code) - 1, -1, -1):
            if code[j] == "}":
                depth += 1
            elif code[j] == "{":
                if depth == 0:
                    words = code[:j].split()
                    opener = canonical_keyword(words[0]) if words else "top"
                    if opener == "policy" and len(words) > 1:
                        return "scoped policy"
                    return "top" if opener == "template" else opener
                depth -= 1
    return "top"


def _statement_words(context: str) -> list[lsp.CompletionItem]:
    """The keywords and setting keys a statement may start with in a block, in both languages."""
    items: list[lsp.CompletionItem] = []
    for word in _STATEMENTS.get(context, ()):
        items += [_item(w, lsp.CompletionItemKind.Keyword, word if w != word else t("keyword"))
                  for w in (word, *KEYWORDS.get(word, ()))]
    return items + _settings_of(context)


def _settings_of(context: str) -> list[lsp.CompletionItem]:
    """The setting keys a block takes (CONTEXT_KEYS), each with its Indonesian spelling."""
    return [_item(w, lsp.CompletionItemKind.Property, key if w != key else t("setting"))
            for key in CONTEXT_KEYS.get(context, ()) for w in (key, *SETTING_KEYS.get(key, ()))]


def _item(label: str, kind: lsp.CompletionItemKind, detail: str | None) -> lsp.CompletionItem:
    return lsp.CompletionItem(label=label, kind=kind, detail=detail)


# ---- the server -------------------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def server() -> LanguageServer:
    """The pygls server with every feature of the Session registered."""
    ls = LanguageServer("kinerja", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
    session = Session()
    pending: dict[str, asyncio.TimerHandle | asyncio.Handle] = {}  # debounced checks, readers' checks, idle

    def guarded(default: Any) -> Callable[[F], F]:
        """A feature that fails answers `default` and says why in the editor's log, never crashes."""
        def wrap(f: F) -> F:
            @wraps(f)
            def run(params: Any) -> Any:
                try:
                    return f(params)
                except navigation.RenameRefused as why:  # the editor shows it to the person who asked
                    raise JsonRpcException(str(why), code=lsp.LSPErrorCodes.RequestFailed) from None
                except Exception as exc:  # a bug of ours: the editor keeps its server
                    ls.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, t(
                        "kinerja lsp: internal error ({kind}: {error}); please report this with the file",
                        kind=type(exc).__name__, error=exc)))
                    return default
            return run  # type: ignore[return-value]
        return wrap

    def publish(file: str) -> None:
        """Check `file`'s catalog and publish; then, when typing pauses, the catalogs of the tree
        that read it (each edit of a base would otherwise wait for every office's check)."""
        pending.pop(file, None)
        send(session.check(file))
        readers = pending.pop("readers:" + file, None)
        if readers is not None:
            readers.cancel()
        pending["readers:" + file] = asyncio.get_running_loop().call_later(READERS, guarded(None)(publish_readers),
                                                                            file)

    def publish_readers(file: str) -> None:
        pending.pop("readers:" + file, None)
        send(session.check_readers(file))

    def send(diagnostics: dict[str, list[lsp.Diagnostic]]) -> None:
        for uri, found in diagnostics.items():  # the version says which text they are of
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found,
                                                                              version=session.checked_versions.get(uri)))
        gc.freeze()  # what the check keeps is long-lived: no collection during the next check walks it
        idle = pending.pop("", None)
        if idle is not None:
            idle.cancel()
        pending[""] = asyncio.get_running_loop().call_later(IDLE, collect)

    def collect() -> None:
        """Collect the garbage while the person reads: everything frozen after each check (its
        kept parses and catalogs) is walked once here, not in the middle of the next check, where a
        full collection adds 100 ms or more (Banten: a p90 of 177 ms in-process instead of 99 ms)."""
        pending.pop("", None)
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def soon(file: str) -> None:
        for key in (file, "readers:" + file):  # typing goes on: the readers wait for the next pause
            handle = pending.pop(key, None)
            if handle is not None:
                handle.cancel()
        pending[file] = asyncio.get_running_loop().call_later(DEBOUNCE, guarded(None)(publish), file)

    @ls.feature(lsp.INITIALIZED)
    def initialized(params: lsp.InitializedParams) -> None:
        session.codec = PositionCodec(ls.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guarded(None)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        file = session.opened(params.text_document.uri, params.text_document.text, params.text_document.version)
        if file is not None:
            publish(file)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(None)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        file = session.opened(params.text_document.uri, document.source, params.text_document.version)
        if file is not None:
            soon(file)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guarded(None)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        file = session.path_of(params.text_document.uri)
        if file is not None:
            publish(file)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(None)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        file = session.closed(params.text_document.uri)
        if file is not None:
            publish(file)  # what is on disk again

    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        return session.hover(params.text_document.uri, params.position)

    @ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @guarded([])
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location]:
        return session.definition(params.text_document.uri, params.position)

    @ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @guarded([])
    def references(params: lsp.ReferenceParams) -> list[lsp.Location]:
        return session.references(params.text_document.uri, params.position, params.context.include_declaration)

    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", "(", "."]))
    @guarded([])
    def completion(params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
        return session.complete(params.text_document.uri, params.position)

    @ls.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @guarded([])
    def formatting(params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
        return session.format(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    def document_symbol(params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        return session.symbols(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(None)
    def prepare_rename(params: lsp.PrepareRenameParams) -> lsp.PrepareRenamePlaceholder | None:
        return session.prepare_rename(params.text_document.uri, params.position)

    @ls.feature(lsp.TEXT_DOCUMENT_RENAME)
    @guarded(None)
    def rename(params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        return session.rename(params.text_document.uri, params.position, params.new_name)

    return ls


def serve(streams: Iterable[Any] = ()) -> int:
    """Run the server over stdio until the editor says exit."""
    ls = server()
    ls.start_io(*streams)
    return 0
