"""Checks over a merged catalog: small rules, each returning every finding it sees.

Like dbt's validation rules, a rule never stops at the first problem; the checker
runs all of them and the caller sorts the findings by file and position. The values
of each setting are checked by the per-key table of `setting_checks`. `approve` turns
a symbol table without errors into the `CheckedModel` the compiler takes.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from . import ast, period_targets
from .catalog import out_of_range
from .diagnostics import Diagnostic, Severity, Span, did_you_mean, source_lines
from .model import OVERALL, CheckedModel, SymbolTable, mean_read
from .setting_checks import check_setting, shortened
from .vocabulary import (BAND_PRESET_NAMES, CONTEXT_KEYS, FUNCTIONS, PERIOD_LABELS, SETTING_KEYS, AggregateLevel,
                         AggregateMethod, Combine, FieldKind, Rollup, allowed_values)

walk, index_nodes, indicator_exprs = ast.walk, ast.index_nodes, ast.indicator_exprs


class Rule:
    """A check over the merged catalog; `run` yields every finding."""

    def run(self, model: SymbolTable) -> Iterable[Diagnostic]:
        raise NotImplementedError


def _settings_in(model: SymbolTable) -> Iterator[tuple[str, ast.Setting]]:
    """Every setting of the catalog, with the context it stands in (a key of CONTEXT_KEYS)."""
    for block in model.policy_blocks:
        for s in block.settings:
            yield "policy", s
    for ind in model.indicators.values():
        for statement in ind.body:
            if isinstance(statement, ast.Setting):
                yield "indicator", statement
            elif isinstance(statement, ast.Index):
                for option in statement.options:
                    yield "index", option
                for node in index_nodes(statement):
                    for option in node.options:
                        yield ("group" if isinstance(node, ast.Group) else "component"), option
    for sas in model.sasaran.values():
        for s in sas.settings:
            yield "sasaran", s
    for agr in model.agreements:
        for item in agr.body:
            if isinstance(item, ast.Setting):
                yield "agreement", item


class KnownSettings(Rule):
    """Every setting key is allowed where it stands, with valid values (E115, E111)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for context, s in _settings_in(model):
            allowed = CONTEXT_KEYS[context]
            if s.key not in allowed:
                where = {"index": "an index", "group": "a group", "component": "a component",
                         "indicator": "an indicator", "agreement": "an agreement"}.get(context, f"a {context}")
                hint = did_you_mean(s.key_text, allowed)
                if hint is None and s.key in SETTING_KEYS:
                    hint = f"`{s.key}` belongs elsewhere; {where} takes: " + ", ".join(allowed)
                yield Diagnostic.at_span(s.key_span, code="E115", message=f"unknown setting `{s.key_text}` in {where}",
                                         hint=hint or f"{where} takes: " + ", ".join(allowed))
                continue
            yield from check_setting(s)


class RepeatedSettings(Rule):
    """A setting or target stated twice in one block is a mistake (E114)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            seen: dict[tuple[object, ...], Span] = {}
            for s in ind.body:
                key: tuple[object, ...]
                if isinstance(s, ast.Setting):
                    key, shown = ("setting", s.key), f"`{s.key}`"
                elif isinstance(s, ast.Formula):
                    key, shown = ("formula", s.kind), f"`{s.kind}`"
                elif isinstance(s, ast.Target):
                    key = ("renstra" if s.renstra else "target", s.year, s.period)
                    shown = f"{'renstra' if s.renstra else 'target'} {s.year}{' ' + s.period if s.period else ''}"
                elif isinstance(s, ast.Range):
                    key, shown = ("range",), "`range`"
                else:
                    key, shown = ("index",), "`index`"
                if key in seen:
                    yield Diagnostic.at_span(s.span, code="E114",
                                             message=f"{shown} is stated twice in indicator `{ind.id}`",
                                             hint=f"the first is at line {seen[key].line}; keep one")
                else:
                    seen[key] = s.span
        for block in model.policy_blocks:
            seen = {}
            for setting in block.settings:
                key = (setting.key, setting.args[0].text) if setting.key == "aggregate" and setting.args \
                    else (setting.key,)
                if key in seen:
                    yield Diagnostic.at_span(setting.span, code="E114",
                                             message=f"`{setting.key}` is stated twice in this policy",
                                             hint=f"the first is at line {seen[key].line}; keep one")
                seen.setdefault(key, setting.span)


class Duplicates(Rule):
    """Ids are unique per kind across all loaded files (E102)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for kind, ident, first, second in model.duplicates:
            where = f"line {first.line}" if first.file == second.file else f"{first.file}:{first.line}"
            yield Diagnostic.at_span(second, code="E102", message=f"{kind} `{ident}` is declared twice",
                                     hint=f"first declared at {where}; rename one or remove it")


