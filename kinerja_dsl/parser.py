"""Source text -> typed AST, with syntax errors as diagnostics.

One LALR parser per process, built from grammar/kinerja.lark with an embedded
transformer, so the AST is built while parsing (no intermediate tree). When a
file has syntax errors, each top-level declaration is parsed on its own so that
every broken declaration gets a diagnostic and the intact ones still reach the
checker.

Building the LALR tables takes ~0,06 s, so they are cached (Lark's `cache=`) in a
per-user folder (`parser_cache_dir`), in a file named by a hash of the grammar, the
parser options, Lark's and Python's versions: a changed grammar or Lark never reads
stale tables (and Lark checks its own hash inside the file too). The file is a
pickle, so it is read only when the folder and the file are the user's own and no
one else can write them, never through a symlink; it is created empty with mode
0600 before Lark fills it, and an empty, cut or corrupt file is simply rebuilt.
Without such a folder (a read-only home, KINERJA_CACHE_DIR set empty) the tables
are built in memory, as before.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import sys
from collections import OrderedDict
from contextvars import ContextVar
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import lark
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ast
from .diagnostics import Diagnostic, Severity, did_you_mean, source_lines
from .messages import N_, language, t
from .vocabulary import KEYWORDS, SETTING_KEYS, canonical_key, canonical_keyword

# What a grammar rule's callback receives: its tokens and the AST nodes of its sub-rules, in the
# order the rule writes them (None for an optional part left out); each callback knows its rule.
Children = list[Any]

MAX_EXPRESSION_DEPTH = 64    # levels of parentheses, calls and ifs (a chain `a + b + …` is one)
MAX_EXPRESSION_HEIGHT = 256  # operations on one path, chains included: what recursive readers can take

_file: ContextVar[str] = ContextVar("kinerja_file", default="<text>")
_comments: ContextVar[list] = ContextVar("kinerja_comments")
_source: ContextVar[str] = ContextVar("kinerja_source", default="")  # the text being parsed: a template keeps its body


def grammar_text() -> str:
    """The grammar, read from the installed package (regular or editable install)."""
    try:
        return resources.files("kinerja_dsl.grammar").joinpath("kinerja.lark").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parent.parent / "grammar" / "kinerja.lark").read_text("utf-8")


class NewlineFilter:
    """Drops newlines inside parentheses and collapses runs of newlines."""

    always_accept = ("_NL",)

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        depth = 0
        last_newline = True
        for token in stream:
            kind = token.type
            if kind == "_NL":
                if depth or last_newline:
                    continue
                last_newline = True
            else:
                last_newline = False
                if kind == "LPAR":
                    depth += 1
                elif kind == "RPAR" and depth:
                    depth -= 1
            yield token


def _at(position: int | None) -> int:
    """A lexed token's line or column: lark types them optional, but the lexer always sets them."""
    return position if position is not None else 0


def _record_comment(token: Token) -> Token:
    _comments.get().append(ast.Comment(str(token), _at(token.line), _at(token.column)))
    return token


CACHE_ENV = "KINERJA_CACHE_DIR"
_CACHE_FORMAT = "1"  # bump when what the cache key covers changes


