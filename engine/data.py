"""Realisation data: TOML and CSV readers, and their checks against a catalog; and the one
TOML loader and CSV table reader every input document goes through (data, a workbook mapping,
a PK, published figures), with its schema checks as positioned diagnostics.

One value per (period, office, field or indicator). TOML floats are read as
Decimal from their text; texts are read in the file's declared notation. A value
that is absent or blank is missing, never 0; `-` is missing and says the office did
not report. Every number is checked where it enters (numbers.exact). Every problem is
a diagnostic with file and line (for a workbook, read by engine/spreadsheet.py into
the same Dataset, with the cell: `realisasi.xlsx:TW3!D14`).
"""
from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Optional, get_args

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from pydantic import BaseModel, ConfigDict, ValidationError

from kinerja_dsl.catalog import MAX_INTEGER_DIGITS
from kinerja_dsl.diagnostics import WARNING, Diagnostic, did_you_mean
from kinerja_dsl.loader import read_text

from .numbers import LOCALES, NotationError, abbreviated, exact, parse_number
from .periods import Period, PeriodError

ROOT = ""  # the office a value belongs to when the data names none: the whole catalog


@dataclass(frozen=True)
class Value:
    value: Decimal
    text: str
    file: str   # a workbook value carries its cell here ("r.xlsx:TW3!D14") and line 0
    line: int

    @property
    def place(self) -> str:
        return f"line {self.line}" if self.line else self.file


@dataclass
class Dataset:
    file: str
    locale: str | None = None
    values: dict[tuple[Period, str], dict[str, Value]] = field(default_factory=dict)
    # fields an office was asked for but did not report ("-"): missing, and `unreported zero` counts them as 0
    unreported: dict[tuple[Period, str], set[str]] = field(default_factory=dict)
    # where each office is first named (file or cell, line): an unknown office is reported there
    office_at: dict[str, tuple[str, int]] = field(default_factory=dict)

    def periods(self) -> list[Period]:
        return sorted({p for p, _ in self.values})

    def offices(self) -> set[str]:
        return {o for _, o in self.values}

    def put(self, period: Period, office: str, key: str, value: Value, out: list[Diagnostic]) -> None:
        cell = self.values.setdefault((period, office), {})
        if key in cell:
            first = cell[key]
            out.append(Diagnostic("D004", "error", f"`{key}` is given twice for {office or 'the office'} in {period}",
                                  value.file, value.line, 1, 0, hint=f"the first value is at {first.place}; keep one"))
            return
        cell[key] = value


def _decode(path: Path) -> tuple[str | None, list[Diagnostic]]:
    text, problem = read_text(path)
    if problem is not None:
        if problem.code == "E006":
            problem = Diagnostic("E006", "error", problem.message, problem.file)
        return None, [problem]
    return text.lstrip("\ufeff"), []


# ---- TOML: the one loader of every TOML input -------------------------------------------

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


@dataclass
class TomlLines:
    """Where each table, key and array element of a TOML document stands, by path: its keys and,
    inside an array (`[[target]]` or `[…]`), the 0-based index of the element."""

    at: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def position(self, *path) -> tuple[int, int]:
        """(line, column) of `path`, else of its nearest enclosing key; (0, 0) when unknown."""
        for n in range(len(path), 0, -1):
            hit = self.at.get(tuple(path[:n]))
            if hit is not None:
                return hit
        return 0, 0

    def line(self, *path) -> int:
        return self.position(*path)[0]


def _key_part(token: str) -> list[str]:
    """The key parts of one token: a quoted key is one part, a bare `a.b` two."""
    if token[0] == "'":
        return [token[1:-1]]
    if token[0] == '"':
        try:
            return [tomllib.loads(f"k = {token}")["k"]]
        except tomllib.TOMLDecodeError:
            return [token[1:-1]]
    return [p.strip() for p in token.split(".") if p.strip()]


