"""Spreadsheets: realisation data from .xlsx (cell addresses in every diagnostic), the data
template, and the LKjIP tables exported to .xlsx, .csv and .md (read back to check)."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import tomllib
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from conftest import ROOT

SUMSEL = ROOT / "indicators" / "sumsel-2024"

CATALOG = '''
office kanwil "Kanwil"
office upt1 "UPT 1" parent kanwil
field selesai "Perkara selesai" count
field masuk "Perkara masuk" count
field pagu "Pagu" amount
field belanja "Realisasi anggaran" amount
sasaran S1 "Penyelesaian perkara"
indicator S1.p "Persentase perkara selesai" {
  direction higher
  unit "%"
  sasaran S1
  office kanwil
  target 2024 = 90
  numerator selesai
  denominator masuk
  scale 100
}
indicator BUDGET.S1.serapan "Serapan anggaran S1" {
  office kanwil
  budget_of S1
  unit "%"
  numerator belanja
  denominator pagu
  scale 100
  direction higher
}
'''


def workbook(path, rows, sheet="Realisasi", merge=(), formats=None):
    """A workbook with one sheet of `rows` (row 1 first); `formats`: cell -> number format."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    wb.save(path)
    return path


GOOD = [["Periode", "Satker", "Variabel", "Nilai"], [2024, "kanwil", "selesai", 1000],
        [2024, "kanwil", "masuk", 1200], ["2024", "kanwil", "pagu", "25.713.209.000"],
        ["2024", "kanwil", "belanja", 25476031831]]


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if "error[" in line or "warning[" in line]


# ---- reading -----------------------------------------------------------------------------

def test_template_filled_with_sumsel_data_evaluates_like_the_toml(kinerja, tmp_path):
    template = tmp_path / "realisasi.xlsx"
    code, _, err = kinerja("template", SUMSEL, "--period", "2024", "--out", template, "--each-office")
    assert code == 0 and f"wrote {template}" in err
    doc = tomllib.loads((SUMSEL / "realisasi.toml").read_text(encoding="utf-8"), parse_float=Decimal)
    doc.pop("meta")
    values = {(p, o, f): v for p, body in doc.items() for o, cell in body.items() for f, v in cell.items()}
    wb = load_workbook(template)
    ws = wb["Realisasi"]
    assert [c.value for c in ws[1]] == ["Periode", "Satker", "Nama satker", "Variabel", "Uraian", "Jenis",
                                        "Dipakai oleh", "Nilai"]
    filled = set()
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[1].value, row[3].value)
        if key in values:  # numbers as numeric cells; texts such as "25.713.209.000" as typed
            v = values[key]
            row[7].value = v if isinstance(v, (str, int)) else float(v)
            filled.add(key)
    # a 2024 template holds 2024 and what 2024 reads of 2023 (prev looks back one year); the
    # earlier years' realisasi (the report's multi-year tables) have no row in it
    assert set(values) - filled == {k for k in values if k[0] != "2024"} - {
        ("2023", "div_yankumham", "pnbp_ahu"), ("2023", "div_yankumham", "ki_permohonan")}
    wb.save(template)
    code, from_xlsx, err = kinerja("eval", SUMSEL, "--data", template, "--json")
    assert code == 1, err  # IMI.ikm, an IKU, has no value in Sumsel's data: exit 1, the results still printed
    code, from_toml, _ = kinerja("eval", SUMSEL, "--data", SUMSEL / "realisasi.toml", "--json")
    a, b = json.loads(from_xlsx), json.loads(from_toml)
    assert a.pop("data") == str(template) and b.pop("data") == str(SUMSEL / "realisasi.toml")
    assert a == b
    assert a["overall"]["capaian"] == "91.66"


def test_template_rows_say_which_indicators_need_each_field(kinerja, tmp_path, indonesian):
    out = tmp_path / "t.csv"
    code, _, _ = kinerja("template", SUMSEL, "--period", "2024", "--out", out)
    assert code == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert text.startswith("# locale: id\r\nPeriode;Satker;Nama satker;Variabel;Uraian;Jenis;Dipakai oleh;Nilai\r\n")
    rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1]), delimiter=";"))
    by_key = {(r[0], r[1], r[3]): r for r in rows[1:]}
    assert by_key[("2024", "div_adm", "ra_rb_kanwil_terlaksana")][4:] == [
        "Rencana aksi RB terkait Kantor Wilayah yang terlaksana", "count", "ADM.rb", ""]
    assert by_key[("2023", "div_yankumham", "pnbp_ahu")][6] == "AHU.pnbp"  # prev(pnbp_ahu): last year too
    assert ("2024", "lapas_palembang", "ilk") not in by_key  # per-UPT rows only with --each-office
    code, _, err = kinerja("template", SUMSEL, "--period", "2024-TW5", "--out", out)
    assert code == 1 and "error[D003]: `2024-TW5` bukan periode" in err
    code, _, err = kinerja("template", SUMSEL, "--period", "2024", "--out", tmp_path / "t.ods")
    assert code == 4 and "--out harus berakhiran .xlsx atau .csv, bukan `.ods`" in err


