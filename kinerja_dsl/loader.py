"""Files -> checked, compiled catalog; and the one way any input file is read.

Reads every catalog file (a path may be a directory of `*.kin` files), follows
`include` and `extends`, parses, merges, checks and, when no error was found,
compiles. Never raises on bad input: every problem is a diagnostic.

Every input of every command (catalogs, includes, data, workbooks, mappings, PK and
published files) is read through `read_bytes`, so none can hang on a FIFO, fill the
memory from /dev/zero or a growing file, or follow an include out of the folder the
user named.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import AnyStr

from . import ast
from .catalog import Catalog
from .checker import approve, check
from .compiler import compile_model
from .diagnostics import Diagnostic, Severity, Sources, merged_instances, with_sources
from .expand import expand_files
from .messages import N_, t
from .model import SymbolTable, build_symbol_table
from .parser import parse

PathLike = str | os.PathLike[str]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_INCLUDE_DEPTH = 16
SUFFIX = ".kin"
TREE_MARKER = "kinerja.toml"  # a regular file of this name makes its folder the root of a catalog tree
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)  # before UTF-16: FF FE 00 00 starts like FF FE
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_SAVE_AS_UTF8 = N_("save the file as UTF-8 (in Excel or Notepad: Save As, encoding UTF-8)")


class CatalogError(Exception):
    """Raised by `load_catalog` when the catalog has errors; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics if d.is_error))


@dataclass
class Loaded:
    catalog: Catalog | None
    diagnostics: list[Diagnostic]
    files: list[ast.CatalogFile] = field(default_factory=list)  # every `use` expanded: what the checker read
    model: SymbolTable = field(default_factory=SymbolTable)
    parsed: list[ast.CatalogFile] = field(default_factory=list)  # the files as written (templates, `use` lines)

    @property
    def ok(self) -> bool:
        return self.catalog is not None


def _position(text: AnyStr, index: int, newline: AnyStr) -> tuple[int, int]:
    """1-based line and column of `index`, counting lines as the lexer does (at \\n only)."""
    line_start = text.rfind(newline, 0, index) + 1
    return text.count(newline, 0, index) + 1, index - line_start + 1


