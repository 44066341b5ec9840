"""The `kinerja` command: parses the arguments, calls the application layer
(engine/application.py: load -> prepare -> evaluate -> report, one function per command)
and renders its reports as terminal tables, JSON or files.

Only argparse, sys and contextlib are imported at the top, so `kinerja --help` starts fast; the rest is
imported inside the commands. Every failure a user can cause ends as a diagnostic and an
exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import contextvars
import re
import sys
from contextlib import contextmanager

from kinerja_dsl.messages import LANGUAGE_ENV, LANGUAGES, N_, language, t, tn, use_language

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path
    from typing import Any, TextIO

    from rich.console import Console

    from kinerja_dsl.diagnostics import Diagnostic

    from .application import CheckReport, MonitorReport, Stopped, TreeCheckReport, Unfinished
    from .reports.tables import Table

    Callback = Callable[[int, int], None]   # progress(done, total)

EXAMPLES = """\
  kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml
  kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml --json
  kinerja eval indicators/banten-2024 --data indicators/banten-2024/realisasi-triwulan.toml --by quarter
  kinerja eval indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml --lang en
  kinerja explain indicators/sumsel-2024 --data indicators/sumsel-2024/realisasi.toml BPHN.jdihn
  kinerja check indicators/sumsel-2024
  kinerja check --json catalog.kin
  kinerja fmt --check indicators/
  kinerja fmt indicators/sumsel-2024/catalog.kin
  kinerja audit indicators/banten-2024 --data indicators/banten-2024/realisasi.toml \\
      --published indicators/banten-2024/published.toml
  kinerja validate-pk indicators/banten-2024/pk-2024-bab2.kin --catalog indicators/banten-2024
  kinerja diff indicators/banten-2024/catalog.kin indicators/banten-2024-revisi --data indicators/banten-2024/realisasi.toml
  kinerja template indicators/sumsel-2024 --period 2024 --out realisasi.xlsx
  kinerja template indicators/sumsel-2024 --period 2024 --by quarter --out realisasi.xlsx
  kinerja kamus indicators/sumsel-2024
"""
EXIT_CODES = N_("exit codes: 0 clean, 1 findings (eval and explain: also an IKU missing, incomplete or error), "
                "2 syntax errors,\n  3 file errors (missing, unreadable, not UTF-8, not a regular file), 4 usage "
                "(also --out naming an input)")
LANGUAGE_RULE = N_("language: --lang id|en chooses the words (default: ${env}, else id); numbers are written "
                   "in the notation of the language (102,84 or 102.84) unless --locale gives another")


def epilog() -> str:
    """The main help's closing text: examples (commands as typed), exit codes, the language rule."""
    return (t("examples:") + "\n" + EXAMPLES + "\n" + t(EXIT_CODES) + "\n\n"
            + t(LANGUAGE_RULE, env=LANGUAGE_ENV) + "\n")


EXIT_INTERNAL = 70


# ---- the language: --lang on every command, argparse's own words from our catalog -----------

LANG_HELP = N_("the language of the words: id (Indonesian) or en (English); default ${env}, else id")

# argparse's error messages (Python 3.11+), as its English templates, and our message for each: argparse
# builds them with the process-wide gettext, so they are recognised and said again in the run's language
_ARGPARSE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<names>.+)", N_("the following arguments are required: {names}")),
    (r"unrecognized arguments: (?P<names>.+)", N_("unrecognized arguments: {names}")),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", N_("invalid choice: {value} (choose from {choices})")),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at most one argument", N_("expected at most one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"expected (?P<n>\d+) arguments?", N_("expected {n} arguments")),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", N_("invalid {type} value: {value}")),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", N_("ambiguous option: {option} could match {matches}")),
    (r"not allowed with argument (?P<other>.+)", N_("not allowed with argument {other}")),
    (r"ignored explicit argument (?P<value>.+)", N_("ignored explicit argument {value}")),
    (r"one of the arguments (?P<names>.+) is required", N_("one of the arguments {names} is required")),
)


