"""Terminal tables (rich) for evaluations and explanations.

Column headers in Indonesian as the reports print them; numbers in Indonesian
notation unless `--locale en`. User text goes through `Text`, never markup, so an
indicator named `[IKU 1]` prints as written. No colour when not a terminal.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .narrate import node_text, step_text
from ..numbers import format_number, localized, shown
from ..evaluation.results import AggregateResult, Evaluation, IndicatorResult

if TYPE_CHECKING:  # the reports a renderer shows; imported for their types only
    from collections.abc import Mapping

    from kinerja_dsl.catalog import Catalog

    from ..evaluation.columnar import BulkResult
    from ..reports.audit import AuditReport
    from ..reports.diff import DiffReport
    from ..reports.tables import Table as KamusTable

_STATUS_STYLE = {"ok": "green", "nihil": "cyan", "missing": "yellow", "error": "red",
                 "incomplete": "yellow", "empty": "dim"}


def display(value: Decimal | None, locale: str, digits: int | None = None) -> str:
    """Numbers for people: long fractions shortened for display only (JSON keeps them exact)."""
    if value is None:
        return "-"
    return format_number(shown(value, digits), locale)



def _status(r: IndicatorResult | AggregateResult) -> Text:
    """The status; a nihil result says its treatment on a second line (achieved, excluded, zero)."""
    text = Text(r.status, style=_STATUS_STYLE.get(r.status, ""))
    if isinstance(r, IndicatorResult) and r.nihil and r.status == "nihil":
        text += Text(f"\n{r.nihil}", style="dim")
    return text


def _two_lines(head: str, label: str) -> Text:
    """An id on the first line, its name on the second (a `name` cell: see `_name`)."""
    return Text(head, style="bold") + Text(f"\n{label}")


_MIN_WRAP = 12  # a text column is not narrowed below this: narrower, it reads as a column of fragments
_TEXT = ("name", "wrap")  # column kinds that give way; `number` and `text` columns are kept whole


def _plain_lines(cell: object) -> list[str]:
    return (cell.plain if isinstance(cell, Text) else str(cell)).split("\n")


def _widths(columns: list[tuple[str, str]], rows: list[list], width: int) -> tuple[list[int] | None, int]:
    """Column widths that fit `width`, and the width the table needs at the least.

    Figure columns (`number`, `text`) keep the width of their longest line, so a figure is never
    cut; text columns (`name`, `wrap`) share what is left, each at least `_MIN_WRAP` (or its own
    width when smaller). None when even that does not fit: the caller lays rows out as blocks.
    """
    natural = [max([cell_len(header)] + [cell_len(line) for row in rows for line in _plain_lines(row[k])])
               for k, (header, _) in enumerate(columns)]
    wrap = [k for k, (_, kind) in enumerate(columns) if kind in _TEXT]
    widths = [min(natural[k], _MIN_WRAP) if k in wrap else natural[k] for k in range(len(columns))]
    needed = sum(widths) + 3 * len(columns) - 1  # padding and divider between columns, the two edges
    if needed > width:
        return None, needed
    spare, want = width - needed, {k: natural[k] - widths[k] for k in wrap if natural[k] > widths[k]}
    while spare and want:  # share the rest evenly, none wider than its longest line
        share = max(1, spare // len(want))
        for k in list(want):
            grant = min(share, want[k], spare)
            widths[k], spare, want[k] = widths[k] + grant, spare - grant, want[k] - grant
            if not want[k]:
                del want[k]
    return widths, needed


def _one_line(cell: object) -> Text:
    """A cell's lines joined by spaces (its style kept), for the block layout."""
    text = cell if isinstance(cell, Text) else Text(str(cell))
    return Text(" ").join(text.split("\n")) if "\n" in text.plain else text


