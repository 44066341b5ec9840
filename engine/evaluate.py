"""Catalog × realisation data × period -> one result per indicator.

Each indicator goes through the declared steps: data -> realisasi (× scale) ->
nihil rule -> realisasi rounding -> capaian by direction -> cap and floor ->
rounding -> predikat. Field values missing at an office are rolled up from its
sub-periods (the indicator's rollup rule) and from its child offices (counts and
amounts summed, other kinds averaged over the offices that reported).
"""
from __future__ import annotations

import functools
import gc
import itertools
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from typing import Iterable, NamedTuple

from kinerja_dsl.catalog import Catalog, CompositeNode, Indicator, NihilCase, UndefinedValue, quantized

from .data import ROOT, Dataset
from .numbers import format_number
from .periods import Period
from .policies import capaian as capaian_of, limit
from .results import IndicatorResult, NodeResult, Step

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
SIX_PLACES = Decimal("0.000001")
PRECISION = 34
SUMMED_KINDS = ("count", "amount")


class _Unavailable(Exception):
    """A referenced indicator or an earlier period has no value."""


class _Refused(Exception):
    """The nihil rule is `error`: the planner must decide."""


class Gap(NamedTuple):
    """Why a field has no value at an office although parts of it were reported."""

    kind: str    # incomplete: a sub-period is missing | conflict: two overlapping granularities (D011)
    office: str  # where the parts were reported
    text: str    # "2024-TW3, 2024-TW4 missing (given: 2024-TW1, 2024-TW2)"


class _Gapped(Exception):
    """A field (of this period or an earlier one, for `prev`) is only partly reported."""

    def __init__(self, name: str, period: Period, gaps: tuple[Gap, ...]):
        super().__init__(name)
        self.name, self.period, self.gaps = name, period, gaps


@functools.lru_cache(maxsize=None)
def _inside(period: Period) -> tuple[tuple[Period, int], ...]:
    """The periods inside, coarsest first, each with its months as bits."""
    return tuple((p, _months(p)) for p in period.inside())


