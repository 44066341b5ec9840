"""Perjanjian Kinerja validation: is a PK ready to be signed against the catalog?

A PK is read from an `agreement` block of a .kin file, or from TOML/CSV for
offices that keep it in a spreadsheet. Each check is a small rule returning
every finding it sees (code, severity, file:line, message, hint).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from pydantic import ConfigDict

from kinerja_dsl import ast
from kinerja_dsl.catalog import Catalog, TargetSpec
from kinerja_dsl.checker import SELF_CONTAINED, check
from kinerja_dsl.diagnostics import ERROR, WARNING, Diagnostic, Sources, did_you_mean, with_sources
from kinerja_dsl.loader import read_text
from kinerja_dsl.model import build_model
from kinerja_dsl.parser import parse
from kinerja_dsl.vocabulary import PERIOD_LABELS

from .data import SPREADSHEET_SUFFIXES, Schema, load_toml, read_csv_table, unknown_locale, validated
from .numbers import NotationError, abbreviated, exact, format_number, parse_number

PERCENT_UNITS = ("%", "persen")


@dataclass
class PkEntry:
    indicator: str
    period: str | None
    target: TargetSpec
    line: int
    column: int = 1
    at: str | None = None  # a workbook's cell (`pk.xlsx:PK!C7`), which stands in for file and line


@dataclass
class PkDocument:
    file: str
    year: int | None = None
    office: str | None = None
    entries: list[PkEntry] = field(default_factory=list)
    pagu: dict[str, Decimal] = field(default_factory=dict)
    year_line: int = 0
    year_at: str | None = None  # in a workbook, the cell that gave the year


# ---- reading ---------------------------------------------------------------------------

def _from_agreement(file: str, a: ast.Agreement) -> PkDocument:
    doc = PkDocument(file, year_line=a.span.line)
    for s in a.body:
        if isinstance(s, ast.PkTarget):
            v = s.value
            doc.entries.append(PkEntry(s.indicator, s.period, TargetSpec(v.low, v.high, str(v), s.span.line),
                                       s.span.line, s.span.column))
        elif s.key == "year" and s.args and s.args[0].kind == "number":
            doc.year, doc.year_line = int(s.args[0].value), s.span.line
        elif s.key == "office" and s.args:
            doc.office = s.args[0].text
        elif s.key == "pagu" and s.args and isinstance(s.args[-1].value, Decimal):
            doc.pagu[s.args[0].text if len(s.args) == 2 else "total"] = s.args[-1].value
    return doc


def _target_from_text(text: str, locale: str | None) -> TargetSpec:
    """A target typed as text: one number, or one range `LOW .. HIGH` (or `LOW – HIGH`) whose low
    end is not above its high end; anything else is refused (P015), never cut to its first number."""
    parts = [p.strip() for p in str(text).replace("–", "..").split("..")]
    if len(parts) > 2 or (len(parts) == 2 and not all(parts)):
        raise NotationError(f"`{abbreviated(text.strip())}` is not one range", code="P015",
                            hint="write one number, or one range `LOW .. HIGH`")
    low = parse_number(parts[0], locale)
    high = parse_number(parts[1], locale) if len(parts) == 2 else None
    if high is not None and low > high:
        raise NotationError(f"the range `{abbreviated(text.strip())}` is empty: its low end is above its high end",
                            code="P015", hint=f"write `{parts[1]} .. {parts[0]}`")
    return TargetSpec(low, high, str(text))


class PkMeta(Schema):
    """[meta] of a TOML PK."""

    year: Optional[int] = None
    office: Optional[str] = None
    locale: Optional[str] = None   # how texts are read: id = 1.234,56, en = 1,234.56
    source: Optional[str] = None
    note: Optional[str] = None


class PkTarget(Schema):
    """One [[target]]: a row of the office's PK sheet. Other columns (`satuan`) may stay for the
    reader; the catalog holds what they say."""

    model_config = ConfigDict(extra="allow")
    indicator: str
    target: Any = None             # a number or a text: checked by _add (P010, P015, D012)
    period: Optional[str] = None


class PkToml(Schema):
    """A PK kept as TOML: [meta], one [[target]] per target, optional [pagu]."""

    meta: PkMeta = PkMeta()
    target: list[PkTarget] = []
    pagu: dict[str, Any] = {}


# the columns of a PK kept in a spreadsheet (CSV or .xlsx), with the header texts that name them
PK_COLUMNS = {"indicator": ("indicator", "indikator", "kode"), "target": ("target",),
              "period": ("period", "periode"), "year": ("year", "tahun")}


def read_pk(path, mapping=None) -> tuple[PkDocument | None, list[Diagnostic]]:
    """A PK from an `agreement` in a .kin file, TOML, CSV or an .xlsx workbook (`mapping`: where a
    workbook's columns stand, as for realisation data)."""
    path = Path(path)
    file = str(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_pk_workbook(path, mapping)
    text, problem = read_text(path)
    if problem is not None:
        return None, [problem]
    text = text.lstrip("\ufeff")
    if path.suffix.lower() == ".kin":
        parsed, diagnostics = parse(text, file)
        if not any(d.is_error for d in diagnostics):  # the settings, constants and texts of the file itself
            sources = Sources()
            sources.add(file, text)
            diagnostics = with_sources(check(build_model([parsed]), SELF_CONTAINED), sources)
        if any(d.is_error for d in diagnostics):
            return None, diagnostics
        agreements = [d for d in parsed.declarations if isinstance(d, ast.Agreement)]
        if not agreements:
            return None, [Diagnostic("P000", ERROR, "no `agreement` block in this file", file,
                                     hint='a PK file declares `agreement "PK 2024" { year 2024 … target ID = … }`')]
        return _from_agreement(file, agreements[0]), []
    problems: list[Diagnostic] = []
    doc = PkDocument(file)
    if path.suffix.lower() == ".csv":
        table, problems = read_csv_table(file, text, PK_COLUMNS, ("indicator", "target"))
        if table is None:
            return None, problems
        for line, cells in table.rows:
            _year(doc, cells.get("year", ""), line, problems)
            _add(doc, cells.get("indicator", ""), cells.get("period") or None, cells.get("target"), table.locale,
                 line, problems)
        return doc, problems
    data, lines, problems = load_toml(file, text)
    if data is None:
        return None, problems
    if not data.get("target"):
        return None, [Diagnostic("P000", ERROR, "no [[target]] tables in this file", file,
                                 hint='a TOML PK has [meta] year = 2024 and one [[target]] per target: '
                                      'indicator = "SJ1.rb", target = 100')]
    pk = validated(PkToml, data, lines, file, (), problems)
    if pk is None:
        return None, problems
    doc.year, doc.office = pk.meta.year, pk.meta.office
    doc.year_line = lines.line("meta", "year")
    locale = pk.meta.locale
    problem = unknown_locale(locale, file, lines.line("meta", "locale"))
    if problem is not None:
        problems.append(problem)
        locale = None
    for k, item in enumerate(pk.target):
        _add(doc, item.indicator, item.period, item.target, locale, lines.line("target", k), problems)
    for key, value in pk.pagu.items():
        line = lines.line("pagu", key)
        try:
            if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
                raise NotationError(f"{abbreviated(repr(value))} is not an amount")
            doc.pagu[key] = parse_number(value, locale) if isinstance(value, str) else exact(Decimal(value))
        except NotationError as err:
            code = "D012" if err.code == "D012" else "P010"
            problems.append(Diagnostic(code, ERROR, f"the pagu of `{key}`: {err}", file, line, 1, 0,
                                       hint=err.hint if code == "D012" else "write an amount, e.g. 25713209000"))
    return doc, problems


def _read_pk_workbook(path: Path, mapping) -> tuple[PkDocument | None, list[Diagnostic]]:
    """A PK kept in Excel: one row per target (indicator, target, optional period and year);
    every finding names its cell (`pk.xlsx:PK!C7`)."""
    from .spreadsheet import Layout, whole, workbook_rows  # lazy: openpyxl is an optional extra

    layout = Layout({k: "|".join(v) for k, v in PK_COLUMNS.items()}, "target", ("year", "period"),
                    optional=("period", "year"))
    read, rows, problems = workbook_rows(path, mapping, layout, "PK")
    if read is None or any(d.is_error and d.code != "D010" for d in problems):
        return None, problems
    doc = PkDocument(str(path))
    for row in rows:
        if isinstance(row, Diagnostic):
            problems.append(row)
            continue
        values = {k: whole(v) for k, v in row.values.items()}
        # whole-PK findings point at the cell that gave the year
        _year(doc, str(values.get("year") or ""), 0, problems, row.address("year"))
        indicator = str(values.get("indicator") or "").strip()
        period = str(values["period"]).strip() if values.get("period") else None
        _add(doc, indicator, period, values.get("target"), read.locale, 0, problems, row.at)
    return doc, problems


def _year(doc: PkDocument, text: str, line: int, problems: list[Diagnostic], at: str | None = None) -> None:
    """A spreadsheet PK states its year on its rows; the first one is the PK's year. Only four
    digits are a year (as in a catalog, E117): another text in the year column is P011 at its
    row, never read as a year nor passed over in silence."""
    text = text.strip()
    if not text:
        return
    if not (len(text) == 4 and text.isascii() and text.isdigit()):  # '²' is a digit to isdigit, not to int
        shown = text if len(text) <= 12 else text[:10] + "…"
        problems.append(Diagnostic("P011", ERROR, f"`{shown}` is not a year", at or doc.file, line, 1, 0,
                                   hint="write the year with four digits, e.g. 2024"))
    elif doc.year is None:
        doc.year, doc.year_line = int(text), line
        doc.year_at = at


def _add(doc, indicator, period, raw, locale, line, problems, at: str | None = None) -> None:
    """One target; `at` is a workbook cell, which stands in for the file and line."""
    where = at or doc.file
    if raw is None or str(raw).strip() == "":
        problems.append(Diagnostic("P010", ERROR, f"no target for `{indicator}`", where, line, 1, 0))
        return
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        problems.append(Diagnostic("P010", ERROR, f"the target of `{indicator}` is not a number: "
                                   f"{abbreviated(repr(raw))}", where, line, 1, 0,
                                   hint="write a number (90, 3.6) or a range (80 .. 90)"))
        return
    try:
        if isinstance(raw, str):
            target = _target_from_text(raw, locale)
        else:
            text = str(raw) if not isinstance(raw, Decimal) or raw.is_finite() else str(raw).lower()
            target = TargetSpec(exact(Decimal(str(raw)), text), None, text)
    except NotationError as err:
        code = "P010" if err.code == "D006" else err.code   # D012 out of range, P015 a malformed range
        hint = (_other_notation(str(raw), locale) if code == "P010" else None) or err.hint
        problems.append(Diagnostic(code, ERROR, f"the target of `{indicator}`: {err}", where, line, 1, 0, hint=hint))
        return
    doc.entries.append(PkEntry(indicator, period, TargetSpec(target.low, target.high, target.text, line), line,
                               at=at))


def _other_notation(raw: str, locale: str | None) -> str | None:
    """For a text refused in the declared notation that reads in the other one: what to write."""
    other = {"id": "en", "en": "id"}.get(locale or "")
    try:
        value = parse_number(raw, other) if other else None
    except NotationError:
        return None
    if value is None:
        return None
    return f"`{raw.strip()}` is {format_number(value, other, grouping=False)} in {other} notation: " \
           f"in {locale} notation write `{format_number(value, locale, grouping=False)}`"


# ---- rules -----------------------------------------------------------------------------

def _at(doc: PkDocument, entry: PkEntry | None, code: str, message: str, hint: str | None = None,
        severity: str = ERROR) -> Diagnostic:
    line = entry.line if entry else doc.year_line
    column = entry.column if entry else 1
    where = (entry.at if entry else doc.year_at) or doc.file
    return Diagnostic(code, severity, message, where, line, column, 0, hint=hint)


def _fmt(x: Decimal) -> str:
    return f"{x.normalize():f}".replace(".", ",")


class PkRule:
    def run(self, doc: PkDocument, catalog: Catalog):
        raise NotImplementedError


class UnknownIndicators(PkRule):
    """P001: every target names an indicator of the catalog."""

    def run(self, doc, catalog):
        for e in doc.entries:
            if e.indicator not in catalog.indicators:
                yield _at(doc, e, "P001", f"unknown indicator `{e.indicator}`",
                          did_you_mean(e.indicator, catalog.indicators) or "check the catalog's indicator ids")


class Duplicates(PkRule):
    """P006: one target per indicator and period."""

    def run(self, doc, catalog):
        seen: dict = {}
        for e in doc.entries:
            key = (e.indicator, e.period)
            if key in seen:
                yield _at(doc, e, "P006", f"`{e.indicator}`{' ' + e.period if e.period else ''} has two targets",
                          f"the first is at line {seen[key]}; keep one")
            seen.setdefault(key, e.line)


class YearMatches(PkRule):
    """P011: the PK's year is one the catalog has targets for."""

    def run(self, doc, catalog):
        years = {y for i in catalog.indicators.values() for (y, _) in i.targets} | {
            y for i in catalog.indicators.values() for y in i.renstra}
        if doc.year is None:
            yield _at(doc, None, "P011", "the PK does not say its year", "add `year 2024` to the agreement")
        elif doc.year not in years:
            has = ("targets for " + ", ".join(str(y) for y in sorted(years))) if years else "no targets at all"
            yield _at(doc, None, "P011", f"the PK is for {doc.year} but the catalog has {has}",
                      f"the catalog's indicators need `renstra {doc.year} = …` lines (the Renstra's target for "
                      f"the year, which the PK is checked against) or `target {doc.year} = …`; "
                      "or use the catalog of the PK's year")


class RequiredIku(PkRule):
    """P002: every IKU of the catalog for that year is in the PK."""

    def run(self, doc, catalog):
        signed = {e.indicator for e in doc.entries}
        for ind in catalog.indicators.values():
            if ind.iku and ind.id not in signed and (doc.year is None or (doc.year, None) in ind.targets
                                                     or doc.year in ind.renstra):
                yield _at(doc, None, "P002", f"the IKU `{ind.id}` ({ind.label}) is missing from the PK",
                          f"add `target {ind.id} = …`")


class Scale(PkRule):
    """P003: targets on the indicator's scale: inside its range, no decimals for counts, and a
    written "%" only where the indicator is a percentage ("20 %" for an index is a unit error)."""

    def run(self, doc, catalog):
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is None:
                continue
            for bound in (e.target.low, e.target.high):
                if bound is None:
                    continue
                if ind.range and not ind.range[0] <= bound <= ind.range[1]:
                    what = "a percentage" if ind.unit in PERCENT_UNITS else f"a value in {ind.unit}"
                    yield _at(doc, e, "P003", f"target {e.target.text} of `{ind.id}` is outside its range "
                              f"{_fmt(ind.range[0])} .. {_fmt(ind.range[1])}",
                              f"{what}: is the scale right (90 for 90%, 3.6 on a 0..4 index)?")
                    break
                counted = ind.unit not in PERCENT_UNITS and not any(w in ind.unit.lower() for w in ("indeks", "index", "nilai", "skor"))
                if counted and bound != bound.to_integral_value():
                    yield _at(doc, e, "P003", f"target {e.target.text} of `{ind.id}` has decimals but counts {ind.unit}",
                              "a count is a whole number")
                    break
            else:
                if "%" in e.target.text and ind.unit.lower() not in PERCENT_UNITS:
                    yield _at(doc, e, "P003", f"target {e.target.text} of `{ind.id}` is written as a percentage "
                              f"but `{ind.id}` is measured in {ind.unit}",
                              f"write the target in {ind.unit}, or correct the indicator's unit in the catalog")


def _weaker(ind, target: TargetSpec, renstra: TargetSpec) -> bool:
    """A single-value target below (above, for lower-is-better) the Renstra's."""
    if target.is_range or renstra.is_range:
        return False
    return target.low < renstra.low if ind.direction != "lower" else target.low > renstra.low


def _in_range(ind, target: TargetSpec) -> bool:
    return ind.range is None or all(ind.range[0] <= b <= ind.range[1] for b in (target.low, target.high) if b is not None)


class FollowsRenstra(PkRule):
    """P004 (weaker than the Renstra) and P012 (differs from the catalog's target)."""

    def run(self, doc, catalog):
        if doc.year is None:
            return
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is None or e.period is not None:
                continue
            renstra = ind.renstra.get(doc.year)
            if renstra is not None and _weaker(ind, e.target, renstra):
                yield _at(doc, e, "P004", f"target {e.target.text} of `{ind.id}` is weaker than the Renstra "
                          f"target {renstra.text} for {doc.year}",
                          "a PK target follows the Renstra trajectory; raise it or revise the Renstra")
            declared = ind.target(doc.year)
            if declared is not None and (declared.low, declared.high) != (e.target.low, e.target.high):
                yield _at(doc, e, "P012", f"target {e.target.text} of `{ind.id}` differs from the catalog's "
                          f"target {declared.text} for {doc.year}", "one of the two is a copy error",
                          severity=WARNING)


class DiffersFromRenstra(PkRule):
    """P014 (warning): an annual target that differs from the Renstra target without being weaker
    (P004 reports those): a PK above the Renstra, or a different range. A target outside the
    indicator's range is on another scale (P003), not above the Renstra."""

    def run(self, doc, catalog):
        if doc.year is None:
            return
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            renstra = ind.renstra.get(doc.year) if ind is not None and e.period is None else None
            if renstra is None or (renstra.low, renstra.high) == (e.target.low, e.target.high) \
                    or _weaker(ind, e.target, renstra) or not _in_range(ind, e.target):
                continue
            yield _at(doc, e, "P014", f"target {e.target.text} of `{ind.id}` differs from the Renstra "
                      f"target {renstra.text} for {doc.year}",
                      "a PK may go beyond the Renstra: say why where the LKjIP compares the two, "
                      "or revise the Renstra", severity=WARNING)


class PeriodTargets(PkRule):
    """P005: TW targets agree with the indicator's roll-up rule; P013: a known period label."""

    def run(self, doc, catalog):
        by_indicator: dict[str, dict[str, PkEntry]] = {}
        for e in doc.entries:
            if e.period is None:
                continue
            if e.period not in PERIOD_LABELS:
                yield _at(doc, e, "P013", f"unknown period `{e.period}`",
                          did_you_mean(e.period, PERIOD_LABELS) or "use TW1–TW4, S1–S2 or B01–B12")
                continue
            by_indicator.setdefault(e.indicator, {})[e.period] = e
        annual = {e.indicator: e for e in doc.entries if e.period is None}
        for ident, periods in by_indicator.items():
            ind = catalog.indicators.get(ident)
            quarters = [periods.get(f"TW{i}") for i in range(1, 5)]
            if ind is None or not all(quarters) or ident not in annual:
                continue
            year = annual[ident]
            rule = ind.policy.rollup.value
            values = [q.target.low for q in quarters]
            if rule == "sum" and sum(values) != year.target.low:
                yield _at(doc, quarters[3], "P005", f"TW targets of `{ident}` sum to {_fmt(sum(values))}, "
                          f"not the annual {year.target.text}", "with rollup sum the four quarters add up to the year")
            elif rule == "last" and values[3] != year.target.low:
                yield _at(doc, quarters[3], "P005", f"TW4 target of `{ident}` is {quarters[3].target.text}, "
                          f"not the annual {year.target.text}", "with rollup last the TW IV target is the annual one")
            if rule in ("last", "average"):
                for a, b in zip(quarters, quarters[1:]):
                    if b.target.low < a.target.low and ind.direction != "lower":
                        yield _at(doc, b, "P005", f"cumulative TW targets of `{ident}` decrease "
                                  f"({a.target.text} then {b.target.text})", "cumulative targets only grow")


class SasaranCovered(PkRule):
    """P007: every sasaran of the catalog has at least one signed indicator."""

    def run(self, doc, catalog):
        signed = {catalog.indicators[e.indicator].sasaran for e in doc.entries if e.indicator in catalog.indicators}
        for s in catalog.sasaran.values():
            if s.id not in signed and any(i.sasaran == s.id for i in catalog.indicators.values()):
                yield _at(doc, None, "P007", f"sasaran `{s.id}` ({s.label}) has no indicator in the PK",
                          "sign at least one of its indicators or drop the sasaran", severity=WARNING)


class Weights(PkRule):
    """P008: where a sasaran is aggregated by weight, the signed indicators' weights make 100%."""

    def run(self, doc, catalog):
        if catalog.aggregation["sasaran"].method != "weighted":
            return
        signed: dict[str, dict[str, Decimal]] = {}  # sasaran -> indicator -> weight, each signed once
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is not None and e.period is None and ind.sasaran:
                signed.setdefault(ind.sasaran, {})[ind.id] = ind.weight or Decimal(0)
        for sid, weights in signed.items():
            total = ast.weight_total(weights.values())  # exact, as the checker's E106: three 1/3 make 100%
            if total != 1:
                yield _at(doc, None, "P008", f"weights of the signed indicators of sasaran `{sid}` sum to "
                          f"{ast.percent_text(total).replace('.', ',')}, not 100%",
                          "sign all of its weighted indicators or adjust the weights")


class ZeroNeedsNihil(PkRule):
    """P009: a target of 0 needs a nihil rule, else its capaian is undefined."""

    def run(self, doc, catalog):
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is not None and e.target.low == 0 and e.target.high is None and ind.policy.nihil.value == "error":
                yield _at(doc, e, "P009", f"target 0 for `{ind.id}` has no nihil rule",
                          "declare `nihil achieved` (or excluded, zero) for the indicator")


RULES = (UnknownIndicators(), Duplicates(), YearMatches(), RequiredIku(), Scale(), FollowsRenstra(),
         DiffersFromRenstra(), PeriodTargets(), SasaranCovered(), Weights(), ZeroNeedsNihil())


def validate(doc: PkDocument, catalog: Catalog) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in RULES:
        out.extend(rule.run(doc, catalog))
    return out