def _blocks(title: str, columns: list[tuple[str, str]], rows: list[list], width: int, needed: int) -> Group:
    """Rows as blocks, for a terminal narrower than the table. The figure columns before the first
    text column (No) stand beside the block, that text column (the id and label) heads it, and
    every other column follows as `Header value`: figures packed into lines, never split inside
    a pair, other text columns on lines of their own. Nothing is left out, so nothing is hidden."""
    first = next((k for k, (_, kind) in enumerate(columns) if kind in _TEXT), None)
    lead = list(range(first or 0))
    lead_width = max([cell_len(_one_line(row[k]).plain) for row in rows for k in lead] or [0])
    body_width = max(1, width - (lead_width + 1 if lead else 0))
    grid = Table.grid(padding=(0, 1) if lead else 0)
    if lead:
        grid.add_column(justify="right", no_wrap=True, width=lead_width)
    grid.add_column(overflow="fold", width=body_width)
    for n, row in enumerate(rows):
        parts: list = []
        line = Text()
        for k, (header, kind) in enumerate(columns):
            cell = row[k] if isinstance(row[k], Text) else Text(str(row[k]))
            if k in lead:
                continue
            if k == first:
                parts.append(cell)
                continue
            pair = Text.assemble((f"{header} ", "dim"), _one_line(cell))
            if kind in _TEXT or (line.plain and cell_len(line.plain) + 3 + cell_len(pair.plain) > body_width):
                if line.plain:
                    parts.append(line)
                line = Text()
            if kind in _TEXT:
                parts.append(pair)
            elif cell_len(pair.plain) > body_width:  # the value on a line of its own, not wrapped
                parts += [Text(header, style="dim"), _one_line(cell)]
            else:
                line = line + Text("   ") + pair if line.plain else pair
        if line.plain:
            parts.append(line)
        if n:
            grid.add_row(*([""] if lead else []), "")
        grid.add_row(*([Text(" ").join(_one_line(row[k]) for k in lead)] if lead else []), Group(*parts))
    note = Text(f"(one block per row: the table needs {needed} columns, this terminal has {width})", style="dim")
    return Group(Text(title), note, Text(""), grid, Text(""))


def _name(cell: object, width: int) -> Text:
    """A `name` cell in a table: its first line (the id) wraps and is never cut; the lines below
    (the label) keep to one line each, cut with an ellipsis, so a row stays two lines high at 80
    columns. The block layout, explain, kamus and --json give the whole label."""
    text = cell if isinstance(cell, Text) else Text(str(cell))
    head, *rest = text.split("\n")
    for line in rest:
        line.truncate(width, overflow="ellipsis")
    return Text("\n").join([head, *rest])


def _table(title: str, columns: list[tuple[str, str]], rows: list[list], width: int) -> RenderableType:
    """A table that fits `width` without losing a figure: column kinds `number` (right-aligned) and
    `text` are kept whole, `wrap` columns wrap and `name` columns give way first (see `_name`);
    when even the kept columns do not fit, the rows are printed as blocks (README: Terminal tables)."""
    widths, needed = _widths(columns, rows, width)
    if widths is None:
        return _blocks(title, columns, rows, width, needed)
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for w, (header, kind) in zip(widths, columns):
        if kind in _TEXT:
            t.add_column(header, width=w, overflow="fold")
        else:
            t.add_column(header, justify="right" if kind == "number" else "left", width=w, no_wrap=True)
    for row in rows:
        t.add_row(*[_name(cell, w) if kind == "name" else cell
                    for cell, w, (_, kind) in zip(row, widths, columns)])
    return t


def _target(r: IndicatorResult, locale: str) -> str:
    if not r.target_text:
        return "-"
    return localized(r.target_text, locale)


def indicator_table(ev: Evaluation, rows: list[tuple[int, IndicatorResult]], title: str, width: int = 80) -> RenderableType:
    columns = [("No", "number"), ("Indikator", "name"), ("Target", "number"), ("Realisasi", "number"),
               ("Capaian", "number"), ("Predikat", "text"), ("Status", "text")]
    return _table(title, columns, [
        [str(n), _two_lines(r.id + (f" ({r.unit})" if r.unit else ""), r.label), _target(r, ev.locale),
         display(r.realisasi, ev.locale), display(r.capaian, ev.locale, None), Text(r.predikat or "-"), _status(r)]
        for n, r in rows], width)


