"""Canonical formatting of a catalog file: each word in the file's keyword language
(English, or Indonesian when most of its keywords are written so; `keyword_language`)
unless asked for the other, two-space indent, one statement per line, comments kept
where they stood.

The formatter prints from the AST, so the output parses to the same catalog;
running it twice changes nothing the second time.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import ast
from .ast import expression
from .diagnostics import Diagnostic, source_lines
from .parser import parse
from .vocabulary import (KEYWORDS, SETTING_KEYS, SETTING_VALUES, VALUES, canonical_value, spelled_key,
                         spelled_keyword, spelled_value, word_language)

INDENT = "  "

# Which enumerated value kind each setting argument position uses (for canonical spelling).


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _arg(a: ast.Arg, kind: str | None, language: str = "en") -> str:  # kind: of an enumerated value (VALUES)
    if a.kind == "string":
        return _quote(a.text_value)
    if a.kind == "name" and kind is not None:
        value = canonical_value(kind, a.text)
        return a.text if value is None else spelled_value(kind, value, language)
    return a.text


def setting(s: ast.Setting, language: str = "en") -> str:
    kinds = SETTING_VALUES.get(s.key, ())
    parts = [spelled_key(s.key, language)]
    for i, a in enumerate(s.args):
        parts.append(_arg(a, kinds[i] if i < len(kinds) else None, language))
    return " ".join(parts)


def _settings(f: ast.CatalogFile) -> list[ast.Setting]:
    """Every setting of a file, wherever it stands (policy, blocks, index options)."""
    found: list[ast.Setting] = []

    def nodes(children: Iterable[ast.Group | ast.Component]) -> None:
        for c in children:
            found.extend(c.options)
            if isinstance(c, ast.Group):
                nodes(c.children)

    for d in f.declarations:
        if isinstance(d, ast.Policy):
            found.extend(d.scope + d.settings)
        elif isinstance(d, ast.Sasaran):
            found.extend(d.settings)
        elif isinstance(d, ast.Agreement):
            found.extend(s for s in d.body if isinstance(s, ast.Setting))
        elif isinstance(d, ast.Indicator):
            for s in d.body:
                if isinstance(s, ast.Setting):
                    found.append(s)
                elif isinstance(s, ast.Index):
                    found.extend(s.options)
                    nodes(s.children)
    return found


def keyword_language(f: ast.CatalogFile) -> str:
    """The keyword language a file is written in: each keyword, setting key and enumerated value
    that has an Indonesian alias votes for the spelling it is written in (`indikator`, `satuan`,
    `naik` for id; `indicator`, `unit`, `higher` for en); words the same in both (`target`,
    `sasaran`) do not vote. Indonesian when its votes are more than half, else English (a tie too)."""
    from .parser import lark_parser

    votes = {"en": 0, "id": 0}

    def vote(language: str | None) -> None:
        if language is not None:
            votes[language] += 1

    terminals = {word.upper(): word for word in KEYWORDS}
    for token in lark_parser(with_ast=False).lex(f.source):
        word = terminals.get(token.type)
        if word is not None:
            vote(word_language(word, KEYWORDS[word], str(token)))
    lexed = set(KEYWORDS) | {alias for aliases in KEYWORDS.values() for alias in aliases}  # voted above
    for s in _settings(f):
        if s.key_text not in lexed:
            vote(word_language(s.key, SETTING_KEYS.get(s.key, ()), s.key_text))
        kinds = SETTING_VALUES.get(s.key, ())
        for kind, a in zip(kinds, s.args, strict=False):
            value = (canonical_value(kind, a.text) if kind is not None and a.kind == "name" and a.text not in lexed
                     else None)
            if kind is not None and value is not None:
                vote(word_language(value, VALUES[kind][value], a.text))
    for d in f.declarations:
        if isinstance(d, ast.FieldDecl):
            for kind, written in (("field_kind", d.kind), ("rollup", d.rollup)):
                value = canonical_value(kind, written) if written else None
                if value is not None and written is not None:
                    vote(word_language(value, VALUES[kind][value], written))
    return "id" if votes["id"] > votes["en"] else "en"


# What the printer prints on lines of their own, and what it prints as a block `head { … }`.
Statement = (ast.Setting | ast.Formula | ast.Target | ast.Range | ast.Index | ast.Group | ast.Component
             | ast.PkTarget | ast.Band)
Block = ast.Index | ast.Group | ast.Policy | ast.Sasaran | ast.Indicator | ast.BandSet | ast.Agreement


@dataclass
class _Line:
    anchor: int   # source line the output line stands for
    end: int      # last source line it covers (multi-line statements)
    depth: int
    text: str
    force_blank: bool = False  # a top-level block always stands apart
    closing: bool = False


class _Printer:
    def __init__(self, language: str = "en", comments: tuple[ast.Comment, ...] = ()) -> None:
        self.lines: list[_Line] = []
        self.language = language
        self.comments = comments

    def kw(self, word: str) -> str:
        return spelled_keyword(word, self.language)

    def setting(self, s: ast.Setting) -> str:
        return setting(s, self.language)

    def expression(self, e: ast.Expr) -> str:
        return expression(e, self.kw)

    def emit(self, line: int, end: int, depth: int, text: str, force_blank: bool = False,
             closing: bool = False) -> None:
        self.lines.append(_Line(line, end, depth, text, force_blank, closing))

    # -- statements
    def stmt(self, s: Statement, depth: int) -> None:
        line, end = s.span.line, s.span.end_line
        if isinstance(s, ast.Setting):
            self.emit(line, end, depth, self.setting(s))
        elif isinstance(s, ast.Formula):
            self.emit(line, end, depth, f"{self.kw(s.kind)} {self.expression(s.expr)}")
        elif isinstance(s, ast.Target):
            word = self.kw("renstra" if s.renstra else "target")
            period = f" {s.period}" if s.period else ""
            self.emit(line, end, depth, f"{word} {s.year}{period} = {s.value}")
        elif isinstance(s, ast.Range):
            self.emit(line, end, depth, f"{self.kw('range')} {s.low_text} .. {s.high_text}")
        elif isinstance(s, ast.Index):
            head = " ".join([self.kw("index")] + [self.setting(o) for o in s.options])
            self.block(s, head, s.children, depth)
        elif isinstance(s, ast.Group):
            head = " ".join([self.kw("group"), s.id] + _label(s.label) + [self.setting(o) for o in s.options])
            body: list[ast.Target | ast.Group | ast.Component] = sorted(
                (*s.targets, *s.children), key=lambda x: (x.span.line, x.span.column))
            self.block(s, head, body, depth)
        elif isinstance(s, ast.Component):
            parts = [self.kw("component"), s.id] + _label(s.label) + [self.setting(o) for o in s.options]
            self.emit(line, end, depth, " ".join(parts) + " = " + self.expression(s.expr))
        elif isinstance(s, ast.PkTarget):
            period = f" {s.period}" if s.period else ""
            self.emit(line, end, depth, f"{self.kw('target')} {s.indicator}{period} = {s.value}")
        elif isinstance(s, ast.Band):
            bounds = f" {self.kw('and')} ".join(f"{b.op} {b.text}" for b in s.bounds)
            self.emit(line, end, depth, f"{_quote(s.label)} {bounds}")
        else:  # pragma: no cover - every statement kind is handled above
            raise TypeError(type(s))

    def block(self, node: Block, head: str, body: Iterable[Statement], depth: int, force_blank: bool = False) -> None:
        self.emit(node.span.line, node.span.line, depth, head + " {", force_blank)
        for s in body:
            self.stmt(s, depth + 1)
        self.emit(node.span.end_line, node.span.end_line, depth, "}", closing=True)

    def value(self, kind: str, written: str) -> str:
        value = canonical_value(kind, written)
        return written if value is None else spelled_value(kind, value, self.language)

    # -- declarations
    def declaration(self, d: ast.Declaration) -> None:
        line, end = d.span.line, d.span.end_line
        if isinstance(d, ast.Include):
            self.emit(line, end, 0, f"{self.kw('extends' if d.extends else 'include')} {_quote(d.path)}")
        elif isinstance(d, ast.Policy):
            scope = (f" {self.kw('for')} " + f" {self.kw('and')} ".join(self.setting(s) for s in d.scope)
                     if d.scope else "")
            self.block(d, self.kw("policy") + scope, d.settings, 0, True)
        elif isinstance(d, ast.FieldDecl):
            kind = self.value("field_kind", d.kind) if d.kind else None
            rollup = self.value("rollup", d.rollup) if d.rollup else None
            total = ["=", self.expression(d.total)] if d.total is not None else []
            self.emit(line, end, 0, " ".join([self.kw("field"), d.id] + _label(d.label) + ([kind] if kind else [])
                                             + ([rollup] if rollup else []) + total))
        elif isinstance(d, ast.Office):
            parent = [self.kw("parent"), d.parent] if d.parent else []
            self.emit(line, end, 0, " ".join([self.kw("office"), d.id] + _label(d.label) + parent))
        elif isinstance(d, ast.Sasaran):
            head = " ".join([self.kw("sasaran"), d.id] + _label(d.label))
            if d.has_block:
                self.block(d, head, d.settings, 0, True)
            else:
                self.emit(line, end, 0, head)
        elif isinstance(d, ast.Indicator):
            self.block(d, " ".join([self.kw("indicator"), d.id] + _label(d.label)), d.body, 0, True)
        elif isinstance(d, ast.BandSet):
            self.block(d, " ".join([self.kw("bands"), d.id] + _label(d.label)), d.bands, 0, True)
        elif isinstance(d, ast.Agreement):
            self.block(d, " ".join([self.kw("agreement")] + _label(d.label)), d.body, 0, True)
        elif isinstance(d, ast.Template):
            self.template(d)
        elif isinstance(d, ast.Use):
            self.emit(line, end, 0, self.use(d))

    def template(self, d: ast.Template) -> None:
        """A template's head in canonical form; its body as written (never expanded), each line
        re-indented by the braces around it. Comments are the file's, placed by format_file."""
        self.emit(d.span.line, d.span.line, 0, f"{self.kw('template')} {d.id}({', '.join(d.params)}) {{", True)
        comments = {c.line: c.column for c in self.comments}
        depth = 1
        lines = d.body.split("\n")
        for k, text in enumerate(lines[1:], start=1):
            line = d.body_line + k
            cut = comments.get(line)
            code = (text[:cut - 1] if cut is not None else text).strip()
            if not code:
                continue
            opens, closes = _braces(code)
            self.emit(line, line, depth - (1 if code.startswith("}") else 0), code)
            depth = max(1, depth + opens - closes)
        self.emit(d.span.end_line, d.span.end_line, 0, "}", closing=True)

    def use(self, d: ast.Use) -> str:
        args = ", ".join((f"{a.name} = " if a.name else "") + _arg(a.value, None, self.language) for a in d.args)
        text = f"{self.kw('use')} {d.template}({args})"
        if d.under is not None:
            text += f" {self.kw('per')} {self.kw('office')} {self.kw('under')} {d.under.text}"
        elif d.offices:
            text += f" {self.kw('per')} {self.kw('office')} " + " ".join(o.text for o in d.offices)
        return text


