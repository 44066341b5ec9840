"""Checked model -> compiled catalog: expressions become closures over Decimal.

Compiling once means evaluation never walks the syntax tree: a numerator like
`a + b * 2` becomes nested closures called directly with the data. No user text
is ever passed to eval/exec.

The compiler takes a `CheckedModel` (a symbol table the checker passed, see
`checker.approve`) and reads it through typed accessors (`Setting.arg`, `Arg.number`,
`Arg.as_enum`, `Call.name_arg`): what the checker guarantees is stated in their types,
and a broken guarantee raises `ast.NotChecked` instead of compiling nonsense.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Literal, TypeVar

from . import ast
from .ast import expression, walk
from .catalog import (BAND_PRESETS, Agreement, AgreementTarget, Aggregation, BandInterval, BandSet, Catalog,
                      CompositeNode, Declared, Env, Field, Fn, Indicator, NihilCase, Office, Policy, Rounding,
                      Sasaran, TargetSpec, UndefinedValue)
from .diagnostics import Instance
from .messages import t
from .model import CheckedModel, scope_selects
from .vocabulary import (DEFAULT_AGGREGATE_SOURCE, AggregateLevel, AggregateMethod, AggregateSource, Combine,
                         Direction, FieldKind, Iku, LowerFormula, Nihil, PeriodTargets, RealisasiScope, Rollup,
                         RoundMode, TargetFallback, Unreported)

ZERO = Decimal(0)
ONE = Decimal(1)

T = TypeVar("T")


# ---- expressions ---------------------------------------------------------------------

def compile_expr(e: ast.Expr, indicators: Collection[str]) -> Fn:
    """A closure computing `e`; names of indicators read their realisasi via env.ref."""
    if isinstance(e, ast.Number):
        constant = e.value
        return lambda env: constant
    if isinstance(e, ast.Name):
        name = e.id
        if name in indicators:
            return lambda env: env.ref(name)
        return field_reader(name)
    if isinstance(e, ast.Negate):
        operand = compile_expr(e.operand, indicators)
        return lambda env: -operand(env)
    if isinstance(e, ast.Binary):
        left, right = compile_expr(e.left, indicators), compile_expr(e.right, indicators)
        return _BINARY[e.op](left, right, expression(e))
    if isinstance(e, ast.Compare):
        left, right = compile_expr(e.left, indicators), compile_expr(e.right, indicators)
        test = ast.COMPARISONS[e.op]
        return lambda env: ONE if test(left(env), right(env)) else ZERO
    if isinstance(e, ast.If):
        condition = compile_expr(e.condition, indicators)
        then, otherwise = compile_expr(e.then, indicators), compile_expr(e.otherwise, indicators)
        return lambda env: then(env) if condition(env) else otherwise(env)
    return _call(e, indicators)


def field_reader(name: str) -> Fn:
    """Reads one data field. The closure carries the field's name (`.field`) so the engine can read
    the data directly when a formula is a bare field."""
    def read(env: Env) -> Decimal:
        return env.values[name]
    read.__dict__["field"] = name  # a closure is faster to call than an object with __call__
    return read


def _divide(left: Fn, right: Fn, text: str) -> Fn:
    def divide(env: Env) -> Decimal:
        denominator = right(env)
        numerator = left(env)
        if not denominator:
            if not numerator:
                raise NihilCase(text)
            raise UndefinedValue(t("division by zero in `{expression}`", expression=text))
        return numerator / denominator
    return divide


def _add(left: Fn, right: Fn, text: str) -> Fn:
    return lambda env: left(env) + right(env)


def _subtract(left: Fn, right: Fn, text: str) -> Fn:
    return lambda env: left(env) - right(env)


def _multiply(left: Fn, right: Fn, text: str) -> Fn:
    return lambda env: left(env) * right(env)


_BINARY: dict[str, Callable[[Fn, Fn, str], Fn]] = {"+": _add, "-": _subtract, "*": _multiply, "/": _divide}


def _additive(expr: ast.Expr, fields: Collection[str]) -> bool:
    """Whether a value adds up over periods as its fields do: fields and numbers under + and −,
    or times a number (`selesai + tunggakan`, `2 * a`); a ratio, a growth rate (`prev`), a call
    or another indicator is not."""
    for node in walk(expr):
        if isinstance(node, ast.Name) and node.id not in fields:
            return False
        if isinstance(node, ast.Binary) and node.op not in "+-" and not (
                node.op == "*" and (isinstance(node.left, ast.Number) or isinstance(node.right, ast.Number))):
            return False
        if not isinstance(node, (ast.Name, ast.Number, ast.Binary, ast.Negate)):
            return False
    return True


EARLIER = ("prev", "prev_period")  # the functions that read a field of earlier periods


def _reading(e: ast.Call, indicators: Collection[str], exact: bool) -> Fn:
    """`capaian(X)`: the capaian of an indicator or a mean, rounded as declared unless `exact`."""
    ref = e.name_arg(0)
    if ref in indicators:
        return lambda env: env.capaian(ref, exact)
    return lambda env: env.mean(ref, exact)  # a sasaran, an office or `overall`


def _call(e: ast.Call, indicators: Collection[str]) -> Fn:
    if e.function in ("prev", "prev_period"):
        name = e.name_arg(0)
        count = int(e.number_arg(1)) if len(e.args) == 2 else 1
        if e.function == "prev":
            return lambda env: env.prev(name, count)
        return lambda env: env.prev_period(name, count)
    if e.function == "capaian":
        return _reading(e, indicators, exact=False)
    if e.function in ("exact", "rounded"):
        inner = e.args[0]
        if isinstance(inner, ast.Call):  # exact(capaian(X)); the checker allows nothing else but X
            return _reading(inner, indicators, exact=e.function == "exact")
        name, exact = e.name_arg(0), e.function == "exact"
        return lambda env: env.ref(name, exact)
    args = [compile_expr(a, indicators) for a in e.args]
    if e.function == "min":
        return lambda env: min(a(env) for a in args)
    if e.function == "max":
        return lambda env: max(a(env) for a in args)
    if e.function == "abs":
        only = args[0]
        return lambda env: abs(only(env))
    if e.function == "mean":
        count_of_args = Decimal(len(args))
        return lambda env: sum((a(env) for a in args), ZERO) / count_of_args
    raise ast.NotChecked(f"unknown function {e.function}")  # pragma: no cover


# ---- policies ------------------------------------------------------------------------

DEFAULT_POLICY = Policy(
    cap=Declared(None, "default"), floor=Declared(None, "default"), nihil=Declared(Nihil.ERROR, "default"),
    lower_formula=Declared(LowerFormula.TWO_T_MINUS_R, "default"),
    round=Declared(Rounding(RoundMode.HALF_UP, 2), "default"),
    round_realisasi=Declared(Rounding(RoundMode.NONE), "default"), rollup=Declared(Rollup.BY_KIND, "default"),
    unreported=Declared(Unreported.EXCLUDED, "default"), bands=Declared(BAND_PRESETS["lkjip"], "default"),
    period_targets=Declared(PeriodTargets.CUMULATIVE, "default"),
    target_fallback=Declared(TargetFallback.NONE, "default"),
)


def _origin(where: str, s: ast.Setting) -> str:
    """The rule a policy value comes from: `indicator at f.kin:12`."""
    return f"{where} at {s.span.file}:{s.span.line}"


def _rounding(s: ast.Setting) -> Rounding:
    mode = s.arg(0).as_enum(RoundMode)
    if mode is RoundMode.NONE:
        return Rounding(RoundMode.NONE)
    scope = s.arg(2).as_enum(RealisasiScope) if len(s.args) == 3 else RealisasiScope.COMPUTED
    return Rounding(mode, int(s.arg(1).number), also_given=scope is RealisasiScope.ALSO_GIVEN)


def _policy(settings: Mapping[str, ast.Setting], base: Policy, where: str, bandsets: Mapping[str, BandSet]) -> Policy:
    """The policy of a block: each setting it states, else the value of `base`."""
    def declared(key: str, read: Callable[[ast.Setting], T], inherited: Declared[T]) -> Declared[T]:
        s = settings.get(key)
        return inherited if s is None else Declared(read(s), _origin(where, s))

    def bands(s: ast.Setting) -> BandSet:
        name = s.arg(0).text
        found = bandsets.get(name) or BAND_PRESETS.get(name)
        if found is None:
            raise ast.NotChecked(f"unknown band set `{name}`")  # E101
        return found

    return Policy(
        cap=declared("cap", lambda s: s.arg(0).number_or_none, base.cap),
        floor=declared("floor", lambda s: s.arg(0).number_or_none, base.floor),
        nihil=declared("nihil", lambda s: s.arg(0).as_enum(Nihil), base.nihil),
        lower_formula=declared("lower_formula", lambda s: s.arg(0).as_enum(LowerFormula), base.lower_formula),
        round=declared("round", _rounding, base.round),
        round_realisasi=declared("round_realisasi", _rounding, base.round_realisasi),
        rollup=declared("rollup", lambda s: s.arg(0).as_enum(Rollup), base.rollup),
        unreported=declared("unreported", lambda s: s.arg(0).as_enum(Unreported), base.unreported),
        bands=declared("bands", bands, base.bands),
        period_targets=declared("period_targets", lambda s: s.arg(0).as_enum(PeriodTargets), base.period_targets),
        target_fallback=declared("target_fallback", lambda s: s.arg(0).as_enum(TargetFallback), base.target_fallback),
    )


def _aggregation(model: CheckedModel) -> dict[str, Aggregation]:
    out: dict[str, Aggregation] = {level.value: Aggregation(level, AggregateMethod.MEAN, source, "default")
                                   for level, source in DEFAULT_AGGREGATE_SOURCE.items()}
    for block in model.policy_blocks:
        for s in block.settings:
            if s.key != "aggregate":
                continue
            level = s.arg(0).as_enum(AggregateLevel)
            method = s.arg(1).as_enum(AggregateMethod)
            words = [a for a in s.args[2:] if a.text != "rounded"]
            source = words[0].as_enum(AggregateSource) if words else out[level].source
            rounded = len(words) < len(s.args) - 2
            out[level] = Aggregation(level, method, source, _origin("policy", s), rounded)
    return out


def _bandset(bs: ast.BandSet) -> BandSet:
    intervals = []
    for band in bs.bands:
        low: Decimal | None = None
        high: Decimal | None = None
        low_closed = high_closed = False
        for bound in band.bounds:
            if bound.op in (">=", ">"):
                low, low_closed = bound.value, bound.op == ">="
            else:
                high, high_closed = bound.value, bound.op == "<="
        intervals.append(BandInterval(band.label, low, low_closed, high, high_closed))
    return BandSet(bs.id, bs.label or bs.id, tuple(intervals))


# ---- composite indices ----------------------------------------------------------------

def _options(options: tuple[ast.Setting, ...]) -> dict[str, ast.Setting]:
    return {o.key: o for o in options}


def _nihil(options: Mapping[str, ast.Setting], inherited: Declared[Nihil]) -> Declared[Nihil]:
    """The nihil rule of an index node: its own option, else its parent's."""
    own = options.get("nihil")
    if own is None:
        return inherited
    return Declared(own.arg(0).as_enum(Nihil), _origin("index", own))


