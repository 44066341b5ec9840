"""A Perjanjian Kinerja (PK) as a document: its year, office, targets and pagu, read from an
`agreement` block of a .kin file, a TOML file, a CSV file or a workbook.

Every format declares its layout (PkToml for TOML, PkRow for CSV and a workbook's columns) and
every target goes through one rule (`_add`: the blank rule, one number or one range, D012), so
the same target reads the same in each. `load_pk` hands back the text it decoded too
(documents.Read), so that a command reads the PK once and still shows a finding's line.
Whether the PK is right for the catalog is pk.py's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Optional

from pydantic import ConfigDict

from kinerja_dsl import ast
from kinerja_dsl.catalog import Agreement, TargetSpec
from kinerja_dsl.checker import SELF_CONTAINED, check
from kinerja_dsl.diagnostics import Diagnostic, Severity, Sources, with_sources
from kinerja_dsl.loader import PathLike
from kinerja_dsl.messages import t
from kinerja_dsl.model import build_symbol_table
from kinerja_dsl.parser import parse

from .documents import (SPREADSHEET_SUFFIXES, Read, Schema, TableRow, header, is_blank, is_number_like,
                        load_toml, number_of, read_csv_table, read_document, unknown_locale, validated)
from .mapping import Layout
from ..numbers import NotationError, abbreviated, format_number, parse_number
from .spreadsheet import whole, workbook_rows


@dataclass
class PkEntry:
    indicator: str
    period: str | None
    target: TargetSpec
    line: int
    column: int = 1
    cell: str | None = None  # a workbook's cell (`pk.xlsx:PK!C7`), which stands in for file and line


@dataclass
class PkDocument:
    file: str
    year: int | None = None
    office: str | None = None
    entries: list[PkEntry] = field(default_factory=list)
    pagu: dict[str, Decimal] = field(default_factory=dict)
    year_line: int = 0
    year_at: str | None = None  # in a workbook, the cell that gave the year


# ---- the declared layouts ----------------------------------------------------------------------

class PkMeta(Schema):
    """[meta] of a TOML PK."""

    year: Optional[int] = None
    office: Optional[str] = None
    locale: Optional[str] = None   # how texts are read: id = 1.234,56, en = 1,234.56
    source: Optional[str] = None
    note: Optional[str] = None


class PkTarget(Schema):
    """One [[target]]: a row of the office's PK sheet. Other columns (`satuan`) may stay for the
    reader; the catalog holds what they say."""

    model_config = ConfigDict(extra="allow")
    indicator: str
    target: object = None          # a number or a text: checked by _add (P010, P015, D012)
    period: Optional[str] = None


class PkToml(Schema):
    """A PK kept as TOML: [meta], one [[target]] per target, optional [pagu]."""

    meta: PkMeta = PkMeta()
    target: list[PkTarget] = []
    pagu: dict[str, object] = {}   # amounts: checked by _read_toml (P010, D012)


class PkRow(TableRow):
    """One target of a PK kept in a spreadsheet (a CSV file or a workbook sheet), as typed."""

    indicator: object = header("indicator", "indikator", "kode")
    target: object = header("target")
    period: object = header("period", "periode", required=False)
    year: object = header("year", "tahun", required=False)


# a row that names an indicator and leaves its target blank is P010, in a workbook as in a CSV file
PK_LAYOUT = Layout.of(PkRow, "target", constants=("year", "period"), blank_value_is_a_row=True)


# ---- where a PK kept as TOML names an id (an editor's references and rename) ------------------------

_TOML_TABLE = re.compile(r"\s*\[\[?\s*([A-Za-z_]+)\s*\]\]?\s*(#.*)?$")
_TOML_NAMED = re.compile(r'(\s*)(indicator|office)(\s*=\s*")([^"\\]*)"\s*(#.*)?$')
_TOML_PAGU = re.compile(r'(\s*)"?([A-Za-z_][A-Za-z0-9_]*)')


@dataclass(frozen=True)
class Mention:
    """An id a PK kept as TOML names: `indicator = "ADM.ikm"` of a [[target]], `office` of [meta],
    a key of [pagu] (its first part names the office). Line and columns as the catalog's spans count
    them (1-based, the end exclusive)."""

    kind: str  # "indicator" | "office"
    id: str
    line: int
    column: int
    end_column: int


def toml_mentions(text: str) -> list[Mention]:
    """The ids a PK TOML file names, read by its layout (PkToml) line by line: a TOML reader keeps
    no positions. A text with no [[target]] table is no PK: nothing."""
    out: list[Mention] = []
    table = None
    for number, line in enumerate(text.split("\n"), start=1):
        header = _TOML_TABLE.match(line)
        if header is not None:
            table = header.group(1)
            continue
        named = _TOML_NAMED.match(line)
        if named is not None and (table, named.group(2)) in (("target", "indicator"), ("meta", "office")):
            start = sum(len(named.group(k)) for k in (1, 2, 3)) + 1
            out.append(Mention(named.group(2), named.group(4), number, start, start + len(named.group(4))))
        elif table == "pagu" and "=" in line and not line.lstrip().startswith("#"):
            key = _TOML_PAGU.match(line)
            if key is not None:
                start = len(key.group(1)) + (2 if line.lstrip().startswith('"') else 1)
                out.append(Mention("office", key.group(2), number, start, start + len(key.group(2))))
    return out if any(m.kind == "indicator" for m in out) else []


# ---- reading -------------------------------------------------------------------------------------

def load_pk(path: PathLike, mapping: PathLike | None = None) -> Read[PkDocument | None]:
    """A PK from an `agreement` in a .kin file, TOML, CSV or an .xlsx workbook (`mapping`: where a
    workbook's columns stand, as for realisation data), read once: with the text it decoded (a
    workbook's: its mapping's) for the findings' source lines. None when it is no usable PK."""
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(path, mapping)
    text, problems = read_document(path)
    if text is None:
        return Read(file, None, problems)
    reader = _read_kin if suffix == ".kin" else _read_csv if suffix == ".csv" else _read_toml
    doc, problems = reader(file, text)
    return Read(file, doc, problems, {file: text})