class Resolver:
    """Field values per (period, office, rollup), rolled up over periods and offices.

    A value missing for a period is rolled up from the periods inside it only when they cover
    every month the rule needs (any mix of granularities that does not overlap: TW1, months
    04-06 and S2 make a year); otherwise the field has a Gap instead of a value, so a result
    built from it is `incomplete` (or `error` for overlapping parts), never a smaller `ok`."""

    def __init__(self, catalog: Catalog, data: Dataset):
        self.catalog = catalog
        self.data = data
        self.children: dict[str, list[str]] = {ROOT: []}
        for office in catalog.offices.values():
            self.children.setdefault(office.id, [])
            self.children.setdefault(office.parent if office.parent else ROOT, []).append(office.id)
        self._cache: dict[tuple, dict[str, Decimal]] = {}
        self._gaps: dict[tuple, dict[str, tuple[Gap, ...]]] = {}
        self._kinds = {f.id: f.kind for f in catalog.fields.values()}
        # (period, office, rollup, unreported, field) -> how it was rolled up over offices, and whether
        # offices that gave "-" took part (then the `unreported` rule decided)
        self.notes: dict[tuple, tuple[str, bool]] = {}

    def own(self, period: Period, office: str, rollup: str) -> dict[str, Decimal]:
        """Values reported for the office itself: direct, or rolled up from the periods inside."""
        key = ("own", period, office, rollup)
        found = self._cache.get(key)
        if found is not None:
            return found
        direct = self.data.values.get((period, office))
        result = {k: v.value for k, v in direct.items()} if direct else {}
        gaps: dict[str, tuple[Gap, ...]] = {}
        lookup = self.data.values.get
        cells = [(p, bits, cell) for p, bits in _inside(period) if (cell := lookup((p, office)))]
        whole = _months(period) if cells else 0
        every, overlap_all = _cover(cells)  # the months of all the parts, and whether two share one
        for name in dict.fromkeys(itertools.chain.from_iterable(c for _, _, c in cells)):
            pieces = [(p, c[name]) for p, _, c in cells if name in c]
            if len(pieces) == len(cells):  # the usual case: the field is in every part
                covered, overlap = every, overlap_all
            else:
                covered, overlap = _cover([(p, bits, c) for p, bits, c in cells if name in c])
            if direct and name in direct:
                inner, v = pieces[0]
                gaps[name] = (Gap("conflict", office, f"given for {period.label} ({direct[name].place}) and for "
                                                      f"{inner.label} inside it ({v.place})"),)
                del result[name]
                continue
            value, gap = _over_periods(period, whole, pieces, rollup, covered, overlap)
            if gap is not None:
                gaps[name] = (Gap(gap[0], office, gap[1]),)
            else:
                result[name] = value
        self._cache[key] = result
        self._gaps[key] = gaps
        return result

    def period_note(self, period: Period, office: str, rollup: str, name: str) -> str | None:
        """How the office's own value of a field was rolled up from the periods inside, when it
        was (written when explain asks, so bulk evaluation does not pay for it)."""
        own = self.own(period, office, rollup)
        direct = self.data.values.get((period, office))
        if name not in own or (direct and name in direct):
            return None
        pieces = [(p, c[name]) for p, _ in _inside(period) if (c := self.data.values.get((p, office))) and name in c]
        if pieces[0][0].kind != pieces[-1][0].kind:
            pieces.sort(key=lambda pv: pv[0].months().start)
        if rollup == "last":
            return f"last of {', '.join(p.label for p, _ in pieces)}: {pieces[-1][0].label}"
        return f"{rollup} of " + ", ".join(f"{p.label} ({_n(v.value)})" for p, v in pieces)

    def gaps(self, period: Period, office: str, rollup: str, unreported: str = "excluded") -> dict[str, tuple[Gap, ...]]:
        """Fields only partly reported for the office (itself or below), by name."""
        self.values(period, office, rollup, unreported)
        return self._gaps[(period, office, rollup, unreported)]

    def values(self, period: Period, office: str, rollup: str, unreported: str = "excluded") -> dict[str, Decimal]:
        """The office's own values; fields it lacks come from the offices below it: counts and
        amounts summed, other kinds averaged over every office below that reported; with
        `unreported zero`, an office at the bottom of the tree that did not report counts as 0.
        A field partly reported below (a Gap) stays a gap here: a sum without one office's
        missing quarter is not the office's total."""
        key = (period, office, rollup, unreported)
        found = self._cache.get(key)
        if found is not None:
            return found
        own = self.own(period, office, rollup)
        own_gaps = self._gaps[("own", period, office, rollup)]
        children = self.children.get(office, ())
        if not children:  # a leaf office: its own values, shared with the `own` cache, no copy
            self._cache[key] = own
            self._gaps[key] = own_gaps
            return own
        result = dict(own)
        gaps = dict(own_gaps)
        summed = [self.values(period, child, rollup, unreported) for child in children]
        summed_gaps = [self._gaps[(period, child, rollup, unreported)] for child in children]
        offices_below = [o for o in sorted(self.subtree(office)) if o != office]
        below = [self.own(period, o, rollup) for o in offices_below]
        below_gaps = [self._gaps[("own", period, o, rollup)] for o in offices_below]
        marked = [self.data.unreported.get((period, o), ()) for o in offices_below]
        names = {n for c in summed for n in c} | {n for c in below for n in c}
        names |= {n for g in summed_gaps for n in g} | {n for g in below_gaps for n in g}
        for name in names - result.keys() - gaps.keys():
            kind = self._kinds.get(name)
            if kind is None:
                continue  # an indicator's realisasi given for an office is not rolled up
            partial = [g[name] for g in (summed_gaps if kind in SUMMED_KINDS else below_gaps) if name in g]
            if partial:
                gaps[name] = tuple(gap for found in partial for gap in found)
                continue
            silent = 0
            if kind in SUMMED_KINDS:
                series = [c[name] for c in summed if name in c]
                how = f"sum over {len(series)} of the {len(children)} offices under {office}"
            else:
                series = [c[name] for c in below if name in c]
                how = f"mean over the {len(series)} offices below {office} that reported it"
                silent = sum(1 for m in marked if name in m)  # given as "-": asked, not reported
                if unreported == "zero" and silent:
                    series += [ZERO] * silent
                    how = (f"mean over {len(series)} offices below {office}: {len(series) - silent} reported, "
                           f"{silent} did not and count as 0 (unreported zero)")
                elif silent:
                    how += f" ({silent} did not report: left out)"
            if series:
                result[name] = sum(series, ZERO) if kind in SUMMED_KINDS else sum(series, ZERO) / len(series)
                self.notes[key + (name,)] = (how, silent > 0)
        self._cache[key] = result
        self._gaps[key] = gaps
        return result

    def subtree(self, office: str) -> set[str]:
        key = ("subtree", office)
        if key in self._cache:
            return self._cache[key]
        out, stack = set(), [office]
        while stack:
            o = stack.pop()
            if o not in out:
                out.add(o)
                stack.extend(self.children.get(o, ()))
        self._cache[key] = out
        return out


