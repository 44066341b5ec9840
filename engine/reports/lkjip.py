"""Chapter III of the LKjIP (Akuntabilitas Kinerja) as a document: what it says, from the evaluations.

PermenPANRB 53/2014 asks chapter III to set out, per sasaran and indicator: target against
realisasi this year (3.1), this year against the years before (3.2), against the medium-term
Renstra target (3.3), against a national or reference value where there is one (3.4), the budget
used (3.5); and every result that could not be measured as declared is listed (3.6), so nothing is
hidden behind a figure. Where the data has quarters of the report year, 3.1 also shows the season
TW I … TW IV (the monitoring view of reports/monitor.py).

`chapter_three(...)` builds a `blocks.Document` from the catalog and the evaluations (the report
period and every earlier year the data holds; application.report evaluates them); the formats
(rendering/document.py) and the charts (rendering/charts.py) print it. Every word comes from the
`report` message catalog in the run's language, every figure is written in its notation, and
figures are shown with the places the catalog's rounding policy gives, the same in a whole column.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kinerja_dsl.catalog import BandSet, Catalog, Indicator, Rounding, TargetSpec
from kinerja_dsl.messages import language, t, tn
from kinerja_dsl.vocabulary import RoundMode

from ..evaluation.policies import UndefinedValue, capaian
from ..evaluation.results import AggregateResult, Evaluation, IndicatorResult
from ..numbers import format_number, shown
from ..periods import Period, PeriodError
from .blocks import Block, Chart, Document, Heading, Paragraph, Series, Table
from ..words import status_text
from .monitor import Monitoring
from .tables import lkjip_tables

GENERATOR = "kinerja_dsl"
DEFAULT_PLACES = 2          # capaian places when the catalog rounds nothing (`round none`)
HUNDRED = Decimal(100)
DASH = "-"                  # a value that is not there, in every format (never 0)

# predikat colours from the best band to the worst; a band set of another size takes them spread out
BAND_COLORS = ("#2e7d32", "#7cb342", "#f9a825", "#ef6c00", "#c62828")
NO_PREDIKAT_COLOR = "#9e9e9e"


@dataclass(frozen=True)
class Reference:
    """A national standard or reference value of an indicator (chapter III item 4)."""

    indicator: str
    value: Decimal
    source: str = ""


def declared_references(catalog: Catalog) -> list[Reference]:
    """The reference values the catalog declares. The language has no `reference` declaration yet:
    when it gets one (an indicator attribute `reference`, a TargetSpec and its source), reading it
    here is the only change section 3.4 needs."""
    found = []
    for ident in catalog.declared_order:
        spec = getattr(catalog.indicators[ident], "reference", None)
        if isinstance(spec, TargetSpec):
            found.append(Reference(ident, spec.low, getattr(catalog.indicators[ident], "reference_source", "")))
    return found


@dataclass(frozen=True)
class ChapterInput:
    """What chapter III is built from: the compiled catalog, the evaluation of the report period,
    the evaluations of the earlier years the data holds (whole years, oldest first), and the
    season of the report year by quarter when the data has quarters."""

    catalog: Catalog
    evaluation: Evaluation
    earlier: tuple[Evaluation, ...] = ()
    season: Monitoring | None = None
    season_evaluations: tuple[Evaluation, ...] = ()
    references: tuple[Reference, ...] = ()
    catalog_files: tuple[str, ...] = ()
    data_file: str = ""


@dataclass
class _Numbering:
    """Tables and charts numbered through the chapter: Tabel 3.1, 3.2 …; Grafik 3.1 …"""

    tables: int = 0
    charts: int = 0

    def table(self, title: str) -> str:
        self.tables += 1
        return t("Table 3.{n} {title}", n=self.tables, title=title)

    def chart(self, title: str) -> tuple[str, str]:
        self.charts += 1
        return t("Chart 3.{n} {title}", n=self.charts, title=title), f"grafik-3-{self.charts}"


@dataclass
class _Chapter:
    """The chapter being written: its inputs, its blocks and its numbering."""

    given: ChapterInput
    locale: str
    numbering: _Numbering = field(default_factory=_Numbering)
    blocks: list[Block] = field(default_factory=list)

    @property
    def catalog(self) -> Catalog:
        return self.given.catalog

    @property
    def ev(self) -> Evaluation:
        return self.given.evaluation

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def table(self, title: str, header: tuple[tuple[str, ...], ...], rows: Iterable[tuple[str, ...]],
              numeric: tuple[bool, ...] = (), emphasis: tuple[int, ...] = (), note: str = "") -> None:
        self.add(Table(self.numbering.table(title), header, tuple(rows), numeric, emphasis, note))

    def chart(self, title: str, kind: str, categories: tuple[str, ...], series: tuple[Series, ...],
              **more: object) -> None:
        caption, slug = self.numbering.chart(title)
        self.add(Chart(caption, kind, categories, series, slug=slug, locale=self.locale, **more))  # type: ignore[arg-type]

    # ---- numbers in the document's notation ----

    def number(self, value: Decimal | None, places: int | None = None) -> str:
        return DASH if value is None else format_number(value if places is not None else shown(value),
                                                        self.locale, places)

    def capaian(self, value: Decimal | None) -> str:
        """A capaian with the places of the catalog's rounding: one precision in a whole column."""
        return self.number(value, capaian_places(self.catalog))

    def realisasi(self, r: IndicatorResult | None, places: int | None = None) -> str:
        """A realisasi with its indicator's `round_realisasi` places; without one, as evaluated with
        no trailing zeros (80, not 80,0), or with `places` (one precision down a column)."""
        if r is None or r.realisasi is None:
            return DASH
        declared = realisasi_places(self.catalog.indicators.get(r.id))
        return self.number(_plain(r.realisasi), declared if declared is not None else places)

    def target(self, r: IndicatorResult | None) -> str:
        if r is None or not r.target_text:
            return DASH
        return target_text(r.target_text, self.locale)