class KnownNames(Rule):
    """Every name resolves: data fields, indicators, functions, sasaran, offices, bands (E101, E116)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        values = set(model.fields) | set(model.indicators)
        for ind in model.indicators.values():
            for statement in ind.body:
                if isinstance(statement, ast.Setting):
                    yield from self._reference(model, statement)
            for expr in indicator_exprs(ind):
                yield from self._expression(expr, values, model)
        for sas in model.sasaran.values():
            for s in sas.settings:
                yield from self._reference(model, s)
        for office in model.offices.values():
            if office.parent is not None and office.parent not in model.offices:
                yield Diagnostic.at_span(office.parent_span, code="E101", message=f"unknown office `{office.parent}`",
                                         hint=did_you_mean(office.parent, model.offices))
        for s in model.policy.values():
            yield from self._reference(model, s)
        for f in model.fields.values():
            if f.kind is not None and ast.enum_value(FieldKind, f.kind) is None:
                yield Diagnostic.at_span(f.kind_span, code="E111", message=f"`{f.kind}` is not a kind of field",
                                         hint=did_you_mean(f.kind, allowed_values("field_kind"))
                                         or "use one of: " + ", ".join(allowed_values("field_kind")))
            if f.rollup is not None and ast.enum_value(Rollup, f.rollup) in (None, Rollup.BY_KIND):
                rules = [r for r in allowed_values("rollup") if r != Rollup.BY_KIND]
                yield Diagnostic.at_span(f.rollup_span, code="E111",
                                         message=f"`{f.rollup}` is not a roll-up rule of a field",
                                         hint=did_you_mean(f.rollup, rules) or "use one of: " + ", ".join(rules)
                                         + " (a field without one follows its kind: counts and amounts sum, "
                                           "other kinds average)")
        for agr in model.agreements:
            for item in agr.body:
                if isinstance(item, ast.Setting):
                    yield from self._reference(model, item)
                elif item.indicator not in model.indicators:
                    yield Diagnostic.at_span(item.span, code="E101", message=f"unknown indicator `{item.indicator}`",
                                             hint=did_you_mean(item.indicator, model.indicators))

    @staticmethod
    def _reference(model: SymbolTable, s: ast.Setting) -> Iterator[Diagnostic]:
        if s.key not in ("sasaran", "office", "bands", "budget_of") or not 1 <= len(s.args) <= 2 \
                or s.args[0].kind != "name":
            return
        name = s.args[0].text
        if s.key == "bands":
            if name in BAND_PRESET_NAMES or name in model.bandsets:
                return
            yield Diagnostic.at_span(s.args[0].span, code="E101", message=f"unknown band set `{name}`",
                                     hint=did_you_mean(name, list(model.bandsets) + list(BAND_PRESET_NAMES))
                                     or "declare it with `bands " + name + " { … }` or use "
                                     + ", ".join(BAND_PRESET_NAMES))
            return
        table: dict[str, ast.Office] | dict[str, ast.Sasaran] = model.offices if s.key == "office" else model.sasaran
        kind = "office" if s.key == "office" else "sasaran"
        if name not in table:
            yield Diagnostic.at_span(s.args[0].span, code="E101", message=f"unknown {kind} `{name}`",
                                     hint=did_you_mean(name, table) or f"declare it with `{kind} {name} \"…\"`")

    @staticmethod
    def _expression(expr: ast.Expr, values: set[str], model: SymbolTable) -> Iterator[Diagnostic]:
        means = {id(arg) for arg in map(mean_read, walk(expr)) if arg is not None and model.is_mean(arg.id)}
        for node in walk(expr):
            if isinstance(node, ast.Name) and node.id not in values and id(node) not in means:
                yield Diagnostic.at_span(node.span, code="E101", message=f"unknown name `{node.id}`",
                                         hint=did_you_mean(node.id, values)
                                         or f"declare the data field with `field {node.id} \"…\" count`")
            elif isinstance(node, ast.Call):
                yield from _call(node, model)


def _call(node: ast.Call, model: SymbolTable) -> Iterator[Diagnostic]:
    """A function that exists, with the arguments it takes (E101, E116)."""
    arity = FUNCTIONS.get(node.function)
    if arity is None:
        yield Diagnostic.at_span(node.span, code="E101", message=f"unknown function `{node.function}`",
                                 hint=did_you_mean(node.function, FUNCTIONS) or "functions: " + ", ".join(FUNCTIONS))
        return
    low, high = arity
    found = len(node.args)
    first = node.args[0] if node.args else None
    if found < low or (high is not None and found > high):
        want = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
        yield Diagnostic.at_span(node.span, code="E116",
                                 message=f"`{node.function}` takes {want} argument{'s' if want != '1' else ''}, "
                                         f"found {found}")
    elif node.function == "capaian" and first is not None and not (
            isinstance(first, ast.Name) and (first.id in model.indicators or model.is_mean(first.id))):
        known = list(model.indicators) + list(model.sasaran) + list(model.offices) + [OVERALL]
        name = first.id if isinstance(first, ast.Name) else ""
        yield Diagnostic.at_span(first.span, code="E116",
                                 message="`capaian` takes the id of an indicator, a sasaran or an office, or `overall`",
                                 hint=did_you_mean(name, known) if name and did_you_mean(name, known)
                                 else "e.g. `value capaian(SJ1) - BUDGET.SJ1.serapan`")
    elif node.function in EARLIER and first is not None:
        if not isinstance(first, ast.Name) or first.id not in model.fields:
            yield Diagnostic.at_span(first.span, code="E116", hint=EARLIER[node.function][1],
                                     message=f"`{node.function}` takes the name of a data field")
        if found == 2:
            yield from _prev_count(node.function, node.args[1])


# The functions that read earlier periods: (most periods back, the example a hint gives).
EARLIER = {
    "prev": (10, "e.g. `prev(pnbp)`, the same period a year earlier, or `prev(pnbp, 3)` for the mean of "
                 "the same period in the 3 years before"),
    "prev_period": (120, "e.g. `prev_period(pnbp)`, the period just before (TW2 for TW3), or "
                         "`prev_period(pnbp, 4)` for the mean of the 4 periods before"),
}


def _prev_count(function: str, arg: ast.Expr) -> Iterator[Diagnostic]:
    """`prev(x, N)` reads N earlier years (1 to 10), `prev_period(x, N)` N earlier periods of
    the same kind (1 to 120, ten years of months) (E116)."""
    most, example = EARLIER[function]
    unit = "years" if function == "prev" else "periods"
    if not (isinstance(arg, ast.Number) and arg.value == arg.value.to_integral_value()):
        yield Diagnostic.at_span(arg.span, code="E116",
                                 message=f"the second argument of `{function}` is a whole number of {unit}",
                                 hint=example)
    elif not 1 <= arg.value <= most:
        yield Diagnostic.at_span(arg.span, code="E116",
                                 message=f"`{function}` reads 1 to {most} earlier {unit}, not {shortened(arg.text)}",
                                 hint=example)


class Formulas(Rule):
    """An indicator has numerator+denominator, a value, or an index (E113)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            num, den, val, idx = (ind.formula("numerator"), ind.formula("denominator"),
                                  ind.formula("value"), ind.index)
            where = ind.id_span or ind.span
            if num and not den:
                yield Diagnostic.at_span(num.span, code="E113",
                                         message=f"indicator `{ind.id}` has a numerator but no denominator",
                                         hint="add `denominator …`, or write `value …` for a single expression")
            elif den and not num:
                yield Diagnostic.at_span(den.span, code="E113",
                                         message=f"indicator `{ind.id}` has a denominator but no numerator",
                                         hint="add `numerator …`")
            formulas = [x for x in (num or den, val, idx) if x]
            if not formulas:
                yield Diagnostic.at_span(where, code="E113", message=f"indicator `{ind.id}` has no formula",
                                         hint="give `numerator` and `denominator`, a `value`, or an `index` block")
            elif len(formulas) > 1:
                yield Diagnostic.at_span(formulas[1].span, code="E113",
                                         message=f"indicator `{ind.id}` has more than one formula",
                                         hint="use either numerator/denominator, value, or index")