def parser_cache_dir() -> Path | None:
    """Where the parse tables are cached: $KINERJA_CACHE_DIR (empty: no cache), else the user's
    cache folder ($XDG_CACHE_HOME or ~/.cache, %LOCALAPPDATA% on Windows) / kinerja_dsl."""
    if CACHE_ENV in os.environ:
        chosen = os.environ[CACHE_ENV]
        return Path(chosen) if chosen else None
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "kinerja_dsl" if base else None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "kinerja_dsl"


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (on POSIX; elsewhere the profile folder decides)."""
    if os.name != "posix":
        return True
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _cache_folder() -> Path | None:
    """The cache folder, created private when missing; None when it is not ours alone or cannot be made."""
    folder = parser_cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    return folder if stat.S_ISDIR(info.st_mode) and _private(info) else None


def _cache_key(grammar: str, options: dict) -> str:
    """Everything the tables depend on: the grammar, the options, what the post-lexer keeps, Lark, Python."""
    parts = [_CACHE_FORMAT, grammar, repr(sorted(options.items())), repr(NewlineFilter.always_accept),
             lark.__version__, "%d.%d" % sys.version_info[:2]]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _build_parser(grammar: str, options: dict, runtime: dict, name: str = "parser") -> Lark:
    """Load the tables from the cache, or build them and store them there for the next process."""
    folder = _cache_folder()
    if folder is None:
        return Lark(grammar, **options, **runtime)
    path = folder / f"{name}-{_cache_key(grammar, options)}.lark"
    created = False
    try:  # made here, empty and private, so Lark fills a file no one else can write (whatever the umask)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
        created = True
    except FileExistsError:
        pass
    except OSError:
        return Lark(grammar, **options, **runtime)
    try:
        info = os.lstat(path)
    except OSError:
        return Lark(grammar, **options, **runtime)
    if not (stat.S_ISREG(info.st_mode) and _private(info)):  # a symlink, another user's file: never read it
        return Lark(grammar, **options, **runtime)
    # Lark checks its own hash of grammar, options and versions in the file and rebuilds (and rewrites the
    # file) when it differs or the file is empty or cut short, as when another process is writing it now
    parser = Lark(grammar, **options, **runtime, cache=str(path))
    if created:
        for stale in folder.glob(f"{name}-*.lark"):  # tables of an older grammar, Lark or Python
            if stale != path:
                try:
                    stale.unlink()
                except OSError:
                    pass
    return parser


@functools.lru_cache(maxsize=None)
def lark_parser(with_ast: bool = True) -> Lark:
    """The process-wide parser; `with_ast=False` gives a bare Lark tree (benchmarks)."""
    options = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True,
               "propagate_positions": not with_ast}
    runtime = {"postlex": NewlineFilter(), "transformer": AstBuilder() if with_ast else None,
               "lexer_callbacks": {"COMMENT": _record_comment} if with_ast else {}}
    return _build_parser(grammar_text(), options, runtime, "parser" if with_ast else "tree")


# ---- building the AST ------------------------------------------------------------

def _tok_span(tok: Token) -> ast.Span:
    return ast.Span(_file.get(), _at(tok.line), _at(tok.column), _at(tok.end_line), _at(tok.end_column))


def _span(first: Any, last: Any = None) -> ast.Span:
    """From the start of `first` to the end of `last` (a Token, a Span, or a node with a span)."""
    a = first if isinstance(first, ast.Span) else (first.span if hasattr(first, "span") else _tok_span(first))
    last = first if last is None else last
    b = last if isinstance(last, ast.Span) else (last.span if hasattr(last, "span") else _tok_span(last))
    return ast.Span(a.file, a.line, a.column, b.end_line, b.end_column)


def _unquote(tok: Token) -> str:
    return re.sub(r"\\(.)", r"\1", str(tok)[1:-1])


def _decimal(text: str) -> tuple[Decimal, bool]:
    if text.endswith("%"):
        return Decimal(text[:-1]) / 100, True
    return Decimal(text), False


def _year(tok: Token) -> int:
    """A target's year; 0 when the text is not a whole number of sane length (the checker reports it)."""
    text = str(tok)
    return int(text) if text.isdigit() and len(text) <= 9 else 0  # 5000 digits: E117, not a crash in int()


