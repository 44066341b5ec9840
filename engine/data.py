"""Realisation data: TOML and CSV readers, and their checks against a catalog.

One value per (period, office, field or indicator). TOML floats are read as
Decimal from their text; texts are read in the file's declared notation. A value
that is absent is missing, never 0. Every problem is a diagnostic with file and line
(for a workbook, read by engine/spreadsheet.py into the same Dataset, with the cell:
`realisasi.xlsx:TW3!D14`).
"""
from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from kinerja_dsl.diagnostics import WARNING, Diagnostic, did_you_mean
from kinerja_dsl.loader import read_text

from .numbers import LOCALES, NotationError, parse_number
from .periods import Period, PeriodError

ROOT = ""  # the office a value belongs to when the data names none: the whole catalog
MISSING_TEXTS = {"-", "", "n/a", "na"}


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


# ---- TOML ------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.\-]+)\s*=')


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|([^.\s"]+)', text)
    return tuple(a or b for a, b in parts)


def unknown_locale(locale, file: str, line: int, quoted: bool = True) -> Diagnostic | None:
    """D007 for a declared notation that is neither id nor en; None when it is one or absent.
    `quoted`: the hint spells the values as TOML strings (a CSV's `# locale: id` does not)."""
    if locale is None or locale in LOCALES:
        return None
    q = '"' if quoted else ""
    return Diagnostic("D007", "error", f"unknown locale `{locale}`", file, line, 1, 0,
                      hint=f"use {q}id{q} (1.234,56) or {q}en{q} (1,234.56)")


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    """(table..., key) -> line number, to point diagnostics at TOML values."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            table = _split_dotted(m.group(1))
            for k in range(1, len(table) + 1):
                lines.setdefault(table[:k], number)
            continue
        m = _KEY.match(line)
        if m:
            lines.setdefault(table + _split_dotted(m.group(1)), number)
    return lines


def _toml_error_position(message: str) -> tuple[int, int]:
    m = re.search(r"line (\d+), column (\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def read_toml(path: Path, text: str) -> tuple[Dataset, list[Diagnostic]]:
    file = str(path)
    out: list[Diagnostic] = []
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        line, column = _toml_error_position(str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        return Dataset(file), [Diagnostic("E001", "error", f"not valid TOML: {message}", file, line, column,
                                          column + 1, hint="see the data format in README.md")]
    lines = _toml_lines(text)
    meta = doc.pop("meta", {}) if isinstance(doc.get("meta"), dict) else {}
    locale = meta.get("locale")
    problem = unknown_locale(locale, file, lines.get(("meta", "locale"), 0))
    if problem is not None:
        out.append(problem)
        locale = None
    data = Dataset(file, locale)
    default_office = str(meta.get("office", ROOT))
    for period_label, body in doc.items():
        where = lines.get((period_label,), 0)
        try:
            period = Period.parse(period_label)
        except PeriodError:
            out.append(Diagnostic("D003", "error", f"`{period_label}` is not a period", file, where, 1, 0,
                                  hint="periods are 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2, 2024-01 … 2024-12"))
            continue
        if not isinstance(body, dict):
            out.append(Diagnostic("D007", "error", f"`{period_label}` must be a table of values", file, where, 1, 0))
            continue
        for key, item in body.items():
            if isinstance(item, dict):
                for name, raw in item.items():
                    _put_raw(data, period, key, name, raw, lines.get((period_label, key, name), 0), out)
            else:
                _put_raw(data, period, default_office, key, item, lines.get((period_label, key), 0), out)
    return data, out


def _put_raw(data: Dataset, period: Period, office: str, key: str, raw, line: int, out: list[Diagnostic],
             file: str | None = None) -> None:
    """One value into the dataset; `file` names a spreadsheet cell (then line is 0)."""
    file = file or data.file
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        out.append(Diagnostic("D007", "error", f"`{key}` is not a number", file, line, 1, 0))
        return
    if isinstance(raw, str):
        if raw.strip().lower() in MISSING_TEXTS:  # explicitly not reported: missing
            data.unreported.setdefault((period, office), set()).add(key)
            return
        try:
            value = parse_number(raw, data.locale)
        except NotationError as err:
            out.append(Diagnostic("D006", "error", str(err), file, line, 1, 0, hint=err.hint))
            return
        text = raw
    else:
        value, text = Decimal(raw), str(raw)
    data.put(period, office, key, Value(value, text, file, line), out)


# ---- CSV -------------------------------------------------------------------------------

_COLUMNS = {"period": ("period", "periode"), "office": ("office", "unit", "satker"),
            "field": ("field", "indicator", "indikator", "variabel"), "value": ("value", "nilai", "realisasi")}


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
    that names the columns (any of `names`); None when the header lacks a required column."""
    out: list[Diagnostic] = []
    lines = text.splitlines()
    locale = None
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        m = re.match(r"#\s*locale\s*[:=]\s*(\w+)", lines[skip])
        if m:
            locale = m.group(1)
            problem = unknown_locale(locale, file, skip + 1, quoted=False)
            if problem is not None:
                out.append(problem)
                locale = None
        skip += 1
    body = "\n".join(lines[skip:])
    dialect_delimiter = ";" if body.split("\n", 1)[0].count(";") > body.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(body), delimiter=dialect_delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return None, [Diagnostic("E004", "error", "the file has no rows", file)]
    columns = {}
    for i, name in enumerate(header):
        for canon, accepted in names.items():
            if name.strip().lower() in accepted:
                columns[canon] = i
    for need in required:
        if need not in columns:
            out.append(Diagnostic("D007", "error", f"the header has no `{need}` column", file, skip + 1, 1, 0,
                                  hint=f"columns: {', '.join(names)}"))
    if out:
        return None, out
    rows = []
    for row_number, row in enumerate(reader, start=skip + 2):
        if row and any(c.strip() for c in row):
            rows.append((row_number, {k: row[c].strip() if c < len(row) else "" for k, c in columns.items()}))
    return CsvTable(locale, skip + 1, columns, rows), out


def read_csv(path: Path, text: str) -> tuple[Dataset, list[Diagnostic]]:
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
            out.append(Diagnostic("D003", "error", f"`{get('period')}` is not a period", file, row_number,
                                  columns["period"] + 1, columns["period"] + 2,
                                  hint="periods are 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2, 2024-01 … 2024-12"))
            continue
        _put_raw(data, period, get("office") or ROOT, get("field"), get("value"), row_number, out)
    return data, out


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


def read_data(path, mapping=None) -> tuple[Dataset, list[Diagnostic]]:
    """Read a .toml, .csv or .xlsx data file (`mapping`: where a workbook's values stand);
    never raises on bad input."""
    path = Path(path)
    if not path.exists():
        return Dataset(str(path)), [Diagnostic("E006", "error", "no such file", str(path))]
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

def check_data(data: Dataset, catalog) -> list[Diagnostic]:
    """Unknown names and offices (with suggestions), negative or fractional counts."""
    out: list[Diagnostic] = []
    known = set(catalog.fields) | set(catalog.indicators)
    offices = set(catalog.offices) | {ROOT}
    reported_offices: set[str] = set()
    for (period, office), cell in data.values.items():
        if office not in offices and office not in reported_offices:
            reported_offices.add(office)
            first = min(cell.values(), key=lambda v: v.line, default=None)
            file, line = (first.file, max(0, first.line - 1) or first.line) if first else (data.file, 0)
            out.append(Diagnostic("D002", "error", f"unknown office `{office}`", file, line, 1, 0,
                                  hint=did_you_mean(office, catalog.offices) or "declare it in the catalog with `office`"))
        for key, v in cell.items():
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
    return out
