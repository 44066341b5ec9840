"""Report tables as an Excel workbook: one sheet per table, numbers as numeric cells with a
display format, widths set, header row frozen. openpyxl (the `excel` extra) is imported only
when a workbook is written.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from kinerja_dsl.diagnostics import Diagnostic

from ..readers.spreadsheet import openpyxl_or_diagnostic
from ..reports.tables import FORMULA_STARTS, Table
from ..words import sheet_name


def _format(value: Decimal, amount: bool) -> str:
    """Excel number formats are stored in one notation and shown in the viewer's: `#,##0.00`
    is 1.234,56 in an Indonesian Excel and 1,234.56 in an English one. Places follow the
    figure as the terminal shows it (102,84; 55; 3,743); amounts are whole Rupiah."""
    exponent = value.as_tuple().exponent
    places = 0 if amount or not isinstance(exponent, int) else max(0, -exponent)
    return "#,##0" + ("." + "0" * places if places else "")


class _Cell(Protocol):
    """What the writer sets on an openpyxl cell (openpyxl has no type information)."""

    value: object
    data_type: str
    quotePrefix: bool
    number_format: str
    font: object
    alignment: object


def _put(cell: _Cell, value: object) -> _Cell:
    """A table value into a cell. Numbers are numeric; every text is a text cell, whatever it
    starts with: openpyxl would make "=SUM(1,2)" a live formula and "#N/A" an error value. A
    control character (a vertical tab from Word) cannot stand in a worksheet: it becomes a
    space, so a label that `check` would refuse (E120) never crashes a writer."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and Excel keeps it a text when the cell is edited
    return cell


def workbook_bytes(tables: Iterable[Table]) -> tuple[bytes | None, Diagnostic | None]:
    """The tables as an .xlsx workbook, one sheet each; or a D009 diagnostic."""
    openpyxl, problem = openpyxl_or_diagnostic("--out", writing=True)
    if openpyxl is None:
        return None, problem
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t in tables:
        ws = wb.create_sheet(sheet_name(t.name))
        for i, name in enumerate(t.columns, start=1):
            cell = _put(ws.cell(1, i), name)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [len(c) for c in t.columns]
        for r, row in enumerate(t.rows, start=2):
            for i, v in enumerate(row):
                cell = _put(ws.cell(r, i + 1), v)
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
