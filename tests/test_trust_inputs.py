"""Issue 11, the input documents: every reproducer as a test with its exact outcome.

Realisation data (TOML, CSV, XLSX), the workbook mapping, PK files (TOML, CSV), published
figures, and the spreadsheet and CSV writers. A reader either gives numbers the engine keeps
exactly or a positioned diagnostic (file:line or the cell), never a silent wrong value and
never exit 70. Workbooks with damaged parts are built here byte by byte with zipfile.
"""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from decimal import Decimal

import pytest

from conftest import ROOT

CATALOG = '''
policy {
  unreported zero
}
office kanwil "Kanwil"
office u1 "UPT 1" parent kanwil
office u2 "UPT 2" parent kanwil
field skor "Skor survei" score
field selesai "Perkara selesai" count
field masuk "Perkara masuk" count
sasaran S1 "Layanan"
indicator S1.ikm "Indeks kepuasan" {
  sasaran S1
  office kanwil
  unit indeks
  value skor
  direction higher
  target 2024 = 4
}
indicator S1.p "Persentase perkara selesai" {
  sasaran S1
  office kanwil
  unit "%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  range 0 .. 100
  target 2024 = 90
}
'''
KANWIL = "2024,kanwil,selesai,9\n2024,kanwil,masuk,10\n"


def _findings(err: str) -> list[str]:
    return [line for line in err.splitlines() if "error[" in line or "warning[" in line]


def _realisasi(out: str, ident: str = "S1.ikm") -> str | None:
    return next(r["realisasi"] for r in json.loads(out)["indicators"] if r["id"] == ident)


@pytest.fixture
def catalog(write):
    return write("catalog.kin", CATALOG)


# ---- xlsx built by hand ------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value) -> str:
    """A text as an inline string; ("n", "1e400") as a raw <v>, ("%", "0.95") the same formatted as
    a percentage; ("s", "7") a shared-text index."""
    if isinstance(value, tuple):
        kind, text = value
        if kind in ("n", "%"):
            style = ' s="1"' if kind == "%" else ""
            return f'<c r="{ref}"{style}><v>{text}</v></c>'
        return f'<c r="{ref}" t="{kind}"><v>{text}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx(path, rows, before_data: bytes = b"", strings=(), doctype: bytes = b""):
    """A workbook with one sheet `Realisasi`; `before_data` is raw XML put before <sheetData>."""
    cells = "".join(f'<row r="{r}">' + "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)
                                               if v is not None) + "</row>"   # None: no cell at all
                    for r, row in enumerate(rows, start=1))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + f"<worksheet {NS}>".encode() + before_data
             + f"<sheetData>{cells}</sheetData></worksheet>".encode())
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                               '2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                       "</Relationships>",
        "xl/workbook.xml": f'<workbook {NS} xmlns:r="{REL}"><sheets>'
                           '<sheet name="Realisasi" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      f'relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
                                      'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                      f'Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship '
                                      f'Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet {NS}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9"/></cellXfs>'
                         "</styleSheet>",
        "xl/sharedStrings.xml": f'<sst {NS}>{shared}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


HEADER = ["Periode", "Satker", "Variabel", "Nilai"]


# ---- 1. a blank means the same in every format -------------------------------------------

@pytest.mark.parametrize("name, text", [
    ("blank.csv", "period,office,field,value\n" + KANWIL + "2024,u1,skor,4\n2024,u2,skor,\n"),
    ("blank.toml", '["2024".kanwil]\nselesai = 9\nmasuk = 10\n["2024".u1]\nskor = 4\n["2024".u2]\nskor = "  "\n'),
])
def test_a_blank_is_missing_and_a_dash_is_not_reported_in_every_format(catalog, write, kinerja, tmp_path, name,
                                                                       text):
    """Under `unreported zero` an office that gave "-" counts as 0 in the mean; a blank is
    missing: the mean is of the offices that reported. CSV used to read a blank as "-" (2)."""
    code, out, err = kinerja("eval", catalog, "--data", write(name, text), "--json")
    assert (code, _realisasi(out)) == (0, "4"), err
    dash = text.replace("2024,u2,skor,\n", "2024,u2,skor,-\n").replace('skor = "  "', 'skor = "-"')
    code, out, _ = kinerja("eval", catalog, "--data", write(name, dash), "--json")
    assert (code, _realisasi(out)) == (0, "2")


def test_the_same_blank_in_a_workbook(catalog, kinerja, tmp_path):
    rows = [HEADER, ["2024", "kanwil", "selesai", ("n", "9")], ["2024", "kanwil", "masuk", ("n", "10")],
            ["2024", "u1", "skor", ("n", "4")], ["2024", "u2", "skor", ""]]
    code, out, err = kinerja("eval", catalog, "--data", xlsx(tmp_path / "r.xlsx", rows), "--json")
    assert (code, _realisasi(out)) == (0, "4"), err
    rows[-1][-1] = "-"
    code, out, _ = kinerja("eval", catalog, "--data", xlsx(tmp_path / "r.xlsx", rows), "--json")
    assert (code, _realisasi(out)) == (0, "2")


# ---- 2. numbers with spaces --------------------------------------------------------------

