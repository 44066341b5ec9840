"""Realisation data: the data document in TOML, CSV or a workbook, read into one Dataset, and
its checks against a catalog.

One value per (period, office, field or indicator). TOML floats are read as Decimal from their
text; texts are read in the file's declared notation. A value that is absent or blank is missing,
never 0; `-` is missing and says the office did not report. Every value of every format goes
through `put_value` (the blank rule, the number rule, numbers.exact), so the same value reads the
same in TOML, CSV and a workbook. Every problem is a diagnostic with file and line (for a
workbook, the cell: `realisasi.xlsx:TW3!D14`). `load_data` hands back the text it decoded too
(documents.Read), so that a command reads the data file once and still shows a finding's line.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Optional

from kinerja_dsl.catalog import Catalog, Field, Indicator, Office
from kinerja_dsl.diagnostics import Diagnostic, Severity, did_you_mean
from kinerja_dsl.messages import N_, t
from kinerja_dsl.loader import PathLike

from .documents import (SPREADSHEET_SUFFIXES, Read, Schema, TableRow, TomlTable, header, is_blank, is_number_like,
                        load_toml, number_of, read_csv_table, read_document, shown_value, unknown_locale, validated)
from .mapping import Layout
from ..numbers import NotationError, abbreviated, format_number, plain
from ..periods import Period, PeriodError
from .spreadsheet import SheetRow, whole, workbook_rows

ROOT = ""  # the office a value belongs to when the data names none: the whole catalog


@dataclass(frozen=True)
class Value:
    value: Decimal
    text: str
    file: str   # a workbook value carries its cell here ("r.xlsx:TW3!D14") and line 0
    line: int
    parts: tuple[str, ...] = ()   # a declared total not given but derived: the sum of these, in the same cell

    @property
    def place(self) -> str:
        if self.parts:
            return t("the sum of its parts {parts}", parts=" + ".join(self.parts))
        return t("line {line}", line=self.line) if self.line else self.file


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

    def underived(self) -> Dataset:
        """A copy without the totals `derive_totals` filled in: the data as read, for another
        catalog to derive its own (a diff evaluates one data file under two catalogs)."""
        values = {key: {k: v for k, v in cell.items() if not v.parts} for key, cell in self.values.items()}
        return replace(self, values=values)

    def put(self, period: Period, office: str, key: str, value: Value, out: list[Diagnostic]) -> None:
        cell = self.values.setdefault((period, office), {})
        if key in cell:
            first = cell[key]
            out.append(Diagnostic(code="D004", severity=Severity.ERROR,
                                  message=t("`{key}` is given twice for {office} in {period}", key=key,
                                            office=office or t("the office"), period=period),
                                  file=value.file, line=value.line, column=1,
                                  hint=t("the first value is at {place}; keep one", place=first.place)))
            return
        cell[key] = value


# ---- realisation data in TOML ------------------------------------------------------------

class DataMeta(Schema):
    """[meta] of a TOML data file."""

    locale: Optional[str] = None   # how texts are read: id = 1.234,56, en = 1,234.56
    office: Optional[str] = None   # the office of values under a bare [PERIOD] table
    source: Optional[str] = None   # where the figures come from
    note: Optional[str] = None


PERIOD_HINT = N_("periods are 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2, 2024-01 … 2024-12 (the period alone), "
                  "or from January: 2024-sd-TW3 (s.d. TW III), 2024-sd-07")  # t() where shown


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
            out.append(Diagnostic(code="D003", severity=Severity.ERROR,
                                  message=t("`{text}` is not a period", text=abbreviated(period_label)),
                                  file=file, line=where, column=1, hint=t(PERIOD_HINT)))
            continue
        if not isinstance(body, dict):
            out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                                  message=t("`{period}` must be a table of values", period=period_label), file=file,
                                  line=where, column=1,
                                  hint=t("write {table} and one `field = value` a line",
                                         table=f'["{period_label}".OFFICE]')))
            continue
        for key, item in body.items():
            if isinstance(item, dict):
                data.office_at.setdefault(key, (file, lines.line(period_label, key)))
                for name, raw in item.items():
                    put_value(data, period, key, name, raw, out, line=lines.line(period_label, key, name))
            else:
                put_value(data, period, default_office, key, item, out, line=lines.line(period_label, key))
    return data, out


UNREPORTED_TEXTS = {"-", "n/a", "na"}  # the office was asked and did not report


def _dotted(name: str, table: TomlTable) -> str:
    """`"SJ1.ikm" = 3.14` from the table TOML made of `SJ1.ikm = 3.14`."""
    key, value = next(iter(table.items()))
    while isinstance(value, dict) and value:
        sub, value = next(iter(value.items()))
        key = f"{key}.{sub}"
    shown = shown_value(value) if not isinstance(value, dict) else "…"
    return f'"{abbreviated(f"{name}.{key}", 80)}" = {shown}'


def put_value(data: Dataset, period: Period, office: str, key: str, raw: object, out: list[Diagnostic], *,
              line: int = 0, file: str | None = None) -> None:
    """One value of any format into the dataset; `file` names a workbook cell (then line is 0).
    Blank is missing, `-` is missing and says the office did not report, anything else must be
    a number the engine can hold exactly (documents.number_of, in the file's notation)."""
    file = file or data.file
    if is_blank(raw):
        return
    if isinstance(raw, str) and raw.strip().lower() in UNREPORTED_TEXTS:
        data.unreported.setdefault((period, office), set()).add(key)
        return
    if isinstance(raw, dict) and raw:
        out.append(Diagnostic(code="D007", severity=Severity.ERROR, message=t("`{key}` is a table, not a number", key=key),
                              file=file, line=line, column=1,
                              hint=t("TOML reads a dotted key as tables: quote an indicator id, {example}",
                                     example=_dotted(key, raw))))
        return
    if not is_number_like(raw):
        out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                              message=t("`{key}` is not a number ({value})", key=key, value=shown_value(raw)),
                              file=file, line=line, column=1,
                              hint=t('write a number (3.14), a text in the declared notation ("3,14"), '
                                     'or "-" when the office did not report')))
        return
    try:
        value, text = number_of(raw, data.locale)
    except NotationError as err:
        out.append(Diagnostic(code=err.code, severity=Severity.ERROR, message=str(err), file=file, line=line,
                              column=1, hint=err.hint))
        return
    data.put(period, office, key, Value(value, text, file, line), out)


