"""Catalog × realisation data × period -> one result per indicator: the one evaluator.

Each indicator goes through the declared steps: data -> realisasi (× scale) -> nihil rule
-> realisasi rounding -> capaian by direction -> cap and floor -> rounding -> predikat.
Field values come from engine/evaluation/rollup.py (reported, or rolled up over periods and offices).

The same code serves every caller. With a trace it records each step as a structured Step
(operation, output, facts, the declaration that decided), which renderers word (narrate.py)
for `explain`, `eval --json` and `audit`; without one (bulk runs, the exact rows of the
columnar path) it records nothing, so no rule is ever written twice.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from typing import Any, NamedTuple

from kinerja_dsl.catalog import Catalog, CompositeNode, Fn, Indicator, NihilCase, UndefinedValue
from kinerja_dsl.messages import t, tn
from kinerja_dsl.vocabulary import Combine, Nihil

from .aggregate import aggregate
from ..readers.data import ROOT, Dataset
from ..numbers import brief
from ..periods import Period
from .policies import PRECISION, capaian as capaian_of, limit, policy_summary, target_for
from .results import AggregateResult, IndicatorResult, NodeCase, NodeResult, Op, Status, Step
from .rollup import Gap, OfficeRollup, PeriodRollup, Resolver, TotalOfParts

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)


class _Unavailable(Exception):
    """A referenced indicator or mean has no value: `missing`, or `incomplete` when it is."""

    def __init__(self, reason: str, status: Status = Status.MISSING):
        super().__init__(reason)
        self.status = status


def _lacks(what: str, found: Any) -> _Unavailable:
    """A referenced result without the value asked: its own status carries over when it is incomplete."""
    if found is None:
        return _Unavailable(f"{what} has no value")
    incomplete = found.status == Status.INCOMPLETE
    return _Unavailable(f"{what} is {found.status}" + (f": {found.reason}" if found.reason else ""),
                        Status.INCOMPLETE if incomplete else Status.MISSING)


class _Refused(Exception):
    """The nihil rule is `error`: the planner must decide."""


class _Gapped(Exception):
    """A field (of this period or an earlier one, for `prev`) is only partly reported."""

    def __init__(self, name: str, period: Period, gaps: tuple[Gap, ...]):
        super().__init__(name)
        self.name, self.period, self.gaps = name, period, gaps


class _Env:
    """What an indicator's compiled formulas read: field values at one office and period, the
    results evaluated before it, and the means (for the indicators that read one)."""

    __slots__ = ("values", "_resolver", "period", "office", "_rollup", "_unreported", "_results", "_means", "reads",
                 "readings")
    values: Mapping[str, Decimal]

    def __init__(self, resolver: Resolver, period: Period, office: str, rollup: str, unreported: str,
                 results: dict, means: dict | None = None):
        self.values = resolver.values(period, office, rollup, unreported)
        self._resolver, self.period, self.office = resolver, period, office
        self._rollup, self._unreported, self._results = rollup, unreported, results
        self._means = means or {}
        # the reads of earlier periods by the indicator being evaluated, when traced (else None)
        self.reads: list[tuple[str, str, tuple[tuple[str, Decimal], ...]]] | None = None
        # the other indicators and means it read, when traced: (as written, value read, the other reading)
        self.readings: list[tuple[str, Decimal, Decimal | None]] | None = None

    @property
    def catalog(self) -> Catalog:
        return self._resolver.catalog

    def as_given(self, name: str) -> bool:
        """Whether the data holds `name` for this very period and office (a printed figure), not a
        value the engine rolled up from the periods inside."""
        direct = self._resolver.data.values.get((self.period, self.office))
        return direct is not None and name in direct

    def mean(self, ident: str, exact: bool = False) -> Decimal:
        """The capaian of a sasaran, an office or `overall` (computed before this indicator), as the
        policy rounds it or, `exact`, before."""
        a = self._means.get(ident)
        return self._reading(f"capaian({ident})", f"the mean `{ident}`", a, None if a is None else a.capaian,
                             None if a is None else a.capaian_exact, exact)

    def not_reported(self, name: str) -> list[str]:
        """The offices, this one or below, that gave `-` for a field: asked for it, did not report."""
        return sorted(o for o in self._resolver.subtree(self.office)
                      if name in self._resolver.data.unreported.get((self.period, o), ()))

    def rolled_up(self, name: str) -> OfficeRollup | PeriodRollup | TotalOfParts | None:
        """How a field's value came from the offices below, from the periods inside or, for a
        declared total, from its parts, when it did."""
        found = self._resolver.notes.get((self.period, self.office, self._rollup, self._unreported, name))
        if found is not None:
            return found
        return (self._resolver.period_note(self.period, self.office, self._rollup, name)
                or self._resolver.total_note(self.period, self.office, self._rollup, name))

    def gap(self, name: str, period: Period | None = None) -> tuple[Gap, ...] | None:
        """Why a field has no value although parts of it were reported (None: it was not reported)."""
        return self._resolver.gaps(period or self.period, self.office, self._rollup, self._unreported).get(name)

    def prev(self, name: str, count: int) -> Decimal:
        """The field in the same period of the `count` years before (year on year), their mean."""
        return self._earlier("prev", name, self.period.years_before(count))

    def prev_period(self, name: str, count: int) -> Decimal:
        """The field in the `count` periods of the same kind before this one, their mean."""
        return self._earlier("prev_period", name, self.period.previous(count))

    def _earlier(self, function: str, name: str, periods: list[Period]) -> Decimal:
        series = []
        for p in periods:
            values = self._resolver.values(p, self.office, self._rollup, self._unreported)
            if name not in values:
                gaps = self.gap(name, p)
                if gaps:
                    raise _Gapped(name, p, gaps)
                raise KeyError(f"{name} ({p.label})")
            series.append(values[name])
        if self.reads is not None:
            self.reads.append((function, name, tuple((p.label, v) for p, v in zip(periods, series))))
        return sum(series, ZERO) / len(series)

    def ref(self, indicator_id: str, exact: bool = False) -> Decimal:
        """Another indicator's realisasi after its `round_realisasi` or, `exact`, before."""
        r = self._results.get(indicator_id)
        return self._reading(indicator_id, f"indicator `{indicator_id}`", r, None if r is None else r.realisasi,
                             None if r is None else r.realisasi_exact, exact)

    def capaian(self, indicator_id: str, exact: bool = False) -> Decimal:
        """Another indicator's capaian after cap, floor and `round` or, `exact`, before its `round`."""
        r = self._results.get(indicator_id)
        return self._reading(f"capaian({indicator_id})", f"indicator `{indicator_id}`", r,
                             None if r is None else r.capaian, None if r is None else r.capaian_exact, exact)

    def _reading(self, written: str, what: str, holder: IndicatorResult | AggregateResult | None,
                 rounded: Decimal | None, unrounded: Decimal | None, exact: bool) -> Decimal:
        """One of the two readings of a result (rounded as declared, or `exact`), recorded with the
        other when traced; a result without it lacks what the formula needs."""
        found, other = (unrounded, rounded) if exact else (rounded, unrounded)
        if found is None:
            raise _lacks(what, holder)
        if self.readings is not None:
            self.readings.append((f"exact({written})" if exact else written, found, other))
        return found


