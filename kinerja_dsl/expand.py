"""Families of declarations: `template` and `use`, expanded before checking.

A template keeps its body as text; each `use` (or each office of `use … per office`) gets
that text with every `$param` replaced by its argument, parsed as ordinary declarations.
The checker and the compiler then see plain indicators. Every span of an expanded
declaration is mapped back to the template's text (a placeholder's replacement to the
placeholder) and carries the instance (`Span.via`), so a finding inside a family is shown
at the template's line with a note naming the instance.

Errors of the construct itself: E130 unknown template, E131 unknown parameter, E132
missing argument, E133 argument given twice or too many, E134 an id that two instances
expand to, E135 a placeholder that is not a parameter, E136 an empty office list, E137 a
template that holds what cannot be repeated (include, policy, agreement, office, template, use).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from . import ast
from .diagnostics import Diagnostic, Instance, Severity, Span, did_you_mean
from .messages import t

OFFICE_PARAMS = ("office", "office_label")  # bound from each office by `per office`
PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_EXPANDABLE = (ast.Indicator, ast.Sasaran, ast.FieldDecl, ast.BandSet)
SHOWN_CALL = 120  # characters of a `use` shown in a note


@dataclass(frozen=True)
class Placeholder:
    """A `$name` in a template's body: where it stands (0-based line within the body text,
    1-based column in the file) and whether it stands inside a quoted text."""

    name: str
    line: int
    column: int
    width: int
    quoted: bool


def placeholders(template: ast.Template) -> list[Placeholder]:
    """Every `$name` of a template's body outside comments, in order."""
    found: list[Placeholder] = []
    for k, text in enumerate(template.body.split("\n")):
        offset = template.body_column - 1 if k == 0 else 0  # the body starts just past the `{`
        quoted = False
        i = 0
        while i < len(text):
            ch = text[i]
            if quoted and ch == "\\":
                i += 2
                continue
            if ch == '"':
                quoted = not quoted
            elif ch == "#" and not quoted:
                break
            elif ch == "$":
                m = PLACEHOLDER.match(text, i)
                if m:
                    found.append(Placeholder(m.group(1), k, offset + i + 1, len(m.group(0)), quoted))
                    i = m.end()
                    continue
            i += 1
    return found


def _span_of(template: ast.Template, p: Placeholder) -> Span:
    line = template.body_line + p.line
    return Span(template.span.file, line, p.column, line, p.column + p.width)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _replacement(value: ast.Arg, quoted: bool) -> str:
    """An argument as it stands in the template's text: a text's words inside a quoted text,
    the text with its quotes elsewhere, any other argument as written."""
    if value.kind == "string":
        return _quoted(value.text_value) if quoted else f'"{_quoted(value.text_value)}"'
    return value.text


def _call_text(use: ast.Use) -> str:
    parts = [(f"{a.name} = " if a.name else "") + (f'"{a.value.text}"' if a.value.kind == "string" else a.value.text)
             for a in use.args]
    text = f"{use.template}({', '.join(parts)})"
    return text if len(text) <= SHOWN_CALL else text[:SHOWN_CALL - 1] + "…"


class _ColumnMap:
    """Columns of the expanded text mapped back to the template's: a replacement maps to its
    placeholder, what follows it shifts by the difference of their widths."""

    def __init__(self) -> None:
        # line -> (new start, new end, old start, old end) of each replacement on it
        self.regions: dict[int, list[tuple[int, int, int, int]]] = {}

    def add(self, line: int, new_start: int, new_end: int, old_start: int, old_end: int) -> None:
        self.regions.setdefault(line, []).append((new_start, new_end, old_start, old_end))

    def column(self, line: int, column: int, end: bool = False) -> int:
        """`end`: an exclusive end column (one just past a replacement maps past its placeholder)."""
        shift = 0
        for new_start, new_end, old_start, old_end in self.regions.get(line, ()):
            if column < new_start or (end and column == new_start):
                break
            if column > new_end or (column == new_end and not end):
                shift = old_end - new_end
                continue
            return old_end if end else old_start
        return column + shift

    def span(self, span: Span, via: Instance) -> Span:
        return Span(span.file, span.line, self.column(span.line, span.column),
                    span.end_line, self.column(span.end_line, span.end_column, end=True), via)


def _remapped(node: Any, columns: _ColumnMap, via: Instance) -> Any:
    """The node with every span in it pointed back at the template and at the instance."""
    if isinstance(node, Span):
        return columns.span(node, via)
    if isinstance(node, tuple):
        return tuple(_remapped(x, columns, via) for x in node)
    if is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: _remapped(getattr(node, f.name), columns, via) for f in fields(node)
                   if isinstance(getattr(node, f.name), (Span, tuple)) or is_dataclass(getattr(node, f.name))}
        return replace(node, **changes)
    return node