def _node(node: ast.Group | ast.Component, indicators: Collection[str], nihil: Declared[Nihil]) -> CompositeNode:
    options = _options(node.options)
    weight = options["weight"].arg(0).number if "weight" in options else None
    nihil = _nihil(options, nihil)
    if isinstance(node, ast.Component):
        rounding = _rounding(options["round"]) if "round" in options else None  # of the ratio: 3 places = 85,6%
        return CompositeNode(node.id, node.label or node.id, "component", weight, nihil=nihil, round=rounding,
                             fn=compile_expr(node.expr, indicators), formula=expression(node.expr))
    return _group(node, node.id, node.label or node.id, weight, indicators, nihil)


def _group(group: ast.Group | ast.Index, ident: str, label: str, weight: Decimal | None,
           indicators: Collection[str], nihil: Declared[Nihil]) -> CompositeNode:
    options = _options(group.options)
    nihil = _nihil(options, nihil)
    combine = options["combine"].arg(0).as_enum(Combine) if "combine" in options else Combine.WEIGHTED_SUM
    scale = options["scale"].arg(0).number if "scale" in options else ONE
    cap = options["cap"].arg(0).number_or_none if "cap" in options else None
    children = tuple(_node(c, indicators, nihil) for c in group.children)
    rounding = _rounding(options["round"]) if "round" in options else None
    targets = {(t.year, t.period): _target(t.value) for t in group.targets} if isinstance(group, ast.Group) else {}
    return CompositeNode(ident, label, "group", weight, combine, scale, cap, nihil, rounding, children,
                         targets=targets)