# ---- precision and words shared by the sections ------------------------------------------------

def _places(rounding: Rounding) -> int | None:
    return None if rounding.mode is RoundMode.NONE else rounding.places


def capaian_places(catalog: Catalog) -> int:
    """The places every capaian is shown with: the catalog's `round` (2 when it rounds nothing)."""
    places = _places(catalog.policy.round.value)
    return DEFAULT_PLACES if places is None else places


def realisasi_places(ind: Indicator | None) -> int | None:
    """An indicator's realisasi shown with its `round_realisasi` places, else as evaluated (None)."""
    return None if ind is None else _places(ind.policy.round_realisasi.value)


def _plain(value: Decimal) -> Decimal:
    """A value as people see it (engine/numbers.shown), without trailing zeros: 80.0 -> 80."""
    short = shown(value)
    return short.normalize() if short != short.to_integral_value() else short.quantize(Decimal(1))


def _fraction_places(values: Iterable[Decimal]) -> int | None:
    """The most decimal places any of `values` shows: a column of one indicator is written alike."""
    places = [max(0, -int(_plain(v).as_tuple().exponent)) for v in values]
    return max(places) if places else None


def target_text(text: str, locale: str) -> str:
    """A target as written in the catalog ("3.6", "80 .. 90") in the notation: 3,6; 80–90."""
    parts = [p.strip() for p in text.split("..")]
    try:
        return "–".join(format_number(Decimal(p), locale) for p in parts)
    except ArithmeticError:
        return text


def _labelled(r: IndicatorResult) -> str:
    return f"{r.label} ({r.unit})" if r.unit else r.label


def _is_percentage(unit: str) -> bool:
    return unit.strip() in ("%", "persen", "percent")


def predikat_color(predikat: str | None, bands: BandSet) -> str:
    """A predikat's colour by its rank in its band set: green for the best, red for the worst."""
    labels = [b.label for b in bands.bands]
    if predikat is None or predikat not in labels:
        return NO_PREDIKAT_COLOR
    rank = labels.index(predikat)
    step = (len(BAND_COLORS) - 1) / max(len(labels) - 1, 1)
    return BAND_COLORS[min(round(rank * step), len(BAND_COLORS) - 1)]


def _aggregate_predikat(a: AggregateResult | None) -> str:
    """A mean's predikat; an incomplete mean gets none: it says its data is not complete."""
    if a is None or a.status == "empty":
        return DASH
    if a.status == "incomplete":
        return t("data incomplete")
    return a.predikat or DASH


def _indicator_predikat(r: IndicatorResult) -> str:
    if r.status == "nihil" and r.capaian is None:
        return t("nihil")
    if r.status not in ("ok", "nihil"):
        return DASH
    return r.predikat or DASH


