"""Columnar bulk evaluation: a whole tree of offices × periods at once, on numpy columns.

The exact evaluator (`evaluate.evaluate_period`) is the reference semantics; this module
computes the same results for many (period, office) rows at once and hands every row it
cannot decide with certainty to that evaluator. It never approximates silently:

* Data are columns: one int64 fixed-point array per field (value = mantissa × 10^-places),
  with a `present` mask. `DataColumns.from_dataset` converts a `Dataset`;
  `DataColumns.from_arrays` builds them directly (no Decimal per cell).
* Values are exact rationals p / q in int64 (no float anywhere), together with a bound on how far
  the engine's 34-digit decimal may lie from them (0: the engine holds the value exactly). A
  decision (a zero test, the range check, stabilize's R = T, a rounding step, a band of a
  realisasi, a mean's rounding) is taken on the exact value; it is the engine's whenever the value
  is not on the boundary (the rational grid of int64 values is far coarser than the engine's 34
  digits, checked per row against the bound) or is on it exactly as the engine holds it. Otherwise,
  and where a value does not fit in int64, the row goes to the exact evaluator (row mask). Cap,
  floor and an index group's cap are exact min/max and keep the bound.
* Rounded capaian are exact integers (units of 10^-places) once the rounding is decided, so the
  predikat is an integer comparison with the band bounds.
* What this module does not compute goes to the exact evaluator up front, by inspecting the
  catalog (`why_not_columnar`), or per row (missing data, roll-ups, 0/0 under `nihil error`,
  a division by zero, values wider than int64, any undecided comparison). Rows of one
  (period, office) sent to the exact path are evaluated together with every indicator of their
  sasaran, so those sasaran means come from the engine too; a mean that cannot be decided
  sends the whole (period, office) to `evaluate_period`.

RULES below is the table of every rule of the exact evaluator and how this path computes it;
a policy value missing from it (a new enum member) has no columnar form and its indicators go
to the exact path (tests/test_columnar.py checks the table covers every value).
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple, TypedDict, TypeVar, Union

import numpy as np
import numpy.typing as npt

from kinerja_dsl.catalog import Aggregation, BandSet, Catalog, CompositeNode, Indicator, Rounding
from kinerja_dsl.vocabulary import (AggregateLevel, AggregateMethod, AggregateSource, Combine, Direction,
                                    FieldKind, Iku, IndicatorKind, LowerFormula, Nihil, PeriodTargets, RealisasiScope, Rollup,
                                    RoundMode, TargetFallback, Unreported)

from ..readers.data import Dataset, Value
from ..periods import Period
from .policies import declared_target

if TYPE_CHECKING:
    from .evaluate import Evaluated
    from .results import AggregateResult, IndicatorResult

I64 = npt.NDArray[np.int64]     # mantissas, rounded values (units of 10^-places)
I16 = npt.NDArray[np.int16]     # band indices
I8 = npt.NDArray[np.int8]       # status codes
Mask = npt.NDArray[np.bool_]
Shape = Union[int, tuple[int, ...]]
Pairs = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]  # (row, indicator) index pairs
T = TypeVar("T", bound=np.generic)

# ---- the rule table ---------------------------------------------------------------------------

COLUMNAR = "columnar"        # computed here for every row (undecidable rows still go exact)
ROWS = "columnar, some rows exact"  # computed here; the rows named go to the exact evaluator
EXACT = "exact"              # every row of an indicator (or mean) using it goes to the exact evaluator


class Rule(NamedTuple):
    how: str   # COLUMNAR | ROWS | EXACT
    what: str  # the computation, or why it is exact


RULES: dict[Enum, Rule] = {
    # capaian by direction (policies.capaian), against one target; a range target: exact
    Direction.HIGHER: Rule(ROWS, "R / T × 100; target 0 (error) or a range target: exact"),
    Direction.LOWER: Rule(ROWS, "by lower_formula; target 0, R = 0 under t_over_r (errors): exact"),
    Direction.STABILIZE: Rule(ROWS, "R = T: 100; R < T: R / T × 100; R > T: (2T − R) / T × 100; "
                                    "R within the bound of T: exact"),
    LowerFormula.TWO_T_MINUS_R: Rule(COLUMNAR, "(2T − R) / T × 100"),
    LowerFormula.T_OVER_R: Rule(ROWS, "T / R × 100; R = 0 (error): exact"),
    # 0/0 (nihil) treatments, of an indicator and of an index component
    Nihil.ACHIEVED: Rule(COLUMNAR, "indicator: realisasi = scale, status nihil; component: 1"),
    Nihil.ZERO: Rule(COLUMNAR, "indicator: realisasi 0, capaian 0 before cap/floor, status nihil; component: 0"),
    Nihil.EXCLUDED: Rule(COLUMNAR, "indicator: status nihil, no capaian, out of every mean; component: left "
                                   "out, the group re-weighted over the others"),
    Nihil.ERROR: Rule(ROWS, "rows meeting 0/0: exact (status error with its reason)"),
    # rounding (Rounding.apply) of capaian, realisasi, index nodes and means
    RoundMode.HALF_UP: Rule(ROWS, "half away from zero, an integer of 10^-places; a value within the bound of a "
                                  "half: exact"),
    RoundMode.TRUNCATE: Rule(ROWS, "toward zero; a value within the bound of a step: exact"),
    RoundMode.NONE: Rule(EXACT, "as round_realisasi or an index node's round: no step (columnar); as the "
                                "capaian's or the means' round: exact, the unrounded 34-digit value is shown"),
    # index blocks
    Combine.WEIGHTED_SUM: Rule(COLUMNAR, "Σ weight × value; with children left out (nihil excluded), divided by "
                                         "the weights of the others; × scale, cap (min), round"),
    Combine.MEAN: Rule(COLUMNAR, "mean of the children not left out; × scale, cap (min), round"),
    # means (aggregate)
    AggregateLevel.SASARAN: Rule(ROWS, "mean of its indicators' capaian; exact when one of them is"),
    AggregateLevel.OFFICE: Rule(ROWS, "mean of its own indicators (or sasaran)"),
    AggregateLevel.OVERALL: Rule(ROWS, "mean of sasaran, offices or indicators"),
    AggregateMethod.MEAN: Rule(ROWS, "Σ value / n over the items with a capaian; near a rounding boundary: "
                                     "the whole (period, office) exact"),
    AggregateMethod.WEIGHTED: Rule(ROWS, "Σ w × value / Σ w; no weight: incomplete"),
    AggregateMethod.NONE: Rule(COLUMNAR, "the level is not computed: no rows"),
    AggregateSource.INDICATORS: Rule(COLUMNAR, "the indicators' capaian (exact, or rounded with `rounded`)"),
    AggregateSource.SASARAN: Rule(COLUMNAR, "the sasaran means"),
    AggregateSource.OFFICE: Rule(COLUMNAR, "the office means, weighted by what each holds"),
    # a scoped policy's selector (`policy for kind index`): compiled into each indicator's policy
    **{kind: Rule(COLUMNAR, "selects the indicators a scoped policy applies to (compiled)") for kind in IndicatorKind},
    RealisasiScope.COMPUTED: Rule(COLUMNAR, "round_realisasi rounds a computed realisasi; a given one: exact"),
    RealisasiScope.ALSO_GIVEN: Rule(COLUMNAR, "round_realisasi also rounds a given one; a given one: exact"),
    # data
    Rollup.SUM: Rule(ROWS, "a value given at the period is read; a roll-up from sub-periods: exact"),
    Rollup.AVERAGE: Rule(ROWS, "as sum"),
    Rollup.LAST: Rule(ROWS, "as sum"),
    Rollup.BY_KIND: Rule(ROWS, "as sum"),
    PeriodTargets.CUMULATIVE: Rule(ROWS, "a target declared for the period read; a cumulative period's, derived "
                                         "or fallen back: exact"),
    PeriodTargets.PER_PERIOD: Rule(ROWS, "as cumulative"),
    TargetFallback.NONE: Rule(ROWS, "only decides a period without a target of its own: exact"),
    TargetFallback.ANNUAL: Rule(ROWS, "as none"),
    Unreported.EXCLUDED: Rule(ROWS, "only decides a roll-up over offices of a missing value: exact"),
    Unreported.ZERO: Rule(ROWS, "as excluded"),
    FieldKind.COUNT: Rule(ROWS, "int64 fixed point; a value missing at the office (rolled up from below): exact"),
    FieldKind.AMOUNT: Rule(ROWS, "as count; wider than int64 at its places: exact"),
    FieldKind.NUMBER: Rule(ROWS, "as count"),
    FieldKind.PERCENT: Rule(ROWS, "as count"),
    FieldKind.SCORE: Rule(ROWS, "as count"),
    Iku.YES: Rule(COLUMNAR, "no effect on evaluation"),
    Iku.NO: Rule(COLUMNAR, "no effect on evaluation"),
}

# Rules that are not enum values: what the exact evaluator does beyond the declared policies.
OTHER_RULES: dict[str, Rule] = {
    "ratio": Rule(ROWS, "numerator / denominator × scale; x/0: exact (error); 0/0: the nihil rule"),
    "value": Rule(COLUMNAR, "value × scale"),
    "index": Rule(COLUMNAR, "the index tree × scale; every component left out: the indicator's nihil rule"),
    "expressions": Rule(ROWS, "numbers, data fields, + − × / and unary minus; an inner 0/0 is nihil, x/0 exact; "
                              "other indicators, prev(), capaian(), min/max/mean/abs, if and comparisons: exact"),
    "cap/floor": Rule(COLUMNAR, "value > cap: cap, else value < floor: floor (a cap below the floor: exact)"),
    "range": Rule(ROWS, "realisasi outside the declared range: exact (status error with its reason)"),
    "targets": Rule(ROWS, "one target for the period; none for the period, a range or 0: exact"),
    "given realisasi": Rule(ROWS, "an indicator's realisasi given in the data: exact"),
    "predikat": Rule(COLUMNAR, "the bands on the rounded capaian (integers); on realisasi: within the bound of "
                               "a band bound, exact"),
}

ENUMS = (Direction, Nihil, Rollup, Unreported, LowerFormula, RoundMode, AggregateLevel, AggregateMethod,
         AggregateSource, Combine, FieldKind, Iku, PeriodTargets, TargetFallback, RealisasiScope, IndicatorKind)


def rule(value: object) -> Rule | None:
    """How this path computes a policy value (None: no columnar form; its indicators go exact).
    A StrEnum member and its word are the same key."""
    try:
        return RULES.get(value)  # type: ignore[call-overload]  # any object may be looked up; a non-member misses
    except TypeError:  # not hashable: not a policy value
        return None


# ---- exact rationals with a bound on the engine's rounding ----------------------------------------
#
# A value is a rational p / q (int64, q > 0, reduced): the exact value of the formula over the data,
# or of a mean's items on a grid of 10^-12, and b, a bound on how far the engine's 34-digit
# decimal may lie from it: |engine − p/q| ≤ b × 2^-80 (one step of the engine adds its rounding,
# at most 10^-33 × |r| < 2^-109 × |r|). b = 0: the engine holds p/q exactly (every step
# representable in 34 digits). A decision against a boundary c = pc / qc is taken when
# |p/q − c| = dn / (q × qc) > b × 2^-80, checked on bit lengths; on the boundary itself only when
# b = 0. For a value the formula gives exactly, dn ≥ 1 already decides while b × q × qc < 2^80:
# the rational grid of int64 values is far coarser than the engine's 34 digits. A result that does
# not fit (|p| or q above 2^61) has b = BAD: no decision, the row goes to the exact evaluator.
# No float is involved: every value, bound and decision is an integer computation.

SAFE = 2 ** 61            # |p|, q and every product kept at most this (sums of two stay in int64)
BAD = 2 ** 60             # b at or above: the value is not known here
EPS_BITS = 80             # b counts units of 2^-80
ROUNDING_SHIFT = 29       # one rounding of the engine, ≤ 2^-109 × |r|, is ≤ (|r| >> 29) + 1 units
REPRESENTABLE = 10 ** 15  # p/q with q | 10^15 and |p| < 2^61 < 10^19 has at most 34 digits
_POW2 = np.array([2 ** i for i in range(63)], dtype=np.int64)


class Num(NamedTuple):
    """Exact values p / q and the bound b of the engine's distance from them (0: exact)."""

    p: I64
    q: I64
    b: I64

    def at(self, index: object) -> Num:
        """The same rows or columns of the three arrays."""
        return Num(self.p[index], self.q[index], self.b[index])  # type: ignore[call-overload]  # any numpy index


def _bits(a: I64) -> I64:
    """Bit length of non-negative integers (0 for 0)."""
    return np.searchsorted(_POW2, a, side="right").astype(np.int64)