class AstBuilder(Transformer):
    """Lark callbacks, one per grammar rule, returning ast nodes."""

    # -- numbers and arguments
    def number(self, c: Children) -> ast.Arg:
        minus, tok = (c[0], c[1]) if len(c) == 2 else (None, c[0])
        value, percent = _decimal(str(tok))
        text = str(tok)
        if minus is not None:
            value, text = -value, "-" + text
        return ast.Arg("number", text, value, _span(minus or tok, tok), percent)

    def fraction(self, c: Children) -> ast.Arg:
        num, den = Decimal(str(c[0])), Decimal(str(c[2]))
        # the Decimal the engine has always computed with, and the exact fraction sums use;
        # `1/0` keeps a placeholder 0 that the checker refuses (E119) before anything reads it
        value = ast.ExactDecimal(num / den, Fraction(num) / Fraction(den)) if den else Decimal(0)
        return ast.Arg("fraction", f"{c[0]}/{c[2]}", value, _span(c[0], c[2]))

    def arg(self, c: Children) -> ast.Arg:
        item = c[0]
        if isinstance(item, ast.Arg):
            return item
        if item.type == "STRING":
            return ast.Arg("string", _unquote(item), _unquote(item), _tok_span(item))
        return ast.Arg("name", str(item), str(item), _tok_span(item))

    def setting(self, c: Children) -> ast.Setting:
        key, args = c[0], tuple(c[1:])
        last = args[-1] if args else key
        return ast.Setting(canonical_key(str(key)), str(key), args, _span(key, last), _tok_span(key))

    option = setting

    # -- expressions
    def literal(self, c: Children) -> ast.Number:
        value, _ = _decimal(str(c[0]))
        return ast.Number(value, str(c[0]), _tok_span(c[0]))

    def name(self, c: Children) -> ast.Name:
        return ast.Name(str(c[0]), _tok_span(c[0]))

    def call(self, c: Children) -> ast.Call:
        args = tuple(a for a in c[2:-1] if isinstance(a, (ast.Number, ast.Name, ast.Call, ast.Binary,
                                                           ast.Negate, ast.Compare, ast.If)))
        return ast.Call(str(c[0]), args, _span(c[0], c[-1]))

    def paren(self, c: Children) -> ast.Expr:
        inner: ast.Expr = c[1]  # `(` expression `)`
        return inner

    def binary(self, c: Children) -> ast.Binary:
        return ast.Binary(str(c[1]), c[0], c[2], _span(c[0], c[2]))

    def negate(self, c: Children) -> ast.Negate:
        return ast.Negate(c[1], _span(c[0], c[1]))

    def compare(self, c: Children) -> ast.Compare:
        return ast.Compare(str(c[1]), c[0], c[2], _span(c[0], c[2]))

    def if_expr(self, c: Children) -> ast.If:
        return ast.If(c[1], c[3], c[5], _span(c[0], c[5]))

    # -- indicator statements
    def formula(self, c: Children) -> ast.Formula:
        kind = canonical_keyword(str(c[0]))  # numerator | denominator | value
        return ast.Formula(kind, c[1], _span(c[0], c[1]))

    def target_value(self, c: Children) -> ast.TargetValue:
        low = c[0]
        high = c[2] if len(c) == 3 else None
        return ast.TargetValue(low.value * 100 if low.percent else low.value,
                               (high.value * 100 if high.percent else high.value) if high else None,
                               low.text, high.text if high else None, _span(low, high or low))

    def target(self, c: Children) -> ast.Target:
        period = str(c[2]) if c[2] is not None else None
        return ast.Target(_year(c[1]), period, c[4], _span(c[0], c[4]), year_text=str(c[1]))

    def renstra(self, c: Children) -> ast.Target:
        return ast.Target(_year(c[1]), None, c[3], _span(c[0], c[3]), renstra=True, year_text=str(c[1]))

    def range(self, c: Children) -> ast.Range:
        low, high = c[1], c[3]
        return ast.Range(low.value * 100 if low.percent else low.value,
                         high.value * 100 if high.percent else high.value,
                         low.text, high.text, _span(c[0], high))

    # -- composite index
    def _options_and_children(self, c: Children, start: int
                              ) -> tuple[tuple[ast.Setting, ...], tuple[ast.Group | ast.Component, ...]]:
        options = tuple(x for x in c[start:] if isinstance(x, ast.Setting))
        children = tuple(x for x in c[start:] if isinstance(x, (ast.Group, ast.Component)))
        return options, children

    def index(self, c: Children) -> ast.Index:
        options, children = self._options_and_children(c, 1)
        return ast.Index(options, children, _span(c[0], c[-1]))

    def group(self, c: Children) -> ast.Group:
        label = _unquote(c[2]) if c[2] is not None else None
        options, children = self._options_and_children(c, 3)
        targets = tuple(x for x in c[3:] if isinstance(x, ast.Target))
        return ast.Group(str(c[1]), label, options, children, _span(c[0], c[-1]), targets)

    def component(self, c: Children) -> ast.Component:
        label = _unquote(c[2]) if c[2] is not None else None
        options = tuple(x for x in c[3:-2] if isinstance(x, ast.Setting))
        return ast.Component(str(c[1]), label, options, c[-1], _span(c[0], c[-1]))

    # -- bands
    def bound(self, c: Children) -> ast.Bound:
        value = c[1].value * 100 if c[1].percent else c[1].value
        return ast.Bound(str(c[0]), value, c[1].text, _span(c[0], c[1]))

    def band(self, c: Children) -> ast.Band:
        bounds = tuple(x for x in c[1:] if isinstance(x, ast.Bound))
        return ast.Band(_unquote(c[0]), bounds, _span(c[0], bounds[-1]))

    def bands(self, c: Children) -> ast.BandSet:
        label = _unquote(c[2]) if c[2] is not None else None
        items = tuple(x for x in c[3:] if isinstance(x, ast.Band))
        return ast.BandSet(str(c[1]), label, items, _span(c[0], c[-1]), _tok_span(c[1]))

    # -- declarations
    def include(self, c: Children) -> ast.Include:
        return ast.Include(_unquote(c[1]), _span(c[0], c[1]))

    def extends(self, c: Children) -> ast.Include:
        return ast.Include(_unquote(c[1]), _span(c[0], c[1]), extends=True)

    def policy(self, c: Children) -> ast.Policy:
        scope = next((x for x in c if isinstance(x, tuple)), ())
        return ast.Policy(tuple(x for x in c if isinstance(x, ast.Setting)), _span(c[0], c[-1]), scope)

    def scope(self, c: Children) -> tuple[ast.Setting, ...]:
        return tuple(x for x in c if isinstance(x, ast.Setting))

    selector = setting

    def kind_word(self, c: Children) -> ast.Arg:
        return ast.Arg("name", str(c[0]), str(c[0]), _tok_span(c[0]))

    def field(self, c: Children) -> ast.FieldDecl:
        label = _unquote(c[2]) if c[2] is not None else None
        kind = str(c[3]) if c[3] is not None else None
        rollup = str(c[4]) if c[4] is not None else None
        last = next(x for x in reversed(c) if x is not None)
        return ast.FieldDecl(str(c[1]), label, kind, _span(c[0], last),
                             _tok_span(c[3]) if c[3] is not None else None,
                             rollup, _tok_span(c[4]) if c[4] is not None else None,
                             c[6] if len(c) > 6 else None, _tok_span(c[1]))

    def office(self, c: Children) -> ast.Office:
        label = _unquote(c[2]) if c[2] is not None else None
        parent = str(c[4]) if c[4] is not None else None
        last = next(x for x in reversed(c) if x is not None)
        return ast.Office(str(c[1]), label, parent, _span(c[0], last),
                          _tok_span(c[4]) if c[4] is not None else None, _tok_span(c[1]))

    def sasaran(self, c: Children) -> ast.Sasaran:
        label = _unquote(c[2]) if c[2] is not None else None
        settings = tuple(x for x in c[3:] if isinstance(x, ast.Setting))
        has_block = any(isinstance(x, Token) and x.type == "LBRACE" for x in c[3:])
        last = next(x for x in reversed(c) if x is not None)
        return ast.Sasaran(str(c[1]), label, settings, _span(c[0], last), has_block, _tok_span(c[1]))

    def indicator(self, c: Children) -> ast.Indicator:
        label = _unquote(c[2]) if c[2] is not None else None
        body = tuple(x for x in c[3:] if not isinstance(x, Token))
        return ast.Indicator(str(c[1]), label, body, _span(c[0], c[-1]), _tok_span(c[1]))

    def pk_target(self, c: Children) -> ast.PkTarget:
        period = str(c[2]) if c[2] is not None else None
        return ast.PkTarget(str(c[1]), period, c[4], _span(c[0], c[4]), _tok_span(c[1]))

    def agreement(self, c: Children) -> ast.Agreement:
        label = _unquote(c[1]) if c[1] is not None else None
        body = tuple(x for x in c[2:] if isinstance(x, (ast.Setting, ast.PkTarget)))
        return ast.Agreement(label, body, _span(c[0], c[-1]))

    # -- families (expanded by expand.py)
    def template_block(self, c: Children) -> None:
        return None  # a block inside a template's body: the body is kept as text

    def template(self, c: Children) -> ast.Template:
        close = next(k for k, x in enumerate(c) if isinstance(x, Token) and x.type == "RPAR")
        params = [x for x in c[2:close] if isinstance(x, Token) and x.type == "NAME"]
        lbrace, rbrace = c[close + 1], c[-1]
        body = _source.get()[_at(lbrace.end_pos):_at(rbrace.start_pos)]
        return ast.Template(str(c[1]), tuple(map(str, params)), body, _at(lbrace.end_line),
                            _at(lbrace.end_column), _span(c[0], rbrace), _tok_span(c[1]),
                            tuple(_tok_span(p) for p in params))

    def use_arg(self, c: Children) -> ast.UseArg:
        name, value = (c[0], c[-1]) if len(c) == 3 else (None, c[-1])
        return ast.UseArg(str(name) if name is not None else None, value, _span(name or value, value))

    def use(self, c: Children) -> ast.Use:
        args = tuple(x for x in c if isinstance(x, ast.UseArg))
        words = [x for x in c if isinstance(x, Token)]
        per = next((k for k, x in enumerate(words) if x.type == "PER"), None)
        offices: tuple[ast.Arg, ...] = ()
        under = None
        if per is not None:
            names = [ast.Arg("name", str(x), str(x), _tok_span(x)) for x in words[per:] if x.type == "NAME"]
            if any(x.type == "UNDER" for x in words[per:]):
                under = names[0]
            else:
                offices = tuple(names)
        return ast.Use(str(c[1]), args, _span(c[0], words[-1]), _tok_span(c[1]), offices, under)

    def start(self, c: Children) -> tuple[ast.Declaration, ...]:
        return tuple(x for x in c if not isinstance(x, Token))


