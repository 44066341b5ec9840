"""The compiled catalog: what the engine evaluates.

Plain frozen data plus compiled callables. Each policy value is a `Declared`
carrying where it came from, so every result can say which rule produced it.
The language package defines the signals an expression raises (nihil, undefined);
the engine decides what they mean under the declared policy.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Generic, Literal, Protocol, TypeVar

from .messages import N_, t
from .vocabulary import (AggregateLevel, AggregateMethod, AggregateSource, Combine, Direction, FieldKind,
                         LowerFormula, Nihil, PeriodTargets, Rollup, RoundMode, TargetFallback,
                         Unreported)


class NihilCase(Exception):
    """0 / 0 was reached: no cases happened. The nihil policy decides what it counts as."""


class UndefinedValue(Exception):
    """A value that has no meaning, e.g. a division of a non-zero number by zero."""


class Env(Protocol):
    """What a compiled expression reads: data fields, earlier periods, other indicators."""

    values: Mapping[str, Decimal]

    def prev(self, name: str, count: int) -> Decimal: ...
    def prev_period(self, name: str, count: int) -> Decimal: ...

    # another indicator's realisasi, its capaian, the capaian of a sasaran, an office or `overall`:
    # as the catalog rounds them, or (exact) before that rounding
    def ref(self, indicator_id: str, exact: bool = False) -> Decimal: ...

    def capaian(self, indicator_id: str, exact: bool = False) -> Decimal: ...

    def mean(self, ident: str, exact: bool = False) -> Decimal: ...


Fn = Callable[[Env], Decimal]

# The numbers every input may hold (catalog literals E121; data, PK and published figures D012).
# Eighteen digits on each side keep rupiah totals of a national budget and any realistic ratio,
# and leave the engine's 34-digit context room to divide and multiply without losing them.
MAX_INTEGER_DIGITS = 18
MAX_DECIMAL_PLACES = 18


def quantized(x: Decimal, quantum: Decimal, mode: str | None = None) -> Decimal:
    """x.quantize(quantum, mode) at any magnitude (mode None: the context's). quantize fails when its
    result needs more digits than the context keeps (a capaian of 1e33 to 2 places needs 36 of 34,
    and bounded inputs give capaian up to about 1e58); then a context wide enough is used. Exact."""
    try:
        return x.quantize(quantum, rounding=mode)
    except InvalidOperation:
        if not x.is_finite():
            raise
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, x.adjusted() - quantum.adjusted() + 2)
            return x.quantize(quantum, rounding=mode)


def out_of_range(x: Decimal) -> str | None:
    """Why an input number cannot be used exactly (not finite, too large, too fine), or None."""
    if not x.is_finite():
        return t("is not a finite number")
    if x.is_zero():
        return None
    # the exact tuple, not normalize() (which rounds to the context's precision); trailing zeros
    # are counted in one pass, so a cell of a million zeros costs linear time
    _, digits, exponent = x.as_tuple()
    assert isinstance(exponent, int)  # a finite number's ('n', 'N', 'F' mark NaN and infinity)
    significant = len(bytes(digits).rstrip(b"\0"))
    exponent += len(digits) - significant
    integer_digits = significant + exponent
    if integer_digits > MAX_INTEGER_DIGITS:
        return t("has {n} digits before the decimal point; at most {most} are kept exactly", n=integer_digits,
                 most=MAX_INTEGER_DIGITS)
    if -exponent > MAX_DECIMAL_PLACES:
        return t("has {n} decimal places; at most {most} are kept exactly", n=-exponent, most=MAX_DECIMAL_PLACES)
    return None


T = TypeVar("T", covariant=True)

# the blocks a policy value is declared in, as an origin names them (`indicator at f.kin:7`)
_ORIGIN_BLOCKS = {"policy": N_("policy"), "indicator": N_("indicator"), "index": N_("index")}


def origin_text(origin: str) -> str:
    """An origin ("default", "indicator at f.kin:7") in the reader's language; the stored origin stays English."""
    if origin == "default":
        return t("default")
    block, at, place = origin.rpartition(" at ")
    if at and block.startswith("policy for "):  # a scoped policy: its selectors as written
        return t("policy for {scope} at {place}", scope=block.removeprefix("policy for "), place=place)
    if at and block in _ORIGIN_BLOCKS:
        return t("{block} at {place}", block=t(_ORIGIN_BLOCKS[block]), place=place)
    return origin


def kind_rollup(kind: FieldKind) -> Rollup:
    """How a field of a kind makes a longer period when it declares no rule of its own: counts and
    amounts summed, scores, percentages and numbers averaged."""
    return Rollup.SUM if kind in (FieldKind.COUNT, FieldKind.AMOUNT) else Rollup.AVERAGE


@dataclass(frozen=True)
class Declared(Generic[T]):
    """A policy value and the rule that set it ("default", "policy at f.kin:3", …)."""

    value: T
    origin: str

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Rounding:
    mode: RoundMode
    places: int = 2
    also_given: bool = False  # round_realisasi only: also a realisasi given in the data (a printed figure)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", RoundMode(self.mode))  # `Rounding("half_up", 2)` gives the member

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self.mode is RoundMode.HALF_UP else ROUND_DOWN

    def apply(self, x: Decimal) -> Decimal:
        """The declared rounding of any finite value: half-up away from zero (-2,505 -> -2,51), or
        truncation toward zero."""
        if self.mode is RoundMode.NONE:
            return x
        return quantized(x, self.quantum, self.decimal_mode)

    def __str__(self) -> str:
        if self.mode == "none":
            return "none"
        return f"{self.mode} {self.places}{' also_given' if self.also_given else ''}"


@dataclass(frozen=True)
class BandInterval:
    label: str
    low: Decimal | None
    low_closed: bool
    high: Decimal | None
    high_closed: bool

    def contains(self, x: Decimal) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_closed)):
            return False
        return self.high is None or not (x > self.high or (x == self.high and not self.high_closed))


