"""Published vs recomputed: every printed figure checked, each difference classified.

For reviewers (inspektorat) who check an LKjIP before it is published. A figure
reproduces when the recomputed exact value, rounded half-up to the printed number
of decimals, is what was printed. Otherwise the first rule of EXPLANATIONS that fits
gives the class: truncation, rounding (including realisasi rounded first), cap or floor,
a different formula (lower-is-better, nihil counted as 0), a copy error (the value
printed in a neighbouring row of the same measure), or unexplained. The published figures
themselves are read by published.py; a figure with a `unit` is audited against the
evaluation at that office.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from typing import Callable, NamedTuple, Optional, Sequence

from pydantic import BaseModel

from kinerja_dsl.catalog import Catalog, quantized
from kinerja_dsl.messages import N_, t, tn
from kinerja_dsl.vocabulary import AggregateSource

from ..readers.agreement import PkDocument
from ..readers.published import Figure, figure_findings, read_published
from .pk import SourcedTarget, sourced_targets
from ..evaluation.results import AggregateResult, Evaluation, Exact, IndicatorResult
from ..words import level_word, measure_word

__all__ = ["CLASSES", "EXPLANATIONS", "AuditReport", "AuditRow", "audit", "beside", "combined", "copies",
           "deciding", "figure_findings", "read_published"]

HUNDRED = Decimal(100)
CLASSES = ("reproduced", "truncation", "rounding", "cap", "floor", "formula", "source", "copy", "propagated",
           "unexplained", "not computed")

# ---- the thresholds the explanations try --------------------------------------------------------

# LKjIP tables print realisasi with 2 decimals; an aggregate's items are tried at that precision
PRINTED_REALISASI_PLACES = 2
# the precisions a report may have rounded an indicator's realisasi to before dividing by the
# target, most common first (2 as printed; 1 and 3 seen in the Sumsel and Banten reports; a whole
# percentage, 0, in reports that print realisasi as "91%" or an index as "4")
REALISASI_PLACES_TRIED = (2, 0, 1, 3)
# and an aggregate's items' realisasi: as printed, or whole percentages
AGGREGATE_REALISASI_PLACES_TRIED = (PRINTED_REALISASI_PLACES, 0)
# the same for an index group's value (indices print 3 decimals, e.g. 3,691, and 1 in summaries)
GROUP_VALUE_PLACES_TRIED = (2, 3, 1)
# the capaian caps LKjIPs apply without the catalog declaring them (the Kemenkumham applications cap
# at 120: Banten 2024 prints PUU fasilitasi 125 % as 120, indicators/banten-2024/NOTES.md); tried
# after the catalog's declared cap, at an indicator's or index group's capaian only (a mean is
# explained through its printed items, `propagated`)
USUAL_CAPS = tuple(Decimal(c) for c in (100, 110, 120, 150, 200))
# and the floor they apply to a negative capaian
UNDECLARED_FLOOR = Decimal(0)
# how many ways an aggregate's items may be combined (recomputed or printed each) before giving up
MAX_COMBINATIONS = 512
# how far (in the report's lines) the neighbouring row a copy names may stand: a table and its
# continuation after a page break (Banten's kamtib 3,869 at L2566 is kesehatan's of L2536)
COPY_WINDOW = 40
# decimals shown beyond the printed ones where a note gives the value that decides its class
DECIDING_DIGITS = 4
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
    unit: Optional[str] = None    # the office a per-office figure is of, recomputed as `--unit` gives it


class AuditReport(BaseModel):
    source: str
    published: str
    rows: list[AuditRow]
    counts: dict[str, int]
    # the counts of each period audited, earliest first (one entry when the figures are of one year)
    counts_by_period: dict[str, dict[str, int]] = {}
    # the counts of the per-office figures (a `unit`), by office, in the order they were audited
    counts_by_unit: dict[str, dict[str, int]] = {}


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


def beside(x: Decimal, places: int) -> Decimal:
    """A recomputed value to print beside the printed one: at the printed places and two more
    where they are not zeros (111,389 beside 111,1; 100,00 beside 111,11; 3,1 beside 90 %)."""
    longer = _rounded_to(x, places + 2)
    own = -_exponent(longer.normalize()) if _exponent(longer.normalize()) < 0 else 0
    return _rounded_to(longer, max(places, min(own, places + 2)))


def deciding(x: Decimal, places: int) -> str:
    """A value as a note gives it: the printed places and DECIDING_DIGITS more (the digits that
    decide between rounding and truncation), `…` when digits were cut; a value with fewer places
    at the printed places (3.80, never 3.8000000000)."""
    cut = _rounded_to(x, places + DECIDING_DIGITS, ROUND_DOWN)
    if cut != x:
        return format(cut, "f") + "…"
    return format(_rounded_to(x, max(places, -_exponent(x.normalize()))), "f")


class _Lookup:
    """Recomputed values by (level, id, measure), with what else is needed to explain differences."""

    def __init__(self, ev: Evaluation, printed: dict[tuple[str, str, str], list[Decimal]],
                 overall_source: AggregateSource, printed_realisasi: dict[tuple[str, int], Decimal] | None = None,
                 targets: dict[str, list[SourcedTarget]] | None = None):
        self.overall_source = overall_source  # what the overall mean is taken over (the catalog's policy)
        # each indicator's annual target by source (catalog, each PK, Renstra) for the year audited
        self.targets = targets or {}
        # an indicator's realisasi before the catalog's declared rounding (the report may cut the exact one)
        self.unrounded: dict[str, Decimal] = {}
        self.values: dict[tuple[str, str, str], Decimal | None] = {}
        self.indicators: dict[str, IndicatorResult] = {r.id: r for r in ev.indicators}
        self.aggregates: dict[tuple[str, str], AggregateResult] = {(a.level, a.id): a for a in ev.sasaran + ev.offices}
        if ev.overall is not None:
            self.aggregates[("overall", "overall")] = ev.overall
        self.printed = printed
        self.printed_realisasi = printed_realisasi or {}  # an indicator's realisasi as printed on a line
        # the capaian as the catalog's declared rounding prints it (truncate 2 gives 118,91)
        self.shown: dict[tuple[str, str, str], Decimal | None] = {
            (level, a.id, "capaian"): a.capaian for level, rows in
            (("indicator", ev.indicators), ("sasaran", ev.sasaran), ("office", ev.offices)) for a in rows}
        if ev.overall is not None:
            self.shown[("overall", "overall", "capaian")] = ev.overall.capaian
        self.group_targets: dict[str, Decimal | None] = {}
        for r in ev.indicators:
            if r.realisasi_exact is not None and r.realisasi_exact != r.realisasi:
                self.unrounded[r.id] = r.realisasi_exact
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

    def targets_of(self, ident: str) -> list[SourcedTarget]:
        return self.targets.get(ident, [])

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

    def unrounded(self) -> Decimal | None:
        """The figure's value before the catalog's declared rounding of the realisasi, where one was
        applied: the exact realisasi, or the capaian computed from it."""
        r = self.indicator
        before = self.look.unrounded.get(self.figure.id) if r is not None else None
        if before is None or r is None:
            return None
        if self.figure.measure == "realisasi":
            return before
        if self.figure.measure == "capaian" and r.target and r.capaian_exact is not None and r.realisasi:
            # the capaian as computed from the rounded realisasi, scaled to the exact one (the same
            # formula: lower-is-better and the like keep their shape only for a plain ratio)
            plain = r.realisasi / r.target * HUNDRED
            return before / r.target * HUNDRED if plain == r.capaian_exact else None
        return None


Explanation = tuple[str, str]
Rule = Callable[[Case], Optional[Explanation]]


def reproduced(c: Case) -> Explanation | None:
    """The recomputed value, or the value as the catalog's declared rounding shows it, prints as printed."""
    shown = c.look.shown.get((c.figure.level, c.ident, c.figure.measure))
    if c.prints(c.recomputed) or (shown is not None and c.prints(shown)):
        return "reproduced", ""
    return None


