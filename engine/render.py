"""Terminal tables (rich) for evaluations and explanations.

Column headers in Indonesian as the reports print them; numbers in Indonesian
notation unless `--locale en`. User text goes through `Text`, never markup, so an
indicator named `[IKU 1]` prints as written. No colour when not a terminal.
"""
from __future__ import annotations

from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .numbers import format_number, localized, shown
from .results import Evaluation, IndicatorResult

_STATUS_STYLE = {"ok": "green", "nihil": "cyan", "missing": "yellow", "error": "red",
                 "incomplete": "yellow", "empty": "dim"}


def display(value: Decimal | None, locale: str, digits: int | None = None) -> str:
    """Numbers for people: long fractions shortened for display only (JSON keeps them exact)."""
    if value is None:
        return "-"
    return format_number(shown(value, digits), locale)



def _status(r) -> Text:
    """The status; a nihil result says its treatment on a second line (achieved, excluded, zero)."""
    text = Text(r.status, style=_STATUS_STYLE.get(r.status, ""))
    if getattr(r, "nihil", None) and r.status == "nihil":
        text += Text(f"\n{r.nihil}", style="dim")
    return text


def _two_lines(head: str, label: str) -> Text:
    """An id on the first line, its name on the second; the column cuts each line with an
    ellipsis, so a row stays two lines high on an 80-column terminal."""
    return Text(head, style="bold") + Text(f"\n{label}")


def _table(title: str, columns: list[tuple[str, str]], rows: list[list], width: int) -> Table:
    """A table whose one `name` column takes what is left of `width` and cuts its lines with an
    ellipsis; every other column keeps the width of its longest cell, so numbers are never cut."""
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    widths = [max([len(header)] + [max(len(line) for line in str(row[k]).split("\n")) for row in rows])
              for k, (header, _) in enumerate(columns)]
    fixed = sum(w for w, (_, kind) in zip(widths, columns) if kind != "name")
    for w, (header, kind) in zip(widths, columns):
        if kind == "name":
            room = max(16, width - fixed - 3 * (len(columns) - 1) - 2)  # padding, dividers, edges
            t.add_column(header, min_width=min(w, room), max_width=room, no_wrap=True, overflow="ellipsis")
        else:
            t.add_column(header, justify="right" if kind == "number" else "left", no_wrap=True, min_width=w)
    for row in rows:
        t.add_row(*row)
    return t


def _target(r, locale: str) -> str:
    if not r.target_text:
        return "-"
    return localized(r.target_text, locale)


def indicator_table(ev: Evaluation, rows, title: str, width: int = 80) -> Table:
    columns = [("No", "number"), ("Indikator", "name"), ("Target", "number"), ("Realisasi", "number"),
               ("Capaian", "number"), ("Predikat", "text"), ("Status", "text")]
    return _table(title, columns, [
        [str(n), _two_lines(r.id + (f" ({r.unit})" if r.unit else ""), r.label), _target(r, ev.locale),
         display(r.realisasi, ev.locale), display(r.capaian, ev.locale, None), Text(r.predikat or "-"), _status(r)]
        for n, r in rows], width)


def aggregate_table(title: str, first: str, rows, locale: str, width: int = 80) -> Table:
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
    notes = [r for r in ev.indicators if r.status in ("missing", "error") or (r.status == "nihil" and r.reason)]
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
        console.print(Text(f"  {i}. {s.step}: ", style="bold") + Text(localized(s.detail, locale)))
        if s.rule:  # which declaration decided this step, on a line of its own
            console.print(Text(f"     rule: {s.rule}", style="dim"))
    if r.components:
        t = Table(title="Komponen indeks", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        t.add_column("Komponen", ratio=1)
        t.add_column("Bobot", justify="right", no_wrap=True)
        t.add_column("Nilai", justify="right", no_wrap=True)
        t.add_column("Perhitungan", ratio=1)
        for c in r.components:
            depth = c.path.count("/")
            name = Text("  " * depth + c.path.rsplit("/", 1)[-1], style="bold" if c.kind == "group" else "")
            t.add_row(name, display(c.weight * 100, locale, 2) + "%" if c.weight is not None else "-",
                      display(c.value, locale, 4 if c.value is not None and c.kind == "component" else 3),
                      Text(localized(c.detail, locale)))
        console.print(t)
    result = Text("  Hasil: ", style="bold") + Text(
        f"realisasi {display(r.realisasi, locale)}, capaian {display(r.capaian, locale, None)}, "
        f"predikat {r.predikat or '-'}, status ") + _status(r)
    console.print(result)
    if r.reason:
        console.print(Text(f"  {r.reason}"))


def render_audit(report, console: Console, locale: str, show_all: bool = False) -> None:
    t = Table(title="Audit: dicetak vs dihitung ulang", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    t.add_column("Baris", justify="right", no_wrap=True)
    t.add_column("Angka", ratio=1, min_width=16)
    t.add_column("Dicetak", justify="right", no_wrap=True)
    t.add_column("Dihitung", justify="right", no_wrap=True)
    t.add_column("Kelas", no_wrap=True)
    notes = []
    for r in report.rows:
        if r.verdict == "reproduced" and not show_all:
            continue
        places = len(r.printed.split(",", 1)[1].rstrip("%").strip()) if "," in r.printed else 0
        style = "green" if r.verdict == "reproduced" else "red" if r.verdict == "unexplained" else "yellow"
        t.add_row(str(r.line), Text(f"{r.id} {r.measure}"), Text(r.printed),
                  display(r.recomputed, locale, places + 2 if r.recomputed is not None else None),
                  Text(r.verdict, style=style))
        if r.explanation:
            notes.append((r.line, r.id, r.explanation))
    console.print(t)
    for line, ident, why in notes:
        console.print(Text(f"  L{line} {ident}: ", style="bold") + Text(localized(why, locale)))
    summary = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
    console.print(Text(f"{len(report.rows)} figures: {summary}"))


def render_diff(report, console: Console, locale: str) -> None:
    t = Table(title="Perubahan katalog", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    t.add_column("Indikator", ratio=1, min_width=12)
    t.add_column("Perubahan", no_wrap=True)
    t.add_column("Lama", ratio=1)
    t.add_column("Baru", ratio=1)
    for c in report.changes:
        what = c.kind if c.kind != "changed" else c.field
        t.add_row(Text(c.id, style="bold"), Text(what), Text(c.old or "-"), Text(c.new or "-"))
    console.print(t)
    if not report.changes:
        console.print(Text("no changes"))
    if report.effects:
        e = Table(title=f"Dampak pada capaian {report.period}", box=box.SIMPLE_HEAD, title_justify="left",
                  pad_edge=False)
        e.add_column("Tingkat", no_wrap=True)
        e.add_column("Id", ratio=1)
        e.add_column("Lama", justify="right", no_wrap=True)
        e.add_column("Baru", justify="right", no_wrap=True)
        e.add_column("Selisih", justify="right", no_wrap=True)
        for x in report.effects:
            if x.delta == 0:
                continue
            e.add_row(x.level, Text(x.id), display(x.old, locale, None), display(x.new, locale, None),
                      display(x.delta, locale, None))
        console.print(e)
        unchanged = sum(1 for x in report.effects if x.delta == 0)
        console.print(Text(f"{unchanged} unchanged", style="dim"))


def render_kamus(table, console: Console) -> None:
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