def _fits(a: I64 | np.int64, b: I64 | np.int64) -> Mask:
    """Whether a × b ≤ SAFE, for non-negative a, b ≤ SAFE."""
    return a <= SAFE // np.maximum(b, 1)


def _ceil_abs(p: I64, q: I64) -> I64:
    return (np.abs(p) + q - 1) // q


def _pick(mask: Mask, x: Num, y: Num) -> Num:
    """x where mask, else y."""
    return Num(np.where(mask, x.p, y.p), np.where(mask, x.q, y.q), np.where(mask, x.b, y.b))


def whole(n: npt.ArrayLike, shape: Shape) -> Num:
    """Integers, exactly."""
    p = np.broadcast_to(np.asarray(n, dtype=np.int64), shape).copy()
    return Num(p, np.ones(p.shape, dtype=np.int64), np.zeros(p.shape, dtype=np.int64))


BIG_Q, BIG_P = 2 ** 40, 2 ** 52  # a q or p above these is reduced (a mean's grid, 10^12, stays as is)


def _reduce(p: I64, q: I64, where: Mask) -> None:
    """Divide p and q by their gcd in place, on the rows given only (np.gcd is the slowest step)."""
    at = np.nonzero(where)
    if len(at[0]):
        g = np.gcd(p[at], q[at])
        p[at] //= g
        q[at] //= g


def _result(p: I64, q: I64, ok: Mask, exact_in: Mask, inexact: I64) -> Num:
    """A computed p / q, reduced where it is large or might be representable; its bound 0 where the
    inputs were exact and p/q is representable, else `inexact` (the inputs' bounds carried) plus
    this step's own rounding."""
    ok = ok & (q > 0)
    p, q = np.where(ok, p, 0), np.where(ok, q, 1)
    _reduce(p, q, ok & ((np.abs(p) > BIG_P) | (q > BIG_Q) | (exact_in & (REPRESENTABLE % q != 0))))
    ok &= (np.abs(p) <= SAFE) & (q <= SAFE)
    exact = exact_in & (REPRESENTABLE % q == 0)
    b = np.where(exact, 0, np.minimum(inexact, BAD) + (_ceil_abs(p, q) >> ROUNDING_SHIFT) + 1)
    return Num(np.where(ok, p, 0), np.where(ok, q, 1), np.where(ok, np.minimum(b, BAD), BAD))


def _fraction(c: Decimal) -> tuple[int, int] | None:
    f = Fraction(c)
    return (f.numerator, f.denominator) if abs(f.numerator) <= SAFE and f.denominator <= SAFE else None


@functools.lru_cache(maxsize=4096)
def _near(c: Decimal) -> tuple[int, int, int]:
    """(p, q, b) of a decimal the engine holds: exactly (b = 0) when it fits, else the nearest
    fraction with a small denominator and the bound of its distance (a weight 1/3 that the engine
    holds as 0.333…3 in 34 digits is 1/3 with b = 1); (0, 1, BAD) when none is near enough."""
    exact = _fraction(c)
    if exact is not None:
        return exact[0], exact[1], 0
    f = Fraction(c)
    for limit in (2 ** 10, 2 ** 20, 2 ** 30, 2 ** 40):
        near = f.limit_denominator(limit)
        if abs(near.numerator) > SAFE:
            break
        gap = abs(f - near) * 2 ** EPS_BITS
        b = gap.numerator // gap.denominator + 1
        if b <= 2 ** 8:
            return near.numerator, near.denominator, b
    return 0, 1, BAD


def const(c: Decimal, shape: Shape) -> Num:
    """A declared number, or a value of the engine, with its bound."""
    p, q, b = _near(c)
    return Num(np.full(shape, p, dtype=np.int64), np.full(shape, q, dtype=np.int64),
               np.full(shape, b, dtype=np.int64))


def _known(x: Num) -> Mask:
    return x.b < BAD


def _exactly(x: Num, n: int) -> Mask:
    """Where x is the integer n as the engine holds it."""
    return (x.b == 0) & (x.p == n) & (x.q == 1)


def add(a: Num, b: Num, sign: int = 1) -> Num:
    known = _known(a) & _known(b)
    same = a.q == b.q
    # the same denominator: add the numerators; else cross-multiply where it fits, and on the rows
    # where it does not, over the lcm of the denominators
    ok = same | (_fits(np.abs(a.p), b.q) & _fits(np.abs(b.p), a.q) & _fits(a.q, b.q))
    p = np.where(same, a.p + sign * b.p, a.p * b.q + sign * (b.p * a.q))  # each term ≤ SAFE where ok
    q = np.where(same, a.q, a.q * b.q)
    hard = np.nonzero(~ok & known)
    if len(hard[0]):
        ap, aq, bp, bq = a.p[hard], a.q[hard], b.p[hard], b.q[hard]
        g = np.gcd(aq, bq)
        qa, qb = aq // g, bq // g
        fits = _fits(np.abs(ap), qb) & _fits(np.abs(bp), qa) & _fits(aq, qb)
        p[hard], q[hard], ok[hard] = ap * qb + sign * (bp * qa), aq * qb, fits
    out = _result(p, q, ok & known, (a.b == 0) & (b.b == 0), a.b + b.b)
    # x ± 0 is x, as the engine holds it (no rounding of its own)
    out = _pick(_exactly(b, 0), a, out)
    return _pick(_exactly(a, 0) & (b.b < BAD), Num(sign * b.p, b.q, b.b), out)


def mul(a: Num, b: Num) -> Num:
    out = _product(a, b)
    # 0 × x is 0 and 1 × x is x, as the engine holds them (no rounding of their own)
    out = _pick(_exactly(a, 1), b, _pick(_exactly(b, 1), a, out))
    return _pick(_exactly(a, 0) | _exactly(b, 0), whole(0, out.p.shape), out)


def _product(a: Num, b: Num) -> Num:
    """a × b, one rounding of the engine where the inputs are exact and the product is not representable."""
    known = _known(a) & _known(b)
    ok = _fits(np.abs(a.p), np.abs(b.p)) & _fits(a.q, b.q)
    p, q = a.p * b.p, a.q * b.q
    hard = np.nonzero(~ok & known)
    if len(hard[0]):  # reduce across first: a.p with b.q, b.p with a.q
        ap, aq, bp, bq = a.p[hard], a.q[hard], b.p[hard], b.q[hard]
        g1, g2 = np.gcd(ap, bq), np.gcd(bp, aq)
        g1, g2 = np.where(g1 == 0, 1, g1), np.where(g2 == 0, 1, g2)
        p1, q2, p2, q1 = ap // g1, bq // g1, bp // g2, aq // g2
        p[hard], q[hard], ok[hard] = p1 * p2, q1 * q2, _fits(np.abs(p1), np.abs(p2)) & _fits(q1, q2)
    ca, cb = _ceil_abs(a.p, a.q), _ceil_abs(b.p, b.q)
    # |x1 δ2 + x2 δ1 + δ1 δ2| ≤ EPS (|x1| b2 + |x2| b1 + 1) while b1 × b2 < 2^80
    small = (a.b == 0) | (b.b == 0) | ((a.b <= 2 ** 40) & (b.b <= 2 ** 40))  # b1 × b2 ≤ 2^80
    carried = np.where(_fits(ca, b.b) & _fits(cb, a.b) & small,
                       np.minimum(ca * b.b, BAD) + np.minimum(cb * a.b, BAD) + 1, BAD)
    return _result(p, q, ok & known, (a.b == 0) & (b.b == 0), carried)