def read_pk(path: PathLike, mapping: PathLike | None = None) -> tuple[PkDocument | None, list[Diagnostic]]:
    """`load_pk` without the text, for a caller that shows no source lines."""
    read = load_pk(path, mapping)
    return read.value, read.diagnostics


def _read_kin(file: str, text: str) -> tuple[PkDocument | None, list[Diagnostic]]:
    parsed, diagnostics = parse(text, file)
    if not any(d.is_error for d in diagnostics):  # the settings, constants and texts of the file itself
        sources = Sources()
        sources.add(file, text)
        diagnostics = with_sources(check(build_symbol_table([parsed]), SELF_CONTAINED), sources)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    agreements = [d for d in parsed.declarations if isinstance(d, ast.Agreement)]
    if not agreements:
        return None, [Diagnostic(code="P000", severity=Severity.ERROR, message=t("no `agreement` block in this file"),
                                 file=file,
                                 hint=t("a PK file declares `{example}`",
                                        example='agreement "PK 2024" { year 2024 … target ID = … }'))]
    return _from_agreement(file, agreements[0]), []


def _from_agreement(file: str, a: ast.Agreement) -> PkDocument:
    doc = PkDocument(file, year_line=a.span.line)
    for s in a.body:
        if isinstance(s, ast.PkTarget):
            v = s.value
            doc.entries.append(PkEntry(s.indicator, s.period, TargetSpec(v.low, v.high, str(v), s.span.line),
                                       s.span.line, s.span.column))
        elif s.key == "year" and s.args and s.args[0].kind == "number":
            doc.year, doc.year_line = int(s.args[0].value), s.span.line
        elif s.key == "office" and s.args:
            doc.office = s.args[0].text
        elif s.key == "pagu" and s.args and isinstance(s.args[-1].value, Decimal):
            doc.pagu[s.args[0].text if len(s.args) == 2 else "total"] = s.args[-1].value
    return doc