# ---- the catalog ----------------------------------------------------------------------------

def _target(v: ast.TargetValue) -> TargetSpec:
    return TargetSpec(v.low, v.high, str(v), v.span.line)


def _text(s: ast.Setting | None, default: str = "") -> str:
    """A setting's words as one text: quoted texts as meant, names as written."""
    if s is None or not s.args:
        return default
    return " ".join(a.text_value for a in s.args)


METADATA_KEYS = ("definition", "source", "responsible", "frequency", "note")


def _required(settings: Mapping[str, ast.Setting], key: str) -> ast.Setting:
    """A setting the checker requires of every indicator (`direction`: E103)."""
    if key not in settings:
        raise ast.NotChecked(f"no `{key}`")
    return settings[key]


def compile_indicator(ind: ast.Indicator, model: CheckedModel, base: Policy,
                      bandsets: Mapping[str, BandSet], year: int | None = None) -> Indicator:
    """An indicator under the catalog's policy `base`, then the scoped policies that select it (in
    the order written; those of `year` too), then its own settings."""
    settings = {s.key: s for s in ind.body if isinstance(s, ast.Setting)}
    for block in model.policy_blocks:
        if block.scope and not _year_only(block) and scope_selects(block.scope, ind, year) and (
                year is not None or _year_of(block) is None):
            base = _policy({s.key: s for s in block.settings}, base, scope_text(block.scope), bandsets)
    policy = _policy(settings, base, "indicator", bandsets)
    names = model.indicators
    num, den, val, idx = ind.formula("numerator"), ind.formula("denominator"), ind.formula("value"), ind.index
    formulas: dict[str, str] = {}
    kind: Literal["ratio", "value", "index"]
    numerator = denominator = value = None
    index = None
    if num and den:
        kind = "ratio"
        numerator, denominator = compile_expr(num.expr, names), compile_expr(den.expr, names)
        formulas.update(numerator=expression(num.expr), denominator=expression(den.expr),
                        # the whole ratio as one expression, so `(a + b) / c` keeps its parentheses
                        ratio=expression(ast.Binary("/", num.expr, den.expr, num.span)))
    elif val:
        kind = "value"
        value = compile_expr(val.expr, names)
        formulas["value"] = expression(val.expr)
    elif idx is not None:
        kind = "index"
        index = _group(idx, ind.id, ind.label or ind.id, None, names, policy.nihil)
    else:
        raise ast.NotChecked(f"indicator `{ind.id}` has no formula")  # E113
    scale = settings["scale"].arg(0).number if "scale" in settings else ONE
    weight = settings["weight"].arg(0).number if "weight" in settings else None
    exprs = list(ast.indicator_exprs(ind))
    nodes = [node for e in exprs for node in walk(e)]
    fields = sorted({n.id for n in nodes if isinstance(n, ast.Name) and n.id in model.fields}
                    | {c.name_arg(0) for c in nodes if isinstance(c, ast.Call) and c.function in EARLIER})
    additive = val is not None and _additive(val.expr, model.fields)
    earlier = tuple(sorted({(c.name_arg(0), c.function, int(c.number_arg(1)) if len(c.args) == 2 else 1)
                            for c in nodes if isinstance(c, ast.Call) and c.function in EARLIER}))
    rng = ind.range
    iku = settings.get("iku")
    bands = settings.get("bands")
    return Indicator(
        id=ind.id, label=ind.label or ind.id,
        sasaran=_text(settings.get("sasaran")) or None, office=_text(settings.get("office")) or None,
        unit=_text(settings.get("unit")), scale=scale,
        direction=_required(settings, "direction").arg(0).as_enum(Direction),
        policy=policy, kind=kind, weight=weight,
        numerator=numerator, denominator=denominator, value=value, index=index,
        range=(rng.low, rng.high) if rng else None,
        targets={(t.year, t.period): _target(t.value) for t in ind.targets if not t.renstra},
        renstra={t.year: _target(t.value) for t in ind.targets if t.renstra},
        iku=iku is not None and (not iku.args or iku.arg(0).as_enum(Iku) is Iku.YES),
        predikat_of="realisasi" if bands is not None and len(bands.args) == 2 and bands.arg(1).text == "realisasi"
        else "capaian",
        metadata={k: _text(settings.get(k)) for k in METADATA_KEYS if k in settings},
        formulas=formulas, fields=tuple(fields), earlier=earlier, additive=additive,
        references=tuple(dict.fromkeys(n.id for n in model.referenced_indicators(ind))),
        reads_means=tuple(dict.fromkeys(n.id for n in model.referenced_means(ind))),
        budget_of=_text(settings.get("budget_of")) or None,
        file=ind.span.file, line=ind.span.line, family=_family(ind.span.via))


