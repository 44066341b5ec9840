"""Terminal tables (rich) for evaluations and explanations.

Every word in the run's language (kinerja_dsl/messages.py: Indonesian unless `--lang en`), column
headers as the reports print them; numbers in the notation of `--locale` (that of the language
unless given). User text goes through `Text`, never markup, so an indicator named `[IKU 1]`
prints as written. No colour when not a terminal.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from kinerja_dsl.messages import language, t, tn

from .narrate import node_text, step_text
from ..words import (change_word, direction_word, level_word, measure_word, method_text, rule_text, nihil_word, status_word, step_name,
                     verdict_word)
from ..numbers import format_number, localized, shown
from ..periods import Period, PeriodError
from ..evaluation.results import AggregateResult, Evaluation, IndicatorResult

if TYPE_CHECKING:  # the reports a renderer shows; imported for their types only
    from collections.abc import Mapping, Sequence

    from kinerja_dsl.catalog import Catalog, TargetSpec

    from ..evaluation.columnar import BulkResult
    from ..reports.audit import AuditReport, AuditRow
    from ..reports.diff import DiffReport
    from ..reports.monitor import IndicatorCell, MeanCell, Monitoring
    from ..reports.pk import TargetComparison
    from ..reports.tables import Table as KamusTable

_STATUS_STYLE = {"ok": "green", "nihil": "cyan", "missing": "yellow", "error": "red",
                 "incomplete": "yellow", "empty": "dim"}


def period_title(label: str, locale: str | None = None) -> str:
    """A period label as a report names it, in the run's language (words, not number notation):
    `2024-sd-TW3` -> `s.d. TW III 2024` (en: `to Q3 2024`)."""
    try:
        return Period.parse(label).title(language())
    except PeriodError:
        return label


def display(value: Decimal | None, locale: str, digits: int | None = None) -> str:
    """Numbers for people: long fractions shortened for display only (JSON keeps them exact)."""
    if value is None:
        return "-"
    return format_number(shown(value, digits), locale)



_STATUS_WIDTH = 10  # a status's words wrap at this width: the Status column stays as narrow as `incomplete`


def _narrow(words: str) -> str:
    """A status's words on lines of at most `_STATUS_WIDTH` (a longer word stays whole): `tidak\ntercapai`.
    Rows are two lines high already (id and label), so the column need not widen the table."""
    import textwrap

    return "\n".join(textwrap.wrap(words, _STATUS_WIDTH, break_long_words=False, break_on_hyphens=False)) or words


def _status(r: IndicatorResult | AggregateResult) -> Text:
    """The status; a nihil result says its treatment on a second line (achieved, excluded, zero)."""
    return _status_of(r.status, r.nihil if isinstance(r, IndicatorResult) else None, r.capaian)


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
        if first is not None:
            parts.append(row[first] if isinstance(row[first], Text) else Text(str(row[first])))
        parts += _packed(columns, row, {*lead, first}, body_width)
        if n:
            grid.add_row(*([""] if lead else []), "")
        grid.add_row(*([Text(" ").join(_one_line(row[k]) for k in lead)] if lead else []), Group(*parts))
    note = Text(t("(one block per row: the table needs {needed} columns, this terminal has {width})",
                  needed=needed, width=width), style="dim")
    return Group(Text(title), note, Text(""), grid, Text(""))


def _packed(columns: list[tuple[str, str]], row: list, skip: set[int | None], width: int) -> list[Text]:
    """A row's cells as `Header value` pairs (those not in `skip`): figures packed into lines of
    at most `width`, never split inside a pair; a text column (`name`, `wrap`) on a line of its own."""
    parts: list[Text] = []
    line = Text()
    for k, (header, kind) in enumerate(columns):
        if k in skip:
            continue
        cell = row[k] if isinstance(row[k], Text) else Text(str(row[k]))
        pair = Text.assemble((f"{header} ", "dim"), _one_line(cell))
        if kind in _TEXT or (line.plain and cell_len(line.plain) + 3 + cell_len(pair.plain) > width):
            if line.plain:
                parts.append(line)
            line = Text()
        if kind in _TEXT:
            parts.append(pair)
        elif cell_len(pair.plain) > width:  # the value on a line of its own, not wrapped
            parts += [Text(header, style="dim"), _one_line(cell)]
        else:
            line = line + Text("   ") + pair if line.plain else pair
    if line.plain:
        parts.append(line)
    return parts


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
    return _rich_table(columns, widths, rows, title)


def _rich_table(columns: list[tuple[str, str]], widths: list[int], rows: list[list],
                title: str | None = None) -> Table:
    """The rich table of columns at their widths: numbers right-aligned and never wrapped, text
    folded, names shortened to fit (`_name`)."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for w, (header, kind) in zip(widths, columns):
        if kind in _TEXT:
            table.add_column(header, width=w, overflow="fold")
        else:
            table.add_column(header, justify="right" if kind == "number" else "left", width=w, no_wrap=True)
    for row in rows:
        table.add_row(*[_name(cell, w) if kind == "name" else cell for cell, w, (_, kind) in zip(row, widths, columns)])
    return table


