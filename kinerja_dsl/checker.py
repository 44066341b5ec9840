"""Checks over a merged catalog: small rules, each returning every finding it sees.

Like dbt's validation rules, a rule never stops at the first problem; the checker
runs all of them and the caller sorts the findings by file and position. The values
of each setting are checked by the per-key table of `setting_checks`. `approve` turns
a symbol table without errors into the `CheckedModel` the compiler takes.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from . import ast, period_targets
from .catalog import MAX_INTEGER_DIGITS, kind_rollup, out_of_range
from .diagnostics import Diagnostic, Severity, Span, did_you_mean, source_lines
from .messages import N_, t, tn
from .model import OVERALL, CheckedModel, SymbolTable, mean_read, scope_selects, under
from .setting_checks import check_setting, shortened
from .vocabulary import (BAND_PRESET_NAMES, CONTEXT_KEYS, DEFAULT_AGGREGATE_SOURCE, FUNCTIONS, PERIOD_LABELS,
                         SETTING_KEYS, AggregateLevel, AggregateMethod, AggregateSource, Combine, FieldKind, Rollup,
                         allowed_values)

walk, index_nodes, indicator_exprs = ast.walk, ast.index_nodes, ast.indicator_exprs


class Rule:
    """A check over the merged catalog; `run` yields every finding."""

    def run(self, model: SymbolTable) -> Iterable[Diagnostic]:
        raise NotImplementedError


def _settings_in(model: SymbolTable) -> Iterator[tuple[str, ast.Setting]]:
    """Every setting of the catalog, with the context it stands in (a key of CONTEXT_KEYS)."""
    for block in model.policy_blocks:
        for s in block.scope:
            yield "scope", s
        for s in block.settings:
            yield ("scoped policy" if block.scope else "policy"), s
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


# where a setting stands, as a sentence names it ("unknown setting `x` in an index")
_CONTEXT_NAMES = {"index": N_("an index"), "group": N_("a group"), "component": N_("a component"),
                  "indicator": N_("an indicator"), "agreement": N_("an agreement"), "policy": N_("a policy"),
                  "sasaran": N_("a sasaran"), "scope": N_("the selectors of a policy"),
                  "scoped policy": N_("a policy for some indicators")}

# the kinds of declaration, as a sentence names them ("field `a` is declared twice")
_KIND_NAMES = {"indicator": N_("indicator"), "sasaran": N_("sasaran"), "field": N_("field"),
               "office": N_("office"), "bands": N_("bands")}


# statements of an indicator that are not settings: a misspelt one (`numerater a`) reads as an
# unknown setting, and the hint should still name the statement meant
_INDICATOR_STATEMENTS = ("numerator", "denominator", "value", "index", "target", "renstra")


class KnownSettings(Rule):
    """Every setting key is allowed where it stands, with valid values (E115, E111)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for context, s in _settings_in(model):
            allowed = CONTEXT_KEYS[context]
            if s.key not in allowed:
                where = t(_CONTEXT_NAMES[context]) if context in _CONTEXT_NAMES else f"a {context}"
                keys = ", ".join(allowed)
                hint = did_you_mean(s.key_text, [*allowed, *(_INDICATOR_STATEMENTS if context == "indicator" else ())])
                if hint is None and s.key in SETTING_KEYS:
                    hint = t("`{key}` belongs elsewhere; {where} takes: {keys}", key=s.key, where=where, keys=keys)
                yield Diagnostic.at_span(s.key_span, code="E115",
                                         message=t("unknown setting `{key}` in {where}", key=s.key_text, where=where),
                                         hint=hint or t("{where} takes: {keys}", where=where, keys=keys))
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
                                             message=t("{what} is stated twice in indicator `{id}`", what=shown,
                                                       id=ind.id),
                                             hint=t("the first is at line {line}; keep one", line=seen[key].line))
                else:
                    seen[key] = s.span
        for block in model.policy_blocks:
            seen = {}
            for setting in block.scope:
                if (setting.key,) in seen:
                    yield Diagnostic.at_span(setting.span, code="E114",
                                             message=t("`{key}` is stated twice in this policy", key=setting.key),
                                             hint=t("the first is at line {line}; keep one",
                                                    line=seen[(setting.key,)].line))
                seen.setdefault((setting.key,), setting.span)
            seen = {}
            for setting in block.settings:
                key = (setting.key, setting.args[0].text) if setting.key == "aggregate" and setting.args \
                    else (setting.key,)
                if key in seen:
                    yield Diagnostic.at_span(setting.span, code="E114",
                                             message=t("`{key}` is stated twice in this policy", key=setting.key),
                                             hint=t("the first is at line {line}; keep one", line=seen[key].line))
                seen.setdefault(key, setting.span)