class RequiredMetadata(Rule):
    """Each indicator says which way is better and in what unit (E103, E104)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            where = ind.id_span or ind.span
            if ind.setting("direction") is None:
                yield Diagnostic.at_span(where, code="E103", message=f"indicator `{ind.id}` has no direction",
                                         hint="add `direction higher` (or lower, stabilize)")
            if ind.setting("unit") is None:
                yield Diagnostic.at_span(where, code="E104", message=f"indicator `{ind.id}` has no unit",
                                         hint='add `unit "%"` (or indeks, orang, dokumen, …)')


def _calendar(target: ast.Target) -> Iterator[Diagnostic]:
    """A target's year has four digits and its period is one the calendar knows (E117)."""
    if not (target.year_text.isdigit() and len(target.year_text) == 4):
        yield Diagnostic.at_span(target.span, code="E117", message=f"`{shortened(target.year_text)}` is not a year",
                                 hint="write the year with four digits, e.g. `target 2024 = 90`")
    if target.period is not None and target.period not in PERIOD_LABELS:
        yield Diagnostic.at_span(target.span, code="E117", message=f"unknown period `{target.period}`",
                                 hint=did_you_mean(target.period, PERIOD_LABELS) or "use TW1–TW4, S1–S2 or B01–B12")


def _group_targets(nodes: Iterable[ast.Group | ast.Component]) -> Iterator[ast.Target]:
    """Every target declared inside the groups of an index, at any depth."""
    for node in nodes:
        if isinstance(node, ast.Group):
            yield from node.targets
            yield from _group_targets(node.children)