def div(a: Num, b: Num, usable: Mask) -> Num:
    """a / b where `usable` (b decided non-zero); other rows give an exact 0."""
    one = whole(1, b.p.shape)
    d = _pick(usable, b, one)
    sign = np.where(d.p < 0, -1, 1)
    r = _product(a, Num(sign * d.q, np.abs(d.p), np.zeros(d.p.shape, dtype=np.int64)))  # the quotient's value
    # |x̃1 / x̃2 − x1 / x2| ≤ 2 EPS (b1 + |r| b2) / |x2| while b2 EPS ≤ |x2| / 2
    t = np.minimum(a.b + np.where(_fits(_ceil_abs(r.p, r.q), d.b), _ceil_abs(r.p, r.q) * d.b, BAD), BAD)
    near = _bits(d.b) + _bits(d.q) + 2 > EPS_BITS + _bits(np.abs(d.p))
    scaled = np.where(_fits(2 * t, d.q), (2 * t * d.q + np.abs(d.p) - 1) // np.abs(d.p), BAD)
    exact_in = (a.b == 0) & (d.b == 0)
    b_new = np.where(exact_in, r.b, np.where(near, BAD, np.minimum(scaled, BAD) + r.b))
    out = Num(r.p, r.q, np.where(_known(r) & _known(d), np.minimum(b_new, BAD), BAD))
    out = _pick(_exactly(a, 0), whole(0, out.p.shape), out)  # 0 / x is 0 exactly
    return _pick(usable, out, whole(0, b.p.shape))


def _decides(x: Num, dn: I64, boundary_bits: int) -> Mask:
    """Whether the engine's value is on the same side of a boundary of denominator < 2^boundary_bits
    as p/q, which lies dn / (q × boundary's denominator) from it: b × 2^-80 < that distance."""
    # b < 2^20 and q < 2^(59 − boundary bits): b × q × qc < 2^79, any distance decides; else by bit lengths
    cheap = (x.b < 2 ** 20) & (x.q < 2 ** max(0, 59 - boundary_bits))
    far = (dn != 0) & cheap
    rest = np.nonzero((dn != 0) & ~cheap & _known(x) & (x.b != 0))
    if len(rest[0]):
        far[rest] = (_bits(x.b[rest]) + _bits(x.q[rest]) + boundary_bits < EPS_BITS + _bits(dn[rest]))
    return (x.b == 0) | (_known(x) & far)


def zero_test(x: Num) -> tuple[Mask, Mask]:
    """(is zero, is not zero): both False where undecided."""
    exact = x.b == 0
    zero = exact & (x.p == 0)
    # |x| ≥ 2^(bits(|p|) − 1) / q > b EPS
    nonzero = (x.p != 0) & _decides(x, np.abs(x.p), 0)
    return zero, nonzero


def _difference(x: Num, c: Decimal) -> tuple[I64, Mask, int]:
    """(p × cq − cp × q, computed, bits of cq): the exact sign and distance of p/q from c."""
    f = _fraction(c)
    if f is None:
        return np.zeros(x.p.shape, dtype=np.int64), np.zeros(x.p.shape, dtype=bool), 0
    cp, cq = f
    ok = _fits(np.abs(x.p), np.int64(cq)) & _fits(np.int64(abs(cp)), x.q)
    return np.where(ok, x.p * cq - cp * x.q, 0), ok, cq.bit_length()


def _side(x: Num, c: Decimal) -> tuple[I64, Mask]:
    """(sign of p/q − c, computed): exact, whatever the bound."""
    diff, ok, _ = _difference(x, c)
    return np.sign(diff), ok


def compare(x: Num, c: Decimal) -> tuple[Mask, Mask, Mask]:
    """(x < c, x == c, x > c) for a decimal constant; all False where undecided."""
    diff, ok, cq_bits = _difference(x, c)
    s = np.sign(diff)
    decided = ok & ((x.b == 0) | _decides(x, np.abs(diff), cq_bits))
    return decided & (s < 0), decided & (s == 0), decided & (s > 0)


def round_decide(x: Num, rounding: Rounding) -> tuple[I64, Mask]:
    """(k, ok): x rounded as declared is k × 10^-places where ok."""
    places = rounding.places
    if places > 18:
        return np.zeros(x.p.shape, dtype=np.int64), np.zeros(x.p.shape, dtype=bool)
    f = 10 ** places
    a = np.abs(x.p)
    ok = _fits(a, np.int64(f)) & _known(x)
    y = np.where(ok, a * f, 0)
    if rounding.mode == RoundMode.HALF_UP:  # floor(y/q + 1/2); the boundaries are the halves
        num, den, bits = 2 * y + x.q, 2 * x.q, (2 * f).bit_length()
    else:  # toward zero; the boundaries are the steps
        num, den, bits = y, x.q, f.bit_length()
    k, rem = num // den, num % den
    ok &= _decides(x, np.minimum(rem, den - rem), bits)  # the nearer of the boundaries around
    return np.where(ok, k, 0) * np.sign(x.p), ok


GRID = 10 ** 12            # a mean's items are summed on this grid: a common denominator
_GRID_UNITS = 2 ** EPS_BITS // GRID + 1  # one step of the grid, in units of the bound


def on_grid(x: Num) -> Num:
    """x with its value cut toward zero to a multiple of 10^-12 where its denominator does not
    divide 10^12 (the cut added to the bound): sums of many ratios keep a small denominator."""
    off = GRID % x.q != 0
    if not off.any():
        return x
    a = np.abs(x.p)
    q = x.q
    ok = (q <= 2 ** 40) & (a // q <= SAFE // GRID)
    qs = np.where(ok, q, 1)
    whole_part, rest = a // qs, a % qs
    high, rest = (rest * 10 ** 6) // qs, (rest * 10 ** 6) % qs  # rest < 2^40: no overflow
    low = (rest * 10 ** 6) // qs
    m = whole_part * GRID + high * 10 ** 6 + low
    cut = Num(np.sign(x.p) * m, np.full(m.shape, GRID, dtype=np.int64),
              np.where(ok, np.minimum(x.b + _GRID_UNITS, BAD), BAD))
    return _pick(off, cut, x)


def from_k(k: I64, places: int) -> Num:
    """Rounded values k × 10^-places, exact."""
    k = np.asarray(k, dtype=np.int64)
    if places > 18:
        return Num(np.zeros(k.shape, dtype=np.int64), np.ones(k.shape, dtype=np.int64), np.full(k.shape, BAD))
    q = np.full(k.shape, 10 ** places, dtype=np.int64)
    g = np.gcd(k, q)
    known = np.abs(k) <= SAFE  # at most 19 digits: the engine holds it exactly
    return Num(np.where(known, k // g, 0), np.where(known, q // g, 1), np.where(known, 0, BAD))


def from_decimal(x: Decimal) -> tuple[int, int, int]:
    """(p, q, b) of a value the engine computed."""
    return _near(x)


def decimal_of(p: int, q: int) -> Decimal:
    """The decimal of an exact p/q (representable), in the shortest form."""
    if q == 1:
        return Decimal(p).normalize()
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(p) / Decimal(q)


def _int_bounds(c: Decimal, places: int) -> tuple[int, int]:
    """(floor, ceil) of c × 10^places, exactly."""
    with localcontext() as ctx:
        ctx.prec = 200
        y = c.scaleb(places)
        return int(y.to_integral_value(ROUND_FLOOR)), int(y.to_integral_value(ROUND_CEILING))


def _clip(n: int) -> int:
    return max(-(2 ** 62), min(2 ** 62, n))


def classify_k(bands: BandSet, k: I64, places: int) -> I16:
    """Band index (into bands.bands; -1: none) of values k × 10^-places, exactly as classify."""
    out = np.full(k.shape, -1, dtype=np.int16)
    for index in range(len(bands.bands) - 1, -1, -1):  # the first band that contains it wins
        band = bands.bands[index]
        inside = np.ones(k.shape, dtype=bool)
        if band.low is not None:
            fl, ce = _int_bounds(band.low, places)
            inside &= k >= _clip(ce) if band.low_closed else k > _clip(fl)
        if band.high is not None:
            fl, ce = _int_bounds(band.high, places)
            inside &= k <= _clip(fl) if band.high_closed else k < _clip(ce)
        out = np.where(inside, index, out)
    return out


def _classify(bands: BandSet, k: I64, places: int) -> I16:
    """classify_k by one search on the cuts of the bands."""
    cuts, table = _band_table(bands, places)
    return table[np.searchsorted(cuts, k, side="right")]


def classify_num(bands: BandSet, x: Num) -> tuple[I16, Mask]:
    """(band index, ok) of values with a bound; ok False where a band bound is within the engine's reach."""
    out = np.full(x.p.shape, -1, dtype=np.int16)
    ok = np.ones(x.p.shape, dtype=bool)
    decided_inside = []
    for band in bands.bands:
        inside = np.ones(x.p.shape, dtype=bool)
        unsure = np.zeros(x.p.shape, dtype=bool)
        if band.low is not None:
            below, equal, above = compare(x, band.low)
            inside &= (above | equal) if band.low_closed else above
            unsure |= ~(below | equal | above)
        if band.high is not None:
            below, equal, above = compare(x, band.high)
            inside &= (below | equal) if band.high_closed else below
            unsure |= ~(below | equal | above)
        decided_inside.append((inside, unsure))
    for index in range(len(bands.bands) - 1, -1, -1):
        inside, unsure = decided_inside[index]
        out = np.where(inside, index, out)
    for inside, unsure in decided_inside:  # any bound within reach: undecided
        ok &= ~unsure
    return out, ok


# ---- formulas: the canonical text, read back as a tree ----------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)(?![\w%.])|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?!\s*\()|(?P<op>[-+*/()]))")


class Unsupported(Exception):
    """Why a formula or an indicator has no columnar form."""


class Term(NamedTuple):
    """A node of a formula tree: ('num', number) | ('name', name) | ('neg', (t,)) | (op, (t, t)), op one of
    + - * /. With the field names left out (name ""), it is the shape several indicators share."""

    op: str
    number: Decimal | None = None
    name: str = ""
    args: tuple[Term, ...] = ()


@functools.lru_cache(maxsize=4096)
def parse_formula(text: str) -> Term:
    """The canonical formula text (numbers, names, + - * /, unary minus, parentheses) as a tree.
    Anything else is Unsupported."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"the formula `{text}` uses `{text[pos:].strip()[:12]}`")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    at = 0

    def peek() -> tuple[str, str]:
        return tokens[at] if at < len(tokens) else ("", "")

    def take() -> tuple[str, str]:
        nonlocal at
        at += 1
        return tokens[at - 1] if at <= len(tokens) else ("", "")

    def primary() -> Term:
        kind, tok = peek()
        if kind == "num":
            take()
            return Term("num", number=Decimal(tok))
        if kind == "name":
            take()
            return Term("name", name=tok)
        if tok == "(":
            take()
            inner = additive()
            if take()[1] != ")":
                raise Unsupported(f"the formula `{text}` is not read here")
            return inner
        if tok == "-":
            take()
            return Term("neg", args=(primary(),))
        raise Unsupported(f"the formula `{text}` is not read here")

    def term() -> Term:
        left = primary()
        while peek()[1] in ("*", "/"):
            op = take()[1]
            left = Term(op, args=(left, primary()))
        return left

    def additive() -> Term:
        left = term()
        while peek()[1] in ("+", "-"):
            op = take()[1]
            left = Term(op, args=(left, term()))
        return left

    tree = additive()
    if at != len(tokens):
        raise Unsupported(f"the formula `{text}` is not read here")
    return tree


def _names(tree: Term) -> Iterator[str]:
    if tree.op == "name":
        yield tree.name
    for t in tree.args:
        yield from _names(t)


def _formula(text: str, catalog: Catalog) -> Term:
    tree = parse_formula(text)
    for name in _names(tree):
        if name in catalog.indicators:
            raise Unsupported(f"reads indicator `{name}`")
        if name not in catalog.fields:
            raise Unsupported(f"reads `{name}`, not a declared field")
    return tree


def _policy_values(ind: Indicator) -> list[Enum]:
    p = ind.policy
    return [ind.direction, p.nihil.value, p.lower_formula.value, p.round_realisasi.value.mode, p.rollup.value,
            p.unreported.value]


def _nodes(node: CompositeNode) -> Iterator[CompositeNode]:
    yield node
    for c in node.children:
        yield from _nodes(c)


def why_not_columnar(catalog: Catalog, ind: Indicator) -> str | None:
    """Why an indicator is evaluated by the exact evaluator for every row (None: columnar)."""
    if ind.reads_means:
        return f"reads a mean ({', '.join(ind.reads_means)})"
    if ind.references:
        return f"reads other indicators ({', '.join(ind.references)})"
    for value in _policy_values(ind):
        if rule(value) is None:
            return f"`{value}` has no columnar form"
    if ind.policy.round.value.mode != RoundMode.HALF_UP and ind.policy.round.value.mode != RoundMode.TRUNCATE:
        return f"capaian rounding `{ind.policy.round.value}`: the unrounded value is shown"
    cap, floor = ind.policy.cap.value, ind.policy.floor.value
    if cap is not None and floor is not None and cap < floor:
        return "a cap below the floor"
    if ind.predikat_of not in ("capaian", "realisasi"):
        return f"predikat of `{ind.predikat_of}`"
    try:
        if ind.kind == "ratio":
            _formula(ind.formulas["numerator"], catalog)
            _formula(ind.formulas["denominator"], catalog)
        elif ind.kind == "value":
            _formula(ind.formulas["value"], catalog)
        elif ind.kind == "index" and ind.index is not None:
            for node in _nodes(ind.index):
                if node.kind == "component":
                    _formula(node.formula, catalog)
                else:
                    if rule(node.combine) is None:
                        return f"combine `{node.combine}` has no columnar form"
                    if node.combine == Combine.WEIGHTED_SUM and any(c.weight is None for c in node.children):
                        return f"group `{node.id}` has a child without a weight"
                if node.nihil is not None and rule(node.nihil.value) is None:
                    return f"`{node.nihil.value}` has no columnar form"
                if node.round is not None and node.round.mode not in (RoundMode.HALF_UP, RoundMode.TRUNCATE,
                                                                       RoundMode.NONE):
                    return f"`{node.round.mode}` has no columnar form"
        else:
            return f"kind `{ind.kind}`"
    except Unsupported as why:
        return str(why)
    return None


def not_columnar(catalog: Catalog) -> dict[str, str]:
    """Every indicator the exact evaluator computes for all rows, with the reason."""
    out = {}
    for ind in catalog.indicators.values():
        why = why_not_columnar(catalog, ind)
        if why is not None:
            out[ind.id] = why
    return out


def why_means_not_columnar(catalog: Catalog) -> str | None:
    r = catalog.policy.round.value
    if r.mode not in (RoundMode.HALF_UP, RoundMode.TRUNCATE):
        return f"the means' rounding `{r}`: the unrounded value is shown"
    for agg in catalog.aggregation.values():
        for value in (agg.level, agg.method, agg.source):
            if rule(value) is None:
                return f"`{value}` has no columnar form"
    weights = [i.weight for i in catalog.indicators.values()] + [s.weight for s in catalog.sasaran.values()]
    if any(w is not None and w < 0 for w in weights):
        return "a negative weight"
    return None


# ---- data as columns ---------------------------------------------------------------------------

class FieldColumn(NamedTuple):
    mantissa: I64   # value = mantissa × 10^-places
    places: int
    present: Mask   # a value usable as given (else: missing, or read by the exact path)


MAX_MANTISSA = 2 ** 62


class DataColumns:
    """Realisation data as columns: row = period index × len(offices) + office index.

    `present` is False where a value is missing and also where the engine would not read the cell
    as given (a value wider than int64 at the field's places, a field also given for a period
    inside, an indicator's realisasi given): those rows go to the exact evaluator, which reads
    `exact_data()` (the source Dataset, or a view built from the columns)."""

    def __init__(self, periods: Iterable[Period], offices: Iterable[str], fields: Mapping[str, FieldColumn],
                 dataset: Dataset | None = None, given: Mapping[str, Mask] | None = None,
                 wide: Mapping[tuple[int, str], Decimal] | None = None) -> None:
        self.periods = tuple(periods)
        self.offices = tuple(offices)
        self.fields = dict(fields)
        self.rows = len(self.periods) * len(self.offices)
        self.given = dict(given or {})  # indicator id -> rows where its realisasi (or a part) is given
        self._dataset = dataset
        self._wide = dict(wide or {})
        # values of the fields (by name) and targets of the batches (by indicator ids), made once
        self.cache: dict[str, tuple[Num, Mask]] = {}
        self.target_cache: dict[tuple[str, ...], tuple[Num, Mask]] = {}

    @staticmethod
    def from_arrays(periods: Iterable[Period], offices: Iterable[str], values: Mapping[str, npt.ArrayLike],
                    places: Mapping[str, int] | None = None,
                    present: Mapping[str, npt.ArrayLike] | None = None) -> DataColumns:
        """Columns built directly: `values[field]` int64 mantissas in row order (periods major)."""
        places = places or {}
        present = present or {}
        fields = {}
        for name, m in values.items():
            m = np.asarray(m, dtype=np.int64)
            ok = np.asarray(present[name], dtype=bool) if name in present else np.ones(m.shape, dtype=bool)
            fields[name] = FieldColumn(m, int(places.get(name, 0)), ok & (np.abs(m) < MAX_MANTISSA))
        return DataColumns(periods, offices, fields)

    @staticmethod
    def from_dataset(data: Dataset, catalog: Catalog, periods: Iterable[Period] | None = None,
                     offices: Iterable[str] | None = None) -> DataColumns:
        periods = tuple(periods) if periods is not None else tuple(data.periods())
        offices = tuple(offices) if offices is not None else tuple(sorted(data.offices()))
        n_off = len(offices)
        rows = len(periods) * n_off
        where = {o: i for i, o in enumerate(offices)}
        raw: dict[str, dict[int, Decimal]] = {}
        given: dict[str, Mask] = {}
        blocked: dict[str, set[int]] = {}
        for pi, period in enumerate(periods):
            inside = period.inside()
            for office, oi in where.items():
                row = pi * n_off + oi
                cell = data.values.get((period, office)) or {}
                for name, value in cell.items():
                    if name in catalog.indicators:
                        given.setdefault(name, np.zeros(rows, dtype=bool))[row] = True
                    else:
                        raw.setdefault(name, {})[row] = value.value
                for part in inside:  # a field also given inside the period: a roll-up or a conflict
                    for name in data.values.get((part, office)) or ():
                        if name in catalog.indicators:
                            given.setdefault(name, np.zeros(rows, dtype=bool))[row] = True
                        else:
                            blocked.setdefault(name, set()).add(row)
        fields = {}
        wide = {}
        for name, cells in raw.items():
            places = 0
            for x in cells.values():
                exponent = x.as_tuple().exponent
                if isinstance(exponent, int):
                    places = max(places, min(18, -exponent))
            m = np.zeros(rows, dtype=np.int64)
            ok = np.zeros(rows, dtype=bool)
            for row, x in cells.items():
                scaled = x.scaleb(places)
                if scaled == scaled.to_integral_value() and abs(scaled) < MAX_MANTISSA:
                    m[row] = int(scaled)
                    ok[row] = True
                else:
                    wide[(row, name)] = x
            for row in blocked.get(name, ()):
                ok[row] = False
            fields[name] = FieldColumn(m, places, ok)
        return DataColumns(periods, offices, fields, data, given, wide)

    def values(self, name: str) -> tuple[Num, Mask]:
        """(exact values, present) of a field; an absent field is missing everywhere."""
        found = self.cache.get(name)
        if found is None:
            found = self.cache[name] = self._values(name)
        return found

    def _values(self, name: str) -> tuple[Num, Mask]:
        col = self.fields.get(name)
        if col is None:
            z = np.zeros(self.rows, dtype=np.int64)
            return Num(z, z + 1, z.copy()), np.zeros(self.rows, dtype=bool)
        m = col.mantissa
        if col.places > 18:  # 10^places beyond int64: the exact evaluator reads them
            z = np.zeros(self.rows, dtype=np.int64)
            return Num(z, z + 1, z + BAD), np.zeros(self.rows, dtype=bool)
        q = np.full(m.shape, 10 ** col.places, dtype=np.int64)
        g = np.gcd(m, q)
        fits = np.abs(m) <= SAFE
        return Num(np.where(fits, m // g, 0), np.where(fits, q // g, 1), np.where(fits, 0, BAD)), col.present & fits

    def exact_data(self) -> Dataset:
        """The data as the exact evaluator reads them."""
        if self._dataset is None:
            view = Dataset("columns")
            view.values = _Cells(self)  # type: ignore[assignment]  # a read-only Mapping where a dict is declared
            self._dataset = view
        return self._dataset

    def decimal(self, row: int, name: str) -> Decimal | None:
        if (row, name) in self._wide:
            return self._wide[(row, name)]
        col = self.fields.get(name)
        if col is None or not col.present[row]:
            if self._dataset is not None and not isinstance(self._dataset.values, _Cells):
                period, office = self.periods[row // len(self.offices)], self.offices[row % len(self.offices)]
                cell = self._dataset.values.get((period, office)) or {}
                return cell[name].value if name in cell else None
            return None
        return Decimal(int(col.mantissa[row])).scaleb(-col.places)


class _Cells(Mapping[tuple[Period, str], dict[str, Value]]):
    """The cells of columns built directly, as Dataset.values, made when the exact path asks."""

    def __init__(self, columns: DataColumns) -> None:
        self._c = columns
        self._period_at = {p: i for i, p in enumerate(columns.periods)}
        self._office_at = {o: j for j, o in enumerate(columns.offices)}
        self._made: dict[tuple[Period, str], dict[str, Value]] = {}

    def __getitem__(self, key: tuple[Period, str]) -> dict[str, Value]:
        found = self._made.get(key)
        if found is not None:
            return found
        row = self._row(key)
        cell = {}
        for name, col in self._c.fields.items():
            if col.present[row]:
                x = Decimal(int(col.mantissa[row])).scaleb(-col.places)
                cell[name] = Value(x, str(x), "columns", 0)
        for (r, name), x in self._c._wide.items():
            if r == row:
                cell[name] = Value(x, str(x), "columns", 0)
        if not cell:
            raise KeyError(key)
        self._made[key] = cell
        return cell

    def _row(self, key: tuple[Period, str]) -> int:
        if not isinstance(key, tuple) or len(key) != 2 or key[0] not in self._period_at or \
                key[1] not in self._office_at:
            raise KeyError(key)
        return self._period_at[key[0]] * len(self._office_at) + self._office_at[key[1]]

    def __iter__(self) -> Iterator[tuple[Period, str]]:
        return ((p, o) for p in self._period_at for o in self._office_at if (p, o) in self)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]  # Mapping.__contains__ takes any object; a wrong key is a KeyError
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return sum(1 for _ in self)


# ---- the kernel ----------------------------------------------------------------------------------

S_OK, S_NIHIL, S_EXACT = 0, 1, 2  # per-row status codes of a columnar indicator


class _Rows:
    """The per-row flags of one evaluation."""

    def __init__(self, shape: Shape) -> None:
        self.exact = np.zeros(shape, dtype=bool)   # goes to the exact evaluator
        self.nihil = np.zeros(shape, dtype=bool)   # a 0/0 met (to be treated)


class _Batch:
    """Indicators of one shape (the same formulas but for the field names, the same policies),
    evaluated together as (rows, indicators) arrays, on every row or on a subset of the rows."""

    def __init__(self, inds: list[Indicator], cols: DataColumns, pairs: Pairs | None,
                 span: slice | None = None) -> None:
        self.inds, self.cols, self.pairs = inds, cols, pairs
        self.span = span if span is not None else slice(0, cols.rows)
        rows = self.span.stop - self.span.start
        self.shape: tuple[int, int] = (rows, len(inds)) if pairs is None else (len(pairs[0]), 1)

    def fields(self, names: list[str]) -> tuple[Num, Mask]:
        if self.pairs is not None:  # (row, indicator) pairs: each reads its own indicator's field
            rows, which = self.pairs
            n = len(rows)
            p, q, b = np.zeros(n, dtype=np.int64), np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
            ok = np.zeros(n, dtype=bool)
            for j, name in enumerate(names):
                mine = which == j
                if mine.any():
                    x, present = self.cols.values(name)
                    at = rows[mine]
                    p[mine], q[mine], b[mine], ok[mine] = x.p[at], x.q[at], x.b[at], present[at]
            return Num(p[:, None], q[:, None], b[:, None]), ok[:, None]
        parts = [self.cols.values(name) for name in names]
        return (Num(*(np.stack([x[i][self.span] for x, _ in parts], axis=1) for i in range(3))),
                np.stack([present[self.span] for _, present in parts], axis=1))

    def rows_of(self, matrix: npt.NDArray[T]) -> npt.NDArray[T]:
        """A (rows, indicators) matrix at the batch's rows."""
        return matrix[self.span] if self.pairs is None else matrix[self.pairs][:, None]

    def periods_of(self, matrix: npt.NDArray[T]) -> npt.NDArray[T]:
        """A (periods, indicators) matrix at the batch's rows (row = period × offices + office)."""
        n_off = len(self.cols.offices)
        if self.pairs is None:
            return matrix[np.arange(self.span.start, self.span.stop) // n_off]
        return matrix[self.pairs[0] // n_off, self.pairs[1]][:, None]


def _shape_key(tree: Term) -> Term:
    """A formula tree with its field names left out: formulas of one shape share a batch."""
    return tree._replace(name="", args=tuple(_shape_key(t) for t in tree.args))


NodeKey = tuple[object, ...]


def _node_key(node: CompositeNode) -> NodeKey:
    return (node.kind, node.weight, node.combine, node.scale, node.cap,
            node.nihil.value if node.nihil is not None else None, node.round,
            _shape_key(parse_formula(node.formula)) if node.kind == "component" else None,
            tuple(_node_key(c) for c in node.children))


def batch_key(ind: Indicator) -> tuple[object, ...]:
    """Indicators with the same key are evaluated together (targets and fields may differ)."""
    p = ind.policy
    shape: tuple[object, ...]
    if ind.kind == "ratio":
        shape = (_shape_key(parse_formula(ind.formulas["numerator"])),
                 _shape_key(parse_formula(ind.formulas["denominator"])))
    elif ind.kind == "value":
        shape = (_shape_key(parse_formula(ind.formulas["value"])),)
    else:
        shape = (_node_key(ind.index),) if ind.index is not None else ()
    return (ind.kind, shape, ind.scale, ind.direction, p.cap.value, p.floor.value, p.nihil.value,
            p.lower_formula.value, p.round.value, p.round_realisasi.value, p.bands.value, ind.range, ind.predikat_of)


def _expr(trees: list[Term], batch: _Batch, rows: _Rows) -> Num:
    """Formulas of one shape (one per indicator of the batch), column j reading trees[j]'s fields."""
    kind = trees[0].op
    if kind == "num":
        assert trees[0].number is not None
        return const(trees[0].number, batch.shape)
    if kind == "name":
        x, present = batch.fields([t.name for t in trees])
        rows.exact |= ~present
        return x
    if kind == "neg":
        x = _expr([t.args[0] for t in trees], batch, rows)
        return Num(-x.p, x.q, x.b)
    left = _expr([t.args[0] for t in trees], batch, rows)
    right = _expr([t.args[1] for t in trees], batch, rows)
    if kind == "+":
        return add(left, right)
    if kind == "-":
        return add(left, right, -1)
    if kind == "*":
        return mul(left, right)
    return _divide(left, right, rows)


def _divide(n: Num, d: Num, rows: _Rows) -> Num:
    """compiler._divide: d = 0 and n = 0 is 0/0 (nihil), d = 0 alone has no value (exact: error)."""
    d_zero, d_nonzero = zero_test(d)
    n_zero, n_nonzero = zero_test(n)
    rows.exact |= ~(d_zero | d_nonzero) | (d_zero & ~n_zero)
    rows.nihil |= d_zero & n_zero
    return div(n, d, d_nonzero)


def _round(x: Num, rounding: Rounding | None, rows: _Rows, mask: Mask | None = None) -> Num:
    if rounding is None or rounding.mode == RoundMode.NONE:
        return x
    k, ok = round_decide(x, rounding)
    bad = ~ok if mask is None else (~ok & mask)
    rows.exact |= bad
    return from_k(k, rounding.places)


def _node(nodes: list[CompositeNode], batch: _Batch, rows: _Rows) -> tuple[Num, Mask]:
    """(value, included) of an index node; included False: left out (nihil excluded)."""
    node, shape = nodes[0], batch.shape
    if node.kind == "component":
        inner = _Rows(shape)
        x = _expr([parse_formula(n.formula) for n in nodes], batch, inner)
        rows.exact |= inner.exact
        live = ~inner.exact
        treatment = node.nihil.value if node.nihil is not None else Nihil.ERROR
        hit = inner.nihil & live
        x = _round(x, node.round, rows, ~inner.nihil)
        included = np.ones(shape, dtype=bool)
        if treatment == Nihil.ACHIEVED:
            x = _pick(hit, whole(1, shape), x)
        elif treatment == Nihil.ZERO:
            x = _pick(hit, whole(0, shape), x)
        elif treatment == Nihil.EXCLUDED:
            included = ~hit
            x = _pick(hit, whole(0, shape), x)
        else:
            rows.exact |= hit
        return x, included
    parts = [_node([n.children[i] for n in nodes], batch, rows) for i in range(len(node.children))]
    count = np.zeros(shape, dtype=np.int64)
    for _, inc in parts:
        count += inc
    any_in = count > 0
    every = count == len(parts)
    zero = whole(0, shape)
    if node.combine == Combine.MEAN:
        total = zero
        for x, inc in parts:
            total = add(total, _pick(inc, x, zero))
        raw = div(total, whole(np.maximum(count, 1), shape), any_in)
    else:
        total, weights = zero, zero
        for (x, inc), child in zip(parts, node.children):
            assert child.weight is not None  # why_not_columnar: a weighted sum's children all have one
            w = const(child.weight, shape)
            total = add(total, _pick(inc, mul(w, x), zero))
            weights = add(weights, _pick(inc, w, zero))
        w_zero, w_nonzero = zero_test(weights)
        partial = any_in & ~every
        rows.exact |= partial & ~w_nonzero  # the engine would divide by a zero total weight
        raw = _pick(partial, div(total, weights, partial & w_nonzero), total)
    value = mul(raw, const(node.scale, shape)) if node.scale != 1 else raw
    if node.cap is not None:
        value = _cap(value, node.cap, None)
    value = _round(value, node.round, rows, any_in)
    return _pick(any_in, value, zero), any_in


def _index(ind: Indicator) -> CompositeNode:
    assert ind.index is not None  # why_not_columnar: an index indicator without its tree is exact
    return ind.index


def _cap(x: Num, cap: Decimal | None, floor: Decimal | None) -> Num:
    """policies.limit: value > cap -> cap, else value < floor -> floor. The exact min (max) keeps the
    bound: the engine's min of its own value lies as near (the limit is 1-Lipschitz when cap >= floor);
    the limit's own exactness only where the side is decided."""
    for bound, take in ((cap, 1), (floor, -1)):
        if bound is None:
            continue
        side, computed = _side(x, bound)
        below, _, above = compare(x, bound)
        sure = above if take == 1 else below
        c = const(bound, x.p.shape)
        limited = Num(c.p, c.q, np.where(sure, c.b, np.maximum(x.b, c.b)))
        x = _pick(side == take, limited, x)
        x = x._replace(b=np.where(computed, x.b, BAD))
    return x


class IndicatorColumns(NamedTuple):
    """Indicators over rows: arrays (rows, indicators of the batch), or (rows,) for one."""

    status: I8              # S_OK | S_NIHIL | S_EXACT
    excluded: Mask          # nihil excluded: no capaian
    capaian_k: I64          # rounded capaian × 10^places
    places: int
    capaian: Num            # after cap and floor, before rounding (the means' input)
    realisasi: Num
    realisasi_k: I64 | None  # realisasi rounded first (round_realisasi), × 10^places
    predikat: I16           # band index, -1: none

    def column(self, j: int) -> IndicatorColumns:
        column = (slice(None), j)
        return IndicatorColumns(self.status[:, j], self.excluded[:, j], self.capaian_k[:, j], self.places,
                                self.capaian.at(column), self.realisasi.at(column),
                                None if self.realisasi_k is None else self.realisasi_k[:, j], self.predikat[:, j])


def evaluate_batch(inds: list[Indicator], catalog: Catalog, cols: DataColumns,
                   pairs: Pairs | None = None, span: slice | None = None) -> IndicatorColumns:
    """Indicators of one batch_key over every row, as (rows, indicators) arrays, or over the (row,
    indicator) pairs given, as (pairs, 1) arrays."""
    batch = _Batch(inds, cols, pairs, span)
    shape = batch.shape
    rows = _Rows(shape)
    target_all, no_target = _targets(inds, cols)
    target = Num(*(batch.periods_of(a) for a in target_all))
    rows.exact |= batch.periods_of(no_target)
    for j, one in enumerate(inds):  # the realisasi given: exact
        given = cols.given.get(one.id)
        if given is None:
            continue
        if pairs is None:
            rows.exact[:, j] |= given[batch.span]
        else:
            rows.exact[:, 0] |= given[pairs[0]] & (pairs[1] == j)
    everywhere = np.ones(shape, dtype=bool)
    return _evaluate_rows(inds, catalog, batch, rows, target, everywhere)


def _targets(inds: list[Indicator], cols: DataColumns) -> tuple[Num, Mask]:
    """(value, none) of each indicator's target per period: (periods, indicators) arrays, made once."""
    key = tuple(i.id for i in inds)
    found = cols.target_cache.get(key)
    if found is not None:
        return found
    shape = (len(cols.periods), len(inds))
    target = whole(1, shape)
    no_target = np.zeros(shape, dtype=bool)
    for j, one in enumerate(inds):
        for i, period in enumerate(cols.periods):
            spec = declared_target(one, period)
            t = spec.low if spec is not None and not spec.is_range and spec.low else None
            near = _near(t) if t is not None else None
            if near is None or near[2] >= BAD:  # no target for the period, a range, 0, or beyond int64: exact
                no_target[i, j] = True
            else:
                target.p[i, j], target.q[i, j], target.b[i, j] = near
    found = cols.target_cache[key] = (target, no_target)
    return found


def _evaluate_rows(inds: list[Indicator], catalog: Catalog, batch: _Batch, rows: _Rows, target: Num,
                   everywhere: Mask) -> IndicatorColumns:
    ind = inds[0]
    p = ind.policy
    shape = batch.shape

    # 1. realisasi
    if ind.kind == "ratio":
        num = _expr([_formula(i.formulas["numerator"], catalog) for i in inds], batch, rows)
        den = _expr([_formula(i.formulas["denominator"], catalog) for i in inds], batch, rows)
        d_zero, d_nonzero = zero_test(den)
        n_zero, _ = zero_test(num)
        rows.exact |= ~(d_zero | d_nonzero) | (d_zero & ~n_zero)
        rows.nihil |= d_zero & n_zero
        realisasi = mul(div(num, den, d_nonzero), const(ind.scale, shape))
    elif ind.kind == "value":
        raw = _expr([_formula(i.formulas["value"], catalog) for i in inds], batch, rows)
        realisasi = mul(raw, const(ind.scale, shape))
    else:
        raw, included = _node([_index(i) for i in inds], batch, rows)
        rows.nihil |= ~included
        realisasi = mul(raw, const(ind.scale, shape))
    nihil = rows.nihil & ~rows.exact
    treatment = p.nihil.value
    excluded = np.zeros(shape, dtype=bool)
    if treatment == Nihil.EXCLUDED:
        excluded = nihil
    elif treatment == Nihil.ACHIEVED:
        realisasi = _pick(nihil, const(ind.scale, shape), realisasi)
    elif treatment == Nihil.ZERO:
        realisasi = _pick(nihil, whole(0, shape), realisasi)
    else:
        rows.exact |= nihil

    # 2. realisasi rounded first; the range (outside it: an error with its reason, exact)
    realisasi_k = None
    first = p.round_realisasi.value
    if first.mode != RoundMode.NONE:
        realisasi_k, ok = round_decide(realisasi, first)
        rows.exact |= ~ok & ~excluded
        realisasi = from_k(realisasi_k, first.places)
    if ind.range is not None:
        low, high = ind.range
        b_low, e_low, a_low = compare(realisasi, low)
        b_high, e_high, a_high = compare(realisasi, high)
        rows.exact |= ~nihil & ~((a_low | e_low) & (b_high | e_high))

    # 3. capaian by direction (policies.capaian), one target
    hundred = const(Decimal(100), shape)
    r, t = realisasi, target
    if ind.direction == Direction.HIGHER:
        value = mul(div(r, t, everywhere), hundred)
    elif ind.direction == Direction.LOWER:
        if p.lower_formula.value == LowerFormula.T_OVER_R:
            r_zero, r_nonzero = zero_test(r)
            rows.exact |= ~r_nonzero & ~excluded
            value = mul(div(t, r, r_nonzero), hundred)
        else:
            value = mul(div(add(mul(whole(2, shape), t), r, -1), t, everywhere), hundred)
    else:  # stabilize
        diff = add(r, t, -1)
        same, d_nonzero = zero_test(diff)
        below = d_nonzero & (diff.p < 0)
        above = d_nonzero & (diff.p > 0)
        rows.exact |= ~(same | below | above) & ~excluded
        low_side = mul(div(r, t, everywhere), hundred)
        high_side = mul(div(add(mul(whole(2, shape), t), r, -1), t, everywhere), hundred)
        value = _pick(same, hundred, _pick(below, low_side, high_side))
    if treatment == Nihil.ZERO:
        value = _pick(nihil, whole(0, shape), value)
    value = _cap(value, p.cap.value, p.floor.value)
    live = ~excluded
    k, ok = round_decide(value, p.round.value)
    rows.exact |= ~ok & live
    bands = p.bands.value
    if ind.predikat_of == "capaian":
        predikat = classify_k(bands, k, p.round.value.places)
    elif realisasi_k is not None:
        predikat = classify_k(bands, realisasi_k, first.places)
    else:
        predikat, sure = classify_num(bands, realisasi)
        rows.exact |= ~sure & live
    status = np.where(rows.exact, S_EXACT, np.where(nihil, S_NIHIL, S_OK)).astype(np.int8)
    return IndicatorColumns(status, excluded & ~rows.exact, k, p.round.value.places, value, realisasi,
                            realisasi_k, predikat)


CHUNK = 2048  # rows evaluated at once
THREADS = min(2, os.cpu_count() or 1)  # the plain-ratio columns are computed on this many threads
THREAD_ROWS = 65_536  # ... when they are at least this long
FAST_CHUNK = 16  # × CHUNK: rows of one column at once on the plain-ratio path (1-D, small temporaries)


# ---- the plain ratio, fused ---------------------------------------------------------------------
#
# A ratio of two fields `n / d × scale`, direction higher, against one target, no cap or floor, no
# realisasi rounding, the predikat on the capaian: most indicators of a national roll-up.
# Computed per indicator on whole 1-D columns in a few integer passes. With n, d the mantissas and
# per period the exact factor A / B = scale × 10^(places of d − places of n) × 100 × 10^p / T,
# the capaian in units of 10^-p is y = (n × A) / (d × B) = N / D exactly, rounded by one integer
# division. The engine reaches y through four 34-digit roundings: |ŷ − y| < 2^-106 × |y|, while a
# y that is not on a boundary lies at least 1 / (2D) from every one; so where (k + 1) × D < 2^105
# the engine rounds y as the integers do. The range compares R = (n / d) × S' with its bounds by
# cross-multiplication, decided likewise where R is not on a bound (on one: only R = 0 and R = S',
# which the engine holds exactly). A y on a boundary (a half under half_up, a step under
# truncate), 0/0 but under `nihil excluded`, x/0, a missing value, no target and a product beyond
# 2^61 go to the general kernel above, which tracks exactness, and from there to the exact
# evaluator when it cannot decide either.


class _Ratio(NamedTuple):
    numerator: str
    denominator: str


def _plain_ratio(ind: Indicator) -> _Ratio | None:
    """The fields of a plain ratio the fused path computes, or None."""
    p = ind.policy
    rounding = p.round.value
    if (ind.kind != "ratio" or ind.direction != Direction.HIGHER or p.cap.value is not None
            or p.floor.value is not None or p.round_realisasi.value.mode != RoundMode.NONE
            or ind.predikat_of != "capaian" or rounding.mode not in (RoundMode.HALF_UP, RoundMode.TRUNCATE)
            or rounding.places > 15 or ind.scale <= 0):
        return None
    num, den = parse_formula(ind.formulas["numerator"]), parse_formula(ind.formulas["denominator"])
    if num.op != "name" or den.op != "name":
        return None
    return _Ratio(num.name, den.name)


@functools.lru_cache(maxsize=1024)
def _factor(s_prime: Fraction, target: Decimal, places: int) -> tuple[int, int]:
    """(A, B): S' × 100 × 10^places / target, reduced."""
    f = s_prime * 100 * Fraction(10) ** places / Fraction(target)
    return f.numerator, f.denominator


@functools.lru_cache(maxsize=64)
def _band_table(bands: BandSet, places: int) -> tuple[I64, I16]:
    """(cuts, band of each interval): classify_k(bands, k, places) == table[searchsorted(cuts, k, 'right')]
    for every k, since each band bound is a test k >= c or k < c on an integer c."""
    cuts: set[int] = set()
    for band in bands.bands:
        if band.low is not None:
            fl, ce = _int_bounds(band.low, places)
            cuts.add(_clip(ce) if band.low_closed else _clip(fl) + 1)
        if band.high is not None:
            fl, ce = _int_bounds(band.high, places)
            cuts.add(_clip(fl) + 1 if band.high_closed else _clip(ce))
    ordered = np.array(sorted(cuts), dtype=np.int64)
    probes = np.concatenate([ordered[:1] - 1, ordered]) if len(ordered) else np.zeros(1, dtype=np.int64)
    return ordered, classify_k(bands, probes, places)


def _plain_ratio_columns(ind: Indicator, ratio: _Ratio, cols: DataColumns, out: IndicatorColumns) -> None:
    """One plain-ratio indicator over every row, into the arrays of `out` (status S_EXACT: not decided)."""
    n_col, d_col = cols.fields.get(ratio.numerator), cols.fields.get(ratio.denominator)
    out.status[:] = S_EXACT
    if n_col is None or d_col is None:
        return
    p = ind.policy
    rounding = p.round.value
    places = rounding.places
    n_off = len(cols.offices)
    s_prime = Fraction(ind.scale) * Fraction(10) ** (d_col.places - n_col.places)
    # per period: (A, B), or no target (the general path: exact)
    a_per, b_per = np.zeros(len(cols.periods), dtype=np.int64), np.ones(len(cols.periods), dtype=np.int64)
    usable = np.zeros(len(cols.periods), dtype=bool)
    for i, period in enumerate(cols.periods):
        spec = declared_target(ind, period)
        t = spec.low if spec is not None and not spec.is_range and spec.low else None
        if t is not None:
            a, b = _factor(s_prime, t, places)
            if a <= SAFE and b <= SAFE:
                a_per[i], b_per[i], usable[i] = a, b, True
    if not usable.any():
        return
    ok_row = np.repeat(usable, n_off)
    if ind.id in cols.given:
        ok_row &= ~cols.given[ind.id]
    half_up = rounding.mode == RoundMode.HALF_UP
    excluded_nihil = p.nihil.value == Nihil.EXCLUDED
    f = 10 ** places
    bounds = [] if ind.range is None else [(Fraction(c), side) for c, side in zip(ind.range, (1, -1))]
    step = CHUNK * FAST_CHUNK
    for start in range(0, cols.rows, step):
        sl = slice(start, min(cols.rows, start + step))
        periods = np.arange(sl.start, sl.stop) // n_off
        a_row, b_row = a_per[periods], b_per[periods]
        mn, md = n_col.mantissa[sl], d_col.mantissa[sl]
        live = n_col.present[sl] & d_col.present[sl] & ok_row[sl]
        an, ad = np.abs(mn), np.abs(md)
        fits = live & (md != 0) & (an <= SAFE) & (ad <= SAFE) & _fits(an, a_row) & _fits(ad, b_row)
        big_n = np.where(fits, an * a_row, 0)
        big_d = np.where(fits, ad * b_row, 1)
        if half_up:
            num, den = 2 * big_n + big_d, 2 * big_d
        else:
            num, den = big_n, big_d
        k, rem = num // den, num % den
        decided = fits & ((rem != 0) | (big_n == 0)) & (k < 2 ** 44 - 1)  # (k + 1) × D < 2^44 × 2^61
        sign = np.sign(mn) * np.sign(md)
        for c, inward in bounds:  # R − c = (n × Sn × cq − cp × d × Sd) / (d × Sd × cq)
            k1 = s_prime.numerator * c.denominator
            k2 = s_prime.denominator * abs(c.numerator)
            if k1 > SAFE or k2 > SAFE:
                decided[:] = False
                break
            ok = _fits(an, np.int64(k1)) & _fits(ad, np.int64(k2))
            diff = np.where(ok, np.sign(mn * k1 - (1 if c >= 0 else -1) * (md * k2)) * np.sign(md), 0)
            held = (mn == 0) | ((mn == md) & (n_col.places == d_col.places))  # R = 0 or S': exact
            decided &= ok & ((diff != 0) | held) & ((diff == 0) | (diff == inward))
        kk = np.where(decided, k * sign, 0)
        out.capaian_k[sl] = kk
        out.predikat[sl] = _classify(p.bands.value, kk, places)
        st = np.where(decided, S_OK, S_EXACT).astype(np.int8)
        if excluded_nihil:
            nihil = live & (md == 0) & (mn == 0)
            st[nihil] = S_NIHIL
            out.excluded[sl] = nihil
        else:
            out.excluded[sl] = False
        out.status[sl] = st
        # the capaian before rounding, N / (D × 10^p), for the means: within 4 roundings of the engine's
        top, bottom = big_n.copy(), big_d.copy()
        _reduce(top, bottom, decided & ~_fits(bottom, np.int64(f)))  # only where D × 10^p would not fit
        keep = decided & _fits(bottom, np.int64(f))
        value_p, value_q = np.where(keep, sign * top, 0), np.where(keep, bottom * f, 1)
        out.capaian.p[sl], out.capaian.q[sl] = value_p, value_q
        out.capaian.b[sl] = np.where(keep, np.minimum((_ceil_abs(value_p, value_q) >> (ROUNDING_SHIFT - 3)) + 5, BAD),
                                     BAD)


def _plain_ratio_batch(inds: list[Indicator], ratios: list[_Ratio], catalog: Catalog,
                       cols: DataColumns) -> list[IndicatorColumns]:
    """A batch of plain ratios: the fused path on every row, then the general kernel (tracking
    exactness) on the rows it left undecided."""
    n = cols.rows
    out: list[IndicatorColumns] = []
    # the realisasi of a plain ratio is not kept: unknown here everywhere, so BulkResult shows the
    # exact evaluator's, as for any realisasi not exact in 34 digits; no memory
    zeros = np.broadcast_to(np.int64(0), (n,))
    not_kept = Num(zeros, np.broadcast_to(np.int64(1), (n,)), np.broadcast_to(np.int64(BAD), (n,)))
    for ind in inds:
        out.append(IndicatorColumns(np.empty(n, dtype=np.int8), np.empty(n, dtype=bool),
                                    np.empty(n, dtype=np.int64), ind.policy.round.value.places,
                                    Num(np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64),
                                        np.empty(n, dtype=np.int64)), not_kept, None,
                                    np.empty(n, dtype=np.int16)))

    def work(j: int) -> None:
        _plain_ratio_columns(inds[j], ratios[j], cols, out[j])

    # numpy releases the GIL in its loops: on long columns two threads share the work; on short
    # ones (12,000 rows) the interpreter's turns cost more than they save
    if THREADS > 1 and len(inds) > 1 and n >= THREAD_ROWS:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(work, range(len(inds))))
    else:
        for j in range(len(inds)):
            work(j)
    rows_list, which_list = [], []
    for j, c in enumerate(out):
        again = np.nonzero(c.status == S_EXACT)[0]
        rows_list.append(again)
        which_list.append(np.full(len(again), j, dtype=np.intp))
    rows = np.concatenate(rows_list)
    if len(rows):
        which = np.concatenate(which_list)
        for start in range(0, len(rows), CHUNK * FAST_CHUNK):
            sl = slice(start, start + CHUNK * FAST_CHUNK)
            r, w = rows[sl], which[sl]
            part = evaluate_batch(inds, catalog, cols, (r, w))
            for j in np.unique(w).tolist():
                mine = w == j
                at, c = r[mine], out[j]
                c.status[at] = part.status[mine, 0]
                c.excluded[at] = part.excluded[mine, 0]
                c.capaian_k[at] = part.capaian_k[mine, 0]
                c.predikat[at] = part.predikat[mine, 0]
                c.capaian.p[at], c.capaian.q[at], c.capaian.b[at] = (
                    part.capaian.p[mine, 0], part.capaian.q[mine, 0], part.capaian.b[mine, 0])
    return out


def _concat(parts: list[IndicatorColumns]) -> IndicatorColumns:
    if len(parts) == 1:
        return parts[0]
    cat = np.concatenate
    return IndicatorColumns(cat([p.status for p in parts]), cat([p.excluded for p in parts]),
                            cat([p.capaian_k for p in parts]), parts[0].places,
                            Num(*(cat([p.capaian[i] for p in parts]) for i in range(3))),
                            Num(*(cat([p.realisasi[i] for p in parts]) for i in range(3))),
                            None if parts[0].realisasi_k is None else cat([p.realisasi_k for p in parts
                                                                             if p.realisasi_k is not None]),
                            cat([p.predikat for p in parts]))


# ---- results ------------------------------------------------------------------------------------

class IndicatorRow(NamedTuple):
    period: str
    office: str
    indicator: str
    status: str
    target: Decimal | None
    realisasi: Decimal | None
    capaian: Decimal | None
    predikat: str | None


class MeanRow(NamedTuple):
    period: str
    office: str
    level: str      # sasaran | office | overall
    id: str
    status: str     # ok | incomplete | empty
    capaian: Decimal | None
    predikat: str | None


INDICATOR_HEADERS = IndicatorRow._fields
MEAN_HEADERS = MeanRow._fields

_STATUS_WORDS = {S_OK: "ok", S_NIHIL: "nihil"}
_MEAN_STATUS = ("ok", "incomplete", "empty")


class _Items(NamedTuple):
    """The indicators' capaian as the items of a mean: (rows, items) arrays."""

    ids: list[str]
    has: Mask              # a capaian
    value: Num             # capaian, exact, with the engine's bound
    status: I8             # of a mean: 0 ok, 1 incomplete, 2 empty (0 for an indicator)
    # an indicator's rounded capaian where it is also the rounding of a mean of it alone (the same
    # rounding as the means', decided on this path), and where that holds
    k: I64 | None = None
    k_ok: Mask | None = None


class _Level(NamedTuple):
    """One level of means over every row: per item id, arrays (its first fields are an _Items')."""

    ids: list[str]
    has: Mask              # (rows, items) a capaian
    value: Num             # capaian, exact, with the engine's bound
    status: I8             # 0 ok, 1 incomplete, 2 empty
    k: I64                 # rounded × 10^places
    predikat: I16
    weight: Num            # what each holds, for a weighted mean above (an office's)
    exact: Mask            # (rows, items) undecided: the whole (period, office) goes exact


class MeanColumns(NamedTuple):
    """What a level of means shows, kept for every row: (rows, means) arrays."""

    ids: list[str]
    has: Mask
    status: I8
    k: I64
    predikat: I16


Stats = TypedDict("Stats", {"rows": int, "exact rows": int, "exact (period, office) for means": int,
                            "exact calls": int, "not columnar": dict[str, str], "means": Union[str, None]})


class BulkResult:
    """Results of every (period, office, indicator) and the means of every (period, office), as
    arrays; Python objects are built only by rows() and means()."""

    def __init__(self, catalog: Catalog, cols: DataColumns, ids: list[str], columns: dict[str, IndicatorColumns],
                 levels: dict[str, MeanColumns], exact_rows: dict[tuple[int, str], IndicatorResult],
                 exact_means: dict[tuple[int, str, str], AggregateResult], whole: dict[int, Evaluated],
                 stats: Stats) -> None:
        self.catalog, self.columns_in = catalog, cols
        self.ids = ids
        self.columns = columns
        self.levels = levels
        self.exact_rows = exact_rows      # (row, indicator) -> IndicatorResult from the exact evaluator
        self.exact_means = exact_means    # (row, level, id) -> AggregateResult
        self.whole = whole                # row -> Evaluated of the exact evaluator
        self.stats = stats
        self.headers = INDICATOR_HEADERS
        self.mean_headers = MEAN_HEADERS
        self._below = _below(catalog)
        self._realisasi_cache: dict[int, dict[str, Decimal | None]] = {}

    def _where(self, row: int) -> tuple[Period, str]:
        n = len(self.columns_in.offices)
        return self.columns_in.periods[row // n], self.columns_in.offices[row % n]

    def indicator(self, row: int, ident: str, realisasi: bool = True) -> IndicatorRow:
        """One row; realisasi=False leaves the realisasi out (None) where it would need the exact
        evaluator (a realisasi the engine holds rounded to 34 digits: most ratios)."""
        period, office = self._where(row)
        exact = self._exact_indicator(row, ident)
        if exact is not None:
            return IndicatorRow(period.label, office, ident, str(exact.status), exact.target, exact.realisasi,
                                exact.capaian, exact.predikat)
        ind = self.catalog.indicators[ident]
        c = self.columns[ident]
        spec = declared_target(ind, period)
        target = spec.low if spec is not None and not spec.is_range else None
        status = _STATUS_WORDS[int(c.status[row])]
        shown = self._realisasi(row, ind, c) if realisasi else None
        if c.excluded[row]:
            return IndicatorRow(period.label, office, ident, status, target, None, None, None)
        k = int(c.capaian_k[row])
        capaian = Decimal(k).scaleb(-c.places)
        band = int(c.predikat[row])
        predikat = ind.policy.bands.value.bands[band].label if band >= 0 else None
        return IndicatorRow(period.label, office, ident, status, target, shown, capaian, predikat)

    def _exact_indicator(self, row: int, ident: str) -> IndicatorResult | None:
        found = self.exact_rows.get((row, ident))
        if found is None and row in self.whole:
            found = next((r for r in self.whole[row][0] if r.id == ident), None)
        return found

    def _realisasi(self, row: int, ind: Indicator, c: IndicatorColumns) -> Decimal | None:
        """The exact realisasi: a decided rounding or a value the engine holds exactly, as is; otherwise
        the exact evaluator for that (period, office), once."""
        if c.excluded[row]:
            return None
        if c.realisasi_k is not None:
            return Decimal(int(c.realisasi_k[row])).scaleb(-ind.policy.round_realisasi.value.places)
        if c.realisasi.b[row] == 0:
            return decimal_of(int(c.realisasi.p[row]), int(c.realisasi.q[row]))
        found = self._realisasi_cache.get(row)
        if found is None:  # the exact evaluator, once for the (period, office), on its part of the tree
            period, office = self._where(row)
            kept = self._below(office)
            sub = self.catalog if kept is None else dataclasses.replace(
                self.catalog, offices={o: v for o, v in self.catalog.offices.items() if o in kept})
            ev = _evaluate_period(sub, self.columns_in.exact_data(), period, office)
            found = self._realisasi_cache[row] = {r.id: r.realisasi for r in ev[0]}
        return found[ind.id]

    def rows(self, periods: Iterable[Period] | None = None, offices: Iterable[str] | None = None,
             realisasi: bool = True) -> Iterator[IndicatorRow]:
        """Every (period, office, indicator) row, or those of the periods and offices given. The exact
        realisasi of a ratio costs one exact evaluation per (period, office) shown: realisasi=False
        skips it (status, target, capaian and predikat come from the arrays)."""
        for row in self._selected(periods, offices):
            for ident in self.ids:
                yield self.indicator(row, ident, realisasi)

    def means(self, periods: Iterable[Period] | None = None, offices: Iterable[str] | None = None
              ) -> Iterator[MeanRow]:
        """Every sasaran, office and overall mean of each (period, office), in evaluate_period's order."""
        for row in self._selected(periods, offices):
            period, office = self._where(row)
            if row in self.whole:  # the exact evaluator's means, as it gave them
                _, sasaran, office_means, overall = self.whole[row]
                for level, pool in (("sasaran", sasaran), ("office", office_means),
                                    ("overall", [overall] if overall is not None else [])):
                    for a in pool:
                        yield MeanRow(period.label, office, level, a.id, a.status, a.capaian, a.predikat)
                continue
            for level in ("sasaran", "office", "overall"):
                lv = self.levels.get(level)
                if lv is None:
                    continue
                for j, ident in enumerate(lv.ids):
                    yield self._mean(row, period, office, level, j, ident)

    def _mean(self, row: int, period: Period, office: str, level: str, j: int, ident: str) -> MeanRow:
        exact = None
        if row in self.whole:
            ev = self.whole[row]
            pool = {"sasaran": ev[1], "office": ev[2], "overall": [ev[3]] if ev[3] is not None else []}[level]
            exact = next((a for a in pool if a.id == ident), None)
        elif (row, level, ident) in self.exact_means:
            exact = self.exact_means[(row, level, ident)]
        if exact is not None:
            return MeanRow(period.label, office, level, ident, exact.status, exact.capaian, exact.predikat)
        lv = self.levels[level]
        status = _MEAN_STATUS[int(lv.status[row, j])]
        if not lv.has[row, j]:
            return MeanRow(period.label, office, level, ident, status, None, None)
        places = self.catalog.policy.round.value.places
        band = int(lv.predikat[row, j])
        label = self.catalog.policy.bands.value.bands[band].label if band >= 0 else None
        return MeanRow(period.label, office, level, ident, status, Decimal(int(lv.k[row, j])).scaleb(-places), label)

    def _selected(self, periods: Iterable[Period] | None, offices: Iterable[str] | None) -> Iterator[int]:
        cols = self.columns_in
        pset = set(periods) if periods is not None else None
        oset = set(offices) if offices is not None else None
        n = len(cols.offices)
        for i, p in enumerate(cols.periods):
            if pset is not None and p not in pset:
                continue
            for j, o in enumerate(cols.offices):
                if oset is None or o in oset:
                    yield i * n + j


def _evaluate_period(catalog: Catalog, data: Dataset, period: Period, office: str) -> Evaluated:
    from .evaluate import evaluate_period
    return evaluate_period(catalog, data, period, office)


# ---- means ------------------------------------------------------------------------------------

def _padded(a: npt.NDArray[T], fill: int) -> npt.NDArray[T]:
    """(rows, items) with one more column that is never used, filled with `fill`."""
    return np.concatenate([a, np.full((a.shape[0], 1), fill, dtype=a.dtype)], axis=1)


def _mean_level(catalog: Catalog, agg: Aggregation, items: _Items | _Level, item_ids: list[str],
                groups: list[tuple[str, list[int]]], weights: Sequence[Decimal | None] | Num,
                item_status_nihil: Mask | None, rounding: Rounding, bands: BandSet, rows: int) -> _Level:
    """aggregate._mean for every row and every group at once: groups = (mean id, indices of its items).
    The sums run in the engine's order, position by position across the groups, each step exact with
    the bound of the engine's roundings. `weights`: a Decimal per item, or values per row and item."""
    g_n = len(groups)
    width = max((len(idx) for _, idx in groups), default=0)
    m = items.has.shape[1]
    pad = m  # the padding column
    quiet = item_status_nihil if item_status_nihil is not None else (items.status == 2)
    has_in, st_in, quiet_in = _padded(items.has, 0), _padded(items.status, 0), _padded(quiet, 1)
    v_in = Num(_padded(items.value.p, 0), _padded(items.value.q, 1), _padded(items.value.b, 0))
    weighted = agg.method == AggregateMethod.WEIGHTED
    w_in = None
    if weighted:
        if isinstance(weights, Num):
            w_in = Num(_padded(weights.p, 0), _padded(weights.q, 1), _padded(weights.b, 0))
        else:
            cs = [const(w or Decimal(0), 1) for w in weights] + [whole(0, 1)]
            w_in = Num(*(np.array([c[i][0] for c in cs], dtype=np.int64)[None, :] for i in range(3)))
    positions = np.full((g_n, width), pad, dtype=np.intp)
    for g, (_, idx) in enumerate(groups):
        positions[g, :len(idx)] = idx
    single = width == 1 and not weighted  # a mean of one item is the item (0 + x and x / 1 are exact)
    if not single:  # sums over a common denominator
        v_in = on_grid(v_in)
    shape = (rows, g_n)
    zero = whole(0, shape)
    total, weight_sum = zero, zero
    used = np.zeros(shape, dtype=np.int64)
    broken = np.zeros(shape, dtype=bool)
    for j in range(width):
        col = positions[:, j]
        h = has_in[:, col]
        used += h
        # an item without a capaian: incomplete unless a nihil (excluded) indicator or an empty mean
        broken |= (~h & ~quiet_in[:, col]) | (h & (st_in[:, col] == 1))
        x = _pick(h, v_in.at((slice(None), col)), zero)
        if single:
            total = x
            continue
        if w_in is not None:
            wx = _pick(h, Num(*(np.broadcast_to(a[:, col], shape) for a in w_in)), zero)
            x = mul(wx, x)
            weight_sum = add(weight_sum, wx)
        total = add(total, x)
    undecided = np.zeros(shape, dtype=bool)
    if weighted:
        w_zero, ok = zero_test(weight_sum)
        undecided |= (used > 0) & ~(w_zero | ok)
        ok &= used > 0
        divisor = weight_sum
        hold = _pick(ok, weight_sum, zero)
    else:
        ok = used > 0
        divisor = whole(used, shape)
        hold = divisor
    x = total if single else div(total, divisor, ok)
    if single and isinstance(items, _Items) and items.k is not None and items.k_ok is not None:
        # a mean of one item is the item: its rounding is the indicator's, where that is the means' own
        col = positions[:, 0]
        k = np.zeros(shape, dtype=np.int64)
        known = np.zeros(shape, dtype=bool)
        inside = col < m
        k[:, inside] = items.k[:, col[inside]]
        known[:, inside] = items.k_ok[:, col[inside]]
        need = ok & ~known
        sure = np.ones(shape, dtype=bool)
        if need.any():
            k_need, sure_need = round_decide(x.at(need), rounding)
            k[need], sure[need] = k_need, sure_need
    else:
        k, sure = round_decide(x, rounding)
    undecided |= ok & ~sure
    no_items = used == 0
    status = np.where(no_items & ~broken, 2, np.where(broken | (weighted & ~ok & ~no_items), 1, 0)).astype(np.int8)
    return _Level([g[0] for g in groups], ok, x, status, k, _classify(bands, k, rounding.places), hold,
                  undecided)


# ---- the driver -----------------------------------------------------------------------------------

def evaluate_offices(catalog: Catalog, data: DataColumns | Dataset, periods: Iterable[Period] | None = None,
                     offices: Iterable[str] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> BulkResult:
    """Every indicator and mean of every (period, office), as evaluate_period(catalog, data, period,
    office) gives them; `progress(done, total)` is called as the work advances."""
    cols = data if isinstance(data, DataColumns) else DataColumns.from_dataset(data, catalog, periods, offices)
    if isinstance(data, DataColumns) and (periods is not None or offices is not None):
        if (periods is not None and tuple(periods) != cols.periods) or (
                offices is not None and tuple(offices) != cols.offices):
            raise ValueError("columns hold their own periods and offices: build them for the rows wanted")
    from .evaluate import reads_means
    years = {p.year for p in cols.periods}
    if catalog.variants and years & set(catalog.variants):  # `policy for year …`: one year's policies
        if len(years) > 1:
            raise ValueError("a catalog with policies for a year evaluates one year at a time")
        catalog = catalog.for_year(years.pop())
    late = reads_means(catalog)
    ids = [i for i in catalog.declared_order]
    first = [i for i in ids if i not in late]
    n = cols.rows
    total_steps = len(ids) + 2
    done = 0

    def step(k: int = 1) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total_steps)

    reasons = not_columnar(catalog)
    columns: dict[str, IndicatorColumns] = {}
    exact_mask: dict[str, Mask] = {}
    batches: dict[tuple[object, ...], list[Indicator]] = {}
    for ident in ids:
        if ident in reasons:
            exact_mask[ident] = np.ones(n, dtype=bool)
            step()
        else:
            ind = catalog.indicators[ident]
            batches.setdefault(batch_key(ind), []).append(ind)
    with np.errstate(all="ignore"):
        for inds in batches.values():
            ratios = [_plain_ratio(i) for i in inds]
            if all(r is not None for r in ratios):
                done_cols = _plain_ratio_batch(inds, [r for r in ratios if r is not None], catalog, cols)
                for ind, one in zip(inds, done_cols):
                    columns[ind.id] = one
                    exact_mask[ind.id] = one.status == S_EXACT
                step(len(inds))
                continue
            parts = []
            for start in range(0, n, CHUNK):  # rows in chunks: the temporaries stay small
                span = slice(start, min(n, start + CHUNK))
                parts.append(evaluate_batch(inds, catalog, cols, span=span))
            c = _concat(parts)
            for j, ind in enumerate(inds):
                columns[ind.id] = c.column(j)
                exact_mask[ind.id] = columns[ind.id].status == S_EXACT
            step(len(inds))
    exact_data = cols.exact_data()
    # rows for the exact evaluator, grouped by (period, office), with every indicator of their sasaran
    by_sasaran: dict[str, list[str]] = {}
    for ident in first:
        s = catalog.indicators[ident].sasaran
        if s:
            by_sasaran.setdefault(s, []).append(ident)
    means_reason = why_means_not_columnar(catalog)
    whole: dict[int, Evaluated] = {}
    any_late = bool(late)
    needs: dict[int, set[str]] = {}
    for ident in ids:
        rows_exact = np.nonzero(exact_mask[ident])[0]
        if not len(rows_exact):
            continue
        ind = catalog.indicators[ident]
        group = set(by_sasaran.get(ind.sasaran, [ident])) if ind.sasaran and ident not in late else {ident}
        for row in rows_exact.tolist():
            needs.setdefault(row, set()).update(group)
    exact_rows: dict[tuple[int, str], IndicatorResult] = {}
    exact_means: dict[tuple[int, str, str], AggregateResult] = {}
    if means_reason is not None or any_late:
        # the late indicators read the means; without columnar means every row is exact
        all_rows = range(n) if means_reason is not None else sorted(
            set(needs) | set(np.nonzero(np.any([exact_mask[i] for i in late], axis=0))[0].tolist()))
        for row in all_rows:
            period, office = cols.periods[row // len(cols.offices)], cols.offices[row % len(cols.offices)]
            whole[row] = _evaluate_period(catalog, exact_data, period, office)
    sub_catalogs: dict[tuple[frozenset[str], str], Catalog] = {}
    below = _below(catalog)
    for row, wanted in needs.items():
        if row in whole:
            continue
        period, office = cols.periods[row // len(cols.offices)], cols.offices[row % len(cols.offices)]
        key = (frozenset(wanted), office)
        sub = sub_catalogs.get(key)
        if sub is None:
            # the indicators wanted and their sasaran; the office and those below it (what its data
            # roll up from): an indicator's result and its sasaran's mean depend on nothing else
            offices_kept = below(office)
            sub = sub_catalogs[key] = dataclasses.replace(
                catalog, indicators={i: v for i, v in catalog.indicators.items() if i in wanted},
                declared_order=tuple(i for i in catalog.declared_order if i in wanted),
                offices=catalog.offices if offices_kept is None else {
                    o: v for o, v in catalog.offices.items() if o in offices_kept})
        ev = _evaluate_period(sub, exact_data, period, office)
        for r in ev[0]:
            exact_rows[(row, r.id)] = r
        for a in ev[1]:
            exact_means[(row, "sasaran", a.id)] = a
    step()
    levels: dict[str, MeanColumns] = {}
    if means_reason is None:
        cols.cache.clear()  # the values of the fields and the targets are not needed any more
        cols.target_cache.clear()
        levels, undecided = _means_in_chunks(catalog, first, columns, exact_rows, exact_means, n)
        for row in np.nonzero(undecided)[0].tolist():
            if row not in whole:
                period, office = cols.periods[row // len(cols.offices)], cols.offices[row % len(cols.offices)]
                whole[row] = _evaluate_period(catalog, exact_data, period, office)
    step()
    stats: Stats = {
        "rows": n * len(ids),
        "exact rows": sum(int(m.sum()) for m in exact_mask.values()),
        "exact (period, office) for means": len(whole),
        "exact calls": len({r for r, _ in exact_rows}) + len(whole),
        "not columnar": reasons,
        "means": means_reason,
    }
    return BulkResult(catalog, cols, ids, columns, levels, exact_rows, exact_means, whole, stats)


def _means_in_chunks(catalog: Catalog, first: list[str], columns: dict[str, IndicatorColumns],
                     exact_rows: dict[tuple[int, str], IndicatorResult],
                     exact_means: dict[tuple[int, str, str], AggregateResult],
                     n: int) -> tuple[dict[str, MeanColumns], Mask]:
    """_means over chunks of rows (each row's means depend on that row only): small temporaries,
    what each level shows written into the arrays of every row by slice; and the rows with a mean
    undecided (for the exact evaluator)."""
    out: dict[str, MeanColumns] = {}
    undecided = np.zeros(n, dtype=bool)
    step = CHUNK
    for start in range(0, n, step):
        stop = min(n, start + step)
        span = slice(start, stop)
        cols_part = {i: _rows_slice(c, span) for i, c in columns.items()}
        rows_part = {(r - start, i): v for (r, i), v in exact_rows.items() if start <= r < stop}
        means_part = {(r - start, lv, i): v for (r, lv, i), v in exact_means.items() if start <= r < stop}
        part = _means(catalog, first, cols_part, rows_part, means_part, stop - start)
        for level, lv in part.items():
            undecided[span] |= lv.exact.any(axis=1)
            if stop - start == n:
                out[level] = MeanColumns(lv.ids, lv.has, lv.status, lv.k, lv.predikat)
                continue
            whole = out.get(level)
            if whole is None:
                whole = out[level] = MeanColumns(lv.ids, _rows_like(lv.has, n), _rows_like(lv.status, n),
                                                 _rows_like(lv.k, n), _rows_like(lv.predikat, n))
            whole.has[span], whole.status[span] = lv.has, lv.status
            whole.k[span], whole.predikat[span] = lv.k, lv.predikat
    return out, undecided


def _rows_like(a: npt.NDArray[T], n: int) -> npt.NDArray[T]:
    return np.empty((n,) + a.shape[1:], dtype=a.dtype)


def _rows_slice(c: IndicatorColumns, span: slice) -> IndicatorColumns:
    return IndicatorColumns(c.status[span], c.excluded[span], c.capaian_k[span], c.places,
                            c.capaian.at(span), c.realisasi.at(span),
                            None if c.realisasi_k is None else c.realisasi_k[span], c.predikat[span])


def _below(catalog: Catalog) -> Callable[[str], set[str] | None]:
    """The office and every office below it (None: not an office of the catalog, keep them all)."""
    children: dict[str, list[str]] = {}
    for o in catalog.offices.values():
        if o.parent:
            children.setdefault(o.parent, []).append(o.id)

    def below(office: str) -> set[str] | None:
        if office not in catalog.offices:
            return None
        out, stack = set(), [office]
        while stack:
            o = stack.pop()
            if o not in out:
                out.add(o)
                stack.extend(children.get(o, ()))
        return out
    return below


def _means(catalog: Catalog, first: list[str], columns: dict[str, IndicatorColumns],
           exact_rows: dict[tuple[int, str], IndicatorResult],
           exact_means: dict[tuple[int, str, str], AggregateResult], n: int) -> dict[str, _Level]:
    """The sasaran, office and overall means of every row (aggregate.aggregate's rules)."""
    aggs = catalog.aggregation
    rounding = catalog.policy.round.value
    bands = catalog.policy.bands.value
    m = len(first)
    has = np.zeros((n, m), dtype=bool)
    val = whole(0, (n, m))
    nihil = np.zeros((n, m), dtype=bool)
    own_k = np.zeros((n, m), dtype=np.int64)
    own_ok = np.zeros((n, m), dtype=bool)
    for j, ident in enumerate(first):
        c = columns.get(ident)
        if c is not None:
            live = (c.status != S_EXACT) & ~c.excluded
            if catalog.indicators[ident].policy.round.value == rounding:
                own_k[:, j], own_ok[:, j] = c.capaian_k, live
            has[:, j] = live
            for mine, theirs, fill in zip(val, c.capaian, (0, 1, 0)):
                mine[:, j] = np.where(live, theirs, fill)
            nihil[:, j] = c.excluded
    rounded: Num | None = None
    if any(a.rounded for a in aggs.values()):
        rounded = whole(0, (n, m))
        for j, ident in enumerate(first):
            c = columns.get(ident)
            if c is not None:
                for mine, theirs in zip(rounded, from_k(c.capaian_k, c.places)):
                    mine[:, j] = theirs
    # (row, item) -> (capaian before rounding, shown, status) of the exact evaluator
    exact_items: dict[tuple[int, int], tuple[Decimal | None, Decimal | None, str]] = {}
    index = {ident: j for j, ident in enumerate(first)}
    for (row, ident), r in exact_rows.items():
        found = index.get(ident)
        if found is None:
            continue
        exact_items[(row, found)] = (r.capaian_exact, r.capaian, r.status)

    cache: dict[bool, tuple[_Items, Mask]] = {}

    def item_level(use_rounded: bool) -> tuple[_Items, Mask]:
        if use_rounded not in cache:
            cache[use_rounded] = _item_level(use_rounded)
        return cache[use_rounded]

    def _item_level(use_rounded: bool) -> tuple[_Items, Mask]:
        copy = bool(exact_items)
        h = has.copy() if copy else has
        v = Num(*(a.copy() for a in val)) if copy else val
        if use_rounded and rounded is not None:
            v = _pick(has, rounded, whole(0, (n, m)))
        quiet = nihil.copy() if copy else nihil
        for (row, j), (exact, shown, st) in exact_items.items():
            x = shown if use_rounded else exact
            h[row, j] = x is not None
            quiet[row, j] = x is None and st == "nihil"
            if x is not None:  # the engine's own value: exact
                v.p[row, j], v.q[row, j], v.b[row, j] = from_decimal(x)
        # columns not computed here (not columnar) are all in exact_items
        zeros = np.zeros((n, m), dtype=np.int8)
        return _Items(list(first), h, v, zeros, own_k, own_ok), quiet

    ind_weights = [catalog.indicators[i].weight for i in first]
    # sasaran
    sas_groups = [(s.id, [index[i] for i in first if catalog.indicators[i].sasaran == s.id])
                  for s in catalog.sasaran.values()]
    sas_groups = [g for g in sas_groups if g[1]]
    if aggs["sasaran"].off:  # nothing reads it (the checker's E123): no group, no row
        sas_groups = []
    items, quiet = item_level(aggs["sasaran"].rounded)
    sasaran = _mean_level(catalog, aggs["sasaran"], items, first, sas_groups, ind_weights, quiet, rounding, bands, n)
    # sasaran means the engine computed (an item went exact): take them
    sas_index = {g[0]: j for j, g in enumerate(sas_groups)}
    for (row, level, ident), a in exact_means.items():
        at = sas_index.get(ident)
        if level != "sasaran" or at is None:
            continue
        _set_mean(sasaran, row, at, a, rounding)
    out = {"sasaran": sasaran}

    def mean_items(level: _Level, use_rounded: bool) -> _Level:
        if not use_rounded:
            return level
        return level._replace(value=_pick(level.has, from_k(level.k, rounding.places), whole(0, level.k.shape)))

    # offices
    office_agg = aggs["office"]
    office_groups: list[tuple[str, list[int]]] = []
    src: _Items | _Level
    if office_agg.source == AggregateSource.SASARAN:
        sas_ids = [g[0] for g in sas_groups]
        for office in catalog.offices.values():
            idx = [j for j, s in enumerate(sas_ids) if catalog.sasaran[s].office == office.id]
            if idx:
                office_groups.append((office.id, idx))
        src = mean_items(sasaran, office_agg.rounded)
        w_src = [catalog.sasaran[s].weight for s in sas_ids]
        offices = _mean_level(catalog, office_agg, src, sas_ids, office_groups, w_src, None, rounding, bands, n)
        office_weight_decimals = w_src
        holds = [(g[1], "sasaran") for g in office_groups]
        src_has = src.has
    else:
        office_of = {j: catalog.indicators[i].office for j, i in enumerate(first) if catalog.indicators[i].sasaran}
        by_office: dict[str, list[int]] = {}
        for j, o in office_of.items():
            if o:
                by_office.setdefault(o, []).append(j)
        office_groups = [(o, by_office[o]) for o in catalog.offices if o in by_office and not office_agg.off]
        items_o, quiet_o = item_level(office_agg.rounded)
        offices = _mean_level(catalog, office_agg, items_o, first, office_groups, ind_weights, quiet_o, rounding,
                              bands, n)
        office_weight_decimals = ind_weights
        holds = [(g[1], "indicators") for g in office_groups]
        src_has = items_o.has
    # what each office's mean holds, for a weighted overall: its used items' weights, or their number
    hold = whole(0, (n, len(office_groups)))
    for g, (idx, _) in enumerate(holds):
        if office_agg.method == AggregateMethod.WEIGHTED:
            acc = whole(0, n)
            for j in idx:
                acc = add(acc, _pick(src_has[:, j], const(office_weight_decimals[j] or Decimal(0), n), whole(0, n)))
        else:
            acc = whole(src_has[:, idx].sum(axis=1), n)
        for mine, theirs, fill in zip(hold, acc, (0, 1, 0)):
            mine[:, g] = np.where(offices.has[:, g], theirs, fill)
    # (an office whose weighted mean has no weight holds its items' weights: 0)
    if office_groups:
        out["office"] = offices
    # overall
    overall_agg = aggs["overall"]
    w: Sequence[Decimal | None] | Num
    quiet_all: Mask | None
    if overall_agg.source == AggregateSource.SASARAN:
        src, groups = mean_items(sasaran, overall_agg.rounded), [("overall", list(range(len(sas_groups))))]
        w = [catalog.sasaran[g[0]].weight for g in sas_groups]
        quiet_all = None
    elif overall_agg.source == AggregateSource.OFFICE:
        src, groups = mean_items(offices, overall_agg.rounded), [("overall", list(range(len(office_groups))))]
        w = hold
        quiet_all = None
    else:
        idx = [j for j, i in enumerate(first) if catalog.indicators[i].sasaran]
        src, quiet_all = item_level(overall_agg.rounded)
        groups = [("overall", idx)]
        w = ind_weights
    if groups[0][1] and not overall_agg.off:
        out["overall"] = _mean_level(catalog, overall_agg, src, [], groups, w, quiet_all, rounding, bands, n)
    return out


def _set_mean(level: _Level, row: int, j: int, a: AggregateResult, rounding: Rounding) -> None:
    """Put a mean the engine computed into a level's arrays (for the means above it)."""
    level.has[row, j] = a.capaian_exact is not None
    level.status[row, j] = _MEAN_STATUS.index(a.status)
    level.exact[row, j] = False  # decided by the engine
    if a.capaian_exact is not None:
        assert a.capaian is not None  # a mean with a value shows it rounded
        level.value.p[row, j], level.value.q[row, j], level.value.b[row, j] = from_decimal(a.capaian_exact)
        k = int(a.capaian.scaleb(rounding.places))
        if abs(k) < 2 ** 62:
            level.k[row, j] = k
        else:  # too large for the arrays: the means above it are the exact evaluator's
            level.exact[row, j] = True


__all__ = ["RULES", "OTHER_RULES", "Rule", "rule", "why_not_columnar", "not_columnar", "why_means_not_columnar",
           "DataColumns", "FieldColumn", "evaluate_offices", "BulkResult", "IndicatorRow", "MeanRow",
           "INDICATOR_HEADERS", "MEAN_HEADERS", "parse_formula"]
