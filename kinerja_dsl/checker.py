"""Checks over a merged catalog: small rules, each returning every finding it sees.

Like dbt's validation rules, a rule never stops at the first problem; the checker
runs all of them and the caller sorts the findings by file and position.
"""
from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Iterator

from . import ast
from .catalog import out_of_range
from .diagnostics import WARNING, Diagnostic, at, did_you_mean, source_lines
from .model import Model
from .vocabulary import (BAND_PRESET_NAMES, CONTEXT_KEYS, FUNCTIONS, PERIOD_LABELS, SETTING_KEYS,
                         allowed_values, canonical_value)

walk, index_nodes, indicator_exprs = ast.walk, ast.index_nodes, ast.indicator_exprs


def referenced_indicators(ind: ast.Indicator, model: Model) -> Iterator[ast.Name]:
    for expr in indicator_exprs(ind):
        for node in walk(expr):
            if isinstance(node, ast.Name) and node.id in model.indicators:
                yield node


OVERALL = "overall"  # `capaian(overall)`: the office's overall capaian


def _is_mean(name: str, model: Model) -> bool:
    """Whether `capaian(name)` reads a mean (a sasaran, an office, `overall`), not an indicator."""
    return name not in model.indicators and (name in model.sasaran or name in model.offices or name == OVERALL)


def _mean_read(node) -> ast.Name | None:
    """The argument of a `capaian(X)` call, when the node is one (X may be anything)."""
    if isinstance(node, ast.Call) and node.function == "capaian" and node.args and isinstance(node.args[0], ast.Name):
        return node.args[0]
    return None


def referenced_aggregates(ind: ast.Indicator, model: Model) -> Iterator[ast.Name]:
    """`capaian(X)` where X is a sasaran, an office or `overall`: a mean the engine computes
    after the indicators, so the indicator that reads it is evaluated after the means."""
    for expr in indicator_exprs(ind):
        for node in walk(expr):
            arg = _mean_read(node)
            if arg is not None and _is_mean(arg.id, model):
                yield arg


# ---- settings ---------------------------------------------------------------------

def _enum(setting: ast.Setting, kind: str, arg: ast.Arg) -> Diagnostic | None:
    if arg.kind == "name" and canonical_value(kind, arg.text) is not None:
        return None
    values = allowed_values(kind)
    return at(arg.span, "E111", f"`{arg.text}` is not a value of `{setting.key}`",
              hint=did_you_mean(arg.text, values) or "use one of: " + ", ".join(f"`{v}`" for v in values))


def _number(setting: ast.Setting, arg: ast.Arg, *, none_ok=False, positive=False, integer=False) -> Diagnostic | None:
    if none_ok and arg.kind == "name" and arg.text == "none":
        return None
    if arg.kind in ("number", "fraction"):
        if arg.divides_by_zero:  # E119 says so; its placeholder value says nothing
            return None
        if positive and arg.value <= 0:
            return at(arg.span, "E111", f"`{setting.key}` must be greater than 0")
        if integer and arg.value != arg.value.to_integral_value():
            return at(arg.span, "E111", f"`{setting.key}` takes a whole number, not `{_short(arg.text)}`")
        return None
    expected = "a number or `none`" if none_ok else "a number"
    return at(arg.span, "E111", f"`{setting.key}` takes {expected}, not `{_short(arg.text)}`")


def _arity(setting: ast.Setting, low: int, high: int) -> Diagnostic | None:
    n = len(setting.args)
    if low <= n <= high:
        return None
    want = str(low) if low == high else f"{low} to {high}"
    span = setting.args[high].span if n > high else setting.span
    return at(span, "E111", f"`{setting.key}` takes {want} value{'s' if high != 1 else ''}, found {n}")