class Trace:
    """Records an indicator's steps and index rows; `None` in their place records nothing."""

    __slots__ = ("steps", "components")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.components: list[NodeResult] = []

    def step(self, op: Op, value: Decimal | None = None, rule: str | None = None, **facts: Any) -> None:
        self.steps.append(Step.model_construct(step=op, detail="", value=value, rule=rule, facts=facts))


class Evaluated(NamedTuple):
    """One period's evaluation: indicators in declaration order, then the means."""

    indicators: list[IndicatorResult]
    sasaran: list[AggregateResult]
    offices: list[AggregateResult]
    overall: AggregateResult | None


class _Missing:
    """A node without a value because data is missing: its row names the fields."""


_MISSING = _Missing()
NodeValue = Decimal | None | _Missing  # a value, left out (nihil excluded), or missing data


def _node(node: CompositeNode, path: str, case: NodeCase, facts: dict[str, Any] | None = None,
          **kw: Any) -> NodeResult:
    row: dict[str, Any] = dict(path=path, label=node.label, kind=node.kind, weight=node.weight, value=None, value_exact=None,
               target=None, capaian=None, nihil=None, missing=[], capped=False, detail="",
               facts={"case": case, **(facts or {})})
    row.update(kw)
    return NodeResult.model_construct(**row)