def truncation(c: Case) -> Explanation | None:
    """The recomputed value cut (not rounded) to the printed places; or the exact value before the
    catalog's declared rounding of the realisasi cut so (39,988 printed 39,98 is truncation even
    where the catalog rounds the realisasi to 39,99 first)."""
    for value in (c.recomputed, c.unrounded()):
        if value is not None and _rounded_to(value, c.places, ROUND_DOWN) == c.printed:
            return "truncation", t("{value} cut to {places}, not rounded", value=deciding(value, c.places),
                                   places=_decimals(c.places))
    return None


def target_source(c: Case) -> Explanation | None:
    """An indicator's target printed as another source states it where the catalog's differs: a
    PK's (the signed one, or the copy a report prints in its BAB II) or the Renstra's, each named
    with where it is written. Equal as numbers ("90%" is 90), never merely rounded to it."""
    if c.figure.level != "indicator" or c.figure.measure != "target":
        return None
    found = [s for s in c.look.targets_of(c.figure.id)
             if s.source != "catalog" and not s.target.is_range and s.target.low == c.printed]
    if not found:
        return None
    return "source", t("the printed target is {sources}", sources=t(" and ").join(s.named() for s in found))


def capaian_of_another_target(c: Case) -> Explanation | None:
    """An indicator's capaian computed against another source's target for the year: a PK's or the
    Renstra's, where the catalog's differs (realisasi / that target, as the catalog's direction
    has it only for a plain ratio)."""
    r = _divisible(c)
    if r is None or c.indicator is None or c.indicator.capaian_exact != r.realisasi / r.target * HUNDRED:
        return None
    for s in c.look.targets_of(c.figure.id):
        if s.source != "catalog" and not s.target.is_range and s.target.low and s.target.low != r.target \
                and c.prints_or_cuts(r.realisasi / s.target.low * HUNDRED):
            return "source", t("computed against {source}", source=s.named())
    return None


