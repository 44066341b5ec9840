"""Published vs recomputed: every printed figure checked, each difference classified.

For reviewers (inspektorat) who check an LKjIP before it is published. A figure
reproduces when the recomputed exact value, rounded half-up to the printed number
of decimals, is what was printed. Otherwise the first explanation that fits is
given: truncation, rounding (including realisasi rounded first), cap or floor, a
different formula (lower-is-better, nihil counted as 0), a copy error (the value
belongs to another row), or unexplained.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Annotated, Optional

from pydantic import BaseModel, BeforeValidator, Field

from kinerja_dsl.catalog import quantized
from kinerja_dsl.diagnostics import Diagnostic, suggest
from kinerja_dsl.loader import read_text

from .data import Schema, load_toml, validated
from .numbers import NotationError, parse_number
from .results import Evaluation, Exact

HUNDRED = Decimal(100)
CLASSES = ("reproduced", "truncation", "rounding", "cap", "floor", "formula", "copy", "propagated", "unexplained",
           "not computed")


class AuditRow(BaseModel):
    level: str
    id: str
    measure: str
    line: int
    printed: str
    printed_value: Optional[Exact] = None
    recomputed: Optional[Exact] = None
    difference: Optional[Exact] = None
    verdict: str
    explanation: str = ""
    report_says_consistent: Optional[bool] = None


class AuditReport(BaseModel):
    source: str
    published: str
    rows: list[AuditRow]
    counts: dict[str, int]


@dataclass
class Figure:
    level: str
    id: str
    measure: str
    printed: str
    line: int
    consistent: bool | None
    file_line: int                                          # the [[figure]] line
    key_lines: dict[str, int] = field(default_factory=dict)  # the line of each key, for findings
    value: Decimal | None = None                            # the printed number, read once
    places: int = 0                                         # and its decimal places


def _as_printed(value):
    """A figure typed as a TOML number (`printed = 3.10`) is read as its text, places kept."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value) if isinstance(value, Decimal) and value.is_finite() else value


class PublishedMeta(Schema):
    """[meta] of a published file: where the figures come from."""

    source: Optional[str] = None
    office: Optional[str] = None
    year: Optional[int] = None
    note: Optional[str] = None


class PublishedFigure(Schema):
    """One [[figure]]: a number the report prints, as printed, and the line it stands on."""

    level: str
    id: str
    measure: str
    printed: Annotated[str, BeforeValidator(_as_printed)]
    line: Annotated[int, Field(ge=0)] = 0
    consistent: Optional[bool] = None
    note: Optional[str] = None


class Published(Schema):
    """A published file: [meta] and one [[figure]] per printed figure."""

    meta: PublishedMeta = PublishedMeta()
    figure: list[PublishedFigure] = []


def read_published(path) -> tuple[dict, list[Figure], list[Diagnostic]]:
    """The published figures; every violation of the layout is a diagnostic at its line."""
    path = Path(path)
    file = str(path)
    text, problem = read_text(path)  # the one safe reader: regular files only, never past the limit
    if problem is not None:
        return {}, [], [problem]
    doc, lines, problems = load_toml(file, text)
    if doc is None:
        return {}, [], problems
    published = validated(Published, doc, lines, file, (), problems)
    if published is None:
        return {}, [], problems
    figures = []
    for k, item in enumerate(published.figure):
        where = lines.line("figure", k)
        value, places, refused = _printed_number(item.printed)
        if refused is not None:
            problems.append(Diagnostic("D012", "error", f"the printed figure {refused}", file,
                                       lines.line("figure", k, "printed"), 1, 0, hint=refused.hint))
            continue
        figures.append(Figure(item.level, item.id, item.measure, item.printed, item.line, item.consistent, where,
                              {key: lines.line("figure", k, key) for key in ("level", "id", "measure")},
                              value, places))
    return doc.get("meta", {}), figures, problems


_LEADING_NUMBER = re.compile(r"^\s*([-\u2212]?[0-9][0-9.,]*)")