def check_setting(setting: ast.Setting) -> list[Diagnostic]:
    """Validate one known setting's values."""
    key, args = setting.key, setting.args
    out: list[Diagnostic | None] = []
    if key in ("direction", "nihil", "rollup", "lower_formula", "combine", "unreported"):
        out.append(_arity(setting, 1, 1))
        if len(args) == 1:
            out.append(_enum(setting, key, args[0]))
    elif key in ("cap", "floor"):
        out.append(_arity(setting, 1, 1))
        if len(args) == 1:
            out.append(_number(setting, args[0], none_ok=True))
    elif key in ("scale", "max"):
        out.append(_arity(setting, 1, 1))
        if len(args) == 1:
            out.append(_number(setting, args[0], positive=True))
    elif key == "weight":
        out.append(_arity(setting, 1, 1))
        if len(args) == 1:
            out.append(_number(setting, args[0]))
    elif key == "year":
        out.append(_arity(setting, 1, 1))
        if len(args) == 1:
            out.append(_number(setting, args[0], integer=True))
    elif key in ("round", "round_realisasi"):
        out.append(_arity(setting, 1, 2))
        if args:
            out.append(_enum(setting, "round_mode", args[0]))
            mode = canonical_value("round_mode", args[0].text)
            if mode in ("half_up", "truncate"):
                if len(args) != 2:
                    out.append(at(setting.span, "E111", f"`{setting.key} {args[0].text}` needs the number of decimal places",
                                  hint=f"e.g. `{setting.key} {args[0].text} 2`"))
                else:
                    problem = _number(setting, args[1], integer=True)
                    if problem is None and not 0 <= args[1].value <= MAX_PLACES:
                        problem = at(args[1].span, "E111", f"`{setting.key}` rounds to 0 to {MAX_PLACES} decimal "
                                     f"places, not {_short(args[1].text)}", hint="reports print 0 to 3 decimals")
                    out.append(problem)
            elif mode == "none" and len(args) == 2:
                out.append(at(args[1].span, "E111", f"`{setting.key} none` takes no decimal places"))
    elif key == "aggregate":
        out.append(_arity(setting, 2, 4))
        if len(args) >= 2:
            out.append(_enum(setting, "aggregate_level", args[0]))
            out.append(_enum(setting, "aggregate_method", args[1]))
        rest = [a for a in args[2:] if a.text != "rounded"]
        if len(rest) > 1:
            out.append(at(rest[1].span, "E111", f"`{rest[1].text}` is not a word of `aggregate`",
                          hint="aggregate LEVEL METHOD [SOURCE] [rounded]"))
        elif rest:
            out.append(_enum(setting, "aggregate_source", rest[0]))
    elif key == "bands":
        out.append(_arity(setting, 1, 2))
        if args and args[0].kind != "name":
            out.append(at(args[0].span, "E111", f"`bands` takes the name of a band set, not `{args[0].text}`",
                          hint="a preset (lkjip, ikpa, sakip) or a declared `bands NAME { … }`"))
        if len(setting.args) == 2 and setting.args[1].text not in ("capaian", "realisasi"):
            out.append(at(setting.args[1].span, "E111", f"`{setting.args[1].text}` is not what bands classify",
                          hint="write `bands NAME capaian` (default) or `bands NAME realisasi`"))
    elif key in ("sasaran", "office", "budget_of"):
        out.append(_arity(setting, 1, 1))
        if len(args) == 1 and args[0].kind != "name":
            out.append(at(args[0].span, "E111", f"`{key}` takes a name, not `{args[0].text}`"))
    elif key == "unit":
        out.append(_arity(setting, 1, 1))
    elif key == "iku":
        out.append(_arity(setting, 0, 1))
        if len(args) == 1:
            out.append(_enum(setting, "iku", args[0]))
    elif key in ("definition", "source", "responsible", "frequency", "note", "first_party", "second_party"):
        if not args:
            out.append(at(setting.span, "E111", f"`{key}` needs a quoted text"))
        for a in args:
            if a.kind != "string":
                out.append(at(a.span, "E111", f"`{key}` takes quoted texts", hint=f'write `{key} "{a.text}"`'))
    elif key == "pagu":
        out.append(_arity(setting, 1, 2))
        if args:
            out.append(_number(setting, args[-1]))
    return [d for d in out if d is not None]


class Rule:
    """A check over the merged catalog; `run` yields every finding."""

    def run(self, model: Model) -> Iterable[Diagnostic]:
        raise NotImplementedError


def _settings_in(model: Model) -> Iterator[tuple[str, ast.Setting]]:
    for block in model.policy_blocks:
        for s in block.settings:
            yield "policy", s
    for ind in model.indicators.values():
        for s in ind.body:
            if isinstance(s, ast.Setting):
                yield "indicator", s
            elif isinstance(s, ast.Index):
                for o in s.options:
                    yield "index", o
                for node in index_nodes(s):
                    for o in node.options:
                        yield ("group" if isinstance(node, ast.Group) else "component"), o
    for sas in model.sasaran.values():
        for s in sas.settings:
            yield "sasaran", s
    for agr in model.agreements:
        for s in agr.body:
            if isinstance(s, ast.Setting):
                yield "agreement", s


