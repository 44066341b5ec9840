"""The application layer: what each `kinerja` command does, between the CLI and the engine.

One pipeline, used by every command and by the tests:

    load_catalog(paths)                                      -> LoadedCatalog
    prepare(loaded, data, mapping, period_text, office)      -> Prepared    (the data read once)
    evaluate(prepared, locale)                               -> Evaluation  (engine/evaluation/results.py)

and one function per command (check, fmt, run_eval (with `--by`: monitor), explain, audit,
validate_pk, diff, kamus, template, report, codes, schema) returning a typed report that carries its exit code, or `Stopped`
(what to tell the user and the exit code) when the command could not go on. Nothing here
parses arguments or prints: cli.py does both, and renders the reports (rich, JSON, files).

Heavy modules (the loader, pydantic models, the engine) are imported inside the functions:
importing this module costs the standard library's dataclasses and pathlib only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from kinerja_dsl.messages import N_, language, t

from .rendering.outputs import TABLE_SUFFIXES, Input, OutputError, names_an_input, wrong_format, write_atomic

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from kinerja_dsl.catalog import Catalog
    from kinerja_dsl.diagnostics import Diagnostic

    from .reports.audit import AuditReport
    from .evaluation.columnar import BulkResult
    from .readers.data import Dataset
    from .reports.diff import DiffReport
    from .rendering.outputs import StrPath
    from .periods import Period
    from .readers.agreement import PkDocument
    from .reports.pk import TargetComparison
    from .evaluation.results import Evaluation, IndicatorResult
    from .reports.monitor import By, Monitoring
    from .reports.tables import Table
    from .reports.blocks import Document

    Progress = Callable[[int, int], None]   # progress(done, total): how far a long run is

EXIT_USAGE = 4
EVAL_SUFFIXES = (".json", ".txt") + TABLE_SUFFIXES
EACH_OFFICE_SUFFIXES = (".jsonl", ".txt") + TABLE_SUFFIXES  # one object per line: rows of every office
TEMPLATE_SUFFIXES = (".xlsx", ".csv")
PERIOD_HINT = N_("use 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2 or 2024-01 … 2024-12 (read from January: "
                 "2024-TW3 is s.d. TW III; with --alone the quarter itself), or 2024-sd-TW3")


@dataclass(frozen=True)
class Stopped:
    """A command that stopped before its report: the exit code, and what the user is told on
    stderr (diagnostics, then their count; or a usage message)."""

    exit_code: int
    diagnostics: tuple[Diagnostic, ...] = ()
    message: str | None = None

    @classmethod
    def by(cls, diagnostics: Iterable[Diagnostic]) -> Stopped:
        """Stopped by these diagnostics, with the exit code they give (the worst wins)."""
        from kinerja_dsl.diagnostics import exit_code

        found = tuple(diagnostics)
        return cls(exit_code(found), found)

    @classmethod
    def usage(cls, message: str) -> Stopped:
        return cls(EXIT_USAGE, message=message)


# ---- load -> prepare -> evaluate ---------------------------------------------------------

@dataclass(frozen=True)
class LoadedCatalog:
    """A catalog read, checked and compiled; `catalog` is None when any error was found."""

    catalog: Catalog | None
    files: tuple[str, ...]                  # every catalog file read: those named and those they include
    diagnostics: tuple[Diagnostic, ...]     # with their source lines

    @property
    def ok(self) -> bool:
        return self.catalog is not None

    def exit_code(self, strict: bool = False) -> int:
        from kinerja_dsl.diagnostics import exit_code

        return exit_code(self.diagnostics, strict=strict)

    def stopped(self) -> Stopped:
        """Why the catalog could not be compiled (every diagnostic), as a command's stop."""
        return Stopped(self.exit_code(), self.diagnostics)

    def compiled(self) -> Catalog:
        """The catalog, once `ok` has been checked."""
        if self.catalog is None:
            raise ValueError("the catalog did not compile (LoadedCatalog.ok is false)")
        return self.catalog

    def inputs(self) -> list[Input]:
        return [Input(t("a catalog file"), f) for f in self.files]


def load_catalog(paths: Iterable[StrPath]) -> LoadedCatalog:
    """Read, check and compile the catalog files (or folders of them) named in `paths`."""
    from kinerja_dsl.loader import load

    loaded = load(paths)
    return LoadedCatalog(loaded.catalog, tuple(f.path for f in loaded.files), tuple(loaded.diagnostics))


