"""Period targets read by the indicator's declared convention: the one rule behind `check`
(E122, W122) and `validate-pk` (P005).

A target for TW3 (S1, B07) is the target up to the end of that period under `period_targets
cumulative` (the default: the PK's usual 25, 50, 75, 100), or the target of the period alone
under `per_period`. How the periods make the year is the indicator's period rule,
`Catalog.period_rule` (sum, average or last). For each indicator, year and granularity (quarters,
semesters, months) with targets:

- cumulative, rule sum: the targets never decrease, and the one ending the year (TW4, S2, B12)
  is the annual target;
- cumulative, other rules: the one ending the year is the annual target; a `higher` indicator's
  targets never decrease (a `lower` or `stabilize` one may move either way);
- per_period, rule sum: all the parts add up to the annual target;
- per_period, `rollup average` declared: the mean of all the parts is the annual target;
- per_period, other rules: the one ending the year is the annual target.

Range targets (`80 .. 90`) take no part in this arithmetic. `target_fallback annual` on an
indicator whose periods add up compares a quarter's count with the whole year's target: W122.

`findings` works on what both commands have, the compiled catalog and a list of targets each
with its place (a span of a catalog, an entry of a PK file), and returns each finding at the
place of the target it is about; `check_model` is the catalog's side.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact
from itertools import pairwise
from typing import Generic, NamedTuple, TypeVar

from . import ast
from .catalog import Catalog, Indicator, TargetSpec, origin_text
from .compiler import compile_model
from .diagnostics import Diagnostic, Severity, Span
from .messages import N_, t
from .model import CheckedModel, SymbolTable
from .vocabulary import Direction, PeriodTargets, Rollup, TargetFallback

L = TypeVar("L")

# exact: targets hold up to 18 + 18 digits (E121), twelve of them summed need a few more
_EXACT = Context(prec=100)
_WHOLE = Context(prec=100, traps=[Inexact])  # a mean shown only when it is exact
_CENT = Decimal("0.01")


class Granularity(NamedTuple):
    labels: tuple[str, ...]  # in time order; the last one ends the year
    shown: str               # "TW targets", "monthly targets" (messages: t() them where shown)
    unit: str                # one period: "quarter"
    units: str               # several: "quarters"


GRANULARITIES = (
    Granularity(tuple(f"TW{i}" for i in range(1, 5)), N_("TW"), N_("quarter"), N_("quarters")),
    Granularity(("S1", "S2"), N_("semester"), N_("semester"), N_("semesters")),
    Granularity(tuple(f"B{m:02d}" for m in range(1, 13)), N_("monthly"), N_("month"), N_("months")),
)


@dataclass(frozen=True)
class Finding(Generic[L]):
    """What is wrong, said the same way by both commands, at the place of the target it is about."""

    at: L
    message: str
    hint: str


class _Part(NamedTuple, Generic[L]):
    label: str
    spec: TargetSpec
    at: L


def _number(x: Decimal) -> str:
    """A computed number as the language writes it: `250`, `3.6`."""
    return f"{x.normalize(_EXACT):f}"


def _sum(values: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for v in values:
        total = _EXACT.add(total, v)
    return total


def convention(ind: Indicator) -> str:
    """`period_targets cumulative (default)`: how the indicator's period targets are read, and where that is said."""
    declared = ind.policy.period_targets
    return f"period_targets {declared.value} ({origin_text(declared.origin)})"


def rollup_said(catalog: Catalog, ind: Indicator) -> str:
    """The period rule and the declaration it comes from: `rollup sum (indicator at f.kin:7)`, or
    under by_kind what the fields make of it."""
    declared = ind.policy.rollup
    origin = origin_text(declared.origin)
    if declared.value != Rollup.BY_KIND:
        return f"rollup {declared.value} ({origin})"
    if catalog.period_rule(ind) == Rollup.SUM:
        return t("rollup by_kind ({origin}): its fields summed", origin=origin)
    return t("rollup by_kind ({origin}): averaged", origin=origin)