class TargetsInRange(Rule):
    """Targets and period labels respect the declared range and calendar (E105, E117); a target
    written with `%` belongs to a percentage indicator (W119: "20 %" on an index is a unit slip)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            unit = ind.setting("unit")
            unit_text = unit.args[0].text if unit is not None and unit.args else None
            if unit_text is not None and unit_text.strip().lower() not in ("%", "persen", "percent"):
                for t in ind.targets:
                    if t.value.low_text.endswith("%") or (t.value.high_text or "").endswith("%"):
                        yield Diagnostic.at_span(t.value.span, code="W119",
                                                 message=f"target {t.value} of `{ind.id}` is written as a percentage, "
                                                         f"but the indicator is measured in {unit_text}",
                                                 severity=Severity.WARNING,
                                                 hint=f"write the target in {unit_text} (an index on 0..4: 3.6), "
                                                      "or declare `unit \"%\"`")
            rng = ind.range
            if rng is not None and rng.low > rng.high:
                yield Diagnostic.at_span(rng.span, code="E105",
                                         message=f"range {rng.low_text} .. {rng.high_text} is empty",
                                         hint="write the lower bound first")
                rng = None
            for t in _group_targets(ind.index.children if ind.index is not None else ()):
                yield from _calendar(t)
            for t in ind.targets:
                yield from _calendar(t)
                v = t.value
                if v.high is not None and v.low > v.high:
                    yield Diagnostic.at_span(v.span, code="E105", message=f"target range {v} is empty",
                                             hint="write the lower bound first")
                if rng is None:
                    continue
                for bound, text in ((v.low, v.low_text), (v.high, v.high_text)):
                    if bound is not None and not rng.low <= bound <= rng.high:
                        kind = "renstra target" if t.renstra else "target"
                        yield Diagnostic.at_span(v.span, code="E105",
                                                 message=f"{kind} {text} for {t.year} is outside the range "
                                                         f"{rng.low_text} .. {rng.high_text} of `{ind.id}`",
                                                 hint="check the scale: a percentage is written 90, an index on a "
                                                      "0..4 scale 3.6")
                        break


def _weight(options: Iterable[ast.Setting]) -> ast.Arg | None:
    """The number of a node's `weight`, when it has one."""
    for option in options:
        if option.key == "weight" and len(option.args) == 1 and option.args[0].is_number:
            return option.args[0]
    return None


def _combine(options: Iterable[ast.Setting]) -> Combine:
    for option in options:
        if option.key == "combine" and option.args:
            return ast.enum_value(Combine, option.args[0].text) or Combine.WEIGHTED_SUM
    return Combine.WEIGHTED_SUM