@dataclass(frozen=True)
class Prepared:
    """A compiled catalog with its realisation data, checked against it, and the period to
    evaluate. `ok` when no diagnostic is an error; then `period` is set."""

    loaded: LoadedCatalog
    data: Dataset
    period: Period | None                   # --period as read (see `read_period`), else the latest year the
                                            # data holds; None: undecided
    office: str | None                      # --unit: every indicator at this office instead of its own
    diagnostics: tuple[Diagnostic, ...]     # of the data, the period and the office, with their source lines
    inputs: tuple[Input, ...] = ()          # every file read: what --out must not overwrite

    @property
    def catalog(self) -> Catalog:
        return self.loaded.compiled()

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    def stopped(self) -> Stopped:
        return Stopped.by(self.diagnostics)

    def under(self, other: LoadedCatalog) -> Prepared:
        """The same data and period for another catalog (a diff evaluates one data file under both),
        with the totals that catalog declares derived, not this one's."""
        from .readers.data import derive_totals

        data = self.data.underived()
        derive_totals(data, other.compiled())
        return replace(self, loaded=other, data=data)

    def evaluated_period(self) -> Period:
        """The period to evaluate, once `ok` has been checked."""
        if self.period is None or not self.ok:
            raise ValueError("the data has errors (Prepared.ok is false): nothing to evaluate")
        return self.period


def read_period(text: str, alone: bool = False) -> Period:
    """`--period` the reports' way: a bare quarter, semester or month is read from January
    (`2024-TW3` is "s.d. TW III", January to September); `alone` reads it by itself (July to
    September). An explicit `2024-sd-TW3` is cumulative either way, and a year is the year.
    Raises PeriodError for a text that is not a period."""
    from .periods import Period

    period = Period.parse(text)
    return period if alone else period.up_to()


def prepare(loaded: LoadedCatalog, data_path: StrPath, mapping: StrPath | None = None,
            period_text: str | None = None, office: str | None = None, *,
            also: tuple[LoadedCatalog, ...] = (), progress: Progress | None = None, alone: bool = False) -> Prepared:
    """Read the data file once (its text, or a workbook's mapping's, also gives the diagnostics
    their source lines), check it against the catalog (and `also`: more catalogs whose names
    count as known, the other side of a diff), decide the period (`period_text` read by
    `read_period`, else the latest year the data holds) and check the office. Every problem is a
    diagnostic of the result; none is raised. `progress(done, total)` follows the reading of a
    workbook's rows."""
    from kinerja_dsl.diagnostics import Diagnostic, did_you_mean, with_sources

    from .readers.data import check_data, derive_totals, load_data
    from .periods import Period, PeriodError

    catalog = loaded.compiled()
    read = load_data(data_path, mapping, progress)
    data, problems = read.value, read.diagnostics
    if not any(d.code in ("E005", "E006", "E001", "D009") for d in problems):  # the data could be read
        problems = problems + check_data(data, catalog, also=tuple(other.compiled() for other in also))
        derive_totals(data, catalog)  # after the check: a total the data gives is checked, never replaced
    problems = with_sources(problems, read.sources())
    period = None
    if period_text:
        try:
            period = read_period(period_text, alone)
        except PeriodError:
            problems.append(Diagnostic.for_file("--period", code="D003", message=t(
                "`{period}` is not a period", period=period_text), hint=t(PERIOD_HINT)))
    else:
        years = sorted({p.year for p in data.periods()})
        period = Period.parse(str(years[-1])) if years else None
        if period is None and not problems:
            problems.append(Diagnostic.for_file(data.file, code="E004", message=t("the data file has no values")))
    if office and office not in catalog.offices:
        problems.append(Diagnostic.for_file("--unit", code="D002", message=t("unknown office `{office}`",
                                                                              office=office),
                                            hint=did_you_mean(office, catalog.offices)))
    inputs = [*loaded.inputs(), Input("--data", data_path)]
    if mapping is not None:
        inputs.append(Input("--mapping", mapping))
    return Prepared(loaded, data, period, office, tuple(problems), tuple(inputs))


def prepare_paths(paths: Iterable[StrPath], data_path: StrPath, mapping: StrPath | None = None,
                  period_text: str | None = None, office: str | None = None,
                  progress: Progress | None = None, alone: bool = False) -> Prepared | Stopped:
    """`load_catalog` then `prepare`, stopped at the first that has errors: the data is not read
    when the catalog does not compile."""
    loaded = load_catalog(paths)
    if not loaded.ok:
        return loaded.stopped()
    prepared = prepare(loaded, data_path, mapping, period_text, office, progress=progress, alone=alone)
    return prepared if prepared.ok else prepared.stopped()