class KnownSettings(Rule):
    """Every setting key is allowed where it stands, with valid values (E115, E111)."""

    def run(self, model):
        for context, s in _settings_in(model):
            allowed = CONTEXT_KEYS[context]
            if s.key not in allowed:
                where = {"index": "an index", "group": "a group", "component": "a component",
                         "indicator": "an indicator", "agreement": "an agreement"}.get(context, f"a {context}")
                hint = did_you_mean(s.key_text, allowed)
                if hint is None and s.key in SETTING_KEYS:
                    hint = f"`{s.key}` belongs elsewhere; {where} takes: " + ", ".join(allowed)
                yield at(s.key_span, "E115", f"unknown setting `{s.key_text}` in {where}",
                         hint=hint or f"{where} takes: " + ", ".join(allowed))
                continue
            yield from check_setting(s)


class RepeatedSettings(Rule):
    """A setting or target stated twice in one block is a mistake (E114)."""

    def run(self, model):
        for ind in model.indicators.values():
            seen: dict = {}
            for s in ind.body:
                if isinstance(s, ast.Setting):
                    key = ("setting", s.key)
                    shown = f"`{s.key}`"
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
                    yield at(s.span, "E114", f"{shown} is stated twice in indicator `{ind.id}`",
                             hint=f"the first is at line {seen[key].line}; keep one")
                else:
                    seen[key] = s.span
        for block in model.policy_blocks:
            seen = {}
            for s in block.settings:
                if s.key == "aggregate" and s.args:
                    key = (s.key, s.args[0].text)
                else:
                    key = (s.key,)
                if key in seen:
                    yield at(s.span, "E114", f"`{s.key}` is stated twice in this policy",
                             hint=f"the first is at line {seen[key].line}; keep one")
                seen.setdefault(key, s.span)


class Duplicates(Rule):
    """Ids are unique per kind across all loaded files (E102)."""

    def run(self, model):
        for kind, ident, first, second in model.duplicates:
            where = f"line {first.line}" if first.file == second.file else f"{first.file}:{first.line}"
            yield at(second, "E102", f"{kind} `{ident}` is declared twice",
                     hint=f"first declared at {where}; rename one or remove it")


