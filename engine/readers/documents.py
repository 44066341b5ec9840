"""Reading an input document: the one way every input file (realisation data, a workbook mapping,
a PK, published figures) becomes text, a TOML document with its line map, a CSV table, and a
declared layout (pydantic) whose every violation is a diagnostic at its line.

Nothing here knows what a document means; data.py, mapping.py, agreement.py and published.py
declare their layouts and read them through these functions, so that the same mistake reads the
same in every format: a blank is missing (`is_blank`), a value is a number by one rule
(`number_of`), an unknown key is D007 with a did-you-mean at its line (`validated`). Their
readers (`load_data`, `load_pk`, `load_published`, `read_mapping`) hand back a `Read`: the
document, its diagnostics and the texts it decoded, so that a command reads every input file
once and still shows the offending line under a finding.
"""
from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeAlias, TypeGuard, TypeVar, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from kinerja_dsl.catalog import MAX_INTEGER_DIGITS
from kinerja_dsl.diagnostics import Diagnostic, Severity, Sources, did_you_mean
from kinerja_dsl.loader import PathLike, read_text
from kinerja_dsl.messages import N_, t

from ..numbers import LOCALES, abbreviated, exact, parse_number

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
FORMAT_HINT = N_("see the file's format in README.md")  # t() where shown


# ---- text: the one reader of every text input ------------------------------------------------

def read_document(path: PathLike) -> tuple[str | None, list[Diagnostic]]:
    """The text of an input file through the one safe reader (`kinerja_dsl.loader.read_text`:
    regular files only, never past the size limit, UTF-8 or UTF-16 with a BOM), any byte-order
    mark left at its start removed; else None and why."""
    text, problem = read_text(Path(path))
    if text is None:
        return None, [problem] if problem is not None else []
    return text.lstrip("\ufeff"), []


T = TypeVar("T")


@dataclass(frozen=True)
class Read(Generic[T]):
    """What a reader made of one input file: the document (`value`), every finding about it, and
    each text it decoded by the name its diagnostics give that file (the file's own; a
    workbook's mapping file). The file is read once: whoever shows a finding's line (the
    application, after adding its own findings about the document) takes the text from here."""

    file: str                                   # the input, as its diagnostics name it
    value: T
    diagnostics: list[Diagnostic]
    texts: dict[str, str] = field(default_factory=dict)

    def sources(self, *aliases: str) -> Sources:
        """The decoded texts as source lines for diagnostics; the input's own text also under
        each of `aliases` (the path as the command line gave it, `./published.toml`, where the
        reader says `published.toml`)."""
        sources = Sources()
        for name, text in self.texts.items():
            sources.add(name, text)
        own = self.texts.get(self.file)
        if own is not None:
            for alias in aliases:
                sources.add(alias, own)
        return sources


# ---- the blank rule and the number rule -------------------------------------------------------

