"""Perjanjian Kinerja validation: is a PK ready to be signed against the catalog?

The PK is read by agreement.py (an `agreement` block of a .kin file, TOML, CSV or a workbook);
here each check is a small rule returning every finding it sees (code, severity, file:line,
message, hint).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from kinerja_dsl import ast, period_targets
from kinerja_dsl.catalog import Catalog, Indicator, TargetSpec
from kinerja_dsl.diagnostics import Diagnostic, Severity, did_you_mean
from kinerja_dsl.messages import t
from kinerja_dsl.vocabulary import PERIOD_LABELS

from ..readers.agreement import PkDocument, PkEntry, read_pk

__all__ = ["RULES", "PkDocument", "PkRule", "SourcedTarget", "TargetComparison", "compare_targets", "read_pk",
           "sourced_targets", "validate"]   # PkDocument, read_pk: agreement.py

PERCENT_UNITS = ("%", "persen")


# ---- rules -----------------------------------------------------------------------------

def _at(doc: PkDocument, entry: PkEntry | None, code: str, message: str, hint: str | None = None,
        severity: Severity = Severity.ERROR) -> Diagnostic:
    line = entry.line if entry else doc.year_line
    column = entry.column if entry else 1
    where = (entry.cell if entry else doc.year_at) or doc.file
    return Diagnostic(code=code, severity=severity, message=message, file=where, line=line, column=column, hint=hint)


def _fmt(x: Decimal) -> str:
    return f"{x.normalize():f}".replace(".", ",")


class PkRule:
    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        raise NotImplementedError


class UnknownIndicators(PkRule):
    """P001: every target names an indicator of the catalog."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        for e in doc.entries:
            if e.indicator not in catalog.indicators:
                yield _at(doc, e, "P001", t("unknown indicator `{indicator}`", indicator=e.indicator),
                          did_you_mean(e.indicator, catalog.indicators) or t("check the catalog's indicator ids"))


class Duplicates(PkRule):
    """P006: one target per indicator and period."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        seen: dict[tuple[str, str | None], int] = {}
        for e in doc.entries:
            key = (e.indicator, e.period)
            if key in seen:
                yield _at(doc, e, "P006", t("`{indicator}`{period} has two targets", indicator=e.indicator,
                                            period=" " + e.period if e.period else ""),
                          t("the first is at line {line}; keep one", line=seen[key]))
            seen.setdefault(key, e.line)


class YearMatches(PkRule):
    """P011: the PK's year is one the catalog has targets for."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        years = {y for i in catalog.indicators.values() for (y, _) in i.targets} | {
            y for i in catalog.indicators.values() for y in i.renstra}
        if doc.year is None:
            yield _at(doc, None, "P011", t("the PK does not say its year"), t("add `year 2024` to the agreement"))
        elif doc.year not in years:
            has = (t("targets for {years}", years=", ".join(str(y) for y in sorted(years))) if years
                   else t("no targets at all"))
            yield _at(doc, None, "P011", t("the PK is for {year} but the catalog has {has}", year=doc.year, has=has),
                      t("the catalog's indicators need `renstra {year} = …` lines (the Renstra's target for the "
                        "year, which the PK is checked against) or `target {year} = …`; or use the catalog of the "
                        "PK's year", year=doc.year))


class RequiredIku(PkRule):
    """P002: every IKU of the catalog for that year is in the PK."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        signed = {e.indicator for e in doc.entries}
        for ind in catalog.indicators.values():
            if ind.iku and ind.id not in signed and (doc.year is None or (doc.year, None) in ind.targets
                                                     or doc.year in ind.renstra):
                yield _at(doc, None, "P002", t("the IKU `{id}` ({label}) is missing from the PK", id=ind.id,
                                               label=ind.label), t("add `target {id} = …`", id=ind.id))


class Scale(PkRule):
    """P003: targets on the indicator's scale: inside its range, no decimals for counts, and a
    written "%" only where the indicator is a percentage ("20 %" for an index is a unit error)."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is None:
                continue
            for bound in (e.target.low, e.target.high):
                if bound is None:
                    continue
                if ind.range and not ind.range[0] <= bound <= ind.range[1]:
                    what = t("a percentage") if ind.unit in PERCENT_UNITS else t("a value in {unit}", unit=ind.unit)
                    yield _at(doc, e, "P003", t("target {target} of `{id}` is outside its range {low} .. {high}",
                                                target=e.target.text, id=ind.id, low=_fmt(ind.range[0]),
                                                high=_fmt(ind.range[1])),
                              t("{what}: is the scale right (90 for 90%, 3.6 on a 0..4 index)?", what=what))
                    break
                counted = ind.unit not in PERCENT_UNITS and not any(w in ind.unit.lower() for w in ("indeks", "index", "nilai", "skor"))
                if counted and bound != bound.to_integral_value():
                    yield _at(doc, e, "P003", t("target {target} of `{id}` has decimals but counts {unit}",
                                                target=e.target.text, id=ind.id, unit=ind.unit),
                              t("a count is a whole number"))
                    break
            else:
                if "%" in e.target.text and ind.unit.lower() not in PERCENT_UNITS:
                    yield _at(doc, e, "P003", t("target {target} of `{id}` is written as a percentage but `{id}` "
                                                "is measured in {unit}", target=e.target.text, id=ind.id,
                                                unit=ind.unit),
                              t("write the target in {unit}, or correct the indicator's unit in the catalog",
                                unit=ind.unit))