class KnownNames(Rule):
    """Every name resolves: data fields, indicators, functions, sasaran, offices, bands (E101, E116)."""

    def run(self, model):
        values = set(model.fields) | set(model.indicators)
        for ind in model.indicators.values():
            for s in ind.body:
                if isinstance(s, ast.Setting):
                    yield from self._reference(model, s)
            for expr in indicator_exprs(ind):
                yield from self._expression(expr, values, model)
        for sas in model.sasaran.values():
            for s in sas.settings:
                yield from self._reference(model, s)
        for off in model.offices.values():
            if off.parent is not None and off.parent not in model.offices:
                yield at(off.parent_span, "E101", f"unknown office `{off.parent}`",
                         hint=did_you_mean(off.parent, model.offices))
        for s in model.policy.values():
            yield from self._reference(model, s)
        for f in model.fields.values():
            if f.kind is not None and canonical_value("field_kind", f.kind) is None:
                yield at(f.kind_span, "E111", f"`{f.kind}` is not a kind of field",
                         hint=did_you_mean(f.kind, allowed_values("field_kind"))
                         or "use one of: " + ", ".join(allowed_values("field_kind")))
        for agr in model.agreements:
            for s in agr.body:
                if isinstance(s, ast.Setting):
                    yield from self._reference(model, s)
                elif s.indicator not in model.indicators:
                    yield at(s.span, "E101", f"unknown indicator `{s.indicator}`",
                             hint=did_you_mean(s.indicator, model.indicators))

    def _reference(self, model, s: ast.Setting):
        if s.key not in ("sasaran", "office", "bands", "budget_of") or not 1 <= len(s.args) <= 2 \
                or s.args[0].kind != "name":
            return
        name = s.args[0].text
        if s.key == "bands":
            if name in BAND_PRESET_NAMES or name in model.bandsets:
                return
            yield at(s.args[0].span, "E101", f"unknown band set `{name}`",
                     hint=did_you_mean(name, list(model.bandsets) + list(BAND_PRESET_NAMES))
                     or "declare it with `bands " + name + " { … }` or use " + ", ".join(BAND_PRESET_NAMES))
            return
        table = model.offices if s.key == "office" else model.sasaran
        kind = "office" if s.key == "office" else "sasaran"
        if name not in table:
            yield at(s.args[0].span, "E101", f"unknown {kind} `{name}`",
                     hint=did_you_mean(name, table) or f"declare it with `{kind} {name} \"…\"`")

    def _expression(self, expr, values, model):
        means = {id(arg) for arg in map(_mean_read, walk(expr)) if arg is not None and _is_mean(arg.id, model)}
        for node in walk(expr):
            if isinstance(node, ast.Name) and node.id not in values and id(node) not in means:
                yield at(node.span, "E101", f"unknown name `{node.id}`",
                         hint=did_you_mean(node.id, values)
                         or f"declare the data field with `field {node.id} \"…\" count`")
            elif isinstance(node, ast.Call):
                arity = FUNCTIONS.get(node.function)
                if arity is None:
                    yield at(node.span, "E101", f"unknown function `{node.function}`",
                             hint=did_you_mean(node.function, FUNCTIONS)
                             or "functions: " + ", ".join(FUNCTIONS))
                    continue
                low, high = arity
                n = len(node.args)
                if n < low or (high is not None and n > high):
                    want = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
                    yield at(node.span, "E116", f"`{node.function}` takes {want} argument{'s' if want != '1' else ''}, found {n}")
                elif node.function == "capaian" and not (
                        isinstance(node.args[0], ast.Name)
                        and (node.args[0].id in model.indicators or _is_mean(node.args[0].id, model))):
                    known = list(model.indicators) + list(model.sasaran) + list(model.offices) + [OVERALL]
                    name = node.args[0].id if isinstance(node.args[0], ast.Name) else ""
                    yield at(node.args[0].span, "E116",
                             "`capaian` takes the id of an indicator, a sasaran or an office, or `overall`",
                             hint=did_you_mean(name, known) if name and did_you_mean(name, known)
                             else "e.g. `value capaian(SJ1) - BUDGET.SJ1.serapan`")
                elif node.function == "prev":
                    if not isinstance(node.args[0], ast.Name) or node.args[0].id not in model.fields:
                        yield at(node.args[0].span, "E116", "`prev` takes the name of a data field",
                                 hint="e.g. `prev(pnbp)` or `prev(pnbp, 4)` for the mean of 4 previous periods")
                    if n == 2:
                        yield from _prev_count(node.args[1])


MAX_PREV = 120  # prev(x, N): ten years of months, the longest history a calendar of reports means


def _prev_count(arg: ast.Expr) -> Iterator[Diagnostic]:
    """`prev(x, N)` reads N earlier periods: a whole number from 1 to MAX_PREV (E116)."""
    if not (isinstance(arg, ast.Number) and arg.value == arg.value.to_integral_value()):
        yield at(arg.span, "E116", "the second argument of `prev` is a whole number of periods",
                 hint="e.g. `prev(pnbp, 4)` for the mean of the 4 previous periods")
    elif not 1 <= arg.value <= MAX_PREV:
        yield at(arg.span, "E116", f"`prev` reads 1 to {MAX_PREV} earlier periods, not {_short(arg.text)}",
                 hint=f"{MAX_PREV} periods are ten years of months; `prev(pnbp, 4)` is the mean of the 4 previous "
                      "periods of the same kind (years, quarters or months)")


class Formulas(Rule):
    """An indicator has numerator+denominator, a value, or an index (E113)."""

    def run(self, model):
        for ind in model.indicators.values():
            num, den, val, idx = (ind.formula("numerator"), ind.formula("denominator"),
                                  ind.formula("value"), ind.index)
            where = ind.id_span or ind.span
            if num and not den:
                yield at(num.span, "E113", f"indicator `{ind.id}` has a numerator but no denominator",
                         hint="add `denominator …`, or write `value …` for a single expression")
            elif den and not num:
                yield at(den.span, "E113", f"indicator `{ind.id}` has a denominator but no numerator",
                         hint="add `numerator …`")
            kinds = sum(1 for x in (num or den, val, idx) if x)
            if kinds == 0:
                yield at(where, "E113", f"indicator `{ind.id}` has no formula",
                         hint="give `numerator` and `denominator`, a `value`, or an `index` block")
            elif kinds > 1:
                second = [x for x in (num or den, val, idx) if x][1]
                yield at(second.span, "E113", f"indicator `{ind.id}` has more than one formula",
                         hint="use either numerator/denominator, value, or index")