class Weights(Rule):
    """Weights of a weighted group sum to 100% (E106)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            if ind.index is None:
                continue
            yield from self._group(ind.index, f"index of `{ind.id}`")
            for node in index_nodes(ind.index):
                if isinstance(node, ast.Group):
                    yield from self._group(node, f"group `{node.id}`")
        if self._sasaran_weighted(model):
            yield from self._sasaran_weights(model)

    @staticmethod
    def _sasaran_weighted(model: SymbolTable) -> bool:
        """Whether the policy's (last) `aggregate` weighs the indicators of a sasaran."""
        return any(s.key == "aggregate" and len(s.args) >= 2
                   and ast.enum_value(AggregateMethod, s.args[1].text) is AggregateMethod.WEIGHTED
                   and s.args[0].text == AggregateLevel.SASARAN for s in model.policy.values())

    @staticmethod
    def _sasaran_weights(model: SymbolTable) -> Iterator[Diagnostic]:
        by_sasaran: dict[str, list[ast.Indicator]] = {}
        for ind in model.indicators.values():
            sas = ind.setting("sasaran")
            if sas and sas.args:
                by_sasaran.setdefault(sas.args[0].text, []).append(ind)
        for sid, indicators in by_sasaran.items():
            weights = [(i, i.setting("weight")) for i in indicators]
            missing = [i for i, w in weights if w is None]
            for i in missing:
                yield Diagnostic.at_span(i.id_span, code="E106",
                                         message=f"indicator `{i.id}` has no weight but sasaran `{sid}` is "
                                                 "aggregated weighted",
                                         hint="add `weight …%`")
            values = [w.args[0] for _, w in weights if w is not None and len(w.args) == 1 and w.args[0].is_number]
            if not missing and not any(a.divides_by_zero for a in values):
                total = ast.weight_total(a.number for a in values)
                if total != 1:
                    declared = model.sasaran.get(sid)
                    yield Diagnostic.at_span(declared.span if declared else indicators[0].span, code="E106",
                                             message=f"indicator weights of sasaran `{sid}` sum to "
                                                     f"{ast.percent_text(total)}, not 100%",
                                             hint="adjust the weights or aggregate with `mean`")

    @staticmethod
    def _group(node: ast.Index | ast.Group, what: str) -> Iterator[Diagnostic]:
        if _combine(node.options) is not Combine.WEIGHTED_SUM:
            return
        weights = []
        for child in node.children:
            weight = _weight(child.options)
            if weight is None:
                yield Diagnostic.at_span(child.span, code="E106", message=f"`{child.id}` in the {what} has no weight",
                                         hint="add `weight …%` or combine the group with `combine mean`")
                return
            if weight.divides_by_zero:  # E119 says so; its sum means nothing
                return
            weights.append(weight.number)
        total = ast.weight_total(weights)
        if node.children and total != 1:
            yield Diagnostic.at_span(node.span, code="E106",
                                     message=f"weights in the {what} sum to {ast.percent_text(total)}, not 100%",
                                     hint="write thirds and sixths as fractions, e.g. `weight 1/6`")


class _Interval(NamedTuple):
    band: ast.Band
    low: Decimal | None  # None: no lower bound
    low_closed: bool
    high: Decimal | None  # None: no upper bound
    high_closed: bool


def _interval(band: ast.Band) -> _Interval | Diagnostic:
    """The values a band holds, or why it holds none (E108)."""
    low: Decimal | None = None
    high: Decimal | None = None
    low_closed = high_closed = doubled = False
    for bound in band.bounds:
        if bound.op in (">=", ">"):
            doubled = doubled or low is not None
            low, low_closed = bound.value, bound.op == ">="
        else:
            doubled = doubled or high is not None
            high, high_closed = bound.value, bound.op == "<="
    if doubled:
        return Diagnostic.at_span(band.span, code="E108",
                                  message=f"band \"{band.label}\" has two lower or two upper bounds",
                                  hint="write one lower and one upper bound, e.g. `>= 76 and < 91`")
    if low is not None and high is not None and (low > high or (low == high and not (low_closed and high_closed))):
        return Diagnostic.at_span(band.span, code="E108", message=f"band \"{band.label}\" contains no value")
    return _Interval(band, low, low_closed, high, high_closed)