def evaluate(prepared: Prepared, locale: str = "id") -> Evaluation:
    """Every indicator, sasaran, office and the overall capaian: `kinerja eval --json`."""
    from .evaluation.evaluate import evaluate_period
    from .evaluation.policies import catalog_policy_summary
    from .evaluation.results import Evaluation

    period = prepared.evaluated_period()
    catalog = prepared.catalog.for_year(period.year)
    done = evaluate_period(catalog, prepared.data, period, prepared.office)
    return Evaluation(catalog=list(prepared.loaded.files), data=prepared.data.file, period=period.label,
                      office=prepared.office, locale=locale, policy=catalog_policy_summary(catalog),
                      indicators=done.indicators, sasaran=done.sasaran, offices=done.offices, overall=done.overall,
                      diagnostics=[d.to_json() for d in prepared.diagnostics])


@dataclass(frozen=True)
class EachOffice:
    """Every office of the catalog evaluated for one period, each as `eval --unit OFFICE` would:
    computed on columns (columnar.py), any row it cannot decide by the exact evaluator."""

    prepared: Prepared
    period: Period
    result: BulkResult      # every office of the catalog, in declaration order
    finished: dict[str, tuple[int, int]]   # office -> (indicators with a capaian or nihil, indicators)
    unfinished: int         # IKU rows (office × indicator) without a capaian
    noun: str               # "IKU" when the catalog marks its IKU
    exit_code: int


def _has_numpy() -> bool:
    import importlib.util

    return importlib.util.find_spec("numpy") is not None


def evaluate_each_office(prepared: Prepared, progress: Progress | None = None) -> EachOffice:
    """`eval --each-office`: the bulk path over every office; exit 1 when an IKU row (any office)
    has no capaian, as for one office."""
    from .evaluation.columnar import evaluate_offices

    period = prepared.evaluated_period()
    catalog = prepared.catalog
    result = evaluate_offices(catalog, prepared.data, [period], tuple(catalog.offices), progress=progress)
    counted, noun = _iku(catalog)
    finished: dict[str, tuple[int, int]] = {}
    left = 0
    for row in result.rows(realisasi=False):  # one pass: the offices' counts and the exit code
        done, total = finished.get(row.office, (0, 0))
        has = row.status in ("ok", "nihil")
        finished[row.office] = (done + has, total + 1)
        left += not has and row.indicator in counted
    return EachOffice(prepared, period, result, finished, left, noun, 1 if left else 0)


@dataclass(frozen=True)
class Unfinished:
    """The results a script must hear about: without a capaian (missing, incomplete, error).
    Any of them makes the command exit 1; the results are still reported."""

    results: tuple[IndicatorResult, ...]
    noun: str = "indicator"    # "IKU" when the catalog marks its IKU

    @property
    def exit_code(self) -> int:
        return 1 if self.results else 0


def _iku(catalog: Catalog) -> tuple[set[str], str]:
    """The indicators whose missing capaian makes a command exit 1: the IKU, or every indicator
    when the catalog marks none; and what to call them."""
    marked = any(ind.iku for ind in catalog.indicators.values())
    return {i for i, ind in catalog.indicators.items() if ind.iku or not marked}, "IKU" if marked else "indicator"


def unfinished(ev: Evaluation, catalog: Catalog) -> Unfinished:
    """The IKU (every indicator, when the catalog marks none) that are missing, incomplete or in error."""
    counted, noun = _iku(catalog)
    return Unfinished(tuple(r for r in ev.indicators if r.status not in ("ok", "nihil") and r.id in counted), noun)


# ---- one function per command --------------------------------------------------------------

@dataclass(frozen=True)
class CheckReport:
    loaded: LoadedCatalog
    exit_code: int


def check(paths: Iterable[StrPath], strict: bool = False) -> CheckReport:
    """`kinerja check`: 0 clean, 1 findings (warnings too with `strict`), 2 syntax, 3 files."""
    loaded = load_catalog(paths)
    return CheckReport(loaded, loaded.exit_code(strict=strict))


@dataclass(frozen=True)
class TreeCatalog:
    folder: Path
    report: CheckReport
    base_of: tuple[Path, ...]               # the catalogs of the tree that extend or include it; then it is
                                            # checked through them, and its own report is not counted