class PolicyScopes(Rule):
    """The selectors of a scoped policy name what exists (E101) and select an indicator (W140)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for block in model.policy_blocks:
            if not block.scope:
                continue
            for s in block.scope:
                yield from self._names(model, s)
            if not any(scope_selects(block.scope, ind, year=None) for ind in model.indicators.values()):
                yield Diagnostic.at_span(block.scope[0].span, code="W140", severity=Severity.WARNING,
                                         message=t("this policy applies to no indicator of the catalog"),
                                         hint=t("check the selectors: unit, kind, sasaran, office, indicators, year"))

    @staticmethod
    def _names(model: SymbolTable, s: ast.Setting) -> Iterator[Diagnostic]:
        tables: dict[str, Collection[str]] = {"sasaran": model.sasaran, "office": model.offices}
        if s.key in tables:
            for a in s.args:
                if a.text not in tables[s.key]:
                    yield Diagnostic.at_span(a.span, code="E101",
                                             message=t("unknown {kind} `{name}`", kind=s.key, name=a.text),
                                             hint=did_you_mean(a.text, tables[s.key]))
        elif s.key == "indicators":
            for a in s.args:
                if not any(under(i, a.text) for i in model.indicators):
                    yield Diagnostic.at_span(a.span, code="E101",
                                             message=t("no indicator is `{name}` or under it", name=a.text),
                                             hint=did_you_mean(a.text, model.indicators)
                                             or t("`indicators BUDGET` selects BUDGET and every BUDGET.… indicator"))


class Duplicates(Rule):
    """Ids are unique per kind across all loaded files (E102)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for kind, ident, first, second in model.duplicates:
            where = t("line {line}", line=first.line) if first.file == second.file else f"{first.file}:{first.line}"
            kind_name = t(_KIND_NAMES[kind]) if kind in _KIND_NAMES else kind
            yield Diagnostic.at_span(second, code="E102",
                                     message=t("{kind} `{id}` is declared twice", kind=kind_name, id=ident),
                                     hint=t("first declared at {where}; rename one or remove it", where=where))


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
                yield Diagnostic.at_span(office.parent_span, code="E101",
                                         message=t("unknown office `{name}`", name=office.parent),
                                         hint=did_you_mean(office.parent, model.offices))
        for s in model.policy.values():
            yield from self._reference(model, s)
        for f in model.fields.values():
            if f.kind is not None and ast.enum_value(FieldKind, f.kind) is None:
                yield Diagnostic.at_span(f.kind_span, code="E111",
                                         message=t("`{kind}` is not a kind of field", kind=f.kind),
                                         hint=did_you_mean(f.kind, allowed_values("field_kind"))
                                         or t("use one of: {names}", names=", ".join(allowed_values("field_kind"))))
            if f.rollup is not None and ast.enum_value(Rollup, f.rollup) in (None, Rollup.BY_KIND):
                rules = [r for r in allowed_values("rollup") if r != Rollup.BY_KIND]
                yield Diagnostic.at_span(f.rollup_span, code="E111",
                                         message=t("`{rule}` is not a roll-up rule of a field", rule=f.rollup),
                                         hint=did_you_mean(f.rollup, rules)
                                         or t("use one of: {names} (a field without one follows its kind: counts "
                                              "and amounts sum, other kinds average)", names=", ".join(rules)))
        for agr in model.agreements:
            for item in agr.body:
                if isinstance(item, ast.Setting):
                    yield from self._reference(model, item)
                elif item.indicator not in model.indicators:  # the caret under the id, as for a formula's name
                    yield Diagnostic.at_span(item.indicator_span or item.span, code="E101",
                                             message=t("unknown indicator `{name}`", name=item.indicator),
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
            yield Diagnostic.at_span(s.args[0].span, code="E101", message=t("unknown band set `{name}`", name=name),
                                     hint=did_you_mean(name, list(model.bandsets) + list(BAND_PRESET_NAMES))
                                     or t("declare it with `{declaration}` or use {names}",
                                          declaration="bands " + name + " { … }",
                                          names=", ".join(BAND_PRESET_NAMES)))
            return
        if s.key == "budget_of":  # whose budget a serapan line is: a sasaran's, or one indicator's
            if name not in model.sasaran and name not in model.indicators:
                yield Diagnostic.at_span(s.args[0].span, code="E101",
                                         message=t("unknown sasaran or indicator `{name}`", name=name),
                                         hint=did_you_mean(name, list(model.sasaran) + list(model.indicators))
                                         or t("`budget_of` names the sasaran or the indicator the budget funds"))
            return
        table: dict[str, ast.Office] | dict[str, ast.Sasaran] = model.offices if s.key == "office" else model.sasaran
        kind = "office" if s.key == "office" else "sasaran"
        if name not in table:
            message = t("unknown office `{name}`", name=name) if kind == "office" \
                else t("unknown sasaran `{name}`", name=name)
            yield Diagnostic.at_span(s.args[0].span, code="E101", message=message,
                                     hint=did_you_mean(name, table)
                                     or t("declare it with `{declaration}`", declaration=f"{kind} {name} \"…\""))

    @staticmethod
    def _expression(expr: ast.Expr, values: set[str], model: SymbolTable) -> Iterator[Diagnostic]:
        means = {id(arg) for arg in map(mean_read, walk(expr)) if arg is not None and model.is_mean(arg.id)}
        for node in walk(expr):
            if isinstance(node, ast.Name) and node.id not in values and id(node) not in means:
                yield Diagnostic.at_span(node.span, code="E101", message=t("unknown name `{name}`", name=node.id),
                                         hint=did_you_mean(node.id, values)
                                         or t("declare the data field with `{declaration}`",
                                              declaration=f"field {node.id} \"…\" count"))
            elif isinstance(node, ast.Call):
                yield from _call(node, model)


def _call(node: ast.Call, model: SymbolTable) -> Iterator[Diagnostic]:
    """A function that exists, with the arguments it takes (E101, E116)."""
    arity = FUNCTIONS.get(node.function)
    if arity is None:
        yield Diagnostic.at_span(node.span, code="E101", message=t("unknown function `{name}`", name=node.function),
                                 hint=did_you_mean(node.function, FUNCTIONS)
                                 or t("functions: {names}", names=", ".join(FUNCTIONS)))
        return
    low, high = arity
    found = len(node.args)
    first = node.args[0] if node.args else None
    if found < low or (high is not None and found > high):
        if low == high:
            message = tn("`{function}` takes {n} argument, found {found}",
                         "`{function}` takes {n} arguments, found {found}", low, function=node.function, found=found)
        elif high is None:
            message = t("`{function}` takes at least {low} arguments, found {found}", function=node.function,
                        low=low, found=found)
        else:
            message = t("`{function}` takes {low} to {high} arguments, found {found}", function=node.function,
                        low=low, high=high, found=found)
        yield Diagnostic.at_span(node.span, code="E116", message=message)
    elif node.function == "capaian" and first is not None and not (
            isinstance(first, ast.Name) and (first.id in model.indicators or model.is_mean(first.id))):
        known = list(model.indicators) + list(model.sasaran) + list(model.offices) + [OVERALL]
        name = first.id if isinstance(first, ast.Name) else ""
        yield Diagnostic.at_span(first.span, code="E116",
                                 message=t("`capaian` takes the id of an indicator, a sasaran or an office, "
                                           "or `overall`"),
                                 hint=did_you_mean(name, known) if name and did_you_mean(name, known)
                                 else t("e.g. `value capaian(SJ1) - BUDGET.SJ1.serapan`"))
    elif node.function in READINGS and first is not None and not (
            (isinstance(first, ast.Name) and first.id in model.indicators)
            or (isinstance(first, ast.Call) and first.function == "capaian")):
        yield Diagnostic.at_span(first.span, code="E116",
                                 message=t("`{function}` takes an indicator or `capaian(X)`, not `{found}`",
                                           function=node.function, found=ast.expression(first)),
                                 hint=t("e.g. `{function}(BUDGET.smart)`, the realisasi of another indicator, or "
                                        "`{function}(capaian(SJ1))`", function=node.function))
    elif node.function in EARLIER and first is not None:
        if not isinstance(first, ast.Name) or first.id not in model.fields:
            yield Diagnostic.at_span(first.span, code="E116", hint=t(EARLIER[node.function][1]),
                                     message=t("`{function}` takes the name of a data field",
                                               function=node.function))
        if found == 2:
            yield from _prev_count(node.function, node.args[1])


READINGS = ("rounded", "exact")  # how another indicator's realisasi or a capaian is read


# The functions that read earlier periods: (most periods back, the example a hint gives).
EARLIER = {
    "prev": (10, N_("e.g. `prev(pnbp)`, the same period a year earlier, or `prev(pnbp, 3)` for the mean of "
                    "the same period in the 3 years before")),
    "prev_period": (120, N_("e.g. `prev_period(pnbp)`, the period just before (TW2 for TW3), or "
                            "`prev_period(pnbp, 4)` for the mean of the 4 periods before")),
}


def _prev_count(function: str, arg: ast.Expr) -> Iterator[Diagnostic]:
    """`prev(x, N)` reads N earlier years (1 to 10), `prev_period(x, N)` N earlier periods of
    the same kind (1 to 120, ten years of months) (E116)."""
    most, example = EARLIER[function]
    years = function == "prev"
    if not (isinstance(arg, ast.Number) and arg.value == arg.value.to_integral_value()):
        message = t("the second argument of `{function}` is a whole number of years", function=function) if years \
            else t("the second argument of `{function}` is a whole number of periods", function=function)
        yield Diagnostic.at_span(arg.span, code="E116", message=message, hint=t(example))
    elif not 1 <= arg.value <= most:
        values = {"function": function, "most": most, "found": shortened(arg.text)}
        message = t("`{function}` reads 1 to {most} earlier years, not {found}", **values) if years \
            else t("`{function}` reads 1 to {most} earlier periods, not {found}", **values)
        yield Diagnostic.at_span(arg.span, code="E116", message=message, hint=t(example))


class Formulas(Rule):
    """An indicator has numerator+denominator, a value, or an index (E113)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            num, den, val, idx = (ind.formula("numerator"), ind.formula("denominator"),
                                  ind.formula("value"), ind.index)
            where = ind.id_span or ind.span
            if num and not den:
                yield Diagnostic.at_span(num.span, code="E113",
                                         message=t("indicator `{id}` has a numerator but no denominator", id=ind.id),
                                         hint=t("add `denominator …`, or write `value …` for a single expression"))
            elif den and not num:
                yield Diagnostic.at_span(den.span, code="E113",
                                         message=t("indicator `{id}` has a denominator but no numerator", id=ind.id),
                                         hint=t("add `numerator …`"))
            formulas = [x for x in (num or den, val, idx) if x]
            if not formulas:
                yield Diagnostic.at_span(where, code="E113", message=t("indicator `{id}` has no formula", id=ind.id),
                                         hint=t("give `numerator` and `denominator`, a `value`, or an `index` block"))
            elif len(formulas) > 1:
                yield Diagnostic.at_span(formulas[1].span, code="E113",
                                         message=t("indicator `{id}` has more than one formula", id=ind.id),
                                         hint=t("use either numerator/denominator, value, or index"))


class RequiredMetadata(Rule):
    """Each indicator says which way is better and in what unit (E103, E104)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for ind in model.indicators.values():
            where = ind.id_span or ind.span
            if ind.setting("direction") is None:
                yield Diagnostic.at_span(where, code="E103", message=t("indicator `{id}` has no direction", id=ind.id),
                                         hint=t("add `direction higher` (or lower, stabilize)"))
            if ind.setting("unit") is None:
                yield Diagnostic.at_span(where, code="E104", message=t("indicator `{id}` has no unit", id=ind.id),
                                         hint=t('add `unit "%"` (or indeks, orang, dokumen, …)'))


def _calendar(target: ast.Target) -> Iterator[Diagnostic]:
    """A target's year has four digits and its period is one the calendar knows (E117)."""
    if not (target.year_text.isdigit() and len(target.year_text) == 4):
        yield Diagnostic.at_span(target.span, code="E117",
                                 message=t("`{year}` is not a year", year=shortened(target.year_text)),
                                 hint=t("write the year with four digits, e.g. `target 2024 = 90`"))
    if target.period is not None and target.period not in PERIOD_LABELS:
        yield Diagnostic.at_span(target.span, code="E117", message=t("unknown period `{period}`", period=target.period),
                                 hint=did_you_mean(target.period, PERIOD_LABELS) or t("use TW1–TW4, S1–S2 or B01–B12"))


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
                for t_ in ind.targets:
                    if t_.value.low_text.endswith("%") or (t_.value.high_text or "").endswith("%"):
                        yield Diagnostic.at_span(t_.value.span, code="W119",
                                                 message=t("target {target} of `{id}` is written as a percentage, "
                                                           "but the indicator is measured in {unit}",
                                                           target=t_.value, id=ind.id, unit=unit_text),
                                                 severity=Severity.WARNING,
                                                 hint=t("write the target in {unit} (an index on 0..4: 3.6), "
                                                        "or declare `unit \"%\"`", unit=unit_text))
            rng = ind.range
            if rng is not None and rng.low > rng.high:
                yield Diagnostic.at_span(rng.span, code="E105",
                                         message=t("range {low} .. {high} is empty", low=rng.low_text,
                                                   high=rng.high_text),
                                         hint=t("write the lower bound first"))
                rng = None
            for group_target in _group_targets(ind.index.children if ind.index is not None else ()):
                yield from _calendar(group_target)
            for target in ind.targets:
                yield from _calendar(target)
                v = target.value
                if v.high is not None and v.low > v.high:
                    yield Diagnostic.at_span(v.span, code="E105", message=t("target range {target} is empty", target=v),
                                             hint=t("write the lower bound first"))
                if rng is None:
                    continue
                for bound, text in ((v.low, v.low_text), (v.high, v.high_text)):
                    if bound is not None and not rng.low <= bound <= rng.high:
                        values = {"value": text, "year": target.year, "low": rng.low_text, "high": rng.high_text,
                                  "id": ind.id}
                        message = t("renstra target {value} for {year} is outside the range {low} .. {high} "
                                    "of `{id}`", **values) if target.renstra \
                            else t("target {value} for {year} is outside the range {low} .. {high} of `{id}`",
                                   **values)
                        yield Diagnostic.at_span(v.span, code="E105", message=message,
                                                 hint=t("check the scale: a percentage is written 90, an index on a "
                                                        "0..4 scale 3.6"))
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
            yield from self._group(ind.index, t("index of `{id}`", id=ind.id))
            for node in index_nodes(ind.index):
                if isinstance(node, ast.Group):
                    yield from self._group(node, t("group `{id}`", id=node.id))
        if self._sasaran_weighted(model):
            yield from self._sasaran_weights(model)

    @staticmethod
    def _sasaran_weighted(model: SymbolTable) -> bool:
        """Whether the policy's (last) `aggregate` weighs the indicators of a sasaran."""
        s = model.aggregate_settings().get(AggregateLevel.SASARAN)
        return (s is not None and len(s.args) >= 2
                and ast.enum_value(AggregateMethod, s.args[1].text) is AggregateMethod.WEIGHTED)

    @staticmethod
    def _sasaran_weights(model: SymbolTable) -> Iterator[Diagnostic]:
        by_sasaran: dict[str, list[ast.Indicator]] = {}
        for ind in model.indicators.values():
            if ind.sasaran_id is not None:
                by_sasaran.setdefault(ind.sasaran_id, []).append(ind)
        for sid, indicators in by_sasaran.items():
            weights = [(i, i.setting("weight")) for i in indicators]
            missing = [i for i, w in weights if w is None]
            for i in missing:
                yield Diagnostic.at_span(i.id_span, code="E106",
                                         message=t("indicator `{id}` has no weight but sasaran `{sasaran}` is "
                                                   "aggregated weighted", id=i.id, sasaran=sid),
                                         hint=t("add `weight …%`"))
            values = [w.args[0] for _, w in weights if w is not None and len(w.args) == 1 and w.args[0].is_number]
            if not missing and not any(a.divides_by_zero for a in values):
                total = ast.weight_total(a.number for a in values)
                if total != 1:
                    declared = model.sasaran.get(sid)
                    yield Diagnostic.at_span(declared.span if declared else indicators[0].span, code="E106",
                                             message=t("indicator weights of sasaran `{sasaran}` sum to {total}, "
                                                       "not 100%", sasaran=sid, total=ast.percent_text(total)),
                                             hint=t("adjust the weights or aggregate with `mean`"))

    @staticmethod
    def _group(node: ast.Index | ast.Group, what: str) -> Iterator[Diagnostic]:
        if _combine(node.options) is not Combine.WEIGHTED_SUM:
            return
        weights = []
        for child in node.children:
            weight = _weight(child.options)
            if weight is None:
                yield Diagnostic.at_span(child.span, code="E106",
                                         message=t("`{id}` in the {what} has no weight", id=child.id, what=what),
                                         hint=t("add `weight …%` or combine the group with `combine mean`"))
                return
            if weight.divides_by_zero:  # E119 says so; its sum means nothing
                return
            weights.append(weight.number)
        total = ast.weight_total(weights)
        if node.children and total != 1:
            yield Diagnostic.at_span(node.span, code="E106",
                                     message=t("weights in the {what} sum to {total}, not 100%", what=what,
                                               total=ast.percent_text(total)),
                                     hint=t("write thirds and sixths as fractions, e.g. `weight 1/6`"))


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
                                  message=t("band \"{label}\" has two lower or two upper bounds", label=band.label),
                                  hint=t("write one lower and one upper bound, e.g. `>= 76 and < 91`"))
    if low is not None and high is not None and (low > high or (low == high and not (low_closed and high_closed))):
        return Diagnostic.at_span(band.span, code="E108",
                                  message=t("band \"{label}\" contains no value", label=band.label))
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
                                     message=t("band set `{id}` has no band for values below {value}", id=bs.id,
                                               value=f"{first.low:f}") if first.low_closed
                                     else t("band set `{id}` has no band for values up to {value}", id=bs.id,
                                            value=f"{first.low:f}"),
                                     hint=t("make the lowest band `< {value}` or add one", value=f"{first.low:f}"))
        for below, above in zip(intervals, intervals[1:], strict=False):
            a, b = below.band, above.band
            if below.high is None or above.low is None:
                yield Diagnostic.at_span(b.span, code="E108",
                                         message=t("bands \"{first}\" and \"{second}\" overlap", first=a.label,
                                                   second=b.label))
            elif above.low < below.high or (above.low == below.high and below.high_closed and above.low_closed):
                yield Diagnostic.at_span(b.span, code="E108",
                                         message=t("bands \"{first}\" and \"{second}\" overlap at {value}",
                                                   first=a.label, second=b.label, value=f"{above.low:f}"),
                                         hint=t("bands are half-open: `>= 76 and < 91`, then `>= 91`"))
            elif above.low > below.high or (not below.high_closed and not above.low_closed):
                gap = f"{below.high:f}" if above.low == below.high else f"{below.high:f} .. {above.low:f}"
                yield Diagnostic.at_span(b.span, code="E107",
                                         message=t("band set `{id}` leaves a gap at {gap} between \"{first}\" "
                                                   "and \"{second}\"", id=bs.id, gap=gap, first=a.label,
                                                   second=b.label),
                                         hint=t("start \"{second}\" where \"{first}\" ends, e.g. `>= {value}`",
                                                first=a.label, second=b.label, value=f"{below.high:f}"))
        last = intervals[-1]
        if last.high is not None:
            yield Diagnostic.at_span(last.band.span, code="E107",
                                     message=t("band set `{id}` has no band for values above {value}", id=bs.id,
                                               value=f"{last.high:f}"),
                                     hint=t("make the highest band open-ended, e.g. `>= 91`"))