_SOURCE = {"indicators": "indicator", "sasaran": "sasaran", "office": "satker"}


def aggregation_rule(catalog: Catalog, level: str = "overall") -> str:
    """The rule of a mean in words, with where it is declared: "rata-rata capaian sasaran (kebijakan
    katalog, catalog.kin:24)" — the one overall figure the document gives says what it is."""
    agg = catalog.aggregation[level]
    source = str(agg.source)
    if agg.method == "weighted":
        rule = {"indicators": t("the weighted mean of the indicators' capaian"),
                "sasaran": t("the weighted mean of the sasaran capaian"),
                "office": t("the weighted mean of the satker capaian")}[source]
    else:
        rule = {"indicators": t("the mean of the indicators' capaian"),
                "sasaran": t("the mean of the sasaran capaian"),
                "office": t("the mean of the satker capaian")}[source]
    if agg.rounded:
        rule = t("{rule}, each as rounded", rule=rule)
    origin = agg.origin
    where = (t("the default rule") if origin == "default"
             else t("the catalog's policy at {place}", place=_place(origin)))
    return t("{rule} ({where})", rule=rule, where=where)


def _place(origin: str) -> str:
    """`catalog.kin:3` of a policy's origin `policy at catalog.kin:3`."""
    return origin.removeprefix("policy at ")


# ---- the chapter ------------------------------------------------------------------------------

def chapter_three(given: ChapterInput) -> Document:
    """Chapter III of the LKjIP for the report period, in the run's language."""
    locale = given.evaluation.locale  # the notation (--locale, else that of --lang)
    chapter = _Chapter(given, locale)
    ev = given.evaluation
    words = language()
    period = _title(ev.period, words)
    chapter.add(Heading(t("CHAPTER III PERFORMANCE ACCOUNTABILITY"), 1))
    _achievement(chapter, period)
    _over_the_years(chapter, period)
    _renstra(chapter)
    _reference(chapter)
    _budget(chapter, period)
    _notes(chapter, period)
    metadata = {"generator": GENERATOR, "catalog": ", ".join(Path(f).name for f in given.catalog_files),
                "data": Path(given.data_file).name if given.data_file else "", "period": ev.period,
                "language": words}
    return Document(title=t("CHAPTER III PERFORMANCE ACCOUNTABILITY"), subtitle=_subtitle(given.catalog, period),
                    language=words, blocks=chapter.blocks, metadata=metadata)


def _title(label: str, locale: str | None = None) -> str:
    """A period as a report names it, in the words of the run (`s.d. TW III 2024`, `to Q3 2024`)."""
    try:
        return Period.parse(label).title(language())
    except PeriodError:
        return label


def _subtitle(catalog: Catalog, period: str) -> str:
    """The office the report is of (the first office without a parent) and the period."""
    top = next((o for o in catalog.offices.values() if o.parent is None), None)
    return t("{office}, {period}", office=top.label, period=period) if top else period


# ---- 3.1 target against realisasi ------------------------------------------------------------

def _pk_rows(ev: Evaluation, catalog: Catalog) -> list[IndicatorResult]:
    """The indicators of chapter III: those of a sasaran (the PK's), in evaluation order."""
    return [r for r in ev.indicators if r.sasaran]


def _others(ev: Evaluation, catalog: Catalog) -> list[IndicatorResult]:
    """Indicators without a sasaran that are no budget line (3.5 shows those): a budget score."""
    from .tables import budget_lines

    budget = {r.id for r in budget_lines(ev, catalog)}
    return [r for r in ev.indicators if not r.sasaran and r.id not in budget]