def _weaker(ind: Indicator, target: TargetSpec, renstra: TargetSpec) -> bool:
    """A single-value target below (above, for lower-is-better) the Renstra's."""
    if target.is_range or renstra.is_range:
        return False
    return target.low < renstra.low if ind.direction != "lower" else target.low > renstra.low


def _in_range(ind: Indicator, target: TargetSpec) -> bool:
    return ind.range is None or all(ind.range[0] <= b <= ind.range[1] for b in (target.low, target.high) if b is not None)


def _annual_targets(doc: PkDocument, catalog: Catalog) -> Iterator[tuple[PkEntry, Indicator, int]]:
    """The PK's annual targets of indicators the catalog knows, with the PK's year (none without one)."""
    if doc.year is None:
        return
    for e in doc.entries:
        ind = catalog.indicators.get(e.indicator)
        if ind is not None and e.period is None:
            yield e, ind, doc.year


class FollowsRenstra(PkRule):
    """P004 (weaker than the Renstra) and P012 (differs from the catalog's target)."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        for e, ind, year in _annual_targets(doc, catalog):
            renstra = ind.renstra.get(year)
            if renstra is not None and _weaker(ind, e.target, renstra):
                yield _at(doc, e, "P004", t("target {target} of `{id}` is weaker than the Renstra target "
                                            "{renstra} for {year}", target=e.target.text, id=ind.id,
                                            renstra=renstra.text, year=year),
                          t("a PK target follows the Renstra trajectory; raise it or revise the Renstra"))
            declared = ind.target(year)
            if declared is not None and (declared.low, declared.high) != (e.target.low, e.target.high):
                yield _at(doc, e, "P012", t("target {target} of `{id}` differs from the catalog's target "
                                            "{declared} for {year}", target=e.target.text, id=ind.id,
                                            declared=declared.text, year=year), t("one of the two is a copy error"),
                          severity=Severity.WARNING)


class DiffersFromRenstra(PkRule):
    """P014 (warning): an annual target that differs from the Renstra target without being weaker
    (P004 reports those): a PK above the Renstra, or a different range. A target outside the
    indicator's range is on another scale (P003), not above the Renstra."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        for e, ind, year in _annual_targets(doc, catalog):
            renstra = ind.renstra.get(year)
            if renstra is None or (renstra.low, renstra.high) == (e.target.low, e.target.high) \
                    or _weaker(ind, e.target, renstra) or not _in_range(ind, e.target):
                continue
            yield _at(doc, e, "P014", t("target {target} of `{id}` differs from the Renstra target {renstra} for "
                                        "{year}", target=e.target.text, id=ind.id, renstra=renstra.text, year=year),
                      t("a PK may go beyond the Renstra: say why where the LKjIP compares the two, or revise the "
                        "Renstra"), severity=Severity.WARNING)


class PeriodTargets(PkRule):
    """P005: period targets agree with the catalog indicator's `period_targets` and period rule,
    by the rule `check` applies to a catalog's targets (E122, `kinerja_dsl.period_targets`): a PK
    target for TW3 of X is read by X's convention; quarters, semesters and months alike.
    P013: a known period label."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        by_indicator: dict[str, list[tuple[str, TargetSpec, PkEntry]]] = {}
        annual: dict[str, PkEntry] = {}
        for e in doc.entries:
            if e.period is None:
                annual.setdefault(e.indicator, e)
            elif e.period not in PERIOD_LABELS:
                yield _at(doc, e, "P013", t("unknown period `{period}`", period=e.period),
                          did_you_mean(e.period, PERIOD_LABELS) or t("use TW1–TW4, S1–S2 or B01–B12"))
            else:
                by_indicator.setdefault(e.indicator, []).append((e.period, e.target, e))
        for ident, targets in by_indicator.items():
            ind = catalog.indicators.get(ident)
            if ind is None:  # P001
                continue
            year = annual.get(ident)
            for f in period_targets.findings(catalog, ind, doc.year, year.target if year else None, targets):
                yield _at(doc, f.at, "P005", f.message, f.hint)


class SasaranCovered(PkRule):
    """P007: every sasaran of the catalog has at least one signed indicator."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        signed = {catalog.indicators[e.indicator].sasaran for e in doc.entries if e.indicator in catalog.indicators}
        for s in catalog.sasaran.values():
            if s.id not in signed and any(i.sasaran == s.id for i in catalog.indicators.values()):
                yield _at(doc, None, "P007", t("sasaran `{id}` ({label}) has no indicator in the PK", id=s.id,
                                               label=s.label),
                          t("sign at least one of its indicators or drop the sasaran"), severity=Severity.WARNING)