def circles(graph: dict[str, list[ast.Name]]) -> Iterator[tuple[ast.Name, list[str]]]:
    """Each circle of a graph of names once (a depth-first walk): the name that closes it and the
    ids around it. Indicators that use each other (E109) and totals of totals (E126) share it."""
    visiting, done = 1, 2
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    for start in graph:
        if state.get(start):
            continue
        state[start] = visiting
        stack = [(start, iter(graph[start]))]
        path = [start]
        while stack:
            node, names = stack[-1]
            name = next(names, None)
            if name is None:
                state[node] = done
                stack.pop()
                path.pop()
            elif state.get(name.id) == visiting:
                cycle = path[path.index(name.id):] + [name.id]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield name, cycle
            elif not state.get(name.id) and name.id in graph:
                state[name.id] = visiting
                path.append(name.id)
                stack.append((name.id, iter(graph[name.id])))


class NoCycles(Rule):
    """Indicators may use other indicators, but never in a circle (E109)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        graph = {ind.id: list(model.referenced_indicators(ind)) for ind in model.indicators.values()}
        for ref, cycle in circles(graph):
            yield Diagnostic.at_span(ref.span, code="E109",
                                     message=t("circular reference: {cycle}", cycle=" -> ".join(cycle)),
                                     hint=t("an indicator cannot depend on itself, directly or through others"))


class Totals(Rule):
    """A declared total (`field t "…" count = a + b`) is a sum of other data fields (E124, E101),
    each named once and never itself (E125), of the total's kind and roll-up rule (E127), with no
    total among its own parts through others (E126). The same kind and rule make the total of a
    year rolled up from quarterly totals the sum of the parts' years: nothing counted twice."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        graph: dict[str, list[ast.Name]] = {}
        for f in model.fields.values():
            if f.total is None:
                continue
            graph[f.id] = []
            seen: set[str] = set()
            for part in ast.summands(f.total):
                if not isinstance(part, ast.Name) or part.id in model.indicators and part.id not in model.fields:
                    yield Diagnostic.at_span(part.span, code="E124", message=t(
                        "the total `{total}` adds data fields, and `{part}` is not one", total=f.id,
                        part=shortened(ast.expression(part))),
                        hint=t("write the parts as `a + b + c`; a value computed otherwise is an indicator's "
                               "`value`"))
                elif part.id not in model.fields:
                    yield Diagnostic.at_span(part.span, code="E101", message=t("unknown data field `{name}`",
                                                                                 name=part.id),
                                             hint=did_you_mean(part.id, model.fields)
                                             or t("declare the data field with `{declaration}`",
                                                  declaration=f"field {part.id} \"…\" count"))
                elif part.id == f.id:
                    yield Diagnostic.at_span(part.span, code="E125", message=t(
                        "`{total}` is a part of its own total", total=f.id),
                        hint=t("a total adds other fields: take `{part}` out of the sum", part=part.id))
                elif part.id in seen:
                    yield Diagnostic.at_span(part.span, code="E125", message=t(
                        "`{part}` is counted twice in the total `{total}`", part=part.id, total=f.id),
                        hint=t("name each part once"))
                else:
                    seen.add(part.id)
                    graph[f.id].append(part)
                    yield from _part_like_total(f, model.fields[part.id], part)
        yield from _total_cycles(graph)