def _printed_number(text: str) -> tuple[Decimal | None, int, NotationError | None]:
    """The number a report printed ("91,59%%", "3,1 indeks", "3.88") and its decimal places; and,
    when neither notation reads it because it is beyond what the engine keeps exactly (40
    decimals), that refusal (D012). A text with no number has none of the three."""
    m = _LEADING_NUMBER.match(text)
    if not m:
        return None, 0, None
    s = m.group(1).rstrip(".,")
    refused = None
    for locale in ("id", "en"):
        try:
            value = parse_number(s, locale)
        except NotationError as err:
            refused = err if err.code == "D012" else refused
            continue
        mark = "," if locale == "id" else "."
        return value, len(s.split(mark, 1)[1]) if mark in s else 0, None
    return None, 0, refused


def _decimals(n: int) -> str:
    return "a whole number" if n == 0 else "1 decimal" if n == 1 else f"{n} decimals"


def _minus(a: Decimal, b: Decimal) -> Decimal:
    """a − b exactly, at any magnitude (the default context keeps 28 digits; a capaian may have 60)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, max(a.adjusted(), b.adjusted()) - min(a.as_tuple().exponent, b.as_tuple().exponent) + 2)
        return a - b


def _q(x: Decimal, places: int, mode=ROUND_HALF_UP) -> Decimal:
    return quantized(x, Decimal(1).scaleb(-places), mode)  # any magnitude: a capaian may reach 1e58


class _Lookup:
    """Recomputed values by (level, id, measure), with what else is needed to explain differences."""

    def __init__(self, ev: Evaluation, printed: dict[tuple[str, str, str], list[Decimal]]):
        self.values: dict[tuple[str, str, str], Decimal | None] = {}
        self.indicators = {r.id: r for r in ev.indicators}
        self.aggregates = {(a.level, a.id): a for a in ev.sasaran + ev.offices}
        if ev.overall is not None:
            self.aggregates[("overall", "overall")] = ev.overall
        self.printed = printed
        # the capaian as the catalog's declared rounding prints it (truncate 2 gives 118,91)
        self.shown = {(level, a.id, "capaian"): a.capaian for level, rows in
                      (("indicator", ev.indicators), ("sasaran", ev.sasaran), ("office", ev.offices)) for a in rows}
        if ev.overall is not None:
            self.shown[("overall", "overall", "capaian")] = ev.overall.capaian
        self.group_targets = {}
        for r in ev.indicators:
            self.values[("indicator", r.id, "capaian")] = r.capaian_exact
            self.values[("indicator", r.id, "realisasi")] = r.realisasi
            self.values[("indicator", r.id, "target")] = r.target
            for c in r.components:
                # a sub-index's own target where the catalog declares one, else the index's
                target = self.group_targets[c.path] = c.target if c.target is not None else r.target
                self.values[("group", c.path, "target")] = target
                self.values[("group", c.path, "realisasi")] = c.value_exact
                self.values[("group", c.path, "capaian")] = (c.value_exact / target * HUNDRED
                                                             if c.value_exact is not None and target else None)
                if c.value is not None and c.value != c.value_exact:  # as the group's declared rounding prints it
                    self.shown[("group", c.path, "realisasi")] = c.value
                    if target:
                        self.shown[("group", c.path, "capaian")] = c.value / target * HUNDRED
        for level, rows in (("sasaran", ev.sasaran), ("office", ev.offices)):
            for a in rows:
                self.values[(level, a.id, "capaian")] = a.capaian_exact
        if ev.overall is not None:
            self.values[("overall", "overall", "capaian")] = ev.overall.capaian_exact

    def get(self, f: Figure) -> Decimal | None:
        ident = "overall" if f.level == "overall" else f.id
        return self.values.get((f.level, ident, f.measure))

    def candidates(self, level: str, ident: str) -> list[tuple[Decimal, frozenset[str]]]:
        """Values an item may have had in the report: recomputed, or any capaian printed for it.
        Each comes with the ids whose printed value it used instead of the recomputed one."""
        agg = self.aggregates.get((level, ident))
        if level == "indicator" or agg is None:
            key = ("indicator", ident, "capaian")
            exact = self.values.get(key)
            out = [(exact, frozenset())] if exact is not None else []
            for p in self.printed.get(key, []):
                if exact is None or _q(exact, 2) != _q(p, 2):
                    out.append((p, frozenset({ident})))
            return out
        item_level = "sasaran" if level == "overall" and "of sasaran" in agg.method else "indicator"
        choices = [self.candidates(item_level, i) for i in agg.items]
        choices = [c for c in choices if c]
        if not choices:
            return []
        out = []
        for combo in itertools.islice(itertools.product(*choices), 512):
            values = [v for v, _ in combo]
            used = frozenset().union(*(u for _, u in combo))
            out.append((sum(values, Decimal(0)) / len(values), used))
        return out


def _explain(f: Figure, printed: Decimal, x: Decimal, places: int, look: _Lookup, cap, floor) -> tuple[str, str]:
    shown = look.shown.get((f.level, "overall" if f.level == "overall" else f.id, f.measure))
    if _q(x, places) == printed or (shown is not None and _q(shown, places) == printed):
        return "reproduced", ""
    if _q(x, places, ROUND_DOWN) == printed:
        return "truncation", f"{x:.6f}… cut to {_decimals(places)}, not rounded"
    if f.level in ("sasaran", "office", "overall") and f.measure == "capaian":
        for alt, used in sorted(look.candidates(f.level, "overall" if f.level == "overall" else f.id),
                                key=lambda c: len(c[1])):
            if used and (_q(alt, places) == printed or _q(alt, places, ROUND_DOWN) == printed):
                return "propagated", "reproduces from the printed capaian of " + ", ".join(sorted(used))
        agg = look.aggregates.get((f.level, f.id))
        items = [look.indicators.get(i) for i in agg.items] if agg is not None and f.level != "overall" else []
        if items and all(r is not None and r.realisasi is not None and r.target for r in items):
            for mode, name in ((ROUND_DOWN, "truncated"), (ROUND_HALF_UP, "rounded")):
                alt = sum((_q(r.realisasi, 2, mode) / r.target * HUNDRED for r in items), Decimal(0)) / len(items)
                if _q(alt, places) == printed:
                    return "rounding", f"the mean of capaian computed from realisasi {name} to 2 decimals"
    if f.level == "group" and f.measure == "capaian":
        target = look.group_targets.get(f.id)
        value = look.values.get(("group", f.id, "realisasi"))
        if target and value is not None:
            for rp in (2, 3, 1):
                for mode in (ROUND_HALF_UP, ROUND_DOWN):
                    alt = _q(value, rp, mode) / target * HUNDRED
                    if _q(alt, places) == printed or _q(alt, places, ROUND_DOWN) == printed:
                        return "rounding", f"computed from the value rounded to {_decimals(rp)}"
    r = look.indicators.get(f.id) if f.level == "indicator" else None
    if r is not None and f.measure == "capaian" and r.realisasi is not None and r.target:
        for mode, name in ((ROUND_HALF_UP, "rounded"), (ROUND_DOWN, "truncated")):
            for rp in (2, 1, 3):
                alt = _q(r.realisasi, rp, mode) / r.target * HUNDRED
                if _q(alt, places) == printed or _q(alt, places, ROUND_DOWN) == printed:
                    return "rounding", f"realisasi {name} to {_decimals(rp)} before the division"
        t, real = r.target, r.realisasi
        if _q((2 * t - real) / t * HUNDRED, places) == printed:
            return "formula", "lower-is-better formula (2T − R) / T applied"
        if real and _q(t / real * HUNDRED, places) == printed:
            return "formula", "T / R applied"
    if r is not None and f.measure == "capaian" and r.status == "nihil" and printed == 0:
        return "formula", "nihil counted as 0"
    if cap is not None and x > cap and printed == cap:
        return "cap", f"capped at {cap}"
    if floor is not None and x < floor and printed == floor:
        return "floor", f"floor {floor}"
    if printed in (Decimal(120),) and x > printed:
        return "cap", "capped at 120 (not declared in this catalog)"
    if printed == 0 and x < 0:
        return "floor", "negative capaian printed as 0 (not declared in this catalog)"
    if f.measure != "target" and places > 0 and abs(x - printed) <= Decimal(1).scaleb(-places):
        # a computed figure one unit off in its last decimal: inputs rounded differently. A target is
        # stated, not computed, and a whole-number difference is never rounding.
        return "rounding", "within one unit of the last printed decimal"
    sources = [f"{key[0]} `{key[1]}`" for key, other in look.values.items()
               if other is not None and key[:2] != (f.level, f.id) and key[2] == f.measure
               and (_q(other, places) == printed or _q(other, places, ROUND_DOWN) == printed)]
    if sources:
        # the report's table layout is not encoded, so every row the value could come from is named
        more = f" (or of {len(sources) - 3} more)" if len(sources) > 3 else ""
        return "copy", f"the printed {f.measure} is that of " + " or ".join(sources[:3]) + more
    return "unexplained", ""


LEVELS = ("indicator", "sasaran", "office", "overall", "group")
MEASURES = ("capaian", "realisasi", "target")


def _group_paths(catalog) -> set[str]:
    """Every node of every index as a published figure names it (`PAS.iph/tahanan/overstay`)."""
    paths: set[str] = set()
    stack = [(ind.id, ind.index) for ind in catalog.indicators.values() if ind.index is not None]
    while stack:
        path, node = stack.pop()
        paths.add(path)
        stack.extend((f"{path}/{c.id}", c) for c in node.children)
    return paths


def figure_findings(figures: list[Figure], catalog, published: str) -> list[Diagnostic]:
    """What makes a published file unfit to audit, each an error: no figures at all (E004), a
    level, measure or id the catalog does not have (D013; before, such a figure passed as "not
    computed" and a misspelt id hid a printed figure from the audit)."""
    if not figures:
        return [Diagnostic("E004", "error", "the published file has no figures", published,
                           hint='list each printed figure as [[figure]] with level, id, measure and printed, '
                                'e.g. level = "indicator", id = "SJ1.rb", measure = "capaian", printed = "102,84"')]
    ids = {"indicator": catalog.indicators, "sasaran": catalog.sasaran, "office": catalog.offices,
           "group": _group_paths(catalog)}
    out = []
    for f in figures:
        for what, word, known in (("level", f.level, LEVELS), ("measure", f.measure, MEASURES),
                                  (f.level, f.id, ids.get(f.level))):
            if known is None or word in known:
                continue
            close = suggest(word, known)
            hint = f"did you mean `{close}`?" if close else (
                f"{what}s: " + ", ".join(known) if what in ("level", "measure") else
                "use the catalog's ids (`kinerja kamus` lists them)")
            key = "id" if what == f.level else what
            out.append(Diagnostic("D013", "error", f"unknown {what} `{word}`", published,
                                  f.key_lines.get(key) or f.file_line, 1, 0, hint=hint))
            break
    return out


def audit(ev: Evaluation, figures: list[Figure], catalog, published: str) -> AuditReport:
    printed_capaian: dict[tuple[str, str, str], list[Decimal]] = {}
    for f in sorted(figures, key=lambda f: f.consistent is False):  # consistent figures first
        if f.value is not None and f.measure == "capaian":
            printed_capaian.setdefault((f.level, f.id, f.measure), []).append(f.value)
    look = _Lookup(ev, printed_capaian)
    cap, floor = catalog.policy.cap.value, catalog.policy.floor.value
    rows = []
    for f in figures:
        x = look.get(f)
        printed, places = f.value, f.places
        if printed is None or x is None:
            same = printed is None and x is None
            rows.append(AuditRow(level=f.level, id=f.id, measure=f.measure, line=f.line, printed=f.printed,
                                 printed_value=printed, recomputed=x,
                                 verdict="reproduced" if same else "not computed",
                                 explanation="both empty (nihil or not reported)" if same else
                                 ("the report prints no number" if printed is None else "no recomputed value"),
                                 report_says_consistent=f.consistent))
            continue
        verdict, why = _explain(f, printed, x, places, look, cap, floor)
        rows.append(AuditRow(level=f.level, id=f.id, measure=f.measure, line=f.line, printed=f.printed,
                             printed_value=printed, recomputed=x, difference=_minus(printed, _q(x, places)),
                             verdict=verdict, explanation=why, report_says_consistent=f.consistent))
    counts = {c: sum(1 for r in rows if r.verdict == c) for c in CLASSES}
    return AuditReport(source=", ".join(ev.catalog), published=published, rows=rows, counts=counts)