@dataclass(frozen=True)
class BandSet:
    id: str
    label: str
    bands: tuple[BandInterval, ...]

    def classify(self, x: Decimal) -> str | None:
        for band in self.bands:
            if band.contains(x):
                return band.label
        return None


def _band(label: str, low: int | None = None, low_closed: bool = True, high: int | None = None,
          high_closed: bool = False) -> BandInterval:
    return BandInterval(label, None if low is None else Decimal(low), low_closed,
                        None if high is None else Decimal(high), high_closed)


# The presets of DESIGN §3.6, as gap-free half-open intervals.
BAND_PRESETS: dict[str, BandSet] = {
    "lkjip": BandSet("lkjip", "Predikat LKjIP", (
        _band("Sangat Baik", 91), _band("Baik", 76, True, 91), _band("Cukup", 66, True, 76),
        _band("Kurang", 51, True, 66), _band("Sangat Kurang", None, True, 51))),
    "ikpa": BandSet("ikpa", "Predikat IKPA", (
        _band("Sangat Baik", 95), _band("Baik", 89, True, 95), _band("Cukup", 70, True, 89),
        _band("Kurang", None, True, 70))),
    "sakip": BandSet("sakip", "Predikat SAKIP", (
        _band("AA", 90, False), _band("A", 80, False, 90, True), _band("BB", 70, False, 80, True),
        _band("B", 60, False, 70, True), _band("CC", 50, False, 60, True), _band("C", 30, False, 50, True),
        _band("D", None, True, 30, True))),
}


@dataclass(frozen=True)
class Policy:
    """Effective policies for one indicator (or the catalog defaults)."""

    cap: Declared[Decimal | None]
    floor: Declared[Decimal | None]
    nihil: Declared[Nihil]
    lower_formula: Declared[LowerFormula]
    round: Declared[Rounding]            # of capaian
    round_realisasi: Declared[Rounding]  # of realisasi before capaian
    rollup: Declared[Rollup]
    unreported: Declared[Unreported]     # an office below that did not report a score, in a roll-up
    bands: Declared[BandSet]
    period_targets: Declared[PeriodTargets]    # how a TW3 target is meant: up to TW3, or TW3 alone
    target_fallback: Declared[TargetFallback]  # the target of a period without one of its own


@dataclass(frozen=True)
class Aggregation:
    level: AggregateLevel
    method: AggregateMethod
    source: AggregateSource
    origin: str
    rounded: bool = False  # mean of the items' printed (rounded) capaian instead of the exact ones

    @property
    def off(self) -> bool:
        """`aggregate LEVEL none`: the level is not computed, and no output shows it."""
        return self.method is AggregateMethod.NONE

    @property
    def rule(self) -> str:
        """The rule in the DSL's own words, as the policy summary and `diff` print it: `mean of
        sasaran`, `mean of indicators rounded`, `none`."""
        if self.off:
            return "none"
        return f"{self.method} of {self.source}{' rounded' if self.rounded else ''}"


@dataclass(frozen=True)
class TargetSpec:
    low: Decimal
    high: Decimal | None
    text: str
    line: int = 0

    @property
    def is_range(self) -> bool:
        return self.high is not None