def _field_rule(f: ast.FieldDecl) -> tuple[str, str] | None:
    """A field's kind and roll-up rule over periods, as the compiler reads them (by kind when it
    declares none); None when either word is not one (E111 says so)."""
    kind = ast.enum_value(FieldKind, f.kind) if f.kind else FieldKind.NUMBER
    rule = ast.enum_value(Rollup, f.rollup) if f.rollup else None
    if kind is None or (f.rollup and rule is None):
        return None
    return str(kind), str(rule or kind_rollup(kind))


def _part_like_total(total: ast.FieldDecl, part: ast.FieldDecl, name: ast.Name) -> Iterator[Diagnostic]:
    """E127: a part of another kind or roll-up rule than its total."""
    mine, theirs = _field_rule(total), _field_rule(part)
    if mine is None or theirs is None or mine == theirs:
        return
    yield Diagnostic.at_span(name.span, code="E127", message=t(
        "`{part}` is `{part_kind}` rolled up by `{part_rule}`, its total `{total}` is `{kind}` rolled up by `{rule}`",
        part=part.id, part_kind=theirs[0], part_rule=theirs[1], total=total.id, kind=mine[0], rule=mine[1]),
        hint=t("the parts of a total are of its kind and roll up as it does, so that a year's total is the sum "
               "of the parts' years; declare `{part}` like `{total}`, or leave it out of the sum",
               part=part.id, total=total.id))