def from_catalog(a: Agreement) -> PkDocument:
    """An `agreement` compiled into a catalog (a PK file in the catalog's folder) as the document
    `--pk` reads, so that the audit compares a printed target with either kind alike."""
    doc = PkDocument(a.file, a.year, a.office, year_line=a.line, pagu=dict(a.pagu))
    doc.entries = [PkEntry(e.indicator, e.period, e.target, e.line) for e in a.targets]
    return doc


def _read_csv(file: str, text: str) -> tuple[PkDocument | None, list[Diagnostic]]:
    table, problems = read_csv_table(file, text, PkRow)
    if table is None:
        return None, problems
    doc = PkDocument(file)
    for line, row in table.rows:  # a CSV row's cells are texts (read_csv_table)
        _year(doc, row.year, line, problems)
        _add(doc, _text(row.indicator), _text(row.period) or None, row.target, table.locale, line, problems)
    return doc, problems


def _text(cell: object) -> str:
    """A CSV cell, a text or absent (None: an optional column the header lacks)."""
    if cell is not None and not isinstance(cell, str):
        raise TypeError(f"a CSV cell is a text, not {type(cell).__name__}")
    return cell or ""


def _read_toml(file: str, text: str) -> tuple[PkDocument | None, list[Diagnostic]]:
    data, lines, problems = load_toml(file, text)
    if data is None:
        return None, problems
    if not data.get("target"):
        return None, [Diagnostic(code="P000", severity=Severity.ERROR, message=t("no [[target]] tables in this file"),
                                 file=file,
                                 hint=t('a TOML PK has [meta] year = 2024 and one [[target]] per target: '
                                        'indicator = "SJ1.rb", target = 100'))]
    pk = validated(PkToml, data, lines, file, (), problems)
    if pk is None:
        return None, problems
    doc = PkDocument(file, pk.meta.year, pk.meta.office, year_line=lines.line("meta", "year"))
    locale = pk.meta.locale
    problem = unknown_locale(locale, file, lines.line("meta", "locale"))
    if problem is not None:
        problems.append(problem)
        locale = None
    for k, item in enumerate(pk.target):
        _add(doc, item.indicator, item.period, item.target, locale, lines.line("target", k), problems)
    for key, value in pk.pagu.items():
        line = lines.line("pagu", key)
        try:
            if not is_number_like(value):
                raise NotationError(t("{value} is not an amount", value=abbreviated(repr(value))))
            doc.pagu[key] = number_of(value, locale)[0]
        except NotationError as err:
            code = "D012" if err.code == "D012" else "P010"
            problems.append(Diagnostic(code=code, severity=Severity.ERROR,
                                       message=t("the pagu of `{key}`: {problem}", key=key, problem=err),
                                       file=file, line=line, column=1,
                                       hint=err.hint if code == "D012" else t("write an amount, e.g. 25713209000")))
    return doc, problems


def _read_workbook(path: Path, mapping: PathLike | None) -> Read[PkDocument | None]:
    """A PK kept in Excel: one row per target (indicator, target, optional period and year);
    every finding names its cell (`pk.xlsx:PK!C7`). The texts are the mapping's."""
    read = workbook_rows(path, mapping, PK_LAYOUT, "PK")
    sheets, problems = read.value, read.diagnostics
    if sheets.mapping is None or any(d.is_error and d.code != "D010" for d in problems):
        return Read(read.file, None, problems, read.texts)
    locale = sheets.mapping.locale
    doc = PkDocument(str(path))
    for row in sheets.rows:
        if isinstance(row, Diagnostic):
            problems.append(row)
            continue
        target = PkRow(**{k: whole(v) for k, v in row.values.items()})
        # whole-PK findings point at the cell that gave the year
        _year(doc, target.year, 0, problems, row.address("year"))
        indicator = "" if is_blank(target.indicator) else str(target.indicator).strip()
        period = str(target.period).strip() if target.period else None
        _add(doc, indicator, period, target.target, locale, 0, problems, row.cell)
    return Read(read.file, doc, problems, read.texts)