def _not_utf8(file: str, what: str, line: int = 0, column: int = 0, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code="E005", severity=Severity.ERROR, message=t("the file is not UTF-8 text ({what})", what=what),
                      file=file, line=line, column=column, end_column=column + 1 if column else 0,
                      hint=hint or t(_SAVE_AS_UTF8))


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with BOM; else a diagnostic.
    A NUL character never stands in text: it means UTF-16 or UTF-32 without a BOM (or a
    binary file), which must be refused rather than parsed into nonsense syntax errors."""
    if data.startswith(_UTF32_BOMS):
        return None, _not_utf8(file, t("it is UTF-32"))
    text = None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith(UTF16_BOMS):
        with contextlib.suppress(UnicodeDecodeError):  # a broken UTF-16 file: UTF-8 below says where
            text = data.decode("utf-16")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line, column = _position(data, err.start, b"\n")
            return None, _not_utf8(file, t("byte {byte}", byte=f"0x{data[err.start]:02x}"), line, column)
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _position(text, nul, "\n")
        return None, _not_utf8(file, t("a NUL character"), line, column,
                               hint=t("the file may be UTF-16 or UTF-32 without a byte-order mark, or not text; "
                                      "{advice}", advice=t(_SAVE_AS_UTF8)))
    return text, None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return t("is a FIFO (named pipe), not a regular file")
    if stat.S_ISCHR(mode):
        return t("is a character device, not a regular file")
    if stat.S_ISBLK(mode):
        return t("is a block device, not a regular file")
    if stat.S_ISSOCK(mode):
        return t("is a socket, not a regular file")
    return t("is not a file, not a regular file")


def _not_regular(file: str, mode: int) -> Diagnostic:
    if stat.S_ISDIR(mode):
        return Diagnostic.for_file(file, code="E006", message=t("is a directory, expected a file"))
    return Diagnostic.for_file(file, code="E010", message=_kind(mode),
                               hint=t("name the catalog, data or PK file itself"))


def path_problem(file: str, err: OSError | ValueError) -> Diagnostic:
    """Why a path cannot be read, as a diagnostic: a symlink loop is E010, the rest E006."""
    if isinstance(err, ValueError):  # os functions refuse a NUL inside a path
        return Diagnostic.for_file(file, code="E006", message=t("the path holds a NUL character"))
    number = err.errno
    if number == errno.ELOOP:
        return Diagnostic.for_file(file, code="E010",
                                   message=t("is a symlink loop (too many levels of symbolic links)"),
                                   hint=t("point the link at the file itself"))
    if number == errno.ENXIO:  # a socket, or a device without its driver
        return Diagnostic.for_file(file, code="E010", message=t("is not a regular file"),
                                   hint=t("name the catalog, data or PK file itself"))
    reason = _REASONS.get(number) if number else None
    return Diagnostic.for_file(file, code="E006", message=t(reason) if reason
                               else t("cannot read the file: {reason}", reason=err.strerror or err))


_REASONS = {errno.ENOENT: N_("no such file"), errno.EACCES: N_("permission denied"),
            errno.EPERM: N_("permission denied"), errno.ENAMETOOLONG: N_("the file name is too long"),
            errno.EISDIR: N_("is a directory, expected a file"),
            errno.ENOTDIR: N_("no such file (a part of the path is not a folder)")}


def _too_large(file: str, limit: int, size: int | None) -> Diagnostic:
    message = (t("the file is {size} bytes; the limit is {limit}", size=f"{size:,}", limit=f"{limit:,}")
               if size is not None else t("the file holds more than {limit} bytes, the limit", limit=f"{limit:,}"))
    hint = t("split the catalog into several files joined with `include`") if file.lower().endswith(SUFFIX) \
        else None
    return Diagnostic.for_file(file, code="E011", message=message, hint=hint)


def read_bytes(path: PathLike, limit: int = MAX_FILE_BYTES, *, shown: str | None = None
               ) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a regular file, at most `limit` of them; else (None, why). A device, FIFO
    or socket is refused before it is opened (and opened non-blocking, should it be swapped in
    meanwhile); the size is counted while reading, since stat lies for /dev/zero or a growing
    file. `shown` names the file in diagnostics when `path` is its resolved form."""
    file = shown if shown is not None else str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, _not_regular(file, info.st_mode)
        if info.st_size > limit:
            return None, _too_large(file, limit, info.st_size)
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as err:
        return None, path_problem(file, err)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between stat and open
            return None, _not_regular(file, info.st_mode)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        return None, path_problem(file, err)
    finally:
        os.close(fd)
    if total > limit:
        return None, _too_large(file, limit, None)
    return b"".join(chunks), None


def read_text(path: PathLike, limit: int = MAX_FILE_BYTES, *, shown: str | None = None
              ) -> tuple[str | None, Diagnostic | None]:
    """`read_bytes`, decoded as `decode` does."""
    data, problem = read_bytes(path, limit, shown=shown)
    if data is None:
        return None, problem
    return decode(data, shown if shown is not None else str(path))


def is_catalog_name(path: PathLike) -> bool:
    return str(path).lower().endswith(SUFFIX)


def _catalog_files(folder: Path, recursive: bool, problems: list[Diagnostic]) -> list[Path]:
    """`*.kin` entries of a folder (suffix in any case), with those of its subfolders when
    `recursive` (symlinked folders are not followed); a symlink loop or a FIFO among them is
    kept, so that reading it says why, and a subfolder that cannot be opened is reported."""
    if not recursive:
        return sorted(p for p in folder.iterdir() if is_catalog_name(p.name) and not p.is_dir())
    found: list[Path] = []
    def unreadable(err: OSError) -> None:
        problems.append(path_problem(str(err.filename), err))

    for top, _, names in os.walk(folder, onerror=unreadable):
        found.extend(Path(top) / n for n in names if is_catalog_name(n))
    return sorted(found)


def expand(paths: Iterable[PathLike], recursive: bool = False) -> tuple[list[Path], list[Diagnostic]]:
    """Files named on the command line; directories give their `*.kin` files (one catalog per
    folder), or with `recursive` those of every folder below (`kinerja fmt indicators/`)."""
    files: list[Path] = []
    diagnostics: list[Diagnostic] = []
    for p in map(Path, paths):
        problems: list[Diagnostic] = []
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
            found = _catalog_files(p, recursive, problems) if is_dir else [p]
        except (OSError, ValueError) as err:
            problem = path_problem(str(p), err)
            if isinstance(err, OSError) and err.errno == errno.ENOENT:
                problem = Diagnostic.for_file(str(p), code="E006", message=t("no such file or directory"))
            diagnostics.append(problem)
            continue
        diagnostics.extend(problems)
        files.extend(found)
        if not found and not problems:
            diagnostics.append(Diagnostic.for_file(str(p), code="E007",
                                                   message=t("no catalog files ({pattern}) in this directory",
                                                             pattern=f"*{SUFFIX}"),
                                                   hint=t("point at a folder under indicators/, or at a .kin file")))
    return files, diagnostics


