"""What changed between two catalogs (a Renstra revision), and what it does to the numbers.

Indicators are matched by id; an indicator that disappears while a similar one
appears (by id, name and formula) is reported as renamed. Each change is listed
once, old beside new. With realisation data, both catalogs evaluate the same data
(a field only one of them declares is no error: it is what a planner has after a
revision) and every indicator, sasaran and the overall is listed with its
capaian and status before and after, so a result that went `missing` or
`incomplete` is a change, not part of "unchanged".
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import fields as dataclass_fields
from typing import Optional

from pydantic import BaseModel

from kinerja_dsl.catalog import Catalog, CompositeNode, Indicator, TargetSpec

from ..evaluation.results import AggregateResult, Evaluation, Exact, IndicatorResult

RENAME_THRESHOLD = 0.6


class Change(BaseModel):
    kind: str          # added | removed | renamed | changed
    id: str            # the indicator (new id for renamed), "policy", or "sasaran X"
    field: str = ""
    old: Optional[str] = None
    new: Optional[str] = None


class Effect(BaseModel):
    """One item evaluated under both catalogs: its capaian and status before and after (a status
    of None: the item does not exist on that side)."""

    level: str
    id: str
    old: Optional[Exact] = None
    new: Optional[Exact] = None
    delta: Optional[Exact] = None
    old_status: Optional[str] = None
    new_status: Optional[str] = None
    old_id: Optional[str] = None   # a renamed indicator's id before
    changed: bool = False          # capaian or status differ


class DiffReport(BaseModel):
    old: list[str]
    new: list[str]
    changes: list[Change]
    effects: list[Effect] = []
    period: Optional[str] = None


def _node_text(n: CompositeNode, depth: int = 0) -> list[str]:
    head = f"{'  ' * depth}{n.kind} {n.id}"
    if n.weight is not None:
        head += f" weight {n.weight.normalize():f}"
    if n.kind == "group":
        head += f" {n.combine} scale {n.scale.normalize():f}" + (f" cap {n.cap.normalize():f}" if n.cap is not None else "")
        head += "".join(f" target {y}{' ' + p if p else ''} = {t.text}" for (y, p), t in sorted(n.targets.items(),
                                                                                               key=str))
        return [head] + [line for c in n.children for line in _node_text(c, depth + 1)]
    return [head + f" = {n.formula}" + (f" nihil {n.nihil.value}" if n.nihil else "")]


def formula_text(ind: Indicator) -> str:
    if ind.kind == "ratio":
        return ind.formulas["ratio"]
    if ind.kind == "value":
        return ind.formulas["value"]
    assert ind.index is not None, "an indicator that is neither a ratio nor a value is an index"
    return "index: " + "; ".join(line.strip() for line in _node_text(ind.index)[1:])


def _targets(mapping: Mapping[tuple[int, str | None], TargetSpec] | Mapping[int, TargetSpec]) -> dict[str, str]:
    out = {}
    for key, spec in mapping.items():
        label = f"{key[0]}{' ' + key[1] if key[1] else ''}" if isinstance(key, tuple) else str(key)
        out[label] = spec.text
    return out


def _describe(ind: Indicator) -> dict[str, str]:
    """The comparable facets of an indicator, as text."""
    d = {
        "name": ind.label, "sasaran": ind.sasaran or "-", "office": ind.office or "-", "unit": ind.unit,
        "formula": formula_text(ind), "scale": f"{ind.scale.normalize():f}", "direction": ind.direction,
        "weight": f"{ind.weight.normalize():f}" if ind.weight is not None else "-",
        "range": f"{ind.range[0]:f} .. {ind.range[1]:f}" if ind.range else "-",
        "iku": "yes" if ind.iku else "no",
    }
    for f in dataclass_fields(ind.policy):
        value = getattr(ind.policy, f.name).value
        d[f.name] = value.id if f.name == "bands" else ("none" if value is None else str(value))
    for label, text in _targets(ind.targets).items():
        d[f"target {label}"] = text
    for label, text in _targets(ind.renstra).items():
        d[f"renstra {label}"] = text
    return d


def _similarity(a: Indicator, b: Indicator) -> float:
    ratio = lambda x, y: difflib.SequenceMatcher(None, x, y).ratio()  # noqa: E731
    return (ratio(a.id, b.id) + ratio(a.label.lower(), b.label.lower()) + ratio(formula_text(a), formula_text(b))) / 3


def compare(old: Catalog, new: Catalog) -> list[Change]:
    changes: list[Change] = []
    for f in dataclass_fields(old.policy):
        a, b = getattr(old.policy, f.name).value, getattr(new.policy, f.name).value
        a = a.id if f.name == "bands" else a
        b = b.id if f.name == "bands" else b
        if str(a) != str(b):
            changes.append(Change(kind="changed", id="policy", field=f.name, old=str(a), new=str(b)))
    for level in old.aggregation:
        a, b = old.aggregation[level], new.aggregation[level]
        if (a.method, a.source, a.rounded) != (b.method, b.source, b.rounded):
            changes.append(Change(kind="changed", id="policy", field=f"aggregate {level}",
                                  old=a.rule, new=b.rule))
    for sid in [s for s in old.sasaran if s not in new.sasaran]:  # declaration order: the same every run
        changes.append(Change(kind="removed", id=f"sasaran {sid}", old=old.sasaran[sid].label))
    for sid in [s for s in new.sasaran if s not in old.sasaran]:
        changes.append(Change(kind="added", id=f"sasaran {sid}", new=new.sasaran[sid].label))

    removed = [old.indicators[i] for i in old.declared_order if i not in new.indicators]
    added = [new.indicators[i] for i in new.declared_order if i not in old.indicators]
    pairs: list[tuple[Indicator, Indicator]] = []
    for a in list(removed):
        scored = sorted(((_similarity(a, b), b) for b in added), key=lambda t: -t[0])
        if scored and scored[0][0] >= RENAME_THRESHOLD:
            b = scored[0][1]
            pairs.append((a, b))
            removed.remove(a)
            added.remove(b)
            changes.append(Change(kind="renamed", id=b.id, field="id", old=a.id, new=b.id))
    for a in removed:
        changes.append(Change(kind="removed", id=a.id, old=a.label))
    for b in added:
        changes.append(Change(kind="added", id=b.id, new=b.label))
    pairs += [(old.indicators[i], new.indicators[i]) for i in old.declared_order if i in new.indicators]
    for a, b in pairs:
        da, db = _describe(a), _describe(b)
        for key in list(dict.fromkeys(list(da) + list(db))):
            if da.get(key) != db.get(key):
                changes.append(Change(kind="changed", id=b.id, field=key, old=da.get(key), new=db.get(key)))
    return changes


def effects(old_ev: Evaluation, new_ev: Evaluation, changes: Sequence[Change] = ()) -> list[Effect]:
    """Every indicator (in the new catalog's order, then the removed ones), sasaran and the
    overall, evaluated on the same data under both catalogs; a renamed indicator is matched
    with its old id (from `changes`)."""
    out: list[Effect] = []

    def add(level: str, ident: str, a: IndicatorResult | AggregateResult | None,
            b: IndicatorResult | AggregateResult | None, old_id: str | None = None) -> None:
        ca = a.capaian if a is not None else None
        cb = b.capaian if b is not None else None
        sa = a.status if a is not None else None
        sb = b.status if b is not None else None
        delta = cb - ca if ca is not None and cb is not None else None
        out.append(Effect(level=level, id=ident, old=ca, new=cb, delta=delta, old_status=sa, new_status=sb,
                          old_id=old_id, changed=(ca, sa) != (cb, sb)))

    renamed = {c.new: c.old for c in changes if c.kind == "renamed" and c.new and c.old}
    old_ind = {r.id: r for r in old_ev.indicators}
    matched = set()
    for r in new_ev.indicators:
        before = renamed.get(r.id) or r.id
        matched.add(before)
        add("indicator", r.id, old_ind.get(before), r, before if before != r.id else None)
    for r in old_ev.indicators:
        if r.id not in matched:
            add("indicator", r.id, r, None)
    old_sasaran = {x.id: x for x in old_ev.sasaran}
    new_sasaran = {x.id: x for x in new_ev.sasaran}
    for ident in dict.fromkeys([*new_sasaran, *old_sasaran]):
        add("sasaran", ident, old_sasaran.get(ident), new_sasaran.get(ident))
    if old_ev.overall is not None or new_ev.overall is not None:
        add("overall", "overall", old_ev.overall, new_ev.overall)
    return out