def aggregate_table(title: str, first: str, rows: list[AggregateResult], locale: str,
                    width: int = 80) -> RenderableType:
    columns = [(first, "name"), ("Capaian", "number"), ("Predikat", "text"), ("Status", "text"),
               ("Indikator", "number")]
    return _table(title, columns, [
        [_two_lines(r.id, r.label), display(r.capaian, locale, None), Text(r.predikat or "-"), _status(r),
         f"{len(r.items)}/{len(r.items) + len(r.excluded)}"] for r in rows], width)


def render_evaluation(ev: Evaluation, console: Console) -> None:
    console.print(Text(f"Catalog: {', '.join(ev.catalog)}   Data: {ev.data}   Periode: {ev.period}"
                       + (f"   Satker: {ev.office}" if ev.office else "")))
    policy = "; ".join(f"{k} {v.split(' (', 1)[0]}" for k, v in ev.policy.items())
    console.print(Text(f"Policy: {policy} (where each is declared: --json or explain)", style="dim"))
    numbered = list(enumerate(ev.indicators, start=1))
    main = [(n, r) for n, r in numbered if r.sasaran]
    other = [(n, r) for n, r in numbered if not r.sasaran]
    if main:
        console.print(indicator_table(ev, main, f"Capaian Kinerja {ev.period}", console.width))
    if other:
        console.print(indicator_table(ev, other, f"Indikator lain (anggaran, tanpa sasaran) {ev.period}",
                                      console.width))
    notes = [r for r in ev.indicators if r.status in ("missing", "incomplete", "error") or (r.status == "nihil" and r.reason)]
    for r in notes:
        console.print(Text(f"  {r.id}: ", style="bold") + Text(f"{r.status} — {r.reason}"))
    if ev.sasaran:
        console.print(aggregate_table("Capaian per Sasaran", "Sasaran", ev.sasaran, ev.locale, console.width))
    if ev.offices:
        console.print(aggregate_table("Capaian per Satker", "Satker", ev.offices, ev.locale, console.width))
    if ev.overall is not None:
        o = ev.overall
        console.print(Text("Capaian keseluruhan: ", style="bold") + Text(display(o.capaian, ev.locale, None))
                      + Text(f"  {o.predikat or '-'}  ({o.method})", style="dim"))
    for d in ev.diagnostics:
        console.print(Text(f"{d['file']}:{d['line']}: {d['severity']}[{d['code']}]: {d['message']}"))


def render_explanation(r: IndicatorResult, console: Console, locale: str) -> None:
    console.print(Text(f"{r.id} ", style="bold") + Text(r.label))
    console.print(Text(f"  periode {r.period}, satuan {r.unit or '-'}, arah {r.direction}, "
                       f"target {_target(r, locale)}"))
    for i, s in enumerate(r.steps, start=1):
        console.print(Text(f"  {i}. {s.step}: ", style="bold") + Text(step_text(s, locale)))
        if s.rule:  # which declaration decided this step, on a line of its own
            console.print(Text(f"     rule: {s.rule}", style="dim"))
    if r.components:
        rows = []
        for c in r.components:
            depth = c.path.count("/")
            name = Text("  " * depth + c.path.rsplit("/", 1)[-1], style="bold" if c.kind == "group" else "")
            rows.append([name, display(c.weight * 100, locale, 2) + "%" if c.weight is not None else "-",
                         display(c.value, locale, 4 if c.value is not None and c.kind == "component" else 3),
                         Text(node_text(c, locale))])
        console.print(_table("Komponen indeks", [
            ("Komponen", "wrap"), ("Bobot", "number"), ("Nilai", "number"), ("Perhitungan", "wrap")],
            rows, console.width))
    result = Text("  Hasil: ", style="bold") + Text(
        f"realisasi {display(r.realisasi, locale)}, capaian {display(r.capaian, locale, None)}, "
        f"predikat {r.predikat or '-'}, status ") + _status(r)
    console.print(result)
    if r.reason:
        console.print(Text(f"  {r.reason}"))