def tree_catalogs(path: PathLike) -> list[Path] | None:
    """The catalogs of a catalog tree named on the command line (`kinerja check indicators/`): when
    `path` is a folder that holds `kinerja.toml` and no `*.kin` file of its own, every folder below
    it that holds `*.kin` files and does not lie inside another such folder (a subfolder of a catalog
    is its own), sorted; else None (a folder of one catalog, or a file). Symlinked folders are not
    followed."""
    folder = Path(path)
    try:
        if not (stat.S_ISDIR(os.stat(folder).st_mode) and stat.S_ISREG(os.stat(folder / TREE_MARKER).st_mode)):
            return None
        if any(is_catalog_name(p.name) for p in folder.iterdir()):
            return None
    except (OSError, ValueError):
        return None
    found: list[Path] = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        if any(is_catalog_name(n) for n in names):
            found.append(Path(top))
            dirs.clear()  # its subfolders belong to it
    return sorted(found)


def real_path(path: PathLike) -> Path:
    """The path with every symlink resolved; never raises (a loop stays as it is, and reading it says so)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def tree_root(folder: Path) -> Path | None:
    """The root of the catalog tree a folder belongs to: the nearest folder at or above it (symlinks
    resolved first) that holds a regular file `kinerja.toml` owned by the user running kinerja or by
    the owner of the folder (a marker someone else left in a shared /tmp widens nothing); None when
    there is none. Catalogs below a root may include and extend each other (a national base beside
    the offices' folders)."""
    real = real_path(folder)
    try:
        owners = {os.stat(real).st_uid, os.getuid()} if hasattr(os, "getuid") else None
    except (OSError, ValueError):
        return None
    for candidate in (real, *real.parents):
        with contextlib.suppress(OSError, ValueError):
            info = os.stat(candidate / TREE_MARKER)
            if stat.S_ISREG(info.st_mode) and (owners is None or info.st_uid in owners):
                return candidate
    return None


def _shown_path(path: Path) -> str:
    """A resolved path as a person reads it: relative to the working folder when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


@dataclass(frozen=True)
class Confinement:
    """Where the includes of one named catalog may reach: its folder, or the catalog tree it lies in."""
    root: Path                    # resolved
    shown: str                    # the folder as named, or the tree's root as a person reads it
    marker: str | None = None     # the `kinerja.toml` that declares the tree, as shown; None: the folder

    @classmethod
    def of(cls, folder: Path) -> Confinement:
        root = tree_root(folder)
        if root is None:
            return cls(real_path(folder), str(folder))
        return cls(root, _shown_path(root), _shown_path(root / TREE_MARKER))


class _Reader:
    def __init__(self, overlay: Mapping[Path, str] | None = None) -> None:
        self.overlay = overlay or {}  # resolved path -> the text an editor holds, unsaved
        self.sources = Sources()
        self.diagnostics: list[Diagnostic] = []
        self.order: list[ast.CatalogFile] = []
        self.base: set[str] = set()
        self.done: set[Path] = set()

    def confine(self, include: ast.Include, including: Path, limit: Confinement) -> Path | None:
        """The file an include names, or None after an E009: it must stay inside the folder of
        the catalog named on the command line, or inside the catalog tree that folder lies in
        (a `kinerja.toml` at or above it), once its symlinks are resolved."""
        raw = include.path
        hint = t("keep shared catalogs inside the catalog's folder (a subfolder is fine) and include them by a "
                 "relative path, or declare a catalog tree: a file `{marker}` in a folder above both",
                 marker=TREE_MARKER)
        if PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).anchor:
            message = t("`{path}` is an absolute path", path=raw)
            if limit.marker is not None:
                hint = t("include catalogs of the tree by a path relative to the including file")
        elif real_path(including.parent / raw).is_relative_to(limit.root):
            return including.parent / raw
        elif limit.marker is None:
            message = t("`{path}` leaves the folder `{folder}` of the catalog named on the command line", path=raw,
                        folder=limit.shown)
        else:
            message = t("`{path}` leaves the catalog tree `{folder}` (declared by `{marker}`)", path=raw,
                        folder=limit.shown, marker=limit.marker)
            hint = t("keep shared catalogs inside the tree, or move `{marker}` up to a folder that holds both",
                     marker=TREE_MARKER)
        self.diagnostics.append(Diagnostic.at_span(include.span, code="E009", message=message, hint=hint))
        return None

    def read(self, path: Path, stack: tuple[Path, ...], include: ast.Include | None, base: bool,
             limit: Confinement) -> None:
        resolved = real_path(path)
        where = include.span if include is not None else None  # a file named on the command line: the whole file
        if resolved in stack:
            chain = " -> ".join(p.name for p in stack[stack.index(resolved):] + (resolved,))
            self.diagnostics.append(Diagnostic.at_span(where, code="E112",
                                                       message=t("include cycle: {chain}", chain=chain),
                                                       hint=t("a catalog cannot include itself, directly or through "
                                                              "others")))
            return
        if resolved in self.done:
            return
        if len(stack) > MAX_INCLUDE_DEPTH:
            self.diagnostics.append(Diagnostic.at_span(where, code="E008",
                                                       message=t("includes nest deeper than {n} files",
                                                                 n=MAX_INCLUDE_DEPTH)))
            return
        shown = str(path) if include is None else os.path.normpath(path)  # `a/../base/c.kin` shown as `base/c.kin`
        # an include reads the resolved file the confinement check saw, not a link swapped in since
        text, problem = ((self.overlay[resolved], None) if resolved in self.overlay
                         else read_text(resolved if include is not None else path, shown=shown))
        if text is None:
            if problem is not None and include is not None:
                hint = t("paths are relative to the including file") if problem.code == "E006" else problem.hint
                problem = Diagnostic.at_span(include.span, code=problem.code,
                                             message=t("cannot include `{path}`: {reason}", path=include.path,
                                                       reason=problem.message), hint=hint)
            if problem is not None:
                self.diagnostics.append(problem)
            return
        self.done.add(resolved)
        # a file named on the command line or a catalog (*.kin) shows its lines in diagnostics;
        # an included file of any other name shows only the offending token, never a line of it
        if include is None or is_catalog_name(path):
            self.sources.add(shown, text)
        parsed, found = parse(text, shown)
        self.diagnostics.extend(found)
        for d in parsed.declarations:
            if isinstance(d, ast.Include):
                target = self.confine(d, path, limit)
                if target is not None:
                    self.read(target, stack + (resolved,), d, base or d.extends, limit)
        self.order.append(parsed)
        if base:
            self.base.add(shown)


def load(paths: Iterable[PathLike], overlay: Mapping[Path, str] | None = None) -> Loaded:
    """Read, check and compile; the catalog is None when any error was found. Includes stay
    inside the folder of the catalog named on the command line (or the folder named), or inside
    the catalog tree it lies in (`tree_root`). `overlay` gives the text of files an editor holds
    unsaved (by resolved path): `kinerja lsp` checks what the planner sees, not what is on disk."""
    reader = _Reader(overlay)
    for named in map(Path, paths):
        files, diagnostics = expand([named])
        reader.diagnostics.extend(diagnostics)
        folder = named.parent if files == [named] else named
        for f in files:
            reader.read(f, (), None, False, Confinement.of(folder))
    expanded, expansion = expand_files(reader.order)  # the checker and compiler see ordinary declarations
    symbols = build_symbol_table(expanded, reader.base)
    diagnostics = reader.diagnostics + expansion + (check(symbols) if expanded else [])
    diagnostics = with_sources(merged_instances(diagnostics), reader.sources)
    checked = approve(symbols, diagnostics) if reader.order else None
    catalog = compile_model(checked) if checked is not None else None
    return Loaded(catalog, diagnostics, expanded, symbols, reader.order)


def load_catalog(paths: PathLike | Iterable[PathLike]) -> Catalog:
    """The compiled catalog; raises CatalogError carrying every diagnostic on error."""
    loaded = load([paths] if isinstance(paths, (str, os.PathLike)) else paths)
    if loaded.catalog is None:
        raise CatalogError(loaded.diagnostics)
    return loaded.catalog