class BandCoverage(Rule):
    """Band sets are half-open, gap-free and non-overlapping over all values (E107, E108)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for bs in model.bandsets.values():
            intervals: list[_Interval] = []
            for band in bs.bands:
                interval = _interval(band)
                if isinstance(interval, Diagnostic):
                    yield interval
                else:
                    intervals.append(interval)
            if intervals:
                yield from self._coverage(bs, intervals)

    @staticmethod
    def _coverage(bs: ast.BandSet, intervals: list[_Interval]) -> Iterator[Diagnostic]:
        # sorted by lower bound (None = -infinity)
        intervals = sorted(intervals, key=lambda i: (i.low is not None, i.low if i.low is not None else 0,
                                                     not i.low_closed))
        first = intervals[0]
        if first.low is not None:
            yield Diagnostic.at_span(first.band.span, code="E107",
                                     message=f"band set `{bs.id}` has no band for values "
                                             f"{'below' if first.low_closed else 'up to'} {first.low:f}",
                                     hint=f"make the lowest band `< {first.low:f}` or add one")
        for below, above in zip(intervals, intervals[1:], strict=False):
            a, b = below.band, above.band
            if below.high is None or above.low is None:
                yield Diagnostic.at_span(b.span, code="E108", message=f"bands \"{a.label}\" and \"{b.label}\" overlap")
            elif above.low < below.high or (above.low == below.high and below.high_closed and above.low_closed):
                yield Diagnostic.at_span(b.span, code="E108",
                                         message=f"bands \"{a.label}\" and \"{b.label}\" overlap at {above.low:f}",
                                         hint="bands are half-open: `>= 76 and < 91`, then `>= 91`")
            elif above.low > below.high or (not below.high_closed and not above.low_closed):
                gap = f"{below.high:f}" if above.low == below.high else f"{below.high:f} .. {above.low:f}"
                yield Diagnostic.at_span(b.span, code="E107",
                                         message=f"band set `{bs.id}` leaves a gap at {gap} between \"{a.label}\" "
                                                 f"and \"{b.label}\"",
                                         hint=f"start \"{b.label}\" where \"{a.label}\" ends, e.g. `>= {below.high:f}`")
        last = intervals[-1]
        if last.high is not None:
            yield Diagnostic.at_span(last.band.span, code="E107",
                                     message=f"band set `{bs.id}` has no band for values above {last.high:f}",
                                     hint="make the highest band open-ended, e.g. `>= 91`")


class NoCycles(Rule):
    """Indicators may use other indicators, but never in a circle (E109)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        graph = {ind.id: list(model.referenced_indicators(ind)) for ind in model.indicators.values()}
        visiting, done = 1, 2
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()
        for start in graph:
            if state.get(start):
                continue
            stack = [(start, iter(graph[start]))]
            path = [start]
            state[start] = visiting
            while stack:
                node, references = stack[-1]
                ref = next(references, None)
                if ref is None:
                    state[node] = done
                    stack.pop()
                    path.pop()
                    continue
                if state.get(ref.id) == visiting:
                    cycle = path[path.index(ref.id):] + [ref.id]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        yield Diagnostic.at_span(ref.span, code="E109",
                                                 message="circular reference: " + " -> ".join(cycle),
                                                 hint="an indicator cannot depend on itself, directly or through "
                                                      "others")
                elif not state.get(ref.id):
                    state[ref.id] = visiting
                    path.append(ref.id)
                    stack.append((ref.id, iter(graph[ref.id])))


class MeansReadAfterwards(Rule):
    """An indicator that reads a mean (`capaian(SJ1)`, `capaian(overall)`), itself or through the
    indicators it uses, stands outside every mean: with a sasaran it would feed what it reads (E118)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        reads = {ind.id: list(model.referenced_means(ind)) for ind in model.indicators.values()}
        uses = {ind.id: [n.id for n in model.referenced_indicators(ind)] for ind in model.indicators.values()}
        for ind in model.indicators.values():
            sasaran = ind.setting("sasaran")
            if sasaran is None:
                continue
            seen, stack = {ind.id}, [ind.id]
            found: ast.Name | None = None
            while stack and found is None:
                current = stack.pop()
                found = reads[current][0] if reads[current] else None
                for other in uses[current]:
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            if found is not None:
                yield Diagnostic.at_span(sasaran.span, code="E118",
                                         message=f"`{ind.id}` counts in sasaran `{_first_word(sasaran)}` but reads the "
                                                 f"mean `capaian({found.id})`, which is computed from the sasaran's "
                                                 "indicators",
                                         hint="an indicator that reads a mean (a budget efficiency, say) has no "
                                              "sasaran")


def _first_word(setting: ast.Setting) -> str:
    return setting.args[0].text if setting.args else ""


class NihilRisk(Rule):
    """A denominator that can be 0 needs a nihil rule, else 0/0 has no defined result (W110)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        if "nihil" in model.policy:
            return
        for ind in model.indicators.values():
            if ind.setting("nihil") is not None:
                continue
            den = ind.formula("denominator")
            if den is not None and not (isinstance(den.expr, ast.Number) and den.expr.value != 0):
                yield Diagnostic.at_span(den.span, code="W110",
                                         message=f"the denominator of `{ind.id}` can be 0 and no nihil rule is "
                                                 "declared",
                                         severity=Severity.WARNING,
                                         hint="add `nihil achieved` (or excluded, zero, error) to the indicator or "
                                              "the policy")


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_FOLDS = {"min": min, "max": max}


