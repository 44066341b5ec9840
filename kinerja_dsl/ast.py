"""Typed syntax tree of a catalog file.

Frozen dataclasses, each carrying the `Span` it came from, so every later stage
(checker, compiler, formatter) can point a planner at the exact place in the file.
Settings keep the spelling the author used (`key_text`) beside the canonical key,
so the formatter can rewrite Indonesian aliases to the canonical English form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Union

from .catalog import quantized


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int


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
    args: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: "Expr"
    right: "Expr"
    span: Span


@dataclass(frozen=True)
class Negate:
    operand: "Expr"
    span: Span


@dataclass(frozen=True)
class Compare:
    op: str  # == != >= > <= <
    left: "Expr"
    right: "Expr"
    span: Span


@dataclass(frozen=True)
class If:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    span: Span


Expr = Union[Number, Name, Call, Binary, Negate, Compare, If]


# ---- exact constants -----------------------------------------------------------

class ExactDecimal(Decimal):
    """A constant written as a fraction (`weight 1/3`): the engine computes with its Decimal
    (28 digits, as it always has), and sums of weights use `exact`, so three thirds make 100%."""

    __slots__ = ("exact",)

    def __new__(cls, value, exact: Fraction | None = None):
        self = super().__new__(cls, value)
        self.exact = Fraction(exact) if exact is not None else Fraction(Decimal(value))
        return self

    def __reduce__(self):
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


@dataclass(frozen=True)
class Setting:
    key: str       # canonical key if known, else as written
    key_text: str  # as written (maybe an Indonesian alias)
    args: tuple[Arg, ...]
    span: Span
    key_span: Span


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
    children: tuple[Union["Group", Component], ...]
    span: Span
    targets: tuple[Target, ...] = ()  # a sub-index's own targets, printed with its own capaian


@dataclass(frozen=True)
class Index:
    options: tuple[Setting, ...]
    children: tuple[Union[Group, Component], ...]
    span: Span


IndicatorStatement = Union[Setting, Formula, Target, Range, Index]


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


@dataclass(frozen=True)
class FieldDecl:
    id: str
    label: str | None
    kind: str | None  # count | amount | number | percent | score
    span: Span
    kind_span: Span | None = None


@dataclass(frozen=True)
class Office:
    id: str
    label: str | None
    parent: str | None
    span: Span
    parent_span: Span | None = None


@dataclass(frozen=True)
class Sasaran:
    id: str
    label: str | None
    settings: tuple[Setting, ...]
    span: Span
    has_block: bool = False


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str | None
    body: tuple[IndicatorStatement, ...]
    span: Span
    id_span: Span | None = None

    def settings(self, key: str) -> list[Setting]:
        return [s for s in self.body if isinstance(s, Setting) and s.key == key]

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


@dataclass(frozen=True)
class PkTarget:
    indicator: str
    period: str | None
    value: TargetValue
    span: Span


@dataclass(frozen=True)
class Agreement:
    label: str | None
    body: tuple[Union[Setting, PkTarget], ...]
    span: Span


Declaration = Union[Include, Policy, FieldDecl, Office, Sasaran, Indicator, BandSet, Agreement]


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

def children(node) -> tuple:
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


def walk(expr):
    """Every node of an expression, iteratively (deep expressions must not recurse)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def nesting(expr) -> tuple[int, int]:
    """(nesting depth, height) of an expression, iteratively.

    The nesting depth counts the levels a reader opens: a call's arguments, an `if`'s parts, and
    an operation that stands as the right operand of another (`a - (b - c)`, `a + b * c`) or under
    a sign or a comparison. A left-associative chain (`a1 + a2 + … + a65`, `a * b / c`) stays on
    one level however long it is. The height counts every node on the longest path, which is
    what the recursive readers of the tree (compiler, formatter) spend their stack on."""
    deepest = highest = 0
    stack = [(expr, 1, 1)]
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


def index_nodes(node):
    """Every group and component below an index or group."""
    for child in node.children:
        yield child
        if isinstance(child, Group):
            yield from index_nodes(child)


def indicator_exprs(ind: Indicator):
    """Every expression of an indicator: formulas and index components."""
    for s in ind.body:
        if isinstance(s, Formula):
            yield s.expr
        elif isinstance(s, Index):
            for node in index_nodes(s):
                if isinstance(node, Component):
                    yield node.expr
