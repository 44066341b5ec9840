"""The declared policies at work: capaian by direction, cap and floor, and their summary.

Each rule returns its value and which case of it applied (structured, so `explain` can say
exactly what was computed; the words are made by engine/rendering/narrate.py).

Rounding is the catalog's `Rounding.apply`: half-up away from zero (−2,505 -> −2,51) or
truncation toward zero, at any magnitude the bounded inputs can produce (a capaian of about
1e58 needs more digits than the engine's 34; `quantized` widens the context then).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from kinerja_dsl.catalog import Catalog, Declared, Indicator, Policy, TargetSpec, UndefinedValue
from kinerja_dsl.vocabulary import PeriodTargets, Rollup, TargetFallback

from ..numbers import plain
from ..periods import GRANULARITIES, Period
from .results import CapaianCase


HUNDRED = Decimal(100)
TWO = Decimal(2)
PRECISION = 34  # significant digits of every evaluation and mean (Decimal's context)


def capaian(direction: str, lower_formula: str, realisasi: Decimal, target: TargetSpec) -> tuple[Decimal, CapaianCase]:
    """Achievement in % of the target, by the indicator's direction, and which case decided it."""
    r = realisasi

    def case(situation: str, formula: str, bound: Decimal) -> CapaianCase:
        return CapaianCase(direction, situation, formula, r, bound, target.text)

    if target.high is not None:  # a range
        low, high = target.low, target.high
        if low <= r <= high:
            return HUNDRED, case("inside", "inside", low)
        side, bound = ("above", high) if r > high else ("below", low)
        if direction == "stabilize":
            if side == "below":
                return _ratio(r, low), case(side, "r_over_t", low)
            return _two_t(high, r), case(side, "two_t", high)
        if direction == "lower":
            return _lower(lower_formula, r, bound), case(side, _lower_formula(lower_formula), bound)
        return _ratio(r, bound), case(side, "r_over_t", bound)
    t = target.low
    if direction == "lower":
        return _lower(lower_formula, r, t), case("lower", _lower_formula(lower_formula), t)
    if direction == "stabilize":
        if r == t:
            return HUNDRED, case("stabilize_below", "equal", t)
        if r < t:
            return _ratio(r, t), case("stabilize_below", "r_over_t", t)
        return _two_t(t, r), case("stabilize_above", "two_t", t)
    return _ratio(r, t), case("higher", "r_over_t", t)


def _lower_formula(formula: str) -> str:
    return "t_over_r" if formula == "t_over_r" else "two_t"


def _ratio(r: Decimal, t: Decimal) -> Decimal:
    if not t:
        raise UndefinedValue("the target is 0, so R / T has no value")
    return r / t * HUNDRED


def _two_t(t: Decimal, r: Decimal) -> Decimal:
    if not t:
        raise UndefinedValue("the target is 0, so (2T − R) / T has no value")
    return (TWO * t - r) / t * HUNDRED


def _lower(formula: str, r: Decimal, t: Decimal) -> Decimal:
    if formula == "t_over_r":
        if not r:
            raise UndefinedValue("realisasi is 0, so T / R has no value")
        return t / r * HUNDRED
    return _two_t(t, r)


class PeriodTarget(NamedTuple):
    """The target an evaluation of one period uses, and where it came from.

    `how`: declared (written for this period, as the convention reads it), summed (per-period
    targets added up to a cumulative period: `rollup sum`), difference (cumulative targets of a
    sum, the one before taken from this one, for the period alone), annual (`target_fallback
    annual`), none (no target: the result is `no_target`). `parts` are the declared targets it was
    built from, (period label, text); `rule` the declaration that decided."""

    spec: TargetSpec | None
    how: str
    parts: tuple[tuple[str, str], ...] = ()
    rule: str | None = None


def declared_target(ind: Indicator, period: Period) -> TargetSpec | None:
    """The target written for the period as the indicator's `period_targets` reads it (see _written_for)."""
    found = _written_for(ind, period)
    return found[1] if found is not None else None


def _written_for(ind: Indicator, period: Period) -> tuple[str, TargetSpec] | None:
    """(the period the target was written for, the target): the annual one for a year; under
    `cumulative` a TW3 target is the target of s.d. TW3, and a period from January takes the one
    written for any period ending with it (S1 = s.d. TW2 = s.d. B06, own kind first); under
    `per_period` a TW3 target is TW3 alone's (a period that starts in January, TW1 or S1, is both)."""
    if period.kind == "year":
        spec = ind.targets.get((period.year, None))
        return (period.label, spec) if spec is not None else None
    if ind.policy.period_targets.value == PeriodTargets.CUMULATIVE:
        months = period.months()
        return _up_to(ind, period.year, months[-1], period.kind) if months.start == 1 else None
    spec = ind.targets.get((period.year, period.suffix))
    return (period.label, spec) if spec is not None and not period.cumulative else None