def _argparse_message(message: str) -> str:
    """An argparse error message in the run's language (unchanged when it is not one we know)."""
    argument = re.fullmatch(r"argument (?P<argument>.+?): (?P<message>.+)", message, re.DOTALL)
    if argument:
        return t("argument {argument}: {message}", argument=argument["argument"],
                 message=_argparse_message(argument["message"]))
    for pattern, said in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message, re.DOTALL)
        if found:
            return t(said, **found.groupdict())
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout (descriptions and epilogs as written), its `usage:` in the run's language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix if prefix is not None else t("usage: "))


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (section titles, -h, errors) come from the catalogs, per
    parser and per call: nothing process-wide is changed, so runs in one process never mix languages."""

    def __init__(self, *args, **kwargs):
        kwargs["formatter_class"] = _Formatter
        adds_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = t("positional arguments")
        self._optionals.title = t("options")
        if adds_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=t("show this help message and exit"))

    def error(self, message: str):  # type: ignore[no-untyped-def]
        self.print_usage(sys.stderr)
        self.exit(2, t("{prog}: error: {message}", prog=self.prog, message=_argparse_message(message)) + "\n")


def _add_language(p: argparse.ArgumentParser) -> None:
    """`--lang id|en` on a (sub)command: the words of its output, its help and its errors. main()
    reads it before the parser is built (so the help is in that language); here it is declared."""
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t(LANG_HELP, env=LANGUAGE_ENV))


def _add_locale(p: argparse.ArgumentParser, help: str) -> None:
    """`--locale id|en`: number notation; when not given, the language's (`--lang`)."""
    p.add_argument("--locale", choices=("id", "en"), default=None, help=help)


def _language_asked(argv: Sequence[str]) -> str | None:
    """The language `--lang X` (or `--lang=X`) asks for, read before parsing: the help and argparse's
    errors are built in it. None when not given or not a language (the parser then says so)."""
    asked = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            asked = argv[k + 1]
        elif arg.startswith("--lang="):
            asked = arg.split("=", 1)[1]
    return asked if asked in LANGUAGES else None


# ---- rendering: what the user sees of the application layer's reports -----------------------

