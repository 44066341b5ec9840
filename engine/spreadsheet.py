"""Excel workbooks in and out (openpyxl, the `excel` extra): realisation data, report tables.

Reading: a mapping (TOML) says which sheets and which columns hold the office, the field
(or indicator), the period and the value; without one, the sheet `Realisasi` (else the
first) is read with the CSV column names, which is the layout `kinerja template` writes.
Every value goes through the same path as TOML and CSV values (data._put_raw, then
check_data), with the cell as its location: `realisasi.xlsx:TW3!D14`.

Writing: one sheet per table, numbers as numeric cells with a display format, widths
set, header row frozen. Imported lazily: `kinerja --help` and TOML/CSV work without it.
"""
from __future__ import annotations

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

from kinerja_dsl.diagnostics import Diagnostic, did_you_mean

from .data import _COLUMNS, ROOT, Dataset, _put_raw, _toml_lines, unknown_locale
from .periods import Period, PeriodError

EXTRA = "reading .xlsx needs the excel extra: pip install 'kinerja-dsl[excel]'"
HEADER_SEARCH_ROWS = 20
PERIOD_HINT = "periods are 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2, 2024-01 … 2024-12"


def openpyxl_or_diagnostic(file: str, writing: bool = False):
    """The openpyxl module, or a D009 diagnostic saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        message = EXTRA.replace("reading", "writing") if writing else EXTRA
        return None, Diagnostic("D009", "error", message, file, hint="CSV and TOML need no extra")
    return openpyxl, None


# ---- the mapping -------------------------------------------------------------------------

@dataclass
class SheetMap:
    name: str | None                      # None: the sheet `Realisasi`, else the first
    columns: dict[str, str]               # key -> header text or column letter
    header_row: int | None = None         # None: found by the header texts
    constants: dict[str, str] = field(default_factory=dict)  # period / office for the whole sheet
    line: int = 0                         # where the mapping declares this sheet


@dataclass
class Mapping:
    file: str | None
    locale: str | None
    sheets: list[SheetMap]


@dataclass(frozen=True)
class Layout:
    """What a sheet holds, one row per value: the column keys, the header texts each key is
    found by, which may be fixed for a whole sheet, and which one carries the number."""

    defaults: dict[str, str]       # key -> header texts, "a|b|c"
    value: str                     # the key of the cell that carries the number
    constants: tuple[str, ...]     # keys a [[sheet]] may fix for every row (period = "2024-TW3")
    optional: tuple[str, ...] = ()  # keys whose column may be absent

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    @property
    def sheet_keys(self) -> set[str]:
        return {"name", "header_row", "columns", *self.constants}


DEFAULT_COLUMNS = {k: "|".join(names) for k, names in _COLUMNS.items()}
REALISASI = Layout(DEFAULT_COLUMNS, "value", ("period", "office"))
# a Perjanjian Kinerja kept in a workbook: the CSV PK's columns (engine/pk.py)
PK = Layout({"indicator": "indicator|indikator|kode", "target": "target", "period": "period|periode",
             "year": "year|tahun"}, "target", ("year", "period"), optional=("period", "year"))


def read_mapping(path, layout: Layout = REALISASI) -> tuple[Mapping | None, list[Diagnostic]]:
    """The mapping file; None with diagnostics when it cannot be used."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Diagnostic("E006", "error", f"cannot read the mapping ({type(err).__name__})", file)]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+), column (\d+)", str(err))
        line, column = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        return None, [Diagnostic("E001", "error", f"not valid TOML: {re.sub(r' [(]at line.*', '', str(err))}",
                                 file, line, column, column + 1)]
    lines = _toml_lines(text)
    out: list[Diagnostic] = []
    locale = doc.get("locale")
    problem = unknown_locale(locale, file, lines.get(("locale",), 0))
    if problem is not None:
        out.append(problem)
    for key in doc:
        if key not in ("locale", "sheet"):
            out.append(Diagnostic("D007", "error", f"unknown key `{key}` in the mapping", file,
                                  lines.get((key,), 0), 1, 0, hint=did_you_mean(key, ("locale", "sheet"))
                                  or "the mapping has `locale` and [[sheet]] tables"))
    sheets = []
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[sheet]]"]
    for k, item in enumerate(doc.get("sheet", [])):
        where = starts[k] if k < len(starts) else 0
        for key in item:
            if key not in layout.sheet_keys:
                out.append(Diagnostic("D007", "error", f"unknown key `{key}` in [[sheet]]", file, where, 1, 0,
                                      hint=did_you_mean(key, layout.sheet_keys)
                                      or f"keys: {', '.join(sorted(layout.sheet_keys))}"))
        columns = {k2: str(v) for k2, v in item.get("columns", {}).items()}
        for key in columns:
            if key not in layout.keys:
                out.append(Diagnostic("D007", "error", f"unknown column key `{key}`", file, where, 1, 0,
                                      hint=did_you_mean(key, layout.keys) or f"columns: {', '.join(layout.keys)}"))
        constants = {k2: str(item[k2]) for k2 in layout.constants if k2 in item}
        for key in layout.keys:
            if key not in constants:
                columns.setdefault(key, layout.defaults[key])
        header = item.get("header_row")
        sheets.append(SheetMap(item.get("name"), columns, header if isinstance(header, int) else None,
                               constants, where))
    if not sheets:
        out.append(Diagnostic("D007", "error", "the mapping has no [[sheet]]", file,
                              hint='[[sheet]]\nname = "TW3"\ncolumns = { office = "Satker", value = "Nilai" }'))
    return (None if out else Mapping(file, locale, sheets)), out