@dataclass(frozen=True)
class TreeCheckReport:
    catalogs: tuple[TreeCatalog, ...]
    exit_code: int


def check_tree(folders: Iterable[Path], strict: bool = False) -> TreeCheckReport:
    """`kinerja check` of a catalog tree (`loader.tree_catalogs`): each catalog on its own, except a
    base: a catalog all of whose files another catalog of the tree reads (through `extends` or
    `include`) is checked as part of those catalogs, since alone it may lack what they add (a
    formula). Exit code: the worst of the catalogs checked."""
    import os

    reports = {folder: check([folder], strict) for folder in folders}
    read_by = {folder: {os.path.realpath(f) for f in r.loaded.files} for folder, r in reports.items()}
    catalogs: list[TreeCatalog] = []
    for folder, report in reports.items():
        own = {os.path.realpath(f) for f in report.loaded.files if Path(f).parent == folder}
        users = tuple(other for other, files in read_by.items() if other != folder and own and own <= files)
        catalogs.append(TreeCatalog(folder, report, users))
    counted = [c.report.exit_code for c in catalogs if not c.base_of]
    return TreeCheckReport(tuple(catalogs), max(counted, default=0))


@dataclass(frozen=True)
class FmtReport:
    changed: tuple[Path, ...]               # rewritten (or, with --check, that would be)
    diagnostics: tuple[Diagnostic, ...]
    stopped: Path | None                    # the file whose write failed; the files after it were left alone
    exit_code: int


def fmt(paths: Iterable[StrPath], check_only: bool = False,
        said: Callable[[Path, bool], None] | None = None, keywords: str | None = None) -> FmtReport:
    """`kinerja fmt`: rewrite each catalog file in canonical form, atomically, its keywords in its
    own language or in `keywords` ("id", "en") when given. `said(path, utf16)`
    is called as each file is rewritten (or would be), so that whatever stops the run, the
    files already rewritten have been named. Exit 1 with `check_only` when a file would change."""
    import codecs
    import os

    from kinerja_dsl.diagnostics import EXIT_FINDINGS, Sources, exit_code, with_sources
    from kinerja_dsl.formatter import formatted as format_text
    from kinerja_dsl.loader import UTF16_BOMS, decode, expand, read_bytes

    files, problems = expand(paths, recursive=True)
    diagnostics = list(problems)
    changed: list[Path] = []
    stopped: Path | None = None
    sources = Sources()
    seen: set[str] = set()
    for path in files:
        real = os.path.realpath(path)
        if real in seen:  # a link and its target, or two links to one file: format it once
            continue
        seen.add(real)
        data, problem = read_bytes(path)
        text, problem = (None, problem) if data is None else decode(data, str(path))
        if data is None or text is None:
            diagnostics.extend([problem] if problem is not None else [])
            continue
        sources.add(str(path), text)
        formatted, found = format_text(text, str(path), keywords)
        if formatted is None:
            diagnostics.extend(found)
            continue
        if formatted == text:
            continue
        if not check_only:
            bom = "\ufeff" if data.startswith(codecs.BOM_UTF8) else ""  # a UTF-8 BOM stays; UTF-16 becomes UTF-8
            try:
                write_atomic(path, bom + formatted)
            except OutputError as err:
                diagnostics.append(err.diagnostic())
                stopped = path
                break
        if said is not None:
            said(path, data.startswith(UTF16_BOMS))
        changed.append(path)
    diagnostics = with_sources(diagnostics, sources)
    code = exit_code(diagnostics)
    if code == 0 and check_only and changed:
        code = EXIT_FINDINGS
    return FmtReport(tuple(changed), tuple(diagnostics), stopped, code)


@dataclass(frozen=True)
class EvalReport:
    prepared: Prepared
    evaluation: Evaluation
    unfinished: Unfinished
    exit_code: int


@dataclass(frozen=True)
class MonitorReport:
    """`eval --by`: the season's cumulative periods up to the period read, each evaluated as
    `eval --period` evaluates it (`evaluations`, in the view's order), and the document that
    shows them side by side. The exit code is the last period's: 1 when an IKU (every
    indicator, when none is marked) has no capaian in it."""

    prepared: Prepared
    periods: tuple[Period, ...]
    evaluations: tuple[Evaluation, ...]
    monitoring: Monitoring
    unfinished: Unfinished                  # of the last period of the view
    exit_code: int

    def tables(self) -> list[Table]:
        """The LKjIP tables with one column group per period (--out .xlsx, .csv, .md)."""
        from .reports.monitor import monitor_tables

        return monitor_tables(list(self.evaluations), self.prepared.catalog, self.monitoring)


