"""The `kinerja` command: sits on top of the language and the engine.

Imports are lazy so `kinerja --help` starts fast. Every failure a user can cause
ends as a diagnostic and an exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import stat
import sys
from pathlib import Path

EPILOG = """\
examples:
  kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml
  kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml --json
  kinerja explain indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml BPHN2.jdihn
  kinerja check indicators/sumsel-2024
  kinerja check --json catalog.kin
  kinerja fmt --check indicators/
  kinerja fmt indicators/sumsel-2024/catalog.kin
  kinerja audit indicators/banten-2024 --data indicators/banten-2024/realisasi.toml \\
      --published indicators/banten-2024/published.toml
  kinerja validate-pk indicators/banten-2024/pk-2024-bab2.kin --catalog indicators/banten-2024
  kinerja diff indicators/banten-2024/catalog.kin indicators/banten-2024-revisi --data indicators/banten-2024/realisasi.toml
  kinerja template indicators/sumsel-2024 --period 2024 --out realisasi.xlsx
  kinerja kamus indicators/sumsel-2024

exit codes: 0 clean, 1 findings (eval and explain: also an IKU missing, incomplete or error), 2 syntax errors,
  3 file errors (missing, unreadable, not UTF-8, not a regular file), 4 usage (also --out naming an input)
"""


EXIT_INTERNAL = 70


class OutputError(Exception):
    """A file that cannot be written (no such folder, no permission, disk full, a device): an I/O error, exit 3."""

    def __init__(self, path: Path, reason: str, code: str = "E006"):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.code = path, reason, code

    def diagnostic(self):
        from kinerja_dsl.diagnostics import Diagnostic

        hint = ("--out names a file to write, not a device or a FIFO" if self.code == "E010"
                else "check that the folder exists and can be written")
        return Diagnostic(self.code, "error", f"cannot write the file: {self.reason}", str(self.path), hint=hint)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename: never half-written. A symlink
    is written through (its target is replaced, the link stays); a replaced file keeps its mode
    and owner, a new one gets the mode the umask gives; a device or FIFO is never replaced."""
    path = Path(path)
    try:
        target = Path(os.path.realpath(path))
        try:
            info = os.stat(target)
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            kind = "is a directory" if stat.S_ISDIR(info.st_mode) else "is not a regular file"
            raise OutputError(path, kind, "E006" if stat.S_ISDIR(info.st_mode) else "E010")
        _write_atomic(target, text, info)
    except OSError as err:
        raise OutputError(path, err.strerror or type(err).__name__) from None


def _write_atomic(path: Path, text: str | bytes, info: os.stat_result | None) -> None:
    payload = text if isinstance(text, bytes) else text.encode("utf-8")
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp"
        try:  # 0o666 less the umask, as any new file gets; O_EXCL: never someone else's file
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 random names taken
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            if info is not None:
                try:
                    os.chown(tmp, info.st_uid, info.st_gid)
                except (OSError, AttributeError):
                    pass  # only root may give a file away; the mode is what matters
                os.chmod(tmp, stat.S_IMODE(info.st_mode))  # after chown, which may clear set-id bits
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _print_diagnostics(diagnostics, out=None) -> None:
    out = out or sys.stdout
    for d in diagnostics:
        print(d.render(), file=out)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}", file=out)