def default_mapping(layout: Layout = REALISASI) -> Mapping:
    return Mapping(None, None, [SheetMap(None, dict(layout.defaults))])


# ---- reading -----------------------------------------------------------------------------

def _letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _merged(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_col, min_row, max_col, max_row). openpyxl's fast read-only sheets do
    not parse <mergeCells>, which stands after the rows; read it from the sheet's own XML."""
    try:
        with ws._get_source() as source:  # noqa: SLF001 (no public API in read-only mode)
            xml = source.read()
    except Exception:  # pragma: no cover - a future openpyxl: merged cells are then not filled
        return []
    out = []
    for a, b in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+):([A-Z]+\d+)"', xml):
        (c1, r1), (c2, r2) = (re.match(rb"([A-Z]+)(\d+)", x).groups() for x in (a, b))
        out.append((_column_number(c1.decode()), int(r1), _column_number(c2.decode()), int(r2)))
    return out


def _find_columns(rows, spec: SheetMap, optional=()) -> tuple[dict[str, int], int, list[str]]:
    """Column numbers of the mapped keys, the header row, and the keys not found (an optional
    key's column may be absent)."""
    found: dict[str, int] = {}
    header = spec.header_row or 0
    search = rows[: spec.header_row] if spec.header_row else rows[:HEADER_SEARCH_ROWS]
    for key, wanted in spec.columns.items():
        names = [w.strip().lower() for w in wanted.split("|")]
        for r, row in enumerate(search, start=1):
            hit = next((c for c, v in enumerate(row, start=1) if isinstance(v, str) and v.strip().lower() in names), None)
            if hit is not None:
                found[key] = hit
                if not spec.header_row:
                    header = max(header, r)
                break
    for key, wanted in spec.columns.items():
        if key not in found and re.fullmatch(r"[A-Z]{1,3}", wanted):
            found[key] = _column_number(wanted)  # a column letter: D
    missing = [k for k in spec.columns if k not in found and k not in optional]
    return found, header or 1, missing


def _decimal(value, number_format: str) -> Decimal:
    """An Excel number as an exact Decimal. openpyxl returns a float for a cell whose XML text
    has a decimal point; repr() gives the shortest text that is the same double, i.e. what
    Excel wrote and shows (3.82, not 3.8199999999999998), so Decimal(repr(x)) recovers the
    typed figure where Decimal(x) would carry binary noise. A cell formatted as a percentage
    holds 0.95 for 95%; values are written as percentages (95), like the text "95%"."""
    d = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if "%" in (number_format or ""):
        d = (d * 100).normalize()
        d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d
    return d


