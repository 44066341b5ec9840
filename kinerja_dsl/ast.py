"""Typed syntax tree of a catalog file.

Frozen dataclasses, each carrying the `Span` it came from, so every later stage
(checker, compiler, formatter) can point a planner at the exact place in the file.
Settings keep the spelling the author used (`key_text`) beside the canonical key,
so the formatter can rewrite Indonesian aliases to the canonical English form.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, SupportsIndex, TypeVar

from .catalog import quantized
from .diagnostics import Span as Span  # where every node came from; defined beside the diagnostics that point at it
from .vocabulary import (AggregateLevel, AggregateMethod, AggregateSource, Combine, Direction, FieldKind, Iku,
                         LowerFormula, Nihil, PeriodTargets, RealisasiScope, Rollup, RoundMode, TargetFallback,
                         Unreported, canonical_value)


class NotChecked(Exception):
    """A typed accessor met what the checker rules out (a setting without its value, a word that is
    not one of its values): the catalog was compiled without passing the checker. A bug, never a
    finding about the user's file."""


E = TypeVar("E", bound=StrEnum)

# The enumerated settings' value kinds in vocabulary.VALUES, by the StrEnum of their values.
_VALUE_KINDS: dict[type[StrEnum], str] = {
    Direction: "direction", Nihil: "nihil", Rollup: "rollup", Unreported: "unreported",
    LowerFormula: "lower_formula", RoundMode: "round_mode", AggregateLevel: "aggregate_level",
    AggregateMethod: "aggregate_method", RealisasiScope: "realisasi_scope", AggregateSource: "aggregate_source",
    Combine: "combine",
    FieldKind: "field_kind", Iku: "iku", PeriodTargets: "period_targets", TargetFallback: "target_fallback",
}


def enum_value(enum_type: type[E], word: str) -> E | None:
    """The member a word (canonical or an Indonesian alias) names, or None when it names none."""
    value = canonical_value(_VALUE_KINDS[enum_type], word)
    return None if value is None else enum_type(value)


# ---- expressions -------------------------------------------------------------

@dataclass(frozen=True)
class Number:
    value: Decimal  # percent literals are already divided by 100
    text: str       # as written, e.g. "12.5%"
    span: Span


@dataclass(frozen=True)
class Name:
    id: str
    span: Span


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    span: Span

    def name_arg(self, position: int) -> str:
        """The name standing as an argument (`prev(pnbp)`, `capaian(SJ1)`), as the checker requires (E116)."""
        arg = self.args[position] if position < len(self.args) else None
        if not isinstance(arg, Name):
            raise NotChecked(f"`{self.function}` without a name as argument {position + 1}")
        return arg.id

    def number_arg(self, position: int) -> Decimal:
        """The number standing as an argument (`prev(pnbp, 4)`), as the checker requires (E116)."""
        arg = self.args[position] if position < len(self.args) else None
        if not isinstance(arg, Number):
            raise NotChecked(f"`{self.function}` without a number as argument {position + 1}")
        return arg.value


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Negate:
    operand: Expr
    span: Span


@dataclass(frozen=True)
class Compare:
    op: str  # == != >= > <= <
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class If:
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span


Expr = Number | Name | Call | Binary | Negate | Compare | If

# What each comparison operator means: the compiler's closures and the checker's constant folding.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
}


# ---- exact constants -----------------------------------------------------------

class ExactDecimal(Decimal):
    """A constant written as a fraction (`weight 1/3`): the engine computes with its Decimal
    (28 digits, as it always has), and sums of weights use `exact`, so three thirds make 100%."""

    __slots__ = ("exact",)
    exact: Fraction

    def __new__(cls, value: Decimal | str | int, exact: Fraction | None = None) -> ExactDecimal:
        self = super().__new__(cls, value)
        self.exact = Fraction(exact) if exact is not None else Fraction(Decimal(value))
        return self

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[type[ExactDecimal], tuple[str, Fraction]]:
        return type(self), (str(self), self.exact)


def exact(x: Decimal) -> Fraction:
    """The exact value of a constant: a fraction as written, any other Decimal as it is."""
    return x.exact if isinstance(x, ExactDecimal) else Fraction(x)


def weight_total(weights: Iterable[Decimal]) -> Fraction:
    """The one rule for weights (E106, P008): their exact sum, which must be exactly 1."""
    return sum((exact(w) for w in weights), Fraction(0))


