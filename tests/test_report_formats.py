"""The LKjIP document's three formats (engine/rendering/document.py), printed from a Document built
by hand: HTML that needs nothing else, a Word file read back with python-docx, Markdown with its PNG
files; the same bytes on every run. The charts are stand-ins here (a fixed SVG and PNG), except in
the tests of the real charts at the end."""
from __future__ import annotations

import re
import struct
import sys
import zipfile
import zlib
from decimal import Decimal
from io import BytesIO

import pytest

from kinerja_dsl.engine.rendering import document as printer
from kinerja_dsl.engine.reports.blocks import Chart, Document, Heading, Paragraph, Series, Table

FAKE_SVG = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" '
            'viewBox="0 0 200 100"><defs><clipPath id="c1"><rect width="200" height="100"/></clipPath></defs>'
            '<rect clip-path="url(#c1)" width="150" height="80" fill="#1f4e79"/></svg>\n')


def fake_png(width: int = 40, height: int = 20) -> bytes:
    """A real (grey) PNG, so python-docx can read its size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def fake_charts(monkeypatch):
    """Charts drawn without matplotlib: every chart is the same small SVG / PNG."""
    monkeypatch.setattr(printer, "chart_svg", lambda chart: FAKE_SVG)
    monkeypatch.setattr(printer, "chart_png", lambda chart: fake_png())


TABLE = Table(
    caption="Tabel 3.1 Capaian Kinerja Sasaran 1",
    header=(("No", "Indikator", "2023", "2023", "2024", "2024"),
            ("", "", "Realisasi", "Capaian", "Realisasi", "Capaian")),
    rows=(("1", "Persentase <layanan> & | pengaduan", "90,00", "100,00", "95,50", "102,84"),
          ("2", "Indeks kepuasan *masyarakat*", "3,10", "-", "3,40", "97,14"),
          ("", "Capaian sasaran", "-", "-", "-", "99,99")),
    numeric=(False, False, True, True, True, True),
    emphasis=(2,),
    note="Sumber: data realisasi 2024",
)
CHART = Chart(caption="Grafik 3.1 Capaian Kinerja per Indikator", kind="capaian", categories=("IKU 1", "IKU 2"),
              series=(Series("Capaian", (Decimal("102.84"), Decimal("97.14"))),), y_label="%",
              reference_line=Decimal(100), reference_label="100 %", slug="grafik-3-1")


def small_document(language: str = "id") -> Document:
    return Document(
        title="BAB III AKUNTABILITAS KINERJA",
        subtitle="Kantor Wilayah Contoh Tahun 2024",
        language=language,
        blocks=[Heading("3.1 Capaian Kinerja Organisasi", 2),
                Heading("Sasaran 1: Meningkatnya kualitas layanan", 3),
                TABLE,
                CHART,
                Paragraph("Indikator 2 tidak memiliki target tahun 2023.", "note")],
        metadata={"generator": "kinerja_dsl", "catalog": "catalog.kin"},
    )


# ---- the header rows as merged cells, shared by HTML and Word ------------------------------------

def test_header_rows_merge_into_wide_and_tall_cells():
    cells = [(c.text, c.row, c.column, c.rowspan, c.colspan) for c in printer.header_cells(TABLE)]
    assert cells == [("No", 0, 0, 2, 1), ("Indikator", 0, 1, 2, 1), ("2023", 0, 2, 1, 2), ("2024", 0, 4, 1, 2),
                     ("Realisasi", 1, 2, 1, 1), ("Capaian", 1, 3, 1, 1), ("Realisasi", 1, 4, 1, 1),
                     ("Capaian", 1, 5, 1, 1)]
    assert printer.flat_header(TABLE) == ["No", "Indikator", "2023 Realisasi", "2023 Capaian", "2024 Realisasi",
                                          "2024 Capaian"]


def test_equal_neighbours_merge_only_under_one_parent():
    # "Capaian" twice side by side under two different years stays two cells
    table = Table("Tabel", (("2023", "2024"), ("Capaian", "Capaian")), ())
    cells = [(c.text, c.row, c.column, c.rowspan, c.colspan) for c in printer.header_cells(table)]
    assert cells == [("2023", 0, 0, 1, 1), ("2024", 0, 1, 1, 1), ("Capaian", 1, 0, 1, 1), ("Capaian", 1, 1, 1, 1)]


# ---- HTML ------------------------------------------------------------------------------------

def test_html_is_one_self_contained_file(fake_charts):
    page = printer.html(small_document())
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<script|<link|@import|url\(\s*['\"]?(https?:)?//|@font-face", page, re.I)
    assert page.startswith('<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n')
    assert '<meta name="catalog" content="catalog.kin">' in page
    assert "<title>BAB III AKUNTABILITAS KINERJA — Kantor Wilayah Contoh Tahun 2024</title>" in page


def test_html_tables_charts_and_print_rules(fake_charts):
    page = printer.html(small_document())
    assert ('<caption>Tabel 3.1 Capaian Kinerja Sasaran 1</caption>\n<thead>\n'
            '<tr><th scope="col" rowspan="2">No</th><th scope="col" rowspan="2">Indikator</th>'
            '<th scope="col" colspan="2">2023</th><th scope="col" colspan="2">2024</th></tr>\n'
            '<tr><th scope="col">Realisasi</th><th scope="col">Capaian</th><th scope="col">Realisasi</th>'
            '<th scope="col">Capaian</th></tr>\n</thead>') in page
    # escaped text, figures right-aligned, the sasaran row bold
    assert ('<tr><td>1</td><td>Persentase &lt;layanan&gt; &amp; | pengaduan</td><td class="num">90,00</td>'
            '<td class="num">100,00</td><td class="num">95,50</td><td class="num">102,84</td></tr>') in page
    assert ('<tr class="emphasis"><td></td><td>Capaian sasaran</td><td class="num">-</td><td class="num">-</td>'
            '<td class="num">-</td><td class="num">99,99</td></tr>') in page
    assert '<p class="table-note">Sumber: data realisasi 2024</p>' in page
    assert '<div class="table-wrap keep">\n<table>' in page    # a short table is never split across pages
    # the chart inline, its ids its own, the caption below it
    assert ('<figure class="chart" id="grafik-3-1">\n<svg xmlns="http://www.w3.org/2000/svg" width="200pt" '
            'height="100pt" viewBox="0 0 200 100"><defs><clipPath id="grafik-3-1-c1">') in page
    assert 'clip-path="url(#grafik-3-1-c1)"' in page
    assert "</svg>\n<figcaption>Grafik 3.1 Capaian Kinerja per Indikator</figcaption>\n</figure>" in page
    assert "<?xml" not in page
    assert '<p class="note">Indikator 2 tidak memiliki target tahun 2023.</p>' in page
    for rule in ("@page { size: A4; margin: 25mm 20mm 25mm 30mm; }", "thead { display: table-header-group; }",
                 "tr, figure, caption, p.table-note { page-break-inside: avoid; break-inside: avoid; }",
                 "td.num { text-align: right;", "tr.emphasis td { font-weight: bold;",
                 ".keep { page-break-inside: avoid; break-inside: avoid; }"):
        assert rule in page


def test_html_footer_in_the_documents_language(fake_charts):
    assert "<footer>Dibuat dengan kinerja_dsl</footer>" in printer.html(small_document("id"))
    english = printer.html(small_document("en"))
    assert '<html lang="en">' in english and "<footer>Made with kinerja_dsl</footer>" in english


def test_html_prints_the_title_once_when_the_blocks_begin_with_it(fake_charts):
    doc = small_document()
    doc.blocks.insert(0, Heading("BAB III AKUNTABILITAS KINERJA", 1))
    page = printer.html(doc)
    assert page.count("BAB III AKUNTABILITAS KINERJA</h1>") == 1
    assert ('<h1>BAB III AKUNTABILITAS KINERJA</h1>\n<p class="subtitle">Kantor Wilayah Contoh Tahun 2024</p>\n'
            '<h2>3.1 Capaian Kinerja Organisasi</h2>') in page


def test_two_charts_never_share_an_id(fake_charts):
    doc = small_document()
    doc.blocks.append(Chart("Grafik 3.2 Tren", "trend", ("2023", "2024"), (), slug="grafik-3-2"))
    ids = re.findall(r'\bid="([^"]+)"', printer.html(doc))
    assert ids == ["grafik-3-1", "grafik-3-1-c1", "grafik-3-2", "grafik-3-2-c1"]


# ---- Word ------------------------------------------------------------------------------------

def read_docx(data: bytes):
    import docx
    return docx.Document(BytesIO(data))


def test_docx_headings_captions_and_picture(fake_charts):
    doc = read_docx(printer.docx_bytes(small_document()))
    said = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert said == [("Heading 1", "BAB III AKUNTABILITAS KINERJA"),
                    ("Subtitle", "Kantor Wilayah Contoh Tahun 2024"),
                    ("Heading 2", "3.1 Capaian Kinerja Organisasi"),
                    ("Heading 3", "Sasaran 1: Meningkatnya kualitas layanan"),
                    ("Caption", "Tabel 3.1 Capaian Kinerja Sasaran 1"),
                    ("Normal", "Sumber: data realisasi 2024"),
                    ("Caption", "Grafik 3.1 Capaian Kinerja per Indikator"),
                    ("Normal", "Indikator 2 tidak memiliki target tahun 2023.")]
    # the table caption above the table, the chart caption below its picture
    body = [child.tag.rsplit("}", 1)[1] for child in doc.element.body]
    assert body[:8] == ["p", "p", "p", "p", "p", "tbl", "p", "p"]
    assert len(doc.inline_shapes) == 1
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    assert (section.top_margin.mm, section.right_margin.mm, section.bottom_margin.mm,
            section.left_margin.mm) == pytest.approx((25, 20, 25, 30), abs=0.1)
    assert doc.inline_shapes[0].width == section.page_width - section.left_margin - section.right_margin


def test_docx_table_cells_are_the_documents_cells(fake_charts):
    from docx.oxml.ns import qn

    (table,) = read_docx(printer.docx_bytes(small_document())).tables
    assert table.style.name == "Table Grid"
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    # merged header cells read back as the merged text in each column they cover
    assert texts[:2] == [["No", "Indikator", "2023", "2023", "2024", "2024"],
                         ["No", "Indikator", "Realisasi", "Capaian", "Realisasi", "Capaian"]]
    assert [tuple(row) for row in texts[2:]] == list(TABLE.rows)
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeated == [True, True, False, False, False]
    figure = table.rows[2].cells[5].paragraphs[0]
    assert figure.alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[2].cells[1].paragraphs[0].alignment is None
    assert [run.bold for run in table.rows[4].cells[5].paragraphs[0].runs] == [True]
    assert [run.bold for run in table.rows[3].cells[5].paragraphs[0].runs] == [False]
    # a short table stays on one page: every row kept with the next, but the last
    assert [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in table.rows] == [
        True, True, True, True, None]


def test_word_column_widths_keep_words_whole_and_give_the_rest_to_long_texts():
    # longest words: No 2, "*masyarakat*" 12, "Realisasi" 9, "Capaian" 7 (10 a character, 10 of padding)
    assert printer.column_widths(TABLE, 1000, 10, 10) == [40, 472, 135, 108, 135, 108]   # room: all scaled up
    assert printer.column_widths(TABLE, 600, 10, 10) == [30, 210, 100, 80, 100, 80]      # the name wraps
    assert printer.column_widths(TABLE, 260, 10, 10) == [15, 65, 50, 40, 50, 40]         # too narrow: scaled down


def test_docx_table_fills_the_text_width(fake_charts):
    doc = read_docx(printer.docx_bytes(small_document()))
    section, (table,) = doc.sections[0], doc.tables
    widths = [column.width for column in table.columns]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert text_width - 635 * len(widths) <= sum(widths) <= text_width   # Word keeps twips (635 EMU)
    assert widths[0] < widths[2] < widths[1]          # No, a figure, the indicator's name
    assert [cell.width for cell in table.rows[2].cells] == widths


def test_docx_properties_without_a_date(fake_charts):
    doc = read_docx(printer.docx_bytes(small_document()))
    props = doc.core_properties
    assert (props.author, props.title, props.language) == ("kinerja_dsl", "BAB III AKUNTABILITAS KINERJA", "id")
    assert (props.created, props.modified, props.last_printed) == (None, None, None)
    assert props.comments == "generator: kinerja_dsl; catalog: catalog.kin"


def test_docx_zip_entries_are_fixed(fake_charts):
    archive = zipfile.ZipFile(BytesIO(printer.docx_bytes(small_document())))
    names = archive.namelist()
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"] and names[2:] == sorted(names[2:])
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in names
    assert b'w:val="id-ID"' in archive.read("word/styles.xml")


def test_docx_needs_the_report_extra(fake_charts, monkeypatch, indonesian):
    monkeypatch.setitem(sys.modules, "docx", None)   # as if python-docx were not installed
    with pytest.raises(printer.MissingExtra) as refused:
        printer.docx_bytes(small_document())
    assert str(refused.value) == ("penulisan .docx memerlukan paket tambahan report: "
                                  "pip install 'kinerja-dsl[report]'")
    assert refused.value.diagnostic().code == "D009"


def test_docx_needs_the_report_extra_in_english(fake_charts, monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(printer.MissingExtra, match=re.escape(
            "writing .docx needs the report extra: pip install 'kinerja-dsl[report]'")):
        printer.docx_bytes(small_document())


# ---- Markdown --------------------------------------------------------------------------------

EXPECTED_MARKDOWN = r"""# BAB III AKUNTABILITAS KINERJA