def _achievement(chapter: _Chapter, period: str) -> None:
    ev, catalog = chapter.ev, chapter.catalog
    chapter.add(Heading(t("3.1 Organisational performance achievement"), 2))
    sasaran_off = catalog.aggregation["sasaran"].off
    chapter.add(Paragraph(
        t("Target, realisasi and capaian of each performance indicator in {period}, grouped by sasaran; the catalog "
          "computes no sasaran capaian ({place}).", period=period,
          place=_place(catalog.aggregation["sasaran"].origin)) if sasaran_off else
        t("Target, realisasi and capaian of each performance indicator in {period}, grouped by "
          "sasaran; the sasaran row gives the sasaran's capaian and predikat.", period=period)))
    header = ((t("No"), t("Performance indicator"), t("Target"), t("Realisasi"), t("Capaian (%)"), t("Predikat")),)
    rows: list[tuple[str, ...]] = []
    emphasis: list[int] = []
    by_sasaran: dict[str | None, list[IndicatorResult]] = {}
    for r in _pk_rows(ev, catalog):
        by_sasaran.setdefault(r.sasaran, []).append(r)
    means = {s.id: s for s in ev.sasaran}
    n = 0
    for k, (ident, results) in enumerate(by_sasaran.items(), start=1):
        s = means.get(ident or "")
        declared = catalog.sasaran.get(ident or "")
        label = s.label if s else declared.label if declared else (ident or "")
        emphasis.append(len(rows))
        rows.append(("", t("Sasaran {n}: {sasaran}", n=k, sasaran=label), "", "",
                     *(("", "") if sasaran_off else (chapter.capaian(s.capaian if s else None), _aggregate_predikat(s)))))
        for r in results:
            n += 1
            rows.append((str(n), _labelled(r), chapter.target(r), chapter.realisasi(r), chapter.capaian(r.capaian),
                         _indicator_predikat(r)))
    others = _others(ev, catalog)
    if others:
        emphasis.append(len(rows))
        rows.append(("", t("Other indicators (no sasaran)"), "", "", "", ""))
        for r in others:
            n += 1
            rows.append((str(n), _labelled(r), chapter.target(r), chapter.realisasi(r), chapter.capaian(r.capaian),
                         _indicator_predikat(r)))
    overall = ev.overall
    if overall is not None:
        emphasis.append(len(rows))
        rows.append(("", t("Overall performance achievement"), "", "", chapter.capaian(overall.capaian),
                     _aggregate_predikat(overall)))
    chapter.table(t("Performance achievement per sasaran, {period}", period=period), header, rows,
                  (False, False, True, True, True, False), tuple(emphasis))
    chapter.add(Paragraph(_overall_sentence(chapter)))
    pk = _pk_rows(ev, catalog)
    if pk:
        bands = {r.id: catalog.indicators[r.id].policy.bands.value for r in pk if r.id in catalog.indicators}
        colors = tuple(predikat_color(r.predikat, bands.get(r.id, catalog.policy.bands.value)) for r in pk)
        seen = []
        for band in catalog.policy.bands.value.bands:
            if any(r.predikat == band.label for r in pk):
                seen.append((band.label, predikat_color(band.label, catalog.policy.bands.value)))
        chapter.chart(t("Capaian per performance indicator, {period}", period=period), "capaian",
                      tuple(r.id for r in pk), (Series(t("Capaian (%)"), tuple(r.capaian for r in pk), colors=colors,
                              places=capaian_places(catalog)),),
                      y_label=t("Capaian (%)"), reference_line=HUNDRED, reference_label=t("Target (100%)"),
                      legend=tuple(seen))
    if chapter.given.season is not None:
        _season(chapter)


def _overall_sentence(chapter: _Chapter) -> str:
    """The one overall figure: what it is (the catalog's aggregation), from how many items, and
    when its data is incomplete, that it has no predikat."""
    ev, catalog = chapter.ev, chapter.catalog
    overall = ev.overall
    rule = aggregation_rule(catalog)
    agg = catalog.aggregation["overall"]
    if agg.off:
        return t("No overall capaian is computed: the catalog declares `aggregate overall none` ({place}).",
                 place=_place(agg.origin))
    if overall is None:
        return t("No overall capaian is computed: {rule} has nothing to take the mean of.", rule=rule)
    used, left = len(overall.items), len(overall.excluded)
    counted = _items(catalog, used + left)
    if overall.capaian is None:
        return t("The overall capaian is {rule}; it has no value: none of the {counted} has a capaian.",
                 rule=rule, counted=counted)
    figure = chapter.capaian(overall.capaian)
    if overall.status == "incomplete":
        return t("The overall capaian is {rule}: {figure}% from {used} of {counted}; the data is incomplete "
                 "({left}), so it has no predikat.", rule=rule, figure=figure, used=used, counted=counted,
                 left=", ".join(_incomplete(ev, overall)))
    said = t("The overall capaian is {rule}: {figure}% from {used} of {counted}, predikat {predikat}.",
             rule=rule, figure=figure, used=used, counted=counted, predikat=overall.predikat or DASH)
    if left:
        said += " " + t("Left out: {items} (without a capaian, see 3.6).", items=", ".join(overall.excluded))
    return said