def render_audit(report: AuditReport, console: Console, locale: str, show_all: bool = False) -> None:
    rows, notes = [], []
    for r in report.rows:
        if r.verdict == "reproduced" and not show_all:
            continue
        places = len(r.printed.split(",", 1)[1].rstrip("%").strip()) if "," in r.printed else 0
        style = "green" if r.verdict == "reproduced" else "red" if r.verdict == "unexplained" else "yellow"
        rows.append([str(r.line), Text(f"{r.id} {r.measure}"), Text(r.printed),
                     display(r.recomputed, locale, places + 2 if r.recomputed is not None else None),
                     Text(r.verdict, style=style)])
        if r.explanation:
            notes.append((r.line, r.id, r.explanation))
    console.print(_table("Audit: dicetak vs dihitung ulang", [
        ("Baris", "number"), ("Angka", "wrap"), ("Dicetak", "number"), ("Dihitung", "number"), ("Kelas", "text")],
        rows, console.width))
    for line, ident, why in notes:
        console.print(Text(f"  L{line} {ident}: ", style="bold") + Text(localized(why, locale)))
    summary = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
    console.print(Text(f"{len(report.rows)} figures: {summary}"))


def render_diff(report: DiffReport, console: Console, locale: str) -> None:
    console.print(_table("Perubahan katalog", [
        ("Indikator", "wrap"), ("Perubahan", "text"), ("Lama", "wrap"), ("Baru", "wrap")],
        [[Text(c.id, style="bold"), Text(c.kind if c.kind != "changed" else c.field), Text(c.old or "-"),
          Text(c.new or "-")] for c in report.changes], console.width))
    if not report.changes:
        console.print(Text("no changes"))
    if report.effects:
        def side(value, status):  # a capaian and its status unless ok; without one, why (missing, absent)
            if value is None:
                return status or "absent"
            return display(value, locale, None) + (f" ({status})" if status not in ("ok", None) else "")

        console.print(_table(f"Dampak pada capaian {report.period}", [
            ("Tingkat", "text"), ("Id", "wrap"), ("Lama", "number"), ("Baru", "number"), ("Selisih", "number")],
            [[x.level, Text(x.id if not x.old_id else f"{x.old_id} -> {x.id}"), side(x.old, x.old_status),
              side(x.new, x.new_status), display(x.delta, locale, None)] for x in report.effects if x.changed],
            console.width))
        unchanged = sum(1 for x in report.effects if not x.changed)
        console.print(Text(f"{unchanged} unchanged (capaian and status)", style="dim"))


def render_kamus(table: KamusTable, console: Console) -> None:
    """The kamus indikator on a terminal: one entry per indicator, its fields one per line
    (sixteen columns do not fit 80), empty fields left out."""
    console.print(Text(table.title, style="bold"))
    for row in table.rows:
        cells = dict(zip(table.columns, row))
        console.print(Text(f"\n{cells['No']}. ", style="bold") + Text(str(cells["Kode"]), style="bold")
                      + Text(f"  {cells['Indikator']}"))
        for column in table.columns[3:]:
            value = cells[column]
            if value not in (None, ""):
                console.print(Text(f"   {column}: ", style="dim") + Text(str(value)))


def render_each_office(result: BulkResult, finished: Mapping[str, tuple[int, int]], catalog: Catalog, period: str,
                       console: Console, locale: str) -> None:
    """`eval --each-office` on a terminal: one line per office, its overall capaian and how many of
    its indicators have one (`finished`: office -> (with a capaian, all); the rows themselves go to
    --out or --json)."""
    offices = list(catalog.offices)
    overall = {m.office: m for m in result.means() if m.level == "overall"}
    rows = []
    for office in offices:
        m = overall.get(office)
        done, total = finished.get(office, (0, 0))
        rows.append([_two_lines(office, catalog.offices[office].label),
                     display(m.capaian if m else None, locale, None), Text((m.predikat if m else None) or "-"),
                     Text(m.status if m else "-", style=_STATUS_STYLE.get(m.status, "") if m else ""),
                     f"{done}/{total}"])
    console.print(_table(f"Capaian per satker {period} ({len(offices)} satker)",
                         [("Satker", "name"), ("Capaian", "number"), ("Predikat", "text"), ("Status", "text"),
                          ("Indikator", "number")], rows, console.width))
