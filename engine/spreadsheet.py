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

from .data import _COLUMNS, ROOT, Dataset, _put_raw, _toml_lines
from .numbers import LOCALES
from .periods import Period, PeriodError

EXTRA = "reading .xlsx needs the excel extra: pip install 'kinerja-dsl[excel]'"
KEYS = ("office", "field", "period", "value")
SHEET_KEYS = {"name", "header_row", "period", "office", "columns"}
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


DEFAULT_COLUMNS = {k: "|".join(names) for k, names in _COLUMNS.items()}


def read_mapping(path) -> tuple[Mapping | None, list[Diagnostic]]:
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
    if locale is not None and locale not in LOCALES:
        out.append(Diagnostic("D007", "error", f"unknown locale `{locale}`", file, lines.get(("locale",), 0), 1, 0,
                              hint='use "id" (1.234,56) or "en" (1,234.56)'))
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
            if key not in SHEET_KEYS:
                out.append(Diagnostic("D007", "error", f"unknown key `{key}` in [[sheet]]", file, where, 1, 0,
                                      hint=did_you_mean(key, SHEET_KEYS) or f"keys: {', '.join(sorted(SHEET_KEYS))}"))
        columns = {k2: str(v) for k2, v in item.get("columns", {}).items()}
        for key in columns:
            if key not in KEYS:
                out.append(Diagnostic("D007", "error", f"unknown column key `{key}`", file, where, 1, 0,
                                      hint=did_you_mean(key, KEYS) or f"columns: {', '.join(KEYS)}"))
        constants = {k2: str(item[k2]) for k2 in ("period", "office") if k2 in item}
        for key in ("field", "value") + tuple(k2 for k2 in ("period",) if k2 not in constants):
            columns.setdefault(key, DEFAULT_COLUMNS[key])
        if "office" not in constants:
            columns.setdefault("office", DEFAULT_COLUMNS["office"])
        header = item.get("header_row")
        sheets.append(SheetMap(item.get("name"), columns, header if isinstance(header, int) else None,
                               constants, where))
    if not sheets:
        out.append(Diagnostic("D007", "error", "the mapping has no [[sheet]]", file,
                              hint='[[sheet]]\nname = "TW3"\ncolumns = { office = "Satker", value = "Nilai" }'))
    return (None if out else Mapping(file, locale, sheets)), out


def default_mapping() -> Mapping:
    return Mapping(None, None, [SheetMap(None, dict(DEFAULT_COLUMNS))])


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


def _find_columns(rows, spec: SheetMap) -> tuple[dict[str, int], int, list[str]]:
    """Column numbers of the mapped keys, the header row, and the keys not found."""
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
    missing = [k for k in spec.columns if k not in found]
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


def read_workbook(path, mapping_path=None) -> tuple[Dataset, list[Diagnostic]]:
    """Read realisation data from a workbook; never raises on bad input."""
    path = Path(path)
    workbook_name = str(path)
    openpyxl, problem = openpyxl_or_diagnostic(workbook_name)
    if problem:
        return Dataset(workbook_name), [problem]
    mapping, out = read_mapping(mapping_path) if mapping_path else (default_mapping(), [])
    if mapping is None:
        return Dataset(workbook_name), out
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zip, XML or format errors: the file is not a workbook we can read
        return Dataset(workbook_name), [Diagnostic("E006", "error", f"not a readable .xlsx workbook ({type(err).__name__})",
                                                   workbook_name, hint="save it from Excel as .xlsx")]
    data = Dataset(workbook_name, mapping.locale)
    try:
        for spec in mapping.sheets:
            _read_sheet(wb, spec, mapping, data, out)
    finally:
        wb.close()
    if not data.values and not any(d.is_error for d in out):
        out.append(Diagnostic("E004", "error", "the workbook has no values", workbook_name))
    return data, out


def _read_sheet(wb, spec: SheetMap, mapping: Mapping, data: Dataset, out: list[Diagnostic]) -> None:
    book = data.file
    name = spec.name or ("Realisasi" if "Realisasi" in wb.sheetnames else wb.sheetnames[0])
    if name not in wb.sheetnames:
        out.append(Diagnostic("D007", "error", f"`{Path(book).name}` has no sheet `{name}`", mapping.file or book,
                              spec.line, 1, 0, hint=(did_you_mean(name, wb.sheetnames) or "")
                              + f" sheets: {', '.join(wb.sheetnames)}"))
        return
    ws = wb[name]
    where = f"{book}:{name}" if re.fullmatch(r"\w+", name) else f"{book}:'{name}'"
    head = [list(r) for r in ws.iter_rows(max_row=spec.header_row or HEADER_SEARCH_ROWS, values_only=True)]
    columns, header, missing = _find_columns(head, spec)
    if missing:
        width = max((len(r) for r in head[header - 1: header]), default=1) or 1
        seen = [str(v) for v in (head[header - 1] if len(head) >= header else []) if v is not None]
        for key in missing:
            out.append(Diagnostic("D007", "error", f"no `{key}` column (looked for {spec.columns[key].replace('|', ', ')})",
                                  f"{where}!A{header}:{_letter(width)}{header}", hint=f"the header has: {', '.join(seen) or 'nothing'}"))
        return
    fill = {}  # merged cells in the office, field and period columns apply to every row they span
    keys = {columns[k]: k for k in ("office", "field", "period") if k in columns}
    for c1, r1, c2, r2 in _merged(ws):
        for c in range(c1, c2 + 1):
            if c in keys and r2 > r1 and r1 > header:
                fill.update({(r, c): (r1, c1) for r in range(r1 + 1, r2 + 1)})
    anchors: dict[tuple[int, int], object] = {}
    wanted = set(fill.values())
    value_col = columns["value"]
    for row in ws.iter_rows(min_row=header + 1):
        cells = {c.column: c for c in row if getattr(c, "column", None) is not None}
        if not cells:
            continue
        r = next(iter(cells.values())).row

        def get(key):
            if key in spec.constants:
                return spec.constants[key]
            c = columns[key]
            if (r, c) in fill:
                return anchors.get(fill[(r, c)])
            cell = cells.get(c)
            return None if cell is None else cell.value

        for c in (columns[k] for k in keys.values()):
            if (r, c) in wanted and c in cells:
                anchors[(r, c)] = cells[c].value
        value_cell = cells.get(value_col)
        raw = None if value_cell is None else value_cell.value
        office, key, period_raw = get("office"), get("field"), get("period")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # no value (or a formula Excel never computed): missing
        at = f"{where}!{_letter(value_col)}{r}"
        if value_cell.data_type == "e":
            out.append(Diagnostic("D010", "error", f"the cell holds the Excel error {raw}", at,
                                  hint="correct the formula in Excel and save; its saved value is what is read"))
            continue
        if key is None or not str(key).strip():
            out.append(Diagnostic("D007", "error", "a value without a field", at,
                                  hint=f"fill column {_letter(columns['field'])} of row {r}"))
            continue
        if isinstance(period_raw, float) and period_raw.is_integer():
            period_raw = int(period_raw)
        try:
            period = Period.parse(str(period_raw) if period_raw is not None else "")
        except PeriodError:
            out.append(Diagnostic("D003", "error", f"`{period_raw}` is not a period", at, hint=PERIOD_HINT))
            continue
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = _decimal(raw, value_cell.number_format)
        _put_raw(data, period, str(office).strip() if office else ROOT, str(key).strip(), raw, 0, out, file=at)


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
