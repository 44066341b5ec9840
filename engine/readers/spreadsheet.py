"""Reading Excel workbooks: the rows of a workbook's sheets.

The workbook's parts are unpacked within limits and parsed in one pass (expat, no DTD); a
mapping (engine/readers/mapping.py) says which sheets and which columns hold a table document's keys;
`workbook_rows` yields one row per number cell with the address of each cell
(`realisasi.xlsx:TW3!D14`), or the finding about a cell that cannot be used. What the rows mean
is the reader's job (data.read_workbook, agreement.load_pk): this module knows no document.
Writing tables as a workbook is engine/rendering/workbook.py's. The `excel` extra (openpyxl) is asked
for when a workbook is read or written: `kinerja --help` and TOML/CSV work without it.
"""
from __future__ import annotations

import bisect
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TypeAlias
from xml.parsers import expat

from kinerja_dsl.catalog import out_of_range
from kinerja_dsl.diagnostics import Diagnostic, Severity, did_you_mean
from kinerja_dsl.loader import PathLike, read_bytes
from kinerja_dsl.messages import N_, t

from .documents import Read, is_blank
from .mapping import MAX_COLUMN, MAX_ROW, Layout, Mapping, SheetMap, default_mapping, read_mapping
from ..numbers import abbreviated

EXTRA = N_("reading .xlsx needs the excel extra: pip install 'kinerja-dsl[excel]'")
EXTRA_WRITING = N_("writing .xlsx needs the excel extra: pip install 'kinerja-dsl[excel]'")
SAVE_AS_XLSX = N_("save it from Excel as .xlsx")  # t() where shown
HEADER_SEARCH_ROWS = 20


def openpyxl_or_diagnostic(file: str, writing: bool = False) -> tuple[ModuleType | None, Diagnostic | None]:
    """The openpyxl module, or a D009 diagnostic saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        message = t(EXTRA_WRITING) if writing else t(EXTRA)
        return None, Diagnostic(code="D009", severity=Severity.ERROR, message=message, file=file,
                                hint=t("CSV and TOML need no extra"))
    return openpyxl, None


# ---- reading: the workbook's parts, each bounded and parsed in one pass -------------------

# A sheet of 100,000 rows written with inline texts is 27 MB of XML (Excel's shared texts make it
# smaller); a part past its limit is refused before it is unpacked, so a zip bomb stops here.
WORKBOOK_LIMIT = 32 * 1024 * 1024   # bytes of the .xlsx file
PART_LIMIT = 64 * 1024 * 1024       # uncompressed bytes of one part (a sheet's XML)
TOTAL_LIMIT = 128 * 1024 * 1024     # uncompressed bytes of every part read
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_XML_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SMALL_WHOLE = re.compile(r"[0-9]{1,9}")


def _small_whole(text: str | None) -> int | None:
    """An index, a style or a row number written in ASCII digits, else None. str.isdigit admits
    `²` and 5000 digits, on which int() raises."""
    return int(text) if text is not None and _SMALL_WHOLE.fullmatch(text.strip()) else None


class WorkbookError(Exception):
    """A workbook that cannot be read (damaged, not an .xlsx, a part past its limit)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Bad:
    """A cell whose content cannot be used, with what to say about it at its address."""

    code: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class ExcelError:
    """A cell holding an Excel error value (#DIV/0!)."""

    text: str


# what a sheet's cell holds once read (a date, a time or a duration where its format says so)
CellValue: TypeAlias = str | Decimal | bool | date | time | timedelta | ExcelError | Bad
StartHandler = Callable[[str, dict[str, str]], None]   # expat's: element name and attributes
EndHandler = Callable[[str], None]


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _no_dtd(*_: object) -> None:
    raise ValueError("a document type declaration (never in an .xlsx part)")


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


_COLUMNS_BY_LETTERS: dict[str, int] = {}


def _cell_ref(ref: str) -> tuple[int, int] | None:
    """`D14` -> (column 4, row 14); None when it is not a cell of a sheet."""
    m = _REF.fullmatch(ref)
    if m is None:
        return None
    letters = m.group(1)
    column = _COLUMNS_BY_LETTERS.get(letters)
    if column is None:
        column = _COLUMNS_BY_LETTERS[letters] = _column_number(letters)
    row = int(m.group(2))
    return (column, row) if column <= MAX_COLUMN and 1 <= row <= MAX_ROW else None