def _formula(fn: Fn | None) -> Fn:
    """A compiled formula the indicator's kind guarantees (the compiler sets it with the kind)."""
    assert fn is not None, "a formula the compiler gives every indicator or component of this kind"
    return fn


def _weight(node: CompositeNode) -> Decimal:
    """A child's weight in a weighted sum (the checker requires one on each: E106)."""
    assert node.weight is not None, f"`{node.id}` has no weight in a weighted group"
    return node.weight


def _composite(node: CompositeNode, env: _Env, path: str, out: list[NodeResult] | None) -> NodeValue:
    """Value of an index node; None when it is left out (nihil excluded), _MISSING when data it
    needs is missing. With a trace (`out`), every node gets its row, also when it fails: a
    missing component says which field it lacks, and the groups above it say they were not
    computed."""
    if node.kind == "component":
        treatment = None
        formula = node.formula
        try:
            raw = _formula(node.fn)(env)
            rounding = node.round if node.round is not None and node.round.mode != "none" else None
            value = rounding.apply(raw) if rounding is not None else raw
        except NihilCase:
            treatment = node.nihil.value
            if treatment == Nihil.ERROR:
                if out is not None:
                    out.append(_node(node, path, NodeCase.NIHIL_ERROR, {"formula": formula}))
                raise _Refused(f"component `{path}` is 0/0 and its nihil rule is `error`")
            counted = {Nihil.ACHIEVED: ONE, Nihil.ZERO: ZERO, Nihil.EXCLUDED: None}[treatment]
            if out is not None:
                out.append(_node(node, path, NodeCase.NIHIL, {"formula": formula, "origin": node.nihil.origin},
                                 value=counted, value_exact=counted, nihil=treatment))
            return counted
        except KeyError as why:
            if out is None:
                return _MISSING
            out.append(_node(node, path, NodeCase.MISSING, {"formula": formula, "period": env.period.label},
                             missing=[str(why.args[0])]))
            return _MISSING
        except Exception as why:
            if out is not None:
                out.append(_node(node, path, NodeCase.FAILED, {"formula": formula, "why": str(why)}))
            raise
        if out is not None:
            out.append(_node(node, path, NodeCase.COMPONENT, {"formula": formula, "raw": raw, "rounding": rounding},
                             value=value, value_exact=value))
        return value
    slot = len(out) if out is not None else 0
    if out is not None:
        out.append(_node(node, path, NodeCase.NOT_COMPUTED))  # the group's own row comes before its children
    parts = [(c, _composite(c, env, f"{path}/{c.id}", out)) for c in node.children]
    lacking = [c for c, v in parts if v is _MISSING]
    if lacking:
        if out is not None:
            names = list(dict.fromkeys(n for row in out[slot + 1:] if row.kind == "component" for n in row.missing))
            out[slot] = _node(node, path, NodeCase.GROUP_MISSING, {"lacking": [c.id for c in lacking]},
                              missing=names)
        return _MISSING
    included = [(c, v) for c, v in parts if isinstance(v, Decimal)]
    if not included:
        if out is not None:
            out[slot] = _node(node, path, NodeCase.ALL_EXCLUDED, nihil=Nihil.EXCLUDED)
        return None
    if node.combine == Combine.MEAN:
        raw = sum((v for _, v in included), ZERO) / len(included)
    else:
        raw = sum((_weight(c) * v for c, v in included), ZERO)
        if len(included) < len(parts):
            raw = raw / sum((_weight(c) for c, _ in included), ZERO)
    scaled = raw * node.scale
    capped = node.cap is not None and scaled > node.cap
    exact = node.cap if capped and node.cap is not None else scaled
    rounding = node.round if node.round is not None and node.round.mode != "none" else None
    value = rounding.apply(exact) if rounding is not None else exact
    if out is not None:
        # a sub-index's own target (Sumsel: 3,6 each) is shown for a year; its period targets are not read
        spec = node.targets.get((env.period.year, None)) if node.targets and env.period.kind == "year" else None
        target = spec.low if spec is not None and not spec.is_range and spec.low else None
        capaian = value / target * HUNDRED if target is not None else None
        facts: dict[str, Any] = {"combine": node.combine, "included": len(included), "parts": len(parts), "raw": raw,
                 "scale": node.scale, "scaled": scaled, "cap": node.cap,
                 "rounding": rounding}
        out[slot] = _node(node, path, NodeCase.GROUP, facts, value=value, value_exact=exact, target=target,
                          capaian=capaian, capped=capped)
    return value