def _items(catalog: Catalog, n: int) -> str:
    """`19 sasaran`, `31 indicators`, `5 satker`: what the overall mean is taken over."""
    source = str(catalog.aggregation["overall"].source)
    if source == "sasaran":
        return tn("{n} sasaran", "{n} sasaran", n)
    if source == "office":
        return tn("{n} satker", "{n} satker", n)
    return tn("{n} indicator", "{n} indicators", n)


def _incomplete(ev: Evaluation, a: AggregateResult) -> list[str]:
    """What makes a mean incomplete: an item left out for want of data (not a nihil or an empty
    mean, which are left out by rule), or an item used that is itself incomplete."""
    status: dict[str, str] = {r.id: r.status for r in ev.indicators}
    status.update({m.id: m.status for m in [*ev.sasaran, *ev.offices]})
    out = [i for i in a.items if status.get(i) == "incomplete"]
    out += [i for i in a.excluded if status.get(i) not in ("nihil", "empty")]
    return out


def _season(chapter: _Chapter) -> None:
    """The quarters of the report year side by side (reports/monitor.py's view): realisasi and
    capaian of each cumulative period, each against that period's own target."""
    season = chapter.given.season
    assert season is not None
    chapter.add(Heading(t("Performance per quarter, {period}", period=_title(season.period, chapter.locale)), 3))
    titles = [_title(p.label, chapter.locale) for p in season.periods]
    top = (t("No"), t("Performance indicator"), t("Target"))
    header = (top + tuple(x for title in titles for x in (title, title)),
              ("", "", "") + tuple(x for _ in titles for x in (t("Realisasi"), t("Capaian (%)"))))
    year = {r.id: r for r in chapter.ev.indicators}
    rows = []
    pk = [row for row in season.indicators if row.sasaran]
    for n, row in enumerate(pk, start=1):
        cells: list[str] = [str(n), f"{row.label} ({row.unit})" if row.unit else row.label,
                            chapter.target(year.get(row.id))]
        ind = chapter.catalog.indicators.get(row.id)
        for cell in row.cells:
            cells.append(DASH if cell.realisasi is None else chapter.number(cell.realisasi, realisasi_places(ind)))
            cells.append(chapter.capaian(cell.capaian))
        rows.append(tuple(cells))
    numeric = (False, False, True) + (True, True) * len(titles)
    chapter.table(t("Realisasi and capaian per quarter, {period}", period=_title(season.period, chapter.locale)),
                  header, rows, numeric,
                  note=t("Each capaian is against the target of its own period; \"-\": no value or no target for "
                         "that period (see `kinerja eval --by quarter`)."))


# ---- 3.2 the years before ---------------------------------------------------------------------

def _year_label(ev: Evaluation, locale: str) -> str:
    return _title(ev.period, locale)


def _over_the_years(chapter: _Chapter, period: str) -> None:
    ev, catalog = chapter.ev, chapter.catalog
    history = list(chapter.given.earlier) + [ev]
    chapter.add(Heading(t("3.2 Comparison with earlier years"), 2))
    years = ", ".join(_year_label(e, chapter.locale) for e in history)
    if len(history) < 2:
        chapter.add(Paragraph(t("The data holds no year before {period}: there is nothing to compare with.",
                                period=period)))
        return
    chapter.add(Paragraph(t("Realisasi and capaian of each indicator in every year the data holds ({years}). "
                            "\"-\" is a year without a value: never a zero; the note says why.", years=years)))
    by_year = [{r.id: r for r in e.indicators} for e in history]
    for r in _pk_rows(ev, catalog):
        _indicator_years(chapter, r, history, by_year)


def _missing_note(r: IndicatorResult | None, year: int | None, ind: Indicator | None) -> str:
    """Why a year has no capaian, in words: never a guess at the value."""
    if r is None:
        return t("not evaluated")
    declared = ind is not None and year is not None and (year, None) in ind.targets
    if r.status == "missing" and r.realisasi is None:
        return t("no data for this year") if declared else t("no target and no data for this year")
    if r.status == "no_target":
        return t("no target for this year")
    if r.status == "nihil":
        return status_text(r.status, r.nihil, r.capaian)
    if r.status in ("incomplete", "error"):
        return status_text(r.status, r.nihil, r.capaian)
    return ""


