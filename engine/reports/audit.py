"""Published vs recomputed: every printed figure checked, each difference classified.

For reviewers (inspektorat) who check an LKjIP before it is published. A figure
reproduces when the recomputed exact value, rounded half-up to the printed number
of decimals, is what was printed. Otherwise the first rule of EXPLANATIONS that fits
gives the class: truncation, rounding (including realisasi rounded first), cap or floor,
a different formula (lower-is-better, nihil counted as 0), a copy error (the value
belongs to another row), or unexplained. The published figures themselves are read by
published.py.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Callable, NamedTuple, Optional

from pydantic import BaseModel

from kinerja_dsl.catalog import Catalog, quantized
from kinerja_dsl.messages import N_, t, tn
from kinerja_dsl.vocabulary import AggregateSource

from ..readers.published import Figure, figure_findings, read_published
from ..evaluation.results import AggregateResult, Evaluation, Exact, IndicatorResult
from ..words import level_word, measure_word

__all__ = ["CLASSES", "EXPLANATIONS", "AuditReport", "AuditRow", "audit", "combined", "figure_findings",
           "read_published"]

HUNDRED = Decimal(100)
CLASSES = ("reproduced", "truncation", "rounding", "cap", "floor", "formula", "copy", "propagated", "unexplained",
           "not computed")

# ---- the thresholds the explanations try --------------------------------------------------------

# LKjIP tables print realisasi with 2 decimals; an aggregate's items are tried at that precision
PRINTED_REALISASI_PLACES = 2
# the precisions a report may have rounded an indicator's realisasi to before dividing by the
# target, most common first (2 as printed; 1 and 3 seen in the Sumsel and Banten reports)
REALISASI_PLACES_TRIED = (2, 1, 3)
# the same for an index group's value (indices print 3 decimals, e.g. 3,691, and 1 in summaries)
GROUP_VALUE_PLACES_TRIED = (2, 3, 1)
# a capaian cap many LKjIPs apply without the catalog declaring it: Banten 2024 prints PUU fasilitasi
# 125 % as 120 (indicators/banten-2024/NOTES.md)
UNDECLARED_CAP = Decimal(120)
# and the floor they apply to a negative capaian
UNDECLARED_FLOOR = Decimal(0)
# how many ways an aggregate's items may be combined (recomputed or printed each) before giving up
MAX_COMBINATIONS = 512
# rows a copy error names before "(or of N more)"
COPY_SOURCES_NAMED = 3
AGGREGATE_LEVELS = ("sasaran", "office", "overall")


class AuditRow(BaseModel):
    level: str
    id: str
    measure: str
    line: int
    printed: str
    printed_value: Optional[Exact] = None
    recomputed: Optional[Exact] = None
    difference: Optional[Exact] = None
    verdict: str
    explanation: str = ""
    report_says_consistent: Optional[bool] = None
    period: Optional[str] = None  # the period the figure is of and was recomputed for ("2023")


class AuditReport(BaseModel):
    source: str
    published: str
    rows: list[AuditRow]
    counts: dict[str, int]
    # the counts of each period audited, earliest first (one entry when the figures are of one year)
    counts_by_period: dict[str, dict[str, int]] = {}


def _decimals(n: int) -> str:
    return t("a whole number") if n == 0 else tn("{n} decimal", "{n} decimals", n)


def _exponent(x: Decimal) -> int:
    """The exponent of a finite Decimal: every printed and recomputed value is one (inputs are
    checked where they are read)."""
    exponent = x.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number: {x}")
    return exponent


def _minus(a: Decimal, b: Decimal) -> Decimal:
    """a − b exactly, at any magnitude (the default context keeps 28 digits; a capaian may have 60)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, max(a.adjusted(), b.adjusted()) - min(_exponent(a), _exponent(b)) + 2)
        return a - b