def _example(g: Granularity, annual: TargetSpec | None) -> str:
    """Cumulative targets rising evenly to the annual one (to 100 without one): `25, 50, 75, 100 for a year of 100`."""
    year = annual.low if annual is not None and not annual.is_range and annual.low > 0 else Decimal(100)
    n = len(g.labels)
    steps = [_number(_EXACT.quantize(_EXACT.divide(_EXACT.multiply(year, Decimal(k)), Decimal(n)), _CENT))
             for k in range(1, n + 1)]
    steps[-1] = _number(year)
    shown = ", ".join(steps) if n <= 4 else f"{steps[0]}, {steps[1]}, …, {steps[-1]}"
    return t("{steps} for a year of {year}", steps=shown, year=_number(year))


def findings(catalog: Catalog, ind: Indicator, year: int | None, annual: TargetSpec | None,
             targets: Iterable[tuple[str, TargetSpec, L]]) -> list[Finding[L]]:
    """Every disagreement of an indicator's period targets for one year (`targets`: label, target,
    its place; the first of a label counts) with its convention, its period rule and the annual
    target (None when none is declared)."""
    declared: dict[str, _Part[L]] = {}
    for label, spec, at in targets:
        declared.setdefault(label, _Part(label, spec, at))
    out: list[Finding[L]] = []
    for g in GRANULARITIES:
        parts = [declared[label] for label in g.labels if label in declared]
        if parts:
            out.extend(_granularity(catalog, ind, year, annual, g, parts))
    return out


def _granularity(catalog: Catalog, ind: Indicator, year: int | None, annual: TargetSpec | None,
                 g: Granularity, parts: Sequence[_Part[L]]) -> Iterator[Finding[L]]:
    rule = catalog.period_rule(ind)
    said = convention(ind)
    of = t("`{id}` for {year}", id=ind.id, year=year) if year is not None else f"`{ind.id}`"
    shown, unit, units = t(g.shown), t(g.unit), t(g.units)
    single = [p for p in parts if not p.spec.is_range]
    total = annual if annual is not None and not annual.is_range else None
    last = single[-1] if single and single[-1].label == g.labels[-1] else None
    if ind.policy.period_targets.value == PeriodTargets.CUMULATIVE:
        if rule == Rollup.SUM or ind.direction == Direction.HIGHER:
            what = (t("the total up to its {unit}: {example}", unit=unit, example=_example(g, annual))
                    if rule == Rollup.SUM
                    else t("the target up to its {unit}, which a `higher` indicator does not lower", unit=unit))
            for before, after in pairwise(single):
                if after.spec.low < before.spec.low:
                    yield Finding(after.at,
                                  t("cumulative {shown} targets of {of} decrease ({before} then {after}); {said}",
                                    shown=shown, of=of, before=f"{before.label} {before.spec.text}",
                                    after=f"{after.label} {after.spec.text}", said=said),
                                  t("with period_targets cumulative each target is {what}; declare "
                                    "`period_targets per_period` if these are the {units}' own targets",
                                    what=what, units=units))
        if last is not None and total is not None and last.spec.low != total.low:
            yield Finding(last.at,
                          t("cumulative {shown} target {label} of {of} is {value}, not the annual {annual}; {said}",
                            shown=shown, label=last.label, of=of, value=last.spec.text, annual=total.text,
                            said=said),
                          t("with period_targets cumulative the {label} target is the target up to the end of "
                            "the year: the annual one", label=last.label))
        return
    complete = len(single) == len(g.labels)
    if rule == Rollup.SUM:
        if complete and total is not None:
            summed = _sum(p.spec.low for p in single)
            if summed != total.low:
                yield Finding(single[-1].at,
                              t("{shown} targets of {of} sum to {sum}, not the annual {annual}; {said}",
                                shown=shown, of=of, sum=_number(summed), annual=total.text, said=said),
                              t("with period_targets per_period each target is its {unit}'s own, and the "
                                "{units} add up to the year ({rollup}); declare `period_targets cumulative` if "
                                "each is the total up to its {unit} ({example})", unit=unit, units=units,
                                rollup=rollup_said(catalog, ind), example=_example(g, annual)))
    elif rule == Rollup.AVERAGE and ind.policy.rollup.value == Rollup.AVERAGE:
        if complete and total is not None:
            summed = _sum(p.spec.low for p in single)
            n = Decimal(len(single))
            if summed != _EXACT.multiply(total.low, n):
                try:
                    mean = _number(_WHOLE.divide(summed, n))
                except Inexact:  # a mean that does not end: 961 / 12
                    mean = t("about {value}", value=_number(_EXACT.quantize(_EXACT.divide(summed, n), _CENT)))
                yield Finding(single[-1].at,
                              t("{shown} targets of {of} average {mean}, not the annual {annual}; {said}",
                                shown=shown, of=of, mean=mean, annual=total.text, said=said),
                              t("with {rollup} the year is the mean of its {units}' own targets",
                                rollup=rollup_said(catalog, ind), units=units))
    elif last is not None and total is not None and last.spec.low != total.low:
        values = {"rollup": rollup_said(catalog, ind), "unit": unit, "label": last.label}
        yield Finding(last.at,
                      t("{shown} target {label} of {of} is {value}, not the annual {annual}; {said}",
                        shown=shown, label=last.label, of=of, value=last.spec.text, annual=total.text, said=said),
                      t("with {rollup} the year's value is its last {unit}'s, so the {label} target is the annual "
                        "one", **values) if rule == Rollup.LAST else
                      t("with {rollup} each target is the level aimed at in its {unit}, and the {label} one is the "
                        "level the year ends at: the annual target", **values))


