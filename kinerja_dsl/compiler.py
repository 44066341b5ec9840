"""AST -> compiled catalog: expressions become closures over Decimal.

Compiling once means evaluation never walks the syntax tree: a numerator like
`a + b * 2` becomes nested closures called directly with the data. No user text
is ever passed to eval/exec. The compiler assumes the checker found no errors.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from . import ast
from .catalog import (BAND_PRESETS, Agreement, AgreementTarget, Aggregation, BandInterval, BandSet, Catalog,
                      CompositeNode, Declared, Field, Fn, Indicator, NihilCase, Office, Policy, Rounding,
                      Sasaran, TargetSpec, UndefinedValue)
from .ast import indicator_exprs, walk
from .checker import referenced_aggregates, referenced_indicators
from .formatter import expression
from .model import Model
from .vocabulary import canonical_value

ZERO = Decimal(0)
ONE = Decimal(1)


# ---- expressions ---------------------------------------------------------------------

def compile_expr(e: ast.Expr, indicators) -> Fn:
    """A closure computing `e`; names of indicators read their realisasi via env.ref."""
    if isinstance(e, ast.Number):
        c = e.value
        return lambda env: c
    if isinstance(e, ast.Name):
        name = e.id
        if name in indicators:
            return lambda env: env.ref(name)
        return field_reader(name)
    if isinstance(e, ast.Negate):
        f = compile_expr(e.operand, indicators)
        return lambda env: -f(env)
    if isinstance(e, ast.Binary):
        left, right = compile_expr(e.left, indicators), compile_expr(e.right, indicators)
        return _BINARY[e.op](left, right, expression(e))
    if isinstance(e, ast.Compare):
        left, right = compile_expr(e.left, indicators), compile_expr(e.right, indicators)
        test = _COMPARE[e.op]
        return lambda env: ONE if test(left(env), right(env)) else ZERO
    if isinstance(e, ast.If):
        cond = compile_expr(e.condition, indicators)
        then, otherwise = compile_expr(e.then, indicators), compile_expr(e.otherwise, indicators)
        return lambda env: then(env) if cond(env) else otherwise(env)
    if isinstance(e, ast.Call):
        return _call(e, indicators)
    raise TypeError(f"not an expression: {e!r}")  # pragma: no cover


def field_reader(name: str) -> Fn:
    """Reads one data field. The closure carries the field's name (`.field`) so the engine's
    bulk path can read the data directly when a formula is a bare field."""
    def read(env):
        return env.values[name]
    read.field = name
    return read


def _divide(left: Fn, right: Fn, text: str) -> Fn:
    def divide(env):
        d = right(env)
        n = left(env)
        if not d:
            if not n:
                raise NihilCase(text)
            raise UndefinedValue(f"division by zero in `{text}`")
        return n / d
    return divide


_BINARY: dict[str, Callable[[Fn, Fn, str], Fn]] = {
    "+": lambda l, r, t: (lambda env: l(env) + r(env)),
    "-": lambda l, r, t: (lambda env: l(env) - r(env)),
    "*": lambda l, r, t: (lambda env: l(env) * r(env)),
    "/": _divide,
}

_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
}


def _call(e: ast.Call, indicators) -> Fn:
    if e.function == "prev":
        name = e.args[0].id
        count = int(e.args[1].value) if len(e.args) == 2 else 1
        return lambda env: env.prev(name, count)
    if e.function == "capaian":
        ref = e.args[0].id
        if ref in indicators:
            return lambda env: env.capaian(ref)
        return lambda env: env.mean(ref)  # a sasaran, an office or `overall`
    args = [compile_expr(a, indicators) for a in e.args]
    if e.function == "min":
        return lambda env: min(a(env) for a in args)
    if e.function == "max":
        return lambda env: max(a(env) for a in args)
    if e.function == "abs":
        only = args[0]
        return lambda env: abs(only(env))
    if e.function == "mean":
        n = Decimal(len(args))
        return lambda env: sum((a(env) for a in args), ZERO) / n
    raise TypeError(f"unknown function {e.function}")  # pragma: no cover


# ---- policies ------------------------------------------------------------------------

DEFAULTS = {
    "cap": None, "floor": None, "nihil": "error", "lower_formula": "two_t_minus_r",
    "round": Rounding("half_up", 2), "round_realisasi": Rounding("none"), "rollup": "sum",
    "unreported": "excluded", "bands": BAND_PRESETS["lkjip"],
}


def _where(kind: str, s: ast.Setting) -> str:
    return f"{kind} at {s.span.file}:{s.span.line}"


def _setting_value(s: ast.Setting, bandsets: dict):
    key, args = s.key, s.args
    if key in ("cap", "floor"):
        return None if args[0].kind == "name" else args[0].value
    if key in ("round", "round_realisasi"):
        mode = canonical_value("round_mode", args[0].text)
        return Rounding(mode, int(args[1].value)) if mode != "none" else Rounding("none")
    if key == "bands":
        return bandsets.get(args[0].text) or BAND_PRESETS[args[0].text]
    kind = {"nihil": "nihil", "lower_formula": "lower_formula", "rollup": "rollup", "unreported": "unreported"}[key]
    return canonical_value(kind, args[0].text)


def _policy(settings: dict[str, ast.Setting], base: Policy | None, kind: str, bandsets) -> Policy:
    values = {}
    for key in DEFAULTS:
        s = settings.get(key)
        if s is not None:
            values[key] = Declared(_setting_value(s, bandsets), _where(kind, s))
        elif base is not None:
            values[key] = getattr(base, key)
        else:
            values[key] = Declared(DEFAULTS[key], "default")
    return Policy(**values)


def _aggregation(model: Model) -> dict[str, Aggregation]:
    out = {
        "sasaran": Aggregation("sasaran", "mean", "indicators", "default"),
        "office": Aggregation("office", "mean", "indicators", "default"),
        "overall": Aggregation("overall", "mean", "sasaran", "default"),
    }
    for block in model.policy_blocks:
        for s in block.settings:
            if s.key != "aggregate":
                continue
            level = canonical_value("aggregate_level", s.args[0].text)
            method = canonical_value("aggregate_method", s.args[1].text)
            words = [a.text for a in s.args[2:]]
            rounded = "rounded" in words
            words = [w for w in words if w != "rounded"]
            source = canonical_value("aggregate_source", words[0]) if words else out[level].source
            out[level] = Aggregation(level, method, source, _where("policy", s), rounded)
    return out


def _bandset(bs: ast.BandSet) -> BandSet:
    intervals = []
    for band in bs.bands:
        lo = hi = None
        lo_closed = hi_closed = False
        for b in band.bounds:
            if b.op in (">=", ">"):
                lo, lo_closed = b.value, b.op == ">="
            else:
                hi, hi_closed = b.value, b.op == "<="
        intervals.append(BandInterval(band.label, lo, lo_closed, hi, hi_closed))
    return BandSet(bs.id, bs.label or bs.id, tuple(intervals))


# ---- composite indices ----------------------------------------------------------------

def _options(options) -> dict[str, ast.Setting]:
    return {o.key: o for o in options}


def _nihil(opts, inherited: Declared) -> Declared:
    """The nihil rule of an index node: its own option, else its parent's."""
    if "nihil" in opts:
        return Declared(canonical_value("nihil", opts["nihil"].args[0].text), _where("index", opts["nihil"]))
    return inherited


