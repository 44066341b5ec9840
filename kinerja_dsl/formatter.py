"""Canonical formatting of a catalog file: English keywords, two-space indent,
one statement per line, comments kept where they stood.

The formatter prints from the AST, so the output parses to the same catalog;
running it twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import ast
from .vocabulary import VALUES, canonical_value

INDENT = "  "
_PRECEDENCE = {"if": 0, "cmp": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "atom": 5}

# Which enumerated value kind each setting argument position uses (for canonical spelling).
_ENUM_ARGS = {
    "direction": ("direction",), "nihil": ("nihil",), "rollup": ("rollup",),
    "lower_formula": ("lower_formula",), "combine": ("combine",), "iku": ("iku",),
    "round": ("round_mode",), "round_realisasi": ("round_mode",),
    "aggregate": ("aggregate_level", "aggregate_method", "aggregate_source"),
}


def _prec(e: ast.Expr) -> int:
    if isinstance(e, ast.If):
        return 0
    if isinstance(e, ast.Compare):
        return 1
    if isinstance(e, ast.Binary):
        return _PRECEDENCE[e.op]
    if isinstance(e, ast.Negate):
        return 4
    return 5


def expression(e: ast.Expr) -> str:
    """An expression with the fewest parentheses that keep its meaning."""
    if isinstance(e, ast.Number):
        return e.text
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Call):
        return f"{e.function}(" + ", ".join(expression(a) for a in e.args) + ")"
    if isinstance(e, ast.Negate):
        inner = expression(e.operand)
        return f"-{inner}" if _prec(e.operand) >= 4 else f"-({inner})"
    if isinstance(e, ast.If):
        cond = expression(e.condition)
        then = _wrap(e.then, 1)
        return f"if {cond} then {then} else {expression(e.otherwise)}"
    if isinstance(e, ast.Compare):
        return f"{_wrap(e.left, 2)} {e.op} {_wrap(e.right, 2)}"
    p = _PRECEDENCE[e.op]
    left = _wrap(e.left, p)
    right = _wrap(e.right, p + 1)  # left-associative: a - (b - c) keeps its parentheses
    return f"{left} {e.op} {right}"


def _wrap(e: ast.Expr, minimum: int) -> str:
    text = expression(e)
    return f"({text})" if _prec(e) < minimum else text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _arg(a: ast.Arg, kind: str | None) -> str:
    if a.kind == "string":
        return _quote(a.value)
    if a.kind == "name" and kind is not None:
        return canonical_value(kind, a.text) or a.text
    return a.text


def setting(s: ast.Setting) -> str:
    kinds = _ENUM_ARGS.get(s.key, ())
    parts = [s.key]
    for i, a in enumerate(s.args):
        parts.append(_arg(a, kinds[i] if i < len(kinds) else None))
    return " ".join(parts)


def _target_value(v: ast.TargetValue) -> str:
    return str(v)


@dataclass
class _Line:
    anchor: int   # source line the output line stands for
    end: int      # last source line it covers (multi-line statements)
    depth: int
    text: str
    blank_before: bool = False


class _Printer:
    def __init__(self, source_lines: list[str]):
        self.lines: list[_Line] = []
        self.src = source_lines

    def emit(self, span_line: int, end: int, depth: int, text: str, blank: bool = False) -> None:
        self.lines.append(_Line(span_line, end, depth, text, blank))

    def had_blank_before(self, line: int) -> bool:
        """Whether the source has a blank line above `line` (above its comment block)."""
        k = line - 2
        while k >= 0 and self.src[k].strip().startswith("#"):
            k -= 1
        return k >= 0 and not self.src[k].strip()

    # -- statements
    def stmt(self, s, depth: int) -> None:
        blank = self.had_blank_before(s.span.line)
        if isinstance(s, ast.Setting):
            self.emit(s.span.line, s.span.end_line, depth, setting(s), blank)
        elif isinstance(s, ast.Formula):
            self.emit(s.span.line, s.span.end_line, depth, f"{s.kind} {expression(s.expr)}", blank)
        elif isinstance(s, ast.Target):
            word = "renstra" if s.renstra else "target"
            period = f" {s.period}" if s.period else ""
            self.emit(s.span.line, s.span.end_line, depth, f"{word} {s.year}{period} = {_target_value(s.value)}", blank)
        elif isinstance(s, ast.Range):
            self.emit(s.span.line, s.span.end_line, depth, f"range {s.low_text} .. {s.high_text}", blank)
        elif isinstance(s, ast.Index):
            head = " ".join(["index"] + [setting(o) for o in s.options])
            self.block(s, head, s.children, depth, blank)
        elif isinstance(s, ast.Group):
            head = " ".join(["group", s.id] + ([_quote(s.label)] if s.label else []) + [setting(o) for o in s.options])
            self.block(s, head, s.children, depth, blank)
        elif isinstance(s, ast.Component):
            parts = ["component", s.id] + ([_quote(s.label)] if s.label else []) + [setting(o) for o in s.options]
            self.emit(s.span.line, s.span.end_line, depth, " ".join(parts) + " = " + expression(s.expr), blank)
        elif isinstance(s, ast.PkTarget):
            period = f" {s.period}" if s.period else ""
            self.emit(s.span.line, s.span.end_line, depth, f"target {s.indicator}{period} = {_target_value(s.value)}", blank)
        elif isinstance(s, ast.Band):
            bounds = " and ".join(f"{b.op} {b.text}" for b in s.bounds)
            self.emit(s.span.line, s.span.end_line, depth, f"{_quote(s.label)} {bounds}", blank)
        else:  # pragma: no cover - every statement kind is handled above
            raise TypeError(type(s))

    def block(self, node, head: str, body, depth: int, blank: bool) -> None:
        self.emit(node.span.line, node.span.line, depth, head + " {", blank)
        for s in body:
            self.stmt(s, depth + 1)
        self.emit(node.span.end_line, node.span.end_line, depth, "}")

    # -- declarations
    def declaration(self, d, first: bool) -> None:
        is_block = isinstance(d, (ast.Policy, ast.Indicator, ast.BandSet, ast.Agreement)) or (
            isinstance(d, ast.Sasaran) and d.has_block)
        blank = not first and (is_block or self.had_blank_before(d.span.line))
        label = lambda x: [_quote(x)] if x else []  # noqa: E731
        if isinstance(d, ast.Include):
            self.emit(d.span.line, d.span.end_line, 0, f"{'extends' if d.extends else 'include'} {_quote(d.path)}", blank)
        elif isinstance(d, ast.Policy):
            self.block(d, "policy", d.settings, 0, blank)
        elif isinstance(d, ast.FieldDecl):
            kind = canonical_value("field_kind", d.kind) or d.kind if d.kind else None
            text = " ".join(["field", d.id] + label(d.label) + ([kind] if kind else []))
            self.emit(d.span.line, d.span.end_line, 0, text, blank)
        elif isinstance(d, ast.Office):
            text = " ".join(["office", d.id] + label(d.label) + (["parent", d.parent] if d.parent else []))
            self.emit(d.span.line, d.span.end_line, 0, text, blank)
        elif isinstance(d, ast.Sasaran):
            head = " ".join(["sasaran", d.id] + label(d.label))
            if d.has_block:
                self.block(d, head, d.settings, 0, blank)
            else:
                self.emit(d.span.line, d.span.end_line, 0, head, blank)
        elif isinstance(d, ast.Indicator):
            self.block(d, " ".join(["indicator", d.id] + label(d.label)), d.body, 0, blank)
        elif isinstance(d, ast.BandSet):
            self.block(d, " ".join(["bands", d.id] + label(d.label)), d.bands, 0, blank)
        elif isinstance(d, ast.Agreement):
            self.block(d, " ".join(["agreement"] + label(d.label)), d.body, 0, blank)


def format_file(f: ast.CatalogFile) -> str:
    """The canonical text of a parsed file (which must have parsed without errors)."""
    printer = _Printer(f.source.splitlines())
    for i, d in enumerate(f.declarations):
        printer.declaration(d, i == 0)
    code_lines = {ln.anchor for ln in printer.lines}
    src = printer.src
    # Split comments into trailing (code before them on the line) and standalone ones.
    trailing: dict[int, list[str]] = {}
    standalone: list[ast.Comment] = []
    for c in f.comments:
        before = src[c.line - 1][: c.column - 1] if c.line - 1 < len(src) else ""
        if before.strip():
            trailing.setdefault(c.line, []).append(c.text.rstrip())
        else:
            standalone.append(c)
    out: list[str] = []
    pending = list(standalone)
    used_trailing: set[int] = set()

    def flush(upto: int, depth: int) -> bool:
        flushed = False
        while pending and pending[0].line < upto:
            c = pending.pop(0)
            if out and c.line >= 2 and not src[c.line - 2].strip() and out[-1] != "" and not out[-1].endswith("{"):
                out.append("")
            out.append(INDENT * depth + c.text.rstrip())
            flushed = True
        return flushed

    for ln in printer.lines:
        if ln.blank_before and out and out[-1] != "" and not out[-1].endswith("{"):
            out.append("")
        flush(ln.anchor, ln.depth)
        text = INDENT * ln.depth + ln.text
        notes = []
        for line in range(ln.anchor, ln.end + 1):
            if line in trailing and line not in used_trailing and (line == ln.anchor or line not in code_lines):
                notes.extend(trailing[line])
                used_trailing.add(line)
        if notes:
            text += "  " + " ".join(notes)
        out.append(text)
    flush(10 ** 9, 0)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


__all__ = ["format_file", "expression", "setting", "VALUES"]