def percent_text(total: Fraction) -> str:
    """A sum of weights as a percentage, with as many decimals as it takes to differ from 100%."""
    value = Decimal(total.numerator) * 100 / Decimal(total.denominator)
    for places in (2, 4, 6, 9, 12, 18):
        shown = quantized(value, Decimal(1).scaleb(-places))
        if total == 1 or shown != 100:
            return f"{shown.normalize():f}%"
    return f"{total.numerator * 100}/{total.denominator}%"


# ---- settings and statements -------------------------------------------------

@dataclass(frozen=True)
class Arg:
    kind: str  # "name" | "string" | "number" | "fraction"
    text: str  # source text ("12.5%", "1/6", "none"); strings without quotes
    value: Decimal | str  # Decimal for numbers (percent already /100), ExactDecimal for fractions
    span: Span
    percent: bool = False

    @property
    def divides_by_zero(self) -> bool:
        """`1/0`: a fraction whose denominator is 0 (its value is a placeholder 0; E119)."""
        return self.kind == "fraction" and Decimal(self.text.split("/", 1)[1]) == 0

    @property
    def is_number(self) -> bool:
        return self.kind in ("number", "fraction")

    @property
    def number(self) -> Decimal:
        """The value of a number or fraction argument, as the checker requires where one goes (E111)."""
        if not self.is_number or not isinstance(self.value, Decimal):
            raise NotChecked(f"`{self.text}` is not a number")
        return self.value

    @property
    def number_or_none(self) -> Decimal | None:
        """A number, or None for the word `none` (`cap none`)."""
        return None if self.kind == "name" and self.text == "none" else self.number

    @property
    def text_value(self) -> str:
        """A quoted text as the author meant it (escapes read); any other argument as written."""
        return self.value if self.kind == "string" and isinstance(self.value, str) else self.text

    def as_enum(self, enum_type: type[E]) -> E:
        """The member of an enumerated setting's value, as the checker requires (E111)."""
        value = enum_value(enum_type, self.text) if self.kind == "name" else None
        if value is None:
            raise NotChecked(f"`{self.text}` is not a {enum_type.__name__}")
        return value


@dataclass(frozen=True)
class Setting:
    key: str       # canonical key if known, else as written
    key_text: str  # as written (maybe an Indonesian alias)
    args: tuple[Arg, ...]
    span: Span
    key_span: Span

    def arg(self, position: int) -> Arg:
        """An argument the checker requires to be there (its arity check, E111)."""
        if position >= len(self.args):
            raise NotChecked(f"`{self.key}` without argument {position + 1}")
        return self.args[position]


@dataclass(frozen=True)
class Formula:
    kind: str  # "numerator" | "denominator" | "value"
    expr: Expr
    span: Span


@dataclass(frozen=True)
class TargetValue:
    low: Decimal
    high: Decimal | None  # a range target "80 .. 90"
    low_text: str
    high_text: str | None
    span: Span

    def __str__(self) -> str:
        return self.low_text if self.high_text is None else f"{self.low_text} .. {self.high_text}"


@dataclass(frozen=True)
class Target:
    year: int
    period: str | None  # None for the annual target; "TW1", "S1", "B01", ...
    value: TargetValue
    span: Span
    renstra: bool = False  # a Renstra (five-year plan) target, not a PK one
    year_text: str = ""


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal
    low_text: str
    high_text: str
    span: Span


@dataclass(frozen=True)
class Component:
    id: str
    label: str | None
    options: tuple[Setting, ...]
    expr: Expr
    span: Span


@dataclass(frozen=True)
class Group:
    id: str
    label: str | None
    options: tuple[Setting, ...]
    children: tuple[Group | Component, ...]
    span: Span
    targets: tuple[Target, ...] = ()  # a sub-index's own targets, printed with its own capaian


@dataclass(frozen=True)
class Index:
    options: tuple[Setting, ...]
    children: tuple[Group | Component, ...]
    span: Span


IndicatorStatement = Setting | Formula | Target | Range | Index


# ---- declarations ------------------------------------------------------------

@dataclass(frozen=True)
class Include:
    path: str
    span: Span
    extends: bool = False