# ---- tables: CSV and workbooks ---------------------------------------------------------------

class DataRow(TableRow):
    """One value of a data table (`period,office,field,value`, a CSV file or a workbook sheet), as
    typed: a CSV cell is a text, a workbook cell a text, a number or None."""

    period: object = header("period", "periode")
    office: object = header("office", "unit", "satker", required=False)
    field: object = header("field", "indicator", "indikator", "variabel")
    value: object = header("value", "nilai", "realisasi")


# a workbook names every column, the office too (unless a [[sheet]] fixes it): a sheet whose
# office column is misnamed must not put its values at the whole catalog
REALISASI = Layout.of(DataRow, "value", constants=("period", "office"), optional=())


@dataclass(frozen=True)
class RowPlace:
    """Where a table row's findings stand: a CSV line (the period's own column for D003), or a
    workbook's number cell as the file with line 0."""

    file: str
    line: int = 0
    column: int = 0                 # of findings about the row
    period_columns: tuple[int, int] = (0, 0)
    fill_field: str = N_("fill the field column of this row")  # t() where shown
    office_at: tuple[str, int] | None = None   # where the row names its office


def put_row(data: Dataset, row: DataRow, place: RowPlace, out: list[Diagnostic]) -> None:
    """One row of a CSV file or a workbook sheet, by one rule for both: its period, its field (a
    value without one is D007), its office (blank: the whole catalog), then its value."""
    period_text = "" if is_blank(row.period) else str(whole(row.period)).strip()
    try:
        period = Period.parse(period_text)
    except PeriodError:
        column, end = place.period_columns if place.line else (0, 0)
        out.append(Diagnostic(code="D003", severity=Severity.ERROR,
                              message=t("`{text}` is not a period", text=abbreviated(period_text)), file=place.file,
                              line=place.line, column=column, end_column=end, hint=t(PERIOD_HINT)))
        return
    if is_blank(row.field):
        if not is_blank(row.value):
            out.append(Diagnostic(code="D007", severity=Severity.ERROR, message=t("a value without a field"),
                                  file=place.file, line=place.line, column=place.column, hint=t(place.fill_field)))
        return
    office = ROOT if is_blank(row.office) else str(whole(row.office)).strip()
    data.office_at.setdefault(office, place.office_at or (place.file, place.line))
    put_value(data, period, office, str(whole(row.field)).strip(), row.value, out, line=place.line,
              file=place.file)


def read_csv(path: Path, text: str) -> tuple[Dataset, list[Diagnostic]]:
    """`period,office,field,value` rows (`;` works too); a blank value is missing."""
    file = str(path)
    table, out = read_csv_table(file, text, DataRow)
    if table is None:
        return Dataset(file), out
    data = Dataset(file, table.locale)
    period_column = table.columns["period"] + 1
    for line, row in table.rows:
        put_row(data, row, RowPlace(file, line, 1, (period_column, period_column + 1)), out)
    return data, out


PROGRESS_EVERY = 4096  # rows between two progress reports


