"""Writing files: atomic writes, and the checks on `--out` made before anything is computed.

Only the standard library at the top: the CLI's start-up stays cheap.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kinerja_dsl.messages import t

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TypeAlias

    from kinerja_dsl.diagnostics import Diagnostic

    from ..evaluation.columnar import BulkResult
    from ..reports.tables import Table

    StrPath: TypeAlias = str | os.PathLike[str]    # a path as the command line gives it, or a Path

TABLE_SUFFIXES = (".xlsx", ".csv", ".md")  # the LKjIP tables, the kamus, a template


class OutputError(Exception):
    """A file that cannot be written (no such folder, no permission, disk full, a device): an I/O error, exit 3."""

    def __init__(self, path: StrPath, reason: str, code: str = "E006"):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.code = path, reason, code

    def diagnostic(self) -> Diagnostic:
        from kinerja_dsl.diagnostics import Diagnostic

        hint = (t("--out names a file to write, not a device or a FIFO") if self.code == "E010"
                else t("check that the folder exists and can be written"))
        return Diagnostic.for_file(str(self.path), code=self.code,
                                   message=t("cannot write the file: {reason}", reason=self.reason), hint=hint)


def write_atomic(path: StrPath, text: str | bytes) -> None:
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
            kind = t("is a directory") if stat.S_ISDIR(info.st_mode) else t("is not a regular file")
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


# ---- --out, checked before anything is computed or written ---------------------------------

@dataclass(frozen=True)
class Input:
    """A file a command reads, with the option that named it: what `--out` must not overwrite."""

    role: str          # "a catalog file", "--data", "--mapping", "--published", "PK_FILE"
    path: StrPath


def wrong_format(command: str, out: StrPath, suffixes: tuple[str, ...]) -> str | None:
    """The usage error when `--out` names a format the command does not write (the suffix
    counts in any case), else None."""
    path = Path(out)
    if path.suffix.lower() in suffixes:
        return None
    return t("kinerja {command}: --out writes {suffixes}, not `{given}`", command=command,
             suffixes=", ".join(suffixes), given=path.suffix or path.name)


def names_an_input(command: str, out: StrPath, inputs: Iterable[Input]) -> str | None:
    """The usage error when `--out` is one of the inputs (compared after symlinks, and by device
    and inode for hard links): writing it would destroy the data it was computed from."""
    for given in inputs:
        try:
            same = os.path.samefile(given.path, out)  # follows symlinks; a hard link is the same inode
        except (OSError, ValueError):  # --out does not exist yet: it cannot be an input
            same = False
        if same:
            return t("kinerja {command}: --out `{out}` is an input ({role} `{path}`); nothing was written",
                     command=command, out=out, role=given.role, path=given.path)
    return None


# ---- tables to files ---------------------------------------------------------------------

def write_tables(tables: list[Table], out: StrPath, locale: str, preamble: str = "") -> Diagnostic | None:
    """Tables to .xlsx (excel extra), .csv or .md, written atomically. Returns None, or the
    diagnostic (D009) when the format cannot be written here and nothing was."""
    from ..reports.tables import to_csv, to_markdown

    suffix = Path(out).suffix.lower()
    payload: str | bytes
    if suffix == ".xlsx":
        from .workbook import workbook_bytes

        book, problem = workbook_bytes(tables)
        if book is None:
            return problem
        payload = book
    elif suffix == ".csv":
        payload = "\ufeff" + preamble + to_csv(tables, locale)  # the BOM tells Excel it is UTF-8
    else:
        payload = to_markdown(tables, locale)
    write_atomic(Path(out), payload)
    return None


def json_lines(result: BulkResult) -> str:
    """`eval --each-office` as JSON lines: one object per office × indicator, then one per mean
    (sasaran, office, overall) of each office; exact decimals as strings, a blank as null."""
    import json

    from ..numbers import plain

    def shown(value: object) -> object:
        return plain(value) if isinstance(value, Decimal) else value

    lines = [json.dumps({"row": "indicator", **{k: shown(v) for k, v in row._asdict().items()}}, ensure_ascii=False)
             for row in result.rows()]
    lines += [json.dumps({"row": "mean", **{k: shown(v) for k, v in m._asdict().items()}}, ensure_ascii=False)
              for m in result.means()]
    return "".join(line + "\n" for line in lines)
