"""Field values per (period, office): reported, or rolled up over periods and offices.

A value missing for a period is built from the periods inside it (the indicator's `rollup`
rule), and a value missing at an office from the offices below it (counts and amounts summed,
other kinds averaged over the offices that reported; `unreported zero` counts an office that
gave `-` as 0). A roll-up that lacks a part is a Gap, never a smaller value.
"""
from __future__ import annotations

import functools
import itertools
from decimal import Decimal
from typing import NamedTuple

from kinerja_dsl.catalog import Catalog
from kinerja_dsl.messages import t
from kinerja_dsl.vocabulary import FieldKind, Rollup

from ..readers.data import ROOT, Dataset
from ..periods import Period

ZERO = Decimal(0)
SUMMED_KINDS = (FieldKind.COUNT, FieldKind.AMOUNT)


class OfficeRollup(NamedTuple):
    """How a field's value came from the offices below one office."""

    summed: bool     # counts and amounts are summed; other kinds averaged
    office: str      # the office whose value it is
    used: int        # values that entered (with `unreported zero`: the zeros too)
    children: int    # offices directly under `office` (what a sum is taken over)
    silent: int      # offices below that gave `-` (asked, not reported)
    zeros: bool      # whether `unreported zero` counted those as 0

    @property
    def decided_by_rule(self) -> bool:
        """Whether the `unreported` rule decided part of the value."""
        return self.silent > 0


class PeriodRollup(NamedTuple):
    """How a field's value came from the periods inside the period, in time order."""

    rule: Rollup
    pieces: tuple[tuple[str, Decimal], ...]  # (period label, value)
    period: str = ""                          # a cumulative period built (`2024-sd-TW3`), else ""
    months: tuple[int, int] = (1, 12)         # its first and last month


class TotalOfParts(NamedTuple):
    """A declared total the data does not give, derived as the sum of its parts given in the same
    cell (readers.data.derive_totals)."""

    parts: tuple[tuple[str, Decimal], ...]  # (field, value)


class Gap(NamedTuple):
    """Why a field has no value at an office although parts of it were reported."""

    kind: str    # incomplete: a sub-period is missing | conflict: two overlapping granularities (D011)
    office: str  # where the parts were reported
    text: str    # "2024-TW3, 2024-TW4 missing (given: 2024-TW1, 2024-TW2)"


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
        self._subtrees: dict[str, set[str]] = {}
        self._kinds = {f.id: f.kind for f in catalog.fields.values()}

        # (period, office, rollup, unreported, field) -> how it was rolled up over offices
        self.notes: dict[tuple, OfficeRollup] = {}

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
                gaps[name] = (Gap("conflict", office, t("given for {period} ({place}) and for {inner} inside it ({inner_place})",
                                                    period=period.label, place=direct[name].place,
                                                    inner=inner.label, inner_place=v.place)),)
                del result[name]
                continue
            value, gap = _over_periods(period, whole, pieces, self.rule(name, rollup), covered, overlap)
            if gap is not None:
                gaps[name] = (Gap(gap[0], office, gap[1]),)
            elif value is not None:
                result[name] = value
        self._cache[key] = result
        self._gaps[key] = gaps
        return result

    def rule(self, name: str, rollup: str) -> Rollup:
        """How a field's sub-periods make a period: the indicator's declared rule, or by_kind."""
        if rollup != Rollup.BY_KIND:
            return Rollup(rollup)
        return self.catalog.field_rule(name)

    def period_note(self, period: Period, office: str, rollup: str, name: str) -> PeriodRollup | None:
        """How the office's own value of a field was rolled up from the periods inside, when it
        was (built when a trace asks, so bulk evaluation does not pay for it)."""
        own = self.own(period, office, rollup)
        direct = self.data.values.get((period, office))
        if name not in own or (direct and name in direct):
            return None
        pieces = [(p, c[name]) for p, _ in _inside(period) if (c := self.data.values.get((p, office))) and name in c]
        if pieces[0][0].kind != pieces[-1][0].kind:
            pieces.sort(key=lambda pv: pv[0].months().start)
        months = period.months()
        return PeriodRollup(self.rule(name, rollup), tuple((p.label, v.value) for p, v in pieces),
                            period.label if period.cumulative else "", (months[0], months[-1]))

    def total_note(self, period: Period, office: str, rollup: str, name: str) -> TotalOfParts | None:
        """How a declared total the office's cell does not give was derived from its parts, when it
        was and is the office's value (not where the cell conflicts with one inside it: a Gap)."""
        cell = self.data.values.get((period, office)) or {}
        found = cell.get(name)
        if found is None or not found.parts or name not in self.own(period, office, rollup):
            return None
        return TotalOfParts(tuple((p, cell[p].value) for p in found.parts))

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
            silent, zeros = 0, False
            if kind in SUMMED_KINDS:
                series = [c[name] for c in summed if name in c]
            else:
                series = [c[name] for c in below if name in c]
                silent = sum(1 for m in marked if name in m)  # given as "-": asked, not reported
                if unreported == "zero" and silent:
                    series += [ZERO] * silent
                    zeros = True
            if series:
                summing = kind in SUMMED_KINDS
                result[name] = sum(series, ZERO) if summing else sum(series, ZERO) / len(series)
                self.notes[key + (name,)] = OfficeRollup(summing, office, len(series), len(children), silent, zeros)
        self._cache[key] = result
        self._gaps[key] = gaps
        return result

    def subtree(self, office: str) -> set[str]:
        """The office and every office below it."""
        found = self._subtrees.get(office)
        if found is not None:
            return found
        out: set[str] = set()
        stack = [office]
        while stack:
            o = stack.pop()
            if o not in out:
                out.add(o)
                stack.extend(self.children.get(o, ()))
        self._subtrees[office] = out
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


def _over_periods(period: Period, whole: int, pieces: list, rule: str, covered: int,
                  overlap: bool) -> tuple[Decimal | None, tuple[str, str] | None]:
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
                return None, ("conflict", t("given for {period} ({place}) and for {inner} inside it ({inner_place})",
                                            period=clash.label, place=first.place, inner=p.label,
                                            inner_place=v.place))
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
            return None, ("incomplete", t("{missing} missing (given: {given})", missing=missing, given=given))
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