def read_workbook(path: PathLike, mapping: PathLike | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Read[Dataset]:
    """Realisation data from a workbook's sheets (`mapping`: where its values stand, whose text
    is kept); every finding names its cell; never raises on bad input. `progress(done, total)`
    is told how many rows are read, once the sheets are parsed."""
    workbook_name = str(path)
    read = workbook_rows(Path(path), mapping, REALISASI, "Realisasi")
    sheets, out = read.value, read.diagnostics
    data = Dataset(workbook_name, sheets.mapping.locale if sheets.mapping else None)
    total = len(sheets.rows)
    for n, row in enumerate(sheets.rows):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        if isinstance(row, Diagnostic):
            out.append(row)
        else:
            put_row(data, DataRow(**row.values), _cell_place(row), out)
    return Read(workbook_name, data, out, read.texts)


def _cell_place(row: SheetRow) -> RowPlace:
    return RowPlace(row.cell, fill_field=t("fill column {column} of row {row}", column=row.column_letter["field"],
                                           row=row.row),
                    office_at=(row.address("office"), 0))


def load_data(path: PathLike, mapping: PathLike | None = None,
              progress: Callable[[int, int], None] | None = None) -> Read[Dataset]:
    """Read a .toml, .csv or .xlsx data file once (`mapping`: where a workbook's values stand),
    keeping the text it decoded (a workbook's: its mapping's) for the findings' source lines;
    never raises on bad input. `progress` follows a workbook's rows (a text file is quick)."""
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return read_workbook(path, mapping, progress)
    file = str(path)
    text, problems = read_document(path)
    if text is None:
        return Read(file, Dataset(file), problems)
    data, problems = (read_csv if path.suffix.lower() == ".csv" else read_toml)(path, text)
    return Read(file, data, problems, {file: text})


def read_data(path: PathLike, mapping: PathLike | None = None) -> tuple[Dataset, list[Diagnostic]]:
    """`load_data` without the text, for a caller that shows no source lines."""
    read = load_data(path, mapping)
    return read.value, read.diagnostics


# ---- checks against the catalog --------------------------------------------------------

def check_data(data: Dataset, catalog: Catalog, also: tuple[Catalog, ...] = ()) -> list[Diagnostic]:
    """Unknown names and offices (with suggestions), negative or fractional counts, one field
    given at two granularities that overlap (D011). `also`: more catalogs whose names count as
    known (a diff reads one data file for its old and new catalog)."""
    names = _Names(catalog, *also)
    out: list[Diagnostic] = []
    known = set(names.fields) | set(names.indicators)
    offices = set(names.offices) | {ROOT}

    def unknown_office(office: str) -> Diagnostic:
        keys = [k for (_, o), cell in data.values.items() if o == office for k in cell]
        place = data.office_at.get(office)
        if place is None:  # a reader that does not record offices: the first value names it
            first = min((v for (_, o), cell in data.values.items() if o == office for v in cell.values()),
                        key=lambda v: v.line, default=None)
            place = (first.file, first.line) if first else (data.file, 0)
        dotted = next((k for k in keys if f"{office}.{k}" in names.indicators), None)
        hint = (t("TOML reads a dotted key as tables: quote the indicator id, {example}",
                  example=f'"{office}.{dotted}" = …') if dotted
                else did_you_mean(office, names.offices) or t("declare it in the catalog with `office`"))
        return Diagnostic(code="D002", severity=Severity.ERROR,
                          message=t("unknown office `{name}`", name=abbreviated(office)),
                          file=place[0], line=place[1], column=1, hint=hint)

    reported = set(offices)
    for (period, office), cell in data.values.items():
        if office not in reported:
            reported.add(office)
            out.append(unknown_office(office))
        for key, v in cell.items():
            if key not in known and office not in offices and f"{office}.{key}" in names.indicators:
                continue  # `SJ1.ikm = 1` unquoted: the unknown office's hint says how to write it
            if key not in known:
                out.append(Diagnostic(code="D001", severity=Severity.ERROR,
                                      message=t("unknown field or indicator `{name}`", name=key), file=v.file,
                                      line=v.line, column=1,
                                      hint=did_you_mean(key, known) or t("declare it in the catalog with `field`")))
                continue
            f = names.fields.get(key)
            if f is not None and f.kind in ("count", "amount") and v.value < 0:
                out.append(Diagnostic(code="D005", severity=Severity.ERROR,
                                      message=t("`{key}` is a count and cannot be negative ({value})", key=key,
                                                value=v.text) if f.kind == "count"
                                      else t("`{key}` is a amount and cannot be negative ({value})", key=key,
                                             value=v.text),
                                      file=v.file, line=v.line, column=1))
            elif f is not None and f.kind == "count" and v.value != v.value.to_integral_value():
                out.append(Diagnostic(code="D005", severity=Severity.ERROR,
                                      message=t("`{key}` is a count and cannot have decimals ({value})", key=key,
                                                value=v.text),
                                      file=v.file, line=v.line, column=1, hint=t("a count is a whole number of cases")))
            elif f is not None and f.kind == "percent" and not (0 <= v.value <= 100):
                out.append(Diagnostic(code="D008", severity=Severity.WARNING,
                                      message=t("`{key}` is a percentage but {value} is outside 0..100", key=key,
                                                value=v.text),
                                      file=v.file, line=v.line, column=1,
                                      hint=t("write percentages as 95, not 0.95 or 9500")))
    for office in dict.fromkeys([*data.office_at, *(o for _, o in data.unreported)]):
        if office not in reported:  # named, but with blanks or "-" only
            reported.add(office)
            out.append(unknown_office(office))
    out.extend(_overlapping(data))
    out.extend(_totals(data, catalog)[0])
    return out


def derive_totals(data: Dataset, catalog: Catalog) -> None:
    """Fill in each declared total that a cell lacks but whose parts it holds all of: the exact
    sum, marked with its parts (Value.parts), so that the exact and the columnar evaluator read
    the same value and `explain` says where it came from. Not where the total is given anywhere
    at that office in that year (a year's printed total beside quarters' rows would otherwise be
    D011, counted twice); a cell with some parts missing gets none. Run after `check_data`."""
    for key, derived in _totals(data, catalog)[1].items():
        data.values[key].update(derived)


def _totals(data: Dataset, catalog: Catalog) -> tuple[list[Diagnostic], dict[tuple[Period, str], dict[str, Value]]]:
    """D014 for each cell where a declared total and all its parts are given and differ, and the
    totals to derive per cell. Totals are taken parts first (Catalog.totals), so a total of
    subtotals is checked against, and derived from, the subtotals the same cell derives."""
    totals = catalog.totals()
    out: list[Diagnostic] = []
    derived: dict[tuple[Period, str], dict[str, Value]] = {}
    if not totals:
        return out, derived
    locale = "id" if data.locale == "id" else "en"
    given_in_year = {(office, key, period.year) for (period, office), cell in data.values.items() for key in cell}
    for (period, office), cell in data.values.items():
        made: dict[str, Value] = {}
        for total in totals:
            values = [cell.get(p) or made.get(p) for p in total.parts]
            if any(v is None for v in values):
                continue  # some parts missing: no check, no derivation
            parts = [v for v in values if v is not None]
            summed = sum((v.value for v in parts), Decimal(0))
            found = cell.get(total.id)
            if found is None:
                if (office, total.id, period.year) not in given_in_year:
                    made[total.id] = Value(summed, plain(summed) or "0", data.file, 0, total.parts)
                continue
            if found.value != summed:
                listed = " + ".join(f"{p} {v.text}" for p, v in zip(total.parts, parts, strict=True))
                out.append(Diagnostic(code="D014", severity=Severity.ERROR,
                                      message=t("`{total}` is {value} but its parts sum to {sum} ({parts})",
                                                total=total.id, value=found.text, sum=format_number(summed, locale),
                                                parts=listed),
                                      file=found.file, line=found.line, column=1,
                                      hint=t("at {office} in {period}: correct the total or the rows; the engine "
                                             "does not choose between a printed total and its parts",
                                             office=office or t("the office"), period=period)))
        if made:
            derived[(period, office)] = made
    return sorted(out, key=lambda d: (d.file, d.line)), derived


class _Names:
    """The names of one catalog, or of several as one: a field one of them declares is known (the
    first catalog's declaration wins where both declare it)."""

    def __init__(self, *catalogs: Catalog):
        self.fields: dict[str, Field] = {k: v for c in reversed(catalogs) for k, v in c.fields.items()}
        self.indicators: dict[str, Indicator] = {k: v for c in reversed(catalogs) for k, v in c.indicators.items()}
        self.offices: dict[str, Office] = {k: v for c in reversed(catalogs) for k, v in c.offices.items()}


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
            values = {"key": key, "outer": outer[0].label, "place": outer[1].place, "inner": inner.label}
            message = (t("`{key}` is given for {outer} ({place}) and for {inner} inside it at {office}", office=office,
                         **values) if office
                       else t("`{key}` is given for {outer} ({place}) and for {inner} inside it", **values))
            out.append(Diagnostic(code="D011", severity=Severity.ERROR, message=message,
                                  file=v.file, line=v.line, column=1,
                                  hint=t("keep one granularity: {outer} or the periods inside it; a roll-up would "
                                         "count both", outer=outer[0].label)))
    return sorted(out, key=lambda d: (d.file, d.line))