def test_mapping_sheet_per_quarter_merged_cells_percentages_and_cached_formulas(kinerja, write, tmp_path):
    cat = write("catalog.kin", CATALOG)
    book = workbook(tmp_path / "realisasi.xlsx", [
        ["Realisasi triwulan III"],                       # a title merged over the table
        ["Satuan kerja", "Data", None, "Keterangan"],     # "Data" merged over two sub-headers
        [None, "Variabel", "Realisasi", None],            # "Satuan kerja" merged over both header rows
        ["kanwil", "selesai", 0.45, "typed as 45%"],
        [None, "masuk", "=50*1", "a formula: its saved value is read"],
        [None],
        ["upt1", "selesai", "1.250,5", None],
    ], sheet="TW3", merge=("A1:D1", "A2:A3", "B2:C2", "A4:A5"), formats={"C4": "0%"})
    _cache_formula_value(book, "C5", "50")
    mapping = write("mapping.toml", '''
        locale = "id"
        [[sheet]]
        name = "TW3"
        period = "2024-TW3"
        columns = { office = "Satuan kerja", field = "Variabel", value = "Realisasi" }
        ''')
    code, out, err = kinerja("eval", cat, "--data", book, "--mapping", mapping, "--period", "2024-TW3", "--json")
    assert code == 1  # 1.250,5 is not a whole count: the same check as for TOML, at the cell
    assert _errors(err) == [f"{book}:TW3!C7: error[D005]: `selesai` is a count and cannot have decimals (1.250,5)"]
    book = workbook(tmp_path / "realisasi.xlsx", [["Satuan kerja", "Variabel", "Realisasi"],
                                                 ["kanwil", "selesai", 0.45], [None, "masuk", 50]],
                    sheet="TW3", merge=("A2:A3",), formats={"C2": "0%"})
    code, out, err = kinerja("eval", cat, "--data", book, "--mapping", mapping, "--period", "2024-TW3", "--alone",
                             "--json")  # the sheet holds TW3's own values: the quarter alone
    assert code == 1, err  # read right, but no TW3 target: no capaian, and the catalog marks no IKU, so exit 1
    result = json.loads(out)["indicators"][0]
    data_steps = [s["detail"] for s in result["steps"] if s["step"] == "numerator"]
    assert data_steps == ["selesai = 45"] and result["realisasi"] == "90.0"


