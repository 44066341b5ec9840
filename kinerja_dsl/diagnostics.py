"""Diagnostics: what every stage reports to a person, and how it is rendered.

A diagnostic is data (code, severity, position, message, hint) so it can be
collected across a whole file, sorted, rendered for a terminal or as JSON, and
tested by its exact text. Nothing here raises; stages return lists of these.

Build one by keyword, pointing at a source `Span` or at a whole file:

    Diagnostic.at_span(arg.span, code="E111", message="…", hint="…")
    Diagnostic.for_file(path, code="E006", message="no such file", severity=Severity.ERROR)
    Diagnostic(code="D007", severity=Severity.ERROR, message="…", file=path, line=3, column=1)
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .messages import t


class Severity(StrEnum):
    """How bad a finding is. Equal to its word, which is what is rendered (`error[E101]`)."""

    ERROR = "error"
    WARNING = "warning"


ERROR = Severity.ERROR      # the names engine/ imports; Severity.ERROR in new code
WARNING = Severity.WARNING

# Exit codes shared by every command that reads catalogs or data.
EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_SYNTAX = 2
EXIT_IO = 3
EXIT_USAGE = 4


MORE_INSTANCES = 8  # instance lines listed under a finding in a template's text; the rest are counted
SHOWN_LINE = 120  # characters of a source line shown under a diagnostic; longer lines are cut around the caret


@dataclass(frozen=True)
class Instance:
    """The `use` a declaration was expanded from: its spans point at the template's text, and
    this names which instance, so a finding there says both (kinerja_dsl/expand.py)."""

    template: str
    call: str    # the `use` as written: `anggaran(adm, "Setjen")`
    file: str
    line: int
    office: str | None = None  # the office of a `use … per office`

    def note(self) -> str:
        if self.office is not None:
            return t("in the instance for office {office} of template `{template}` ({file}:{line})",
                     office=self.office, template=self.template, file=self.file, line=self.line)
        return t("in the instance `{call}` ({file}:{line})", call=self.call, file=self.file, line=self.line)


@dataclass(frozen=True)
class Span:
    """Where a piece of source stands: 1-based line and column of its first character, and the
    line and column just past its last one (end_column is exclusive). `via` names the instance
    when the text is a template's."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    via: Instance | None = None