def _decimal(text: str, number_format: str) -> Decimal | Bad:
    """The number a cell's XML holds, exactly, or why it cannot be used. Excel writes the double
    it holds; a text with a point or an exponent is read as that double and then as its
    shortest decimal (repr), i.e. what Excel wrote and shows (3.82, not 3.8199999999999998).
    A cell formatted as a percentage holds 0.95 for 95%; values are written as percentages
    (95), like the text "95%". NaN, 0x10, 12abc, 1e400 are refused (D006, D012)."""
    t = text.strip()
    if not _XML_NUMBER.fullmatch(t):
        return _not_a_number(t)
    exact = Decimal(t)
    if "." in t or "e" in t.lower():
        double = float(t)
        value = Decimal(repr(double)) if math.isfinite(double) else exact
    else:
        value = exact
    why = out_of_range(value)
    if why is None and "%" in (number_format or ""):  # checked first: 1e999999 × 100 would overflow
        value = (value * 100).normalize()
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        why = out_of_range(value)
    if why is not None:
        return _out_of_range(t, out_of_range(exact) or why,
                             as_percentage=out_of_range(exact) is None and "%" in (number_format or ""))
    return value


def _not_a_number(held: str) -> Bad:
    """Why a cell's XML text is no number (`_decimal`, whose own `t` is the text)."""
    if held.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return Bad("D012", t("the cell holds `{value}`, which is not a finite number", value=held))
    return Bad("D006", t("the cell holds `{value}`, which is not a number", value=abbreviated(held)),
               t("the workbook was not written by a spreadsheet program: type the number again and save"))


def _out_of_range(held: str, why: str, as_percentage: bool) -> Bad:
    """D012 for a cell's number the engine cannot keep exactly (`why`: catalog.out_of_range)."""
    values = {"value": abbreviated(held), "why": why}
    message = t("`{value}` (as a percentage) {why}", **values) if as_percentage else t("`{value}` {why}", **values)
    return Bad("D012", message, t("correct the value; a blank cell means missing"))


# not a zip, encrypted, a damaged header or stream
DAMAGED_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
               zlib.error, ValueError, KeyError)