@dataclass(frozen=True)
class Policy:
    settings: tuple[Setting, ...]
    span: Span
    # `policy for unit "%" and year 2023`: the selectors (each a key and its values, as a setting is
    # written); empty for the office-wide policy
    scope: tuple[Setting, ...] = ()


@dataclass(frozen=True)
class FieldDecl:
    id: str
    label: str | None
    kind: str | None  # count | amount | number | percent | score
    span: Span
    kind_span: Span | None = None
    rollup: str | None = None  # sum | average | last: how its sub-periods make a period (else by kind)
    rollup_span: Span | None = None
    total: Expr | None = None  # `= a + b`: the field is the total of those (checked by the checker, E124-E127)
    id_span: Span | None = None


@dataclass(frozen=True)
class Office:
    id: str
    label: str | None
    parent: str | None
    span: Span
    parent_span: Span | None = None
    id_span: Span | None = None


@dataclass(frozen=True)
class Sasaran:
    id: str
    label: str | None
    settings: tuple[Setting, ...]
    span: Span
    has_block: bool = False
    id_span: Span | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str | None
    body: tuple[IndicatorStatement, ...]
    span: Span
    id_span: Span | None = None

    def settings(self, key: str) -> list[Setting]:
        return [s for s in self.body if isinstance(s, Setting) and s.key == key]

    @property
    def sasaran_id(self) -> str | None:
        """The sasaran its (last) `sasaran` setting names, None without one."""
        s = self.setting("sasaran")
        return s.args[0].text if s is not None and s.args else None

    def setting(self, key: str) -> Setting | None:
        found = self.settings(key)
        return found[-1] if found else None

    def formula(self, kind: str) -> Formula | None:
        found = [s for s in self.body if isinstance(s, Formula) and s.kind == kind]
        return found[-1] if found else None

    @property
    def targets(self) -> list[Target]:
        return [s for s in self.body if isinstance(s, Target)]

    @property
    def range(self) -> Range | None:
        found = [s for s in self.body if isinstance(s, Range)]
        return found[-1] if found else None

    @property
    def index(self) -> Index | None:
        found = [s for s in self.body if isinstance(s, Index)]
        return found[-1] if found else None


@dataclass(frozen=True)
class Bound:
    op: str  # >= > <= <
    value: Decimal
    text: str
    span: Span


@dataclass(frozen=True)
class Band:
    label: str
    bounds: tuple[Bound, ...]
    span: Span


@dataclass(frozen=True)
class BandSet:
    id: str
    label: str | None
    bands: tuple[Band, ...]
    span: Span
    id_span: Span | None = None


@dataclass(frozen=True)
class PkTarget:
    indicator: str
    period: str | None
    value: TargetValue
    span: Span
    indicator_span: Span | None = None


@dataclass(frozen=True)
class Agreement:
    label: str | None
    body: tuple[Setting | PkTarget, ...]
    span: Span


@dataclass(frozen=True)
class Template:
    """`template NAME(params) { … }`: declarations written once, expanded per `use`. The body is
    kept as source text (`body`, starting at line `body_line`, column `body_column`), since a
    `$param` may stand where the grammar takes a name, a number or a text."""

    id: str
    params: tuple[str, ...]
    body: str
    body_line: int
    body_column: int
    span: Span
    id_span: Span
    param_spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class UseArg:
    name: str | None  # `field = adm1_ikl`; None for a positional argument
    value: Arg
    span: Span


@dataclass(frozen=True)
class Use:
    """`use NAME(args) [per office A B | per office under P]`: one instance of a template, or one
    per office named or per office whose parent is P."""

    template: str
    args: tuple[UseArg, ...]
    span: Span
    template_span: Span
    offices: tuple[Arg, ...] = ()  # `per office adm ahu`
    under: Arg | None = None      # `per office under pas`


Declaration = Include | Policy | FieldDecl | Office | Sasaran | Indicator | BandSet | Agreement | Template | Use
NamedDeclaration = FieldDecl | Office | Sasaran | Indicator | BandSet  # those with an id: one namespace per kind


@dataclass(frozen=True)
class Comment:
    text: str  # including the leading '#'
    line: int
    column: int


@dataclass(frozen=True)
class CatalogFile:
    path: str
    declarations: tuple[Declaration, ...]
    comments: tuple[Comment, ...] = field(default=())
    source: str = ""


# ---- traversal ---------------------------------------------------------------------