def test_a_number_with_a_space_inside_is_refused(catalog, write, kinerja):
    data = write("r.csv", "period,office,field,value\n2024,kanwil,skor,95 100\n")
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1
    assert err.startswith(
        f"{data}:2:1: error[D006]: `95 100` has a space inside the number\n"
        " 2 | 2024,kanwil,skor,95 100\n"
        "   | ^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = hint: write one number without spaces (`95100`); two numbers go in two cells\n")
    data = write("r.toml", '[meta]\nlocale = "id"\n["2024".kanwil]\nskor = "3,5 4"\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1 and _findings(err) == [f"{data}:4:1: error[D006]: `3,5 4` has a space inside the number"]
    assert "(`3,54`)" in err


def test_a_percent_sign_may_stand_apart(catalog, write, kinerja):
    data = write("r.csv", "period,office,field,value\n" + KANWIL + "2024,kanwil,skor,3 %\n")
    code, out, err = kinerja("eval", catalog, "--data", data, "--json")
    assert (code, _realisasi(out)) == (0, "3"), err


# ---- 3. extra CSV columns ----------------------------------------------------------------

def test_a_csv_row_with_more_cells_than_the_header_is_refused(catalog, write, kinerja):
    data = write("r.csv", "period,office,field,value\n2024,kanwil,skor,1,5\n")
    code, out, err = kinerja("eval", catalog, "--data", data)
    assert (code, out) == (1, "")
    assert err == (
        f"{data}:2:1: error[D007]: the row has 5 cells but the header names 4 columns: `5` would be dropped\n"
        " 2 | 2024,kanwil,skor,1,5\n"
        "   | ^^^^^^^^^^^^^^^^^^^^\n"
        '  = hint: a decimal comma needs the value in quotes ("1,5") or a `;`-separated file; '
        "otherwise delete the extra cells\n"
        "1 error, 0 warnings\n")
    # an empty trailing cell (Excel's export of a ragged sheet) drops nothing
    data = write("r.csv", "period,office,field,value\n" + KANWIL + '2024,kanwil,skor,"1,5",\n')
    code, out, err = kinerja("eval", catalog, "--data", data, "--json")
    assert (code, _realisasi(out)) == (0, "1.5"), err   # quoted, the decimal comma is read


def test_csv_line_numbers_follow_the_file(catalog, write, kinerja):
    """D002 named the line above the bad row; a quoted cell with a line break shifted the rest."""
    data = write("r.csv", 'period,office,field,value\n2024,kanwil,skor,4\n2024,kanwl,skor,3\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1 and _findings(err) == [f"{data}:3:1: error[D002]: unknown office `kanwl`"]
    assert " 3 | 2024,kanwl,skor,3\n" in err and "did you mean `kanwil`?" in err
    data = write("r.csv", 'period,office,field,value,note\n2024,kanwil,skor,4,"two\nlines"\n2024,kanwil,masuk,x,\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert _findings(err) == [f"{data}:4:1: error[D006]: `x` is not a number"]
    data = write("r.csv", "period,value,value,field\n2024,1,2,skor\n")
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert (code, _findings(err)) == (1, [f"{data}:1:1: error[D007]: two columns are the `value` column: "
                                          "`value` and `value`"])


# ---- 4. NaN, Infinity, huge and too precise numbers -------------------------------------

@pytest.mark.parametrize("value, message", [
    ("nan", "`nan` is not a finite number"),
    ("inf", "`inf` is not a finite number"),
    ("-inf", "`-inf` is not a finite number"),
    ("1e33", "`1E+33` has 34 digits before the decimal point; at most 18 are kept exactly"),
    ("1" * 41, "`111111111111111111111111…11111111 (41 characters)` has 41 digits before the decimal point; "
               "at most 18 are kept exactly"),
    ("1e999999", "`1E+999999` has 1000000 digits before the decimal point; at most 18 are kept exactly"),
    ("0." + "1" * 40, "`0.1111111111111111111111…11111111 (42 characters)` has 40 decimal places; "
                      "at most 18 are kept exactly"),
    ('"1' + "0" * 30 + '"', "`1000000000000000000000000000000` has 31 digits before the decimal point; "
                            "at most 18 are kept exactly"),
])
def test_numbers_the_engine_cannot_keep_are_refused_where_they_stand(catalog, write, kinerja, value, message):
    data = write("r.toml", f'["2024".kanwil]\nselesai = 9\nskor = {value}\n')
    code, out, err = kinerja("eval", catalog, "--data", data)
    assert (code, out) == (1, "")
    assert _findings(err) == [f"{data}:3:1: error[D012]: {message}"]
    assert "= hint: correct the value; a blank cell (or no key) means missing" in err


def test_a_5000_digit_integer_is_refused_at_its_line_not_by_a_traceback(catalog, write, kinerja):
    data = write("r.toml", '["2024".kanwil]\n# the survey\nskor = ' + "1" * 5000 + "\n")
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1
    assert _findings(err) == [f"{data}:3:8: error[D012]: a number of 5,000 digits is outside the representable "
                              "range: at most 18 digits before the decimal point are kept exactly"]


def test_a_huge_number_in_a_text_is_refused_in_linear_time(catalog, write, kinerja):
    data = write("r.csv", "period,office,field,value\n2024,kanwil,skor,1" + "0" * 100_000 + "\n")
    start = time.perf_counter()
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1 and "has 100001 digits before the decimal point" in err
    assert time.perf_counter() - start < 2


def test_a_pk_target_of_nan_and_a_printed_figure_with_40_decimals(catalog, write, kinerja):
    pk = write("pk.toml", '[meta]\nyear = 2024\n[[target]]\nindicator = "S1.ikm"\ntarget = nan\n'
                          '[[target]]\nindicator = "S1.p"\ntarget = "1e400"\n[pagu]\ntotal = 1e40\n')
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert code == 1
    assert [f for f in _findings(out) if "error[" in f] == [
        f"{pk}:3:1: error[D012]: the target of `S1.ikm`: `nan` is not a finite number",
        f"{pk}:6:1: error[P010]: the target of `S1.p`: `1e400` is not a number",
        f"{pk}:10:1: error[D012]: the pagu of `total`: `1E+40` has 41 digits before the decimal point; "
        "at most 18 are kept exactly",
    ]
    data = write("r.toml", '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n')
    published = write("published.toml", '[meta]\nyear = 2024\n[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\n'
                                         f'measure = "realisasi"\nprinted = "4,{"0" * 39}1"\nline = 7\n')
    code, _, err = kinerja("audit", catalog, "--data", data, "--published", published)
    assert code == 1
    assert _findings(err) == [f"{published}:7:1: error[D012]: the printed figure `4,0000000000000000000000…00000001 "
                              "(42 characters)` has 40 decimal places; at most 18 are kept exactly"]


# ---- 5. damaged workbooks ----------------------------------------------------------------

@pytest.mark.parametrize("cell, finding", [
    (("n", "1e400"), "error[D012]: `1e400` has 401 digits before the decimal point; at most 18 are kept exactly"),
    (("n", "NaN"), "error[D012]: the cell holds `NaN`, which is not a finite number"),
    (("n", "12abc"), "error[D006]: the cell holds `12abc`, which is not a number"),
    (("n", "0x10"), "error[D006]: the cell holds `0x10`, which is not a number"),
    (("s", "7"), "error[D007]: the cell refers to shared text 7 but the workbook has 1"),
    (("s", "\u00b2"), "error[D007]: the cell refers to shared text \u00b2 but the workbook has 1"),  # isdigit, not int
    (("s", "9" * 5000), "error[D007]: the cell refers to shared text 999999999999999999999999…99999999 (5,000 "
                        "characters) but the workbook has 1"),
    (("b", "2"), "error[D006]: the cell holds `2`, which is not true or false"),
    (("%", "1e999999"), "error[D012]: `1e999999` has 1000000 digits before the decimal point; at most 18 are "
                        "kept exactly"),
    (("%", "123456789012345678"), "error[D012]: `123456789012345678` (as a percentage) has 20 digits before the "
                                  "decimal point; at most 18 are kept exactly"),
])
def test_malformed_workbook_cells_are_findings_at_their_cell(catalog, kinerja, tmp_path, cell, finding):
    book = xlsx(tmp_path / "r.xlsx", [HEADER, ["2024", "kanwil", "selesai", ("n", "9")],
                                      ["2024", "kanwil", "skor", cell]], strings=["x"])
    code, out, err = kinerja("eval", catalog, "--data", book)
    assert (code, out) == (1, "")
    assert _findings(err) == [f"{book}:Realisasi!D3: {finding}"]


def test_a_percentage_cell_reads_as_typed(catalog, kinerja, tmp_path):
    rows = [HEADER, ["2024", "kanwil", "selesai", ("n", "9")], ["2024", "kanwil", "masuk", ("n", "10")],
            ["2024", "kanwil", "skor", ("%", "0.035")]]
    code, out, err = kinerja("eval", catalog, "--data", xlsx(tmp_path / "r.xlsx", rows), "--json")
    assert (code, _realisasi(out)) == (0, "3.5"), err


def test_a_malformed_label_cell_is_named_too(catalog, kinerja, tmp_path):
    book = xlsx(tmp_path / "r.xlsx", [HEADER, [("n", "20x4"), "kanwil", "skor", ("n", "4")]])
    code, _, err = kinerja("eval", catalog, "--data", book)
    assert (code, _findings(err)) == (1, [f"{book}:Realisasi!A2: error[D006]: the cell holds `20x4`, which is "
                                          "not a number"])


def test_a_huge_xml_comment_is_read_in_linear_time(catalog, kinerja, tmp_path):
    """A 30 KB workbook whose sheet holds a 16 MB comment: expat fed in 16 KB chunks (openpyxl's
    reader) re-scans the token each time, 10 MB -> 9,9 s, 20 MB -> 39 s; read whole, it is linear."""
    rows = [HEADER, ["2024", "kanwil", "selesai", ("n", "9")], ["2024", "kanwil", "masuk", ("n", "10")],
            ["2024", "kanwil", "skor", ("n", "4")]]
    book = xlsx(tmp_path / "r.xlsx", rows, before_data=b"<!--" + b"x" * (16 * 1024 * 1024) + b"-->")
    assert book.stat().st_size < 100_000
    start = time.perf_counter()
    code, out, err = kinerja("eval", catalog, "--data", book, "--json")
    assert (code, _realisasi(out)) == (0, "4"), err
    assert time.perf_counter() - start < 3


def test_a_part_past_its_limit_is_refused_before_it_is_unpacked(catalog, kinerja, tmp_path, monkeypatch):
    from kinerja_dsl.engine.readers import spreadsheet
    monkeypatch.setattr(spreadsheet, "PART_LIMIT", 64 * 1024)
    book = xlsx(tmp_path / "r.xlsx", [HEADER, ["2024", "kanwil", "skor", ("n", "4")]],
                before_data=b"<!--" + b"0" * 100_000 + b"-->")
    size = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml").file_size
    code, _, err = kinerja("eval", catalog, "--data", book)
    assert code == 3
    assert _findings(err) == [f"{book}: error[E011]: the workbook's part `xl/worksheets/sheet1.xml` unpacks to "
                              f"{size:,} bytes; the limit is 65,536"]


@pytest.mark.parametrize("doctype, why", [
    (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
     "holds a document type declaration (never in an .xlsx part)"),
    (b"", None),
])
def test_a_document_type_declaration_is_refused(catalog, kinerja, tmp_path, doctype, why):
    book = xlsx(tmp_path / "r.xlsx", [HEADER, ["2024", "kanwil", "skor", ("n", "4")]], doctype=doctype)
    code, _, err = kinerja("eval", catalog, "--data", book)
    if why:
        assert (code, _findings(err)) == (3, [f"{book}: error[E006]: not a readable .xlsx workbook "
                                              f"(`xl/worksheets/sheet1.xml` {why})"])
    else:
        assert "E006" not in err


@pytest.mark.parametrize("content, what", [
    (b"not a zip", "BadZipFile"),
    (None, "no workbook part"),
])
def test_not_a_workbook(catalog, kinerja, tmp_path, content, what):
    book = tmp_path / "r.xlsx"
    if content is None:
        with zipfile.ZipFile(book, "w") as z:
            z.writestr("hello.txt", "hi")
    else:
        book.write_bytes(content)
    code, _, err = kinerja("eval", catalog, "--data", book)
    assert (code, _findings(err)) == (3, [f"{book}: error[E006]: not a readable .xlsx workbook ({what})"])


@pytest.mark.parametrize("damage", [
    "name",     # the local header names another part than the directory (found by the fuzzer)
    "stream",   # a byte of the compressed sheet flipped: CRC or zlib error
])
def test_a_part_damaged_inside_the_zip_is_a_finding(catalog, kinerja, tmp_path, damage):
    """The zip's directory is read when the workbook opens, a part only when it is needed: damage
    inside a part must be the same finding, not a crash (exit 70) at the first sheet read."""
    book = _good_book(tmp_path)
    raw = bytearray(book.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = raw.index(name)                          # the first occurrence is the local header's name
    if damage == "name":
        raw[local + len(name) - 1] = ord("X")
    else:
        raw[local + len(name) + 8] ^= 0xFF
    book.write_bytes(bytes(raw))
    code, _, err = kinerja("eval", catalog, "--data", book)
    assert code == 3
    findings = _findings(err)
    assert len(findings) == 1 and findings[0].startswith(f"{book}: error[E006]: not a readable .xlsx workbook ("), err


# ---- 6. every input document has a declared layout ----------------------------------------

def _good_book(tmp_path):
    return xlsx(tmp_path / "r.xlsx", [HEADER, ["2024", "kanwil", "skor", ("n", "4")]])


@pytest.mark.parametrize("mapping, finding", [
    ('[[sheet]]\nheader_row = -1\n', "2:1: error[D007]: `header_row` must be at least 1, not -1"),
    ('[[sheet]]\ncolumns = "D"\n', '2:1: error[D007]: `columns` must be a table, not "D"'),
    ("sheet = 5\n", "1:1: error[D007]: `sheet` must be an array, not 5"),
    ('[[sheet]]\nname = 5\n', "2:1: error[D007]: `name` must be a text in quotes, not 5"),
    ('[[sheet]]\ncolumns = { valeu = "D" }\n', "2:13: error[D007]: unknown key `valeu` in `columns`"),
    ('lokale = "id"\n[[sheet]]\n', "1:1: error[D007]: unknown key `lokale`"),
    ('locale = "id"\n', "error[D007]: the mapping has no [[sheet]]"),
])
def test_a_malformed_mapping_is_a_finding_at_its_line(catalog, write, kinerja, tmp_path, mapping, finding):
    path = write("m.toml", mapping)
    code, out, err = kinerja("eval", catalog, "--data", _good_book(tmp_path), "--mapping", path)
    assert (code, out) == (1, "")
    sep = ":" if finding[0].isdigit() else ": "
    assert _findings(err) == [f"{path}{sep}{finding}"]


def test_mapping_hints_name_the_keys(catalog, write, kinerja, tmp_path):
    path = write("m.toml", '[[sheet]]\nname = "Realisasi"\nheader_rows = 1\n')
    _, _, err = kinerja("eval", catalog, "--data", _good_book(tmp_path), "--mapping", path)
    assert f"{path}:3:1: error[D007]: unknown key `header_rows` in [[sheet]]" in err
    assert "= hint: did you mean `header_row`?" in err


@pytest.mark.parametrize("published, finding", [
    ('[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\nmeasure = "target"\nprinted = "4"\nline = "abc"\n',
     '6:1: error[D007]: `line` must be a whole number, not "abc"'),
    ('[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\nmeasure = "target"\nprinted = "4"\nline = inf\n',
     "6:1: error[D007]: `line` must be a whole number, not inf"),
    ("figure = 5\n", "1:1: error[D007]: `figure` must be an array, not 5"),
    ('[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\nprinted = "4"\n', "1:1: error[D007]: `measure` is missing"),
    ('[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\nmeasure = "target"\nprinted = "4"\nlien = 3\n',
     "6:1: error[D007]: unknown key `lien` in [[figure]]"),
])
def test_a_malformed_published_file_is_a_finding_at_its_line(catalog, write, kinerja, published, finding):
    data = write("r.toml", '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n')
    path = write("published.toml", published)
    code, _, err = kinerja("audit", catalog, "--data", data, "--published", path)
    assert (code, _findings(err)) == (1, [f"{path}:{finding}"])


NESTED = "x = " + "[" * 1000 + "]" * 1000 + "\n"


@pytest.mark.parametrize("kind", ["data", "mapping", "pk", "published"])
def test_arrays_nested_1000_deep_are_a_limit_not_a_recursion_error(catalog, write, kinerja, tmp_path, kind):
    path = write(f"{kind}.toml", "# deep\n" + NESTED)
    data = write("r.toml", '["2024".kanwil]\nskor = 4\n')
    argv = {"data": ("eval", catalog, "--data", path),
            "mapping": ("eval", catalog, "--data", _good_book(tmp_path), "--mapping", path),
            "pk": ("validate-pk", path, "--catalog", catalog),
            "published": ("audit", catalog, "--data", data, "--published", path)}[kind]
    code, out, err = kinerja(*argv)
    assert code == 1 and "Traceback" not in err
    assert _findings(out + err) == [f"{path}:2:37: error[E008]: arrays and tables nest deeper than 32 levels"]


def test_comments_after_array_headers_keep_every_line_number(catalog, write, kinerja):
    """Three readers looked for the exact text `[[target]]`: `[[target]]  # IKU 1` was skipped and
    every later entry took the line of the one before."""
    pk = write("pk.toml", '[meta]\nyear = 2024\n\n[[target]]  # IKU 1\nindicator = "S1.ikm"\ntarget = 4\n\n'
                          '[[ target ]] # IKU 2\nindicator = "S1.p"\ntarget = "100 .. 1"\n')
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert code == 1
    assert _findings(out) == [f"{pk}:8:1: error[P015]: the target of `S1.p`: the range `100 .. 1` is empty: "
                              "its low end is above its high end"]
    data = write("r.toml", '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n')
    published = write("published.toml", '[[figure]] # Tabel 3\nlevel = "indicator"\nid = "S1.ikm"\nmeasure = "target"'
                                        '\nprinted = "4"\n[[figure]] # Tabel 4\nlevel = "indikator"\nid = "S1.ikm"\n'
                                        'measure = "target"\nprinted = "4"\n')
    code, _, err = kinerja("audit", catalog, "--data", data, "--published", published)
    assert code == 1 and _findings(err)[0].startswith(f"{published}:7:1: error[D013]: unknown level `indikator`")


def test_line_map_paths():
    from kinerja_dsl.engine.readers.documents import scan_toml

    lines = scan_toml('a = 1\n[t]\n"x.y".z = 2  # c\n[[arr]] # note\nk = """\n[[arr]]\n"""\n[[arr]]\n'
                       'k = [1,\n  {m = 2}]\n[arr.sub]\nq = 3\n').lines
    assert lines.line("a") == 1 and lines.line("t", "x.y", "z") == 3
    assert [lines.line("arr", k) for k in (0, 1)] == [4, 8]          # a [[arr]] inside a string is no header
    assert lines.line("arr", 1, "k", 1, "m") == 10 and lines.line("arr", 1, "sub", "q") == 12
    assert lines.line("arr", 5, "nothing") == 4 and lines.line("t", "unknown") == 2   # the nearest known
    assert lines.line("nothing") == 0


# ---- 7. PK ranges ------------------------------------------------------------------------

@pytest.mark.parametrize("target, finding", [
    ("1 .. 2 .. 3", "error[P015]: the target of `S1.p`: `1 .. 2 .. 3` is not one range"),
    ("100 .. 1", "error[P015]: the target of `S1.p`: the range `100 .. 1` is empty: its low end is above its "
                 "high end"),
    ("80 ..", "error[P015]: the target of `S1.p`: `80 ..` is not one range"),
])
def test_pk_ranges_are_one_range_low_to_high(catalog, write, kinerja, target, finding):
    pk = write("pk.csv", f"indicator;target;year\nS1.ikm;4;2024\nS1.p;{target};2024\n")
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert (code, _findings(out)) == (1, [f"{pk}:3:1: {finding}"])
    pk = write("pk.csv", "indicator;target;year\nS1.ikm;4;2024\nS1.p;80 .. 95;2024\n")
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert code == 0, out


def test_a_pk_year_of_5000_digits_is_not_a_year(catalog, write, kinerja):
    """Found by the thorough fuzz profile in a workbook PK: int() of a 5000-digit year cell raised
    (Python's limit on long integer texts), exit 70. Only four digits are a year."""
    pk = write("pk.csv", f"indicator;target;year\nS1.ikm;4;{'9' * 5000}\nS1.p;90;2024\n")
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert (code, _findings(out)) == (1, [f"{pk}:2:1: error[P011]: `9999999999…` is not a year"])


# ---- 8. the README's data example and dotted keys -----------------------------------------

def test_the_readme_data_example_uses_the_quoted_form():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '\n"SJ1.ikm" = 3.14 ' in readme and "\nSJ1.ikm = 3.14" not in readme


def test_a_dotted_indicator_id_gets_the_quoted_form_as_hint(catalog, write, kinerja):
    data = write("r.toml", '["2024".kanwil]\nselesai = 9\nS1.ikm = 3.14\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1
    assert err == (f'{data}:3:1: error[D007]: `S1` is a table, not a number\n'
                   " 3 | S1.ikm = 3.14\n"
                   "   | ^^^^^^^^^^^^^\n"
                   '  = hint: TOML reads a dotted key as tables: quote an indicator id, "S1.ikm" = 3.14\n'
                   "1 error, 0 warnings\n")
    data = write("r.toml", '["2024"]\nS1.ikm = 3.14\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert _findings(err) == [f"{data}:2:1: error[D002]: unknown office `S1`"]
    assert '= hint: TOML reads a dotted key as tables: quote the indicator id, "S1.ikm" = …' in err
    data = write("r.toml", '["2024".kanwil]\nselesai = 9\nmasuk = 10\n"S1.ikm" = 3.14\n')
    code, out, err = kinerja("eval", catalog, "--data", data, "--json")
    assert (code, _realisasi(out)) == (0, "3.14"), err


def test_an_unknown_office_stands_where_it_is_named(catalog, write, kinerja):
    data = write("r.toml", '[meta]\noffice = "kanwl"\n["2024"]\nskor = 4\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert (code, _findings(err)) == (1, [f"{data}:2:1: error[D002]: unknown office `kanwl`"])
    data = write("r.toml", '["2024"]\nskor = 4\n\n["2024".kanwl]\nskor = "-"\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert (code, _findings(err)) == (1, [f"{data}:4:1: error[D002]: unknown office `kanwl`"])


def test_unknown_meta_keys_and_values_that_are_not_numbers(catalog, write, kinerja):
    data = write("r.toml", '[meta]\nlokale = "id"\n["2024".kanwil]\nskor = true\n')
    code, _, err = kinerja("eval", catalog, "--data", data)
    assert code == 1 and _findings(err) == [f"{data}:2:1: error[D007]: unknown key `lokale` in [meta]",
                                            f"{data}:4:1: error[D007]: `skor` is not a number (true)"]
    assert "did you mean `locale`?" in err


# ---- 9. writers: a text is a text --------------------------------------------------------

INJECTED = '''
office kanwil "=HYPERLINK('http://x.example','klik')"
field a "=SUM(1,2)" count
field b "+1" count
sasaran S1 "@SUM(1)"
indicator S1.x "=SUM(1,2)" {
  sasaran S1
  office kanwil
  unit "-"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 90
}
field pagu "Pagu" amount
field belanja "Belanja" amount
indicator BUDGET.S1.serapan "#N/A" {
  office kanwil
  budget_of S1
  unit "%"
  numerator belanja
  denominator pagu
  scale 100
  direction higher
}
'''


def _formulas(book) -> list[str]:
    with zipfile.ZipFile(book) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_labels_that_look_like_formulas_stay_text_in_every_writer(write, kinerja, tmp_path, indonesian):
    from openpyxl import load_workbook

    cat = write("catalog.kin", INJECTED)
    data = write("r.toml", '["2024".kanwil]\na = 1\nb = 2\npagu = 100\nbelanja = 99\n')
    for argv in (("eval", cat, "--data", data, "--out", tmp_path / "o.xlsx"),
                 ("kamus", cat, "--out", tmp_path / "k.xlsx"),
                 ("template", cat, "--period", "2024", "--out", tmp_path / "t.xlsx")):
        code, _, err = kinerja(*argv)
        assert code == 0, err
        book = argv[-1]
        assert _formulas(book) == []
        cells = [c for ws in load_workbook(book) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        labels = {c.value: c for c in cells if c.value[:1] in "=+@#"}
        assert labels and all(c.data_type == "s" for c in labels.values())
        assert all(c.quotePrefix for v, c in labels.items() if v[0] in "=+@")
    ws = load_workbook(tmp_path / "o.xlsx")["Indikator"]
    assert [c.value for c in ws[2]][2:5] == ["@SUM(1)", "=SUM(1,2)", "-"]
    assert load_workbook(tmp_path / "o.xlsx")["Anggaran"]["C2"].value == "#N/A"

    code, _, _ = kinerja("eval", cat, "--data", data, "--out", tmp_path / "o.csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "o.csv").read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[2][:5] == ["1", "S1.x", "'@SUM(1)", "'=SUM(1,2)", "'-"]
    budget = next(r for r in rows if r[:2] == ["1", "BUDGET.S1.serapan"])
    assert budget[2] == "#N/A" and budget[-1] == "-43,44"   # efisiensi 55,56 − 99: a negative number stays one
    code, _, _ = kinerja("template", cat, "--period", "2024", "--out", tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_bytes().decode("utf-8-sig")
    assert "2024;kanwil;'=HYPERLINK('http://x.example','klik');a;'=SUM(1,2);count;S1.x;\r\n" in text


def test_control_characters_never_crash_a_writer():
    from openpyxl import load_workbook

    from kinerja_dsl.engine.rendering.workbook import workbook_bytes
    from kinerja_dsl.engine.reports.tables import Table, to_csv

    table = Table("Kamus", "Kamus", ["No", "Indikator\x01", "Nilai"],
                  [[1, "Persentase\x0bperkara", Decimal("-2.5")], [2, "\tTab", None]])
    payload, problem = workbook_bytes([table])
    assert problem is None
    ws = load_workbook(io.BytesIO(payload)).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["No", "Indikator ", "Nilai"], [1, "Persentase perkara", -2.5], [2, "\tTab", None]]
    assert to_csv([table]).split("\r\n")[1:-1] == ["1;Persentase\x0bperkara;-2,5", "2;'\tTab;"]


def test_a_long_line_is_shown_around_its_caret():
    """A 5000-digit cell must not print 5000 digits under its diagnostic: the line is cut to the
    part around the caret, marked with … on each side that was cut, and the caret stays under it."""
    from kinerja_dsl.diagnostics import Diagnostic

    line = "x" * 300 + "ERR" + "y" * 300
    shown = Diagnostic(code="E001", severity="error", message="m", file="f", line=1, column=301, end_column=304,
                       source_line=line).render().splitlines()
    assert len(shown[1]) < 130 and shown[1].startswith(" 1 | …x") and shown[1].endswith("y…")
    assert shown[1][shown[2].index("^"):][:3] == "ERR" and shown[2].count("^") == 3
    short = Diagnostic(code="E001", severity="error", message="m", file="f", line=1, column=2, end_column=3,
                       source_line="abc").render().splitlines()
    assert short[1:] == [" 1 | abc", "   |  ^"]


@pytest.mark.parametrize("year", ["20024", "202\u00b2"])
def test_a_pk_year_that_is_not_four_digits_is_a_finding_at_its_row(catalog, write, kinerja, year):
    pk = write("pk.csv", f"indicator;target;year\nS1.ikm;4;{year}\nS1.p;90;2024\n")
    code, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert (code, _findings(out)) == (1, [f"{pk}:2:1: error[P011]: `{year}` is not a year"])


# ---- 9. one rule in every format ---------------------------------------------------------
# Every reader goes through documents.py: one text reader, one TOML loader, one blank rule, one
# number rule. The same value must read the same, and the same mistake be told the same, in each.

def _finding_text(err: str) -> list[str]:
    """The findings without their place: `error[D006]: …` and the hint under each."""
    return [line.split(": ", 1)[1] if "error[" in line or "warning[" in line else line
            for line in err.splitlines() if "error[" in line or "warning[" in line or "= hint" in line]


def _three_formats(write, tmp_path, value: str, locale: str | None = None):
    """The same `skor` value as a TOML text, a CSV cell and a workbook text cell."""
    meta = f'[meta]\nlocale = "{locale}"\n' if locale else ""
    comment = f"# locale: {locale}\n" if locale else ""
    toml = write("r.toml", meta + f'["2024".kanwil]\nselesai = 9\nmasuk = 10\nskor = "{value}"\n')
    csv_file = write("r.csv", comment + f'period;office;field;value\n2024;kanwil;selesai;9\n2024;kanwil;masuk;10\n'
                                        f'2024;kanwil;skor;{value}\n')
    book = xlsx(tmp_path / "r.xlsx", [HEADER, ["2024", "kanwil", "selesai", ("n", "9")],
                                      ["2024", "kanwil", "masuk", ("n", "10")], ["2024", "kanwil", "skor", value]])
    return toml, csv_file, book


@pytest.mark.parametrize("value, finding", [
    ("95 100", "error[D006]: `95 100` has a space inside the number"),
    ("1,545", "error[D006]: `1,545` is ambiguous: 1545 if `,` groups thousands, 1.545 if it marks decimals"),
    ("12abc", "error[D006]: `12abc` is not a number"),
    ("1" * 41, "error[D012]: `111111111111111111111111…11111111 (41 characters)` has 41 digits before the decimal "
               "point; at most 18 are kept exactly"),
])
def test_the_same_malformed_number_is_told_the_same_in_toml_csv_and_a_workbook(catalog, write, kinerja, tmp_path,
                                                                             value, finding):
    told = []
    for path in _three_formats(write, tmp_path, value):
        code, out, err = kinerja("eval", catalog, "--data", path)
        assert (code, out) == (1, ""), err
        told.append(_finding_text(err))
    assert told[0] == told[1] == told[2] and told[0][0] == finding, told


def test_the_same_number_in_a_declared_notation_reads_the_same_in_every_format(catalog, write, kinerja, tmp_path):
    for path in _three_formats(write, tmp_path, "3,5", locale="id")[:2]:   # a workbook's locale is its mapping's
        code, out, err = kinerja("eval", catalog, "--data", path, "--json")
        assert (code, _realisasi(out)) == (0, "3.5"), err
    mapping = write("m.toml", 'locale = "id"\n[[sheet]]\nname = "Realisasi"\n')
    book = _three_formats(write, tmp_path, "3,5")[2]
    code, out, err = kinerja("eval", catalog, "--data", book, "--mapping", mapping, "--json")
    assert (code, _realisasi(out)) == (0, "3.5"), err


@pytest.mark.parametrize("blank", ["", "   "])
def test_the_same_blank_is_missing_in_every_format(catalog, write, kinerja, tmp_path, blank):
    """A blank value is missing in TOML, CSV and a workbook alike: S1.ikm has no realisasi."""
    for path in _three_formats(write, tmp_path, blank):
        code, out, err = kinerja("eval", catalog, "--data", path, "--json")
        assert _realisasi(out) is None and code == 1, (path, err)
        assert "S1.ikm" in err


def test_a_blank_period_is_told_the_same_in_csv_and_a_workbook(catalog, write, kinerja, tmp_path):
    """A workbook said "`None` is not a period" for a period cell that is not there, a CSV "`` is not a
    period" for an empty one."""
    data = write("r.csv", "period,office,field,value\n,kanwil,skor,4\n")
    book = xlsx(tmp_path / "r.xlsx", [HEADER, [None, "kanwil", "skor", ("n", "4")], ["", "kanwil", "skor", ("n", "4")]])
    told = [_findings(kinerja("eval", catalog, "--data", path)[2]) for path in (data, book)]
    assert told == [[f"{data}:2:1: error[D003]: `` is not a period"],
                    [f"{book}:Realisasi!D2: error[D003]: `` is not a period",
                     f"{book}:Realisasi!D3: error[D003]: `` is not a period"]]


def test_a_row_without_field_and_period_is_told_the_same_in_csv_and_a_workbook(catalog, write, kinerja, tmp_path):
    """The two table readers checked the period and the field in opposite orders."""
    data = write("r.csv", "period,office,field,value\n2024-TW5,kanwil,,4\n")
    book = xlsx(tmp_path / "r.xlsx", [HEADER, ["2024-TW5", "kanwil", "", ("n", "4")]])
    told = [_finding_text(kinerja("eval", catalog, "--data", path)[2]) for path in (data, book)]
    assert told[0] == told[1] and told[0][0] == "error[D003]: `2024-TW5` is not a period"


def test_a_value_that_is_not_finite_is_quoted_the_same_in_data_and_a_pk(catalog, write, kinerja):
    """A PK quoted `target = inf` as `infinity`, the data file as `inf`: one number rule now."""
    data = write("r.toml", '["2024".kanwil]\nskor = inf\n')
    pk = write("pk.toml", '[meta]\nyear = 2024\n[[target]]\nindicator = "S1.ikm"\ntarget = -inf\n'
                          '[pagu]\ntotal = inf\n')
    _, _, err = kinerja("eval", catalog, "--data", data)
    assert _findings(err) == [f"{data}:2:1: error[D012]: `inf` is not a finite number"]
    _, out, _ = kinerja("validate-pk", pk, "--catalog", catalog)
    assert [f for f in _findings(out) if "D012" in f] == [
        f"{pk}:3:1: error[D012]: the target of `S1.ikm`: `-inf` is not a finite number",
        f"{pk}:7:1: error[D012]: the pagu of `total`: `inf` is not a finite number"]


@pytest.mark.parametrize("kind", ["data", "mapping", "pk", "published"])
def test_every_toml_input_is_read_by_the_one_loader(catalog, write, kinerja, tmp_path, kind):
    """Invalid TOML is E001 at tomllib's line and column in each of the four TOML documents, and a
    UTF-16 file with a byte-order mark is read as text by each (the one text reader)."""
    data = write("r.toml", '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n')

    def run(path):
        return kinerja(*{"data": ("eval", catalog, "--data", path),
                         "mapping": ("eval", catalog, "--data", _good_book(tmp_path), "--mapping", path),
                         "pk": ("validate-pk", path, "--catalog", catalog),
                         "published": ("audit", catalog, "--data", data, "--published", path)}[kind])

    path = write(f"{kind}.toml", "# one\nx = = 1\n")
    code, out, err = run(path)
    assert code == 2 and _findings(out + err) == [f"{path}:2:5: error[E001]: not valid TOML: Invalid value"]
    good = {"data": '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n',
            "mapping": '[[sheet]]\nname = "Realisasi"\n',
            "pk": '[meta]\nyear = 2024\n[[target]]\nindicator = "S1.ikm"\ntarget = 4\n',
            "published": '[[figure]]\nlevel = "indicator"\nid = "S1.ikm"\nmeasure = "target"\nprinted = "4"\n'}[kind]
    path = tmp_path / f"{kind}16.toml"
    path.write_bytes(good.encode("utf-16"))
    code, out, err = run(path)
    assert not any("error[" in f for f in _findings(out + err)), out + err


@pytest.mark.parametrize("target, finding", [
    ("1 .. 2 .. 3", "error[P015]: the target of `S1.p`: `1 .. 2 .. 3` is not one range"),
    ("95 100", "error[P010]: the target of `S1.p`: `95 100` has a space inside the number"),
    ("", "error[P010]: no target for `S1.p`"),
])
def test_the_same_pk_target_is_told_the_same_in_toml_csv_and_a_workbook(catalog, write, kinerja, tmp_path, target,
                                                                      finding):
    toml = write("pk.toml", f'[meta]\nyear = 2024\n[[target]]\nindicator = "S1.ikm"\ntarget = 4\n'
                            f'[[target]]\nindicator = "S1.p"\ntarget = "{target}"\n')
    csv_file = write("pk.csv", f"indicator;target;year\nS1.ikm;4;2024\nS1.p;{target};2024\n")
    book = xlsx(tmp_path / "pk.xlsx", [["indicator", "target", "year"], ["S1.ikm", ("n", "4"), ("n", "2024")],
                                       ["S1.p", target, ("n", "2024")]])
    told = []
    for path in (toml, csv_file, book):
        code, out, _ = kinerja("validate-pk", path, "--catalog", catalog)
        assert code == 1, out
        told.append([f for f in _finding_text(out) if "error[" in f])
    assert told[0] == told[1] == told[2] == [finding], told


# ---- 10. each input is read once -----------------------------------------------------------

# kind -> (file name, its text with a finding on the line quoted, the finding, that line)
READ_ONCE = {
    "data TOML": ("r.toml", '["2024".kanwil]\nskor = 4\nnope = 1\n',
                  ":3:1: error[D001]: unknown field or indicator `nope`", "nope = 1"),
    "data CSV": ("r.csv", "period,office,field,value\n2024,kanwil,skor,4\n2024,kanwil,nope,1\n",
                 ":3:1: error[D001]: unknown field or indicator `nope`", "2024,kanwil,nope,1"),
    "mapping": ("m.toml", '[[sheet]]\nname = "Realisasi"\nnama = 1\n',
                ":3:1: error[D007]: unknown key `nama` in [[sheet]]", "nama = 1"),
    "PK TOML": ("pk.toml", '[meta]\nyear = 2024\n[[target]]\nindicator = "S1.nope"\ntarget = 4\n',
                ":3:1: error[P001]: unknown indicator `S1.nope`", "[[target]]"),
    "PK CSV": ("pk.csv", "indicator,target,year\nS1.ikm,4,2024\nS1.nope,4,2024\n",
               ":3:1: error[P001]: unknown indicator `S1.nope`", "S1.nope,4,2024"),
    "PK .kin": ("pk.kin", 'agreement "PK 2024" {\n  year 2024\n  target S1.nope = 4\n}\n',
                ":3:3: error[P001]: unknown indicator `S1.nope`", "  target S1.nope = 4"),
    "PK mapping": ("pkmap.toml", '[[sheet]]\nname = "Realisasi"\nyear = 2024\nnama = 1\n',
                   ":4:1: error[D007]: unknown key `nama` in [[sheet]]", "nama = 1"),
    "published TOML": ("p.toml", '[[figure]]\nlevel = "indicator"\nid = "S1.nope"\nmeasure = "capaian"\n'
                                 'printed = "1"\n',
                       ":3:1: error[D013]: unknown indicator `S1.nope`", 'id = "S1.nope"'),
}


@pytest.mark.parametrize("kind", READ_ONCE)
def test_each_input_is_read_once_and_its_findings_show_their_line(catalog, write, kinerja, tmp_path, monkeypatch,
                                                                  kind):
    """The reader hands back the text it decoded (documents.Read): the command reads the file once
    (a FIFO, or a file that changes meanwhile, would give another text a second time) and the
    findings about it, the reader's and those found later (D001, P001, D013), show their line."""
    from pathlib import Path

    import kinerja_dsl.loader
    from kinerja_dsl.engine.readers import spreadsheet
    name, text, finding, line = READ_ONCE[kind]
    path = write(name, text)
    data = write("data.toml", '["2024".kanwil]\nskor = 4\nselesai = 9\nmasuk = 10\n')
    args = {"data TOML": ("eval", catalog, "--data", path),
            "data CSV": ("eval", catalog, "--data", path),
            "mapping": ("eval", catalog, "--data", _good_book(tmp_path), "--mapping", path),
            "PK TOML": ("validate-pk", path, "--catalog", catalog),
            "PK CSV": ("validate-pk", path, "--catalog", catalog),
            "PK .kin": ("validate-pk", path, "--catalog", catalog),
            "PK mapping": ("validate-pk", _good_book(tmp_path), "--catalog", catalog, "--mapping", path),
            "published TOML": ("audit", catalog, "--data", data, "--published", path)}[kind]
    reads: list[str] = []
    read_bytes = kinerja_dsl.loader.read_bytes

    def counted(file, *rest, **options):
        reads.append(str(file))
        return read_bytes(file, *rest, **options)

    monkeypatch.setattr(kinerja_dsl.loader, "read_bytes", counted)      # read_text reads through it
    monkeypatch.setattr(spreadsheet, "read_bytes", counted)             # the workbook's own reader
    code, out, err = kinerja(*args)
    assert code == 1
    assert [r for r in reads if Path(r).name == name] == [str(path)], reads
    shown = (out + err).splitlines()
    at = shown.index(f"{path}{finding}")
    assert shown[at + 1].endswith(f" | {line}"), shown[at:at + 3]