# ---- error reporting ------------------------------------------------------------------

_DISPLAY = {
    "NAME": N_("a name"), "NUMBER": N_("a number"), "PERCENT": N_("a percentage"), "STRING": N_("a quoted text"),
    "_NL": N_("a new line"), "$END": N_("the end of the file"), "DOTDOT": "`..`", "EQEQ": "`==`",
    "NE": "`!=`", "GE": "`>=`", "LE": "`<=`", "GT": "`>`", "LT": "`<`", "EQUAL": "`=`",
    "PLUS": "`+`", "MINUS": "`-`", "STAR": "`*`", "SLASH": "`/`", "LPAR": "`(`", "RPAR": "`)`",
    "LBRACE": "`{`", "RBRACE": "`}`", "COMMA": "`,`",
}
_DISPLAY.update({k.upper(): f"`{k}`" for k in KEYWORDS})

_DECLARATION_START = re.compile(
    r"^(?:" + "|".join(sorted({w for k in ("include", "extends", "policy", "field", "office", "sasaran",
                                            "indicator", "bands", "agreement", "template", "use")
                               for w in (k, *KEYWORDS[k])}, key=len, reverse=True)) + r")\b")


def display(terminal: str) -> str:
    """How a terminal is named to a person: a word in their language, or the token itself in backticks."""
    shown = _DISPLAY.get(terminal, terminal.lower())
    return shown if shown.startswith("`") else t(shown)