def _indicator_years(chapter: _Chapter, r: IndicatorResult, history: list[Evaluation],
                     by_year: list[dict[str, IndicatorResult]]) -> None:
    ind = chapter.catalog.indicators.get(r.id)
    chapter.add(Heading(f"{r.id} {r.label}", 3))
    header = ((t("Year"), t("Target"), t("Realisasi"), t("Capaian (%)"), t("Note")),)
    rows: list[tuple[str, ...]] = []
    places = _fraction_places(one.realisasi for found in by_year
                              if (one := found.get(r.id)) is not None and one.realisasi is not None)
    for e, found in zip(history, by_year, strict=True):
        one = found.get(r.id)
        year = _year_of(e.period)
        note = _missing_note(one, year, ind) if one is None or one.capaian is None or one.status != "ok" else ""
        rows.append((_year_label(e, chapter.locale), chapter.target(one), chapter.realisasi(one, places),
                     chapter.capaian(one.capaian if one else None), note))
    now, before = by_year[-1].get(r.id), by_year[-2].get(r.id)
    rows.append(_change_row(chapter, r, now, before, _year_label(history[-2], chapter.locale)))
    chapter.table(t("Realisasi and capaian of {indicator} over the years", indicator=r.id), header, rows,
                  (False, True, True, True, False), emphasis=(len(rows) - 1,))
    values = [found.get(r.id) for found in by_year]
    if sum(1 for v in values if v is not None and v.realisasi is not None) >= 2:
        targets = tuple(v.target if v is not None and v.target_text and ".." not in v.target_text else None
                        for v in values)
        chapter.chart(t("Realisasi of {indicator} against its target", indicator=r.id), "trend",
                      tuple(_year_label(e, chapter.locale) for e in history),
                      (Series(t("Realisasi"), tuple(v.realisasi if v is not None else None for v in values)),
                       Series(t("Target"), targets, kind="line")),
                      y_label=r.unit)


def _year_of(label: str) -> int | None:
    try:
        return Period.parse(label).year
    except PeriodError:
        return None


def _change_row(chapter: _Chapter, r: IndicatorResult, now: IndicatorResult | None,
                before: IndicatorResult | None, last: str) -> tuple[str, ...]:
    """The change from the year before: realisasi (in points for a percentage) and capaian (points)."""
    title = t("Change from {year}", year=last)
    if now is None or before is None or now.realisasi is None or before.realisasi is None:
        return (title, "", DASH, DASH, t("no value to compare in one of the two years"))
    places = realisasi_places(chapter.catalog.indicators.get(r.id))
    if places is None:
        places = _fraction_places((now.realisasi, before.realisasi))
    change = now.realisasi - before.realisasi
    text = _signed(chapter, change, places)
    unit = t("points") if _is_percentage(r.unit) else r.unit
    capaian_change = (_signed(chapter, now.capaian - before.capaian, capaian_places(chapter.catalog))
                      if now.capaian is not None and before.capaian is not None else DASH)
    return (title, "", f"{text} {unit}".strip(), capaian_change,
            t("capaian in points") if capaian_change != DASH else "")


def _signed(chapter: _Chapter, value: Decimal, places: int | None) -> str:
    text = chapter.number(value, places)
    return text if value < 0 else "+" + text


# ---- 3.3 the Renstra --------------------------------------------------------------------------

_FORMULA = {"higher": "R / T × 100", "two_t": "(2T − R) / T × 100", "t_over_r": "T / R × 100"}


def _progress(ind: Indicator, realisasi: Decimal, target: TargetSpec) -> tuple[Decimal | None, str]:
    """Realisasi against the Renstra target by the indicator's own capaian rule (its direction and
    lower formula), and that rule as a formula."""
    try:
        value, case = capaian(ind.direction, ind.policy.lower_formula.value, realisasi, target)
    except UndefinedValue:
        return None, DASH
    formula = {"r_over_t": _FORMULA["higher"], "two_t": _FORMULA["two_t"], "t_over_r": _FORMULA["t_over_r"]}.get(
        case.formula, case.formula)
    return ind.policy.round.value.apply(value), formula   # rounded as the indicator's capaian is