def cmd_check(args) -> int:
    from kinerja_dsl.diagnostics import exit_code
    from kinerja_dsl.loader import load

    loaded = load(args.paths)
    code = exit_code(loaded.diagnostics, strict=args.strict)
    if args.json:
        payload = {
            "files": [f.path for f in loaded.files],
            "indicators": len(loaded.catalog.indicators) if loaded.catalog else None,
            "diagnostics": [d.to_json() for d in loaded.diagnostics],
            "errors": sum(1 for d in loaded.diagnostics if d.is_error),
            "warnings": sum(1 for d in loaded.diagnostics if not d.is_error),
            "exit_code": code,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return code
    _print_diagnostics(loaded.diagnostics)
    if loaded.catalog is not None:
        cat = loaded.catalog
        print(f"ok: {len(loaded.files)} file{'s' if len(loaded.files) != 1 else ''}, "
              f"{len(cat.indicators)} indicators, {len(cat.sasaran)} sasaran")
    return code


def cmd_fmt(args) -> int:
    import codecs

    from kinerja_dsl.diagnostics import EXIT_FINDINGS, Sources, exit_code, with_sources
    from kinerja_dsl.formatter import format_file
    from kinerja_dsl.loader import UTF16_BOMS, decode, expand, read_bytes
    from kinerja_dsl.parser import parse

    files, problems = expand(args.paths, recursive=True)
    diagnostics = list(problems)
    changed: list[Path] = []
    stopped = None
    sources = Sources()
    seen: set[str] = set()
    for path in files:
        real = os.path.realpath(path)
        if real in seen:  # a link and its target, or two links to one file: format it once
            continue
        seen.add(real)
        data, problem = read_bytes(path)
        text, problem = (None, problem) if problem is not None else decode(data, str(path))
        if problem is not None:
            diagnostics.append(problem)
            continue
        sources.add(str(path), text)
        parsed, found = parse(text, str(path))
        if any(d.is_error for d in found):
            diagnostics.extend(found)
            continue
        formatted = format_file(parsed)
        if "\r\n" in text:
            formatted = formatted.replace("\n", "\r\n")
        _, again = parse(formatted, str(path))
        if any(d.is_error for d in again):  # the formatter must never break a file
            diagnostics.extend(again)
            continue
        if formatted == text:
            continue
        utf16 = data.startswith(UTF16_BOMS)
        if not args.check:
            bom = "\ufeff" if data.startswith(codecs.BOM_UTF8) else ""  # a UTF-8 BOM stays; UTF-16 becomes UTF-8
            try:
                write_atomic(path, bom + formatted)
            except OutputError as err:
                diagnostics.append(err.diagnostic())
                stopped = path
                break
        # said as each file is written, so whatever stops the run, the files already rewritten are listed
        note = (" (written as UTF-8: it was UTF-16)" if not args.check else " (it would be written as UTF-8: it is UTF-16)"
                ) if utf16 else ""
        print(f"{'would reformat' if args.check else 'reformatted'} {path}{note}")
        changed.append(path)
    diagnostics = with_sources(diagnostics, sources)
    _print_diagnostics(diagnostics, sys.stdout)
    if stopped is not None:
        done = ", ".join(map(str, changed)) if changed else "none"
        print(f"fmt stopped at {stopped}; files already rewritten: {done}; the files after it were not changed")
    code = exit_code(diagnostics)
    if code == 0 and args.check and changed:
        code = EXIT_FINDINGS
    return code


def _with_data_source(problems, *paths):
    """Attach the offending lines of the data file (and a workbook's mapping) to its diagnostics."""
    from kinerja_dsl.diagnostics import Sources, with_sources
    from kinerja_dsl.loader import read_text

    from .data import SPREADSHEET_SUFFIXES

    sources = Sources()
    for path in paths:
        if path is None or Path(path).suffix.lower() in SPREADSHEET_SUFFIXES:
            continue  # a workbook's diagnostics name the cell
        text, problem = read_text(path)  # the safe reader: a FIFO or /dev/zero named twice must not hang here
        if problem is None:
            sources.add(str(path), text.lstrip("\ufeff"))
    return with_sources(problems, sources)


def _loaded_or_code(paths):
    """The loaded catalog, or (None, exit code) after printing why it could not be compiled."""
    from kinerja_dsl.diagnostics import exit_code
    from kinerja_dsl.loader import load

    loaded = load(paths)
    if loaded.catalog is None:
        _print_diagnostics(loaded.diagnostics, sys.stderr)
        return None, exit_code(loaded.diagnostics)
    return loaded, 0


def _data_and_period(data_path, mapping, period_text, catalog, also=()):
    """The realisation data checked against the catalog (and `also` the other side of a diff),
    and the period to evaluate: --period, else the latest year the data holds. Diagnostics carry
    their source lines; the period is None when it could not be decided (a finding says why)."""
    from kinerja_dsl.diagnostics import Diagnostic

    from .data import check_data, read_data
    from .periods import Period, PeriodError

    data, problems = read_data(data_path, mapping)
    if not any(d.code in ("E005", "E006", "E001", "D009") for d in problems):
        problems = problems + check_data(data, catalog, also=also)
    problems = _with_data_source(problems, data_path, mapping)
    period = None
    if period_text:
        try:
            period = Period.parse(period_text)
        except PeriodError:
            problems.append(Diagnostic("D003", "error", f"`{period_text}` is not a period", "--period",
                                       hint="use 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2 or 2024-01 … 2024-12"))
    else:
        years = sorted({p.year for p in data.periods()})
        period = Period.parse(str(years[-1])) if years else None
        if period is None and not problems:
            problems.append(Diagnostic("E004", "error", "the data file has no values", data.file))
    return data, period, problems


def _load_for_eval(args):
    """Catalog, data and period, or (None, exit code) after printing what is wrong."""
    from kinerja_dsl.diagnostics import Diagnostic, did_you_mean, exit_code

    loaded, code = _loaded_or_code(args.paths)
    if loaded is None:
        return None, code
    catalog = loaded.catalog
    data, period, problems = _data_and_period(args.data, getattr(args, "mapping", None), args.period, catalog)
    office = getattr(args, "unit", None)
    if office and office not in catalog.offices:
        problems.append(Diagnostic("D002", "error", f"unknown office `{office}`", "--unit",
                                   hint=did_you_mean(office, catalog.offices)))
    errors = [d for d in problems if d.is_error]
    if errors:
        _print_diagnostics(problems, sys.stderr)
        return None, exit_code(problems)
    return (catalog, loaded, data, period, office, problems), 0


def _evaluation(catalog, loaded, data, period, office, problems, locale):
    from .evaluate import evaluate_period
    from .results import Evaluation

    results, sasaran, offices, overall = evaluate_period(catalog, data, period, office)
    p = catalog.policy
    policy = {
        "cap": f"{p.cap.value if p.cap.value is not None else 'none'} ({p.cap.origin})",
        "floor": f"{p.floor.value if p.floor.value is not None else 'none'} ({p.floor.origin})",
        "nihil": f"{p.nihil.value} ({p.nihil.origin})",
        "round": f"{p.round.value} ({p.round.origin})",
        "round_realisasi": f"{p.round_realisasi.value} ({p.round_realisasi.origin})",
        "unreported": f"{p.unreported.value} ({p.unreported.origin})",
        "bands": f"{p.bands.value.id} ({p.bands.origin})",
    }
    for level, agg in catalog.aggregation.items():
        rounded = " rounded" if agg.rounded else ""
        policy[f"aggregate {level}"] = f"{agg.method} of {agg.source}{rounded} ({agg.origin})"
    return Evaluation(catalog=[f.path for f in loaded.files], data=data.file, period=period.label, office=office,
                      locale=locale, policy=policy, indicators=results, sasaran=sasaran, offices=offices,
                      overall=overall, diagnostics=[d.to_json() for d in problems])


def _console(file=None):
    from rich.console import Console

    # a terminal's own width; in a pipe 80 columns, or $COLUMNS when set (rich reads it)
    return Console(file=file, highlight=False, soft_wrap=False)


def _unfinished(results, catalog) -> tuple[list, str]:
    """The results a script must hear about, and what they are: the IKU (every indicator, when
    the catalog marks none) that are missing, incomplete or in error. Any of them: eval exits 1."""
    marked = any(ind.iku for ind in catalog.indicators.values())
    return [r for r in results if r.status not in ("ok", "nihil")
            and (not marked or catalog.indicators[r.id].iku)], "IKU" if marked else "indicator"


def _say_unfinished(command: str, unfinished, noun: str = "indicator") -> int:
    """Exit 1 with a line on stderr naming them (the results are printed as usual), else 0."""
    if not unfinished:
        return 0
    listed = ", ".join(f"{r.id} ({r.status})" for r in unfinished)
    plural = "s" if len(unfinished) != 1 and noun != "IKU" else ""
    print(f"kinerja {command}: {len(unfinished)} {noun}{plural} without a capaian: {listed}; exit 1", file=sys.stderr)
    return 1


def _input_files(loaded, args) -> list[tuple[str, object]]:
    """Every file a command reads, with the option that named it: what --out must not overwrite."""
    named = [("a catalog file", f.path) for f in loaded.files]
    for option in ("data", "mapping", "published", "pk"):
        value = getattr(args, option, None)
        if value is not None:
            named.append((f"--{option}" if option != "pk" else "PK_FILE", value))
    return named


def _out_names_an_input(command: str, out, inputs) -> bool:
    """Whether --out is one of the inputs (compared after symlinks, and by device and inode for
    hard links): writing it would destroy the data it was computed from. Says so (usage error)."""
    for role, path in inputs:
        try:
            same = os.path.samefile(path, out)  # follows symlinks; a hard link is the same inode
        except (OSError, ValueError):  # --out does not exist yet: it cannot be an input
            same = False
        if same:
            print(f"kinerja {command}: --out `{out}` is an input ({role} `{path}`); nothing was written",
                  file=sys.stderr)
            return True
    return False


def cmd_eval(args) -> int:
    loaded, code = _load_for_eval(args)
    if loaded is None:
        return code
    if args.out and not _writes(args.out, "eval", (".json", ".txt") + TABLE_SUFFIXES):
        return 4
    if args.out and _out_names_an_input("eval", args.out, _input_files(loaded[1], args)):
        return 4
    ev = _evaluation(*loaded, args.locale)
    code = _say_unfinished("eval", *_unfinished(ev.indicators, loaded[0]))
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix in TABLE_SUFFIXES:
        from .tables import lkjip_tables

        return _write_tables(lkjip_tables(ev, loaded[0]), Path(args.out), args.locale) or code
    if args.json or suffix == ".json":
        text = ev.model_dump_json(indent=2) + "\n"
    else:
        import io

        buffer = io.StringIO()
        from rich.console import Console

        from .render import render_evaluation

        if args.out:
            render_evaluation(ev, Console(file=buffer, width=80, no_color=True, highlight=False))
            text = buffer.getvalue()
        else:
            render_evaluation(ev, _console())
            return code
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return code


TABLE_SUFFIXES = (".xlsx", ".csv", ".md")


def _writes(out, command: str, suffixes: tuple[str, ...]) -> bool:
    """Whether `--out` names a format the command writes (the suffix in any case); if not, says
    so (a usage error)."""
    path = Path(out)
    if path.suffix.lower() in suffixes:
        return True
    print(f"kinerja {command}: --out writes {', '.join(suffixes)}, not `{path.suffix or path.name}`", file=sys.stderr)
    return False


def _write_tables(tables, out: Path, locale: str, preamble: str = "") -> int:
    """Tables to .xlsx (excel extra), .csv or .md, written atomically."""
    from kinerja_dsl.diagnostics import exit_code

    from .tables import to_csv, to_markdown

    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from .spreadsheet import workbook_bytes

        payload, problem = workbook_bytes(tables)
        if problem is not None:
            _print_diagnostics([problem], sys.stderr)
            return exit_code([problem])
    elif suffix == ".csv":
        payload = "\ufeff" + preamble + to_csv(tables, locale)  # the BOM tells Excel it is UTF-8
    else:
        payload = to_markdown(tables, locale)
    write_atomic(out, payload)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_template(args) -> int:
    from kinerja_dsl.diagnostics import Diagnostic, exit_code

    from .periods import Period, PeriodError
    from .tables import template_table

    loaded, code = _loaded_or_code(args.paths)
    if loaded is None:
        return code
    try:
        period = Period.parse(args.period)
    except PeriodError:
        d = Diagnostic("D003", "error", f"`{args.period}` is not a period", "--period",
                       hint="use 2024, 2024-TW1 … 2024-TW4, 2024-S1, 2024-S2 or 2024-01 … 2024-12")
        _print_diagnostics([d], sys.stderr)
        return exit_code([d])
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        print(f"kinerja template: --out must end in .xlsx or .csv, not `{out.suffix or out.name}`", file=sys.stderr)
        return 4
    if _out_names_an_input("template", out, _input_files(loaded, args)):
        return 4
    table = template_table(loaded.catalog, period, each_office=args.each_office)
    # a CSV template declares its notation, so the filled file reads back unambiguously
    return _write_tables([table], out, args.locale, preamble=f"# locale: {args.locale}\r\n")


def cmd_explain(args) -> int:
    from kinerja_dsl.diagnostics import Diagnostic, did_you_mean

    loaded, code = _load_for_eval(args)
    if loaded is None:
        return code
    catalog, _, data, period, office, problems = loaded
    if args.indicator not in catalog.indicators:
        d = Diagnostic("E101", "error", f"unknown indicator `{args.indicator}`", "INDICATOR",
                       hint=did_you_mean(args.indicator, catalog.indicators))
        _print_diagnostics([d], sys.stderr)
        return 1
    from .evaluate import evaluate_all, evaluate_period, reads_means
    from .render import render_explanation

    if args.indicator in reads_means(catalog):  # it needs the means, so everything is evaluated
        results = evaluate_period(catalog, data, period, office)[0]
    else:
        results = evaluate_all(catalog, data, period, office, only=[args.indicator])
    result = next(r for r in results if r.id == args.indicator)
    if args.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        render_explanation(result, _console(), args.locale)
    # the indicator asked about, IKU or not, is what a script running explain needs to hear about
    return _say_unfinished("explain", [result] if result.status not in ("ok", "nihil") else [])


def cmd_audit(args) -> int:
    from .audit import audit, figure_findings, read_published

    loaded, code = _load_for_eval(args)
    if loaded is None:
        return code
    meta, figures, problems = read_published(args.published)
    if not any(d.is_error for d in problems):  # an empty file, an unknown id or level: E004, D013
        problems = problems + figure_findings(figures, loaded[0], str(args.published))
    if any(d.is_error for d in problems):
        _print_diagnostics(_with_data_source(problems, args.published), sys.stderr)
        from kinerja_dsl.diagnostics import exit_code
        return exit_code(problems)
    catalog = loaded[0]
    ev = _evaluation(*loaded, args.locale)
    report = audit(ev, figures, catalog, str(args.published))
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        from .render import render_audit
        render_audit(report, _console(), args.locale, show_all=args.all)
    return 1 if report.counts.get("unexplained") else 0


def cmd_validate_pk(args) -> int:
    from kinerja_dsl.diagnostics import exit_code

    from .pk import read_pk, validate

    loaded, code = _loaded_or_code(args.catalog)
    if loaded is None:
        return code
    doc, problems = read_pk(args.pk, args.mapping)
    if doc is not None:
        problems = problems + validate(doc, loaded.catalog)
    problems = _with_data_source(problems, args.pk, args.mapping)
    code = exit_code(problems, strict=args.strict)
    if args.json:
        print(json.dumps({"pk": str(args.pk), "year": doc.year if doc else None,
                          "targets": len(doc.entries) if doc else 0,
                          "diagnostics": [d.to_json() for d in problems], "exit_code": code},
                         indent=2, ensure_ascii=False))
        return code
    _print_diagnostics(problems)
    if doc is not None and not any(d.is_error for d in problems):
        print(f"ok: {len(doc.entries)} targets for {doc.year} checked against {len(loaded.catalog.indicators)} indicators")
    return code


def cmd_diff(args) -> int:
    """Changes between two catalogs; with --data, every item before and after on that data. The
    data is read once and checked against both catalogs: a field only one declares is what a
    planner has after a revision, an error only when neither knows it."""
    from kinerja_dsl.diagnostics import exit_code

    from .diff import DiffReport, compare, effects

    old, code = _loaded_or_code([args.old])
    if old is None:
        return code
    new, code = _loaded_or_code([args.new])
    if new is None:
        return code
    changes = compare(old.catalog, new.catalog)
    report = DiffReport(old=[f.path for f in old.files], new=[f.path for f in new.files], changes=changes)
    problems = []
    if args.data:
        data, period, problems = _data_and_period(args.data, None, args.period, new.catalog, also=(old.catalog,))
        if any(d.is_error for d in problems):
            _print_diagnostics(problems, sys.stderr)
            return exit_code(problems)
        before, after = (_evaluation(c.catalog, c, data, period, None, problems, args.locale) for c in (old, new))
        report = report.model_copy(update={"effects": effects(before, after, changes), "period": period.label})
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        from .render import render_diff
        render_diff(report, _console(), args.locale)
        if problems:  # warnings (an error stopped above)
            _print_diagnostics(problems, sys.stderr)
    return 0


def cmd_kamus(args) -> int:
    from .tables import kamus_table

    loaded, code = _loaded_or_code(args.paths)
    if loaded is None:
        return code
    table = kamus_table(loaded.catalog, args.locale)
    if args.out:
        if not _writes(args.out, "kamus", TABLE_SUFFIXES):
            return 4
        if _out_names_an_input("kamus", args.out, _input_files(loaded, args)):
            return 4
        return _write_tables([table], Path(args.out), args.locale)
    from .render import render_kamus

    render_kamus(table, _console())
    return 0


def cmd_codes(args) -> int:
    from kinerja_dsl.codes import catalogue_markdown

    sys.stdout.write(catalogue_markdown())
    return 0


def cmd_schema(args) -> int:
    from .results import Evaluation

    print(json.dumps(Evaluation.model_json_schema(mode="serialization"), indent=2, sort_keys=True))
    return 0


def _eval_arguments(p) -> None:
    p.add_argument("paths", nargs=1, metavar="PATH", help="catalog file or folder")
    p.add_argument("--data", required=True, metavar="FILE", help="realisation data (.toml, .csv or .xlsx)")
    p.add_argument("--period", metavar="P", help="2024, 2024-TW1 … TW4, 2024-S1, 2024-S2, 2024-01 … 12 "
                   "(default: the latest year in the data)")
    p.add_argument("--unit", metavar="U", help="evaluate every indicator at this office instead of its owner")
    p.add_argument("--locale", choices=("id", "en"), default="id", help="number notation (default id: 102,84)")
    p.add_argument("--json", action="store_true", help="JSON output (exact decimals as strings)")
    p.add_argument("--mapping", metavar="TOML", help="where the values stand in an .xlsx data file "
                   "(default: sheet Realisasi, columns Periode, Satker, Variabel, Nilai as `kinerja template` writes)")


def build_parser() -> argparse.ArgumentParser:
    from kinerja_dsl import __version__

    parser = argparse.ArgumentParser(
        prog="kinerja", description="Check, format and evaluate performance indicator catalogs (SAKIP / LKjIP).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kinerja {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="parse and check catalogs, report every finding",
                       description="Parse and check catalog files; report every finding with file:line:col.",
                       epilog="example: kinerja check indicators/sumsel-2024", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="catalog files (.kin) or folders of them")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--strict", action="store_true", help="warnings count as findings (exit 1)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fmt", help="rewrite catalogs in canonical form (comments kept)",
                       description="Rewrite catalog files in canonical form: English keywords, two-space indent.",
                       epilog="example: kinerja fmt --check indicators/", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="catalog files (.kin) or folders of them")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file would be reformatted")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("eval", help="evaluate a catalog on realisation data",
                       description="Evaluate every indicator, sasaran, office and the overall capaian.\n"
                       "It exits 1 when an IKU (every indicator, when the catalog marks none) is missing,\n"
                       "incomplete or error: the results are still printed, and those named on stderr.",
                       epilog="example: kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _eval_arguments(p)
    p.add_argument("--out", metavar="FILE", help="write the result to FILE: JSON (.json), the LKjIP tables "
                   "(.xlsx, .csv, .md), else the text tables (.txt); never an input file")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("explain", help="show one indicator's computation step by step",
                       description="Each step with the numbers substituted and the rule that applied.\n"
                       "It exits 1 when the indicator is missing, incomplete or error (the steps are still printed).",
                       epilog="example: kinerja explain indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml PAS.iph",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _eval_arguments(p)
    p.add_argument("indicator", metavar="INDICATOR", help="indicator id")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("audit", help="compare a published LKjIP table with the recomputed one",
                       description="Every printed figure against the recomputed value; each difference classified "
                       "(truncation, rounding, cap, floor, formula, copy, unexplained). Exit 1 when unexplained remain.",
                       epilog="example: kinerja audit indicators/banten-2024 --data indicators/banten-2024/realisasi.toml "
                       "--published indicators/banten-2024/published.toml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _eval_arguments(p)
    p.add_argument("--published", required=True, metavar="FILE", help="the printed figures (published.toml)")
    p.add_argument("--all", action="store_true", help="list reproduced figures too")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("validate-pk", help="check a Perjanjian Kinerja before it is signed",
                       description="Check a PK (an `agreement` in a .kin file, or TOML/CSV/XLSX) against the catalog: "
                       "unknown indicators, missing IKU, wrong scale, weaker than the Renstra, TW targets, duplicates.",
                       epilog="example: kinerja validate-pk indicators/banten-2024/pk-2024-bab2.kin --catalog indicators/banten-2024/catalog.kin",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pk", metavar="PK_FILE", help="the PK: .kin with an agreement, .toml, .csv or .xlsx")
    p.add_argument("--catalog", required=True, nargs="+", metavar="PATH", help="the catalog it must follow")
    p.add_argument("--mapping", metavar="TOML", help="where the columns stand in an .xlsx PK "
                   "(default: sheet PK, else the first; columns indicator, target, period, year)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--strict", action="store_true", help="warnings count as findings (exit 1)")
    p.set_defaults(func=cmd_validate_pk)

    p = sub.add_parser("diff", help="what changed between two catalogs, and its effect on capaian",
                       description="Indicators added, removed, renamed and changed (formula, direction, scale, unit, "
                       "nihil, weights, targets, policies). With --data, the capaian change per indicator, sasaran "
                       "and overall on the same realisation data.",
                       epilog="example: kinerja diff indicators/banten-2024/catalog.kin indicators/banten-2024-revisi "
                       "--data indicators/banten-2024/realisasi.toml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", metavar="OLD", help="the catalog before (file or folder)")
    p.add_argument("new", metavar="NEW", help="the catalog after")
    p.add_argument("--data", metavar="FILE", help="realisation data to evaluate under both")
    p.add_argument("--period", metavar="P", help="period to evaluate (default: the latest year in the data)")
    p.add_argument("--locale", choices=("id", "en"), default="id", help="number notation")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(func=cmd_diff, unit=None)

    p = sub.add_parser("template", help="an empty realisation workbook to fill in, one row per office and field",
                       description="Write an empty data file: one row per (period, office, field) the catalog needs, "
                       "with the indicators that use it; fill column Nilai and pass the file to --data.",
                       epilog="example: kinerja template indicators/sumsel-2024 --period 2024 --out realisasi.xlsx",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs=1, metavar="CATALOG", help="catalog file or folder")
    p.add_argument("--period", required=True, metavar="P", help="2024, 2024-TW1 … TW4, 2024-S1/S2, 2024-01 … 12")
    p.add_argument("--out", required=True, metavar="FILE", help="the template: .xlsx (excel extra) or .csv")
    p.add_argument("--each-office", action="store_true",
                   help="rows also for every office below an indicator's office (data collected per unit)")
    p.add_argument("--locale", choices=("id", "en"), default="id", help="CSV notation (default id: 1.234,56)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("kamus", help="the indicator dictionary (kamus indikator / manual IKU) of a catalog",
                       description="Every indicator as a kamus indikator states it: name, sasaran, IKU, unit, "
                       "formula, direction, nihil rule, targets, Renstra, definition, data source, person "
                       "responsible, frequency and notes.",
                       epilog="example: kinerja kamus indicators/sumsel-2024 --out kamus.xlsx",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="catalog files or folders")
    p.add_argument("--out", metavar="FILE", help="write it as .xlsx (excel extra), .csv or .md")
    p.add_argument("--locale", choices=("id", "en"), default="id", help="number notation (default id: 12,5)")
    p.set_defaults(func=cmd_kamus)

    p = sub.add_parser("codes", help="the diagnostic catalogue: every code, its meaning and its fix")
    p.set_defaults(func=cmd_codes)

    p = sub.add_parser("schema", help="print the JSON Schema of `kinerja eval --json`")
    p.set_defaults(func=cmd_schema)
    return parser



def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; ours is 4
        code = exc.code if isinstance(exc.code, int) else 0
        return 0 if code == 0 else 4
    if not getattr(args, "func", None):
        parser.print_help()
        return 4
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OutputError as err:
        from kinerja_dsl.diagnostics import EXIT_IO

        print(err.diagnostic().render(), file=sys.stderr)
        return EXIT_IO
    except Exception as exc:  # a bug of ours: say so plainly, never a traceback
        print(f"kinerja: internal error ({type(exc).__name__}: {exc}); please report this with the input that caused it",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