def evaluate_indicator(ind: Indicator, env: _Env, period: Period, trace: Trace | None = None,
                       policy: dict[str, str] | None = None) -> IndicatorResult:
    """One indicator at one office and period, by its declared rules; `trace` records the steps."""
    p = ind.policy
    nihil = None
    unrounded: Decimal | None = None  # the realisasi before `round_realisasi`, once there is one
    found = target_for(env.catalog, ind, period)
    target = found.spec
    record = trace.step if trace is not None else None
    if record is not None and period.kind != "year" and ind.targets:
        record(Op.TARGET, target.low if target is not None and not target.is_range else None, found.rule,
               how=found.how, parts=found.parts, period=period.label, text=target.text if target else None)
    env.reads = [] if record is not None else None
    env.readings = [] if record is not None else None

    def result(status: Status, **kw: Any) -> IndicatorResult:
        base: dict[str, Any] = dict(id=ind.id, label=ind.label, sasaran=ind.sasaran, office=ind.office, unit=ind.unit,
                    period=period.label, direction=ind.direction,
                    target=target.low if target and not target.is_range else None,
                    target_text=target.text if target else None, realisasi=None, capaian=None,
                    capaian_exact=None, predikat=None, status=status, nihil=nihil, reason=None, missing=[],
                    policy=policy or {}, steps=trace.steps if trace is not None else [],
                    components=trace.components if trace is not None else [])
        base.update(kw)
        if base["realisasi"] is not None:
            base["realisasi_exact"] = base["realisasi"] if unrounded is None else unrounded
        return IndicatorResult.model_construct(**base)

    def gapped(name: str, when: Period, gaps: tuple[Gap, ...]) -> IndicatorResult:
        """A field only partly reported: `incomplete` naming the missing parts, or `error` when
        parts overlap (D011); never a value built from what happens to be there."""
        conflicts = [g for g in gaps if g.kind == "conflict"]
        shown = conflicts or list(gaps)
        where = "; ".join((t(" at {office}", office=g.office or t("the catalog")) if g.office != env.office else "")
                          + f": {g.text}" for g in shown[:3]) + ("; …" if len(shown) > 3 else "")
        if conflicts:
            return result(Status.ERROR, missing=[name], reason=t(
                "`{field}` for {period}{where}; the same field at two granularities that overlap would be counted "
                "twice (D011)", field=name, period=when.label, where=where))
        return result(Status.INCOMPLETE, missing=[name], reason=t("`{field}` for {period}{where}", field=name,
                                                                  period=when.label, where=where))

    def lacking(names: list[str]) -> IndicatorResult:
        """Fields without a value: partly reported (see gapped), or missing."""
        for name in names:
            gaps = env.gap(name)
            if gaps:
                return gapped(name, period, gaps)
        silent = env.not_reported(names[0])
        why = tn(": {n} office gave `-` ({offices})", ": {n} offices gave `-` ({offices})", len(silent),
                 offices=", ".join(silent[:3]) + (", …" if len(silent) > 3 else "")) if silent else ""
        listed = ", ".join(f"`{n}`" for n in names)
        return result(Status.MISSING, reason=t("no value for {fields} in {period}{why}", fields=listed,
                                               period=period.label, why=why), missing=names)

    given = env.gap(ind.id) if ind.id not in env.values else None
    if given:  # the realisasi itself given for some sub-periods only
        return gapped(ind.id, period, given)

    # 0. where the data came from, for the fields an office did not report itself
    if record is not None:
        for name in ind.fields:
            how = env.rolled_up(name)
            if how is not None:
                rule = p.unreported.origin if isinstance(how, OfficeRollup) and how.decided_by_rule else None
                record(Op.DATA, env.values[name], rule, field=name, how=how)

    # 1. realisasi
    try:
        if ind.id in env.values:
            realisasi = env.values[ind.id]
            if record is not None:
                record(Op.REALISASI, realisasi, source="given")
        elif ind.kind == "ratio":
            n, d = _formula(ind.numerator)(env), _formula(ind.denominator)(env)
            if record is not None:
                record(Op.NUMERATOR, n, formula=ind.formulas["numerator"])
                record(Op.DENOMINATOR, d, formula=ind.formulas["denominator"])
            if not d:
                if n:
                    return result(Status.ERROR, reason=t("the denominator is 0 but the numerator is {value}",
                                                                  value=brief(n)))
                raise NihilCase(f"{brief(n)} / {brief(d)}")
            realisasi = n / d * ind.scale
            if record is not None:
                record(Op.REALISASI, realisasi, source="ratio", numerator=n, denominator=d, scale=ind.scale)
        elif ind.kind == "value":
            raw = _formula(ind.value)(env)
            realisasi = raw * ind.scale
            if record is not None:
                record(Op.REALISASI, realisasi, source="value", formula=ind.formulas["value"], raw=raw,
                       scale=ind.scale)
        else:
            assert ind.index is not None, "the compiler gives every indicator of kind index its tree"
            index = _composite(ind.index, env, ind.id, trace.components if trace is not None else None)
            if isinstance(index, _Missing):
                if trace is None:  # the rows that name the missing fields: only a trace has them
                    return evaluate_indicator(ind, env, period, Trace(), policy)
                return lacking(trace.components[0].missing)
            if index is None:
                raise NihilCase("every component is nihil")
            realisasi = index * ind.scale
            if record is not None:
                record(Op.REALISASI, realisasi, source="index", id=ind.id)
    except NihilCase as case:
        nihil = p.nihil.value
        rule = p.nihil.origin
        if nihil == Nihil.EXCLUDED:
            if record is not None:
                record(Op.NIHIL, None, rule, treatment=nihil, case=str(case))
            return result(Status.NIHIL, reason=t("no cases (0/0); left out of every mean"))
        if nihil == Nihil.ERROR:
            if record is not None:
                record(Op.NIHIL, None, rule, treatment=nihil, case=str(case))
            return result(Status.ERROR, reason=t("no cases (0/0) and the nihil rule is `error`: declare how nihil "
                                                 "counts"))
        realisasi = ind.scale if nihil == Nihil.ACHIEVED else ZERO
        if record is not None:
            record(Op.NIHIL, realisasi, rule, treatment=nihil, case=str(case))
    except KeyError as missing:
        return lacking([str(missing.args[0])])
    except _Gapped as partly:
        return gapped(partly.name, partly.period, partly.gaps)
    except _Unavailable as why:
        return result(why.status, reason=str(why))
    except (UndefinedValue, _Refused) as why:
        return result(Status.ERROR, reason=str(why))
    except ArithmeticError as why:  # overflow and the like from extreme data
        return result(Status.ERROR, reason=t("arithmetic error: {why}", why=why))

    if record is not None and env.reads:
        for function, name, read in env.reads:
            record(Op.EARLIER, sum((v for _, v in read), ZERO) / len(read), function=function, field=name, read=read)
    if record is not None and env.readings:
        for written, value, other in dict.fromkeys(env.readings):
            record(Op.READ, value, written=written, other=other)

    # 2. realisasi rounding
    first = p.round_realisasi.value
    unrounded = realisasi
    if first.mode != "none" and not first.also_given and ind.id in env.values and env.as_given(ind.id):
        # a realisasi given in the data is a printed figure: kept as given unless the rounding says `also_given`
        if record is not None:
            record(Op.ROUND_REALISASI, realisasi, p.round_realisasi.origin, rounding=first, before=realisasi,
                   given=True)
    elif first.mode != "none":
        rounded = first.apply(realisasi)
        if record is not None:
            record(Op.ROUND_REALISASI, rounded, p.round_realisasi.origin, rounding=first, before=realisasi)
        realisasi = rounded
    if ind.range is not None and not (ind.range[0] <= realisasi <= ind.range[1]) and nihil is None:
        low, high = ind.range
        shown = realisasi.normalize() if realisasi == realisasi.to_integral_value() else realisasi
        outside = f"realisasi {brief(shown)} is outside the declared range {brief(low)} .. {brief(high)}"
        if ind.kind == "ratio" and realisasi > high:
            outside += " (the numerator is larger than the denominator)"
        return result(Status.ERROR, realisasi=realisasi, reason=outside)

    # 3. capaian
    if target is None:
        if not ind.targets:  # a measure without targets (e.g. serapan anggaran): realisasi only
            return result(Status.OK, realisasi=realisasi)
        return result(Status.NO_TARGET, realisasi=realisasi, reason=_no_target(ind, period))
    try:
        value, decided = capaian_of(ind.direction, p.lower_formula.value, realisasi, target)
    except UndefinedValue as undefined:
        return result(Status.ERROR, realisasi=realisasi, reason=str(undefined))
    if record is not None:
        record(Op.CAPAIAN, value, p.lower_formula.origin if ind.direction == "lower" else None, case=decided)
    if nihil == Nihil.ZERO:
        value = ZERO
        if record is not None:
            record(Op.NIHIL, value, p.nihil.origin, treatment=nihil, capaian=True)
    cap, floor = p.cap.value, p.floor.value
    limited, effect = limit(value, cap, floor)
    if record is not None:
        record(Op.CAP_FLOOR, limited, f"cap: {p.cap.origin}; floor: {p.floor.origin}", cap=cap, floor=floor,
               effect=effect)
    rounded = p.round.value.apply(limited)
    if record is not None:
        record(Op.ROUND, rounded, p.round.origin, rounding=p.round.value, before=limited)
    graded = rounded if ind.predikat_of == "capaian" else realisasi
    predikat = p.bands.value.classify(graded)
    if record is not None:
        record(Op.PREDIKAT, None, p.bands.origin, bands=p.bands.value.id, on=ind.predikat_of, graded=graded,
               predikat=predikat)
    return result(Status.NIHIL if nihil else Status.OK, realisasi=realisasi, capaian=rounded,
                  capaian_exact=limited, predikat=predikat)