def _node(n, indicators, nihil: Declared) -> CompositeNode:
    opts = _options(n.options)
    weight = opts["weight"].args[0].value if "weight" in opts else None
    nihil = _nihil(opts, nihil)
    if isinstance(n, ast.Component):
        rounding = _setting_value(opts["round"], {}) if "round" in opts else None  # of the ratio: 3 places = 85,6%
        return CompositeNode(n.id, n.label or n.id, "component", weight, nihil=nihil, round=rounding,
                             fn=compile_expr(n.expr, indicators), formula=expression(n.expr))
    return _group(n, n.id, n.label or n.id, weight, opts, indicators, nihil)


def _group(n, ident, label, weight, opts, indicators, nihil) -> CompositeNode:
    nihil = _nihil(opts, nihil)
    combine = canonical_value("combine", opts["combine"].args[0].text) if "combine" in opts else "weighted_sum"
    scale = opts["scale"].args[0].value if "scale" in opts else ONE
    cap = opts["cap"].args[0].value if "cap" in opts and opts["cap"].args[0].kind != "name" else None
    children = tuple(_node(c, indicators, nihil) for c in n.children)
    rounding = _setting_value(opts["round"], {}) if "round" in opts else None
    targets = {(t.year, t.period): _target(t.value) for t in getattr(n, "targets", ())}
    return CompositeNode(ident, label, "group", weight, combine, scale, cap, nihil, rounding, children,
                         targets=targets)


# ---- the catalog ----------------------------------------------------------------------------

def _target(v: ast.TargetValue) -> TargetSpec:
    return TargetSpec(v.low, v.high, str(v), v.span.line)


def _text(s: ast.Setting | None, default: str = "") -> str:
    if s is None or not s.args:
        return default
    return " ".join(str(a.value) if a.kind == "string" else a.text for a in s.args)