@dataclass
class _Scan:
    lines: TomlLines
    too_deep: tuple[int, int] | None = None                                  # where nesting passed the limit
    long_numbers: list[tuple[int, int, int]] = field(default_factory=list)   # (line, column, digits)


def _scan_toml(text: str) -> _Scan:
    """One pass over the tokens (strings and comments skipped as TOML defines them), without
    recursion: the position of every header, key and array element, as `[[target]]  # note` or
    `"SJ1.ikm" = 1` really stand. Tolerant of invalid TOML, which tomllib then reports."""
    scan = _Scan(TomlLines())
    at, arrays = scan.lines.at, {}
    table: tuple = ()
    state, words, header = "start", [], None    # at the top level: start | header | key | value | end
    stack: list[dict] = []                      # open arrays and inline tables
    line, line_start = 1, 0

    def resolve(parts) -> tuple:
        path: tuple = ()
        for p in parts:
            path += (p,)
            if path in arrays:
                path += (arrays[path] - 1,)
        return path

    def open_value(token: str, path: tuple, pos) -> None:
        """A value begins at `path`: an array or inline table opens, a scalar is checked."""
        if token in "[{" and len(token) == 1:
            if len(stack) >= MAX_TOML_NESTING and scan.too_deep is None:
                scan.too_deep = pos
            stack.append({"kind": "array" if token == "[" else "table", "path": path, "index": 0,
                          "expect": True, "mode": "key", "words": []})
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
        elif stack[-1]["kind"] == "table":
            stack[-1]["mode"] = "after"

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
                parts = [p for t in header["tokens"] for p in _key_part(t)]
                if header["double"] and parts:
                    full = resolve(parts[:-1]) + (parts[-1],)
                    count = arrays.get(full, 0)
                    arrays[full] = count + 1
                    table = full + (count,)
                    at.setdefault(full, header["pos"])
                    at[table] = header["pos"]
                elif parts:
                    table = resolve(parts)
                    for n in range(1, len(table) + 1):
                        at.setdefault(table[:n], header["pos"])
            state, words, header = "start", [], None
            continue
        if stack:
            top = stack[-1]
            if top["kind"] == "array":
                if token == "," and kind == "punct":
                    top["index"] += 1
                    top["expect"] = True
                elif token == "]" and kind == "punct":
                    stack.pop()
                    closed()
                elif top["expect"] and (kind != "punct" or token in "[{"):
                    path = top["path"] + (top["index"],)
                    at.setdefault(path, pos)
                    top["expect"] = False
                    open_value(token, path, pos)
            elif top["mode"] == "key":
                if kind in ("string", "bare"):
                    top["words"].append((token, pos))
                elif token == "=" and top["words"]:
                    parts = [p for t, _ in top["words"] for p in _key_part(t)]
                    top["key"] = top["path"] + tuple(parts)
                    for n in range(len(top["path"]) + 1, len(top["key"]) + 1):
                        at.setdefault(top["key"][:n], top["words"][0][1])
                    top["mode"], top["words"] = "value", []
                elif token == "}":
                    stack.pop()
                    closed()
            elif top["mode"] == "value":
                open_value(token, top["key"], pos)
            elif token == ",":
                top["mode"] = "key"
            elif token == "}":
                stack.pop()
                closed()
            continue
        if state == "start":
            if token == "[" and kind == "punct":
                state, header = "header", {"double": False, "tokens": [], "pos": pos, "first": m.end()}
            elif kind in ("string", "bare"):
                state, words = "key", [(token, pos)]
            else:
                state = "end"
        elif state == "header":
            if token == "[" and m.start() == header["first"] and not header["tokens"]:
                header["double"] = True
            elif kind in ("string", "bare"):
                header["tokens"].append(token)
        elif state == "key":
            if kind in ("string", "bare"):
                words.append((token, pos))
            elif token == "=":
                parts = tuple(p for t, _ in words for p in _key_part(t))
                for n in range(1, len(parts) + 1):
                    at.setdefault(table + parts[:n], words[0][1])
                state, key = "value", table + parts
            else:
                state = "end"
        elif state == "value":
            open_value(token, key, pos)
    return scan