def no_target_source(c: Case) -> str:
    """What an unexplained target is not: every source's target for the year, so that a reviewer
    sees the printed one equals none of them."""
    if c.figure.level != "indicator" or c.figure.measure != "target":
        return ""
    sources = c.look.targets_of(c.figure.id)
    return t("equal to none of {sources}", sources=", ".join(s.named() for s in sources)) if sources else ""


def propagated(c: Case) -> Explanation | None:
    """An aggregate that reproduces once some of its items take their printed (wrong) capaian,
    fewest such items first; an indicator's capaian that follows from the realisasi printed on
    its own row (3,691 / 3,6 = 102,527… printed 102,52: the difference is the realisasi's)."""
    if c.is_capaian("indicator"):
        realisasi = c.look.printed_realisasi.get((c.figure.id, c.figure.line))
        r = c.indicator
        if realisasi is None or r is None or not r.target or r.realisasi is None or realisasi == r.realisasi:
            return None
        alt = realisasi / r.target * HUNDRED
        if c.prints(alt):
            return "propagated", t("reproduces from the printed realisasi {value}", value=format(realisasi, "f"))
        if c.prints_or_cuts(alt):
            return "propagated", t("reproduces from the printed realisasi {value}, cut to {places}",
                                   value=format(realisasi, "f"), places=_decimals(c.places))
        return None
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
    for places in AGGREGATE_REALISASI_PLACES_TRIED:
        for mode, verdict, name in (
                (ROUND_DOWN, "truncation", N_("the mean of capaian computed from realisasi truncated to {places}")),
                (ROUND_HALF_UP, "rounding", N_("the mean of capaian computed from realisasi rounded to {places}"))):
            alt = sum((_rounded_to(r.realisasi, places, mode) / r.target * HUNDRED for r in items),
                      Decimal(0)) / len(items)
            if c.prints(alt):
                return verdict, t(name, places=_decimals(places))
    return None


def aggregate_with_nihil_as_zero(c: Case) -> Explanation | None:
    """A sasaran or office mean that counts its nihil indicators (0/0) as 0, where the catalog
    counts them achieved or leaves them out (Sumsel's second Tabel 117: IMI1 (111,11 + 0) / 2 = 56)."""
    if not c.is_capaian("sasaran", "office"):
        return None
    agg = c.look.aggregates.get((c.figure.level, c.figure.id))
    if agg is None:
        return None
    results = [c.look.indicators.get(i) for i in [*agg.items, *agg.excluded]]
    nihil = [r for r in results if r is not None and (r.nihil is not None or r.status == "nihil")]
    counted = [r for r in results if r is not None and r not in nihil and r.capaian_exact is not None]
    if not nihil or len(nihil) + len(counted) != len(results):
        return None
    if c.prints(sum((r.capaian_exact for r in counted if r.capaian_exact is not None), Decimal(0)) / len(results)):
        return "formula", t("nihil counted as 0 in the mean ({items})", items=", ".join(r.id for r in nihil))
    return None