class _Package:
    """The zip of an .xlsx: its parts by name, each read whole but never past PART_LIMIT, and
    all of them together never past TOTAL_LIMIT (a small file may unpack to gigabytes)."""

    def __init__(self, data: bytes, file: str):
        self.file = file
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.parts = {i.filename: i for i in self.zip.infolist()}
        self.folded = {name.lower(): info for name, info in self.parts.items()}
        self.budget = TOTAL_LIMIT

    def read(self, name: str) -> bytes | None:
        info = self.parts.get(name) or self.folded.get(name.lower())
        if info is None:
            return None
        limit = min(PART_LIMIT, self.budget)
        if info.file_size > limit:
            raise WorkbookError(Diagnostic(code="E011", severity=Severity.ERROR,
                                           message=t("the workbook's part `{name}` unpacks to {size} bytes; the "
                                                     "limit is {limit}", name=name, size=f"{info.file_size:,}",
                                                     limit=f"{limit:,}"),
                                           file=self.file,
                                           hint=t("save only the sheets to read, or split the workbook")))
        try:
            with self.zip.open(info) as stream:
                data = stream.read(limit + 1)   # the size a damaged header states is not trusted either
        except DAMAGED_ZIP as err:  # a part is read when first needed: its damage shows only then
            raise WorkbookError(_damaged(self.file, err)) from None
        if len(data) > limit:
            raise WorkbookError(Diagnostic(code="E011", severity=Severity.ERROR,
                                           message=t("the workbook's part `{name}` unpacks to more than {limit} "
                                                     "bytes, the limit", name=name, limit=f"{limit:,}"),
                                           file=self.file))
        self.budget -= len(data)
        return data

    def xml(self, name: str, start: StartHandler, end: EndHandler | None = None,
            chars: Callable[[str], None] | None = None, local: bool = True) -> bool:
        """Parse a part with handlers, in one call so that expat's time is linear in the size even
        for one huge token (a 20 MB comment); no DTD is accepted, so no entity can expand.
        `local`: the handlers get element names without their prefix (`x:c` -> `c`); else they
        strip it themselves. False when the part is absent."""
        data = self.read(name)
        if data is None:
            return False
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.EntityDeclHandler = _no_dtd
        parser.StartElementHandler = (lambda n, a: start(_local(n), a)) if local else start
        if end is not None:
            parser.EndElementHandler = (lambda n: end(_local(n))) if local else end
        if chars is not None:
            parser.CharacterDataHandler = chars
        try:
            parser.Parse(data, True)
        except expat.ExpatError as err:
            raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                           message=t("not a readable .xlsx workbook ({reason})", reason=t("`{name}` is not well-formed XML: {error} at line "
                                                                 "{line}", name=name,
                                                                 error=expat.ErrorString(err.code), line=err.lineno)),
                                           file=self.file, hint=t(SAVE_AS_XLSX)))
        except ValueError as err:
            raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                           message=t("not a readable .xlsx workbook ({reason})", reason=t("`{name}` holds {error}", name=name, error=err)),
                                           file=self.file, hint=t(SAVE_AS_XLSX)))
        except LookupError:  # an encoding Python does not know, declared in <?xml … ?>
            raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                           message=t("not a readable .xlsx workbook ({reason})", reason=t("`{name}` declares an unknown encoding", name=name)),
                                           file=self.file, hint=t(SAVE_AS_XLSX)))
        return True

    def relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Id -> (part name, type) of a part's relationships (`xl/_rels/workbook.xml.rels`)."""
        folder, _, base = part.rpartition("/")
        out: dict[str, tuple[str, str]] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "Relationship" and attrs.get("Target"):
                target = attrs["Target"]
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                out[attrs.get("Id", "")] = (path, attrs.get("Type", "").rpartition("/")[2])
        self.xml(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels", start)
        return out


class Workbook:
    """An .xlsx as kinerja reads it: sheet names, shared texts and number formats, and each
    sheet's cells as values (text, exact Decimal, bool, date, ExcelError, or Bad). Replaces
    openpyxl's reader, whose chunked parse is quadratic in a huge token and whose cell
    conversion raises on a malformed number; openpyxl's format tables are still used."""

    def __init__(self, data: bytes, file: str):
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        self.file = file
        self.package = _Package(data, file)
        main = next((p for p, kind in self.package.relations("").values() if kind == "officeDocument"),
                    "xl/workbook.xml")
        related = self.package.relations(main)
        self.sheets: dict[str, str] = {}   # name -> part
        self.date1904 = False

        def workbook(name: str, attrs: dict[str, str]) -> None:
            if name == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                if rid in related and attrs.get("name") is not None:
                    self.sheets.setdefault(attrs["name"], related[rid][0])
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")
        if not self.package.xml(main, workbook):
            raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                           message=t("not a readable .xlsx workbook ({reason})", reason=t("no workbook part")), file=file,
                                           hint=t(SAVE_AS_XLSX)))
        if not self.sheets:
            raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                           message=t("not a readable .xlsx workbook ({reason})", reason=t("no sheets")), file=file,
                                           hint=t(SAVE_AS_XLSX)))
        by_kind = {kind: p for p, kind in related.values()}
        self.strings = self._strings(by_kind.get("sharedStrings", "xl/sharedStrings.xml"))
        custom: dict[int, str] = {}
        xfs: list[int] = []
        depth = {"cellXfs": 0}

        def styles(name: str, attrs: dict[str, str]) -> None:
            if name == "numFmt" and (number := _small_whole(attrs.get("numFmtId"))) is not None:
                custom[number] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                depth["cellXfs"] += 1
            elif name == "xf" and depth["cellXfs"]:
                xfs.append(_small_whole(attrs.get("numFmtId")) or 0)

        def styles_end(name: str) -> None:
            if name == "cellXfs":
                depth["cellXfs"] -= 1
        self.package.xml(by_kind.get("styles", "xl/styles.xml"), styles, styles_end)
        self.formats = [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in xfs]
        self.dates = {k for k, f in enumerate(self.formats) if is_date_format(f)}
        self.durations = {k for k in self.dates if is_timedelta_format(self.formats[k])}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def _strings(self, part: str) -> list[str]:
        strings: list[str] = []
        pieces: list[str] = []      # of the <si> being read
        phonetic = 0                # inside <rPh>: a reading aid, not the text
        in_text = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal phonetic, in_text
            if name == "si":
                pieces.clear()
            elif name == "rPh":
                phonetic += 1
            elif name == "t" and not phonetic:
                in_text = True

        def end(name: str) -> None:
            nonlocal phonetic, in_text
            if name == "t":
                in_text = False
            elif name == "rPh":
                phonetic -= 1
            elif name == "si":
                strings.append(_unescape("".join(pieces)))

        def chars(text: str) -> None:
            if in_text:
                pieces.append(text)
        self.package.xml(part, start, end, chars)
        return strings

    def cells(self, sheet: str) -> tuple[dict[int, dict[int, CellValue]], list[tuple[int, int, int, int]]]:
        """Row -> column -> value of a sheet, and its merged ranges (min_col, min_row, max_col, max_row)."""
        reader = _SheetReader(self, sheet)
        self.package.xml(self.sheets[sheet], reader.start, reader.end, reader.chars, local=False)
        return reader.rows, reader.merged