class RequiredMetadata(Rule):
    """Each indicator says which way is better and in what unit (E103, E104)."""

    def run(self, model):
        for ind in model.indicators.values():
            where = ind.id_span or ind.span
            if ind.setting("direction") is None:
                yield at(where, "E103", f"indicator `{ind.id}` has no direction",
                         hint="add `direction higher` (or lower, stabilize)")
            if ind.setting("unit") is None:
                yield at(where, "E104", f"indicator `{ind.id}` has no unit",
                         hint='add `unit "%"` (or indeks, orang, dokumen, …)')


MAX_PLACES = 12  # decimal places a `round` may keep


def _calendar(t: ast.Target):
    """A target's year has four digits and its period is one the calendar knows (E117)."""
    if not (t.year_text.isdigit() and len(t.year_text) == 4):
        yield at(t.span, "E117", f"`{_short(t.year_text)}` is not a year",
                 hint="write the year with four digits, e.g. `target 2024 = 90`")
    if t.period is not None and t.period not in PERIOD_LABELS:
        yield at(t.span, "E117", f"unknown period `{t.period}`",
                 hint=did_you_mean(t.period, PERIOD_LABELS) or "use TW1–TW4, S1–S2 or B01–B12")


def _group_targets(nodes):
    """Every target declared inside the groups of an index, at any depth."""
    for node in nodes:
        if isinstance(node, ast.Group):
            yield from node.targets
            yield from _group_targets(node.children)


class TargetsInRange(Rule):
    """Targets and period labels respect the declared range and calendar (E105, E117); a target
    written with `%` belongs to a percentage indicator (W119: "20 %" on an index is a unit slip)."""

    def run(self, model):
        for ind in model.indicators.values():
            unit = ind.setting("unit")
            unit_text = unit.args[0].text.strip().lower() if unit is not None and unit.args else None
            if unit_text is not None and unit_text not in ("%", "persen", "percent"):
                for t in ind.targets:
                    if t.value.low_text.endswith("%") or (t.value.high_text or "").endswith("%"):
                        yield at(t.value.span, "W119", f"target {t.value} of `{ind.id}` is written as a percentage, "
                                 f"but the indicator is measured in {unit.args[0].text}", severity=WARNING,
                                 hint=f"write the target in {unit.args[0].text} (an index on 0..4: 3.6), "
                                 "or declare `unit \"%\"`")
            rng = ind.range
            if rng is not None and rng.low > rng.high:
                yield at(rng.span, "E105", f"range {rng.low_text} .. {rng.high_text} is empty",
                         hint="write the lower bound first")
                rng = None
            for t in _group_targets(ind.index.children if ind.index is not None else ()):
                yield from _calendar(t)
            for t in ind.targets:
                yield from _calendar(t)
                v = t.value
                if v.high is not None and v.low > v.high:
                    yield at(v.span, "E105", f"target range {v} is empty", hint="write the lower bound first")
                if rng is None:
                    continue
                for bound, text in ((v.low, v.low_text), (v.high, v.high_text)):
                    if bound is not None and not rng.low <= bound <= rng.high:
                        kind = "renstra target" if t.renstra else "target"
                        yield at(v.span, "E105", f"{kind} {text} for {t.year} is outside the range "
                                 f"{rng.low_text} .. {rng.high_text} of `{ind.id}`",
                                 hint="check the scale: a percentage is written 90, an index on a 0..4 scale 3.6")
                        break


def _weight(options) -> tuple[Decimal | None, ast.Setting | None]:
    for o in options:
        if o.key == "weight" and len(o.args) == 1 and o.args[0].kind in ("number", "fraction"):
            return o.args[0].value, o
    return None, None


def _combine(options) -> str:
    for o in options:
        if o.key == "combine" and o.args:
            return canonical_value("combine", o.args[0].text) or "weighted_sum"
    return "weighted_sum"