def _no_target(ind: Indicator, period: Period) -> str:
    """Why a period has no target: what is declared, the convention and the fallback that apply."""
    if period.kind == "year":
        return t("no target for {period}", period=period.label)
    p = ind.policy
    written = sorted(s for y, s in ind.targets if y == period.year and s is not None)
    has = t("targets for {periods}", periods=", ".join(written)) if written else t("no period targets")
    annual = ind.targets.get((period.year, None))
    fallback = f"target_fallback {p.target_fallback.value} ({p.target_fallback.origin})"
    if p.target_fallback.value == "annual" and annual is None:
        fallback += t(", and no annual target for {year}", year=period.year)
    return t("no target for {period}: {has} {year}, read as period_targets {rule} ({origin}); {fallback}",
             period=period.label, has=has, year=period.year, rule=p.period_targets.value,
             origin=p.period_targets.origin, fallback=fallback)


def _with_references(catalog: Catalog, only: Iterable[str] | None) -> set[str] | None:
    """The wanted indicators and everything they reference, directly or not (None: all)."""
    if only is None:
        return None
    wanted = set(only)
    stack = list(wanted)
    while stack:
        for ref in catalog.indicators[stack.pop()].references:
            if ref not in wanted:
                wanted.add(ref)
                stack.append(ref)
    return wanted