def children(node: Expr) -> tuple[Expr, ...]:
    """Sub-expressions of an expression node."""
    if isinstance(node, (Binary, Compare)):
        return (node.left, node.right)
    if isinstance(node, Negate):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, If):
        return (node.condition, node.then, node.otherwise)
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of an expression, iteratively (deep expressions must not recurse)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def summands(expr: Expr) -> list[Expr]:
    """The terms of a sum `a + b + (c + d)`, in order (iteratively: a long sum must not recurse); an
    expression that is no sum is its own one term. What a declared total adds up (field `t = a + b`)."""
    out: list[Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Binary) and node.op == "+":
            stack.extend((node.right, node.left))
        else:
            out.append(node)
    return out


def nesting(expr: Expr) -> tuple[int, int]:
    """(nesting depth, height) of an expression, iteratively.

    The nesting depth counts the levels a reader opens: a call's arguments, an `if`'s parts, and
    an operation that stands as the right operand of another (`a - (b - c)`, `a + b * c`) or under
    a sign or a comparison. A left-associative chain (`a1 + a2 + … + a65`, `a * b / c`) stays on
    one level however long it is. The height counts every node on the longest path, which is
    what the recursive readers of the tree (compiler, formatter) spend their stack on."""
    deepest = highest = 0
    stack: list[tuple[Expr, int, int]] = [(expr, 1, 1)]
    while stack:
        node, depth, height = stack.pop()
        deepest, highest = max(deepest, depth), max(highest, height)
        if isinstance(node, (Call, If)):
            stack.extend((c, depth + 1, height + 1) for c in children(node))
        else:  # an operand that is itself an operation opens a level, except down a chain's left side
            operands = children(node)
            for k, c in enumerate(operands):
                opens = isinstance(c, (Binary, Compare, Negate)) and not (k == 0 and isinstance(node, Binary))
                stack.append((c, depth + 1 if opens else depth, height + 1))
    return deepest, highest


def index_nodes(node: Index | Group) -> Iterator[Group | Component]:
    """Every group and component below an index or group."""
    for child in node.children:
        yield child
        if isinstance(child, Group):
            yield from index_nodes(child)


def indicator_exprs(ind: Indicator) -> Iterator[Expr]:
    """Every expression of an indicator: formulas and index components."""
    for s in ind.body:
        if isinstance(s, Formula):
            yield s.expr
        elif isinstance(s, Index):
            for node in index_nodes(s):
                if isinstance(node, Component):
                    yield node.expr


# ---- canonical text ------------------------------------------------------------------

_PRECEDENCE = {"+": 2, "-": 2, "*": 3, "/": 3}


def _precedence(e: Expr) -> int:
    if isinstance(e, If):
        return 0
    if isinstance(e, Compare):
        return 1
    if isinstance(e, Binary):
        return _PRECEDENCE[e.op]
    if isinstance(e, Negate):
        return 4
    return 5


def expression(e: Expr, keyword: Callable[[str], str] = str) -> str:
    """An expression with the fewest parentheses that keep its meaning: what `fmt` writes, and the
    formula text the compiled catalog carries for explanations and diffs. `keyword` spells the
    words `if`, `then`, `else` (fmt writes them in the file's keyword language)."""
    if isinstance(e, Number):
        return e.text
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Call):
        return f"{e.function}(" + ", ".join(expression(a, keyword) for a in e.args) + ")"
    if isinstance(e, Negate):
        inner = expression(e.operand, keyword)
        return f"-{inner}" if _precedence(e.operand) >= 4 else f"-({inner})"
    if isinstance(e, If):
        return (f"{keyword('if')} {expression(e.condition, keyword)} {keyword('then')} "
                f"{_wrapped(e.then, 1, keyword)} {keyword('else')} {expression(e.otherwise, keyword)}")
    if isinstance(e, Compare):
        return f"{_wrapped(e.left, 2, keyword)} {e.op} {_wrapped(e.right, 2, keyword)}"
    precedence = _PRECEDENCE[e.op]
    # left-associative: a - (b - c) keeps its parentheses
    return f"{_wrapped(e.left, precedence, keyword)} {e.op} {_wrapped(e.right, precedence + 1, keyword)}"


def _wrapped(e: Expr, minimum: int, keyword: Callable[[str], str] = str) -> str:
    text = expression(e, keyword)
    return f"({text})" if _precedence(e) < minimum else text