class Weights(Rule):
    """Weights of a weighted group sum to 100% (E106)."""

    def run(self, model):
        for ind in model.indicators.values():
            if ind.index is None:
                continue
            yield from self._group(ind.index, f"index of `{ind.id}`")
            for node in index_nodes(ind.index):
                if isinstance(node, ast.Group):
                    yield from self._group(node, f"group `{node.id}`")
        weighted = {s.args[0].text for s in model.policy.values()
                    if s.key == "aggregate" and len(s.args) >= 2 and canonical_value("aggregate_method", s.args[1].text) == "weighted"
                    and canonical_value("aggregate_level", s.args[0].text)}
        if "sasaran" in weighted:
            by_sasaran: dict[str, list] = {}
            for ind in model.indicators.values():
                sas = ind.setting("sasaran")
                if sas and sas.args:
                    by_sasaran.setdefault(sas.args[0].text, []).append(ind)
            for sid, inds in by_sasaran.items():
                weights = [(i, i.setting("weight")) for i in inds]
                missing = [i for i, w in weights if w is None]
                for i in missing:
                    yield at(i.id_span, "E106", f"indicator `{i.id}` has no weight but sasaran `{sid}` is aggregated weighted",
                             hint="add `weight …%`")
                values = [w.args[0] for _, w in weights if w is not None and len(w.args) == 1
                          and w.args[0].kind in ("number", "fraction")]
                if not missing and not any(a.divides_by_zero for a in values):
                    total = ast.weight_total(a.value for a in values)
                    if total != 1:
                        sas = model.sasaran.get(sid)
                        yield at(sas.span if sas else inds[0].span, "E106",
                                 f"indicator weights of sasaran `{sid}` sum to {ast.percent_text(total)}, not 100%",
                                 hint="adjust the weights or aggregate with `mean`")

    def _group(self, node, what):
        if _combine(node.options) != "weighted_sum":
            return
        weights = []
        for child in node.children:
            w, setting = _weight(child.options)
            if w is None:
                yield at(child.span, "E106", f"`{child.id}` in the {what} has no weight",
                         hint="add `weight …%` or combine the group with `combine mean`")
                return
            if setting.args[0].divides_by_zero:  # E119 says so; its sum means nothing
                return
            weights.append(w)
        total = ast.weight_total(weights)
        if node.children and total != 1:
            yield at(node.span, "E106", f"weights in the {what} sum to {ast.percent_text(total)}, not 100%",
                     hint="write thirds and sixths as fractions, e.g. `weight 1/6`")


class BandCoverage(Rule):
    """Band sets are half-open, gap-free and non-overlapping over all values (E107, E108)."""

    def run(self, model):
        for bs in model.bandsets.values():
            intervals = []
            for band in bs.bands:
                lo, lo_closed, hi, hi_closed = None, False, None, False
                bad = False
                for b in band.bounds:
                    if b.op in (">=", ">"):
                        if lo is not None:
                            bad = True
                        lo, lo_closed = b.value, b.op == ">="
                    else:
                        if hi is not None:
                            bad = True
                        hi, hi_closed = b.value, b.op == "<="
                if bad:
                    yield at(band.span, "E108", f"band \"{band.label}\" has two lower or two upper bounds",
                             hint="write one lower and one upper bound, e.g. `>= 76 and < 91`")
                    continue
                if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_closed and hi_closed))):
                    yield at(band.span, "E108", f"band \"{band.label}\" contains no value")
                    continue
                intervals.append((band, lo, lo_closed, hi, hi_closed))
            # sort by lower bound (None = -infinity)
            intervals.sort(key=lambda t: (t[1] is not None, t[1] if t[1] is not None else 0, not t[2]))
            if not intervals:
                continue
            first = intervals[0]
            if first[1] is not None:
                yield at(first[0].span, "E107", f"band set `{bs.id}` has no band for values "
                         f"{'below' if first[2] else 'up to'} {first[1]:f}", hint=f"make the lowest band `< {first[1]:f}` or add one")
            for (a, _, _, ahi, ahi_closed), (b, blo, blo_closed, _, _) in zip(intervals, intervals[1:]):
                if ahi is None or blo is None:
                    yield at(b.span, "E108", f"bands \"{a.label}\" and \"{b.label}\" overlap")
                elif blo < ahi or (blo == ahi and ahi_closed and blo_closed):
                    yield at(b.span, "E108", f"bands \"{a.label}\" and \"{b.label}\" overlap at {blo:f}",
                             hint="bands are half-open: `>= 76 and < 91`, then `>= 91`")
                elif blo > ahi or (not ahi_closed and not blo_closed):
                    gap = f"{ahi:f}" if blo == ahi else f"{ahi:f} .. {blo:f}"
                    yield at(b.span, "E107", f"band set `{bs.id}` leaves a gap at {gap} between \"{a.label}\" and \"{b.label}\"",
                             hint=f"start \"{b.label}\" where \"{a.label}\" ends, e.g. `>= {ahi:f}`")
            last = intervals[-1]
            if last[3] is not None:
                yield at(last[0].span, "E107", f"band set `{bs.id}` has no band for values above {last[3]:f}",
                         hint="make the highest band open-ended, e.g. `>= 91`")