def _cover(cells: list) -> tuple[int, bool]:
    """The months the parts cover (as bits), and whether two of them share a month."""
    covered, overlap = 0, False
    for _, bits, _ in cells:
        overlap = overlap or bool(covered & bits)
        covered |= bits
    return covered, overlap


@functools.lru_cache(maxsize=None)
def _months(period: Period) -> int:
    """The period's months as bits (bit m for month m), to test cover and overlap quickly."""
    return sum(1 << m for m in period.months())


def _over_periods(period: Period, whole: int, pieces: list, rule: str, covered: int, overlap: bool):
    """A field of `period` from the periods inside it that carry it: (value, None), or
    (None, (kind, text)) when they overlap or leave out a month the rule needs. `sum` and
    `average` need every month (an average weighs each part by its months), `last` only the
    part that ends the period. Missing months are named at the granularity the data uses.
    `pieces` come coarsest first, each kind in time order; `covered` are their months as bits
    (`whole`: the period's), `overlap` whether two of them share one."""
    if overlap:
        seen = 0
        for p, v in pieces:
            bits = _months(p)
            if seen & bits:
                clash, first = next((q, w) for q, w in pieces if _months(q) & bits)
                return None, ("conflict", f"given for {clash.label} ({first.place}) and for {p.label} "
                                          f"inside it ({v.place})")
            seen |= bits
    mixed = pieces[0][0].kind != pieces[-1][0].kind
    ordered = sorted(pieces, key=lambda pv: pv[0].months().start) if mixed else pieces
    if covered != whole:
        months = period.months()
        largest = pieces[0][0].size
        if rule == "last":  # the part holding the last month, at the coarsest granularity given
            needed = range(months[-1] - largest + 1, months[-1] + 1) if not covered >> months[-1] & 1 else range(0)
        else:
            needed = months
        left = [m for m in needed if not covered >> m & 1]
        if left:
            missing = ", ".join(p.label for p in Period.spanning(period.year, left, largest))
            given = ", ".join(p.label for p, _ in ordered)
            return None, ("incomplete", f"{missing} missing (given: {given})")
    if rule == "sum":
        value = sum([v.value for _, v in ordered], ZERO)
    elif rule == "average":
        if not mixed:
            value = sum([v.value for _, v in ordered], ZERO) / len(ordered)
        else:  # a mix of quarters and months: each part weighs its months
            value = sum([v.value * p.size for p, v in ordered], ZERO) / sum(p.size for p, _ in ordered)
    else:
        value = ordered[-1][1].value
    return value, None


class _Env:
    __slots__ = ("values", "_resolver", "_period", "_office", "_rollup", "_unreported", "_results", "_means")

    def __init__(self, resolver, period, office, rollup, unreported, results, means=None):
        self.values = resolver.values(period, office, rollup, unreported)
        self._resolver, self._period, self._office = resolver, period, office
        self._rollup, self._unreported, self._results = rollup, unreported, results
        self._means = means or {}

    def mean(self, ident: str) -> Decimal:
        """The exact capaian of a sasaran, an office or `overall` (computed before this indicator)."""
        a = self._means.get(ident)
        if a is None or a.capaian_exact is None:
            raise _Unavailable(f"`{ident}` has no capaian" + (f" ({a.status})" if a is not None else ""))
        return a.capaian_exact

    def not_reported(self, name: str) -> list[str]:
        """The offices, this one or below, that gave `-` for a field: asked for it, did not report."""
        return sorted(o for o in self._resolver.subtree(self._office)
                      if name in self._resolver.data.unreported.get((self._period, o), ()))

    def rolled_up(self, name: str) -> tuple[str, bool] | None:
        """How a field's value came from the offices below or from the periods inside, when it
        did, and whether the `unreported` rule decided part of it."""
        found = self._resolver.notes.get((self._period, self._office, self._rollup, self._unreported, name))
        if found is not None:
            return found
        how = self._resolver.period_note(self._period, self._office, self._rollup, name)
        return (how, False) if how is not None else None

    def gap(self, name: str, period: Period | None = None) -> tuple[Gap, ...] | None:
        """Why a field has no value although parts of it were reported (None: it was not reported)."""
        return self._resolver.gaps(period or self._period, self._office, self._rollup, self._unreported).get(name)

    def prev(self, name: str, count: int) -> Decimal:
        series = []
        for p in self._period.previous(count):
            values = self._resolver.values(p, self._office, self._rollup, self._unreported)
            if name not in values:
                gaps = self.gap(name, p)
                if gaps:
                    raise _Gapped(name, p, gaps)
                raise KeyError(f"{name} ({p.label})")
            series.append(values[name])
        return sum(series, ZERO) / len(series)

    def ref(self, indicator_id: str) -> Decimal:
        r = self._results.get(indicator_id)
        if r is None or r.realisasi is None:
            raise _Unavailable(f"indicator `{indicator_id}` has no realisasi")
        return r.realisasi

    def capaian(self, indicator_id: str) -> Decimal:
        r = self._results.get(indicator_id)
        if r is None or r.capaian_exact is None:
            raise _Unavailable(f"indicator `{indicator_id}` has no capaian")
        return r.capaian_exact