def _target(r: IndicatorResult, locale: str) -> str:
    if not r.target_text:
        return "-"
    return localized(r.target_text, locale)


def indicator_table(ev: Evaluation, rows: list[tuple[int, IndicatorResult]], title: str, width: int = 80) -> RenderableType:
    columns = [(t("No"), "number"), (t("Indicator"), "name"), (t("Target"), "number"), (t("Realisasi"), "number"),
               (t("Capaian"), "number"), (t("Predikat"), "text"), (t("Status"), "text")]
    return _table(title, columns, [
        [str(n), _two_lines(r.id + (f" ({r.unit})" if r.unit else ""), r.label), _target(r, ev.locale),
         display(r.realisasi, ev.locale), display(r.capaian, ev.locale, None), Text(r.predikat or "-"), _status(r)]
        for n, r in rows], width)


def aggregate_table(title: str, first: str, rows: list[AggregateResult], locale: str,
                    width: int = 80) -> RenderableType:
    columns = [(first, "name"), (t("Capaian"), "number"), (t("Predikat"), "text"), (t("Status"), "text"),
               (t("Indicators"), "number")]
    return _table(title, columns, [
        [_two_lines(r.id, r.label), display(r.capaian, locale, None), Text(r.predikat or "-"), _status(r),
         f"{len(r.items)}/{len(r.items) + len(r.excluded)}"] for r in rows], width)


def _policy_line(policy: Mapping[str, str]) -> Text:
    said = "; ".join(f"{k} {v.split(' (', 1)[0]}" for k, v in policy.items())
    return Text(t("Policy: {policy} (where each is declared: --json or explain)", policy=said), style="dim")


def render_evaluation(ev: Evaluation, console: Console) -> None:
    when = period_title(ev.period, ev.locale)
    console.print(_heading(ev.catalog, ev.data, when, ev.office))
    console.print(_policy_line(ev.policy))
    numbered = list(enumerate(ev.indicators, start=1))
    main = [(n, r) for n, r in numbered if r.sasaran]
    other = [(n, r) for n, r in numbered if not r.sasaran]
    if main:
        console.print(indicator_table(ev, main, t("Capaian Kinerja {period}", period=when), console.width))
    if other:
        console.print(indicator_table(ev, other, t("Other indicators (budget, without a sasaran) {period}",
                                                   period=when), console.width))
    notes = [r for r in ev.indicators if r.status in ("missing", "incomplete", "error") or (r.status == "nihil" and r.reason)]
    for r in notes:
        console.print(Text(f"  {r.id}: ", style="bold") + Text(f"{status_word(r.status)} — {r.reason}"))
    if ev.sasaran:
        console.print(aggregate_table(t("Capaian per Sasaran"), t("Sasaran"), ev.sasaran, ev.locale, console.width))
    if ev.offices:
        console.print(aggregate_table(t("Capaian per Satker"), t("Satker"), ev.offices, ev.locale, console.width))
    if ev.overall is not None:
        o = ev.overall
        console.print(Text(t("Overall capaian: "), style="bold") + Text(display(o.capaian, ev.locale, None))
                      + Text(f"  {o.predikat or '-'}  ({method_text(o.method)})", style="dim"))
    for d in ev.diagnostics:
        console.print(Text(f"{d['file']}:{d['line']}: {d['severity']}[{d['code']}]: {d['message']}"))


def _heading(catalog: list[str], data: str, when: str, office: str | None) -> Text:
    """The line above a run's tables: what was read, for which period and office."""
    line = t("Catalog: {catalog}   Data: {data}   Period: {period}", catalog=", ".join(catalog), data=data,
             period=when)
    return Text(line + (t("   Satker: {office}", office=office) if office else ""))