class Weights(PkRule):
    """P008: where a sasaran is aggregated by weight, the signed indicators' weights make 100%."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
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
                yield _at(doc, None, "P008", t("weights of the signed indicators of sasaran `{id}` sum to {total}, "
                                               "not 100%", id=sid, total=ast.percent_text(total).replace(".", ",")),
                          t("sign all of its weighted indicators or adjust the weights"))


class ZeroNeedsNihil(PkRule):
    """P009: a target of 0 needs a nihil rule, else its capaian is undefined."""

    def run(self, doc: PkDocument, catalog: Catalog) -> Iterator[Diagnostic]:
        for e in doc.entries:
            ind = catalog.indicators.get(e.indicator)
            if ind is not None and e.target.low == 0 and e.target.high is None and ind.policy.nihil.value == "error":
                yield _at(doc, e, "P009", t("target 0 for `{id}` has no nihil rule", id=ind.id),
                          t("declare `nihil achieved` (or excluded, zero) for the indicator"))


RULES = (UnknownIndicators(), Duplicates(), YearMatches(), RequiredIku(), Scale(), FollowsRenstra(),
         DiffersFromRenstra(), PeriodTargets(), SasaranCovered(), Weights(), ZeroNeedsNihil())


def validate(doc: PkDocument, catalog: Catalog) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in RULES:
        out.extend(rule.run(doc, catalog))
    return out


# ---- the target of each source -------------------------------------------------------------------
# An indicator's target for a year may be stated three times: the catalog's `target` (what `eval`
# measures against), a PK's (what was signed, or a copy of it printed in the report) and the
# Renstra's. validate-pk sets them side by side; the audit names the one a printed target copies.

Source = Literal["catalog", "pk", "renstra"]


@dataclass(frozen=True)
class SourcedTarget:
    """One source's annual target of an indicator, with where it is written."""

    source: Source
    target: TargetSpec
    where: str   # `pk-2024.kin:67`, or a workbook's cell `pk.xlsx:PK!D3`
    year: int

    def named(self) -> str:
        """The source and its target in words: the PK's target 3.87 (pk-2024-bab2.kin:67)."""
        if self.source == "catalog":
            return t("the catalog's target {target} ({where})", target=self.target.text, where=self.where)
        if self.source == "pk":
            return t("the PK's target {target} ({where})", target=self.target.text, where=self.where)
        return t("the Renstra {year} target {target} ({where})", year=self.year, target=self.target.text,
                 where=self.where)


def _where(file: str, line: int) -> str:
    return f"{Path(file).name}:{line}"


def sourced_targets(ind: Indicator, year: int, pks: Sequence[PkDocument]) -> list[SourcedTarget]:
    """The annual targets of `ind` for `year`: the catalog's, each PK's of that year (in the order
    given), the Renstra's; a source that states none is left out."""
    out = []
    declared = ind.target(year)
    if declared is not None:
        out.append(SourcedTarget("catalog", declared, _where(ind.file, declared.line or ind.line), year))
    for doc in pks:
        entry = next((e for e in doc.entries if e.indicator == ind.id and e.period is None), None)
        if doc.year == year and entry is not None:
            out.append(SourcedTarget("pk", entry.target, entry.cell or _where(doc.file, entry.line), year))
    renstra = ind.renstra.get(year)
    if renstra is not None:
        out.append(SourcedTarget("renstra", renstra, _where(ind.file, renstra.line or ind.line), year))
    return out


def same_target(a: TargetSpec, b: TargetSpec) -> bool:
    return (a.low, a.high) == (b.low, b.high)


@dataclass(frozen=True)
class TargetComparison:
    """A PK's annual target beside the catalog's and the Renstra's for the PK's year (validate-pk's
    table: what P004, P012 and P014 say one by one, in one row per indicator)."""

    indicator: str
    pk: TargetSpec
    line: int
    catalog: TargetSpec | None
    renstra: TargetSpec | None

    @property
    def differs(self) -> bool:
        return any(not same_target(self.pk, other) for other in (self.catalog, self.renstra) if other is not None) \
            or (self.catalog is not None and self.renstra is not None and not same_target(self.catalog, self.renstra))

    def to_json(self) -> dict[str, object]:
        def value(x: TargetSpec | None) -> str | None:
            if x is None:
                return None
            return " .. ".join(format(b.normalize(), "f") for b in (x.low, x.high) if b is not None)
        return {"indicator": self.indicator, "catalog": value(self.catalog), "pk": value(self.pk), "line": self.line,
                "renstra": value(self.renstra), "differs": self.differs}


def compare_targets(doc: PkDocument, catalog: Catalog) -> list[TargetComparison]:
    """Every annual target of the PK of an indicator the catalog knows, beside the catalog's and the
    Renstra's for the PK's year, in the PK's order."""
    return [TargetComparison(ind.id, e.target, e.line, ind.target(year), ind.renstra.get(year))
            for e, ind, year in _annual_targets(doc, catalog)]