def _family(via: Instance | None) -> str | None:
    """Where an expanded indicator comes from, as kamus and explain name it (language-neutral)."""
    if via is None:
        return None
    office = f" per office {via.office}" if via.office is not None else ""
    return f"{via.template}{office} ({via.file}:{via.line})"


def _evaluation_order(indicators: Mapping[str, Indicator]) -> list[str]:
    """Indicator ids with every indicator after those it references (the checker ruled out cycles, E109)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(ident: str) -> None:
        if ident in seen:
            return
        seen.add(ident)
        for ref in indicators[ident].references:
            visit(ref)
        order.append(ident)

    for ident in indicators:
        visit(ident)
    return order


def _agreement(a: ast.Agreement) -> Agreement:
    settings = {s.key: s for s in a.body if isinstance(s, ast.Setting)}
    pagu: dict[str, Decimal] = {}
    for s in a.body:
        if isinstance(s, ast.Setting) and s.key == "pagu" and s.args:
            pagu[s.args[0].text if len(s.args) == 2 else "total"] = s.args[-1].number
    targets = tuple(AgreementTarget(t.indicator, t.period, _target(t.value), t.span.file, t.span.line)
                    for t in a.body if isinstance(t, ast.PkTarget))
    year = int(settings["year"].arg(0).number) if "year" in settings else None

    def party(key: str) -> tuple[str, ...]:
        return tuple(x.text_value for x in settings[key].args) if key in settings else ()

    return Agreement(a.label or "", year, _text(settings.get("office")) or None, party("first_party"),
                     party("second_party"), targets, pagu, a.span.file, a.span.line)


def _sasaran(s: ast.Sasaran) -> Sasaran:
    office = next((x for x in s.settings if x.key == "office"), None)
    weight = next((x.arg(0).number for x in s.settings if x.key == "weight" and x.args), None)
    return Sasaran(s.id, s.label or s.id, _text(office) or None, weight)


def _field(f: ast.FieldDecl) -> Field:
    kind = ast.enum_value(FieldKind, f.kind) if f.kind else FieldKind.NUMBER
    if kind is None:
        raise ast.NotChecked(f"`{f.kind}` is not a kind of field")  # E111
    rollup = ast.enum_value(Rollup, f.rollup) if f.rollup else None
    if f.rollup and rollup is None:
        raise ast.NotChecked(f"`{f.rollup}` is not a roll-up rule")  # E111
    parts = tuple(p.id for p in ast.summands(f.total) if isinstance(p, ast.Name)) if f.total is not None else ()
    return Field(f.id, f.label or f.id, kind, rollup, parts)


def scope_text(scope: tuple[ast.Setting, ...]) -> str:
    """A scoped policy as results name it: `policy for unit "%" and year 2023`."""
    def word(a: ast.Arg) -> str:
        return f'"{a.text}"' if a.kind == "string" else a.text
    return "policy for " + " and ".join(f"{s.key} {' '.join(word(a) for a in s.args)}" for s in scope)


def _year_of(block: ast.Policy) -> int | None:
    """The year a scoped policy is for (`policy for year 2023`), if it names one."""
    found = next((s for s in block.scope if s.key == "year"), None)
    return int(found.arg(0).number) if found is not None else None


def _year_only(block: ast.Policy) -> bool:
    """`policy for year 2023`: the office-wide policy of a year (no other selector)."""
    return bool(block.scope) and all(s.key == "year" for s in block.scope)


def _catalog_policy(model: CheckedModel, bandsets: Mapping[str, BandSet], year: int | None) -> Policy:
    """The office-wide policy, and in `year` the policies for that year alone (`policy for year
    2023`), which also decide the means' rounding and bands of that year."""
    base = _policy(model.policy, DEFAULT_POLICY, "policy", bandsets)
    for block in model.policy_blocks:
        if year is not None and _year_only(block) and _year_of(block) == year:
            base = _policy({s.key: s for s in block.settings}, base, scope_text(block.scope), bandsets)
    return base