class NoCycles(Rule):
    """Indicators may use other indicators, but never in a circle (E109)."""

    def run(self, model):
        graph = {ind.id: [n for n in referenced_indicators(ind, model)] for ind in model.indicators.values()}
        state: dict[str, int] = {}
        reported: set[frozenset] = set()
        for start in graph:
            if state.get(start):
                continue
            stack = [(start, iter(graph[start]))]
            path = [start]
            state[start] = 1
            while stack:
                node, it = stack[-1]
                ref = next(it, None)
                if ref is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                    continue
                if state.get(ref.id) == 1:
                    cycle = path[path.index(ref.id):] + [ref.id]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        yield at(ref.span, "E109", "circular reference: " + " -> ".join(cycle),
                                 hint="an indicator cannot depend on itself, directly or through others")
                elif not state.get(ref.id):
                    state[ref.id] = 1
                    path.append(ref.id)
                    stack.append((ref.id, iter(graph[ref.id])))


class MeansReadAfterwards(Rule):
    """An indicator that reads a mean (`capaian(SJ1)`, `capaian(overall)`), itself or through the
    indicators it uses, stands outside every mean: with a sasaran it would feed what it reads (E118)."""

    def run(self, model):
        reads = {ind.id: list(referenced_aggregates(ind, model)) for ind in model.indicators.values()}
        uses = {ind.id: [n.id for n in referenced_indicators(ind, model)] for ind in model.indicators.values()}
        for ind in model.indicators.values():
            sasaran = ind.setting("sasaran")
            if sasaran is None:
                continue
            seen, stack, found = {ind.id}, [ind.id], None
            while stack and found is None:
                current = stack.pop()
                found = reads[current][0] if reads[current] else None
                for other in uses[current]:
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            if found is not None:
                yield at(sasaran.span, "E118", f"`{ind.id}` counts in sasaran `{_text_arg(sasaran)}` but reads the "
                         f"mean `capaian({found.id})`, which is computed from the sasaran's indicators",
                         hint="an indicator that reads a mean (a budget efficiency, say) has no sasaran")


def _text_arg(setting: ast.Setting) -> str:
    return setting.args[0].text if setting.args else ""


class NihilRisk(Rule):
    """A denominator that can be 0 needs a nihil rule, else 0/0 has no defined result (W110)."""

    def run(self, model):
        if "nihil" in model.policy:
            return
        for ind in model.indicators.values():
            if ind.setting("nihil") is not None:
                continue
            den = ind.formula("denominator")
            if den is not None and not (isinstance(den.expr, ast.Number) and den.expr.value != 0):
                yield at(den.span, "W110", f"the denominator of `{ind.id}` can be 0 and no nihil rule is declared",
                         severity=WARNING,
                         hint="add `nihil achieved` (or excluded, zero, error) to the indicator or the policy")


def _short(text: str) -> str:
    """A number as written, shortened when it is too long to read in a message."""
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"


