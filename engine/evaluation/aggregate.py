"""Sasaran, office and overall capaian: means under the declared aggregation policy.

Means use each item's capaian before rounding (after cap and floor), as the
reports do (Banten KI: mean(121,428…; 102,00) = 111,71). Items without a capaian
are left out and named with the reason; a nihil item excluded by policy leaves the
result `ok`, a missing, incomplete or failed one makes it `incomplete`.

Offices form a tree, and each indicator is counted once, at the office it belongs to:
an office's capaian is the mean of its own indicators (or of its own sasaran), as a
DIPA unit's is (Banten BPHN 810,61/6 = 135,10); an office with none of its own has no
row. The overall over offices is the mean of those rows, so an indicator of a division
never enters twice through the Kanwil above it; `weighted` weighs each office by what
its own mean holds (its items' weights, or their number under `mean`), which makes it
the mean of every indicator, each once. A level declared `none` is not computed (the checker
makes sure nothing reads it), so it has no rows at all.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext

from kinerja_dsl.catalog import Aggregation, Catalog

from .policies import PRECISION
from .results import AggregateResult, IndicatorResult

ZERO = Decimal(0)


def _why(r: IndicatorResult | AggregateResult) -> str:
    if isinstance(r, IndicatorResult):
        if r.status == "nihil":
            return "nihil (excluded)"
        return f"{r.status}: {r.reason}" if r.reason else r.status
    return f"{r.status}: no capaian"


def _mean(level: str, ident: str, label: str, items: list, agg: Aggregation, catalog: Catalog,
          weights: dict[str, Decimal | None]) -> AggregateResult:
    used, excluded = [], {}
    incomplete = False
    value = (lambda r: r.capaian) if agg.rounded else (lambda r: r.capaian_exact)  # noqa: E731
    for r in items:
        if value(r) is None:
            excluded[r.id] = _why(r)
            if not (isinstance(r, IndicatorResult) and r.status == "nihil") and not (
                    isinstance(r, AggregateResult) and r.status == "empty"):
                incomplete = True
        else:
            used.append(r)
            if r.status == "incomplete":  # a mean that lacks items makes every mean built on it incomplete
                incomplete = True
    method = f"{agg.method} of {agg.source}{' (rounded)' if agg.rounded else ''} ({agg.origin})"
    if not used:
        return AggregateResult(level=level, id=ident, label=label, status="incomplete" if incomplete else "empty",
                               method=method, items=[], excluded=excluded)
    if agg.method == "weighted":
        total = sum((weights.get(r.id) or ZERO for r in used), ZERO)
        if not total:
            return AggregateResult(level=level, id=ident, label=label, status="incomplete", method=method,
                                   items=[], excluded={**excluded, **{r.id: "no weight" for r in used}})
        exact = sum(((weights.get(r.id) or ZERO) * value(r) for r in used), ZERO) / total
    else:
        exact = sum((value(r) for r in used), ZERO) / len(used)
    rounded = catalog.policy.round.value.apply(exact)
    return AggregateResult(level=level, id=ident, label=label, capaian=rounded, capaian_exact=exact,
                           predikat=catalog.policy.bands.value.classify(rounded),
                           status="incomplete" if incomplete else "ok", method=method,
                           items=[r.id for r in used], excluded=excluded)


def aggregate(catalog: Catalog, results: list[IndicatorResult]) -> tuple[list, list, AggregateResult | None]:
    """(sasaran results, office results, overall) for one evaluation run, at the engine's precision.
    An office's mean holds its own indicators only, so no indicator counts twice up the tree."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _aggregate(catalog, results)


def _aggregate(catalog: Catalog, results: list[IndicatorResult]) -> tuple[list, list, AggregateResult | None]:
    aggs = catalog.aggregation
    by_sasaran: dict[str, list] = {}
    for r in results:
        if r.sasaran:
            by_sasaran.setdefault(r.sasaran, []).append(r)
    ind_weights = {i.id: i.weight for i in catalog.indicators.values()}
    sasaran = [_mean("sasaran", s.id, s.label, by_sasaran[s.id], aggs["sasaran"], catalog, ind_weights)
               for s in catalog.sasaran.values() if s.id in by_sasaran and not aggs["sasaran"].off]
    sas_weights = {s.id: s.weight for s in catalog.sasaran.values()}

    offices = []
    office_agg = aggs["office"]
    office_weight: dict[str, Decimal | None] = {}
    own: dict[str | None, list[IndicatorResult | AggregateResult]] = {}  # each office's own items, grouped once
    weights: Mapping[str, Decimal | None]
    if office_agg.source == "sasaran":
        for s in sasaran:
            own.setdefault(catalog.sasaran[s.id].office, []).append(s)
        weights = sas_weights
    else:
        for r in results:
            if r.sasaran:
                own.setdefault(r.office, []).append(r)
        weights = ind_weights
    for office in catalog.offices.values():
        items = own.get(office.id)
        if items and not office_agg.off:
            row = _mean("office", office.id, office.label, items, office_agg, catalog, weights)
            offices.append(row)
            # what the office's mean holds, so a weighted overall counts every item once
            office_weight[office.id] = (sum((weights.get(i) or ZERO for i in row.items), ZERO)
                                        if office_agg.method == "weighted" else Decimal(len(row.items)))

    overall_agg = aggs["overall"]
    entering: Sequence[IndicatorResult | AggregateResult]
    weighing: Mapping[str, Decimal | None]
    if overall_agg.source == "sasaran":
        entering, weighing = sasaran, sas_weights
    elif overall_agg.source == "office":
        entering, weighing = offices, office_weight
    else:
        entering, weighing = [r for r in results if r.sasaran], ind_weights
    overall = (_mean("overall", "overall", "Capaian keseluruhan", list(entering), overall_agg, catalog, weighing)
               if entering and not overall_agg.off else None)
    return sasaran, offices, overall