@dataclass(frozen=True, kw_only=True)
class Diagnostic:
    """One finding, built by keyword: `Diagnostic(code=…, severity=Severity.ERROR, message=…, file=…)`
    (or `at_span` / `for_file`)."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 0        # 1-based; 0 when the problem concerns the whole file
    column: int = 0      # 1-based
    end_column: int = 0  # exclusive; caret width = end_column - column
    hint: str | None = None
    source_line: str | None = None
    notes: tuple[str, ...] = field(default=())
    # the template instances the finding stands in (a finding in a template's text): the first is
    # named, the others counted; one finding for all of them (`merged_instances`)
    via: tuple[Instance, ...] = field(default=())

    @classmethod
    def at_span(cls, span: Span | None, *, code: str, message: str, severity: Severity = Severity.ERROR,
                hint: str | None = None, notes: Iterable[str] = (), file: str = "") -> Diagnostic:
        """A diagnostic pointing at a span of source (at the whole `file` when span is None); a
        span running past its first line is underlined to the end of that line."""
        if span is None:
            return cls.for_file(file, code=code, message=message, severity=severity, hint=hint, notes=notes)
        end = span.end_column if span.end_line == span.line else 0
        return cls(code=code, severity=severity, message=message, file=span.file, line=span.line,
                   column=span.column, end_column=end, hint=hint, notes=tuple(notes),
                   via=(span.via,) if span.via is not None else ())

    @classmethod
    def for_file(cls, file: str, *, code: str, message: str, severity: Severity = Severity.ERROR,
                 hint: str | None = None, notes: Iterable[str] = ()) -> Diagnostic:
        """A diagnostic about a whole file (or an option such as `--period`): no line, no caret."""
        return cls(code=code, severity=severity, message=message, file=file, hint=hint, notes=tuple(notes))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def render(self) -> str:
        """`file:line:col: error[CODE]: message`, the source line with a caret, the hint."""
        out = [f"{self.location()}: {self.severity}[{self.code}]: {self.message}"]
        if self.line and self.source_line is not None:
            text = self.source_line.rstrip("\r\n").expandtabs(1)
            gutter = str(self.line)
            pad = " " * len(gutter)
            rest = max(1, len(text) - self.column + 1)
            # end_column 0 marks a span running past this line: underline to its end
            width = self.end_column - self.column if self.end_column > self.column else rest
            width = min(width, rest)
            column = self.column
            if len(text) > SHOWN_LINE:  # a 5000-digit cell: show the part around the caret
                start = max(0, min(column - 1 - SHOWN_LINE // 4, len(text) - SHOWN_LINE))
                text = ("…" if start else "") + text[start:start + SHOWN_LINE] + "…" * (start + SHOWN_LINE < len(text))
                column -= start - (1 if start else 0)
                width = max(1, min(width, SHOWN_LINE - (column - 1) + (1 if start else 0)))
            out.append(f" {gutter} | {text}")
            out.append(f" {pad} | {' ' * (column - 1)}{'^' * width}")
        note_word, hint_word = t("note"), t("hint")  # the head above stays English: tools parse it
        for note in self.instance_notes() + self.notes:
            out.append(f"  = {note_word}: {note}")
        if self.hint:
            out.append(f"  = {hint_word}: {self.hint}")
        return "\n".join(out)

    def instance_notes(self) -> tuple[str, ...]:
        """Where a finding in a template's text stands: its first instance, and how many more."""
        if not self.via:
            return ()
        first, more = self.via[0], self.via[1:]
        if not more:
            return (first.note(),)
        lines = ", ".join(str(v.line) for v in more[:MORE_INSTANCES]) + (", …" if len(more) > MORE_INSTANCES else "")
        return (first.note(), t("and in {n} more instances of template `{template}` (lines {lines})",
                                n=len(more), template=first.template, lines=lines))

    def to_json(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


def merged_instances(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One finding for each place in a template's text, naming its instances, instead of the same
    finding once per instance (a misspelt field in Banten's budget template would be said 31 times)."""
    out: list[Diagnostic] = []
    at: dict[tuple[object, ...], int] = {}
    for d in diagnostics:
        if not d.via:
            out.append(d)
            continue
        key = (d.code, d.severity, d.message, d.file, d.line, d.column, d.end_column, d.hint, d.notes)
        if key in at:
            first = out[at[key]]
            out[at[key]] = replace(first, via=first.via + d.via)
        else:
            at[key] = len(out)
            out.append(d)
    return out


def source_lines(text: str, keepends: bool = False) -> list[str]:
    """The text's lines as the lexer counts them: broken at \\n only. str.splitlines also breaks
    at \\f, \\v, \\x1c-\\x1e, U+0085, U+2028 and U+2029, which may stand inside a label or a
    comment (a Word line break), and would shift every line number after it."""
    lines = text.split("\n")
    if keepends:
        lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    elif lines and lines[-1] == "":
        lines.pop()
    return lines


class Sources:
    """Source texts by file name, to attach the offending line to a diagnostic."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, file: str, text: str) -> None:
        self._lines[file] = source_lines(text)

    def line(self, file: str, line: int) -> str | None:
        lines = self._lines.get(file)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]


def with_sources(diagnostics: Iterable[Diagnostic], sources: Sources) -> list[Diagnostic]:
    """Attach source lines and sort by position (file order kept, then line, column)."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.line and d.source_line is None:
            d = replace(d, source_line=sources.line(d.file, d.line))
        out.append(d)
    files: dict[str, int] = {}
    for d in out:
        files.setdefault(d.file, len(files))
    out.sort(key=lambda d: (files[d.file], d.line, d.column, d.code))
    return out


def _one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with one character replaced, inserted or deleted."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, for 'did you mean' hints; None when nothing is close."""
    pool = sorted(set(candidates))
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if match:
        return match[0]
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if match:
        return lowered[match[0]]
    near = [c for c in pool if _one_edit_apart(word.lower(), c.lower())]  # short ids: S2 -> S1
    return near[0] if near else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    best = suggest(word, candidates)
    return t("did you mean `{name}`?", name=best) if best else None


def exit_code(diagnostics: Iterable[Diagnostic], strict: bool = False) -> int:
    """0 clean, 1 findings, 2 syntax errors, 3 I/O errors (the worst wins)."""
    code = EXIT_CLEAN
    for d in diagnostics:
        if d.code in IO_CODES:
            return EXIT_IO
        if d.code in SYNTAX_CODES:
            code = max(code, EXIT_SYNTAX)
        elif d.is_error or strict:
            code = max(code, EXIT_FINDINGS)
    return code


# Codes whose presence means the text could not be parsed / the file could not be read.
SYNTAX_CODES = frozenset({"E001", "E002", "E003"})
# D009: a workbook without the excel extra
IO_CODES = frozenset({"E005", "E006", "E007", "E009", "E010", "E011", "D009"})