def run_eval(paths: Iterable[StrPath], data_path: StrPath, mapping: StrPath | None = None,
             period_text: str | None = None, office: str | None = None, locale: str = "id",
             out: StrPath | None = None, each_office: bool = False, progress: Progress | None = None,
             reading: Progress | None = None, alone: bool = False,
             by: By | None = None) -> EvalReport | EachOffice | MonitorReport | Stopped:
    """`kinerja eval`: exit 1 when an IKU (every indicator, when none is marked) has no capaian,
    the results still reported. `out` is checked (its format, not an input) before evaluating;
    writing it is the caller's. `each_office`: every office at once (EachOffice). `by` (quarter,
    semester, month): the monitoring view (MonitorReport). `alone` reads `period_text` by itself
    instead of from January. `reading` follows a workbook's rows being read, `progress` the
    offices being evaluated."""
    if each_office and office:
        return Stopped.usage(t("kinerja eval: --each-office evaluates every office; --unit names one: give one of them"))
    if each_office and by:
        return Stopped.usage(t("kinerja eval: --by shows one office's periods side by side and --each-office every "
                               "office in one period: give one of them"))
    if each_office and not _has_numpy():
        return Stopped.usage(t("kinerja eval: --each-office needs numpy, the `bulk` extra: "
                               "pip install 'kinerja-dsl[bulk]' (or -e '.[bulk]' in a clone)"))
    prepared = prepare_paths(paths, data_path, mapping, period_text, office, reading, alone)
    if isinstance(prepared, Stopped):
        return prepared
    if by:
        from .reports.monitor import SeasonError, season

        try:
            periods = season(prepared.evaluated_period(), by)
        except SeasonError as why:
            return Stopped.usage(f"kinerja eval: {why}")
    if out:
        suffixes = EACH_OFFICE_SUFFIXES if each_office else EVAL_SUFFIXES
        refused = wrong_format("eval", out, suffixes) or names_an_input("eval", out, list(prepared.inputs))
        if refused:
            return Stopped.usage(refused)
    if each_office:
        return evaluate_each_office(prepared, progress)
    if by:
        return monitor(prepared, periods, by, locale)
    ev = evaluate(prepared, locale)
    left = unfinished(ev, prepared.catalog)
    return EvalReport(prepared, ev, left, left.exit_code)


def monitor(prepared: Prepared, periods: list[Period], by: By, locale: str = "id") -> MonitorReport:
    """Each period of the view evaluated as `eval --period` evaluates it, and the view's document."""
    from .reports.monitor import monitoring

    evaluations = [evaluate(replace(prepared, period=p), locale) for p in periods]
    last = unfinished(evaluations[-1], prepared.catalog)
    document = monitoring(evaluations, by, prepared.evaluated_period())
    return MonitorReport(prepared, tuple(periods), tuple(evaluations), document, last, last.exit_code)


@dataclass(frozen=True)
class ExplainReport:
    result: IndicatorResult
    unfinished: Unfinished
    exit_code: int
    family: str | None = None  # the template instance the indicator was expanded from


def explain(paths: Iterable[StrPath], data_path: StrPath, indicator: str, mapping: StrPath | None = None,
            period_text: str | None = None, office: str | None = None,
            progress: Progress | None = None, alone: bool = False) -> ExplainReport | Stopped:
    """`kinerja explain`: one indicator step by step; exit 1 when it (IKU or not) has no capaian."""
    from kinerja_dsl.diagnostics import Diagnostic, did_you_mean

    prepared = prepare_paths(paths, data_path, mapping, period_text, office, progress, alone)
    if isinstance(prepared, Stopped):
        return prepared
    catalog = prepared.catalog
    if indicator not in catalog.indicators:
        return Stopped(1, (Diagnostic.for_file("INDICATOR", code="E101", message=t("unknown indicator `{indicator}`",
                                                                                   indicator=indicator),
                                               hint=did_you_mean(indicator, catalog.indicators)),))
    result = explain_indicator(prepared, indicator)
    left = Unfinished((result,) if result.status not in ("ok", "nihil") else ())
    return ExplainReport(result, left, left.exit_code, catalog.indicators[indicator].family)