def _renstra(chapter: _Chapter) -> None:
    ev, catalog = chapter.ev, chapter.catalog
    chapter.add(Heading(t("3.3 Realisasi against the Renstra target"), 2))
    rows: list[tuple[str, ...]] = []
    without = []
    year = _year_of(ev.period)
    for r in _pk_rows(ev, catalog):
        ind = catalog.indicators.get(r.id)
        if ind is None or not ind.renstra:
            without.append(r.id)
            continue
        last = max(ind.renstra)
        spec = ind.renstra[last]
        value, formula = _progress(ind, r.realisasi, spec) if r.realisasi is not None else (None, DASH)
        rows.append((str(len(rows) + 1), _labelled(r), str(last), target_text(spec.text, chapter.locale),
                     chapter.realisasi(r), chapter.capaian(value), formula))
    if not rows:
        chapter.add(Paragraph(t("The catalog declares no Renstra target (`renstra YEAR = value`).")))
        return
    chapter.add(Paragraph(t("Realisasi {year} of each indicator against the target of the last year of the Renstra "
                            "the catalog declares. Progress = the indicator's capaian rule applied to the Renstra "
                            "target: R / T × 100 when higher is better, (2T − R) / T × 100 (or T / R × 100, as the "
                            "policy declares) when lower is better; R realisasi, T the Renstra target.",
                            year=year if year is not None else ev.period)))
    header = ((t("No"), t("Performance indicator"), t("Renstra year"), t("Renstra target"),
               t("Realisasi {year}", year=year if year is not None else ev.period), t("Progress (%)"),
               t("Formula")),)
    chapter.table(t("Realisasi against the Renstra target"), header, rows,
                  (False, False, False, True, True, True, False))
    if without:
        chapter.add(Paragraph(t("Without a Renstra target in the catalog: {indicators}.",
                                indicators=", ".join(without)), "note"))


# ---- 3.4 a national or reference value ----------------------------------------------------------

def _reference(chapter: _Chapter) -> None:
    chapter.add(Heading(t("3.4 Comparison with a national or reference value"), 2))
    references = chapter.given.references
    if not references:
        chapter.add(Paragraph(t("The catalog declares no national standard or reference value for its indicators: "
                                "there is nothing to compare with.")))
        return
    found = {r.id: r for r in chapter.ev.indicators}
    rows = []
    for k, ref in enumerate(references, start=1):
        r = found.get(ref.indicator)
        gap = (r.realisasi - ref.value) if r is not None and r.realisasi is not None else None
        places = realisasi_places(chapter.catalog.indicators.get(ref.indicator))
        if places is None and r is not None and r.realisasi is not None:
            places = _fraction_places((r.realisasi, ref.value))
        rows.append((str(k), _labelled(r) if r else ref.indicator, chapter.realisasi(r), chapter.number(ref.value),
                     DASH if gap is None else _signed(chapter, gap, places), ref.source))
    header = ((t("No"), t("Performance indicator"), t("Realisasi"), t("Reference value"), t("Difference"),
               t("Source")),)
    chapter.table(t("Realisasi against the reference values"), header, rows, (False, False, True, True, True, False))


# ---- 3.5 the budget -------------------------------------------------------------------------------