def group_of_rounded_value(c: Case) -> Explanation | None:
    """An index group's capaian computed from its value rounded (class rounding) or truncated
    (class truncation) first."""
    if not c.is_capaian("group"):
        return None
    target = c.look.group_targets.get(c.figure.id)
    value = c.look.values.get(("group", c.figure.id, "realisasi"))
    if not target or value is None:
        return None
    for places in GROUP_VALUE_PLACES_TRIED:
        for mode, verdict, name in ((ROUND_HALF_UP, "rounding", N_("computed from the value rounded to {places}")),
                                    (ROUND_DOWN, "truncation", N_("computed from the value truncated to {places}"))):
            first = _rounded_to(value, places, mode)
            if c.prints_or_cuts(first / target * HUNDRED):
                return verdict, t(name, places=_decimals(places)) + t(" ({value} → {first})", value=deciding(
                    value, places), first=format(first, "f"))
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
    """An indicator's capaian computed from its realisasi rounded (or truncated) before the division:
    the exact realisasi (before the catalog's own rounding, if any) at 2, 1, 3 places or a whole
    percentage."""
    r = _divisible(c)
    if r is None:
        return None
    exact = c.look.unrounded.get(c.figure.id, r.realisasi)
    for mode, verdict, name in ((ROUND_HALF_UP, "rounding", N_("realisasi rounded to {places} before the division")),
                                (ROUND_DOWN, "truncation", N_("realisasi truncated to {places} before the division"))):
        for places in REALISASI_PLACES_TRIED:
            first = _rounded_to(exact, places, mode)
            if c.prints_or_cuts(first / r.target * HUNDRED):
                return verdict, t(name, places=_decimals(places)) + t(" ({value} → {first})", value=deciding(
                    exact, places), first=format(first, "f"))
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
        return "cap", t("capped at {cap}", cap=format(c.cap.normalize(), "f"))
    return None


def declared_floor(c: Case) -> Explanation | None:
    if c.floor is not None and c.recomputed < c.floor and c.printed == c.floor:
        return "floor", t("floor {floor}", floor=c.floor)
    return None


def undeclared_cap(c: Case) -> Explanation | None:
    """An indicator's or index group's capaian printed as one of the caps LKjIPs use (USUAL_CAPS)
    though the catalog declares none there."""
    if c.is_capaian("indicator", "group") and c.printed in USUAL_CAPS and c.recomputed > c.printed:
        return "cap", t("capped at {cap} (not declared in this catalog)", cap=format(c.printed.normalize(), "f"))
    return None


def undeclared_floor(c: Case) -> Explanation | None:
    if c.printed == UNDECLARED_FLOOR and c.recomputed < UNDECLARED_FLOOR:
        return "floor", t("negative capaian printed as 0 (not declared in this catalog)")
    return None


def rounded_up(c: Case) -> Explanation | None:
    """A computed figure rounded up (away from zero, a spreadsheet's ROUNDUP) at the printed places,
    not half-up: 23,8532 printed 23,86."""
    if c.figure.measure != "target" and _rounded_to(c.recomputed, c.places, ROUND_UP) == c.printed:
        return "rounding", t("{value} rounded up to {places}, not half-up", value=deciding(c.recomputed, c.places),
                             places=_decimals(c.places))
    return None


def last_decimal(c: Case) -> Explanation | None:
    """A computed figure one unit off in its last printed decimal: inputs rounded differently. A
    target is stated, not computed, and a whole-number difference is never rounding."""
    if c.figure.measure != "target" and c.places > 0 \
            and abs(c.recomputed - c.printed) <= Decimal(1).scaleb(-c.places):
        return "rounding", t("within one unit of the last printed decimal")
    return None


# The order is the classification: the first rule that fits names the difference. A target stated
# by another source (a PK, the Renstra) first: it is no computation at all. Exact causes
# (the value as computed, then cut) come before the report's own mistakes propagated from an item,
# then the roundings and formulas that reproduce the figure exactly, the caps and floors, and only
# then the loose one (one unit off). What is still unexplained may be a copy of a neighbouring row
# (`copies`, which looks at the rows of every year audited).
EXPLANATIONS: tuple[Rule, ...] = (
    reproduced, target_source, truncation, propagated, aggregate_of_rounded_realisasi, group_of_rounded_value,
    aggregate_with_nihil_as_zero, indicator_of_rounded_realisasi, lower_is_better_formula, inverted_formula,
    nihil_as_zero, capaian_of_another_target, declared_cap, declared_floor, undeclared_cap, undeclared_floor,
    rounded_up, last_decimal,
)