def fallback_finding(catalog: Catalog, ind: Indicator) -> tuple[str, str] | None:
    """(message, hint) when `target_fallback annual` applies to an indicator whose periods add up
    (period rule sum): a quarter's count would be compared with the whole year's target."""
    fallback = ind.policy.target_fallback
    annual = [(year, spec) for (year, period), spec in ind.targets.items() if period is None]
    if fallback.value != TargetFallback.ANNUAL or catalog.period_rule(ind) != Rollup.SUM or not annual:
        return None
    year, spec = max(annual, key=lambda item: item[0])
    return (t("`{id}` adds its periods up ({rollup}), but target_fallback annual ({origin}) compares each period "
              "without a target of its own with the whole year's target ({target} for {year})", id=ind.id,
              rollup=rollup_said(catalog, ind), origin=origin_text(fallback.origin), target=spec.text, year=year),
            t("declare its period targets (`target {year} TW1 = …`, or per month or semester), or "
              "`target_fallback none` on the indicator", year=year))


# ---- the catalog's side: `kinerja check` ---------------------------------------------------

def _has_work(model: SymbolTable) -> bool:
    """Whether any indicator has period targets or a fallback is declared (else nothing is compiled)."""
    return "target_fallback" in model.policy or any(
        ind.setting("target_fallback") is not None or any(t.period is not None for t in ind.targets)
        for ind in model.indicators.values())


def check_model(model: SymbolTable) -> list[Diagnostic]:
    """E122 at each catalog period target that disagrees with its indicator's convention and period
    rule, W122 where `target_fallback annual` meets a sum.

    The rule reads the compiled catalog (the effective policies with their origins, the period
    rule), so the table is compiled here while the checker reads it: the compiler's accessors
    raise `ast.NotChecked` on whatever the other rules report (an unknown setting value, a
    missing direction), and then the period targets are checked once those are fixed. Findings
    the other rules make that leave the catalog compilable (a target out of range) do not hide
    these."""
    if not _has_work(model):
        return []
    try:
        catalog = compile_model(CheckedModel(model))
    except ast.NotChecked:
        return []
    out: list[Diagnostic] = []
    for node in model.indicators.values():
        ind = catalog.indicators.get(node.id)
        if ind is None:
            continue
        spans: dict[tuple[int, str | None], Span] = {
            (t.year, t.period): t.value.span for t in node.targets if not t.renstra}
        years = sorted({year for (year, period) in ind.targets if period is not None})
        for year in years:
            parts = [(period, spec, spans[(y, period)]) for (y, period), spec in ind.targets.items()
                     if y == year and period is not None and (y, period) in spans]
            for f in findings(catalog, ind, year, ind.targets.get((year, None)), parts):
                out.append(Diagnostic.at_span(f.at, code="E122", message=f.message, hint=f.hint))
        warning = fallback_finding(catalog, ind)
        if warning is not None:
            own = node.setting("target_fallback")
            at = own.span if own is not None else node.id_span or node.span
            out.append(Diagnostic.at_span(at, code="W122", message=warning[0], hint=warning[1],
                                          severity=Severity.WARNING))
    return out