def explain_indicator(prepared: Prepared, indicator: str) -> IndicatorResult:
    """The result of one indicator, with its steps: only it and what it uses are evaluated,
    unless it reads a mean (then everything is)."""
    from .evaluation.evaluate import evaluate_all, evaluate_period, reads_means

    catalog, data, period, office = prepared.catalog, prepared.data, prepared.evaluated_period(), prepared.office
    if indicator in reads_means(catalog):
        results = evaluate_period(catalog, data, period, office).indicators
    else:
        results = evaluate_all(catalog, data, period, office, only=[indicator])
    return next(r for r in results if r.id == indicator)


@dataclass(frozen=True)
class AuditOutcome:
    evaluation: Evaluation
    report: AuditReport
    exit_code: int


def audit(paths: Iterable[StrPath], data_path: StrPath, published: StrPath, mapping: StrPath | None = None,
          period_text: str | None = None, office: str | None = None, locale: str = "id",
          progress: Progress | None = None, alone: bool = False, pks: Iterable[StrPath] = ()) -> AuditOutcome | Stopped:
    """`kinerja audit`: every published figure against the recomputed one; exit 1 when
    unexplained differences remain or the published file has findings. A figure of another year
    than the one evaluated (its `year`, else the file's) is checked against that year, evaluated
    on the same data, unless --period names the one period to audit; a figure with a `unit` (a
    per-office table's row) against the catalog evaluated at that office, as --unit gives it. A
    printed target is also compared with the target of each PK: those in the catalog's files
    (an `agreement` beside the catalog) and those named by --pk, and with the Renstra's."""
    from kinerja_dsl.diagnostics import with_sources

    from .periods import Period
    from .reports.audit import audit as audited, combined
    from .readers.published import Figure, figure_findings, load_published

    prepared = prepare_paths(paths, data_path, mapping, period_text, office, progress, alone)
    if isinstance(prepared, Stopped):
        return prepared
    read = load_published(published)
    figures, problems = read.value.figures, read.diagnostics
    if not any(d.is_error for d in problems):  # an empty file, an unknown id or level: E004, D013
        problems = problems + figure_findings(figures, prepared.catalog, str(published))
    if any(d.is_error for d in problems):  # figure_findings names the file as given (`./published.toml`)
        return Stopped.by(with_sources(problems, read.sources(str(published))))
    agreements = _agreements(prepared.catalog, pks)
    if isinstance(agreements, Stopped):
        return agreements
    main = prepared.evaluated_period()
    by_run: dict[tuple[Period, str], list[Figure]] = {}  # (period, office; "" = as --unit gives it)
    for f in figures:  # a figure of the period audited; of another year, each year's own (not with --period)
        if f.year is None or f.year == main.year:
            by_run.setdefault((main, f.unit or ""), []).append(f)
        elif period_text is None:
            by_run.setdefault((Period.year_of(f.year), f.unit or ""), []).append(f)
    ev = evaluate(prepared, locale)
    reports = [audited(ev if (period, unit) == (main, "") else
                       evaluate(replace(prepared, period=period, office=unit or prepared.office), locale),
                       group, prepared.catalog, str(published), unit or None, agreements)
               for (period, unit), group in sorted(by_run.items())]
    report = combined(reports) if reports else audited(ev, [], prepared.catalog, str(published))
    return AuditOutcome(ev, report, 1 if report.counts.get("unexplained") else 0)


def _agreements(catalog: Catalog, paths: Iterable[StrPath]) -> list[PkDocument] | Stopped:
    """The PKs an audit compares printed targets with: each `agreement` compiled into the catalog,
    then each --pk file (a .kin, TOML, CSV or workbook PK) that is not one of those, in the order
    named. A PK that cannot be read stops the audit with its findings."""
    from kinerja_dsl.diagnostics import with_sources

    from .readers.agreement import from_catalog, load_pk

    docs = [from_catalog(a) for a in catalog.agreements]
    seen = {Path(d.file).resolve() for d in docs}
    for path in paths:
        if Path(path).resolve() in seen:
            continue
        read = load_pk(path)
        if read.value is None or any(d.is_error for d in read.diagnostics):
            return Stopped.by(with_sources(read.diagnostics, read.sources()))
        seen.add(Path(path).resolve())
        docs.append(read.value)
    return docs


@dataclass(frozen=True)
class PkReport:
    pk: str
    document: PkDocument | None             # None when the file could not be read as a PK
    catalog: Catalog
    diagnostics: tuple[Diagnostic, ...]
    exit_code: int
    # each annual target of the PK beside the catalog's and the Renstra's (the table of where they differ)
    targets: tuple[TargetComparison, ...] = ()