class _Run:
    """One evaluation run over a catalog and its data: the resolver, and each indicator's
    policy summary built once (not once per evaluation)."""

    def __init__(self, catalog: Catalog, data: Dataset, traced: bool):
        self.catalog = catalog
        self.resolver = Resolver(catalog, data)
        self.traced = traced
        self._summaries: dict[str, dict[str, str]] = {}

    def summary(self, ind: Indicator) -> dict[str, str]:
        found = self._summaries.get(ind.id)
        if found is None:
            found = self._summaries[ind.id] = policy_summary(ind)
        return found

    def into(self, period: Period, office: str | None, wanted: set[str] | None, results: dict,
             means: dict | None) -> None:
        """Evaluate the wanted indicators not yet in `results` (declaration order: what an
        indicator references comes first)."""
        with localcontext() as ctx:
            ctx.prec = PRECISION
            envs: dict[tuple, _Env] = {}
            for ind in self.catalog.indicators.values():
                if (wanted is not None and ind.id not in wanted) or ind.id in results:
                    continue
                where = office if office is not None else (ind.office or ROOT)
                key = (where, ind.policy.rollup.value, ind.policy.unreported.value)
                env = envs.get(key)
                if env is None:
                    env = envs[key] = _Env(self.resolver, period, where, key[1], key[2], results, means)
                if self.traced:
                    results[ind.id] = evaluate_indicator(ind, env, period, Trace(), self.summary(ind))
                else:
                    results[ind.id] = evaluate_indicator(ind, env, period)