@dataclass
class SheetRow:
    """One row that has a number cell: each key's raw value (merged cells and a sheet's
    constants applied) and the addresses of its cells (`r.xlsx:TW3!D14`)."""

    values: dict[str, object]
    sheet: str                    # `r.xlsx:TW3`
    row: int
    column_letter: dict[str, str]
    value_key: str                # the key of the number's column

    def address(self, key: str) -> str:
        """The cell of `key` in this row; the number's cell for a key fixed for the whole sheet."""
        return f"{self.sheet}!{self.column_letter.get(key, self.column_letter[self.value_key])}{self.row}"

    @property
    def at(self) -> str:
        """Where the number stands, which every finding about the row names."""
        return self.address(self.value_key)


def workbook_rows(path, mapping_path, layout: Layout, default_sheet: str):
    """Every row of a workbook's mapped sheets, in order; never raises on bad input.
    Returns (the mapping or None, the rows, diagnostics); a cell holding an Excel error
    stands among the rows as its Diagnostic, so findings keep the order of the rows."""
    workbook_name = str(path)
    openpyxl, problem = openpyxl_or_diagnostic(workbook_name)
    if problem:
        return None, [], [problem]
    mapping, out = read_mapping(mapping_path, layout) if mapping_path else (default_mapping(layout), [])
    if mapping is None:
        return None, [], out
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zip, XML or format errors: the file is not a workbook we can read
        return mapping, [], [Diagnostic("E006", "error", f"not a readable .xlsx workbook ({type(err).__name__})",
                                        workbook_name, hint="save it from Excel as .xlsx")]
    rows: list[SheetRow | Diagnostic] = []
    try:
        for spec in mapping.sheets:
            rows.extend(_sheet_rows(wb, workbook_name, spec, mapping, layout, default_sheet, out))
    finally:
        wb.close()
    if not rows and not any(d.is_error for d in out):
        out.append(Diagnostic("E004", "error", "the workbook has no values", workbook_name))
    return mapping, rows, out


def read_workbook(path, mapping_path=None) -> tuple[Dataset, list[Diagnostic]]:
    """Read realisation data from a workbook; never raises on bad input."""
    workbook_name = str(path)
    mapping, rows, out = workbook_rows(Path(path), mapping_path, REALISASI, "Realisasi")
    data = Dataset(workbook_name, mapping.locale if mapping else None)
    for row in rows:
        if isinstance(row, Diagnostic):
            out.append(row)
        else:
            _put_row(row, data, out)
    return data, out