def render_explanation(r: IndicatorResult, console: Console, locale: str, family: str | None = None) -> None:
    console.print(Text(f"{r.id} ", style="bold") + Text(r.label))
    if family:  # an indicator expanded from a template: where its text stands
        console.print(Text("  " + t("from template: {instance}", instance=family), style="dim"))
    console.print(Text("  " + t("period {period}, unit {unit}, direction {direction}, target {target}",
                                period=period_title(r.period), unit=r.unit or "-",
                                direction=direction_word(r.direction), target=_target(r, locale))))
    for i, s in enumerate(r.steps, start=1):
        console.print(Text(f"  {i}. {step_name(s.step)}: ", style="bold") + Text(step_text(s, locale)))
        if s.rule:  # which declaration decided this step, on a line of its own
            console.print(Text("     " + t("rule: {rule}", rule=rule_text(s.rule)), style="dim"))
    if r.components:
        rows = []
        for c in r.components:
            depth = c.path.count("/")
            name = Text("  " * depth + c.path.rsplit("/", 1)[-1], style="bold" if c.kind == "group" else "")
            rows.append([name, display(c.weight * 100, locale, 2) + "%" if c.weight is not None else "-",
                         display(c.value, locale, 4 if c.value is not None and c.kind == "component" else 3),
                         Text(node_text(c, locale))])
        console.print(_table(t("Index components"), [
            (t("Component"), "wrap"), (t("Weight"), "number"), (t("Value"), "number"), (t("Computation"), "wrap")],
            rows, console.width))
    result = Text("  " + t("Result: "), style="bold") + Text(t(
        "realisasi {realisasi}, capaian {capaian}, predikat {predikat}, status ",
        realisasi=display(r.realisasi, locale), capaian=display(r.capaian, locale, None),
        predikat=r.predikat or "-")) + _status(r)
    console.print(result)
    if r.reason:
        console.print(Text(f"  {r.reason}"))


def render_audit(report: AuditReport, console: Console, locale: str, show_all: bool = False) -> None:
    """One table per period the figures are of (titled with it when there are several, earliest
    first), each with its notes and counts; then the counts of all of them."""
    from ..reports.audit import beside

    periods = list(dict.fromkeys(r.period for r in report.rows)) or [None]
    for period in periods:
        rows, notes = [], []
        audited = [r for r in report.rows if r.period == period]
        for r in audited:
            if r.verdict == "reproduced" and not show_all:
                continue
            places = _printed_places(r.printed)
            style = "green" if r.verdict == "reproduced" else "red" if r.verdict == "unexplained" else "yellow"
            # at the printed places, beside the printed figure; the note gives the digits that decide
            figure = f"{r.id} {measure_word(r.measure)}" + (f" @{r.unit}" if r.unit else "")
            rows.append([str(r.line), Text(figure), Text(r.printed),
                         "-" if r.recomputed is None else format_number(beside(r.recomputed, places), locale),
                         Text(verdict_word(r.verdict), style=style)])
            if r.explanation:
                notes.append((r.line, r.id, r.explanation))
        title = t("Audit: printed vs recomputed")
        if not rows and len(periods) > 1 and period:  # a year whose every figure is reproduced: its counts say so
            _audit_counts(console, audited, f"{period_title(period)} ")
            continue
        console.print(_table(f"{title} {period_title(period)}" if len(periods) > 1 and period else title, [
            (t("Line"), "number"), (t("Figure"), "wrap"), (t("Printed"), "number"), (t("Recomputed"), "number"),
            (t("Class"), "text")], rows, console.width))
        for line, ident, why in notes:
            console.print(Text(f"  L{line} {ident}: ", style="bold") + Text(localized(why, locale)))
        if len(periods) > 1 and period:
            _audit_counts(console, audited, f"{period_title(period)} ")
    _audit_counts(console, report.rows)
    per_office = [r for r in report.rows if r.unit]
    if per_office:  # the per-office tables' rows, counted apart (each row also names its office)
        offices = len({r.unit for r in per_office})
        _audit_counts(console, per_office, tn("of which per office ({n} office): ", "of which per office ({n} offices): ",
                                              offices))


