"""The LKjIP tables and the data template as plain rows, and their CSV and Markdown forms.

A table is a name (the sheet it goes to), column headers as the reports print them and
rows of cells: text, a whole number or an exact Decimal (already shortened as the
terminal shows it, so every format prints the same figure), None for empty. No
dependency beyond the standard library: the .xlsx form is in engine/rendering/workbook.py.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from kinerja_dsl.catalog import Catalog, Field, Indicator, TargetSpec, quantized
from kinerja_dsl.messages import N_, language, t
from kinerja_dsl.vocabulary import FieldKind

from ..numbers import format_number, localized, shown
from ..periods import Kind, Period, PeriodError
from ..evaluation.results import AggregateResult, Evaluation, IndicatorResult, Op
from ..words import direction_word, level_word, method_text, nihil_word, status_text, status_word

if TYPE_CHECKING:  # the bulk result's type only: reading it needs no numpy here
    from ..evaluation.columnar import BulkResult

Cell = str | int | Decimal | None


@dataclass
class Table:
    name: str                 # sheet key: Indikator, Sasaran, Keseluruhan, Anggaran, Realisasi (words.sheet_name titles it)
    title: str                # a caption for Markdown and CSV, in the run's language
    columns: list[str]        # headers in the run's language (a template's are its fixed layout)
    rows: list[list[Cell]] = field(default_factory=list)
    amounts: frozenset[str] = frozenset()  # columns of Rupiah amounts (whole numbers, thousands grouped)


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else shown(value)


def _percent(value: Decimal | None) -> Decimal | None:
    """Serapan and efisiensi: percentages (points) with 2 places, as Tabel 114 prints them."""
    return None if value is None else shown(value, 2)


def _status(r: IndicatorResult) -> str:
    """The status in words: `tercapai`, `nihil (tidak dihitung)`, `data tidak ada` (JSON keeps the codes)."""
    return status_text(r.status, r.nihil, r.capaian)


def _target(r: IndicatorResult) -> Cell:
    """A single target as a number; a range target ("80 .. 90") stays text."""
    if r.target is not None and r.target_text and re.fullmatch(r"-?\d+(\.\d+)?", r.target_text.strip()):
        return r.target
    return r.target_text


def _step(r: IndicatorResult, op: Op) -> Decimal | None:
    """The value an operation of the evaluation gave (the pagu is a budget line's denominator)."""
    return next((s.value for s in r.steps if s.step == op), None)


def budget_lines(ev: Evaluation, catalog: Catalog) -> list[IndicatorResult]:
    """Indicators without a sasaran whose numerator and denominator are single amount fields:
    realisasi anggaran / pagu, i.e. serapan (the BUDGET.*.serapan lines of Tabel 114)."""
    out = []
    for r in ev.indicators:
        ind = catalog.indicators.get(r.id)
        if r.sasaran or ind is None:
            continue
        # the compiled readers say which field a bare-field formula reads (no formula text parsed)
        names = [getattr(ind.numerator, "field", None), getattr(ind.denominator, "field", None)]
        fields = [catalog.fields.get(name) for name in names if name is not None]
        if len(fields) == 2 and all(f is not None and f.kind == FieldKind.AMOUNT for f in fields):
            out.append(r)
    return out


def period_title(label: str, locale: str | None = None) -> str:
    """A period label as a report names it, in the run's language (`2024-sd-TW3` -> `s.d. TW III
    2024`, en `to Q3 2024`); a text that is no period label is shown as it is."""
    try:
        return Period.parse(label).title(language())
    except PeriodError:
        return label


def budget_owner(ev: Evaluation, catalog: Catalog, line: IndicatorResult) -> IndicatorResult | AggregateResult | None:
    """The result whose budget a serapan line is (`budget_of`): a sasaran's mean, or one indicator's
    result (a sasaran of that id first, as the checker reads the name)."""
    ind = catalog.indicators.get(line.id)
    owner = ind.budget_of if ind is not None else None
    if not owner:
        return None
    if owner in catalog.sasaran:
        return next((s for s in ev.sasaran if s.id == owner), None)
    return next((r for r in ev.indicators if r.id == owner), None)


def budgets_by_indicator(ev: Evaluation, catalog: Catalog) -> dict[str, IndicatorResult]:
    """The serapan line of each indicator that declares one (`budget_of` an indicator)."""
    out = {}
    for line in budget_lines(ev, catalog):
        owner = catalog.indicators[line.id].budget_of
        if owner and owner not in catalog.sasaran and owner in catalog.indicators:
            out[owner] = line
    return out


def lkjip_tables(ev: Evaluation, catalog: Catalog, when: str | None = None) -> list[Table]:
    """Indikator, Sasaran, Keseluruhan and Anggaran, as the LKjIP prints them; titled with the
    period as a report names it (`s.d. TW III 2024`), or `when`."""
    when = when or period_title(ev.period, ev.locale)
    sasaran = {s.id: s for s in ev.sasaran}
    budget = budget_lines(ev, catalog)
    budget_ids = {r.id for r in budget}
    funded = budgets_by_indicator(ev, catalog)  # per-indicator budgets: three more columns
    money = [t("Pagu"), t("Budget realisasi"), t("Serapan")] if funded else []
    indikator = Table("Indikator", t("Capaian Kinerja {period}", period=when),
                      [t("No"), t("Code"), t("Sasaran"), t("Indicator"), t("Unit"), t("Target"), t("Realisasi"),
                       t("Capaian"), t("Predikat"), t("Status"), *money, t("Notes")],
                      amounts=frozenset(money[:2]))
    # the PK indicators first, then the other indicators without a sasaran (budget scores)
    rows = [r for r in ev.indicators if r.sasaran] + [r for r in ev.indicators
                                                     if not r.sasaran and r.id not in budget_ids]
    for n, r in enumerate(rows, start=1):
        label = sasaran[r.sasaran].label if r.sasaran in sasaran else (r.sasaran or "")
        line = funded.get(r.id)
        spent = ([_step(line, Op.DENOMINATOR), _step(line, Op.NUMERATOR), _percent(line.realisasi)] if line
                 else [None, None, None]) if funded else []
        indikator.rows.append([n, r.id, label, r.label, r.unit, _target(r), _number(r.realisasi),
                               _number(r.capaian), r.predikat, _status(r), *spent, r.reason])
    per_sasaran = Table("Sasaran", t("Capaian per Sasaran {period}", period=when),
                        [t("No"), t("Code"), t("Sasaran"), t("Capaian"), t("Predikat"), t("Status"), t("Indicators")])
    for n, s in enumerate(ev.sasaran, start=1):
        per_sasaran.rows.append([n, s.id, s.label, _number(s.capaian), s.predikat, status_word(s.status, s.capaian),
                                 f"{len(s.items)}/{len(s.items) + len(s.excluded)}"])
    overall = Table("Keseluruhan", t("Capaian per Satker and overall {period}", period=when),
                    [t("Level"), t("Code"), t("Description"), t("Capaian"), t("Predikat"), t("Status"), t("Method")])
    for o in ev.offices:
        overall.rows.append([t("Satker"), o.id, o.label, _number(o.capaian), o.predikat,
                             status_word(o.status, o.capaian), method_text(o.method)])
    if ev.overall is not None:
        o = ev.overall
        overall.rows.append([t("Overall"), "", t("Overall capaian"), _number(o.capaian), o.predikat,
                             status_word(o.status, o.capaian), method_text(o.method)])
    anggaran = Table("Anggaran", t("Budget realisation {period}", period=when),
                     [t("No"), t("Code"), t("Description"), t("Pagu"), t("Realisasi"), t("Serapan"), t("Funds"),
                      t("Capaian"), t("Efisiensi")],
                     amounts=frozenset({t("Pagu"), t("Realisasi")}))
    for n, r in enumerate(budget, start=1):
        # `budget_of SJ1` (a sasaran) or `budget_of SJ1.rb` (an indicator) declares whose budget a line
        # is; efisiensi = capaian - serapan
        whose = budget_owner(ev, catalog, r)
        capaian = whose.capaian_exact if whose is not None else None
        efisiensi = capaian - r.realisasi if capaian is not None and r.realisasi is not None else None
        anggaran.rows.append([n, r.id, r.label, _step(r, Op.DENOMINATOR), _step(r, Op.NUMERATOR),
                              _percent(r.realisasi), whose.id if whose else None,
                              _number(whose.capaian) if whose else None,
                              _percent(efisiensi)])
    return [indikator, per_sasaran, overall, anggaran]


# ---- every office at once (`eval --each-office`) --------------------------------------------



def each_office_tables(result: BulkResult, catalog: Catalog) -> list[Table]:
    """The bulk evaluation as two tables: every indicator of every office, and every office's
    sasaran, own and overall capaian; exact values, shown as the LKjIP tables show them."""
    rows = Table("Indikator", t("Capaian of the indicators per satker"),
                 [t("Period"), t("Satker"), t("Code"), t("Indicator"), t("Target"), t("Realisasi"), t("Capaian"),
                  t("Predikat"), t("Status")])
    for r in result.rows():
        rows.rows.append([r.period, r.office, r.indicator, catalog.indicators[r.indicator].label, r.target,
                          _number(r.realisasi), _number(r.capaian), r.predikat, status_word(r.status, r.capaian)])
    means = Table("Capaian", t("Capaian of the sasaran, the satker and overall per satker"),
                  [t("Period"), t("Satker"), t("Level"), t("Code"), t("Capaian"), t("Predikat"), t("Status")])
    for m in result.means():
        means.rows.append([m.period, m.office, level_word(m.level).capitalize(),
                           m.id if m.level != "overall" else "", _number(m.capaian), m.predikat,
                           status_word(m.status, m.capaian)])
    return [rows, means]


# ---- the kamus indikator (indicator dictionary) -----------------------------------------

KAMUS_COLUMNS = [N_("No"), N_("Code"), N_("Indicator"), N_("Sasaran"), N_("IKU"), N_("Unit"), N_("Formula"),
                 N_("Direction"), N_("Nihil"), N_("Target"), N_("Renstra"), N_("Definition"), N_("Data source"),
                 N_("Person responsible"), N_("Frequency"), N_("Notes"), N_("Template")]


def _formula(ind: Indicator, catalog: Catalog, locale: str) -> str:
    """The formula as a planner reads it in a manual IKU (`_written`), then each declared total it
    reads with its parts (`; perkara_total = perkara_pidana + perkara_perdata`), subtotals too."""
    totals = dict.fromkeys(f.id for name in ind.fields for f in _with_parts(catalog, name) if f.parts)
    return "; ".join([_written(ind, locale)] + [f"{f} = {' + '.join(catalog.fields[f].parts)}" for f in totals])


def _with_parts(catalog: Catalog, name: str) -> Iterator[Field]:
    """A declared field, then the parts of a total it is, depth first (a subtotal's parts too)."""
    stack = [name]
    while stack:
        f = catalog.fields.get(stack.pop())
        if f is not None:
            yield f
            stack.extend(reversed(f.parts))


def _written(ind: Indicator, locale: str) -> str:
    """pembilang / penyebut × skala, a value, or the index's top groups with their weights (the
    whole tree is in `kinerja explain`)."""
    scale = f" × {format_number(ind.scale, locale)}" if ind.scale != 1 else ""
    if ind.kind == "ratio":
        return ind.formulas["ratio"] + scale
    if ind.kind == "value":
        return ind.formulas["value"] + scale
    def percent(weight: Decimal) -> str:  # 12,5%; a sixth shows as 16,67%
        value = quantized(weight * 100, Decimal("0.01"), ROUND_HALF_UP)
        return format_number(quantized(value, Decimal(1)) if value == value.to_integral_value()
                             else value.normalize(), locale) + "%"
    assert ind.index is not None, "an indicator that is neither a ratio nor a value is an index"
    groups = [f"{c.id}{' ' + percent(c.weight) if c.weight is not None else ''}" for c in ind.index.children]
    return t("index of {n} groups: {groups}", n=len(groups), groups=", ".join(groups))


def _targets_text(mapping: Mapping[tuple[int, str | None], TargetSpec] | Mapping[int, TargetSpec], locale: str) -> str:
    """`2024: 3,6; 2024 TW1: 1` from targets keyed by year (Renstra) or by (year, period) (PK)."""
    parts = []
    for key, spec in sorted(mapping.items(), key=lambda kv: str(kv[0])):
        when = f"{key[0]}{' ' + key[1] if key[1] else ''}" if isinstance(key, tuple) else str(key)
        parts.append(f"{when}: {localized(spec.text, locale)}")
    return "; ".join(parts)


def kamus_table(catalog: Catalog, locale: str = "id") -> Table:
    """One row per indicator: what a kamus indikator / manual IKU states about it."""
    table = Table("Kamus", t("Kamus indikator"), [t(c) for c in KAMUS_COLUMNS])
    for n, ind in enumerate(catalog.indicators[i] for i in catalog.declared_order):
        sasaran = catalog.sasaran.get(ind.sasaran) if ind.sasaran else None
        meta = ind.metadata
        table.rows.append([
            n + 1, ind.id, ind.label, f"{sasaran.id} {sasaran.label}" if sasaran else ind.sasaran,
            t("yes") if ind.iku else None, ind.unit, _formula(ind, catalog, locale), direction_word(ind.direction),
            nihil_word(str(ind.policy.nihil.value)), _targets_text(ind.targets, locale) or None,
            _targets_text(ind.renstra, locale) or None, meta.get("definition"), meta.get("source"),
            meta.get("responsible"), meta.get("frequency"), meta.get("note"), ind.family])
    return table


# ---- the data template -----------------------------------------------------------------

# a report's words for a view or a template by quarter, semester or month
BY_WORDS = {"quarter": N_("per quarter"), "semester": N_("per semester"), "month": N_("per month")}
# the template's layout, which `--data` reads back (sheet Realisasi, columns Periode, Satker, Variabel, Nilai):
# fixed in every language
TEMPLATE_COLUMNS = ["Periode", "Satker", "Nama satker", "Variabel", "Uraian", "Jenis", "Dipakai oleh", "Nilai"]


def _below(catalog: Catalog, office: str) -> list[str]:
    """Every office under `office` (depth first, in declaration order)."""
    out = []
    for o in catalog.offices.values():
        if o.parent == office:
            out += [o.id] + _below(catalog, o.id)
    return out


def _needed(period: Period, reads: list[tuple[str, int]]) -> list[Period]:
    """The periods an evaluation of `period` reads a field in: the period itself, and for each
    earlier read (`prev`, N: the same period in the N years before; `prev_period`, N: the N
    periods of its kind before it)."""
    out = [period]
    for function, count in reads:
        out += period.years_before(count) if function == "prev" else period.previous(count)
    return out


def _asked(catalog: Catalog, names: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """The fields a template asks for an indicator's `names`: each, and a declared total's parts
    after it, recursively, each with the total the indicator reads (None: read directly)."""
    pairs = ((f.id, name if f.id != name else None) for name in names for f in _with_parts(catalog, name))
    return list(dict.fromkeys(pairs))


def template_table(catalog: Catalog, period: Period, each_office: bool = False, by: Kind | None = None,
                   evaluated: list[Period] | None = None) -> Table:
    """One row per (period, office, field) the catalog needs, Nilai empty to fill in.

    Without `by`, the rows are for `period` as given (a data file's `2024-TW3` is the quarter's
    own values). With `by`, they are for each `by` period alone that makes the periods
    `evaluated` (the cumulative periods `eval --by` reads; default `period`) and the earlier
    periods they read: what filling the file and running `eval --by` needs.

    A field is listed at the office of each indicator that uses it (the whole catalog when
    the indicator names none); `prev(field, N)` adds the same period in the N years before and
    `prev_period(field, N)` the N periods before (the indicator's `earlier` reads);
    `each_office` adds every office below, for data collected per unit (the engine rolls them up).
    A declared total is asked with its parts (a subtotal's too), each part `via` the total, and the
    total's row says that left blank it is their sum: a report's printed total written in is
    checked against its rows (D014)."""
    needs: dict[tuple[Period, str, str], list[str]] = {}
    evaluated = evaluated or [period]
    for ind in catalog.indicators.values():
        offices = [ind.office or ""] + (_below(catalog, ind.office) if each_office and ind.office else [])
        reads: dict[str, list[tuple[str, int]]] = {}
        for name, function, count in ind.earlier:
            reads.setdefault(name, []).append((function, count))
        for name, via in _asked(catalog, ind.fields):
            periods: list[Period] = []
            for when in evaluated:
                for p in _needed(when, reads.get(via or name, [])):
                    periods += p.parts(by) if by is not None else [p]
            for p in periods:
                for office in offices:
                    used_by = needs.setdefault((p, office, name), [])
                    user = t("{indicator} via {total}", indicator=ind.id, total=via) if via else ind.id
                    if user not in used_by:
                        used_by.append(user)
    shown = f"{period.label} {t(BY_WORDS[by])}" if by is not None else period.label
    table = Table("Realisasi", t("Realisasi {period}: fill in column Nilai", period=shown), list(TEMPLATE_COLUMNS))
    order = {o: n for n, o in enumerate([""] + list(catalog.offices))}
    for (p, office, name), used_by in sorted(needs.items(), key=lambda kv: (-kv[0][0].year, kv[0][0],
                                                                          order.get(kv[0][1], 0), kv[0][2])):
        f = catalog.fields[name]
        o = catalog.offices.get(office)
        users = ", ".join(used_by)
        if f.parts:
            users = t("{indicators}; left blank: {parts}", indicators=users, parts=" + ".join(f.parts))
        table.rows.append([p.label, office, o.label if o else "", name, f.label, f.kind, users, None])
    return table


# ---- CSV and Markdown --------------------------------------------------------------------

def _text(value: Cell, locale: str, grouping: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, locale, grouping=grouping)
    return str(value)


# how a cell a spreadsheet would read as a formula starts (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """A text for a CSV cell that no spreadsheet runs: one that starts like a formula (a catalog
    label "=HYPERLINK(…)") gets a leading apostrophe. Only texts: a number keeps its sign."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(tables: list[Table], locale: str = "id") -> str:
    """One file a planner opens in Excel: locale id is `;`-separated with a decimal comma and no
    thousands dots (what Excel set to Indonesian reads as numbers), en is `,` with a decimal point.
    Tables follow each other: a title line, the header, the rows, an empty line. Text cells are
    made inert; numeric cells (Decimal, int) are written as numbers, negative ones too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "id" else ",", lineterminator="\r\n")

    def cell(value: Cell) -> str:
        text = _text(value, locale, grouping=False)
        return inert(text) if isinstance(value, str) else text
    for k, table in enumerate(tables):
        if k:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([inert(table.title)])
        writer.writerow([inert(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


def to_markdown(tables: list[Table], locale: str = "id") -> str:
    """Pipe tables with numbers in the reader's notation (102,84; 25.713.209.000)."""
    out = []
    for table in tables:
        numeric = [any(isinstance(row[i], (int, Decimal)) for row in table.rows) for i in range(len(table.columns))]
        out.append(f"## {table.title}\n")
        out.append("| " + " | ".join(table.columns) + " |")
        out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
        for row in table.rows:
            cells = [_text(v, locale, grouping=True).replace("|", "\\|").replace("\n", " ") or "-" for v in row]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