def _up_to(ind: Indicator, year: int, end: int, kind: str = "quarter") -> tuple[str, TargetSpec] | None:
    """The cumulative target written for January up to month `end`: the annual one for December,
    else a TW, S or B target ending that month (`kind` first)."""
    if end == 12 and (year, None) in ind.targets:
        return str(year), ind.targets[(year, None)]
    for each in sorted(GRANULARITIES, key=lambda k: k != kind):
        size = Period(year, each, 1).size
        if end % size == 0:
            ending = Period(year, each, end // size)
            spec = ind.targets.get((year, ending.suffix))
            if spec is not None:
                return ending.up_to().label if end < 12 else f"{year}-{ending.suffix}", spec
    return None


def target_for(catalog: Catalog, ind: Indicator, period: Period) -> PeriodTarget:
    """The period's target: declared for it; else built from the declared ones where the period
    rule makes that arithmetic (`sum`: per-period targets add up, cumulative ones subtract);
    else the declared fallback; else none. Never a guess: each case says what it read."""
    found = _written_for(ind, period)
    convention = ind.policy.period_targets
    if found is not None:
        rule = convention.origin if period.kind != "year" else None
        return PeriodTarget(found[1], "declared", ((found[0], found[1].text),), rule)
    if period.kind != "year" and catalog.period_rule(ind) == Rollup.SUM:
        built = _from_parts(ind, period, convention.value)
        if built is not None:
            how, value, parts = built
            return PeriodTarget(TargetSpec(value, None, str(plain(value))), how, parts, convention.origin)
    fallback = ind.policy.target_fallback
    annual = ind.targets.get((period.year, None))
    if period.kind != "year" and fallback.value == TargetFallback.ANNUAL and annual is not None:
        return PeriodTarget(annual, "annual", ((str(period.year), annual.text),), fallback.origin)
    return PeriodTarget(None, "none", (), fallback.origin if period.kind != "year" else None)


def _from_parts(ind: Indicator, period: Period,
                convention: PeriodTargets) -> tuple[str, Decimal, tuple[tuple[str, str], ...]] | None:
    """A sum's target from its declared period targets: per-period ones of the parts that make
    the period added up (s.d. TW3 = TW1 + TW2 + TW3; S1 = TW1 + TW2), or cumulative ones
    subtracted for a period alone (TW3 = s.d. TW3 − s.d. TW2). None when one is missing or a range."""
    if convention == PeriodTargets.PER_PERIOD:
        for kind in sorted(GRANULARITIES, key=lambda k: k != period.kind):
            parts = period.parts(kind)
            specs = [ind.targets.get((p.year, p.suffix)) for p in parts]
            found = [s for s in specs if s is not None and not s.is_range]
            if len(parts) > 1 and len(found) == len(parts):
                return ("summed", sum((s.low for s in found), Decimal(0)),
                        tuple((p.label, s.text) for p, s in zip(parts, found)))
        return None
    months = period.months()
    if months.start == 1:
        return None
    up_to, before = _up_to(ind, period.year, months[-1], period.kind), _up_to(ind, period.year, months.start - 1,
                                                                               period.kind)
    if up_to is None or before is None or up_to[1].is_range or before[1].is_range:
        return None
    return ("difference", up_to[1].low - before[1].low, ((up_to[0], up_to[1].text), (before[0], before[1].text)))


def limit(value: Decimal, cap: Decimal | None, floor: Decimal | None) -> tuple[Decimal, str | None]:
    """Apply the declared cap and floor; says which changed it ("capped", "floored") or None."""
    if cap is not None and value > cap:
        return cap, "capped"
    if floor is not None and value < floor:
        return floor, "floored"
    return value, None


def _declared(p: Policy) -> dict[str, str]:
    """Every policy of `p` as "value (origin)": the one summary the eval JSON header (catalog) and
    each indicator's `policy` carry, so the two cannot drift."""
    def said(declared: Declared[Any]) -> str:
        value = declared.value
        shown = "none" if value is None else getattr(value, "id", value)
        return f"{shown} ({declared.origin})"
    return {"cap": said(p.cap), "floor": said(p.floor), "nihil": said(p.nihil),
            "lower_formula": said(p.lower_formula), "round": said(p.round),
            "round_realisasi": said(p.round_realisasi), "rollup": said(p.rollup),
            "unreported": said(p.unreported), "bands": said(p.bands), "period_targets": said(p.period_targets),
            "target_fallback": said(p.target_fallback)}


def policy_summary(ind: Indicator) -> dict[str, str]:
    """An indicator's policies after its own overrides, each with the rule that set it."""
    return _declared(ind.policy)


def catalog_policy_summary(catalog: Catalog) -> dict[str, str]:
    """The catalog's policies and aggregations: the eval JSON header."""
    out = _declared(catalog.policy)
    for level, agg in catalog.aggregation.items():
        out[f"aggregate {level}"] = f"{agg.rule} ({agg.origin})"
    return out
