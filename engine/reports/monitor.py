"""The monitoring view (`kinerja eval --by quarter|semester|month`): the season's cumulative
periods side by side, as quarterly monitoring reports them (TW I, s.d. TW II, s.d. TW III, the
year), each evaluated as `eval --period` evaluates it.

`season(period, by)` decides the periods, `monitoring(...)` builds the JSON document (the same
exact decimals as `eval --json`), and `monitor_tables(...)` the LKjIP tables with one column
group per period, for `--out .xlsx/.csv/.md`.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from kinerja_dsl.catalog import Catalog
from kinerja_dsl.messages import language, t

from ..periods import Kind, Period
from ..evaluation.results import AggregateResult, Evaluation, Exact, IndicatorResult, Status
from .tables import BY_WORDS, Table, lkjip_tables

By = Literal["quarter", "semester", "month"]
BY_KINDS: tuple[By, ...] = ("quarter", "semester", "month")


class SeasonError(ValueError):
    """A `--by` that does not divide the period into two or more cumulative periods."""


def season(period: Period, by: Kind) -> list[Period]:
    """The cumulative periods of kind `by` from January to the end of `period`, as a
    monitoring report lists them: for 2024 by quarter TW I, s.d. TW II, s.d. TW III and the year;
    for s.d. TW III by quarter the first three. Raises SeasonError when `by` is not finer than
    the period, does not divide it, or the period does not start in January (a quarter alone)."""
    title = period.title(language())
    if period.months().start != 1:
        raise SeasonError(t("`{period}` ({title}) does not start in January, and --by lists the cumulative periods "
                            "from January: leave out --alone", period=period.label, title=title))
    parts = period.parts(by)
    if len(parts) < 2:
        if period.size <= Period.year_of(period.year).parts(by)[0].size:
            raise SeasonError(t("--by {by} is not finer than `{period}` ({title}): give a longer --period (e.g. "
                                "{year}) or a shorter --by", by=by, period=period.label, title=title, year=period.year))
        whole = {"quarter": t("whole quarters"), "semester": t("whole semesters"), "month": t("whole months")}[by]
        raise SeasonError(t("`{period}` ({title}) is not made of {parts}", period=period.label, title=title,
                            parts=whole))
    return Period.year_of(period.year).season(by)[:len(parts)]


# ---- the JSON document -------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="null")


class PeriodShown(_Frozen):
    label: str      # the machine label: 2024-TW1, 2024-sd-TW2, 2024
    title: str      # as a report names it: TW I 2024, s.d. TW II 2024 (the --locale's words)


class IndicatorCell(_Frozen):
    """One indicator in one period of the view: what `eval --json` gives for it, without the steps."""

    period: str
    target: Optional[Exact] = None
    target_text: Optional[str] = None
    realisasi: Optional[Exact] = None
    capaian: Optional[Exact] = None
    capaian_exact: Optional[Exact] = None
    predikat: Optional[str] = None
    status: Status
    nihil: Optional[str] = None
    reason: Optional[str] = None


class IndicatorRow(_Frozen):
    id: str
    label: str
    sasaran: Optional[str] = None
    office: Optional[str] = None
    unit: str
    direction: str
    cells: list[IndicatorCell]      # one per period of the view, in its order


class MeanCell(_Frozen):
    """A sasaran, office or the overall mean in one period of the view."""

    period: str
    capaian: Optional[Exact] = None
    capaian_exact: Optional[Exact] = None
    predikat: Optional[str] = None
    status: Literal["ok", "incomplete", "empty"]
    items: list[str] = []
    excluded: dict[str, str] = {}


class MeanRow(_Frozen):
    level: Literal["sasaran", "office", "overall"]
    id: str
    label: str
    method: str
    cells: list[MeanCell]


class Monitoring(_Frozen):
    """`kinerja eval --by … --json`: every indicator and mean in every cumulative period of the view."""

    catalog: list[str]
    data: str
    period: str                 # the period the view ends with (`--period` as read)
    by: By
    office: Optional[str] = None
    locale: str = "id"
    policy: dict[str, str]
    periods: list[PeriodShown]
    indicators: list[IndicatorRow]
    sasaran: list[MeanRow]
    offices: list[MeanRow]
    overall: Optional[MeanRow] = None
    diagnostics: list[dict] = []


def _cell(r: IndicatorResult) -> IndicatorCell:
    return IndicatorCell(period=r.period, target=r.target, target_text=r.target_text, realisasi=r.realisasi,
                         capaian=r.capaian, capaian_exact=r.capaian_exact, predikat=r.predikat, status=r.status,
                         nihil=r.nihil, reason=r.reason)


def _mean(rows: list[AggregateResult], periods: list[str]) -> MeanRow:
    first = rows[0]
    return MeanRow(level=first.level, id=first.id, label=first.label, method=first.method,
                   cells=[MeanCell(period=p, capaian=a.capaian, capaian_exact=a.capaian_exact, predikat=a.predikat,
                                   status=a.status, items=a.items, excluded=a.excluded)
                          for p, a in zip(periods, rows, strict=True)])


def _means(evaluations: list[Evaluation], level: Literal["sasaran", "offices"], periods: list[str]) -> list[MeanRow]:
    """Each mean's row across the periods, matched by id (the catalog decides which rows there are)."""
    by_id = [{a.id: a for a in getattr(ev, level)} for ev in evaluations]
    return [_mean([found[a.id] for found in by_id], periods) for a in getattr(evaluations[0], level)]