def compile_indicator(ind: ast.Indicator, model: Model, base: Policy, bandsets) -> Indicator:
    settings = {s.key: s for s in ind.body if isinstance(s, ast.Setting)}
    policy = _policy(settings, base, "indicator", bandsets)
    names = model.indicators
    num, den, val, idx = ind.formula("numerator"), ind.formula("denominator"), ind.formula("value"), ind.index
    formulas = {}
    kwargs = {}
    if num and den:
        kind = "ratio"
        kwargs.update(numerator=compile_expr(num.expr, names), denominator=compile_expr(den.expr, names))
        formulas.update(numerator=expression(num.expr), denominator=expression(den.expr),
                        # the whole ratio as one expression, so `(a + b) / c` keeps its parentheses
                        ratio=expression(ast.Binary("/", num.expr, den.expr, num.span)))
    elif val:
        kind = "value"
        kwargs["value"] = compile_expr(val.expr, names)
        formulas["value"] = expression(val.expr)
    else:
        kind = "index"
        opts = _options(idx.options)
        kwargs["index"] = _group(idx, ind.id, ind.label or ind.id, None, opts, names, policy.nihil)
    scale = settings["scale"].args[0].value if "scale" in settings else ONE
    weight = settings["weight"].args[0].value if "weight" in settings else None
    fields = sorted({n.id for e in _exprs(ind) for n in walk(e) if isinstance(n, ast.Name) and n.id in model.fields}
                    | {c.args[0].id for e in _exprs(ind) for c in walk(e) if isinstance(c, ast.Call) and c.function == "prev"})
    rng = ind.range
    iku = "iku" in settings and (not settings["iku"].args or canonical_value("iku", settings["iku"].args[0].text) == "yes")
    return Indicator(
        id=ind.id, label=ind.label or ind.id,
        sasaran=_text(settings.get("sasaran")) or None, office=_text(settings.get("office")) or None,
        unit=_text(settings.get("unit")), scale=scale,
        direction=canonical_value("direction", settings["direction"].args[0].text),
        policy=policy, kind=kind, weight=weight,
        range=(rng.low, rng.high) if rng else None,
        targets={(t.year, t.period): _target(t.value) for t in ind.targets if not t.renstra},
        renstra={t.year: _target(t.value) for t in ind.targets if t.renstra},
        iku=iku,
        predikat_of=settings["bands"].args[1].text if "bands" in settings and len(settings["bands"].args) == 2 else "capaian",
        metadata={k: _text(settings.get(k)) for k in ("definition", "source", "responsible", "frequency", "note")
                  if k in settings},
        formulas=formulas, fields=tuple(fields),
        references=tuple(dict.fromkeys(n.id for n in referenced_indicators(ind, model))),
        reads_means=tuple(dict.fromkeys(n.id for n in referenced_aggregates(ind, model))),
        budget_of=_text(settings.get("budget_of")) or None,
        file=ind.span.file, line=ind.span.line, **kwargs)


def _exprs(ind: ast.Indicator):
    return indicator_exprs(ind)


def _evaluation_order(indicators: dict[str, Indicator]) -> list[str]:
    order, seen = [], set()

    def visit(i):
        if i in seen:
            return
        seen.add(i)
        for r in indicators[i].references:
            visit(r)
        order.append(i)

    for i in indicators:
        visit(i)
    return order


def _agreement(a: ast.Agreement) -> Agreement:
    settings = {s.key: s for s in a.body if isinstance(s, ast.Setting)}
    pagu = {}
    for s in a.body:
        if isinstance(s, ast.Setting) and s.key == "pagu" and s.args:
            pagu[s.args[0].text if len(s.args) == 2 else "total"] = s.args[-1].value
    targets = tuple(AgreementTarget(t.indicator, t.period, _target(t.value), t.span.file, t.span.line)
                    for t in a.body if isinstance(t, ast.PkTarget))
    year = int(settings["year"].args[0].value) if "year" in settings else None
    parties = lambda k: tuple(str(x.value) for x in settings[k].args) if k in settings else ()  # noqa: E731
    return Agreement(a.label or "", year, _text(settings.get("office")) or None, parties("first_party"),
                     parties("second_party"), targets, pagu, a.span.file, a.span.line)


def compile_model(model: Model) -> Catalog:
    bandsets = {b.id: _bandset(b) for b in model.bandsets.values()}
    base = _policy(model.policy, None, "policy", bandsets)
    compiled = {i.id: compile_indicator(i, model, base, bandsets) for i in model.indicators.values()}
    ordered = {i: compiled[i] for i in _evaluation_order(compiled)}
    return Catalog(
        indicators=ordered,
        sasaran={s.id: Sasaran(s.id, s.label or s.id, _text(next((x for x in s.settings if x.key == "office"), None)) or None,
                               next((x.args[0].value for x in s.settings if x.key == "weight" and x.args), None))
                 for s in model.sasaran.values()},
        offices={o.id: Office(o.id, o.label or o.id, o.parent) for o in model.offices.values()},
        fields={f.id: Field(f.id, f.label or f.id, canonical_value("field_kind", f.kind) if f.kind else "number")
                for f in model.fields.values()},
        bandsets=bandsets, policy=base, aggregation=_aggregation(model),
        agreements=tuple(_agreement(a) for a in model.agreements),
        files=tuple(f.path for f in model.files),
        declared_order=tuple(compiled),
    )


__all__ = ["compile_model", "compile_expr", "NihilCase", "UndefinedValue"]
