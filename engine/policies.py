"""The declared policies at work: capaian by direction, cap and floor, bands.

Each function returns the value and a short text of the formula with the numbers
substituted, so `explain` can show exactly what was computed.

Rounding is the catalog's `Rounding.apply`: half-up away from zero (−2,505 -> −2,51) or
truncation toward zero, at any magnitude the bounded inputs can produce (a capaian of about
1e58 needs more digits than the engine's 34; `quantized` widens the context then).
"""
from __future__ import annotations

from decimal import Decimal

from kinerja_dsl.catalog import Catalog, Indicator, Policy, TargetSpec, UndefinedValue


HUNDRED = Decimal(100)
TWO = Decimal(2)


def _n(x: Decimal) -> str:
    return f"{x.normalize():f}" if x == x.to_integral_value() else f"{x:f}"


def capaian(direction: str, lower_formula: str, realisasi: Decimal, target: TargetSpec) -> tuple[Decimal, str]:
    """Achievement in % of the target, by the indicator's direction."""
    r = realisasi
    if target.is_range:
        low, high = target.low, target.high
        if direction == "stabilize":
            if low <= r <= high:
                return HUNDRED, f"{_n(r)} is inside {target.text}: 100"
            if r < low:
                return _ratio(r, low, f"below {target.text}: R / lower")
            return _two_t(high, r, f"above {target.text}: (2 × upper − R) / upper")
        if low <= r <= high:
            return HUNDRED, f"{_n(r)} is inside {target.text}: 100"
        if direction == "lower":
            bound = high if r > high else low
            return _lower(lower_formula, r, bound, f"{'above' if r > high else 'below'} {target.text}")
        bound = high if r > high else low
        return _ratio(r, bound, f"{'above' if r > high else 'below'} {target.text}: R / {'upper' if r > high else 'lower'}")
    t = target.low
    if direction == "lower":
        return _lower(lower_formula, r, t, "lower is better")
    if direction == "stabilize":
        if r == t:
            return HUNDRED, f"{_n(r)} equals the target: 100"
        if r < t:
            return _ratio(r, t, "stabilize, below target: R / T")
        return _two_t(t, r, "stabilize, above target: (2T − R) / T")
    return _ratio(r, t, "higher is better: R / T")


def _ratio(r: Decimal, t: Decimal, label: str) -> tuple[Decimal, str]:
    if not t:
        raise UndefinedValue("the target is 0, so R / T has no value")
    return r / t * HUNDRED, f"{label} × 100 = {_n(r)} / {_n(t)} × 100"


def _two_t(t: Decimal, r: Decimal, label: str) -> tuple[Decimal, str]:
    if not t:
        raise UndefinedValue("the target is 0, so (2T − R) / T has no value")
    return (TWO * t - r) / t * HUNDRED, f"{label} × 100 = (2 × {_n(t)} − {_n(r)}) / {_n(t)} × 100"


def _lower(formula: str, r: Decimal, t: Decimal, label: str) -> tuple[Decimal, str]:
    if formula == "t_over_r":
        if not r:
            raise UndefinedValue("realisasi is 0, so T / R has no value")
        return t / r * HUNDRED, f"{label}: T / R × 100 = {_n(t)} / {_n(r)} × 100"
    return _two_t(t, r, f"{label}: (2T − R) / T")


def limit(value: Decimal, cap: Decimal | None, floor: Decimal | None) -> tuple[Decimal, str | None]:
    """Apply the declared cap and floor; says what changed, or None."""
    if cap is not None and value > cap:
        return cap, f"capped at {_n(cap)}"
    if floor is not None and value < floor:
        return floor, f"raised to the floor {_n(floor)}"
    return value, None


def _declared(p: Policy) -> dict[str, str]:
    """Every policy of `p` as "value (origin)": the one summary the eval JSON header (catalog) and
    each indicator's `policy` carry, so the two cannot drift."""
    def said(declared) -> str:
        value = declared.value
        shown = "none" if value is None else getattr(value, "id", value)
        return f"{shown} ({declared.origin})"
    return {"cap": said(p.cap), "floor": said(p.floor), "nihil": said(p.nihil),
            "lower_formula": said(p.lower_formula), "round": said(p.round),
            "round_realisasi": said(p.round_realisasi), "rollup": said(p.rollup),
            "unreported": said(p.unreported), "bands": said(p.bands)}


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