class Expander:
    """Expands every `use` of a set of files with the templates and offices of all of them."""

    def __init__(self, files: list[ast.CatalogFile]) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.templates: dict[str, ast.Template] = {}
        self.offices: dict[str, ast.Office] = {}
        self.broken: set[str] = set()  # templates with an error of their own: not expanded
        self.produced: dict[tuple[type, str], Instance] = {}
        for f in files:
            for d in f.declarations:
                if isinstance(d, ast.Template):
                    self._declare(d)
                elif isinstance(d, ast.Office):
                    self.offices[d.id] = d

    def _error(self, span: Span, code: str, message: str, hint: str | None = None,
               notes: Iterable[str] = ()) -> None:
        self.diagnostics.append(Diagnostic.at_span(span, code=code, severity=Severity.ERROR, message=message,
                                                   hint=hint, notes=notes))

    def _declare(self, template: ast.Template) -> None:
        first = self.templates.get(template.id)
        if first is not None:
            self._error(template.id_span, "E102", t("template `{name}` is declared twice", name=template.id),
                        hint=t("first declared at {file}:{line}", file=first.span.file, line=first.span.line))
            return
        self.templates[template.id] = template
        seen: set[str] = set()
        for name, span in zip(template.params, template.param_spans, strict=True):
            if name in seen:
                self._error(span, "E133", t("parameter `{name}` is named twice", name=name),
                            hint=t("give each parameter its own name"))
                self.broken.add(template.id)
            seen.add(name)
        for p in placeholders(template):
            if p.name not in template.params:
                hint = did_you_mean(p.name, template.params) or t(
                    "the parameters of `{template}` are: {names}", template=template.id,
                    names=", ".join(template.params) or "-")
                self._error(_span_of(template, p), "E135",
                            t("`${name}` is not a parameter of template `{template}`", name=p.name,
                              template=template.id), hint=hint)
                self.broken.add(template.id)

    # ---- instances ------------------------------------------------------------------

    def _offices(self, use: ast.Use) -> list[ast.Office] | None:
        """The offices a `per office` use names (None: a use without `per office`)."""
        if use.under is None and not use.offices:
            return None
        if use.under is not None:
            parent = use.under
            if parent.text not in self.offices:
                self._error(parent.span, "E101", t("unknown office `{name}`", name=parent.text),
                            hint=did_you_mean(parent.text, self.offices))
                return []
            below = [o for o in self.offices.values() if o.parent == parent.text]
            if not below:
                self._error(parent.span, "E136", t("no office has `{name}` as its parent", name=parent.text),
                            hint=t("declare offices with `parent {name}`, or list the offices: `per office a b`",
                                   name=parent.text))
            return below
        found = []
        for arg in use.offices:
            office = self.offices.get(arg.text)
            if office is None:
                self._error(arg.span, "E101", t("unknown office `{name}`", name=arg.text),
                            hint=did_you_mean(arg.text, self.offices))
            else:
                found.append(office)
        return found

    def _bind(self, use: ast.Use, template: ast.Template, office: ast.Office | None) -> dict[str, ast.Arg] | None:
        """The argument of each parameter, or None after reporting what does not fit."""
        bound: dict[str, ast.Arg] = {}
        if office is not None:
            bound["office"] = ast.Arg("name", office.id, office.id, office.span)
            if "office_label" in template.params:
                label = office.label or office.id
                bound["office_label"] = ast.Arg("string", label, label, office.span)
        open_params = [p for p in template.params if p not in bound]
        ok = True
        positional = [a for a in use.args if a.name is None]
        for k, a in enumerate(positional):
            if k >= len(open_params):
                self._error(a.span, "E133", t("template `{template}` takes {n} arguments, this is one more",
                                              template=template.id, n=len(open_params)),
                            hint=t("the parameters of `{template}` are: {names}", template=template.id,
                                   names=", ".join(template.params) or "-"))
                ok = False
                break
            bound[open_params[k]] = a.value
        for a in use.args:
            if a.name is None:
                continue
            if a.name not in template.params:
                self._error(a.span, "E131", t("template `{template}` has no parameter `{name}`",
                                              template=template.id, name=a.name),
                            hint=did_you_mean(a.name, template.params) or t(
                                "the parameters of `{template}` are: {names}", template=template.id,
                                names=", ".join(template.params) or "-"))
                ok = False
            elif a.name in bound:
                self._error(a.span, "E133", t("parameter `{name}` is given twice", name=a.name),
                            hint=t("give each parameter one argument"))
                ok = False
            else:
                bound[a.name] = a.value
        missing = [p for p in template.params if p not in bound]
        if missing and ok:  # after a misnamed argument, the missing one is that argument
            self._error(use.span, "E132", t("template `{template}` needs an argument for {names}",
                                            template=template.id, names=", ".join(f"`{m}`" for m in missing)),
                        hint=t("add them in order, or by name: `{name} = …`", name=missing[0]))
            ok = False
        return bound if ok else None

    def _instance(self, use: ast.Use, template: ast.Template, office: ast.Office | None,
                  bound: dict[str, ast.Arg]) -> list[ast.Declaration]:
        via = Instance(template.id, _call_text(use), use.span.file, use.span.line,
                       office.id if office is not None else None)
        columns = _ColumnMap()
        lines = template.body.split("\n")
        by_line: dict[int, list[Placeholder]] = {}
        for p in placeholders(template):
            by_line.setdefault(p.line, []).append(p)
        out_lines = []
        for k, text in enumerate(lines):
            offset = template.body_column - 1 if k == 0 else 0
            pieces, last, shift = [], 0, 0
            for p in by_line.get(k, []):
                start = p.column - 1 - offset
                value = _replacement(bound[p.name], p.quoted)
                pieces += [text[last:start], value]
                new_start = p.column + shift
                columns.add(template.body_line + k, new_start, new_start + len(value), p.column, p.column + p.width)
                shift += len(value) - p.width
                last = start + p.width
            out_lines.append("".join(pieces) + text[last:])
        source = "\n" * (template.body_line - 1) + " " * (template.body_column - 1) + "\n".join(out_lines)
        from .parser import parse  # the parser builds templates; expansion reads the text it kept

        parsed, problems = parse(source, template.span.file)
        for d in problems:
            if d.code == "E004":  # a template that declares nothing: nothing to expand
                continue
            line = d.line
            column = columns.column(line, d.column) if line else 0
            end = columns.column(line, d.end_column, end=True) if line and d.end_column else 0
            self.diagnostics.append(replace(d, column=column, end_column=end, via=(via,)))
        out: list[ast.Declaration] = []
        for decl in parsed.declarations:
            decl = _remapped(decl, columns, via)
            if not isinstance(decl, _EXPANDABLE):
                self._error(decl.span, "E137", t("a template holds indicators, sasaran, fields and band sets"),
                            hint=t("write it once outside the template"))
                continue
            key = (type(decl), decl.id)
            first = self.produced.get(key)
            if first is not None:
                self._error(getattr(decl, "id_span", None) or decl.span, "E134",
                            t("`{id}` is expanded twice", id=decl.id),
                            hint=t("put a parameter in the id, e.g. `ANG.$office.serapan`"),
                            notes=[t("first expanded {instance}", instance=first.note())])
                continue
            self.produced[key] = via
            out.append(decl)
        return out

    def expand_use(self, use: ast.Use) -> list[ast.Declaration]:
        template = self.templates.get(use.template)
        if template is None:
            self._error(use.template_span, "E130", t("unknown template `{name}`", name=use.template),
                        hint=did_you_mean(use.template, self.templates) or t(
                            "declare it with `template {name}(…) {open} … {close}`", name=use.template,
                            open="{", close="}"))
            return []
        offices = self._offices(use)
        if offices is not None and "office" not in template.params:
            self._error(use.span, "E131", t("template `{template}` has no parameter `office` for `per office`",
                                            template=template.id),
                        hint=t("add the parameter: `template {template}(office, …)`", template=template.id))
            return []
        out: list[ast.Declaration] = []
        for office in offices if offices is not None else [None]:
            bound = self._bind(use, template, office)
            if bound is not None and template.id not in self.broken:
                out.extend(self._instance(use, template, office, bound))
        return out

    def expanded(self, f: ast.CatalogFile) -> ast.CatalogFile:
        declarations: list[ast.Declaration] = []
        for d in f.declarations:
            if isinstance(d, ast.Use):
                declarations.extend(self.expand_use(d))
            elif not isinstance(d, ast.Template):
                declarations.append(d)
        return replace(f, declarations=tuple(declarations))


def expand_files(files: list[ast.CatalogFile]) -> tuple[list[ast.CatalogFile], list[Diagnostic]]:
    """The files with every `use` replaced by the declarations it expands to (templates taken
    out), and the diagnostics of the expansion. Templates and offices of every file count."""
    expander = Expander(files)
    out = [expander.expanded(f) for f in files]
    return out, expander.diagnostics