def _constants(expr) -> dict[int, Fraction]:
    """The exact value of every sub-expression that reads no data (`1 - 1`, `12.5%`, `min(2, 3)`),
    by node id; iterative, children before parents. Values that grow past 1000 bits are left
    unknown: only whether a divisor is 0 matters here."""
    values: dict[int, Fraction] = {}
    for node in reversed(list(walk(expr))):
        kids = [values.get(id(c)) for c in ast.children(node)]
        if any(k is None for k in kids):
            continue
        value = None
        if isinstance(node, ast.Number):
            value = Fraction(node.value)
        elif isinstance(node, ast.Negate):
            value = -kids[0]
        elif isinstance(node, ast.Binary):
            a, b = kids
            value = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                     "/": lambda: a / b if b else None}[node.op]()
        elif isinstance(node, ast.Compare):
            value = Fraction(int(_COMPARE[node.op](*kids)))
        elif isinstance(node, ast.If):
            value = kids[1] if kids[0] else kids[2]
        elif isinstance(node, ast.Call) and node.function in ("min", "max", "abs", "mean") and kids:
            value = {"min": min, "max": max, "abs": lambda k: abs(k[0]),
                     "mean": lambda k: sum(k, Fraction(0)) / len(k)}[node.function](kids)
        if value is not None and max(value.numerator.bit_length(), value.denominator.bit_length()) <= 1000:
            values[id(node)] = value
    return values


_COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
            ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


class ConstantDivisions(Rule):
    """A constant that divides by zero is an error, never a silent 0 (E119): a fraction setting
    (`cap 1/0`, `weight 1/0`) or a division by a divisor that is always 0 (`a / (1 - 1)`)."""

    def run(self, model):
        for _, s in _settings_in(model):
            for a in s.args:
                if a.divides_by_zero:
                    yield at(a.span, "E119", f"`{a.text}` divides by zero",
                             hint="write the number you mean; a fraction's denominator is never 0")
        for ind in model.indicators.values():
            for expr in indicator_exprs(ind):
                values = _constants(expr)
                for node in walk(expr):
                    if isinstance(node, ast.Binary) and node.op == "/" and values.get(id(node.right)) == 0:
                        yield at(node.right.span, "E119", "this divisor is always 0",
                                 hint="divide by a data field or an indicator, or write the number you mean")


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

    def run(self, model):
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
                        yield Diagnostic("E120", "error",
                                         f"this text holds {what} (U+{ord(char.group()):04X}), which tables and "
                                         "spreadsheets cannot show", f.path, number, column, column + 1,
                                         source_line=_visible(line.rstrip("\r")),
                                         hint="delete it; a line break pasted from Word into a label is written "
                                              "as a space")


class NumbersInRange(Rule):
    """Every number a catalog writes is one the engine keeps exactly (E121): at most 18 digits
    before the decimal point and 18 after it, the same rule as for data (`catalog.out_of_range`)."""

    def run(self, model):
        for span, text, value in self._numbers(model):
            why = out_of_range(value)
            if why is not None:
                yield at(span, "E121", f"the number `{_short(text)}` {why}",
                         hint="write the number in the indicator's unit (rupiah in full is fine up to 18 digits)"
                         if "before" in why else "round it to 18 decimal places or fewer")

    @staticmethod
    def _numbers(model):
        """(span, text as written, value) of every number literal in the catalog."""
        for _, s in _settings_in(model):
            for a in s.args:
                if a.kind == "number":
                    yield a.span, a.text, a.value
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
            for t in agr.body:
                if isinstance(t, ast.PkTarget):
                    yield from _target_numbers(t.value)
        for bs in model.bandsets.values():
            for band in bs.bands:
                for b in band.bounds:
                    yield b.span, b.text, b.value


def _target_numbers(v: ast.TargetValue):
    yield v.span, v.low_text, v.low
    if v.high is not None:
        yield v.span, v.high_text, v.high


RULES: tuple[Rule, ...] = (Duplicates(), KnownSettings(), RepeatedSettings(), KnownNames(), Formulas(),
                           RequiredMetadata(), TargetsInRange(), Weights(), BandCoverage(), NoCycles(),
                           MeansReadAfterwards(), NihilRisk(), ConstantDivisions(), ControlCharacters(),
                           NumbersInRange())


# the rules that need no other file: what validate-pk runs on a PK kept as a .kin file alone
SELF_CONTAINED: tuple[Rule, ...] = (KnownSettings(), RepeatedSettings(), ConstantDivisions(), ControlCharacters(),
                                    NumbersInRange())


def check(model: Model, rules: tuple[Rule, ...] = RULES) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        out.extend(rule.run(model))
    return out
