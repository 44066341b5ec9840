"""The LKjIP document printed: one self-contained HTML file, a Word file, or Markdown with PNG files.

`blocks.Document` says what chapter III holds; this module only prints it, so every format shows
the same words, figures and numbering. Each printer writes the same bytes on every run (no date,
no random id, fixed zip entries), so a report kept under version control changes only when its
content does.

A table may have several header rows; cells are merged the way the printed reports group their
columns: a non-empty cell equal to its left neighbour in the same header row joins it (one wide
cell, "2023" over "Realisasi" and "Capaian"), as long as the cells above are joined too; an empty
header cell joins the cell above it (one tall cell, "Indikator" over two rows). Markdown, which
has one header row, writes each column's header texts one after another ("2023 Realisasi").

Only the standard library at the top: python-docx (Word) and matplotlib (the charts, through
`charts.py`) are the `report` extra, imported when a document needs them.
"""
from __future__ import annotations

import html as _html
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja_dsl.messages import N_, t

from ..reports.blocks import Chart, Document, Heading, Paragraph, Table
from .outputs import OutputError, write_atomic

if TYPE_CHECKING:
    from kinerja_dsl.diagnostics import Diagnostic

SUFFIXES = (".html", ".htm", ".docx", ".md")
IMAGE_DIR_SUFFIX = "-grafik"          # lkjip.md -> lkjip-grafik/grafik-3-1.png
PAGE_MM = (210, 297)                  # A4
MARGINS_MM = (25, 20, 25, 30)         # top, right, bottom, left: the left one leaves room to bind
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no date of the run in a .docx

EXTRA_DOCX = N_("writing .docx needs the report extra: pip install 'kinerja-dsl[report]'")
EXTRA_CHARTS = N_("drawing the charts needs the report extra: pip install 'kinerja-dsl[report]'")
MADE_WITH = N_("Made with kinerja_dsl")


# ---- what can go wrong: a message for a person, said by the CLI -----------------------------

class DocumentError(Exception):
    """A document that cannot be written as asked; str() is the message for the user."""


class UnknownFormat(DocumentError):
    """`--out` names a suffix no printer writes: a usage error (exit 4)."""

    def __init__(self, out: Path | str):
        path = Path(out)
        super().__init__(t("--out writes {suffixes}, not `{suffix}`", suffixes=", ".join(SUFFIXES),
                           suffix=path.suffix or path.name))


class MissingExtra(DocumentError):
    """python-docx or matplotlib is not installed: the D009 of the `report` extra, nothing written."""

    code = "D009"

    def __init__(self, message: str):
        super().__init__(t(message))

    def diagnostic(self) -> Diagnostic:
        from kinerja_dsl.diagnostics import Diagnostic, Severity

        return Diagnostic(code=self.code, severity=Severity.ERROR, message=str(self), file="--out")


# ---- choosing the printer -------------------------------------------------------------------

def write(document: Document, out: Path) -> None:
    """Print `document` in the format `out`'s suffix names, written atomically. Markdown also writes
    its charts as PNG files in a folder beside it (`lkjip-grafik/`). Raises UnknownFormat,
    MissingExtra (nothing written) or OutputError (the file system refused)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnknownFormat(out)
    if suffix in (".html", ".htm"):
        write_atomic(out, html(document))
    elif suffix == ".docx":
        write_atomic(out, docx_bytes(document))
    else:
        text, images = markdown(document, out.stem + IMAGE_DIR_SUFFIX)
        for name, data in images.items():
            image = out.parent / name
            try:
                image.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise OutputError(image.parent, err.strerror or type(err).__name__) from None
            write_atomic(image, data)
        write_atomic(out, text)


# ---- the charts: drawn by charts.py (matplotlib), looked up here so tests can stand in ----------

def _chart_module() -> Any:
    try:
        from . import charts
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] == "matplotlib":
            raise MissingExtra(EXTRA_CHARTS) from None
        raise
    return charts


def _drawn(draw: str, chart: Chart) -> Any:
    try:
        return getattr(_chart_module(), draw)(chart)
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] == "matplotlib":
            raise MissingExtra(EXTRA_CHARTS) from None
        raise


def chart_svg(chart: Chart) -> str:
    """The chart as an inline `<svg>` (charts.svg)."""
    return str(_drawn("svg", chart))


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG bytes for Word and Markdown (charts.png, 150 dpi)."""
    return bytes(_drawn("png", chart))


# ---- tables: the grid and its merged header cells, shared by every printer --------------------

@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int
    column: int
    rowspan: int = 1
    colspan: int = 1


def width(table: Table) -> int:
    """The number of columns: the widest header or body row (a shorter row is padded with blanks)."""
    return max((len(r) for r in (*table.header, *table.rows)), default=0)


def _padded(row: tuple[str, ...], n: int) -> tuple[str, ...]:
    return tuple(row) + ("",) * (n - len(row))


def header_cells(table: Table) -> list[HeaderCell]:
    """The header rows as merged cells (the rule in the module docstring), in reading order."""
    n = width(table)
    rows = [_padded(r, n) for r in table.header]
    owner: list[list[tuple[int, int]]] = [[(-1, -1)] * n for _ in rows]
    span: dict[tuple[int, int], list[int]] = {}       # origin -> [last row, last column]
    for r, row in enumerate(rows):
        for c in range(n):
            if owner[r][c] != (-1, -1):
                continue        # taken by a tall cell from above
            text = row[c]
            if r > 0 and text == "":
                above = owner[r - 1][c]
                first, last = above[1], span[above][1]
                if first == c and all(row[k] == "" and owner[r][k] == (-1, -1) for k in range(first, last + 1)):
                    span[above][0] = r
                    for k in range(first, last + 1):
                        owner[r][k] = above
                    continue
            left = owner[r][c - 1] if c > 0 else None
            if (left is not None and text != "" and text == row[c - 1] and left[0] == r
                    and (r == 0 or owner[r - 1][c] == owner[r - 1][c - 1])):
                span[left][1] = c
                owner[r][c] = left
                continue
            owner[r][c] = (r, c)
            span[(r, c)] = [r, c]
    return [HeaderCell(rows[r][c], r, c, last_row - r + 1, last_column - c + 1)
            for (r, c), (last_row, last_column) in sorted(span.items())]


def flat_header(table: Table) -> list[str]:
    """One header text per column: the texts of its header cells top to bottom ("2023 Realisasi")."""
    n = width(table)
    texts: list[list[str]] = [[] for _ in range(n)]
    for cell in header_cells(table):
        if cell.text:
            for c in range(cell.column, cell.column + cell.colspan):
                texts[c].append(cell.text)
    return [" ".join(parts) for parts in texts]


SHORT_TABLE_ROWS = 15   # a table this short is never split across two pages (a year-by-year table)


def _numeric(table: Table, column: int) -> bool:
    return column < len(table.numeric) and table.numeric[column]


# ---- HTML ----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.55em; text-align: center; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 1.8em 0 .5em; }
h3 { font-size: 1.08em; margin: 1.4em 0 .4em; }
.subtitle { text-align: center; font-size: 1.1em; margin: 0 0 2em; }
p { margin: .5em 0; }
p.note { font-size: .92em; color: #444; font-style: italic; }
p.warning { border-left: 4px solid #c55a11; background: #fbf1ea; padding: .4em .7em; }
.table-wrap { overflow-x: auto; margin: 1.2em 0 .3em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 0 0 .4em; }
th, td { border: 1px solid #8c8c8c; padding: .25em .45em; vertical-align: top; }
thead th { background: #dde6f1; text-align: center; vertical-align: middle; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.emphasis td { font-weight: bold; background: #f3f3f3; }
p.table-note { font-size: .88em; color: #444; margin: .2em 0 1.2em; }
figure.chart { margin: 1.4em 0; text-align: center; }
figure.chart svg { display: block; width: 100%; max-width: 16cm; height: auto; margin: 0 auto; }
figcaption { font-weight: bold; margin-top: .4em; }
footer { margin-top: 3em; font-size: .85em; color: #666; text-align: center; }
@page { size: A4; margin: 25mm 20mm 25mm 30mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, figure, caption, p.table-note { page-break-inside: avoid; break-inside: avoid; }
  caption, h1, h2, h3 { page-break-after: avoid; break-after: avoid; }
  .keep { page-break-inside: avoid; break-inside: avoid; }
  thead th, tr.emphasis td, p.warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  footer { display: none; }
}
""".strip()


def _e(text: str) -> str:
    return _html.escape(text, quote=True)


def _e_lines(text: str) -> str:
    return "<br>\n".join(_e(line) for line in text.split("\n"))


_ID = re.compile(r'\bid="([^"]+)"')


def _inline_svg(svg: str, prefix: str) -> str:
    """An SVG as an element of the page: any XML prolog or DOCTYPE dropped, and its ids (clip paths,
    glyphs) prefixed, so two charts' `#p1a2b` or `#DejaVuSans-30` never name each other's."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    ids = set(_ID.findall(svg))
    if not ids:
        return svg.strip()

    def renamed(found: re.Match[str]) -> str:
        name = found.group(2)
        return f"{found.group(1)}{prefix}-{name}" if name in ids else found.group(0)

    svg = re.sub(r'(\bid="|url\(#|href="#)([^")]+)', renamed, svg)
    return svg.strip()


def _html_table(table: Table) -> list[str]:
    n = width(table)
    keep = " keep" if len(table.rows) <= SHORT_TABLE_ROWS else ""
    out = [f'<div class="table-wrap{keep}">', "<table>"]
    if table.caption:
        out.append(f"<caption>{_e(table.caption)}</caption>")
    cells = header_cells(table)
    if cells:
        out.append("<thead>")
        for r in range(len(table.header)):
            row = []
            for cell in (c for c in cells if c.row == r):
                spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                        (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                row.append(f'<th scope="col"{spans}>{_e_lines(cell.text)}</th>')
            out.append("<tr>" + "".join(row) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    for i, values in enumerate(table.rows):
        row_class = ' class="emphasis"' if i in table.emphasis else ""
        tds = "".join(f'<td class="num">{_e_lines(v)}</td>' if _numeric(table, c) else f"<td>{_e_lines(v)}</td>"
                      for c, v in enumerate(_padded(values, n)))
        out.append(f"<tr{row_class}>{tds}</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    if table.note:
        out.append(f'<p class="table-note">{_e_lines(table.note)}</p>')
    return out


def _skips_title(document: Document) -> bool:
    """True when the first block is the chapter heading itself: the title is not printed twice."""
    first = document.blocks[0] if document.blocks else None
    return isinstance(first, Heading) and first.level == 1 and first.text.strip() == document.title.strip()


def html(document: Document) -> str:
    """The document as one HTML page that needs nothing else: its style inline, its charts inline
    SVG, no script, no font or file fetched; printable on A4 (table headers repeated per page)."""
    lang = document.language
    head = ["<!DOCTYPE html>", f'<html lang="{_e(lang)}">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    head += [f'<meta name="{_e(key)}" content="{_e(value)}">' for key, value in document.metadata.items()]
    title = " — ".join(part for part in (document.title, document.subtitle) if part)
    head += [f"<title>{_e(title)}</title>", "<style>", _CSS, "</style>", "</head>"]
    body = ["<body>", "<main>"]
    if not _skips_title(document):
        body.append(f"<h1>{_e(document.title)}</h1>")
    subtitle_pending = bool(document.subtitle)
    if subtitle_pending and not _skips_title(document):
        body.append(f'<p class="subtitle">{_e_lines(document.subtitle)}</p>')
        subtitle_pending = False
    charts = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            body.append(f"<h{level}>{_e(block.text)}</h{level}>")
            if subtitle_pending:      # the subtitle under the chapter heading the blocks began with
                body.append(f'<p class="subtitle">{_e_lines(document.subtitle)}</p>')
                subtitle_pending = False
        elif isinstance(block, Paragraph):
            css = "" if block.style == "body" else f' class="{block.style}"'
            body.append(f"<p{css}>{_e_lines(block.text)}</p>")
        elif isinstance(block, Table):
            body += _html_table(block)
        elif isinstance(block, Chart):
            charts += 1
            slug = block.slug or f"grafik-{charts}"
            body.append(f'<figure class="chart" id="{_e(slug)}">')
            body.append(_inline_svg(chart_svg(block), slug))
            if block.caption:
                body.append(f"<figcaption>{_e(block.caption)}</figcaption>")
            body.append("</figure>")
    body += ["</main>", f"<footer>{_e(t(MADE_WITH, lang))}</footer>", "</body>", "</html>"]
    return "\n".join(head + body) + "\n"


# ---- Word ----------------------------------------------------------------------------------

WORD_LANGUAGE = {"id": "id-ID", "en": "en-US"}
TABLE_STYLE = "Table Grid"   # in every Word and in python-docx's template; the LKjIP template restyles it
HEADER_FILL = "DDE6F1"
TABLE_FONT_PT = 9.5
CHAR_EMU = 2300 * 36                # a character of 9,5 pt, bold headers and a wider fallback font included: 2,3 mm
CELL_PADDING_EMU = 5 * 36000     # a cell's left and right margins (1,9 mm each in Word and LibreOffice), and a little room


def column_widths(table: Table, total: int, char: int, padding: int) -> list[int]:
    """Each column's width for Word, which must be told (in any unit: `total` is the text width,
    `char` a character's, `padding` a cell's margins). Every column first gets its longest word
    (a figure, a header word) unbroken; the room left goes to the columns whose text is longer
    than that, in proportion: "No" and the figures stay narrow, the indicator's name takes the rest."""
    n = width(table)
    longest, word = [0] * n, [0] * n
    for row in table.rows:
        for c, text in enumerate(_padded(row, n)):
            longest[c] = max(longest[c], len(text))
            unbroken = len(text) if _numeric(table, c) else max((len(w) for w in text.split()), default=0)
            word[c] = max(word[c], unbroken)
    for cell in header_cells(table):
        if cell.colspan == 1:
            words = [len(w) for w in cell.text.split()]
            word[cell.column] = max(word[cell.column], *words, 0)
            longest[cell.column] = max(longest[cell.column], len(cell.text))
    least = [w * char + padding for w in word]
    natural = [max(x, w) * char + padding for x, w in zip(longest, word)]
    if sum(least) >= total:
        return [total * x // sum(least) for x in least]
    if sum(natural) <= total:
        return [total * x // sum(natural) for x in natural]
    room, wanted = total - sum(least), [x - m for x, m in zip(natural, least)]
    return [m + room * w // sum(wanted) for m, w in zip(least, wanted)]


def _docx() -> Any:
    try:
        import docx
    except ModuleNotFoundError:
        raise MissingExtra(EXTRA_DOCX) from None
    return docx


def docx_bytes(document: Document) -> bytes:
    """The document as a Word file: Heading 1-3, tables in the 'Table Grid' style whose header rows
    repeat on every page, numbers right-aligned, "Tabel 3.x" above and "Grafik 3.x" below in the
    Caption style, charts as PNG the width of the text, A4. Pasted into the LKjIP template, the
    headings and captions take the template's look. Same bytes on every run."""
    docx = _docx()
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    text_width = section.page_width - section.left_margin - section.right_margin
    _word_language(doc, document.language)
    _core_properties(doc, document)

    if not _skips_title(document):
        doc.add_heading(document.title, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle_pending = bool(document.subtitle)
    if subtitle_pending and not _skips_title(document):
        doc.add_paragraph(document.subtitle, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle_pending = False
    for block in document.blocks:
        if isinstance(block, Heading):
            heading = doc.add_heading(block.text, level=min(max(block.level, 1), 9))
            if block.level <= 1:
                heading.alignment = WD_ALIGN_PARAGRAPH.CENTER    # the chapter's title, as BAB III is printed
            if subtitle_pending:
                doc.add_paragraph(document.subtitle, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER
                subtitle_pending = False
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(block.text)
            run.italic = block.style == "note"
            run.bold = block.style == "warning"
        elif isinstance(block, Table):
            if block.caption:
                caption = doc.add_paragraph(block.caption, style="Caption")
                caption.paragraph_format.keep_with_next = True
            _word_table(doc, block, text_width, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH)
            if block.note:
                note = doc.add_paragraph()
                note.add_run(block.note).italic = True
        elif isinstance(block, Chart):
            picture = doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True
            picture.add_run().add_picture(BytesIO(chart_png(block)), width=text_width)
            if block.caption:
                doc.add_paragraph(block.caption, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue())


def _word_table(doc: Any, table: Table, text_width: int, table_alignment: Any, paragraph_alignment: Any) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Pt
    from docx.table import _Cell

    n = width(table)
    heads = len(table.header)
    grid = doc.add_table(rows=heads + len(table.rows), cols=n)
    grid.style = doc.styles[TABLE_STYLE]
    grid.alignment = table_alignment.CENTER
    widths = column_widths(table, text_width, CHAR_EMU, CELL_PADDING_EMU)
    for column, column_width in zip(grid.columns, widths):
        column.width = column_width

    def put(cell: Any, text: str, bold: bool, align: Any) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(0)
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(TABLE_FONT_PT)

    for r, row in enumerate(grid.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))          # a row is never cut across two pages
        if r < heads:
            tr_pr.append(OxmlElement("w:tblHeader"))      # repeated at the top of every page
    for row in grid.rows:            # Word reads each cell's width, LibreOffice the grid's: both said
        column = 0
        for tc in row._tr.tc_lst:
            tc.width = Emu(sum(widths[column:column + tc.grid_span]))
            column += tc.grid_span
    for cell in header_cells(table):
        target = grid.cell(cell.row, cell.column)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(cell.row + cell.rowspan - 1, cell.column + cell.colspan - 1))
        put(target, cell.text, True, paragraph_alignment.CENTER)
    for r in range(heads):           # every cell of the header, the merged-away ones too
        for tc in grid.rows[r]._tr.tc_lst:
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:color"), "auto")
            shade.set(qn("w:fill"), HEADER_FILL)
            tc.get_or_add_tcPr().insert_element_before(
                shade, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
            _Cell(tc, grid).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    short = len(table.rows) <= SHORT_TABLE_ROWS
    for i, values in enumerate(table.rows):
        bold = i in table.emphasis
        cells = grid.rows[heads + i].cells
        for c, value in enumerate(_padded(values, n)):
            put(cells[c], value, bold, paragraph_alignment.RIGHT if _numeric(table, c) else None)
    for row in grid.rows[:-1] if short else grid.rows[:heads]:   # kept on one page with the next row
        for tc in row._tr.tc_lst:
            for paragraph in _Cell(tc, grid).paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _word_language(doc: Any, language: str) -> None:
    """The proofing language of the text (Indonesian or English): Word checks the spelling of id-ID."""
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    found = defaults.find(".//" + qn("w:lang")) if defaults is not None else None
    if found is not None:
        found.set(qn("w:val"), WORD_LANGUAGE.get(language, language))


def _core_properties(doc: Any, document: Document) -> None:
    """The file's properties: the title, kinerja_dsl as author, the metadata; no date (python-docx's
    template says 2013), and no thumbnail of python-docx's own sample page."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn

    properties = doc.core_properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.author = "kinerja_dsl"
    properties.last_modified_by = "kinerja_dsl"
    properties.comments = "; ".join(f"{key}: {value}" for key, value in document.metadata.items())
    properties.keywords = ""
    properties.language = document.language
    properties.revision = 1
    element = properties._element
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for found in element.findall(qn(tag)):
            element.remove(found)
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]


def fixed_zip(data: bytes) -> bytes:
    """A zip rewritten with every entry dated 1980-01-01, the same attributes and a fixed order
    ([Content_Types].xml first, as Office writes it): the same content gives the same bytes."""
    source = zipfile.ZipFile(BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name != "_rels/.rels", name))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()


# ---- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-])|^(\s*)(\d+)([.)])(?=\s|$)")


def _escaped_start(found: re.Match[str]) -> str:
    """`- x`, `# x`, `---`, `2024. x` at the start of a line, as text: the mark after a backslash."""
    if found.group(2):
        return f"{found.group(1)}\\{found.group(2)}"
    return f"{found.group(3)}{found.group(4)}\\{found.group(5)}"


def _md(text: str) -> str:
    """Text that Markdown prints as written: its marks (`*`, `_`, `|`, `[`, `<`, a `#` or `-` that
    would start a heading or a list) escaped."""
    lines = [_MD_LINE_START.sub(_escaped_start, _MD_SPECIAL.sub(r"\\\1", line))
             for line in text.split("\n")]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_table(table: Table) -> list[str]:
    n = width(table)
    out: list[str] = []
    if table.caption:
        out += [f"**{_md(table.caption)}**", ""]
    header = flat_header(table) if table.header else [""] * n
    out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
    out.append("|" + "|".join("---:" if _numeric(table, c) else "---" for c in range(n)) + "|")
    for i, values in enumerate(table.rows):
        cells = [_md_cell(v) for v in _padded(values, n)]
        if i in table.emphasis:
            cells = [f"**{v}**" if v else v for v in cells]
        out.append("| " + " | ".join(cells) + " |")
    if table.note:
        out += ["", f"*{_md(table.note)}*"]
    return out


def _file_name(slug: str) -> str:
    """A slug as a file name that stays in its folder (no `/`, no `..`, no space)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-")


def markdown(document: Document, image_dir_name: str) -> tuple[str, dict[str, bytes]]:
    """The document as Markdown (GitHub and pandoc pipe tables) and its charts as PNG files: the
    text, and the files keyed by the path the text links them by (`{image_dir_name}/grafik-3-1.png`,
    relative to the .md). PNG rather than SVG because pandoc, which turns this into .docx or .pdf,
    embeds a PNG everywhere while SVG needs extra converters. A chart's caption follows its image
    after a line break, in the same paragraph: pandoc then keeps it one line of text under the
    picture instead of also making the alt text a second caption."""
    out: list[str] = []
    if not _skips_title(document):
        out += [f"# {_md(document.title)}", ""]
    subtitle_pending = bool(document.subtitle)
    if subtitle_pending and not _skips_title(document):
        out += [f"**{_md(document.subtitle)}**", ""]
        subtitle_pending = False
    images: dict[str, bytes] = {}
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out += ["#" * level + " " + _md(block.text), ""]
            if subtitle_pending:
                out += [f"**{_md(document.subtitle)}**", ""]
                subtitle_pending = False
        elif isinstance(block, Paragraph):
            text = _md(block.text)
            if block.style == "note":
                text = f"*{text}*"
            elif block.style == "warning":
                text = "\n".join("> " + line for line in text.split("\n"))
            out += [text, ""]
        elif isinstance(block, Table):
            out += _md_table(block) + [""]
        elif isinstance(block, Chart):
            name = f"{image_dir_name}/{_file_name(block.slug) or f'grafik-{len(images) + 1}'}.png"
            images[name] = chart_png(block)
            alt = _md_cell(block.caption)
            line = f"![{alt}]({name.replace(' ', '%20')})"
            out += [f"{line}\\", _md(block.caption), ""] if block.caption else [line, ""]
    return "\n".join(out).rstrip("\n") + "\n", images