def validate_pk(pk: StrPath, catalog_paths: Iterable[StrPath], mapping: StrPath | None = None,
                strict: bool = False) -> PkReport | Stopped:
    """`kinerja validate-pk`: a Perjanjian Kinerja against its catalog; exit codes as `check`."""
    from kinerja_dsl.diagnostics import exit_code, with_sources

    from .readers.agreement import load_pk
    from .reports.pk import compare_targets, validate

    loaded = load_catalog(catalog_paths)
    if not loaded.ok:
        return loaded.stopped()
    catalog = loaded.compiled()
    read = load_pk(pk, mapping)
    doc, problems = read.value, read.diagnostics
    if doc is not None:
        problems = problems + validate(doc, catalog)
    problems = with_sources(problems, read.sources())
    targets = tuple(compare_targets(doc, catalog)) if doc is not None else ()
    return PkReport(str(pk), doc, catalog, tuple(problems), exit_code(problems, strict=strict), targets)


@dataclass(frozen=True)
class DiffOutcome:
    report: DiffReport
    warnings: tuple[Diagnostic, ...] = ()   # of the data (an error stops the diff)
    exit_code: int = 0


def diff(old_paths: Iterable[StrPath], new_paths: Iterable[StrPath], data_path: StrPath | None = None,
         period_text: str | None = None, locale: str = "id", alone: bool = False) -> DiffOutcome | Stopped:
    """`kinerja diff`: changes between two catalogs, each loaded once; with data, every item before
    and after on it. The data is read once and checked against both catalogs: a field only one
    declares is what a planner has after a revision, an error only when neither knows it."""
    from .reports.diff import DiffReport, compare, effects

    old = load_catalog(old_paths)
    if not old.ok:
        return old.stopped()
    new = load_catalog(new_paths)
    if not new.ok:
        return new.stopped()
    changes = compare(old.compiled(), new.compiled())
    report = DiffReport(old=list(old.files), new=list(new.files), changes=changes)
    if data_path is None:
        return DiffOutcome(report)
    prepared = prepare(new, data_path, None, period_text, also=(old,), alone=alone)
    if not prepared.ok:
        return prepared.stopped()
    before, after = evaluate(prepared.under(old), locale), evaluate(prepared, locale)
    report = report.model_copy(update={"effects": effects(before, after, changes), "period": prepared.evaluated_period().label})
    return DiffOutcome(report, prepared.diagnostics)


@dataclass(frozen=True)
class TableReport:
    """A table to show or write (`kamus`, `template`); `out` checked (format, not an input)."""

    table: Table
    loaded: LoadedCatalog
    preamble: str = ""                      # written before a CSV's rows (a template's `# locale: id`)
    exit_code: int = 0


def kamus(paths: Iterable[StrPath], locale: str = "id", out: StrPath | None = None) -> TableReport | Stopped:
    """`kinerja kamus`: the kamus indikator (manual IKU) of a catalog."""
    from .reports.tables import kamus_table

    loaded = load_catalog(paths)
    if not loaded.ok:
        return loaded.stopped()
    if out:
        refused = wrong_format("kamus", out, TABLE_SUFFIXES) or names_an_input("kamus", out, loaded.inputs())
        if refused:
            return Stopped.usage(refused)
    return TableReport(kamus_table(loaded.compiled(), locale), loaded)