def render_target_sources(rows: Sequence[TargetComparison], year: int | None, console: Console) -> None:
    """validate-pk's table: per indicator whose targets differ, the catalog's, the PK's (with its
    line) and the Renstra's for the PK's year, side by side; a source without one shows -."""
    locale = "id" if language() == "id" else "en"

    def cell(x: TargetSpec | None) -> str:
        return "-" if x is None else localized(x.text, locale)

    table = [[Text(r.indicator), cell(r.catalog), f"{cell(r.pk)} (L{r.line})", cell(r.renstra)]
             for r in rows if r.differs]
    console.print(_table(t("Targets for {year} that differ", year=year), [
        (t("Indicator"), "wrap"), (t("Catalog"), "number"), (t("PK"), "number"), (t("Renstra"), "number")],
        table, console.width))


def _printed_places(printed: str) -> int:
    """The decimal places of a printed figure, as the published file reads it ("3,10" 2, "91%" 0)."""
    from ..readers.published import printed_number

    return printed_number(printed)[1]


def _audit_counts(console: Console, rows: list[AuditRow], before: str = "") -> None:
    """`N figures: reproduced n, …` of `rows`, in the order of the classes."""
    from ..reports.audit import CLASSES

    counts = {c: sum(1 for r in rows if r.verdict == c) for c in CLASSES}
    summary = ", ".join(f"{verdict_word(k)} {v}" for k, v in counts.items() if v)
    console.print(Text(before + t("{figures}: {summary}", figures=tn("{n} figure", "{n} figures", len(rows)),
                                  summary=summary)))


def render_diff(report: DiffReport, console: Console, locale: str) -> None:
    console.print(_table(t("Catalog changes"), [
        (t("Indicator"), "wrap"), (t("Change"), "text"), (t("Old"), "wrap"), (t("New"), "wrap")],
        [[Text(c.id, style="bold"), Text(change_word(c.kind) if c.kind != "changed" else (c.field or "")),
          Text(c.old or "-"), Text(c.new or "-")] for c in report.changes], console.width))
    if not report.changes:
        console.print(Text(t("no changes")))
    if report.effects:
        def side(value, status):  # a capaian and its status unless ok; without one, why (missing, absent)
            if value is None:
                return status_word(status) if status else t("absent")
            return display(value, locale, None) + (f" ({status_word(status)})" if status not in ("ok", None) else "")

        console.print(_table(t("Effect on capaian {period}", period=period_title(report.period or "")), [
            (t("Level"), "text"), (t("Id"), "wrap"), (t("Old"), "number"), (t("New"), "number"),
            (t("Difference"), "number")],
            [[level_word(x.level), Text(x.id if not x.old_id else f"{x.old_id} -> {x.id}"), side(x.old, x.old_status),
              side(x.new, x.new_status), display(x.delta, locale, None)] for x in report.effects if x.changed],
            console.width))
        unchanged = sum(1 for x in report.effects if not x.changed)
        console.print(Text(tn("{n} unchanged (capaian and status)", "{n} unchanged (capaian and status)", unchanged),
                           style="dim"))


def render_kamus(table: KamusTable, console: Console) -> None:
    """The kamus indikator on a terminal: one entry per indicator, its fields one per line
    (sixteen columns do not fit 80), empty fields left out."""
    console.print(Text(table.title, style="bold"))
    for row in table.rows:  # No, Kode and Indikator head the entry (kamus_table's first three columns)
        console.print(Text(f"\n{row[0]}. ", style="bold") + Text(str(row[1]), style="bold")
                      + Text(f"  {row[2]}"))
        for column, value in zip(table.columns[3:], row[3:]):
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
                     Text(status_word(m.status, m.capaian) if m else "-",
                          style=_STATUS_STYLE.get(m.status, "") if m else ""),
                     f"{done}/{total}"])
    console.print(_table(t("Capaian per satker {period} ({offices})", period=period_title(period),
                           offices=tn("{n} satker", "{n} satker", len(offices))),
                         [(t("Satker"), "name"), (t("Capaian"), "number"), (t("Predikat"), "text"),
                          (t("Status"), "text"), (t("Indicators"), "number")], rows, console.width))


# ---- the monitoring view (`eval --by`): the season's periods side by side ----------------------

def _indicator_columns() -> list[tuple[str, str]]:
    return [(t("Target"), "number"), (t("Realisasi"), "number"), (t("Capaian"), "number"), (t("Predikat"), "text"),
            (t("Status"), "text")]


def _mean_columns() -> list[tuple[str, str]]:
    return [(t("Capaian"), "number"), (t("Predikat"), "text"), (t("Status"), "text"), (t("Indicators"), "number")]


