"""Files -> checked, compiled catalog.

Reads every catalog file (a path may be a directory of `*.kin` files), follows
`include` and `extends`, parses, merges, checks and, when no error was found,
compiles. Never raises on bad input: every problem is a diagnostic.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from . import ast
from .catalog import Catalog
from .checker import check
from .compiler import compile_model
from .diagnostics import Diagnostic, Sources, at, with_sources
from .model import Model, build_model
from .parser import parse

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_INCLUDE_DEPTH = 16
SUFFIX = ".kin"


class CatalogError(Exception):
    """Raised by `load_catalog` when the catalog has errors; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics if d.is_error))


@dataclass
class Loaded:
    catalog: Catalog | None
    diagnostics: list[Diagnostic]
    files: list[ast.CatalogFile] = field(default_factory=list)
    model: Model | None = None

    @property
    def ok(self) -> bool:
        return self.catalog is not None


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with BOM; else a diagnostic."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, Diagnostic("E005", "error", f"the file is not UTF-8 text (byte 0x{data[err.start]:02x})",
                                file, line, column, column + 1,
                                hint="save the file as UTF-8 (in Excel or Notepad: Save As, encoding UTF-8)")


def read_text(path: Path) -> tuple[str | None, Diagnostic | None]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Diagnostic("E008", "error", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                    str(path), hint="split the catalog into several files joined with `include`")
        data = path.read_bytes()
    except FileNotFoundError:
        return None, Diagnostic("E006", "error", "no such file", str(path))
    except IsADirectoryError:
        return None, Diagnostic("E006", "error", "is a directory, expected a file", str(path))
    except OSError as err:
        return None, Diagnostic("E006", "error", f"cannot read the file: {err.strerror or err}", str(path))
    return decode(data, str(path))


def expand(paths, recursive: bool = False) -> tuple[list[Path], list[Diagnostic]]:
    """Files named on the command line; directories give their `*.kin` files (one catalog per
    folder), or with `recursive` those of every folder below (`kinerja fmt indicators/`)."""
    files, diagnostics = [], []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.rglob(f"*{SUFFIX}") if recursive else p.glob(f"*{SUFFIX}"))
            if not found:
                diagnostics.append(Diagnostic("E007", "error", f"no catalog files (*{SUFFIX}) in this directory", str(p),
                                              hint="point at a folder under indicators/, or at a .kin file"))
            files.extend(found)
        elif not p.exists():
            diagnostics.append(Diagnostic("E006", "error", "no such file or directory", str(p)))
        else:
            files.append(p)
    return files, diagnostics


class _Reader:
    def __init__(self) -> None:
        self.sources = Sources()
        self.diagnostics: list[Diagnostic] = []
        self.order: list[ast.CatalogFile] = []
        self.base: set[str] = set()
        self.done: set[Path] = set()

    def read(self, path: Path, stack: tuple[Path, ...], include: ast.Include | None, base: bool) -> None:
        resolved = path.resolve()
        if resolved in stack:
            chain = " -> ".join(p.name for p in stack[stack.index(resolved):] + (resolved,))
            self.diagnostics.append(at(include.span, "E112", f"include cycle: {chain}",
                                       hint="a catalog cannot include itself, directly or through others"))
            return
        if resolved in self.done:
            return
        if len(stack) > MAX_INCLUDE_DEPTH:
            self.diagnostics.append(at(include.span, "E008", f"includes nest deeper than {MAX_INCLUDE_DEPTH} files"))
            return
        shown = str(path)
        text, problem = read_text(path)
        if problem is not None:
            if include is not None and problem.code == "E006":
                problem = at(include.span, "E006", f"cannot include `{include.path}`: {problem.message}",
                             hint="paths are relative to the including file")
            self.diagnostics.append(problem)
            return
        self.done.add(resolved)
        self.sources.add(shown, text)
        parsed, found = parse(text, shown)
        self.diagnostics.extend(found)
        for d in parsed.declarations:
            if isinstance(d, ast.Include):
                self.read(path.parent / d.path, stack + (resolved,), d, base or d.extends)
        self.order.append(parsed)
        if base:
            self.base.add(shown)


def load(paths) -> Loaded:
    """Read, check and compile; the catalog is None when any error was found."""
    files, diagnostics = expand(paths)
    reader = _Reader()
    reader.diagnostics.extend(diagnostics)
    for f in files:
        reader.read(f, (), None, False)
    model = build_model(reader.order, reader.base)
    diagnostics = reader.diagnostics + (check(model) if reader.order else [])
    diagnostics = with_sources(diagnostics, reader.sources)
    catalog = None
    if not any(d.is_error for d in diagnostics) and reader.order:
        catalog = compile_model(model)
    return Loaded(catalog, diagnostics, reader.order, model)


def load_catalog(paths) -> Catalog:
    """The compiled catalog; raises CatalogError carrying every diagnostic on error."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    loaded = load(paths)
    if loaded.catalog is None:
        raise CatalogError(loaded.diagnostics)
    return loaded.catalog