def _print_diagnostics(diagnostics: Sequence[Diagnostic], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for d in diagnostics:
        print(d.render(), file=out)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(t("{errors}, {warnings}", errors=tn("{n} error", "{n} errors", errors),
                warnings=tn("{n} warning", "{n} warnings", warnings)), file=out)


def _stopped(stop: Stopped) -> int:
    """Tell why a command stopped (on stderr) and return its exit code."""
    if stop.message is not None:
        print(stop.message, file=sys.stderr)
    else:
        _print_diagnostics(stop.diagnostics, sys.stderr)
    return stop.exit_code


def _console(file: TextIO | None = None) -> Console:
    from rich.console import Console

    # a terminal's own width; in a pipe 80 columns, or $COLUMNS when set (rich reads it)
    return Console(file=file, highlight=False, soft_wrap=False)


def _say_unfinished(command: str, unfinished: Unfinished, when: str = "") -> int:
    """Name on stderr the results without a capaian (they are printed as usual), `when`: in which
    period; their exit code."""
    if unfinished.results:
        from .words import status_word

        listed = ", ".join(f"{r.id} ({status_word(r.status)})" for r in unfinished.results)
        count = len(unfinished.results)
        said = (tn("{n} IKU without a capaian", "{n} IKU without a capaian", count) if unfinished.noun == "IKU"
                else tn("{n} indicator without a capaian", "{n} indicators without a capaian", count))
        print(t("kinerja {command}: {said}{when}: {listed}; exit 1", command=command, said=said, when=when,
                listed=listed), file=sys.stderr)
    return unfinished.exit_code


def _write_tables(tables: list[Table], out: str, locale: str, preamble: str = "") -> int:
    """Tables to --out (.xlsx, .csv, .md); 0, or the exit code of why it could not be written."""
    from pathlib import Path

    from .rendering.outputs import write_tables

    problem = write_tables(tables, Path(out), locale, preamble)
    if problem is not None:
        from kinerja_dsl.diagnostics import exit_code

        _print_diagnostics([problem], sys.stderr)
        return exit_code([problem])
    print(t("wrote {file}", file=out), file=sys.stderr)
    return 0


# ---- the commands: arguments in, the application layer, its report rendered -------------------

def _check_payload(report: CheckReport) -> dict[str, Any]:
    loaded = report.loaded
    return {
        "files": list(loaded.files),
        "indicators": len(loaded.catalog.indicators) if loaded.catalog else None,
        "diagnostics": [d.to_json() for d in loaded.diagnostics],
        "errors": sum(1 for d in loaded.diagnostics if d.is_error),
        "warnings": sum(1 for d in loaded.diagnostics if not d.is_error),
        "exit_code": report.exit_code,
    }


def _check_ok(report: CheckReport) -> str | None:
    loaded = report.loaded
    if loaded.catalog is None:
        return None
    cat = loaded.catalog
    return t("ok: {files}, {indicators}, {sasaran}", files=tn("{n} file", "{n} files", len(loaded.files)),
             indicators=tn("{n} indicator", "{n} indicators", len(cat.indicators)),
             sasaran=tn("{n} sasaran", "{n} sasaran", len(cat.sasaran)))


def cmd_check(args: argparse.Namespace) -> int:
    from kinerja_dsl.loader import tree_catalogs

    from . import application

    folders = tree_catalogs(args.paths[0]) if len(args.paths) == 1 else None
    if folders is not None:
        return _check_tree(args, application.check_tree(folders, strict=args.strict))
    report = application.check(args.paths, strict=args.strict)
    if args.json:
        import json

        print(json.dumps(_check_payload(report), indent=2, ensure_ascii=False))
        return report.exit_code
    _print_diagnostics(report.loaded.diagnostics)
    ok = _check_ok(report)
    if ok is not None:
        print(ok)
    return report.exit_code


def _check_tree(args: argparse.Namespace, tree: TreeCheckReport) -> int:
    """A catalog tree: each catalog's findings and its ok line under its folder; a base is named
    with the catalogs it is checked through."""
    if args.json:
        import json

        catalogs = [{"folder": str(c.folder), "base_of": [str(f) for f in c.base_of], **_check_payload(c.report)}
                    for c in tree.catalogs]
        print(json.dumps({"catalogs": catalogs, "exit_code": tree.exit_code}, indent=2, ensure_ascii=False))
        return tree.exit_code
    for c in tree.catalogs:
        if c.base_of:
            print(t("{folder}: base catalog, checked with {catalogs}", folder=c.folder,
                    catalogs=", ".join(map(str, c.base_of))))
            continue
        _print_diagnostics(c.report.loaded.diagnostics)
        ok = _check_ok(c.report)
        print(f"{c.folder}: {ok}" if ok is not None else t("{folder}: not compiled", folder=c.folder))
    return tree.exit_code


def cmd_fmt(args: argparse.Namespace) -> int:
    from . import application

    def said(path: Path, utf16: bool) -> None:  # as each file is written: whatever stops the run, those are listed
        if args.check:
            print(t("would reformat {file} (it would be written as UTF-8: it is UTF-16)", file=path) if utf16
                  else t("would reformat {file}", file=path))
        else:
            print(t("reformatted {file} (written as UTF-8: it was UTF-16)", file=path) if utf16
                  else t("reformatted {file}", file=path))

    report = application.fmt(args.paths, check_only=args.check, said=said, keywords=args.keywords)
    _print_diagnostics(report.diagnostics, sys.stdout)
    if report.stopped is not None:
        done = ", ".join(map(str, report.changed)) if report.changed else t("none")
        print(t("fmt stopped at {file}; files already rewritten: {done}; the files after it were not changed",
                file=report.stopped, done=done))
    return report.exit_code


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import application

    if args.each_office:
        return _eval_each_office(args)
    with _bars(args.data) as (reading, _):
        report = application.run_eval(args.paths, args.data, args.mapping, args.period, args.unit, args.locale,
                                      args.out, reading=reading, alone=args.alone, by=args.by)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    if isinstance(report, application.MonitorReport):
        return _eval_monitor(args, report)
    assert isinstance(report, application.EvalReport)
    ev = report.evaluation
    code = _say_unfinished("eval", report.unfinished)
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix in application.TABLE_SUFFIXES:
        from .reports.tables import lkjip_tables

        return _write_tables(lkjip_tables(ev, report.prepared.catalog), args.out, args.locale) or code
    if args.json or suffix == ".json":
        from .rendering.narrate import worded

        _show(args.out, worded(ev).model_dump_json(indent=2) + "\n")
    else:
        from .rendering.render import render_evaluation

        _show(args.out, draw=lambda console: render_evaluation(ev, console))
    return code


def _eval_monitor(args: argparse.Namespace, report: MonitorReport) -> int:
    """`eval --by`: the season's cumulative periods side by side: the LKjIP tables with a column
    group per period to --out (.xlsx, .csv, .md), JSON (--json, .json), else the terminal view
    (or its text at 80 columns in a .txt). Exit code of the last period of the view."""
    from pathlib import Path

    from .application import TABLE_SUFFIXES

    last = report.monitoring.periods[-1]
    code = _say_unfinished("eval", report.unfinished, t(" in {period}", period=last.title))
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix in TABLE_SUFFIXES:
        return _write_tables(report.tables(), args.out, args.locale) or code
    if args.json or suffix == ".json":
        _show(args.out, report.monitoring.model_dump_json(indent=2) + "\n")
    else:
        from .rendering.render import render_monitoring

        _show(args.out, draw=lambda console: render_monitoring(report.monitoring, console))
    return code


def _eval_each_office(args: argparse.Namespace) -> int:
    """`eval --each-office`: every office through the columnar path, with a progress bar on a
    terminal (nothing in a pipe); rows to --out (.jsonl, .xlsx, .csv, .md) or --json as JSON lines,
    else a table of the offices."""
    from pathlib import Path

    from . import application

    with _bars(args.data, evaluating=True) as (reading, evaluating):
        report = application.run_eval(args.paths, args.data, args.mapping, args.period, args.unit, args.locale,
                                      args.out, each_office=True, progress=evaluating, reading=reading,
                                      alone=args.alone, by=args.by)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    assert isinstance(report, application.EachOffice)
    if report.unfinished:
        print(t("kinerja eval: {rows} (office × indicator) without a capaian; exit 1",
                rows=tn("{n} IKU row", "{n} IKU rows", report.unfinished) if report.noun == "IKU"
                else tn("{n} indicator row", "{n} indicator rows", report.unfinished)), file=sys.stderr)
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix in application.TABLE_SUFFIXES:
        from .reports.tables import each_office_tables

        return _write_tables(each_office_tables(report.result, report.prepared.catalog), args.out,
                             args.locale) or report.exit_code
    if args.json or suffix == ".jsonl":
        from .rendering.outputs import json_lines

        _show(args.out, json_lines(report.result))
    else:
        from .rendering.render import render_each_office

        _show(args.out, draw=lambda console: render_each_office(report.result, report.finished, report.prepared.catalog,
                                                                report.period.label, console, args.locale))
    return report.exit_code


def _show(out: str | None, text: str | None = None, draw: Callable[[Console], None] | None = None) -> None:
    """A command's output: `text` (JSON) as it is, or what `draw` prints with rich, on the
    terminal, or at 80 columns without colour when it goes to --out; to --out or stdout."""
    if text is None:
        assert draw is not None, "a text or a drawing"
        if not out:
            draw(_console())
            return
        import io

        from rich.console import Console

        buffer = io.StringIO()
        draw(Console(file=buffer, width=80, no_color=True, highlight=False))
        text = buffer.getvalue()
    if out:
        from pathlib import Path

        from .rendering.outputs import write_atomic

        write_atomic(Path(out), text)
        print(t("wrote {file}", file=out), file=sys.stderr)
    else:
        sys.stdout.write(text)


@contextmanager
def _bars(data: str, evaluating: bool = False) -> Iterator[tuple[Callback | None, Callback | None]]:
    """Progress bars on stderr for a long run: reading a workbook's rows, and with `evaluating`
    the offices of --each-office. Only on a terminal: in a pipe (or a file) nothing is shown
    and both callbacks are None."""
    workbook = data.lower().endswith((".xlsx", ".xlsm"))
    if not sys.stderr.isatty() or not (workbook or evaluating):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True)

    def follow(description: str) -> Callback:
        task = bars.add_task(description, total=None)  # pulses until the first report gives a total

        def advanced(done: int, total: int) -> None:
            bars.update(task, completed=done, total=total)
        return advanced

    with bars:
        yield (follow(t("Reading {file}", file=data)) if workbook else None,
               follow(t("Computing per satker")) if evaluating else None)