def _status_of(status: str, nihil: str | None = None, capaian: Decimal | None = None) -> Text:
    """A cell's status; a nihil result says its treatment on a second line, as in `eval`."""
    text = Text(_narrow(status_word(status, capaian)), style=_STATUS_STYLE.get(status, ""))
    if nihil and status == "nihil":
        text += Text(f"\n{_narrow(nihil_word(nihil))}", style="dim")
    return text


def _indicator_cells(c: IndicatorCell, locale: str) -> list:
    return [localized(c.target_text, locale) if c.target_text else "-", display(c.realisasi, locale),
            display(c.capaian, locale, None), Text(c.predikat or "-"), _status_of(c.status, c.nihil, c.capaian)]


def _mean_cells(c: MeanCell, locale: str) -> list:
    return [display(c.capaian, locale, None), Text(c.predikat or "-"), _status_of(c.status, capaian=c.capaian),
            f"{len(c.items)}/{len(c.items) + len(c.excluded)}"]


class _Spanned:
    """A table whose blank top edge (box.SIMPLE_HEAD) carries the titles of its column groups."""

    def __init__(self, table: Table, line: Text):
        self.table, self.line = table, line

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        lines = console.render_lines(self.table, options, pad=False)
        head = console.render_lines(self.line, options.update(no_wrap=True, overflow="ignore"), pad=False)[:1]
        for line in head + lines[1:]:
            yield from line
            yield Segment.line()


def _side_by_side(title: str, lead: list[tuple[str, str]], sub: list[tuple[str, str]], titles: list[str],
                  rows: list[list], width: int) -> tuple[RenderableType | None, int]:
    """The periods side by side: the `lead` columns, then the `sub` columns once per period under
    the period's title. None (and the width needed) when it does not fit `width`."""
    columns = lead + [column for _ in titles for column in sub]
    widths, needed = _widths(columns, rows, width)
    if widths is None:
        return None, needed
    spans = []
    for g, name in enumerate(titles):  # a group is never narrower than its title: the last column gives
        first = len(lead) + g * len(sub)
        last = first + len(sub) - 1
        span = sum(widths[first:last + 1]) + 3 * (len(sub) - 1)
        if span < cell_len(name) + 2:
            widths[last] += cell_len(name) + 2 - span
        spans.append((first, last))
    if sum(widths) + 3 * len(columns) - 1 > width:
        return None, sum(widths) + 3 * len(columns) - 1
    table = _rich_table(columns, widths, rows)
    starts = [1 + sum(widths[:k]) + 3 * k for k in range(len(columns))]  # the edge, then width + 3 per column
    line = Text(" " * (starts[-1] + widths[-1] + 1))
    for name, (first, last) in zip(titles, spans):
        begin, end = starts[first], starts[last] + widths[last]
        fill = end - begin - cell_len(name) - 2
        left = fill // 2
        line = line[:begin] + Text("─" * left + " ", style="dim") + Text(name, style="bold") + Text(
            " " + "─" * (fill - left), style="dim") + line[end:]
    return Group(Text(title, style="italic"), _Spanned(table, line)), needed