def _sheet_rows(wb, book: str, spec: SheetMap, mapping: Mapping, layout: Layout, default_sheet: str,
                out: list[Diagnostic]):
    name = spec.name or (default_sheet if default_sheet in wb.sheetnames else wb.sheetnames[0])
    if name not in wb.sheetnames:
        out.append(Diagnostic("D007", "error", f"`{Path(book).name}` has no sheet `{name}`", mapping.file or book,
                              spec.line, 1, 0, hint=(did_you_mean(name, wb.sheetnames) or "")
                              + f" sheets: {', '.join(wb.sheetnames)}"))
        return
    ws = wb[name]
    where = f"{book}:{name}" if re.fullmatch(r"\w+", name) else f"{book}:'{name}'"
    head = [list(r) for r in ws.iter_rows(max_row=spec.header_row or HEADER_SEARCH_ROWS, values_only=True)]
    columns, header, missing = _find_columns(head, spec, layout.optional)
    if missing:
        width = max((len(r) for r in head[header - 1: header]), default=1) or 1
        seen = [str(v) for v in (head[header - 1] if len(head) >= header else []) if v is not None]
        for key in missing:
            out.append(Diagnostic("D007", "error", f"no `{key}` column (looked for {spec.columns[key].replace('|', ', ')})",
                                  f"{where}!A{header}:{_letter(width)}{header}", hint=f"the header has: {', '.join(seen) or 'nothing'}"))
        return
    fill = {}  # merged cells in the label columns (office, field, period, …) apply to every row they span
    keys = {columns[k]: k for k in layout.keys if k in columns and k != layout.value}
    for c1, r1, c2, r2 in _merged(ws):
        for c in range(c1, c2 + 1):
            if c in keys and r2 > r1 and r1 > header:
                fill.update({(r, c): (r1, c1) for r in range(r1 + 1, r2 + 1)})
    anchors: dict[tuple[int, int], object] = {}
    wanted = set(fill.values())
    value_col = columns[layout.value]
    letters = {k: _letter(c) for k, c in columns.items()}
    for row in ws.iter_rows(min_row=header + 1):
        cells = {c.column: c for c in row if getattr(c, "column", None) is not None}
        if not cells:
            continue
        r = next(iter(cells.values())).row
        for c in keys:
            if (r, c) in wanted and c in cells:
                anchors[(r, c)] = cells[c].value
        value_cell = cells.get(value_col)
        raw = None if value_cell is None else value_cell.value
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # no value (or a formula Excel never computed): missing
        at = f"{where}!{_letter(value_col)}{r}"
        if value_cell.data_type == "e":  # yielded in row order, among the rows' own findings
            yield Diagnostic("D010", "error", f"the cell holds the Excel error {raw}", at,
                             hint="correct the formula in Excel and save; its saved value is what is read")
            continue
        values: dict[str, object] = dict(spec.constants)
        for c, key in keys.items():
            if key in spec.constants:
                continue
            cell = cells.get(c)
            values[key] = anchors.get(fill[(r, c)]) if (r, c) in fill else (None if cell is None else cell.value)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = _decimal(raw, value_cell.number_format)
        values[layout.value] = raw
        yield SheetRow(values, where, r, letters, layout.value)


def whole(raw) -> object:
    """A label cell as typed: Excel stores 2024 typed in a cell as the number 2024.0."""
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def _put_row(row: SheetRow, data: Dataset, out: list[Diagnostic]) -> None:
    office, key, period_raw = (row.values.get(k) for k in ("office", "field", "period"))
    if key is None or not str(key).strip():
        out.append(Diagnostic("D007", "error", "a value without a field", row.at,
                              hint=f"fill column {row.column_letter['field']} of row {row.row}"))
        return
    period_raw = whole(period_raw)
    try:
        period = Period.parse(str(period_raw) if period_raw is not None else "")
    except PeriodError:
        out.append(Diagnostic("D003", "error", f"`{period_raw}` is not a period", row.at, hint=PERIOD_HINT))
        return
    _put_raw(data, period, str(office).strip() if office else ROOT, str(key).strip(), row.values["value"], 0, out,
             file=row.at)


# ---- writing -----------------------------------------------------------------------------

def _format(value: Decimal, amount: bool) -> str:
    """Excel number formats are stored in one notation and shown in the viewer's: `#,##0.00`
    is 1.234,56 in an Indonesian Excel and 1,234.56 in an English one. Places follow the
    figure as the terminal shows it (102,84; 55; 3,743); amounts are whole Rupiah."""
    exponent = value.as_tuple().exponent
    places = 0 if amount or not isinstance(exponent, int) else max(0, -exponent)
    return "#,##0" + ("." + "0" * places if places else "")


def workbook_bytes(tables) -> tuple[bytes | None, Diagnostic | None]:
    """The tables as an .xlsx workbook, one sheet each; or a D009 diagnostic."""
    openpyxl, problem = openpyxl_or_diagnostic("--out", writing=True)
    if problem:
        return None, problem
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t in tables:
        ws = wb.create_sheet(t.name)
        ws.append(t.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [len(c) for c in t.columns]
        for r, row in enumerate(t.rows, start=2):
            ws.append(row)
            for i, v in enumerate(row):
                cell = ws.cell(r, i + 1)
                if isinstance(v, Decimal):
                    cell.number_format = _format(v, t.columns[i] in t.amounts)
                    text = f"{v:,.0f}" if t.columns[i] in t.amounts else f"{v:,f}"
                else:
                    text = "" if v is None else str(v)
                    if isinstance(v, str) and len(v) > 50:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[i] = max(widths[i], len(text))
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), None