def cmd_template(args: argparse.Namespace) -> int:
    from . import application

    report = application.template(args.paths, args.period, args.out, args.each_office, args.locale, args.by)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    return _write_tables([report.table], args.out, args.locale, preamble=report.preamble)


def cmd_explain(args: argparse.Namespace) -> int:
    from . import application

    with _bars(args.data) as (reading, _):
        report = application.explain(args.paths, args.data, args.indicator, args.mapping, args.period, args.unit,
                                     reading, alone=args.alone)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    if args.json:
        from .rendering.narrate import worded_result

        sys.stdout.write(worded_result(report.result).model_dump_json(indent=2) + "\n")
    else:
        from .rendering.render import render_explanation

        render_explanation(report.result, _console(), args.locale, report.family)
    # the indicator asked about, IKU or not, is what a script running explain needs to hear about
    return _say_unfinished("explain", report.unfinished)


def cmd_audit(args: argparse.Namespace) -> int:
    from . import application

    with _bars(args.data) as (reading, _):
        outcome = application.audit(args.paths, args.data, args.published, args.mapping, args.period, args.unit,
                                    args.locale, reading, alone=args.alone, pks=args.pk or ())
    if isinstance(outcome, application.Stopped):
        return _stopped(outcome)
    if args.json:
        sys.stdout.write(outcome.report.model_dump_json(indent=2) + "\n")
    else:
        from .rendering.render import render_audit

        render_audit(outcome.report, _console(), args.locale, show_all=args.all)
    return outcome.exit_code