def _toml_error_position(message: str) -> tuple[int, int]:
    m = re.search(r"line (\d+), column (\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def load_toml(file: str, text: str) -> tuple[dict | None, TomlLines, list[Diagnostic]]:
    """The one way a TOML input is parsed (realisation data, a workbook mapping, a PK, published
    figures): floats as exact Decimals, nesting bounded (E008, where tomllib would overflow the
    stack), an integer too long to convert refused where it stands (D012), and the line map that
    points each later finding at its key. The document is None when it cannot be read."""
    scan = _scan_toml(text)
    if scan.too_deep is not None:
        line, column = scan.too_deep
        return None, scan.lines, [Diagnostic("E008", "error", f"arrays and tables nest deeper than "
                                             f"{MAX_TOML_NESTING} levels", file, line, column, column + 1,
                                             hint="see the file's format in README.md")]
    try:
        return tomllib.loads(text, parse_float=Decimal), scan.lines, []
    except tomllib.TOMLDecodeError as err:
        line, column = _toml_error_position(str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        problem = Diagnostic("E001", "error", f"not valid TOML: {message}", file, line, column,
                             column + 1 if column else 0, hint="see the file's format in README.md")
    except ValueError:  # Python refuses to convert an integer of more than 4300 digits
        line, column, digits = scan.long_numbers[0] if scan.long_numbers else (0, 0, 0)
        what = f"a number of {digits:,} digits" if digits else "a number"
        problem = Diagnostic("D012", "error", f"{what} is outside the representable range: at most "
                             f"{MAX_INTEGER_DIGITS} digits before the decimal point are kept exactly",
                             file, line, column, 0, hint="correct the value")
    except RecursionError:  # pragma: no cover - the scan stops deep nesting first
        problem = Diagnostic("E008", "error", "the document nests too deeply", file)
    return None, scan.lines, [problem]


class Schema(BaseModel):
    """A TOML input's declared layout: known keys only, each of its declared type (TOML's own
    types, no coercion: `line = "12"` is not a line number)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _shown(value) -> str:
    """A TOML value as a message quotes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Decimal) and not value.is_finite():
        return "nan" if value.is_nan() else ("-inf" if value < 0 else "inf")
    if isinstance(value, str):
        return f'"{abbreviated(value)}"'
    return abbreviated(str(value))


_EXPECTED = {"int_type": "a whole number", "string_type": "a text in quotes", "bool_type": "true or false",
             "list_type": "an array", "dict_type": "a table", "model_type": "a table",
             "model_attributes_type": "a table", "decimal_type": "a number"}


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
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


def validated(model: type[BaseModel], value, lines: TomlLines, file: str, where: tuple, out: list[Diagnostic],
              code: str = "D007"):
    """`value` (the part of a TOML document at `where`) as `model`; None after one positioned
    diagnostic per violation (unknown key with a did-you-mean, missing key, wrong type)."""
    try:
        return model.model_validate(value if value is not None else {})
    except ValidationError as err:
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            keys = [p for p in loc if isinstance(p, str)]
            name = ".".join(keys[-1:]) or (where[-1] if where else "the document")
            index = f" (item {loc[-1] + 1})" if loc and isinstance(loc[-1], int) else ""
            hint = None
            if e["type"] == "extra_forbidden":
                parent = (*where, *loc[:-1])
                within = ("" if not parent else f" in [[{parent[-2]}]]" if isinstance(parent[-1], int)
                          else f" in [{parent[0]}]" if len(parent) == 1 else f" in `{parent[-1]}`")
                message = f"unknown key `{name}`{within}"
                allowed = _fields_at(model, loc[:-1])
                hint = did_you_mean(name, allowed) or f"the keys here: {', '.join(allowed)}"
            elif e["type"] == "missing":
                message = f"`{name}` is missing"
            else:
                ctx = e.get("ctx") or {}
                expected = (_EXPECTED.get(e["type"]) or (f"at least {ctx['ge']}" if "ge" in ctx else None)
                            or (f"at most {ctx['le']}" if "le" in ctx else None)
                            or re.sub(r"^Input should be ", "", e["msg"]))
                message = f"`{name}`{index} must be {expected}, not {_shown(e['input'])}"
                if e["type"] == "list_type":
                    hint = f"write one [[{name}]] table for each"
            line, column = lines.position(*where, *(loc if e["type"] != "missing" else loc[:-1]))
            out.append(Diagnostic(code, "error", message, file, line, column or 1, 0, hint=hint))
        return None


# ---- realisation data in TOML ------------------------------------------------------------

class DataMeta(Schema):
    """[meta] of a TOML data file."""

    locale: Optional[str] = None   # how texts are read: id = 1.234,56, en = 1,234.56
    office: Optional[str] = None   # the office of values under a bare [PERIOD] table
    source: Optional[str] = None   # where the figures come from
    note: Optional[str] = None


def unknown_locale(locale, file: str, line: int, quoted: bool = True) -> Diagnostic | None:
    """D007 for a declared notation that is neither id nor en; None when it is one or absent.
    `quoted`: the hint spells the values as TOML strings (a CSV's `# locale: id` does not)."""
    if locale is None or locale in LOCALES:
        return None
    q = '"' if quoted else ""
    return Diagnostic("D007", "error", f"unknown locale `{locale}`", file, line, 1, 0,
                      hint=f"use {q}id{q} (1.234,56) or {q}en{q} (1,234.56)")


PERIOD_HINT = "periods are 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2, 2024-01 … 2024-12"


def read_toml(path: Path, text: str) -> tuple[Dataset, list[Diagnostic]]:
    """`[PERIOD.OFFICE]` tables of values (or `[PERIOD]`, for the office of [meta], else the
    whole catalog), under an optional [meta]."""
    file = str(path)
    doc, lines, out = load_toml(file, text)
    if doc is None:
        return Dataset(file), out
    meta = validated(DataMeta, doc.pop("meta", {}), lines, file, ("meta",), out) or DataMeta()
    problem = unknown_locale(meta.locale, file, lines.line("meta", "locale"))
    if problem is not None:
        out.append(problem)
    data = Dataset(file, meta.locale if problem is None else None)
    default_office = meta.office or ROOT
    if meta.office:
        data.office_at[meta.office] = (file, lines.line("meta", "office"))
    for period_label, body in doc.items():
        where = lines.line(period_label)
        try:
            period = Period.parse(period_label)
        except PeriodError:
            out.append(Diagnostic("D003", "error", f"`{abbreviated(period_label)}` is not a period", file, where,
                                  1, 0, hint=PERIOD_HINT))
            continue
        if not isinstance(body, dict):
            out.append(Diagnostic("D007", "error", f"`{period_label}` must be a table of values", file, where, 1, 0,
                                  hint=f'write [\"{period_label}\".OFFICE] and one `field = value` a line'))
            continue
        for key, item in body.items():
            if isinstance(item, dict):
                data.office_at.setdefault(key, (file, lines.line(period_label, key)))
                for name, raw in item.items():
                    _put_raw(data, period, key, name, raw, lines.line(period_label, key, name), out)
            else:
                _put_raw(data, period, default_office, key, item, lines.line(period_label, key), out)
    return data, out


UNREPORTED_TEXTS = {"-", "n/a", "na"}  # the office was asked and did not report


def is_blank(raw) -> bool:
    """The one rule of every format (TOML, CSV, a workbook cell): nothing written is missing."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _dotted(name: str, table: dict) -> str:
    """`"SJ1.ikm" = 3.14` from the table TOML made of `SJ1.ikm = 3.14`."""
    key, value = next(iter(table.items()))
    while isinstance(value, dict) and value:
        sub, value = next(iter(value.items()))
        key = f"{key}.{sub}"
    shown = _shown(value) if not isinstance(value, dict) else "…"
    return f'"{abbreviated(f"{name}.{key}", 80)}" = {shown}'


def _put_raw(data: Dataset, period: Period, office: str, key: str, raw, line: int, out: list[Diagnostic],
             file: str | None = None) -> None:
    """One value into the dataset; `file` names a spreadsheet cell (then line is 0). Blank is
    missing, `-` is missing and says the office did not report, anything else must be a number
    the engine can hold exactly."""
    file = file or data.file
    if is_blank(raw):
        return
    if isinstance(raw, str) and raw.strip().lower() in UNREPORTED_TEXTS:
        data.unreported.setdefault((period, office), set()).add(key)
        return
    if isinstance(raw, dict) and raw:
        out.append(Diagnostic("D007", "error", f"`{key}` is a table, not a number", file, line, 1, 0,
                              hint=f"TOML reads a dotted key as tables: quote an indicator id, {_dotted(key, raw)}"))
        return
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        out.append(Diagnostic("D007", "error", f"`{key}` is not a number ({_shown(raw)})", file, line, 1, 0,
                              hint='write a number (3.14), a text in the declared notation ("3,14"), '
                                   'or "-" when the office did not report'))
        return
    try:
        if isinstance(raw, str):
            value, text = parse_number(raw, data.locale), raw
        else:
            text = str(raw) if not isinstance(raw, Decimal) or raw.is_finite() else _shown(raw)
            value = exact(Decimal(raw), text)
    except NotationError as err:
        out.append(Diagnostic(err.code, "error", str(err), file, line, 1, 0, hint=err.hint))
        return
    data.put(period, office, key, Value(value, text, file, line), out)


# ---- CSV -------------------------------------------------------------------------------

_COLUMNS = {"period": ("period", "periode"), "office": ("office", "unit", "satker"),
            "field": ("field", "indicator", "indikator", "variabel"), "value": ("value", "nilai", "realisasi")}
_COMMENT_LINE = re.compile(r"#[^\r\n]*(?:\r\n|\n|\r|$)")


@dataclass
class CsvTable:
    """A spreadsheet's CSV export: its declared notation, the header's line, each row's cells by key."""

    locale: str | None
    header_line: int
    columns: dict[str, int]                            # key -> 0-based column
    rows: list[tuple[int, dict[str, str]]]             # (line, key -> stripped text)


def read_csv_table(file: str, text: str, names: dict[str, tuple[str, ...]], required: tuple[str, ...]
                   ) -> tuple[CsvTable | None, list[Diagnostic]]:
    """`# locale: id` comment lines first, then comma- or semicolon-separated rows under a header
    that names the columns (any of `names`); None when the header lacks a required column.
    Lines are counted as the file has them (a quoted cell may hold a line break), and a row
    with more cells than the header is refused, since its extra cells would be dropped:
    `2024,kanwil,a,1,5` is a decimal comma in a comma-separated file, not the value 1."""
    out: list[Diagnostic] = []
    locale = None
    offset = skip = 0
    while offset < len(text):
        m = _COMMENT_LINE.match(text, offset)
        if m is None:
            break
        declared = re.match(r"#\s*locale\s*[:=]\s*(\w+)", m.group())
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
    try:
        header = next(reader)
    except StopIteration:
        return None, [Diagnostic("E004", "error", "the file has no rows", file)]
    except csv.Error as err:
        return None, [Diagnostic("D007", "error", f"the header is not a CSV row ({err})", file, skip + 1, 1, 0)]
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        for canon, accepted in names.items():
            if name.strip().lower() in accepted:
                if canon in columns:
                    out.append(Diagnostic("D007", "error", f"two columns are the `{canon}` column: "
                                          f"`{header[columns[canon]].strip()}` and `{name.strip()}`", file,
                                          skip + 1, 1, 0, hint="rename or delete one of them"))
                columns[canon] = i
    for need in required:
        if need not in columns:
            out.append(Diagnostic("D007", "error", f"the header has no `{need}` column", file, skip + 1, 1, 0,
                                  hint=f"columns: {', '.join(names)}"))
    if any(d.is_error for d in out):
        return None, out
    rows = []
    line = skip + reader.line_num + 1      # where the next row starts
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            out.append(Diagnostic("D007", "error", f"not a CSV row ({err})", file, line, 1, 0))
            break
        start, line = line, skip + reader.line_num + 1
        if not any(c.strip() for c in row):
            continue
        extra = [c for c in row[len(header):] if c.strip()]
        if extra:
            out.append(Diagnostic("D007", "error", f"the row has {len(row)} cells but the header names {len(header)} "
                                  f"columns: `{abbreviated(extra[0])}` would be dropped", file, start, 1, 0,
                                  hint='a decimal comma needs the value in quotes ("1,5") or a `;`-separated file; '
                                       "otherwise delete the extra cells"))
            continue
        rows.append((start, {k: row[c].strip() if c < len(row) else "" for k, c in columns.items()}))
    return CsvTable(locale, skip + 1, columns, rows), out


def read_csv(path: Path, text: str) -> tuple[Dataset, list[Diagnostic]]:
    """`period,office,field,value` rows (`;` works too); a blank value is missing."""
    file = str(path)
    table, out = read_csv_table(file, text, _COLUMNS, ("period", "field", "value"))
    if table is None:
        return Dataset(file), out
    data = Dataset(file, table.locale)
    columns = table.columns
    for row_number, cells in table.rows:
        get = lambda k: cells.get(k, "")  # noqa: E731
        try:
            period = Period.parse(get("period"))
        except PeriodError:
            out.append(Diagnostic("D003", "error", f"`{abbreviated(get('period'))}` is not a period", file, row_number,
                                  columns["period"] + 1, columns["period"] + 2, hint=PERIOD_HINT))
            continue
        if not get("field"):
            if not is_blank(get("value")):
                out.append(Diagnostic("D007", "error", "a value without a field", file, row_number, 1, 0,
                                      hint="fill the field column of this row"))
            continue
        office = get("office") or ROOT
        data.office_at.setdefault(office, (file, row_number))
        _put_raw(data, period, office, get("field"), get("value"), row_number, out)
    return data, out


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


def read_data(path, mapping=None) -> tuple[Dataset, list[Diagnostic]]:
    """Read a .toml, .csv or .xlsx data file (`mapping`: where a workbook's values stand);
    never raises on bad input."""
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        from .spreadsheet import read_workbook  # lazy: openpyxl is an optional extra

        return read_workbook(path, mapping)
    text, problems = _decode(path)
    if text is None:
        return Dataset(str(path)), problems
    if path.suffix.lower() == ".csv":
        return read_csv(path, text)
    return read_toml(path, text)


# ---- checks against the catalog --------------------------------------------------------

def check_data(data: Dataset, catalog, also: tuple = ()) -> list[Diagnostic]:
    """Unknown names and offices (with suggestions), negative or fractional counts, one field
    given at two granularities that overlap (D011). `also`: more catalogs whose names count as
    known (a diff reads one data file for its old and new catalog)."""
    if also:
        catalog = _Known(catalog, *also)
    out: list[Diagnostic] = []
    known = set(catalog.fields) | set(catalog.indicators)
    offices = set(catalog.offices) | {ROOT}

    def unknown_office(office: str) -> Diagnostic:
        keys = [k for (_, o), cell in data.values.items() if o == office for k in cell]
        place = data.office_at.get(office)
        if place is None:  # a reader that does not record offices: the first value names it
            first = min((v for (_, o), cell in data.values.items() if o == office for v in cell.values()),
                        key=lambda v: v.line, default=None)
            place = (first.file, first.line) if first else (data.file, 0)
        dotted = next((k for k in keys if f"{office}.{k}" in catalog.indicators), None)
        hint = (f'TOML reads a dotted key as tables: quote the indicator id, "{office}.{dotted}" = …' if dotted
                else did_you_mean(office, catalog.offices) or "declare it in the catalog with `office`")
        return Diagnostic("D002", "error", f"unknown office `{abbreviated(office)}`", place[0], place[1], 1, 0,
                          hint=hint)

    reported = set(offices)
    for (period, office), cell in data.values.items():
        if office not in reported:
            reported.add(office)
            out.append(unknown_office(office))
        for key, v in cell.items():
            if key not in known and office not in offices and f"{office}.{key}" in catalog.indicators:
                continue  # `SJ1.ikm = 1` unquoted: the unknown office's hint says how to write it
            if key not in known:
                out.append(Diagnostic("D001", "error", f"unknown field or indicator `{key}`", v.file, v.line, 1, 0,
                                      hint=did_you_mean(key, known) or "declare it in the catalog with `field`"))
                continue
            f = catalog.fields.get(key)
            if f is not None and f.kind in ("count", "amount") and v.value < 0:
                out.append(Diagnostic("D005", "error", f"`{key}` is a {f.kind} and cannot be negative ({v.text})",
                                      v.file, v.line, 1, 0))
            elif f is not None and f.kind == "count" and v.value != v.value.to_integral_value():
                out.append(Diagnostic("D005", "error", f"`{key}` is a count and cannot have decimals ({v.text})",
                                      v.file, v.line, 1, 0, hint="a count is a whole number of cases"))
            elif f is not None and f.kind == "percent" and not (0 <= v.value <= 100):
                out.append(Diagnostic("D008", WARNING, f"`{key}` is a percentage but {v.text} is outside 0..100",
                                      v.file, v.line, 1, 0, hint="write percentages as 95, not 0.95 or 9500"))
    for office in dict.fromkeys([*data.office_at, *(o for _, o in data.unreported)]):
        if office not in reported:  # named, but with blanks or "-" only
            reported.add(office)
            out.append(unknown_office(office))
    out.extend(_overlapping(data))
    return out


class _Known:
    """The names of several catalogs as one, for check_data: a field one of them declares is known
    (the first catalog's declaration wins where both declare it)."""

    def __init__(self, *catalogs):
        self.fields, self.indicators, self.offices = (
            {k: v for c in reversed(catalogs) for k, v in getattr(c, name).items()}
            for name in ("fields", "indicators", "offices"))


def _overlapping(data: Dataset) -> list[Diagnostic]:
    """D011: a field given at one office for a period and for a period inside it (a quarter and
    its months, a year and its quarters). A roll-up would count it twice and the two need not
    agree, so the engine does not choose; each inner value is reported once, with the place of
    the value around it."""
    by_field: dict[tuple[str, str, int], list[tuple[Period, Value]]] = {}
    for (period, office), cell in data.values.items():
        for key, v in cell.items():
            by_field.setdefault((office, key, period.year), []).append((period, v))
    out = []
    for (office, key, _), found in by_field.items():
        if len(found) < 2:
            continue
        found.sort(key=lambda pv: (-pv[0].size, pv[0].months().start))
        for k, (inner, v) in enumerate(found):
            outer = next(((p, w) for p, w in found[:k] if p.size > inner.size and p.overlaps(inner)), None)
            if outer is None:
                continue
            where = f" at {office}" if office else ""
            out.append(Diagnostic(
                "D011", "error", f"`{key}` is given for {outer[0].label} ({outer[1].place}) and for {inner.label} "
                f"inside it{where}", v.file, v.line, 1, 0,
                hint=f"keep one granularity: {outer[0].label} or the periods inside it; a roll-up would count both"))
    return sorted(out, key=lambda d: (d.file, d.line))