def _rounded_to(x: Decimal, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return quantized(x, Decimal(1).scaleb(-places), mode)  # any magnitude: a capaian may reach 1e58


class _Lookup:
    """Recomputed values by (level, id, measure), with what else is needed to explain differences."""

    def __init__(self, ev: Evaluation, printed: dict[tuple[str, str, str], list[Decimal]],
                 overall_source: AggregateSource):
        self.overall_source = overall_source  # what the overall mean is taken over (the catalog's policy)
        self.values: dict[tuple[str, str, str], Decimal | None] = {}
        self.indicators: dict[str, IndicatorResult] = {r.id: r for r in ev.indicators}
        self.aggregates: dict[tuple[str, str], AggregateResult] = {(a.level, a.id): a for a in ev.sasaran + ev.offices}
        if ev.overall is not None:
            self.aggregates[("overall", "overall")] = ev.overall
        self.printed = printed
        # the capaian as the catalog's declared rounding prints it (truncate 2 gives 118,91)
        self.shown: dict[tuple[str, str, str], Decimal | None] = {
            (level, a.id, "capaian"): a.capaian for level, rows in
            (("indicator", ev.indicators), ("sasaran", ev.sasaran), ("office", ev.offices)) for a in rows}
        if ev.overall is not None:
            self.shown[("overall", "overall", "capaian")] = ev.overall.capaian
        self.group_targets: dict[str, Decimal | None] = {}
        for r in ev.indicators:
            self.values[("indicator", r.id, "capaian")] = r.capaian_exact
            self.values[("indicator", r.id, "realisasi")] = r.realisasi
            self.values[("indicator", r.id, "target")] = r.target
            for c in r.components:
                # a sub-index's own target where the catalog declares one, else the index's
                target = self.group_targets[c.path] = c.target if c.target is not None else r.target
                self.values[("group", c.path, "target")] = target
                self.values[("group", c.path, "realisasi")] = c.value_exact
                self.values[("group", c.path, "capaian")] = (c.value_exact / target * HUNDRED
                                                             if c.value_exact is not None and target else None)
                if c.value is not None and c.value != c.value_exact:  # as the group's declared rounding prints it
                    self.shown[("group", c.path, "realisasi")] = c.value
                    if target:
                        self.shown[("group", c.path, "capaian")] = c.value / target * HUNDRED
        for level, rows in (("sasaran", ev.sasaran), ("office", ev.offices)):
            for a in rows:
                self.values[(level, a.id, "capaian")] = a.capaian_exact
        if ev.overall is not None:
            self.values[("overall", "overall", "capaian")] = ev.overall.capaian_exact

    def get(self, f: Figure) -> Decimal | None:
        ident = "overall" if f.level == "overall" else f.id
        return self.values.get((f.level, ident, f.measure))

    def candidates(self, level: str, ident: str) -> list[tuple[Decimal, frozenset[str]]]:
        """Values an item may have had in the report: recomputed, or any capaian printed for it.
        Each comes with the ids whose printed value it used instead of the recomputed one."""
        agg = self.aggregates.get((level, ident))
        if level == "indicator" or agg is None:
            key = ("indicator", ident, "capaian")
            exact = self.values.get(key)
            out: list[tuple[Decimal, frozenset[str]]] = [(exact, frozenset())] if exact is not None else []
            for p in self.printed.get(key, []):
                if exact is None or _rounded_to(exact, 2) != _rounded_to(p, 2):
                    out.append((p, frozenset({ident})))
            return out
        over_sasaran = level == "overall" and self.overall_source == AggregateSource.SASARAN
        item_level = "sasaran" if over_sasaran else "indicator"
        choices = [self.candidates(item_level, i) for i in agg.items]
        choices = [c for c in choices if c]
        if not choices:
            return []
        out = []
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
            values = [v for v, _ in combo]
            used = frozenset().union(*(u for _, u in combo))
            out.append((sum(values, Decimal(0)) / len(values), used))
        return out


# ---- the explanations, tried in order ---------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One printed figure beside its recomputed value, and what the rules may consult."""

    figure: Figure
    printed: Decimal
    recomputed: Decimal
    places: int
    look: _Lookup
    cap: Decimal | None            # the catalog's declared cap and floor
    floor: Decimal | None

    @property
    def ident(self) -> str:
        return "overall" if self.figure.level == "overall" else self.figure.id

    def is_capaian(self, *levels: str) -> bool:
        return self.figure.measure == "capaian" and self.figure.level in levels

    def prints(self, value: Decimal) -> bool:
        """`value` rounded half-up to the printed places is what was printed."""
        return _rounded_to(value, self.places) == self.printed

    def prints_or_cuts(self, value: Decimal) -> bool:
        """`value` rounded or truncated to the printed places is what was printed."""
        return self.prints(value) or _rounded_to(value, self.places, ROUND_DOWN) == self.printed

    @property
    def indicator(self) -> IndicatorResult | None:
        """The indicator's result behind a figure of the indicator level; None at other levels."""
        return self.look.indicators.get(self.figure.id) if self.figure.level == "indicator" else None


Explanation = tuple[str, str]
Rule = Callable[[Case], Optional[Explanation]]


def reproduced(c: Case) -> Explanation | None:
    """The recomputed value, or the value as the catalog's declared rounding shows it, prints as printed."""
    shown = c.look.shown.get((c.figure.level, c.ident, c.figure.measure))
    if c.prints(c.recomputed) or (shown is not None and c.prints(shown)):
        return "reproduced", ""
    return None


def truncation(c: Case) -> Explanation | None:
    """The recomputed value cut (not rounded) to the printed places."""
    if _rounded_to(c.recomputed, c.places, ROUND_DOWN) == c.printed:
        return "truncation", t("{value}… cut to {places}, not rounded", value=format(c.recomputed, ".6f"),
                               places=_decimals(c.places))
    return None


def propagated(c: Case) -> Explanation | None:
    """An aggregate that reproduces once some of its items take their printed (wrong) capaian,
    fewest such items first."""
    if not c.is_capaian(*AGGREGATE_LEVELS):
        return None
    for alt, used in sorted(c.look.candidates(c.figure.level, c.ident), key=lambda pair: len(pair[1])):
        if used and c.prints_or_cuts(alt):
            return "propagated", t("reproduces from the printed capaian of {items}", items=", ".join(sorted(used)))
    return None


def aggregate_of_rounded_realisasi(c: Case) -> Explanation | None:
    """A sasaran or office mean of capaian computed from realisasi truncated (then rounded) to
    the places a report prints realisasi with."""
    if not c.is_capaian("sasaran", "office"):
        return None
    agg = c.look.aggregates.get((c.figure.level, c.figure.id))
    found = [_ratio(c.look.indicators.get(i)) for i in agg.items] if agg is not None else []
    items = [r for r in found if r is not None]
    if not items or len(items) < len(found):  # every item needs a realisasi and a nonzero target
        return None
    for mode, name in ((ROUND_DOWN, N_("the mean of capaian computed from realisasi truncated to {places}")),
                       (ROUND_HALF_UP, N_("the mean of capaian computed from realisasi rounded to {places}"))):
        alt = sum((_rounded_to(r.realisasi, PRINTED_REALISASI_PLACES, mode) / r.target * HUNDRED for r in items),
                  Decimal(0)) / len(items)
        if c.prints(alt):
            return "rounding", t(name, places=_decimals(PRINTED_REALISASI_PLACES))
    return None


def group_of_rounded_value(c: Case) -> Explanation | None:
    """An index group's capaian computed from its value rounded (or truncated) first."""
    if not c.is_capaian("group"):
        return None
    target = c.look.group_targets.get(c.figure.id)
    value = c.look.values.get(("group", c.figure.id, "realisasi"))
    if not target or value is None:
        return None
    for places in GROUP_VALUE_PLACES_TRIED:
        for mode in (ROUND_HALF_UP, ROUND_DOWN):
            if c.prints_or_cuts(_rounded_to(value, places, mode) / target * HUNDRED):
                return "rounding", t("computed from the value rounded to {places}", places=_decimals(places))
    return None


class Ratio(NamedTuple):
    """What an indicator's capaian is computed from: its realisasi and its nonzero target."""

    realisasi: Decimal
    target: Decimal


def _ratio(r: IndicatorResult | None) -> Ratio | None:
    """The realisasi and target of an indicator's result that has both, the target nonzero."""
    if r is None or r.realisasi is None or not r.target:
        return None
    return Ratio(r.realisasi, r.target)


def _divisible(c: Case) -> Ratio | None:
    """The realisasi and nonzero target behind a capaian figure of an indicator that has both."""
    return _ratio(c.indicator) if c.figure.measure == "capaian" else None


def indicator_of_rounded_realisasi(c: Case) -> Explanation | None:
    """An indicator's capaian computed from its realisasi rounded (or truncated) before the division."""
    r = _divisible(c)
    if r is None:
        return None
    for mode, name in ((ROUND_HALF_UP, N_("realisasi rounded to {places} before the division")),
                       (ROUND_DOWN, N_("realisasi truncated to {places} before the division"))):
        for places in REALISASI_PLACES_TRIED:
            if c.prints_or_cuts(_rounded_to(r.realisasi, places, mode) / r.target * HUNDRED):
                return "rounding", t(name, places=_decimals(places))
    return None


def lower_is_better_formula(c: Case) -> Explanation | None:
    """The capaian as (2T − R) / T: the lower-is-better formula on a higher-is-better indicator."""
    r = _divisible(c)
    if r is not None and c.prints((2 * r.target - r.realisasi) / r.target * HUNDRED):
        return "formula", t("lower-is-better formula (2T − R) / T applied")
    return None


def inverted_formula(c: Case) -> Explanation | None:
    """The capaian as T / R: target and realisasi swapped."""
    r = _divisible(c)
    if r is not None and r.realisasi and c.prints(r.target / r.realisasi * HUNDRED):
        return "formula", t("T / R applied")
    return None


def nihil_as_zero(c: Case) -> Explanation | None:
    """A nihil indicator (0/0) printed as 0."""
    r = c.indicator
    if r is not None and c.figure.measure == "capaian" and r.status == "nihil" and c.printed == 0:
        return "formula", t("nihil counted as 0")
    return None


def declared_cap(c: Case) -> Explanation | None:
    if c.cap is not None and c.recomputed > c.cap and c.printed == c.cap:
        return "cap", t("capped at {cap}", cap=c.cap)
    return None


def declared_floor(c: Case) -> Explanation | None:
    if c.floor is not None and c.recomputed < c.floor and c.printed == c.floor:
        return "floor", t("floor {floor}", floor=c.floor)
    return None


def undeclared_cap(c: Case) -> Explanation | None:
    if c.printed == UNDECLARED_CAP and c.recomputed > c.printed:
        return "cap", t("capped at {cap} (not declared in this catalog)", cap=UNDECLARED_CAP)
    return None


def undeclared_floor(c: Case) -> Explanation | None:
    if c.printed == UNDECLARED_FLOOR and c.recomputed < UNDECLARED_FLOOR:
        return "floor", t("negative capaian printed as 0 (not declared in this catalog)")
    return None


def last_decimal(c: Case) -> Explanation | None:
    """A computed figure one unit off in its last printed decimal: inputs rounded differently. A
    target is stated, not computed, and a whole-number difference is never rounding."""
    if c.figure.measure != "target" and c.places > 0 \
            and abs(c.recomputed - c.printed) <= Decimal(1).scaleb(-c.places):
        return "rounding", t("within one unit of the last printed decimal")
    return None


def copy(c: Case) -> Explanation | None:
    """The printed value is the same measure of another row. The report's table layout is not
    encoded, so every row the value could come from is named."""
    f = c.figure
    sources = [f"{level_word(key[0])} `{key[1]}`" for key, other in c.look.values.items()
               if other is not None and key[:2] != (f.level, f.id) and key[2] == f.measure
               and c.prints_or_cuts(other)]
    if not sources:
        return None
    more = (t(" (or of {n} more)", n=len(sources) - COPY_SOURCES_NAMED) if len(sources) > COPY_SOURCES_NAMED
            else "")
    return "copy", t("the printed {measure} is that of {sources}", measure=measure_word(f.measure),
                     sources=t(" or ").join(sources[:COPY_SOURCES_NAMED])) + more


# The order is the classification: the first rule that fits names the difference. Exact causes
# (the value as computed, then cut) come before the report's own mistakes propagated from an item,
# then the roundings and formulas that reproduce the figure exactly, the caps and floors, and only
# then the loose ones (one unit off, a value that matches another row).
EXPLANATIONS: tuple[Rule, ...] = (
    reproduced, truncation, propagated, aggregate_of_rounded_realisasi, group_of_rounded_value,
    indicator_of_rounded_realisasi, lower_is_better_formula, inverted_formula, nihil_as_zero,
    declared_cap, declared_floor, undeclared_cap, undeclared_floor, last_decimal, copy,
)


def explain(case: Case) -> Explanation:
    """The class of a printed figure and why: the first rule of EXPLANATIONS that fits, else unexplained."""
    for rule in EXPLANATIONS:
        found = rule(case)
        if found is not None:
            return found
    return "unexplained", ""


def audit(ev: Evaluation, figures: list[Figure], catalog: Catalog, published: str) -> AuditReport:
    printed_capaian: dict[tuple[str, str, str], list[Decimal]] = {}
    for f in sorted(figures, key=lambda f: f.consistent is False):  # consistent figures first
        if f.value is not None and f.measure == "capaian":
            printed_capaian.setdefault((f.level, f.id, f.measure), []).append(f.value)
    look = _Lookup(ev, printed_capaian, catalog.aggregation["overall"].source)
    cap, floor = catalog.policy.cap.value, catalog.policy.floor.value
    rows = []
    for f in figures:
        x = look.get(f)
        printed, places = f.value, f.places
        if printed is None or x is None:
            same = printed is None and x is None
            rows.append(AuditRow(level=f.level, id=f.id, measure=f.measure, line=f.line, printed=f.printed,
                                 printed_value=printed, recomputed=x,
                                 verdict="reproduced" if same else "not computed",
                                 explanation=t("both empty (nihil or not reported)") if same else
                                 (t("the report prints no number") if printed is None else t("no recomputed value")),
                                 report_says_consistent=f.consistent, period=ev.period))
            continue
        verdict, why = explain(Case(f, printed, x, places, look, cap, floor))
        rows.append(AuditRow(level=f.level, id=f.id, measure=f.measure, line=f.line, printed=f.printed,
                             printed_value=printed, recomputed=x, difference=_minus(printed, _rounded_to(x, places)),
                             verdict=verdict, explanation=why, report_says_consistent=f.consistent,
                             period=ev.period))
    counts = {c: sum(1 for r in rows if r.verdict == c) for c in CLASSES}
    return AuditReport(source=", ".join(ev.catalog), published=published, rows=rows, counts=counts,
                       counts_by_period={ev.period: counts})


def combined(reports: list[AuditReport]) -> AuditReport:
    """The audits of several years as one report: their rows in turn, each saying its period, and
    the counts in all and per period."""
    rows = [row for report in reports for row in report.rows]
    counts = {c: sum(1 for r in rows if r.verdict == c) for c in CLASSES}
    first = reports[-1]  # the main period's: the same catalog and published file in every one
    return AuditReport(source=first.source, published=first.published, rows=rows, counts=counts,
                       counts_by_period={k: v for report in reports for k, v in report.counts_by_period.items()})