def cmd_validate_pk(args: argparse.Namespace) -> int:
    from . import application

    report = application.validate_pk(args.pk, args.catalog, args.mapping, strict=args.strict)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    doc = report.document
    if args.json:
        import json

        print(json.dumps({"pk": report.pk, "year": doc.year if doc else None,
                          "targets": len(doc.entries) if doc else 0,
                          "diagnostics": [d.to_json() for d in report.diagnostics],
                          "target_sources": [c.to_json() for c in report.targets], "exit_code": report.exit_code},
                         indent=2, ensure_ascii=False))
        return report.exit_code
    _print_diagnostics(report.diagnostics)
    if any(c.differs for c in report.targets) and doc is not None:
        from .rendering.render import render_target_sources

        render_target_sources(report.targets, doc.year, _console())
    if doc is not None and not any(d.is_error for d in report.diagnostics):
        print(t("ok: {targets} for {year} checked against {indicators}",
                targets=tn("{n} target", "{n} targets", len(doc.entries)), year=doc.year,
                indicators=tn("{n} indicator", "{n} indicators", len(report.catalog.indicators))))
    return report.exit_code


def cmd_diff(args: argparse.Namespace) -> int:
    from . import application

    outcome = application.diff([args.old], [args.new], args.data, args.period, args.locale, alone=args.alone)
    if isinstance(outcome, application.Stopped):
        return _stopped(outcome)
    if args.json:
        sys.stdout.write(outcome.report.model_dump_json(indent=2) + "\n")
    else:
        from .rendering.render import render_diff

        render_diff(outcome.report, _console(), args.locale)
        if outcome.warnings:  # an error stopped the diff above
            _print_diagnostics(outcome.warnings, sys.stderr)
    return outcome.exit_code


def cmd_kamus(args: argparse.Namespace) -> int:
    from . import application

    report = application.kamus(args.paths, args.locale, args.out)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    if args.out:
        return _write_tables([report.table], args.out, args.locale)
    from .rendering.render import render_kamus

    render_kamus(report.table, _console())
    return report.exit_code


def cmd_report(args: argparse.Namespace) -> int:
    """`kinerja report`: chapter III of the LKjIP written as HTML, Word or Markdown (with its charts)."""
    from pathlib import Path

    from . import application
    from .rendering.document import MissingExtra, write

    with _bars(args.data) as (reading, _):
        report = application.report(args.paths, args.data, args.out, args.mapping, args.period, args.alone,
                                    args.locale)
    if isinstance(report, application.Stopped):
        return _stopped(report)
    code = _say_unfinished("report", report.unfinished)
    try:  # the format was refused before the evaluation (application.report): here only an extra can fail
        write(report.document, Path(args.out))
    except MissingExtra as why:
        return _stopped(application.Stopped.by([why.diagnostic()]))
    print(t("wrote {file}", file=args.out), file=sys.stderr)
    return code


def cmd_codes(args: argparse.Namespace) -> int:
    from . import application

    sys.stdout.write(application.codes())
    return 0


def cmd_lsp(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        from kinerja_dsl.diagnostics import EXIT_USAGE

        print(t("kinerja lsp needs pygls, the `lsp` extra: pip install 'kinerja-dsl[lsp]' (or -e '.[lsp]' in a clone)"),
              file=sys.stderr)
        return EXIT_USAGE
    from .language_server import serve

    return serve()


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from . import application

    print(json.dumps(application.schema(monitoring=args.by), indent=2, sort_keys=True))
    return 0


PERIOD_HELP = N_("2024, 2024-TW1 … TW4, 2024-S1, 2024-S2, 2024-01 … 12, read from January as a report reads it: "
                 "2024-TW3 is s.d. TW III, January to September (2024-sd-TW3 is that either way); with --alone "
                 "the period by itself (default: the latest year in the data)")
ALONE_HELP = N_("read --period by itself, not from January: --period 2024-TW3 --alone is July to September")
NUMBERS_HELP = N_("number notation: id 102,84 or en 102.84 (default: that of --lang)")


def _period_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", metavar="P", help=t(PERIOD_HELP))
    p.add_argument("--alone", action="store_true", help=t(ALONE_HELP))


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs=1, metavar="PATH", help=t("catalog file or folder"))
    p.add_argument("--data", required=True, metavar="FILE", help=t("realisation data (.toml, .csv or .xlsx)"))
    _period_arguments(p)
    p.add_argument("--unit", metavar="U", help=t("evaluate every indicator at this office instead of its owner"))
    _add_locale(p, t(NUMBERS_HELP))
    _add_language(p)
    p.add_argument("--json", action="store_true", help=t("JSON output (exact decimals as strings)"))
    p.add_argument("--mapping", metavar="TOML", help=t(
        "where the values stand in an .xlsx data file (default: sheet Realisasi, columns Periode, Satker, "
        "Variabel, Nilai as `kinerja template` writes)"))