def _budget(chapter: _Chapter, period: str) -> None:
    """The budget lines of reports/tables.py's Anggaran table (pagu, realisasi, serapan, the
    sasaran's capaian, efisiensi = capaian − serapan), reused as they are computed there."""
    ev, catalog = chapter.ev, chapter.catalog
    chapter.add(Heading(t("3.5 Budget realisation"), 2))
    anggaran = lkjip_tables(ev, catalog)[-1]
    if not anggaran.rows:
        chapter.add(Paragraph(t("The catalog has no budget lines (an indicator of realisasi anggaran / pagu).")))
        return
    chapter.add(Paragraph(t("Pagu and realisasi of each budget line, serapan (realisasi / pagu × 100), the capaian "
                            "of the sasaran or indicator the line funds, and efisiensi = capaian − serapan "
                            "(points).")))
    rows = []
    chart_rows = []
    for cells in anggaran.rows:
        no, _code, label, pagu, realisasi, serapan, sasaran, capaian_, efisiensi = cells
        amount = lambda v: DASH if not isinstance(v, Decimal) else format_number(v, chapter.locale, 0)  # noqa: E731
        percent = lambda v: DASH if not isinstance(v, Decimal) else format_number(v, chapter.locale, 2)  # noqa: E731
        rows.append((str(no), str(label), amount(pagu), amount(realisasi), percent(serapan),
                     str(sasaran) if sasaran else DASH, chapter.capaian(capaian_ if isinstance(capaian_, Decimal)
                                                                        else None), percent(efisiensi)))
        if sasaran:
            chart_rows.append((str(sasaran), serapan if isinstance(serapan, Decimal) else None,
                               capaian_ if isinstance(capaian_, Decimal) else None))
    header = ((t("No"), t("Description"), t("Pagu (Rp)"), t("Realisasi (Rp)"), t("Serapan (%)"), t("Funds"),
               t("Performance capaian (%)"), t("Efisiensi (points)")),)
    chapter.table(t("Budget realisation per sasaran and indicator, {period}", period=period), header, rows,
                  (False, False, True, True, True, False, True, True))
    if chart_rows:
        chapter.chart(t("Serapan and capaian per sasaran and indicator, {period}", period=period), "budget",
                      tuple(c[0] for c in chart_rows),
                      (Series(t("Serapan (%)"), tuple(c[1] for c in chart_rows), places=DEFAULT_PLACES),
                       Series(t("Performance capaian (%)"), tuple(c[2] for c in chart_rows),
                              places=capaian_places(catalog))),
                      y_label="%")


# ---- 3.6 every result that is not ok ----------------------------------------------------------------

def _indicator_note(r: IndicatorResult, period: str, locale: str) -> str:
    """What became of a result that is not ok, in words (the engine's reason names the details)."""
    fields = ", ".join(f"`{name}`" for name in r.missing)
    if r.status == "missing":
        return (t("no value for {fields} in {period}", fields=fields, period=period) if fields
                else t("a value it needs is missing in {period}", period=period))
    if r.status == "incomplete":
        return (t("the data of {fields} is incomplete for {period}", fields=fields, period=period) if fields
                else t("the data is incomplete for {period}", period=period))
    if r.status == "no_target":
        return t("realisasi {value} has no target for {period}: no capaian is computed",
                 value=DASH if r.realisasi is None else format_number(shown(r.realisasi), locale), period=period)
    if r.status == "nihil":
        if r.nihil == "excluded":
            return t("no cases (0/0): left out of every mean")
        if r.nihil == "achieved":
            return t("no cases (0/0): counted as achieved")
        if r.nihil == "zero":
            return t("no cases (0/0): counted as zero")
        return t("no cases (0/0)")
    if r.status == "error":
        return t("the declared rules give no value: {reason}", reason=r.reason or DASH)
    return r.reason or ""


def _aggregate_note(ev: Evaluation, a: AggregateResult) -> str:
    if a.status == "empty":
        return t("no item has a capaian: {items}", items=", ".join(a.excluded) or DASH)
    return t("computed from {used} of {total} items; incomplete: {items}", used=len(a.items),
             total=len(a.items) + len(a.excluded), items=", ".join(_incomplete(ev, a)) or DASH)


def _notes(chapter: _Chapter, period: str) -> None:
    ev = chapter.ev
    chapter.add(Heading(t("3.6 Notes on the results"), 2))
    not_ok = [r for r in ev.indicators if r.status != "ok"]
    means = [a for a in [*ev.sasaran, *([ev.overall] if ev.overall else [])] if a.status != "ok"]
    if not not_ok and not means:
        chapter.add(Paragraph(t("Every indicator has a capaian computed as declared; no mean lacks an item.")))
        return
    chapter.add(Paragraph(t("Every result that is not an ordinary capaian: missing or incomplete data, nihil (no "
                            "cases) with its treatment, no target, or an error; and the means that lack an item.")))
    rows: list[tuple[str, ...]] = []
    for r in not_ok:
        rows.append((str(len(rows) + 1), f"{r.id} {r.label}", status_text(r.status, r.nihil, r.capaian),
                     _indicator_note(r, period, chapter.locale)))
    for a in means:
        name = t("Overall") if a.level == "overall" else t("Sasaran {id}", id=a.id)
        rows.append((str(len(rows) + 1), name, status_text(a.status), _aggregate_note(ev, a)))
    header = ((t("No"), t("Indicator or mean"), t("Status"), t("Note")),)
    chapter.table(t("Results that are not ordinary, {period}", period=period), header, rows)