@dataclass(frozen=True)
class CompositeNode:
    """A group (children combined) or a component (a ratio expression) of an index."""

    id: str
    label: str
    kind: Literal["group", "component"]
    weight: Decimal | None
    combine: Combine = Combine.WEIGHTED_SUM  # of a group's children
    scale: Decimal = Decimal(1)
    cap: Decimal | None = None
    nihil: Declared[Nihil] = Declared(Nihil.ERROR, "default")  # the rule in force (the compiler always sets it)
    round: Rounding | None = None   # a group's value, or a component's ratio, rounded before it is weighted
    children: tuple[CompositeNode, ...] = ()
    fn: Fn | None = None
    formula: str = ""
    targets: Mapping[tuple[int, str | None], TargetSpec] = field(default_factory=dict)  # a sub-index's own


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    sasaran: str | None
    office: str | None
    unit: str
    scale: Decimal
    direction: Direction
    policy: Policy
    kind: Literal["ratio", "value", "index"]
    numerator: Fn | None = None
    denominator: Fn | None = None
    value: Fn | None = None
    index: CompositeNode | None = None
    weight: Decimal | None = None
    range: tuple[Decimal, Decimal] | None = None
    targets: Mapping[tuple[int, str | None], TargetSpec] = field(default_factory=dict)
    renstra: Mapping[int, TargetSpec] = field(default_factory=dict)
    iku: bool = False
    predikat_of: Literal["capaian", "realisasi"] = "capaian"  # what the bands classify (an IKPA score: realisasi)
    metadata: Mapping[str, str] = field(default_factory=dict)
    # kind -> canonical text; "ratio" is numerator / denominator as one expression
    formulas: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # (field, function, count) of every read of an earlier period: ("pnbp", "prev", 1) is last year's pnbp
    earlier: tuple[tuple[str, str, int], ...] = ()
    additive: bool = False  # a value of fields under + and − only: it adds up over periods as they do
    reads_means: tuple[str, ...] = ()  # `capaian(SJ1)`: sasaran, offices or `overall` it reads, computed before it
    budget_of: str | None = None  # the sasaran or indicator whose budget absorption this indicator is
    file: str = ""
    line: int = 0
    # the template and the `use` it was expanded from: `anggaran (catalog.kin:861)`, `serapan per office
    # adm (catalog.kin:22)` (None: written out)
    family: str | None = None

    def target(self, year: int, period: str | None = None) -> TargetSpec | None:
        return self.targets.get((year, period))


@dataclass(frozen=True)
class Sasaran:
    id: str
    label: str
    office: str | None
    weight: Decimal | None


@dataclass(frozen=True)
class Office:
    id: str
    label: str
    parent: str | None


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: FieldKind
    rollup: Rollup | None = None  # declared on the field (`field pagu "Pagu" amount last`), else by its kind
    parts: tuple[str, ...] = ()   # `= a + b`: the field is the total of these (data check D014, derived value)


@dataclass(frozen=True)
class AgreementTarget:
    indicator: str
    period: str | None
    target: TargetSpec
    file: str
    line: int


@dataclass(frozen=True)
class Agreement:
    label: str
    year: int | None
    office: str | None
    first_party: tuple[str, ...]
    second_party: tuple[str, ...]
    targets: tuple[AgreementTarget, ...]
    pagu: Mapping[str, Decimal]
    file: str
    line: int


@dataclass(frozen=True)
class Catalog:
    indicators: Mapping[str, Indicator]   # in evaluation order: references first
    sasaran: Mapping[str, Sasaran]
    offices: Mapping[str, Office]
    fields: Mapping[str, Field]
    bandsets: Mapping[str, BandSet]
    policy: Policy
    aggregation: Mapping[str, Aggregation]
    agreements: tuple[Agreement, ...] = ()
    files: tuple[str, ...] = ()
    declared_order: tuple[str, ...] = ()  # indicator ids as written, for display
    # the catalog as it evaluates a year that a scoped policy names (`policy for year 2023`)
    variants: Mapping[int, Catalog] = field(default_factory=dict)

    def for_year(self, year: int) -> Catalog:
        """The catalog whose policies are those of `year`: itself unless a policy is for that year."""
        return self.variants.get(year, self)

    def totals(self) -> list[Field]:
        """The declared totals, each after the totals among its parts (the checker rules out circles,
        E126): the order in which the data derives them and checks them."""
        out: list[Field] = []
        placed: set[str] = set()

        def place(f: Field) -> None:
            stack = [(f, iter(f.parts))]
            while stack:
                node, parts = stack[-1]
                part = next(parts, None)
                if part is None:
                    stack.pop()
                    if node.id not in placed:
                        placed.add(node.id)
                        out.append(node)
                    continue
                below = self.fields.get(part)
                if below is not None and below.parts and below.id not in placed:
                    stack.append((below, iter(below.parts)))

        for f in self.fields.values():
            if f.parts:
                place(f)
        return out

    def field_rule(self, name: str) -> Rollup:
        """How a field's sub-periods make a period under `rollup by_kind`: its own declared rule,
        else counts and amounts summed and other kinds averaged (as over offices). A name that is
        no field (an indicator's realisasi given directly: a rate or a score) is averaged."""
        found = self.fields.get(name)
        if found is None:
            return Rollup.AVERAGE
        if found.rollup is not None:
            return found.rollup
        return kind_rollup(found.kind)

    def period_rule(self, ind: Indicator) -> Rollup:
        """How an indicator's periods make a longer one, which decides how its period targets add
        up: the declared `rollup`, or under `by_kind` `sum` for a value that adds its summed fields
        (a count of cases: `value selesai`), `average` for the rest (ratios, growth rates, indices,
        scores, a realisasi given directly)."""
        declared = ind.policy.rollup.value
        if declared != Rollup.BY_KIND:
            return declared
        if ind.additive and ind.fields and all(self.field_rule(f) == Rollup.SUM for f in ind.fields):
            return Rollup.SUM
        return Rollup.AVERAGE