def _n(x: Decimal | None) -> str:
    """Numbers inside step texts: exact, but long fractions cut at 6 places and marked with …"""
    if x is None:
        return "-"
    exponent = x.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        return format_number(quantized(x, SIX_PLACES, ROUND_DOWN), "en", grouping=False) + "…"
    return format_number(x, "en", grouping=False)


def _policy_summary(ind: Indicator) -> dict[str, str]:
    p = ind.policy
    return {
        "cap": f"{p.cap.value if p.cap.value is not None else 'none'} ({p.cap.origin})",
        "floor": f"{p.floor.value if p.floor.value is not None else 'none'} ({p.floor.origin})",
        "nihil": f"{p.nihil.value} ({p.nihil.origin})",
        "lower_formula": f"{p.lower_formula.value} ({p.lower_formula.origin})",
        "round": f"{p.round.value} ({p.round.origin})",
        "round_realisasi": f"{p.round_realisasi.value} ({p.round_realisasi.origin})",
        "rollup": f"{p.rollup.value} ({p.rollup.origin})",
        "unreported": f"{p.unreported.value} ({p.unreported.origin})",
        "bands": f"{p.bands.value.id} ({p.bands.origin})",
    }


def _rounded(node: CompositeNode, value: Decimal, detail: str) -> tuple[Decimal, str]:
    """A node's declared `round` (a group's value, a component's ratio), said in its detail."""
    if node.round is None or node.round.mode == "none":
        return value, detail
    rounded = node.round.apply(value)
    return rounded, f"{detail}, {node.round} -> {_n(rounded)}"


_MISSING = object()  # a node without a value because data is missing: its row names the fields


def _node_row(node: CompositeNode, path: str, **kw) -> NodeResult:
    base = dict(path=path, label=node.label, kind=node.kind, weight=node.weight, value=None, value_exact=None,
                nihil=None, missing=[], capped=False, detail="")
    base.update(kw)
    return NodeResult.model_construct(**base)


def _composite(node: CompositeNode, env: _Env, path: str, out: list[NodeResult]):
    """Value of an index node; None when it is left out (nihil excluded), _MISSING when data it
    needs is missing. Every node gets its row, also when it fails: a missing component says
    which field it lacks, and the groups above it say they were not computed."""
    if node.kind == "component":
        treatment = None
        try:
            value = node.fn(env)
            value, detail = _rounded(node, value, f"{node.formula} = {_n(value)}")
        except NihilCase:
            treatment = node.nihil.value
            if treatment == "error":
                out.append(_node_row(node, path, detail=f"{node.formula} is 0/0 and its nihil rule is `error`"))
                raise _Refused(f"component `{path}` is 0/0 and its nihil rule is `error`")
            value = {"achieved": ONE, "zero": ZERO, "excluded": None}[treatment]
            detail = f"{node.formula} is 0/0: nihil {treatment} ({node.nihil.origin})"
        except KeyError as why:
            name = str(why.args[0])
            out.append(_node_row(node, path, missing=[name],
                                 detail=f"{node.formula}: missing, no value for `{name}` in {env._period.label}"))
            return _MISSING
        except Exception as why:
            out.append(_node_row(node, path, detail=f"{node.formula}: not computed ({why})"))
            raise
        out.append(_node_row(node, path, value=value, value_exact=value, nihil=treatment, detail=detail))
        return value
    slot = len(out)
    out.append(_node_row(node, path, detail="not computed"))  # the group's own row comes before its children
    parts = [(c, _composite(c, env, f"{path}/{c.id}", out)) for c in node.children]
    lacking = [c for c, v in parts if v is _MISSING]
    if lacking:
        names = list(dict.fromkeys(n for row in out[slot + 1:] if row.kind == "component" for n in row.missing))
        out[slot] = _node_row(node, path, missing=names, detail="missing: no value for " + ", ".join(
            f"`{n}`" for n in names) + " (" + ", ".join(c.id for c in lacking) + ")")
        return _MISSING
    included = [(c, v) for c, v in parts if v is not None]
    if not included:
        out[slot] = _node_row(node, path, nihil="excluded", detail="every component is nihil (excluded)")
        return None
    if node.combine == "mean":
        raw = sum((v for _, v in included), ZERO) / len(included)
        how = f"mean of {len(included)}"
    else:
        total_weight = sum((c.weight for c, _ in included), ZERO)
        raw = sum((c.weight * v for c, v in included), ZERO)
        how = "Σ weight × value"
        if len(included) < len(parts):
            raw = raw / total_weight
            how += f" re-weighted over {len(included)} of {len(parts)}"
    value = raw * node.scale
    detail = f"{how} = {_n(raw)}" + (f" × {_n(node.scale)} = {_n(value)}" if node.scale != ONE else "")
    capped = node.cap is not None and value > node.cap
    if capped:
        value = node.cap
        detail += f", capped at {_n(node.cap)}"
    exact = value
    value, detail = _rounded(node, value, detail)
    spec = node.targets.get((env._period.year, env._period.suffix)) if node.targets else None
    target = spec.low if spec is not None and not spec.is_range and spec.low else None
    capaian = value / target * HUNDRED if target is not None else None
    if capaian is not None:
        detail += f"; capaian {_n(value)} / {_n(target)} × 100 = {_n(capaian)}"
    out[slot] = _node_row(node, path, value=value, value_exact=exact, target=target, capaian=capaian,
                          capped=capped, detail=detail)
    return value