def _folded(node: ast.Expr, operands: list[Fraction]) -> Fraction | None:
    """The exact value of a node whose operands are all known constants; None when it has none."""
    if isinstance(node, ast.Number):
        return Fraction(node.value)
    if isinstance(node, ast.Negate):
        return -operands[0]
    if isinstance(node, ast.Binary):
        left, right = operands
        if node.op == "/":
            return left / right if right else None
        return Fraction(_ARITHMETIC[node.op](left, right))
    if isinstance(node, ast.Compare):
        return Fraction(int(ast.COMPARISONS[node.op](*operands)))
    if isinstance(node, ast.If):
        return operands[1] if operands[0] else operands[2]
    if isinstance(node, ast.Call) and operands:
        if node.function in _FOLDS:
            return _FOLDS[node.function](operands)
        if node.function == "abs":
            return abs(operands[0])
        if node.function == "mean":
            return sum(operands, Fraction(0)) / len(operands)
    return None


def _constants(expr: ast.Expr) -> dict[int, Fraction]:
    """The exact value of every sub-expression that reads no data (`1 - 1`, `12.5%`, `min(2, 3)`),
    by node id; iterative, children before parents. Values that grow past 1000 bits are left
    unknown: only whether a divisor is 0 matters here."""
    values: dict[int, Fraction] = {}
    for node in reversed(list(walk(expr))):
        operands = [values.get(id(c)) for c in ast.children(node)]
        known = [v for v in operands if v is not None]
        if len(known) != len(operands):
            continue
        value = _folded(node, known)
        if value is not None and max(value.numerator.bit_length(), value.denominator.bit_length()) <= 1000:
            values[id(node)] = value
    return values


class ConstantDivisions(Rule):
    """A constant that divides by zero is an error, never a silent 0 (E119): a fraction setting
    (`cap 1/0`, `weight 1/0`) or a division by a divisor that is always 0 (`a / (1 - 1)`)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for _, s in _settings_in(model):
            for a in s.args:
                if a.divides_by_zero:
                    yield Diagnostic.at_span(a.span, code="E119", message=f"`{a.text}` divides by zero",
                                             hint="write the number you mean; a fraction's denominator is never 0")
        for ind in model.indicators.values():
            for expr in indicator_exprs(ind):
                values = _constants(expr)
                for node in walk(expr):
                    if isinstance(node, ast.Binary) and node.op == "/" and values.get(id(node.right)) == 0:
                        yield Diagnostic.at_span(node.right.span, code="E119", message="this divisor is always 0",
                                                 hint="divide by a data field or an indicator, or write the number "
                                                      "you mean")


# C0 and C1 control characters and DEL; a tab is whitespace a label may hold, and a text
# never holds a line break (the grammar ends it there)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|#[^\r\n]*')  # as the grammar's STRING and COMMENT
_CONTROL_NAMES = {"\x00": "a NUL character", "\x0b": "a vertical tab", "\x0c": "a form feed",
                  "\x1b": "an escape character", "\x7f": "a delete character", "\x85": "a next-line character"}


def _visible(line: str) -> str:
    """The line with each control character drawn as one visible mark, so the caret lines up."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < "\x20" else
                        "\u2421" if m.group() == "\x7f" else "\ufffd", line)