def monitoring(evaluations: list[Evaluation], by: By, period: Period) -> Monitoring:
    """The evaluations of the view's periods (in its order) as one document."""
    first = evaluations[0]
    periods = [ev.period for ev in evaluations]
    per_indicator = [{r.id: r for r in ev.indicators} for ev in evaluations]
    indicators = [IndicatorRow(id=r.id, label=r.label, sasaran=r.sasaran, office=r.office, unit=r.unit,
                               direction=r.direction, cells=[_cell(found[r.id]) for found in per_indicator])
                  for r in first.indicators]
    overall = ([ev.overall for ev in evaluations if ev.overall is not None]
               if first.overall is not None else [])
    return Monitoring(
        catalog=first.catalog, data=first.data, period=period.label, by=by, office=first.office, locale=first.locale,
        policy=first.policy,
        periods=[PeriodShown(label=label, title=Period.parse(label).title(language())) for label in periods],
        indicators=indicators, sasaran=_means(evaluations, "sasaran", periods),
        offices=_means(evaluations, "offices", periods),
        overall=_mean(overall, periods) if len(overall) == len(evaluations) else None,
        diagnostics=first.diagnostics)


def view_title(m: Monitoring) -> str:
    """`s.d. TW III 2024 per triwulan`: the period the view ends with and its step."""
    return f"{Period.parse(m.period).title(language())} {t(BY_WORDS[m.by])}"


# ---- the tables (--out .xlsx, .csv, .md) -----------------------------------------------------

# per table: the columns that are the same in every period (the row's identity) before the
# periods' groups and after them, and the one column of notes, gathered at the end of the row
# with the period each note belongs to
def _fixed() -> dict[str, tuple[list[str], list[str], str | None]]:
    """The fixed columns of each table, by their headers in the run's language."""
    return {"Indikator": ([t("No"), t("Code"), t("Sasaran"), t("Indicator"), t("Unit")], [], t("Notes")),
            "Sasaran": ([t("No"), t("Code"), t("Sasaran")], [], None),
            "Keseluruhan": ([t("Level"), t("Code"), t("Description")], [t("Method")], None),
            "Anggaran": ([t("No"), t("Code"), t("Description"), t("Funds")], [], None)}


def _side_by_side(tables: list[Table], titles: list[str]) -> Table:
    """One period's table per period (the same rows) as one table: the fixed columns once, then
    each changing column once per period (`Capaian s.d. TW II 2024`), grouped by period."""
    first = tables[0]
    lead, tail, notes = _fixed()[first.name]
    code = t("Code")
    changing = [c for c in first.columns if c not in lead and c not in tail and c != notes]
    columns = lead + [f"{c} {t}" for t in titles for c in changing] + tail + ([notes] if notes else [])
    merged = Table(first.name, first.title, columns,
                   amounts=frozenset(f"{c} {t}" for t in titles for c in changing if c in first.amounts))
    for k in range(len(first.rows)):
        per = [dict(zip(t.columns, t.rows[k])) for t in tables]
        assert all(p.get(code) == per[0].get(code) for p in per), "the same row in every period"
        cells = [per[0][c] for c in lead] + [p[c] for p in per for c in changing] + [per[0][c] for c in tail]
        if notes:
            said = [f"{t}: {p[notes]}" for t, p in zip(titles, per) if p[notes]]
            cells.append("; ".join(said) or None)
        merged.rows.append(cells)
    return merged


def monitor_tables(evaluations: list[Evaluation], catalog: Catalog, m: Monitoring) -> list[Table]:
    """Indikator, Sasaran, Keseluruhan and Anggaran as `eval --out` writes them, one column group
    per period of the view (its title in each header), the notes of every period in Keterangan."""
    when = view_title(m)
    per_period = [lkjip_tables(ev, catalog, when) for ev in evaluations]
    titles = [p.title for p in m.periods]
    return [_side_by_side([tables[k] for tables in per_period], titles) for k in range(len(per_period[0]))]