def evaluate_indicator(ind: Indicator, env: _Env, period: Period, policy_summary: dict[str, str]) -> IndicatorResult:
    p = ind.policy
    steps: list[Step] = []
    components: list[NodeResult] = []
    nihil = None
    target = ind.target(period.year, period.suffix)

    def result(status, **kw):
        base = dict(id=ind.id, label=ind.label, sasaran=ind.sasaran, office=ind.office, unit=ind.unit,
                    period=period.label, direction=ind.direction,
                    target=target.low if target and not target.is_range else None,
                    target_text=target.text if target else None, realisasi=None, capaian=None,
                    capaian_exact=None, predikat=None, status=status, nihil=nihil, reason=None, missing=[],
                    policy=policy_summary, steps=steps, components=components)
        base.update(kw)
        return IndicatorResult.model_construct(**base)

    def gapped(name: str, when: Period, gaps: tuple[Gap, ...]) -> IndicatorResult:
        """A field only partly reported: `incomplete` naming the missing parts, or `error` when
        parts overlap (D011); never a value built from what happens to be there."""
        conflicts = [g for g in gaps if g.kind == "conflict"]
        shown = conflicts or list(gaps)
        where = "; ".join((f" at {g.office or 'the catalog'}" if g.office != env._office else "") + f": {g.text}"
                          for g in shown[:3]) + ("; …" if len(shown) > 3 else "")
        if conflicts:
            return result("error", missing=[name], reason=f"`{name}` for {when.label}{where}; the same field at two "
                          "granularities that overlap would be counted twice (D011)")
        return result("incomplete", missing=[name], reason=f"`{name}` for {when.label}{where}")

    def lacking(names: list[str]) -> IndicatorResult:
        """Fields without a value: partly reported (see gapped), or missing."""
        for name in names:
            gaps = env.gap(name)
            if gaps:
                return gapped(name, period, gaps)
        silent = env.not_reported(names[0])
        why = f": {len(silent)} office{'s' if len(silent) != 1 else ''} gave `-` ({', '.join(silent[:3])}" \
              f"{', …' if len(silent) > 3 else ''})" if silent else ""
        listed = ", ".join(f"`{n}`" for n in names)
        return result("missing", reason=f"no value for {listed} in {period.label}{why}", missing=names)

    given = env.gap(ind.id) if ind.id not in env.values else None
    if given:  # the realisasi itself given for some sub-periods only
        return gapped(ind.id, period, given)

    # 0. where the data came from, for the fields an office did not report itself
    for name in ind.fields:
        note = env.rolled_up(name)
        if note is not None:
            how, by_rule = note
            rule = p.unreported.origin if by_rule else None
            steps.append(Step(step="data", detail=f"{name} = {_n(env.values[name])}: {how}", value=env.values[name],
                              rule=rule))

    # 1. realisasi
    try:
        if ind.id in env.values:
            realisasi = env.values[ind.id]
            steps.append(Step(step="realisasi", detail=f"given in the data: {_n(realisasi)}", value=realisasi))
        elif ind.kind == "ratio":
            n, d = ind.numerator(env), ind.denominator(env)
            steps.append(Step(step="numerator", detail=f"{ind.formulas['numerator']} = {_n(n)}", value=n))
            steps.append(Step(step="denominator", detail=f"{ind.formulas['denominator']} = {_n(d)}", value=d))
            if not d:
                if n:
                    return result("error", reason=f"the denominator is 0 but the numerator is {_n(n)}")
                raise NihilCase(f"{_n(n)} / {_n(d)}")
            ratio = n / d
            realisasi = ratio * ind.scale
            steps.append(Step(step="realisasi", detail=f"{_n(n)} / {_n(d)} × {_n(ind.scale)} = {_n(realisasi)}",
                              value=realisasi))
        elif ind.kind == "value":
            raw = ind.value(env)
            realisasi = raw * ind.scale
            scaled = f" × {_n(ind.scale)} = {_n(realisasi)}" if ind.scale != ONE else ""
            steps.append(Step(step="realisasi", detail=f"{ind.formulas['value']} = {_n(raw)}{scaled}",
                              value=realisasi))
        else:
            raw = _composite(ind.index, env, ind.id, components)
            if raw is _MISSING:
                return lacking(components[0].missing)
            if raw is None:
                raise NihilCase("every component is nihil")
            realisasi = raw * ind.scale
            steps.append(Step(step="realisasi", detail=f"index {ind.id} = {_n(realisasi)}", value=realisasi))
    except NihilCase as case:
        nihil = p.nihil.value
        rule = p.nihil.origin
        if nihil == "excluded":
            steps.append(Step(step="nihil", detail=f"{case} is 0/0: excluded, no capaian", rule=rule))
            return result("nihil", reason="no cases (0/0); left out of every mean")
        if nihil == "error":
            steps.append(Step(step="nihil", detail=f"{case} is 0/0 and the nihil rule is `error`", rule=rule))
            return result("error", reason="no cases (0/0) and the nihil rule is `error`: declare how nihil counts")
        realisasi = ind.scale if nihil == "achieved" else ZERO
        steps.append(Step(step="nihil", detail=f"{case} is 0/0: counted as {'achieved (100%)' if nihil == 'achieved' else 'zero'}"
                          f", realisasi = {_n(realisasi)}", value=realisasi, rule=rule))
    except KeyError as missing:
        return lacking([str(missing.args[0])])
    except _Gapped as partly:
        return gapped(partly.name, partly.period, partly.gaps)
    except _Unavailable as why:
        return result("missing", reason=str(why))
    except (UndefinedValue, _Refused) as why:
        return result("error", reason=str(why))
    except ArithmeticError as why:  # overflow and the like from extreme data
        return result("error", reason=f"arithmetic error: {why}")

    # 2. realisasi rounding
    rr = p.round_realisasi.value
    if rr.mode != "none":
        rounded = rr.apply(realisasi)
        steps.append(Step(step="round realisasi", detail=f"{rr} : {_n(realisasi)} -> {_n(rounded)}", value=rounded,
                          rule=p.round_realisasi.origin))
        realisasi = rounded
    if ind.range is not None and not (ind.range[0] <= realisasi <= ind.range[1]) and nihil is None:
        low, high = ind.range
        shown = realisasi.normalize() if realisasi == realisasi.to_integral_value() else realisasi
        why = f"realisasi {_n(shown)} is outside the declared range {_n(low)} .. {_n(high)}"
        if ind.kind == "ratio" and realisasi > high:
            why += " (the numerator is larger than the denominator)"
        return result("error", realisasi=realisasi, reason=why)

    # 3. capaian
    if target is None:
        if not ind.targets:  # a measure without targets (e.g. serapan anggaran): realisasi only
            return result("ok", realisasi=realisasi)
        return result("missing", realisasi=realisasi, reason=f"no target for {period.label}")
    try:
        value, how = capaian_of(ind.direction, p.lower_formula.value, realisasi, target)
    except UndefinedValue as why:
        return result("error", realisasi=realisasi, reason=str(why))
    steps.append(Step(step="capaian", detail=f"{how} = {_n(value)}", value=value,
                      rule=p.lower_formula.origin if ind.direction == "lower" else None))
    if nihil == "zero":
        value = ZERO
        steps.append(Step(step="nihil", detail="counted as zero: capaian 0", value=value, rule=p.nihil.origin))
    limited, note = limit(value, p.cap.value, p.floor.value)
    steps.append(Step(step="cap/floor", detail=note or f"cap {p.cap.value if p.cap.value is not None else 'none'}, "
                      f"floor {p.floor.value if p.floor.value is not None else 'none'}: unchanged",
                      value=limited, rule=f"cap: {p.cap.origin}; floor: {p.floor.origin}"))
    rounded = p.round.value.apply(limited)
    steps.append(Step(step="round", detail=f"{p.round.value} : {_n(limited)} -> {_n(rounded)}", value=rounded,
                      rule=p.round.origin))
    graded = rounded if ind.predikat_of == "capaian" else realisasi
    predikat = p.bands.value.classify(graded)
    steps.append(Step(step="predikat", detail=f"{p.bands.value.id} on {ind.predikat_of} {_n(graded)}: {predikat}",
                      rule=p.bands.origin))
    return result("nihil" if nihil else "ok", realisasi=realisasi, capaian=rounded, capaian_exact=limited,
                  predikat=predikat)


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