def _per_period(title: str, noun: str, lead: list[tuple[str, str]], sub: list[tuple[str, str]],
                titles: list[str], rows: list[list], width: int, needed: int) -> RenderableType:
    """The periods one under another, for a terminal narrower than the side-by-side table: one block
    per row (its number beside it, its id and whole label, then one line per period under a header
    of the `sub` columns); narrower still, each period's figures as `Header value` pairs. No
    figure is cut or left out."""
    numbers = [k for k, (_, kind) in enumerate(lead) if kind not in _TEXT]
    named = next(k for k, (_, kind) in enumerate(lead) if kind in _TEXT)
    lead_width = max([cell_len(_one_line(row[k]).plain) for row in rows for k in numbers] or [0])
    body_width = max(1, width - (lead_width + 1 if numbers else 0))
    columns = [(t("Period"), "text"), *sub]
    lines = [[Text(name, style="bold"), *row[len(lead) + g * len(sub):len(lead) + (g + 1) * len(sub)]]
             for row in rows for g, name in enumerate(titles)]
    natural = [max([cell_len(header)] + [cell_len(part) for line in lines for part in _plain_lines(line[k])])
               for k, (header, _) in enumerate(columns)]
    fits = sum(natural) + 2 * (len(columns) - 1) <= body_width
    grid = Table.grid(padding=(0, 1) if numbers else 0)
    if numbers:
        grid.add_column(justify="right", no_wrap=True, width=lead_width)
    grid.add_column(overflow="fold", max_width=body_width)
    for n, row in enumerate(rows):
        parts: list[RenderableType] = [row[named] if isinstance(row[named], Text) else Text(str(row[named]))]
        mine = lines[n * len(titles):(n + 1) * len(titles)]
        if fits:
            grid_rows = Table(box=None, pad_edge=False, padding=(0, 1), show_header=True, header_style="dim")
            for w, (header, kind) in zip(natural, columns):
                grid_rows.add_column(header, justify="right" if kind == "number" else "left", width=w, no_wrap=True)
            for line in mine:
                grid_rows.add_row(*line)
            parts.append(grid_rows)
        else:
            for line in mine:
                parts.append(line[0])
                parts += [Text("  ") + pair for pair in _packed(columns, line, {0}, max(1, body_width - 2))]
        if n:
            grid.add_row(*([""] if numbers else []), "")
        grid.add_row(*([Text(" ").join(_one_line(row[k]) for k in numbers)] if numbers else []), Group(*parts))
    how = t("one line per period") if fits else t("its figures per period")
    note = Text(t("(one block per {noun}, {how}: side by side the periods need {needed} columns, this terminal "
                  "has {width})", noun=noun, how=how, needed=needed, width=width), style="dim")
    return Group(Text(title, style="italic"), note, Text(""), grid, Text(""))


def _periods_table(title: str, noun: str, lead: list[tuple[str, str]], sub: list[tuple[str, str]],
                   titles: list[str], rows: list[list], width: int) -> RenderableType:
    """Side by side when that fits `width`, else one block per row (see `_per_period`)."""
    wide, needed = _side_by_side(title, lead, sub, titles, rows, width)
    return wide if wide is not None else _per_period(title, noun, lead, sub, titles, rows, width, needed)


def render_monitoring(m: Monitoring, console: Console) -> None:
    """`eval --by` on a terminal: per indicator (numbered and split as `eval` shows them) its target,
    realisasi, capaian, predikat and status in each period of the view; then the sasaran, satker and
    overall capaian per period; then what is missing, incomplete or in error, per period."""
    from ..reports.monitor import view_title

    locale, width = m.locale, console.width
    when = view_title(m)
    titles = [p.title for p in m.periods]
    console.print(_heading(m.catalog, m.data, when, m.office))
    console.print(Text(t("Cumulative: {periods}", periods=", ".join(titles)), style="dim"))
    console.print(_policy_line(m.policy))
    lead = [(t("No"), "number"), (t("Indicator"), "name")]
    numbered = list(enumerate(m.indicators, start=1))
    for rows, title in (([(n, r) for n, r in numbered if r.sasaran], t("Capaian Kinerja {period}", period=when)),
                        ([(n, r) for n, r in numbered if not r.sasaran],
                         t("Other indicators (budget, without a sasaran) {period}", period=when))):
        if rows:
            console.print(_periods_table(title, t("indicator"), lead, _indicator_columns(), titles, [
                [str(n), _two_lines(r.id + (f" ({r.unit})" if r.unit else ""), r.label),
                 *[x for c in r.cells for x in _indicator_cells(c, locale)]] for n, r in rows], width))
    for r in m.indicators:
        for p, c in zip(m.periods, r.cells):
            if c.status != "ok" and c.reason:
                console.print(Text(f"  {r.id} {p.title}: ", style="bold") + Text(f"{status_word(c.status)} — {c.reason}"))
    means = [(t("Capaian per Sasaran"), t("sasaran"), t("Sasaran"), m.sasaran),
             (t("Capaian per Satker"), t("satker"), t("Satker"), m.offices)]
    for title, noun, first, found in means:
        if found:
            console.print(_periods_table(title, noun, [(first, "name")], _mean_columns(), titles, [
                [_two_lines(a.id, a.label), *[x for c in a.cells for x in _mean_cells(c, locale)]] for a in found],
                width))
    if m.overall is not None:
        o = m.overall
        console.print(_periods_table(t("Overall capaian"), t("row"), [(t("Level"), "name")], _mean_columns(), titles, [
            [_two_lines(t("Overall"), method_text(o.method)), *[x for c in o.cells for x in _mean_cells(c, locale)]]], width))
    for d in m.diagnostics:
        console.print(Text(f"{d['file']}:{d['line']}: {d['severity']}[{d['code']}]: {d['message']}"))