def copies(rows: list[AuditRow]) -> list[AuditRow]:
    """The rows with every unexplained figure that is a copy classed so: its printed number is
    that of the nearest row of the same measure printed above or below it (within COPY_WINDOW
    lines: the same table; the other year's column of the same line first), of another figure
    that reproduces where it stands, equal at the printed places (a value that only truncates to
    it is no copy). Only figures the report prints count, never a mean the engine computes that
    the report does not show; the office of a per-office figure must be the same."""
    out = []
    for row in rows:
        if row.verdict != "unexplained" or row.printed_value is None:
            out.append(row)
            continue
        near = sorted(sorted((o for o in rows if o.measure == row.measure and o.unit == row.unit
                              and o.printed_value is not None and abs(o.line - row.line) <= COPY_WINDOW
                              and (o.level, o.id, o.period) != (row.level, row.id, row.period)
                              and (o.line != row.line or o.period != row.period)),
                             key=lambda o: o.period or "", reverse=True),  # the latest year first
                      key=lambda o: (abs(o.line - row.line), o.line))
        above = next((o for o in near if o.line <= row.line), None)
        below = next((o for o in near if o.line > row.line), None)
        places = _places(row)
        sources = [o for o in (above, below) if o is not None and o.verdict == "reproduced"
                   and o.printed_value is not None and _rounded_to(o.printed_value, places) == row.printed_value]
        if not sources:
            out.append(row)
            continue
        named = [f"{level_word(o.level)} `{o.id}`" + (f" {o.period}" if o.period != row.period else "")
                 + f" (L{o.line})" for o in sources]
        out.append(row.model_copy(update={"verdict": "copy", "explanation": t(
            "the printed {measure} is that of {sources}", measure=measure_word(row.measure),
            sources=t(" or ").join(named))}))
    return out


def _places(row: AuditRow) -> int:
    """The decimal places a row's figure was printed with."""
    exponent = row.printed_value.as_tuple().exponent if row.printed_value is not None else 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def explain(case: Case) -> Explanation:
    """The class of a printed figure and why: the first rule of EXPLANATIONS that fits, else unexplained."""
    for rule in EXPLANATIONS:
        found = rule(case)
        if found is not None:
            return found
    return "unexplained", ""


def audit(ev: Evaluation, figures: list[Figure], catalog: Catalog, published: str,
          unit: str | None = None, pks: Sequence[PkDocument] = ()) -> AuditReport:
    """The figures of one period (and of one office, `unit`, for a per-office table) against `ev`;
    a printed target also against each PK of the year (`pks`) and the Renstra."""
    printed_capaian: dict[tuple[str, str, str], list[Decimal]] = {}
    for f in sorted(figures, key=lambda f: f.consistent is False):  # consistent figures first
        if f.value is not None and f.measure == "capaian":
            printed_capaian.setdefault((f.level, f.id, f.measure), []).append(f.value)
    printed_realisasi = {(f.id, f.line): f.value for f in figures
                         if f.level == "indicator" and f.measure == "realisasi" and f.value is not None}
    year = int(ev.period) if ev.period.isdigit() else None  # a PK and the Renstra state annual targets
    targets = {f.id: sourced_targets(catalog.indicators[f.id], year, pks) for f in figures
               if year is not None and f.level == "indicator" and f.measure in ("target", "capaian")
               and f.id in catalog.indicators}
    look = _Lookup(ev, printed_capaian, catalog.aggregation["overall"].source, printed_realisasi, targets)
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
                                 report_says_consistent=f.consistent, period=ev.period, unit=unit))
            continue
        case = Case(f, printed, x, places, look, cap, floor)
        verdict, why = explain(case)
        if verdict == "unexplained":
            why = no_target_source(case)
        rows.append(AuditRow(level=f.level, id=f.id, measure=f.measure, line=f.line, printed=f.printed,
                             printed_value=printed, recomputed=x, difference=_minus(printed, _rounded_to(x, places)),
                             verdict=verdict, explanation=why, report_says_consistent=f.consistent,
                             period=ev.period, unit=unit))
    rows = copies(rows)
    counts = _counted(rows)
    return AuditReport(source=", ".join(ev.catalog), published=published, rows=rows, counts=counts,
                       counts_by_period={ev.period: counts}, counts_by_unit={unit: counts} if unit else {})


def _counted(rows: list[AuditRow]) -> dict[str, int]:
    return {c: sum(1 for r in rows if r.verdict == c) for c in CLASSES}


def combined(reports: list[AuditReport]) -> AuditReport:
    """The audits of several years and offices as one report: their rows in turn, each saying its
    period and office, and the counts in all, per period (its offices' figures included) and per
    office."""
    rows = copies([row for report in reports for row in report.rows])
    first = reports[-1]  # the same catalog and published file in every one
    periods = list(dict.fromkeys(p for report in reports for p in report.counts_by_period))
    units = list(dict.fromkeys(r.unit for r in rows if r.unit))
    return AuditReport(source=first.source, published=first.published, rows=rows, counts=_counted(rows),
                       counts_by_period={p: _counted([r for r in rows if r.period == p]) for p in periods},
                       counts_by_unit={u: _counted([r for r in rows if r.unit == u]) for u in units})