def evaluate_all(catalog: Catalog, data: Dataset, period: Period, office: str | None = None,
                 only: Iterable[str] | None = None) -> list[IndicatorResult]:
    """Every indicator (or those in `only`), at its own office or at `office`, in declaration order.
    An indicator reading a mean (`capaian(SJ1)`) is `missing` here: `evaluate_period` computes it."""
    resolver = Resolver(catalog, data)
    results: dict[str, IndicatorResult] = {}
    _evaluate_into(catalog, resolver, period, office, _with_references(catalog, only), results, None)
    order = [i for i in catalog.declared_order if i in results]
    return [results[i] for i in order]


def _evaluate_into(catalog, resolver, period, office, wanted, results, means) -> None:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for ind in catalog.indicators.values():
            if (wanted is not None and ind.id not in wanted) or ind.id in results:
                continue
            where = office if office is not None else (ind.office or ROOT)
            env = _Env(resolver, period, where, ind.policy.rollup.value, ind.policy.unreported.value, results, means)
            results[ind.id] = evaluate_indicator(ind, env, period, _policy_summary(ind))


def reads_means(catalog: Catalog) -> set[str]:
    """Indicators that read a mean, themselves or through the indicators they use."""
    late = {i.id for i in catalog.indicators.values() if i.reads_means}
    for ind in catalog.indicators.values():  # evaluation order: what an indicator uses comes first
        if any(r in late for r in ind.references):
            late.add(ind.id)
    return late