def _cache_formula_value(path, cell: str, value: str) -> None:
    """Give a formula cell the value Excel would have saved with it (openpyxl saves none)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*(?:/>|>\s*</v>)', rf"\1<v>{value}</v>", xml)
    assert count == 1, xml
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_bad_workbooks_give_the_cell_address(kinerja, write, tmp_path):
    cat = write("catalog.kin", CATALOG)
    book = workbook(tmp_path / "r.xlsx", [
        ["Periode", "Satker", "Variabel", "Nilai"], [2024, "kanwil", "selesai", "banyak"],
        [2024, "kanwil", "masuk", "1,545"], [2024, "kanwil", "pagu", "#DIV/0!"], [2024, "kanwil", "belanja", -5],
        [2024, "kanwil", "selesia", 3], [2024, "upt9", "masuk", 3], ["2024-TW5", "upt1", "masuk", 3],
        [2024, "upt1", "masuk", 3], [2024, "upt1", "masuk", 4], [2024, "upt1", None, 4]])
    code, out, err = kinerja("eval", cat, "--data", book)
    assert code == 1 and out == ""
    assert _errors(err) == [
        f"{book}:Realisasi!D2: error[D006]: `banyak` is not a number",
        f"{book}:Realisasi!D3: error[D006]: `1,545` is ambiguous: 1545 if `,` groups thousands, "
        "1.545 if it marks decimals",
        f"{book}:Realisasi!D4: error[D010]: the cell holds the Excel error #DIV/0!",
        f"{book}:Realisasi!D8: error[D003]: `2024-TW5` is not a period",
        f"{book}:Realisasi!D10: error[D004]: `masuk` is given twice for upt1 in 2024",
        f"{book}:Realisasi!D11: error[D007]: a value without a field",
        # then the checks against the catalog, the same ones TOML and CSV values go through
        f"{book}:Realisasi!D5: error[D005]: `belanja` is a amount and cannot be negative (-5)",
        f"{book}:Realisasi!D6: error[D001]: unknown field or indicator `selesia`",
        f"{book}:Realisasi!B7: error[D002]: unknown office `upt9`",  # the cell that names it
    ]
    assert "the first value is at " + f"{book}:Realisasi!D9; keep one" in err
    assert "did you mean `selesai`?" in err and "Traceback" not in err


def test_wrong_sheet_and_missing_column(kinerja, write, tmp_path):
    cat = write("catalog.kin", CATALOG)
    book = workbook(tmp_path / "r.xlsx", GOOD, sheet="TW 3")
    mapping = write("m.toml", '[[sheet]]\nname = "TW3"\n')
    code, _, err = kinerja("eval", cat, "--data", book, "--mapping", mapping)
    assert code == 1
    assert _errors(err) == [f"{mapping}:1:1: error[D007]: `r.xlsx` has no sheet `TW3`"]
    assert "did you mean `TW 3`? sheets: TW 3" in err
    mapping = write("m.toml", '[[sheet]]\nname = "TW 3"\ncolumns = { value = "Jumlah" }\n')
    code, _, err = kinerja("eval", cat, "--data", book, "--mapping", mapping)
    assert code == 1
    assert _errors(err) == [f"{book}:'TW 3'!A1:D1: error[D007]: no `value` column (looked for Jumlah)"]
    assert "the header has: Periode, Satker, Variabel, Nilai" in err
    mapping = write("m.toml", '[[sheet]]\nnama = "TW 3"\n')
    code, _, err = kinerja("eval", cat, "--data", book, "--mapping", mapping)
    assert code == 1 and f"{mapping}:2:1: error[D007]: unknown key `nama` in [[sheet]]" in err
    code, _, err = kinerja("eval", cat, "--data", write("x.xlsx", b"not a zip"))
    assert code == 3 and "error[E006]: not a readable .xlsx workbook" in err


def test_without_the_excel_extra_the_message_says_how_to_install_it(kinerja, write, tmp_path, monkeypatch):
    cat = write("catalog.kin", CATALOG)
    book = workbook(tmp_path / "r.xlsx", GOOD)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    code, _, err = kinerja("eval", cat, "--data", book)
    assert code == 3
    assert f"{book}: error[D009]: reading .xlsx needs the excel extra: pip install 'kinerja-dsl[excel]'" in err
    code, _, err = kinerja("eval", cat, "--data", write("r.csv", "period,office,field,value\n2024,kanwil,selesai,1\n"),
                           "--out", tmp_path / "o.xlsx")
    assert code == 3 and "error[D009]: writing .xlsx needs the excel extra" in err
    assert not (tmp_path / "o.xlsx").exists()


# ---- exporting ---------------------------------------------------------------------------

def _export(kinerja, write, tmp_path, name, *extra):
    cat = write("catalog.kin", CATALOG)
    book = workbook(tmp_path / "r.xlsx", GOOD)
    out = tmp_path / name
    code, _, err = kinerja("eval", cat, "--data", book, "--out", out, *extra)
    assert code == 0 and f"{out} ditulis" in err
    return out


def test_export_xlsx_numeric_cells_frozen_header_widths(kinerja, write, tmp_path, indonesian):
    wb = load_workbook(_export(kinerja, write, tmp_path, "lkjip.xlsx"))
    assert wb.sheetnames == ["Indikator", "Sasaran", "Keseluruhan", "Anggaran"]
    ws = wb["Indikator"]
    assert [c.value for c in ws[1]] == ["No", "Kode", "Sasaran", "Indikator", "Satuan", "Target", "Realisasi",
                                        "Capaian", "Predikat", "Status", "Keterangan"]
    row = [c for c in ws[2]]
    assert [c.value for c in row[:5]] == [1, "S1.p", "Penyelesaian perkara", "Persentase perkara selesai", "%"]
    assert [(c.data_type, Decimal(repr(c.value)), c.number_format) for c in row[5:8]] == [
        ("n", Decimal("90"), "#,##0"), ("n", Decimal("83.33"), "#,##0.00"), ("n", Decimal("92.59"), "#,##0.00")]
    assert [c.value for c in row[8:10]] == ["Sangat Baik", "tidak tercapai"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["D"].width > ws.column_dimensions["A"].width >= 6
    budget = [c for c in wb["Anggaran"][2]]
    assert [c.value for c in wb["Anggaran"][1]] == ["No", "Kode", "Uraian", "Pagu", "Realisasi", "Serapan", "Untuk",
                                                    "Capaian", "Efisiensi"]
    assert [c.value for c in budget] == [1, "BUDGET.S1.serapan", "Serapan anggaran S1", 25713209000, 25476031831,
                                         99.08, "S1", 92.59, -6.49]
    assert budget[3].number_format == "#,##0" and budget[5].number_format == "#,##0.00"
    assert [c.value for c in wb["Keseluruhan"][3]][:4] == ["Keseluruhan", None, "Capaian keseluruhan", 92.59]


def test_export_csv_opens_in_an_indonesian_excel(kinerja, write, tmp_path, indonesian):
    text = _export(kinerja, write, tmp_path, "lkjip.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeffCapaian Kinerja 2024\r\nNo;Kode;Sasaran;Indikator;Satuan;Target;Realisasi;")
    assert "1;S1.p;Penyelesaian perkara;Persentase perkara selesai;%;90;83,33;92,59;Sangat Baik;tidak tercapai;\r\n" in text
    assert "1;BUDGET.S1.serapan;Serapan anggaran S1;25713209000;25476031831;99,08;S1;92,59;-6,49\r\n" in text
    text = _export(kinerja, write, tmp_path, "lkjip-en.csv", "--locale", "en").read_bytes().decode("utf-8-sig")
    assert "1,S1.p,Penyelesaian perkara,Persentase perkara selesai,%,90,83.33,92.59,Sangat Baik,tidak tercapai,\r\n" in text


def test_export_markdown_pipe_tables(kinerja, write, tmp_path, indonesian):
    text = _export(kinerja, write, tmp_path, "lkjip.md").read_text(encoding="utf-8")
    assert "## Capaian Kinerja 2024\n\n| No | Kode | Sasaran | Indikator | Satuan | Target | Realisasi | Capaian |" in text
    assert "| 1 | S1.p | Penyelesaian perkara | Persentase perkara selesai | % | 90 | 83,33 | 92,59 | Sangat Baik | tidak tercapai | - |" in text
    assert "| 1 | BUDGET.S1.serapan | Serapan anggaran S1 | 25.713.209.000 | 25.476.031.831 | 99,08 | S1 | 92,59 | -6,49 |" in text
    text = _export(kinerja, write, tmp_path, "lkjip-en.md", "--locale", "en").read_text(encoding="utf-8")
    assert "| 25,713,209,000 | 25,476,031,831 | 99.08 | S1 | 92.59 | -6.49 |" in text


def test_kamus_indikator_prints_and_exports_the_dictionary(kinerja, tmp_path, indonesian):
    """DESIGN 4: the catalog is the indicator dictionary and can be printed as one."""
    code, out, _ = kinerja("kamus", SUMSEL)
    assert code == 0
    for line in ("1. ADM.rb  Persentase Pelaksanaan Rencana Aksi Reformasi Birokrasi di lingkup ",
                 "   Rumus: ra_rb_kanwil_terlaksana / ra_rb_kanwil_total × 100",
                 "   Target: 2024: 3,1", "   Arah: semakin tinggi semakin baik", "   Nihil: dianggap tercapai"):
        assert line in out.splitlines(), line
    assert "indeks dari 8 kelompok: tahanan 12,5%, basan 12,5%" in out
    code, _, _ = kinerja("kamus", SUMSEL, "--out", tmp_path / "kamus.xlsx")
    assert code == 0
    ws = load_workbook(tmp_path / "kamus.xlsx").active
    header = [c.value for c in ws[1]]
    assert header[:7] == ["No", "Kode", "Indikator", "Sasaran", "IKU", "Satuan", "Rumus"]
    assert "Penanggung jawab" in header and ws.freeze_panes == "A2"
    assert ws.max_row == 1 + 61  # every indicator of the catalog
    code, _, err = kinerja("kamus", SUMSEL, "--out", tmp_path / "kamus.pdf")
    assert code == 4 and "bukan `.pdf`" in err