def compile_model(model: CheckedModel) -> Catalog:
    bandsets = {b.id: _bandset(b) for b in model.bandsets.values()}
    catalog = _compile(model, bandsets, None)
    years = sorted({y for b in model.policy_blocks if (y := _year_of(b)) is not None})
    return replace(catalog, variants={y: _compile(model, bandsets, y) for y in years})


def _compile(model: CheckedModel, bandsets: Mapping[str, BandSet], year: int | None) -> Catalog:
    """The catalog as it evaluates `year` (None: a year no scoped policy names)."""
    base = _catalog_policy(model, bandsets, year)
    compiled = {i.id: compile_indicator(i, model, base, bandsets, year) for i in model.indicators.values()}
    ordered = {i: compiled[i] for i in _evaluation_order(compiled)}
    return Catalog(
        indicators=ordered,
        sasaran={s.id: _sasaran(s) for s in model.sasaran.values()},
        offices={o.id: Office(o.id, o.label or o.id, o.parent) for o in model.offices.values()},
        fields={f.id: _field(f) for f in model.fields.values()},
        bandsets=bandsets, policy=base, aggregation=_aggregation(model),
        agreements=tuple(_agreement(a) for a in model.agreements),
        files=tuple(f.path for f in model.files),
        declared_order=tuple(compiled),
    )


__all__ = ["compile_model", "compile_expr", "NihilCase", "UndefinedValue"]