def evaluate_period(catalog: Catalog, data: Dataset, period: Period, office: str | None = None):
    """Indicators, then the sasaran, office and overall means, then the indicators that read a
    mean (a budget efficiency `capaian(SJ1) - serapan`). Returns (indicators, sasaran, offices, overall)."""
    from .aggregate import aggregate  # the means are built from this module's results

    resolver = Resolver(catalog, data)
    late = reads_means(catalog)
    results: dict[str, IndicatorResult] = {}
    _evaluate_into(catalog, resolver, period, office, set(catalog.indicators) - late, results, None)
    first = [results[i] for i in catalog.declared_order if i in results]
    sasaran, offices, overall = aggregate(catalog, first)
    if late:
        means = {**{o.id: o for o in offices}, **{s.id: s for s in sasaran}}
        if overall is not None:
            means["overall"] = overall
        _evaluate_into(catalog, resolver, period, office, late, results, means)
    return [results[i] for i in catalog.declared_order if i in results], sasaran, offices, overall


# ---- the fast path: bulk evaluation without a trace ----------------------------------------

class _Fallback(Exception):
    """The fast path does not handle this case; the traced path will."""


class Quick(NamedTuple):
    """A bulk result: what a national roll-up needs, without the step-by-step trace."""

    id: str
    office: str
    status: str
    realisasi: Decimal | None
    capaian_exact: Decimal | None
    capaian: Decimal | None
    predikat: str | None


_make_quick = functools.partial(tuple.__new__, Quick)  # skips NamedTuple's argument handling


def _fast_node(node: CompositeNode, env) -> Decimal:
    if node.kind == "component":
        try:
            value = node.fn(env)
        except NihilCase:
            treatment = node.nihil.value
            if treatment == "achieved":
                return ONE
            if treatment == "zero":
                return ZERO
            raise _Fallback()
        return node.round.apply(value) if node.round is not None else value
    if node.combine == "mean":
        parts = [_fast_node(c, env) for c in node.children]
        value = sum(parts, ZERO) / len(parts) * node.scale
    else:
        value = sum((c.weight * _fast_node(c, env) for c in node.children), ZERO) * node.scale
    if node.cap is not None and value > node.cap:
        value = node.cap
    return node.round.apply(value) if node.round is not None else value


NIHIL_EXCLUDED = ("nihil", None, None, None, None)