class _SheetReader:
    """expat's handlers for one sheet: each cell's XML to its value (see Workbook). Hot: one
    call per element of up to a million cells, so plain attributes and no wrapper per call."""

    def __init__(self, wb: Workbook, sheet: str):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.wb, self.sheet = wb, sheet
        self.epoch = CALENDAR_MAC_1904 if wb.date1904 else CALENDAR_WINDOWS_1900
        self.rows: dict[int, dict[int, CellValue]] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.row = self.column = 0
        self.open, self.kind, self.style = False, "n", 0
        self.v: str | None = None               # the open cell's <v>
        self.inline: list[str] = []             # the open cell's inline text runs
        self.buffer: list[str] | None = None
        self.in_inline = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            if ref is None:
                self.column += 1
            else:
                position = _cell_ref(ref)
                if position is None:
                    raise WorkbookError(Diagnostic(code="E006", severity=Severity.ERROR,
                                                   message=t("not a readable .xlsx workbook ({reason})", reason=t("the cell reference `{ref}` in sheet "
                                                                         "`{sheet}`", ref=abbreviated(ref),
                                                                         sheet=self.sheet)),
                                                   file=self.wb.file, hint=t(SAVE_AS_XLSX)))
                self.column, self.row = position
            style = attrs.get("s")
            self.open, self.kind, self.v, self.inline = True, attrs.get("t", "n"), None, []
            self.style = _small_whole(style) or 0
        elif name == "v":
            self.buffer = []
        elif name == "row":
            r = attrs.get("r")
            number = _small_whole(r)
            self.row = number if number is not None and 1 <= number <= MAX_ROW else self.row + 1
            self.column = 0
        elif name == "is":
            self.in_inline = True
        elif name == "t" and self.in_inline:
            self.buffer = []
        elif name == "rPh":
            self.buffer = None
        elif name == "mergeCell":
            a, _, b = attrs.get("ref", "").partition(":")
            first, last = _cell_ref(a), _cell_ref(b or a)
            if first and last:
                self.merged.append((first[0], first[1], last[0], last[1]))

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "v" and self.buffer is not None:
            self.v, self.buffer = "".join(self.buffer), None
        elif name == "c" and self.open:
            value = self.resolve()
            if value is not None:
                row = self.rows.get(self.row)
                if row is None:
                    row = self.rows[self.row] = {}
                row[self.column] = value
            self.open = False
        elif name == "t" and self.in_inline and self.buffer is not None and self.open:
            self.inline.append("".join(self.buffer))
            self.buffer = None
        elif name == "is":
            self.in_inline = False

    def chars(self, text: str) -> None:
        if self.buffer is not None:
            self.buffer.append(text)

    def resolve(self) -> CellValue | None:
        kind, v, wb = self.kind, self.v, self.wb
        if kind == "inlineStr":
            return _unescape("".join(self.inline))
        if v is None or v == "":
            return None   # an empty cell, or a formula Excel never computed: missing
        if kind == "n":
            style = self.style
            number = _decimal(v, wb.formats[style] if style < len(wb.formats) else "General")
            if style in wb.dates and isinstance(number, Decimal):
                from openpyxl.utils.datetime import from_excel

                try:
                    return from_excel(float(number), self.epoch, timedelta=style in wb.durations)
                except (OverflowError, ValueError):
                    return Bad("D007", t("the cell is formatted as a date but holds {number}, outside the calendar",
                                         number=number))
            return number
        if kind == "s":
            index = _small_whole(v)
            index = -1 if index is None else index
            if not 0 <= index < len(wb.strings):
                return Bad("D007", t("the cell refers to shared text {index} but the workbook has {count}",
                                     index=abbreviated(v.strip()), count=len(wb.strings)),
                           t("the workbook is damaged: open it in Excel and save it again"))
            return wb.strings[index]
        if kind == "str":
            return _unescape(v)
        if kind == "e":
            return ExcelError(v)
        if kind == "b":
            return {"1": True, "0": False}.get(v.strip()) if v.strip() in ("0", "1") else Bad(
                "D006", t("the cell holds `{value}`, which is not true or false", value=abbreviated(v)))
        return v.strip()   # t="d": an ISO date as text, which is not a number either