def is_blank(raw: object) -> bool:
    """The one rule of every format (TOML, CSV, a workbook cell): nothing written is missing."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


NumberLike: TypeAlias = str | int | Decimal


def number_of(raw: NumberLike, locale: str | None) -> tuple[Decimal, str]:
    """The exact number a value holds, and its text as a message quotes it; NotationError (D006
    malformed or ambiguous, D012 not representable) when it holds none. A text is read in the
    declared notation (`locale`); a TOML or cell number is checked where it enters. The caller
    has already refused what is not a number at all (a table, true/false)."""
    if isinstance(raw, str):
        return parse_number(raw, locale), raw
    text = str(raw) if not isinstance(raw, Decimal) or raw.is_finite() else shown_value(raw)
    return exact(Decimal(raw), text), text


def is_number_like(raw: object) -> TypeGuard[NumberLike]:
    """A value that may hold a number: a text, a whole number or a Decimal (TOML's floats and a
    workbook's numbers are read as Decimals); never true/false, a table or an array."""
    return not isinstance(raw, bool) and isinstance(raw, (str, int, Decimal))


def shown_value(value: object) -> str:
    """A TOML value (or a cell) as a message quotes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return t("a table")
    if isinstance(value, list):
        return t("an array")
    if isinstance(value, Decimal) and not value.is_finite():
        return "nan" if value.is_nan() else ("-inf" if value < 0 else "inf")
    if isinstance(value, str):
        return f'"{abbreviated(value)}"'
    return abbreviated(str(value))


def unknown_locale(locale: str | None, file: str, line: int, quoted: bool = True) -> Diagnostic | None:
    """D007 for a declared notation that is neither id nor en; None when it is one or absent.
    `quoted`: the hint spells the values as TOML strings (a CSV's `# locale: id` does not)."""
    if locale is None or locale in LOCALES:
        return None
    q = '"' if quoted else ""
    return Diagnostic(code="D007", severity=Severity.ERROR, message=t("unknown locale `{locale}`", locale=locale),
                      file=file, line=line, column=1,
                      hint=t("use {id} (1.234,56) or {en} (1,234.56)", id=f"{q}id{q}", en=f"{q}en{q}"))


# ---- TOML: the one loader of every TOML input, and its line map ------------------------------

MAX_TOML_NESTING = 32  # arrays and inline tables inside each other; no input needs more than 3
_LONG_NUMBER = 4000    # digits: a TOML integer this long is refused by Python before we see it

_TOML_TOKEN = re.compile("|".join((
    r"(?P<nl>\r?\n)",
    r"(?P<ws>[ \t]+)",
    r"(?P<comment>#[^\r\n]*)",
    r'(?P<mlstring>"""(?:\\[\s\S]|[^\\"]|"(?!""))*"{3,5}' + r"|'''(?:[^']|'(?!''))*'{3,5})",
    r'(?P<string>"(?:\\.|[^\\"\r\n])*"' + r"|'[^'\r\n]*')",
    r"(?P<punct>[\[\]{}=,])",
    r"(?P<bare>[^\s\[\]{}=,#\"']+)",
    r"(?P<other>[\s\S])",
)))


KeyPath = tuple[str | int, ...]   # the keys to a value and, inside an array, the element's 0-based index
Position = tuple[int, int]        # (line, column), 1-based; (0, 0) when unknown


@dataclass
class TomlLines:
    """Where each table, key and array element of a TOML document stands, by path: its keys and,
    inside an array (`[[target]]` or `[…]`), the 0-based index of the element."""

    positions: dict[KeyPath, Position] = field(default_factory=dict)  # key path -> (line, column)

    def position(self, *path: str | int) -> Position:
        """(line, column) of `path`, else of its nearest enclosing key; (0, 0) when unknown."""
        for n in range(len(path), 0, -1):
            hit = self.positions.get(tuple(path[:n]))
            if hit is not None:
                return hit
        return 0, 0

    def line(self, *path: str | int) -> int:
        return self.position(*path)[0]


def _key_part(token: str) -> list[str]:
    """The key parts of one token: a quoted key is one part, a bare `a.b` two."""
    if token[0] == "'":
        return [token[1:-1]]
    if token[0] == '"':
        try:
            return [str(tomllib.loads(f"k = {token}")["k"])]
        except tomllib.TOMLDecodeError:
            return [token[1:-1]]
    return [p.strip() for p in token.split(".") if p.strip()]


@dataclass
class _Scan:
    lines: TomlLines
    too_deep: Position | None = None                                         # where nesting passed the limit
    long_numbers: list[tuple[int, int, int]] = field(default_factory=list)   # (line, column, digits)


@dataclass
class _Header:
    """A `[table]` or `[[array]]` header being read at the top level."""

    pos: Position
    first: int                      # the offset just after its `[`: a second `[` there makes `[[`
    double: bool = False
    tokens: list[str] = field(default_factory=list)


@dataclass
class _Open:
    """An array or inline table open inside a value."""

    is_array: bool
    path: KeyPath
    index: int = 0                  # array: the element being read
    expect: bool = True             # array: an element may begin
    mode: str = "key"               # inline table: key | value | after (a value ended; `,` or `}` next)
    words: list[tuple[str, Position]] = field(default_factory=list)   # inline table: the key's tokens
    key: KeyPath = ()               # inline table: the key whose value is read


def scan_toml(text: str) -> _Scan:
    """One pass over the tokens (strings and comments skipped as TOML defines them), without
    recursion: the position of every header, key and array element, as `[[target]]  # note` or
    `"SJ1.ikm" = 1` really stand. Tolerant of invalid TOML, which tomllib then reports."""
    scan = _Scan(TomlLines())
    positions = scan.lines.positions
    arrays: dict[KeyPath, int] = {}             # [[array]] path -> its elements so far
    table: KeyPath = ()
    key: KeyPath = ()
    state = "start"                             # at the top level: start | header | key | value | end
    words: list[tuple[str, Position]] = []
    header: _Header | None = None
    stack: list[_Open] = []                     # open arrays and inline tables
    line, line_start = 1, 0

    def resolve(parts: list[str]) -> KeyPath:
        path: KeyPath = ()
        for p in parts:
            path += (p,)
            if path in arrays:
                path += (arrays[path] - 1,)
        return path

    def open_value(token: str, path: KeyPath, pos: Position) -> None:
        """A value begins at `path`: an array or inline table opens, a scalar is checked."""
        if token in "[{" and len(token) == 1:
            if len(stack) >= MAX_TOML_NESTING and scan.too_deep is None:
                scan.too_deep = pos
            stack.append(_Open(token == "[", path))
            return
        digits = sum(ch.isdigit() for ch in token) if token[0] not in "\"'" else 0
        if digits > _LONG_NUMBER:
            scan.long_numbers.append((pos[0], pos[1], digits))
        closed()

    def closed() -> None:
        """A value ended: its container waits for `,` or its end."""
        nonlocal state
        if not stack:
            state = "end"
        elif not stack[-1].is_array:
            stack[-1].mode = "after"

    for m in _TOML_TOKEN.finditer(text):
        kind, token = m.lastgroup, m.group()
        pos = (line, m.start() - line_start + 1)
        if "\n" in token:
            line += token.count("\n")
            line_start = m.start() + token.rfind("\n") + 1
        if scan.too_deep is not None:
            break
        if kind in ("ws", "comment", "other") or (kind == "nl" and stack):
            continue
        if kind == "nl":
            if state == "header" and header is not None:
                names = [p for t in header.tokens for p in _key_part(t)]
                if header.double and names:
                    full = resolve(names[:-1]) + (names[-1],)
                    count = arrays.get(full, 0)
                    arrays[full] = count + 1
                    table = full + (count,)
                    positions.setdefault(full, header.pos)
                    positions[table] = header.pos
                elif names:
                    table = resolve(names)
                    for n in range(1, len(table) + 1):
                        positions.setdefault(table[:n], header.pos)
            state, words, header = "start", [], None
            continue
        if stack:
            top = stack[-1]
            if top.is_array:
                if token == "," and kind == "punct":
                    top.index += 1
                    top.expect = True
                elif token == "]" and kind == "punct":
                    stack.pop()
                    closed()
                elif top.expect and (kind != "punct" or token in "[{"):
                    path = top.path + (top.index,)
                    positions.setdefault(path, pos)
                    top.expect = False
                    open_value(token, path, pos)
            elif top.mode == "key":
                if kind in ("string", "bare"):
                    top.words.append((token, pos))
                elif token == "=" and top.words:
                    top.key = top.path + tuple(p for t, _ in top.words for p in _key_part(t))
                    for n in range(len(top.path) + 1, len(top.key) + 1):
                        positions.setdefault(top.key[:n], top.words[0][1])
                    top.mode, top.words = "value", []
                elif token == "}":
                    stack.pop()
                    closed()
            elif top.mode == "value":
                open_value(token, top.key, pos)
            elif token == ",":
                top.mode = "key"
            elif token == "}":
                stack.pop()
                closed()
            continue
        if state == "start":
            if token == "[" and kind == "punct":
                state, header = "header", _Header(pos, m.end())
            elif kind in ("string", "bare"):
                state, words = "key", [(token, pos)]
            else:
                state = "end"
        elif state == "header":
            assert header is not None  # set with the state
            if token == "[" and m.start() == header.first and not header.tokens:
                header.double = True
            elif kind in ("string", "bare"):
                header.tokens.append(token)
        elif state == "key":
            if kind in ("string", "bare"):
                words.append((token, pos))
            elif token == "=":
                parts = tuple(p for t, _ in words for p in _key_part(t))
                for n in range(1, len(parts) + 1):
                    positions.setdefault(table + parts[:n], words[0][1])
                state, key = "value", table + parts
            else:
                state = "end"
        elif state == "value":
            open_value(token, key, pos)
    return scan


# tomllib says where it stopped only inside its message (Python 3.11-3.13): "Invalid value (at line
# 3, column 7)". The one place that reads it: the position, and the message without it.
_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def toml_error(err: tomllib.TOMLDecodeError) -> tuple[str, int, int]:
    """What tomllib refused and where: (message without its position, line, column); line and
    column 0 when it names none (`at end of document`)."""
    text = str(err)
    m = _TOML_ERROR_AT.search(text)
    if m is None:
        return text, 0, 0
    return text[:m.start()] + text[m.end():], int(m.group(1)), int(m.group(2))


# what tomllib makes of a document (floats as Decimals): its tables hold these, nested
TomlValue: TypeAlias = Union[str, int, bool, Decimal, datetime, date, time, list["TomlValue"], "TomlTable"]
TomlTable: TypeAlias = dict[str, TomlValue]


def load_toml(file: str, text: str) -> tuple[TomlTable | None, TomlLines, list[Diagnostic]]:
    """The one way a TOML input is parsed (realisation data, a workbook mapping, a PK, published
    figures): floats as exact Decimals, nesting bounded (E008, where tomllib would overflow the
    stack), an integer too long to convert refused where it stands (D012), and the line map that
    points each later finding at its key. The document is None when it cannot be read."""
    scan = scan_toml(text)
    if scan.too_deep is not None:
        line, column = scan.too_deep
        return None, scan.lines, [Diagnostic(code="E008", severity=Severity.ERROR,
                                             message=t("arrays and tables nest deeper than {n} levels",
                                                       n=MAX_TOML_NESTING),
                                             file=file, line=line, column=column, end_column=column + 1,
                                             hint=t(FORMAT_HINT))]
    try:
        return tomllib.loads(text, parse_float=Decimal), scan.lines, []
    except tomllib.TOMLDecodeError as err:
        message, line, column = toml_error(err)
        problem = Diagnostic(code="E001", severity=Severity.ERROR, message=t("not valid TOML: {error}", error=message),
                             file=file, line=line, column=column, end_column=column + 1 if column else 0,
                             hint=t(FORMAT_HINT))
    except ValueError:  # Python refuses to convert an integer of more than 4300 digits
        line, column, digits = scan.long_numbers[0] if scan.long_numbers else (0, 0, 0)
        message = (t("a number of {digits} digits is outside the representable range: at most {most} digits "
                     "before the decimal point are kept exactly", digits=f"{digits:,}", most=MAX_INTEGER_DIGITS)
                   if digits else
                   t("a number is outside the representable range: at most {most} digits before the decimal point "
                     "are kept exactly", most=MAX_INTEGER_DIGITS))
        problem = Diagnostic(code="D012", severity=Severity.ERROR, message=message,
                             file=file, line=line, column=column, hint=t("correct the value"))
    except RecursionError:  # pragma: no cover - the scan stops deep nesting first
        problem = Diagnostic(code="E008", severity=Severity.ERROR, message=t("the document nests too deeply"),
                             file=file)
    return None, scan.lines, [problem]


class Schema(BaseModel):
    """A TOML input's declared layout: known keys only, each of its declared type (TOML's own
    types, no coercion: `line = "12"` is not a line number)."""

    model_config = ConfigDict(extra="forbid", strict=True)


_EXPECTED = {"int_type": N_("a whole number"), "string_type": N_("a text in quotes"), "bool_type": N_("true or false"),
             "list_type": N_("an array"), "dict_type": N_("a table"), "model_type": N_("a table"),
             "model_attributes_type": N_("a table"), "decimal_type": N_("a number")}


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys the schema allows where `loc` stands (for a did-you-mean hint)."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        inner = [a for a in (get_args(info.annotation) or (info.annotation,))
                 for a in (get_args(a) or (a,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not inner:
            break
        model = inner[0]
    return list(model.model_fields)


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], value: object, lines: TomlLines, file: str, where: KeyPath, out: list[Diagnostic],
              code: str = "D007") -> M | None:
    """`value` (the part of a TOML document at `where`) as `model`; None after one positioned
    diagnostic per violation (unknown key with a did-you-mean, missing key, wrong type)."""
    try:
        return model.model_validate(value if value is not None else {})
    except ValidationError as err:
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            keys = [p for p in loc if isinstance(p, str)]
            name = ".".join(keys[-1:]) or (str(where[-1]) if where else t("the document"))
            hint = None
            if e["type"] == "extra_forbidden":
                parent = (*where, *loc[:-1])
                if not parent:
                    message = t("unknown key `{name}`", name=name)
                else:
                    table = (f"[[{parent[-2]}]]" if isinstance(parent[-1], int) else f"[{parent[0]}]"
                             if len(parent) == 1 else f"`{parent[-1]}`")
                    message = t("unknown key `{name}` in {table}", name=name, table=table)
                allowed = _fields_at(model, loc[:-1])
                hint = did_you_mean(name, allowed) or t("the keys here: {keys}", keys=", ".join(allowed))
            elif e["type"] == "missing":
                message = t("`{name}` is missing", name=name)
            else:
                ctx = e.get("ctx") or {}
                expected = (t(_EXPECTED[e["type"]]) if e["type"] in _EXPECTED
                            else t("at least {n}", n=ctx["ge"]) if "ge" in ctx
                            else t("at most {n}", n=ctx["le"]) if "le" in ctx
                            else re.sub(r"^Input should be ", "", e["msg"]))
                values = {"name": name, "expected": expected, "found": shown_value(e["input"])}
                message = (t("`{name}` (item {item}) must be {expected}, not {found}", item=loc[-1] + 1, **values)
                           if loc and isinstance(loc[-1], int) else
                           t("`{name}` must be {expected}, not {found}", **values))
                if e["type"] == "list_type":
                    hint = t("write one {table} table for each", table=f"[[{name}]]")
            line, column = lines.position(*where, *(loc if e["type"] != "missing" else loc[:-1]))
            out.append(Diagnostic(code=code, severity=Severity.ERROR, message=message, file=file, line=line,
                                  column=column or 1, hint=hint))
        return None


# ---- tables: the declared columns of a CSV file or a workbook sheet ---------------------------

class TableRow(BaseModel):
    """A row of a table document (a CSV file, a workbook sheet): one field per column, each
    declaring the header texts that name it (`header(…)`). One declaration serves the CSV
    reader and the workbook's default layout, so both look for the same columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def headers(cls) -> dict[str, tuple[str, ...]]:
        """Each column key and the header texts (lower case) that name it."""
        return {name: _header_texts(name, info) for name, info in cls.model_fields.items()}

    @classmethod
    def required(cls) -> tuple[str, ...]:
        """The columns a table must have."""
        return tuple(name for name, info in cls.model_fields.items() if info.is_required())


def header(*names: str, required: bool = True) -> Any:
    """A column of a TableRow: the header texts that name it; a column not `required` may be
    absent (its value is then None). `Any`, as pydantic's Field: it stands as the column's default."""
    return Field(PydanticUndefined if required else None, json_schema_extra={"headers": list(names)})


def _header_texts(column: str, info: FieldInfo) -> tuple[str, ...]:
    """The header texts `header(…)` declared for a TableRow's column."""
    extra = info.json_schema_extra
    texts = extra.get("headers") if isinstance(extra, dict) else None
    if not isinstance(texts, list):
        raise TypeError(f"the column `{column}` of a TableRow is not declared with header(…)")
    return tuple(str(t) for t in texts)


_COMMENT_LINE = re.compile(r"#[^\r\n]*(?:\r\n|\n|\r|$)")
_LOCALE_COMMENT = re.compile(r"#\s*locale\s*[:=]\s*(\w+)")


R = TypeVar("R", bound=TableRow)


@dataclass
class CsvTable(Generic[R]):
    """A spreadsheet's CSV export: its declared notation, the header's line, each row's cells."""

    locale: str | None
    header_line: int
    columns: dict[str, int]                            # key -> 0-based column
    rows: list[tuple[int, R]]                          # (line, the row's stripped cells)


def read_csv_table(file: str, text: str, row: type[R]) -> tuple[CsvTable[R] | None, list[Diagnostic]]:
    """`# locale: id` comment lines first, then comma- or semicolon-separated rows under a header
    that names the columns `row` declares; None when the header lacks a required column.
    Lines are counted as the file has them (a quoted cell may hold a line break), and a row
    with more cells than the header is refused, since its extra cells would be dropped:
    `2024,kanwil,a,1,5` is a decimal comma in a comma-separated file, not the value 1."""
    names = row.headers()
    out: list[Diagnostic] = []
    locale = None
    offset = skip = 0
    while offset < len(text):
        m = _COMMENT_LINE.match(text, offset)
        if m is None:
            break
        declared = _LOCALE_COMMENT.match(m.group())
        if declared:
            locale = declared.group(1)
            problem = unknown_locale(locale, file, skip + 1, quoted=False)
            if problem is not None:
                out.append(problem)
                locale = None
        skip += 1
        offset = m.end()
    body = text[offset:]
    first = re.split(r"\r\n|\n|\r", body, maxsplit=1)[0]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    header_line = skip + 1
    try:
        head = next(reader)
    except StopIteration:
        return None, [Diagnostic(code="E004", severity=Severity.ERROR, message=t("the file has no rows"), file=file)]
    except csv.Error as err:
        return None, [Diagnostic(code="D007", severity=Severity.ERROR,
                                 message=t("the header is not a CSV row ({error})", error=err), file=file,
                                 line=header_line,
                                 column=1)]
    columns: dict[str, int] = {}
    for i, name in enumerate(head):
        for canon, accepted in names.items():
            if name.strip().lower() in accepted:
                if canon in columns:
                    out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                                          message=t("two columns are the `{column}` column: `{first}` and "
                                                    "`{second}`", column=canon, first=head[columns[canon]].strip(),
                                                    second=name.strip()),
                                          file=file, line=header_line, column=1,
                                          hint=t("rename or delete one of them")))
                columns[canon] = i
    for need in row.required():
        if need not in columns:
            out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                                  message=t("the header has no `{column}` column", column=need),
                                  file=file, line=header_line, column=1,
                                  hint=t("columns: {names}", names=", ".join(names))))
    if any(d.is_error for d in out):
        return None, out
    rows: list[tuple[int, R]] = []
    line = skip + reader.line_num + 1      # where the next row starts
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            out.append(Diagnostic(code="D007", severity=Severity.ERROR, message=t("not a CSV row ({error})", error=err),
                                  file=file,
                                  line=line, column=1))
            break
        start, line = line, skip + reader.line_num + 1
        if all(is_blank(c) for c in cells):
            continue
        extra = [c for c in cells[len(head):] if not is_blank(c)]
        if extra:
            out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                                  message=t("the row has {cells} cells but the header names {columns} columns: "
                                            "`{extra}` would be dropped", cells=len(cells), columns=len(head),
                                            extra=abbreviated(extra[0])),
                                  file=file, line=start, column=1,
                                  hint=t('a decimal comma needs the value in quotes ("1,5") or a `;`-separated file; '
                                         "otherwise delete the extra cells")))
            continue
        rows.append((start, row(**{k: cells[c].strip() if c < len(cells) else ""
                                                   for k, c in columns.items()})))
    return CsvTable(locale, header_line, columns, rows), out