def _total_cycles(graph: dict[str, list[ast.Name]]) -> Iterator[Diagnostic]:
    """E126: a total that is among its own parts through other totals (`a = b + c`, `b = a + d`)."""
    for part, cycle in circles(graph):
        yield Diagnostic.at_span(part.span, code="E126", message=t("totals in a circle: {cycle}",
                                                                   cycle=" -> ".join(cycle)),
                                 hint=t("a total cannot be a part of itself through other totals; the rows of a "
                                        "table add up to its total, never the other way round"))


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
                                         message=t("`{id}` counts in sasaran `{sasaran}` but reads the mean "
                                                   "`capaian({mean})`, which is computed from the sasaran's "
                                                   "indicators", id=ind.id, sasaran=_first_word(sasaran),
                                                   mean=found.id),
                                         hint=t("an indicator that reads a mean (a budget efficiency, say) has no "
                                                "sasaran"))


_LEVEL_NAMES = {AggregateLevel.SASARAN: N_("sasaran capaian"), AggregateLevel.OFFICE: N_("satker capaian"),
                AggregateLevel.OVERALL: N_("overall capaian")}


class LevelsSwitchedOff(Rule):
    """A level switched off (`aggregate sasaran none`) is read by nothing: not by the mean of a level
    above it, declared or by default, and not by `capaian(X)` (E123)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        declared = model.aggregate_settings()
        off = {level: s for level, s in declared.items()
               if len(s.args) >= 2 and ast.enum_value(AggregateMethod, s.args[1].text) is AggregateMethod.NONE}
        if not off:
            return
        for level in (AggregateLevel.OFFICE, AggregateLevel.OVERALL):
            own = declared.get(level)
            if level in off:
                continue
            words = [a for a in own.args[2:] if a.text != "rounded"] if own is not None else []
            source = ast.enum_value(AggregateSource, words[0].text) if words else DEFAULT_AGGREGATE_SOURCE[level]
            if source is None or source.value not in off:
                continue
            reads = off[source.value]
            if own is None:  # the default reads the level: say so where the level is switched off
                yield Diagnostic.at_span(
                    reads.span, code="E123",
                    message=t("the {level} is the mean of {source} by default, and this switches {source} off",
                              level=t(_LEVEL_NAMES[level]), source=source.value),
                    hint=t("declare what the {level} is: `{off}`, or `{other}`", level=t(_LEVEL_NAMES[level]),
                           off=f"aggregate {level.value} none", other=f"aggregate {level.value} mean indicators"))
            else:
                yield Diagnostic.at_span(
                    own.span, code="E123",
                    message=t("the {level} is a mean of {source}, which `{setting}` (line {line}) switches off",
                              level=t(_LEVEL_NAMES[level]), source=source.value,
                              setting=f"aggregate {reads.args[0].text} {reads.args[1].text}", line=reads.span.line),
                    hint=t("take the mean of the indicators (`{other}`), or switch this level off too (`{off}`)",
                           other=f"aggregate {level.value} {own.args[1].text} indicators",
                           off=f"aggregate {level.value} none"))
        kinds = ((AggregateLevel.SASARAN, model.sasaran), (AggregateLevel.OFFICE, model.offices))
        for ind in model.indicators.values():
            for name in model.referenced_means(ind):
                level = next((lv for lv, ids in kinds if name.id in ids), AggregateLevel.OVERALL)
                if level in off:
                    yield Diagnostic.at_span(
                        name.span, code="E123",
                        message=t("`capaian({id})` reads a {level}, which `{setting}` (line {line}) switches off",
                                  id=name.id, level=t(_LEVEL_NAMES[level]),
                                  setting=f"aggregate {off[level].args[0].text} {off[level].args[1].text}",
                                  line=off[level].span.line),
                        hint=t("read the indicators themselves, or compute the {level} (`{example}`)",
                               level=t(_LEVEL_NAMES[level]), example=f"aggregate {level.value} mean"))


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
                                         message=t("the denominator of `{id}` can be 0 and no nihil rule is "
                                                   "declared", id=ind.id),
                                         severity=Severity.WARNING,
                                         hint=t("add `nihil achieved` (or excluded, zero, error) to the indicator or "
                                                "the policy"))


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
                    yield Diagnostic.at_span(a.span, code="E119",
                                             message=t("`{number}` divides by zero", number=a.text),
                                             hint=t("write the number you mean; a fraction's denominator is never 0"))
        for ind in model.indicators.values():
            for expr in indicator_exprs(ind):
                values = _constants(expr)
                for node in walk(expr):
                    if isinstance(node, ast.Binary) and node.op == "/" and values.get(id(node.right)) == 0:
                        yield Diagnostic.at_span(node.right.span, code="E119", message=t("this divisor is always 0"),
                                                 hint=t("divide by a data field or an indicator, or write the number "
                                                        "you mean"))


# C0 and C1 control characters and DEL; a tab is whitespace a label may hold, and a text
# never holds a line break (the grammar ends it there)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|#[^\r\n]*')  # as the grammar's STRING and COMMENT
_CONTROL_NAMES = {"\x00": N_("a NUL character"), "\x0b": N_("a vertical tab"), "\x0c": N_("a form feed"),
                  "\x1b": N_("an escape character"), "\x7f": N_("a delete character"),
                  "\x85": N_("a next-line character")}


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
                        what = t(_CONTROL_NAMES.get(char.group(), N_("a control character")))
                        yield Diagnostic(code="E120", severity=Severity.ERROR,
                                         message=t("this text holds {what} ({codepoint}), which tables and "
                                                   "spreadsheets cannot show", what=what,
                                                   codepoint=f"U+{ord(char.group()):04X}"),
                                         file=f.path, line=number, column=column, end_column=column + 1,
                                         source_line=_visible(line.rstrip("\r")),
                                         hint=t("delete it; a line break pasted from Word into a label is written "
                                                "as a space"))


class NumbersInRange(Rule):
    """Every number a catalog writes is one the engine keeps exactly (E121): at most 18 digits
    before the decimal point and 18 after it, the same rule as for data (`catalog.out_of_range`)."""

    def run(self, model: SymbolTable) -> Iterator[Diagnostic]:
        for span, text, value in self._numbers(model):
            why = out_of_range(value)
            if why is not None:
                yield Diagnostic.at_span(span, code="E121",
                                         message=t("the number `{number}` {why}", number=shortened(text), why=why),
                                         hint=t("write the number in the indicator's unit (rupiah in full is fine up "
                                                "to 18 digits)") if _integer_part_too_long(value)
                                         else t("round it to 18 decimal places or fewer"))

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
            for target in (*ind.targets, *groups):
                yield from _target_numbers(target.value)
        for agr in model.agreements:
            for item in agr.body:
                if isinstance(item, ast.PkTarget):
                    yield from _target_numbers(item.value)
        for bs in model.bandsets.values():
            for band in bs.bands:
                for b in band.bounds:
                    yield b.span, b.text, b.value


def _integer_part_too_long(value: Decimal) -> bool:
    """Whether a number has more digits before the point than are kept (the E121 hint differs)."""
    return value.is_finite() and not value.is_zero() and value.adjusted() >= MAX_INTEGER_DIGITS


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
                           Totals(), MeansReadAfterwards(), LevelsSwitchedOff(), PolicyScopes(), NihilRisk(),
                           ConstantDivisions(), ControlCharacters(), NumbersInRange(), PeriodTargetsAgree())


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