def build_parser() -> argparse.ArgumentParser:
    """Every command's arguments, help and errors in the run's language (set before it is built)."""
    from kinerja_dsl import __version__

    parser = _Parser(prog="kinerja", description=t(
        "Check, format and evaluate performance indicator catalogs (SAKIP / LKjIP)."), epilog=epilog())
    parser.add_argument("--version", action="version", version=f"kinerja {__version__}",
                        help=t("show the version and exit"))
    _add_language(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=t("commands"))

    p = sub.add_parser("check", help=t("parse and check catalogs, report every finding"),
                       description=t("Parse and check catalog files; report every finding with file:line:col."),
                       epilog=t("example: {command}", command="kinerja check indicators/sumsel-2024"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=t("catalog files (.kin) or folders of them"))
    p.add_argument("--json", action="store_true", help=t("machine-readable output"))
    p.add_argument("--strict", action="store_true", help=t("warnings count as findings (exit 1)"))
    _add_language(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fmt", help=t("rewrite catalogs in canonical form (comments kept)"),
                       description=t("Rewrite catalog files in canonical form: each file's keywords in its own language "
                                     "(English, or Indonesian when most are), two-space indent."),
                       epilog=t("example: {command}", command="kinerja fmt --check indicators/"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=t("catalog files (.kin) or folders of them"))
    p.add_argument("--check", action="store_true", help=t("change nothing; exit 1 when a file would be reformatted"))
    p.add_argument("--keywords", choices=("id", "en"), default=None,
                   help=t("write every keyword in this language (id: indikator, satuan; en: indicator, unit) "
                          "instead of each file's own"))
    _add_language(p)
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("eval", help=t("evaluate a catalog on realisation data"),
                       description=t("Evaluate every indicator, sasaran, office and the overall capaian.\n"
                                     "It exits 1 when an IKU (every indicator, when the catalog marks none) is "
                                     "missing,\nincomplete or error: the results are still printed, and those "
                                     "named on stderr."),
                       epilog=t("example: {command}", command="kinerja eval indicators/sumsel-2024 --data "
                                "indicators/sumsel-2024/realisasi.toml"))
    _eval_arguments(p)
    p.add_argument("--out", metavar="FILE", help=t(
        "write the result to FILE: JSON (.json), the LKjIP tables (.xlsx, .csv, .md), else the text tables "
        "(.txt); never an input file. With --each-office: JSON lines (.jsonl), the rows of every office "
        "(.xlsx, .csv, .md) or the table of offices (.txt). With --by: its JSON document (.json), the LKjIP "
        "tables with a column group per period (.xlsx, .csv, .md) or the text view (.txt)"))
    p.add_argument("--each-office", action="store_true", help=t(
        "evaluate every office of the catalog at once (the columnar path; needs the `bulk` extra, numpy): one "
        "row per office and indicator, and each office's sasaran and overall capaian"))
    p.add_argument("--by", choices=("quarter", "semester", "month"), help=t(
        "monitoring: each cumulative quarter (semester, month) of --period side by side, as the reports read "
        "them: for 2024 by quarter TW I, s.d. TW II, s.d. TW III and the year; for 2024-TW3 up to s.d. TW III. "
        "Target, realisasi, capaian, predikat and status per indicator, the sasaran and overall per period; "
        "exit 1 when an IKU has no capaian in the last one; not with --each-office"))
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("explain", help=t("show one indicator's computation step by step"),
                       description=t("Each step with the numbers substituted and the rule that applied.\n"
                                     "It exits 1 when the indicator is missing, incomplete or error (the steps "
                                     "are still printed)."),
                       epilog=t("example: {command}", command="kinerja explain indicators/sumsel-2024 --data "
                                "indicators/sumsel-2024/realisasi.toml PAS.iph"))
    _eval_arguments(p)
    p.add_argument("indicator", metavar="INDICATOR", help=t("indicator id"))
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("audit", help=t("compare a published LKjIP table with the recomputed one"),
                       description=t("Every printed figure against the recomputed value; each difference "
                                     "classified (truncation, rounding, cap, floor, formula, source: a target of a "
                                     "PK or the Renstra, copy, unexplained). Exit 1 when unexplained remain."),
                       epilog=t("example: {command}", command="kinerja audit indicators/banten-2024 --data "
                                "indicators/banten-2024/realisasi.toml --published "
                                "indicators/banten-2024/published.toml"))
    _eval_arguments(p)
    p.add_argument("--published", required=True, metavar="FILE", help=t("the printed figures (published.toml)"))
    p.add_argument("--pk", action="append", metavar="PK_FILE", help=t(
        "a PK whose targets a printed target may copy (.kin, .toml, .csv, .xlsx; repeatable); an `agreement` "
        "among the catalog's files is always one"))
    p.add_argument("--all", action="store_true", help=t("list reproduced figures too"))
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("validate-pk", help=t("check a Perjanjian Kinerja before it is signed"),
                       description=t("Check a PK (an `agreement` in a .kin file, or TOML/CSV/XLSX) against the "
                                     "catalog: unknown indicators, missing IKU, wrong scale, weaker than the "
                                     "Renstra, TW targets, duplicates."),
                       epilog=t("example: {command}", command="kinerja validate-pk indicators/banten-2024/"
                                "pk-2024-bab2.kin --catalog indicators/banten-2024/catalog.kin"))
    p.add_argument("pk", metavar="PK_FILE", help=t("the PK: .kin with an agreement, .toml, .csv or .xlsx"))
    p.add_argument("--catalog", required=True, nargs="+", metavar="PATH", help=t("the catalog it must follow"))
    p.add_argument("--mapping", metavar="TOML", help=t(
        "where the columns stand in an .xlsx PK (default: sheet PK, else the first; columns indicator, target, "
        "period, year)"))
    p.add_argument("--json", action="store_true", help=t("machine-readable output"))
    p.add_argument("--strict", action="store_true", help=t("warnings count as findings (exit 1)"))
    _add_language(p)
    p.set_defaults(func=cmd_validate_pk)

    p = sub.add_parser("diff", help=t("what changed between two catalogs, and its effect on capaian"),
                       description=t("Indicators added, removed, renamed and changed (formula, direction, scale, "
                                     "unit, nihil, weights, targets, policies). With --data, the capaian change "
                                     "per indicator, sasaran and overall on the same realisation data."),
                       epilog=t("example: {command}", command="kinerja diff indicators/banten-2024/catalog.kin "
                                "indicators/banten-2024-revisi --data indicators/banten-2024/realisasi.toml"))
    p.add_argument("old", metavar="OLD", help=t("the catalog before (file or folder)"))
    p.add_argument("new", metavar="NEW", help=t("the catalog after"))
    p.add_argument("--data", metavar="FILE", help=t("realisation data to evaluate under both"))
    _period_arguments(p)
    _add_locale(p, t(NUMBERS_HELP))
    _add_language(p)
    p.add_argument("--json", action="store_true", help=t("JSON output"))
    p.set_defaults(func=cmd_diff, unit=None)

    p = sub.add_parser("template", help=t("an empty realisation workbook to fill in, one row per office and field"),
                       description=t("Write an empty data file: one row per (period, office, field) the catalog "
                                     "needs, with the indicators that use it; fill column Nilai and pass the file "
                                     "to --data."),
                       epilog=t("example: {command}", command="kinerja template indicators/sumsel-2024 --period "
                                "2024 --out realisasi.xlsx"))
    p.add_argument("paths", nargs=1, metavar="CATALOG", help=t("catalog file or folder"))
    p.add_argument("--period", required=True, metavar="P", help=t(
        "the period whose own values the rows hold, as data files label them: 2024, 2024-TW1 … TW4 (2024-TW3 "
        "is July to September), 2024-S1/S2, 2024-01 … 12"))
    p.add_argument("--by", choices=("quarter", "semester", "month"), help=t(
        "one row per quarter (semester, month) alone of --period instead, and of the earlier periods prev() "
        "and prev_period() read, to fill in for `eval --by`: --period 2024 --by quarter gives 2024-TW1 … TW4, "
        "--period 2024-sd-TW3 --by quarter TW1 … TW3"))
    p.add_argument("--out", required=True, metavar="FILE", help=t("the template: .xlsx (excel extra) or .csv"))
    p.add_argument("--each-office", action="store_true", help=t(
        "rows also for every office below an indicator's office (data collected per unit)"))
    _add_locale(p, t("CSV notation: id 1.234,56 or en 1,234.56 (default: that of --lang)"))
    _add_language(p)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("kamus", help=t("the indicator dictionary (kamus indikator / manual IKU) of a catalog"),
                       description=t("Every indicator as a kamus indikator states it: name, sasaran, IKU, unit, "
                                     "formula, direction, nihil rule, targets, Renstra, definition, data source, "
                                     "person responsible, frequency and notes."),
                       epilog=t("example: {command}", command="kinerja kamus indicators/sumsel-2024 --out kamus.xlsx"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=t("catalog files or folders"))
    p.add_argument("--out", metavar="FILE", help=t("write it as .xlsx (excel extra), .csv or .md"))
    _add_locale(p, t(NUMBERS_HELP))
    _add_language(p)
    p.set_defaults(func=cmd_kamus)

    p = sub.add_parser("report", help=t("chapter III of the LKjIP (Akuntabilitas Kinerja) as HTML, Word or Markdown"),
                       description=t("Chapter III of the LKjIP for --period (default: the latest year in the data): "
                                     "target, realisasi, capaian and predikat per sasaran and indicator with one "
                                     "overall figure, the comparison with every earlier year the data holds, the "
                                     "Renstra target, the budget, every result that is not ok, and charts. It "
                                     "exits 1 when an IKU has no capaian (the document is still written and says "
                                     "so)."),
                       epilog=t("example: {command}", command="kinerja report indicators/sumsel-2024 --data "
                                "indicators/sumsel-2024/realisasi.toml --out lkjip.html"))
    p.add_argument("paths", nargs=1, metavar="CATALOG", help=t("catalog file or folder"))
    p.add_argument("--data", required=True, metavar="FILE", help=t("realisation data (.toml, .csv or .xlsx)"))
    _period_arguments(p)
    p.add_argument("--out", required=True, metavar="FILE", help=t(
        "the document: .html (one self-contained file), .docx (Word) or .md (with its charts as PNG files in a "
        "folder beside it); needs the report extra (matplotlib, python-docx); never an input file"))
    p.add_argument("--mapping", metavar="TOML", help=t("where the values stand in an .xlsx data file"))
    _add_locale(p, t(NUMBERS_HELP))
    _add_language(p)
    p.set_defaults(func=cmd_report, unit=None)

    p = sub.add_parser("codes", help=t("the diagnostic catalogue: every code, its meaning and its fix"),
                       description=t("The diagnostic catalogue: every code, its meaning and its fix."))
    _add_language(p)
    p.set_defaults(func=cmd_codes)

    p = sub.add_parser("lsp", help=t("the language server an editor starts: checks as you type, hover, completion, "
                                     "go to definition, rename, formatting"),
                       description=t("The language server of .kin catalogs, over stdin and stdout (the Language "
                                     "Server Protocol). An editor starts it; see README, Editor support. Needs the "
                                     "`lsp` extra (pygls)."))
    _add_language(p)
    p.set_defaults(func=cmd_lsp)

    p = sub.add_parser("schema", help=t("print the JSON Schema of `kinerja eval --json`"),
                       description=t("The JSON Schema of `kinerja eval --json`."))
    p.add_argument("--by", action="store_true", help=t("the schema of the monitoring view, `kinerja eval --by … --json`"))
    _add_language(p)
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The `kinerja` command. The language (`--lang`, else $KINERJA_LANG, else id) is set for this
    call only: the run happens in a copy of the caller's context, so nothing leaks to the next call."""
    given = list(sys.argv[1:] if argv is None else argv)
    return contextvars.copy_context().run(_run, given)


def _run(argv: list[str]) -> int:
    use_language(_language_asked(argv))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; ours is 4
        code = exc.code if isinstance(exc.code, int) else 0
        return 0 if code == 0 else 4
    if hasattr(args, "locale") and args.locale is None:  # numbers follow the words unless --locale says
        args.locale = "en" if language() == "en" else "id"
    command: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if command is None:
        parser.print_help()
        return 4
    try:
        return command(args)
    except KeyboardInterrupt:
        print(t("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from .rendering.outputs import OutputError

        if isinstance(exc, OutputError):  # a file --out or fmt cannot write: an I/O error
            from kinerja_dsl.diagnostics import EXIT_IO

            print(exc.diagnostic().render(), file=sys.stderr)
            return EXIT_IO
        # a bug of ours: say so plainly, never a traceback
        print(t("kinerja: internal error ({kind}: {error}); please report this with the input that caused it",
                kind=type(exc).__name__, error=exc), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