def _braces(code: str) -> tuple[int, int]:
    """How many `{` and `}` a line of code opens and closes outside its quoted texts."""
    opens = closes = 0
    quoted = escaped = False
    for ch in code:
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            opens += ch == "{"
            closes += ch == "}"
    return opens, closes


def _label(text: str | None) -> list[str]:
    return [_quote(text)] if text else []


def formatted(text: str, file: str, keywords: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """The canonical text of a file's text, with its line endings (CRLF stays CRLF), or None and
    the syntax errors that stop it. `kinerja fmt` and the editor's "format document" both call this,
    so they never differ; the result is parsed again, since a formatter must never break a file."""
    parsed, found = parse(text, file)
    if any(d.is_error for d in found):
        return None, found
    out = format_file(parsed, keywords)
    if "\r\n" in text:
        out = out.replace("\n", "\r\n")
    _, again = parse(out, file)
    if any(d.is_error for d in again):
        return None, again
    return out, []


def format_file(f: ast.CatalogFile, keywords: str | None = None) -> str:
    """The canonical text of a parsed file (which must have parsed without errors), its words in
    the keyword language `keywords` ("en" or "id"), by default the file's own (`keyword_language`).

    Blank lines the author left between statements are kept (one at most); a
    top-level block always has one before it. Comments keep their place: a
    comment on its own line stays above the statement that followed it, a
    trailing comment stays at the end of its statement's line.
    """
    printer = _Printer(keywords or keyword_language(f), f.comments)
    for d in f.declarations:
        printer.declaration(d)
    src = source_lines(f.source)
    code_lines = {ln.anchor for ln in printer.lines}
    anchors = [ln.anchor for ln in printer.lines]
    trailing: dict[int, list[str]] = {}
    trailing_column: dict[int, int] = {}
    pending: list[ast.Comment] = []
    for c in f.comments:
        code_before = src[c.line - 1][: c.column - 1] if c.line - 1 < len(src) else ""
        if code_before.strip():
            trailing.setdefault(c.line, []).append(c.text.rstrip())
            trailing_column.setdefault(c.line, c.column)
        else:
            pending.append(c)
    out: list[str] = []
    code_of: dict[int, str] = {}      # output line -> its code, where a trailing comment follows
    comment_of: dict[int, str] = {}   # output line -> that trailing comment
    continued: set[int] = set()       # output lines that continue the trailing comment above them

    def own_line_comment(c: ast.Comment, depth: int) -> None:
        above = len(out) - 1
        if trailing_column.get(c.line - 1) == c.column and (above in comment_of or above in continued):
            trailing_column[c.line] = c.column  # a third line may continue it again
            continued.add(len(out))
            out.append(c.text.rstrip())
        else:
            out.append(INDENT * depth + c.text.rstrip())

    def blank_above(line: int) -> bool:
        return line >= 2 and not src[line - 2].strip()

    def add_blank() -> None:
        if out and out[-1] != "" and not out[-1].endswith("{"):
            out.append("")

    used: set[int] = set()
    for i, ln in enumerate(printer.lines):
        if ln.depth == 0 and out and out[-1] == "}":
            add_blank()
        before = [c for c in pending if c.line < ln.anchor]
        pending = pending[len(before):]
        attached = ln.anchor  # first line of the comment block touching this statement
        for c in reversed(before):
            if c.line != attached - 1:
                break
            attached = c.line
        for c in before:
            if (ln.force_blank and c.line == attached) or blank_above(c.line):
                add_blank()
            own_line_comment(c, ln.depth)
        if (ln.force_blank and attached == ln.anchor) or (blank_above(ln.anchor) and not ln.closing):
            add_blank()
        text = INDENT * ln.depth + ln.text
        # a statement reaches to the line before the next one starts: its span ends at its last
        # token in the AST, but a `)` closing a multi-line expression may stand on a later line
        following = next((a for a in anchors[i + 1:] if a > ln.anchor), len(src) + 1)
        notes: list[str] = []
        for line in range(ln.anchor, max(ln.end, following - 1) + 1):
            if line in trailing and line not in used and (line == ln.anchor or line not in code_lines):
                notes.extend(trailing[line])
                used.add(line)
        if notes:
            code_of[len(out)], comment_of[len(out)] = text, notes[0]
        out.append(text)
        for note in notes[1:]:  # the statement's other trailing comments continue the first, aligned below it
            continued.add(len(out))
            out.append(note)
    for c in pending:
        if blank_above(c.line):
            add_blank()
        own_line_comment(c, 0)
    _align_trailing_comments(out, code_of, comment_of, continued)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


ALIGN_LIMIT = 60  # a statement longer than this keeps its comment two spaces after it


def _align_trailing_comments(out: list[str], code_of: dict[int, str], comment_of: dict[int, str],
                             continued: set[int]) -> None:
    """Trailing comments of consecutive lines start in one column (as planners align them by
    hand, and as gofmt does); a comment line continuing one of them starts in the column of the
    comment above it, so that the next run of the formatter reads it as a continuation again."""
    i = 0
    while i < len(out):
        if i not in comment_of:
            i += 1
            continue
        run = [i]
        while run[-1] + 1 < len(out) and (run[-1] + 1 in comment_of or run[-1] + 1 in continued):
            run.append(run[-1] + 1)
        widths = [len(code_of[k]) for k in run if k in comment_of and len(code_of[k]) <= ALIGN_LIMIT]
        column = max(widths, default=0) + 2
        last = column
        for k in run:
            if k in continued:
                out[k] = " " * last + out[k]
            elif len(code_of[k]) <= ALIGN_LIMIT:
                out[k], last = code_of[k].ljust(column) + comment_of[k], column
            else:
                out[k], last = code_of[k] + "  " + comment_of[k], len(code_of[k]) + 2
        i = run[-1] + 1


__all__ = ["format_file", "keyword_language", "expression", "setting", "VALUES"]