def _expected(names: Iterable[str]) -> str:
    shown = sorted({display(n) for n in names if not n.startswith("__")})
    if len(shown) > 6:
        shown = shown[:6] + ["…"]
    return ", ".join(shown)


def _statement_hint(line_text: str) -> str | None:
    """A 'did you mean' for a misspelt keyword at the start of the line."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line_text)
    if not words:
        return None
    first = words[0]
    known = set(KEYWORDS) | {a for v in KEYWORDS.values() for a in v} | set(SETTING_KEYS)
    if first in known:
        return None
    return did_you_mean(first, list(KEYWORDS) + list(SETTING_KEYS))


def _syntax_diagnostic(err: UnexpectedInput, text: str, file: str) -> Diagnostic:
    lines = source_lines(text)
    if isinstance(err, UnexpectedCharacters):
        pos = _at(err.pos_in_stream)
        char = text[pos] if pos < len(text) else ""
        hint = None
        if char == "," and pos and text[pos - 1].isdigit():
            hint = t("numbers in a catalog use a dot as the decimal mark, e.g. `3.6`")
        elif char in "'\u201c\u201d\u2018\u2019":
            hint = t('quote texts with straight double quotes: "…"')
        elif char in "\u00d7\u00f7\u2212":
            hint = t("write arithmetic with * / - (not × ÷ −)")
        return Diagnostic(code="E003", severity=Severity.ERROR, message=t("unexpected character `{char}`", char=char),
                          file=file, line=err.line, column=err.column, end_column=err.column + 1,
                          hint=hint or (t("expected {names}", names=_expected(err.allowed)) if err.allowed else None))
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        line = max(1, len(lines))
        column = len(lines[-1]) + 1 if lines else 1
        opened = text.count("{") - text.count("}")
        hint = t("a `{open}` is not closed by a `{close}`", open="{", close="}") if opened > 0 \
            else t("expected {names}", names=_expected(err.expected))
        return Diagnostic(code="E002", severity=Severity.ERROR, message=t("unexpected end of file"), file=file,
                          line=line, column=column, end_column=column + 1, hint=hint)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    line_text = lines[tok.line - 1] if 0 < tok.line <= len(lines) else ""
    message = t("unexpected end of line") if tok.type == "_NL" else t("unexpected `{token}`", token=tok)
    hint = _statement_hint(line_text)
    if hint is None:
        previous = err.token_history[-1] if err.token_history else None
        if tok.type == "COMMA" and previous is not None and previous.type == "NUMBER":
            hint = t("numbers in a catalog use a dot as the decimal mark, e.g. `3.6`")
        elif tok.type == "RBRACE" and "_NL" in err.expected:
            hint = t("put the closing `{close}` on a line of its own", close="}")
        elif tok.type == "NAME" and err.expected and all(e in ("_NL", "AND") for e in err.expected):
            hint = t("one statement per line")
        else:
            hint = t("expected {names}", names=_expected(err.expected))
    width = max(1, (tok.end_column or tok.column + 1) - tok.column) if tok.type != "_NL" else 1
    column = tok.column if tok.type != "_NL" else len(line_text) + 1
    return Diagnostic(code="E001", severity=Severity.ERROR, message=message, file=file, line=tok.line,
                      column=column, end_column=column + width, hint=hint)


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split a file into top-level declarations: (first line index, text)."""
    lines = source_lines(text, keepends=True)
    starts = [i for i, line in enumerate(lines) if _DECLARATION_START.match(line)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = starts + [len(lines)]
    return [(bounds[k], "".join(lines[bounds[k]:bounds[k + 1]])) for k in range(len(starts))]


def _parse_text(text: str) -> tuple[ast.Declaration, ...]:
    """The declarations of a text (AstBuilder.start runs inside the parser and returns them)."""
    # lark types parse() as returning a Tree; with AstBuilder as its transformer it is our tuple
    token = _source.set(text)
    try:
        parsed: tuple[ast.Declaration, ...] = lark_parser().parse(text)  # type: ignore[assignment]
    finally:
        _source.reset(token)
    return parsed


PARSED_KEPT = 64  # texts of one file whose parse is kept: a catalog's template instances, its last versions
PARSED_FILES = 64  # files whose parses are kept
PARSED_KEPT_SIZE = 256 * 1024  # characters: a larger text (ten times the largest shipped catalog) is parsed each time
_Parsed = tuple[ast.CatalogFile, tuple[Diagnostic, ...]]
_parsed: OrderedDict[tuple[str, str], OrderedDict[str, _Parsed]] = OrderedDict()


def parse(text: str, file: str = "<text>") -> tuple[ast.CatalogFile, list[Diagnostic]]:
    """Parse one file's text. Returns the AST (of the parts that parsed) and diagnostics.

    The syntax tree is immutable, so the parse of a text already seen (same file name, same
    language of the messages) is handed back as it was: `kinerja lsp` checks a catalog again on
    every edit, and parses again only the file being typed in, not its base, its PK files or its
    template instances. Each file keeps its last PARSED_KEPT texts, so the versions an editor
    typed through do not pile up (every one is walked by each full garbage collection)."""
    if len(text) > PARSED_KEPT_SIZE:
        return _parse_file(text, file)
    texts = _parsed.setdefault((file, language()), OrderedDict())
    _parsed.move_to_end((file, language()))
    kept = texts.get(text)
    if kept is None:
        parsed, found = _parse_file(text, file)
        kept = texts[text] = (parsed, tuple(found))
        if len(texts) > PARSED_KEPT:
            texts.popitem(last=False)
        if len(_parsed) > PARSED_FILES:
            _parsed.popitem(last=False)
    else:
        texts.move_to_end(text)
    return kept[0], list(kept[1])


def _parse_file(text: str, file: str) -> tuple[ast.CatalogFile, list[Diagnostic]]:
    if text.startswith("\ufeff"):
        text = text[1:]
    token_file = _file.set(file)
    comments: list[ast.Comment] = []
    token_comments = _comments.set(comments)
    diagnostics: list[Diagnostic] = []
    declarations: list = []
    try:
        source = text if text.endswith("\n") else text + "\n"
        try:
            declarations = list(_parse_text(source))
        except UnexpectedInput:
            comments.clear()
            for offset, chunk in _chunks(source):
                padded = "\n" * offset + chunk
                try:
                    declarations.extend(_parse_text(padded))
                except UnexpectedInput as err:
                    diagnostics.append(_syntax_diagnostic(err, padded, file))
                except VisitError as err:  # a transformer callback failed: still a syntax problem
                    diagnostics.append(Diagnostic(code="E001", severity=Severity.ERROR,
                                                  message=t("cannot read this declaration: {error}",
                                                            error=err.orig_exc),
                                                  file=file, line=offset + 1, column=1, end_column=2))
        except RecursionError:
            diagnostics.append(Diagnostic(code="E008", severity=Severity.ERROR,
                                          message=t("the file nests too deeply to read"), file=file, line=1,
                                          column=1, end_column=2,
                                          hint=t("split long expressions into several indicators or fields")))
            declarations = []
    finally:
        _file.reset(token_file)
        _comments.reset(token_comments)
    if not text.strip() or (not declarations and not diagnostics and not _has_code(text)):
        diagnostics.append(Diagnostic(code="E004", severity=Severity.ERROR, message=t("the file has no declarations"),
                                      file=file,
                                      hint=t("a catalog declares `indicator`, `sasaran`, `policy`, … blocks")))
    for decl in declarations:
        if isinstance(decl, ast.Indicator):
            for expr in ast.indicator_exprs(decl):
                problem = _too_deep(expr, file)
                if problem is not None:
                    diagnostics.append(problem)
    comments.sort(key=lambda c: (c.line, c.column))
    return ast.CatalogFile(file, tuple(declarations), tuple(comments), text), diagnostics


def _too_deep(expr: ast.Expr, file: str) -> Diagnostic | None:
    """E008 for an expression nested too deeply, or chaining more operations than the stack holds."""
    depth, height = ast.nesting(expr)
    if depth > MAX_EXPRESSION_DEPTH:
        message = t("expression nests deeper than {n} levels", n=MAX_EXPRESSION_DEPTH)
    elif height > MAX_EXPRESSION_HEIGHT:
        message = t("expression has more than {n} operations in a row", n=MAX_EXPRESSION_HEIGHT)
    else:
        return None
    return Diagnostic(code="E008", severity=Severity.ERROR, message=message, file=file, line=expr.span.line,
                      column=expr.span.column, end_column=0, hint=t("split it into data fields or several indicators"))


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


__all__ = ["parse", "lark_parser", "grammar_text", "MAX_EXPRESSION_DEPTH"]
