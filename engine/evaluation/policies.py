"""The declared policies at work: capaian by direction, cap and floor, and their summary.

Each rule returns its value and which case of it applied (structured, so `explain` can say
exactly what was computed; the words are made by engine/rendering/narrate.py).

Rounding is the catalog's `Rounding.apply`: half-up away from zero (−2,505 -> −2,51) or
truncation toward zero, at any magnitude the bounded inputs can produce (a capaian of about
1e58 needs more digits than the engine's 34; `quantized` widens the context then).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from kinerja_dsl.catalog import Catalog, Declared, Indicator, Policy, TargetSpec, UndefinedValue

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
        rounded = " rounded" if agg.rounded else ""
        out[f"aggregate {level}"] = f"{agg.method} of {agg.source}{rounded} ({agg.origin})"
    return out