**Kantor Wilayah Contoh Tahun 2024**

## 3.1 Capaian Kinerja Organisasi

### Sasaran 1: Meningkatnya kualitas layanan

**Tabel 3.1 Capaian Kinerja Sasaran 1**

| No | Indikator | 2023 Realisasi | 2023 Capaian | 2024 Realisasi | 2024 Capaian |
|---|---|---:|---:|---:|---:|
| 1 | Persentase \<layanan\> & \| pengaduan | 90,00 | 100,00 | 95,50 | 102,84 |
| 2 | Indeks kepuasan \*masyarakat\* | 3,10 | - | 3,40 | 97,14 |
|  | **Capaian sasaran** | **-** | **-** | **-** | **99,99** |

*Sumber: data realisasi 2024*

![Grafik 3.1 Capaian Kinerja per Indikator](lkjip-grafik/grafik-3-1.png)\
Grafik 3.1 Capaian Kinerja per Indikator

*Indikator 2 tidak memiliki target tahun 2023.*
"""


def test_markdown_text_and_images(fake_charts):
    text, images = printer.markdown(small_document(), "lkjip-grafik")
    assert text == EXPECTED_MARKDOWN
    assert images == {"lkjip-grafik/grafik-3-1.png": fake_png()}
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert {len(re.findall(r"(?<!\\)\|", line)) for line in table} == {7}   # 6 columns on every line


def test_markdown_escapes_what_would_start_a_list_or_heading(fake_charts):
    doc = Document("T", "", "id", [Paragraph("- bukan daftar\n# bukan judul\n2024. bukan nomor\n---\n5,5 - 3")])
    text, _ = printer.markdown(doc, "x")
    assert text == "# T\n\n\\- bukan daftar\n\\# bukan judul\n2024\\. bukan nomor\n\\---\n5,5 - 3\n"


# ---- write(): by suffix ----------------------------------------------------------------------

def test_write_chooses_the_format_by_suffix(fake_charts, tmp_path):
    doc = small_document()
    printer.write(doc, tmp_path / "lkjip.HTM")
    assert (tmp_path / "lkjip.HTM").read_text(encoding="utf-8") == printer.html(doc)
    printer.write(doc, tmp_path / "lkjip.docx")
    assert (tmp_path / "lkjip.docx").read_bytes() == printer.docx_bytes(doc)
    printer.write(doc, tmp_path / "lkjip.md")
    assert (tmp_path / "lkjip.md").read_text(encoding="utf-8") == EXPECTED_MARKDOWN
    assert (tmp_path / "lkjip-grafik" / "grafik-3-1.png").read_bytes() == fake_png()


def test_write_refuses_another_suffix(fake_charts, tmp_path, indonesian):
    with pytest.raises(printer.UnknownFormat) as refused:
        printer.write(small_document(), tmp_path / "lkjip.pdf")
    assert str(refused.value) == "--out menulis .html, .htm, .docx, .md, bukan `.pdf`"
    assert list(tmp_path.iterdir()) == []


def test_every_format_gives_the_same_bytes_twice(fake_charts, tmp_path):
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        for name in ("lkjip.html", "lkjip.docx", "lkjip.md"):
            printer.write(small_document(), tmp_path / run / name)
    for name in ("lkjip.html", "lkjip.docx", "lkjip.md", "lkjip-grafik/grafik-3-1.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# ---- with the real charts (matplotlib, charts.py) ---------------------------------------------

REAL = small_document()
REAL.blocks.append(Chart("Grafik 3.2 Tren Realisasi", "trend", ("2022", "2023", "2024"),
                         (Series("Realisasi", (Decimal("80"), None, Decimal("95.5"))),
                          Series("Target", (Decimal("85"), Decimal("90"), Decimal("95")), kind="line")),
                         y_label="%", slug="grafik-3-2"))


def test_real_charts_inline_svg_and_word_pictures():
    pytest.importorskip("matplotlib")
    page = printer.html(REAL)
    assert page.count("<svg ") == 2 and page.count("</svg>") == 2
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|<script""", page, re.I)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))          # each chart's clip paths and glyphs are its own
    doc = read_docx(printer.docx_bytes(REAL))
    assert len(doc.inline_shapes) == 2
    assert [p.text for p in doc.paragraphs if p.style.name == "Caption"] == [
        "Tabel 3.1 Capaian Kinerja Sasaran 1", "Grafik 3.1 Capaian Kinerja per Indikator", "Grafik 3.2 Tren Realisasi"]


def test_real_charts_same_bytes_twice(tmp_path):
    pytest.importorskip("matplotlib")
    assert printer.html(REAL) == printer.html(REAL)
    assert printer.docx_bytes(REAL) == printer.docx_bytes(REAL)
    first, second = printer.markdown(REAL, "g"), printer.markdown(REAL, "g")
    assert first == second and sorted(first[1]) == ["g/grafik-3-1.png", "g/grafik-3-2.png"]
    assert all(data.startswith(b"\x89PNG") for data in first[1].values())