def _unescape(text: str) -> str:
    """Excel writes a control character inside a text as `_x000D_`."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def open_workbook(path: PathLike, file: str) -> tuple[Workbook | None, Diagnostic | None]:
    """The workbook, or why it cannot be read: past the size limit, not a zip, damaged."""
    data, problem = read_bytes(path, WORKBOOK_LIMIT)  # the one safe reader: regular files, bounded
    if data is None:
        return None, problem
    try:
        return Workbook(data, file), None
    except WorkbookError as err:
        return None, err.diagnostic
    except DAMAGED_ZIP as err:
        return None, _damaged(file, err)


def _damaged(file: str, err: Exception) -> Diagnostic:
    return Diagnostic(code="E006", severity=Severity.ERROR,
                      message=t("not a readable .xlsx workbook ({reason})", reason=type(err).__name__), file=file,
                      hint=t(SAVE_AS_XLSX))


def _find_columns(rows: list[list[CellValue | None]], spec: SheetMap, optional: tuple[str, ...] = ()
                  ) -> tuple[dict[str, int], int, list[str]]:
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
    def cell(self) -> str:
        """Where the number stands, which every finding about the row names."""
        return self.address(self.value_key)


@dataclass(frozen=True)
class SheetRows:
    """The rows of a workbook's mapped sheets, in order, and the mapping that found them (None
    when it, or openpyxl, could not be used: then there are no rows). A cell that cannot be
    used (an Excel error, a malformed number) stands among the rows as its Diagnostic, so
    findings keep the order of the rows."""

    mapping: Mapping | None
    rows: list[SheetRow | Diagnostic]


def workbook_rows(path: PathLike, mapping_path: PathLike | None, layout: Layout, default_sheet: str
                  ) -> Read[SheetRows]:
    """Every row of a workbook's mapped sheets (`mapping_path`: the mapping file, else the
    layout's default sheet); never raises on bad input. The texts are the mapping file's: its
    findings show their line."""
    workbook_name = str(path)
    _, problem = openpyxl_or_diagnostic(workbook_name)
    if problem:
        return Read(workbook_name, SheetRows(None, []), [problem])
    read = read_mapping(mapping_path, layout) if mapping_path else Read("", default_mapping(layout), [])
    mapping, out, texts = read.value, read.diagnostics, read.texts
    if mapping is None:
        return Read(workbook_name, SheetRows(None, []), out, texts)
    wb, problem = open_workbook(path, workbook_name)
    if wb is None:
        return Read(workbook_name, SheetRows(mapping, []), [problem] if problem else [], texts)
    rows: list[SheetRow | Diagnostic] = []
    try:
        for spec in mapping.sheets:
            rows.extend(_sheet_rows(wb, workbook_name, spec, mapping, layout, default_sheet, out))
    except WorkbookError as err:
        return Read(workbook_name, SheetRows(mapping, []), [err.diagnostic], texts)
    if not rows and not any(d.is_error for d in out):
        out.append(Diagnostic(code="E004", severity=Severity.ERROR, message=t("the workbook has no values"),
                              file=workbook_name))
    return Read(workbook_name, SheetRows(mapping, rows), out, texts)


def _unusable(value: object, at: str) -> Diagnostic | None:
    """The finding about a cell that cannot be used, at its address; None for a usable one."""
    if isinstance(value, ExcelError):
        return Diagnostic(code="D010", severity=Severity.ERROR,
                          message=t("the cell holds the Excel error {error}", error=value.text), file=at,
                          hint=t("correct the formula in Excel and save; its saved value is what is read"))
    if isinstance(value, Bad):
        return Diagnostic(code=value.code, severity=Severity.ERROR, message=value.message, file=at, hint=value.hint)
    return None


def _sheet_rows(wb: Workbook, book: str, spec: SheetMap, mapping: Mapping, layout: Layout, default_sheet: str,
                out: list[Diagnostic]) -> Iterator[SheetRow | Diagnostic]:
    name = spec.name or (default_sheet if default_sheet in wb.sheetnames else wb.sheetnames[0])
    if name not in wb.sheetnames:
        out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                              message=t("`{book}` has no sheet `{name}`", book=Path(book).name, name=name),
                              file=mapping.file or book, line=spec.line, column=1,
                              hint=(did_you_mean(name, wb.sheetnames) or "")
                              + t(" sheets: {names}", names=", ".join(wb.sheetnames))))
        return
    cells, merged = wb.cells(name)
    where = f"{book}:{name}" if re.fullmatch(r"\w+", name) else f"{book}:'{name}'"
    search = spec.header_row or HEADER_SEARCH_ROWS
    width = max((max(cells[r]) for r in range(1, search + 1) if cells.get(r)), default=0)
    head = [[cells.get(r, {}).get(c) for c in range(1, width + 1)] for r in range(1, search + 1)]
    columns, header, missing = _find_columns(head, spec, layout.optional)
    if missing:
        shown = [v for v in head[header - 1] if v is not None] if len(head) >= header else []
        span = max(len(head[header - 1]) if len(head) >= header else 1, 1)
        for key in missing:
            out.append(Diagnostic(code="D007", severity=Severity.ERROR,
                                  message=t("no `{key}` column (looked for {names})", key=key,
                                            names=spec.columns[key].replace("|", ", ")),
                                  file=f"{where}!A{header}:{_letter(span)}{header}",
                                  hint=t("the header has: {names}",
                                         names=", ".join(str(v) for v in shown) or t("nothing"))))
        return
    # merged cells in the label columns (office, field, period, …) apply to every row they span
    keys = {columns[k]: k for k in layout.keys if k in columns and k != layout.value}
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for c1, r1, c2, r2 in merged:
        if r2 > r1 and r1 > header:
            for c in keys:
                if c1 <= c <= c2:
                    spans.setdefault(c, []).append((r1, r2, c1))
    for ranges in spans.values():
        ranges.sort()
    starts = {c: [r1 for r1, _, _ in ranges] for c, ranges in spans.items()}
    value_col = columns[layout.value]
    letters = {k: _letter(c) for k, c in columns.items()}
    for r in sorted(cells):
        if r <= header:
            continue
        row = cells[r]
        raw = row.get(value_col)
        if is_blank(raw) and not (layout.blank_value_is_a_row and any(not is_blank(row.get(c)) for c in keys)):
            continue  # no value (or a formula Excel never computed): missing
        at = f"{where}!{_letter(value_col)}{r}"
        problem = _unusable(raw, at)
        if problem is not None:
            yield problem  # in row order, among the rows' own findings
            continue
        values: dict[str, object] = dict(spec.constants)
        for c, key in keys.items():
            if key in spec.constants:
                continue
            value = row.get(c)
            if c in spans:
                k = bisect.bisect_left(starts[c], r) - 1
                if k >= 0 and spans[c][k][0] < r <= spans[c][k][1]:
                    value = cells.get(spans[c][k][0], {}).get(spans[c][k][2])
            problem = _unusable(value, f"{where}!{_letter(c)}{r}")
            if problem is not None:
                yield problem
                break
            values[key] = value
        else:
            values[layout.value] = raw
            yield SheetRow(values, where, r, letters, layout.value)


def whole(raw: object) -> object:
    """A label cell as typed: Excel stores 2024 typed in a cell as the number 2024."""
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        return int(raw)
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw
