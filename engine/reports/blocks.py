"""The LKjIP document as blocks: what chapter III says, apart from how a format prints it.

`reports/lkjip.py` builds a `Document` from the evaluations (which tables, which charts, which
words); `rendering/document.py` prints any `Document` as HTML, Word or Markdown; `rendering/charts.py`
draws a `Chart` as SVG or PNG. Cells are already text in the document's language and number
notation, so every format shows the same figures, and a blank cell is "-" in every one of them.
Numbering ("Tabel 3.4", "Grafik 3.2") is given here, so that every format numbers alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = the chapter, 2 = a section (3.1), 3 = a sasaran or indicator inside it


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["body", "note", "warning"] = "body"


@dataclass(frozen=True)
class Table:
    caption: str                  # "Tabel 3.1 Capaian Kinerja Sasaran ..."
    header: tuple[tuple[str, ...], ...]   # one or more header rows (repeated on every printed page)
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()        # per column: right-aligned figures
    emphasis: tuple[int, ...] = ()        # indexes of rows printed bold (a sasaran's or the overall row)
    note: str = ""                        # a line under the table ("Sumber: ...")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal | None, ...]    # one per category; None = no value (a gap, never 0)
    kind: Literal["bar", "line", "reference"] = "bar"
    colors: tuple[str, ...] = ()          # per value (bars coloured by predikat); empty = the series colour
    places: int | None = None             # decimal places of the value labels, as the tables show them (100,00)


@dataclass(frozen=True)
class Chart:
    caption: str                  # "Grafik 3.1 Capaian Kinerja per Indikator"
    kind: Literal["capaian", "trend", "budget"]
    categories: tuple[str, ...]   # x axis (indicator ids, years, sasaran)
    series: tuple[Series, ...]
    y_label: str = ""
    reference_line: Decimal | None = None   # a horizontal line (100 %)
    reference_label: str = ""
    slug: str = ""                # a file-name-safe id ("grafik-3-1"), for formats that write images apart
    locale: str = "id"            # the axis numbers' notation (102,84 or 102.84)
    legend: tuple[tuple[str, str], ...] = ()   # (label, colour) of per-value colours (the predikat bands shown)


Block = Heading | Paragraph | Table | Chart


@dataclass
class Document:
    title: str                    # "BAB III AKUNTABILITAS KINERJA"
    subtitle: str                 # the office and the year
    language: str                 # "id" or "en": the document's words and notation
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # generator, catalog, data file, period (no dates: same bytes per run)