def _year(doc: PkDocument, raw: object, line: int, problems: list[Diagnostic], cell: str | None = None) -> None:
    """A spreadsheet PK states its year on its rows; the first one is the PK's year. Only four
    digits are a year (as in a catalog, E117): another text in the year column is P011 at its
    row, never read as a year nor passed over in silence."""
    if is_blank(raw):
        return
    text = str(raw).strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):  # '²' is a digit to isdigit, not to int
        shown = text if len(text) <= 12 else text[:10] + "…"
        problems.append(Diagnostic(code="P011", severity=Severity.ERROR, message=t("`{year}` is not a year", year=shown),
                                   file=cell or doc.file, line=line, column=1,
                                   hint=t("write the year with four digits, e.g. 2024")))
    elif doc.year is None:
        doc.year, doc.year_line = int(text), line
        doc.year_at = cell


def target_from_text(text: str, locale: str | None) -> TargetSpec:
    """A target typed as text: one number, or one range `LOW .. HIGH` (or `LOW – HIGH`) whose low
    end is not above its high end; anything else is refused (P015), never cut to its first number."""
    parts = [p.strip() for p in str(text).replace("–", "..").split("..")]
    if len(parts) > 2 or (len(parts) == 2 and not all(parts)):
        raise NotationError(t("`{text}` is not one range", text=abbreviated(text.strip())), code="P015",
                            hint=t("write one number, or one range `LOW .. HIGH`"))
    low = parse_number(parts[0], locale)
    high = parse_number(parts[1], locale) if len(parts) == 2 else None
    if high is not None and low > high:
        raise NotationError(t("the range `{text}` is empty: its low end is above its high end",
                              text=abbreviated(text.strip())),
                            code="P015", hint=t("write `{example}`", example=f"{parts[1]} .. {parts[0]}"))
    return TargetSpec(low, high, str(text))


def _add(doc: PkDocument, indicator: str, period: str | None, raw: object, locale: str | None, line: int,
         problems: list[Diagnostic], cell: str | None = None) -> None:
    """One target, by one rule in every format; `cell` is a workbook cell, which stands in for the
    file and line."""
    where = cell or doc.file
    if is_blank(raw):
        problems.append(Diagnostic(code="P010", severity=Severity.ERROR,
                                   message=t("no target for `{indicator}`", indicator=indicator),
                                   file=where, line=line, column=1))
        return
    if not is_number_like(raw):
        problems.append(Diagnostic(code="P010", severity=Severity.ERROR,
                                   message=t("the target of `{indicator}` is not a number: {value}",
                                             indicator=indicator, value=abbreviated(repr(raw))),
                                   file=where, line=line, column=1,
                                   hint=t("write a number (90, 3.6) or a range (80 .. 90)")))
        return
    try:
        if isinstance(raw, str):
            target = target_from_text(raw, locale)
        else:
            value, text = number_of(raw, locale)
            target = TargetSpec(value, None, text)
    except NotationError as err:
        code = "P010" if err.code == "D006" else err.code   # D012 out of range, P015 a malformed range
        hint = (_other_notation(str(raw), locale) if code == "P010" else None) or err.hint
        problems.append(Diagnostic(code=code, severity=Severity.ERROR,
                                   message=t("the target of `{indicator}`: {problem}", indicator=indicator, problem=err),
                                   file=where, line=line, column=1, hint=hint))
        return
    doc.entries.append(PkEntry(indicator, period, TargetSpec(target.low, target.high, target.text, line), line,
                               cell=cell))


def _other_notation(raw: str, locale: str | None) -> str | None:
    """For a text refused in the declared notation that reads in the other one: what to write."""
    other = {"id": "en", "en": "id"}.get(locale or "")
    if other is None or locale is None:  # no notation declared: nothing to compare with
        return None
    try:
        value = parse_number(raw, other)
    except NotationError:
        return None
    return t("`{text}` is {value} in {other} notation: in {locale} notation write `{written}`", text=raw.strip(),
             value=format_number(value, other, grouping=False), other=other, locale=locale,
             written=format_number(value, locale, grouping=False))