def compile_kernel(ind: Indicator):
    """A closure computing (status, realisasi, capaian exact, capaian, predikat) for the common case:
    data present, no 0/0, higher is better against a single target. Anything else returns
    None so the caller takes the traced path, which has the same semantics and says why."""
    p = ind.policy
    scale = ind.scale
    rr = p.round_realisasi.value
    round_first = rr.function() if rr.mode != "none" else None
    rounding = p.round.value.function()
    cap, floor = p.cap.value, p.floor.value
    classify = p.bands.value.classifier()
    low, high = ind.range if ind.range else (None, None)
    by_realisasi = ind.predikat_of == "realisasi"
    own_id = ind.id
    if ind.direction != "higher":
        return lambda env, target: None

    def finish(status, r, target):
        """realisasi -> rounded first -> range -> capaian -> cap/floor -> rounding -> predikat."""
        try:
            if round_first is not None:
                r = round_first(r)
            if low is not None and not low <= r <= high:
                return None
            c = r / target * HUNDRED
            if cap is not None and c > cap:
                c = cap
            elif floor is not None and c < floor:
                c = floor
            rounded = rounding(c)
        except InvalidOperation:  # a value too long to round at the engine's precision: the traced path widens it
            return None
        return status, r, c, rounded, classify(r if by_realisasi else rounded)

    if ind.kind == "ratio":
        num, den = ind.numerator, ind.denominator

        nihil = p.nihil.value
        num_field, den_field = getattr(num, "field", None), getattr(den, "field", None)
        if num_field and den_field:
            def plain_kernel(env, target: Decimal):
                """Field over field, the most common indicator: the data read directly."""
                values = env.values
                if own_id in values:
                    return None
                try:
                    d = values[den_field]
                    n = values[num_field]
                except KeyError:  # missing data: the traced path says which field
                    return None
                if not d:
                    if nihil == "excluded" and not n:
                        return NIHIL_EXCLUDED
                    if nihil != "achieved" or n:
                        return None
                    r, status = scale, "nihil"
                else:
                    r, status = n / d * scale, "ok"
                return finish(status, r, target)
            return plain_kernel

        def kernel(env, target: Decimal):  # the common case, written out for speed
            if own_id in env.values:
                return None
            status = "ok"
            try:
                d = den(env)
                if not d:
                    if nihil == "excluded" and not num(env):
                        return NIHIL_EXCLUDED
                    if nihil != "achieved" or num(env):
                        return None
                    r, status = scale, "nihil"
                else:
                    r = num(env) / d * scale
            except Exception:  # missing data, nested nihil, references: the traced path decides
                return None
            return finish(status, r, target)
        return kernel
    if ind.kind == "value":
        value = ind.value

        def realisasi(env):
            return value(env) * scale
    else:
        root = ind.index

        def realisasi(env):
            return _fast_node(root, env) * scale

    def kernel(env, target: Decimal):
        if own_id in env.values:
            return None
        try:
            r = realisasi(env)
        except Exception:  # nihil, missing data, division by zero, references: the traced path decides
            return None
        return finish("ok", r, target)
    return kernel


def evaluate_many(catalog: Catalog, data: Dataset, periods: Iterable[Period], offices: Iterable[str],
                  only: Iterable[str] | None = None) -> list[Quick]:
    """Every (period, office, indicator), fast: compiled kernels, the traced path only where needed."""
    resolver = Resolver(catalog, data)
    wanted = _with_references(catalog, only)
    chosen = [i for i in catalog.indicators.values() if wanted is None or i.id in wanted]
    kernels = {ind.id: compile_kernel(ind) for ind in chosen}
    rollups = sorted({(ind.policy.rollup.value, ind.policy.unreported.value) for ind in chosen})
    out: list[Quick] = []
    append = out.append
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small results: collection passes would only re-scan them
    try:
        _many(catalog, resolver, chosen, kernels, rollups, periods, offices, append)
    finally:
        if collecting:
            gc.enable()
    return out


def _many(catalog, resolver, chosen, kernels, rollups, periods, offices, append) -> None:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for period in periods:
            plan = []
            for ind in chosen:
                t = ind.target(period.year, period.suffix)
                fast = t is not None and not t.is_range and t.low and not ind.references
                plan.append((ind, ind.id, kernels[ind.id] if fast else None, t.low if fast else None,
                             (ind.policy.rollup.value, ind.policy.unreported.value)))
            for office in offices:
                results: dict = {}
                envs = {rule: _Env(resolver, period, office, *rule, results) for rule in rollups}
                for ind, ident, kernel, target, rollup in plan:
                    env = envs[rollup]
                    fast = kernel(env, target) if kernel is not None else None
                    if fast is not None:
                        q = _make_quick((ident, office) + fast)
                    else:
                        r = evaluate_indicator(ind, env, period, {})
                        q = _make_quick((ident, office, r.status, r.realisasi, r.capaian_exact, r.capaian, r.predikat))
                    results[ident] = q
                    append(q)