def template(paths: Iterable[StrPath], period_text: str, out: StrPath, each_office: bool = False,
             locale: str = "id", by: By | None = None) -> TableReport | Stopped:
    """`kinerja template`: an empty realisation file to fill in, one row per (period, office, field).
    The period is literal (`2024-TW3` is the quarter's own rows, as data files label them); `by`
    (quarter, semester, month): one row per such period alone of the period, and of the earlier
    periods `eval --by` reads, so that the filled file evaluates by that step."""
    from kinerja_dsl.diagnostics import Diagnostic

    from .periods import Period, PeriodError
    from .reports.monitor import SeasonError, season
    from .reports.tables import template_table

    loaded = load_catalog(paths)
    if not loaded.ok:
        return loaded.stopped()
    try:
        period = Period.parse(period_text)
    except PeriodError:
        return Stopped.by([Diagnostic.for_file("--period", code="D003", message=t(
            "`{period}` is not a period", period=period_text), hint=t(PERIOD_HINT))])
    evaluated = None
    if by:
        parts = period.parts(by)
        if len(parts) < 2:
            return Stopped.usage(t("kinerja template: --by {by} does not divide `{period}` ({title}) into two or "
                                   "more periods: give a longer --period (e.g. {year}) or a shorter --by", by=by,
                                   period=period.label, title=period.title(language()), year=period.year))
        try:  # the cumulative periods `eval --by` reads (from January), else the parts themselves
            evaluated = season(period, by)
        except SeasonError:
            evaluated = parts
    suffix = Path(out).suffix
    if suffix.lower() not in TEMPLATE_SUFFIXES:
        return Stopped.usage(t("kinerja template: --out must end in .xlsx or .csv, not `{given}`",
                               given=suffix or Path(out).name))
    refused = names_an_input("template", out, loaded.inputs())
    if refused:
        return Stopped.usage(refused)
    table = template_table(loaded.compiled(), period, each_office=each_office, by=by, evaluated=evaluated)
    # a CSV template declares its notation, so the filled file reads back unambiguously
    return TableReport(table, loaded, preamble=f"# locale: {locale}\r\n")


@dataclass(frozen=True)
class ReportOutcome:
    """`kinerja report`: chapter III of the LKjIP as a document, to be written by its format
    (rendering/document.py). Exit 1 as `eval`: an IKU without a capaian (the document still says so)."""

    prepared: Prepared
    document: Document
    unfinished: Unfinished
    exit_code: int


def report(paths: Iterable[StrPath], data_path: StrPath, out: StrPath, mapping: StrPath | None = None,
           period_text: str | None = None, alone: bool = False, locale: str | None = None) -> ReportOutcome | Stopped:
    """`kinerja report`: the report period (default the latest year in the data) evaluated, and every
    earlier year the data holds (each as a whole year), and the report year's quarters when the data
    has them; chapter III built from them (reports/lkjip.py). `out` is checked first (its format,
    the `report` extra it needs, not an input); writing it is the caller's."""
    import importlib.util

    from .periods import Period
    from .rendering.document import EXTRA_CHARTS, EXTRA_DOCX, SUFFIXES, MissingExtra
    from .reports.lkjip import ChapterInput, chapter_three, declared_references
    from .reports.monitor import SeasonError, season

    refused = wrong_format("report", out, SUFFIXES)
    if refused:
        return Stopped.usage(refused)
    extra = (EXTRA_CHARTS if importlib.util.find_spec("matplotlib") is None
             else EXTRA_DOCX if Path(out).suffix.lower() == ".docx" and importlib.util.find_spec("docx") is None
             else None)
    if extra is not None:
        return Stopped.by([MissingExtra(extra).diagnostic()])
    prepared = prepare_paths(paths, data_path, mapping, period_text, None, None, alone)
    if isinstance(prepared, Stopped):
        return prepared
    refused = names_an_input("report", out, list(prepared.inputs))
    if refused:
        return Stopped.usage(refused)
    locale = locale or language()
    period = prepared.evaluated_period()
    catalog = prepared.catalog
    ev = evaluate(prepared, locale)
    years = sorted({p.year for p in prepared.data.periods() if p.year < period.year})
    earlier = tuple(evaluate(replace(prepared, period=Period.year_of(y)), locale) for y in years)
    view = None
    if any(p.year == period.year and p.kind in ("quarter", "month") for p in prepared.data.periods()):
        try:
            view = monitor(prepared, season(period, "quarter"), "quarter", locale)
        except SeasonError:  # a period alone, or shorter than two quarters: no season to show
            view = None
    given = ChapterInput(catalog, ev, earlier, view.monitoring if view else None,
                         view.evaluations if view else (), tuple(declared_references(catalog)),
                         tuple(prepared.loaded.files), str(data_path))
    left = unfinished(ev, catalog)
    return ReportOutcome(prepared, chapter_three(given), left, left.exit_code)


def codes() -> str:
    """`kinerja codes`: the diagnostic catalogue as Markdown."""
    from kinerja_dsl.codes import catalogue_markdown

    return catalogue_markdown()


def schema(monitoring: bool = False) -> dict[str, object]:
    """`kinerja schema`: the JSON Schema of `kinerja eval --json` (`--by`: of the monitoring view)."""
    from .evaluation.results import Evaluation
    from .reports import monitor

    return (monitor.Monitoring if monitoring else Evaluation).model_json_schema(mode="serialization")