def evaluate_all(catalog: Catalog, data: Dataset, period: Period, office: str | None = None,
                 only: Iterable[str] | None = None, traced: bool = True) -> list[IndicatorResult]:
    """Every indicator (or those in `only`), at its own office or at `office`, in declaration order.
    An indicator reading a mean (`capaian(SJ1)`) is `missing` here: `evaluate_period` computes it."""
    catalog = catalog.for_year(period.year)  # the policies of the period's year
    run = _Run(catalog, data, traced)
    results: dict[str, IndicatorResult] = {}
    run.into(period, office, _with_references(catalog, only), results, None)
    return [results[i] for i in catalog.declared_order if i in results]


def reads_means(catalog: Catalog) -> set[str]:
    """Indicators that read a mean, themselves or through the indicators they use."""
    late = {i.id for i in catalog.indicators.values() if i.reads_means}
    for ind in catalog.indicators.values():  # evaluation order: what an indicator uses comes first
        if any(r in late for r in ind.references):
            late.add(ind.id)
    return late


def evaluate_period(catalog: Catalog, data: Dataset, period: Period, office: str | None = None,
                    traced: bool = True) -> Evaluated:
    """Indicators, then the sasaran, office and overall means, then the indicators that read a
    mean (a budget efficiency `capaian(SJ1) - serapan`). `traced=False` records no steps (bulk).
    The policies are those of the period's year (a `policy for year 2023` changes them)."""
    catalog = catalog.for_year(period.year)
    run = _Run(catalog, data, traced)
    late = reads_means(catalog)
    results: dict[str, IndicatorResult] = {}
    run.into(period, office, set(catalog.indicators) - late, results, None)
    first = [results[i] for i in catalog.declared_order if i in results]
    sasaran, offices, overall = aggregate(catalog, first)
    if late:
        means = {**{o.id: o for o in offices}, **{s.id: s for s in sasaran}}
        if overall is not None:
            means["overall"] = overall
        run.into(period, office, late, results, means)
    return Evaluated([results[i] for i in catalog.declared_order if i in results], sasaran, offices, overall)