class ControlCharacters(Rule):
    """Texts (labels, units, definitions, notes, parties) hold no control character: the terminal
    hides it and a spreadsheet refuses it (E120). The source is read line by line as the lexer
    counts lines (at line feeds only), and only what lies inside a quoted text is looked at."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for f in model.files:
            if not _CONTROL.search(f.source):
                continue
            for number, line in enumerate(source_lines(f.source), start=1):
                if not _CONTROL.search(line):
                    continue
                for token in _STRING_OR_COMMENT.finditer(line):
                    if token.group().startswith("#"):
                        continue
                    for char in _CONTROL.finditer(token.group()):
                        column = token.start() + char.start() + 1
                        what = _CONTROL_NAMES.get(char.group(), "a control character")
                        yield Diagnostic(code="E120", severity=Severity.ERROR,
                                         message=f"this text holds {what} (U+{ord(char.group()):04X}), which tables "
                                                 "and spreadsheets cannot show",
                                         file=f.path, line=number, column=column, end_column=column + 1,
                                         source_line=_visible(line.rstrip("\r")),
                                         hint="delete it; a line break pasted from Word into a label is written "
                                              "as a space")


class NumbersInRange(Rule):
    """Every number a catalog writes is one the engine keeps exactly (E121): at most 18 digits
    before the decimal point and 18 after it, the same rule as for data (`catalog.out_of_range`)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for span, text, value in self._numbers(model):
            why = out_of_range(value)
            if why is not None:
                yield Diagnostic.at_span(span, code="E121", message=f"the number `{shortened(text)}` {why}",
                                         hint="write the number in the indicator's unit (rupiah in full is fine up "
                                              "to 18 digits)" if "before" in why
                                         else "round it to 18 decimal places or fewer")

    @staticmethod
    def _numbers(model: SymbolTable) -> Iterator[tuple[Span, str, Decimal]]:
        """(span, text as written, value) of every number literal in the catalog."""
        for _, s in _settings_in(model):
            for a in s.args:
                if a.kind == "number":
                    yield a.span, a.text, a.number
                elif a.kind == "fraction":
                    for part in a.text.split("/"):
                        yield a.span, part, Decimal(part)
        for ind in model.indicators.values():
            for expr in indicator_exprs(ind):
                for node in walk(expr):
                    if isinstance(node, ast.Number):
                        yield node.span, node.text, node.value
            if ind.range is not None:
                yield ind.range.span, ind.range.low_text, ind.range.low
                yield ind.range.span, ind.range.high_text, ind.range.high
            groups = _group_targets(ind.index.children) if ind.index is not None else ()
            for t in (*ind.targets, *groups):
                yield from _target_numbers(t.value)
        for agr in model.agreements:
            for item in agr.body:
                if isinstance(item, ast.PkTarget):
                    yield from _target_numbers(item.value)
        for bs in model.bandsets.values():
            for band in bs.bands:
                for b in band.bounds:
                    yield b.span, b.text, b.value


def _target_numbers(v: ast.TargetValue) -> Iterator[tuple[Span, str, Decimal]]:
    yield v.span, v.low_text, v.low
    if v.high is not None and v.high_text is not None:
        yield v.span, v.high_text, v.high


class PeriodTargetsAgree(Rule):
    """Period targets follow the indicator's `period_targets` convention and period rule (E122), and
    `target_fallback annual` never meets a sum (W122): `period_targets`, the rule validate-pk's P005 applies."""

    def run(self, model: SymbolTable) -> Iterable[Diagnostic]:
        return period_targets.check_model(model)


RULES: tuple[Rule, ...] = (Duplicates(), KnownSettings(), RepeatedSettings(), KnownNames(), Formulas(),
                           RequiredMetadata(), TargetsInRange(), Weights(), BandCoverage(), NoCycles(),
                           MeansReadAfterwards(), NihilRisk(), ConstantDivisions(), ControlCharacters(),
                           NumbersInRange(), PeriodTargetsAgree())


# the rules that need no other file: what validate-pk runs on a PK kept as a .kin file alone
SELF_CONTAINED: tuple[Rule, ...] = (KnownSettings(), RepeatedSettings(), ConstantDivisions(), ControlCharacters(),
                                    NumbersInRange())


def check(model: SymbolTable, rules: tuple[Rule, ...] = RULES) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        out.extend(rule.run(model))
    return out


def approve(model: SymbolTable, diagnostics: Sequence[Diagnostic]) -> CheckedModel | None:
    """The model as the compiler may take it: only when none of the diagnostics found while reading,
    parsing and checking it (`check`'s among them) is an error."""
    if any(d.is_error for d in diagnostics):
        return None
    return CheckedModel(model)
